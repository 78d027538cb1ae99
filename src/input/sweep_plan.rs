//! Reading a sweep file and planning its grid: every point is the base scenario with the axes'
//! values patched in at their dotted paths, validated like any scenario before anything runs.

use crate::input::reader::{Context, FromJson, Items, JsonPath, Problem, Problems};
use crate::input::scenario::Scenario;
use crate::input::validate::scenario_from_value;
use crate::json_object;
use serde_json::{Value, json};

/// One axis of a sweep: a dotted path into the scenario and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted path, e.g. `drift.idp_email_changes_per_person_year` or `strategies.1.timeline.3.day`.
    pub path: String,
    /// The values, in order (JSON numbers, strings or booleans).
    pub values: Vec<Value>,
    /// What to call the axis in charts (default: the path).
    pub label: Option<String>,
}

impl Axis {
    /// The axis' name for people: its label, else its path.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.path)
    }
}

/// Most grid points a sweep may have.
pub const MAX_GRID_POINTS: usize = 10_000;
/// Most simulated replications (points × replications) a sweep may ask for.
pub const MAX_SWEEP_RUNS: u64 = 10_000_000;

json_object! {
    /// A parameter sweep: a base scenario and axes along which it is varied.
    "sweep" pub struct SweepFile {
        /// Short name, also the name of the default output folder (under output/).
        req name: String,
        /// What the sweep explores.
        opt description: String,
        /// Path of the base scenario, relative to the sweep file.
        req scenario: String,
        /// Replications per grid point (default: the scenario's).
        opt replications: u64,
        /// The axes; the grid is their full product, the first axis varying slowest.
        req axes: Items<AxisFile>,
    }
}

json_object! {
    /// One axis: a dotted path into the scenario and either `values` or a `range`.
    "axis" pub struct AxisFile {
        /// Dotted path into the scenario; numbers index arrays, e.g. `strategies.1.timeline.3.day`.
        req path: String,
        /// The values the path takes.
        opt values: Vec<Value>,
        /// Evenly spaced numbers from `from` to `to`.
        opt range: RangeFile,
        /// What to call the axis in charts, e.g. "Share of mismatched server emails" (default: the path).
        opt label: String,
    }
}

json_object! {
    /// `steps` evenly spaced numbers from `from` to `to`, both included; value i is
    /// from + (to − from) × i / (steps − 1), computed from the index, never accumulated.
    "range" pub struct RangeFile {
        /// First value.
        req from: f64,
        /// Last value.
        req to: f64,
        /// Number of values (at least 2).
        req steps: u64,
    }
}

/// A validated sweep, ready to run.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// Sweep name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The base scenario, as read.
    pub base: Scenario,
    /// Replications per point.
    pub replications: u64,
    /// The axes.
    pub axes: Vec<Axis>,
    /// Every grid point: its coordinates and its patched, validated scenario.
    pub points: Vec<(Vec<usize>, Scenario)>,
}

/// The values of a range, computed by index (never by accumulating a step) and rounded to
/// 12 significant digits, so that 0 to 0.3 in 4 steps gives 0.1, not 0.09999999999999999.
pub fn range_values(from: f64, to: f64, steps: u64) -> Vec<f64> {
    let n = steps.max(2);
    (0..n)
        .map(|i| {
            if i == n - 1 {
                to
            } else {
                let x = from + (to - from) * (i as f64) / ((n - 1) as f64);
                format!("{x:.11e}").parse().unwrap_or(x)
            }
        })
        .collect()
}

/// A float as a JSON number: whole numbers as integers (so integer fields accept them).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 { json!(x as i64) } else { json!(x) }
}

