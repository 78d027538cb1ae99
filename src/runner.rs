//! Plan, run in parallel, aggregate in order (DESIGN §6, §8).
//!
//! Replications run on rayon; each replication runs every strategy on the same organisation
//! and exogenous events (common random numbers). Results are collected in replication order
//! by rayon's indexed `collect` and aggregated sequentially, so the output is byte-identical
//! for any thread count.

use crate::format::format_number;
use crate::input::scenario::{Bound, Expectation, Scenario};
use crate::metrics::{MetricId, N_COLUMNS, Outcome, TIMELINE_METRICS};
use crate::sim::run_replication;
use crate::stats::{MeanInterval, Summary, mean_interval, paired_difference};
use rayon::prelude::*;

/// How to run a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Replications (the file's unless overridden).
    pub replications: u64,
    /// Seed (the file's unless overridden).
    pub seed: u64,
}

impl RunConfig {
    /// The scenario's own settings.
    pub fn of(scenario: &Scenario) -> RunConfig {
        RunConfig { replications: scenario.replications, seed: scenario.seed }
    }
}

/// Every replication of every strategy, and their statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Seed used.
    pub seed: u64,
    /// Replications run.
    pub replications: u64,
    /// Per strategy, in scenario order.
    pub strategies: Vec<StrategyResult>,
    /// Paired differences of every strategy after the first against the first.
    pub paired: Vec<PairedDifference>,
}

/// One strategy's results.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyResult {
    /// Strategy name.
    pub name: String,
    /// Outcome of each replication, in replication order.
    pub outcomes: Vec<Outcome>,
    /// Summary of every column.
    pub summaries: Vec<Summary>,
    /// Per day, mean and interval of each of [`TIMELINE_METRICS`].
    pub timeline: Vec<[MeanInterval; 3]>,
}

impl StrategyResult {
    /// The values of one column over the replications.
    pub fn column(&self, metric: MetricId) -> Vec<f64> {
        self.outcomes.iter().map(|o| o.get(metric)).collect()
    }

    /// The summary of one column.
    pub fn summary(&self, metric: MetricId) -> &Summary {
        &self.summaries[metric.0]
    }
}

/// `strategy − baseline` on one column, per replication, then averaged.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedDifference {
    /// Baseline strategy index.
    pub baseline: usize,
    /// Compared strategy index.
    pub strategy: usize,
    /// Column.
    pub metric: MetricId,
    /// Mean difference and its 95% interval.
    pub difference: MeanInterval,
}

/// Runs every replication on the current rayon pool, calling `progress` after each.
pub fn run(scenario: &Scenario, config: RunConfig, progress: &(dyn Fn() + Sync)) -> RunResult {
    let per_replication: Vec<Vec<Outcome>> = (0..config.replications)
        .into_par_iter()
        .map(|r| {
            let outcomes = run_replication(scenario, config.seed, r);
            progress();
            outcomes
        })
        .collect();
    aggregate(scenario, config, per_replication)
}

/// Aggregates outcomes (`per_replication[r][s]`) sequentially into statistics.
pub fn aggregate(scenario: &Scenario, config: RunConfig, per_replication: Vec<Vec<Outcome>>) -> RunResult {
    let n_strategies = scenario.strategies.len();
    let mut by_strategy: Vec<Vec<Outcome>> = vec![Vec::with_capacity(per_replication.len()); n_strategies];
    for outcomes in per_replication {
        for (s, o) in outcomes.into_iter().enumerate() {
            by_strategy[s].push(o);
        }
    }
    let strategies: Vec<StrategyResult> = scenario
        .strategies
        .iter()
        .zip(by_strategy)
        .map(|(spec, outcomes)| {
            let summaries = (0..N_COLUMNS)
                .map(|c| Summary::of(&outcomes.iter().map(|o| o.values[c]).collect::<Vec<_>>()))
                .collect();
            let days = outcomes.first().map_or(0, |o| o.timeline.len());
            let timeline = (0..days)
                .map(|d| {
                    std::array::from_fn(|k| {
                        mean_interval(&outcomes.iter().map(|o| o.timeline[d][k]).collect::<Vec<_>>())
                    })
                })
                .collect();
            StrategyResult { name: spec.name.clone(), outcomes, summaries, timeline }
        })
        .collect();
    debug_assert_eq!(TIMELINE_METRICS.len(), 3);
    let mut paired = Vec::new();
    if let Some(base) = strategies.first() {
        for (s, other) in strategies.iter().enumerate().skip(1) {
            for metric in MetricId::all() {
                let difference = paired_difference(&base.column(metric), &other.column(metric));
                paired.push(PairedDifference { baseline: 0, strategy: s, metric, difference });
            }
        }
    }
    RunResult { seed: config.seed, replications: config.replications, strategies, paired }
}

/// Tolerance of `equals` (DESIGN §6).
pub const EQUALS_TOLERANCE: f64 = 1e-9;

/// The verdict on one expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Holds.
    pub passed: bool,
    /// One line saying what was expected and what was found.
    pub description: String,
}

/// Evaluates an expectation against a run.
pub fn evaluate(scenario: &Scenario, result: &RunResult, expectation: &Expectation) -> Verdict {
    match *expectation {
        Expectation::Bound { strategy, metric, bound } => {
            let mean = result.strategies[strategy].summary(metric).mean;
            let (passed, wanted) = match bound {
                Bound::Equals(x) => ((mean - x).abs() <= EQUALS_TOLERANCE, format!("= {x}")),
                Bound::AtMost(x) => (mean <= x + EQUALS_TOLERANCE, format!("≤ {x}")),
                Bound::AtLeast(x) => (mean >= x - EQUALS_TOLERANCE, format!("≥ {x}")),
            };
            Verdict {
                passed,
                // The mean in full (shortest round-trip form): `equals` compares to 1e-9.
                description: format!(
                    "{} {}: mean {} (expected {wanted})",
                    scenario.strategies[strategy].name,
                    metric.name(),
                    if mean == 0.0 { "0".to_string() } else { mean.to_string() }
                ),
            }
        }
        Expectation::Better { better, than, metric } => {
            let d = paired_difference(
                &result.strategies[than].column(metric),
                &result.strategies[better].column(metric),
            );
            Verdict {
                passed: d.wholly_below_zero(),
                description: format!(
                    "{} better than {} on {}: difference {} [{}, {}] (expected wholly below 0)",
                    scenario.strategies[better].name,
                    scenario.strategies[than].name,
                    metric.name(),
                    format_number(d.mean),
                    format_number(d.ci95[0]),
                    format_number(d.ci95[1]),
                ),
            }
        }
    }
}
