//! Sharded sweeps, `merge`, signals and the output folder's safety, end to end: every test runs
//! the built binary (or, where a test hook is needed, the library) in a temporary folder.
//!
//! Nothing here measures time: a test that waits for a running process waits for a condition
//! (a file, a line of its log) with a generous limit, so a slow or busy machine only makes it
//! slower, never wrong.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{arg, fails, ok, stderr, temp_dir};

/// The bundled sweep the tests split: 11 grid points over the bundled base scenario.
const SWEEP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/sweeps/email-fix-coverage.sweep.json");

/// A bundled scenario for `run`.
const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.json");

const POINTS: usize = 11;

/// Every file in `dir` (hidden ones too) with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            let e = e.expect("an entry");
            (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).expect("readable"))
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    files(dir).into_keys().collect()
}

/// Asserts that two folders hold the same files, byte for byte.
fn assert_same_files(expected: &Path, got: &Path) {
    let (a, b) = (files(expected), files(got));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{}", got.display());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} of {} differs from {}", got.display(), expected.display());
    }
}

/// `sweep coverage -o OUT -r R --quiet EXTRA…`.
fn sweep(out: &Path, replications: &str, extra: &[&str], cwd: &Path) -> Output {
    let mut args = vec!["sweep", SWEEP, "-o", arg(out), "-r", replications, "--quiet"];
    args.extend_from_slice(extra);
    ok(&args, cwd)
}

/// Runs the N shards of the coverage sweep into `dir`.
fn shards(dir: &Path, n: usize, replications: &str, cwd: &Path) {
    for k in 1..=n {
        sweep(dir, replications, &["--shard", &format!("{k}/{n}")], cwd);
    }
}

#[test]
fn merged_shards_are_byte_identical_to_an_unsharded_sweep_for_any_split() {
    let tmp = temp_dir();
    let at = |name: &str| tmp.path().join(name);
    sweep(&at("whole"), "2", &[], tmp.path());
    sweep(&at("whole-data"), "2", &["--no-charts"], tmp.path());
    assert_eq!(names(&at("whole-data")), [".scimsim-manifest", "sweep.csv", "sweep.html", "sweep.json"]);
    // One shard, fewer shards than points, as many, and more (some shards then hold no point).
    for n in [1, 2, 3, POINTS, POINTS + 2] {
        let dir = at(&format!("shards-{n}"));
        shards(&dir, n, "2", tmp.path());
        let mut expected: Vec<String> = (1..=n).map(|k| format!("shard-{k}-of-{n}.jsonl")).collect();
        expected.sort();
        assert_eq!(names(&dir), expected, "a shard leaves nothing but its file (no lock, no temporary)");
        let merged = at(&format!("merged-{n}"));
        // The folder of shards, or the files one by one.
        if n == 3 {
            ok(&["merge", arg(&dir), "-o", arg(&merged), "-q"], tmp.path());
            assert_same_files(&at("whole"), &merged);
        } else {
            let mut args = vec!["merge".to_string()];
            args.extend(expected.iter().map(|f| arg(&dir.join(f)).to_string()));
            args.extend(["-o".into(), arg(&merged).into(), "--no-charts".into(), "-q".into()]);
            ok(&args.iter().map(String::as_str).collect::<Vec<_>>(), tmp.path());
            assert_same_files(&at("whole-data"), &merged);
        }
    }
    // A shard's file does not depend on the thread count.
    let (one, two) = (at("j1"), at("j2"));
    sweep(&one, "2", &["--shard", "2/3", "-j", "1"], tmp.path());
    sweep(&two, "2", &["--shard", "2/3", "-j", "2"], tmp.path());
    assert_same_files(&one, &two);
    let name = "shard-2-of-3.jsonl";
    assert!(files(&one)[name] == files(&at("shards-3"))[name], "a shard's file depends on the thread count");
}

/// Three shards of the coverage sweep (2 replications) in `tmp/shards`.
fn three_shards(tmp: &Path) -> PathBuf {
    let dir = tmp.join("shards");
    shards(&dir, 3, "2", tmp);
    dir
}

