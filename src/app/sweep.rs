//! `scimsim sweep`: a base scenario over the grid of a sweep file's axes, with checkpoints so
//! that Ctrl-C (or SIGTERM, SIGHUP) keeps the finished points and `--resume` continues from
//! them; `--shard K/N` runs one shard of the grid into `shard-K-of-N.jsonl`, for `merge`.

use super::checkpoint::lines::{self, Header, Shard};
use super::checkpoint::{Checkpointed, SweepOutcome, remove_checkpoint, run_checkpointed};
use super::console::{errln, is_stdout_error, outln};
use super::error::Error;
use super::files::for_excel;
use super::files::{FOLDER_LOCK, load_sweep, lock_output, prepare_output_dir, report_files, write_outputs};
use super::memory::{MemoryUse, check_memory, estimate};
use super::parallel::{CHUNK_REPLICATIONS, cap_jobs, threads, with_threads};
use super::progress::Progress;
use super::{check_flags, summarise_files};
use crate::charts;
use crate::input::sweep_plan::SweepPlan;
use crate::report::{Exporter, SweepHtml, render_all, sweep_exporters};
use crate::results::sweep::SweepResult;
use std::path::{Path, PathBuf};

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
    /// Discard the output folder's checkpoint and start over.
    pub fresh: bool,
    /// Run only this shard of the grid, into `shard-K-of-N.jsonl`.
    pub shard: Option<Shard>,
    /// Skip the charts.
    pub no_charts: bool,
    /// Size of the charts.
    pub chart_size: charts::ChartSize,
    /// Start every CSV with a UTF-8 byte-order mark (for Excel).
    pub excel: bool,
    /// For tests: behave as if Ctrl-C came once this many points are finished.
    pub stop_after_points: Option<usize>,
}

