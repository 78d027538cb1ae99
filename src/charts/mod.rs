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
//! Charts are drawn at a [`ChartSize`] (default 1600 × 1000, `--chart-size`). Layout is
//! computed once per chart, in logical pixels, from the metrics of the embedded font (Noto
//! Sans, registered once with plotters): the logical canvas is the size divided by its zoom,
//! so type keeps its proportions on larger and smaller canvases while the layout follows the
//! chosen width and height. The SVG is drawn at the size, the PNG at twice that size and
//! averaged down 2 × 2, which anti-aliases lines and markers.
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

/// The size of the charts in pixels: the SVG's width and height and the PNG's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl ChartSize {
    /// The default: 1600 × 1000, a 16:10 slide.
    pub const DEFAULT: ChartSize = ChartSize { width: 1600, height: 1000 };
    /// The smallest size accepted.
    pub const MIN: ChartSize = ChartSize { width: 640, height: 360 };
    /// The largest size accepted (4K UHD; a PNG is drawn at twice this size before averaging
    /// down, about 100 MB of memory).
    pub const MAX: ChartSize = ChartSize { width: 3840, height: 2160 };

    /// Logical pixels per chart pixel are 1 / zoom: the smaller of width / 1600 and
    /// height / 1000, so type is as large against the canvas as on the default one; below the
    /// default the square root of that, so type on small canvases stays readable.
    pub fn zoom(self) -> f64 {
        let z = (f64::from(self.width) / f64::from(Self::DEFAULT.width))
            .min(f64::from(self.height) / f64::from(Self::DEFAULT.height));
        if z < 1.0 { z.sqrt() } else { z }
    }
}

/// Pixel size (width, height) of every PNG file at the default [`ChartSize`].
pub const PNG_SIZE: (u32, u32) = (ChartSize::DEFAULT.width, ChartSize::DEFAULT.height);

impl Default for ChartSize {
    fn default() -> ChartSize {
        ChartSize::DEFAULT
    }
}

impl fmt::Display for ChartSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

impl std::str::FromStr for ChartSize {
    type Err = String;

    /// `WxH` in pixels (`1920x1080`; `X` or `×` also separate), each side within
    /// [`ChartSize::MIN`]..=[`ChartSize::MAX`].
    fn from_str(text: &str) -> Result<ChartSize, String> {
        let (min, max) = (ChartSize::MIN, ChartSize::MAX);
        let malformed = || format!("`{text}` is not WIDTHxHEIGHT in pixels (e.g. 1920x1080)");
        let (w, h) = text.trim().split_once(['x', 'X', '×']).ok_or_else(malformed)?;
        let side =
            |s: &str| s.trim().parse::<u32>().ok().filter(|_| s.trim().chars().all(|c| c.is_ascii_digit()));
        let (Some(width), Some(height)) = (side(w), side(h)) else {
            return Err(malformed());
        };
        if !(min.width..=max.width).contains(&width) || !(min.height..=max.height).contains(&height) {
            return Err(format!(
                "{width}x{height} is out of range: the width must be {}–{} and the height {}–{} pixels",
                min.width, max.width, min.height, max.height
            ));
        }
        Ok(ChartSize { width, height })
    }
}

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

/// One of a run's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunChart {
    /// `strategies.svg` and `strategies.png`.
    Strategies,
    /// `timeline.svg` and `timeline.png`.
    Timeline,
}

impl RunChart {
    /// Every chart of a run, in the order of its files.
    pub const ALL: [RunChart; 2] = [RunChart::Strategies, RunChart::Timeline];
}

/// `strategies.svg`, `strategies.png`, `timeline.svg` and `timeline.png` (in that order) for a
/// run, at `size`: [`run_chart`] of each of [`RunChart::ALL`], the first failure returned.
pub fn run_charts(
    scenario: &Scenario,
    result: &RunResult,
    size: ChartSize,
) -> Result<Vec<ChartFile>, ChartError> {
    let charts: Result<Vec<Vec<ChartFile>>, ChartError> =
        RunChart::ALL.iter().map(|&chart| run_chart(chart, scenario, result, size)).collect();
    Ok(charts?.into_iter().flatten().collect())
}

/// The SVG and PNG files (in that order) of one chart of a run, at `size`. Each chart is drawn
/// on its own, so callers may draw them at the same time.
pub fn run_chart(
    chart: RunChart,
    scenario: &Scenario,
    result: &RunResult,
    size: ChartSize,
) -> Result<Vec<ChartFile>, ChartError> {
    register_fonts()?;
    match chart {
        RunChart::Strategies => {
            canvas::render("strategies", &strategies::StrategiesChart::new(scenario, result), size)
        }
        RunChart::Timeline => {
            canvas::render("timeline", &timeline::TimelineChart::new(scenario, result), size)
        }
    }
}

/// One chart per metric (every column but `events_processed`) for a sweep: `<metric>.svg` and
/// `<metric>.png`, the metric name with `.` replaced by `_` (e.g.
/// `lost_access_by_cause_group_deleted.svg`), at `size`.
pub fn sweep_charts(sweep: &SweepResult, size: ChartSize) -> Result<Vec<ChartFile>, ChartError> {
    register_fonts()?;
    let grid = sweep::SweepGrid::new(sweep)?;
    let mut files = Vec::new();
    for metric in sweep::charted_metrics() {
        let chart = sweep::SweepChart { sweep, grid: &grid, metric };
        files.extend(canvas::render(&metric.name().replace('.', "_"), &chart, size)?);
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
