//! The IdP's users and groups (DESIGN §11), recognised by content: SCIM 2.0 JSON (RFC 7643
//! resources, RFC 7644 `ListResponse`, a single resource or a bare array of them) or the IdP
//! CSV (`id,email,upn,active,groups`); see [`super`].
//!
//! A paged SCIM export is read one page at a time with [`read_idp_page`], which returns each
//! page's [`PageInfo`]; [`check_pages`] then checks that the pages together hold every
//! resource once. [`read_idp`] is the one-file form: it refuses a list whose `totalResults`
//! does not match its `Resources` unless the list says it is a page (`startIndex` or
//! `itemsPerPage`).

use serde_json::{Map, Value};

use super::{
    ExportKind, IdpExport, IdpGroup, IdpUser, ImportProblem, Position, blank_to_none, read_csv, recognise,
    wrong_kind, yes_no,
};

const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const MESSAGES: &str = "urn:ietf:params:scim:api:messages:2.0:";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PAGED_HINT: &str = "a paged export: pass every page with --idp";
const CHANGED_HINT: &str = "the users changed during the export: export every page again";

/// What a SCIM `ListResponse` page says of its place in the whole list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// `totalResults`, if given.
    pub total_results: Option<u64>,
    /// `startIndex` (1-based), if given.
    pub start_index: Option<u64>,
    /// `itemsPerPage`, if given.
    pub items_per_page: Option<u64>,
    /// How many resources the page holds.
    pub items: u64,
}

/// Reads one IdP export: every user and group, or every problem. A `ListResponse` whose
/// `totalResults` differs from its number of `Resources` is a problem unless it is a page
/// (`startIndex` or `itemsPerPage` given); pages are read with [`read_idp_page`].
pub fn read_idp(file: &str, bytes: &[u8]) -> Result<IdpExport, Vec<ImportProblem>> {
    read_idp_page(file, bytes).map(|(export, _)| export)
}

/// Reads one IdP export like [`read_idp`] and, for a SCIM `ListResponse`, its [`PageInfo`]
/// (`None` for a single resource, a bare array or a CSV), for [`check_pages`].
pub fn read_idp_page(file: &str, bytes: &[u8]) -> Result<(IdpExport, Option<PageInfo>), Vec<ImportProblem>> {
    match std::str::from_utf8(bytes).map(|t| t.trim_start_matches('\u{feff}')) {
        Ok(text) if text.trim_start().starts_with(['{', '[']) => read_scim(file, text),
        _ => read_idp_csv(file, bytes).map(|export| (export, None)),
    }
}

