//! Reading a sweep file and planning its grid: every point is the base scenario with the axes'
//! values patched in at their paths ([`axis_path`]: fields, and list entries by name or
//! position), validated like any scenario before anything runs.

pub mod axis_path;

use crate::input::reader::{Context, FromJson, Items, JsonPath, Problem, Problems};
use crate::input::scenario::Scenario;
use crate::input::validate::scenario_from_value;
use crate::json_object;
use axis_path::{AxisPath, Slot};
use serde_json::{Value, json};

/// One axis of a sweep: a dotted path into the scenario and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The path as written, e.g. `drift.idp_email_changes_per_person_year` or
    /// `strategies[scim-last].timeline[enable_scim].day`; it names the axis in the results.
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
        /// Path into the scenario: fields joined by dots, list entries by name or index in brackets, e.g. `strategies[scim-last].timeline[enable_scim].day` (a strategy by `name`, an action by `do`, the first match; a person by `id`); `strategies.1.timeline.4.day` still works.
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
    /// Where each axis sets its value in the scenario document, its selectors resolved against
    /// the base scenario: `$.strategies[1].timeline[4].day`.
    pub targets: Vec<JsonPath>,
    /// Advice that does not stop the sweep: an axis that selects by position a list entry a
    /// name could select, with the path that names it.
    pub advice: Vec<Problem>,
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

