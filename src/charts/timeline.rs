//! `timeline`: the three daily series (duplicate people, cumulative lost-access incidents,
//! orphaned accounts) stacked on a shared day axis, one line per strategy (the mean) over a
//! light band (its 95% interval); below them one row per strategy with a flag at every action.
//! The scenario's own events (its `events`: email changes, leavers, deleted groups, a domain
//! move …, which happen to the migration whatever the strategy) are grey dotted lines through
//! the panels and grey rings with labels in a first row, "Events", placed like the actions.
//!
//! Actions at the same instant share one flag ("verify ×2", "verify + claim"). Flags are
//! staggered: placed right to left, each in the lowest lane where its label overlaps no other
//! label and no pole crosses a label. When staggered rows would take more than a share of the
//! height (many strategies), rows shrink to one line: labels sit on the base line right of
//! their markers, flags whose labels would touch merged into one ("verify, claim, SCIM on"),
//! in smaller type if need be; as a last resort rows show markers only.

use super::ChartError;
use super::canvas::{Align, Canvas, Chart, Colour, Font, Shape, Valign, WHITE, text_height, text_width};
use super::labels::{EVENT, action_label, event_label, look, merged_label};
use super::layout::{
    AXIS_TITLE, Header, INK, MARGIN, MUTED, PANEL_TITLE, Rect, Scale, TICK, TICK_GAP, X_TICK_GAP, band,
    bottom, draw_axis_lines, draw_event_mark, draw_header, draw_x_ticks, draw_y_ticks, draw_y_title, fit,
};
use super::strategies::replications_text;
use crate::input::scenario::{SECONDS_PER_DAY, Scenario, Strategy};
use crate::metrics::TIMELINE_METRICS;
use crate::results::RunResult;
use plotters::backend::DrawingBackend;

/// Captions and y-axis units of the three panels, in [`TIMELINE_METRICS`] order.
const PANELS: [(&str, &str); 3] = [
    ("Duplicate people", "people"),
    ("Lost-access incidents (cumulative)", "incidents"),
    ("Orphaned accounts", "accounts"),
];
/// Strategy names in the action rows (at most this size).
const NAME: Font = Font::regular(19.0);
/// Action labels (at most this size).
const FLAG: Font = Font::regular(18.0);
/// Space between two labels in a lane.
const PAD: f64 = 8.0;
/// Space between a label and a pole that passes it.
const POLE_CLEARANCE: f64 = 2.0;
/// Opacity of interval bands.
const BAND_ALPHA: f64 = 0.16;
/// Height of a panel caption line.
const CAPTION: f64 = 30.0;
/// Radius of the action markers.
const INLINE_MARKER: f64 = 6.5;
/// Largest share of the height below the header the action rows may take.
const ACTIONS_SHARE: f64 = 0.42;
/// Name of the row of the scenario's events.
pub const EVENTS_ROW: &str = "Events";
/// Legend entry of the scenario's events.
pub const EVENTS_LEGEND: &str = "scenario event";

/// The `timeline` chart of a run.
pub struct TimelineChart<'a> {
    scenario: &'a Scenario,
    result: &'a RunResult,
}

impl<'a> TimelineChart<'a> {
    /// The chart of `result`, a run of `scenario`.
    pub fn new(scenario: &'a Scenario, result: &'a RunResult) -> TimelineChart<'a> {
        TimelineChart { scenario, result }
    }
}

/// Actions at one instant of one strategy.
struct Flag {
    day: f64,
    label: String,
}

/// The flags of a strategy: its actions grouped by instant, in time order (an action after
/// the horizon sits at its end).
fn flags(strategy: &Strategy, horizon_days: f64) -> Vec<Flag> {
    let actions = strategy.actions.iter().map(|a| (a.at.0, action_label(&a.kind).to_string()));
    let mut flags = group_by_instant(actions);
    for flag in &mut flags {
        flag.day = flag.day.clamp(0.0, horizon_days);
    }
    flags
}

