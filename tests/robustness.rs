//! Issue #13: output that fails and input without end. Every test runs the real binary, as
//! `tests/cli.rs` does: standard output that cannot be written (`/dev/full`, a closed pipe),
//! inputs that never end (`/dev/zero`, a pipe), folders whose symlinks loop, and `-j` far
//! above what can help.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// The crate root (where `scenarios/` lives).
fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> PathBuf {
    crate_dir().join("scenarios").join(name)
}

fn quickstart() -> PathBuf {
    scenario("quickstart.json")
}

/// A scenario with `expect` that runs in milliseconds (23 expectations, all passing).
fn expecting() -> PathBuf {
    scenario("rules/r02-domains.json")
}

fn sweep_file() -> PathBuf {
    scenario("sweeps/email-fix-coverage.sweep.json")
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("cannot create a temporary folder")
}

/// A path as a `&str` argument.
fn arg(path: &Path) -> &str {
    path.to_str().expect("non-UTF-8 path")
}

/// `scimsim ARGS` in `cwd`, no standard input, with standard output and error as given.
fn command(args: &[&str], cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scimsim"));
    c.args(args).current_dir(cwd).env("RUST_BACKTRACE", "1").stdin(Stdio::null());
    c
}

/// What one invocation did: its exit code (a signal is a crash), standard output and error.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn outcome(args: &[&str], output: Output) -> Outcome {
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "scimsim {args:?} was killed by a signal ({:?}): it crashed\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `scimsim ARGS` in `cwd` with standard output and error captured.
fn scimsim(args: &[&str], cwd: &Path) -> Outcome {
    outcome(args, command(args, cwd).output().expect("cannot start scimsim"))
}

/// Runs `scimsim ARGS` with its standard output (and with `both`, its standard error) on
/// `/dev/full`, where every write fails with "no space left on device".
#[cfg(target_os = "linux")]
fn to_full(args: &[&str], cwd: &Path, both: bool) -> Outcome {
    let full = || fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let mut c = command(args, cwd);
    c.stdout(full());
    if both {
        c.stderr(full());
    } else {
        c.stderr(Stdio::piped());
    }
    outcome(args, c.output().expect("cannot start scimsim"))
}

/// Every command that prints to standard output, run on the bundled files (outputs under
/// `out`). `merge` needs the shard that `sweep --shard 1/1` writes there first.
#[cfg(target_os = "linux")]
fn each_printing_command(out: &Path, both: bool, check: impl Fn(&[&str], Outcome)) {
    for args in printing_commands(out) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check(&args, to_full(&args, out, both));
    }
}

#[cfg(target_os = "linux")]
fn printing_commands(out: &Path) -> Vec<Vec<String>> {
    let q = arg(&quickstart()).to_string();
    let exports = scenario("import-example/exports");
    let e = |n: &str| arg(&exports.join(n)).to_string();
    let o = |n: &str| arg(&out.join(n)).to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    vec![
        s(&["run", &q, "-o", &o("run"), "-r", "2", "--no-charts"]),
        s(&["sweep", arg(&sweep_file()), "-o", &o("sweep"), "-r", "2", "--no-charts"]),
        s(&["sweep", arg(&sweep_file()), "-o", &o("shard"), "-r", "2", "--shard", "1/1"]),
        s(&["merge", &o("shard"), "-o", &o("merged"), "--no-charts"]),
        s(&["validate", &q]),
        s(&["validate", arg(&sweep_file())]),
        s(&["check", arg(&expecting())]),
        s(&["schema", "scenario"]),
        s(&["schema", "sweep"]),
        s(&["trace", &q, "-s", "scim-first"]),
        s(&["trace", &q, "-s", "scim-first", "--format", "jsonl"]),
        s(&["import", "--idp", &e("idp-users.csv"), "--server", &e("server-users.csv"), "-o", &o("i.json")]),
        s(&["--help"]),
        s(&["run", "--help"]),
        s(&["--version"]),
    ]
}

/// A standard output that cannot be written is an error, exit 1, said on standard error —
/// never a panic (exit 101 "failed printing to stdout", before).
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error_for_every_command() {
    let tmp = temp_dir();
    each_printing_command(tmp.path(), false, |args, o| {
        assert_eq!(o.code, 1, "scimsim {args:?}: exit {}, stderr: {}", o.code, o.stderr);
        // The last line: a shard logs its points to standard error before.
        assert_eq!(
            o.stderr.lines().last().unwrap_or_default(),
            "Error: cannot write standard output: no space left on device",
            "scimsim {args:?}"
        );
    });
}

