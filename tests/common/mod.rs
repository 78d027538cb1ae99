//! Helpers the end-to-end test files share (each file under `tests/` is its own crate, so
//! each takes this module with `mod common;`): running the built binary and asserting how it
//! ended.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// Runs the built `scimsim ARGS` in `cwd`, with no standard input.
pub fn scimsim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("scimsim starts")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs scimsim and asserts it succeeded.
pub fn ok(args: &[&str], cwd: &Path) -> Output {
    let o = scimsim(args, cwd);
    assert!(o.status.success(), "scimsim {args:?} failed: {}", stderr(&o));
    o
}

/// Runs scimsim and asserts it failed with `code`, its message holding every needle.
pub fn fails(args: &[&str], cwd: &Path, code: i32, needles: &[&str]) -> String {
    let o = scimsim(args, cwd);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "scimsim {args:?}: {message}");
    for needle in needles {
        assert!(message.contains(needle), "scimsim {args:?}: {message:?} lacks {needle:?}");
    }
    message
}

pub fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

pub fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("a temporary folder")
}