/// Reads and checks the axes of a sweep file (not yet against the scenario).
fn check_axes(file: &SweepFile, problems: &mut Problems) -> Vec<Axis> {
    let at = JsonPath::root().key("axes");
    if file.axes.is_empty() {
        problems.push_hint(
            &at,
            "a sweep needs at least one axis",
            "add `{\"path\": \"...\", \"values\": [...]}`",
        );
    }
    let mut axes: Vec<Axis> = Vec::new();
    for (k, axis) in file.axes.0.iter().enumerate() {
        let here = at.index(k);
        // An axis that could not be read keeps its place (its problem is reported already).
        let Some(axis) = axis else {
            axes.push(Axis { path: String::new(), values: Vec::new(), label: None });
            continue;
        };
        if axis.path.is_empty() || axis.path.split('.').any(str::is_empty) {
            problems.push_hint(
                &here.key("path"),
                format!("`{}` is not a dotted path", axis.path),
                "write the fields from the top of the scenario, e.g. `drift.idp_email_changes_per_person_year`",
            );
        }
        // What every point must share: the replications (the sweep's own), the scenario's name
        // and the strategies' names (the keys of the report).
        let fixed = axis.path == "replications"
            || axis.path == "name"
            || (axis.path.starts_with("strategies.") && axis.path.ends_with(".name"));
        if fixed {
            problems.push_hint(
                &here.key("path"),
                format!("`{}` cannot vary across a sweep", axis.path),
                "set the replications with the sweep's own `replications` (or -r); names identify the results",
            );
        }
        if axes.iter().any(|a| a.path == axis.path) {
            problems.push(&here.key("path"), format!("`{}` is already an axis", axis.path));
        }
        let values = match (&axis.values, &axis.range) {
            (Some(_), Some(_)) | (None, None) => {
                problems.push_hint(
                    &here,
                    "an axis has either `values` or `range`",
                    "keep exactly one of them",
                );
                Vec::new()
            }
            (Some(values), None) => {
                if values.is_empty() {
                    problems.push(&here.key("values"), "the axis has no values");
                }
                for (i, v) in values.iter().enumerate() {
                    if v.is_object() || v.is_array() || v.is_null() {
                        problems.push(
                            &here.key("values").index(i),
                            format!(
                                "axis values are numbers, strings or booleans, found {}",
                                crate::input::reader::kind_of(v)
                            ),
                        );
                    }
                }
                values.clone()
            }
            (None, Some(range)) => {
                let r = here.key("range");
                if range.steps < 2 {
                    problems.push_hint(
                        &r.key("steps"),
                        format!("a range needs at least 2 steps, found {}", range.steps),
                        "steps counts the values, both ends included: from 0 to 1 in 5 steps is 0, 0.25, 0.5, 0.75, 1",
                    );
                    Vec::new()
                } else if range.steps as usize > MAX_GRID_POINTS {
                    problems.push(&r.key("steps"), format!("at most {MAX_GRID_POINTS} steps"));
                    Vec::new()
                } else {
                    range_values(range.from, range.to, range.steps).into_iter().map(number).collect()
                }
            }
        };
        axes.push(Axis {
            path: axis.path.clone(),
            values,
            label: axis.label.clone().filter(|l| !l.trim().is_empty()),
        });
    }
    axes
}

/// The grid size, or a problem when it is too large.
fn grid_size(axes: &[Axis], replications: u64, problems: &mut Problems) -> Option<usize> {
    let mut points: usize = 1;
    for a in axes {
        points = points.checked_mul(a.values.len()).filter(|&n| n <= MAX_GRID_POINTS).or_else(|| {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            problems.push_hint(
                &JsonPath::root().key("axes"),
                format!("the grid has {} points, more than the {MAX_GRID_POINTS} allowed", sizes.join(" × ")),
                "use fewer values per axis, or split the sweep",
            );
            None
        })?;
    }
    if (points as u64).saturating_mul(replications) > MAX_SWEEP_RUNS {
        problems.push_hint(
            &JsonPath::root().key("replications"),
            format!(
                "{points} points × {replications} replications is more than the {MAX_SWEEP_RUNS} replications a sweep may run"
            ),
            "lower `replications` or the number of grid points",
        );
        return None;
    }
    Some(points)
}

