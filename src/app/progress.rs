//! The progress bar on stderr.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A progress bar on stderr for runs longer than a moment: hidden at first, shown once the
/// run has taken half a second; never drawn when stderr is not a terminal or with `--quiet`.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
    shown: AtomicBool,
    quiet: bool,
}

impl Progress {
    /// A bar over `total` units of work.
    pub fn new(total: u64, quiet: bool, unit: &str) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{elapsed:>4}} [{{bar:30}}] {{pos}}/{{len}} {unit} · {{per_sec}} · {{eta}} left"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar, start: Instant::now(), shown: AtomicBool::new(false), quiet }
    }

    /// Records one finished replication (every strategy).
    pub fn advance(&self) {
        if !self.quiet
            && self.start.elapsed() >= Duration::from_millis(500)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// Counts work already done (a resumed sweep's points).
    pub fn skip(&self, n: u64) {
        self.bar.inc(n);
        self.bar.reset_eta();
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