/// The flags of the scenario's own events (its `events`, not the drift and churn drawn at
/// random in each replication), grouped by instant, in time order.
fn event_flags(scenario: &Scenario) -> Vec<Flag> {
    let mut events: Vec<(i64, String)> =
        scenario.events.iter().map(|e| (e.at.0, event_label(scenario, &e.kind))).collect();
    events.sort_by_key(|&(at, _)| at);
    group_by_instant(events)
}

/// Labels (instant in seconds, label), in time order, merged per instant ("verify ×2").
fn group_by_instant(items: impl IntoIterator<Item = (i64, String)>) -> Vec<Flag> {
    let mut groups: Vec<(i64, Vec<String>)> = Vec::new();
    for (at, label) in items {
        match groups.last_mut() {
            Some((last, labels)) if *last == at => labels.push(label),
            _ => groups.push((at, vec![label])),
        }
    }
    groups
        .into_iter()
        .map(|(at, labels)| Flag { day: at as f64 / SECONDS_PER_DAY as f64, label: merged_label(&labels) })
        .collect()
}

/// A label placed in an action row.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    /// x of the pole joining the label to its marker.
    pole: f64,
    /// Horizontal extent of the label (pole included).
    x0: f64,
    x1: f64,
    /// Lane, 0 nearest the row's base line.
    lane: usize,
    /// The label is left of the pole (near the right edge).
    left: bool,
}

impl Placed {
    /// A label of width `w` right of `pole`, or left of it when it would pass `right_edge`.
    fn at(pole: f64, w: f64, right_edge: f64) -> Placed {
        let left = pole + 4.0 + w > right_edge;
        let (x0, x1) = if left { (pole - 4.0 - w, pole) } else { (pole, pole + 4.0 + w) };
        Placed { pole, x0, x1, lane: 0, left }
    }
}

/// Places labels (pole x, label width) right to left, each in the lowest lane where it
/// overlaps no label of that lane and no pole of a higher lane crosses it, and preferably
/// where its own pole crosses no label of a lower lane.
fn stagger(labels: &[(f64, f64)], right_edge: f64) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::with_capacity(labels.len());
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| labels[b].0.total_cmp(&labels[a].0).then(b.cmp(&a)));
    let mut out = vec![None; labels.len()];
    for i in order {
        let (pole, w) = labels[i];
        let here = Placed::at(pole, w, right_edge);
        let free = |lane: usize, strict: bool| {
            placed.iter().all(|p| {
                if p.lane == lane {
                    here.x1 + PAD <= p.x0 || p.x1 + PAD <= here.x0
                } else if p.lane > lane {
                    p.pole < here.x0 - POLE_CLEARANCE || p.pole > here.x1 + POLE_CLEARANCE
                } else {
                    !strict || pole < p.x0 - POLE_CLEARANCE || pole > p.x1 + POLE_CLEARANCE
                }
            })
        };
        // A lane above every placed label is always free when not strict.
        let lanes = 0..=placed.len();
        let lane = lanes.clone().find(|&l| free(l, true)).or_else(|| lanes.clone().find(|&l| free(l, false)));
        let p = Placed { lane: lane.unwrap_or(placed.len()), ..here };
        placed.push(p.clone());
        out[i] = Some(p);
    }
    out.into_iter().flatten().collect()
}

