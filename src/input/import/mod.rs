//! Real organisations in (DESIGN §11): readers of the exports a consultant has — the IdP's
//! users and groups, the server's user export, Atlassian admin's "Export users" CSV and the
//! migration assistant's users CSV — each into plain rows with the line they came from.
//!
//! Every reader takes a file's name (for messages) and its bytes, recognises its kind by its
//! header (a file of another kind is named: "this looks like an Atlassian export, not a server
//! user export"), and returns every row or every problem at once, each with file, line and
//! column. Nothing here touches a file: the application layer reads them.

pub mod cloud;
pub mod idp;
pub mod jcma;
pub mod join;
pub mod organisation;
pub mod preflight;
mod rows;
pub mod server;

use std::fmt;

/// Where a row came from: its file and 1-based line (the header is line 1 of a CSV; for JSON,
/// the line of the resource's opening brace when known, else 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The file's name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// A problem in an export: file, line and column (1-based; column 0 when it is about the whole
/// line), what is wrong and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The file's name as given.
    pub file: String,
    /// 1-based line (0: the file as a whole).
    pub line: usize,
    /// 1-based column of the field (0: the whole line).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub hint: Option<String>,
}

impl ImportProblem {
    /// A problem at `line`, `column` of `file`.
    pub fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> ImportProblem {
        ImportProblem { file: file.to_string(), line, column, message: message.into(), hint: None }
    }

    /// The same problem with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> ImportProblem {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message)?,
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message)?,
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message)?,
        }
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// The kinds of export [`recognise`] tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The IdP's users as CSV (`id,email,upn,active,groups`).
    IdpCsv,
    /// A server/DC user export (`Username,Email,Full Name,Status,User Directory,…`).
    ServerUsers,
    /// Atlassian admin's "Export users" CSV, current headers (`User id`, `email`, …).
    AtlassianExport,
    /// Atlassian admin's "Export users" CSV, the legacy header (`group_name,username,…`).
    AtlassianLegacyExport,
    /// The migration assistant's advanced-experience users CSV (`UserKey|UserName|ErrorType|…`).
    JcmaUsers,
}

impl ExportKind {
    /// The kind in words, for "this looks like …".
    pub fn words(self) -> &'static str {
        match self {
            ExportKind::IdpCsv => "an IdP user CSV",
            ExportKind::ServerUsers => "a server user export",
            ExportKind::AtlassianExport => "an Atlassian export",
            ExportKind::AtlassianLegacyExport => "an Atlassian export (legacy header)",
            ExportKind::JcmaUsers => "a migration assistant users CSV",
        }
    }

    /// The header columns that identify it (compared case-insensitively, trimmed).
    fn identifying(self) -> &'static [&'static str] {
        match self {
            ExportKind::IdpCsv => &["id", "email", "upn", "active", "groups"],
            ExportKind::ServerUsers => &["username", "email", "full name", "status", "user directory"],
            ExportKind::AtlassianExport => &["user id", "email", "user status"],
            ExportKind::AtlassianLegacyExport => &["group_name", "username", "full_name", "email", "active"],
            ExportKind::JcmaUsers => {
                &["userkey", "username", "errortype", "oldemail", "newemail", "tombstone"]
            }
        }
    }

    /// Every kind, most specific first.
    const ALL: [ExportKind; 5] = [
        ExportKind::JcmaUsers,
        ExportKind::AtlassianLegacyExport,
        ExportKind::AtlassianExport,
        ExportKind::ServerUsers,
        ExportKind::IdpCsv,
    ];
}