#[test]
fn merge_refuses_shards_of_other_sweeps_missing_and_repeated_points_naming_the_file() {
    let tmp = temp_dir();
    let dir = three_shards(tmp.path());
    let shard = |k: usize| dir.join(format!("shard-{k}-of-3.jsonl"));
    let out = tmp.path().join("out");
    let merge = |files: &[&Path], code: i32, needles: &[&str]| {
        let mut args = vec!["merge"];
        args.extend(files.iter().map(|f| arg(f)));
        args.extend(["-o", arg(&out), "-q"]);
        let message = fails(&args, tmp.path(), code, needles);
        assert!(!out.exists(), "a refused merge wrote into its output folder");
        message
    };
    // Shard 3 of the same sweep with other replications is a shard of another sweep.
    let other = tmp.path().join("other");
    sweep(&other, "3", &["--shard", "3/3"], tmp.path());
    let other3 = other.join("shard-3-of-3.jsonl");
    merge(
        &[&shard(1), &shard(2), &other3],
        2,
        &["shard-3-of-3.jsonl", "another sweep", "shard-1-of-3.jsonl"],
    );
    // A shard left out: its points are missing, and the message says which shard holds them.
    merge(&[&shard(1), &shard(3)], 2, &["missing 4 of 11 grid points (1, 4, 7, 10)", "shard-2-of-3.jsonl"]);
    // The same shard twice (a copy elsewhere): the repeated point is named at both places.
    let copy = tmp.path().join("copy");
    fs::create_dir(&copy).expect("a folder");
    fs::copy(shard(2), copy.join("shard-2-of-3.jsonl")).expect("copied");
    let copy2 = copy.join("shard-2-of-3.jsonl");
    merge(&[&shard(1), &shard(2), &copy2, &shard(3)], 2, &["copy/shard-2-of-3.jsonl:2: point 1 is also in"]);
    // A file given twice is refused as such.
    merge(&[&shard(1), &shard(1)], 2, &["given twice"]);
    // One digit of one number edited on line 3: the checksum says so, with the file and line.
    let text = fs::read_to_string(shard(2)).expect("a shard");
    let lines: Vec<&str> = text.lines().collect();
    let third = lines[2];
    let at = third.find(|c: char| c.is_ascii_digit() && c != '0').expect("a digit");
    let digit = if &third[at..=at] == "9" { "8" } else { "9" };
    let edited = format!("{}{digit}{}", &third[..at], &third[at + 1..]);
    let broken = copy.join("broken");
    fs::create_dir(&broken).expect("a folder");
    let edited_file = broken.join("shard-2-of-3.jsonl");
    fs::write(&edited_file, text.replacen(third, &edited, 1)).expect("written");
    merge(&[&shard(1), &edited_file, &shard(3)], 2, &["broken/shard-2-of-3.jsonl:3:", "checksum"]);
    // A last line cut short (a shard stopped while writing) is refused too, by line.
    fs::write(&edited_file, &text[..text.len() - third.len() / 2]).expect("written");
    merge(&[&shard(1), &edited_file, &shard(3)], 2, &["broken/shard-2-of-3.jsonl:", "cut short"]);
    // A file that is no shard at all.
    fs::write(&edited_file, "{\"name\": \"not a shard\"}\n").expect("written");
    merge(&[&shard(1), &edited_file, &shard(3)], 2, &["broken/shard-2-of-3.jsonl:1:", "not a scimsim shard"]);
    // And together, as they are, they merge.
    ok(&["merge", arg(&dir), "-o", arg(&out), "-q", "--no-charts"], tmp.path());
    assert_eq!(names(&out), [".scimsim-manifest", "sweep.csv", "sweep.html", "sweep.json"]);
}

#[test]
fn bad_shard_values_are_refused_with_exit_2_before_anything_is_written() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    for bad in ["0/4", "5/4", "1/0", "x", "1/", "/4", "-1/4", "1/4/2"] {
        let flag = format!("--shard={bad}");
        let args = ["sweep", SWEEP, "-o", arg(&out), &flag];
        fails(&args, tmp.path(), 2, &[&format!("--shard {bad}: give K/N with 1 ≤ K ≤ N")]);
        assert!(!out.exists(), "--shard {bad} created the output folder");
    }
}

/// Polls `condition` until it holds, failing with `what` after five minutes (a generous bound
/// for a busy machine: nothing here is a timing assertion).
fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < Duration::from_secs(300), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for `child` to end (killing it after five minutes) and returns its exit code and stderr.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let mut status = None;
    wait_for("scimsim to end", || {
        status = child.try_wait().expect("scimsim waits");
        status.is_some()
    });
    let mut message = String::new();
    if let Some(mut err) = child.stderr.take() {
        std::io::Read::read_to_string(&mut err, &mut message).expect("stderr");
    }
    (status.and_then(|s| s.code()), message)
}

