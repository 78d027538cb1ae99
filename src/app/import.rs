//! `scimsim import` (DESIGN §11): reads the exports a consultant has, joins them into people,
//! and writes an explicit-population scenario with `preflight.md` beside it. Every problem of
//! every file is reported at once (file, line, column, what to change) and nothing is written
//! then; what is written passes `validate` (checked before writing).

use super::console::outln;
use super::error::Error;
use super::files::{prepare_output_dir, write_all_or_none};
use crate::input::email::email_key;
use crate::input::import::cloud::read_cloud_users;
use crate::input::import::idp::{check_pages, read_idp_page};
use crate::input::import::jcma::read_jcma;
use crate::input::import::join::join;
use crate::input::import::organisation::{Organisation, Pseudonyms, scenario};
use crate::input::import::preflight::{display_ids, render};
use crate::input::import::server::read_server_users;
use crate::input::import::{IdpExport, ImportProblem, Position, read_csv};
use crate::input::scenario::EmailMatch;
use crate::input::validate::scenario_from_value;
use std::fs;
use std::path::{Path, PathBuf};

/// Options of `import`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// IdP users (and groups): SCIM `ListResponse` JSON pages or an IdP CSV, several allowed.
    pub idp: Vec<PathBuf>,
    /// IdP groups (SCIM `ListResponse` of Groups), several allowed.
    pub idp_groups: Vec<PathBuf>,
    /// The server user export.
    pub server: Option<PathBuf>,
    /// Atlassian admin's "Export users" CSV.
    pub cloud: Option<PathBuf>,
    /// The migration assistant's users CSV.
    pub jcma: Option<PathBuf>,
    /// `server_username,idp_id` pairs that override the join.
    pub join: Option<PathBuf>,
    /// Salt of the pseudonyms (`--pseudonymise`).
    pub pseudonymise: Option<String>,
    /// The scenario file to write (`preflight.md` goes beside it).
    pub output: PathBuf,
    /// Print nothing but errors.
    pub quiet: bool,
}

impl ImportOptions {
    /// Every export given, in option order.
    fn inputs(&self) -> Vec<&PathBuf> {
        self.idp
            .iter()
            .chain(&self.idp_groups)
            .chain(self.server.iter())
            .chain(self.cloud.iter())
            .chain(self.jcma.iter())
            .chain(self.join.iter())
            .collect()
    }
}

/// An export's bytes (at most the input limit, also from a pipe), or a read error.
fn bytes_of(path: &Path) -> Result<Vec<u8>, Error> {
    super::files::read_input(path, "an export file")
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Collects a reader's rows or its problems.
fn collect<T>(result: Result<T, Vec<ImportProblem>>, problems: &mut Vec<ImportProblem>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(p) => {
            problems.extend(p);
            None
        }
    }
}

/// A reader of one export kind: a file's name and bytes to its rows, or every problem.
type Reader<T> = fn(&str, &[u8]) -> Result<Vec<T>, Vec<ImportProblem>>;

/// The rows `reader` reads from the file at `path`, if one is given (none when it has
/// problems, which join `problems`).
fn read_optional<T>(
    path: Option<&Path>,
    reader: Reader<T>,
    problems: &mut Vec<ImportProblem>,
) -> Result<Vec<T>, Error> {
    let Some(path) = path else { return Ok(Vec::new()) };
    Ok(collect(reader(&name(path), &bytes_of(path)?), problems).unwrap_or_default())
}

/// The `--join` pairs: a CSV with header `server_username,idp_id`.
fn read_join(file: &str, bytes: &[u8]) -> Result<Vec<(Position, String, String)>, Vec<ImportProblem>> {
    let csv = read_csv(file, bytes, None)?;
    let (Some(u), Some(i)) = (csv.column("server_username"), csv.column("idp_id")) else {
        return Err(vec![
            ImportProblem::at(file, 1, 0, "not a join file: the header lacks server_username or idp_id")
                .hint("write `server_username,idp_id` as the first line"),
        ]);
    };
    Ok(csv
        .rows
        .into_iter()
        .map(|(line, r)| (Position { file: file.to_string(), line }, r[u].clone(), r[i].clone()))
        .collect())
}

