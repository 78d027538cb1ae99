//! What a sweep produces: per grid point and strategy, the statistics of every metric.

use crate::runner::PairedDifference;
use crate::stats::Summary;
use serde_json::Value;

/// One axis of a sweep: a dotted path into the scenario and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted path, e.g. `drift.idp_email_changes_per_person_year` or `strategies.1.timeline.3.day`.
    pub path: String,
    /// The values, in order (JSON numbers, strings or booleans).
    pub values: Vec<Value>,
    /// What to call the axis in charts (default: the path).
    pub label: Option<String>,
}

impl Axis {
    /// The axis' name for people: its label, else its path.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.path)
    }
}

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
