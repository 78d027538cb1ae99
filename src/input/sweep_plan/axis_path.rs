//! Axis paths: the fields from the top of a scenario down to the value a sweep axis sets, with
//! list entries chosen by position or by name.
//!
//! `strategies[scim-last].timeline[enable_scim].day` selects the strategy whose `name` is
//! `scim-last`, then the first action of its timeline whose `do` is `enable_scim`. A list's
//! entries are matched on the first of `do`, `name` and `id` that they carry ([`key_of`]):
//! timeline actions and events on `do`, strategies, domains and groups on `name`, people on `id`.
//! A position still works, dotted (`strategies.1.timeline.4.day`, the old form) or in brackets
//! (`strategies[1]`); a name made only of digits, or holding a `]`, is quoted:
//! `population.people['1001'].server_email`.
//!
//! A path is read once ([`AxisPath::parse`]) and resolved once against the base scenario
//! ([`AxisPath::resolve`]) into positions ([`Slot`]), which every grid point is then patched at:
//! the axis sets the same field at every point, whatever the values of the other axes.

use crate::input::reader::{JsonPath, did_you_mean, quote_list};
use serde_json::Value;

/// One step of an axis path, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// An object field: `drift`, `day`.
    Field(String),
    /// A list entry by position: `.1` or `[1]`.
    Index(usize),
    /// A list entry by name: `[scim-last]`, the first entry whose key ([`key_of`]) equals it.
    Named(String),
}

/// A read axis path: its steps, each with the text of the path up to and including it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisPath {
    text: String,
    /// Each step and the byte offset in `text` where it ends.
    steps: Vec<(Step, usize)>,
}

/// One resolved step: an object field or a list position in the base scenario.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Slot {
    /// An object field (created when the base scenario omits it).
    Field(String),
    /// A list position that exists in the base scenario.
    Entry(usize),
}

/// Why a path does not lead anywhere in the base scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong, in lower case.
    pub message: String,
    /// What to write instead, when we can say.
    pub hint: Option<String>,
}

impl PathError {
    fn new(message: String) -> PathError {
        PathError { message, hint: None }
    }
}

/// Most names listed in a hint; a longer list ends with how many there are in all.
const MAX_LISTED: usize = 12;

/// The fields list entries may be named by, in the order a list's key is chosen.
pub const ENTRY_KEYS: [&str; 3] = ["do", "name", "id"];

/// The field a list's entries are matched on: the first of `do`, `name` and `id` that any entry
/// carries as a string (timeline actions and events: `do`; strategies, domains and groups:
/// `name`; people: `id`), or none for lists of plain values (`products`) or of other objects
/// (`expect`), whose entries are selected by position only.
pub fn key_of(items: &[Value]) -> Option<&'static str> {
    ENTRY_KEYS.into_iter().find(|k| items.iter().any(|v| v.get(k).is_some_and(Value::is_string)))
}

/// A position: only ASCII digits. `None` when the text is not one; an error when it is too large.
fn position(text: &str, at: usize) -> Result<Option<usize>, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    text.parse::<usize>().map(Some).map_err(|_| format!("index `{text}` at character {at} is too large"))
}

