//! `report.json` (DESIGN §7): every statistic of every strategy, the daily series, the
//! paired differences against the first strategy, and the recommendation (ranking by expected
//! cost, paired differences against the recommended strategy).

use super::{Exporter, RunReport};
use crate::input::scenario::Scenario;
use crate::metrics::{Breakdown, MetricId, TIMELINE_METRICS};
use crate::results::recommend::{Comparison, recommend};
use crate::results::{PairedDifference, RunResult};
use crate::stats::{MeanInterval, Summary};
use serde_json::{Map, Value, json};

/// Pretty-printed JSON with a final newline.
pub fn json_bytes(value: &Value) -> Vec<u8> {
    // Serialising a `Value` to memory cannot fail.
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `report.json`.
pub struct ReportJson;

/// A summary as `{mean, std, ci95, min, p50, p90, max}`.
pub fn summary_value(s: &Summary) -> Value {
    json!({"mean": s.mean, "std": s.std, "ci95": s.ci95, "min": s.min, "p50": s.p50, "p90": s.p90, "max": s.max})
}

/// A mean and interval as `{mean, ci95}`.
pub fn interval_value(m: &MeanInterval) -> Value {
    json!({"mean": m.mean, "ci95": m.ci95})
}

/// The statistics of one strategy from its column summaries: `metrics` (the headline metrics)
/// and one object per breakdown (`surplus_accounts_by_origin`, `lost_access_by_cause`) with
/// every part, zero included.
pub fn metric_objects(summaries: &[Summary]) -> Map<String, Value> {
    let mut objects = Map::new();
    let metrics: Map<String, Value> =
        MetricId::headline().map(|m| (m.name().to_string(), summary_value(&summaries[m.0]))).collect();
    objects.insert("metrics".into(), Value::Object(metrics));
    for b in Breakdown::ALL {
        let parts: Map<String, Value> = b
            .columns()
            .filter_map(|m| Some((m.part()?.name().to_string(), summary_value(&summaries[m.0]))))
            .collect();
        objects.insert(b.name().into(), Value::Object(parts));
    }
    objects
}

/// A strategy's object, as far as run and sweep reports share it: its name and
/// [`metric_objects`].
pub fn strategy_object(name: &str, summaries: &[Summary]) -> Map<String, Value> {
    let mut strategy = Map::new();
    strategy.insert("name".into(), json!(name));
    strategy.extend(metric_objects(summaries));
    strategy
}

/// A paired difference as `{baseline, strategy, metric, mean, ci95}`.
pub fn paired_value(strategy_names: &[&str], d: &PairedDifference) -> Value {
    json!({
        "baseline": strategy_names[d.baseline],
        "strategy": strategy_names[d.strategy],
        "metric": d.metric.name(),
        "mean": d.difference.mean,
        "ci95": d.difference.ci95,
    })
}

/// A comparison with the recommended strategy as `{mean, ci95, verdict, clear}`.
pub fn comparison_value(c: &Comparison) -> Value {
    json!({"mean": c.difference.mean, "ci95": c.difference.ci95, "verdict": c.verdict(), "clear": c.is_clear()})
}

/// `recommendation`: the weights and where they come from, the strategies ranked by expected
/// cost, and every other strategy's paired differences against the recommended one.
pub fn recommendation_value(scenario: &Scenario, result: &RunResult) -> Value {
    let rec = recommend(scenario, result);
    let name = |i: usize| result.strategies[i].name.as_str();
    let weights: Map<String, Value> =
        scenario.costs.weights.iter().map(|(m, w)| (m.name().to_string(), json!(w))).collect();
    let ranking: Vec<Value> = rec
        .ranking
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "rank": i + 1,
                "strategy": name(r.strategy),
                "cost": interval_value(&r.cost),
                "versus_recommended": r.versus_best.as_ref().map(comparison_value),
                "main_causes": r.main_causes.iter().map(|(m, v)| json!({"metric": m.name(), "mean": v})).collect::<Vec<_>>(),
                "main_reasons": r.main_reasons.iter().map(|(c, v)| json!({"code": c.code(), "people": v})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let best = rec.best().map(name);
    let paired: Vec<Value> = rec
        .paired
        .iter()
        .map(|p| {
            let mut v = json!({"baseline": best, "strategy": name(p.strategy), "metric": p.metric.name()});
            if let (Value::Object(m), Value::Object(c)) = (&mut v, comparison_value(&p.comparison)) {
                m.extend(c);
            }
            v
        })
        .collect();
    json!({
        "costs": weights,
        "costs_from": if scenario.costs.from_scenario { "scenario" } else { "defaults" },
        "recommended": best,
        "ranking": ranking,
        "paired_differences": paired,
        "people_at_risk": rec.people_at_risk.as_ref().map(|people| {
            people
                .iter()
                .map(|p| json!({"person": p.person, "share": p.share, "main_cause": p.cause.map(|c| c.code())}))
                .collect::<Vec<_>>()
        }),
    })
}

/// The report as a JSON value.
pub fn report_value(scenario: &Scenario, result: &RunResult) -> Value {
    let strategies: Vec<Value> = result
        .strategies
        .iter()
        .map(|s| {
            let timeline: Vec<Value> = s
                .timeline
                .iter()
                .enumerate()
                .map(|(day, point)| {
                    let mut entry = Map::new();
                    entry.insert("day".into(), json!(day));
                    for (k, m) in TIMELINE_METRICS.iter().enumerate() {
                        entry.insert(m.name().to_string(), interval_value(&point[k]));
                    }
                    Value::Object(entry)
                })
                .collect();
            let mut strategy = strategy_object(&s.name, &s.summaries);
            strategy.insert("timeline".into(), Value::Array(timeline));
            Value::Object(strategy)
        })
        .collect();
    let names: Vec<&str> = result.strategies.iter().map(|s| s.name.as_str()).collect();
    let paired: Vec<Value> = result.paired.iter().map(|p| paired_value(&names, p)).collect();
    json!({
        "scimsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": scenario.name,
        "description": scenario.description,
        "seed": result.seed,
        "replications": result.replications,
        "horizon_days": scenario.horizon_days,
        "strategies": strategies,
        "paired_differences": paired,
        "recommendation": recommendation_value(scenario, result),
    })
}

impl Exporter<RunReport<'_>> for ReportJson {
    fn file_name(&self) -> &'static str {
        "report.json"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let (scenario, result) = (report.scenario, report.result);
        json_bytes(&report_value(scenario, result))
    }
}
