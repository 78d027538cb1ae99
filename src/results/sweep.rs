//! What a sweep produces: per grid point and strategy, the statistics of every metric.

use super::PairedDifference;
pub use crate::input::sweep_plan::Axis;
use crate::input::sweep_plan::SweepPlan;
use crate::stats::Summary;

/// The statistics of one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    /// Position in the grid (the first axis varies slowest).
    pub index: usize,
    /// Index into each axis' values.
    pub coords: Vec<usize>,
    /// `summaries[strategy][column]`, columns as [`crate::metrics::COLUMNS`].
    pub summaries: Vec<Vec<Summary>>,
    /// Paired differences against the first strategy (every column).
    pub paired: Vec<PairedDifference>,
}

/// A whole sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    /// Sweep name (the output folder's default name).
    pub name: String,
    /// What it explores.
    pub description: String,
    /// Name of the base scenario.
    pub scenario: String,
    /// Replications per point.
    pub replications: u64,
    /// The axes, in file order.
    pub axes: Vec<Axis>,
    /// Strategy names, in scenario order.
    pub strategies: Vec<String>,
    /// Every grid point, in grid order.
    pub points: Vec<PointResult>,
}

/// The result of a sweep from its points (all of them, in grid order).
pub fn assemble(plan: &SweepPlan, points: Vec<PointResult>) -> SweepResult {
    SweepResult {
        name: plan.name.clone(),
        description: plan.description.clone(),
        scenario: plan.base.name.clone(),
        replications: plan.replications,
        axes: plan.axes.clone(),
        strategies: plan.base.strategies.iter().map(|s| s.name.clone()).collect(),
        points,
    }
}
