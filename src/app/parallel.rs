//! Plan, run in parallel, aggregate in order (DESIGN §6, §8): the only module that starts
//! threads.
//!
//! Replications run on rayon; each replication runs every strategy on the same organisation
//! and exogenous events (common random numbers). With fewer replications than threads, the
//! strategies of a replication run in parallel too (see [`strategies_in_parallel`]). Results
//! are collected in replication and strategy order by rayon's indexed `collect` and aggregated
//! sequentially, so the output is byte-identical for any thread count.
//!
//! A sweep runs every (grid point × replication) the same way, with the same stream
//! derivation as `run`, so a point's statistics equal a `run` of its patched scenario. Points
//! are run in chunks of at most [`CHUNK_REPLICATIONS`] replications (or one point's, when it
//! has more), in grid order, and a point's replications are dropped as soon as it is
//! aggregated, so memory grows with one chunk, not with the whole sweep.

use super::error::Error;
use crate::charts::{self, ChartError, ChartFile, ChartSize, RunChart};
use crate::input::scenario::Scenario;
use crate::input::sweep_plan::SweepPlan;
use crate::metrics::Outcome;
use crate::results::people::PeopleTally;
use crate::results::sweep::{PointResult, SweepResult, assemble};
use crate::results::{RunConfig, RunResult, aggregate};
use crate::rng::Streams;
use crate::sim::population::realise;
use crate::sim::{run_replication, run_replication_explained, simulate, simulate_with_end};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// The number of worker threads a run will use.
pub fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(cores)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Most threads per core that `-j` starts: past a few, more threads only cost memory.
pub const THREADS_PER_CORE: usize = 4;

/// `-j` capped at what can help: the `items` independent jobs of the work (a `run`'s
/// replications × strategies, a sweep's points × replications) and [`THREADS_PER_CORE`]
/// threads a core; with the note to print when it was capped. The results are the same for
/// any thread count, so the cap changes no output.
pub fn cap_jobs(jobs: Option<usize>, items: u64, what: &str) -> (Option<usize>, Option<String>) {
    let Some(j) = jobs else { return (None, None) };
    let (cores, items) = (cores(), usize::try_from(items).unwrap_or(usize::MAX).max(1));
    let ceiling = THREADS_PER_CORE.saturating_mul(cores);
    let capped = j.min(items).min(ceiling);
    if capped == j {
        return (jobs, None);
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let why = if items <= ceiling {
        format!("this {what} has {items} independent job{}", plural(items))
    } else {
        format!("at most {THREADS_PER_CORE} threads per core; this machine has {cores} core{}", plural(cores))
    };
    (Some(capped), Some(format!("note: -j {j} capped at {capped} ({why})")))
}

/// Runs `work` on a pool of `jobs` threads (rayon's default when `None`).
pub fn with_threads<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j);
    }
    let pool = builder.build().map_err(|e| Error::Usage(format!("cannot start {jobs:?} threads: {e}")))?;
    Ok(pool.install(work))
}

/// True when a run of `replications` on `threads` threads runs the strategies of each
/// replication in parallel: when there are fewer replications than threads (otherwise the
/// replications keep every thread busy, one world per thread).
pub fn strategies_in_parallel(replications: u64, threads: usize) -> bool {
    replications < threads as u64
}

/// A run's charts, as [`charts::run_charts`] draws them (same files, same order, the first
/// failure), each chart on a thread of a pool of `jobs` threads.
pub fn run_charts(
    scenario: &Scenario,
    result: &RunResult,
    size: ChartSize,
    jobs: Option<usize>,
) -> Result<Result<Vec<ChartFile>, ChartError>, Error> {
    with_threads(jobs, || {
        let drawn: Vec<Result<Vec<ChartFile>, ChartError>> =
            RunChart::ALL.par_iter().map(|&chart| charts::run_chart(chart, scenario, result, size)).collect();
        let drawn: Result<Vec<Vec<ChartFile>>, ChartError> = drawn.into_iter().collect();
        drawn.map(|files| files.into_iter().flatten().collect())
    })
}

