//! Charts for slides: the only module that imports plotters.
//!
//! Every chart is drawn twice from one layout — as SVG and as PNG — and returned as bytes
//! ([`ChartFile`]); nothing here touches a file. Charts read the same result structs as the
//! reports and never recompute a metric.
//!
//! - [`run_charts`]: `strategies` (one panel per headline metric, one point per strategy with
//!   its 95% interval) and `timeline` (the three daily series with interval bands, and every
//!   strategy's actions on the shared day axis).
//! - [`sweep_charts`]: one chart per metric, x the first axis of the sweep, one line per
//!   strategy with its interval band, one panel per combination of the other axes' values.
//!
//! Layout is computed once, in logical pixels of a 1600 × 1000 canvas, from the metrics of the
//! embedded font (Noto Sans, registered once with plotters): the SVG is drawn at that size, the
//! PNG at twice that size and averaged down 2 × 2, which anti-aliases lines and markers.
//! Colours are the Okabe–Ito palette (safe for colour-blind readers), cycled when there are
//! more than eight strategies; each strategy also gets its own marker shape and line dash, so
//! lines that coincide and charts printed in grey stay distinguishable.

mod canvas;
mod labels;
mod layout;
mod strategies;
mod sweep;

pub use sweep::MAX_PANELS;
mod timeline;

#[cfg(test)]
mod tests;

use crate::input::scenario::Scenario;
use crate::results::RunResult;
use crate::results::sweep::SweepResult;
use canvas::FAMILY;
use plotters::style::{FontStyle, register_font};
use std::fmt;
use std::sync::OnceLock;

/// One chart file: its name (e.g. `strategies.svg`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// File name inside the output folder.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A chart that could not be drawn (the message is for the user).
#[derive(Debug)]
pub struct ChartError(pub String);

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ChartError {}

/// Pixel size (width, height) of every PNG file: a 16:10 slide.
pub const PNG_SIZE: (u32, u32) = (1600, 1000);

/// The chart files a run writes (`--no-charts` removes earlier ones, so no stale chart sits
/// beside new data).
pub fn run_chart_files() -> Vec<String> {
    chart_files(["strategies".to_string(), "timeline".to_string()])
}

/// The chart files a sweep writes.
pub fn sweep_chart_files() -> Vec<String> {
    chart_files(sweep::charted_metrics().into_iter().map(|m| m.name().replace('.', "_")))
}

fn chart_files(stems: impl IntoIterator<Item = String>) -> Vec<String> {
    stems.into_iter().flat_map(|s| [format!("{s}.svg"), format!("{s}.png")]).collect()
}

/// `strategies.svg`/`.png` and `timeline.svg`/`.png` for a run.
pub fn run_charts(scenario: &Scenario, result: &RunResult) -> Result<Vec<ChartFile>, ChartError> {
    register_fonts()?;
    let mut files = canvas::render("strategies", &strategies::StrategiesChart::new(scenario, result))?;
    files.extend(canvas::render("timeline", &timeline::TimelineChart::new(scenario, result))?);
    Ok(files)
}

/// One chart per metric (every column but `events_processed`) for a sweep: `<metric>.svg` and
/// `<metric>.png`, the metric name with `.` replaced by `_` (e.g.
/// `lost_access_by_cause_group_deleted.svg`).
pub fn sweep_charts(sweep: &SweepResult) -> Result<Vec<ChartFile>, ChartError> {
    register_fonts()?;
    let grid = sweep::SweepGrid::new(sweep)?;
    let mut files = Vec::new();
    for metric in sweep::charted_metrics() {
        let chart = sweep::SweepChart { sweep, grid: &grid, metric };
        files.extend(canvas::render(&metric.name().replace('.', "_"), &chart)?);
    }
    Ok(files)
}

/// Registers the embedded font with plotters, once per process (both backends need it to lay
/// text out; the SVG names the family and lets the viewer pick its own sans-serif).
fn register_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, ttf_noto_sans::REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, ttf_noto_sans::BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError("the embedded Noto Sans font could not be loaded".to_string())) }
}
