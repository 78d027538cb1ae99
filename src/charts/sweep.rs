//! Sweep charts: one per metric, x the first axis (numeric when every value is a number and
//! there are two different ones, otherwise categories in file order, with the strategies side
//! by side around each), y the metric's mean with its 95% interval band, one
//! line per strategy with a marker at every grid point. Each combination of the other axes'
//! values gets its own panel ("path = value"), all panels on one y scale so they compare.

use super::ChartError;
use super::canvas::{Align, Canvas, Chart, Font, Valign, text_height, text_width};
use super::labels::{look, metric_label, metric_unit};
use super::layout::{
    AXIS_TITLE, Header, INK, MARGIN, MUTED, PANEL_TITLE, Rect, Scale, TICK, TICK_GAP, X_TICK_GAP, band,
    bottom, draw_axis_lines, draw_header, draw_x_ticks, draw_y_ticks, fit, grid_cells, grid_shape,
};
use super::strategies::replications_text;
use crate::format::value_text;
use crate::metrics::MetricId;
use crate::results::sweep::SweepResult;
use plotters::backend::DrawingBackend;
use serde_json::Value;
use std::collections::BTreeMap;

/// Opacity of interval bands.
const BAND_ALPHA: f64 = 0.15;
/// Height of one caption line of a panel (at most).
const CAPTION_LINE: f64 = 25.0;
/// Most panels a chart shows legibly on a slide.
pub const MAX_PANELS: usize = 36;

/// Every column but the diagnostic `events_processed`.
pub fn charted_metrics() -> Vec<MetricId> {
    MetricId::reported().collect()
}

/// The panels of a sweep (shared by the charts of every metric).
pub struct SweepGrid {
    /// Labels of the first axis' values.
    x_labels: Vec<String>,
    /// The first axis' values when they are all numbers.
    x_numbers: Option<Vec<f64>>,
    /// One panel per combination of the other axes' values, second axis slowest.
    panels: Vec<Panel>,
}

struct Panel {
    /// "path = value" per other axis.
    titles: Vec<String>,
    /// Point (index into `SweepResult::points`) at each value of the first axis, if run.
    points: Vec<Option<usize>>,
}

/// A JSON axis value as a label: strings without quotes, numbers and booleans as written.
impl SweepGrid {
    /// The panels of `sweep`.
    pub fn new(sweep: &SweepResult) -> Result<SweepGrid, ChartError> {
        let Some(first) = sweep.axes.first() else {
            return Err(ChartError(format!("sweep {} has no axis to chart", sweep.name)));
        };
        if let Some(axis) = sweep.axes.iter().find(|a| a.values.is_empty()) {
            return Err(ChartError(format!("sweep {}: axis {} has no values", sweep.name, axis.path)));
        }
        let by_coords: BTreeMap<&[usize], usize> =
            sweep.points.iter().enumerate().map(|(i, p)| (p.coords.as_slice(), i)).collect();
        let others = &sweep.axes[1..];
        let n_panels: usize = others.iter().map(|a| a.values.len()).product();
        if n_panels > MAX_PANELS {
            return Err(ChartError(format!(
                "sweep {}: the axes after the first have {n_panels} combinations of values, one panel each; \
                 a chart shows at most {MAX_PANELS} (put the axis with the most values first, or sweep fewer \
                 combinations)",
                sweep.name
            )));
        }
        let mut panels = Vec::with_capacity(n_panels);
        let mut combo = vec![0usize; others.len()];
        for _ in 0..n_panels {
            let titles = others
                .iter()
                .zip(&combo)
                .map(|(a, &i)| format!("{} = {}", a.name(), value_text(&a.values[i])))
                .collect();
            let points = (0..first.values.len())
                .map(|i| {
                    let coords: Vec<usize> = std::iter::once(i).chain(combo.iter().copied()).collect();
                    by_coords.get(coords.as_slice()).copied()
                })
                .collect();
            panels.push(Panel { titles, points });
            // Next combination, last axis fastest.
            for j in (0..combo.len()).rev() {
                combo[j] += 1;
                if combo[j] < others[j].values.len() {
                    break;
                }
                combo[j] = 0;
            }
        }
        // A numeric axis needs two different numbers; otherwise values are categories.
        let x_numbers = first
            .values
            .iter()
            .map(Value::as_f64)
            .collect::<Option<Vec<f64>>>()
            .filter(|v| v.iter().any(|&x| x != v[0]));
        Ok(SweepGrid { x_labels: first.values.iter().map(value_text).collect(), x_numbers, panels })
    }