impl AxisPath {
    /// Reads a path; the error says what is wrong and at which character (counted from 1).
    pub fn parse(text: &str) -> Result<AxisPath, String> {
        if text.is_empty() {
            return Err("it is empty".into());
        }
        // Byte offsets of every character, and the end.
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
        let n = chars.len();
        let mut steps = Vec::new();
        let mut i = 0;
        loop {
            // A field or a dotted position: up to the next `.`, `[` or `]`.
            let start = i;
            while i < n && !matches!(chars[i].1, '.' | '[' | ']') {
                i += 1;
            }
            if i == start {
                return Err(match chars.get(i).map(|&(_, c)| c) {
                    Some('[') if start == 0 => {
                        "it starts with `[`: a path starts with a field of the scenario, e.g. `strategies[scim-last]`"
                            .into()
                    }
                    Some('[') => format!(
                        "`.[` at character {start}: write `{}[` without the dot",
                        &text[..byte(start - 1)]
                    ),
                    _ => format!("no field name at character {}", start + 1),
                });
            }
            let segment = &text[byte(start)..byte(i)];
            let step = match position(segment, start + 1)? {
                Some(_) if start == 0 => {
                    return Err("it starts with an index: a path starts with a field of the scenario".into());
                }
                Some(k) => Step::Index(k),
                None => Step::Field(segment.to_string()),
            };
            steps.push((step, byte(i)));
            while i < n && chars[i].1 == '[' {
                let (step, next) = Self::bracket(text, &chars, i)?;
                i = next;
                steps.push((step, byte(i)));
            }
            match chars.get(i).map(|&(_, c)| c) {
                None => break,
                Some('.') => {
                    i += 1;
                    if i == n {
                        return Err(format!("no field name after the `.` at character {i}"));
                    }
                }
                Some(']') => return Err(format!("`]` at character {} closes no `[`", i + 1)),
                Some(c) => {
                    return Err(format!(
                        "`{c}` at character {}: a `]` is followed by `.`, `[` or the end",
                        i + 1
                    ));
                }
            }
        }
        Ok(AxisPath { text: text.to_string(), steps })
    }

    /// Reads the selector that opens at character `open` (a `[`); returns it and the index of
    /// the character after its `]`.
    fn bracket(text: &str, chars: &[(usize, char)], open: usize) -> Result<(Step, usize), String> {
        let n = chars.len();
        let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
        let first = open + 1;
        if let Some(&(_, quote)) = chars.get(first).filter(|&&(_, c)| c == '\'' || c == '"') {
            let close = (first + 1..n)
                .find(|&j| chars[j].1 == quote)
                .ok_or_else(|| format!("the quote at character {} is not closed", first + 1))?;
            if chars.get(close + 1).map(|&(_, c)| c) != Some(']') {
                return Err(format!("`]` expected after the closing quote at character {}", close + 1));
            }
            let name = &text[byte(first + 1)..byte(close)];
            if name.is_empty() {
                return Err(format!("empty name `[{quote}{quote}]` at character {}", open + 1));
            }
            return Ok((Step::Named(name.to_string()), close + 2));
        }
        let close = (first..n).find(|&j| matches!(chars[j].1, ']' | '[')).filter(|&j| chars[j].1 == ']');
        let Some(close) = close else {
            return Err(format!(
                "the `[` at character {} is not closed (a name holding `[` or `]` is quoted: `['a[b]']`)",
                open + 1
            ));
        };
        let inside = &text[byte(first)..byte(close)];
        if inside.is_empty() {
            return Err(format!(
                "empty `[]` at character {}: put an entry's name or index between the brackets",
                open + 1
            ));
        }
        let step = match position(inside, first + 1)? {
            Some(k) => Step::Index(k),
            None => Step::Named(inside.to_string()),
        };
        Ok((step, close + 1))
    }

