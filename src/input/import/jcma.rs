//! Reader of the migration assistant's users CSV (DESIGN §11, docs/sources.md §8.2): the advanced
//! experience's `UserKey|UserName|ErrorType|OldEmail|NewEmail|Tombstone|AccountType`, and the
//! older "simple" per-problem files (`Type` for `ErrorType`, no `AccountType`); comma- or
//! pipe-separated, fields trimmed.

use super::rows::{Record, all_or_problems, columns};
use super::{ExportKind, ImportProblem, JcmaError, JcmaRow, read_csv, recognise};

/// The rows of `file`'s `bytes`, in file order, or every problem at once.
pub fn read_jcma(file: &str, bytes: &[u8]) -> Result<Vec<JcmaRow>, Vec<ImportProblem>> {
    let csv = read_csv(file, bytes, None)?;
    // The simple files name `ErrorType` `Type`; `recognise` knows only the advanced header.
    let error_column =
        if recognise(&csv.header) == Some(ExportKind::JcmaUsers) { "errortype" } else { "type" };
    let [user_key, user_name, error, old_email, new_email, tombstone] = columns(
        file,
        &csv,
        ExportKind::JcmaUsers,
        ["userkey", "username", error_column, "oldemail", "newemail", "tombstone"],
    )?;
    let account_type = csv.column("accounttype");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for row in Record::all(file, &csv) {
        let key =
            row.required(user_key, "every row names the user's key, as the migration assistant wrote it");
        let error = row.parse(
            error,
            |e| match e {
                "inv" => Some(Some(JcmaError::Invalid)),
                "dup" => Some(Some(JcmaError::Duplicate)),
                "" => Some(None),
                _ => None,
            },
            "INV, DUP or empty",
        );
        let tombstone = row.parse(
            tombstone,
            |t| match t {
                "true" => Some(true),
                "false" | "" => Some(false),
                _ => None,
            },
            "TRUE, FALSE or empty",
        );
        let customer = match account_type {
            Some(c) => row.parse(
                c,
                |a| match a {
                    "customer" => Some(true),
                    "user" | "" => Some(false),
                    _ => None,
                },
                "USER, CUSTOMER or empty",
            ),
            None => Ok(false),
        };
        match (key, error, tombstone, customer) {
            (Ok(key), Ok(error), Ok(tombstone), Ok(customer)) => rows.push(JcmaRow {
                at: row.position(),
                user_key: key.to_string(),
                user_name: row.cell(user_name).to_string(),
                error,
                old_email: row.cell(old_email).to_string(),
                new_email: super::blank_to_none(row.cell(new_email)),
                tombstone,
                customer,
            }),
            (k, e, t, c) => {
                problems.extend(k.err().into_iter().chain(e.err()).chain(t.err()).chain(c.err()));
            }
        }
    }
    all_or_problems(rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::import::Position;

    #[allow(clippy::too_many_arguments)]
    fn row(
        line: usize,
        key: &str,
        name: &str,
        error: Option<JcmaError>,
        old: &str,
        new: Option<&str>,
        tombstone: bool,
        customer: bool,
    ) -> JcmaRow {
        JcmaRow {
            at: Position { file: "users.csv".to_string(), line },
            user_key: key.to_string(),
            user_name: name.to_string(),
            error,
            old_email: old.to_string(),
            new_email: new.map(str::to_string),
            tombstone,
            customer,
        }
    }

    fn read(text: &str) -> Result<Vec<JcmaRow>, Vec<String>> {
        read_jcma("users.csv", text.as_bytes())
            .map_err(|ps| ps.iter().map(ImportProblem::to_string).collect())
    }

    #[test]
    fn the_documented_example_rows_pipe_separated() {
        let text = "UserKey | UserName | ErrorType | OldEmail | NewEmail | Tombstone | AccountType\n\
                    JIRAUSER10106 | user1 | INV | user1@user1 | useri10106@atlassian.com | FALSE | USER\n\
                    JIRAUSER10107 | cust1 | DUP | user@atl.com | useri10107@atlassian.com | FALSE | CUSTOMER\n";
        assert_eq!(
            read(text),
            Ok(vec![
                row(
                    2,
                    "JIRAUSER10106",
                    "user1",
                    Some(JcmaError::Invalid),
                    "user1@user1",
                    Some("useri10106@atlassian.com"),
                    false,
                    false
                ),
                row(
                    3,
                    "JIRAUSER10107",
                    "cust1",
                    Some(JcmaError::Duplicate),
                    "user@atl.com",
                    Some("useri10107@atlassian.com"),
                    false,
                    true
                ),
            ])
        );
    }

    #[test]
    fn comma_separated_with_bom_crlf_quotes_blanks_and_non_ascii() {
        let text = "\u{feff}UserKey,UserName,ErrorType,OldEmail,NewEmail,Tombstone,AccountType\r\n\
                    JIRAUSER1,zoë,,zoe@acme.com,,,\r\n\
                    \"JIRAUSER2\",\"Ünal, B\",dup,b@acme.com, ,true,customer\r\n";
        assert_eq!(
            read(text),
            Ok(vec![
                row(2, "JIRAUSER1", "zoë", None, "zoe@acme.com", None, false, false),
                row(3, "JIRAUSER2", "Ünal, B", Some(JcmaError::Duplicate), "b@acme.com", None, true, true),
            ])
        );
    }

    #[test]
    fn the_older_simple_file_is_accepted() {
        let text = "UserKey|UserName|Type|OldEmail|NewEmail|Tombstone\n\
                    JIRAUSER3|bob|INV|bob@bob|bob@acme.com|False\n";
        assert_eq!(
            read(text),
            Ok(vec![row(
                2,
                "JIRAUSER3",
                "bob",
                Some(JcmaError::Invalid),
                "bob@bob",
                Some("bob@acme.com"),
                false,
                false
            )])
        );
    }

    #[test]
    fn unknown_values_and_blank_keys_are_reported_at_their_cells() {
        let text = "UserKey|UserName|ErrorType|OldEmail|NewEmail|Tombstone|AccountType\n\
                    K1|a|XYZ|a@a|a@acme.com|FALSE|USER\n\
                    |b|INV|b@b||yes|ADMIN\n";
        assert_eq!(
            read(text),
            Err(vec![
                "users.csv:2:3: unknown ErrorType `XYZ` (hint: INV, DUP or empty)".to_string(),
                "users.csv:3:1: blank UserKey (hint: every row names the user's key, as the migration \
                 assistant wrote it)"
                    .to_string(),
                "users.csv:3:6: unknown Tombstone `yes` (hint: TRUE, FALSE or empty)".to_string(),
                "users.csv:3:7: unknown AccountType `ADMIN` (hint: USER, CUSTOMER or empty)".to_string(),
            ])
        );
        let simple = "UserKey,UserName,Type,OldEmail,NewEmail,Tombstone\nK1,a,bad,a@a,,\n";
        assert_eq!(
            read(simple),
            Err(vec!["users.csv:2:3: unknown Type `bad` (hint: INV, DUP or empty)".to_string()])
        );
    }

    #[test]
    fn a_file_of_another_kind_is_named() {
        assert_eq!(
            read("Username,Email,Full Name,Status,User Directory\nalice,a@acme.com,A,Active,X\n"),
            Err(vec![
                "users.csv:1: this looks like a server user export, not a migration assistant users CSV \
                 (hint: pass it with the option for a server user export)"
                    .to_string()
            ])
        );
        assert_eq!(
            read("UserKey|UserName|OldEmail\nK1|a|a@a\n"),
            Err(vec![
                "users.csv:1: not a migration assistant users CSV: the header lacks errortype, newemail, \
                 tombstone (hint: a migration assistant users CSV starts with the columns userkey, \
                 username, errortype, oldemail, newemail, tombstone)"
                    .to_string()
            ])
        );
    }
}
