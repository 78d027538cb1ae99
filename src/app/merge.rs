//! `scimsim merge`: the shard files of one sweep (`sweep --shard K/N`) into the sweep's report,
//! byte-identical to an unsharded `sweep`. A shard file is self-sufficient: its header carries
//! the sweep's fingerprint, replications and the texts of the sweep file and its base scenario,
//! so the sweep is planned again from the first shard.

use super::checkpoint::lines::{self, Header};
use super::checkpoint::{bad_line, shape};
use super::error::Error;
use super::files::{FOLDER_LOCK, lock_output, plan_texts, prepare_output_dir, read_text};
use super::sweep::{ReportChoices, check_panels, write_report};
use crate::results::sweep::{PointResult, assemble};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Options of `merge`.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Output folder (default `output/<sweep name>`).
    pub output: Option<PathBuf>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Skip the charts.
    pub no_charts: bool,
    /// Size of the charts.
    pub chart_size: crate::charts::ChartSize,
    /// Start every CSV with a UTF-8 byte-order mark (for Excel).
    pub excel: bool,
}

/// The shard files under `paths`: files as given, folders' `shard-K-of-N.jsonl` files, sorted.
fn shard_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|source| Error::Read { path: path.clone(), source })?;
        if !meta.is_dir() {
            found.push(path.clone());
            continue;
        }
        let read_err = |source| Error::Read { path: path.clone(), source };
        let mut inside: Vec<PathBuf> = fs::read_dir(path)
            .map_err(read_err)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read_err)?;
        inside.retain(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with("shard-") && name.contains("-of-") && name.ends_with(".jsonl")
        });
        if inside.is_empty() {
            return Err(Error::Usage(format!("{} holds no shard file (shard-K-of-N.jsonl)", path.display())));
        }
        inside.sort();
        found.extend(inside);
    }
    if found.is_empty() {
        return Err(Error::Usage("give the shard files, or the folders that hold them".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for path in &found {
        if !seen.insert(fs::canonicalize(path).unwrap_or_else(|_| path.clone())) {
            return Err(Error::Usage(format!("{} is given twice: give each shard once", path.display())));
        }
    }
    Ok(found)
}

/// A shard file's header, or why it is refused.
fn header_of(path: &Path, text: &str) -> Result<Header, Error> {
    let header = lines::read_header(text).ok_or_else(|| {
        Error::Usage(format!(
            "{}:1: not a scimsim shard file (its first line is not the header of `sweep --shard`, \
             or it was written by another version of scimsim)",
            path.display()
        ))
    })?;
    if header.shard.is_none() {
        return Err(Error::Usage(format!(
            "{}:1: a sweep's checkpoint, not a shard file; finish it with `scimsim sweep … --resume`",
            path.display()
        )));
    }
    if !header.is_genuine() {
        return Err(Error::Usage(format!(
            "{}:1: the header's fingerprint does not match its sweep: the line was edited, or the \
             shard was written by another version of scimsim",
            path.display()
        )));
    }
    Ok(header)
}

/// Merges the shards under `paths` and writes the sweep's report.
pub fn merge(paths: &[PathBuf], options: MergeOptions) -> Result<(), Error> {
    let files = shard_files(paths)?;
    let texts: Vec<String> = files.iter().map(|f| read_text(f)).collect::<Result<_, _>>()?;
    let headers: Vec<Header> =
        files.iter().zip(&texts).map(|(f, t)| header_of(f, t)).collect::<Result<_, _>>()?;
    let first = &headers[0];
    for (file, header) in files.iter().zip(&headers).skip(1) {
        if header.fingerprint != first.fingerprint {
            return Err(Error::Usage(format!(
                "{} is a shard of another sweep than {} (fingerprints {} and {}): merge the shards of one sweep",
                file.display(),
                files[0].display(),
                header.fingerprint,
                first.fingerprint
            )));
        }
    }
    let plan = plan_texts(&files[0], &files[0], &first.sweep, &first.scenario, Some(first.replications))?;
    check_panels(&files[0], &plan, options.no_charts)?;
    // Every point once: where each was found.
    let mut found: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut points: Vec<PointResult> = Vec::with_capacity(plan.points.len());
    for (f, (text, header)) in texts.iter().zip(&headers).enumerate() {
        let read = lines::read_points(text, &shape(&plan, header.shard), false)
            .map_err(|bad| Error::Usage(bad_line(&files[f], &bad)))?;
        for (line, p) in read {
            if let Some((g, other)) = found.insert(p.index, (f, line)) {
                return Err(Error::Usage(format!(
                    "{}:{line}: point {} is also in {}:{other}: give each shard once",
                    files[f].display(),
                    p.index,
                    files[g].display()
                )));
            }
            points.push(p);
        }
    }
    let missing: Vec<usize> = (0..plan.points.len()).filter(|p| !found.contains_key(p)).collect();
    if !missing.is_empty() {
        return Err(Error::Usage(missing_message(plan.points.len(), &missing, &headers, &files)));
    }
    points.sort_by_key(|p| p.index);
    let result = assemble(&plan, points);
    let dir = options.output.clone().unwrap_or_else(|| Path::new("output").join(&plan.name));
    prepare_output_dir(&dir)?;
    let _lock = lock_output(&dir, FOLDER_LOCK)?;
    let choices =
        ReportChoices { no_charts: options.no_charts, chart_size: options.chart_size, excel: options.excel };
    write_report(&plan, &result, &dir, &choices, options.quiet)
}

/// `missing 3 of 12 grid points (2, 6, 10): shard 3 of 4 …` — which points, and which shards
/// should have held them (not given, or not finished).
fn missing_message(n_points: usize, missing: &[usize], headers: &[Header], files: &[PathBuf]) -> String {
    let shown: Vec<String> = missing.iter().take(10).map(usize::to_string).collect();
    let more = if missing.len() > 10 { ", …" } else { "" };
    let n = headers[0].shard.map_or(1, |s| s.n);
    let mut shards: Vec<usize> = missing.iter().map(|p| p % n + 1).collect();
    shards.sort_unstable();
    shards.dedup();
    let says: Vec<String> = shards
        .iter()
        .take(10)
        .map(|&k| {
            let name = lines::shard_file(lines::Shard { k, n });
            let given = headers.iter().zip(files).find(|(h, _)| h.shard == Some(lines::Shard { k, n }));
            match given {
                Some((_, file)) => {
                    format!("{} is not finished (run its shard again with --resume)", file.display())
                }
                None => format!("{name} is not given"),
            }
        })
        .collect();
    format!(
        "missing {} of {n_points} grid points ({}{more}): {}",
        missing.len(),
        shown.join(", "),
        says.join("; ")
    )
}