/// Runs every replication on the current rayon pool, calling `progress` after each.
pub fn run(scenario: &Scenario, config: RunConfig, progress: &(dyn Fn() + Sync)) -> RunResult {
    let parallel = strategies_in_parallel(config.replications, rayon::current_num_threads());
    let per_replication: Vec<Vec<Outcome>> = (0..config.replications)
        .into_par_iter()
        .map(|r| {
            let outcomes = if parallel {
                let realised = realise(scenario, Streams::new(config.seed, r));
                (0..scenario.strategies.len())
                    .into_par_iter()
                    .map(|s| simulate(scenario, s, realised.input()))
                    .collect()
            } else {
                run_replication(scenario, config.seed, r)
            };
            progress();
            outcomes
        })
        .collect();
    aggregate(scenario, config, per_replication)
}

/// [`run`], also counting each person's outcomes over the replications (`people.csv`). Each
/// replication's people are folded into one tally as soon as it ends and then dropped, so
/// memory follows the people, not the replications; the counts are sums, so the tally is the
/// same whatever order the threads finish in.
pub fn run_explained(scenario: &Scenario, config: RunConfig, progress: &(dyn Fn() + Sync)) -> RunResult {
    let tally = Mutex::new(PeopleTally::new(scenario.strategies.len()));
    let parallel = strategies_in_parallel(config.replications, rayon::current_num_threads());
    let per_replication: Vec<Vec<Outcome>> = (0..config.replications)
        .into_par_iter()
        .map(|r| {
            let (outcomes, people): (Vec<_>, Vec<_>) = if parallel {
                let realised = realise(scenario, Streams::new(config.seed, r));
                (0..scenario.strategies.len())
                    .into_par_iter()
                    .map(|s| simulate_with_end(scenario, s, realised.input(), |w| w.person_outcomes()))
                    .unzip()
            } else {
                run_replication_explained(scenario, config.seed, r)
            };
            tally.lock().unwrap_or_else(PoisonError::into_inner).add(&people);
            progress();
            outcomes
        })
        .collect();
    let mut result = aggregate(scenario, config, per_replication);
    result.people = Some(tally.into_inner().unwrap_or_else(PoisonError::into_inner));
    result
}

/// Most replications run together in one chunk.
pub const CHUNK_REPLICATIONS: u64 = 256;

/// The chunks of a sweep's `points` (grid indices, in order): consecutive points whose
/// replications add up to at most [`CHUNK_REPLICATIONS`] (at least one point each). Independent
/// of the thread count.
pub fn chunks(plan: &SweepPlan, points: &[usize]) -> Vec<Vec<usize>> {
    let per_chunk = (CHUNK_REPLICATIONS / plan.replications.max(1)).max(1) as usize;
    points.chunks(per_chunk).map(<[usize]>::to_vec).collect()
}

/// Runs the given points (indices into the grid), calling `progress` after each replication and
/// `finished` with each point as soon as its last replication ends (in whatever order the
/// threads finish them; a point's statistics are aggregated in replication order, so they are
/// the same for any thread count). Once `stop` says so the remaining replications are skipped:
/// a point is passed on whole or not at all, and every point finished before is passed on.
pub fn run_points(
    plan: &SweepPlan,
    points: &[usize],
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    finished: &(dyn Fn(PointResult) + Sync),
) {
    let reps = plan.replications as usize;
    // Each replication's outcomes, by point and replication, until its point is finished.
    let slots: Vec<Vec<Mutex<Option<Vec<Outcome>>>>> =
        points.iter().map(|_| (0..reps).map(|_| Mutex::new(None)).collect()).collect();
    let left: Vec<AtomicUsize> = points.iter().map(|_| AtomicUsize::new(reps)).collect();
    let jobs: Vec<(usize, usize)> = (0..points.len()).flat_map(|i| (0..reps).map(move |r| (i, r))).collect();
    jobs.into_par_iter().for_each(|(i, r)| {
        if stop() {
            return;
        }
        let (coords, scenario) = &plan.points[points[i]];
        let outcomes = run_replication(scenario, scenario.seed, r as u64);
        *slots[i][r].lock().unwrap_or_else(PoisonError::into_inner) = Some(outcomes);
        progress();
        // The last replication of the point to end aggregates it.
        if left[i].fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let per_replication: Vec<Vec<Outcome>> = slots[i]
            .iter()
            .filter_map(|slot| slot.lock().unwrap_or_else(PoisonError::into_inner).take())
            .collect();
        let config = RunConfig { replications: plan.replications, seed: scenario.seed };
        let result = aggregate(scenario, config, per_replication);
        finished(PointResult {
            index: points[i],
            coords: coords.clone(),
            summaries: result.strategies.into_iter().map(|s| s.summaries).collect(),
            paired: result.paired,
        });
    });
}