    /// The steps, in order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().map(|(s, _)| s)
    }

    /// The path as written up to step `i`, excluded (the list or object step `i` is taken in).
    fn before(&self, i: usize) -> &str {
        if i == 0 { "" } else { &self.text[..self.steps[i - 1].1] }
    }

    /// True for the fields every point of a sweep must share: `replications`, the scenario's
    /// `name` and a strategy's `name` (the keys of the results).
    pub fn is_fixed(&self) -> bool {
        let steps: Vec<&Step> = self.steps().collect();
        let field = |s: &Step, f: &str| matches!(s, Step::Field(x) if x == f);
        match steps.as_slice() {
            [only] => field(only, "replications") || field(only, "name"),
            [list, Step::Index(_) | Step::Named(_), last] => field(list, "strategies") && field(last, "name"),
            _ => false,
        }
    }

    /// Resolves the path against the base scenario document: every selector to the position it
    /// names. Object fields the base omits are allowed (they are created when patching; the
    /// scenario reader then says whether the format knows them), but a list entry must exist.
    pub fn resolve(&self, root: &Value) -> Result<Vec<Slot>, PathError> {
        // The value reached so far; `None` once inside a field the base scenario omits.
        let mut node = Some(root);
        let mut slots = Vec::with_capacity(self.steps.len());
        for (i, (step, _)) in self.steps.iter().enumerate() {
            let here = self.before(i);
            let (slot, next) = match (step, node) {
                (Step::Field(f), Some(Value::Object(map))) => (Slot::Field(f.clone()), map.get(f)),
                (Step::Field(f), None) => (Slot::Field(f.clone()), None),
                (Step::Field(f), Some(Value::Array(items))) => {
                    return Err(PathError {
                        message: format!("`{here}` is a list; `{f}` is not an index"),
                        hint: key_of(items)
                            .map(|_| format!("select an entry by name with `{here}[{f}]`"))
                            .or_else(|| Some(format!("select an entry by index, e.g. `{here}[0]`"))),
                    });
                }
                (Step::Field(f), Some(_)) => {
                    return Err(PathError::new(format!("`{here}` is a value, it has no `{f}`")));
                }
                (Step::Index(k), Some(Value::Array(items))) => match items.get(*k) {
                    Some(item) => (Slot::Entry(*k), Some(item)),
                    None => {
                        return Err(PathError::new(format!(
                            "`{here}` has {} entries, there is no index {k}",
                            items.len()
                        )));
                    }
                },
                (Step::Named(name), Some(Value::Array(items))) => {
                    let k = select(here, items, name)?;
                    (Slot::Entry(k), Some(&items[k]))
                }
                (Step::Index(_) | Step::Named(_), None) => {
                    return Err(PathError::new(format!(
                        "`{here}` is not in the base scenario, so it has no entries to select"
                    )));
                }
                (Step::Index(_) | Step::Named(_), Some(_)) => {
                    return Err(PathError::new(format!(
                        "`{here}` is not a list, it has no entries to select"
                    )));
                }
            };
            slots.push(slot);
            node = next;
        }
        Ok(slots)
    }

    /// The same path with every position that an entry's name selects as well written as that
    /// name (`strategies.1.timeline.4.day` → `strategies[scim-last].timeline[enable_scim].day`);
    /// `None` when it selects no entry by position that a name could (a position stays where
    /// the name would select an earlier entry, such as a second `verify_domain`).
    pub fn by_name(&self, root: &Value) -> Option<String> {
        let mut out = String::new();
        let mut node = Some(root);
        let mut renamed = false;
        for (i, (step, _)) in self.steps.iter().enumerate() {
            let list = node.and_then(Value::as_array);
            node = match step {
                Step::Field(f) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(f);
                    node.and_then(|v| v.get(f))
                }
                Step::Named(name) => {
                    out.push_str(&selector(name)?);
                    list.and_then(|items| select("", items, name).ok().map(|k| &items[k]))
                }
                Step::Index(k) => {
                    let items = list?;
                    let name = key_of(items).and_then(|key| items.get(*k)?.get(key)?.as_str());
                    let named = name.filter(|name| select("", items, name).ok() == Some(*k));
                    match named.and_then(selector) {
                        Some(written) => {
                            renamed = true;
                            out.push_str(&written);
                        }
                        None => out.push_str(&format!("[{k}]")),
                    }
                    items.get(*k)
                }
            };
        }
        renamed.then_some(out)
    }
}

/// `[name]`, quoted when it would otherwise read as an index or end early; `None` for a name
/// that needs quoting and holds both quotes.
fn selector(name: &str) -> Option<String> {
    let plain = !name.contains([']', '[']) && !name.starts_with(['\'', '"']) && position(name, 0) == Ok(None);
    if plain {
        Some(format!("[{name}]"))
    } else if !name.contains('\'') {
        Some(format!("['{name}']"))
    } else if !name.contains('"') {
        Some(format!("[\"{name}\"]"))
    } else {
        None
    }
}