/// Merges flags (x, label) left to right into labels on the base line, each right of the
/// last marker it names: a flag joins the label before it when its marker would touch it.
/// Returns (label, extent); a label that would pass `right_edge` goes left of its first marker.
fn merge_inline(
    flags: &[(f64, String)],
    font: Font,
    right_edge: f64,
) -> Result<Vec<(String, Placed)>, ChartError> {
    let gap = INLINE_MARKER + 5.0;
    let mut merged: Vec<(f64, f64, String, f64)> = Vec::new(); // first x, last x, text, end
    for (x, label) in flags {
        match merged.last_mut() {
            Some((_, last, text, end)) if *x - INLINE_MARKER <= *end + PAD => {
                text.push_str(", ");
                text.push_str(label);
                *last = *x;
                *end = *x + gap + 1.1 * text_width(text, font)?;
            }
            _ => merged.push((*x, *x, label.clone(), *x + gap + 1.1 * text_width(label, font)?)),
        }
    }
    Ok(merged
        .into_iter()
        .map(|(first, last, text, end)| {
            let placed = if end > right_edge {
                let w = end - last - gap;
                Placed { pole: first, x0: first - gap - w, x1: first - gap, lane: 0, left: true }
            } else {
                Placed { pole: last, x0: last + gap, x1: end, lane: 0, left: false }
            };
            (text, placed)
        })
        .collect())
}

/// How the action rows are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RowStyle {
    /// One label per instant, staggered into lanes.
    Staggered(Font),
    /// Labels that would touch merged, on the base line next to their markers.
    Inline(Font),
    /// Markers only, rows this tall.
    Markers(f64),
}

/// One strategy's action row.
struct Row {
    /// x of every flag.
    markers: Vec<f64>,
    /// Labels and where they go.
    labels: Vec<(String, Placed)>,
    /// Height of the row.
    height: f64,
    /// Offset of the base line from the row's top.
    base: f64,
}

impl RowStyle {
    fn font(self) -> Option<Font> {
        match self {
            RowStyle::Staggered(font) | RowStyle::Inline(font) => Some(font),
            RowStyle::Markers(_) => None,
        }
    }

    fn lane_height(self) -> f64 {
        match self {
            RowStyle::Staggered(font) => font.size * 1.28,
            _ => 0.0,
        }
    }

    /// Lays out one row: `flags` as (pole x, label).
    fn row(self, flags: &[(f64, String)], right_edge: f64) -> Result<Row, ChartError> {
        let markers = flags.iter().map(|(x, _)| *x).collect();
        let (labels, gap) = match self {
            RowStyle::Markers(height) => {
                return Ok(Row { markers, labels: Vec::new(), height, base: height / 2.0 });
            }
            RowStyle::Staggered(font) => {
                let widths = flags
                    .iter()
                    .map(|(x, label)| Ok((*x, 1.1 * text_width(label, font)?)))
                    .collect::<Result<Vec<_>, ChartError>>()?;
                let placed = stagger(&widths, right_edge);
                (flags.iter().map(|(_, l)| l.clone()).zip(placed).collect::<Vec<_>>(), 20.0)
            }
            RowStyle::Inline(font) => {
                let labels = merge_inline(flags, font, right_edge)?;
                let height = text_height(font) + 14.0;
                return Ok(Row { markers, labels, height, base: height / 2.0 });
            }
        };
        let font = self.font().unwrap_or(FLAG);
        let lanes = labels.iter().map(|(_, p)| p.lane + 1).max().unwrap_or(1);
        let base = 6.0 + text_height(font) + 10.0 + (lanes - 1) as f64 * self.lane_height();
        Ok(Row { markers, labels, height: base + gap, base })
    }
}

/// One row under the panels: the scenario's events or one strategy's actions.
struct Track {
    /// Row name, left of the row.
    name: String,
    /// Colour of its marks.
    colour: Colour,
    /// Marker shape.
    shape: Shape,
    /// Flags (x, label).
    flags: Vec<(f64, String)>,
}

