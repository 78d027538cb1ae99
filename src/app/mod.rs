//! The application layer: the use cases behind the command line (`run`, `sweep`, `merge`, `trace`,
//! `import`, `check`, `validate`, `schema`) and everything that touches the outside world — files, the output
//! folder, memory limits, threads, signals, the progress bar. The layers below take values and
//! return values.

pub mod check;
pub mod checkpoint;
pub mod console;
pub mod error;
pub mod files;
pub mod import;
pub mod interrupt;
pub mod manifest;
pub mod memory;
pub mod merge;
pub mod parallel;
pub mod progress;
pub mod run;
pub mod sweep;
pub mod trace;
pub mod validate;

pub use check::check;
pub use error::Error;
pub use import::{ImportOptions, import};
pub use merge::{MergeOptions, merge};
pub use run::{RunOptions, run};
pub use sweep::{SweepOptions, parse_shard, sweep};
pub use trace::{TraceFormat, TraceOptions, trace};
pub use validate::{SchemaKind, schema, validate};

use crate::input::scenario::limits;

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
