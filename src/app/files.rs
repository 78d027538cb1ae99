//! Files: reading inputs, finding scenarios, preparing the output folder and writing outputs
//! atomically (a temporary file in the same folder, then a rename). With
//! [`super::checkpoint`] (sweep checkpoints), the only code that touches files.

use super::error::Error;
use crate::charts::{ChartError, ChartFile};
use crate::input::scenario::Scenario;
use crate::input::validate::{ParseFailure, parse_json, scenario_from_value};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Inputs larger than this (256 MiB) are refused before parsing (a scenario is a few MB at
/// most, an organisation's exports tens of MB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads an input file whole, at most [`MAX_INPUT_BYTES`]: a regular file over the limit is
/// refused before it is read; anything else (a pipe, `/dev/stdin`, a FIFO, a device such as
/// `/dev/zero`) is read up to one byte past the limit and refused then, so that an input
/// without end ends. A folder is refused with "give `what`".
pub fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let read_err = |source| Error::Read { path: path.to_path_buf(), source };
    let limit = format!("the input limit of {} MiB ({MAX_INPUT_BYTES} bytes)", MAX_INPUT_BYTES >> 20);
    let file = fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(Error::Usage(format!("{} is a folder; give {what}", path.display())));
    }
    if meta.is_file() && meta.len() > MAX_INPUT_BYTES {
        return Err(Error::Usage(format!(
            "{} is {} bytes, over {limit}; give a smaller file",
            path.display(),
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    let capacity = if meta.is_file() { meta.len() } else { 0 };
    bytes.reserve(usize::try_from(capacity).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::Usage(format!(
            "{} gives more than {limit}; give a smaller input",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Reads a text file (see [`read_input`]), refusing huge or non-UTF-8 ones with a clear
/// message.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = read_input(path, "a scenario file")?;
    String::from_utf8(bytes).map_err(|e| Error::Syntax {
        file: path.to_path_buf(),
        line: 1,
        column: e.utf8_error().valid_up_to() + 1,
        message: "the file is not UTF-8 text".to_string(),
    })
}

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, Error> {
    let text = read_text(path)?;
    let value = parse_json(&text).map_err(|e| failure(path, e))?;
    scenario_from_value(&value).map_err(|problems| Error::Invalid { file: path.to_path_buf(), problems })
}

/// Maps a parse failure of `path` to an error.
pub fn failure(path: &Path, e: ParseFailure) -> Error {
    match e {
        ParseFailure::Syntax { line, column, message } => {
            Error::Syntax { file: path.to_path_buf(), line, column, message }
        }
        ParseFailure::Invalid(problems) => Error::Invalid { file: path.to_path_buf(), problems },
    }
}

/// Scenario files under the given paths: files as given, folders searched recursively for
/// `*.json` that are not sweeps (`*.sweep.json`), each folder's entries sorted by name.
/// Symlinks are followed, but every folder is entered once and every file found once (by
/// device and inode; by canonical path where there are none), under the first path that
/// reaches it: a link back up (`ln -s .. up`) or to a sibling folder adds nothing, and the
/// walk ends.
pub fn find_scenarios(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|source| Error::Read { path: path.clone(), source })?;
        if meta.is_dir() {
            walk(path, &mut found, &mut seen)?;
        } else if identity(path).is_none_or(|id| seen.insert(id)) {
            found.push(path.clone());
        }
    }
    Ok(found)
}

/// What tells a file or folder from every other, whatever path leads to it.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// The [`FileId`] of what `path` names (after symlinks), if it can be read.
fn identity(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path).ok()
    }
}

fn walk(
    dir: &Path,
    found: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<FileId>,
) -> Result<(), Error> {
    let read_err = |source| Error::Read { path: dir.to_path_buf(), source };
    if identity(dir).is_some_and(|id| !seen.insert(id)) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, found, seen)?;
        } else {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            // A file that cannot be read (a dangling link) is kept, for `check` to report.
            if name.ends_with(".json")
                && !name.ends_with(".sweep.json")
                && identity(&path).is_none_or(|id| seen.insert(id))
            {
                found.push(path);
            }
        }
    }
    Ok(())
}

