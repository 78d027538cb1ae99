//! Sweep checkpoints and shard files: the points already finished, so that an interrupted sweep
//! can continue (`--resume`) to the same final bytes as an uninterrupted run, and so that
//! `merge` can put the shards of a sweep together.
//!
//! Both are JSON-lines files: a header line with the sweep's fingerprint, its shard (or `null`),
//! its replications and the texts of the sweep file and its base scenario (so that a shard file
//! is enough to plan the sweep again), then one line per finished point. A point line carries a
//! checksum of its payload, `{"sum":"<16 hex>","point":{…}}`: an edited or corrupted line is
//! refused by file and line; only a last line cut short (no final newline: a crash in the middle
//! of a write) is ignored on resume. Floats are written with serde_json's shortest round-trip
//! representation, so a resumed point is bit-for-bit the point that was computed.

use crate::metrics::{COLUMNS, MetricId};
use crate::results::PairedDifference;
use crate::results::sweep::PointResult;
use crate::stats::{MeanInterval, Summary};
use serde_json::{Value, json};

/// File name of the checkpoint inside the output folder.
pub const CHECKPOINT_FILE: &str = ".scimsim-sweep-checkpoint.jsonl";

/// The format version in the header line.
const FORMAT: u64 = 2;

/// The file name of shard `k` of `n`: `shard-K-of-N.jsonl`.
pub fn shard_file(shard: Shard) -> String {
    format!("shard-{}-of-{}.jsonl", shard.k, shard.n)
}

/// Shard `k` of `n` (1 ≤ k ≤ n) runs the grid points `p` with `p mod n = k − 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub k: usize,
    /// Number of shards.
    pub n: usize,
}

impl Shard {
    /// Whether grid point `p` is in this shard.
    pub fn holds(self, p: usize) -> bool {
        p % self.n == self.k - 1
    }
}

/// FNV-1a, 64 bits, over the parts in order.
pub fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A fingerprint of everything that decides a sweep's numbers and the meaning of its lines: the
/// sweep and base scenario texts, the replications, the program version and the metric
/// columns (a checkpoint written with other columns belongs to another sweep: it is refused,
/// never read column by column into the wrong metrics). FNV-1a, 64 bits, as hex.
pub fn fingerprint(sweep_text: &str, base_text: &str, replications: u64) -> String {
    fingerprint_with(sweep_text, base_text, replications, &COLUMNS)
}

/// [`fingerprint`] with the given metric columns.
fn fingerprint_with(sweep_text: &str, base_text: &str, replications: u64, columns: &[&str]) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let columns = columns.join("\n");
    let h = fnv64(&[
        sweep_text.as_bytes(),
        &[0],
        base_text.as_bytes(),
        &[0],
        &replications.to_le_bytes(),
        version.as_bytes(),
        &[0],
        columns.as_bytes(),
    ]);
    format!("{h:016x}")
}

/// What the header line says.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The sweep's [`fingerprint`].
    pub fingerprint: String,
    /// The shard, for a shard file.
    pub shard: Option<Shard>,
    /// Replications per point (after any `-r`).
    pub replications: u64,
    /// The sweep file's text.
    pub sweep: String,
    /// The base scenario's text.
    pub scenario: String,
}

impl Header {
    /// The header line.
    pub fn line(&self) -> String {
        json!({
            "scimsim_checkpoint": FORMAT,
            "fingerprint": self.fingerprint,
            "shard": self.shard.map(|s| json!([s.k, s.n])),
            "replications": self.replications,
            "sweep": self.sweep,
            "scenario": self.scenario,
        })
        .to_string()
    }

    /// Reads a header line; `None` when it is not one of this format.
    pub fn parse(line: &str) -> Option<Header> {
        let v: Value = serde_json::from_str(line).ok()?;
        if v["scimsim_checkpoint"] != json!(FORMAT) {
            return None;
        }
        let shard = match &v["shard"] {
            Value::Null => None,
            s => {
                let k = usize::try_from(s.get(0)?.as_u64()?).ok()?;
                let n = usize::try_from(s.get(1)?.as_u64()?).ok()?;
                Some((1..=n).contains(&k).then_some(Shard { k, n })?)
            }
        };
        Some(Header {
            fingerprint: v["fingerprint"].as_str()?.to_string(),
            shard,
            replications: v["replications"].as_u64()?,
            sweep: v["sweep"].as_str()?.to_string(),
            scenario: v["scenario"].as_str()?.to_string(),
        })
    }

