//! Sweep checkpoints: the points already finished, so that an interrupted sweep can continue
//! (`--resume`) to the same final bytes as an uninterrupted run.
//!
//! The checkpoint is a JSON-lines file in the output folder: a header line with the sweep's
//! fingerprint, then one line per finished point. Lines are appended and flushed after every
//! chunk; a line cut short by an interruption is ignored on resume. Floats are written with
//! serde_json's shortest round-trip representation, so a resumed point is bit-for-bit the
//! point that was computed.

use crate::metrics::{COLUMNS, MetricId};
use crate::results::PairedDifference;
use crate::results::sweep::PointResult;
use crate::stats::{MeanInterval, Summary};
use serde_json::{Value, json};

/// File name of the checkpoint inside the output folder.
pub const CHECKPOINT_FILE: &str = ".scimsim-sweep-checkpoint.jsonl";

/// A fingerprint of everything that decides a sweep's numbers and the meaning of its lines: the
/// sweep and base scenario texts, the replications, the program version and the metric
/// columns (a checkpoint written with other columns belongs to another sweep: it is refused,
/// never read column by column into the wrong metrics). FNV-1a, 64 bits, as hex.
pub fn fingerprint(sweep_text: &str, base_text: &str, replications: u64) -> String {
    fingerprint_with(sweep_text, base_text, replications, &COLUMNS)
}

