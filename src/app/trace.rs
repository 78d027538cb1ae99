//! `scimsim trace`: one replication of one strategy, with the journal on, told person by person
//! (DESIGN §10). The replication's streams are `run`'s, so the story explains exactly the row
//! `run` writes for it in `replications.csv`.

use super::error::Error;
use super::files::load_scenario;
use crate::ids::PersonId;
use crate::input::reader::did_you_mean;
use crate::input::scenario::Scenario;
use crate::report::trace::{self, Trace};
use crate::rng::Streams;
use crate::sim::explain::{PeopleOutcome, PersonView};
use crate::sim::journal::Journal;
use crate::sim::population::{realise, slot_names};
use crate::sim::simulate_observed_with_end;
use std::io::Write;
use std::path::Path;

/// How `trace` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceFormat {
    /// For people.
    #[default]
    Text,
    /// One JSON object per line, for tools.
    Jsonl,
}

/// Options of `trace`.
#[derive(Debug, Clone, Default)]
pub struct TraceOptions {
    /// The strategy's name.
    pub strategy: String,
    /// The replication (0-based, as in `replications.csv`).
    pub replication: u64,
    /// The seed, overriding the file's (as `run --seed`).
    pub seed: Option<u64>,
    /// Only these people (scenario ids); everyone when empty, affected people first.
    pub people: Vec<String>,
    /// Text or JSON lines.
    pub format: TraceFormat,
}

/// The people named on the command line, as ids; an unknown name is a usage error with a
/// did-you-mean.
fn chosen_people(names: &[String], wanted: &[String]) -> Result<Vec<PersonId>, Error> {
    let known: Vec<&str> = names.iter().map(String::as_str).filter(|n| !n.is_empty()).collect();
    wanted
        .iter()
        .map(|w| {
            names.iter().position(|n| n == w).map(PersonId::from_index).ok_or_else(|| {
                let hint =
                    did_you_mean(w, &known).map(|b| format!(" (did you mean `{b}`?)")).unwrap_or_default();
                Error::Usage(format!("--person: no person `{w}` in this replication{hint}"))
            })
        })
        .collect()
}

fn strategy_index(scenario: &Scenario, name: &str) -> Result<usize, Error> {
    scenario.strategies.iter().position(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = scenario.strategies.iter().map(|s| s.name.as_str()).collect();
        let hint = match did_you_mean(name, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                format!("one of {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            }
        };
        Error::Usage(format!("--strategy: no strategy `{name}` in {} ({hint})", scenario.name))
    })
}

/// Runs `trace` on the scenario at `path`, writing to `out`.
pub fn trace_to(path: &Path, options: &TraceOptions, out: &mut dyn Write) -> Result<(), Error> {
    let scenario = load_scenario(path)?;
    let k = strategy_index(&scenario, &options.strategy)?;
    let seed = options.seed.unwrap_or(scenario.seed);
    let realised = realise(&scenario, Streams::new(seed, options.replication));
    let names = slot_names(&scenario, realised.people.len() + realised.n_joiners);
    let chosen = chosen_people(&names, &options.people)?;
    let journal = if chosen.is_empty() { Journal::everyone() } else { Journal::of(chosen.clone()) };
    let (_, journal, (outcomes, views)) =
        simulate_observed_with_end(&scenario, k, realised.input(), journal, |w| {
            let outcomes: PeopleOutcome = w.person_outcomes();
            let views: Vec<PersonView> =
                (0..w.people().len()).map(|i| w.person_view(PersonId::from_index(i))).collect();
            (outcomes, views)
        });
    // Everyone who existed (a joiner slot nobody filled is left out), affected people first.
    let order: Vec<PersonId> = if chosen.is_empty() {
        let present = |p: &PersonId| !names[p.index()].is_empty();
        let all: Vec<PersonId> = (0..names.len()).map(PersonId::from_index).filter(present).collect();
        let (affected, fine): (Vec<PersonId>, Vec<PersonId>) =
            all.into_iter().partition(|p| outcomes.people[p.index()].affected());
        affected.into_iter().chain(fine).collect()
    } else {
        chosen
    };
    let t = Trace {
        scenario: &scenario,
        strategy: k,
        replication: options.replication,
        seed,
        names: &names,
        events: &realised.events,
        entries: &journal.entries,
        people: order.iter().map(|&p| (p, &outcomes.people[p.index()], &views[p.index()])).collect(),
        unowned_billable_accounts: options.people.is_empty().then_some(outcomes.unowned_billable_accounts),
    };
    let text = match options.format {
        TraceFormat::Text => trace::text(&t),
        TraceFormat::Jsonl => trace::jsonl(&t),
    };
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(super::console::stdout_error)
}

/// Runs `trace` on the scenario at `path`, printing to standard output.
pub fn trace(path: &Path, options: &TraceOptions) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    trace_to(path, options, &mut lock)
}