/// A header cell as compared: trimmed, lower case, BOM removed.
pub fn normalise_header(cell: &str) -> String {
    cell.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The kind of export a CSV header identifies, if any: every identifying column is present.
pub fn recognise(header: &[String]) -> Option<ExportKind> {
    let cells: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    ExportKind::ALL.into_iter().find(|k| k.identifying().iter().all(|c| cells.iter().any(|h| h == c)))
}

/// The problem of a CSV whose header is not `expected`'s: names the kind it looks like, or
/// the identifying columns that are missing.
pub fn wrong_kind(file: &str, header: &[String], expected: ExportKind) -> ImportProblem {
    let cells: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    match recognise(header) {
        Some(other) => ImportProblem::at(
            file,
            1,
            0,
            format!("this looks like {}, not {}", other.words(), expected.words()),
        )
        .hint(format!("pass it with the option for {}", other.words())),
        None => {
            let missing: Vec<&str> =
                expected.identifying().iter().copied().filter(|c| !cells.iter().any(|h| h == c)).collect();
            ImportProblem::at(
                file,
                1,
                0,
                format!("not {}: the header lacks {}", expected.words(), missing.join(", ")),
            )
            .hint(format!(
                "{} starts with the columns {}",
                expected.words(),
                expected.identifying().join(", ")
            ))
        }
    }
}

/// A CSV file as rows of fields with their line numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// The header's cells, as written (BOM removed).
    pub header: Vec<String>,
    /// Each data row: its 1-based line and its fields (as many as the header's).
    pub rows: Vec<(usize, Vec<String>)>,
}

impl CsvFile {
    /// The index of the column named `name` (case-insensitively), if present.
    pub fn column(&self, name: &str) -> Option<usize> {
        let name = name.to_lowercase();
        self.header.iter().position(|h| normalise_header(h) == name)
    }
}

/// Reads a CSV: UTF-8 (a byte-order mark is dropped), CRLF or LF, quoted fields, separated by
/// `delimiter`, or — when `None` — by `|` if the header has more of them than commas, else by
/// `,`. Every row must have the header's number of fields. An empty file, non-UTF-8 bytes and
/// short or long rows are problems with their line (and, for bytes, column).
pub fn read_csv(file: &str, bytes: &[u8], delimiter: Option<u8>) -> Result<CsvFile, Vec<ImportProblem>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            return Err(vec![
                ImportProblem::at(file, line, column, "not UTF-8 text")
                    .hint("save the export as UTF-8 (CSV UTF-8 in a spreadsheet)"),
            ]);
        }
    };
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(vec![ImportProblem::at(file, 0, 0, "the file is empty").hint("export it again")]);
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = delimiter.unwrap_or_else(|| {
        if first_line.matches('|').count() > first_line.matches(',').count() { b'|' } else { b',' }
    });
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return Err(vec![ImportProblem::at(file, 1, 0, format!("unreadable header: {e}"))]),
    };
    // The line a record starts on. The csv crate's own line count does not see blank lines,
    // and its byte offset may point at the line ends before the record: skip those.
    let newlines: Vec<usize> =
        text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i).collect();
    let bytes_of_text = text.as_bytes();
    let line_of = |byte: u64| {
        let mut start = byte as usize;
        while bytes_of_text.get(start).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            start += 1;
        }
        newlines.partition_point(|&i| i < start) + 1
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_of(p.byte()));
                if r.len() == 1 && r.get(0).is_some_and(str::is_empty) {
                    continue; // a blank line
                }
                if r.len() != header.len() {
                    problems.push(
                        ImportProblem::at(
                            file,
                            line,
                            0,
                            format!("{} fields where the header has {}", r.len(), header.len()),
                        )
                        .hint("a field with the separator in it must be quoted"),
                    );
                    continue;
                }
                rows.push((line, r.iter().map(str::to_string).collect()));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                problems.push(ImportProblem::at(file, line, 0, format!("unreadable row: {e}")));
            }
        }
    }
    if problems.is_empty() { Ok(CsvFile { header, rows }) } else { Err(problems) }
}

/// A yes/no cell: `true`/`false`, `yes`/`no`, `1`/`0`, `active`/`inactive`, any case; `None`
/// for anything else.
pub fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" | "active" | "enabled" => Some(true),
        "false" | "no" | "0" | "inactive" | "disabled" => Some(false),
        _ => None,
    }
}

