//! End-to-end tests of the `scimsim` command line (DESIGN §5 and §7): every test runs the real
//! binary in a temporary folder and checks exit codes, messages and the files written.
//!
//! The binding names (metrics, causes, report fields) are spelled out here rather than taken
//! from the library, so that a rename in `src/` shows up as a failing contract test.

use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Binding names (DESIGN §4, §7)
// ---------------------------------------------------------------------------------------------

/// Every metric of DESIGN §4 and §9.3 except the breakdowns (per origin, per cause).
const METRICS: [&str; 17] = [
    "duplicate_people",
    "surplus_accounts",
    "split_identity_people",
    "lost_access_incidents",
    "missing_access_people",
    "over_access_people",
    "orphaned_accounts",
    "orphaned_account_days",
    "group_conflicts",
    "scim_errors",
    "unlinked_scim_records",
    "former_users",
    "blocked_users",
    "remapped_users",
    "admin_fix_failures",
    "billable_accounts",
    "events_processed",
];

/// Every origin of `surplus_accounts_by_origin` (DESIGN §9.3).
const ORIGINS: [&str; 6] = ["pre_existing", "migration", "scim", "self_signup", "placeholder", "admin"];

/// Every cause of `lost_access_by_cause` (DESIGN §4).
const CAUSES: [&str; 7] = [
    "group_deleted",
    "conflict_accepted",
    "email_update_unlinked",
    "scim_group_overwritten",
    "signed_into_new_account",
    "deprovisioned_in_use",
    "other",
];

/// The four report files every `run` writes.
const REPORT_FILES: [&str; 5] =
    ["report.json", "summary.md", "replications.csv", "timeline.csv", "report.html"];

/// The report `run` adds for an explicit population (and for a synthetic one with `--people`).
const PEOPLE_FILE: &str = "people.csv";

/// Every column: the metrics, `surplus_accounts_by_origin.<origin>` and
/// `lost_access_by_cause.<cause>` (30 of them).
fn columns() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = METRICS.iter().map(|m| m.to_string()).collect();
    all.extend(ORIGINS.iter().map(|o| format!("surplus_accounts_by_origin.{o}")));
    all.extend(CAUSES.iter().map(|c| format!("lost_access_by_cause.{c}")));
    assert_eq!(all.len(), N_COLUMNS);
    all
}

/// Number of columns.
const N_COLUMNS: usize = 30;

