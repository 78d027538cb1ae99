//! `strategies`: one small panel per headline metric (all but `events_processed`), one point
//! per strategy with its 95% interval as an error bar and its mean written above it, y from 0.
//! Strategies are told apart by colour and marker, named once in the legend above the grid.
//! Metrics that are zero for every strategy (mean and interval) get no panel: the header
//! lists them ("Always zero here: …"), and when every metric is zero one line says so.

use super::ChartError;
use super::canvas::{Align, Canvas, Chart, Font, Valign, text_height, text_width};
use super::labels::{look, metric_label, metric_unit};
use super::layout::{
    Header, INK, MARGIN, MUTED, PANEL_TITLE, Rect, Scale, TICK, TICK_GAP, bottom, draw_axis_lines,
    draw_header, draw_y_ticks, draw_y_title, fit, grid_cells, grid_shape,
};
use crate::format::value_label;
use crate::input::scenario::Scenario;
use crate::metrics::MetricId;
use crate::results::RunResult;
use plotters::backend::DrawingBackend;

/// Font of the values written above the points.
const VALUE: Font = Font::regular(17.0);

/// The `strategies` chart of a run.
pub struct StrategiesChart<'a> {
    scenario: &'a Scenario,
    result: &'a RunResult,
}

impl<'a> StrategiesChart<'a> {
    /// The chart of `result`, a run of `scenario`.
    pub fn new(scenario: &'a Scenario, result: &'a RunResult) -> StrategiesChart<'a> {
        StrategiesChart { scenario, result }
    }

    /// Panel of one metric in `cell`.
    fn panel<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<DB>,
        cell: Rect,
        metric: MetricId,
    ) -> Result<(), ChartError> {
        let (title, title_font) = fit(&metric_label(metric), PANEL_TITLE, cell.w() - 16.0, 15.0)?;
        let top = cell.y0 + text_height(title_font) + 16.0;
        let (y0, y1) = (top, cell.y1 - 24.0);
        let plot_h = y1 - y0;

        let stats: Vec<(f64, f64, f64)> = self
            .result
            .strategies
            .iter()
            .map(|s| {
                let m = s.summary(metric);
                (m.mean, m.ci95[0], m.ci95[1])
            })
            .collect();
        let highest = stats.iter().map(|&(mean, _, hi)| mean.max(hi)).fold(0.0, f64::max);
        // Room above the highest bar for its value.
        let room = text_height(VALUE) + 12.0;
        let scale =
            Scale::from_zero(highest * plot_h / (plot_h - room), (plot_h / 55.0).clamp(3.0, 6.0) as usize);

        let tick_w = scale.label_width(TICK)?;
        let plot = Rect { x0: cell.x0 + 30.0 + tick_w + TICK_GAP, y0, x1: cell.x1 - 20.0, y1 };
        canvas.text(&title, (plot.cx(), cell.y0 + 4.0), title_font, INK, (Align::Center, Valign::Top))?;
        draw_y_title(canvas, metric_unit(metric), cell.x0 + 12.0, plot)?;
        draw_y_ticks(canvas, plot, &scale, TICK)?;
        draw_axis_lines(canvas, plot)?;

        let n = stats.len().max(1) as f64;
        let slot = plot.w() / n;
        let cap = (slot * 0.22).min(10.0);
        let y = |v: f64| plot.y_at(scale.frac(v.clamp(scale.lo, scale.hi)));
        let labels: Vec<String> = stats.iter().map(|&(mean, _, _)| value_label(mean)).collect();
        let mut labels_fit = true;
        for label in &labels {
            labels_fit &= 1.1 * text_width(label, VALUE)? <= slot - 4.0;
        }
        for (s, &(mean, lo, hi)) in stats.iter().enumerate() {
            let look = look(s);
            let x = plot.x_at((s as f64 + 0.5) / n);
            let (ylo, yhi) = (y(lo), y(hi));
            if ylo - yhi >= 1.0 {
                canvas.line(&[(x, ylo), (x, yhi)], look.colour, 2.5)?;
                canvas.line(&[(x - cap, ylo), (x + cap, ylo)], look.colour, 2.5)?;
                canvas.line(&[(x - cap, yhi), (x + cap, yhi)], look.colour, 2.5)?;
            }
            canvas.marker((x, y(mean)), look.shape, 7.0, look.colour)?;
            if labels_fit {
                let above = yhi.min(y(mean) - 8.0) - 6.0;
                canvas.text(&labels[s], (x, above), VALUE, INK, (Align::Center, Valign::Bottom))?;
            }
        }
        Ok(())
    }
}