    /// Position of the first axis' value `i` as a fraction of the x axis, and the ticks
    /// (fraction, label) for a plot `width` pixels wide.
    fn x_axis(&self, width: f64, font: Font) -> Result<XAxis, ChartError> {
        let n = self.x_labels.len();
        let Some(numbers) = &self.x_numbers else {
            let fracs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
            // Every k-th category is labelled when labels (up to 160 px) would collide.
            let slot = width / n as f64;
            let mut widest = 0.0f64;
            for label in &self.x_labels {
                widest = widest.max(1.1 * text_width(label, font)?);
            }
            let every = ((widest.min(160.0) + 10.0) / slot).ceil().max(1.0) as usize;
            let mut ticks = Vec::with_capacity(n);
            for (f, label) in fracs.iter().zip(&self.x_labels).step_by(every) {
                let room = (slot * every as f64 - 10.0).min(160.0) / 1.1;
                ticks.push((*f, fit(label, font, room, font.size.min(12.0))?.0));
            }
            return Ok((fracs, ticks));
        };
        let lo = numbers.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5f64.max(0.05 * lo.abs()) };
        let (lo, hi) = (lo - pad, hi + pad);
        let frac = |v: f64| (v - lo) / (hi - lo);
        let fracs: Vec<f64> = numbers.iter().map(|&v| frac(v)).collect();
        // Ticks at the grid values when there are few and their labels fit; else round numbers.
        let mut at_values: Vec<(f64, String, f64)> = Vec::with_capacity(n);
        for (f, label) in fracs.iter().zip(&self.x_labels) {
            at_values.push((*f, label.clone(), 1.1 * text_width(label, font)?));
        }
        at_values.sort_by(|a, b| a.0.total_cmp(&b.0));
        at_values.dedup_by(|a, b| a.0 == b.0);
        let fits = at_values.len() <= 12
            && at_values.windows(2).all(|w| (w[1].0 - w[0].0) * width >= (w[0].2 + w[1].2) / 2.0 + 12.0);
        let ticks = if fits {
            at_values.into_iter().map(|(f, label, _)| (f, label)).collect()
        } else {
            let scale = Scale::within(lo, hi, (width / 120.0).max(2.0) as usize);
            scale.ticks.iter().map(|&t| (frac(t), scale.label(t))).collect()
        };
        Ok((fracs, ticks))
    }
}

/// Positions of the first axis' values and the ticks (both as fractions of the x axis).
type XAxis = (Vec<f64>, Vec<(f64, String)>);

/// The chart of one metric of a sweep.
pub struct SweepChart<'a> {
    /// The sweep.
    pub sweep: &'a SweepResult,
    /// Its panels.
    pub grid: &'a SweepGrid,
    /// The metric.
    pub metric: MetricId,
}

impl SweepChart<'_> {
    /// (mean, low, high) of strategy `s` at point `p`, when the point has it.
    fn stat(&self, p: usize, s: usize) -> Option<(f64, f64, f64)> {
        let summary = self.sweep.points.get(p)?.summaries.get(s)?.get(self.metric.0)?;
        Some((summary.mean, summary.ci95[0], summary.ci95[1]))
    }
}

impl Chart for SweepChart<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<DB>) -> Result<(), ChartError> {
        let sweep = self.sweep;
        let path = sweep.axes.first().map_or("", |a| a.name());
        let title = format!("{} by {}", metric_label(self.metric), path);
        let subtitle = format!(
            "Scenario {}, sweep {}: mean and 95% interval over {} per point; lower is better.",
            sweep.scenario,
            sweep.name,
            replications_text(sweep.replications)
        );
        let top = draw_header(
            canvas,
            &Header {
                title: &title,
                subtitle: &subtitle,
                note: None,
                strategies: &sweep.strategies,
                events: None,
            },
        )?;
        let bottom = bottom(canvas);

        let axis_title_h = text_height(AXIS_TITLE) + 10.0;
        let area = Rect {
            x0: MARGIN + axis_title_h,
            y0: top + 4.0,
            x1: canvas.width() - MARGIN + 6.0,
            y1: bottom - axis_title_h,
        };
        let (x_title, font) = fit(path, AXIS_TITLE, area.w(), 13.0)?;
        canvas.text(&x_title, (area.cx(), bottom), font, MUTED, (Align::Center, Valign::Bottom))?;
        let (y_title, font) = fit(metric_unit(self.metric), AXIS_TITLE, area.h(), 13.0)?;
        canvas.text_up(&y_title, (MARGIN + 8.0, (area.y0 + area.y1) / 2.0), font, MUTED)?;