/// With standard error full too there is nowhere to say it: exit 1, without a crash (a
/// second panic aborted with 134, before).
#[cfg(target_os = "linux")]
#[test]
fn full_standard_output_and_error_end_with_exit_1() {
    let tmp = temp_dir();
    each_printing_command(tmp.path(), true, |args, o| {
        assert_eq!(o.code, 1, "scimsim {args:?}: exit {}", o.code);
    });
    // An error with standard error full: the exit code of the error, nothing else.
    let o = to_full(&["validate", "no-such-file.json"], tmp.path(), true);
    assert_eq!(o.code, 2);
}

/// When the reader of the pipe has gone, scimsim ends quietly (SIGPIPE, as other tools).
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    let tmp = temp_dir();
    let mut child = command(&["schema", "scenario"], tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start scimsim");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("scimsim ends");
    assert!(output.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(!matches!(output.status.code(), Some(101 | 134)), "{:?}", output.status);
}

// ---------------------------------------------------------------------------------------------
// Bounded input
// ---------------------------------------------------------------------------------------------

/// The input limit (`MAX_INPUT_BYTES`, 256 MiB), as the messages say it.
const LIMIT: &str = "the input limit of 256 MiB (268435456 bytes)";

/// Runs `scimsim ARGS` with `bytes` written to its standard input through a pipe (closed
/// after them, or when scimsim stops reading).
fn with_stdin(args: &[&str], cwd: &Path, bytes: Vec<u8>) -> Outcome {
    use std::io::Write;
    let mut child = command(args, cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start scimsim");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // scimsim may stop reading before the end: a broken pipe here is expected.
        let _ = stdin.write_all(&bytes);
    });
    let output = child.wait_with_output().expect("scimsim ends");
    writer.join().expect("writer");
    outcome(args, output)
}

/// An input that never ends (a device) is refused at the limit, naming the file (it was read
/// without end, before).
#[cfg(target_os = "linux")]
#[test]
fn an_endless_input_is_refused_at_the_limit() {
    let tmp = temp_dir();
    for args in [
        vec!["validate", "/dev/zero"],
        vec!["run", "/dev/zero", "-o", "out"],
        vec!["trace", "/dev/zero", "-s", "x"],
        vec!["import", "--server", "/dev/zero", "-o", "x.json"],
    ] {
        let o = scimsim(&args, tmp.path());
        assert_eq!(o.code, 2, "scimsim {args:?}: {}", o.stderr);
        assert_eq!(
            o.stderr.trim_end(),
            format!("Error: /dev/zero gives more than {LIMIT}; give a smaller input")
        );
    }
    // A sweep's base scenario too.
    std::os::unix::fs::symlink("/dev/zero", tmp.path().join("base.json")).expect("symlink");
    fs::write(tmp.path().join("s.sweep.json"), r#"{"name": "s", "scenario": "base.json", "axes": []}"#)
        .expect("sweep");
    let o = scimsim(&["validate", "s.sweep.json"], tmp.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains(&format!("$.scenario: base.json gives more than {LIMIT}")), "{}", o.stderr);
}

/// A pipe is read up to the limit, then refused (it was read whole, then parsed, before).
#[cfg(unix)]
#[test]
fn a_pipe_over_the_limit_is_refused() {
    let tmp = temp_dir();
    let over = || vec![b' '; 256 * 1024 * 1024 + 1];
    let o = with_stdin(&["validate", "/dev/stdin"], tmp.path(), over());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr.trim_end(),
        format!("Error: /dev/stdin gives more than {LIMIT}; give a smaller input")
    );
    let o = with_stdin(&["import", "--cloud", "/dev/stdin", "-o", "x.json"], tmp.path(), over());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains(&format!("/dev/stdin gives more than {LIMIT}")), "{}", o.stderr);
    // Within the limit, a pipe is read as a file is.
    let text = fs::read(quickstart()).expect("quickstart");
    let o = with_stdin(&["validate", "/dev/stdin"], tmp.path(), text);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("ok /dev/stdin ("), "{}", o.stdout);
}

