//! Layout shared by every chart: rectangles and grids of panels, round-number axis scales and
//! their labels, the header (title, subtitle, legend) and the axes of a panel.

use super::ChartError;
use super::canvas::{Align, Canvas, Colour, Dash, Font, Point, Shape, Valign, text_height, text_width};
use super::labels::{EVENT, look};
use crate::format::fixed;
use plotters::backend::DrawingBackend;

/// Titles.
pub const INK: Colour = Colour::hex(0x1A1A1A);
/// Tick labels, subtitles and axis titles.
pub const MUTED: Colour = Colour::hex(0x4D4D4D);
/// Axis lines.
pub const AXIS: Colour = Colour::hex(0x8C8C8C);
/// Grid lines.
pub const GRID: Colour = Colour::hex(0xE4E4E4);

/// Space kept free at the edges of the canvas.
pub const MARGIN: f64 = 24.0;
/// Chart title.
pub const TITLE: Font = Font::bold(34.0);
/// Line under the title.
pub const SUBTITLE: Font = Font::regular(21.0);
/// Legend entries.
pub const LEGEND: Font = Font::regular(22.0);
/// Panel titles.
pub const PANEL_TITLE: Font = Font::bold(21.0);
/// Axis titles.
pub const AXIS_TITLE: Font = Font::regular(20.0);
/// Tick labels.
pub const TICK: Font = Font::regular(19.0);
/// Gap between tick labels and the plot.
pub const TICK_GAP: f64 = 8.0;
/// Gap between x tick labels and the plot (room for markers sitting on the axis).
pub const X_TICK_GAP: f64 = 12.0;

/// A rectangle in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    /// Width.
    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height.
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Horizontal centre.
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// The x of fraction `f` of the width.
    pub fn x_at(&self, f: f64) -> f64 {
        self.x0 + f * self.w()
    }

    /// The y of fraction `f` of the height, from the bottom.
    pub fn y_at(&self, f: f64) -> f64 {
        self.y1 - f * self.h()
    }
}

/// Columns and rows for `n` panels in `area`, each as close as possible to `aspect`
/// (width / height), with few empty cells.
pub fn grid_shape(n: usize, area: Rect, aspect: f64) -> (usize, usize) {
    let n = n.max(1);
    let mut best = (1, n, f64::INFINITY);
    for cols in 1..=n {
        let rows = n.div_ceil(cols);
        let cell_aspect = (area.w() / cols as f64) / (area.h() / rows as f64);
        let empty = (cols * rows - n) as f64;
        let score = (cell_aspect / aspect).ln().abs() + 0.15 * empty;
        if score < best.2 {
            best = (cols, rows, score);
        }
    }
    (best.0, best.1)
}

/// The cells of a `cols` × `rows` grid over `area`, in reading order.
pub fn grid_cells(area: Rect, cols: usize, rows: usize) -> Vec<Rect> {
    let (w, h) = (area.w() / cols as f64, area.h() / rows as f64);
    (0..rows)
        .flat_map(|r| {
            (0..cols).map(move |c| Rect {
                x0: area.x0 + c as f64 * w,
                y0: area.y0 + r as f64 * h,
                x1: area.x0 + (c + 1) as f64 * w,
                y1: area.y0 + (r + 1) as f64 * h,
            })
        })
        .collect()
}

/// A linear axis scale with round-number ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Value at the start of the axis.
    pub lo: f64,
    /// Value at the end.
    pub hi: f64,
    /// Tick values, ascending.
    pub ticks: Vec<f64>,
    decimals: usize,
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(raw)
}

/// Decimals that show every multiple of `step` exactly.
fn decimals_for(step: f64) -> usize {
    if step >= 1.0 { 0 } else { (-(step.log10() + 1e-9).floor()).max(0.0) as usize }
}

impl Scale {
    /// From 0 to the first tick at or above `max` (1 when `max` is not positive), about
    /// `target` ticks.
    pub fn from_zero(max: f64, target: usize) -> Scale {
        let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
        let step = nice_step(max / target.max(1) as f64);
        let n = (max / step - 1e-9).ceil().max(1.0) as usize;
        let ticks: Vec<f64> = (0..=n).map(|i| i as f64 * step).collect();
        Scale { lo: 0.0, hi: n as f64 * step, ticks, decimals: decimals_for(step) }
    }

    /// Exactly `lo`..`hi`, with about `target` round ticks inside.
    pub fn within(lo: f64, hi: f64, target: usize) -> Scale {
        let step = nice_step((hi - lo) / target.max(1) as f64);
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let ticks = (first..=last).map(|i| i as f64 * step).collect();
        Scale { lo, hi, ticks, decimals: decimals_for(step) }
    }

    /// Position of `v` as a fraction of the axis (0 at `lo`).
    pub fn frac(&self, v: f64) -> f64 {
        if self.hi > self.lo { (v - self.lo) / (self.hi - self.lo) } else { 0.5 }
    }

