//! The `scimsim` command line: parses flags, calls the application layer, prints `Error: …`
//! and picks the exit code.

use clap::{Args, Parser, Subcommand, ValueEnum};
use scimsim::app::console;
use scimsim::app::{
    self, Error, ImportOptions, MergeOptions, RunOptions, SweepOptions, TraceFormat, TraceOptions,
};
use scimsim::charts::ChartSize;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// How `run`, `sweep` and `merge` write their report files.
#[derive(Args, Debug)]
struct ReportArgs {
    /// Do not draw the charts.
    #[arg(long)]
    no_charts: bool,
    /// Chart size in pixels, WIDTHxHEIGHT (640x360 to 3840x2160; 1920x1080 for 16:9 slides).
    #[arg(long, value_name = "WxH", default_value_t = ChartSize::DEFAULT)]
    chart_size: ChartSize,
    /// Start every CSV with a UTF-8 byte-order mark, so that Excel reads non-ASCII text
    /// correctly (the columns are unchanged).
    #[arg(long)]
    excel: bool,
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
        #[command(flatten)]
        files: ReportArgs,
        /// Also write people.csv for a synthetic population (an explicit one always has it).
        #[arg(long)]
        people: bool,
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
        #[arg(long, conflicts_with = "fresh")]
        resume: bool,
        /// Discard the points an earlier run left in the output folder and start over.
        #[arg(long)]
        fresh: bool,
        /// Run only shard K of N of the grid (points p with p mod N = K − 1) into
        /// shard-K-of-N.jsonl, for `merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        #[command(flatten)]
        files: ReportArgs,
    },
    /// Merge the shard files of one sweep (`sweep --shard K/N`) into the sweep's report.
    Merge {
        /// Shard files (`shard-K-of-N.jsonl`), or folders that hold them.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder [default: output/<sweep name>].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        files: ReportArgs,
    },
    /// Tell, person by person, what happened in one replication of one strategy, and why.
    Trace {
        /// Scenario file (JSON).
        scenario: PathBuf,
        /// The strategy to trace (its name).
        #[arg(short, long)]
        strategy: String,
        /// The replication (0-based, as in replications.csv).
        #[arg(short = 'k', long, default_value_t = 0)]
        replication: u64,
        /// Seed (overrides the file; use the one `run --seed` used).
        #[arg(long)]
        seed: Option<u64>,
        /// Only this person (their id in the scenario); repeat for more [default: everyone,
        /// affected people first].
        #[arg(short, long = "person")]
        person: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Build a scenario from a real organisation's exports, with preflight.md beside it.
    Import {
        /// IdP users: a SCIM ListResponse JSON (repeat for each page) or an IdP CSV.
        #[arg(long)]
        idp: Vec<PathBuf>,
        /// IdP groups: a SCIM ListResponse of Groups (repeat for each page).
        #[arg(long)]
        idp_groups: Vec<PathBuf>,
        /// The server (Data Center) user export CSV.
        #[arg(long)]
        server: Option<PathBuf>,
        /// Atlassian admin's "Export users" CSV.
        #[arg(long)]
        cloud: Option<PathBuf>,
        /// The migration assistant's users CSV (advanced experience).
        #[arg(long)]
        jcma: Option<PathBuf>,
        /// CSV of `server_username,idp_id` pairs that override the join.
        #[arg(long)]
        join: Option<PathBuf>,
        /// Replace every local part and id by a stable keyed hash of it and SALT.
        #[arg(long, value_name = "SALT")]
        pseudonymise: Option<String>,
        /// The scenario file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Text, for people.
    Text,
    /// One JSON object per line, for tools.
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    /// The scenario file.
    Scenario,
    /// The sweep file.
    Sweep,
    /// `report.json`, written by `run`.
    Report,
    /// `sweep.json`, written by `sweep` and `merge`.
    SweepResult,
}

fn main() -> ExitCode {
    // `scimsim check | head`: when the pipe closes, end quietly as other tools do, instead of
    // failing on the next write.
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A bug must still end with one clean line, never a backtrace (nor a second panic when
    // standard error cannot be written).
    std::panic::set_hook(Box::new(|info| {
        console::err_fmt(format_args!(
            "Error: internal error ({info}); please report it with the input that caused it\n"
        ));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let result = match cli.command {
        Command::Run {
            scenario,
            output,
            replications,
            seed,
            jobs,
            quiet,
            files: ReportArgs { no_charts, chart_size, excel },
            people,
        } => {
            let options =
                RunOptions { output, replications, seed, jobs, quiet, no_charts, chart_size, excel, people };
            app::run(&scenario, options)
        }
        Command::Sweep {
            sweep,
            output,
            replications,
            jobs,
            quiet,
            resume,
            fresh,
            shard,
            files: ReportArgs { no_charts, chart_size, excel },
        } => shard.as_deref().map(app::parse_shard).transpose().and_then(|shard| {
            let options = SweepOptions {
                output,
                replications,
                jobs,
                quiet,
                resume,
                fresh,
                shard,
                no_charts,
                chart_size,
                excel,
                ..Default::default()
            };
            app::sweep(&sweep, options)
        }),
        Command::Merge { shards, output, quiet, files: ReportArgs { no_charts, chart_size, excel } } => {
            app::merge(&shards, MergeOptions { output, quiet, no_charts, chart_size, excel })
        }
        Command::Trace { scenario, strategy, replication, seed, person, format } => {
            let format = match format {
                Format::Text => TraceFormat::Text,
                Format::Jsonl => TraceFormat::Jsonl,
            };
            app::trace(&scenario, &TraceOptions { strategy, replication, seed, people: person, format })
        }
        Command::Import { idp, idp_groups, server, cloud, jcma, join, pseudonymise, output, quiet } => {
            app::import(&ImportOptions {
                idp,
                idp_groups,
                server,
                cloud,
                jcma,
                join,
                pseudonymise,
                output,
                quiet,
            })
        }
        Command::Validate { files } => app::validate(&files),
        Command::Schema { kind } => {
            let kind = match kind {
                SchemaKind::Scenario => app::SchemaKind::Scenario,
                SchemaKind::Sweep => app::SchemaKind::Sweep,
                SchemaKind::Report => app::SchemaKind::Report,
                SchemaKind::SweepResult => app::SchemaKind::SweepResult,
            };
            console::out_fmt(format_args!("{}\n", app::schema(kind)))
        }
        Command::Check { paths, jobs } => app::check(paths, jobs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `check` has already said which expectations failed; a reader that went away
            // wants nothing more.
            if !matches!(e, Error::ExpectationsFailed(_)) && !console::is_broken_pipe(&e) {
                console::err_fmt(format_args!("Error: {e}\n"));
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// Prints clap's help, version or usage error and picks its exit code; help or version that
/// cannot be written to standard output is an error (exit 1), as for every other output.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    match e.print() {
        Err(source) if !e.use_stderr() && source.kind() != std::io::ErrorKind::BrokenPipe => {
            console::err_fmt(format_args!("Error: {}\n", console::stdout_error(source)));
            ExitCode::FAILURE
        }
        _ => ExitCode::from(code),
    }
}