/// Checks that the pages of one paged export, each with its file, together hold exactly
/// `totalResults` resources, with no gap or overlap in their `startIndex` ranges and one
/// `totalResults` for all. Every problem names the page's file.
pub fn check_pages(pages: &[(String, PageInfo)]) -> Result<(), Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let whole = |file: &str, message: String| ImportProblem::at(file, 0, 0, message);
    let mut placed: Vec<(u64, &str, &PageInfo)> = Vec::new();
    for (file, page) in pages {
        match page.start_index {
            // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1.
            Some(start) => placed.push((start.max(1), file, page)),
            None if pages.len() == 1 => placed.push((1, file, page)),
            None => problems.push(
                whole(file, "no startIndex: this page cannot be placed among the others".to_string())
                    .hint("export the pages with startIndex and count (GET /Users?startIndex=1&count=100)"),
            ),
        }
    }
    placed.sort_by_key(|&(start, ..)| start);
    let total = placed.iter().find_map(|(_, file, p)| p.total_results.map(|t| (t, *file)));
    if let Some((total, first)) = total {
        for (_, file, page) in &placed {
            if let Some(t) = page.total_results.filter(|&t| t != total) {
                problems.push(
                    whole(file, format!("totalResults says {t} here but {total} in {first}"))
                        .hint(CHANGED_HINT),
                );
            }
        }
    }
    let mut next = 1;
    let mut previous: Option<&str> = None;
    for &(start, file, page) in &placed {
        if start > next {
            let after = previous.map_or(String::new(), |p| format!(" after {p} ended at {}", next - 1));
            problems.push(
                whole(
                    file,
                    format!("{} missing: this page starts at {start}{after}", resources(next, start - 1)),
                )
                .hint(format!("{PAGED_HINT}, with startIndex {next} too")),
            );
        } else if start < next && page.items > 0 {
            let prev = previous.unwrap_or_default();
            problems.push(
                whole(
                    file,
                    format!(
                        "this page starts at {start} but {prev} holds resources up to {}: {} read twice",
                        next - 1,
                        resources(start, (next - 1).min(start + page.items - 1))
                    ),
                )
                .hint("pass each page once; export again if the users changed between pages"),
            );
        }
        next = next.max(start + page.items);
        previous = Some(file);
    }
    if let (Some((total, _)), Some(last)) = (total, previous) {
        let held = next - 1;
        if held != total {
            let hint = if held < total {
                format!("{PAGED_HINT}, with startIndex {} too", held + 1)
            } else {
                CHANGED_HINT.to_string()
            };
            problems.push(
                whole(last, format!("totalResults says {total} but the pages end at resource {held}"))
                    .hint(hint),
            );
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// `resource 3 is` or `resources 3 to 5 are`.
fn resources(first: u64, last: u64) -> String {
    if first == last { format!("resource {first} is") } else { format!("resources {first} to {last} are") }
}

// ---------------------------------------------------------------------------------------------
// IdP CSV
// ---------------------------------------------------------------------------------------------

fn read_idp_csv(file: &str, bytes: &[u8]) -> Result<IdpExport, Vec<ImportProblem>> {
    let csv = read_csv(file, bytes, None)?;
    if recognise(&csv.header) != Some(ExportKind::IdpCsv) {
        let mut problem = wrong_kind(file, &csv.header, ExportKind::IdpCsv);
        if recognise(&csv.header).is_none() {
            problem.message = "not a SCIM ListResponse or IdP CSV".to_string();
            problem.hint = Some(format!(
                "export the users as SCIM JSON (GET /Users gives a ListResponse) or as a CSV; {}",
                problem.hint.unwrap_or_default()
            ));
        }
        return Err(vec![problem]);
    }
    let column = |name| csv.column(name).expect("recognised: every identifying column is present");
    let (id, email, upn, active, groups) =
        (column("id"), column("email"), column("upn"), column("active"), column("groups"));
    let mut export = IdpExport::default();
    let mut problems = Vec::new();
    for (line, row) in &csv.rows {
        let at = |col: usize, message: String| ImportProblem::at(file, *line, col + 1, message);
        let Some(user_id) = blank_to_none(&row[id]) else {
            problems.push(at(id, "id is blank".to_string()).hint("write the IdP's identifier of the user"));
            continue;
        };
        let is_active = match row[active].trim() {
            "" => true,
            cell => match yes_no(cell) {
                Some(b) => b,
                None => {
                    problems.push(at(active, format!("active is \"{cell}\", not yes or no")).hint(
                        "write true or false (yes/no and 1/0 are read too), or leave it blank for true",
                    ));
                    continue;
                }
            },
        };
        export.users.push(IdpUser {
            at: Position { file: file.to_string(), line: *line },
            id: user_id,
            external_id: None,
            user_name: blank_to_none(&row[upn]),
            email: blank_to_none(&row[email]),
            active: is_active,
            groups: row[groups].split(';').filter_map(blank_to_none).collect(),
        });
    }
    if problems.is_empty() { Ok(export) } else { Err(problems) }
}

// ---------------------------------------------------------------------------------------------
// SCIM JSON
// ---------------------------------------------------------------------------------------------

fn read_scim(file: &str, text: &str) -> Result<(IdpExport, Option<PageInfo>), Vec<ImportProblem>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
        vec![
            ImportProblem::at(file, e.line(), e.column(), format!("not valid JSON: {message}"))
                .hint("export it again, or check the file was not cut short or edited by hand"),
        ]
    })?;
    let lines = resource_lines(text);
    let mut scim = Scim { file, problems: Vec::new(), export: IdpExport::default() };
    let mut page = None;
    match &value {
        Value::Array(items) => scim.resources(items, &lines),
        Value::Object(object) => match message_type(object) {
            Some(LIST_RESPONSE) => {
                let resources = match field(object, "Resources") {
                    None | Some(Value::Null) => &[][..],
                    Some(Value::Array(items)) => items.as_slice(),
                    Some(_) => {
                        scim.problem(
                            1,
                            "Resources is not a list",
                            "write Resources as a JSON array of resources",
                        );
                        &[][..]
                    }
                };
                let info = PageInfo {
                    total_results: field(object, "totalResults").and_then(Value::as_u64),
                    start_index: field(object, "startIndex").and_then(Value::as_u64),
                    items_per_page: field(object, "itemsPerPage").and_then(Value::as_u64),
                    items: resources.len() as u64,
                };
                let paged = info.start_index.is_some() || info.items_per_page.is_some();
                if let Some(total) = info.total_results.filter(|&t| !paged && t != info.items) {
                    let n = info.items;
                    scim.problems.push(
                        ImportProblem::at(
                            file,
                            0,
                            0,
                            format!(
                                "totalResults says {total} but the file holds {n} resource{}",
                                if n == 1 { "" } else { "s" }
                            ),
                        )
                        .hint(PAGED_HINT),
                    );
                }
                scim.resources(resources, &lines);
                page = Some(info);
            }
            Some(other) => scim.problems.push(other_message(file, other, object)),
            None => {
                let line = text[..text.len() - text.trim_start().len()].matches('\n').count() + 1;
                if !scim.resource(&value, line) {
                    scim.problems.push(
                        ImportProblem::at(file, line, 0, "not a SCIM ListResponse or IdP CSV").hint(
                            "pass a ListResponse (GET /Users or /Groups), a User or Group resource, a JSON \
                             array of them, or a CSV with the columns id, email, upn, active, groups",
                        ),
                    );
                }
            }
        },
        _ => scim.problems.push(ImportProblem::at(file, 1, 0, "not a SCIM ListResponse or IdP CSV").hint(
            "pass a ListResponse (GET /Users or /Groups), a User or Group resource, or a JSON array of them",
        )),
    }
    if scim.problems.is_empty() { Ok((scim.export, page)) } else { Err(scim.problems) }
}

