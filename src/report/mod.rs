//! Reports: each format is one file that turns a result into bytes (hyperfine's `Exporter`
//! shape); the application layer writes them, atomically, in one loop. Nothing here
//! recomputes a metric.

mod csv;
mod html;
mod json;
mod markdown;
mod schema;
mod sweep;
mod table;
pub mod trace;

pub use csv::{PeopleCsv, ReplicationsCsv, TimelineCsv};
pub use html::{InlineChart, RunHtml, SweepHtml};
pub use json::{ReportJson, report_value};
pub use markdown::SummaryMarkdown;
pub use schema::{report_schema, sweep_result_schema};
pub use sweep::{SweepCsv, SweepJson, sweep_exporters, sweep_value};
pub use table::terminal_table;

use crate::input::scenario::Scenario;
use crate::results::RunResult;

/// A report format over results of type `R`: a run's ([`RunReport`]) or a sweep's
/// ([`crate::results::sweep::SweepResult`]).
pub trait Exporter<R: ?Sized> {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn render(&self, report: &R) -> Vec<u8>;
}

/// What a run's reports are rendered from: the scenario and its results.
#[derive(Debug, Clone, Copy)]
pub struct RunReport<'a> {
    /// The scenario that ran.
    pub scenario: &'a Scenario,
    /// Its results.
    pub result: &'a RunResult,
}

/// A run's report format, for any lifetime of the report.
pub type RunExporter = dyn for<'a> Exporter<RunReport<'a>>;

/// Every report `run` writes (charts aside); `people.csv` when the run counted each person's
/// outcomes.
pub fn run_exporters(people: bool) -> Vec<Box<RunExporter>> {
    let mut all: Vec<Box<RunExporter>> = vec![
        Box::new(ReportJson),
        Box::new(SummaryMarkdown),
        Box::new(ReplicationsCsv),
        Box::new(TimelineCsv),
    ];
    if people {
        all.push(Box::new(PeopleCsv));
    }
    all
}

/// Renders every exporter: `(file name, bytes)`, in the exporters' order.
pub fn render_all<R: ?Sized, E: Exporter<R> + ?Sized>(
    exporters: &[Box<E>],
    report: &R,
) -> Vec<(String, Vec<u8>)> {
    exporters.iter().map(|e| (e.file_name().to_string(), e.render(report))).collect()
}