// ---------------------------------------------------------------------------------------------
// A strict mirror of report.json: any field added, removed or renamed fails to deserialise.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    scimsim_version: String,
    scenario: String,
    description: Option<String>,
    seed: u64,
    replications: u64,
    horizon_days: u64,
    strategies: Vec<StrategyReport>,
    paired_differences: Vec<PairedDifference>,
    recommendation: RecommendationReport,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecommendationReport {
    costs: BTreeMap<String, f64>,
    costs_from: String,
    recommended: String,
    ranking: Vec<RankedReport>,
    paired_differences: Vec<ComparisonReport>,
    people_at_risk: Option<Vec<PersonAtRiskReport>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonAtRiskReport {
    person: String,
    share: f64,
    main_cause: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MainReason {
    code: String,
    people: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RankedReport {
    rank: usize,
    strategy: String,
    cost: MeanInterval,
    versus_recommended: Option<ComparisonReport>,
    main_causes: Vec<MainCause>,
    main_reasons: Vec<MainReason>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonReport {
    baseline: Option<String>,
    strategy: Option<String>,
    metric: Option<String>,
    mean: f64,
    ci95: [f64; 2],
    verdict: String,
    clear: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MainCause {
    metric: String,
    mean: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyReport {
    name: String,
    metrics: BTreeMap<String, Stats>,
    surplus_accounts_by_origin: BTreeMap<String, Stats>,
    lost_access_by_cause: BTreeMap<String, Stats>,
    timeline: Vec<TimelinePoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stats {
    mean: f64,
    std: f64,
    ci95: [f64; 2],
    min: f64,
    p50: f64,
    p90: f64,
    max: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelinePoint {
    day: u64,
    duplicate_people: MeanInterval,
    lost_access_incidents: MeanInterval,
    orphaned_accounts: MeanInterval,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeanInterval {
    mean: f64,
    ci95: [f64; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairedDifference {
    baseline: String,
    strategy: String,
    metric: String,
    mean: f64,
    ci95: [f64; 2],
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What one invocation of the binary did.
#[derive(Debug)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `scimsim ARGS` in `cwd` with `RUST_BACKTRACE=1` (so a panic would show) and no stdin.
fn scimsim(args: &[&str], cwd: &Path) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(cwd)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .output()
        .expect("cannot start scimsim");
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "scimsim {args:?} was killed by a signal ({:?}): it crashed\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Outcome {
        code,
        stdout: String::from_utf8(output.stdout).expect("stdout is not UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is not UTF-8"),
    }
}

/// A path as a `&str` argument (temporary folders have UTF-8 names).
fn arg(path: &Path) -> &str {
    path.to_str().expect("non-UTF-8 path")
}

/// The crate root (where `scenarios/` lives).
fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn quickstart_path() -> PathBuf {
    crate_dir().join("scenarios").join("quickstart.json")
}

/// The quickstart scenario as JSON (it is being edited by others: read, never hard-code).
fn quickstart_json() -> Value {
    read_json(&quickstart_path())
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("cannot create a temporary folder")
}

/// Writes `json` (pretty-printed) to `dir/name` and returns the path.
fn write_json(dir: &Path, name: &str, json: &Value) -> PathBuf {
    let text = serde_json::to_string_pretty(json).expect("serialise");
    write_bytes(dir, name, text.as_bytes())
}

/// Writes a scenario as `dir/scenario.json`.
fn write_scenario(dir: &Path, json: &Value) -> PathBuf {
    write_json(dir, "scenario.json", json)
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// A small valid scenario that the bad-input tests break one field at a time: three people,
/// one exogenous event, two strategies and one expectation.
fn minimal_scenario() -> Value {
    json!({
        "name": "mini",
        "description": "three people, two strategies",
        "seed": 3,
        "replications": 2,
        "horizon_days": 10,
        "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
        "population": {"people": [
            {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@acme.com",
             "idp_groups": ["jira-users"], "server_groups": ["jira-users"]},
            {"id": "bo", "idp_email": "bo@acme.com", "server_email": "bo@acme.com",
             "idp_groups": ["jira-users"], "server_groups": ["jira-users"]},
            {"id": "cy", "idp_email": "cy@acme.com", "server_email": "cy@acme.com",
             "idp_groups": ["jira-users"], "server_groups": ["jira-users"]}
        ]},
        "idp": {"profile": "okta"},
        "events": [{"day": 5, "do": "leave", "person": "bo"}],
        "strategies": [
            {"name": "scim-first", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "enable_scim"},
                {"day": 2, "do": "migrate"},
                {"day": 3, "do": "cutover", "login_spread_days": 1}
            ]},
            {"name": "migrate-only", "timeline": [
                {"day": 1, "do": "migrate"},
                {"day": 2, "do": "cutover", "login_spread_days": 1}
            ]}
        ],
        "expect": [{"strategy": "scim-first", "metric": "duplicate_people", "at_least": 0}]
    })
}

/// Files and folders directly inside `dir`, sorted, hidden ones too but the folder's manifest
/// (`tests/robustness_outputs.rs` checks it).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".scimsim-manifest")
        .collect();
    names.sort();
    names
}

/// The four report files of a run, by name.
fn report_bytes(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    REPORT_FILES
        .iter()
        .map(|name| {
            let path = dir.join(name);
            (*name, fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
        })
        .collect()
}

/// Runs `run SCENARIO -o OUT --quiet EXTRA...` and asserts it succeeded silently.
fn run_quiet(scenario: &Path, out: &Path, extra: &[&str], cwd: &Path) {
    let mut args = vec!["run", arg(scenario), "-o", arg(out), "--quiet"];
    args.extend_from_slice(extra);
    let o = scimsim(&args, cwd);
    assert_eq!(o.code, 0, "scimsim {args:?} failed: {o:#?}");
    assert_eq!(o.stdout, "", "--quiet printed to stdout");
    assert_eq!(o.stderr, "", "a successful run printed to stderr");
}

fn parse_report(out: &Path) -> Report {
    let text = fs::read_to_string(out.join("report.json")).expect("read report.json");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("report.json does not match the contract: {e}"))
}

/// `replications.csv` as (header, rows).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().expect("csv header").iter().map(str::to_string).collect();
    let rows =
        reader.records().map(|r| r.expect("csv record").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Asserts the closing line of `check`'s stdout is `N passed, M failed` and returns (N, M).
fn check_totals(stdout: &str) -> (usize, usize) {
    let last = stdout.lines().last().unwrap_or_default();
    let parsed = last.split_once(" passed, ").and_then(|(p, rest)| {
        let f = rest.strip_suffix(" failed")?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(p) && all_digits(f)).then(|| (p.parse().ok(), f.parse().ok()))
    });
    match parsed {
        Some((Some(p), Some(f))) => (p, f),
        _ => panic!("the last line of check is not `N passed, M failed`: {last:?}\nstdout:\n{stdout}"),
    }
}

/// Asserts a bad-input failure: exit 2, one message on stderr starting with `Error: ` that
/// contains every needle, no panic or backtrace, nothing on stdout, nothing written in `cwd`.
fn assert_bad_input(o: &Outcome, cwd: &Path, needles: &[&str]) {
    let context = format!("{o:#?}");
    assert_eq!(o.code, 2, "expected exit 2 for bad input: {context}");
    assert!(o.stderr.starts_with("Error: "), "stderr must start with `Error: `: {context}");
    assert_eq!(o.stderr.matches("Error: ").count(), 1, "expected one message: {context}");
    for bad in ["panicked", "internal error", "backtrace", "RUST_BACKTRACE", "stack overflow"] {
        assert!(!o.stderr.to_lowercase().contains(&bad.to_lowercase()), "stderr mentions {bad:?}: {context}");
    }
    assert_eq!(o.stdout, "", "bad input printed to stdout: {context}");
    for needle in needles {
        assert!(o.stderr.contains(needle), "stderr does not mention {needle:?}: {context}");
    }
    assert!(!cwd.join("output").exists(), "bad input created {}/output", cwd.display());
}

/// Writes `scenario` to a temp folder, runs `run` on it (with `-o` inside the folder) and
/// asserts a bad-input failure that names the file and every needle; nothing may be written.
fn assert_scenario_rejected(scenario: &Value, needles: &[&str]) -> Outcome {
    let tmp = temp_dir();
    let file = write_scenario(tmp.path(), scenario);
    let out = tmp.path().join("out");
    let o = scimsim(&["run", arg(&file), "-o", arg(&out), "--quiet"], tmp.path());
    let mut all = vec![arg(&file)];
    all.extend_from_slice(needles);
    assert_bad_input(&o, tmp.path(), &all);
    assert!(!out.exists(), "a rejected scenario created the output folder");
    o
}

/// Applies `change` to the minimal scenario and asserts it is rejected with the needles.
fn assert_mutation_rejected(change: impl FnOnce(&mut Value), needles: &[&str]) -> Outcome {
    let mut scenario = minimal_scenario();
    change(&mut scenario);
    assert_scenario_rejected(&scenario, needles)
}

/// Every JSON path (`$…`) that starts a problem line in an error message.
fn problem_paths(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|line| {
            let line = line.trim_start().strip_prefix("Error: ").unwrap_or(line.trim_start());
            line.starts_with('$').then(|| line.split(": ").next().unwrap_or_default().to_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. `run` writes the four reports in the contracted format
// ---------------------------------------------------------------------------------------------

#[test]
fn run_quickstart_writes_reports_in_the_contracted_format() {
    let tmp = temp_dir();
    let out = tmp.path().join("reports");
    let replications = 4;
    run_quiet(&quickstart_path(), &out, &["-r", "4"], tmp.path());

    for name in REPORT_FILES {
        let path = out.join(name);
        assert!(path.is_file(), "{name} was not written");
        assert!(fs::metadata(&path).expect("metadata").len() > 0, "{name} is empty");
    }

    let scenario = quickstart_json();
    let horizon = scenario["horizon_days"].as_u64().expect("quickstart horizon_days");
    let names: Vec<&str> = scenario["strategies"]
        .as_array()
        .expect("quickstart strategies")
        .iter()
        .map(|s| s["name"].as_str().expect("strategy name"))
        .collect();
    assert!(names.len() >= 2, "quickstart should compare strategies");

    let report = parse_report(&out);
    assert!(!report.scimsim_version.is_empty());
    assert_eq!(report.scenario, scenario["name"].as_str().expect("quickstart name"));
    assert_eq!(report.description.as_deref(), scenario["description"].as_str());
    assert_eq!(report.seed, scenario["seed"].as_u64().expect("quickstart seed"));
    assert_eq!(report.replications, replications);
    assert_eq!(report.horizon_days, horizon);
    let report_names: Vec<&str> = report.strategies.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(report_names, names, "strategies must be reported in file order");

    let metric_names: BTreeSet<&str> = METRICS.into_iter().collect();
    let cause_names: BTreeSet<&str> = CAUSES.into_iter().collect();
    let origin_names: BTreeSet<&str> = ORIGINS.into_iter().collect();
    for s in &report.strategies {
        assert_eq!(s.metrics.keys().map(String::as_str).collect::<BTreeSet<_>>(), metric_names, "{}", s.name);
        assert_eq!(
            s.lost_access_by_cause.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            cause_names,
            "{}: every cause must appear, zero included",
            s.name
        );
        assert_eq!(
            s.surplus_accounts_by_origin.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            origin_names,
            "{}: every origin must appear, zero included",
            s.name
        );
        for (metric, st) in
            s.metrics.iter().chain(&s.surplus_accounts_by_origin).chain(&s.lost_access_by_cause)
        {
            let what = format!("{} {metric}: {st:?}", s.name);
            assert!(st.std >= 0.0, "{what}");
            assert!(st.min <= st.p50 && st.p50 <= st.p90 && st.p90 <= st.max, "{what}");
            assert!(st.min <= st.mean + 1e-9 && st.mean <= st.max + 1e-9, "{what}");
            assert!(st.ci95[0] <= st.mean + 1e-9 && st.mean <= st.ci95[1] + 1e-9, "{what}");
        }
        let causes_total: f64 = s.lost_access_by_cause.values().map(|c| c.mean).sum();
        assert!(
            close(causes_total, s.metrics["lost_access_incidents"].mean),
            "{}: causes must add up to lost_access_incidents",
            s.name
        );
        let origins_total: f64 = s.surplus_accounts_by_origin.values().map(|o| o.mean).sum();
        assert!(
            close(origins_total, s.metrics["surplus_accounts"].mean),
            "{}: origins must add up to surplus_accounts",
            s.name
        );

        let days: Vec<u64> = s.timeline.iter().map(|p| p.day).collect();
        assert_eq!(
            days,
            (0..=horizon).collect::<Vec<_>>(),
            "{}: one timeline entry per day 0..=horizon",
            s.name
        );
        for p in &s.timeline {
            for (what, m) in [
                ("duplicate_people", &p.duplicate_people),
                ("lost_access_incidents", &p.lost_access_incidents),
                ("orphaned_accounts", &p.orphaned_accounts),
            ] {
                assert!(
                    m.ci95[0] <= m.mean + 1e-9 && m.mean <= m.ci95[1] + 1e-9,
                    "{} day {} {what}",
                    s.name,
                    p.day
                );
            }
        }
        // The last sample is the end of the horizon, where the metrics are taken.
        let last = s.timeline.last().expect("timeline");
        assert!(close(last.duplicate_people.mean, s.metrics["duplicate_people"].mean), "{}", s.name);
        assert!(
            close(last.lost_access_incidents.mean, s.metrics["lost_access_incidents"].mean),
            "{}",
            s.name
        );
        assert!(close(last.orphaned_accounts.mean, s.metrics["orphaned_accounts"].mean), "{}", s.name);
    }

    // Paired differences: every other strategy against the first, for every column.
    assert_eq!(report.paired_differences.len(), (names.len() - 1) * N_COLUMNS);
    let mut seen = BTreeSet::new();
    for d in &report.paired_differences {
        assert_eq!(d.baseline, names[0], "{d:?}");
        assert!(names[1..].contains(&d.strategy.as_str()), "{d:?}");
        assert!(columns().contains(&d.metric), "unknown metric in paired differences: {d:?}");
        assert!(d.ci95[0] <= d.mean + 1e-9 && d.mean <= d.ci95[1] + 1e-9, "{d:?}");
        assert!(seen.insert((d.strategy.clone(), d.metric.clone())), "duplicate paired difference {d:?}");
    }

    // The recommendation: every strategy ranked by mean cost, the first recommended, every other
    // one compared with it on every column.
    let rec = &report.recommendation;
    assert_eq!(rec.costs_from, "defaults");
    assert_eq!(rec.costs.get("duplicate_people"), Some(&5.0), "{:?}", rec.costs);
    assert_eq!(rec.ranking.len(), names.len());
    assert_eq!(rec.ranking[0].strategy, rec.recommended);
    for (i, r) in rec.ranking.iter().enumerate() {
        assert_eq!(r.rank, i + 1);
        assert!(r.cost.ci95[0] <= r.cost.mean + 1e-9 && r.cost.mean <= r.cost.ci95[1] + 1e-9, "{r:?}");
        assert_eq!(r.versus_recommended.is_none(), i == 0, "{r:?}");
        if i > 0 {
            assert!(rec.ranking[i - 1].cost.mean <= r.cost.mean, "ranked by mean cost: {r:?}");
        }
        assert!(r.main_causes.len() <= 3 && r.main_causes.iter().all(|c| c.mean > 0.0), "{r:?}");
        assert!(r.main_causes.iter().all(|c| columns().contains(&c.metric)), "{r:?}");
        assert!(
            r.main_reasons.len() <= 3 && r.main_reasons.iter().all(|c| c.people > 0.0 && !c.code.is_empty()),
            "{r:?}"
        );
    }
    // The quickstart is an explicit population: its people were counted.
    let at_risk = rec.people_at_risk.as_ref().expect("people at risk");
    assert!(
        at_risk.len() <= 10
            && at_risk.iter().all(|p| p.share > 0.0 && p.share <= 1.0 && p.main_cause.is_some()),
        "{at_risk:?}"
    );
    assert!(at_risk.iter().all(|p| !p.person.is_empty()));
    assert_eq!(rec.paired_differences.len(), (names.len() - 1) * N_COLUMNS);
    for d in &rec.paired_differences {
        assert_eq!(d.baseline.as_deref(), Some(rec.recommended.as_str()), "{d:?}");
        assert_ne!(d.strategy.as_deref(), Some(rec.recommended.as_str()), "{d:?}");
        assert!(columns().contains(d.metric.as_deref().unwrap_or_default()), "{d:?}");
        assert!(!d.verdict.is_empty() && (d.clear || !d.verdict.starts_with("always")), "{d:?}");
        assert!(d.ci95[0] <= d.mean + 1e-9 && d.mean <= d.ci95[1] + 1e-9, "{d:?}");
        if d.verdict.starts_with("always") {
            assert!(d.ci95[0] == d.mean && d.ci95[1] == d.mean, "every replication agrees: {d:?}");
        }
    }

    // replications.csv: header, one row per strategy × replication, values agree with the report.
    let (header, rows) = read_csv(&out.join("replications.csv"));
    assert_eq!(&header[..2], ["strategy", "replication"], "header: {header:?}");
    let csv_columns: BTreeSet<String> = header[2..].iter().cloned().collect();
    assert_eq!(csv_columns.len(), header.len() - 2, "duplicate CSV columns: {header:?}");
    assert_eq!(csv_columns, columns(), "CSV columns must be every metric, origin and cause");
    assert_eq!(rows.len(), names.len() * replications as usize);
    for (i, s) in report.strategies.iter().enumerate() {
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == s.name).collect();
        assert_eq!(mine.len(), replications as usize, "{} rows", s.name);
        let numbers: Vec<String> = mine.iter().map(|r| r[1].clone()).collect();
        let expected: Vec<String> = (0..replications).map(|r| r.to_string()).collect();
        assert_eq!(numbers, expected, "{}: replications are numbered from 0", s.name);
        assert!(mine.iter().all(|r| r.len() == header.len()));
        // Rows come grouped by strategy, in report order.
        assert_eq!(rows[i * replications as usize][0], s.name);
        for (k, column) in header.iter().enumerate().skip(2) {
            let values: Vec<f64> = mine
                .iter()
                .map(|r| {
                    r[k].parse()
                        .unwrap_or_else(|_| panic!("{}: {column} = {:?} is not a number", s.name, r[k]))
                })
                .collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let reported = match (
                column.strip_prefix("surplus_accounts_by_origin."),
                column.strip_prefix("lost_access_by_cause."),
            ) {
                (Some(origin), _) => &s.surplus_accounts_by_origin[origin],
                (_, Some(cause)) => &s.lost_access_by_cause[cause],
                _ => &s.metrics[column.as_str()],
            };
            assert!(
                close(mean, reported.mean),
                "{} {column}: CSV mean {mean} vs report {}",
                s.name,
                reported.mean
            );
        }
    }

    // summary.md: the results table and one table per breakdown, each listing every part.
    let summary = fs::read_to_string(out.join("summary.md")).expect("summary.md");
    for metric in METRICS.iter().filter(|m| **m != "events_processed") {
        assert!(summary.contains(&format!("| {metric} |")), "summary.md lacks {metric}");
    }
    for (title, parts) in
        [("Surplus accounts by origin", &ORIGINS[..]), ("Lost access by cause", &CAUSES[..])]
    {
        let table =
            summary.split(&format!("## {title}\n")).nth(1).unwrap_or_else(|| panic!("no {title} table"));
        let table = table.split("\n## ").next().unwrap_or_default();
        for part in parts {
            assert!(table.contains(&format!("| {part} |")), "{title} lacks {part}");
        }
    }

    // timeline.csv: one row per strategy × day.
    let (header, rows) = read_csv(&out.join("timeline.csv"));
    assert_eq!(&header[..2], ["strategy", "day"], "timeline header: {header:?}");
    assert_eq!(rows.len(), names.len() * (horizon as usize + 1));
}

/// Runs the quickstart with `costs` (none: the defaults) and returns (report, summary.md,
/// stdout).
fn run_quickstart_with_costs(costs: Option<Value>) -> (Report, String, String) {
    let tmp = temp_dir();
    let mut scenario = quickstart_json();
    if let Some(costs) = costs {
        scenario["costs"] = costs;
    }
    let file = write_scenario(tmp.path(), &scenario);
    let out = tmp.path().join("out");
    let o = scimsim(&["run", arg(&file), "-o", arg(&out), "-r", "4", "--no-charts"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let summary = fs::read_to_string(out.join("summary.md")).expect("summary.md");
    (parse_report(&out), summary, o.stdout)
}

#[test]
fn summary_opens_with_the_recommendation_the_costs_choose() {
    // One weight at a time: the recommended strategy is the one with the lowest mean of that
    // metric (ties go to the first listed), taken from report.json.
    for metric in ["duplicate_people", "lost_access_incidents", "orphaned_account_days"] {
        let (report, summary, stdout) = run_quickstart_with_costs(Some(json!({ metric: 1 })));
        let mean = |s: &StrategyReport| s.metrics[metric].mean;
        let lowest = report.strategies.iter().map(mean).fold(f64::INFINITY, f64::min);
        let best = report.strategies.iter().find(|s| mean(s) == lowest).expect("a strategy");
        assert_eq!(report.recommendation.recommended, best.name, "{metric}");
        assert_eq!(report.recommendation.costs_from, "scenario");
        assert_eq!(report.recommendation.costs, BTreeMap::from([(metric.to_string(), 1.0)]));

        // summary.md: title, description, the run line, strategy notes, then the recommendation
        // before any other section.
        let sections: Vec<&str> = summary.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(sections.first(), Some(&"## Recommendation"), "{summary}");
        assert!(summary.starts_with(&format!("# {} — scimsim summary\n", report.scenario)), "{summary}");
        let rec = summary.split("## Recommendation\n").nth(1).expect("section");
        let rec = rec.split("\n## ").next().unwrap_or_default();
        assert!(rec.contains(&format!("| 1 | **{}** |", best.name)), "{metric}: {rec}");
        assert!(rec.contains(&format!("**{}** has the lowest expected cost", best.name)), "{metric}: {rec}");
        assert!(rec.contains(&format!("the scenario's weights: {metric} 1.")), "{metric}: {rec}");
        assert!(rec.contains("Main causes:"), "{rec}");
        // Every other strategy is compared with the recommended one, none with the first.
        for s in report.strategies.iter().filter(|s| s.name != best.name) {
            assert!(summary.contains(&format!("## {} compared with {}\n", s.name, best.name)), "{summary}");
        }
        // The terminal table is ranked and marks the recommended strategy.
        let marked: Vec<&str> = stdout.lines().filter(|l| l.starts_with("* ")).collect();
        assert_eq!(marked.len(), 2, "{stdout}");
        assert!(marked[0].starts_with(&format!("* {} ", best.name)), "{stdout}");
    }
}

#[test]
fn summary_numbers_are_readable() {
    let (_, summary, stdout) = run_quickstart_with_costs(None);
    // Three significant digits at most after the point: no `1534.0333`.
    for text in [&summary, &stdout] {
        let long_decimals = text
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .any(|w| w.split_once('.').is_some_and(|(_, frac)| frac.len() > 4));
        assert!(!long_decimals, "{text}");
    }
    assert!(!summary.contains("significant"), "verdicts read the replications: {summary}");
}

#[test]
fn one_replication_has_zero_spread() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_quiet(&quickstart_path(), &out, &["-r", "1"], tmp.path());
    let report = parse_report(&out);
    assert_eq!(report.replications, 1);
    for s in &report.strategies {
        for (metric, st) in
            s.metrics.iter().chain(&s.surplus_accounts_by_origin).chain(&s.lost_access_by_cause)
        {
            let what = format!("{} {metric}: {st:?}", s.name);
            assert_eq!(st.std, 0.0, "{what}");
            assert_eq!(st.ci95, [st.mean, st.mean], "{what}");
            assert!([st.min, st.p50, st.p90, st.max].iter().all(|&x| x == st.mean), "{what}");
        }
    }
}

#[test]
fn minimal_scenario_is_valid_and_runs() {
    // The bad-input tests below break this scenario one field at a time; it must be valid.
    let tmp = temp_dir();
    let file = write_scenario(tmp.path(), &minimal_scenario());
    let o = scimsim(&["validate", arg(&file)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let out = tmp.path().join("out");
    run_quiet(&file, &out, &[], tmp.path());
    let report = parse_report(&out);
    assert_eq!(report.replications, 2);
    assert_eq!(report.strategies.len(), 2);
    assert_eq!(report.paired_differences.len(), N_COLUMNS);
    let o = scimsim(&["check", arg(&file)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(check_totals(&o.stdout), (1, 0));
}

// ---------------------------------------------------------------------------------------------
// 2. Output folder and what `run` prints
// ---------------------------------------------------------------------------------------------

#[test]
fn run_defaults_to_output_slash_name_in_the_working_directory() {
    let tmp = temp_dir();
    let o = scimsim(&["run", arg(&quickstart_path()), "-r", "1"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let name = quickstart_json()["name"].as_str().expect("name").to_string();
    let dir = tmp.path().join("output").join(&name);
    for file in REPORT_FILES {
        assert!(dir.join(file).is_file(), "{file} missing from {}", dir.display());
    }
    let expected = Path::new("output").join(&name);
    assert!(o.stdout.contains(arg(&expected)), "stdout does not name {}:\n{}", expected.display(), o.stdout);
    assert_eq!(o.stderr, "", "no progress bar or warnings in a pipe");
}

#[test]
fn run_names_the_output_folder_unless_quiet() {
    let tmp = temp_dir();
    let out = tmp.path().join("named-folder");
    let o = scimsim(&["run", arg(&quickstart_path()), "-r", "1", "-o", arg(&out)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(o.stdout.contains(arg(&out)), "stdout does not name {}:\n{}", out.display(), o.stdout);
    assert_eq!(o.stderr, "");

    let quiet = tmp.path().join("quiet-folder");
    run_quiet(&quickstart_path(), &quiet, &["-r", "1"], tmp.path());
    assert!(quiet.join("report.json").is_file());
}

// ---------------------------------------------------------------------------------------------
// 3. Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn same_seed_gives_byte_identical_files() {
    let tmp = temp_dir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_quiet(&quickstart_path(), &a, &["-r", "3", "--seed", "11"], tmp.path());
    run_quiet(&quickstart_path(), &b, &["-r", "3", "--seed", "11"], tmp.path());
    for (name, bytes) in report_bytes(&a) {
        assert!(bytes == report_bytes(&b)[name], "{name} differs between two runs with the same seed");
    }
}

#[test]
fn thread_count_does_not_change_the_bytes() {
    let tmp = temp_dir();
    let (one, two) = (tmp.path().join("j1"), tmp.path().join("j2"));
    run_quiet(&quickstart_path(), &one, &["-r", "5", "-j", "1"], tmp.path());
    run_quiet(&quickstart_path(), &two, &["-r", "5", "-j", "2"], tmp.path());
    // Every file, the charts included.
    let files = listing(&one);
    assert_eq!(files.len(), REPORT_FILES.len() + 1 + 4, "{files:?}");
    assert!(files.iter().any(|f| f == PEOPLE_FILE), "{files:?}");
    assert_eq!(files, listing(&two));
    for name in files {
        let a = fs::read(one.join(&name)).expect("written");
        assert!(a == fs::read(two.join(&name)).expect("written"), "{name} differs between -j 1 and -j 2");
    }
}

#[test]
fn synthetic_runs_are_identical_for_any_thread_count() {
    let tmp = temp_dir();
    let scenario = crate_dir().join("scenarios").join("synthetic").join("okta-rebrand.json");
    let (one, two) = (tmp.path().join("j1"), tmp.path().join("j2"));
    run_quiet(&scenario, &one, &["-r", "6", "-j", "1"], tmp.path());
    run_quiet(&scenario, &two, &["-r", "6", "-j", "2"], tmp.path());
    for (name, bytes) in report_bytes(&one) {
        assert!(bytes == report_bytes(&two)[name], "{name} differs between -j 1 and -j 2");
    }
    // The replications differ from each other (the organisation is drawn per replication).
    let csv = String::from_utf8(report_bytes(&one)["replications.csv"].clone()).expect("utf-8");
    let rows: Vec<&str> = csv.lines().skip(1).filter(|l| l.starts_with("old-domain-only,")).collect();
    assert_eq!(rows.len(), 6);
    let values: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r.split(',').skip(2).collect::<Vec<_>>().join(",")).collect();
    assert!(values.len() > 1, "every replication gave the same metrics");
}

#[test]
fn seed_flag_overrides_the_file() {
    // Quickstart spreads sign-ins over `login_spread_days`, so the sign-in draws move with the
    // seed: the daily series differs. (The end-of-horizon values in replications.csv happen
    // not to, so they are not compared.)
    let tmp = temp_dir();
    let (s1, s2) = (tmp.path().join("s1"), tmp.path().join("s2"));
    run_quiet(&quickstart_path(), &s1, &["-r", "3", "--seed", "1"], tmp.path());
    run_quiet(&quickstart_path(), &s2, &["-r", "3", "--seed", "2"], tmp.path());
    assert_eq!(parse_report(&s1).seed, 1);
    assert_eq!(parse_report(&s2).seed, 2);
    assert!(
        report_bytes(&s1)["timeline.csv"] != report_bytes(&s2)["timeline.csv"],
        "timeline.csv is the same for seeds 1 and 2 although sign-ins are spread over days"
    );
}

#[test]
fn replications_flag_overrides_the_file() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_quiet(&quickstart_path(), &out, &["-r", "3"], tmp.path());
    let report = parse_report(&out);
    assert_eq!(report.replications, 3);
    let (_, rows) = read_csv(&out.join("replications.csv"));
    for s in &report.strategies {
        let numbers: Vec<&str> = rows.iter().filter(|r| r[0] == s.name).map(|r| r[1].as_str()).collect();
        assert_eq!(numbers, ["0", "1", "2"], "{}", s.name);
    }
    assert_eq!(rows.len(), 3 * report.strategies.len());
}

// ---------------------------------------------------------------------------------------------
// 4. `check`
// ---------------------------------------------------------------------------------------------

#[test]
fn check_passes_on_every_bundled_scenario() {
    let tmp = temp_dir();
    let o = scimsim(&["check", arg(&crate_dir().join("scenarios"))], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let (passed, failed) = check_totals(&o.stdout);
    assert!(passed > 300, "only {passed} expectations were checked");
    assert_eq!(failed, 0);
    for folder in
        ["scenarios/rules/", "scenarios/synthetic/", "scenarios/regressions/", "scenarios/quickstart.json"]
    {
        assert!(o.stdout.contains(folder), "nothing checked in {folder}");
    }
}

#[test]
fn check_passes_on_the_rules_scenarios() {
    let tmp = temp_dir();
    let rules = crate_dir().join("scenarios").join("rules");
    let o = scimsim(&["check", arg(&rules)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let (passed, failed) = check_totals(&o.stdout);
    assert!(passed > 0, "no expectation was checked");
    assert_eq!(failed, 0);
    assert_eq!(o.stdout.lines().count(), passed + 1, "one line per expectation, then the totals");
    assert!(listing(tmp.path()).is_empty(), "check wrote {:?}", listing(tmp.path()));
}

/// A rules scenario (file name, JSON) whose first expectation is an `equals` on a strategy.
fn rules_scenario_with_equals() -> (String, Value) {
    let dir = crate_dir().join("scenarios").join("rules");
    for name in listing(&dir).into_iter().filter(|n| n.ends_with(".json") && !n.ends_with(".sweep.json")) {
        let json = read_json(&dir.join(&name));
        let first = &json["expect"][0];
        if first["equals"].is_number() && first["strategy"].is_string() && first["metric"].is_string() {
            return (name, json);
        }
    }
    panic!("no rules scenario starts its `expect` with an `equals` bound");
}

#[test]
fn check_reports_a_wrong_expectation_and_exits_1() {
    let tmp = temp_dir();
    let (name, mut json) = rules_scenario_with_equals();
    let first = &mut json["expect"][0];
    let wrong = first["equals"].as_f64().expect("equals") + 1000.5;
    first["equals"] = json!(wrong);
    let (strategy, metric) = (
        first["strategy"].as_str().expect("strategy").to_string(),
        first["metric"].as_str().expect("metric").to_string(),
    );
    let folder = tmp.path().join("scenarios");
    fs::create_dir(&folder).expect("mkdir");
    write_json(&folder, &name, &json);

    let o = scimsim(&["check", arg(&folder)], tmp.path());
    assert_eq!(o.code, 1, "{o:#?}");
    let fails: Vec<&str> = o.stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(!fails.is_empty(), "no FAIL line: {o:#?}");
    assert!(
        fails.iter().any(|l| l.contains(&name) && l.contains(&metric) && l.contains(&strategy)),
        "no FAIL line names {name}, {metric} and {strategy}: {fails:#?}"
    );
    let (_, failed) = check_totals(&o.stdout);
    assert!(failed >= 1, "{o:#?}");
    assert!(listing(tmp.path()) == ["scenarios"], "check wrote {:?}", listing(tmp.path()));
}

#[test]
fn check_exits_2_on_an_invalid_file() {
    let tmp = temp_dir();
    let folder = tmp.path().join("scenarios");
    fs::create_dir(&folder).expect("mkdir");
    write_json(&folder, "good.json", &minimal_scenario());
    let bad = write_bytes(&folder, "bad.json", b"{\"name\": \"oops\",");
    let o = scimsim(&["check", arg(&folder)], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.starts_with("Error: "), "{o:#?}");
    assert!(o.stderr.contains(arg(&bad)), "the invalid file is not named: {o:#?}");
    assert!(!o.stderr.contains("panicked"), "{o:#?}");
}

#[test]
fn check_skips_sweep_files() {
    let tmp = temp_dir();
    let folder = tmp.path().join("scenarios");
    fs::create_dir_all(folder.join("nested")).expect("mkdir");
    write_json(&folder, "good.json", &minimal_scenario());
    write_bytes(&folder, "grid.sweep.json", b"this is not JSON at all");
    write_bytes(&folder.join("nested"), "deeper.sweep.json", b"{");
    let o = scimsim(&["check", arg(&folder)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(check_totals(&o.stdout), (1, 0));
    assert!(!o.stdout.contains("sweep") && !o.stderr.contains("sweep"), "{o:#?}");
}

// ---------------------------------------------------------------------------------------------
// 5. `validate` and `schema`
// ---------------------------------------------------------------------------------------------

fn scenario_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for name in listing(dir) {
        let path = dir.join(&name);
        if path.is_dir() {
            scenario_files(&path, found);
        } else if name.ends_with(".json") && !name.ends_with(".sweep.json") {
            found.push(path);
        }
    }
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let mut files = Vec::new();
    scenario_files(&crate_dir().join("scenarios"), &mut files);
    assert!(files.len() >= 2, "expected scenarios under scenarios/");
    let tmp = temp_dir();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|f| arg(f)));
    let o = scimsim(&args, tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "");
    assert_eq!(o.stdout.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{}", o.stdout);
}

#[test]
fn schema_scenario_is_json_with_the_top_level_fields() {
    let tmp = temp_dir();
    let o = scimsim(&["schema", "scenario"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let schema: Value = serde_json::from_str(&o.stdout).expect("schema is not JSON");
    let properties = schema["properties"].as_object().expect("schema has `properties`");
    for field in
        ["name", "seed", "replications", "horizon_days", "population", "events", "strategies", "expect"]
    {
        assert!(properties.contains_key(field), "schema lacks `{field}`");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Bad input: exit 2, one clean message naming the file and the JSON path
// ---------------------------------------------------------------------------------------------

#[test]
fn truncated_json_reports_line_and_column() {
    let tmp = temp_dir();
    let text = serde_json::to_string_pretty(&minimal_scenario()).expect("serialise");
    let file = write_bytes(tmp.path(), "truncated.json", &text.as_bytes()[..text.len() / 2]);
    let o = scimsim(&["run", arg(&file), "--quiet"], tmp.path());
    assert_bad_input(&o, tmp.path(), &[arg(&file)]);
    let after = o.stderr.split_once(arg(&file)).expect("file named").1;
    let mut parts = after.splitn(4, ':');
    let (empty, line, column) = (parts.next(), parts.next(), parts.next());
    let digits = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        empty == Some("") && digits(line) && digits(column) && parts.next().is_some(),
        "expected FILE:LINE:COLUMN: in {:?}",
        o.stderr
    );
}

#[test]
fn missing_required_field_is_named() {
    let o = assert_mutation_rejected(
        |s| {
            s.as_object_mut().expect("object").remove("horizon_days");
        },
        &["horizon_days", "missing"],
    );
    assert!(problem_paths(&o.stderr).contains("$"), "the problem should be at `$`: {}", o.stderr);
}

#[test]
fn misspelt_field_gets_a_did_you_mean() {
    assert_mutation_rejected(
        |s| {
            let person = s["population"]["people"][0].as_object_mut().expect("person");
            let email = person.remove("idp_email").expect("idp_email");
            person.insert("idp_emial".into(), email);
        },
        &["$.population.people[0].idp_emial", "did you mean `idp_email`"],
    );
}

#[test]
fn unknown_event_kind_is_rejected() {
    assert_mutation_rejected(
        |s| s["events"][0]["do"] = json!("leeve"),
        &["$.events[0].do", "leeve", "`leave`"],
    );
}

#[test]
fn unknown_person_in_an_event_is_rejected() {
    assert_mutation_rejected(|s| s["events"][0]["person"] = json!("zed"), &["$.events[0].person", "zed"]);
}

#[test]
fn unknown_idp_group_is_rejected() {
    assert_mutation_rejected(
        |s| s["population"]["people"][0]["idp_groups"] = json!(["jira-users", "payroll"]),
        &["$.population.people[0].idp_groups[1]", "payroll"],
    );
}

#[test]
fn probability_out_of_range_is_rejected() {
    assert_mutation_rejected(
        |s| {
            let timeline = s["strategies"][0]["timeline"].as_array_mut().expect("timeline");
            timeline.push(json!({"day": 4, "do": "fix_emails", "coverage": 1.5}));
        },
        &["$.strategies[0].timeline[5].coverage", "1.5"],
    );
}

#[test]
fn day_beyond_the_horizon_is_rejected() {
    assert_mutation_rejected(|s| s["events"][0]["day"] = json!(11), &["$.events[0].day", "11"]);
    assert_mutation_rejected(
        |s| s["strategies"][1]["timeline"][1]["day"] = json!(10.5),
        &["$.strategies[1].timeline[1].day", "10.5"],
    );
}

#[test]
fn duplicate_person_ids_are_rejected() {
    assert_mutation_rejected(
        |s| s["population"]["people"][2]["id"] = json!("ann"),
        &["$.population.people[2].id", "ann"],
    );
}

#[test]
fn duplicate_strategy_names_are_rejected() {
    assert_mutation_rejected(
        |s| s["strategies"][1]["name"] = json!("scim-first"),
        &["$.strategies[1].name", "scim-first"],
    );
}

#[test]
fn unknown_metric_in_expect_gets_a_did_you_mean() {
    assert_mutation_rejected(
        |s| s["expect"][0]["metric"] = json!("duplicate_peeple"),
        &["$.expect[0].metric", "duplicate_peeple", "did you mean `duplicate_people`"],
    );
}

#[test]
fn the_metrics_of_revision_0_3_are_expect_paths() {
    let tmp = temp_dir();
    let mut scenario = minimal_scenario();
    scenario["expect"] = json!([
        {"strategy": "scim-first", "metric": "over_access_people", "at_least": 0},
        {"strategy": "scim-first", "metric": "remapped_users", "equals": 0},
        {"strategy": "migrate-only", "metric": "surplus_accounts_by_origin.admin", "equals": 0}
    ]);
    let file = write_scenario(tmp.path(), &scenario);
    let o = scimsim(&["check", arg(&file)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(check_totals(&o.stdout), (3, 0));
    assert!(o.stdout.contains("surplus_accounts_by_origin.admin"), "{o:#?}");
    assert_mutation_rejected(
        |s| s["expect"][0]["metric"] = json!("surplus_accounts_by_origin.migraton"),
        &["$.expect[0].metric", "did you mean `surplus_accounts_by_origin.migration`"],
    );
}

#[test]
fn synthetic_population_rejects_events_that_name_people_and_bad_shares() {
    assert_mutation_rejected(
        |s| {
            s["population"] = json!({"synthetic": {"people": 100, "initial_email_mismatch_share": 1.5}});
        },
        &[
            "$.population.synthetic.initial_email_mismatch_share",
            "between 0 and 1",
            "events that name people need an explicit population",
        ],
    );
}

#[test]
fn several_problems_are_listed_at_once() {
    let o = assert_mutation_rejected(
        |s| {
            s["events"][0]["do"] = json!("leeve");
            s["population"]["people"][0]["idp_groups"] = json!(["payroll"]);
            s["strategies"][1]["name"] = json!("scim-first");
            s["expect"][0]["metric"] = json!("duplicate_peeple");
        },
        &[
            "$.events[0].do",
            "$.population.people[0].idp_groups[0]",
            "$.strategies[1].name",
            "$.expect[0].metric",
        ],
    );
    let paths = problem_paths(&o.stderr);
    assert!(paths.len() >= 3, "expected at least 3 distinct paths, found {paths:?} in {}", o.stderr);
}

#[test]
fn missing_file_is_named() {
    let tmp = temp_dir();
    let file = tmp.path().join("no-such-scenario.json");
    let o = scimsim(&["run", arg(&file), "--quiet"], tmp.path());
    assert_bad_input(&o, tmp.path(), &[arg(&file)]);
}

#[test]
fn folder_given_as_scenario_is_rejected() {
    let tmp = temp_dir();
    let dir = tmp.path().join("looks-like.json");
    fs::create_dir(&dir).expect("mkdir");
    let o = scimsim(&["run", arg(&dir), "--quiet"], tmp.path());
    assert_bad_input(&o, tmp.path(), &[arg(&dir)]);
}

#[test]
fn binary_garbage_is_rejected() {
    let tmp = temp_dir();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let file = write_bytes(tmp.path(), "garbage.json", &bytes);
    let o = scimsim(&["run", arg(&file), "--quiet"], tmp.path());
    assert_bad_input(&o, tmp.path(), &[arg(&file)]);
}

#[test]
fn empty_file_is_rejected() {
    let tmp = temp_dir();
    let file = write_bytes(tmp.path(), "empty.json", b"");
    let o = scimsim(&["run", arg(&file), "--quiet"], tmp.path());
    assert_bad_input(&o, tmp.path(), &[arg(&file)]);
}

#[test]
fn deeply_nested_json_does_not_crash() {
    let tmp = temp_dir();
    let depth = 100_000;
    let cases = [
        ("open-arrays.json", "[".repeat(depth)),
        ("balanced-arrays.json", format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        ("nested-in-a-field.json", format!("{{\"name\": {}{}}}", "[".repeat(depth), "]".repeat(depth))),
        ("nested-objects.json", format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))),
    ];
    for (name, text) in cases {
        let file = write_bytes(tmp.path(), name, text.as_bytes());
        let o = scimsim(&["run", arg(&file), "--quiet"], tmp.path());
        assert_bad_input(&o, tmp.path(), &[arg(&file)]);
        let o = scimsim(&["validate", arg(&file)], tmp.path());
        assert_eq!(o.code, 2, "validate {name}: {o:#?}");
    }
}

#[test]
fn zero_replications_or_threads_are_rejected() {
    let scenario = quickstart_path();
    for flags in [["-r", "0"], ["-j", "0"], ["-r", "100001"]] {
        let tmp = temp_dir();
        let out = tmp.path().join("out");
        let mut args = vec!["run", arg(&scenario), "-o", arg(&out), "--quiet"];
        args.extend_from_slice(&flags);
        let o = scimsim(&args, tmp.path());
        assert_bad_input(&o, tmp.path(), &[flags[0]]);
    }
}

#[test]
fn rejected_flags_write_nothing() {
    // A usage error is found before the output folder is touched.
    let scenario = quickstart_path();
    for flags in [["-r", "0"], ["-j", "0"]] {
        let tmp = temp_dir();
        let out = tmp.path().join("out");
        let mut args = vec!["run", arg(&scenario), "-o", arg(&out), "--quiet"];
        args.extend_from_slice(&flags);
        assert_eq!(scimsim(&args, tmp.path()).code, 2);
        assert!(!out.exists(), "`{}` was rejected only after creating the output folder", flags.join(" "));
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Writing outputs
// ---------------------------------------------------------------------------------------------

#[test]
fn output_folder_that_is_a_file_is_refused() {
    let tmp = temp_dir();
    let file = write_bytes(tmp.path(), "occupied", b"keep me");
    let o = scimsim(&["run", arg(&quickstart_path()), "-r", "1", "-o", arg(&file), "--quiet"], tmp.path());
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(o.stderr.starts_with("Error: "), "{o:#?}");
    assert!(o.stderr.contains(arg(&file)), "the file is not named: {o:#?}");
    assert!(!o.stderr.contains("panicked"), "{o:#?}");
    assert_eq!(fs::read(&file).expect("read"), b"keep me", "the file was changed");
    assert_eq!(listing(tmp.path()), ["occupied"], "something was written next to it");
}

#[test]
fn successful_run_leaves_no_temporary_files() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    fs::create_dir(&out).expect("mkdir");
    write_bytes(&out, "unrelated.txt", b"left alone");
    run_quiet(&quickstart_path(), &out, &["-r", "2"], tmp.path());
    let names = listing(&out);
    assert!(
        names.iter().all(|n| !n.starts_with('.') && !n.contains(".tmp")),
        "temporary files left in the output folder: {names:?}"
    );
    for file in REPORT_FILES {
        assert!(names.iter().any(|n| n == file), "{file} missing: {names:?}");
    }
    assert_eq!(fs::read(out.join("unrelated.txt")).expect("read"), b"left alone");
}

// ---------------------------------------------------------------------------------------------
// 8. `sweep`
// ---------------------------------------------------------------------------------------------

/// Writes a base scenario and a sweep over it into `dir`; returns the sweep file.
fn write_sweep(dir: &Path, axes: Value) -> PathBuf {
    let mut base = minimal_scenario();
    base["replications"] = json!(2);
    write_json(dir, "base.json", &base);
    write_json(dir, "grid.sweep.json", &json!({"name": "grid", "scenario": "base.json", "axes": axes}))
}

#[test]
fn sweep_writes_tidy_csv_and_json_for_the_full_grid() {
    let tmp = temp_dir();
    let file = write_sweep(
        tmp.path(),
        json!([
            {"path": "strategies.0.group_conflicts", "values": ["accept", "reject"]},
            {"path": "seed", "range": {"from": 1, "to": 3, "steps": 3}}
        ]),
    );
    let out = tmp.path().join("out");
    let o = scimsim(&["sweep", arg(&file), "-o", arg(&out), "-r", "2"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(o.stdout.contains("6 grid points × 2 replications"), "{o:#?}");
    let sweep = read_json(&out.join("sweep.json"));
    let points = sweep["points"].as_array().expect("points");
    assert_eq!(points.len(), 6);
    assert_eq!(sweep["axes"][1]["values"], json!([1, 2, 3]));
    assert_eq!(points[4]["values"], json!({"strategies.0.group_conflicts": "reject", "seed": 2}));
    let n_strategies = minimal_scenario()["strategies"].as_array().map_or(0, Vec::len);
    assert_eq!(points[0]["strategies"].as_array().map(Vec::len), Some(n_strategies));
    for metric in METRICS {
        assert!(points[0]["strategies"][0]["metrics"][metric]["ci95"].is_array(), "{metric}");
    }
    for origin in ORIGINS {
        let stats = &points[0]["strategies"][0]["surplus_accounts_by_origin"][origin];
        assert!(stats["ci95"].is_array(), "{origin}");
    }
    for cause in CAUSES {
        assert!(points[0]["strategies"][0]["lost_access_by_cause"][cause]["ci95"].is_array(), "{cause}");
    }
    let (header, rows) = read_csv(&out.join("sweep.csv"));
    assert_eq!(
        header,
        [
            "point",
            "strategies.0.group_conflicts",
            "seed",
            "strategy",
            "metric",
            "mean",
            "std",
            "ci95_lo",
            "ci95_hi",
            "min",
            "p50",
            "p90",
            "max"
        ]
    );
    assert_eq!(rows.len(), 6 * n_strategies * N_COLUMNS);
    assert_eq!(rows[0][..3], ["0".to_string(), "accept".to_string(), "1".to_string()]);
}

#[test]
fn sweep_bytes_do_not_depend_on_the_thread_count() {
    let tmp = temp_dir();
    let sweep = crate_dir().join("scenarios").join("sweeps").join("email-fix-coverage.sweep.json");
    let (one, two) = (tmp.path().join("j1"), tmp.path().join("j2"));
    for (dir, j) in [(&one, "1"), (&two, "2")] {
        let o = scimsim(&["sweep", arg(&sweep), "-o", arg(dir), "-r", "3", "-j", j, "--quiet"], tmp.path());
        assert_eq!(o.code, 0, "{o:#?}");
    }
    let files = listing(&one);
    assert!(files.len() > 40, "data and charts written: {files:?}");
    assert_eq!(files, listing(&two));
    for name in files {
        let a = std::fs::read(one.join(&name)).expect("written");
        assert!(
            a == std::fs::read(two.join(&name)).expect("written"),
            "{name} differs between -j 1 and -j 2"
        );
    }
}

#[test]
fn bad_sweeps_are_refused_naming_the_axis_before_anything_runs() {
    let tmp = temp_dir();
    let cases: [(Value, &[&str]); 4] = [
        (
            json!([{"path": "strategies.9.group_conflicts", "values": ["accept"]}]),
            &["$.axes[0] (strategies.9.group_conflicts)", "no index 9"],
        ),
        (
            json!([{"path": "strategies.0.timeline.0.day", "values": [1, "two"]}]),
            &["$.axes[0] (strategies.0.timeline.0.day)", "\"two\"", "expected a number"],
        ),
        (
            json!([{"path": "seed", "range": {"from": 0, "to": 1000, "steps": 1001}},
                   {"path": "horizon_days", "range": {"from": 10, "to": 30, "steps": 21}}]),
            &["more than the 10000 allowed"],
        ),
        (
            json!([{"path": "seeds", "values": [1]}]),
            &["$.axes[0] (seeds)", "unknown field `seeds`", "did you mean `seed`?"],
        ),
    ];
    for (axes, needles) in cases {
        let file = write_sweep(tmp.path(), axes);
        let out = tmp.path().join("never");
        let o = scimsim(&["sweep", arg(&file), "-o", arg(&out)], tmp.path());
        assert_bad_input(&o, tmp.path(), needles);
        assert!(o.stderr.contains("grid.sweep.json"), "{o:#?}");
        assert!(!out.exists(), "a refused sweep created its output folder");
    }
}

/// The fixed sweep used by the interruption tests: 11 points over the bundled base scenario.
fn coverage_sweep() -> PathBuf {
    crate_dir().join("scenarios").join("sweeps").join("email-fix-coverage.sweep.json")
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_bytes() {
    let tmp = temp_dir();
    let (whole, parts) = (tmp.path().join("whole"), tmp.path().join("parts"));
    let args = |dir: &Path| {
        vec![
            "sweep".to_string(),
            arg(&coverage_sweep()).to_string(),
            "-o".into(),
            arg(dir).to_string(),
            "-r".into(),
            "4".into(),
            "--quiet".into(),
        ]
    };
    let run = |dir: &Path, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_scimsim"))
            .args(args(dir))
            .args(extra)
            .current_dir(tmp.path())
            .output()
            .expect("scimsim runs")
    };
    // The library's test option stands in for a Ctrl-C after `after` finished points.
    let interrupted = |dir: &Path, resume: bool, after: usize| {
        let options = scimsim::app::SweepOptions {
            output: Some(dir.to_path_buf()),
            replications: Some(4),
            // One thread stops right after the `after`th point (more may finish one more).
            jobs: Some(1),
            quiet: true,
            resume,
            stop_after_points: Some(after),
            ..Default::default()
        };
        scimsim::app::sweep(&coverage_sweep(), options).expect_err("the sweep is interrupted")
    };
    assert!(run(&whole, &[]).status.success());
    let e = interrupted(&parts, false, 3);
    assert_eq!(e.exit_code(), 1);
    let message = e.to_string();
    assert!(message.starts_with("interrupted after ") && message.contains("--resume"), "{message}");
    assert!(!parts.join("sweep.json").exists(), "an interrupted sweep wrote its final files");
    let checkpoint = parts.join(".scimsim-sweep-checkpoint.jsonl");
    let kept = std::fs::read_to_string(&checkpoint).expect("checkpoint kept");
    assert_eq!(kept.lines().count(), 4, "a header and the three finished points");
    // Cut the last line in half, as a crash in the middle of a write would: two points stay.
    let cut = &kept[..kept.len() - kept.lines().last().map_or(0, |l| l.len() / 2 + 1)];
    assert_eq!(cut.lines().filter(|l| l.starts_with("{\"sum\"")).count(), 3, "two whole lines and a cut one");
    std::fs::write(&checkpoint, cut).expect("rewrite checkpoint");
    // A checkpoint of another sweep (other replications) is refused, not mixed in.
    let mut other = args(&parts);
    other[5] = "5".into();
    let o = Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(&other)
        .arg("--resume")
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("belongs to another sweep"));
    // Resume, stopping again after one more point: the two kept points are not run again.
    let e = interrupted(&parts, true, 3);
    assert_eq!(e.exit_code(), 1);
    assert!(e.to_string().contains("interrupted after 3 of 11"), "{e}");
    let o = run(&parts, &["--resume"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["sweep.json", "sweep.csv"] {
        let a = std::fs::read(whole.join(name)).expect("written");
        assert!(a == std::fs::read(parts.join(name)).expect("written"), "{name} differs after resuming");
    }
    assert!(!checkpoint.exists(), "the checkpoint is removed once the sweep is written");
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_finished_points() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(["sweep", arg(&coverage_sweep()), "-o", arg(&out), "-r", "400", "-j", "1", "--quiet"])
        .current_dir(tmp.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scimsim starts");
    let checkpoint = out.join(".scimsim-sweep-checkpoint.jsonl");
    // Wait until a chunk of points is on disk, then press Ctrl-C.
    let mut waited = 0;
    while std::fs::read_to_string(&checkpoint).map_or(0, |t| t.lines().count()) < 2 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        waited += 1;
        assert!(waited < 6000, "no point finished within two minutes");
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    // 11 points of 400 replications take far longer than the first point; after Ctrl-C it stops
    // at the next replication.
    let mut waited = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("scimsim waits") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        waited += 1;
        if waited > 3000 {
            let _ = child.kill();
            panic!("scimsim did not stop within a minute of Ctrl-C");
        }
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().expect("piped"), &mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted after") && stderr.contains("--resume"), "{stderr}");
    assert!(std::fs::read_to_string(&checkpoint).expect("kept").lines().count() >= 2);
    assert!(!out.join("sweep.json").exists());
}

// ---------------------------------------------------------------------------------------------
// 9. Every kind of bad input, with a snapshot of its message (tests/snapshots/): a message
//    never degrades silently. Temporary paths are replaced by `TMP`.
// ---------------------------------------------------------------------------------------------

/// Runs scimsim in a fresh folder holding `files`, returning (exit code, stderr with the
/// folder's path replaced by `TMP`).
fn message_of(files: &[(&str, &[u8])], args: &[&str]) -> (i32, String) {
    let tmp = temp_dir();
    for (name, bytes) in files {
        let path = tmp.path().join(name);
        std::fs::create_dir_all(path.parent().expect("has a folder")).expect("create folder");
        std::fs::write(&path, bytes).expect("write input");
    }
    let o = scimsim(args, tmp.path());
    let root = tmp.path().to_string_lossy().to_string();
    (o.code, o.stderr.replace(&root, "TMP"))
}

fn scenario_bytes(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut s = minimal_scenario();
    change(&mut s);
    serde_json::to_vec_pretty(&s).expect("serialisable")
}

/// Asserts exit `code` and snapshots the message under `name`.
fn snapshot(name: &str, code: i32, (got, message): (i32, String)) {
    assert_eq!(got, code, "{name}: {message}");
    assert!(message.starts_with("Error: "), "{name}: {message}");
    insta::assert_snapshot!(name, message);
}

#[test]
fn messages_for_every_kind_of_bad_scenario() {
    let run = |bytes: &[u8]| message_of(&[("s.json", bytes)], &["run", "s.json", "-o", "out", "--quiet"]);
    snapshot(
        "syntax_truncated",
        2,
        run(b"{\"name\": \"x\",\n  \"horizon_days\": 3,\n  \"products\": [\"jira\""),
    );
    snapshot("syntax_empty", 2, run(b""));
    snapshot("not_utf8", 2, run(&[0xff, 0xfe, 0x00, 0x41]));
    snapshot("not_an_object", 2, run(b"[1, 2, 3]"));
    snapshot(
        "missing_field",
        2,
        run(&scenario_bytes(|s| {
            s.as_object_mut().map(|m| m.remove("horizon_days"));
        })),
    );
    snapshot(
        "misspelt_field",
        2,
        run(&scenario_bytes(|s| s["population"]["people"][0]["idp_emial"] = json!("x@acme.com"))),
    );
    snapshot("wrong_type", 2, run(&scenario_bytes(|s| s["replications"] = json!("many"))));
    snapshot(
        "unknown_enum_value",
        2,
        run(&scenario_bytes(|s| s["strategies"][0]["timeline"][3]["invalid_emails"] = json!("formeruser"))),
    );
    snapshot("unknown_event", 2, run(&scenario_bytes(|s| s["events"][0]["do"] = json!("leeve"))));
    snapshot("unknown_reference", 2, run(&scenario_bytes(|s| s["events"][0]["person"] = json!("bob"))));
    snapshot(
        "out_of_range",
        2,
        run(&scenario_bytes(|s| s["strategies"][0]["timeline"][4]["login_spread_days"] = json!(-2))),
    );
    snapshot("day_beyond_horizon", 2, run(&scenario_bytes(|s| s["events"][0]["day"] = json!(11))));
    snapshot("duplicate_ids", 2, run(&scenario_bytes(|s| s["population"]["people"][2]["id"] = json!("ann"))));
    snapshot(
        "duplicate_idp_email",
        2,
        run(&scenario_bytes(|s| s["population"]["people"][1]["idp_email"] = json!("ANN@acme.com"))),
    );
    snapshot(
        "timeline_out_of_order",
        2,
        run(&scenario_bytes(|s| s["strategies"][1]["timeline"][1]["day"] = json!(0))),
    );
    snapshot(
        "scim_enabled_twice",
        2,
        run(&scenario_bytes(|s| {
            if let Some(t) = s["strategies"][0]["timeline"].as_array_mut() {
                t.push(json!({"day": 4, "do": "enable_scim"}));
            }
        })),
    );
    snapshot(
        "unlisted_event_group",
        2,
        run(&scenario_bytes(|s| {
            s["events"] =
                json!([{"day": 5, "do": "create_idp_group", "group": "payroll", "members": ["ann"]}]);
        })),
    );
    snapshot("unknown_metric", 2, run(&scenario_bytes(|s| s["expect"][0]["metric"] = json!("duplicates"))));
    snapshot(
        "bad_costs",
        2,
        run(&scenario_bytes(|s| {
            s["costs"] = json!({"duplicate_peple": 5, "scim_errors": -1, "events_processed": 1,
                                "lost_access_incidents": 3, "lost_access_by_cause.other": 1});
        })),
    );
    snapshot("too_many_replications", 2, run(&scenario_bytes(|s| s["replications"] = json!(1_000_000))));
    snapshot(
        "synthetic_with_named_people",
        2,
        run(&scenario_bytes(|s| {
            s["population"] =
                json!({"synthetic": {"people": 50, "idp_only_share": 0.8, "server_only_share": 0.4}});
        })),
    );
    snapshot(
        "several_problems",
        2,
        run(&scenario_bytes(|s| {
            s["events"][0]["do"] = json!("leeve");
            s["population"]["people"][0]["idp_groups"] = json!(["payroll"]);
            s["strategies"][1]["name"] = json!("scim-first");
        })),
    );
    snapshot("deep_nesting", 2, run("[".repeat(100_000).as_bytes()));
}

#[test]
fn messages_for_every_kind_of_bad_command_line_and_output() {
    let good = scenario_bytes(|_| {});
    let files: &[(&str, &[u8])] = &[("s.json", &good), ("a-file", b"not a folder")];
    snapshot("missing_file", 2, message_of(files, &["run", "nope.json"]));
    snapshot("folder_as_scenario", 2, message_of(&[("dir/x.json", &good)], &["run", "dir"]));
    snapshot("zero_replications", 2, message_of(files, &["run", "s.json", "-r", "0"]));
    snapshot("zero_threads", 2, message_of(files, &["run", "s.json", "-j", "0"]));
    snapshot("output_is_a_file", 1, message_of(files, &["run", "s.json", "-o", "a-file", "--quiet"]));
    #[cfg(target_os = "linux")]
    snapshot(
        "output_cannot_be_created",
        1,
        message_of(files, &["run", "s.json", "-o", "/proc/scimsim-out", "--quiet"]),
    );
    snapshot(
        "validate_several",
        2,
        message_of(&[("s.json", &good), ("t.json", b"{")], &["validate", "s.json", "t.json"]),
    );
}

#[test]
fn messages_for_every_kind_of_bad_sweep() {
    let base = scenario_bytes(|_| {});
    let sweep = |axes: Value| {
        serde_json::to_vec(&json!({"name": "g", "scenario": "base.json", "axes": axes})).expect("json")
    };
    let run = |bytes: &[u8]| {
        message_of(
            &[("base.json", &base), ("g.sweep.json", bytes)],
            &["sweep", "g.sweep.json", "-o", "out", "--quiet"],
        )
    };
    snapshot(
        "sweep_path_missing",
        2,
        run(&sweep(json!([{"path": "strategies.7.timeline.0.day", "values": [1]}]))),
    );
    snapshot(
        "sweep_path_typo",
        2,
        run(&sweep(json!([{"path": "drfit.server_sync_lag_hours", "values": [1]}]))),
    );
    snapshot(
        "sweep_wrong_type",
        2,
        run(&sweep(json!([{"path": "strategies.0.timeline.2.day", "values": [1, "two", 99]}]))),
    );
    snapshot(
        "sweep_grid_too_large",
        2,
        run(&sweep(json!([
            {"path": "seed", "range": {"from": 0, "to": 200, "steps": 201}},
            {"path": "horizon_days", "range": {"from": 10, "to": 60, "steps": 51}}
        ]))),
    );
    snapshot(
        "sweep_bad_range",
        2,
        run(&sweep(json!([{"path": "seed", "range": {"from": 0, "to": 1, "steps": 1}}]))),
    );
    snapshot(
        "sweep_base_missing",
        2,
        message_of(&[("g.sweep.json", &sweep(json!([])))], &["sweep", "g.sweep.json"]),
    );
    snapshot(
        "sweep_base_invalid",
        2,
        message_of(
            &[
                ("base.json", b"{\"name\": 1}"),
                ("g.sweep.json", &sweep(json!([{"path": "seed", "values": [1]}]))),
            ],
            &["sweep", "g.sweep.json"],
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Charts
// ---------------------------------------------------------------------------------------------

/// Asserts `dir/<stem>.svg` parses as XML with text and `dir/<stem>.png` decodes at the
/// stated size.
fn assert_chart(dir: &Path, stem: &str) {
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg")))
        .unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem}.svg is not XML: {e}"));
    let texts = doc.descendants().filter(|n| n.has_tag_name("text")).count();
    assert!(texts > 5, "{stem}.svg has {texts} text elements");
    let file =
        std::fs::File::open(dir.join(format!("{stem}.png"))).unwrap_or_else(|e| panic!("{stem}.png: {e}"));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!((info.width, info.height), scimsim::charts::PNG_SIZE, "{stem}.png size");
}

#[test]
fn run_draws_both_charts_unless_told_not_to() {
    let tmp = temp_dir();
    let (with, without) = (tmp.path().join("with"), tmp.path().join("without"));
    run_quiet(&quickstart_path(), &with, &["-r", "3"], tmp.path());
    for stem in ["strategies", "timeline"] {
        assert_chart(&with, stem);
    }
    run_quiet(&quickstart_path(), &without, &["-r", "3", "--no-charts"], tmp.path());
    let files = listing(&without);
    assert!(files.iter().all(|f| !f.ends_with(".svg") && !f.ends_with(".png")), "{files:?}");
    assert_eq!(files.len(), REPORT_FILES.len() + 1, "{files:?}");
    // Into the folder that has charts, --no-charts leaves no stale chart beside the new data.
    run_quiet(&quickstart_path(), &with, &["-r", "3", "--no-charts"], tmp.path());
    let files = listing(&with);
    assert!(files.iter().all(|f| !f.ends_with(".svg") && !f.ends_with(".png")), "{files:?}");
}

#[test]
fn sweep_draws_one_chart_per_metric() {
    let tmp = temp_dir();
    let file = write_sweep(
        tmp.path(),
        json!([
            {"path": "strategies.0.timeline.4.login_spread_days", "values": [0, 1, 2]},
            {"path": "idp.profile", "values": ["okta", "google"]}
        ]),
    );
    let out = tmp.path().join("out");
    let o = scimsim(&["sweep", arg(&file), "-o", arg(&out), "-r", "2", "--quiet"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let metrics: Vec<String> = columns().into_iter().filter(|c| c != "events_processed").collect();
    assert_eq!(metrics.len(), N_COLUMNS - 1);
    for metric in &metrics {
        assert_chart(&out, &metric.replace('.', "_"));
    }
    let charts = listing(&out).into_iter().filter(|f| f.ends_with(".svg") || f.ends_with(".png")).count();
    assert_eq!(charts, 2 * (N_COLUMNS - 1));
}

// ---------------------------------------------------------------------------------------------
// `trace` (DESIGN §10)
// ---------------------------------------------------------------------------------------------

/// The per-person fields of a trace's final objects and the `replications.csv` column each
/// adds up to (the metrics that count people or accounts).
const TRACE_SUMS: [(&str, &str); 12] = [
    ("duplicate", "duplicate_people"),
    ("surplus_accounts", "surplus_accounts"),
    ("split_identity", "split_identity_people"),
    ("lost_access_incidents", "lost_access_incidents"),
    ("missing_access", "missing_access_people"),
    ("over_access", "over_access_people"),
    ("orphaned_accounts", "orphaned_accounts"),
    ("billable_accounts", "billable_accounts"),
    ("unlinked_scim_records", "unlinked_scim_records"),
    ("former_user", "former_users"),
    ("blocked", "blocked_users"),
    ("remapped", "remapped_users"),
];

fn as_number(v: &Value) -> f64 {
    match v {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().expect("a number"),
        other => panic!("not a count: {other}"),
    }
}

/// For every rule and gallery scenario and every strategy, the outcomes `trace --format jsonl`
/// lists for replication 0 add up to that replication's row in `replications.csv`
/// (`billable_accounts` with the accounts of nobody's, R17, which the trace lists last).
#[test]
fn trace_outcomes_add_up_to_the_replication_row() {
    let tmp = temp_dir();
    let mut files = Vec::new();
    scenario_files(&crate_dir().join("scenarios").join("rules"), &mut files);
    scenario_files(&crate_dir().join("scenarios").join("gallery"), &mut files);
    assert!(files.len() >= 40, "expected the rule and gallery scenarios, found {}", files.len());
    for (i, file) in files.iter().enumerate() {
        let out = tmp.path().join(format!("run-{i}"));
        run_quiet(file, &out, &["--no-charts", "-r", "1"], tmp.path());
        let (header, rows) = read_csv(&out.join("replications.csv"));
        let col = |name: &str| header.iter().position(|h| h == name).expect("column");
        for row in rows.iter().filter(|r| r[col("replication")] == "0") {
            let strategy = &row[col("strategy")];
            let o = scimsim(&["trace", arg(file), "--strategy", strategy, "--format", "jsonl"], tmp.path());
            assert_eq!(o.code, 0, "{}: {o:#?}", file.display());
            let finals: Vec<Value> = o
                .stdout
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
                .filter(|v| v.get("outcome").is_some())
                .collect();
            let nobody = o
                .stdout
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .find_map(|v| v.get("accounts_of_nobody").map(|n| as_number(&n["billable_accounts"])))
                .expect("the accounts of nobody's are listed");
            for (field, column) in TRACE_SUMS {
                let mut sum: f64 = finals.iter().map(|v| as_number(&v[field])).sum();
                if column == "billable_accounts" {
                    sum += nobody;
                }
                let expected: f64 = row[col(column)].parse().expect("a number");
                assert_eq!(sum, expected, "{}: {strategy}: {column} from the trace", file.display());
            }
            // Everyone affected has a reason.
            for v in &finals {
                let affected = v["outcome"] != "fine";
                assert_eq!(affected, !v["reason_codes"].as_array().expect("codes").is_empty(), "{v}");
            }
        }
    }
}

/// The quickstart's scim-first strategy: every duplicate person is named with the chain that
/// made their second account, and only those five are duplicates (as `run` reports).
#[test]
fn trace_names_each_duplicate_person_of_the_quickstart() {
    let tmp = temp_dir();
    let out = tmp.path().join("q");
    run_quiet(&quickstart_path(), &out, &["--no-charts"], tmp.path());
    let (header, rows) = read_csv(&out.join("replications.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let row = rows
        .iter()
        .find(|r| r[col("strategy")] == "scim-first" && r[col("replication")] == "0")
        .expect("row");
    let duplicates: f64 = row[col("duplicate_people")].parse().expect("number");
    let o = scimsim(&["trace", arg(&quickstart_path()), "--strategy", "scim-first"], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let named: Vec<&str> = o.stdout.lines().filter(|l| l.contains(" — duplicate (")).collect();
    assert_eq!(named.len() as f64, duplicates, "{}", o.stdout);
    assert!(o.stdout.contains("made by the migration"), "{}", o.stdout);
    assert!(o.stdout.contains("[migration_email_differs]"), "{}", o.stdout);
    // Affected people come first: no duplicate after the first person who is fine.
    let heads: Vec<&str> =
        o.stdout.lines().filter(|l| !l.starts_with(' ') && l.contains(" — ")).skip(1).collect();
    let first_fine = heads.iter().position(|l| l.ends_with(" — fine")).unwrap_or(heads.len());
    assert!(heads[first_fine..].iter().all(|l| l.ends_with(" — fine")), "{heads:#?}");
}

/// Bad `trace` arguments are usage errors (exit 2) with a did-you-mean.
#[test]
fn trace_refuses_unknown_strategies_and_people() {
    let tmp = temp_dir();
    let q = quickstart_path();
    let o = scimsim(&["trace", arg(&q), "--strategy", "scim-frist"], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("did you mean `scim-first`?"), "{}", o.stderr);
    let o = scimsim(&["trace", arg(&q), "--strategy", "scim-first", "--person", "bne"], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("no person `bne`") && o.stderr.contains("did you mean `ben`?"), "{}", o.stderr);
    let o = scimsim(
        &["trace", arg(&q), "--strategy", "scim-first", "--person", "ben", "--format", "jsonl"],
        tmp.path(),
    );
    assert_eq!(o.code, 0, "{o:#?}");
    let lines: Vec<Value> = o.stdout.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert!(lines.iter().all(|l| l["person"] == "ben"), "only ben: {}", o.stdout);
    let last = lines.last().expect("a final object");
    assert_eq!(last["reason_codes"], json!(["migration_email_differs"]));
    for key in ["t", "day", "person", "rule", "what", "account", "email", "group", "products", "detail"] {
        assert!(lines[0].get(key).is_some(), "entry lacks {key}: {}", lines[0]);
    }
}

// ---------------------------------------------------------------------------------------------
// `people.csv` (DESIGN §10)
// ---------------------------------------------------------------------------------------------

/// `people.csv` of an explicit population: one row per person × strategy, shares between 0
/// and 1, each share's count adding up to the strategy's mean metric (a share of replications
/// summed over the people is the mean number of people), and a documented reason code for
/// everyone ever affected.
#[test]
fn people_csv_explains_every_person_and_adds_up_to_the_means() {
    let tmp = temp_dir();
    let out = tmp.path().join("q");
    run_quiet(&quickstart_path(), &out, &["--no-charts", "-r", "6"], tmp.path());
    let (header, rows) = read_csv(&out.join(PEOPLE_FILE));
    assert_eq!(
        header,
        [
            "person",
            "strategy",
            "duplicate",
            "split_identity",
            "lost_access",
            "missing_access",
            "orphaned",
            "over_access",
            "mean_surplus_accounts",
            "main_cause"
        ]
    );
    let report = read_json(&out.join("report.json"));
    let strategies: Vec<String> = report["strategies"]
        .as_array()
        .expect("strategies")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_string())
        .collect();
    let people: Vec<String> = quickstart_json()["population"]["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    assert!(rows.len() >= people.len() * strategies.len(), "{} rows", rows.len());
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    for (field, metric) in [
        ("duplicate", "duplicate_people"),
        ("split_identity", "split_identity_people"),
        ("missing_access", "missing_access_people"),
        ("over_access", "over_access_people"),
        ("mean_surplus_accounts", "surplus_accounts"),
    ] {
        for (k, name) in strategies.iter().enumerate() {
            let sum: f64 = rows
                .iter()
                .filter(|r| &r[col("strategy")] == name)
                .map(|r| r[col(field)].parse::<f64>().expect("a number"))
                .sum();
            let mean = report["strategies"][k]["metrics"][metric]["mean"].as_f64().expect("a mean");
            assert!(close(sum, mean), "{name}: {field} sums to {sum}, {metric} mean is {mean}");
        }
    }
    for r in &rows {
        for f in ["duplicate", "split_identity", "lost_access", "missing_access", "orphaned", "over_access"] {
            let v: f64 = r[col(f)].parse().expect("a share");
            assert!((0.0..=1.0).contains(&v), "{r:?}");
        }
        let affected =
            ["duplicate", "lost_access", "missing_access", "orphaned", "over_access", "split_identity"]
                .iter()
                .any(|f| r[col(f)] != "0");
        assert_eq!(affected, !r[col("main_cause")].is_empty(), "{r:?}");
    }
    // Every start person has a row per strategy, in person order.
    let named: Vec<&String> = rows.iter().map(|r| &r[col("person")]).step_by(strategies.len()).collect();
    assert_eq!(&named[..people.len()], people.iter().collect::<Vec<_>>().as_slice());
    let ben =
        rows.iter().find(|r| r[col("person")] == "ben" && r[col("strategy")] == "scim-first").expect("ben");
    assert_eq!(
        (ben[col("duplicate")].as_str(), ben[col("main_cause")].as_str()),
        ("1", "migration_email_differs")
    );
    // summary.md names the people most at risk under the recommended strategy.
    let summary = fs::read_to_string(out.join("summary.md")).expect("summary");
    assert!(summary.contains("People most at risk under"), "{summary}");
}

/// A synthetic population gets `people.csv` only with `--people`.
#[test]
fn people_csv_of_a_synthetic_population_needs_the_flag() {
    let tmp = temp_dir();
    let file = crate_dir().join("scenarios").join("synthetic").join("emails-agree.json");
    let (without, with) = (tmp.path().join("a"), tmp.path().join("b"));
    run_quiet(&file, &without, &["--no-charts", "-r", "2"], tmp.path());
    assert!(!listing(&without).iter().any(|f| f == PEOPLE_FILE));
    run_quiet(&file, &with, &["--no-charts", "-r", "2", "--people"], tmp.path());
    let (_, rows) = read_csv(&with.join(PEOPLE_FILE));
    assert!(rows.iter().any(|r| r[0] == "p0"), "synthetic people are named p<i>");
    // The data files are the same bytes with or without the flag (summary.md gains the people
    // most at risk).
    for name in ["replications.csv", "timeline.csv"] {
        let same =
            fs::read(without.join(name)).expect("written") == fs::read(with.join(name)).expect("written");
        assert!(same, "{name} differs with --people");
    }
    let summary = fs::read_to_string(with.join("summary.md")).expect("summary");
    assert!(summary.contains("People most at risk under"), "the flag names the people at risk");
}

/// README shows `trace` on the quickstart as it is: a change in the model or the quickstart
/// that moves the story fails here until README is updated.
#[test]
fn readme_shows_the_quickstart_trace_as_it_is() {
    let tmp = temp_dir();
    let q = quickstart_path();
    let o = scimsim(
        &["trace", arg(&q), "--strategy", "scim-first", "--person", "ben", "--person", "kim"],
        tmp.path(),
    );
    assert_eq!(o.code, 0, "{o:#?}");
    let readme = fs::read_to_string(crate_dir().join("README.md")).expect("README");
    assert!(
        readme.contains(o.stdout.trim_end()),
        "README's trace of the quickstart is out of date:\n{}",
        o.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// `import` (DESIGN §11)
// ---------------------------------------------------------------------------------------------

fn import_example() -> PathBuf {
    crate_dir().join("scenarios").join("import-example")
}

/// The `import` arguments of the bundled example's exports, writing to `out`.
fn import_args(out: &Path) -> Vec<String> {
    let e = import_example().join("exports");
    let f = |n: &str| e.join(n).to_str().expect("utf-8").to_string();
    vec![
        "import".into(),
        "--idp".into(),
        f("idp-users.csv"),
        "--server".into(),
        f("server-users.csv"),
        "--cloud".into(),
        f("cloud-users.csv"),
        "--jcma".into(),
        f("jcma-users.csv"),
        "--join".into(),
        f("join.csv"),
        "-o".into(),
        out.to_str().expect("utf-8").to_string(),
        "--quiet".into(),
    ]
}

/// The bundled example is what `import` writes from its exports (scenario and pre-flight,
/// byte for byte, apart from the files' paths), and it passes `validate` and `run`, whose
/// people.csv names the people at risk.
#[test]
fn import_writes_the_bundled_example_which_validates_and_runs() {
    let tmp = temp_dir();
    let out = tmp.path().join("acme-import.json");
    let args = import_args(&out);
    let o = scimsim(&args.iter().map(String::as_str).collect::<Vec<_>>(), tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let written = fs::read_to_string(&out).expect("scenario written");
    assert_eq!(written, fs::read_to_string(import_example().join("acme-import.json")).expect("bundled"));
    let preflight = fs::read_to_string(tmp.path().join("preflight.md")).expect("preflight written");
    let bundled = fs::read_to_string(import_example().join("preflight.md")).expect("bundled preflight");
    let exports = import_example().join("exports");
    assert_eq!(preflight.replace(arg(&exports), "scenarios/import-example/exports"), bundled);
    assert!(
        preflight.contains("| server email is blank (migrated as an invalid email, R3) | 1 | eli |"),
        "{preflight}"
    );
    let o = scimsim(&["validate", arg(&out)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let run = tmp.path().join("run");
    run_quiet(&out, &run, &["--no-charts", "-r", "3"], tmp.path());
    let (_, rows) = read_csv(&run.join(PEOPLE_FILE));
    assert!(rows.iter().any(|r| r[0] == "ben" && r[9] == "migration_email_differs"), "{rows:?}");
}

/// `--pseudonymise`: no local part, id or name of the input appears in what is written, the
/// domains stay, and the same salt gives the same file.
#[test]
fn import_pseudonymises_every_local_part_id_and_name() {
    let tmp = temp_dir();
    let written = |dir: &str| {
        let out = tmp.path().join(dir).join("p.json");
        let mut args = import_args(&out);
        args.extend(["--pseudonymise".to_string(), "s3cret".to_string()]);
        let o = scimsim(&args.iter().map(String::as_str).collect::<Vec<_>>(), tmp.path());
        assert_eq!(o.code, 0, "{o:#?}");
        let scenario = fs::read_to_string(&out).expect("written");
        let preflight = fs::read_to_string(out.with_file_name("preflight.md")).expect("preflight");
        (scenario, preflight)
    };
    let (a, pa) = written("a");
    let (b, _) = written("b");
    assert_eq!(a, b, "stable");
    let exports = import_example().join("exports");
    let mut secrets = BTreeSet::new();
    for file in ["idp-users.csv", "server-users.csv", "cloud-users.csv", "jcma-users.csv"] {
        let (header, rows) = read_csv(&exports.join(file));
        let delimiter_fix = |s: &str| s.split('|').map(|x| x.trim().to_string()).collect::<Vec<_>>();
        let cells: Vec<String> = if header.len() == 1 {
            rows.iter().flat_map(|r| delimiter_fix(&r[0])).collect()
        } else {
            rows.into_iter().flatten().collect()
        };
        for cell in cells {
            for part in cell.split([';', ' ', ',']) {
                let local = part.split('@').next().unwrap_or_default().to_lowercase();
                if local.len() >= 3
                    && !local.contains("true")
                    && !local.contains("false")
                    && part.contains('@')
                {
                    secrets.insert(local);
                }
            }
        }
        for name in ["Ada Example", "Old Admin"] {
            secrets.insert(name.to_lowercase());
        }
    }
    assert!(secrets.contains("ben") && secrets.contains("shared"), "{secrets:?}");
    for text in [&a, &pa] {
        let lower = text.to_lowercase();
        for s in &secrets {
            // As a value, a key, a list item or a table cell (the template's own
            // `scimsim-admin@` account is not the input's).
            for shape in [format!("\"{s}"), format!(" {s}@"), format!("| {s}"), format!(", {s}")] {
                assert!(!lower.contains(&shape), "`{s}` appears:\n{text}");
            }
        }
        assert!(lower.contains("acme-legacy.com"), "domains are kept");
    }
    assert!(a.contains("@acme.com\"") && a.contains("@acme-legacy.com\""), "emails keep their domains");
}

/// Bad exports: every problem of every file at once, with file, line and column, exit 2, and
/// nothing written.
#[test]
fn import_reports_bad_exports_and_writes_nothing() {
    let tmp = temp_dir();
    let server = write_bytes(tmp.path(), "server.csv", b"Username,Email,Full Name,Status,User Directory\nann,ann@acme.com,Ann,Sometimes,Jira Internal Directory\n");
    let cloud_as_server =
        write_bytes(tmp.path(), "cloud.csv", b"User id,User name,email,User status\n1,A,a@acme.com,Active\n");
    let short = write_bytes(tmp.path(), "join.csv", b"server_username,idp_id\nann\n");
    let jcma = write_bytes(tmp.path(), "jcma.csv", b"UserKey|UserName|ErrorType|OldEmail|NewEmail|Tombstone|AccountType\nK1|ann|XYZ|a@b.com||FALSE|USER\n");
    let idp = write_bytes(tmp.path(), "idp.json", br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"Resources":[{"id":"1","userName":"a"}]}"#);
    let empty = write_bytes(tmp.path(), "empty.csv", b"");
    let out = tmp.path().join("out").join("s.json");
    let o = scimsim(
        &[
            "import",
            "--idp",
            arg(&idp),
            "--server",
            arg(&server),
            "--cloud",
            arg(&empty),
            "--jcma",
            arg(&jcma),
            "--join",
            arg(&short),
            "-o",
            arg(&out),
        ],
        tmp.path(),
    );
    assert_eq!(o.code, 2, "{o:#?}");
    for needle in [
        "server.csv:2:4: ",
        "join.csv:2: 1 fields where the header has 2",
        "jcma.csv:2:3: unknown ErrorType `XYZ`",
        "totalResults says 3 but the file holds 1",
        "empty.csv: the file is empty",
    ] {
        assert!(o.stderr.contains(needle), "missing `{needle}` in:\n{}", o.stderr);
    }
    assert!(!out.exists() && !out.with_file_name("preflight.md").exists(), "nothing written");
    let o = scimsim(&["import", "--server", arg(&cloud_as_server), "-o", arg(&out)], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(
        o.stderr.contains("this looks like an Atlassian export, not a server user export"),
        "{}",
        o.stderr
    );
    let o = scimsim(&["import", "-o", arg(&out)], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    // Two IdP users with one primary email: the second row is the problem.
    let twice = write_bytes(
        tmp.path(),
        "twice.csv",
        b"id,email,upn,active,groups\n1,a@acme.com,,true,\n2,A@acme.com,,true,\n",
    );
    let o = scimsim(&["import", "--idp", arg(&twice), "-o", arg(&out)], tmp.path());
    assert!(
        o.code == 2 && o.stderr.contains("twice.csv:3: IdP primary email `A@acme.com` again (first at "),
        "{o:#?}"
    );
    // A list of groups given as users, and an output over an input, are refused.
    let groups = write_bytes(tmp.path(), "groups.json", br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"g","displayName":"jira-users","members":[]}]}"#);
    let o = scimsim(&["import", "--idp", arg(&groups), "-o", arg(&out)], tmp.path());
    assert!(
        o.code == 2
            && o.stderr.contains("this file holds IdP groups, not users (hint: pass it with --idp-groups)"),
        "{o:#?}"
    );
    let ok_server = write_bytes(tmp.path(), "ok.csv", b"Username,Email,Full Name,Status,User Directory\nann,ann@acme.com,Ann,Active,Jira Internal Directory\n");
    let before = fs::read(&ok_server).expect("written");
    let o = scimsim(&["import", "--server", arg(&ok_server), "-o", arg(&ok_server)], tmp.path());
    assert!(o.code == 2 && o.stderr.contains("is an input of this import"), "{o:#?}");
    assert_eq!(fs::read(&ok_server).expect("still there"), before, "the export is untouched");
}

/// SCIM JSON in: a users list in two pages (checked together) and a groups list whose members
/// name the users; the groups become the people's synced IdP groups, `userName` that differs
/// from the primary email becomes `sso_email`, and a page missing from the set is refused.
#[test]
fn import_reads_paged_scim_users_and_groups() {
    let tmp = temp_dir();
    let page = |start: u64, users: Value| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
               "totalResults": 3, "itemsPerPage": 2, "startIndex": start, "Resources": users})
    };
    let user = |id: &str, name: &str, email: &str| {
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": id, "userName": name,
               "emails": [{"value": email, "type": "work", "primary": true}], "active": true})
    };
    let p1 = write_json(
        tmp.path(),
        "users-1.json",
        &page(
            1,
            json!([user("1", "ann@acme.com", "ann@acme.com"), user("2", "bo.upn@acme.com", "bo@acme.com")]),
        ),
    );
    let p2 =
        write_json(tmp.path(), "users-2.json", &page(3, json!([user("3", "cy@acme.com", "cy@acme.com")])));
    let groups = write_json(
        tmp.path(),
        "groups.json",
        &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1,
                "Resources": [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
                               "displayName": "jira-software", "members": [{"value": "1"}, {"value": "3"}]}]}),
    );
    let out = tmp.path().join("s.json");
    let o = scimsim(
        &[
            "import",
            "--idp",
            arg(&p1),
            "--idp",
            arg(&p2),
            "--idp-groups",
            arg(&groups),
            "-o",
            arg(&out),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(o.code, 0, "{o:#?}");
    let s = read_json(&out);
    let people = s["population"]["people"].as_array().expect("people");
    assert_eq!(people.len(), 3);
    assert_eq!(people[0]["idp_groups"], json!(["jira-software"]));
    assert_eq!(people[1]["sso_email"], json!("bo.upn@acme.com"));
    assert!(people[1].get("idp_groups").is_none());
    assert_eq!(s["groups"][0], json!({"name": "jira-software", "grants": ["jira"], "synced_from_idp": true}));
    let o =
        scimsim(&["import", "--idp", arg(&p2), "--idp", arg(&p2), "-o", arg(&out), "--quiet"], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
}

/// `check` on files with no `expect` says so and exits 1: a CI job checking the wrong folder
/// cannot pass vacuously.
#[test]
fn check_without_expectations_exits_1() {
    let tmp = temp_dir();
    let file = write_scenario(tmp.path(), &{
        let mut v = minimal_scenario();
        v.as_object_mut().expect("object").remove("expect");
        v
    });
    let o = scimsim(&["check", arg(&file)], tmp.path());
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(o.stderr.contains("no expectations found in"), "{}", o.stderr);
    assert!(o.stdout.contains("0 passed, 0 failed"), "{}", o.stdout);
}

/// A `$schema` key at the top of a scenario (for editors) is accepted and ignored; it must be
/// a string, and only the top level may have it. The scenario schema lists it.
#[test]
fn a_schema_key_at_the_top_is_accepted() {
    let tmp = temp_dir();
    let mut v = minimal_scenario();
    v["$schema"] = json!("./scenario.schema.json");
    let file = write_scenario(tmp.path(), &v);
    let o = scimsim(&["validate", arg(&file)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    v["$schema"] = json!(5);
    v["population"]["people"][0]["$schema"] = json!("x");
    let file = write_scenario(tmp.path(), &v);
    let o = scimsim(&["validate", arg(&file)], tmp.path());
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("$.$schema: expected a JSON Schema URI or path (a string)"), "{}", o.stderr);
    assert!(o.stderr.contains("$.population.people[0].$schema: unknown field"), "{}", o.stderr);
    let o = scimsim(&["schema", "scenario"], tmp.path());
    let schema: Value = serde_json::from_str(&o.stdout).expect("schema");
    assert_eq!(schema["properties"]["$schema"]["type"], "string");
}

// ---------------------------------------------------------------------------------------------
// HTML reports (report.html, sweep.html)
// ---------------------------------------------------------------------------------------------

/// The text of `name` in `dir`.
fn read_text(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A page needs nothing from elsewhere: no script, style sheet, image or font to fetch, and the
/// only web address in it is the SVG namespace.
fn assert_self_contained(name: &str, html: &str) {
    let lower = html.to_lowercase();
    for needle in ["<script", "<link", "<img", "<iframe", "<object", "@import", "url(", " src=", " href="] {
        assert!(!lower.contains(needle), "{name} contains `{needle}`");
    }
    let without_namespaces = lower.replace("http://www.w3.org/", "");
    assert!(
        !without_namespaces.contains("http:") && !without_namespaces.contains("https:"),
        "{name} has a URL"
    );
    assert!(lower.starts_with("<!doctype html>"), "{name} is not an HTML document");
    assert!(!lower.contains("<?xml"), "{name} inlines an XML declaration");
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("`{start}` not found")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &text[from..from + to]
}

#[test]
fn report_html_says_everything_and_needs_nothing_else() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_quiet(&quickstart_path(), &out, &["-r", "6"], tmp.path());
    let html = read_text(&out, "report.html");
    assert_self_contained("report.html", &html);
    let report = read_json(&out.join("report.json"));
    // The recommendation comes first, and names the strategy report.json recommends.
    let recommended = report["recommendation"]["recommended"].as_str().expect("recommended");
    let sections: Vec<&str> =
        html.match_indices("<section ").map(|(i, _)| between(&html[i..], "id=\"", "\"")).collect();
    assert_eq!(
        sections,
        [
            "recommendation",
            "strategies",
            "results",
            "surplus-by-origin",
            "lost-access-by-cause",
            "charts",
            "comparisons",
            "timeline",
            "assumptions"
        ]
    );
    let verdict = between(&html, "<p class=\"verdict\">", "</p>");
    assert!(verdict.starts_with(&format!("<strong>{recommended}</strong>")), "{verdict}");
    assert!(verdict.contains("lowest expected cost"), "{verdict}");
    // Every strategy is described, ranked, tabled and (but the recommended one) compared.
    let strategies = between(&html, "<section id=\"strategies\">", "</section>");
    let results = between(&html, "<section class=\"results\" id=\"results\">", "</section>");
    let comparisons = between(&html, "<section id=\"comparisons\">", "</section>");
    for s in quickstart_json()["strategies"].as_array().expect("strategies") {
        let name = s["name"].as_str().expect("name");
        assert!(strategies.contains(&format!("<h3>{name}</h3>")), "{name} not described");
        assert!(results.contains(&format!("<th class=\"num\">{name}</th>")), "{name} not in the table");
        let compared = comparisons.contains(&format!("<h3>{name} compared with {recommended}</h3>"));
        assert_eq!(compared, name != recommended, "{name}: compared with {recommended}");
    }
    // Every metric but the diagnostic is in a table, each part of a breakdown too.
    let tables = between(&html, "<section class=\"results\" id=\"results\">", "<section id=\"charts\">");
    let parts = ORIGINS
        .iter()
        .map(|o| format!("surplus_accounts_by_origin.{o}"))
        .chain(CAUSES.iter().map(|c| format!("lost_access_by_cause.{c}")));
    for metric in METRICS.iter().filter(|m| **m != "events_processed").map(|m| m.to_string()).chain(parts) {
        assert!(tables.contains(&format!("<code>{metric}</code>")), "{metric} missing from the tables");
    }
    // Both charts inline, with a size the page can scale.
    let charts = between(&html, "<section id=\"charts\">", "</section>");
    assert_eq!(charts.matches("<svg").count(), 2, "two charts inline");
    assert!(
        charts.contains("<figure id=\"chart-strategies\">")
            && charts.contains("<figure id=\"chart-timeline\">")
    );
    // The scenario's events, its people at risk and its settings.
    let timeline = between(&html, "<section id=\"timeline\">", "</section>");
    assert!(timeline.contains("ivan leaves") && timeline.contains("nia joins"), "{timeline}");
    let assumptions = between(&html, "<section id=\"assumptions\">", "</section>");
    for setting in [
        "idp.profile",
        "idp.sync_interval",
        "idp.matching",
        "idp.deprovision",
        "idp.group_updates",
        "assumptions.email_match",
    ] {
        assert!(assumptions.contains(&format!("<code>{setting}</code>")), "{setting} missing");
    }
    assert!(html.contains("People most at risk under"), "people at risk");
}

#[test]
fn report_html_escapes_the_scenario_text_and_says_why_charts_are_missing() {
    let tmp = temp_dir();
    let mut scenario = minimal_scenario();
    scenario["description"] = json!("<script>alert(1)</script> & \"quotes\"");
    scenario["strategies"][1]["name"] = json!("a<b>&c");
    let file = write_scenario(tmp.path(), &scenario);
    let out = tmp.path().join("out");
    run_quiet(&file, &out, &["--no-charts"], tmp.path());
    let html = read_text(&out, "report.html");
    assert_self_contained("report.html", &html);
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;"),
        "description not escaped"
    );
    assert!(html.contains("<h3>a&#60;b&#62;&#38;c</h3>"), "strategy name not escaped");
    assert!(!html.contains("a<b>"), "a raw name");
    assert!(!html.contains("<svg"), "no chart was drawn");
    assert!(html.contains("The charts were not drawn (--no-charts)."), "no word on the charts");
}

#[test]
fn sweep_html_shows_the_grid_and_its_charts() {
    let tmp = temp_dir();
    let out = tmp.path().join("sweep");
    let sweep = crate_dir().join("scenarios/sweeps/remap-coverage.sweep.json");
    let o = scimsim(&["sweep", arg(&sweep), "-r", "3", "-q", "-o", arg(&out)], tmp.path());
    assert_eq!(o.code, 0, "{o:#?}");
    let html = read_text(&out, "sweep.html");
    assert_self_contained("sweep.html", &html);
    let result = read_json(&out.join("sweep.json"));
    let axes = between(&html, "<section id=\"axes\">", "</section>");
    for axis in result["axes"].as_array().expect("axes") {
        let path = axis["path"].as_str().expect("path");
        assert!(axes.contains(&format!("<code>{path}</code>")), "axis {path} missing");
    }
    let points = result["points"].as_array().expect("points");
    let rows = between(&html, "<table class=\"points\">", "</table>");
    let strategies = result["points"][0]["strategies"].as_array().expect("strategies").len();
    assert_eq!(rows.matches("<tr").count(), 1 + points.len() * strategies, "one row per point and strategy");
    // One chart per metric shown in the table, every one inline.
    let shown = between(&html, "<table class=\"points\">", "</thead>").matches("<code>").count();
    let charts = between(&html, "<section id=\"charts\">", "</section>");
    assert_eq!(charts.matches("<svg").count(), shown, "a chart per metric shown");
    assert!(shown >= 3, "{shown} metrics shown");
}

// ---------------------------------------------------------------------------------------------
// --excel and --chart-size
// ---------------------------------------------------------------------------------------------

/// `--excel` puts a UTF-8 byte-order mark before every CSV of a run and of a sweep, and changes
/// no other byte of any file.
#[test]
fn excel_puts_a_byte_order_mark_before_every_csv_and_changes_nothing_else() {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let tmp = temp_dir();
    let sweep = crate_dir().join("scenarios/sweeps/remap-coverage.sweep.json");
    let quickstart = quickstart_path();
    let pairs =
        [(vec!["run", arg(&quickstart), "-r", "2"], "run"), (vec!["sweep", arg(&sweep), "-r", "2"], "sweep")];
    for (args, what) in pairs {
        let (plain, excel) =
            (tmp.path().join(format!("{what}-plain")), tmp.path().join(format!("{what}-excel")));
        for (dir, extra) in [(&plain, None), (&excel, Some("--excel"))] {
            let mut all = args.clone();
            all.extend(["-q", "--no-charts", "-o", arg(dir)]);
            all.extend(extra);
            let o = scimsim(&all, tmp.path());
            assert_eq!(o.code, 0, "{o:#?}");
        }
        let files = listing(&plain);
        assert_eq!(files, listing(&excel), "{what}: the same files");
        let csvs: Vec<&String> = files.iter().filter(|f| f.ends_with(".csv")).collect();
        assert!(!csvs.is_empty(), "{what} writes CSVs: {files:?}");
        for name in &files {
            let (a, b) =
                (fs::read(plain.join(name)).expect("read"), fs::read(excel.join(name)).expect("read"));
            if name.ends_with(".csv") {
                assert!(!a.starts_with(BOM), "{what}: {name} has a BOM without --excel");
                assert_eq!(b, [BOM, &a].concat(), "{what}: {name} is not the BOM and the same bytes");
            } else {
                assert!(a == b, "{what}: {name} differs with --excel");
            }
        }
    }
}

#[test]
fn a_bad_chart_size_is_a_usage_error() {
    let tmp = temp_dir();
    let quickstart = quickstart_path();
    for (size, needle) in [
        ("10x10", "out of range: the width must be 640–3840 and the height 360–2160 pixels"),
        ("big", "is not WIDTHxHEIGHT in pixels"),
        ("1920x", "is not WIDTHxHEIGHT in pixels"),
    ] {
        let out = tmp.path().join(size);
        let o = scimsim(&["run", arg(&quickstart), "--chart-size", size, "-o", arg(&out)], tmp.path());
        assert_eq!(o.code, 2, "{size}: {o:#?}");
        assert!(o.stderr.contains(needle), "{size}: {}", o.stderr);
        assert!(!out.exists(), "{size}: nothing is written");
    }
}
