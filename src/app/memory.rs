//! The memory policy: a run or sweep whose estimated memory exceeds what the process may use is
//! refused before anything runs, with the estimate, the limit that applies and what to change.
//!
//! The estimate counts every part that grows (constants measured as maximum resident memory
//! with `/usr/bin/time -v` at three sizes each, then rounded up; README "Bad input,
//! interruptions and robustness" has the figures): each replication in flight holds its
//! people's slots (the organisation, its emails and a strategy's world) and its events (drift,
//! churn and the scenario's own, at their rates over the horizon); the scenario holds its
//! listed people, and a sweep's plan a copy of them per grid point; the outcomes of the
//! replications kept until they are aggregated, each grid point's statistics, and with
//! `people.csv` a tally per person and strategy. The limit is the smallest of the memory the
//! system has available, the cgroup's limit and the address-space limit (`ulimit -v`), which
//! also has to hold every thread's stack and allocator arena.

use super::error::Error;
use crate::format::human_bytes;
use crate::input::scenario::{Population, Scenario};
use std::fs;

/// Bytes of one person slot of a replication in flight: the realised person, their emails and
/// one strategy's world (measured 735 B: 42 MiB at 50,000 people, 292 MiB at 400,000).
const BYTES_PER_SLOT: u64 = 768;
/// Bytes of one event of a replication (the generated event and its place in the queue;
/// measured 272 B: 1,000,000 drift events 260 MiB, 4,000,000 events 1,040 MiB).
const BYTES_PER_EVENT: u64 = 288;
/// Bytes of one listed person of the scenario, as read (the file's text and its JSON tree
/// while it is read, then the person; measured 3.4 KiB per person in all for a run of 50,000
/// and 200,000 listed people, of which a slot and `people.csv`'s tallies are counted apart).
const BYTES_PER_LISTED_PERSON: u64 = 2_560;
/// Bytes of a listed person in each grid point's scenario of a sweep's plan (measured 371 B a
/// point: 1, 20 and 40 points of 20,000 listed people, 113, 249 and 390 MiB; 448 covers the
/// sweep's reading of its base scenario too).
const BYTES_PER_PLANNED_PERSON: u64 = 448;
/// Bytes of one person's outcome in one strategy (`PersonOutcome`) and of their tally
/// (`PersonTally`), rounded up.
const PERSON_OUTCOME_BYTES: u64 = 48;
const PERSON_TALLY_BYTES: u64 = 64;
/// Bytes of one strategy's statistics of one metric at one grid point (summary and paired
/// difference).
const POINT_STATISTIC_BYTES: u64 = 256;
/// The program, its libraries and its buffers (measured 6 MiB).
const BASE_BYTES: u64 = 16 << 20;
/// Address space a thread reserves beyond what it uses (its stack and its allocator arena):
/// a 200,000-person run of 149 MiB resident needs 200–300 MB of address space at `-j 1`, and
/// two replications at `-j 2` (292 MiB resident) 400–600 MB.
const ADDRESS_SPACE_PER_THREAD: u64 = 64 << 20;

/// What a run keeps in memory: replications simulated at once, and replications whose
/// outcomes (metrics and daily series) are kept until they are aggregated.
#[derive(Debug, Clone, Copy)]
pub struct MemoryUse {
    /// Replications in flight (at most one per thread; a strategy's world each when the
    /// strategies of a replication run in parallel).
    pub in_flight: u64,
    /// Replications whose outcomes are kept together.
    pub kept: u64,
    /// Each person's outcomes are counted (`people.csv`): a tally per person and strategy, and
    /// each replication in flight holds its people's outcomes until they are folded in.
    pub people: bool,
    /// Worker threads.
    pub threads: u64,
    /// Grid points of a sweep: each holds its scenario in the plan and its statistics (0 for
    /// a run).
    pub points: u64,
}

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
        MemoryUse {
            in_flight: at_once.min(threads).max(1),
            kept: replications,
            people: false,
            threads,
            points: 0,
        }
    }

    /// A sweep of `points` grid points and `total` replications in chunks of `chunk` (or one
    /// point's `per_point`).
    pub fn sweep(points: u64, total: u64, per_point: u64, chunk: u64, threads: usize) -> MemoryUse {
        let threads = threads.max(1) as u64;
        MemoryUse {
            in_flight: total.min(threads).max(1),
            kept: chunk.max(per_point).min(total),
            people: false,
            threads,
            points,
        }
    }
}