/// A regular file over the limit is refused before it is read.
#[test]
fn a_file_over_the_limit_is_refused_before_reading() {
    let tmp = temp_dir();
    let big = tmp.path().join("big.json");
    // A sparse file: no disk is used.
    fs::File::create(&big).and_then(|f| f.set_len(256 * 1024 * 1024 + 1)).expect("big file");
    let o = scimsim(&["validate", "big.json"], tmp.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr.trim_end(),
        format!("Error: big.json is 268435457 bytes, over {LIMIT}; give a smaller file")
    );
    let o = scimsim(&["import", "--idp", "big.json", "-o", "x.json"], tmp.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains(&format!("big.json is 268435457 bytes, over {LIMIT}")), "{}", o.stderr);
}

// ---------------------------------------------------------------------------------------------
// Inputs that are missing, unreadable or folders
// ---------------------------------------------------------------------------------------------

/// Every command given a missing file, a path through a file, or a folder ends with exit 2
/// and one clear line.
#[test]
fn missing_unreadable_and_folder_inputs_exit_2() {
    let tmp = temp_dir();
    fs::create_dir(tmp.path().join("dir")).expect("dir");
    fs::write(tmp.path().join("file"), "x").expect("file");
    let cases = [
        ("missing.json", "cannot read missing.json: no such file or directory"),
        ("file/x.json", "cannot read file/x.json: not a directory"),
        ("dir", "dir is a folder; give "),
    ];
    for (input, says) in cases {
        for args in [
            vec!["run", input, "-o", "out"],
            vec!["sweep", input, "-o", "out"],
            vec!["trace", input, "-s", "x"],
            vec!["validate", input],
            vec!["import", "--idp", input, "-o", "x.json"],
            vec!["import", "--server", input, "-o", "x.json"],
            vec!["import", "--cloud", input, "-o", "x.json"],
            vec!["import", "--cloud", arg(&quickstart()), "--jcma", input, "-o", "x.json"],
        ] {
            let o = scimsim(&args, tmp.path());
            assert_eq!(o.code, 2, "scimsim {args:?}: {}", o.stderr);
            assert!(o.stderr.starts_with(&format!("Error: {says}")), "scimsim {args:?}: {}", o.stderr);
            assert_eq!(o.stderr.lines().count(), 1, "scimsim {args:?}: {}", o.stderr);
        }
        if input != "dir" {
            for args in [vec!["merge", input, "-o", "out"], vec!["check", input]] {
                let o = scimsim(&args, tmp.path());
                assert_eq!(o.code, 2, "scimsim {args:?}: {}", o.stderr);
                assert_eq!(o.stderr.trim_end(), format!("Error: {says}"), "scimsim {args:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Folder walks that end
// ---------------------------------------------------------------------------------------------

/// `N passed` of `check`'s closing line.
fn passed(stdout: &str) -> usize {
    let last = stdout.lines().last().unwrap_or_default();
    last.split(" passed").next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no totals: {stdout}"))
}

/// `DIR/real/` holds a scenario with 23 expectations; returns how many `check` passes alone.
#[cfg(unix)]
fn looped_folder(dir: &Path) -> usize {
    fs::create_dir(dir.join("real")).expect("folder");
    fs::copy(expecting(), dir.join("real").join("s.json")).expect("scenario");
    let alone = scimsim(&["check", arg(dir)], dir);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    passed(&alone.stdout)
}

/// A symlink to a sibling folder does not check its scenarios twice (they were, before).
#[cfg(unix)]
#[test]
fn check_sees_a_linked_folder_once() {
    let tmp = temp_dir();
    let once = looped_folder(tmp.path());
    std::os::unix::fs::symlink("real", tmp.path().join("twin")).expect("symlink");
    // And a file linked beside it.
    std::os::unix::fs::symlink("real/s.json", tmp.path().join("same.json")).expect("symlink");
    let o = scimsim(&["check", arg(tmp.path())], tmp.path());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(passed(&o.stdout), once, "{}", o.stdout);
    assert!(o.stdout.lines().all(|l| l.contains("/real/s.json:") || l.contains(" passed")), "{}", o.stdout);
    // Given twice, or through the link: once.
    let real = tmp.path().join("real");
    let o =
        scimsim(&["check", arg(&real), arg(&tmp.path().join("twin")), arg(&real.join("s.json"))], tmp.path());
    assert_eq!(passed(&o.stdout), once, "{}", o.stdout);
}

/// Links that loop (to the folder itself, to its parent) end the walk, each file seen once
/// (the walk did not end, before).
#[cfg(unix)]
#[test]
fn check_ends_in_a_folder_whose_links_loop() {
    let tmp = temp_dir();
    let once = looped_folder(tmp.path());
    std::os::unix::fs::symlink(".", tmp.path().join("real").join("self")).expect("symlink");
    std::os::unix::fs::symlink("..", tmp.path().join("real").join("up")).expect("symlink");
    std::os::unix::fs::symlink(".", tmp.path().join("self")).expect("symlink");
    let o = scimsim(&["check", arg(tmp.path())], tmp.path());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(passed(&o.stdout), once, "{}", o.stdout);
    // From inside the loop too.
    let o = scimsim(&["check", arg(&tmp.path().join("real").join("up").join("self"))], tmp.path());
    assert_eq!(passed(&o.stdout), once, "{}", o.stdout);
}

// ---------------------------------------------------------------------------------------------
// -j capped at what can help
// ---------------------------------------------------------------------------------------------

/// The ceiling of `-j`: four threads per core of this machine.
fn ceiling() -> usize {
    4 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The note `-j J` gets when `items` jobs are all there is.
fn capped_note(j: usize, items: usize, what: &str) -> String {
    let ceiling = ceiling();
    if items <= ceiling {
        format!("note: -j {j} capped at {items} (this {what} has {items} independent jobs)")
    } else {
        let cores = ceiling / 4;
        let s = if cores == 1 { "" } else { "s" };
        format!(
            "note: -j {j} capped at {ceiling} (at most 4 threads per core; this machine has {cores} core{s})"
        )
    }
}

/// Every file of a folder, by name.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("list")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// `-j 20000` starts no more threads than there are jobs (or 4 a core), says so, and writes
/// the same bytes as `-j 1` (it started 20,000 threads, before).
#[test]
fn a_huge_j_is_capped_with_a_note_and_changes_no_byte() {
    let tmp = temp_dir();
    let text = fs::read_to_string(quickstart()).expect("quickstart");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let strategies = json["strategies"].as_array().expect("strategies").len();
    let q = arg(&quickstart()).to_string();
    let big = scimsim(&["run", &q, "-o", "big", "-r", "1", "-j", "20000"], tmp.path());
    assert_eq!(big.code, 0, "{}", big.stderr);
    assert_eq!(big.stderr.trim_end(), capped_note(20000, strategies, "run"));
    let one = scimsim(&["run", &q, "-o", "one", "-r", "1", "-j", "1"], tmp.path());
    assert_eq!((one.code, one.stderr.as_str()), (0, ""));
    assert!(files_of(&tmp.path().join("big")) == files_of(&tmp.path().join("one")), "-j changed the bytes");
    // Within the cap: no note; --quiet: none either.
    let o = scimsim(&["run", &q, "-o", "fit", "-r", "1", "-j", "1", "--no-charts"], tmp.path());
    assert_eq!(o.stderr, "");
    let o = scimsim(&["run", &q, "-o", "big", "-r", "1", "-j", "20000", "-q"], tmp.path());
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));

    // A sweep: grid points × replications.
    let sweep = arg(&sweep_file()).to_string();
    let v = scimsim(&["validate", &sweep], tmp.path());
    let points: usize = v
        .stdout
        .split(" (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no grid points: {}", v.stdout));
    let big = scimsim(&["sweep", &sweep, "-o", "sbig", "-r", "1", "-j", "20000", "--no-charts"], tmp.path());
    assert_eq!(big.code, 0, "{}", big.stderr);
    assert_eq!(big.stderr.trim_end(), capped_note(20000, points, "sweep"));
    let one = scimsim(&["sweep", &sweep, "-o", "sone", "-r", "1", "-j", "1", "--no-charts"], tmp.path());
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(files_of(&tmp.path().join("sbig")) == files_of(&tmp.path().join("sone")), "-j changed the bytes");

    // check: at most 4 threads a core.
    let o = scimsim(&["check", arg(&expecting()), "-j", "20000"], tmp.path());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stderr.trim_end(), capped_note(20000, usize::MAX, "check"));
}