/// Reads and checks the axes of a sweep file (not yet against the scenario): each axis, and its
/// path when it reads as one.
fn check_axes(file: &SweepFile, problems: &mut Problems) -> (Vec<Axis>, Vec<Option<AxisPath>>) {
    let at = JsonPath::root().key("axes");
    if file.axes.is_empty() {
        problems.push_hint(
            &at,
            "a sweep needs at least one axis",
            "add `{\"path\": \"...\", \"values\": [...]}`",
        );
    }
    let mut axes: Vec<Axis> = Vec::new();
    let mut paths: Vec<Option<AxisPath>> = Vec::new();
    for (k, axis) in file.axes.0.iter().enumerate() {
        let here = at.index(k);
        // An axis that could not be read keeps its place (its problem is reported already).
        let Some(axis) = axis else {
            axes.push(Axis { path: String::new(), values: Vec::new(), label: None });
            paths.push(None);
            continue;
        };
        // The path (or the label) names the axis in the tables and charts.
        crate::input::validate::check_name_text("axis path", &axis.path, &here.key("path"), problems);
        if let Some(label) = &axis.label {
            crate::input::validate::check_name_text("axis label", label, &here.key("label"), problems);
        }
        let path = AxisPath::parse(&axis.path)
            .map_err(|why| {
                problems.push_hint(
                    &here.key("path"),
                    format!("`{}` is not a dotted path: {why}", axis.path),
                    "write the fields from the top of the scenario and list entries by name or index, e.g. `drift.idp_email_changes_per_person_year` or `strategies[scim-last].timeline[enable_scim].day`",
                );
            })
            .ok();
        // What every point must share: the replications (the sweep's own), the scenario's name
        // and the strategies' names (the keys of the report).
        if path.as_ref().is_some_and(AxisPath::is_fixed) {
            problems.push_hint(
                &here.key("path"),
                format!("`{}` cannot vary across a sweep", axis.path),
                "set the replications with the sweep's own `replications` (or -r); names identify the results",
            );
        }
        let same = |(a, p): (&Axis, &Option<AxisPath>)| match (p, &path) {
            (Some(p), Some(path)) => p.steps().eq(path.steps()),
            _ => a.path == axis.path,
        };
        if axes.iter().zip(&paths).any(same) {
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
                if problems.any_within(&r.key("steps")) {
                    // Unreadable steps (reported already) read as 0: no "at least 2, found 0".
                    Vec::new()
                } else if range.steps < 2 {
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
        paths.push(path);
    }
    (axes, paths)
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

/// A sweep file's problem: axis-level problems name the axis.
fn axis_problem(k: usize, axis: &Axis, message: String, hint: Option<String>) -> Problem {
    let at = JsonPath::root().key("axes").index(k);
    Problem { axis: Some(axis.path.clone()), ..Problem::new(at, message, hint) }
}

/// The hint of a base scenario's problem that has none of its own.
pub const FIX_BASE: &str = "fix the base scenario (`scimsim validate` it)";

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
    let (axes, paths) = check_axes(&file, &mut problems);
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
    // Without a base scenario's name (missing, misspelt or not a string: reported above) there
    // is no base to check; a base with problems is reported beside the sweep's own problems.
    let base = if file_value.get("scenario").is_some_and(Value::is_string) {
        scenario_from_value(base_value)
            .map_err(|p| {
                all.extend(p.into_iter().map(|p| Problem {
                    context: Context::BaseScenario,
                    hint: Some(p.hint.unwrap_or_else(|| FIX_BASE.into())),
                    ..p
                }))
            })
            .ok()
    } else {
        None
    };
    let replications = file.replications.or(base.as_ref().map(|b| b.replications));
    let max = crate::input::scenario::limits::MAX_REPLICATIONS;
    let in_range = |r: &u64| (1..=max).contains(r);
    if replications.is_some_and(|r| !in_range(&r)) {
        problems
            .push(&JsonPath::root().key("replications"), format!("replications must be between 1 and {max}"));
    }
    // The grid's size is checked against replications that are themselves right.
    let runs = replications.filter(in_range).unwrap_or(1);
    let Some(base) = base else {
        // The axes cannot be checked against a base scenario that could not be read; the grid's
        // size still can.
        grid_size(&grid_axes, runs, &mut problems);
        all.extend(problems.into_vec());
        return Err(all);
    };
    let replications = replications.unwrap_or(base.replications);
    // Every path must lead somewhere in the base scenario (its last fields may be ones the
    // file omits), and no two axes to the same field.
    let mut targets: Vec<Option<Vec<Slot>>> = vec![None; axes.len()];
    let mut advice = Vec::new();
    for (k, axis) in axes.iter().enumerate().filter(|(k, _)| usable[*k]) {
        let Some(path) = &paths[k] else { continue };
        let slots = match path.resolve(base_value) {
            Ok(slots) => slots,
            Err(e) => {
                all.push(axis_problem(k, axis, format!("path does not exist: {}", e.message), e.hint));
                continue;
            }
        };
        if let Some(j) = targets.iter().position(|t| t.as_ref() == Some(&slots)) {
            all.push(Problem::new(
                JsonPath::root().key("axes").index(k).key("path"),
                format!("`{}` is the same field as `{}` of $.axes[{j}]", axis.path, axes[j].path),
                Some("keep one of the two axes".into()),
            ));
            continue;
        }
        if let Some(named) = path.by_name(base_value) {
            advice.push(Problem::new(
                JsonPath::root().key("axes").index(k).key("path"),
                format!(
                    "`{}` selects list entries by position, which moves when entries are added",
                    axis.path
                ),
                Some(format!("write `{named}`: it names the same field and keeps naming it")),
            ));
        }
        targets[k] = Some(slots);
    }
    let Some(n_points) = grid_size(&grid_axes, runs, &mut problems) else {
        all.extend(problems.into_vec());
        return Err(all);
    };
    all.extend(problems.into_vec());
    let points = validate_points(&axes, &grid_axes, &targets, base_value, n_points, &mut all);
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
        targets: targets.iter().map(|t| axis_path::json_path(t.as_deref().unwrap_or_default())).collect(),
        advice,
    })
}

