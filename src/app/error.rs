//! Errors that reach the user, each with its exit code (DESIGN §7): 2 for bad input, 1 for
//! anything else. Messages are lower-case, name the file and the JSON path, and say what to
//! change.

use crate::input::reader::Problem;
use std::fmt;
use std::path::PathBuf;

/// An error for the user.
#[derive(Debug)]
pub enum Error {
    /// The file is JSON but has problems — all of them.
    Invalid {
        /// The file.
        file: PathBuf,
        /// Every problem, in file order.
        problems: Vec<Problem>,
    },
    /// The file is not JSON.
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// An input file or folder could not be read.
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A command-line value is wrong.
    Usage(String),
    /// Exports given to `import` have problems — all of them, each `file:line:column: …`.
    Import(Vec<String>),
    /// An output file or folder could not be written.
    Write {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Expectations failed (`check`).
    ExpectationsFailed(usize),
    /// `check` found no expectation to judge under these paths.
    NoExpectations(String),
    /// Stopped by Ctrl-C; what is finished is kept.
    Interrupted(String),
    /// A chart could not be drawn (the data files are written).
    Chart(String),
    /// Another process is writing into the output folder.
    Busy {
        /// The output folder.
        dir: PathBuf,
        /// Who holds its lock, as its lock file says.
        holder: String,
    },
}

impl Error {
    /// Process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid { .. }
            | Error::Syntax { .. }
            | Error::Read { .. }
            | Error::Usage(_)
            | Error::Import(_) => 2,
            Error::Write { .. }
            | Error::ExpectationsFailed(_)
            | Error::NoExpectations(_)
            | Error::Interrupted(_)
            | Error::Chart(_)
            | Error::Busy { .. } => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { file, problems } => {
                let n = problems.len();
                write!(f, "{}: {n} problem{}", file.display(), if n == 1 { "" } else { "s" })?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            Error::Syntax { file, line, column, message } => {
                write!(f, "{}:{line}:{column}: not valid JSON: {message}", file.display())
            }
            Error::Read { path, source } => write!(f, "cannot read {}: {}", path.display(), lower(source)),
            Error::Usage(message) => f.write_str(message),
            Error::Import(problems) => {
                let n = problems.len();
                write!(
                    f,
                    "{n} problem{} in the exports; nothing was written",
                    if n == 1 { "" } else { "s" }
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            Error::Write { path, source } => write!(f, "cannot write {}: {}", path.display(), lower(source)),
            Error::ExpectationsFailed(n) => {
                write!(f, "{n} expectation{} failed", if *n == 1 { "" } else { "s" })
            }
            Error::NoExpectations(places) => write!(
                f,
                "no expectations found in {places} (add an `expect` block, or check the folder that has them)"
            ),
            Error::Interrupted(message) | Error::Chart(message) => f.write_str(message),
            Error::Busy { dir, holder } => write!(
                f,
                "{} is in use: {holder} is writing there; wait until it ends, or write elsewhere with -o",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for Error {}

/// An io::Error's message in lower case, without the OS error number ("No such file or
/// directory (os error 2)" → "no such file or directory").
pub(crate) fn lower(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    };
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}
