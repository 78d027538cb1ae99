//! The memory policy: a run or sweep whose estimated memory exceeds what the system has
//! available is refused before anything runs, with the estimate and what to change.

use super::error::Error;
use crate::format::human_bytes;
use crate::input::scenario::Scenario;
use std::fs;

/// Memory the system can give now (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// What a run keeps in memory: replications simulated at once, and replications whose
/// outcomes (metrics and daily series) are kept until they are aggregated.
#[derive(Debug, Clone, Copy)]
pub struct MemoryUse {
    /// Replications in flight (at most one per thread).
    pub in_flight: u64,
    /// Replications whose outcomes are kept together.
    pub kept: u64,
    /// Each person's outcomes are counted (`people.csv`): a tally per person and strategy, and
    /// each replication in flight holds its people's outcomes until they are folded in.
    pub people: bool,
}

/// Bytes of one person's outcome in one strategy (`PersonOutcome`) and of their tally
/// (`PersonTally`), rounded up.
const PERSON_OUTCOME_BYTES: u64 = 48;
const PERSON_TALLY_BYTES: u64 = 64;

impl MemoryUse {
    /// A run of `replications` of `strategies` strategies on `threads` threads: all outcomes
    /// are kept. When the strategies of a replication run in parallel, every thread may hold a
    /// world (each counted as a whole replication, generously).
    pub fn run(replications: u64, strategies: usize, threads: usize) -> MemoryUse {
        let threads = threads.max(1) as u64;
        let at_once = if super::parallel::strategies_in_parallel(replications, threads as usize) {
            replications.saturating_mul(strategies as u64)
        } else {
            replications
        };
        MemoryUse { in_flight: at_once.min(threads).max(1), kept: replications, people: false }
    }

    /// A sweep of `total` replications in chunks of `chunk` (or one point's `per_point`).
    pub fn sweep(total: u64, per_point: u64, chunk: u64, threads: usize) -> MemoryUse {
        MemoryUse {
            in_flight: total.min(threads.max(1) as u64).max(1),
            kept: chunk.max(per_point).min(total),
            people: false,
        }
    }
}

/// Refuses a run whose estimated memory exceeds what the system has available, saying what
/// to change.
pub fn check_memory(scenario: &Scenario, usage: MemoryUse) -> Result<(), Error> {
    memory_verdict(scenario, usage, available_memory())
}

/// [`check_memory`] against a given amount of available memory.
pub fn memory_verdict(scenario: &Scenario, usage: MemoryUse, available: Option<u64>) -> Result<(), Error> {
    let per = scenario.estimated_bytes_per_replication();
    let mut need = per
        .saturating_mul(usage.in_flight)
        .saturating_add(scenario.outcome_bytes().saturating_mul(usage.kept));
    if usage.people {
        let slots = scenario.estimated_people_slots().saturating_mul(scenario.strategies.len() as u64);
        let per_slot = PERSON_TALLY_BYTES + PERSON_OUTCOME_BYTES.saturating_mul(usage.in_flight);
        need = need.saturating_add(slots.saturating_mul(per_slot));
    }
    match available {
        Some(have) if need > have => Err(Error::Usage(format!(
            "{} needs about {} ({} per replication, {} at once, and the results of {} replications) \
             but only {} is available; run with fewer threads (-j 1 holds one replication at a time), \
             fewer replications or fewer people",
            scenario.name,
            human_bytes(need),
            human_bytes(per),
            usage.in_flight,
            usage.kept,
            human_bytes(have)
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::validate::scenario_from_value;

    #[test]
    fn runs_that_would_not_fit_are_refused_with_an_estimate() {
        let scenario = scenario_from_value(&serde_json::json!({
            "name": "big", "horizon_days": 30, "products": ["jira"], "domains": [{"name": "a.com"}],
            "population": {"synthetic": {"people": 1_000_000}},
            "strategies": [{"name": "s", "timeline": []}]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        let per = scenario.estimated_bytes_per_replication();
        assert!((1_000_000_000..1_200_000_000).contains(&per), "{per}");
        assert!(memory_verdict(&scenario, MemoryUse::run(10, 1, 2), Some(4 << 30)).is_ok());
        assert!(memory_verdict(&scenario, MemoryUse::run(10, 1, 2), None).is_ok());
        let err = memory_verdict(&scenario, MemoryUse::run(10, 1, 8), Some(4 << 30)).unwrap_err().to_string();
        assert_eq!(
            err,
            "big needs about 7.6 GiB (978 MiB per replication, 8 at once, and the results of 10 replications) \
             but only 4.0 GiB is available; run with fewer threads (-j 1 holds one replication at a time), \
             fewer replications or fewer people"
        );
        assert!(
            memory_verdict(&scenario, MemoryUse::run(1, 1, 8), Some(2 << 30)).is_ok(),
            "one replication is one in flight"
        );
        // Counting each person (`people.csv`) adds a tally per person and strategy.
        let counted = MemoryUse { people: true, ..MemoryUse::run(10, 1, 2) };
        assert!(memory_verdict(&scenario, counted, Some(2_050 << 20)).is_err());
        assert!(memory_verdict(&scenario, MemoryUse::run(10, 1, 2), Some(2_050 << 20)).is_ok());
        // Kept results count too: 100,000 replications of a 10-year daily series.
        let long = scenario_from_value(&serde_json::json!({
            "name": "long", "horizon_days": 3650, "products": ["jira"],
            "population": {"people": [{"id": "a"}]},
            "strategies": [{"name": "s", "timeline": []}, {"name": "t", "timeline": []}]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        assert!(memory_verdict(&long, MemoryUse::run(100_000, 2, 2), Some(8 << 30)).is_err());
        assert!(memory_verdict(&long, MemoryUse::sweep(100_000, 100, 256, 2), Some(8 << 30)).is_ok());
    }
}