    /// Whether the fingerprint is the one this scimsim computes from the texts (not so for a
    /// file of another version of scimsim, or an edited header).
    pub fn is_genuine(&self) -> bool {
        self.fingerprint == fingerprint(&self.sweep, &self.scenario, self.replications)
    }
}

fn summary_array(s: &Summary) -> Value {
    json!(s.to_array())
}

const SUM_PREFIX: &str = "{\"sum\":\"";
const POINT_KEY: &str = "\",\"point\":";

/// One finished point as a line, with the checksum of its payload.
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
    let payload = json!({"index": p.index, "summaries": summaries, "paired": paired}).to_string();
    format!("{SUM_PREFIX}{:016x}{POINT_KEY}{payload}}}", fnv64(&[payload.as_bytes()]))
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
    /// The shard whose points these are (every point when `None`).
    pub shard: Option<Shard>,
}

/// The payload of a point line, when its checksum is right.
fn checked_payload(line: &str) -> Result<&str, &'static str> {
    let rest = line.strip_prefix(SUM_PREFIX).ok_or("not a point line")?;
    let (sum, rest) = rest.split_at_checked(16).ok_or("not a point line")?;
    let payload = rest.strip_prefix(POINT_KEY).and_then(|r| r.strip_suffix('}')).ok_or("not a point line")?;
    let sum = u64::from_str_radix(sum, 16).map_err(|_| "not a point line")?;
    if sum != fnv64(&[payload.as_bytes()]) {
        return Err("its checksum does not match: the line was edited or corrupted");
    }
    Ok(payload)
}

/// One point of a line, or why the line is refused: a cut, edited or corrupted line, or one that
/// does not have the sweep's shape, is never trusted.
pub fn parse_point(line: &str, shape: &Shape<'_>) -> Result<PointResult, String> {
    let payload = checked_payload(line)?;
    let wrong = || "its point does not have this sweep's shape".to_string();
    let v: Value = serde_json::from_str(payload).map_err(|_| wrong())?;
    let index = v["index"].as_u64().and_then(|i| usize::try_from(i).ok()).ok_or_else(wrong)?;
    if index >= shape.n_points {
        return Err(format!("point {index} is outside the grid of {} points", shape.n_points));
    }
    if let Some(s) = shape.shard.filter(|s| !s.holds(index)) {
        return Err(format!("point {index} is not in shard {} of {}", s.k, s.n));
    }
    parse_payload(&v, index, shape).ok_or_else(wrong)
}

fn parse_payload(v: &Value, index: usize, shape: &Shape<'_>) -> Option<PointResult> {
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

/// A line refused: its 1-based number and why.
#[derive(Debug, PartialEq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// Why it is refused.
    pub why: String,
}

/// The header of a checkpoint's or shard's text, or `None` when the first line is not one.
pub fn read_header(text: &str) -> Option<Header> {
    text.lines().next().and_then(Header::parse)
}

