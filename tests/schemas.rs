//! The JSON Schemas `scimsim schema …` prints, checked with a real validator (the `jsonschema`
//! crate) against real files: every result file scimsim writes follows its schema, a result
//! file with a key added, missing or misnamed does not (the schemas are strict, so they cannot
//! silently fall behind the writers), and every bundled scenario and sweep follows the input
//! schemas editors use for completion.

use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scimsim ARGS` in `cwd`; panics with its stderr unless it exits 0.
fn scimsim(args: &[&str], cwd: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("cannot start scimsim");
    assert!(
        out.status.success(),
        "scimsim {args:?} failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is not UTF-8")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The schema `scimsim schema KIND` prints, compiled.
fn validator(kind: &str) -> jsonschema::Validator {
    let text = scimsim(&["schema", kind], &crate_dir());
    let schema: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema {kind} is not JSON: {e}"));
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "schema {kind}");
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema {kind} is not a valid schema: {e}"))
}

/// Every way `value` breaks the schema, one line each (empty when it follows it).
fn problems(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn assert_follows(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let p = problems(validator, value);
    assert!(p.is_empty(), "{what} does not follow its schema:\n{}", p.join("\n"));
}

fn assert_breaks(validator: &jsonschema::Validator, value: &Value, what: &str) {
    assert!(!problems(validator, value).is_empty(), "{what} should not follow the schema");
}

fn run_report(scenario: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("out");
    let path = crate_dir().join(scenario);
    let mut args = vec!["run", path.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q", "--no-charts"];
    args.extend(extra);
    scimsim(&args, dir.path());
    read_json(&out.join("report.json"))
}

#[test]
fn report_json_of_bundled_scenarios_follows_the_schema() {
    let v = validator("report");
    let cases: [(&str, &[&str]); 5] = [
        ("scenarios/quickstart.json", &[]),
        // One replication: intervals collapse, verdicts say so.
        ("scenarios/quickstart.json", &["-r", "1"]),
        // A synthetic organisation (people at risk are synthetic ids), several strategies.
        ("scenarios/synthetic/entra-legacy-domain.json", &["-r", "3"]),
        ("scenarios/gallery/01-external-email-change.json", &[]),
        ("scenarios/gallery/13-okta-ad-identity-duplicates.json", &[]),
    ];
    for (scenario, extra) in cases {
        let report = run_report(scenario, extra);
        assert_follows(&v, &report, &format!("report.json of {scenario} {extra:?}"));
    }
}

#[test]
fn sweep_json_of_a_sweep_and_of_a_merge_follows_the_schema() {
    let v = validator("sweep-result");
    let dir = tempfile::tempdir().expect("temporary folder");
    let sweep = crate_dir().join("scenarios/sweeps/remap-coverage.sweep.json");
    let sweep = sweep.to_str().unwrap();
    let whole = dir.path().join("whole");
    scimsim(&["sweep", sweep, "-r", "2", "-o", whole.to_str().unwrap(), "-q", "--no-charts"], dir.path());
    let value = read_json(&whole.join("sweep.json"));
    assert!(value["axes"][0].get("label").is_some(), "the bundled sweep labels its axis");
    assert_follows(&v, &value, "sweep.json of remap-coverage");

    let shards = dir.path().join("shards");
    for k in 1..=2 {
        let shard = format!("{k}/2");
        scimsim(
            &["sweep", sweep, "-r", "2", "--shard", &shard, "-o", shards.to_str().unwrap(), "-q"],
            dir.path(),
        );
    }
    let merged = dir.path().join("merged");
    scimsim(
        &["merge", shards.to_str().unwrap(), "-o", merged.to_str().unwrap(), "-q", "--no-charts"],
        dir.path(),
    );
    assert_follows(&v, &read_json(&merged.join("sweep.json")), "sweep.json of a merge");

    // An axis without a label: the key is left out, and that is allowed.
    let mut unlabelled = value.clone();
    unlabelled["axes"][0].as_object_mut().unwrap().remove("label");
    assert_follows(&v, &unlabelled, "sweep.json with an unlabelled axis");
}

/// A key added, a key missing, a metric or reason misnamed, a wrong type: each is caught, so a
/// writer that changes without its schema fails the test above.
#[test]
fn result_files_that_drift_from_the_writers_are_refused() {
    let v = validator("report");
    let report = run_report("scenarios/quickstart.json", &["-r", "2"]);
    assert_follows(&v, &report, "the quickstart's report.json");
    type Edit = fn(&mut Value);
    let edits: [(&str, Edit); 9] = [
        ("a new top-level key", |r| r["extra"] = json!(1)),
        ("a missing top-level key", |r| {
            r.as_object_mut().unwrap().remove("horizon_days");
        }),
        ("a new metric", |r| {
            r["strategies"][0]["metrics"]["happy_people"] =
                r["strategies"][0]["metrics"]["duplicate_people"].clone()
        }),
        ("a missing metric", |r| {
            r["strategies"][0]["metrics"].as_object_mut().unwrap().remove("scim_errors");
        }),
        ("a missing breakdown part", |r| {
            r["strategies"][1]["lost_access_by_cause"].as_object_mut().unwrap().remove("other");
        }),
        ("a summary without p90", |r| {
            r["strategies"][0]["metrics"]["duplicate_people"].as_object_mut().unwrap().remove("p90");
        }),
        ("an interval of three numbers", |r| r["paired_differences"][0]["ci95"] = json!([0, 1, 2])),
        ("a misnamed metric in a paired difference", |r| {
            r["paired_differences"][0]["metric"] = json!("duplicates")
        }),
        ("a count as a string", |r| r["replications"] = json!("2")),
    ];
    for (what, edit) in edits {
        let mut changed = report.clone();
        edit(&mut changed);
        assert_breaks(&v, &changed, what);
    }
    let mut unknown_reason = report.clone();
    let ranking = unknown_reason["recommendation"]["ranking"].as_array_mut().unwrap();
    let with_reasons = ranking.iter_mut().find(|r| !r["main_reasons"].as_array().unwrap().is_empty());
    with_reasons.expect("some strategy has reasons")["main_reasons"][0]["code"] = json!("bad_luck");
    assert_breaks(&v, &unknown_reason, "an unknown reason code");

    let v = validator("sweep-result");
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("out");
    let sweep = crate_dir().join("scenarios/sweeps/remap-coverage.sweep.json");
    scimsim(
        &["sweep", sweep.to_str().unwrap(), "-r", "2", "-o", out.to_str().unwrap(), "-q", "--no-charts"],
        dir.path(),
    );
    let value = read_json(&out.join("sweep.json"));
    let mut extra = value.clone();
    extra["points"][0]["strategies"][0]["timeline"] = json!([]);
    assert_breaks(&v, &extra, "a sweep point with a timeline");
    let mut missing = value;
    missing["points"][0].as_object_mut().unwrap().remove("index");
    assert_breaks(&v, &missing, "a sweep point without its index");
}

fn json_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
}

/// The input schemas are what editors complete from: every bundled scenario and sweep follows
/// them, and a file that names its schema in `$schema` still runs.
#[test]
fn bundled_scenarios_and_sweeps_follow_the_input_schemas() {
    let scenario = validator("scenario");
    let sweep = validator("sweep");
    let mut files = Vec::new();
    json_files(&crate_dir().join("scenarios"), &mut files);
    assert!(files.len() > 20, "found only {} bundled files", files.len());
    for path in &files {
        let value = read_json(path);
        let is_sweep = path.to_str().unwrap().ends_with(".sweep.json");
        let v = if is_sweep { &sweep } else { &scenario };
        assert_follows(v, &value, &path.display().to_string());
    }

    let dir = tempfile::tempdir().expect("temporary folder");
    let mut file = read_json(&crate_dir().join("scenarios/sweeps/remap-coverage.sweep.json"));
    file["$schema"] = json!("./sweep.schema.json");
    file["scenario"] = json!(crate_dir().join("scenarios/synthetic/entra-legacy-domain.json"));
    assert_follows(&sweep, &file, "a sweep with $schema");
    let path = dir.path().join("named.sweep.json");
    fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    let out = scimsim(&["validate", path.to_str().unwrap()], dir.path());
    assert!(out.contains("ok"), "{out}");
}
