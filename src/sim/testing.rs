//! Helpers for the rules' unit tests: run one strategy of a small scenario and look at the
//! world it ends with.

#![cfg(test)]

use crate::input::scenario::Scenario;
use crate::input::validate::scenario_from_value;
use crate::metrics::Outcome;
use crate::rng::Streams;
use crate::sim::population::realise;
use crate::sim::simulate_with;
use crate::sim::world::World;
use serde_json::Value;

/// The checked scenario of `file` (panics with its problems when it is not valid).
pub fn scenario(file: &Value) -> Scenario {
    scenario_from_value(file).unwrap_or_else(|p| panic!("invalid test scenario: {p:#?}"))
}

/// Runs strategy `strategy` of `scenario` in replication 0 and returns its outcome and what
/// `look` says of the world after the last event.
pub fn run_and_look<R>(scenario: &Scenario, strategy: usize, look: impl Fn(&World<'_>) -> R) -> (Outcome, R) {
    let realised = realise(scenario, Streams::new(scenario.seed, 0));
    let mut last = None;
    let outcome = simulate_with(scenario, strategy, realised.input(), |world| last = Some(look(world)));
    (outcome, last.expect("at least one event runs"))
}
