//! From raw file types to the checked [`Scenario`]: every name resolved, every reference,
//! range and ordering checked, every problem collected with its JSON path.
//!
//! This module holds the entry points, the `Checker` that walks a scenario file in order and
//! the checks every part shares (days, shares, rates, name tables); each part of the scenario
//! is checked in its own child module: `names` (products, domains, groups), `population`
//! (people, synthetic populations, unique emails), `events` (IdP, drift, churn and events),
//! `timeline` (strategies and their actions) and `expect` (metrics and expectations).

mod events;
mod expect;
mod names;
mod population;
mod timeline;

use super::raw::ScenarioFile;
use super::scenario::*;
use crate::format::show_number as show;
use crate::ids::SimTime;
use crate::input::reader::{FromJson, Items, JsonPath, Problem, Problems, expected_one_of};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Parse failure of a scenario text.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseFailure {
    /// Not JSON at all: serde_json's message with line and column.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// JSON, but with problems; every one of them.
    Invalid(Vec<Problem>),
}

/// Parses and validates a scenario from JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, ParseFailure> {
    let value: Value = parse_json(text)?;
    scenario_from_value(&value).map_err(ParseFailure::Invalid)
}

/// Parses JSON text, mapping serde_json's error to line and column.
pub fn parse_json(text: &str) -> Result<Value, ParseFailure> {
    // JSON allows no byte-order mark; some Windows editors write one. Say so, not "expected value".
    if text.starts_with('\u{feff}') {
        return Err(ParseFailure::Syntax {
            line: 1,
            column: 1,
            message: "the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow; save it as UTF-8 without a byte-order mark".into(),
        });
    }
    crate::input::reader::parse_strict(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; keep only the description.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ParseFailure::Syntax { line: e.line(), column: e.column().max(1), message }
    })
}

/// Validates a parsed scenario document.
pub fn scenario_from_value(value: &Value) -> Result<Scenario, Vec<Problem>> {
    let mut problems = Problems::default();
    let root = JsonPath::root();
    let Some(file) = ScenarioFile::from_json(value, &root, &mut problems) else {
        return Err(problems.into_vec());
    };
    let mut checker = Checker::new(&mut problems);
    checker.horizon_given = value.get("horizon_days").is_some_and(|h| h.is_number());
    checker.name_given = value.get("name").is_some_and(|n| n.is_string());
    checker.population_given = value.get("population").is_some_and(|p| p.is_object());
    checker.strategies_given = value.get("strategies").is_some_and(|s| s.is_array());
    let scenario = checker.check(&file);
    if problems.is_empty() { Ok(scenario) } else { Err(problems.into_vec()) }
}

/// A scenario's or sweep's name becomes its output folder under `output/`: letters, digits,
/// `-`, `_` and `.` only, and not `.` or `..`.
pub fn check_folder_name(what: &str, name: &str, at: &JsonPath, problems: &mut Problems) {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        check_name_text(&format!("{what} name"), name, at, problems);
    } else {
        problems.push_hint(
            at,
            format!("{what} name `{name}` cannot be used as a folder name"),
            "use letters, digits, `-`, `_` and `.` only, e.g. `acme-jira-dc`",
        );
    }
}

/// Longest name, in bytes: most file systems allow no longer file name, and a name is also a
/// chart label and a table cell.
pub const MAX_NAME_BYTES: usize = 255;

/// A name the outputs show (a strategy, domain, group, product or person; a sweep's axis): at
/// most [`MAX_NAME_BYTES`] bytes and no control or bidirectional formatting character, which
/// would reach the terminal raw, break the SVG charts and split Markdown table rows. Returns
/// whether it is fine.
pub fn check_name_text(what: &str, name: &str, at: &JsonPath, problems: &mut Problems) -> bool {
    if let Some(c) = name.chars().find(|&c| crate::input::reader::needs_escape(c)) {
        problems.push_hint(
            at,
            format!("{what} `{name}` holds the control character U+{:04X}", u32::from(c)),
            "names appear in the terminal, the charts and the tables: use printable characters only",
        );
        return false;
    }
    if name.len() > MAX_NAME_BYTES {
        let start: String = name.chars().take(24).collect();
        problems.push_hint(
            at,
            format!("{what} `{start}…` is {} bytes long, more than the {MAX_NAME_BYTES} allowed", name.len()),
            "names become file names, chart labels and table cells: shorten it",
        );
        return false;
    }
    true
}