/// An attribute of a SCIM object: names are case-insensitive (RFC 7643 §2.1).
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// The `schemas` URNs of an object.
fn schemas(object: &Map<String, Value>) -> Vec<&str> {
    field(object, "schemas")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |s| s.iter().filter_map(Value::as_str).collect())
}

/// The SCIM message URN (`urn:ietf:params:scim:api:messages:2.0:…`) an object declares, if
/// any; the ListResponse as [`LIST_RESPONSE`].
fn message_type(object: &Map<String, Value>) -> Option<&str> {
    let urn = schemas(object)
        .into_iter()
        .find(|s| s.len() > MESSAGES.len() && s[..MESSAGES.len()].eq_ignore_ascii_case(MESSAGES))?;
    Some(if urn.eq_ignore_ascii_case(LIST_RESPONSE) { LIST_RESPONSE } else { urn })
}

/// The problem of a SCIM message other than a ListResponse.
fn other_message(file: &str, urn: &str, object: &Map<String, Value>) -> ImportProblem {
    let name = &urn[MESSAGES.len()..];
    if name.eq_ignore_ascii_case("Error") {
        let said = |key| field(object, key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        let status = said("status").map_or(String::new(), |s| format!(" {s}"));
        let detail = said("detail").map_or(String::new(), |d| format!(": {d}"));
        ImportProblem::at(file, 1, 0, "this is a SCIM error response, not a list of users")
            .hint(format!("the IdP answered{status}{detail}; fix the request and export again"))
    } else {
        ImportProblem::at(file, 1, 0, format!("this is a SCIM {name} message ({urn}), not a list of users"))
            .hint("export the users with GET /Users, which answers a ListResponse")
    }
}

/// The SCIM reader's state: the file, what it read and what is wrong.
struct Scim<'f> {
    file: &'f str,
    problems: Vec<ImportProblem>,
    export: IdpExport,
}

