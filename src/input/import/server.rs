//! Reader of a server/DC user export (DESIGN §11, DOMAIN §8.2): `Username,Email,Full Name,
//! Status,User Directory[,Groups]`, header names in any case and order, other columns ignored.
//!
//! The top of this file also holds what the three row readers (`server`, `cloud`, `jcma`)
//! share: the columns a header must have, a data row with its line, and the parsing of its
//! cells into values or problems at line and column.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::{
    CsvFile, ExportKind, ImportProblem, Position, ServerDirectory, ServerUser, read_csv, recognise,
    wrong_kind, yes_no,
};

// ---------------------------------------------------------------------------------------------
// Shared by the readers of server, cloud and migration assistant CSVs
// ---------------------------------------------------------------------------------------------

/// The indices of the columns `names` (compared case-insensitively) in `csv`'s header; when one
/// is missing, the problem that the file is not `expected`'s kind.
pub(super) fn columns<const N: usize>(
    file: &str,
    csv: &CsvFile,
    expected: ExportKind,
    names: [&str; N],
) -> Result<[usize; N], Vec<ImportProblem>> {
    let mut found = [0; N];
    for (index, name) in found.iter_mut().zip(names) {
        *index = csv.column(name).ok_or_else(|| vec![wrong_kind(file, &csv.header, expected)])?;
    }
    Ok(found)
}

/// A data row of a CSV: its file, line, the header and its fields.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record<'a> {
    file: &'a str,
    line: usize,
    header: &'a [String],
    fields: &'a [String],
}

impl<'a> Record<'a> {
    /// Every data row of `csv`, in file order.
    pub(super) fn all(file: &'a str, csv: &'a CsvFile) -> impl Iterator<Item = Record<'a>> {
        csv.rows.iter().map(move |(line, fields)| Record { file, line: *line, header: &csv.header, fields })
    }

    /// Where the row came from.
    pub(super) fn position(&self) -> Position {
        Position { file: self.file.to_string(), line: self.line }
    }

    /// The field of column `column` (0-based), trimmed; blank when there is none.
    pub(super) fn cell(&self, column: usize) -> &'a str {
        self.fields.get(column).map_or("", |f| f.trim())
    }

    /// The field of an optional column; blank when the header lacks it.
    pub(super) fn optional(&self, column: Option<usize>) -> &'a str {
        column.map_or("", |c| self.cell(c))
    }

    /// A problem at this row's field of `column` (0-based).
    pub(super) fn problem(&self, column: usize, message: impl Into<String>) -> ImportProblem {
        ImportProblem::at(self.file, self.line, column + 1, message)
    }

    /// The field of `column`, which must not be blank (else "blank <header>" with `hint`).
    pub(super) fn required(&self, column: usize, hint: &str) -> Result<&'a str, ImportProblem> {
        let cell = self.cell(column);
        if cell.is_empty() {
            Err(self.problem(column, format!("blank {}", self.name(column))).hint(hint))
        } else {
            Ok(cell)
        }
    }

    /// The field of `column` parsed by `parse` (which sees it trimmed and in lower case); a value
    /// it refuses is "unknown <header> `<value>`" (or "blank <header>") with `hint`.
    pub(super) fn parse<T>(
        &self,
        column: usize,
        parse: impl Fn(&str) -> Option<T>,
        hint: &str,
    ) -> Result<T, ImportProblem> {
        let cell = self.cell(column);
        parse(&cell.to_lowercase()).ok_or_else(|| {
            let message = match cell {
                "" => format!("blank {}", self.name(column)),
                _ => format!("unknown {} `{cell}`", self.name(column)),
            };
            self.problem(column, message).hint(hint)
        })
    }

    /// The header's name of `column`, as written.
    fn name(&self, column: usize) -> &'a str {
        self.header.get(column).map_or("", |h| h.trim())
    }
}