/// Runs a whole sweep (without interruption or checkpoints).
pub fn run_sweep(plan: &SweepPlan, progress: &(dyn Fn() + Sync)) -> SweepResult {
    let all: Vec<usize> = (0..plan.points.len()).collect();
    let found = Mutex::new(Vec::with_capacity(all.len()));
    for chunk in chunks(plan, &all) {
        run_points(plan, &chunk, progress, &|| false, &|p| {
            found.lock().unwrap_or_else(PoisonError::into_inner).push(p);
        });
    }
    let mut points = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    points.sort_by_key(|p| p.index);
    assemble(plan, points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::sweep_plan as plan;
    use serde_json::json;

    /// A point's statistics equal a `run` of the patched scenario, whatever the chunking.
    #[test]
    fn a_sweep_point_equals_a_run_of_the_patched_scenario() {
        let base = json!({
            "name": "base", "seed": 4, "replications": 3, "horizon_days": 40, "products": ["jira"],
            "domains": [{"name": "acme.com", "share": 1}, {"name": "old.com", "share": 0}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "members_share": 0.8}],
            "population": {"synthetic": {"people": 300, "initial_email_mismatch_share": 0.2}},
            "churn": {"joiners_per_day": 1, "leavers_per_day": 1},
            "strategies": [
                {"name": "first", "timeline": [{"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "claim_accounts", "auto": true}, {"day": 1, "do": "enable_scim"},
                    {"day": 5, "do": "migrate"}, {"day": 6, "do": "cutover", "login_spread_days": 2}]},
                {"name": "last", "timeline": [{"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "verify_domain", "domain": "old.com"}, {"day": 0, "do": "claim_accounts", "auto": true},
                    {"day": 5, "do": "migrate"}, {"day": 5.5, "do": "fix_emails", "coverage": 0.5},
                    {"day": 6, "do": "cutover", "login_spread_days": 2}, {"day": 20, "do": "enable_scim"}]}
            ]
        });
        let sweep = json!({"name": "s", "scenario": "base.json", "replications": 4, "axes": [
            {"path": "population.synthetic.initial_email_mismatch_share", "values": [0, 0.3]},
            {"path": "strategies.1.timeline.4.coverage", "range": {"from": 0, "to": 1, "steps": 3}}
        ]});
        let plan = plan::plan(&sweep, &base).unwrap_or_else(|p| panic!("{p:?}"));
        let result = run_sweep(&plan, &|| {});
        assert_eq!(result.points.len(), 6);
        for point in &result.points {
            let mut patched = base.clone();
            patched["population"]["synthetic"]["initial_email_mismatch_share"] =
                plan.axes[0].values[point.coords[0]].clone();
            patched["strategies"][1]["timeline"][4]["coverage"] =
                plan.axes[1].values[point.coords[1]].clone();
            patched["replications"] = json!(4);
            let scenario =
                crate::input::validate::scenario_from_value(&patched).unwrap_or_else(|p| panic!("{p:?}"));
            let run = run(&scenario, RunConfig::of(&scenario), &|| {});
            let summaries: Vec<_> = run.strategies.iter().map(|s| s.summaries.clone()).collect();
            assert_eq!(point.summaries, summaries, "point {}", point.index);
            assert_eq!(point.paired, run.paired);
        }
        // The mismatch axis matters: more mismatch, more duplicates under SCIM first.
        let dup = |i: usize| result.points[i].summaries[0][0].mean;
        assert!(dup(3) > dup(0));
    }
}