        let panels = &self.grid.panels;
        let (cols, rows) = grid_shape(panels.len(), area, 1.5);
        let cells = grid_cells(area, cols, rows);
        // Smaller type in small panels.
        let cell_h = cells[0].h();
        let tick = if cell_h < 240.0 { TICK.sized(15.0) } else { TICK };
        let caption_line = (cell_h * 0.1).clamp(15.0, CAPTION_LINE);
        let caption_font = PANEL_TITLE.sized((caption_line * 0.76).min(19.0));
        // One caption line per other axis, or all on one line when every panel's fits.
        let one_line = |panel: &Panel| panel.titles.join(", ");
        let mut joined = panels.len() > 1;
        for panel in panels {
            if !joined {
                break;
            }
            joined = 1.1 * text_width(&one_line(panel), caption_font)? <= cells[0].w() - 16.0;
        }
        let n_lines = if panels.len() <= 1 {
            0
        } else if joined {
            1
        } else {
            panels[0].titles.len()
        };
        let caption_h = if n_lines == 0 { 0.0 } else { n_lines as f64 * caption_line + 6.0 };
        let x_labels_h = X_TICK_GAP + text_height(tick) + 14.0;
        let plot_h = (cell_h - caption_h - 8.0 - x_labels_h).max(20.0);

        let n_strategies = sweep.strategies.len();
        let highest = panels
            .iter()
            .flat_map(|panel| panel.points.iter().flatten())
            .flat_map(|&p| (0..n_strategies).filter_map(move |s| self.stat(p, s)))
            .map(|(mean, _, hi)| mean.max(hi))
            .fold(0.0, f64::max);
        let scale = Scale::from_zero(highest * 1.05, (plot_h / 60.0).clamp(2.0, 7.0) as usize);
        let tick_w = scale.label_width(tick)?;

        for (panel, cell) in panels.iter().zip(cells) {
            let plot = Rect {
                x0: cell.x0 + tick_w + TICK_GAP + 4.0,
                y0: cell.y0 + caption_h + 8.0,
                x1: cell.x1 - 22.0,
                y1: cell.y0 + caption_h + 8.0 + plot_h,
            };
            let lines = if joined { vec![one_line(panel)] } else { panel.titles.clone() };
            for (j, line) in lines.iter().enumerate().take(n_lines) {
                let (line, font) = fit(line, caption_font, cell.w() - 16.0, 11.0)?;
                let y = cell.y0 + 4.0 + j as f64 * caption_line;
                canvas.text(&line, (plot.cx(), y), font, INK, (Align::Center, Valign::Top))?;
            }
            let (fracs, ticks) = self.grid.x_axis(plot.w(), tick)?;
            let ticks: Vec<(f64, String)> =
                ticks.into_iter().map(|(f, label)| (plot.x_at(f), label)).collect();
            draw_y_ticks(canvas, plot, &scale, tick)?;
            draw_x_ticks(canvas, plot, &ticks, Some(tick))?;
            draw_axis_lines(canvas, plot)?;

            let y = |v: f64| plot.y_at(scale.frac(v.clamp(scale.lo, scale.hi)));
            // Categories: strategies side by side around each category, so equal values stay visible.
            let dodge = if self.grid.x_numbers.is_some() {
                0.0
            } else {
                (plot.w() / fracs.len() as f64 * 0.5 / n_strategies as f64).min(14.0)
            };
            let series: Vec<Vec<(f64, f64, f64, f64)>> = (0..n_strategies)
                .map(|s| {
                    let shift = (s as f64 - (n_strategies as f64 - 1.0) / 2.0) * dodge;
                    let mut points: Vec<_> = panel
                        .points
                        .iter()
                        .zip(&fracs)
                        .filter_map(|(p, &f)| {
                            let (mean, lo, hi) = self.stat((*p)?, s)?;
                            Some((plot.x_at(f) + shift, y(mean), y(lo), y(hi)))
                        })
                        .collect();
                    points.sort_by(|a, b| a.0.total_cmp(&b.0));
                    points
                })
                .collect();
            for (s, points) in series.iter().enumerate() {
                let colour = look(s).colour;
                if points.len() >= 2 {
                    let upper: Vec<_> = points.iter().map(|&(x, _, _, hi)| (x, hi)).collect();
                    let lower: Vec<_> = points.iter().map(|&(x, _, lo, _)| (x, lo)).collect();
                    canvas.polygon(&band(&upper, &lower), colour.alpha(BAND_ALPHA))?;
                } else if let Some(&(x, _, lo, hi)) = points.first() {
                    canvas.line(&[(x, lo), (x, hi)], colour, 2.5)?;
                    canvas.line(&[(x - 8.0, lo), (x + 8.0, lo)], colour, 2.5)?;
                    canvas.line(&[(x - 8.0, hi), (x + 8.0, hi)], colour, 2.5)?;
                }
            }
            for (s, points) in series.iter().enumerate() {
                let look = look(s);
                let line: Vec<_> = points.iter().map(|&(x, mean, _, _)| (x, mean)).collect();
                if line.len() >= 2 {
                    canvas.dashed(&line, look.colour, 3.0, look.dash)?;
                }
                // Markers only where they stay apart (a dense axis shows the line alone).
                if line.windows(2).all(|w| w[1].0 - w[0].0 >= 14.0) {
                    for &point in &line {
                        canvas.marker(point, look.shape, 6.5, look.colour)?;
                    }
                }
            }
        }
        Ok(())
    }
}
