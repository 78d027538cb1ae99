//! Running a sweep so that nothing finished is lost: each finished point is appended to a
//! checkpoint in the output folder (or, for `--shard K/N`, to `shard-K-of-N.jsonl`); Ctrl-C,
//! SIGTERM or SIGHUP stop at the next replication and keep what is finished; `--resume` skips
//! the points the checkpoint holds and reaches the same final bytes as an uninterrupted run. The
//! checkpoint is removed once the sweep's files are written; a shard file stays (it is the
//! shard's output, for `merge`).

pub mod lines;

use super::error::Error;
use super::files::{open_no_follow, write_atomic};
use super::parallel::{chunks, run_points};
use crate::input::sweep_plan::SweepPlan;
use crate::results::sweep::{PointResult, SweepResult, assemble};
use lines::{CHECKPOINT_FILE, Header, Shard};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// How a checkpointed sweep ended.
#[derive(Debug)]
pub enum SweepOutcome {
    /// Every point (of the shard) ran; for a whole sweep, the assembled result.
    Finished(Option<SweepResult>),
    /// Stopped by a signal; the finished points are in the checkpoint.
    Interrupted {
        /// Points finished (including those resumed).
        done: usize,
        /// Points to run (in the grid, or in the shard).
        total: usize,
        /// The checkpoint file.
        checkpoint: PathBuf,
    },
}

/// Settings of a checkpointed sweep.
pub struct Checkpointed<'a> {
    /// The planned sweep.
    pub plan: &'a SweepPlan,
    /// Its header line's contents (fingerprint, shard, texts).
    pub header: &'a Header,
    /// The output folder (already prepared).
    pub dir: &'a Path,
    /// Continue from the checkpoint in `dir`.
    pub resume: bool,
    /// Discard the checkpoint in `dir`, if any.
    pub fresh: bool,
    /// Raised by Ctrl-C, SIGTERM or SIGHUP.
    pub stop: &'a AtomicBool,
    /// Test hook: behave as if Ctrl-C came once this many points are finished (as after a
    /// Ctrl-C, a replication already running still ends, and may finish its point).
    pub stop_after_points: Option<usize>,
}

impl Checkpointed<'_> {
    /// The checkpoint's path: the hidden checkpoint of a sweep, or the shard file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(self.header.shard.map_or(CHECKPOINT_FILE.to_string(), lines::shard_file))
    }

    /// The grid points this run is for.
    fn selected(&self) -> Vec<usize> {
        let all = 0..self.plan.points.len();
        match self.header.shard {
            Some(s) => all.filter(|&p| s.holds(p)).collect(),
            None => all.collect(),
        }
    }
}

/// The shape of the points of `plan` (in `shard`, if any).
pub fn shape(plan: &SweepPlan, shard: Option<Shard>) -> lines::Shape<'_> {
    lines::Shape {
        axes: &plan.axes,
        n_points: plan.points.len(),
        n_strategies: plan.base.strategies.len(),
        shard,
    }
}

/// `file:line: why` for a refused line.
pub fn bad_line(path: &Path, bad: &lines::BadLine) -> String {
    format!("{}:{}: {}", path.display(), bad.line, bad.why)
}

/// The points the checkpoint at `path` holds for this sweep (none when it is absent or
/// `--fresh`); without `--resume` or `--fresh` an existing checkpoint is an error, never
/// silently discarded.
fn resumed(run: &Checkpointed<'_>, path: &Path) -> Result<Vec<PointResult>, Error> {
    let text = match fs::read_to_string(path) {
        Ok(_) if run.fresh => return Ok(Vec::new()),
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Read { path: path.to_path_buf(), source }),
    };
    if !run.resume {
        return Err(Error::Usage(format!(
            "{} holds the finished points of an earlier run of a sweep; pass --resume to continue it, \
             or --fresh to discard them and start over",
            path.display()
        )));
    }
    let ours = lines::read_header(&text).is_some_and(|h| h.fingerprint == run.header.fingerprint);
    if !ours {
        return Err(Error::Usage(format!(
            "{} belongs to another sweep, or to this sweep before it or its scenario changed, \
             or to another version of scimsim; run with --fresh instead of --resume to start over",
            path.display()
        )));
    }
    let points = lines::read_points(&text, &shape(run.plan, run.header.shard), true)
        .map_err(|bad| Error::Usage(format!("{} (run with --fresh to start over)", bad_line(path, &bad))))?;
    let mut points: Vec<PointResult> = points.into_iter().map(|(_, p)| p).collect();
    points.sort_by_key(|p| p.index);
    Ok(points)
}

