//! Running one strategy through one replication: schedule, dispatch, sample, measure.

use super::SimTime;
use super::emails::EmailBook;
use super::event::Event;
use super::observe::{NoObserver, Observer};
use super::world::{PersonEmails, World};
use crate::input::scenario::{ExoEvent, PersonSpec, SECONDS_PER_DAY, Scenario};
use crate::metrics::Outcome;
use crate::rng::Streams;

/// What one replication gives every strategy alike (common random numbers).
#[derive(Debug, Clone, Copy)]
pub struct ReplicationInput<'a> {
    /// The organisation at the start.
    pub people: &'a [PersonSpec],
    /// Their interned emails, person by person.
    pub emails: &'a [PersonEmails],
    /// Every email known before the run.
    pub book: &'a EmailBook,
    /// The realised exogenous events, in run order.
    pub events: &'a [ExoEvent],
    /// Joiner slots (every `join` names one of the ids after the people at the start).
    pub n_joiners: usize,
    /// The replication's random streams.
    pub streams: Streams,
}

/// Runs one replication of every strategy.
pub fn run_replication(scenario: &Scenario, seed: u64, replication: u64) -> Vec<Outcome> {
    let realised = super::population::realise(scenario, Streams::new(seed, replication));
    (0..scenario.strategies.len()).map(|s| simulate(scenario, s, realised.input())).collect()
}

/// Runs strategy `strategy` of `scenario` through one replication.
pub fn simulate(scenario: &Scenario, strategy: usize, input: ReplicationInput<'_>) -> Outcome {
    simulate_with(scenario, strategy, input, |_| {})
}

/// [`simulate`], calling `after_event` with the world after every event (tests use it to
/// check invariants).
pub fn simulate_with(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    after_event: impl FnMut(&World<'_>),
) -> Outcome {
    run(scenario, strategy, input, NoObserver, after_event).0
}

/// [`simulate`], telling `observer` of every state change as it happens; gives the observer
/// back with the outcome.
pub fn simulate_observed<O: Observer>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    observer: O,
) -> (Outcome, O) {
    run(scenario, strategy, input, observer, |_| {})
}

/// The simulation loop: schedules the exogenous events and the strategy's actions, then runs
/// every event up to the horizon, sampling the daily series before each new day's first event.
fn run<O: Observer>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    observer: O,
    mut after_event: impl FnMut(&World<'_, O>),
) -> (Outcome, O) {
    let strategy = &scenario.strategies[strategy];
    let mut world = World::new(scenario, strategy, &input, observer);
    for (k, e) in input.events.iter().enumerate() {
        world.schedule(e.at, Event::Exogenous(k));
    }
    for (k, a) in strategy.actions.iter().enumerate() {
        world.schedule(a.at, Event::Action(k));
    }
    let horizon = scenario.horizon();
    let mut timeline = Vec::with_capacity(scenario.horizon_days as usize + 1);
    let mut next_sample = SimTime(0);
    while let Some(at) = world.next_event_time() {
        if at > horizon {
            break;
        }
        while next_sample < at {
            timeline.push(world.daily_sample());
            next_sample = next_sample + SECONDS_PER_DAY;
        }
        let Some(event) = world.take_next_event() else { break };
        world.dispatch(event, input.events);
        after_event(&world);
    }
    world.end_at(horizon);
    while next_sample <= horizon {
        timeline.push(world.daily_sample());
        next_sample = next_sample + SECONDS_PER_DAY;
    }
    let outcome = Outcome { values: world.final_metrics(horizon), timeline };
    (outcome, world.into_observer())
}