/// The position of the first entry of `items` (the list at `here`) named `name`.
fn select(here: &str, items: &[Value], name: &str) -> Result<usize, PathError> {
    let Some(key) = key_of(items) else {
        return Err(PathError {
            message: if items.is_empty() {
                format!("`{here}` is empty, there is no `{name}` in it")
            } else {
                format!(
                    "the entries of `{here}` have no {}: they are selected by index",
                    quote_list(&ENTRY_KEYS).replace(", `id`", " or `id`")
                )
            },
            hint: (!items.is_empty()).then(|| format!("write `{here}[0]` for the first entry")),
        });
    };
    fn name_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
        v.get(key).and_then(Value::as_str)
    }
    if let Some(k) = items.iter().position(|v| name_of(v, key) == Some(name)) {
        return Ok(k);
    }
    let mut names: Vec<&str> = Vec::new();
    for n in items.iter().filter_map(|v| name_of(v, key)) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let listed = if names.len() > MAX_LISTED {
        format!("{} … ({} in all)", quote_list(&names[..MAX_LISTED]), names.len())
    } else {
        quote_list(&names)
    };
    let mean = did_you_mean(name, &names).map(|m| format!("did you mean `{m}`? ")).unwrap_or_default();
    Err(PathError {
        message: format!("`{here}` has no entry whose `{key}` is `{name}`"),
        hint: Some(format!("{mean}its entries' `{key}`: {listed}")),
    })
}

/// The JSON path of resolved slots, as the scenario reader reports problems at.
pub fn json_path(slots: &[Slot]) -> JsonPath {
    slots.iter().fold(JsonPath::root(), |at, slot| match slot {
        Slot::Field(f) => at.key(f),
        Slot::Entry(k) => at.index(*k),
    })
}