impl Chart for TimelineChart<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<DB>) -> Result<(), ChartError> {
        let strategies = &self.result.strategies;
        let names: Vec<String> = strategies.iter().map(|s| s.name.clone()).collect();
        let horizon = f64::from(self.scenario.horizon_days);
        let events: Vec<Flag> =
            event_flags(self.scenario).into_iter().filter(|f| (0.0..=horizon).contains(&f.day)).collect();
        let title = format!(
            "{}: timeline (mean and 95% interval over {})",
            self.scenario.name,
            replications_text(self.result.replications)
        );
        let subtitle = if events.is_empty() {
            "Lines are means per day, shaded bands their 95% intervals; \
             the bottom rows show when each strategy acts."
        } else {
            "Lines are means per day, shaded bands their 95% intervals; the bottom rows show when \
             each strategy acts and, in grey, the scenario's own events."
        };
        let top = draw_header(
            canvas,
            &Header {
                title: &title,
                subtitle,
                note: None,
                strategies: &names,
                events: (!events.is_empty()).then_some(EVENTS_LEGEND),
            },
        )?;
        let (width, bottom) = (canvas.width(), bottom(canvas));

        // Scales first: they fix the width of the tick labels and so the left edge of the plots.
        let scales: Vec<Scale> = (0..TIMELINE_METRICS.len())
            .map(|k| {
                let highest = strategies
                    .iter()
                    .flat_map(|s| s.timeline.iter().map(move |day| day[k].mean.max(day[k].ci95[1])))
                    .fold(0.0, f64::max);
                Scale::from_zero(highest * 1.05, 4)
            })
            .collect();
        let mut tick_w = 0.0f64;
        for scale in &scales {
            tick_w = tick_w.max(scale.label_width(TICK)?);
        }
        let mut name_w = 0.0f64;
        let events_name = (!events.is_empty()).then_some(EVENTS_ROW);
        for name in names.iter().map(String::as_str).chain(events_name) {
            name_w = name_w.max(1.1 * text_width(name, NAME)?);
        }
        let left = (34.0 + tick_w + TICK_GAP).max((name_w + 16.0).min(0.3 * width));
        let (x0, x1) = (MARGIN + left, width - MARGIN - 10.0);

        let days = Scale::within(0.0, horizon.max(1.0), ((x1 - x0) / 110.0) as usize);
        let x = |day: f64| x0 + days.frac(day) * (x1 - x0);
        let x_ticks: Vec<(f64, String)> = days.ticks.iter().map(|&d| (x(d), days.label(d))).collect();

        // The rows: the scenario's events first, then each strategy's actions.
        let event_track = Track {
            name: EVENTS_ROW.to_string(),
            colour: EVENT,
            shape: Shape::Ring,
            flags: events.iter().map(|f| (x(f.day), f.label.clone())).collect(),
        };
        let tracks: Vec<Track> = (!event_track.flags.is_empty())
            .then_some(event_track)
            .into_iter()
            .chain(self.scenario.strategies.iter().enumerate().map(|(s, strategy)| Track {
                name: names.get(s).cloned().unwrap_or_default(),
                colour: look(s).colour,
                shape: look(s).shape,
                flags: flags(strategy, horizon).into_iter().map(|f| (x(f.day), f.label)).collect(),
            }))
            .collect();

        // Vertical budget, bottom up: day labels and title, action rows, three panels.
        let axis_h = X_TICK_GAP + text_height(TICK) + 12.0 + text_height(AXIS_TITLE);
        let axis_top = bottom - axis_h;
        let max_actions = ACTIONS_SHARE * (axis_top - top - CAPTION);
        let n_rows = tracks.len().max(1) as f64;
        let styles = [
            RowStyle::Staggered(FLAG),
            RowStyle::Inline(FLAG),
            RowStyle::Inline(FLAG.sized(15.0)),
            RowStyle::Inline(FLAG.sized(12.0)),
            RowStyle::Markers((max_actions / n_rows).clamp(4.0, 24.0)),
        ];
        let mut rows = Vec::new();
        let mut style = styles[0];
        for candidate in styles {
            style = candidate;
            rows = tracks
                .iter()
                .map(|t| candidate.row(&t.flags, width - MARGIN))
                .collect::<Result<Vec<Row>, _>>()?;
            if rows.iter().map(|r| r.height).sum::<f64>() <= max_actions {
                break;
            }
        }
        let actions_h: f64 = rows.iter().map(|r| r.height).sum();
        let actions = Rect { x0, x1, y1: axis_top, y0: axis_top - actions_h };
        let panel_gap = 14.0;
        let panel_h = (actions.y0 - CAPTION - panel_gap - top) / 3.0;

