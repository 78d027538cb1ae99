//! The output folder's robustness, end to end (issue #13): links planted at output or lock
//! names, the manifest of a folder's files and the removal of an earlier run's stale ones, a
//! run that fails while writing, and the memory estimate against the process's limits. Every
//! test runs the built binary in a temporary folder; nothing here measures time.

use serde_json::json;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{arg, fails, ok, stderr, temp_dir};

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.json");

/// A bundled sweep of 11 grid points.
const SWEEP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/sweeps/email-fix-coverage.sweep.json");

const MANIFEST: &str = ".scimsim-manifest";

/// The names in `dir`, hidden ones too, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into()).collect();
    names.sort();
    names
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

// ---------------------------------------------------------------------------------------------
// 1. Links and probes
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_link_at_an_output_name_is_replaced_and_its_target_never_written() {
    let tmp = temp_dir();
    let victim = tmp.path().join("victim");
    fs::write(&victim, b"precious").expect("victim");
    let out = tmp.path().join("out");
    fs::create_dir(&out).expect("out");
    for name in ["report.json", "summary.md", "strategies.svg", "report.html"] {
        link(Path::new("../victim"), &out.join(name));
    }
    ok(&["run", QUICKSTART, "-r", "2", "-o", arg(&out), "--quiet"], tmp.path());
    assert_eq!(fs::read(&victim).expect("victim"), b"precious");
    for name in ["report.json", "summary.md", "strategies.svg", "report.html"] {
        let meta = fs::symlink_metadata(out.join(name)).expect("written");
        assert!(meta.file_type().is_file(), "{name} is still a link");
    }
}

#[cfg(unix)]
#[test]
fn a_link_at_the_lock_name_stops_the_run_and_its_target_is_kept() {
    let tmp = temp_dir();
    let victim = tmp.path().join("victim");
    fs::write(&victim, b"precious").expect("victim");
    let out = tmp.path().join("out");
    fs::create_dir(&out).expect("out");
    link(Path::new("../victim"), &out.join(".scimsim.lock"));
    fails(
        &["run", QUICKSTART, "-r", "1", "-o", arg(&out), "--quiet"],
        tmp.path(),
        1,
        &[".scimsim.lock", "symbolic link"],
    );
    assert_eq!(fs::read(&victim).expect("victim"), b"precious", "the lock truncated a file outside");
    assert_eq!(listing(&out), [".scimsim.lock"], "nothing was written");
}

// ---------------------------------------------------------------------------------------------
// 2. The manifest, stale files and failed writes
// ---------------------------------------------------------------------------------------------

/// The visible files in `dir` with their bytes.
fn visible(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    listing(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

/// The names the folder's manifest lists, sorted.
fn manifest(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join(MANIFEST)).expect("a manifest");
    let mut names: Vec<String> = text.lines().filter(|l| !l.starts_with('#')).map(str::to_string).collect();
    names.sort();
    names
}

/// A small synthetic scenario (no `people.csv` without `--people`).
fn synthetic(dir: &Path) -> PathBuf {
    let scenario = json!({
        "name": "generated", "seed": 1, "replications": 2, "horizon_days": 20, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"synthetic": {"people": 40}},
        "strategies": [{"name": "migrate", "timeline": [{"day": 1, "do": "migrate"}]}]
    });
    let path = dir.join("generated.json");
    fs::write(&path, serde_json::to_string_pretty(&scenario).expect("json")).expect("write");
    path
}

#[test]
fn a_rerun_removes_the_earlier_runs_files_it_does_not_write_and_nothing_else() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    fs::create_dir(&out).expect("out");
    fs::write(out.join("notes.txt"), b"mine").expect("user file");
    fs::create_dir(out.join("strategies.png.d")).expect("user folder");
    ok(&["run", QUICKSTART, "-r", "2", "-o", arg(&out), "--quiet"], tmp.path());
    let first = visible(&out);
    assert!(first.contains_key("people.csv") && first.contains_key("strategies.svg"), "{:?}", first.keys());
    let mut produced: Vec<String> = first.keys().filter(|n| *n != "notes.txt").cloned().collect();
    produced.retain(|n| n != "strategies.png.d");
    assert_eq!(manifest(&out), produced, "the manifest lists the run's files, and only them");
    // A synthetic scenario without charts: no people.csv, no chart.
    ok(&["run", arg(&synthetic(tmp.path())), "-o", arg(&out), "--quiet", "--no-charts"], tmp.path());
    let second = visible(&out);
    let mut names: Vec<&str> = second.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "notes.txt",
            "replications.csv",
            "report.html",
            "report.json",
            "strategies.png.d",
            "summary.md",
            "timeline.csv"
        ]
    );
    assert_eq!(fs::read(out.join("notes.txt")).expect("kept"), b"mine");
    assert_eq!(
        manifest(&out),
        ["replications.csv", "report.html", "report.json", "summary.md", "timeline.csv"]
    );
}

