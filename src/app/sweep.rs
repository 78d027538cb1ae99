//! `scimsim sweep`: a base scenario over the grid of a sweep file's axes, with checkpoints so
//! that Ctrl-C keeps the finished points and `--resume` continues from them.

use super::checkpoint::{Checkpointed, SweepOutcome, lines, remove_checkpoint, run_checkpointed};
use super::error::Error;
use super::files::{load_sweep, prepare_output_dir, remove_stale, write_charts, write_files};
use super::memory::{MemoryUse, check_memory};
use super::parallel::{CHUNK_REPLICATIONS, threads, with_threads};
use super::progress::Progress;
use super::{check_flags, summarise_files};
use crate::charts;
use crate::input::sweep_plan::SweepPlan;
use crate::report::{render_all, sweep_exporters};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Options of `sweep`.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// Output folder (default `output/<sweep name>`).
    pub output: Option<PathBuf>,
    /// Replications per grid point, overriding the file's.
    pub replications: Option<u64>,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Continue from the points the output folder's checkpoint holds.
    pub resume: bool,
    /// Skip the charts.
    pub no_charts: bool,
    /// Size of the charts.
    pub chart_size: charts::ChartSize,
    /// For tests: behave as if Ctrl-C came once this many points are finished.
    pub stop_after_points: Option<usize>,
}

/// Raised by the first Ctrl-C; a second one ends the process at once.
static STOP: AtomicBool = AtomicBool::new(false);

/// Runs the sweep at `path` and writes its report.
pub fn sweep(path: &Path, options: SweepOptions) -> Result<(), Error> {
    check_flags(options.replications, options.jobs)?;
    let input = load_sweep(path, options.replications)?;
    let plan = input.plan;
    let fingerprint = lines::fingerprint(&input.text, &input.base_text, plan.replications);
    let total = plan.replications.saturating_mul(plan.points.len() as u64);
    check_sweep_fits(path, &plan, &options, total)?;
    let dir = options.output.clone().unwrap_or_else(|| Path::new("output").join(&plan.name));
    prepare_output_dir(&dir)?;
    // Ctrl-C stops at the next replication and keeps the finished points.
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let progress = Progress::new(total, options.quiet, "replications");
    let run = Checkpointed {
        plan: &plan,
        fingerprint: &fingerprint,
        dir: &dir,
        resume: options.resume,
        stop: &STOP,
        stop_after_points: options.stop_after_points,
    };
    let outcome = with_threads(options.jobs, || {
        run_checkpointed(&run, &|| progress.advance(), &|n| progress.skip(n as u64 * plan.replications))
    })??;
    progress.finish();
    let result = match outcome {
        SweepOutcome::Finished(result) => result,
        SweepOutcome::Interrupted { done, total, checkpoint } => {
            return Err(Error::Interrupted(format!(
                "interrupted after {done} of {total} grid points; the finished points are kept in {} \
                 (run the same command with --resume to continue)",
                checkpoint.display()
            )));
        }
    };
    let mut written = Vec::new();
    write_files(&dir, render_all(&sweep_exporters(), &result), &mut written)?;
    remove_checkpoint(&dir)?;
    if options.no_charts {
        // No chart of an earlier run stays beside this run's data.
        remove_stale(&dir, &charts::sweep_chart_files())?;
    }
    let charts =
        if options.no_charts { Ok(Vec::new()) } else { charts::sweep_charts(&result, options.chart_size) };
    let chart_error = write_charts(&dir, charts, &mut written)?;
    if !options.quiet {
        print_summary(&plan, &dir, &written);
    }
    chart_error.map_or(Ok(()), Err)
}

/// Says before anything runs when the charts could not show the grid, or the sweep would not
/// fit in memory.
fn check_sweep_fits(path: &Path, plan: &SweepPlan, options: &SweepOptions, total: u64) -> Result<(), Error> {
    let panels: usize = plan.axes.iter().skip(1).map(|a| a.values.len()).product();
    if !options.no_charts && panels > charts::MAX_PANELS {
        return Err(Error::Usage(format!(
            "{}: the axes after the first make {panels} combinations, but a chart shows at most {} panels; \
             put the axis with the most values first, sweep fewer combinations, or run with --no-charts",
            path.display(),
            charts::MAX_PANELS
        )));
    }
    let largest = plan.points.iter().map(|(_, s)| s).max_by_key(|s| s.estimated_bytes_per_replication());
    if let Some(largest) = largest {
        check_memory(
            largest,
            MemoryUse::sweep(total, plan.replications, CHUNK_REPLICATIONS, threads(options.jobs)),
        )?;
    }
    Ok(())
}

fn print_summary(plan: &SweepPlan, dir: &Path, written: &[String]) {
    let axes: Vec<String> =
        plan.axes.iter().map(|a| format!("{} ({} values)", a.path, a.values.len())).collect();
    let n = plan.base.strategies.len();
    println!(
        "{}: {} grid points × {} replications of {n} strateg{} of {}",
        plan.name,
        plan.points.len(),
        plan.replications,
        if n == 1 { "y" } else { "ies" },
        plan.base.name
    );
    println!("axes: {}", axes.join(" × "));
    println!("wrote {}/ ({})", dir.display(), summarise_files(written));
}