impl Scim<'_> {
    fn problem(&mut self, line: usize, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(ImportProblem::at(self.file, line, 0, message).hint(hint));
    }

    /// Reads the resources of a list or array, each at its line (`lines[i]`, else 1).
    fn resources(&mut self, items: &[Value], lines: &[usize]) {
        for (i, item) in items.iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(1);
            if !self.resource(item, line) {
                self.problem(
                    line,
                    format!("resource {} is neither a SCIM User nor a Group", i + 1),
                    "a user has the User schema or userName; a group has the Group schema or displayName and members",
                );
            }
        }
    }

    /// Reads a User or Group resource at `line`; `false` when it is neither.
    fn resource(&mut self, value: &Value, line: usize) -> bool {
        let Some(object) = value.as_object() else { return false };
        let declared = schemas(object);
        let declares = |urn: &str| declared.iter().any(|s| s.eq_ignore_ascii_case(urn));
        if declares(USER_SCHEMA) || (!declares(GROUP_SCHEMA) && field(object, "userName").is_some()) {
            self.user(object, line);
        } else if declares(GROUP_SCHEMA)
            || (field(object, "displayName").is_some() && field(object, "members").is_some())
        {
            self.group(object, line);
        } else {
            return false;
        }
        true
    }

    /// A string attribute (blank: `None`); another type is a problem.
    fn text(&mut self, object: &Map<String, Value>, name: &str, line: usize, kind: &str) -> Option<String> {
        match field(object, name)? {
            Value::String(s) => blank_to_none(s),
            Value::Null => None,
            other => {
                self.problem(
                    line,
                    format!("the {kind}'s {name} is {other}, not a string"),
                    format!("write {name} as a JSON string"),
                );
                None
            }
        }
    }

    /// The `id`, which every resource must have.
    fn id(&mut self, object: &Map<String, Value>, line: usize, kind: &str) -> Option<String> {
        let id = self.text(object, "id", line, kind);
        if id.is_none() && !field(object, "id").is_some_and(|v| !v.is_string() && !v.is_null()) {
            self.problem(
                line,
                format!("the {kind} has no id"),
                format!("add \"id\": the IdP's identifier of the {kind}"),
            );
        }
        id
    }

    /// The first of the `subs` strings of each entry of a multi-valued attribute
    /// (`groups[].display`, `members[].value`); entries with none of them are problems.
    fn sub_values(
        &mut self,
        object: &Map<String, Value>,
        name: &str,
        subs: &[&str],
        line: usize,
        kind: &str,
    ) -> Vec<String> {
        let Some(entries) = field(object, name).filter(|v| !v.is_null()) else { return Vec::new() };
        let Some(entries) = entries.as_array() else {
            self.problem(
                line,
                format!("the {kind}'s {name} is not a list"),
                format!("write {name} as a JSON array"),
            );
            return Vec::new();
        };
        let mut values = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let value = entry.as_object().and_then(|e| {
                subs.iter().find_map(|sub| field(e, sub).and_then(Value::as_str).and_then(blank_to_none))
            });
            match value {
                Some(v) => values.push(v),
                None => self.problem(
                    line,
                    format!("{name} entry {} of the {kind} has no {}", i + 1, subs[0]),
                    format!("give every {name} entry a \"{}\"", subs[0]),
                ),
            }
        }
        values
    }

    fn user(&mut self, object: &Map<String, Value>, line: usize) {
        let id = self.id(object, line, "user");
        let external_id = self.text(object, "externalId", line, "user");
        let user_name = self.text(object, "userName", line, "user");
        let emails = field(object, "emails").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let primary = emails.iter().find(|e| e.get("primary").and_then(Value::as_bool) == Some(true));
        let email = primary
            .or(emails.first())
            .and_then(|e| e.get("value"))
            .and_then(Value::as_str)
            .and_then(blank_to_none);
        let active = match field(object, "active") {
            None | Some(Value::Null) => Some(true),
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if yes_no(s).is_some() => yes_no(s),
            Some(other) => {
                self.problem(
                    line,
                    format!("the user's active is {other}, not true or false"),
                    "write active as true or false",
                );
                None
            }
        };
        let groups = self.sub_values(object, "groups", &["display", "value"], line, "user");
        if let (Some(id), Some(active)) = (id, active) {
            let at = Position { file: self.file.to_string(), line };
            self.export.users.push(IdpUser { at, id, external_id, user_name, email, active, groups });
        }
    }

    fn group(&mut self, object: &Map<String, Value>, line: usize) {
        let id = self.id(object, line, "group");
        let name = self.text(object, "displayName", line, "group");
        if name.is_none() {
            self.problem(line, "the group has no displayName", "add \"displayName\": the group's name");
        }
        let members = self.sub_values(object, "members", &["value"], line, "group");
        if let (Some(id), Some(name)) = (id, name) {
            let at = Position { file: self.file.to_string(), line };
            self.export.groups.push(IdpGroup { at, id, name, members });
        }
    }
}