#[test]
fn a_sweep_into_a_runs_folder_replaces_the_runs_files() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    ok(&["run", QUICKSTART, "-r", "2", "-o", arg(&out), "--quiet"], tmp.path());
    fs::write(out.join("notes.txt"), b"mine").expect("user file");
    ok(&["sweep", SWEEP, "-r", "1", "-o", arg(&out), "--quiet", "--no-charts"], tmp.path());
    let names: Vec<String> = visible(&out).into_keys().collect();
    assert_eq!(names, ["notes.txt", "sweep.csv", "sweep.html", "sweep.json"]);
    assert_eq!(manifest(&out), ["sweep.csv", "sweep.html", "sweep.json"]);
}

#[test]
fn an_edited_manifest_never_removes_a_file_outside_the_folder_or_a_hidden_one() {
    let tmp = temp_dir();
    let victim = tmp.path().join("victim");
    fs::write(&victim, b"precious").expect("victim");
    let out = tmp.path().join("out");
    fs::create_dir(&out).expect("out");
    fs::write(out.join(".hidden"), b"mine").expect("hidden");
    fs::write(out.join(MANIFEST), format!("../victim\n{}\n.hidden\n", arg(&victim))).expect("manifest");
    ok(&["run", QUICKSTART, "-r", "1", "-o", arg(&out), "--quiet"], tmp.path());
    assert_eq!(fs::read(&victim).expect("victim"), b"precious");
    assert_eq!(fs::read(out.join(".hidden")).expect("hidden"), b"mine");
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_earlier_run_whole_and_exits_1() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    ok(&["run", QUICKSTART, "-r", "2", "-o", arg(&out), "--quiet", "--no-charts"], tmp.path());
    let before = visible(&out);
    let listed = manifest(&out);
    // The second run's last chart cannot be written: a folder has its name.
    fs::create_dir(out.join("timeline.png")).expect("in the way");
    fails(
        &["run", QUICKSTART, "-r", "3", "--seed", "9", "-o", arg(&out), "--quiet"],
        tmp.path(),
        1,
        &["timeline.png", "folder"],
    );
    fs::remove_dir(out.join("timeline.png")).expect("removed");
    assert_eq!(visible(&out), before, "the earlier run's files, as they were, and nothing of the new run");
    assert_eq!(manifest(&out), listed);
    assert!(listing(&out).iter().all(|n| !n.contains(".tmp-scimsim-")), "{:?}", listing(&out));
    // The same for a sweep into that folder.
    fs::create_dir(out.join("sweep.html")).expect("in the way");
    fails(&["sweep", SWEEP, "-r", "1", "-o", arg(&out), "--quiet"], tmp.path(), 1, &["sweep.html"]);
    fs::remove_dir(out.join("sweep.html")).expect("removed");
    assert_eq!(visible(&out), before);
}

// ---------------------------------------------------------------------------------------------
// 3. Memory
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_run_beyond_the_address_space_limit_is_refused_with_exit_2_not_killed() {
    let tmp = temp_dir();
    // Valid (the most people allowed), and about 3.6 GiB by the estimate: more than 4 GB of
    // address space leaves room for, less than the memory of the machines it runs on.
    let big = json!({
        "name": "big", "seed": 1, "replications": 1, "horizon_days": 30, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"synthetic": {"people": 5_000_000}},
        "strategies": [{"name": "migrate", "timeline": [{"day": 1, "do": "migrate"}]}]
    });
    let path = tmp.path().join("big.json");
    fs::write(&path, big.to_string()).expect("write");
    let out = tmp.path().join("out");
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v 4000000; exec {} run {} -o {} -q",
            env!("CARGO_BIN_EXE_scimsim"),
            arg(&path),
            arg(&out)
        ))
        .stdin(Stdio::null())
        .output()
        .expect("bash starts");
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{:?}: {message}", o.status);
    for needle in
        ["big needs about", "the address-space limit (ulimit -v) of 3.8 GiB", "fewer people", "-j 1"]
    {
        assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    }
    assert!(!out.exists(), "a refused run writes nothing");
}
