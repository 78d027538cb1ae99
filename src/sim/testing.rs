//! Helpers for the rules' unit tests: run one strategy of a small explicit scenario and look
//! at the world as the run goes, or at the world it ends with.

#![cfg(test)]

use crate::input::scenario::Scenario;
use crate::input::validate::scenario_from_value;
use crate::metrics::Outcome;
use crate::rng::Streams;
use crate::sim::population::realise;
use crate::sim::world::World;
use crate::sim::{AccountId, GroupId, SimTime, simulate_with};
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

/// Runs strategy `strategy` of scenario `v` (replication 0) and returns its outcome with
/// `look`'s value on the world after the last event at or before each of `days`, in order.
/// `look` also sees the world after every earlier event, where what it looks for may not exist
/// yet: it returns an `Option` for that.
pub(crate) fn run_looking<T>(
    v: &Value,
    strategy: usize,
    days: &[f64],
    look: impl Fn(&World<'_>) -> Option<T>,
) -> (Outcome, Vec<Option<T>>) {
    let scenario = scenario(v);
    let realised = realise(&scenario, Streams::new(scenario.seed, 0));
    let mut seen: Vec<Option<T>> = days.iter().map(|_| None).collect();
    let outcome = simulate_with(&scenario, strategy, realised.input(), |world| {
        for (k, &day) in days.iter().enumerate() {
            if world.now() <= SimTime::from_days(day) {
                seen[k] = look(world);
            }
        }
    });
    (outcome, seen)
}

/// Runs strategy `strategy` of scenario `v` (replication 0).
pub(crate) fn run(v: &Value, strategy: usize) -> Outcome {
    run_looking(v, strategy, &[], |_| Some(())).0
}

/// The account holding `email`, if any.
pub(crate) fn account(world: &World<'_>, email: &str) -> Option<AccountId> {
    world.emails().get(email).and_then(|e| world.account_by_email(e))
}

/// True when account `a` is a member of the live cloud group of name index `g`.
pub(crate) fn in_group(world: &World<'_>, g: usize, a: AccountId) -> bool {
    world.cloud_group(GroupId::from_index(g)).is_some_and(|c| c.members.contains(&a))
}

/// A timeline that first verifies acme.com, seeds it with the admin account `admin@acme.com`
/// and claims it with `auto` (R2′: the claim needs an account), then enables SCIM at d1, then
/// runs `later`.
pub(crate) fn acme_scim_timeline(later: &[Value]) -> Value {
    let mut timeline = vec![
        serde_json::json!({"day": 0, "do": "verify_domain", "domain": "acme.com"}),
        serde_json::json!({"day": 0, "do": "create_account", "email": "admin@acme.com"}),
        serde_json::json!({"day": 0, "do": "claim_accounts", "auto": true}),
        serde_json::json!({"day": 1, "do": "enable_scim"}),
    ];
    timeline.extend_from_slice(later);
    Value::Array(timeline)
}

/// The bundled scenario files under `scenarios/` (`*.json` that are not sweeps), sorted by
/// path.
pub(crate) fn bundled_scenarios() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut paths: Vec<_> = entries.map(|e| e.expect("readable folder entry").path()).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                walk(&path, found);
            } else if name.ends_with(".json") && !name.ends_with(".sweep.json") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"), &mut found);
    assert!(found.len() >= 17, "expected the bundled scenarios, found {}", found.len());
    found
}
