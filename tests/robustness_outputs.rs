//! The output folder's robustness, end to end (issue #13): links planted at output or lock
//! names, the manifest of a folder's files and the removal of an earlier run's stale ones, a
//! run that fails while writing, and the memory estimate against the process's limits. Every
//! test runs the built binary in a temporary folder; nothing here measures time.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.json");

fn scimsim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("scimsim starts")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs scimsim and asserts it succeeded.
fn ok(args: &[&str], cwd: &Path) -> Output {
    let o = scimsim(args, cwd);
    assert!(o.status.success(), "scimsim {args:?} failed: {}", stderr(&o));
    o
}

/// Runs scimsim and asserts it failed with `code`, its message holding every needle.
fn fails(args: &[&str], cwd: &Path, code: i32, needles: &[&str]) -> String {
    let o = scimsim(args, cwd);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "scimsim {args:?}: {message}");
    for needle in needles {
        assert!(message.contains(needle), "scimsim {args:?}: {message:?} lacks {needle:?}");
    }
    message
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

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