/// The estimate of a run: its bytes in all and per replication in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Bytes in all.
    pub total: u64,
    /// Bytes of one replication in flight.
    pub per_replication: u64,
}

/// The events a replication of `scenario` has, generously: the scenario's own, generated
/// drift for every slot over the whole horizon, and 1.2 times the expected joiners and leavers.
fn estimated_events(scenario: &Scenario, slots: u64) -> u64 {
    let days = f64::from(scenario.horizon_days);
    let drift = scenario.drift.idp_email_changes_per_person_year + scenario.drift.idp_rekeys_per_person_year;
    let drift = slots as f64 * drift * days / 365.0;
    let churn = (scenario.churn.joiners_per_day + scenario.churn.leavers_per_day) * days;
    let generated = ((drift + churn) * 1.2).ceil();
    // A float beyond u64 saturates.
    (scenario.events.len() as u64).saturating_add(generated as u64)
}

/// The estimated peak memory of running `scenario` as `usage` says.
pub fn estimate(scenario: &Scenario, usage: MemoryUse) -> Estimate {
    let slots = scenario.estimated_people_slots();
    let series = (scenario.strategies.len() as u64).saturating_mul(u64::from(scenario.horizon_days) + 1) * 24;
    let per_replication = slots
        .saturating_mul(BYTES_PER_SLOT)
        .saturating_add(estimated_events(scenario, slots).saturating_mul(BYTES_PER_EVENT))
        .saturating_add(series);
    let listed = match &scenario.population {
        Population::Explicit(people) => people.len() as u64,
        Population::Synthetic(_) => 0,
    };
    let strategies = scenario.strategies.len() as u64;
    let mut total = BASE_BYTES
        .saturating_add(per_replication.saturating_mul(usage.in_flight))
        .saturating_add(scenario.outcome_bytes().saturating_mul(usage.kept))
        .saturating_add(listed.saturating_mul(BYTES_PER_LISTED_PERSON))
        .saturating_add(usage.points.saturating_mul(listed).saturating_mul(BYTES_PER_PLANNED_PERSON))
        .saturating_add(
            usage
                .points
                .saturating_mul(strategies * crate::metrics::N_COLUMNS as u64)
                .saturating_mul(POINT_STATISTIC_BYTES),
        );
    if usage.people {
        let per_slot = PERSON_TALLY_BYTES + PERSON_OUTCOME_BYTES.saturating_mul(usage.in_flight);
        total = total.saturating_add(slots.saturating_mul(strategies).saturating_mul(per_slot));
    }
    Estimate { total, per_replication }
}

/// The limits on the memory this process may use, where known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Memory the system can give now (Linux `MemAvailable`).
    pub available: Option<u64>,
    /// The cgroup's memory limit (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`).
    pub cgroup: Option<u64>,
    /// The address-space limit (`RLIMIT_AS`, `ulimit -v`).
    pub address_space: Option<u64>,
}

impl Limits {
    /// The limits of this process now.
    pub fn now() -> Limits {
        Limits { available: available_memory(), cgroup: cgroup_limit(), address_space: address_space_limit() }
    }
}

/// Memory the system can give now (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// A limit read from a cgroup file: a number of bytes (`max`, or one too large to be a
/// limit, is none).
fn limit_in(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok().filter(|&b| b < 1 << 60)
}

/// This process's cgroup memory limit: cgroup v2's `memory.max` of its own group (or of the
/// root of the mount, in a container), else cgroup v1's `memory.limit_in_bytes`.
fn cgroup_limit() -> Option<u64> {
    let own = fs::read_to_string("/proc/self/cgroup").ok().and_then(|t| {
        t.lines()
            .find_map(|l| l.strip_prefix("0::").map(|p| format!("/sys/fs/cgroup{}/memory.max", p.trim())))
    });
    let candidates = own.into_iter().chain([
        "/sys/fs/cgroup/memory.max".to_string(),
        "/sys/fs/cgroup/memory/memory.limit_in_bytes".to_string(),
    ]);
    candidates.filter_map(|p| fs::read_to_string(p).ok()).find_map(|t| limit_in(&t))
}