/// Every point of the grid (`grid`: the axes, those with a problem of their own sitting at one
/// value), patched and validated before anything runs. Axes without a target (a problem of
/// their own) patch nothing. A problem at (or above) an axis' target is that axis'; any other
/// is reported with the point. At most 50 distinct problems are kept.
fn validate_points(
    axes: &[Axis],
    grid: &[Axis],
    targets: &[Option<Vec<Slot>>],
    base_value: &Value,
    n_points: usize,
    all: &mut Vec<Problem>,
) -> Vec<(Vec<usize>, Scenario)> {
    let live =
        || axes.iter().zip(targets).enumerate().filter_map(|(k, (a, t))| t.as_ref().map(|t| (k, a, t)));
    // Where each axis' value is in a scenario document, to match the reader's problems with.
    let value_at: Vec<JsonPath> =
        targets.iter().map(|t| axis_path::json_path(t.as_deref().unwrap_or_default())).collect();
    let mut points = Vec::with_capacity(n_points);
    // Where (context, path, axis) and what: the hint does not make a problem another one.
    let mut reported: std::collections::HashSet<(Context, JsonPath, Option<String>, String)> =
        std::collections::HashSet::new();
    for index in 0..n_points {
        let coords = coords_of(index, grid);
        let mut doc = base_value.clone();
        for (k, axis, slots) in live() {
            axis_path::patch(&mut doc, slots, axis.values[coords[k]].clone());
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
            let owner = live()
                .map(|(k, axis, _)| (k, axis))
                .find(|&(k, _)| p.path.starts_with(&value_at[k]) || value_at[k].starts_with(&p.path));
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
                        live().map(|(k, a, _)| (a.path.clone(), a.values[coords[k]].to_string())).collect();
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
    fn axes_select_list_entries_by_name_to_the_same_points_as_by_index() {
        let by_index = plan(
            &sweep(json!([
                {"path": "strategies.0.timeline.1.coverage", "values": [0.2, 0.8]},
                {"path": "strategies.1.timeline.0.day", "values": [3, 9]}
            ])),
            &base(),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let by_name = plan(
            &sweep(json!([
                {"path": "strategies[s0].timeline[fix_emails].coverage", "values": [0.2, 0.8]},
                {"path": "strategies[1].timeline[enable_scim].day", "values": [3, 9]}
            ])),
            &base(),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(by_name.points, by_index.points);
        assert_eq!(by_name.targets, by_index.targets);
        let targets: Vec<String> = by_name.targets.iter().map(ToString::to_string).collect();
        assert_eq!(targets, ["$.strategies[0].timeline[1].coverage", "$.strategies[1].timeline[0].day"]);
        assert_eq!(
            by_name.axes[0].path, "strategies[s0].timeline[fix_emails].coverage",
            "the path as written"
        );
    }

    #[test]
    fn a_name_that_matches_nothing_is_refused_with_the_names_it_could_have_meant() {
        let found = messages(plan(
            &sweep(json!([
                {"path": "strategies[s2].timeline[enable_scim].day", "values": [3]},
                {"path": "strategies[s1].timeline[enable_sim].day", "values": [3]},
                {"path": "strategies[s1].timeline[enable_scim", "values": [3]},
                {"path": "strategies[s1].name", "values": ["x"]}
            ])),
            &base(),
        ));
        assert_eq!(
            found,
            [
                "$.axes[2].path: `strategies[s1].timeline[enable_scim` is not a dotted path: the `[` at character 24 is not closed (a name holding `[` or `]` is quoted: `['a[b]']`) (hint: write the fields from the top of the scenario and list entries by name or index, e.g. `drift.idp_email_changes_per_person_year` or `strategies[scim-last].timeline[enable_scim].day`)",
                "$.axes[3].path: `strategies[s1].name` cannot vary across a sweep (hint: set the replications with the sweep's own `replications` (or -r); names identify the results)",
                "$.axes[0] (strategies[s2].timeline[enable_scim].day): path does not exist: `strategies` has no entry whose `name` is `s2` (hint: did you mean `s0`? its entries' `name`: `s0`, `s1`)",
                "$.axes[1] (strategies[s1].timeline[enable_sim].day): path does not exist: `strategies[s1].timeline` has no entry whose `do` is `enable_sim` (hint: did you mean `enable_scim`? its entries' `do`: `enable_scim`)",
            ]
        );
    }

    #[test]
    fn one_field_is_one_axis_however_it_is_written() {
        let found = messages(plan(
            &sweep(json!([
                {"path": "strategies.1.timeline.0.day", "values": [3]},
                {"path": "strategies[1][0].day", "values": [3]},
                {"path": "strategies[1].timeline[0].day", "values": [4]},
                {"path": "strategies[s1].timeline[enable_scim].day", "values": [5]}
            ])),
            &base(),
        ));
        assert_eq!(
            found,
            [
                "$.axes[2].path: `strategies[1].timeline[0].day` is already an axis",
                "$.axes[1] (strategies[1][0].day): path does not exist: `strategies[1]` is not a list, it has no entries to select",
                "$.axes[3].path: `strategies[s1].timeline[enable_scim].day` is the same field as `strategies.1.timeline.0.day` of $.axes[0] (hint: keep one of the two axes)",
            ]
        );
    }

    #[test]
    fn positions_that_a_name_could_select_are_advised_against() {
        let p = plan(
            &sweep(json!([
                {"path": "strategies.1.timeline.0.day", "values": [3]},
                {"path": "strategies[s0].timeline[fix_emails].coverage", "values": [0.5]},
                {"path": "population.people.0.server_email", "values": ["a@acme.com"]},
                {"path": "seed", "values": [1]}
            ])),
            &base(),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let advice: Vec<String> = p.advice.iter().map(ToString::to_string).collect();
        assert_eq!(
            advice,
            [
                "$.axes[0].path: `strategies.1.timeline.0.day` selects list entries by position, which moves when entries are added (hint: write `strategies[s1].timeline[enable_scim].day`: it names the same field and keeps naming it)",
                "$.axes[2].path: `population.people.0.server_email` selects list entries by position, which moves when entries are added (hint: write `population.people[a].server_email`: it names the same field and keeps naming it)",
            ]
        );
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
    fn a_base_scenario_with_problems_does_not_hide_the_sweeps_own() {
        let mut file = sweep(json!([{"path": "sed", "values": [1]}, {"path": "seed"}]));
        file["replications"] = json!(0);
        let found = messages(plan(&file, &json!({"name": 1})));
        assert_eq!(
            found,
            [
                "$.axes[1]: an axis has either `values` or `range` (hint: keep exactly one of them)",
                "scenario $.name: expected a string, found a number (hint: fix the base scenario (`scimsim validate` it))",
                "scenario $: missing required field `horizon_days` (hint: fix the base scenario (`scimsim validate` it))",
                "scenario $: missing required field `products` (hint: fix the base scenario (`scimsim validate` it))",
                "scenario $: missing required field `population` (hint: fix the base scenario (`scimsim validate` it))",
                "scenario $: missing required field `strategies` (hint: fix the base scenario (`scimsim validate` it))",
                "$.replications: replications must be between 1 and 100000",
            ]
        );
    }

    #[test]
    fn a_sweep_that_names_no_base_scenario_is_not_checked_against_one() {
        let mut file = sweep(json!([{"path": "seed", "values": [1]}]));
        file["scenario"] = json!(5);
        assert_eq!(messages(plan(&file, &Value::Null)), ["$.scenario: expected a string, found a number"]);
        let mut file = sweep(json!([{"path": "seed", "values": [1]}]));
        let name = file.as_object_mut().and_then(|m| m.remove("scenario")).expect("named");
        file["scenaro"] = name;
        assert_eq!(
            messages(plan(&file, &Value::Null)),
            [
                "$: missing required field `scenario` (hint: the object has `scenaro`: did you mean `scenario`?)"
            ]
        );
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
