//! Reader of Atlassian admin's "Export users" CSV (DESIGN §11, docs/sources.md §8.1), in its current
//! headers (`User id`, `User name`, `email`, `User status`, …, group columns, `<App> - <site>`
//! product columns) and its legacy header (`group_name,username,full_name,email,active,…`).
//! One account per `User id` (else email): rows of one account — one per group membership —
//! are folded into the first.

use std::collections::HashMap;

use super::rows::{Record, add_unique, all_or_problems, columns, split_list};
use super::{CloudStatus, CloudUser, CsvFile, ExportKind, ImportProblem, read_csv, recognise, wrong_kind};

/// The cloud accounts of `file`'s `bytes`, in the order of their first row, or every problem.
pub fn read_cloud_users(file: &str, bytes: &[u8]) -> Result<Vec<CloudUser>, Vec<ImportProblem>> {
    let csv = read_csv(file, bytes, None)?;
    let layout = match recognise(&csv.header) {
        Some(ExportKind::AtlassianExport) => current_layout(file, &csv)?,
        Some(ExportKind::AtlassianLegacyExport) => legacy_layout(file, &csv)?,
        _ => return Err(vec![wrong_kind(file, &csv.header, ExportKind::AtlassianExport)]),
    };
    let mut users: Vec<CloudUser> = Vec::new();
    let mut problems = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for row in Record::all(file, &csv) {
        let email = row.required(layout.email, "a cloud account always has an email: export it again");
        let status = row.parse(layout.status, layout.parse_status, layout.status_hint);
        let (email, status) = match (email, status) {
            (Ok(e), Ok(s)) => (e, s),
            (e, s) => {
                problems.extend(e.err().into_iter().chain(s.err()));
                continue;
            }
        };
        let id = super::blank_to_none(row.optional(layout.id));
        let mut groups = Vec::new();
        for &(column, separated) in &layout.groups {
            let cell = row.cell(column);
            groups.extend(if separated {
                split_list(cell, &[','])
            } else {
                super::blank_to_none(cell).into_iter().collect()
            });
        }
        let products =
            layout.products.iter().filter(|(c, _)| has_access(row.cell(*c))).map(|(_, app)| app.clone());
        let key = id.clone().unwrap_or_else(|| email.to_lowercase());
        let index = *index_of.entry(key).or_insert_with(|| {
            users.push(CloudUser {
                at: row.position(),
                id,
                email: email.to_string(),
                name: super::blank_to_none(row.optional(layout.name)),
                status,
                groups: Vec::new(),
                products: Vec::new(),
            });
            users.len() - 1
        });
        add_unique(&mut users[index].groups, groups);
        add_unique(&mut users[index].products, products);
    }
    all_or_problems(users, problems)
}

/// Where an export's columns are and how its status reads.
struct Layout {
    /// `User id` (current header only).
    id: Option<usize>,
    /// `email`.
    email: usize,
    /// `User name` / `full_name`, if the header has it.
    name: Option<usize>,
    /// `User status` / `active`.
    status: usize,
    /// The status of a lower-case cell.
    parse_status: fn(&str) -> Option<CloudStatus>,
    /// The values `status` takes.
    status_hint: &'static str,
    /// Group columns: index, and whether the cell is a comma-separated list.
    groups: Vec<(usize, bool)>,
    /// Product columns: index and the product.
    products: Vec<(usize, String)>,
}

/// The current headers: `User id`, `User name`, `email`, `User status`; groups in `Group
/// membership` (comma-separated), pivoted `Group 1`, `Group 2`, … or `Group name` (a row per
/// membership); products in `<App> - <site>` columns (`Last seen in …` ignored).
fn current_layout(file: &str, csv: &CsvFile) -> Result<Layout, Vec<ImportProblem>> {
    let [id, email, status] =
        columns(file, csv, ExportKind::AtlassianExport, ["user id", "email", "user status"])?;
    let name = csv.column("user name");
    let mut groups = Vec::new();
    let mut products = Vec::new();
    for (column, cell) in csv.header.iter().enumerate() {
        let header = super::normalise_header(cell);
        let pivoted = header
            .strip_prefix("group ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if header == "group membership" {
            groups.push((column, true));
        } else if header == "group name" || pivoted {
            groups.push((column, false));
        } else if let Some((app, _site)) = cell.split_once(" - ") {
            if !header.starts_with("last seen in ") {
                products.push((column, app.trim().to_string()));
            }
        }
    }
    Ok(Layout {
        id: Some(id),
        email,
        name,
        status,
        parse_status: |s| match s {
            "active" => Some(CloudStatus::Active),
            "inactive" | "deactivated" => Some(CloudStatus::Inactive),
            "suspended" => Some(CloudStatus::Suspended),
            _ => None,
        },
        status_hint: "active, inactive or suspended",
        groups,
        products,
    })
}