/// The part after `@`: a dot, no `@`, no white space.
fn is_domain_name(name: &str) -> bool {
    name.contains('.') && !name.contains('@') && !name.contains(char::is_whitespace)
}

/// Name → index table with did-you-mean on misses.
struct Names {
    what: &'static str,
    /// Some of the file's names could not be read (their problems are reported): an unknown
    /// name is then not reported, as it may be one of those.
    incomplete: bool,
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Names {
    fn new(what: &'static str) -> Names {
        Names { what, incomplete: false, index: HashMap::new(), names: Vec::new() }
    }

    /// Adds a name; reports a duplicate.
    fn add(&mut self, name: &str, at: &JsonPath, problems: &mut Problems) {
        if name.is_empty() {
            // A name of the wrong type reads as empty; its problem is reported where it was read.
            if !problems.any_within(at) {
                problems.push(at, format!("{} name is empty", self.what));
            }
            return;
        }
        let what =
            if self.what == "person" { "person id".to_string() } else { format!("{} name", self.what) };
        // A name refused for its text still names its entry, so that references to it resolve.
        check_name_text(&what, name, at, problems);
        if self.index.contains_key(name) {
            problems.push_hint(
                at,
                format!("duplicate {} `{name}`", self.what),
                format!(
                    "every {} needs a unique {}",
                    self.what,
                    if self.what == "person" { "id" } else { "name" }
                ),
            );
            return;
        }
        self.index.insert(name.to_string(), self.names.len());
        self.names.push(name.to_string());
    }

    /// Looks a name up; reports an unknown or empty one.
    fn get(&self, name: &str, at: &JsonPath, problems: &mut Problems) -> Option<usize> {
        self.get_or(name, at, problems, None)
    }

    /// [`Names::get`], with `hint` for a name that is not close to a known one (instead of the
    /// list of known names). A value of the wrong type reads as an empty name, already
    /// reported where it was read; an empty string given as the name is reported here.
    fn get_or(
        &self,
        name: &str,
        at: &JsonPath,
        problems: &mut Problems,
        hint: Option<String>,
    ) -> Option<usize> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        if self.incomplete {
            return None;
        }
        let known: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let fallback = hint.or_else(|| expected_one_of(&known));
        if !name.is_empty() {
            problems.push_unknown_or(at, self.what, name, &known, fallback);
        } else if !problems.any_within(at) {
            let hint = fallback.unwrap_or_else(|| format!("name a {} this file defines", self.what));
            problems.push_hint(at, format!("the {} name is empty", self.what), hint);
        }
        None
    }
}

/// Checks one scenario file; each part of the file is checked by its child module.
struct Checker<'p> {
    problems: &'p mut Problems,
    products: Names,
    groups: Names,
    people: Names,
    domains: Names,
    strategies: Names,
    horizon: SimTime,
    /// Groups that exist in cloud at the start (they have `cloud_grants`).
    group_has_cloud_grants: HashSet<usize>,
    /// The file gives a numeric horizon (else its problem is already reported and days are
    /// not checked against it).
    horizon_given: bool,
    /// The file gives a string name (else its problem is already reported).
    name_given: bool,
    /// The file gives a population object (else its problem is already reported).
    population_given: bool,
    /// The file gives a strategies list (else its problem is already reported).
    strategies_given: bool,
    /// How emails compare (R1), for the uniqueness checks below.
    email_match: EmailMatch,
    /// IdP emails seen so far → person id.
    idp_emails: HashMap<String, String>,
    /// Pre-existing cloud emails seen so far → person id.
    cloud_emails: HashMap<String, String>,
    /// Server emails seen so far (R1 key) → the first person id with it.
    server_emails: HashMap<String, String>,
    /// Ids of the listed people (joiners included) who have a server user.
    server_users: HashSet<String>,
    /// Ids of the listed people (joiners included) who have an IdP identity.
    idp_users: HashSet<String>,
    /// SSO emails seen so far (R1 key) → person id (R23).
    sso_emails: HashMap<String, String>,
}

