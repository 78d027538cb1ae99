//! Sweep axes that select list entries by name: the bundled sweeps reach the same grid points
//! as the index paths they replaced, and `validate` refuses a name that matches nothing.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

#[test]
fn bundled_sweeps_by_name_plan_the_same_points_as_the_old_index_paths() {
    let dir = root().join("scenarios").join("sweeps");
    for (file, old) in [
        ("email-fix-coverage.sweep.json", vec!["strategies.2.timeline.4.coverage"]),
        (
            "mismatch-vs-timing.sweep.json",
            vec!["population.synthetic.initial_email_mismatch_share", "strategies.1.timeline.4.day"],
        ),
        ("remap-coverage.sweep.json", vec!["strategies.2.timeline.3.email_remap.coverage"]),
        ("window-vs-churn.sweep.json", vec!["strategies.1.timeline.4.day", "churn.leavers_per_day"]),
    ] {
        let sweep = read(&dir.join(file));
        let base = read(&dir.join(sweep["scenario"].as_str().expect("scenario")));
        let mut by_index = sweep.clone();
        for (axis, path) in by_index["axes"].as_array_mut().expect("axes").iter_mut().zip(&old) {
            axis["path"] = Value::from(*path);
        }
        let named =
            scimsim::input::sweep_plan::plan(&sweep, &base).unwrap_or_else(|p| panic!("{file}: {p:?}"));
        let indexed =
            scimsim::input::sweep_plan::plan(&by_index, &base).unwrap_or_else(|p| panic!("{file}: {p:?}"));
        assert_eq!(named.targets, indexed.targets, "{file}");
        assert!(named.points == indexed.points, "{file}: the patched scenarios differ");
        assert!(named.advice.is_empty(), "{file} selects by name: {:?}", named.advice);
        assert_eq!(
            indexed.advice.len(),
            old.iter().filter(|p| p.starts_with("strategies")).count(),
            "{file}"
        );
        for (axis, path) in named.axes.iter().zip(&old) {
            if !path.starts_with("strategies") {
                assert_eq!(&axis.path, path, "{file}: only list selectors changed");
            }
        }
    }
}

#[test]
fn validate_refuses_a_selector_that_matches_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let base = root().join("scenarios").join("sweeps").join("legacy-domain-base.json");
    std::fs::copy(&base, tmp.path().join("base.json")).expect("copied");
    let sweep = serde_json::json!({"name": "bad", "scenario": "base.json", "axes": [
        {"path": "strategies[scim-lst].timeline[enable_scim].day", "values": [40]}
    ]});
    let file = tmp.path().join("bad.sweep.json");
    std::fs::write(&file, sweep.to_string()).expect("written");
    let o = Command::new(env!("CARGO_BIN_EXE_scimsim")).arg("validate").arg(&file).output().expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for needle in [
        "$.axes[0] (strategies[scim-lst].timeline[enable_scim].day): path does not exist",
        "`strategies` has no entry whose `name` is `scim-lst`",
        "did you mean `scim-last`?",
        "`scim-first`, `scim-last`, `scim-last-with-fix`",
    ] {
        assert!(stderr.contains(needle), "{needle} not in {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// An axis that selects by position is valid, and `validate` says which name to write instead.
#[test]
fn validate_advises_a_name_for_a_position() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let base = root().join("scenarios").join("sweeps").join("legacy-domain-base.json");
    std::fs::copy(&base, tmp.path().join("base.json")).expect("copied");
    let sweep = serde_json::json!({"name": "by-index", "scenario": "base.json", "axes": [
        {"path": "strategies.1.timeline.4.day", "values": [40, 50]},
        {"path": "churn.leavers_per_day", "values": [0.1]}
    ]});
    let file = tmp.path().join("by-index.sweep.json");
    std::fs::write(&file, sweep.to_string()).expect("written");
    let o = Command::new(env!("CARGO_BIN_EXE_scimsim")).arg("validate").arg(&file).output().expect("runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.starts_with("ok "), "{stdout}");
    let advice: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  advice: ")).collect();
    assert_eq!(advice.len(), 1, "one axis selects by position: {stdout}");
    assert!(advice[0].contains("$.axes[0].path"), "{stdout}");
    assert!(advice[0].contains("write `strategies[scim-last].timeline[enable_scim].day`"), "{stdout}");
}