/// The points of a checkpoint's or shard's text (after its header), each with its line number,
/// in file order. A line that is not a point of this sweep's shape, or a point seen twice, is a
/// [`BadLine`]; a last line cut short (no final newline) is one too unless `cut_ok` (a resumed
/// sweep runs that point again).
pub fn read_points(
    text: &str,
    shape: &Shape<'_>,
    cut_ok: bool,
) -> Result<Vec<(usize, PointResult)>, BadLine> {
    let mut points = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let n_lines = text.lines().count();
    for (i, line) in text.lines().enumerate().skip(1) {
        let number = i + 1;
        let cut = number == n_lines && !text.ends_with('\n');
        match parse_point(line, shape) {
            Ok(p) => {
                if let Some(first) = seen.insert(p.index, number) {
                    let why = format!("point {} is already on line {first}", p.index);
                    return Err(BadLine { line: number, why });
                }
                points.push((number, p));
            }
            Err(_) if cut && cut_ok => {}
            Err(_) if cut => {
                let why = "the line is cut short: its run was stopped while writing it".to_string();
                return Err(BadLine { line: number, why });
            }
            Err(why) => return Err(BadLine { line: number, why }),
        }
    }
    Ok(points)
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
        Shape { axes, n_points: 5, n_strategies: 2, shard: None }
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

    fn header(fingerprint: &str) -> String {
        Header {
            fingerprint: fingerprint.into(),
            shard: None,
            replications: 10,
            sweep: "s".into(),
            scenario: "b".into(),
        }
        .line()
    }

    fn load(text: &str, shape: &Shape<'_>, cut_ok: bool) -> Result<Vec<PointResult>, BadLine> {
        read_points(text, shape, cut_ok).map(|ps| ps.into_iter().map(|(_, p)| p).collect())
    }

    #[test]
    fn points_round_trip_bit_for_bit() {
        let text = format!("{}\n{}\n{}\n", header("abc"), point_line(&point(1)), point_line(&point(0)));
        assert_eq!(load(&text, &shape(&axes()), false), Ok(vec![point(1), point(0)]));
        assert_eq!(read_header(&text).map(|h| h.fingerprint), Some("abc".into()));
    }

    #[test]
    fn headers_round_trip_and_say_whether_they_are_genuine() {
        let texts = ("{\"name\": \"s\"}\n", "{\"name\": \"b\"}");
        let genuine = Header {
            fingerprint: fingerprint(texts.0, texts.1, 7),
            shard: Some(Shard { k: 2, n: 3 }),
            replications: 7,
            sweep: texts.0.into(),
            scenario: texts.1.into(),
        };
        assert_eq!(Header::parse(&genuine.line()), Some(genuine.clone()));
        assert!(genuine.is_genuine());
        let edited = Header { replications: 8, ..genuine.clone() };
        assert!(!Header::parse(&edited.line()).is_some_and(|h| h.is_genuine()));
        // Shard 4 of 3, or a checkpoint of format 1, is no header.
        assert_eq!(Header::parse(&genuine.line().replace("[2,3]", "[4,3]")), None);
        assert_eq!(Header::parse("{\"scimsim_checkpoint\":1,\"fingerprint\":\"abc\"}"), None);
    }

    #[test]
    fn a_cut_last_line_is_skipped_only_when_resuming() {
        let full = point_line(&point(2));
        let text = format!("{}\n{}\n{}", header("abc"), point_line(&point(0)), &full[..full.len() / 2]);
        let axes = axes();
        assert_eq!(load(&text, &shape(&axes), true), Ok(vec![point(0)]));
        let e = load(&text, &shape(&axes), false).expect_err("a cut line is refused");
        assert_eq!(e.line, 3);
        assert!(e.why.contains("cut short"), "{}", e.why);
    }

    #[test]
    fn edited_strays_and_repeated_lines_are_refused_by_line() {
        let axes = axes();
        let refused = |lines: &[String]| {
            let text = format!("{}\n{}\n", header("abc"), lines.join("\n"));
            load(&text, &shape(&axes), true).expect_err("refused")
        };
        // One digit changed in a number: the checksum no longer matches.
        let edited = point_line(&point(1)).replacen("186.6", "186.7", 1);
        let e = refused(&[point_line(&point(0)), edited]);
        assert_eq!(e.line, 3);
        assert!(e.why.contains("checksum"), "{}", e.why);
        // A point outside the grid, or of another shape, with a right checksum.
        let e = refused(&[point_line(&point(7))]);
        assert!(e.line == 2 && e.why.contains("outside the grid"), "{e:?}");
        let mut bad = point(1);
        bad.summaries.pop();
        let mut stray = point(2);
        stray.paired[0].strategy = 7;
        assert!(refused(&[point_line(&bad)]).why.contains("shape"));
        assert!(refused(&[point_line(&stray)]).why.contains("shape"));
        let e = refused(&[point_line(&point(3)), point_line(&point(4)), point_line(&point(3))]);
        assert_eq!(e, BadLine { line: 4, why: "point 3 is already on line 2".into() });
        assert!(refused(&["garbage".into()]).why.contains("not a point line"));
        // A point of another shard.
        let text = format!("{}\n{}\n", header("abc"), point_line(&point(1)));
        let in_shard = Shape { shard: Some(Shard { k: 1, n: 2 }), ..shape(&axes) };
        let e = load(&text, &in_shard, true).expect_err("not in the shard");
        assert!(e.why.contains("not in shard 1 of 2"), "{}", e.why);
    }

    #[test]
    fn shards_split_the_grid_by_index() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for p in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.holds(p)).count(), 1);
            assert!(shards[p % 3].holds(p));
        }
        assert_eq!(shard_file(shards[1]), "shard-2-of-3.jsonl");
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
    fn lines_of_other_columns_are_refused() {
        let axes = axes();
        let mut short = point(0);
        for s in &mut short.summaries {
            s.truncate(22);
        }
        let text = format!("{}\n{}\n", header("abc"), point_line(&short));
        assert!(load(&text, &shape(&axes), true).expect_err("refused").why.contains("shape"));
    }
}