/// [`wait_for`] `condition` while `child` runs (failing at once, with its stderr, if it ends).
fn wait_on(child: &mut Child, what: &str, mut condition: impl FnMut() -> bool) {
    wait_for(what, || {
        if let Some(status) = child.try_wait().expect("scimsim waits") {
            let mut message = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut err, &mut message);
            }
            panic!("scimsim ended ({status}) before {what}: {message}");
        }
        condition()
    });
}

fn spawn(args: &[&str], cwd: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scimsim starts")
}

#[cfg(unix)]
fn terminate(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: sends SIGTERM to the child this test started (and has not yet reaped).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0, "SIGTERM could not be sent");
}

/// The point lines of a checkpoint or shard file.
fn point_lines(path: &Path) -> usize {
    fs::read_to_string(path).map_or(0, |t| t.lines().filter(|l| l.starts_with("{\"sum\"")).count())
}

/// `interrupted after D of T grid points` → D.
fn kept_count(message: &str) -> usize {
    let rest = message.split("interrupted after ").nth(1).unwrap_or_else(|| panic!("{message}"));
    rest.split(' ').next().and_then(|d| d.parse().ok()).unwrap_or_else(|| panic!("{message}"))
}

const CHECKPOINT: &str = ".scimsim-sweep-checkpoint.jsonl";

#[cfg(unix)]
#[test]
fn sigterm_keeps_the_finished_points_and_resume_finishes_to_the_same_bytes() {
    let tmp = temp_dir();
    let (whole, parts) = (tmp.path().join("whole"), tmp.path().join("parts"));
    sweep(&whole, "60", &["--no-charts"], tmp.path());
    let args = ["sweep", SWEEP, "-o", arg(&parts), "-r", "60", "--no-charts", "-q"];
    let mut slow = args.to_vec();
    slow.extend(["-j", "1"]);
    let mut child = spawn(&slow, tmp.path());
    let checkpoint = parts.join(CHECKPOINT);
    wait_on(&mut child, "a finished point in the checkpoint", || point_lines(&checkpoint) >= 1);
    terminate(&child);
    let (code, message) = finish(child);
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains(&format!("of {POINTS} grid points")) && message.contains("--resume"),
        "{message}"
    );
    let kept = kept_count(&message);
    assert!((1..POINTS).contains(&kept), "{message}");
    assert_eq!(point_lines(&checkpoint), kept, "the checkpoint holds every point the message counts");
    assert_eq!(names(&parts), [CHECKPOINT], "an interrupted sweep leaves its checkpoint only");
    ok(&[&args[..], &["--resume"]].concat(), tmp.path());
    assert_same_files(&whole, &parts);
}

#[cfg(unix)]
#[test]
fn sigterm_ends_a_run_with_exit_1_writing_nothing() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let mut child = spawn(&["run", QUICKSTART, "-o", arg(&out), "-r", "100000", "-q"], tmp.path());
    // The run holds its folder's lock once its signal handler is in place.
    wait_on(&mut child, "the run's lock", || out.join(".scimsim.lock").exists());
    terminate(&child);
    let (code, message) = finish(child);
    assert_eq!(code, Some(1), "{message}");
    assert!(message.contains("interrupted after") && message.contains("nothing was written"), "{message}");
    assert_eq!(names(&out), Vec::<String>::new(), "an interrupted run leaves nothing in its folder");
}

#[cfg(unix)]
#[test]
fn a_folder_in_use_is_refused_at_once_and_shards_of_one_folder_run_side_by_side() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let sweep_args = ["sweep", SWEEP, "-o", arg(&out), "-r", "400", "-j", "1", "-q"];
    let mut child = spawn(&sweep_args, tmp.path());
    wait_on(&mut child, "the sweep's lock", || out.join(".scimsim.lock").exists());
    let in_use = ["is in use", "scimsim (process ", "write elsewhere with -o"];
    fails(&sweep_args, tmp.path(), 1, &in_use);
    fails(&["run", QUICKSTART, "-o", arg(&out), "-q"], tmp.path(), 1, &in_use);
    // Another shard locks only its own shard file.
    ok(&["sweep", SWEEP, "-o", arg(&out), "-r", "1", "-q", "--shard", "2/2"], tmp.path());
    terminate(&child);
    let (code, message) = finish(child);
    assert_eq!(code, Some(1), "{message}");
    assert_eq!(names(&out), [CHECKPOINT, "shard-2-of-2.jsonl"], "locks and temporary files are gone");
}