/// The legacy header `group_name,username,full_name,email,active,last_login,last_session,<products>`:
/// a row per group membership; every column after the known ones is a product.
fn legacy_layout(file: &str, csv: &CsvFile) -> Result<Layout, Vec<ImportProblem>> {
    const KNOWN: [&str; 7] =
        ["group_name", "username", "full_name", "email", "active", "last_login", "last_session"];
    let [group, email, name, status] = columns(
        file,
        csv,
        ExportKind::AtlassianLegacyExport,
        ["group_name", "email", "full_name", "active"],
    )?;
    let products = csv
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| !KNOWN.contains(&super::normalise_header(h).as_str()))
        .map(|(c, h)| (c, h.trim().to_string()))
        .collect();
    Ok(Layout {
        id: None,
        email,
        name: Some(name),
        status,
        parse_status: |s| {
            super::yes_no(s).map(|a| if a { CloudStatus::Active } else { CloudStatus::Inactive })
        },
        status_hint: "yes, no, true or false",
        groups: vec![(group, false)],
        products,
    })
}

/// Whether a product cell grants access: not blank, and not `None`, `No access`, `false`, `no`
/// or `0` (any case).
fn has_access(cell: &str) -> bool {
    !cell.is_empty() && !matches!(cell.to_lowercase().as_str(), "none" | "no access" | "false" | "no" | "0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::import::Position;

    fn account(
        line: usize,
        id: Option<&str>,
        email: &str,
        name: Option<&str>,
        status: CloudStatus,
    ) -> CloudUser {
        CloudUser {
            at: Position { file: "cloud.csv".to_string(), line },
            id: id.map(str::to_string),
            email: email.to_string(),
            name: name.map(str::to_string),
            status,
            groups: Vec::new(),
            products: Vec::new(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn read(text: &str) -> Result<Vec<CloudUser>, Vec<String>> {
        read_cloud_users("cloud.csv", text.as_bytes())
            .map_err(|ps| ps.iter().map(ImportProblem::to_string).collect())
    }

    #[test]
    fn current_headers_with_group_membership_products_and_a_suspended_account() {
        let text = "User id,User name,email,User status,Added to org,Org role,Group membership,\
                    Jira - acme,Last seen in Jira - acme,Confluence - acme,Jira Service Management - acme\n\
                    u1,Alice,alice@acme.com,Active,2021-01-01,Admin,\"jira-users,site-admins\",\
                    User,2024-01-01,None,No access\n\
                    u2,Bob,bob@acme.com,SUSPENDED,2021-01-01,Basic,,,Never accessed,User,\n\
                    u3,,carol@acme.com,deactivated,2021-01-01,Basic,jira-users,User,,User,User\n";
        let mut alice = account(2, Some("u1"), "alice@acme.com", Some("Alice"), CloudStatus::Active);
        alice.groups = strings(&["jira-users", "site-admins"]);
        alice.products = strings(&["Jira"]);
        let mut bob = account(3, Some("u2"), "bob@acme.com", Some("Bob"), CloudStatus::Suspended);
        bob.products = strings(&["Confluence"]);
        let mut carol = account(4, Some("u3"), "carol@acme.com", None, CloudStatus::Inactive);
        carol.groups = strings(&["jira-users"]);
        carol.products = strings(&["Jira", "Confluence", "Jira Service Management"]);
        assert_eq!(read(text), Ok(vec![alice, bob, carol]));
    }

    #[test]
    fn one_row_per_group_is_folded_by_user_id_keeping_the_first_row() {
        let text = "\u{feff}Group id,Group name,User id,User name,email,User status,Added to org,Org role,\
                    Jira - acme,Jira - beta\r\n\
                    g1,jira-users,u1,Zoë Ünal,zoe@acme.com,active,,,User,\r\n\
                    g2,\"devs, backend\",u2,Bob,bob@acme.com,inactive,,,,\r\n\
                    g3,site-admins,u1,Zoë Ünal,ZOE@acme.com,active,,,,User\r\n\
                    g1,jira-users,u1,Zoë Ünal,zoe@acme.com,active,,,User,\r\n";
        let mut zoe = account(2, Some("u1"), "zoe@acme.com", Some("Zoë Ünal"), CloudStatus::Active);
        zoe.groups = strings(&["jira-users", "site-admins"]);
        zoe.products = strings(&["Jira"]);
        let mut bob = account(3, Some("u2"), "bob@acme.com", Some("Bob"), CloudStatus::Inactive);
        bob.groups = strings(&["devs, backend"]);
        assert_eq!(read(text), Ok(vec![zoe, bob]));
    }

    #[test]
    fn pivoted_group_columns() {
        let text = "User id,email,User name,User status,Group 1,Group 2,Group 3\n\
                    u1,a@acme.com,A,active,jira-users,,devs\n";
        let mut a = account(2, Some("u1"), "a@acme.com", Some("A"), CloudStatus::Active);
        a.groups = strings(&["jira-users", "devs"]);
        assert_eq!(read(text), Ok(vec![a]));
    }

    #[test]
    fn the_legacy_header_is_folded_by_email() {
        let text = "group_name,username,full_name,email,active,last_login,last_session,\
                    Jira Service Desk,Jira Software,Jira Core,Confluence\n\
                    jira-software-users,alice,Alice Smith,alice@acme.com,Yes,2020-01-01,,,TRUE,,\n\
                    confluence-users,bob,Bob,bob@acme.com,false,,,,,,FALSE\n\
                    confluence-users,alice,Alice Smith,Alice@Acme.com,Yes,2020-01-01,,,,,TRUE\n";
        let mut alice = account(2, None, "alice@acme.com", Some("Alice Smith"), CloudStatus::Active);
        alice.groups = strings(&["jira-software-users", "confluence-users"]);
        alice.products = strings(&["Jira Software", "Confluence"]);
        let mut bob = account(3, None, "bob@acme.com", Some("Bob"), CloudStatus::Inactive);
        bob.groups = strings(&["confluence-users"]);
        assert_eq!(read(text), Ok(vec![alice, bob]));
    }

    #[test]
    fn blank_email_and_unknown_status_are_reported_at_their_cells() {
        let text = "User id,User name,email,User status\n\
                    u1,A,,active\n\
                    u2,B,b@acme.com,pending\n\
                    u3,C,,gone\n";
        assert_eq!(
            read(text),
            Err(strings(&[
                "cloud.csv:2:3: blank email (hint: a cloud account always has an email: export it again)",
                "cloud.csv:3:4: unknown User status `pending` (hint: active, inactive or suspended)",
                "cloud.csv:4:3: blank email (hint: a cloud account always has an email: export it again)",
                "cloud.csv:4:4: unknown User status `gone` (hint: active, inactive or suspended)",
            ]))
        );
        let legacy = "group_name,username,full_name,email,active\ng,a,A,a@acme.com,maybe\n";
        assert_eq!(
            read(legacy),
            Err(strings(&["cloud.csv:2:5: unknown active `maybe` (hint: yes, no, true or false)"]))
        );
    }

    #[test]
    fn a_file_of_another_kind_is_named() {
        assert_eq!(
            read("Username,Email,Full Name,Status,User Directory\nalice,a@acme.com,A,Active,X\n"),
            Err(strings(&["cloud.csv:1: this looks like a server user export, not an Atlassian export \
                           (hint: pass it with the option for a server user export)"]))
        );
        assert_eq!(
            read("User id,email\nu1,a@acme.com\n"),
            Err(strings(&["cloud.csv:1: not an Atlassian export: the header lacks user status \
                           (hint: an Atlassian export starts with the columns user id, email, user status)"]))
        );
        assert_eq!(
            read("User id,email,User status\nu1,a@acme.com,active\n"),
            Ok(vec![account(2, Some("u1"), "a@acme.com", None, CloudStatus::Active)])
        );
    }
}