/// The metrics with a panel: every headline metric but the diagnostic `events_processed`.
pub fn panel_metrics() -> Vec<MetricId> {
    MetricId::headline().filter(|m| !m.is_diagnostic()).collect()
}

/// Widest a panel may be, as a multiple of its height (few panels are not stretched across
/// a wide canvas).
const MAX_PANEL_ASPECT: f64 = 1.8;

impl StrategiesChart<'_> {
    /// Whether `metric` is zero for every strategy: mean and both ends of the interval.
    fn always_zero(&self, metric: MetricId) -> bool {
        self.result.strategies.iter().all(|s| {
            let m = s.summary(metric);
            m.mean == 0.0 && m.ci95 == [0.0, 0.0]
        })
    }

    /// The metrics with a panel, and those left out because they are zero for every strategy.
    pub fn split_metrics(&self) -> (Vec<MetricId>, Vec<MetricId>) {
        panel_metrics().into_iter().partition(|&m| !self.always_zero(m))
    }
}

/// The header line naming the metrics left out, if any.
fn zero_note(zero: &[MetricId]) -> Option<String> {
    if zero.is_empty() {
        return None;
    }
    let names: Vec<String> = zero.iter().map(|&m| metric_label(m)).collect();
    Some(format!("Always zero here, so not drawn: {}.", names.join(", ")))
}

/// The cells of `n` panels over `area`: a grid close to the panels' aspect, no cell wider
/// than [`MAX_PANEL_ASPECT`] times its height (the grid is then centred).
fn panel_cells(n: usize, area: Rect) -> Vec<Rect> {
    let (cols, rows) = grid_shape(n, area, 1.2);
    let cell_h = area.h() / rows as f64;
    let w = (area.w() / cols as f64).min(MAX_PANEL_ASPECT * cell_h) * cols as f64;
    let x0 = area.cx() - w / 2.0;
    grid_cells(Rect { x0, x1: x0 + w, ..area }, cols, rows)
}

/// "N replications" (for titles).
pub fn replications_text(n: u64) -> String {
    if n == 1 { "1 replication".to_string() } else { format!("{n} replications") }
}

impl Chart for StrategiesChart<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<DB>) -> Result<(), ChartError> {
        let names: Vec<String> = self.result.strategies.iter().map(|s| s.name.clone()).collect();
        let title = format!(
            "{}: strategies compared (mean and 95% interval over {})",
            self.scenario.name,
            replications_text(self.result.replications)
        );
        let subtitle = format!(
            "Each panel is one metric at the end of the {}-day horizon; lower is better. \
             Bars are 95% intervals of the mean.",
            self.scenario.horizon_days
        );
        let (metrics, zero) = self.split_metrics();
        let note = zero_note(&zero);
        let top = draw_header(
            canvas,
            &Header {
                title: &title,
                subtitle: &subtitle,
                note: note.as_deref(),
                strategies: &names,
                events: None,
            },
        )?;
        let area =
            Rect { x0: MARGIN - 8.0, y0: top + 6.0, x1: canvas.width() - MARGIN + 8.0, y1: bottom(canvas) };
        if metrics.is_empty() {
            let message = "Every metric is zero for every strategy: nothing to compare.";
            let (message, font) = fit(message, Font::regular(28.0), area.w(), 15.0)?;
            let at = (area.cx(), (area.y0 + area.y1) / 2.0);
            return canvas.text(&message, at, font, MUTED, (Align::Center, Valign::Middle));
        }
        for (cell, metric) in panel_cells(metrics.len(), area).into_iter().zip(metrics) {
            self.panel(canvas, cell, metric)?;
        }
        Ok(())
    }
}