/// The header line and a line per point: a checkpoint's or shard file's whole text.
fn file_text(header: &Header, points: &[PointResult]) -> String {
    let mut text = header.line();
    text.push('\n');
    for p in points {
        text.push_str(&lines::point_line(p));
        text.push('\n');
    }
    text
}

/// What the points finished so far went to: the open checkpoint, the points, the first write
/// error.
struct Kept {
    file: fs::File,
    done: Vec<PointResult>,
    error: Option<Error>,
}

/// Runs the sweep (or its shard), calling `progress` after each replication, `resumed_points`
/// once with the number of points taken from the checkpoint, and `points_done` after each
/// finished point with the points finished and the points to run. Each point is appended to
/// the checkpoint (and synced) as soon as it is finished, so a signal keeps every finished point
/// and even a kill loses only those in progress. A finished shard's file is written again with
/// its points in grid order, so that its bytes do not depend on the thread count.
pub fn run_checkpointed(
    run: &Checkpointed<'_>,
    progress: &(dyn Fn() + Sync),
    resumed_points: &dyn Fn(usize),
    points_done: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepOutcome, Error> {
    let path = run.path();
    let done = resumed(run, &path)?;
    resumed_points(done.len());
    // Rewrite the checkpoint from what is kept (so that a cut last line never stays behind),
    // whole or not at all: the points it holds are never lost.
    write_atomic(&path, file_text(run.header, &done).as_bytes())?;
    let write_err = |source| Error::Write { path: path.clone(), source };
    let file = open_no_follow(OpenOptions::new().append(true), &path).map_err(write_err)?;

    let selected = run.selected();
    let total = selected.len();
    let finished: std::collections::HashSet<usize> = done.iter().map(|p| p.index).collect();
    let todo: Vec<usize> = selected.into_iter().filter(|i| !finished.contains(i)).collect();
    // The test option stops as Ctrl-C would, without raising the process-wide flag.
    let enough = |n: usize| run.stop_after_points.is_some_and(|after| n >= after);
    let hook = AtomicBool::new(enough(done.len()));
    let stop = || run.stop.load(Ordering::Relaxed) || hook.load(Ordering::Relaxed);
    let kept = Mutex::new(Kept { file, done, error: None });
    let keep = |p: PointResult| {
        let mut guard = kept.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = &mut *guard;
        if kept.error.is_some() {
            return;
        }
        let line = format!("{}\n", lines::point_line(&p));
        match kept.file.write_all(line.as_bytes()).and_then(|()| kept.file.sync_data()) {
            Ok(()) => {
                kept.done.push(p);
                points_done(kept.done.len(), total);
                if enough(kept.done.len()) {
                    hook.store(true, Ordering::Relaxed);
                }
            }
            Err(source) => {
                kept.error = Some(write_err(source));
                hook.store(true, Ordering::Relaxed);
            }
        }
    };
    for batch in chunks(run.plan, &todo) {
        if stop() {
            break;
        }
        run_points(run.plan, &batch, progress, &stop, &keep);
    }
    let Kept { file, mut done, error } = kept.into_inner().unwrap_or_else(PoisonError::into_inner);
    drop(file);
    if let Some(e) = error {
        return Err(e);
    }
    if done.len() < total {
        return Ok(SweepOutcome::Interrupted { done: done.len(), total, checkpoint: path });
    }
    done.sort_by_key(|p| p.index);
    if run.header.shard.is_some() {
        write_atomic(&path, file_text(run.header, &done).as_bytes())?;
        return Ok(SweepOutcome::Finished(None));
    }
    Ok(SweepOutcome::Finished(Some(assemble(run.plan, done))))
}

/// Removes the checkpoint once the sweep's files are written.
pub fn remove_checkpoint(dir: &Path) -> Result<(), Error> {
    let path = dir.join(CHECKPOINT_FILE);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Write { path, source: e }),
        _ => Ok(()),
    }
}