    /// Label of a tick.
    pub fn label(&self, v: f64) -> String {
        fixed(v, self.decimals)
    }

    /// Width of the widest tick label.
    pub fn label_width(&self, font: Font) -> Result<f64, ChartError> {
        self.ticks.iter().try_fold(0.0f64, |w, &t| Ok(w.max(text_width(&self.label(t), font)?)))
    }
}

/// `text` in `font`, shrunk (down to `min_size`) and then shortened with "…" until it is at
/// most `max_width` wide.
pub fn fit(text: &str, font: Font, max_width: f64, min_size: f64) -> Result<(String, Font), ChartError> {
    let w = text_width(text, font)?;
    if w <= max_width {
        return Ok((text.to_string(), font));
    }
    let size = (font.size * max_width / w * 2.0).floor() / 2.0;
    let font = font.sized(size.max(min_size));
    if text_width(text, font)? <= max_width {
        return Ok((text.to_string(), font));
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (1..chars.len()).rev() {
        let short: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(&short, font)? <= max_width {
            return Ok((short, font));
        }
    }
    Ok(("…".to_string(), font))
}

/// Title, subtitle and the strategy legend at the top of a chart.
pub struct Header<'a> {
    /// Chart title.
    pub title: &'a str,
    /// What the marks mean.
    pub subtitle: &'a str,
    /// A further note under the subtitle, wrapped onto as many lines as it needs (at most
    /// [`NOTE_LINES`]).
    pub note: Option<&'a str>,
    /// Strategy names, in scenario order.
    pub strategies: &'a [String],
    /// The legend also names the scenario's events, with this label.
    pub events: Option<&'a str>,
}

/// Most lines a header note takes.
pub const NOTE_LINES: usize = 3;

const LEGEND_SAMPLE: f64 = 46.0;
const LEGEND_GAP: f64 = 10.0;
const LEGEND_SPACING: f64 = 36.0;
const LEGEND_ROW: f64 = 32.0;

/// Draws the header and returns the y below it.
pub fn draw_header<DB: DrawingBackend>(canvas: &Canvas<DB>, header: &Header<'_>) -> Result<f64, ChartError> {
    let (centre, width) = (canvas.width() / 2.0, canvas.width() - 2.0 * MARGIN);
    let mut y = MARGIN - 6.0;
    let (title, font) = fit(header.title, TITLE, width, 22.0)?;
    canvas.text(&title, (centre, y), font, INK, (Align::Center, Valign::Top))?;
    y += text_height(font) + 14.0;
    let (subtitle, font) = fit(header.subtitle, SUBTITLE, width, 15.0)?;
    canvas.text(&subtitle, (centre, y), font, MUTED, (Align::Center, Valign::Top))?;
    y += text_height(font) + 14.0;
    if let Some(note) = header.note {
        for line in wrap(note, SUBTITLE, width, NOTE_LINES)? {
            canvas.text(&line, (centre, y), SUBTITLE, MUTED, (Align::Center, Valign::Top))?;
            y += text_height(SUBTITLE) + 10.0;
        }
        y += 4.0;
    }
    let mut names: Vec<&str> = header.strategies.iter().map(String::as_str).collect();
    names.extend(header.events);
    for row in legend_rows(&names, width)? {
        let total: f64 = row.iter().map(|(_, w)| w).sum::<f64>() + LEGEND_SPACING * (row.len() - 1) as f64;
        let mut x = (canvas.width() - total) / 2.0;
        let mid = y + LEGEND_ROW / 2.0;
        for (s, w) in row {
            let sample = x + LEGEND_SAMPLE / 2.0;
            if s < header.strategies.len() {
                let look = look(s);
                canvas.dashed(&[(x, mid), (x + LEGEND_SAMPLE, mid)], look.colour, 3.0, look.dash)?;
                canvas.marker((sample, mid), look.shape, 7.0, look.colour)?;
            } else {
                draw_event_mark(
                    canvas,
                    sample,
                    (mid - LEGEND_ROW / 2.0 + 2.0, mid + LEGEND_ROW / 2.0 - 2.0),
                )?;
                canvas.marker((sample, mid), Shape::Ring, 7.0, EVENT)?;
            }
            let name_x = x + LEGEND_SAMPLE + LEGEND_GAP;
            canvas.text(names[s], (name_x, mid), LEGEND, INK, (Align::Left, Valign::Middle))?;
            x += w + LEGEND_SPACING;
        }
        y += LEGEND_ROW;
    }
    Ok(y + 8.0)
}

/// The vertical line that marks a scenario event at `x`, from `y0` down to `y1`.
pub fn draw_event_mark<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    x: f64,
    (y0, y1): (f64, f64),
) -> Result<(), ChartError> {
    canvas.dashed(&[(x, y0), (x, y1)], EVENT.alpha(0.75), 1.6, Dash::Dotted)
}