/// The 1-based line where each resource begins: each element of the `Resources` array of the
/// top-level object, or of a top-level array. The text must be valid JSON; strings are
/// skipped (a `{` inside one is text).
fn resource_lines(text: &str) -> Vec<usize> {
    enum Frame {
        Object,
        Array { resources: bool, expect_value: bool },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut lines = Vec::new();
    let mut line = 1;
    let mut last_string = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if let Some(Frame::Array { resources: true, expect_value: expect @ true }) = stack.last_mut() {
            if !c.is_whitespace() && c != ']' {
                lines.push(line);
                *expect = false;
            }
        }
        match c {
            '\n' => line += 1,
            '"' => {
                last_string.clear();
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => last_string.push(s),
                    }
                }
            }
            '{' => stack.push(Frame::Object),
            '[' => {
                // In an object, the string before `[` is its key.
                let resources = match stack.as_slice() {
                    [] => true,
                    [Frame::Object] => last_string.eq_ignore_ascii_case("Resources"),
                    _ => false,
                };
                stack.push(Frame::Array { resources, expect_value: true });
            }
            '}' | ']' => {
                stack.pop();
            }
            ',' => {
                if let Some(Frame::Array { expect_value, .. }) = stack.last_mut() {
                    *expect_value = true;
                }
            }
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7643 §8.1, verbatim.
    const RFC7643_MINIMAL_USER: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "userName": "bjensen@example.com",
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"3694e05e9dff590\"",
    "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
}"#;

    /// RFC 7643 §8.2, verbatim (the excerpt of docs/sources.md §8.3).
    const RFC7643_FULL_USER: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "701984",
  "userName": "bjensen@example.com",
  "name": {
    "formatted": "Ms. Barbara J Jensen, III",
    "familyName": "Jensen",
    "givenName": "Barbara",
    "middleName": "Jane",
    "honorificPrefix": "Ms.",
    "honorificSuffix": "III"
  },
  "displayName": "Babs Jensen",
  "nickName": "Babs",
  "profileUrl": "https://login.example.com/bjensen",
  "emails": [
    {"value": "bjensen@example.com", "type": "work", "primary": true},
    {"value": "babs@jensen.org", "type": "home"}
  ],
  "userType": "Employee",
  "title": "Tour Guide",
  "preferredLanguage": "en-US",
  "locale": "en-US",
  "timezone": "America/Los_Angeles",
  "active": true,
  "password": "t1meMa$heen",
  "groups": [
    {"value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
     "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
     "display": "Tour Guides"},
    {"value": "fc348aa8-3835-40eb-a20b-c726e15c55b5",
     "$ref": "https://example.com/v2/Groups/fc348aa8-3835-40eb-a20b-c726e15c55b5",
     "display": "Employees"},
    {"value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
     "$ref": "https://example.com/v2/Groups/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
     "display": "US Employees"}
  ],
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"a330bc54f0671c9\"",
    "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
}"#;

    /// RFC 7643 §8.4, verbatim.
    const RFC7643_GROUP: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
  "displayName": "Tour Guides",
  "members": [
    {"value": "2819c223-7f76-453a-919d-413861904646",
     "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
     "display": "Babs Jensen"},
    {"value": "902c246b-6245-4190-8e05-00816be7344a",
     "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
     "display": "Mandy Pepperidge"}
  ],
  "meta": {
    "resourceType": "Group",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"3694e05e9dff592\"",
    "location": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a"
  }
}"#;

    /// RFC 7644 §3.4.2, verbatim.
    const RFC7644_LIST_RESPONSE: &str = r#"{
  "schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults":2,
  "Resources":[
    {"id":"2819c223-7f76-453a-919d-413861904646", "userName":"bjensen"},
    {"id":"c75ad752-64ae-4823-840d-ffa80929976c", "userName":"jsmith"}
  ]
}"#;

    /// RFC 7644 §3.12, verbatim.
    const RFC7644_ERROR: &str = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"mutability","detail":"Attribute 'id' is readOnly","status":"400"}"#;

    fn at(file: &str, line: usize) -> Position {
        Position { file: file.to_string(), line }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn user(file: &str, line: usize, id: &str, user_name: Option<&str>, email: Option<&str>) -> IdpUser {
        IdpUser {
            at: at(file, line),
            id: id.to_string(),
            external_id: None,
            user_name: user_name.map(str::to_string),
            email: email.map(str::to_string),
            active: true,
            groups: Vec::new(),
        }
    }

    fn shown(problems: Vec<ImportProblem>) -> Vec<String> {
        problems.iter().map(ImportProblem::to_string).collect()
    }

    #[test]
    fn rfc7643_minimal_user() {
        let (export, page) = read_idp_page("u.json", RFC7643_MINIMAL_USER.as_bytes()).expect("valid");
        assert_eq!(page, None);
        assert_eq!(
            export,
            IdpExport {
                users: vec![user(
                    "u.json",
                    1,
                    "2819c223-7f76-453a-919d-413861904646",
                    Some("bjensen@example.com"),
                    None
                )],
                groups: Vec::new(),
            }
        );
    }

    #[test]
    fn rfc7643_full_user_takes_the_primary_email_and_group_names() {
        let export = read_idp("full.json", RFC7643_FULL_USER.as_bytes()).expect("valid");
        assert_eq!(
            export.users,
            [IdpUser {
                external_id: Some("701984".to_string()),
                groups: strings(&["Tour Guides", "Employees", "US Employees"]),
                ..user(
                    "full.json",
                    1,
                    "2819c223-7f76-453a-919d-413861904646",
                    Some("bjensen@example.com"),
                    Some("bjensen@example.com")
                )
            }]
        );
        assert_eq!(export.groups, []);
    }

    #[test]
    fn rfc7643_group() {
        let export = read_idp("g.json", RFC7643_GROUP.as_bytes()).expect("valid");
        assert_eq!(export.users, []);
        assert_eq!(
            export.groups,
            [IdpGroup {
                at: at("g.json", 1),
                id: "e9e30dba-f08f-4109-8486-d5c6a331660a".to_string(),
                name: "Tour Guides".to_string(),
                members: strings(&[
                    "2819c223-7f76-453a-919d-413861904646",
                    "902c246b-6245-4190-8e05-00816be7344a"
                ]),
            }]
        );
    }

    #[test]
    fn rfc7644_list_response_users_have_no_email() {
        let (export, page) = read_idp_page("list.json", RFC7644_LIST_RESPONSE.as_bytes()).expect("valid");
        assert_eq!(
            export.users,
            [
                user("list.json", 5, "2819c223-7f76-453a-919d-413861904646", Some("bjensen"), None),
                user("list.json", 6, "c75ad752-64ae-4823-840d-ffa80929976c", Some("jsmith"), None),
            ]
        );
        assert_eq!(
            page,
            Some(PageInfo { total_results: Some(2), start_index: None, items_per_page: None, items: 2 })
        );
        assert_eq!(check_pages(&[("list.json".to_string(), page.unwrap())]), Ok(()));
    }

    /// A page with the paging fields of RFC 7644 §3.4.3 and `items` users `u<start>`…, each on its line.
    fn page(total: u64, per_page: u64, start: u64, items: u64) -> String {
        let resources: Vec<String> = (start..start + items)
            .map(|i| format!("    {{\"id\":\"u{i}\", \"userName\":\"user{i}\"}}"))
            .collect();
        format!(
            "{{\n  \"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\n  \
             \"totalResults\":{total}, \"itemsPerPage\":{per_page}, \"startIndex\":{start},\n  \
             \"Resources\":[\n{}\n  ]\n}}",
            resources.join(",\n")
        )
    }

    #[test]
    fn rfc7644_paging_fields_make_a_page_not_a_short_list() {
        let (export, info) = read_idp_page("p1.json", page(100, 10, 1, 10).as_bytes()).expect("a page");
        assert_eq!(export.users.len(), 10);
        assert_eq!(export.users[0], user("p1.json", 5, "u1", Some("user1"), None));
        assert_eq!(export.users[9], user("p1.json", 14, "u10", Some("user10"), None));
        let info = info.expect("a ListResponse");
        assert_eq!(
            info,
            PageInfo { total_results: Some(100), start_index: Some(1), items_per_page: Some(10), items: 10 }
        );
        assert_eq!(
            shown(check_pages(&[("p1.json".to_string(), info)]).unwrap_err()),
            ["p1.json: totalResults says 100 but the pages end at resource 10 \
              (hint: a paged export: pass every page with --idp, with startIndex 11 too)"]
        );
    }

    fn info(file: &str, text: &str) -> (String, PageInfo) {
        (file.to_string(), read_idp_page(file, text.as_bytes()).expect("a page").1.expect("a ListResponse"))
    }

    #[test]
    fn two_pages_are_checked_together() {
        let one = info("p1.json", &page(3, 2, 1, 2));
        let two = info("p2.json", &page(3, 2, 3, 1));
        assert_eq!(check_pages(&[two.clone(), one.clone()]), Ok(()));
        let gap = info("p2.json", &page(3, 2, 4, 1));
        assert_eq!(
            shown(check_pages(&[one.clone(), gap]).unwrap_err()),
            [
                "p2.json: resource 3 is missing: this page starts at 4 after p1.json ended at 2 \
                 (hint: a paged export: pass every page with --idp, with startIndex 3 too)",
                "p2.json: totalResults says 3 but the pages end at resource 4 \
                 (hint: the users changed during the export: export every page again)"
            ]
        );
        let overlap = info("p2.json", &page(3, 2, 2, 2));
        assert_eq!(
            shown(check_pages(&[one.clone(), overlap]).unwrap_err()),
            ["p2.json: this page starts at 2 but p1.json holds resources up to 2: resource 2 is read twice \
              (hint: pass each page once; export again if the users changed between pages)"]
        );
        let other_total = info("p2.json", &page(4, 2, 3, 1));
        assert_eq!(
            shown(check_pages(&[one.clone(), other_total]).unwrap_err()),
            ["p2.json: totalResults says 4 here but 3 in p1.json \
              (hint: the users changed during the export: export every page again)"]
        );
        let (one_of_four, two_of_four) =
            (info("p1.json", &page(4, 2, 1, 2)), info("p2.json", &page(4, 2, 3, 1)));
        assert_eq!(
            shown(check_pages(&[one_of_four, two_of_four]).unwrap_err()),
            ["p2.json: totalResults says 4 but the pages end at resource 3 \
              (hint: a paged export: pass every page with --idp, with startIndex 4 too)"]
        );
        let late_start = info("p2.json", &page(3, 2, 3, 1));
        assert_eq!(
            shown(check_pages(&[late_start]).unwrap_err())[0],
            "p2.json: resources 1 to 2 are missing: this page starts at 3 \
             (hint: a paged export: pass every page with --idp, with startIndex 1 too)"
        );
        let unplaced = info("list.json", RFC7644_LIST_RESPONSE);
        assert_eq!(
            shown(check_pages(&[one, unplaced]).unwrap_err())[0],
            "list.json: no startIndex: this page cannot be placed among the others \
             (hint: export the pages with startIndex and count (GET /Users?startIndex=1&count=100))"
        );
    }

    #[test]
    fn an_unpaged_list_must_hold_total_results() {
        let text = RFC7644_LIST_RESPONSE.replace("\"totalResults\":2", "\"totalResults\":3");
        assert_eq!(
            shown(read_idp("list.json", text.as_bytes()).unwrap_err()),
            ["list.json: totalResults says 3 but the file holds 2 resources \
              (hint: a paged export: pass every page with --idp)"]
        );
    }

    #[test]
    fn a_bare_array_of_users_and_groups_keeps_lines_and_users_without_email() {
        let text = "\u{feff}[\n  {\"id\": \"a\", \"userName\": \"zoë\", \"active\": false,\n   \"note\": \"{[ \\\"Resources\\\": [\",\n   \
                    \"emails\": [{\"value\": \"z@home.org\"}, {\"value\": \"zoe@acme.com\", \"primary\": true}]},\n  \
                    {\"id\": \"b\", \"emails\": [{\"value\": \"b@acme.com\"}, {\"value\": \"b2@acme.com\"}],\n   \
                    \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"]},\n  \
                    {\"id\": \"c\", \"userName\": \"carl\", \"emails\": []},\n  \
                    {\"id\": \"g1\", \"displayName\": \"Ops\", \"members\": []}\n]\n";
        let (export, page) = read_idp_page("a.json", text.as_bytes()).expect("valid");
        assert_eq!(page, None);
        assert_eq!(
            export.users,
            [
                IdpUser { active: false, ..user("a.json", 2, "a", Some("zoë"), Some("zoe@acme.com")) },
                user("a.json", 5, "b", None, Some("b@acme.com")),
                user("a.json", 7, "c", Some("carl"), None),
            ]
        );
        assert_eq!(
            export.groups,
            [IdpGroup {
                at: at("a.json", 8),
                id: "g1".to_string(),
                name: "Ops".to_string(),
                members: vec![]
            }]
        );
    }

    #[test]
    fn group_entries_without_display_give_their_value_and_active_may_be_written_as_text() {
        let text = r#"[{"id":"a","userName":"a","active":"False","groups":[{"value":"g-1"},{"display":"Ops","value":"g-2"}]},
{"id":"b","userName":"b","active":3}]"#;
        assert_eq!(
            shown(read_idp("t.json", text.as_bytes()).unwrap_err()),
            ["t.json:2: the user's active is 3, not true or false (hint: write active as true or false)"]
        );
        let first_only = text.split_once(",\n").expect("two lines").0.to_string() + "]";
        assert_eq!(
            read_idp("t.json", first_only.as_bytes()).expect("valid").users,
            [IdpUser {
                active: false,
                groups: strings(&["g-1", "Ops"]),
                ..user("t.json", 1, "a", Some("a"), None)
            }]
        );
    }

    #[test]
    fn invalid_json_is_reported_at_its_line_and_column() {
        let problems = read_idp("bad.json", b"{\n  \"totalResults\": 2,\n  \"Resources\": [\n}").unwrap_err();
        assert_eq!(
            shown(problems),
            ["bad.json:4:1: not valid JSON: expected value \
              (hint: export it again, or check the file was not cut short or edited by hand)"]
        );
    }

    #[test]
    fn resources_without_id_or_of_another_kind_are_problems() {
        let text = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\"totalResults\":4,\n\
                    \"Resources\":[\n{\"userName\":\"bjensen\"},\n{\"id\":\"x\",\"schemas\":[\"urn:example:Device\"]},\n\
                    {\"id\":7,\"userName\":\"n\"},\n{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"id\":\"g\",\
                    \"members\":[{\"display\":\"x\"}]}]}";
        assert_eq!(
            shown(read_idp("l.json", text.as_bytes()).unwrap_err()),
            [
                "l.json:3: the user has no id (hint: add \"id\": the IdP's identifier of the user)",
                "l.json:4: resource 2 is neither a SCIM User nor a Group (hint: a user has the User schema or \
                 userName; a group has the Group schema or displayName and members)",
                "l.json:5: the user's id is 7, not a string (hint: write id as a JSON string)",
                "l.json:6: the group has no displayName (hint: add \"displayName\": the group's name)",
                "l.json:6: members entry 1 of the group has no value (hint: give every members entry a \"value\")",
            ]
        );
        let not_a_list =
            br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":{}}"#;
        assert_eq!(
            shown(read_idp("r.json", not_a_list).unwrap_err()),
            ["r.json:1: Resources is not a list (hint: write Resources as a JSON array of resources)"]
        );
        assert_eq!(
            shown(read_idp("n.json", b"{\"totalResults\": 0}").unwrap_err()),
            [
                "n.json:1: not a SCIM ListResponse or IdP CSV (hint: pass a ListResponse (GET /Users or /Groups), \
              a User or Group resource, a JSON array of them, or a CSV with the columns id, email, upn, active, groups)"
            ]
        );
    }

    #[test]
    fn other_scim_messages_are_named() {
        assert_eq!(
            shown(read_idp("e.json", RFC7644_ERROR.as_bytes()).unwrap_err()),
            ["e.json:1: this is a SCIM error response, not a list of users \
              (hint: the IdP answered 400: Attribute 'id' is readOnly; fix the request and export again)"]
        );
        let patch = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#;
        assert_eq!(
            shown(read_idp("p.json", patch.as_bytes()).unwrap_err()),
            ["p.json:1: this is a SCIM PatchOp message (urn:ietf:params:scim:api:messages:2.0:PatchOp), \
              not a list of users (hint: export the users with GET /Users, which answers a ListResponse)"]
        );
    }

    #[test]
    fn idp_csv_with_bom_crlf_quotes_and_blanks() {
        let text = "\u{feff}Groups,UPN,Extra,ID,Email,Active\r\n\
                    \"Tour Guides; Employees ;\",zoë@acme.onmicrosoft.com,x,u1,zoë@acme.com,TRUE\r\n\
                    ,,,u2,,\r\n\
                    Ops,bo,,u3,bo@acme.com,no\r\n";
        let export = read_idp("idp.csv", text.as_bytes()).expect("valid");
        assert_eq!(
            export.users,
            [
                IdpUser {
                    groups: strings(&["Tour Guides", "Employees"]),
                    ..user("idp.csv", 2, "u1", Some("zoë@acme.onmicrosoft.com"), Some("zoë@acme.com"))
                },
                user("idp.csv", 3, "u2", None, None),
                IdpUser {
                    active: false,
                    groups: strings(&["Ops"]),
                    ..user("idp.csv", 4, "u3", Some("bo"), Some("bo@acme.com"))
                },
            ]
        );
        assert_eq!(export.groups, []);
        assert_eq!(read_idp_page("idp.csv", text.as_bytes()).expect("valid").1, None);
    }

    #[test]
    fn idp_csv_problems_have_line_and_column() {
        let text = "id,email,upn,active,groups\nu1,a@x.com,a,maybe,\n,b@x.com,b,yes,\n";
        assert_eq!(
            shown(read_idp("idp.csv", text.as_bytes()).unwrap_err()),
            [
                "idp.csv:2:4: active is \"maybe\", not yes or no (hint: write true or false (yes/no and 1/0 are \
                 read too), or leave it blank for true)",
                "idp.csv:3:1: id is blank (hint: write the IdP's identifier of the user)",
            ]
        );
    }

    #[test]
    fn other_files_are_named() {
        let server = "Username,Email,Full Name,Status,User Directory\nbob,bob@x.com,Bob,Active,Internal\n";
        assert_eq!(
            shown(read_idp("users.csv", server.as_bytes()).unwrap_err()),
            ["users.csv:1: this looks like a server user export, not an IdP user CSV \
              (hint: pass it with the option for a server user export)"]
        );
        assert_eq!(
            shown(read_idp("x.csv", b"a,b\n1,2\n").unwrap_err()),
            [
                "x.csv:1: not a SCIM ListResponse or IdP CSV (hint: export the users as SCIM JSON (GET /Users gives \
              a ListResponse) or as a CSV; an IdP user CSV starts with the columns id, email, upn, active, groups)"
            ]
        );
        assert_eq!(
            shown(read_idp("e.json", b"  \n").unwrap_err()),
            ["e.json: the file is empty (hint: export it again)"]
        );
        let not_utf8 = read_idp("b.json", b"{\"id\": \"\xff\"}").unwrap_err();
        assert_eq!(
            (not_utf8[0].line, not_utf8[0].column, not_utf8[0].message.as_str()),
            (1, 9, "not UTF-8 text")
        );
    }
}
