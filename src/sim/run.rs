//! Running one strategy through one replication: schedule, dispatch, sample, measure. The
//! one exhaustive `match` over [`Event`] is [`World::dispatch`] here.

use super::SimTime;
use super::event::Event;
use super::explain::PeopleOutcome;
use super::observe::{NoObserver, Observer};
pub use super::world::ReplicationInput;
use super::world::World;
use crate::input::scenario::{ActionKind, ExoEvent, ExoKind, SECONDS_PER_DAY, Scenario, Strategy};
use crate::metrics::Outcome;
use crate::rng::Streams;

/// Runs one replication of every strategy.
pub fn run_replication(scenario: &Scenario, seed: u64, replication: u64) -> Vec<Outcome> {
    let realised = super::population::realise(scenario, Streams::new(seed, replication));
    (0..scenario.strategies.len()).map(|s| simulate(scenario, s, realised.input())).collect()
}

/// [`run_replication`], with every person's outcome in each strategy (for `people.csv`).
pub fn run_replication_explained(
    scenario: &Scenario,
    seed: u64,
    replication: u64,
) -> (Vec<Outcome>, Vec<PeopleOutcome>) {
    let realised = super::population::realise(scenario, Streams::new(seed, replication));
    (0..scenario.strategies.len())
        .map(|s| simulate_with_end(scenario, s, realised.input(), |w| w.person_outcomes()))
        .unzip()
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
    mut after_event: impl FnMut(&World<'_>),
) -> Outcome {
    let probe = |world: &World<'_>, step: Step| {
        if let Step::Event(_) = step {
            after_event(world);
        }
    };
    run(scenario, strategy, input, NoObserver, probe, |_| ()).0
}

/// Where a run is when [`simulate_probed`] calls its probe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// The world at time 0 is built and the timeline scheduled; no event has run.
    Built,
    /// This event has just run.
    Event(Event),
    /// Every event up to the horizon has run and the final metrics are computed; the world is
    /// dropped next.
    Measured,
}

/// [`simulate`], calling `probe` at every [`Step`] (the benchmark times the phases of a run
/// with it; with a probe that does nothing this is [`simulate`]).
pub fn simulate_probed(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    probe: impl FnMut(&World<'_>, Step),
) -> Outcome {
    run(scenario, strategy, input, NoObserver, probe, |_| ()).0
}

/// [`simulate`], then `at_end` on the world at the horizon (e.g.
/// [`World::person_outcomes`]); gives its value back with the outcome.
pub fn simulate_with_end<R>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    at_end: impl FnOnce(&World<'_>) -> R,
) -> (Outcome, R) {
    let (outcome, _, r) = run(scenario, strategy, input, NoObserver, |_, _| {}, at_end);
    (outcome, r)
}

/// [`simulate`], telling `observer` of every state change as it happens; gives the observer
/// back with the outcome.
pub fn simulate_observed<O: Observer>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    observer: O,
) -> (Outcome, O) {
    let (outcome, observer, ()) = run(scenario, strategy, input, observer, |_, _| {}, |_| ());
    (outcome, observer)
}

/// [`simulate_observed`], then `at_end` on the world at the horizon.
pub fn simulate_observed_with_end<O: Observer, R>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    observer: O,
    at_end: impl FnOnce(&World<'_, O>) -> R,
) -> (Outcome, O, R) {
    run(scenario, strategy, input, observer, |_, _| {}, at_end)
}

/// The simulation loop: schedules the exogenous events and the strategy's actions, then runs
/// every event up to the horizon, sampling the daily series before each new day's first event;
/// `probe` sees each [`Step`], `at_end` the world at the horizon.
fn run<O: Observer, R>(
    scenario: &Scenario,
    strategy: usize,
    input: ReplicationInput<'_>,
    observer: O,
    mut probe: impl FnMut(&World<'_, O>, Step),
    at_end: impl FnOnce(&World<'_, O>) -> R,
) -> (Outcome, O, R) {
    let strategy = &scenario.strategies[strategy];
    let mut world = World::new(scenario, strategy, &input, observer);
    for (k, e) in input.events.iter().enumerate() {
        world.schedule(e.at, Event::Exogenous(k));
    }
    for (k, a) in strategy.actions.iter().enumerate() {
        world.schedule(a.at, Event::Action(k));
    }
    probe(&world, Step::Built);
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
        probe(&world, Step::Event(event));
    }
    world.end_at(horizon);
    while next_sample <= horizon {
        timeline.push(world.daily_sample());
        next_sample = next_sample + SECONDS_PER_DAY;
    }
    let outcome = Outcome { values: world.final_metrics(horizon), timeline };
    probe(&world, Step::Measured);
    let end = at_end(&world);
    (outcome, world.into_observer(), end)
}

impl<O: Observer> World<'_, O> {
    /// Handles one event. The one place every kind of event is dispatched.
    pub fn dispatch(&mut self, event: Event, events: &[ExoEvent]) {
        self.begin_event(event.trigger());
        match event {
            Event::Exogenous(k) => match &events[k].kind {
                ExoKind::ChangeIdpEmail { person, to } => {
                    let to = self.intern_email(to);
                    self.change_idp_email(*person, to);
                }
                ExoKind::RekeyIdpObject { person } => self.rekey(*person),
                ExoKind::Leave { person } => self.leave(*person),
                ExoKind::Join { person, spec } => self.join(*person, spec),
                ExoKind::Assign { person } => self.assign(*person),
                ExoKind::Unassign { person } => self.unassign(*person),
                ExoKind::Rehire { person, new_object, idp_groups } => {
                    self.rehire(*person, *new_object, idp_groups.as_deref())
                }
                ExoKind::DeleteIdpGroup { group } => self.delete_idp_group(*group),
                ExoKind::CreateIdpGroup { group, members } => {
                    self.create_idp_group(*group, members.as_deref())
                }
                ExoKind::IdpEmailDrift { person, ordinal } => self.idp_email_drift(*person, *ordinal),
                ExoKind::AddToIdpGroup { group, person } => self.add_to_idp_group(*group, *person),
                ExoKind::RemoveFromIdpGroup { group, person } => self.remove_from_idp_group(*group, *person),
                ExoKind::MoveDomain { from, to, share, ordinal } => {
                    self.move_domain(from, to, *share, *ordinal)
                }
            },
            Event::Action(k) => {
                let strategy: &Strategy = self.strategy();
                match &strategy.actions[k].kind {
                    ActionKind::VerifyDomain(d) => self.verify_domain(*d),
                    ActionKind::ClaimAccounts { domain, auto } => self.claim_accounts(*domain, *auto),
                    ActionKind::CreateAccount { email, person } => self.create_admin_account(email, *person),
                    ActionKind::EnableScim => self.enable_scim(),
                    ActionKind::Migrate(options) => self.migrate(options),
                    ActionKind::FixEmails { coverage } => self.fix_emails(*coverage),
                    ActionKind::Cutover { login_spread } => self.cutover(*login_spread),
                    ActionKind::DisableScim(method) => self.disable_scim(*method),
                    ActionKind::AlignSso => self.align_sso(),
                    ActionKind::ResumeScim(mode) => self.resume_scim(*mode),
                    ActionKind::Resync { people } => self.resync(people.as_deref()),
                }
            }
            Event::SyncTick { generation } => self.sync_tick(generation),
            Event::SignIn { person } => self.sign_in(person),
            Event::ServerEmailFollows { person, email } => self.server_email_follows(person, email),
            Event::ServerDeactivates { person } => self.server_deactivates(person),
            Event::ServerReactivates { person } => self.server_reactivates(person),
        }
        self.settle();
    }
}