impl<'p> Checker<'p> {
    fn new(problems: &'p mut Problems) -> Checker<'p> {
        Checker {
            problems,
            products: Names::new("product"),
            groups: Names::new("group"),
            people: Names::new("person"),
            domains: Names::new("domain"),
            strategies: Names::new("strategy"),
            horizon: SimTime(0),
            group_has_cloud_grants: HashSet::new(),
            horizon_given: false,
            name_given: false,
            population_given: false,
            strategies_given: false,
            email_match: EmailMatch::default(),
            idp_emails: HashMap::new(),
            cloud_emails: HashMap::new(),
            server_emails: HashMap::new(),
            server_users: HashSet::new(),
            idp_users: HashSet::new(),
            sso_emails: HashMap::new(),
        }
    }

    fn check(mut self, file: &ScenarioFile) -> Scenario {
        let root = JsonPath::root();
        // Lists whose names were lost in reading: references to them are not checked.
        let people = root.key("population").key("people");
        for (names, list, key) in [
            (&mut self.products, root.key("products"), ""),
            (&mut self.domains, root.key("domains"), "name"),
            (&mut self.groups, root.key("groups"), "name"),
            (&mut self.people, people, "id"),
            (&mut self.strategies, root.key("strategies"), "name"),
        ] {
            names.incomplete = self.problems.loses_names(&list, key);
        }
        self.check_name(&file.name, &root.key("name"));
        let replications = file.replications.unwrap_or(1);
        if replications == 0 || replications > limits::MAX_REPLICATIONS {
            self.problems.push_hint(
                &root.key("replications"),
                format!("replications must be between 1 and {}", limits::MAX_REPLICATIONS),
                "use at least 1; 100–1000 is typical for synthetic scenarios",
            );
        }
        let horizon_days = self.check_horizon(file.horizon_days, &root.key("horizon_days"));
        self.horizon = SimTime(i64::from(horizon_days) * SECONDS_PER_DAY);

        self.check_products(&file.products);

        let domains = self.check_domains(file.domains.as_ref().unwrap_or(&Items::default()));
        let groups = self.check_groups(file.groups.as_ref().unwrap_or(&Items::default()));
        let assumptions = file
            .assumptions
            .as_ref()
            .map(|a| Assumptions {
                email_match: a.email_match.unwrap_or_default(),
                migrate_into_scim_group: a.migrate_into_scim_group.unwrap_or_default(),
                claim_needs_account: a.claim_needs_account.unwrap_or(true),
            })
            .unwrap_or_default();
        self.email_match = assumptions.email_match;
        let population = self.check_population(&file.population, &domains);
        let idp = self.check_idp(file.idp.as_ref());
        let (server_sync_lag, drift) = self.check_drift(file.drift.as_ref());
        let churn = self.check_churn(file.churn.as_ref(), &domains, horizon_days);
        let events =
            self.check_events(file.events.as_ref().unwrap_or(&Items::default()), &population, &churn);
        let n_explicit_joiners = events.iter().filter(|e| matches!(e.kind, ExoKind::Join { .. })).count();
        let strategies = self.check_strategies(&file.strategies, &population);
        let expectations = self.check_expectations(file.expect.as_ref().unwrap_or(&Items::default()));
        let costs = file.costs.as_ref().map_or_else(Costs::default, |c| self.check_costs(c));

        Scenario {
            name: file.name.clone(),
            description: file.description.clone().unwrap_or_default(),
            seed: file.seed.unwrap_or(0),
            replications,
            horizon_days,
            products: file.products.clone(),
            domains,
            groups,
            population,
            n_explicit_joiners,
            idp,
            server_sync_lag,
            drift,
            churn,
            assumptions,
            events,
            strategies,
            expectations,
            costs,
        }
    }

    fn check_name(&mut self, name: &str, at: &JsonPath) {
        if self.name_given {
            check_folder_name("scenario", name, at, self.problems);
        }
    }

    fn check_horizon(&mut self, days: f64, at: &JsonPath) -> u32 {
        if !self.horizon_given {
            return limits::MAX_HORIZON_DAYS as u32;
        }
        if !(1.0..=limits::MAX_HORIZON_DAYS).contains(&days) || days.fract() != 0.0 {
            self.horizon_given = false;
            self.problems.push_hint(
                at,
                format!(
                    "horizon_days must be a whole number of days from 1 to {}, found {}",
                    limits::MAX_HORIZON_DAYS,
                    show(days)
                ),
                "a migration window is typically 60–365 days",
            );
            return 1;
        }
        days as u32
    }
}

/// Checks of single values that every part of the scenario uses.
impl Checker<'_> {
    /// A Poisson rate: finite, ≥ 0 and at most `max`.
    fn rate(&mut self, value: Option<f64>, at: &JsonPath, max: f64, unit: &str) -> f64 {
        let Some(r) = value else { return 0.0 };
        if !(0.0..=max).contains(&r) {
            self.problems.push_hint(
                at,
                format!("the rate must be between 0 and {} {unit}, found {}", show(max), show(r)),
                "0.05 per person and year means one person in twenty each year",
            );
            return 0.0;
        }
        r
    }