/// The names of a list cell split at any of `separators`, trimmed, blanks dropped.
pub(super) fn split_list(cell: &str, separators: &[char]) -> Vec<String> {
    cell.split(separators).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Adds `items` to `list`, each unless it is already there (first occurrence kept).
pub(super) fn add_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Every value, or every problem.
pub(super) fn all_or_problems<T>(
    values: Vec<T>,
    problems: Vec<ImportProblem>,
) -> Result<Vec<T>, Vec<ImportProblem>> {
    if problems.is_empty() { Ok(values) } else { Err(problems) }
}

// ---------------------------------------------------------------------------------------------
// The server user export
// ---------------------------------------------------------------------------------------------

/// The server users of `file`'s `bytes`, in file order, or every problem at once.
pub fn read_server_users(file: &str, bytes: &[u8]) -> Result<Vec<ServerUser>, Vec<ImportProblem>> {
    let csv = read_csv(file, bytes, None)?;
    if recognise(&csv.header) != Some(ExportKind::ServerUsers) {
        return Err(vec![wrong_kind(file, &csv.header, ExportKind::ServerUsers)]);
    }
    let [username, email, full_name, status, directory] = columns(
        file,
        &csv,
        ExportKind::ServerUsers,
        ["username", "email", "full name", "status", "user directory"],
    )?;
    let groups = csv.column("groups");
    let mut users = Vec::new();
    let mut problems = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for row in Record::all(file, &csv) {
        let name =
            row.required(username, "every server user has a username").and_then(|name| {
                match first_line.entry(name.to_lowercase()) {
                    Entry::Occupied(first) => Err(row
                        .problem(
                            username,
                            format!("duplicate username `{name}` (first at line {})", first.get()),
                        )
                        .hint("a server user appears once: remove one of the rows")),
                    Entry::Vacant(slot) => {
                        slot.insert(row.line);
                        Ok(name)
                    }
                }
            });
        let active = row.parse(status, yes_no, "active or inactive");
        let (name, active) = match (name, active) {
            (Ok(n), Ok(a)) => (n, a),
            (n, a) => {
                problems.extend(n.err().into_iter().chain(a.err()));
                continue;
            }
        };
        users.push(ServerUser {
            at: row.position(),
            username: name.to_string(),
            email: row.cell(email).to_string(),
            full_name: super::blank_to_none(row.cell(full_name)),
            active,
            directory: directory_of(row.cell(directory)),
            groups: split_list(row.optional(groups), &[';', ',']),
        });
    }
    all_or_problems(users, problems)
}

/// A `User Directory` cell: the product's internal directory ("Jira Internal Directory",
/// "Confluence Internal Directory", any case) or another one.
fn directory_of(cell: &str) -> ServerDirectory {
    if cell.to_lowercase().contains("internal directory") {
        ServerDirectory::Internal
    } else {
        ServerDirectory::External
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize) -> Position {
        Position { file: "server.csv".to_string(), line }
    }

    fn user(line: usize, username: &str, email: &str, name: Option<&str>, active: bool) -> ServerUser {
        ServerUser {
            at: at(line),
            username: username.to_string(),
            email: email.to_string(),
            full_name: name.map(str::to_string),
            active,
            directory: ServerDirectory::Internal,
            groups: Vec::new(),
        }
    }

    fn problems(text: &str) -> Vec<String> {
        read_server_users("server.csv", text.as_bytes())
            .unwrap_err()
            .iter()
            .map(ImportProblem::to_string)
            .collect()
    }

    #[test]
    fn the_common_shape_is_read_with_groups_and_directories() {
        let text = "Username,Email,Full Name,Status,User Directory,Groups\n\
                    alice,alice@acme.com,Alice Smith,Active,Jira Internal Directory,jira-users;jira-admins\n\
                    bob,bob@acme.com,,inactive,Corporate AD,\"jira-users, devs\"\n\
                    carol,carol@acme.com,Carol,ACTIVE,confluence internal directory,\n";
        let users = read_server_users("server.csv", text.as_bytes()).unwrap();
        let mut alice = user(2, "alice", "alice@acme.com", Some("Alice Smith"), true);
        alice.groups = vec!["jira-users".to_string(), "jira-admins".to_string()];
        let mut bob = user(3, "bob", "bob@acme.com", None, false);
        bob.directory = ServerDirectory::External;
        bob.groups = vec!["jira-users".to_string(), "devs".to_string()];
        let carol = user(4, "carol", "carol@acme.com", Some("Carol"), true);
        assert_eq!(users, [alice, bob, carol]);
    }

    #[test]
    fn any_order_and_case_extra_columns_bom_crlf_quotes_and_non_ascii() {
        let text = "\u{feff}STATUS,user directory,Last Login Date,email,USERNAME,full name\r\n\
                    Active,\"Jira Internal Directory\",2024-01-02,zoe@acme.com,zoë,\"Zoë Ünal, Dr\"\r\n\
                    \r\n\
                    Inactive,Jira Internal Directory,,,blank.email,Bläs\r\n";
        let users = read_server_users("server.csv", text.as_bytes()).unwrap();
        assert_eq!(
            users,
            [
                user(2, "zoë", "zoe@acme.com", Some("Zoë Ünal, Dr"), true),
                user(4, "blank.email", "", Some("Bläs"), false)
            ]
        );
    }

    #[test]
    fn bad_status_blank_username_and_duplicates_are_reported_together() {
        let text = "Username,Email,Full Name,Status,User Directory\n\
                    alice,a@acme.com,A,Active,Jira Internal Directory\n\
                    bob,b@acme.com,B,Locked,Jira Internal Directory\n\
                    ,c@acme.com,C,Active,Jira Internal Directory\n\
                    ALICE,a2@acme.com,A2,Active,Jira Internal Directory\n\
                    ,d@acme.com,D,maybe,Jira Internal Directory\n\
                    Bob,b2@acme.com,B2,Active,Jira Internal Directory\n\
                    dave,d@acme.com,D,,Jira Internal Directory\n";
        assert_eq!(
            problems(text),
            [
                "server.csv:3:4: unknown Status `Locked` (hint: active or inactive)",
                "server.csv:4:1: blank Username (hint: every server user has a username)",
                "server.csv:5:1: duplicate username `ALICE` (first at line 2) \
                 (hint: a server user appears once: remove one of the rows)",
                "server.csv:6:1: blank Username (hint: every server user has a username)",
                "server.csv:6:4: unknown Status `maybe` (hint: active or inactive)",
                "server.csv:7:1: duplicate username `Bob` (first at line 3) \
                 (hint: a server user appears once: remove one of the rows)",
                "server.csv:8:4: blank Status (hint: active or inactive)",
            ]
        );
    }

    #[test]
    fn a_file_of_another_kind_is_named() {
        assert_eq!(
            problems("User id,User name,email,User status,Added to org,Org role\nu1,A,a@acme.com,active,,\n"),
            ["server.csv:1: this looks like an Atlassian export, not a server user export \
              (hint: pass it with the option for an Atlassian export)"]
        );
        assert_eq!(
            problems("Username,Email\nalice,a@acme.com\n"),
            ["server.csv:1: not a server user export: the header lacks full name, status, user directory \
              (hint: a server user export starts with the columns username, email, full name, status, \
              user directory)"]
        );
        assert_eq!(problems(""), ["server.csv: the file is empty (hint: export it again)"]);
    }

    #[test]
    fn shared_helpers() {
        assert_eq!(split_list(" a ; b,,c ;", &[';', ',']), ["a", "b", "c"]);
        let mut list = vec!["a".to_string()];
        add_unique(&mut list, ["b".to_string(), "a".to_string(), "b".to_string()]);
        assert_eq!(list, ["a", "b"]);
    }
}