/// An optional text cell: `None` when blank.
pub fn blank_to_none(cell: &str) -> Option<String> {
    let t = cell.trim();
    (!t.is_empty()).then(|| t.to_string())
}

// ---------------------------------------------------------------------------------------------
// The rows every reader produces
// ---------------------------------------------------------------------------------------------

/// An IdP user (SCIM `User` resource, or a row of the IdP CSV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpUser {
    /// Where it came from.
    pub at: Position,
    /// The IdP's id (`id`).
    pub id: String,
    /// `externalId`, if any.
    pub external_id: Option<String>,
    /// `userName` (SCIM) or `upn` (CSV), if any.
    pub user_name: Option<String>,
    /// The primary email (`emails[primary]`, else the first; CSV `email`), if any.
    pub email: Option<String>,
    /// `active`.
    pub active: bool,
    /// Group names (`groups[].display`, CSV `;`-separated `groups`).
    pub groups: Vec<String>,
}

/// An IdP group (SCIM `Group` resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpGroup {
    /// Where it came from.
    pub at: Position,
    /// The IdP's id.
    pub id: String,
    /// `displayName`.
    pub name: String,
    /// Member user ids (`members[].value`).
    pub members: Vec<String>,
}

/// What an IdP export held: users, groups, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdpExport {
    /// Users, in file order.
    pub users: Vec<IdpUser>,
    /// Groups, in file order.
    pub groups: Vec<IdpGroup>,
}

/// A server user directory, as R15/R16 need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerDirectory {
    /// The product's internal directory.
    Internal,
    /// An LDAP/AD or Crowd directory that follows the IdP.
    External,
}

/// A server/DC user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUser {
    /// Where it came from.
    pub at: Position,
    /// `Username`.
    pub username: String,
    /// `Email` as written; blank is kept (R3 treats it as invalid).
    pub email: String,
    /// `Full Name`, if any (dropped by `--pseudonymise`).
    pub full_name: Option<String>,
    /// `Status` active.
    pub active: bool,
    /// `User Directory`.
    pub directory: ServerDirectory,
    /// `Groups` (`;`- or `,`-separated), if the export has the column.
    pub groups: Vec<String>,
}

/// A cloud account's status in the Atlassian export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudStatus {
    /// Active.
    Active,
    /// Deactivated (inactive).
    Inactive,
    /// Suspended (access removed, account kept).
    Suspended,
}

/// A cloud account of the Atlassian "Export users" CSV (one per account: the legacy export's
/// one row per group membership is folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudUser {
    /// Where it came from (its first row).
    pub at: Position,
    /// `User id` (current header), if any.
    pub id: Option<String>,
    /// `email`.
    pub email: String,
    /// `User name` / `full_name`, if any (dropped by `--pseudonymise`).
    pub name: Option<String>,
    /// `User status` / `active`.
    pub status: CloudStatus,
    /// Group names.
    pub groups: Vec<String>,
    /// Products with access (the `<App> - <site>` columns with a value, or the legacy product
    /// columns).
    pub products: Vec<String>,
}

/// `ErrorType` of the migration assistant's users CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JcmaError {
    /// `INV`: an invalid email.
    Invalid,
    /// `DUP`: a duplicate email.
    Duplicate,
}