        for (k, ((caption, unit), scale)) in PANELS.iter().zip(&scales).enumerate() {
            let cell_top = top + k as f64 * panel_h;
            let plot = Rect { x0, x1, y0: cell_top + CAPTION, y1: cell_top + panel_h - panel_gap };
            let (caption, font) = fit(caption, PANEL_TITLE, x1 - x0, 15.0)?;
            canvas.text(&caption, (x0, cell_top + 4.0), font, INK, (Align::Left, Valign::Top))?;
            draw_y_title(canvas, unit, x0 - tick_w - TICK_GAP - 18.0, plot)?;
            draw_y_ticks(canvas, plot, scale, TICK)?;
            draw_x_ticks(canvas, plot, &x_ticks, None)?;
            for event in &events {
                draw_event_mark(canvas, x(event.day), (plot.y0, plot.y1))?;
            }
            draw_axis_lines(canvas, plot)?;
            let y = |v: f64| plot.y_at(scale.frac(v.clamp(scale.lo, scale.hi)));
            let n_days = self.scenario.horizon_days as usize + 1;
            for (s, strategy) in strategies.iter().enumerate() {
                let series = strategy.timeline.iter().take(n_days).enumerate();
                let upper: Vec<_> = series.clone().map(|(d, v)| (x(d as f64), y(v[k].ci95[1]))).collect();
                let lower: Vec<_> = series.map(|(d, v)| (x(d as f64), y(v[k].ci95[0]))).collect();
                if upper.len() >= 2 {
                    canvas.polygon(&band(&upper, &lower), look(s).colour.alpha(BAND_ALPHA))?;
                }
            }
            for (s, strategy) in strategies.iter().enumerate() {
                let means: Vec<_> = strategy
                    .timeline
                    .iter()
                    .take(n_days)
                    .enumerate()
                    .map(|(d, v)| (x(d as f64), y(v[k].mean)))
                    .collect();
                let look = look(s);
                canvas.dashed(&means, look.colour, 3.0, look.dash)?;
            }
        }