/// One segment of a dotted path.
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// Finds the value at `path` for patching. Array indices must exist. Object fields the file
/// omits are created (so `drift.idp_email_changes_per_person_year` works on a scenario without
/// `drift`); the scenario reader then says whether such a field is known. Returns where it
/// stopped when the path cannot exist.
fn locate<'v>(root: &'v mut Value, path: &str) -> Result<(&'v mut Value, String), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut node = root;
    let mut walked = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let step = match node {
            Value::Array(_) => match seg.parse::<usize>() {
                Ok(n) => Step::Index(n),
                Err(_) => return Err(format!("`{}` is a list; `{seg}` is not an index", walked.join("."))),
            },
            Value::Object(_) => Step::Key(seg),
            _ => {
                return Err(format!("`{}` is a value, it has no `{seg}`", walked.join(".")));
            }
        };
        match step {
            Step::Index(n) => {
                let Value::Array(items) = node else { unreachable!() };
                let len = items.len();
                if n >= len {
                    return Err(format!("`{}` has {len} entries, there is no index {n}", walked.join(".")));
                }
                node = &mut items[n];
            }
            Step::Key(key) => {
                let Value::Object(map) = node else { unreachable!() };
                if !map.contains_key(key) {
                    map.insert(
                        key.to_string(),
                        if last { Value::Null } else { Value::Object(Default::default()) },
                    );
                }
                node = map.get_mut(key).expect("present or just inserted");
            }
        }
        walked.push(*seg);
    }
    Ok((node, walked.join(".")))
}

/// A sweep file's problem: axis-level problems name the axis.
fn axis_problem(k: usize, axis: &Axis, message: String, hint: Option<String>) -> Problem {
    let at = JsonPath::root().key("axes").index(k);
    Problem { axis: Some(axis.path.clone()), ..Problem::new(at, message, hint) }
}

/// Plans a sweep from its parsed file and the parsed base scenario document.
pub fn plan(file_value: &Value, base_value: &Value) -> Result<SweepPlan, Vec<Problem>> {
    let mut problems = Problems::default();
    let Some(file) = SweepFile::from_json(file_value, &JsonPath::root(), &mut problems) else {
        return Err(problems.into_vec());
    };
    crate::input::validate::check_folder_name(
        "sweep",
        &file.name,
        &JsonPath::root().key("name"),
        &mut problems,
    );
    let axes = check_axes(&file, &mut problems);
    // An axis with a problem of its own takes no part in the checks below (as if it had one
    // value that patches nothing), so that the other axes' problems are reported too.
    let usable: Vec<bool> =
        (0..axes.len()).map(|k| !problems.any_within(&JsonPath::root().key("axes").index(k))).collect();
    let grid_axes: Vec<Axis> = axes
        .iter()
        .zip(&usable)
        .map(|(a, &ok)| if ok { a.clone() } else { Axis { values: vec![Value::Null], ..a.clone() } })
        .collect();
    let mut all: Vec<Problem> = std::mem::take(&mut problems).into_vec();
    let base = scenario_from_value(base_value).map_err(|p| {
        p.into_iter()
            .map(|p| Problem {
                context: Context::BaseScenario,
                hint: Some(p.hint.unwrap_or_else(|| "fix the base scenario (`scimsim validate` it)".into())),
                ..p
            })
            .collect::<Vec<_>>()
    })?;
    let replications = file.replications.unwrap_or(base.replications);
    if replications == 0 || replications > crate::input::scenario::limits::MAX_REPLICATIONS {
        problems.push(
            &JsonPath::root().key("replications"),
            format!(
                "replications must be between 1 and {}",
                crate::input::scenario::limits::MAX_REPLICATIONS
            ),
        );
    }
    // Every path must exist in the base scenario (its last field may be one the file omits).
    for (k, axis) in axes.iter().enumerate().filter(|(k, _)| usable[*k]) {
        let mut probe = base_value.clone();
        if let Err(e) = locate(&mut probe, &axis.path) {
            all.push(axis_problem(k, axis, format!("path does not exist: {e}"), None));
        }
    }
    let Some(n_points) = grid_size(&grid_axes, replications, &mut problems) else {
        all.extend(problems.into_vec());
        return Err(all);
    };
    all.extend(problems.into_vec());
    let points = validate_points(&axes, &usable, base_value, n_points, &mut all);
    if !all.is_empty() {
        return Err(all);
    }
    Ok(SweepPlan {
        name: file.name.clone(),
        description: file.description.clone().unwrap_or_default(),
        base,
        replications,
        axes,
        points,
    })
}