/// [`fingerprint`] with the given metric columns.
fn fingerprint_with(sweep_text: &str, base_text: &str, replications: u64, columns: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let version = env!("CARGO_PKG_VERSION");
    let columns = columns.join("\n");
    for part in [
        sweep_text.as_bytes(),
        &[0],
        base_text.as_bytes(),
        &[0],
        &replications.to_le_bytes(),
        version.as_bytes(),
        &[0],
        columns.as_bytes(),
    ] {
        for &b in part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The header line.
pub fn header(fingerprint: &str) -> String {
    json!({"scimsim_checkpoint": 1, "fingerprint": fingerprint}).to_string()
}

fn summary_array(s: &Summary) -> Value {
    json!(s.to_array())
}

/// One finished point as a line.
pub fn point_line(p: &PointResult) -> String {
    let summaries: Vec<Vec<Value>> =
        p.summaries.iter().map(|s| s.iter().map(summary_array).collect()).collect();
    let paired: Vec<Value> = p
        .paired
        .iter()
        .map(|d| {
            json!([
                d.baseline,
                d.strategy,
                d.metric.0,
                d.difference.mean,
                d.difference.ci95[0],
                d.difference.ci95[1]
            ])
        })
        .collect();
    json!({"index": p.index, "summaries": summaries, "paired": paired}).to_string()
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The shape every point of this sweep has: where it sits, how many strategies it has.
pub struct Shape<'a> {
    /// The sweep's axes (a point's coordinates follow from its index).
    pub axes: &'a [crate::input::sweep_plan::Axis],
    /// Points in the grid.
    pub n_points: usize,
    /// Strategies of the scenario.
    pub n_strategies: usize,
}

/// One point of a line, or `None` when the line is cut short or does not have the sweep's
/// shape (a hand-edited or corrupted checkpoint is never trusted).
fn parse_point(line: &str, shape: &Shape<'_>) -> Option<PointResult> {
    let v: Value = serde_json::from_str(line).ok()?;
    let index = usize::try_from(v["index"].as_u64()?).ok().filter(|&i| i < shape.n_points)?;
    let coords = crate::input::sweep_plan::coords_of(index, shape.axes);
    let summaries = v["summaries"]
        .as_array()?
        .iter()
        .map(|s| {
            s.as_array()?
                .iter()
                .map(|x| {
                    let a = x.as_array().filter(|a| a.len() == 8)?;
                    let mut values = [0.0; 8];
                    for (slot, v) in values.iter_mut().zip(a) {
                        *slot = f(v)?;
                    }
                    Some(Summary::from_array(values))
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    let whole = summaries.len() == shape.n_strategies
        && summaries.iter().all(|s| s.len() == crate::metrics::N_COLUMNS);
    if !whole {
        return None;
    }
    let paired = v["paired"]
        .as_array()?
        .iter()
        .map(|d| {
            let a = d.as_array()?;
            Some(PairedDifference {
                baseline: usize::try_from(a.first()?.as_u64()?).ok().filter(|&s| s < shape.n_strategies)?,
                strategy: usize::try_from(a.get(1)?.as_u64()?).ok().filter(|&s| s < shape.n_strategies)?,
                metric: MetricId(
                    usize::try_from(a.get(2)?.as_u64()?).ok().filter(|&m| m < crate::metrics::N_COLUMNS)?,
                ),
                difference: MeanInterval { mean: f(a.get(3)?)?, ci95: [f(a.get(4)?)?, f(a.get(5)?)?] },
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(PointResult { index, coords, summaries, paired })
}

/// What a checkpoint file holds.
#[derive(Debug, PartialEq)]
pub enum Loaded {
    /// It belongs to this sweep: the points finished so far (in grid order, no duplicates).
    Points(Vec<PointResult>),
    /// It belongs to another sweep (or another version of this one, or of scimsim's metrics).
    Foreign,
}

/// Reads a checkpoint's text for the sweep with `fingerprint`; a last line cut short is
/// ignored, as is any point that does not have the sweep's shape or is seen twice.
pub fn load(text: &str, fingerprint: &str, shape: &Shape<'_>) -> Loaded {
    let mut lines = text.lines();
    let ok = lines
        .next()
        .and_then(|h| serde_json::from_str::<Value>(h).ok())
        .is_some_and(|h| h["scimsim_checkpoint"] == json!(1) && h["fingerprint"] == json!(fingerprint));
    if !ok {
        return Loaded::Foreign;
    }
    let mut points: Vec<PointResult> = lines.filter_map(|l| parse_point(l, shape)).collect();
    points.sort_by_key(|p| p.index);
    points.dedup_by_key(|p| p.index);
    Loaded::Points(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes() -> Vec<crate::input::sweep_plan::Axis> {
        vec![crate::input::sweep_plan::Axis {
            path: "seed".into(),
            values: (0..5).map(|i| json!(i)).collect(),
            label: None,
        }]
    }

    fn shape(axes: &[crate::input::sweep_plan::Axis]) -> Shape<'_> {
        Shape { axes, n_points: 5, n_strategies: 2 }
    }

    fn point(index: usize) -> PointResult {
        let s = Summary {
            mean: 0.1 + index as f64,
            std: 1.0 / 3.0,
            ci95: [-1e-300, 2.5e10],
            min: 0.0,
            p50: 7.0,
            p90: 186.60000000000002,
            max: 9.0,
        };
        PointResult {
            index,
            coords: vec![index],
            summaries: vec![vec![s; crate::metrics::N_COLUMNS], vec![s; crate::metrics::N_COLUMNS]],
            paired: vec![PairedDifference {
                baseline: 0,
                strategy: 1,
                metric: MetricId(3),
                difference: MeanInterval { mean: -0.30000000000000004, ci95: [-1.0, 0.4] },
            }],
        }
    }

    #[test]
    fn points_round_trip_bit_for_bit() {
        let text = format!("{}\n{}\n{}\n", header("abc"), point_line(&point(1)), point_line(&point(0)));
        assert_eq!(load(&text, "abc", &shape(&axes())), Loaded::Points(vec![point(0), point(1)]));
    }

    #[test]
    fn a_cut_line_another_sweep_and_strays_are_ignored_or_refused() {
        let full = point_line(&point(2));
        let text = format!("{}\n{}\n{}", header("abc"), point_line(&point(0)), &full[..full.len() / 2]);
        let axes = axes();
        assert_eq!(load(&text, "abc", &shape(&axes)), Loaded::Points(vec![point(0)]));
        assert_eq!(load(&text, "other", &shape(&axes)), Loaded::Foreign);
        assert_eq!(load("garbage", "abc", &shape(&axes)), Loaded::Foreign);
        let text = format!("{}\n{}\n{}\n", header("abc"), point_line(&point(7)), point_line(&point(0)));
        assert_eq!(load(&text, "abc", &shape(&axes)), Loaded::Points(vec![point(0)]));
        // Lines of the wrong shape are never trusted.
        let mut bad = point(1);
        bad.summaries.pop();
        let mut stray = point(2);
        stray.paired[0].strategy = 7;
        let text = format!(
            "{}\n{}\n{}\n{}\n",
            header("abc"),
            point_line(&bad),
            point_line(&stray),
            point_line(&point(3))
        );
        assert_eq!(load(&text, "abc", &shape(&axes)), Loaded::Points(vec![point(3)]));
    }

    #[test]
    fn fingerprints_change_with_any_input() {
        let a = fingerprint("s", "b", 10);
        assert_eq!(a, fingerprint("s", "b", 10));
        assert_ne!(a, fingerprint("s ", "b", 10));
        assert_ne!(a, fingerprint("s", "b ", 10));
        assert_ne!(a, fingerprint("s", "b", 11));
        // Another set of metric columns (an older scimsim's, say) is another sweep.
        assert_ne!(a, fingerprint_with("s", "b", 10, &COLUMNS[..22]));
    }

    #[test]
    fn a_checkpoint_of_other_columns_is_refused() {
        let axes = axes();
        // Written with fewer columns: a foreign header, and its lines have the wrong shape.
        let old = fingerprint_with("s", "b", 10, &COLUMNS[..22]);
        let mut short = point(0);
        for s in &mut short.summaries {
            s.truncate(22);
        }
        let text = format!("{}\n{}\n", header(&old), point_line(&short));
        assert_eq!(load(&text, &fingerprint("s", "b", 10), &shape(&axes)), Loaded::Foreign);
        // Even under this sweep's header, lines of another column count are not trusted.
        let text = format!("{}\n{}\n", header("abc"), point_line(&short));
        assert_eq!(load(&text, "abc", &shape(&axes)), Loaded::Points(Vec::new()));
    }
}
