//! Results: what a run and a sweep produce, aggregated in replication order (DESIGN §4, §6).
//!
//! Pure functions from outcomes to statistics: [`aggregate`] turns the per-replication
//! outcomes (collected in replication order by the application layer, whatever the thread
//! count) into per-strategy summaries, daily means and paired differences; [`expect`] judges a
//! scenario's expectations; [`sweep`] holds a sweep's per-point statistics. Reports and charts
//! read these types and never recompute a metric.

pub mod expect;
pub mod people;
pub mod recommend;
pub mod sweep;

use crate::input::scenario::Scenario;
use crate::metrics::{MetricId, N_COLUMNS, Outcome, TIMELINE_METRICS};
use crate::stats::{MeanInterval, Summary, mean_interval, paired_difference};

pub use expect::{EQUALS_TOLERANCE, Verdict, evaluate};

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
    /// Each person's outcomes over the replications, when they were collected (`people.csv`).
    pub people: Option<people::PeopleTally>,
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
    RunResult { seed: config.seed, replications: config.replications, strategies, paired, people: None }
}