/// A row of the migration assistant's advanced-experience users CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JcmaRow {
    /// Where it came from.
    pub at: Position,
    /// `UserKey`.
    pub user_key: String,
    /// `UserName`.
    pub user_name: String,
    /// `ErrorType` (blank: none).
    pub error: Option<JcmaError>,
    /// `OldEmail`.
    pub old_email: String,
    /// `NewEmail`, if any.
    pub new_email: Option<String>,
    /// `Tombstone`: migrate as a Former user.
    pub tombstone: bool,
    /// `AccountType` is `CUSTOMER` (JSM customers; always `USER` for Confluence).
    pub customer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_are_recognised_case_insensitively_and_other_kinds_named() {
        let server =
            header(&["Username", "Email", "Full Name", "Status", "User Directory", "Last Login Date"]);
        assert_eq!(recognise(&server), Some(ExportKind::ServerUsers));
        let cloud = header(&["User id", "User name", "email", "User status", "Added to org", "Org role"]);
        assert_eq!(recognise(&cloud), Some(ExportKind::AtlassianExport));
        let legacy = header(&["group_name", "username", "full_name", "email", "active", "last_login"]);
        assert_eq!(recognise(&legacy), Some(ExportKind::AtlassianLegacyExport));
        let jcma =
            header(&["UserKey", "UserName", "ErrorType", "OldEmail", "NewEmail", "Tombstone", "AccountType"]);
        assert_eq!(recognise(&jcma), Some(ExportKind::JcmaUsers));
        assert_eq!(
            recognise(&header(&["\u{feff}ID", "Email", "UPN", "Active", "Groups"])),
            Some(ExportKind::IdpCsv)
        );
        assert_eq!(recognise(&header(&["a", "b"])), None);
        assert_eq!(
            wrong_kind("users.csv", &cloud, ExportKind::ServerUsers).to_string(),
            "users.csv:1: this looks like an Atlassian export, not a server user export \
             (hint: pass it with the option for an Atlassian export)"
        );
        assert_eq!(
            wrong_kind("x.csv", &header(&["Username", "Email"]), ExportKind::ServerUsers).message,
            "not a server user export: the header lacks full name, status, user directory"
        );
    }

    #[test]
    fn csv_with_bom_crlf_quotes_pipes_and_non_ascii_is_read() {
        let text = "\u{feff}Username,Email,Full Name\r\nzoë,zoe@acme.com,\"Zoë, Ms\"\r\n\r\nbob,,Bob\r\n";
        let f = read_csv("a.csv", text.as_bytes(), None).expect("readable");
        assert_eq!(f.header, ["Username", "Email", "Full Name"]);
        assert_eq!(
            f.rows,
            [
                (2, vec!["zoë".to_string(), "zoe@acme.com".to_string(), "Zoë, Ms".to_string()]),
                (4, vec!["bob".to_string(), String::new(), "Bob".to_string()])
            ]
        );
        assert_eq!(f.column("full name"), Some(2));
        let pipes = "UserKey | UserName | ErrorType\nK1 | user1 | INV\n";
        let f = read_csv("j.csv", pipes.as_bytes(), None).expect("pipes");
        assert_eq!(f.header, ["UserKey", "UserName", "ErrorType"]);
        assert_eq!(f.rows[0].1, ["K1", "user1", "INV"]);
    }

    #[test]
    fn bad_csv_is_reported_with_its_line() {
        let short = read_csv("s.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n", None).unwrap_err();
        let lines: Vec<usize> = short.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4]);
        assert_eq!(
            short[0].to_string(),
            "s.csv:3: 2 fields where the header has 3 (hint: a field with the separator in it must be quoted)"
        );
        let bytes = b"a,b\nok,\xff\n";
        let e = read_csv("b.csv", bytes, None).unwrap_err();
        assert_eq!((e[0].line, e[0].column), (2, 4));
        assert_eq!(read_csv("e.csv", b"", None).unwrap_err()[0].message, "the file is empty");
        assert_eq!(
            read_csv("e.csv", "\u{feff}\n".as_bytes(), None).unwrap_err()[0].message,
            "the file is empty"
        );
    }

    #[test]
    fn yes_no_and_blank_cells() {
        assert_eq!(yes_no(" TRUE "), Some(true));
        assert_eq!(yes_no("Inactive"), Some(false));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(blank_to_none("  "), None);
        assert_eq!(blank_to_none(" x "), Some("x".to_string()));
    }
}