    /// Checks a day and converts it to a time; reports days outside `[0, horizon]`.
    fn day(&mut self, day: f64, at: &JsonPath) -> SimTime {
        let t = SimTime::from_days(day);
        if day < 0.0 || (self.horizon_given && t > self.horizon) {
            self.problems.push_hint(
                at,
                format!("day {} is outside the horizon [0, {}]", show(day), self.horizon.0 / SECONDS_PER_DAY),
                "move it within the horizon or lengthen `horizon_days`",
            );
        }
        t
    }

    fn share(&mut self, share: f64, at: &JsonPath) -> f64 {
        if !(0.0..=1.0).contains(&share) {
            self.problems.push_hint(
                at,
                format!("a share must be between 0 and 1, found {}", show(share)),
                "write 0.25 for 25%",
            );
            return share.clamp(0.0, 1.0);
        }
        share
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::GroupId;
    use serde_json::json;

    pub(super) fn base() -> Value {
        json!({
            "name": "t", "horizon_days": 30, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com"}
            ]},
            "strategies": [{"name": "s", "timeline": [{"day": 1, "do": "enable_scim"}]}]
        })
    }

    /// `cloud_active` describes a pre-existing account, so it needs `cloud_email`; a blank
    /// server email is data.
    #[test]
    fn cloud_active_needs_a_cloud_account_and_a_blank_server_email_is_data() {
        let mut v = base();
        v["population"]["people"][1]["cloud_active"] = json!(false);
        v["population"]["people"][0]["server_email"] = json!("");
        assert_problems(
            &problems(&v),
            &[
                "$.population.people[1].cloud_active: a person without `cloud_email` has no pre-existing account",
            ],
        );
        v["population"]["people"][1]["cloud_email"] = json!("bob@acme.com");
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        let Population::Explicit(people) = &s.population else { panic!("explicit") };
        assert!(!people[1].cloud_active && people[0].cloud_active);
        assert_eq!(people[0].server_email.as_deref(), Some(""));
    }

    pub(super) fn problems(v: &Value) -> Vec<String> {
        match scenario_from_value(v) {
            Ok(_) => Vec::new(),
            Err(p) => p.into_iter().map(|p| p.to_string()).collect(),
        }
    }

    /// `found` is exactly the `expected` problems (each given by how it starts), in any order.
    fn assert_problems(found: &[String], expected: &[&str]) {
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn a_valid_file_resolves_names_to_indices() {
        let s = scenario_from_value(&base()).expect("valid");
        let Population::Explicit(people) = &s.population else { panic!("explicit") };
        assert_eq!(people[0].idp_groups, vec![GroupId(0)]);
        assert_eq!(s.horizon(), SimTime(30 * 86_400));
        assert_eq!(s.idp.sync_interval, 2400);
        assert_eq!(s.server_sync_lag, 86_400);
        assert_eq!(s.strategies[0].actions[0].at, SimTime(86_400));
    }

    #[test]
    fn every_semantic_problem_is_reported_with_its_path() {
        let mut v = base();
        v["population"]["people"][1]["id"] = json!("ann");
        v["population"]["people"][1]["cloud_email"] = json!("x@acme.com");
        v["population"]["people"][0]["cloud_email"] = json!("X@acme.com");
        v["events"] = json!([
            {"day": 40, "do": "leave", "person": "ann"},
            {"day": 2, "do": "change_idp_email", "person": "carl", "to": "c@acme.com"},
            {"day": 3, "do": "add_to_idp_group", "group": "jira-user", "person": "ann"},
            {"day": 4, "do": "move_domain", "from": "acme.com", "to": "new.com", "share": 2}
        ]);
        v["strategies"][0]["timeline"] = json!([
            {"day": 5, "do": "enable_scim"},
            {"day": 4, "do": "fix_emails", "coverage": -0.5},
            {"day": 6, "do": "enable_scim"},
            {"day": 7, "do": "verify_domain", "domain": "acme.org"},
            {"day": 8, "do": "cutover"},
            {"day": 9, "do": "cutover"}
        ]);
        v["expect"] = json!([{"strategy": "s", "metric": "duplicates", "at_most": 1}]);
        let found = problems(&v);
        let expected = [
            "$.population.people[1].id: duplicate person `ann`",
            "$.population.people[1].cloud_email: `x@acme.com` is also the cloud_email of `ann`",
            "$.events[1].person: unknown person `carl`",
            "$.events[2].group: unknown group `jira-user` (hint: did you mean `jira-users`?)",
            "$.events[3].share: a share must be between 0 and 1, found 2",
            "$.events[0].day: day 40 is outside the horizon [0, 30]",
            "$.strategies[0].timeline[1].day: actions must be in time order: day 4 comes after day 5",
            "$.strategies[0].timeline[1].coverage: a share must be between 0 and 1, found -0.5",
            "$.strategies[0].timeline[2]: SCIM is already enabled here",
            "$.strategies[0].timeline[3].domain: unknown domain `acme.org` (hint: expected one of `acme.com`)",
            "$.strategies[0].timeline[5]: a strategy has at most one cutover",
            "$.expect[0].metric: unknown metric `duplicates` (hint: did you mean `duplicate_people`?)",
        ];
        assert_problems(&found, &expected);
    }

    #[test]
    fn synthetic_populations_check_their_shares_and_forbid_named_people() {
        let mut v = base();
        v["population"] = json!({"synthetic": {"people": 100, "idp_only_share": 0.7, "server_only_share": 0.5,
                                                "external_directory_share": 1.2}});
        v["domains"] = json!([{"name": "acme.com", "share": 0.5}, {"name": "old.com", "share": 0.4}]);
        v["events"] = json!([{"day": 3, "do": "leave", "person": "ann"}, {"day": 4, "do": "delete_idp_group", "group": "jira-users"}]);
        let found = problems(&v);
        let expected = [
            "$.domains: domain shares add up to 0.9, not 1",
            "$.population.synthetic.external_directory_share: a share must be between 0 and 1, found 1.2",
            "$.population.synthetic: idp_only_share + server_only_share + inactive_server_share is 1.2, more than 1",
            "$.events[0].person: events that name people need an explicit population",
        ];
        assert_problems(&found, &expected);
    }

    #[test]
    fn costs_replace_the_defaults_and_are_checked_with_their_paths() {
        let s = scenario_from_value(&base()).expect("valid");
        assert_eq!(s.costs, Costs::default());
        let mut v = base();
        v["costs"] = json!({"duplicate_people": 4, "lost_access_by_cause.group_deleted": 1.5});
        let s = scenario_from_value(&v).expect("valid");
        let named: Vec<(&str, f64)> = s.costs.weights.iter().map(|(m, w)| (m.name(), *w)).collect();
        assert_eq!(named, vec![("duplicate_people", 4.0), ("lost_access_by_cause.group_deleted", 1.5)]);
        assert!(s.costs.from_scenario);

        v["costs"] = json!({
            "duplicate_peple": 5,
            "lost_access_incidents": -1,
            "events_processed": 1,
            "xyzzy_unrelated_thing": 1,
            "surplus_accounts": 1,
            "surplus_accounts_by_origin.migration": 2,
            "scim_errors": "lots"
        });
        let found = problems(&v);
        let expected = [
            "$.costs.duplicate_peple: unknown metric `duplicate_peple` (hint: did you mean `duplicate_people`?)",
            "$.costs.lost_access_incidents: a weight must be a number of at least 0, found -1 (hint:",
            "$.costs.events_processed: `events_processed` is a diagnostic of the run, not a cost of the migration",
            "$.costs.xyzzy_unrelated_thing: unknown metric `xyzzy_unrelated_thing` (hint: metrics are `duplicate_people`",
            "$.costs.surplus_accounts_by_origin.migration: `surplus_accounts_by_origin.migration` and `surplus_accounts` count the same things: they would weigh twice (hint: weight either the metric or its parts)",
            "$.costs.scim_errors: expected a number",
        ];
        assert_problems(&found, &expected);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_scenario("{\n  \"name\": \"x\",\n  oops\n}").unwrap_err();
        assert_eq!(err, ParseFailure::Syntax { line: 3, column: 3, message: "key must be a string".into() });
    }
}
