//! JSON Schemas of the result files, `report.json` and `sweep.json` (`scimsim schema report`,
//! `scimsim schema sweep-result`).
//!
//! They are built from the same declarations the writers use — the metric columns, the
//! breakdowns and their parts, the timeline metrics, the reason codes — so a metric or a
//! reason added to the model appears in the schema without anyone editing it. They are
//! strict: every key the writers emit is `required`, and no other key is allowed, so a key
//! added to a writer and not here fails the tests that validate real outputs
//! (`tests/schemas.rs`).

use crate::metrics::{Breakdown, COLUMNS, MetricId, Reason, TIMELINE_METRICS};
use crate::stats::Summary;
use serde_json::{Map, Value, json};

/// The draft the schemas follow.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A strict object: every property required, no other allowed.
fn object(description: &str, properties: Vec<(&str, Value)>) -> Value {
    let required: Vec<&str> = properties.iter().map(|(k, _)| *k).collect();
    let properties: Map<String, Value> = properties.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn number(description: &str) -> Value {
    json!({"type": "number", "description": description})
}

fn count(description: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "description": description})
}

fn nullable(mut schema: Value) -> Value {
    if let Some(Value::String(t)) = schema.get("type").cloned() {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

fn array(description: &str, items: Value) -> Value {
    json!({"type": "array", "description": description, "items": items})
}

fn one_of_strings<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> Value {
    json!({"type": "string", "description": description, "enum": values.into_iter().collect::<Vec<_>>()})
}

fn interval() -> Value {
    json!({
        "type": "array",
        "description": "95% confidence interval of the mean, [low, high] (Student t over replications).",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
    })
}

/// `{mean, std, ci95, min, p50, p90, max}` over replications.
fn summary() -> Value {
    let field = |name: &'static str| -> (&'static str, Value) {
        let description = match name {
            "mean" => "Mean over replications.",
            "std" => "Sample standard deviation over replications.",
            "min" => "Smallest value in any replication.",
            "p50" => "Median over replications.",
            "p90" => "90th percentile over replications.",
            _ => "Largest value in any replication.",
        };
        (name, number(description))
    };
    // The CSV columns of a summary, with the interval as one key here.
    let mut properties = Vec::new();
    for name in Summary::FIELDS {
        match name {
            "ci95_lo" => properties.push(("ci95", interval())),
            "ci95_hi" => {}
            other => properties.push(field(other)),
        }
    }
    object("A metric's statistics over replications.", properties)
}

fn mean_interval(description: &str) -> Value {
    object(description, vec![("mean", number("Mean over replications.")), ("ci95", interval())])
}

fn metric_name(description: &str) -> Value {
    one_of_strings(description, COLUMNS)
}

fn reason_code(description: &str) -> Value {
    one_of_strings(description, Reason::ALL.map(Reason::code))
}

/// The statistics of one strategy as [`super::json::metric_objects`] writes them, with `name`
/// first and `extra` after.
fn strategy(extra: Vec<(&'static str, Value)>) -> Value {
    let metrics: Vec<(&str, Value)> = MetricId::headline().map(|m| (m.name(), summary())).collect();
    let mut properties = vec![
        ("name", string("The strategy's name, as in the scenario.")),
        ("metrics", object("Every headline metric (DESIGN's metric names), zero included.", metrics)),
    ];
    for b in Breakdown::ALL {
        let parts: Vec<(&str, Value)> =
            b.columns().filter_map(|m| Some((m.part()?.name(), summary()))).collect();
        let description = match b {
            Breakdown::SurplusByOrigin => {
                "Surplus accounts split by where they came from; the parts add up to surplus_accounts."
            }
            Breakdown::LostAccessByCause => {
                "Lost-access incidents split by cause; the parts add up to lost_access_incidents."
            }
        };
        properties.push((b.name(), object(description, parts)));
    }
    properties.extend(extra);
    object("One strategy's results.", properties)
}

/// A paired difference `{baseline, strategy, metric, mean, ci95}` plus `extra`.
fn paired(description: &str, baseline: Value, extra: Vec<(&'static str, Value)>) -> Value {
    let mut properties = vec![
        ("baseline", baseline),
        ("strategy", string("The strategy compared with the baseline.")),
        ("metric", metric_name("The metric compared.")),
        ("mean", number("Mean over replications of (strategy − baseline), paired by replication.")),
        ("ci95", interval()),
    ];
    properties.extend(extra);
    object(description, properties)
}

/// `paired_differences` of a run or a sweep point: every other strategy against the first.
fn paired_with_first() -> Value {
    array(
        "Every other strategy against the first, per metric.",
        paired("A strategy against the first.", string("The first strategy."), vec![]),
    )
}

fn comparison_fields() -> Vec<(&'static str, Value)> {
    vec![
        ("verdict", string("The comparison in words, e.g. `always higher by 4` or `no clear difference`.")),
        (
            "clear",
            json!({"type": "boolean", "description": "Whether the interval excludes zero (or every replication agrees)."}),
        ),
    ]
}

fn timeline_point() -> Value {
    let mut properties = vec![("day", count("Day of the horizon, from 0."))];
    for m in TIMELINE_METRICS {
        properties.push((m.name(), mean_interval("The metric at the end of that day, over replications.")));
    }
    object("One day of the timeline.", properties)
}

fn recommendation() -> Value {
    let ranked = object(
        "One strategy's place in the ranking.",
        vec![
            (
                "rank",
                json!({"type": "integer", "minimum": 1, "description": "1 is the recommended strategy."}),
            ),
            ("strategy", string("The strategy.")),
            (
                "cost",
                mean_interval("Expected cost: the weighted sum of the weighted metrics, per replication."),
            ),
            (
                "versus_recommended",
                nullable(object(
                    "Its cost minus the recommended strategy's, paired by replication; null for the recommended one.",
                    [("mean", number("Mean difference.")), ("ci95", interval())]
                        .into_iter()
                        .chain(comparison_fields())
                        .collect(),
                )),
            ),
            (
                "main_causes",
                array(
                    "The metrics that contribute most to its cost, largest first.",
                    object(
                        "A metric and its mean.",
                        vec![("metric", metric_name("A metric column.")), ("mean", number("Its mean."))],
                    ),
                ),
            ),
            (
                "main_reasons",
                array(
                    "The reasons behind its affected people, most people first.",
                    object(
                        "A reason code and how many people it explains (mean over replications).",
                        vec![
                            ("code", reason_code("A reason code (README's reason table).")),
                            ("people", number("Mean people.")),
                        ],
                    ),
                ),
            ),
        ],
    );
    let at_risk = object(
        "A person affected in some replications of the recommended strategy.",
        vec![
            ("person", string("The person's id (a scenario id, or a synthetic person's).")),
            (
                "share",
                json!({"type": "number", "minimum": 0, "maximum": 1, "description": "Share of replications in which they were affected."}),
            ),
            ("main_cause", nullable(reason_code("Their most frequent reason code."))),
        ],
    );
    object(
        "Which strategy to choose and why.",
        vec![
            (
                "costs",
                json!({
                    "type": "object",
                    "description": "The weight of each metric in the expected cost.",
                    "propertyNames": {"enum": COLUMNS},
                    "additionalProperties": {"type": "number"},
                }),
            ),
            ("costs_from", one_of_strings("Where the weights come from.", ["scenario", "defaults"])),
            ("recommended", nullable(string("The strategy with the lowest expected cost."))),
            ("ranking", array("Every strategy by expected cost, lowest first.", ranked)),
            (
                "paired_differences",
                array(
                    "Every other strategy against the recommended one, per metric.",
                    paired(
                        "A strategy against the recommended one.",
                        string("The recommended strategy."),
                        comparison_fields(),
                    ),
                ),
            ),
            (
                "people_at_risk",
                nullable(array(
                    "The people most at risk under the recommended strategy; null when people were not counted.",
                    at_risk,
                )),
            ),
        ],
    )
}

fn with_header(mut schema: Value, title: &str) -> Value {
    if let Value::Object(m) = &mut schema {
        let mut head = Map::new();
        head.insert("$schema".into(), json!(DRAFT));
        head.insert("title".into(), json!(title));
        head.extend(std::mem::take(m));
        *m = head;
    }
    schema
}

/// The schema of `report.json`.
pub fn report_schema() -> Value {
    let schema = object(
        "The results of `scimsim run`: every statistic of every strategy, the daily series, paired differences and the recommendation.",
        vec![
            ("scimsim_version", string("The scimsim version that wrote the file.")),
            ("scenario", string("The scenario's name.")),
            ("description", string("The scenario's description.")),
            ("seed", count("The master seed.")),
            (
                "replications",
                json!({"type": "integer", "minimum": 1, "description": "Replications per strategy."}),
            ),
            ("horizon_days", count("Days simulated.")),
            (
                "strategies",
                array(
                    "Every strategy, in scenario order.",
                    strategy(vec![(
                        "timeline",
                        array("One entry per day, 0 to horizon_days.", timeline_point()),
                    )]),
                ),
            ),
            ("paired_differences", paired_with_first()),
            ("recommendation", recommendation()),
        ],
    );
    with_header(schema, "scimsim report.json")
}

/// The schema of `sweep.json`.
pub fn sweep_result_schema() -> Value {
    let mut axis = object(
        "One axis of the grid.",
        vec![
            ("path", string("Where in the scenario the axis sets a value (by names, or indices).")),
            ("values", array("The values it takes, in grid order.", json!({}))),
        ],
    );
    // `label` is written only when the sweep file gives one: allowed, not required.
    axis["properties"]["label"] = string("The axis's label, as in the sweep file.");
    let point = object(
        "One grid point.",
        vec![
            ("index", count("The point's index in the grid (row-major over the axes).")),
            (
                "values",
                json!({"type": "object", "description": "The value of each axis at this point, by axis path."}),
            ),
            ("strategies", array("Every strategy's results at this point.", strategy(vec![]))),
            ("paired_differences", paired_with_first()),
        ],
    );
    let schema = object(
        "The results of `scimsim sweep` (or `merge`): per grid point, every strategy's statistics and paired differences.",
        vec![
            ("scimsim_version", string("The scimsim version that wrote the file.")),
            ("sweep", string("The sweep's name.")),
            ("description", string("The sweep's description.")),
            ("scenario", string("The base scenario's name.")),
            (
                "replications",
                json!({"type": "integer", "minimum": 1, "description": "Replications per strategy per point."}),
            ),
            ("axes", array("The grid's axes.", axis)),
            ("strategies", array("The strategies' names.", string("A strategy."))),
            ("points", array("Every point, by index.", point)),
        ],
    );
    with_header(schema, "scimsim sweep.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(schema: &Value) -> Vec<&str> {
        schema["properties"].as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    }

    #[test]
    fn every_metric_part_and_reason_is_named() {
        let report = report_schema();
        let strategy = &report["properties"]["strategies"]["items"];
        let headline: Vec<&str> = MetricId::headline().map(MetricId::name).collect();
        assert_eq!(keys(&strategy["properties"]["metrics"]), headline);
        for b in Breakdown::ALL {
            let parts: Vec<&str> = b.columns().filter_map(|m| Some(m.part()?.name())).collect();
            assert_eq!(keys(&strategy["properties"][b.name()]), parts, "{}", b.name());
        }
        let codes = &report["properties"]["recommendation"]["properties"]["people_at_risk"]["items"]["properties"]
            ["main_cause"]["enum"];
        assert_eq!(codes.as_array().map(Vec::len), Some(Reason::ALL.len()));
    }

    #[test]
    fn objects_are_strict() {
        fn walk(v: &Value, path: &str) {
            if v.get("type") == Some(&json!("object")) && v.get("properties").is_some() {
                assert_eq!(v["additionalProperties"], json!(false), "{path} allows other keys");
            }
            if let Value::Object(m) = v {
                for (k, x) in m {
                    walk(x, &format!("{path}/{k}"));
                }
            }
        }
        walk(&report_schema(), "report");
        walk(&sweep_result_schema(), "sweep");
    }
}