/// Every point of the grid, patched and validated before anything runs. Axes that are not
/// `usable` (a problem of their own) patch nothing and sit at their first value. A problem at
/// (or above) a usable axis' path is that axis'; any other is reported with the point. At most
/// 50 distinct problems are kept.
fn validate_points(
    axes: &[Axis],
    usable: &[bool],
    base_value: &Value,
    n_points: usize,
    all: &mut Vec<Problem>,
) -> Vec<(Vec<usize>, Scenario)> {
    let grid: Vec<Axis> = axes
        .iter()
        .zip(usable)
        .map(|(a, &ok)| if ok { a.clone() } else { Axis { values: vec![Value::Null], ..a.clone() } })
        .collect();
    let live = || axes.iter().enumerate().filter(|(k, _)| usable[*k]);
    // Where each axis' value is in a scenario document, to match the reader's problems with.
    let value_at: Vec<JsonPath> = axes.iter().map(|a| JsonPath::from_dotted(&a.path)).collect();
    let mut points = Vec::with_capacity(n_points);
    // Where (context, path, axis) and what: the hint does not make a problem another one.
    let mut reported: std::collections::HashSet<(Context, JsonPath, Option<String>, String)> =
        std::collections::HashSet::new();
    for index in 0..n_points {
        let coords = coords_of(index, &grid);
        let mut doc = base_value.clone();
        for (k, axis) in live() {
            if let Ok((slot, _)) = locate(&mut doc, &axis.path) {
                *slot = axis.values[coords[k]].clone();
            }
        }
        let found = match scenario_from_value(&doc) {
            Ok(s) => {
                points.push((coords, s));
                continue;
            }
            Err(found) => found,
        };
        for p in found {
            // At or inside the axis' value, or above it (say `unknown field` at a misspelt parent).
            let owner =
                live().find(|&(k, _)| p.path.starts_with(&value_at[k]) || value_at[k].starts_with(&p.path));
            let problem = match owner {
                // An unknown field on the axis' path: the path does not exist.
                Some((k, axis)) if p.message.starts_with("unknown field") => {
                    axis_problem(k, axis, format!("path does not exist: {}", p.message), p.hint)
                }
                // A field the path created where the scenario has none of that shape.
                Some((k, axis)) if !p.path.starts_with(&value_at[k]) => axis_problem(
                    k,
                    axis,
                    format!("path does not fit the scenario: {}: {}", p.path, p.message),
                    p.hint,
                ),
                Some((k, axis)) => axis_problem(
                    k,
                    axis,
                    format!("value {} does not fit: {}", axis.values[coords[k]], p.message),
                    p.hint,
                ),
                None => {
                    let axes =
                        live().map(|(k, a)| (a.path.clone(), a.values[coords[k]].to_string())).collect();
                    Problem { context: Context::GridPoint { index, axes }, ..p }
                }
            };
            let key = (
                problem.context.clone(),
                problem.path.clone(),
                problem.axis.clone(),
                problem.message.clone(),
            );
            if reported.insert(key) && all.len() < 50 {
                all.push(problem);
            }
        }
    }
    points
}

