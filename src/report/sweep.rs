//! `sweep.json` (per point: axis values, per strategy and metric the statistics, paired
//! differences) and `sweep.csv` (tidy: one row per point × strategy × metric).

use super::Exporter;
use super::csv::csv_bytes;
use super::json::{json_bytes, paired_value, strategy_object};
use crate::format::value_text;
use crate::metrics::COLUMNS;
use crate::results::sweep::SweepResult;
use crate::stats::Summary;
use serde_json::{Map, Value, json};

/// `sweep.json`.
pub struct SweepJson;

/// `sweep.csv`.
pub struct SweepCsv;

/// Every report `sweep` writes (charts aside).
pub fn sweep_exporters() -> Vec<Box<dyn Exporter<SweepResult>>> {
    vec![Box::new(SweepJson), Box::new(SweepCsv)]
}

/// The sweep as a JSON value.
pub fn sweep_value(sweep: &SweepResult) -> Value {
    let points: Vec<Value> = sweep
        .points
        .iter()
        .map(|p| {
            let mut values = Map::new();
            for (axis, &c) in sweep.axes.iter().zip(&p.coords) {
                values.insert(axis.path.clone(), axis.values[c].clone());
            }
            let strategies: Vec<Value> = sweep
                .strategies
                .iter()
                .zip(&p.summaries)
                .map(|(name, summaries)| Value::Object(strategy_object(name, summaries)))
                .collect();
            let names: Vec<&str> = sweep.strategies.iter().map(String::as_str).collect();
            let paired: Vec<Value> = p.paired.iter().map(|d| paired_value(&names, d)).collect();
            json!({"index": p.index, "values": values, "strategies": strategies, "paired_differences": paired})
        })
        .collect();
    let axes: Vec<Value> = sweep
        .axes
        .iter()
        .map(|a| {
            let mut v = json!({"path": a.path, "values": a.values});
            if let (Some(label), Value::Object(m)) = (&a.label, &mut v) {
                m.insert("label".into(), json!(label));
            }
            v
        })
        .collect();
    json!({
        "scimsim_version": env!("CARGO_PKG_VERSION"),
        "sweep": sweep.name,
        "description": sweep.description,
        "scenario": sweep.scenario,
        "replications": sweep.replications,
        "axes": axes,
        "strategies": sweep.strategies,
        "points": points,
    })
}

impl Exporter<SweepResult> for SweepJson {
    fn file_name(&self) -> &'static str {
        "sweep.json"
    }

    fn render(&self, sweep: &SweepResult) -> Vec<u8> {
        json_bytes(&sweep_value(sweep))
    }
}

impl Exporter<SweepResult> for SweepCsv {
    fn file_name(&self) -> &'static str {
        "sweep.csv"
    }

    fn render(&self, sweep: &SweepResult) -> Vec<u8> {
        let mut header = vec!["point".to_string()];
        header.extend(sweep.axes.iter().map(|a| a.path.clone()));
        header.extend(["strategy", "metric"].map(String::from));
        header.extend(Summary::FIELDS.map(String::from));
        let rows = sweep.points.iter().flat_map(|p| {
            sweep.strategies.iter().zip(&p.summaries).flat_map(move |(name, summaries)| {
                COLUMNS.iter().enumerate().map(move |(c, metric)| {
                    let s = &summaries[c];
                    let mut row = vec![p.index.to_string()];
                    row.extend(sweep.axes.iter().zip(&p.coords).map(|(a, &k)| value_text(&a.values[k])));
                    row.push(name.clone());
                    row.push(metric.to_string());
                    row.extend(s.to_array().map(|x| x.to_string()));
                    row
                })
            })
        });
        csv_bytes(header, rows)
    }
}