/// Reads `K/N` (1 ≤ K ≤ N) for `--shard`.
pub fn parse_shard(text: &str) -> Result<Shard, Error> {
    let usage = || {
        Error::Usage(format!(
            "--shard {text}: give K/N with 1 ≤ K ≤ N, e.g. --shard 1/4 for the first of four shards"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(usage)?;
    let (k, n): (usize, usize) =
        (k.trim().parse().map_err(|_| usage())?, n.trim().parse().map_err(|_| usage())?);
    if k == 0 || k > n {
        return Err(usage());
    }
    Ok(Shard { k, n })
}

/// Runs the sweep at `path` and writes its report (or, for a shard, its shard file).
pub fn sweep(path: &Path, options: SweepOptions) -> Result<(), Error> {
    check_flags(options.replications, options.jobs)?;
    if options.resume && options.fresh {
        return Err(Error::Usage("--resume and --fresh cannot go together: choose one".into()));
    }
    let input = load_sweep(path, options.replications)?;
    let plan = input.plan;
    let header = Header {
        fingerprint: lines::fingerprint(&input.text, &input.base_text, plan.replications),
        shard: options.shard,
        replications: plan.replications,
        sweep: input.text,
        scenario: input.base_text,
    };
    let n_points = match options.shard {
        Some(s) => (0..plan.points.len()).filter(|&p| s.holds(p)).count(),
        None => plan.points.len(),
    };
    let total = plan.replications.saturating_mul(n_points as u64);
    let (jobs, note) = cap_jobs(options.jobs, total, if options.shard.is_some() { "shard" } else { "sweep" });
    if let Some(note) = note.filter(|_| !options.quiet) {
        errln!("{note}");
    }
    let options = SweepOptions { jobs, ..options };
    // A shard draws no chart: `merge` checks the panels.
    check_sweep_fits(path, &plan, options.no_charts || options.shard.is_some(), options.jobs, total)?;
    let dir = options.output.clone().unwrap_or_else(|| Path::new("output").join(&plan.name));
    prepare_output_dir(&dir)?;
    // Ctrl-C, SIGTERM or SIGHUP stop at the next replication and keep the finished points.
    let stop = super::interrupt::stop_flag();
    // Shards of one sweep share a folder: each locks its own file only.
    let lock_name =
        options.shard.map_or(FOLDER_LOCK.to_string(), |s| format!(".{}.lock", lines::shard_file(s)));
    let _lock = lock_output(&dir, &lock_name)?;
    // A shard runs under a scheduler: its progress is a line per finished point in the job's
    // log (never a bar redrawn with carriage returns).
    let progress = Progress::new(total, options.quiet || options.shard.is_some(), "replications");
    let log_points = |done: usize, of: usize| {
        if let Some(s) = options.shard.filter(|_| !options.quiet) {
            errln!("shard {}/{}: {done}/{of} points done", s.k, s.n);
        }
    };
    let run = Checkpointed {
        plan: &plan,
        header: &header,
        dir: &dir,
        resume: options.resume,
        fresh: options.fresh,
        stop,
        stop_after_points: options.stop_after_points,
    };
    let outcome = with_threads(options.jobs, || {
        run_checkpointed(
            &run,
            &|| progress.advance(),
            &|n| {
                progress.skip(n as u64 * plan.replications);
                log_points(n, n_points);
            },
            &log_points,
        )
    })??;
    progress.finish();
    let result = match outcome {
        SweepOutcome::Finished(Some(result)) => result,
        SweepOutcome::Finished(None) => {
            if !options.quiet {
                outln!(
                    "{}: shard {} of {}, {n_points} of {} grid points × {} replications; wrote {}",
                    plan.name,
                    header.shard.map_or(1, |s| s.k),
                    header.shard.map_or(1, |s| s.n),
                    plan.points.len(),
                    plan.replications,
                    run.path().display()
                )?;
            }
            return Ok(());
        }
        SweepOutcome::Interrupted { done, total, checkpoint } => {
            return Err(Error::Interrupted(format!(
                "interrupted after {done} of {total} grid points; the finished points are kept in {} \
                 (run the same command with --resume to continue)",
                checkpoint.display()
            )));
        }
    };
    let written = write_report(&plan, &result, &dir, &ReportChoices::of(&options), options.quiet);
    // Once the data files are written (a chart may still have failed, or the summary not
    // printed), the checkpoint goes.
    if matches!(&written, Ok(()) | Err(Error::Chart(_))) || written.as_ref().is_err_and(is_stdout_error) {
        remove_checkpoint(&dir)?;
    }
    written
}

/// How a sweep's report is written: with charts or not, their size, CSVs for Excel or not.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReportChoices {
    /// Skip the charts.
    pub no_charts: bool,
    /// Size of the charts.
    pub chart_size: charts::ChartSize,
    /// UTF-8 byte-order mark before every CSV.
    pub excel: bool,
}

impl ReportChoices {
    fn of(options: &SweepOptions) -> ReportChoices {
        ReportChoices { no_charts: options.no_charts, chart_size: options.chart_size, excel: options.excel }
    }
}

/// Writes a finished sweep's `sweep.json`, `sweep.csv` and charts into `dir` and says so (the
/// one ending of `sweep` and `merge`).
pub(super) fn write_report(
    plan: &SweepPlan,
    result: &SweepResult,
    dir: &Path,
    choices: &ReportChoices,
    quiet: bool,
) -> Result<(), Error> {
    let ReportChoices { no_charts, chart_size, excel } = *choices;
    let data = for_excel(render_all(&sweep_exporters(), result), excel);
    let charts = if no_charts { Ok(Vec::new()) } else { charts::sweep_charts(result, chart_size) };
    let (files, chart_error) = report_files(data, charts, no_charts, |shown, note| {
        render_all(&[Box::new(SweepHtml::new(shown, note)) as Box<dyn Exporter<SweepResult>>], result)
    });
    write_outputs(dir, &files, &charts::sweep_chart_files())?;
    let written: Vec<String> = files.into_iter().map(|(name, _)| name).collect();
    let printed = if quiet { Ok(()) } else { print_summary(plan, dir, &written) };
    chart_error.map_or(printed, Err)
}

/// Says before anything runs when the charts could not show the grid, or the sweep would not
/// fit in memory.
fn check_sweep_fits(
    path: &Path,
    plan: &SweepPlan,
    no_charts: bool,
    jobs: Option<usize>,
    total: u64,
) -> Result<(), Error> {
    check_panels(path, plan, no_charts)?;
    let usage = MemoryUse::sweep(
        plan.points.len() as u64,
        total,
        plan.replications,
        CHUNK_REPLICATIONS,
        threads(jobs),
    );
    let largest = plan.points.iter().map(|(_, s)| s).max_by_key(|s| estimate(s, usage).total);
    if let Some(largest) = largest {
        check_memory(largest, usage)?;
    }
    Ok(())
}

/// Says when the charts could not show the grid.
pub(super) fn check_panels(path: &Path, plan: &SweepPlan, no_charts: bool) -> Result<(), Error> {
    let panels: usize = plan.axes.iter().skip(1).map(|a| a.values.len()).product();
    if !no_charts && panels > charts::MAX_PANELS {
        return Err(Error::Usage(format!(
            "{}: the axes after the first make {panels} combinations, but a chart shows at most {} panels; \
             put the axis with the most values first, sweep fewer combinations, or run with --no-charts",
            path.display(),
            charts::MAX_PANELS
        )));
    }
    Ok(())
}

fn print_summary(plan: &SweepPlan, dir: &Path, written: &[String]) -> Result<(), Error> {
    let axes: Vec<String> =
        plan.axes.iter().map(|a| format!("{} ({} values)", a.path, a.values.len())).collect();
    let n = plan.base.strategies.len();
    outln!(
        "{}: {} grid points × {} replications of {n} strateg{} of {}",
        plan.name,
        plan.points.len(),
        plan.replications,
        if n == 1 { "y" } else { "ies" },
        plan.base.name
    )?;
    outln!("axes: {}", axes.join(" × "))?;
    outln!("wrote {}/ ({})", dir.display(), summarise_files(written))
}