/// `text` broken at spaces into at most `max_lines` lines no wider than `width` (the last
/// shortened with "…" if the text does not fit).
pub fn wrap(text: &str, font: Font, width: f64, max_lines: usize) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        // SVG viewers draw text up to ~10% wider than the embedded font: leave room.
        if current.is_empty() || 1.1 * text_width(&candidate, font)? <= width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    lines.push(current);
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    let last = lines.len() - 1;
    lines[last] = fit(&lines[last], font, width / 1.1, font.size)?.0;
    Ok(lines)
}

/// Legend entries (index, entry width) wrapped into rows no wider than `width`.
fn legend_rows(names: &[&str], width: f64) -> Result<Vec<Vec<(usize, f64)>>, ChartError> {
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut used = 0.0;
    for (s, name) in names.iter().enumerate() {
        // SVG viewers draw text up to ~10% wider than the embedded font: leave room.
        let w = LEGEND_SAMPLE + LEGEND_GAP + 1.1 * text_width(name, LEGEND)?;
        match rows.last_mut() {
            Some(row) if used + LEGEND_SPACING + w <= width => {
                row.push((s, w));
                used += LEGEND_SPACING + w;
            }
            _ => {
                rows.push(vec![(s, w)]);
                used = w;
            }
        }
    }
    Ok(rows)
}

/// Horizontal grid lines at the scale's ticks and their labels (in `font`) left of the plot.
pub fn draw_y_ticks<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    plot: Rect,
    scale: &Scale,
    font: Font,
) -> Result<(), ChartError> {
    for &t in &scale.ticks {
        let y = plot.y_at(scale.frac(t));
        canvas.line(&[(plot.x0, y), (plot.x1, y)], GRID, 1.0)?;
        canvas.text(&scale.label(t), (plot.x0 - TICK_GAP, y), font, MUTED, (Align::Right, Valign::Middle))?;
    }
    Ok(())
}

/// Vertical grid lines at `ticks` (x in pixels) and, with `font`, their labels under the plot.
pub fn draw_x_ticks<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    plot: Rect,
    ticks: &[(f64, String)],
    font: Option<Font>,
) -> Result<(), ChartError> {
    for (x, label) in ticks {
        canvas.line(&[(*x, plot.y0), (*x, plot.y1)], GRID, 1.0)?;
        if let Some(font) = font {
            canvas.text(label, (*x, plot.y1 + X_TICK_GAP), font, MUTED, (Align::Center, Valign::Top))?;
        }
    }
    Ok(())
}

/// The left and bottom axis lines of a plot.
pub fn draw_axis_lines<DB: DrawingBackend>(canvas: &Canvas<DB>, plot: Rect) -> Result<(), ChartError> {
    canvas.line(&[(plot.x0, plot.y0), (plot.x0, plot.y1), (plot.x1, plot.y1)], AXIS, 1.3)
}

/// A y-axis title reading upwards, centred on the plot's height at `x`.
pub fn draw_y_title<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    text: &str,
    x: f64,
    plot: Rect,
) -> Result<(), ChartError> {
    let (text, font) = fit(text, AXIS_TITLE, plot.h(), 13.0)?;
    canvas.text_up(&text, (x, (plot.y0 + plot.y1) / 2.0), font, MUTED)
}

/// The polygon between `upper` and `lower` (same x order), for an interval band.
pub fn band(upper: &[Point], lower: &[Point]) -> Vec<Point> {
    upper.iter().copied().chain(lower.iter().rev().copied()).collect()
}

/// Bottom of the canvas content.
pub fn bottom<DB: DrawingBackend>(canvas: &Canvas<DB>) -> f64 {
    canvas.height() - MARGIN + 8.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_from_zero_end_on_round_ticks() {
        let s = Scale::from_zero(2842.7, 5);
        assert_eq!(s.ticks, vec![0.0, 1000.0, 2000.0, 3000.0]);
        assert_eq!(s.label(3000.0), "3,000");
        let s = Scale::from_zero(0.0, 4);
        assert_eq!(s.hi, 1.0);
        let s = Scale::from_zero(0.3, 3);
        assert_eq!(s.ticks.iter().map(|&t| s.label(t)).collect::<Vec<_>>(), ["0.0", "0.1", "0.2", "0.3"]);
    }

    #[test]
    fn scales_within_keep_their_ends() {
        let s = Scale::within(0.0, 90.0, 9);
        assert_eq!((s.lo, s.hi), (0.0, 90.0));
        assert_eq!(s.ticks.len(), 10);
        let s = Scale::within(0.0, 150.0, 8);
        assert_eq!(s.ticks.last(), Some(&140.0));
    }

    #[test]
    fn grids_fit_the_panel_count() {
        let area = Rect { x0: 0.0, y0: 0.0, x1: 1600.0, y1: 800.0 };
        let (c, r) = grid_shape(14, area, 1.2);
        assert!(c * r >= 14 && c * r - 14 < c);
        assert_eq!(grid_shape(1, area, 1.5), (1, 1));
    }
}