/// The address-space limit (`RLIMIT_AS`), if one is set.
fn address_space_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes the limit into the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0
            || limit.rlim_cur == libc::RLIM_INFINITY
        {
            return None;
        }
        Some(limit.rlim_cur)
    }
    #[cfg(not(unix))]
    None
}

/// Refuses a run whose estimated memory exceeds what the process may use, saying what to
/// change.
pub fn check_memory(scenario: &Scenario, usage: MemoryUse) -> Result<(), Error> {
    memory_verdict(scenario, usage, Limits::now())
}

/// [`check_memory`] against given limits: the one that leaves the least room applies (the
/// address space must also hold a stack and an arena per thread, and a quarter more than the
/// resident memory, measured).
pub fn memory_verdict(scenario: &Scenario, usage: MemoryUse, limits: Limits) -> Result<(), Error> {
    let estimate = estimate(scenario, usage);
    // Each limit as the resident memory it leaves room for, with what to call it.
    let room =
        |limit: u64, what: &str| -> (u64, String) { (limit, format!("{what} of {}", human_bytes(limit))) };
    let address_space = |limit: u64| {
        let reserved = ADDRESS_SPACE_PER_THREAD.saturating_mul(usage.threads.max(1));
        (
            limit.saturating_sub(reserved) / 5 * 4,
            format!("the address-space limit (ulimit -v) of {}", human_bytes(limit)),
        )
    };
    let applies = [
        limits.available.map(|b| room(b, "the memory available")),
        limits.cgroup.map(|b| room(b, "the cgroup's memory limit")),
        limits.address_space.map(address_space),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(room, _)| *room);
    match applies {
        Some((room, what)) if estimate.total > room => Err(Error::Usage(format!(
            "{} needs about {} ({} per replication, {} at once, and the results of {} replication{}), \
             more than {what} leaves room for (about {}); run with fewer people, fewer replications (-r) \
             or fewer threads (-j 1 holds one replication at a time){}",
            scenario.name,
            human_bytes(estimate.total),
            human_bytes(estimate.per_replication),
            usage.in_flight,
            usage.kept,
            if usage.kept == 1 { "" } else { "s" },
            human_bytes(room),
            if scenario.drift.is_none() && scenario.churn.is_none() {
                ""
            } else {
                ", or lower the drift and churn rates or the horizon"
            }
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::validate::scenario_from_value;

    fn scenario(value: serde_json::Value) -> Scenario {
        scenario_from_value(&value).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn million() -> Scenario {
        scenario(serde_json::json!({
            "name": "big", "horizon_days": 30, "products": ["jira"], "domains": [{"name": "a.com"}],
            "population": {"synthetic": {"people": 1_000_000}},
            "strategies": [{"name": "s", "timeline": []}]
        }))
    }

    const GIB: u64 = 1 << 30;

    #[test]
    fn runs_that_would_not_fit_are_refused_with_an_estimate_and_the_limit_that_applies() {
        let big = million();
        let per = estimate(&big, MemoryUse::run(1, 1, 1)).per_replication;
        assert!((760_000_000..800_000_000).contains(&per), "{per}");
        let available = |b| Limits { available: Some(b), ..Limits::default() };
        assert!(memory_verdict(&big, MemoryUse::run(10, 1, 2), available(4 * GIB)).is_ok());
        assert!(memory_verdict(&big, MemoryUse::run(10, 1, 2), Limits::default()).is_ok(), "no limit known");
        let err = memory_verdict(&big, MemoryUse::run(10, 1, 8), available(4 * GIB)).unwrap_err().to_string();
        assert_eq!(
            err,
            "big needs about 5.7 GiB (732 MiB per replication, 8 at once, and the results of 10 replications), \
             more than the memory available of 4.0 GiB leaves room for (about 4.0 GiB); run with fewer people, \
             fewer replications (-r) or fewer threads (-j 1 holds one replication at a time)"
        );
        assert!(
            memory_verdict(&big, MemoryUse::run(1, 1, 8), available(GIB)).is_ok(),
            "one replication in flight"
        );
        // The cgroup's limit, when it is the smallest.
        let cgroup = Limits { available: Some(64 * GIB), cgroup: Some(4 * GIB), address_space: None };
        let err = memory_verdict(&big, MemoryUse::run(10, 1, 8), cgroup).unwrap_err().to_string();
        assert!(err.contains("more than the cgroup's memory limit of 4.0 GiB leaves room for"), "{err}");
        // The address space holds the threads' reservations too: 1.4 GiB of resident memory
        // fits in 1.8 GiB of memory, not in 1.8 GiB of address space.
        let two = MemoryUse::run(2, 1, 2);
        assert!(memory_verdict(&big, two, available(18 * GIB / 10)).is_ok());
        let limited =
            Limits { available: Some(64 * GIB), cgroup: Some(64 * GIB), address_space: Some(18 * GIB / 10) };
        let err = memory_verdict(&big, two, limited).unwrap_err().to_string();
        assert!(
            err.contains(
                "more than the address-space limit (ulimit -v) of 1.8 GiB leaves room for (about 1.3 GiB)"
            ),
            "{err}"
        );
        // Counting each person (`people.csv`) adds a tally per person and strategy.
        let counted = MemoryUse { people: true, ..MemoryUse::run(10, 1, 2) };
        let without = estimate(&big, MemoryUse::run(10, 1, 2)).total;
        assert_eq!(estimate(&big, counted).total - without, 1_000_000 * (64 + 2 * 48));
    }

    #[test]
    fn drift_churn_listed_people_a_plan_and_kept_results_count() {
        // A long horizon at the highest drift rate: a person has 3,650 events a decade.
        let drifting = scenario(serde_json::json!({
            "name": "drift", "horizon_days": 3650, "products": ["jira"], "domains": [{"name": "a.com"}],
            "population": {"synthetic": {"people": 1000}},
            "drift": {"idp_email_changes_per_person_year": 365},
            "strategies": [{"name": "s", "timeline": []}]
        }));
        let e = estimate(&drifting, MemoryUse::run(1, 1, 1));
        assert!(e.per_replication > 1000 * 3650 * BYTES_PER_EVENT, "{e:?}");
        let churning = scenario(serde_json::json!({
            "name": "churn", "horizon_days": 1000, "products": ["jira"], "domains": [{"name": "a.com"}],
            "population": {"synthetic": {"people": 10}},
            "churn": {"joiners_per_day": 1000, "leavers_per_day": 1000},
            "strategies": [{"name": "s", "timeline": []}]
        }));
        // 1.2 million joiner slots and 2.4 million events.
        let e = estimate(&churning, MemoryUse::run(1, 1, 1)).per_replication;
        assert!(e > 1_200_000 * BYTES_PER_SLOT + 2_400_000 * BYTES_PER_EVENT, "{e}");
        // Listed people are held once by the scenario, and once per grid point by a plan.
        let people: Vec<serde_json::Value> = (0..1000)
            .map(|i| serde_json::json!({"id": format!("p{i}"), "idp_email": format!("p{i}@a.com")}))
            .collect();
        let listed = scenario(serde_json::json!({
            "name": "listed", "horizon_days": 10, "products": ["jira"],
            "population": {"people": people}, "strategies": [{"name": "s", "timeline": []}]
        }));
        let run = estimate(&listed, MemoryUse::run(1, 1, 1)).total;
        let swept = estimate(&listed, MemoryUse::sweep(100, 100, 1, 256, 1)).total;
        assert!(swept - run >= 100 * 1000 * BYTES_PER_PLANNED_PERSON, "{run} {swept}");
        // Kept results: 100,000 replications of a 10-year daily series of two strategies.
        let long = scenario(serde_json::json!({
            "name": "long", "horizon_days": 3650, "products": ["jira"],
            "population": {"people": [{"id": "a"}]},
            "strategies": [{"name": "s", "timeline": []}, {"name": "t", "timeline": []}]
        }));
        let available = Limits { available: Some(8 * GIB), ..Limits::default() };
        assert!(memory_verdict(&long, MemoryUse::run(100_000, 2, 2), available).is_err());
        assert!(memory_verdict(&long, MemoryUse::sweep(1000, 100_000, 100, 256, 2), available).is_ok());
    }

    #[test]
    fn cgroup_limits_are_read_as_bytes_or_none() {
        assert_eq!(limit_in("4294967296\n"), Some(4 * GIB));
        assert_eq!(limit_in("max\n"), None);
        assert_eq!(limit_in("9223372036854771712\n"), None, "cgroup v1's no limit");
    }
}
