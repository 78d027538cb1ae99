//! Reader of a server/DC user export (DESIGN §11, docs/sources.md §8.2): `Username,Email,Full Name,
//! Status,User Directory[,Groups]`, header names in any case and order, other columns ignored.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::rows::{Record, all_or_problems, columns, split_list};
use super::{
    ExportKind, ImportProblem, ServerDirectory, ServerUser, read_csv, recognise, wrong_kind, yes_no,
};

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
    use super::super::Position;
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
}
