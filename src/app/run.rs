//! `scimsim run`: every strategy of a scenario for every replication, then the reports and
//! charts.

use super::console::{errln, outln};
use super::error::Error;
use super::files::for_excel;
use super::files::{
    FOLDER_LOCK, load_scenario, lock_output, prepare_output_dir, report_files, write_outputs,
};
use super::memory::{MemoryUse, check_memory};
use super::parallel::{self, threads, with_threads};
use super::progress::Progress;
use super::{check_flags, summarise_files};
use crate::charts;
use crate::input::scenario::{Population, Scenario};
use crate::report::{RunExporter, RunHtml, RunReport, render_all, run_exporters, terminal_table};
use crate::results::{RunConfig, RunResult};
use std::path::{Path, PathBuf};

/// Options of `run`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Output folder (default `output/<scenario name>`).
    pub output: Option<PathBuf>,
    /// Replications, overriding the file's.
    pub replications: Option<u64>,
    /// Seed, overriding the file's.
    pub seed: Option<u64>,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Skip the charts.
    pub no_charts: bool,
    /// Size of the charts.
    pub chart_size: charts::ChartSize,
    /// Start every CSV with a UTF-8 byte-order mark (for Excel).
    pub excel: bool,
    /// Write `people.csv` for a synthetic population too (an explicit one always has it).
    pub people: bool,
}

/// Runs the scenario at `path` and writes its report.
pub fn run(path: &Path, options: RunOptions) -> Result<(), Error> {
    check_flags(options.replications, options.jobs)?;
    let scenario = load_scenario(path)?;
    let mut config = RunConfig::of(&scenario);
    config.replications = options.replications.unwrap_or(config.replications);
    config.seed = options.seed.unwrap_or(config.seed);
    // Replications × strategies is the most that can run at once (when the strategies of a
    // replication run in parallel, see `parallel`).
    let items = config.replications.saturating_mul(scenario.strategies.len() as u64);
    let (jobs, note) = parallel::cap_jobs(options.jobs, items, "run");
    if let Some(note) = note.filter(|_| !options.quiet) {
        errln!("{note}");
    }
    let options = RunOptions { jobs, ..options };
    let people = options.people || matches!(scenario.population, Population::Explicit(_));
    let usage = MemoryUse {
        people,
        ..MemoryUse::run(config.replications, scenario.strategies.len(), threads(options.jobs))
    };
    check_memory(&scenario, usage)?;
    let dir = options.output.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    prepare_output_dir(&dir)?;
    // Ctrl-C, SIGTERM or SIGHUP end the run from here on, writing nothing (see `interrupt`).
    super::interrupt::run_started(config.replications);
    let _lock = lock_output(&dir, FOLDER_LOCK)?;
    let progress = Progress::new(config.replications, options.quiet, "replications");
    let result = with_threads(options.jobs, || {
        let advance = || {
            progress.advance();
            super::interrupt::replication_done();
        };
        if people {
            parallel::run_explained(&scenario, config, &advance)
        } else {
            parallel::run(&scenario, config, &advance)
        }
    })?;
    progress.finish();
    super::interrupt::run_writing();
    let report = RunReport { scenario: &scenario, result: &result };
    let data = for_excel(render_all(&run_exporters(people), &report), options.excel);
    let charts = if options.no_charts {
        Ok(Vec::new())
    } else {
        parallel::run_charts(&scenario, &result, options.chart_size, options.jobs)?
    };
    let (files, chart_error) = report_files(data, charts, options.no_charts, |shown, note| {
        render_all(&[Box::new(RunHtml::new(shown, note)) as Box<RunExporter>], &report)
    });
    write_outputs(&dir, &files, &charts::run_chart_files())?;
    let written: Vec<String> = files.into_iter().map(|(name, _)| name).collect();
    let printed = if options.quiet { Ok(()) } else { print_summary(&scenario, &result, &dir, &written) };
    chart_error.map_or(printed, Err)
}

fn print_summary(
    scenario: &Scenario,
    result: &RunResult,
    dir: &Path,
    written: &[String],
) -> Result<(), Error> {
    outln!(
        "{}: {} replication{} of {} strateg{}, seed {}",
        scenario.name,
        result.replications,
        if result.replications == 1 { "" } else { "s" },
        result.strategies.len(),
        if result.strategies.len() == 1 { "y" } else { "ies" },
        result.seed
    )?;
    outln!("wrote {}/ ({})\n", dir.display(), summarise_files(written))?;
    super::console::out_fmt(format_args!("{}", terminal_table(scenario, result)))
}