        // Event and action rows.
        let caption = if tracks.len() > strategies.len() { "Events and actions" } else { "Actions" };
        canvas.text(
            caption,
            (x0, actions.y0 - CAPTION + 4.0),
            PANEL_TITLE,
            INK,
            (Align::Left, Valign::Top),
        )?;
        draw_x_ticks(canvas, actions, &x_ticks, Some(TICK))?;
        draw_axis_lines(canvas, actions)?;
        let label_font = style.font().unwrap_or(FLAG);
        let name_font = match style {
            RowStyle::Markers(h) => NAME.sized((h * 0.75).clamp(8.0, NAME.size)),
            _ => NAME.sized(NAME.size.min(label_font.size + 1.0)),
        };
        let marker_r = match style {
            RowStyle::Markers(h) => (h * 0.3).clamp(2.0, INLINE_MARKER),
            _ => INLINE_MARKER,
        };
        let mut row_top = actions.y0;
        for (track, row) in tracks.iter().zip(&rows) {
            let text = track.colour.for_text();
            let base_y = row_top + row.base;
            let (name, font) = fit(&track.name, name_font, left - 16.0, name_font.size.min(12.0))?;
            canvas.text(&name, (x0 - 12.0, base_y), font, text, (Align::Right, Valign::Middle))?;
            canvas.line(&[(x0, base_y), (x1, base_y)], track.colour.alpha(0.45), 1.5)?;
            for (label, p) in &row.labels {
                if let RowStyle::Staggered(_) = style {
                    let label_bottom = base_y - 10.0 - p.lane as f64 * style.lane_height();
                    let pole_top = label_bottom - text_height(label_font) - 2.0;
                    canvas.line(&[(p.pole, base_y), (p.pole, pole_top)], track.colour, 1.5)?;
                    let (at, align) =
                        if p.left { (p.x1 - 4.0, Align::Right) } else { (p.x0 + 4.0, Align::Left) };
                    canvas.text(label, (at, label_bottom), label_font, text, (align, Valign::Bottom))?;
                } else {
                    // The label's box has room for wider SVG fonts; the gap in the base line
                    // behind the text follows the text.
                    let half = text_height(label_font) / 2.0 + 2.0;
                    let (x0, x1) = if p.left {
                        (p.x1 - text_width(label, label_font)? - 3.0, p.x1 + 2.0)
                    } else {
                        (p.x0 - 2.0, p.x0 + text_width(label, label_font)? + 3.0)
                    };
                    canvas.rect((x0, base_y - half), (x1, base_y + half), WHITE)?;
                    let (at, align) = if p.left { (p.x1, Align::Right) } else { (p.x0, Align::Left) };
                    canvas.text(label, (at, base_y), label_font, text, (align, Valign::Middle))?;
                }
            }
            for &m in &row.markers {
                canvas.marker((m, base_y), track.shape, marker_r, track.colour)?;
            }
            row_top += row.height;
        }
        let (day_title, font) = fit("Day", AXIS_TITLE, x1 - x0, 13.0)?;
        canvas.text(&day_title, ((x0 + x1) / 2.0, bottom), font, MUTED, (Align::Center, Valign::Bottom))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: &Placed, b: &Placed) -> bool {
        a.lane == b.lane && a.x0 < b.x1 && b.x0 < a.x1
    }

    #[test]
    fn close_actions_stagger_without_crossing() {
        // Days 0, 1, 2, 30, 31 at 15 px a day, labels 60 px wide.
        let labels: Vec<(f64, f64)> =
            [0.0, 1.0, 2.0, 30.0, 31.0].iter().map(|d| (100.0 + 15.0 * d, 60.0)).collect();
        let placed = stagger(&labels, 1600.0);
        assert_eq!(placed.iter().map(|p| p.lane).collect::<Vec<_>>(), [2, 1, 0, 1, 0]);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} {b:?}");
            }
            for b in &placed {
                if b.lane < a.lane {
                    assert!(a.pole < b.x0 || a.pole > b.x1, "pole of {a:?} crosses {b:?}");
                }
            }
        }
        // Half a day apart (7.5 px) and at the same pixel: still placed, and placing ends.
        let labels = [(100.0, 60.0), (107.5, 60.0), (115.0, 60.0), (115.0, 60.0)];
        assert_eq!(stagger(&labels, 1600.0).len(), 4);
    }

    #[test]
    fn labels_near_the_right_edge_go_left() {
        let placed = stagger(&[(1590.0, 50.0)], 1600.0);
        assert!(placed[0].left);
        assert!(placed[0].x1 <= 1600.0);
    }

    #[test]
    fn touching_labels_merge() {
        crate::charts::register_fonts().unwrap();
        let flags: Vec<(f64, String)> =
            [(100.0, "verify"), (115.0, "claim"), (130.0, "SCIM on"), (600.0, "migrate")]
                .iter()
                .map(|(x, l)| (*x, l.to_string()))
                .collect();
        let merged = merge_inline(&flags, FLAG, 1600.0).unwrap();
        let texts: Vec<&str> = merged.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["verify, claim, SCIM on", "migrate"]);
        assert!(merged[0].1.x0 > 130.0 && merged[0].1.x1 < 600.0);
        let at_edge = merge_inline(&flags[3..], FLAG, 620.0).unwrap();
        assert!(at_edge[0].1.left && at_edge[0].1.x1 < 600.0);
    }
}
