//! The console: every line scimsim prints goes through here, so that a standard output that
//! cannot be written (a full disk, `> /dev/full`, a closed file) is an error that ends the
//! command with exit 1, never a panic. Standard error is best effort: a message that cannot be
//! written there is dropped (there is nowhere else to say it). When the reader of a pipe goes
//! away, SIGPIPE ends the process quietly (`main` restores its default action); where there is
//! no SIGPIPE, the broken pipe is an error that `main` does not print.

use super::error::Error;
use std::fmt;
use std::io::{self, Write};

/// The error of a write to standard output.
pub fn stdout_error(source: io::Error) -> Error {
    Error::Write { path: STDOUT.into(), source }
}

/// Whether `e` is a write to standard output that failed.
pub fn is_stdout_error(e: &Error) -> bool {
    matches!(e, Error::Write { path, .. } if path.as_os_str() == STDOUT)
}

/// Whether `e` is a write to standard output that failed because its reader went away.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
        && is_stdout_error(e)
}

/// How [`stdout_error`] names standard output.
const STDOUT: &str = "standard output";

/// Writes `text` to standard output and flushes it (so that an error shows here, not at exit,
/// where it would be lost).
pub fn out_fmt(text: fmt::Arguments<'_>) -> Result<(), Error> {
    let mut lock = io::stdout().lock();
    lock.write_fmt(text).and_then(|()| lock.flush()).map_err(stdout_error)
}

/// Writes `bytes` to standard output and flushes it.
pub fn out_bytes(bytes: &[u8]) -> Result<(), Error> {
    let mut lock = io::stdout().lock();
    lock.write_all(bytes).and_then(|()| lock.flush()).map_err(stdout_error)
}

/// Writes `text` to standard error; an error is dropped.
pub fn err_fmt(text: fmt::Arguments<'_>) {
    let mut lock = io::stderr().lock();
    let _ = lock.write_fmt(text).and_then(|()| lock.flush());
}

/// `println!` to standard output, returning `Result<(), Error>` instead of panicking.
macro_rules! outln {
    () => { $crate::app::console::out_fmt(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::app::console::out_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` that never panics: a line that cannot be written to standard error is dropped.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::app::console::err_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use errln;
pub(crate) use outln;