/// Sets the value at `slots` in `doc`, creating object fields it omits. False (nothing set)
/// when `doc` has another shape there, as when another axis set a parent to a plain value.
pub fn patch(doc: &mut Value, slots: &[Slot], value: Value) -> bool {
    let mut node = doc;
    for (i, slot) in slots.iter().enumerate() {
        let last = i + 1 == slots.len();
        node = match (slot, node) {
            (Slot::Field(f), Value::Object(map)) => map
                .entry(f.clone())
                .or_insert_with(|| if last { Value::Null } else { Value::Object(Default::default()) }),
            (Slot::Entry(k), Value::Array(items)) if *k < items.len() => &mut items[*k],
            _ => return false,
        };
    }
    *node = value;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "name": "base",
            "domains": [{"name": "acme.com"}, {"name": "old.com"}],
            "products": ["jira"],
            "population": {"people": [{"id": "a"}, {"id": "1001"}, {"id": "b]c"}]},
            "strategies": [
                {"name": "scim-first", "timeline": [{"day": 1, "do": "enable_scim"}, {"day": 2, "do": "migrate"}]},
                {"name": "scim-last", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "verify_domain", "domain": "old.com"},
                    {"day": 2, "do": "migrate"},
                    {"day": 9, "do": "enable_scim"}
                ]},
                {"name": "scim-last", "timeline": []}
            ],
            "expect": [{"strategy": "scim-first", "metric": "duplicate_people", "at_most": 1}]
        })
    }

    fn slots(path: &str) -> Result<Vec<Slot>, PathError> {
        AxisPath::parse(path).unwrap_or_else(|e| panic!("{path}: {e}")).resolve(&base())
    }

    fn at(path: &str) -> String {
        json_path(&slots(path).unwrap_or_else(|e| panic!("{path}: {e:?}"))).to_string()
    }

    fn error(path: &str) -> String {
        match slots(path) {
            Ok(s) => panic!("{path} resolved to {s:?}"),
            Err(e) => match e.hint {
                Some(h) => format!("{} (hint: {h})", e.message),
                None => e.message,
            },
        }
    }

    #[test]
    fn names_select_the_first_matching_entry_on_the_lists_key() {
        assert_eq!(at("strategies[scim-last].timeline[enable_scim].day"), "$.strategies[1].timeline[3].day");
        // Two strategies are called `scim-last` (the validator refuses that, but a selector
        // takes the first) and two actions `verify_domain`.
        assert_eq!(
            at("strategies[scim-last].timeline[verify_domain].domain"),
            "$.strategies[1].timeline[0].domain"
        );
        assert_eq!(at("domains[old.com].share"), "$.domains[1].share");
        assert_eq!(at("population.people[a].server_email"), "$.population.people[0].server_email");
        assert_eq!(at("population.people['1001'].idp_email"), "$.population.people[1].idp_email");
        assert_eq!(at("population.people[\"b]c\"].idp_email"), "$.population.people[2].idp_email");
    }

    #[test]
    fn positions_work_dotted_and_in_brackets_and_mix_with_names() {
        for path in [
            "strategies.1.timeline.3.day",
            "strategies[1].timeline[3].day",
            "strategies[scim-last].timeline.3.day",
        ] {
            assert_eq!(at(path), "$.strategies[1].timeline[3].day", "{path}");
        }
        // Digits in brackets are a position; a name made of digits is quoted.
        assert_eq!(
            error("population.people[1001].idp_email"),
            "`population.people` has 3 entries, there is no index 1001"
        );
        assert_eq!(at("population.people['1001'].idp_email"), "$.population.people[1].idp_email");
    }

    #[test]
    fn the_key_of_a_list_is_do_then_name_then_id() {
        assert_eq!(key_of(base()["strategies"].as_array().unwrap()), Some("name"));
        assert_eq!(key_of(base()["strategies"][1]["timeline"].as_array().unwrap()), Some("do"));
        assert_eq!(key_of(base()["population"]["people"].as_array().unwrap()), Some("id"));
        assert_eq!(key_of(&[json!("jira")]), None);
        assert_eq!(key_of(&[json!({"do": "join", "name": "x"})]), Some("do"), "events are matched on `do`");
    }

    #[test]
    fn a_name_that_matches_nothing_lists_the_names_and_the_closest() {
        assert_eq!(
            error("strategies[scim-lst].timeline[enable_scim].day"),
            "`strategies` has no entry whose `name` is `scim-lst` (hint: did you mean `scim-last`? its entries' `name`: `scim-first`, `scim-last`)"
        );
        assert_eq!(
            error("strategies[scim-last].timeline[enable_sim].day"),
            "`strategies[scim-last].timeline` has no entry whose `do` is `enable_sim` (hint: did you mean `enable_scim`? its entries' `do`: `verify_domain`, `migrate`, `enable_scim`)"
        );
        assert_eq!(
            error("strategies[scim-last].timeline[cutover].day"),
            "`strategies[scim-last].timeline` has no entry whose `do` is `cutover` (hint: its entries' `do`: `verify_domain`, `migrate`, `enable_scim`)"
        );
        assert_eq!(
            error("strategies.2.timeline[migrate].day"),
            "`strategies.2.timeline` is empty, there is no `migrate` in it"
        );
        assert_eq!(
            error("products[jira]"),
            "the entries of `products` have no `do`, `name` or `id`: they are selected by index (hint: write `products[0]` for the first entry)"
        );
        assert_eq!(
            error("expect[scim-first].at_most").split(':').next(),
            Some("the entries of `expect` have no `do`, `name` or `id`")
        );
    }

    #[test]
    fn long_lists_of_names_are_cut() {
        let people: Vec<Value> = (0..30).map(|i| json!({"id": format!("user{i:02}")})).collect();
        let root = json!({"population": {"people": people}});
        let e = AxisPath::parse("population.people[nobody].id").unwrap().resolve(&root).unwrap_err();
        let hint = e.hint.unwrap();
        assert!(hint.ends_with("`user10`, `user11` … (30 in all)"), "{hint}");
        assert!(!hint.contains("user12"), "{hint}");
    }

    #[test]
    fn walking_into_the_wrong_shape_says_where() {
        assert_eq!(error("strategies.5.name"), "`strategies` has 3 entries, there is no index 5");
        assert_eq!(
            error("strategies.scim-last.timeline"),
            "`strategies` is a list; `scim-last` is not an index (hint: select an entry by name with `strategies[scim-last]`)"
        );
        assert_eq!(error("name.first"), "`name` is a value, it has no `first`");
        assert_eq!(error("population[people]"), "`population` is not a list, it has no entries to select");
        assert_eq!(error("drift[0]"), "`drift` is not in the base scenario, so it has no entries to select");
        assert_eq!(
            error("drift.x.y[a]"),
            "`drift.x.y` is not in the base scenario, so it has no entries to select"
        );
        // A field the base omits may be named (the scenario reader knows whether it exists).
        assert_eq!(
            at("drift.idp_email_changes_per_person_year"),
            "$.drift.idp_email_changes_per_person_year"
        );
    }

    #[test]
    fn malformed_paths_say_what_and_where() {
        for (path, wanted) in [
            ("", "it is empty"),
            (
                "strategies[scim-last.timeline",
                "the `[` at character 11 is not closed (a name holding `[` or `]` is quoted: `['a[b]']`)",
            ),
            (
                "strategies[a[b]].x",
                "the `[` at character 11 is not closed (a name holding `[` or `]` is quoted: `['a[b]']`)",
            ),
            (
                "strategies[].day",
                "empty `[]` at character 11: put an entry's name or index between the brackets",
            ),
            ("strategies[''].day", "empty name `['']` at character 11"),
            ("strategies['scim-last].day", "the quote at character 12 is not closed"),
            ("strategies['a'b].day", "`]` expected after the closing quote at character 14"),
            ("strategies]", "`]` at character 11 closes no `[`"),
            ("strategies[a]b", "`b` at character 14: a `]` is followed by `.`, `[` or the end"),
            ("strategies.[a]", "`.[` at character 11: write `strategies[` without the dot"),
            ("0.day", "it starts with an index: a path starts with a field of the scenario"),
            (
                "[a].day",
                "it starts with `[`: a path starts with a field of the scenario, e.g. `strategies[scim-last]`",
            ),
            ("a..b", "no field name at character 3"),
            (".a", "no field name at character 1"),
            ("a.", "no field name after the `.` at character 2"),
            ("seeds.99999999999999999999999", "index `99999999999999999999999` at character 7 is too large"),
            ("s[99999999999999999999999]", "index `99999999999999999999999` at character 3 is too large"),
        ] {
            assert_eq!(AxisPath::parse(path), Err(wanted.to_string()), "{path}");
        }
    }

    #[test]
    fn index_paths_are_rewritten_with_names_where_a_name_selects_the_same_entry() {
        let rewrite = |p: &str| AxisPath::parse(p).unwrap().by_name(&base());
        assert_eq!(
            rewrite("strategies.1.timeline.3.day").as_deref(),
            Some("strategies[scim-last].timeline[enable_scim].day")
        );
        // The second `verify_domain` keeps its position; the third strategy shares the first's name.
        assert_eq!(
            rewrite("strategies.1.timeline.1.domain").as_deref(),
            Some("strategies[scim-last].timeline[1].domain")
        );
        assert_eq!(rewrite("strategies.2.group_conflicts"), None);
        assert_eq!(
            rewrite("population.people.1.idp_email").as_deref(),
            Some("population.people['1001'].idp_email")
        );
        assert_eq!(
            rewrite("population.people.2.idp_email").as_deref(),
            Some("population.people['b]c'].idp_email")
        );
        assert_eq!(rewrite("strategies[scim-first].timeline[migrate].day"), None, "already by name");
        assert_eq!(rewrite("products.0"), None);
        assert_eq!(rewrite("drift.server_sync_lag_hours"), None);
        // Every rewrite resolves where the original does.
        for p in [
            "strategies.1.timeline.3.day",
            "strategies.1.timeline.1.domain",
            "population.people.1.idp_email",
            "population.people.2.idp_email",
        ] {
            assert_eq!(at(&rewrite(p).unwrap()), at(p), "{p}");
        }
    }

    #[test]
    fn fixed_fields_are_found_whatever_the_selector() {
        for (path, fixed) in [
            ("replications", true),
            ("name", true),
            ("strategies.0.name", true),
            ("strategies[scim-last].name", true),
            ("strategies[0].name", true),
            ("strategies[scim-last].timeline[migrate].name", false),
            ("domains[acme.com].name", false),
            ("seed", false),
        ] {
            assert_eq!(AxisPath::parse(path).unwrap().is_fixed(), fixed, "{path}");
        }
    }

    #[test]
    fn patching_creates_omitted_fields_and_refuses_other_shapes() {
        let mut doc = base();
        let s = slots("drift.idp_email_changes_per_person_year").unwrap();
        assert!(patch(&mut doc, &s, json!(0.5)));
        assert_eq!(doc["drift"]["idp_email_changes_per_person_year"], json!(0.5));
        let s = slots("strategies[scim-last].timeline[enable_scim].day").unwrap();
        assert!(patch(&mut doc, &s, json!(40)));
        assert_eq!(doc["strategies"][1]["timeline"][3]["day"], json!(40));
        let mut flat = json!({"drift": 3});
        assert!(!patch(&mut flat, &[Slot::Field("drift".into()), Slot::Field("x".into())], json!(1)));
        assert!(!patch(&mut flat, &[Slot::Field("drift".into()), Slot::Entry(0)], json!(1)));
        assert_eq!(flat, json!({"drift": 3}), "nothing set");
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z_]{1,8}",
            "[a-z0-9.@ +=-]{1,10}",
            "[0-9]{1,4}",
            prop::sample::select(vec![
                "a]b".to_string(),
                "'q".to_string(),
                "\"q".to_string(),
                "[x".to_string()
            ]),
        ]
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            "[a-z_]{1,8}".prop_map(Step::Field),
            (0usize..20).prop_map(Step::Index),
            name().prop_map(Step::Named)
        ]
    }

    proptest! {
        /// No text makes reading, resolving or rewriting a path panic.
        #[test]
        fn any_text_reads_to_a_path_or_an_error(text in "[a-z0-9.\\[\\]'\"_ -]{0,30}|\\PC{0,20}") {
            if let Ok(path) = AxisPath::parse(&text) {
                let root = base();
                if let Ok(s) = path.resolve(&root) {
                    let mut doc = root.clone();
                    let _ = patch(&mut doc, &s, json!(1));
                }
                let _ = path.by_name(&root);
                let _ = path.is_fixed();
            }
        }

        /// A path written from steps (names quoted as `by_name` quotes them) reads back to them.
        #[test]
        fn written_steps_read_back(first in "[a-z_]{1,8}", rest in prop::collection::vec(step(), 0..5)) {
            let mut text = first.clone();
            for s in &rest {
                match s {
                    Step::Field(f) => { text.push('.'); text.push_str(f); }
                    Step::Index(k) => text.push_str(&format!("[{k}]")),
                    Step::Named(n) => text.push_str(&selector(n).expect("no name holds both quotes")),
                }
            }
            let path = AxisPath::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            let mut wanted = vec![Step::Field(first)];
            wanted.extend(rest);
            prop_assert_eq!(path.steps().cloned().collect::<Vec<_>>(), wanted, "{}", text);
        }
    }
}