/// Runs `import`.
pub fn import(options: &ImportOptions) -> Result<(), Error> {
    if options.idp.is_empty() && options.server.is_none() && options.cloud.is_none() {
        return Err(Error::Usage("import needs at least one of --idp, --server, --cloud".to_string()));
    }
    let mut problems = Vec::new();
    let mut idp = IdpExport::default();
    let mut pages = Vec::new();
    for path in options.idp.iter().chain(&options.idp_groups) {
        if let Some((export, page)) = collect(read_idp_page(&name(path), &bytes_of(path)?), &mut problems) {
            // A list of the other kind was given to the wrong option.
            let as_groups = options.idp_groups.contains(path);
            if !as_groups && export.users.is_empty() && !export.groups.is_empty() {
                problems.push(
                    ImportProblem::at(&name(path), 0, 0, "this file holds IdP groups, not users")
                        .hint("pass it with --idp-groups"),
                );
            }
            if as_groups && !export.users.is_empty() {
                problems.push(
                    ImportProblem::at(&name(path), 0, 0, "this file holds IdP users, not groups")
                        .hint("pass it with --idp"),
                );
                continue;
            }
            idp.users.extend(export.users);
            idp.groups.extend(export.groups);
            if let Some(p) = page.filter(|p| p.start_index.is_some()) {
                pages.push((name(path), p));
            }
        }
    }
    // Users and groups come in separate paged lists: check each kind's pages together.
    let (user_pages, group_pages): (Vec<_>, Vec<_>) =
        pages.into_iter().partition(|(f, _)| options.idp.iter().any(|p| &name(p) == f));
    for set in [user_pages, group_pages] {
        if set.len() > 1 {
            collect(check_pages(&set), &mut problems);
        }
    }
    let mut seen = std::collections::HashMap::new();
    for u in &idp.users {
        if let Some(first) = seen.insert(u.id.clone(), u.at.clone()) {
            problems.push(
                ImportProblem::at(
                    &u.at.file,
                    u.at.line,
                    0,
                    format!("IdP user `{}` again (first at {}:{})", u.id, first.file, first.line),
                )
                .hint("give each page once"),
            );
        }
    }
    let server = read_optional(options.server.as_deref(), read_server_users, &mut problems)?;
    let cloud = read_optional(options.cloud.as_deref(), read_cloud_users, &mut problems)?;
    let jcma = read_optional(options.jcma.as_deref(), read_jcma, &mut problems)?;
    let overrides = read_optional(options.join.as_deref(), read_join, &mut problems)?;
    // One primary email per IdP user and one email per cloud account (R1): a second is a
    // problem at its own row.
    let mut emails: std::collections::HashMap<String, &Position> = std::collections::HashMap::new();
    for (email, at, what) in idp
        .users
        .iter()
        .filter_map(|u| u.email.as_deref().map(|e| (e, &u.at, "IdP primary email")))
        .chain(cloud.iter().map(|c| (c.email.as_str(), &c.at, "cloud account email")))
    {
        let key = format!("{what}\u{0}{}", email_key(email, EmailMatch::CaseInsensitive));
        if let Some(first) = emails.insert(key, at) {
            problems.push(
                ImportProblem::at(
                    &at.file,
                    at.line,
                    0,
                    format!("{what} `{email}` again (first at {}:{})", first.file, first.line),
                )
                .hint("one email belongs to one user: fix the export or remove one of the rows"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Import(problems.iter().map(ToString::to_string).collect()));
    }
    if idp.users.is_empty() && server.is_empty() && cloud.is_empty() {
        return Err(Error::Usage(
            "the exports hold nobody: no IdP user, server user or cloud account".to_string(),
        ));
    }
    let (joined, unused) = join(&idp.users, &server, &cloud, &overrides, EmailMatch::CaseInsensitive);
    if !unused.is_empty() {
        let lines = unused.iter().map(|(at, m)| format!("{}:{}: {m}", at.file, at.line)).collect();
        return Err(Error::Import(lines));
    }
    let org = Organisation { idp: &idp, server: &server, cloud: &cloud, jcma: &jcma, joined: &joined };
    let stem = options.output.file_stem().and_then(|s| s.to_str()).unwrap_or("imported");
    let pseudonyms = options.pseudonymise.as_deref().map(Pseudonyms::new);
    let value = scenario(&org, stem, pseudonyms.as_ref());
    // What is written must load as written.
    if let Err(p) = scenario_from_value(&value) {
        let lines = p.iter().map(|x| format!("the imported scenario would not load: {x}")).collect();
        return Err(Error::Import(lines));
    }
    let mask = |id: &str| pseudonyms.as_ref().map_or_else(|| id.to_string(), |p| p.of(id));
    let ids = display_ids(&org, &mask);
    let inputs = options.inputs();
    let files: Vec<String> = inputs
        .iter()
        .map(|p| p.file_name().map_or_else(|| name(p), |n| n.to_string_lossy().into_owned()))
        .collect();
    let preflight = render(&org, &ids, &files, &mask);
    let dir = options.output.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    prepare_output_dir(dir)?;
    let preflight_path = dir.join("preflight.md");
    // Never over an export: `-o` (or the pre-flight beside it) naming an input is refused.
    let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    for target in [&options.output, &preflight_path] {
        if let Some(input) = inputs.iter().find(|i| same(target, i)) {
            return Err(Error::Usage(format!(
                "{} is an input of this import; write the scenario elsewhere",
                input.display()
            )));
        }
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    write_all_or_none(&[(options.output.clone(), text.as_bytes()), (preflight_path, preflight.as_bytes())])?;
    if !options.quiet {
        outln!(
            "wrote {} ({} people) and {}",
            options.output.display(),
            joined.people.len(),
            dir.join("preflight.md").display()
        )?;
    }
    Ok(())
}
