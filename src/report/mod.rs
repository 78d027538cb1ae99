//! Reports: each format is one file that turns a [`RunResult`] into bytes; [`crate::io`]
//! writes them, atomically. Nothing here recomputes a metric.

mod csv;
mod json;
mod markdown;
mod sweep;

pub use csv::{ReplicationsCsv, TimelineCsv};
pub use json::{ReportJson, report_value};
pub use markdown::SummaryMarkdown;
pub use sweep::{SweepCsv, SweepExporter, SweepJson, sweep_exporters, sweep_value};

use crate::input::scenario::Scenario;
use crate::runner::RunResult;

/// A report format.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn render(&self, scenario: &Scenario, result: &RunResult) -> Vec<u8>;
}

/// Every report `run` writes (charts aside).
pub fn run_exporters() -> Vec<Box<dyn Exporter>> {
    vec![Box::new(ReportJson), Box::new(SummaryMarkdown), Box::new(ReplicationsCsv), Box::new(TimelineCsv)]
}
