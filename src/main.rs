//! The `scimsim` command line: parses flags, calls the library, prints, picks the exit code.

use clap::{Parser, Subcommand, ValueEnum};
use scimsim::charts;
use scimsim::error::Error;
use scimsim::format::format_number;
use scimsim::input::scenario::{Scenario, limits};
use scimsim::metrics::MetricId;
use scimsim::report::{run_exporters, sweep_exporters};
use scimsim::resume::{Checkpointed, SweepOutcome, run_checkpointed};
use scimsim::runner::{self, RunConfig, RunResult};
use scimsim::sweep::{SweepFile, SweepPlan};
use scimsim::{input::raw::ScenarioFile, input::reader::FromJson, io};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Parser)]
#[command(
    name = "scimsim",
    version,
    about = "Simulate SCIM provisioning strategies for an Atlassian server/DC to cloud migration"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every strategy of a scenario and write the report.
    Run {
        /// Scenario file (JSON).
        scenario: PathBuf,
        /// Output folder [default: output/<scenario name>].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Number of replications (overrides the file).
        #[arg(short, long)]
        replications: Option<u64>,
        /// Seed (overrides the file).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads [default: one per core].
        #[arg(short = 'j', long = "jobs")]
        jobs: Option<usize>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Do not draw the charts.
        #[arg(long)]
        no_charts: bool,
    },
    /// Run a scenario over a grid of parameter values and write the sweep report.
    Sweep {
        /// Sweep file (`*.sweep.json`).
        sweep: PathBuf,
        /// Output folder [default: output/<sweep name>].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Replications per grid point (overrides the file).
        #[arg(short, long)]
        replications: Option<u64>,
        /// Worker threads [default: one per core].
        #[arg(short = 'j', long = "jobs")]
        jobs: Option<usize>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Continue an interrupted sweep from the points its output folder already holds.
        #[arg(long)]
        resume: bool,
        /// Do not draw the charts.
        #[arg(long)]
        no_charts: bool,
    },
    /// Check scenario and sweep files (`*.sweep.json`) without running them.
    Validate {
        /// Scenario or sweep files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of a file format.
    Schema {
        /// Which format.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Run every scenario that has `expect` and check its expectations.
    Check {
        /// Scenario files or folders [default: scenarios/].
        paths: Vec<PathBuf>,
        /// Worker threads [default: one per core].
        #[arg(short = 'j', long = "jobs")]
        jobs: Option<usize>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    /// The scenario file.
    Scenario,
    /// The sweep file.
    Sweep,
}

fn main() -> ExitCode {
    // `scimsim check | head`: when the pipe closes, end quietly as other tools do, instead of
    // failing on the next write.
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A bug must still end with one clean line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("Error: internal error ({info}); please report it with the input that caused it");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { scenario, output, replications, seed, jobs, quiet, no_charts } => {
            run(&scenario, RunOptions { output, replications, seed, jobs, quiet, no_charts })
        }
        Command::Sweep { sweep: path, output, replications, jobs, quiet, resume, no_charts } => {
            sweep(&path, SweepOptions { output, replications, jobs, quiet, resume, no_charts })
        }
        Command::Validate { files } => validate(&files),
        Command::Schema { kind } => {
            schema(kind);
            Ok(())
        }
        Command::Check { paths, jobs } => check(paths, jobs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, Error::ExpectationsFailed(_)) {
                eprintln!("Error: {e}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// The number of worker threads a run will use.
fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Refuses `-r` and `-j` values out of range, before anything is read or written.
fn check_flags(replications: Option<u64>, jobs: Option<usize>) -> Result<(), Error> {
    if replications.is_some_and(|r| r == 0 || r > limits::MAX_REPLICATIONS) {
        return Err(Error::Usage(format!("-r must be between 1 and {}", limits::MAX_REPLICATIONS)));
    }
    if jobs == Some(0) {
        return Err(Error::Usage("-j must be at least 1".to_string()));
    }
    Ok(())
}

/// Runs `work` on a pool of `jobs` threads (rayon's default when `None`).
fn with_threads<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j);
    }
    let pool = builder.build().map_err(|e| Error::Usage(format!("cannot start {jobs:?} threads: {e}")))?;
    Ok(pool.install(work))
}

/// Options of `run`.
struct RunOptions {
    output: Option<PathBuf>,
    replications: Option<u64>,
    seed: Option<u64>,
    jobs: Option<usize>,
    quiet: bool,
    no_charts: bool,
}

fn run(path: &Path, options: RunOptions) -> Result<(), Error> {
    check_flags(options.replications, options.jobs)?;
    let scenario = io::load_scenario(path)?;
    let mut config = RunConfig::of(&scenario);
    config.replications = options.replications.unwrap_or(config.replications);
    config.seed = options.seed.unwrap_or(config.seed);
    io::check_memory(&scenario, io::MemoryUse::run(config.replications, threads(options.jobs)))?;
    let dir = options.output.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    io::prepare_output_dir(&dir)?;
    let progress = Progress::new(config.replications, options.quiet, "replications");
    let result = with_threads(options.jobs, || runner::run(&scenario, config, &|| progress.advance()))?;
    progress.finish();
    let mut written: Vec<String> = Vec::new();
    for exporter in run_exporters() {
        io::write_atomic(&dir.join(exporter.file_name()), &exporter.render(&scenario, &result))?;
        written.push(exporter.file_name().to_string());
    }
    // The reports are on disk before any chart is drawn: a chart failure loses no data.
    let charts = if options.no_charts { Ok(Vec::new()) } else { charts::run_charts(&scenario, &result) };
    let chart_error = write_charts(&dir, charts, &mut written)?;
    if !options.quiet {
        print_run_summary(&scenario, &result, &dir, &written);
    }
    chart_error.map_or(Ok(()), Err)
}

/// Writes the charts; a chart that could not be drawn is returned (after the others are
/// written) as the error to end with.
fn write_charts(
    dir: &Path,
    charts: Result<Vec<charts::ChartFile>, charts::ChartError>,
    written: &mut Vec<String>,
) -> Result<Option<Error>, Error> {
    match charts {
        Ok(files) => {
            for file in files {
                io::write_atomic(&dir.join(&file.name), &file.bytes)?;
                written.push(file.name);
            }
            Ok(None)
        }
        Err(e) => {
            Ok(Some(Error::Chart(format!("the charts were not drawn: {e} (the data files are written)"))))
        }
    }
}

/// Options of `sweep`.
struct SweepOptions {
    output: Option<PathBuf>,
    replications: Option<u64>,
    jobs: Option<usize>,
    quiet: bool,
    resume: bool,
    no_charts: bool,
}

/// A progress bar on stderr for runs longer than a moment: hidden at first, shown once the
/// run has taken half a second; never drawn when stderr is not a terminal or with `--quiet`.
struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
    quiet: bool,
}

impl Progress {
    fn new(total: u64, quiet: bool, unit: &str) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{elapsed:>4}} [{{bar:30}}] {{pos}}/{{len}} {unit} · {{per_sec}} · {{eta}} left"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
            quiet,
        }
    }

    /// Records one finished replication (every strategy).
    fn advance(&self) {
        use std::sync::atomic::Ordering;
        if !self.quiet
            && self.start.elapsed() >= std::time::Duration::from_millis(500)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// Counts work already done (a resumed sweep's points).
    fn skip(&self, n: u64) {
        self.bar.inc(n);
        self.bar.reset_eta();
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn print_run_summary(scenario: &Scenario, result: &RunResult, dir: &Path, written: &[String]) {
    println!(
        "{}: {} replication{} of {} strateg{}, seed {}",
        scenario.name,
        result.replications,
        if result.replications == 1 { "" } else { "s" },
        result.strategies.len(),
        if result.strategies.len() == 1 { "y" } else { "ies" },
        result.seed
    );
    println!("wrote {}/ ({})\n", dir.display(), summarise_files(written));
    let metrics = [
        ("duplicates", MetricId::DUPLICATE_PEOPLE),
        ("lost access", MetricId::LOST_ACCESS_INCIDENTS),
        ("missing access", MetricId::MISSING_ACCESS_PEOPLE),
        ("orphaned", MetricId::ORPHANED_ACCOUNTS),
        ("scim errors", MetricId::SCIM_ERRORS),
    ];
    let width = result.strategies.iter().map(|s| s.name.len()).max().unwrap_or(8).max(8);
    let mut header = format!("{:width$}", "strategy");
    for (label, _) in metrics {
        header.push_str(&format!("  {label:>14}"));
    }
    println!("{header}");
    for s in &result.strategies {
        let mut line = format!("{:width$}", s.name);
        for (_, m) in metrics {
            line.push_str(&format!("  {:>14}", format_number(s.summary(m).mean)));
        }
        println!("{line}");
    }
    println!("\nmeans over replications; see summary.md for intervals and paired comparisons");
}

/// Raised by the first Ctrl-C; a second one ends the process at once.
static STOP: AtomicBool = AtomicBool::new(false);

fn sweep(path: &Path, options: SweepOptions) -> Result<(), Error> {
    check_flags(options.replications, options.jobs)?;
    let (plan, fingerprint) = io::load_sweep(path, options.replications)?;
    let total = plan.replications.saturating_mul(plan.points.len() as u64);
    check_sweep_fits(path, &plan, &options, total)?;
    let dir = options.output.unwrap_or_else(|| Path::new("output").join(&plan.name));
    io::prepare_output_dir(&dir)?;
    // Ctrl-C stops at the next replication and keeps the finished points.
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let stop_after_points =
        std::env::var("SCIMSIM_TEST_INTERRUPT_AFTER_POINTS").ok().and_then(|v| v.parse::<usize>().ok());
    let progress = Progress::new(total, options.quiet, "replications");
    let run = Checkpointed {
        plan: &plan,
        fingerprint: &fingerprint,
        dir: &dir,
        resume: options.resume,
        stop: &STOP,
        stop_after_points,
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
    let mut written: Vec<String> = Vec::new();
    for exporter in sweep_exporters() {
        io::write_atomic(&dir.join(exporter.file_name()), &exporter.render(&result))?;
        written.push(exporter.file_name().to_string());
    }
    scimsim::resume::remove_checkpoint(&dir)?;
    let charts = if options.no_charts { Ok(Vec::new()) } else { charts::sweep_charts(&result) };
    let chart_error = write_charts(&dir, charts, &mut written)?;
    if !options.quiet {
        print_sweep_summary(&plan, &dir, &written);
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
        let chunk = scimsim::sweep::CHUNK_REPLICATIONS;
        io::check_memory(
            largest,
            io::MemoryUse::sweep(total, plan.replications, chunk, threads(options.jobs)),
        )?;
    }
    Ok(())
}

fn print_sweep_summary(plan: &SweepPlan, dir: &Path, written: &[String]) {
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

/// `a.json, b.csv, 21 charts (SVG and PNG)` — the files written, charts counted.
fn summarise_files(written: &[String]) -> String {
    let (charts, data): (Vec<&String>, Vec<&String>) =
        written.iter().partition(|f| f.ends_with(".svg") || f.ends_with(".png"));
    let mut parts: Vec<String> = data.iter().map(|f| f.to_string()).collect();
    match charts.len() / 2 {
        0 => {}
        1 => parts.push("1 chart (SVG and PNG)".to_string()),
        2 if charts.iter().any(|f| f.starts_with("timeline")) => {
            parts.push("strategies and timeline charts (SVG and PNG)".to_string())
        }
        n => parts.push(format!("{n} charts (SVG and PNG)")),
    }
    parts.join(", ")
}

fn validate(files: &[PathBuf]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for file in files {
        if file.to_string_lossy().ends_with(".sweep.json") {
            match io::load_sweep(file, None) {
                Ok((plan, _)) => println!(
                    "ok {} ({} grid points × {} replications of {})",
                    file.display(),
                    plan.points.len(),
                    plan.replications,
                    plan.base.name
                ),
                Err(e) => errors.push(e),
            }
            continue;
        }
        match io::load_scenario(file) {
            Ok(s) => println!(
                "ok {} ({} people, {} events, {} strategies)",
                file.display(),
                s.n_initial_people(),
                s.events.len(),
                s.strategies.len()
            ),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        n => {
            for e in &errors {
                eprintln!("Error: {e}");
            }
            Err(Error::Usage(format!("{n} of {} files are invalid", files.len())))
        }
    }
}

fn schema(kind: SchemaKind) {
    let (mut value, title) = match kind {
        SchemaKind::Scenario => (ScenarioFile::schema(), "scimsim scenario"),
        SchemaKind::Sweep => (SweepFile::schema(), "scimsim sweep"),
    };
    if let serde_json::Value::Object(m) = &mut value {
        m.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
        m.insert("title".into(), title.into());
    }
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
}

fn check(paths: Vec<PathBuf>, jobs: Option<usize>) -> Result<(), Error> {
    check_flags(None, jobs)?;
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let files = io::find_scenarios(&paths)?;
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    for file in &files {
        let scenario = match io::load_scenario(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Error: {e}");
                invalid += 1;
                continue;
            }
        };
        if scenario.expectations.is_empty() {
            continue;
        }
        let result = with_threads(jobs, || runner::run(&scenario, RunConfig::of(&scenario), &|| {}))?;
        for expectation in &scenario.expectations {
            let verdict = runner::evaluate(&scenario, &result, expectation);
            println!(
                "{} {}: {}",
                if verdict.passed { "ok  " } else { "FAIL" },
                file.display(),
                verdict.description
            );
            if verdict.passed {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if invalid > 0 {
        return Err(Error::Usage(format!(
            "{invalid} scenario file{} invalid",
            if invalid == 1 { " is" } else { "s are" }
        )));
    }
    if failed > 0 {
        return Err(Error::ExpectationsFailed(failed));
    }
    Ok(())
}