/// Makes sure `dir` exists and is a writable folder, before any work starts.
pub fn prepare_output_dir(dir: &Path) -> Result<(), Error> {
    let write_err = |source| Error::Write { path: dir.to_path_buf(), source };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "it is a file, not a folder"),
        });
    }
    fs::create_dir_all(dir).map_err(write_err)?;
    let (probe, _) = create_temporary(&dir.join("write-test")).map_err(write_err)?;
    let _ = fs::remove_file(&probe);
    remove_dead_temporaries(dir);
    Ok(())
}

/// Removes the temporary files (see [`write_atomic`]) that a killed run left in `dir`: those
/// of this machine whose process is gone (they are never whole). Another process's files, and
/// those of other machines sharing the folder, are left alone.
fn remove_dead_temporaries(dir: &Path) {
    let host = host_name();
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some((_, owner)) = name.strip_prefix('.').and_then(|n| n.split_once(TMP_MARK)) else { continue };
        // `HOST-PID-N`, or `PID` as scimsim 0.2 named them.
        let mut parts = owner.rsplitn(3, '-');
        let (pid, their_host) = match (parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(pid), Some(h)) => (pid, h),
            (Some(pid), None, None) => (pid, host.as_str()),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if their_host == host && (pid == std::process::id() || !process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` of this machine is running (on other systems than Unix: assumed so).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// This machine's name, as it goes into file names (letters, digits, `.`, `-`, `_`).
fn host_name() -> String {
    let mut name = String::from("localhost");
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; the name is cut at its first NUL.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let got: String = String::from_utf8_lossy(&buf[..end])
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
                .collect();
            if !got.is_empty() {
                name = got;
            }
        }
    }
    name
}

/// A new temporary file beside `path`, named after this machine and process and created
/// exclusively (never another process's file): `.NAME.tmp-scimsim-HOST-PID-N`. An exclusive
/// create (`O_CREAT | O_EXCL`) never follows a link planted at the name: it fails, and the
/// next name is tried.
fn create_temporary(path: &Path) -> std::io::Result<(PathBuf, fs::File)> {
    loop {
        let n = NEXT_TEMPORARY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = temporary_path(path, n);
        match fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// The number of this process's next temporary file.
static NEXT_TEMPORARY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The `n`-th temporary name of this process beside `path`.
fn temporary_path(path: &Path, n: u64) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    path.with_file_name(format!(".{name}{TMP_MARK}{}-{}-{n}", host_name(), std::process::id()))
}

/// An advisory lock on a file of the output folder, held while a run, sweep, shard or merge
/// writes there; the lock file is removed when it is dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    // Closing the file releases the lock (after the file is removed).
    _file: fs::File,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        super::interrupt::release(&self.path);
        let _ = fs::remove_file(&self.path);
    }
}

/// The lock file of a folder's reports (`run`, `sweep`, `merge`).
pub const FOLDER_LOCK: &str = ".scimsim.lock";

/// Takes the lock `name` in `dir` (see [`OutputLock`]), or fails at once when another process
/// holds it.
pub fn lock_output(dir: &Path, name: &str) -> Result<OutputLock, Error> {
    let path = dir.join(name);
    let write_err = |source| Error::Write { path: path.clone(), source };
    loop {
        let mut file =
            open_no_follow(fs::OpenOptions::new().read(true).write(true).create(true).truncate(false), &path)
                .map_err(write_err)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                return Err(Error::Busy {
                    dir: dir.to_path_buf(),
                    holder: if holder.is_empty() { "another scimsim".into() } else { holder.to_string() },
                });
            }
            Err(fs4::TryLockError::Error(source)) => return Err(write_err(source)),
        }
        // Its last holder may have removed the file between our open and our lock: then the
        // lock is on a file nobody else will open, so start again.
        if !same_file(&path, &file) {
            continue;
        }
        let who = format!("scimsim (process {} on {})", std::process::id(), host_name());
        let _ = file.set_len(0).and_then(|()| file.write_all(who.as_bytes()));
        super::interrupt::hold(&path);
        return Ok(OutputLock { path, _file: file });
    }
}

/// Opens `path` with `options`, refusing a symbolic link there (`O_NOFOLLOW`): a link planted
/// at a lock file's or a checkpoint's name never makes scimsim write through it to a file
/// outside the output folder.
pub fn open_no_follow(options: &mut fs::OpenOptions, path: &Path) -> std::io::Result<fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|e| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            std::io::Error::other("it is a symbolic link (scimsim writes no file through a link; remove it)")
        } else {
            e
        }
    })
}

/// Whether `path` still names the open `file` (a link there names another file).
fn same_file(path: &Path, file: &fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::symlink_metadata(path), file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Marks the temporary files of [`write_atomic`].
const TMP_MARK: &str = ".tmp-scimsim-";

/// Writes `bytes` to `path` whole or not at all: a temporary file next to it, flushed, then
/// renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let write_err = |source| Error::Write { path: path.to_path_buf(), source };
    let (tmp, mut file) = create_temporary(path).map_err(write_err)?;
    let result = file.write_all(bytes).and_then(|()| file.sync_all()).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

/// Writes every file of `files` or none: each goes to a temporary name first, and only when
/// all are written (and no target is a folder) are they renamed over their targets (a write
/// error leaves the files that were there).
pub fn write_all_or_none(files: &[(PathBuf, &[u8])]) -> Result<(), Error> {
    for (path, _) in files {
        if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            let source = std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder");
            return Err(Error::Write { path: path.clone(), source });
        }
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for (path, bytes) in files {
        let result = create_temporary(path).and_then(|(tmp, mut file)| {
            let r = file.write_all(bytes).and_then(|()| file.sync_all());
            if r.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            r.map(|()| tmp)
        });
        match result {
            Ok(tmp) => written.push(tmp),
            Err(source) => {
                for t in &written {
                    let _ = fs::remove_file(t);
                }
                return Err(Error::Write { path: path.clone(), source });
            }
        }
    }
    for ((path, _), tmp) in files.iter().zip(&written) {
        fs::rename(tmp, path).map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    Ok(())
}

/// Writes a command's output files into `dir` (the one write of reports and charts): all of
/// them or none ([`write_all_or_none`]); then removes the files the folder's manifest (see
/// [`super::manifest`]) names that these are not, and writes the new manifest, last. A folder
/// holds one command's files, never a mix of two: a failed write leaves the earlier set as it
/// was. Without a manifest (a folder of scimsim 0.2), `earlier` are taken as its files.
pub fn write_outputs(dir: &Path, files: &[(String, Vec<u8>)], earlier: &[String]) -> Result<(), Error> {
    use super::manifest::{MANIFEST, names, text};
    let manifest = dir.join(MANIFEST);
    let before = match fs::read_to_string(&manifest) {
        Ok(t) => names(&t),
        Err(_) => earlier.to_vec(),
    };
    let paths: Vec<(PathBuf, &[u8])> = files.iter().map(|(n, b)| (dir.join(n), b.as_slice())).collect();
    write_all_or_none(&paths)?;
    let mut listed: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let stale: Vec<&String> = before.iter().filter(|n| !listed.contains(n)).collect();
    let mut failed = None;
    for stale in stale {
        let path = dir.join(stale);
        // Only files and links go: a folder of that name is the user's.
        let is_file = fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir());
        match fs::remove_file(&path) {
            Err(e) if is_file && e.kind() != std::io::ErrorKind::NotFound => {
                // Named again, so that the next run tries again.
                listed.push(stale.clone());
                failed.get_or_insert(Error::Write { path, source: e });
            }
            _ => {}
        }
    }
    write_atomic(&manifest, text(&listed).as_bytes())?;
    failed.map_or(Ok(()), Err)
}

/// A report's files in the order they are listed: the data files, the charts (none when they
/// were not drawn), then the HTML page that `page` renders from the charts it shows and a
/// note; and the error to end with when a chart could not be drawn (the other files are
/// written all the same, so a chart failure loses no data).
pub fn report_files(
    mut data: Vec<(String, Vec<u8>)>,
    charts: Result<Vec<ChartFile>, ChartError>,
    no_charts: bool,
    page: impl FnOnce(Vec<(&str, &[u8])>, String) -> Vec<(String, Vec<u8>)>,
) -> (Vec<(String, Vec<u8>)>, Option<Error>) {
    let (shown, note) = page_charts(&charts, no_charts);
    let page = page(shown, note);
    let error = match charts {
        Ok(files) => {
            data.extend(files.into_iter().map(|f| (f.name, f.bytes)));
            None
        }
        Err(e) => Some(Error::Chart(format!("the charts were not drawn: {e} (the data files are written)"))),
    };
    data.extend(page);
    (data, error)
}

/// The UTF-8 byte-order mark `--excel` puts before every CSV.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// With `excel`, every CSV among `files` starts with a UTF-8 byte-order mark, which is how Excel
/// knows the file is UTF-8 (without it, non-ASCII names are garbled); the columns are unchanged.
pub fn for_excel(files: Vec<(String, Vec<u8>)>, excel: bool) -> Vec<(String, Vec<u8>)> {
    if !excel {
        return files;
    }
    files
        .into_iter()
        .map(
            |(name, bytes)| {
                if name.ends_with(".csv") { (name, [UTF8_BOM, &bytes].concat()) } else { (name, bytes) }
            },
        )
        .collect()
}

/// What an HTML page shows of the charts: the files drawn (`(name, bytes)`), or none and a
/// note that says why (`--no-charts`, or the error that stopped them).
fn page_charts(charts: &Result<Vec<ChartFile>, ChartError>, no_charts: bool) -> (Vec<(&str, &[u8])>, String) {
    match charts {
        _ if no_charts => (Vec::new(), "The charts were not drawn (--no-charts).".to_string()),
        Ok(files) => (files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())).collect(), String::new()),
        Err(e) => (Vec::new(), format!("The charts could not be drawn: {e}.")),
    }
}

/// A sweep read and planned, with the texts its numbers depend on.
#[derive(Debug)]
pub struct SweepInput {
    /// The planned grid.
    pub plan: crate::input::sweep_plan::SweepPlan,
    /// The sweep file's text.
    pub text: String,
    /// The base scenario's text.
    pub base_text: String,
}

/// Reads a sweep file and its base scenario (relative to the sweep file), applies a
/// replications override, and plans the grid: every problem is reported before anything runs.
pub fn load_sweep(path: &Path, replications: Option<u64>) -> Result<SweepInput, Error> {
    let text = read_text(path)?;
    let value = parse_json(&text).map_err(|e| failure(path, e))?;
    let invalid = |problems| Error::Invalid { file: path.to_path_buf(), problems };
    let Some(base_name) = value.get("scenario").and_then(serde_json::Value::as_str) else {
        // Let the reader say what is wrong with the file as a whole.
        return Err(invalid(
            crate::input::sweep_plan::plan(&value, &serde_json::Value::Null).err().unwrap_or_default(),
        ));
    };
    let base_path = path.parent().unwrap_or(Path::new(".")).join(base_name);
    let base_text = read_text(&base_path).map_err(|e| {
        invalid(vec![crate::input::reader::Problem::new(
            crate::input::reader::JsonPath::root().key("scenario"),
            match e {
                Error::Read { source, .. } => {
                    format!(
                        "cannot read the base scenario {}: {}",
                        base_path.display(),
                        super::error::lower(&source)
                    )
                }
                other => other.to_string(),
            },
            Some("the path is relative to the folder of the sweep file".into()),
        )])
    })?;
    let plan = plan_texts(path, &base_path, &text, &base_text, replications)?;
    Ok(SweepInput { plan, text, base_text })
}

/// Plans a sweep from its text and its base scenario's (files named in messages as `path` and
/// `base_path`), with a replications override.
pub fn plan_texts(
    path: &Path,
    base_path: &Path,
    text: &str,
    base_text: &str,
    replications: Option<u64>,
) -> Result<crate::input::sweep_plan::SweepPlan, Error> {
    let mut value = parse_json(text).map_err(|e| failure(path, e))?;
    let base_value = parse_json(base_text).map_err(|e| failure(base_path, e))?;
    if let (Some(r), serde_json::Value::Object(map)) = (replications, &mut value) {
        map.insert("replications".into(), r.into());
    }
    // The planner reports the base scenario's problems beside the sweep's own, all at once;
    // each of the base's names its file.
    crate::input::sweep_plan::plan(&value, &base_value).map_err(|problems| {
        let problems = problems
            .into_iter()
            .map(|mut p| {
                if p.context == crate::input::reader::Context::BaseScenario {
                    let base = base_path.display();
                    p.hint = Some(match p.hint.take() {
                        Some(h) if h != crate::input::sweep_plan::FIX_BASE => format!("{h}, in {base}"),
                        _ => format!("fix the base scenario, {base} (`scimsim validate` it)"),
                    });
                }
                p
            })
            .collect();
        Error::Invalid { file: path.to_path_buf(), problems }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_leave_no_temporary_file_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("report.json");
        write_atomic(&target, b"{}").expect("written");
        assert_eq!(fs::read(&target).expect("read"), b"{}");
        let stale = dir.path().join(format!(".report.json{TMP_MARK}12345"));
        fs::write(&stale, b"half").expect("stale file");
        let mine = dir.path().join("notes.txt");
        fs::write(&mine, b"keep").expect("user file");
        prepare_output_dir(dir.path()).expect("prepared");
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into())
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["notes.txt", "report.json"]);
        let file = dir.path().join("a-file");
        fs::write(&file, b"x").expect("file");
        assert!(prepare_output_dir(&file).is_err(), "a file is not an output folder");
    }

    /// A symbolic link from `dir/name` to `target`.
    #[cfg(unix)]
    fn link(target: &Path, dir: &Path, name: &str) -> PathBuf {
        let at = dir.join(name);
        std::os::unix::fs::symlink(target, &at).expect("symlink");
        at
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_lock_or_the_checkpoint_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").expect("victim");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("out");
        let lock = link(&victim, &out, FOLDER_LOCK);
        let err = lock_output(&out, FOLDER_LOCK).expect_err("a link is no lock file").to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(fs::read(&victim).expect("victim"), b"precious");
        assert!(fs::symlink_metadata(&lock).expect("link").file_type().is_symlink(), "the link stays");
        // A checkpoint is appended to the same way.
        let appended = link(&victim, &out, "checkpoint.jsonl");
        let refused = open_no_follow(fs::OpenOptions::new().append(true), &appended);
        assert!(refused.is_err());
        assert_eq!(fs::read(&victim).expect("victim"), b"precious");
    }

    #[cfg(unix)]
    #[test]
    fn links_at_temporary_or_output_names_are_replaced_never_followed() {
        use std::sync::atomic::Ordering;
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").expect("victim");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("out");
        // Links at the next temporary names this process will try, and at the output's name.
        let next = NEXT_TEMPORARY.load(Ordering::Relaxed);
        for n in next..next + 64 {
            let name = temporary_path(&out.join("report.json"), n);
            link(&victim, &out, name.file_name().and_then(|n| n.to_str()).expect("name"));
        }
        link(&victim, &out, "report.json");
        write_atomic(&out.join("report.json"), b"{}").expect("written around the links");
        assert_eq!(fs::read(&victim).expect("victim"), b"precious");
        let meta = fs::symlink_metadata(out.join("report.json")).expect("report");
        assert!(meta.file_type().is_file(), "the link itself was replaced");
        assert_eq!(fs::read(out.join("report.json")).expect("report"), b"{}");
        // The folder's write probe is an exclusive new name too.
        fs::write(&victim, b"precious").expect("victim");
        prepare_output_dir(&out).expect("prepared");
        assert_eq!(fs::read(&victim).expect("victim"), b"precious");
    }
}
