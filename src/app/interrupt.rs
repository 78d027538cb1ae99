//! Ctrl-C, SIGTERM and SIGHUP (what Slurm and Kubernetes send at a time limit or a
//! preemption, and a closed terminal), all handled alike.
//!
//! A sweep keeps its finished points: the first signal raises [`stop_flag`], the sweep stops at
//! the next replication and exits 1 saying how many points are kept. A `run` keeps no partial
//! result (its report is written whole or not at all): while its replications run, a signal
//! ends it at once with exit code 1 and how many replications were finished; once its files are
//! being written, they are finished first. A second signal ends the process at once (130).
//! Whenever a signal ends the process, the output folders' lock files ([`hold`]) go with it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Once, PoisonError};

static STOP: AtomicBool = AtomicBool::new(false);
static RUNNING_RUN: AtomicBool = AtomicBool::new(false);
static RUN_DONE: AtomicU64 = AtomicU64::new(0);
static RUN_TOTAL: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();
static HELD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Ends the process with `code`, removing the files [`hold`] lists first.
fn exit(code: i32) -> ! {
    for path in HELD.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        let _ = std::fs::remove_file(path);
    }
    std::process::exit(code)
}

/// `path` (a lock file) is removed if a signal ends the process before [`release`].
pub fn hold(path: &Path) {
    HELD.lock().unwrap_or_else(PoisonError::into_inner).push(path.to_path_buf());
}

/// `path` is no longer [`hold`]'s to remove.
pub fn release(path: &Path) {
    HELD.lock().unwrap_or_else(PoisonError::into_inner).retain(|p| p != path);
}

fn on_signal() {
    if RUNNING_RUN.load(Ordering::SeqCst) {
        let (done, total) = (RUN_DONE.load(Ordering::SeqCst), RUN_TOTAL.load(Ordering::SeqCst));
        super::console::errln!(
            "\nError: interrupted after {done} of {total} replications; nothing was written \
             (a run's report is written whole or not at all)"
        );
        exit(1);
    }
    if STOP.swap(true, Ordering::SeqCst) {
        exit(130);
    }
}

fn install() {
    INSTALL.call_once(|| {
        // Without a handler (another one is installed) the signals keep their default action.
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// The flag the first Ctrl-C, SIGTERM or SIGHUP raises (the handler is installed on first use).
pub fn stop_flag() -> &'static AtomicBool {
    install();
    &STOP
}

/// A `run` of `total` replications starts: a signal from now on ends the process, saying how
/// many replications [`replication_done`] counted.
pub fn run_started(total: u64) {
    install();
    RUN_DONE.store(0, Ordering::SeqCst);
    RUN_TOTAL.store(total, Ordering::SeqCst);
    RUNNING_RUN.store(true, Ordering::SeqCst);
}

/// One replication of the `run` is finished.
pub fn replication_done() {
    RUN_DONE.fetch_add(1, Ordering::Relaxed);
}

/// The `run`'s replications are over and its files are being written: a signal now waits for
/// them (a second one still ends the process at once).
pub fn run_writing() {
    RUNNING_RUN.store(false, Ordering::SeqCst);
}
