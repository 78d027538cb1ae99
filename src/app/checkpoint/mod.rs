//! Running a sweep so that nothing finished is lost: each finished chunk of points is appended
//! to a checkpoint in the output folder; Ctrl-C stops at the next replication and keeps what is
//! finished; `--resume` skips the points the checkpoint holds and reaches the same final bytes
//! as an uninterrupted run. The checkpoint is removed once the sweep's files are written.

pub mod lines;

use super::error::Error;
use super::files::write_atomic;
use super::parallel::{chunks, run_points};
use crate::input::sweep_plan::SweepPlan;
use crate::results::sweep::{PointResult, SweepResult, assemble};
use lines::{CHECKPOINT_FILE, Loaded};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// How a checkpointed sweep ended.
#[derive(Debug)]
pub enum SweepOutcome {
    /// Every point ran.
    Finished(SweepResult),
    /// Stopped by Ctrl-C; the finished points are in the checkpoint.
    Interrupted {
        /// Points finished (including those resumed).
        done: usize,
        /// Points in the grid.
        total: usize,
        /// The checkpoint file.
        checkpoint: PathBuf,
    },
}

/// Settings of a checkpointed sweep.
pub struct Checkpointed<'a> {
    /// The planned sweep.
    pub plan: &'a SweepPlan,
    /// Its fingerprint ([`lines::fingerprint`] of the sweep's texts).
    pub fingerprint: &'a str,
    /// The output folder (already prepared).
    pub dir: &'a Path,
    /// Continue from the checkpoint in `dir`.
    pub resume: bool,
    /// Raised by Ctrl-C.
    pub stop: &'a AtomicBool,
    /// Test hook: behave as if Ctrl-C came once this many points are finished.
    pub stop_after_points: Option<usize>,
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write { path: path.to_path_buf(), source }
}

/// The points the checkpoint in `dir` holds for this sweep (none when `resume` is off).
fn resumed(run: &Checkpointed<'_>, path: &Path) -> Result<Vec<PointResult>, Error> {
    if !run.resume {
        return Ok(Vec::new());
    }
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Read { path: path.to_path_buf(), source }),
    };
    let shape = lines::Shape {
        axes: &run.plan.axes,
        n_points: run.plan.points.len(),
        n_strategies: run.plan.base.strategies.len(),
    };
    match lines::load(&text, run.fingerprint, &shape) {
        Loaded::Points(points) => Ok(points),
        Loaded::Foreign => Err(Error::Usage(format!(
            "{} belongs to another sweep, or to this sweep before it or its scenario changed, \
             or to another version of scimsim; run without --resume to start over",
            path.display()
        ))),
    }
}

/// Runs the sweep, calling `progress` after each replication and `resumed_points` once with
/// the number of points taken from the checkpoint.
pub fn run_checkpointed(
    run: &Checkpointed<'_>,
    progress: &(dyn Fn() + Sync),
    resumed_points: &dyn Fn(usize),
) -> Result<SweepOutcome, Error> {
    let path = run.dir.join(CHECKPOINT_FILE);
    let mut done = resumed(run, &path)?;
    resumed_points(done.len());
    // Rewrite the checkpoint from what is kept (so that a cut last line never stays behind),
    // whole or not at all: the points it holds are never lost.
    let mut text = lines::header(run.fingerprint);
    text.push('\n');
    for p in &done {
        text.push_str(&lines::point_line(p));
        text.push('\n');
    }
    write_atomic(&path, text.as_bytes())?;
    let mut file = OpenOptions::new().append(true).open(&path).map_err(write_err(&path))?;

    let finished: std::collections::HashSet<usize> = done.iter().map(|p| p.index).collect();
    // The test hook works point by point so that it can stop between any two points.
    let chunks: Vec<std::ops::Range<usize>> = match run.stop_after_points {
        Some(_) => (0..run.plan.points.len()).map(|i| i..i + 1).collect(),
        None => chunks(run.plan),
    };
    for chunk in chunks {
        let todo: Vec<usize> = chunk.filter(|i| !finished.contains(i)).collect();
        if todo.is_empty() {
            continue;
        }
        // The test option stops here as Ctrl-C would, without raising the process-wide flag.
        if run.stop_after_points.is_some_and(|n| done.len() >= n) || run.stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(points) = run_points(run.plan, &todo, progress, run.stop) else { break };
        let mut batch = String::new();
        for p in &points {
            batch.push_str(&lines::point_line(p));
            batch.push('\n');
        }
        file.write_all(batch.as_bytes()).and_then(|()| file.sync_data()).map_err(write_err(&path))?;
        done.extend(points);
    }
    let total = run.plan.points.len();
    if done.len() < total {
        return Ok(SweepOutcome::Interrupted { done: done.len(), total, checkpoint: path });
    }
    done.sort_by_key(|p| p.index);
    Ok(SweepOutcome::Finished(assemble(run.plan, done)))
}

/// Removes the checkpoint once the sweep's files are written.
pub fn remove_checkpoint(dir: &Path) -> Result<(), Error> {
    let path = dir.join(CHECKPOINT_FILE);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Write { path, source: e }),
        _ => Ok(()),
    }
}