#[test]
fn a_checkpoint_is_never_discarded_without_fresh_and_fresh_starts_over() {
    let tmp = temp_dir();
    let (whole, out) = (tmp.path().join("whole"), tmp.path().join("out"));
    sweep(&whole, "2", &["--no-charts"], tmp.path());
    let options = scimsim::app::SweepOptions {
        output: Some(out.clone()),
        replications: Some(2),
        quiet: true,
        no_charts: true,
        stop_after_points: Some(2),
        ..Default::default()
    };
    let e = scimsim::app::sweep(Path::new(SWEEP), options).expect_err("interrupted by the test hook");
    assert_eq!(e.exit_code(), 1);
    let checkpoint = out.join(CHECKPOINT);
    let before = fs::read(&checkpoint).expect("a checkpoint");
    let args = ["sweep", SWEEP, "-o", arg(&out), "-r", "2", "-q", "--no-charts"];
    fails(&args, tmp.path(), 2, &[CHECKPOINT, "pass --resume to continue it", "or --fresh"]);
    assert!(fs::read(&checkpoint).expect("kept") == before, "a refused sweep changed the checkpoint");
    fails(&[&args[..], &["--resume", "--fresh"]].concat(), tmp.path(), 2, &["--fresh"]);
    ok(&[&args[..], &["--fresh"]].concat(), tmp.path());
    assert_same_files(&whole, &out);
}

#[test]
fn an_interrupted_sweep_keeps_every_finished_point_not_only_whole_chunks() {
    // 11 points of 4 replications run as one chunk (up to 256 replications run together): the
    // points finished when the stop comes are kept all the same, for any thread count.
    let tmp = temp_dir();
    let whole = tmp.path().join("whole");
    sweep(&whole, "4", &["--no-charts"], tmp.path());
    for jobs in [1, 2] {
        let out = tmp.path().join(format!("j{jobs}"));
        let options = scimsim::app::SweepOptions {
            output: Some(out.clone()),
            replications: Some(4),
            jobs: Some(jobs),
            quiet: true,
            no_charts: true,
            stop_after_points: Some(3),
            ..Default::default()
        };
        let e = scimsim::app::sweep(Path::new(SWEEP), options).expect_err("interrupted by the test hook");
        let kept = kept_count(&e.to_string());
        // One thread stops right after the third point; with more, a replication running at
        // the stop may finish one more point.
        assert!(if jobs == 1 { kept == 3 } else { (3..POINTS).contains(&kept) }, "{e}");
        let checkpoint = out.join(CHECKPOINT);
        assert_eq!(point_lines(&checkpoint), kept, "every point the message counts is in the checkpoint");
        let text = fs::read_to_string(&checkpoint).expect("a checkpoint");
        let mut indices: Vec<usize> = (text.lines().skip(1))
            .filter_map(|l| l.split("\"index\":").nth(1)?.split(',').next()?.parse().ok())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        assert_eq!(indices.len(), kept, "each point once");
        let args = ["sweep", SWEEP, "-o", arg(&out), "-r", "4", "-q", "--no-charts", "--resume"];
        ok(&args, tmp.path());
        assert_same_files(&whole, &out);
    }
}

#[test]
fn a_shard_logs_one_line_per_finished_point_and_nothing_with_quiet() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let args = ["sweep", SWEEP, "-o", arg(&out), "-r", "2", "--shard", "1/3"];
    let o = ok(&args, tmp.path());
    let log = stderr(&o);
    let expected: Vec<String> = (0..=4).map(|d| format!("shard 1/3: {d}/4 points done")).collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), expected, "{log:?}");
    assert!(!log.contains('\r'), "a scheduler's log gets lines, not a redrawn bar");
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(said.contains("shard 1 of 3, 4 of 11 grid points × 2 replications; wrote "), "{said}");
    // Run again, resuming: the finished points are counted from the start.
    let o = ok(&[&args[..], &["--resume"]].concat(), tmp.path());
    assert_eq!(stderr(&o).lines().collect::<Vec<_>>(), ["shard 1/3: 4/4 points done"]);
    let quiet = ok(&[&args[..], &["--fresh", "-q"]].concat(), tmp.path());
    assert!(quiet.stderr.is_empty() && quiet.stdout.is_empty(), "{}", stderr(&quiet));
    // An unsharded sweep draws its bar only on a terminal.
    let o = ok(&["sweep", SWEEP, "-o", arg(&tmp.path().join("whole")), "-r", "2", "--no-charts"], tmp.path());
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}