/// Coordinates of grid point `index` (the first axis varies slowest).
pub fn coords_of(index: usize, axes: &[Axis]) -> Vec<usize> {
    let mut coords = vec![0; axes.len()];
    let mut rest = index;
    for k in (0..axes.len()).rev() {
        let n = axes[k].values.len().max(1);
        coords[k] = rest % n;
        rest /= n;
    }
    coords
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Value {
        json!({
            "name": "base", "replications": 2, "horizon_days": 30, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "population": {"people": [{"id": "a", "idp_email": "a@acme.com", "server_email": "a@old.com"}]},
            "drift": {"server_sync_lag_hours": 24},
            "strategies": [
                {"name": "s0", "timeline": [{"day": 1, "do": "migrate"}, {"day": 2, "do": "fix_emails", "coverage": 0.5}]},
                {"name": "s1", "timeline": [{"day": 3, "do": "enable_scim"}]}
            ]
        })
    }

    fn sweep(axes: Value) -> Value {
        json!({"name": "sw", "scenario": "base.json", "axes": axes})
    }

    fn messages(r: Result<SweepPlan, Vec<Problem>>) -> Vec<String> {
        match r {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn ranges_are_computed_by_index() {
        assert_eq!(range_values(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        let tenths = range_values(0.0, 0.3, 4);
        assert_eq!(tenths[3], 0.3, "the last value is exactly `to`");
        assert_eq!(tenths[1], 0.1, "0.1 by index, not 0.1 accumulated");
        assert_eq!(range_values(30.0, 90.0, 3), vec![30.0, 60.0, 90.0]);
    }

    #[test]
    fn the_grid_is_the_full_product_first_axis_slowest() {
        let p = plan(
            &sweep(json!([
                {"path": "strategies.0.timeline.1.coverage", "values": [0.2, 0.8]},
                {"path": "strategies.1.timeline.0.day", "range": {"from": 3, "to": 9, "steps": 3}}
            ])),
            &base(),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(p.points.len(), 6);
        let coords: Vec<Vec<usize>> = p.points.iter().map(|(c, _)| c.clone()).collect();
        assert_eq!(coords, vec![vec![0, 0], vec![0, 1], vec![0, 2], vec![1, 0], vec![1, 1], vec![1, 2]]);
        assert_eq!(p.axes[1].values, vec![json!(3), json!(6), json!(9)]);
        let (_, s) = &p.points[4];
        assert_eq!(s.strategies[1].actions[0].at.0, 6 * 86_400);
        assert!(
            matches!(s.strategies[0].actions[1].kind, crate::input::scenario::ActionKind::FixEmails { coverage } if coverage == 0.8)
        );
        assert_eq!(p.replications, 2);
    }

    #[test]
    fn missing_fields_may_be_set_but_unknown_paths_are_refused() {
        for path in ["drift.idp_email_changes_per_person_year", "churn.joiners_per_day"] {
            let ok = plan(&sweep(json!([{"path": path, "values": [0, 0.1]}])), &base());
            assert!(ok.is_ok(), "{path}: {:?}", messages(ok));
        }
        let found = messages(plan(
            &sweep(json!([
                {"path": "strategies.5.group_conflicts", "values": ["accept"]},
                {"path": "horizon_days.first", "values": [1]},
                {"path": "strategies.1.name", "values": ["x", "y"]},
                {"path": "replications", "values": [2, 7]}
            ])),
            &base(),
        ));
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(
            found[0].starts_with("$.axes[2].path: `strategies.1.name` cannot vary across a sweep"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("$.axes[3].path: `replications` cannot vary across a sweep"),
            "{found:#?}"
        );
        assert!(found[2].starts_with("$.axes[0] (strategies.5.group_conflicts): path does not exist: `strategies` has 2 entries, there is no index 5"), "{found:#?}");
        assert!(found[3].contains("`horizon_days` is a value, it has no `first`"), "{found:#?}");
        // A field the file omits may be set, but only if the scenario format knows it.
        for (path, wanted) in [
            (
                "strategies.0.timeline.0.dya",
                "$.axes[0] (strategies.0.timeline.0.dya): path does not exist: unknown field `dya` (hint: did you mean `day`?)",
            ),
            (
                "drfit.server_sync_lag_hours",
                "$.axes[0] (drfit.server_sync_lag_hours): path does not exist: unknown field `drfit` (hint: did you mean `drift`?)",
            ),
        ] {
            let found = messages(plan(&sweep(json!([{"path": path, "values": [1]}])), &base()));
            assert_eq!(found, vec![wanted.to_string()]);
        }
    }

    #[test]
    fn a_broken_axis_does_not_hide_the_problems_of_the_others() {
        let found = messages(plan(
            &sweep(json!([
                {"path": "", "values": [1]},
                {"path": "strategies.1.group_conflicts", "values": ["accept", "rejct"]},
                {"path": "strategies.9.group_conflicts", "values": ["accept"]}
            ])),
            &base(),
        ));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("$.axes[0].path: `` is not a dotted path"), "{found:#?}");
        assert!(
            found[1].starts_with("$.axes[2] (strategies.9.group_conflicts): path does not exist"),
            "{found:#?}"
        );
        assert!(found[2].starts_with("$.axes[1] (strategies.1.group_conflicts): value \"rejct\" does not fit: unknown group_conflicts option `rejct` (hint: did you mean `reject`?)"), "{found:#?}");
    }

    #[test]
    fn an_unreadable_axis_keeps_its_place() {
        let found = messages(plan(
            &sweep(json!([42, {"path": "strategies.0.timeline.1.coverage", "values": [0.5, 2]}])),
            &base(),
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("$.axes[0]: expected axis (an object), found a number"), "{found:#?}");
        assert!(
            found[1].starts_with("$.axes[1] (strategies.0.timeline.1.coverage): value 2 does not fit"),
            "{found:#?}"
        );
    }

    #[test]
    fn values_of_the_wrong_type_or_range_name_the_axis() {
        let found = messages(plan(
            &sweep(json!([
                {"path": "strategies.0.timeline.1.coverage", "values": [0.5, 1.5, "high"]},
                {"path": "seed", "values": [1, 2.5]}
            ])),
            &base(),
        ));
        assert!(found.iter().any(|m| m.starts_with("$.axes[0] (strategies.0.timeline.1.coverage): value 1.5 does not fit: a share must be between 0 and 1")), "{found:#?}");
        assert!(found.iter().any(|m| m.starts_with("$.axes[0] (strategies.0.timeline.1.coverage): value \"high\" does not fit: expected a number, found a string")), "{found:#?}");
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("$.axes[1] (seed): value 2.5 does not fit: expected a whole number")),
            "{found:#?}"
        );
    }

    #[test]
    fn oversize_grids_and_bad_axes_are_refused_before_anything_runs() {
        let values: Vec<u64> = (0..200).collect();
        let found = messages(plan(
            &sweep(json!([
                {"path": "seed", "values": values},
                {"path": "horizon_days", "range": {"from": 30, "to": 60, "steps": 100}}
            ])),
            &base(),
        ));
        assert_eq!(
            found,
            vec![
                "$.axes: the grid has 200 × 100 points, more than the 10000 allowed (hint: use fewer values per axis, or split the sweep)"
            ]
        );
        let found = messages(plan(
            &sweep(json!([
                {"path": "seed", "values": []},
                {"path": "seed", "range": {"from": 1, "to": 2, "steps": 1}},
                {"path": "horizon_days"}
            ])),
            &base(),
        ));
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("$.axes[0].values: the axis has no values"));
        assert!(found[1].starts_with("$.axes[1].path: `seed` is already an axis"));
        assert!(found[2].starts_with("$.axes[1].range.steps: a range needs at least 2 steps, found 1"));
        assert!(found[3].starts_with("$.axes[2]: an axis has either `values` or `range`"));
    }
}
