//! From raw file types to the checked [`Scenario`]: every name resolved, every reference,
//! range and ordering checked, every problem collected with its JSON path.

use super::raw::{self, ActionFile, EventFile, ExpectationFile, PersonFile, ScenarioFile};
use super::scenario::*;
use crate::format::show_number as show;
use crate::ids::{GroupId, PersonId, ProductSet, SimTime};
use crate::input::email::email_key;
use crate::input::reader::{FromJson, Items, JsonPath, Problem, Problems};
use crate::metrics::{COLUMNS, MetricId};
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
    if !ok {
        problems.push_hint(
            at,
            format!("{what} name `{name}` cannot be used as a folder name"),
            "use letters, digits, `-`, `_` and `.` only, e.g. `acme-jira-dc`",
        );
    }
}

/// The part after `@`: a dot, no `@`, no white space.
fn is_domain_name(name: &str) -> bool {
    name.contains('.') && !name.contains('@') && !name.contains(char::is_whitespace)
}

/// Name → index table with did-you-mean on misses.
struct Names {
    what: &'static str,
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Names {
    fn new(what: &'static str) -> Names {
        Names { what, index: HashMap::new(), names: Vec::new() }
    }

    /// Adds a name; reports a duplicate.
    fn add(&mut self, name: &str, at: &JsonPath, problems: &mut Problems) {
        if name.is_empty() {
            problems.push(at, format!("{} name is empty", self.what));
            return;
        }
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

    /// Looks a name up; reports an unknown one (empty names were reported where read).
    fn get(&self, name: &str, at: &JsonPath, problems: &mut Problems) -> Option<usize> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        if !name.is_empty() {
            let known: Vec<&str> = self.names.iter().map(String::as_str).collect();
            problems.push_unknown(at, self.what, name, &known);
        }
        None
    }
}

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
        }
    }

    fn check(mut self, file: &ScenarioFile) -> Scenario {
        let root = JsonPath::root();
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

        if file.products.len() > limits::MAX_PRODUCTS {
            self.problems.push(
                &root.key("products"),
                format!("at most {} products are supported", limits::MAX_PRODUCTS),
            );
        }
        for (i, p) in file.products.iter().enumerate().take(limits::MAX_PRODUCTS) {
            self.products.add(p, &root.key("products").index(i), self.problems);
        }

        let domains = self.check_domains(file.domains.as_ref().unwrap_or(&Items::default()));
        let groups = self.check_groups(file.groups.as_ref().unwrap_or(&Items::default()));
        let assumptions = file
            .assumptions
            .as_ref()
            .map(|a| Assumptions {
                email_match: a.email_match.unwrap_or_default(),
                migrate_into_scim_group: a.migrate_into_scim_group.unwrap_or_default(),
            })
            .unwrap_or_default();
        self.email_match = assumptions.email_match;
        let population = self.check_population(&file.population, &domains);
        let idp = self.check_idp(file.idp.as_ref());
        let (server_sync_lag, drift) = self.check_drift(file.drift.as_ref());
        let churn = self.check_churn(file.churn.as_ref(), &domains, horizon_days);
        let events = self.check_events(file.events.as_ref().unwrap_or(&Items::default()), &population);
        let n_explicit_joiners = events.iter().filter(|e| matches!(e.kind, ExoKind::Join { .. })).count();
        let strategies = self.check_strategies(&file.strategies);
        let expectations = self.check_expectations(file.expect.as_ref().unwrap_or(&Items::default()));

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

    fn check_domains(&mut self, domains: &Items<raw::DomainFile>) -> Vec<DomainSpec> {
        let at = JsonPath::root().key("domains");
        let mut out = Vec::new();
        for (i, d) in domains.iter() {
            let name = d.name.to_lowercase();
            let here = at.index(i);
            if !is_domain_name(&name) {
                self.problems.push_hint(
                    &here.key("name"),
                    format!("`{}` is not a domain name", d.name),
                    "write the part after @, e.g. `acme.com`",
                );
            }
            self.domains.add(&name, &here.key("name"), self.problems);
            let share = d.share.map_or(0.0, |s| self.share(s, &here.key("share")));
            out.push(DomainSpec { name, share });
        }
        let total: f64 = out.iter().map(|d| d.share).sum();
        if domains.iter().any(|(_, d)| d.share.is_some()) && (total - 1.0).abs() > 1e-9 {
            self.problems.push_hint(
                &at,
                format!("domain shares add up to {}, not 1", crate::format::format_number(total)),
                "give every domain that holds IdP emails a share so that they add up to 1",
            );
        }
        out
    }

    fn product_set(&mut self, names: &[String], at: &JsonPath) -> ProductSet {
        let mut set = ProductSet::EMPTY;
        for (i, name) in names.iter().enumerate() {
            if let Some(p) = self.products.get(name, &at.index(i), self.problems) {
                set = set.union(ProductSet::single(p));
            }
        }
        set
    }

    fn check_groups(&mut self, groups: &Items<raw::GroupFile>) -> Vec<GroupSpec> {
        let at = JsonPath::root().key("groups");
        if groups.len() > limits::MAX_GROUPS {
            self.problems.push(&at, format!("at most {} groups are supported", limits::MAX_GROUPS));
        }
        let mut out = Vec::new();
        for (i, g) in groups.iter() {
            let here = at.index(i);
            self.groups.add(&g.name, &here.key("name"), self.problems);
            let grants = self.product_set(g.grants.as_deref().unwrap_or_default(), &here.key("grants"));
            let cloud_grants =
                g.cloud_grants.as_ref().map(|c| self.product_set(c, &here.key("cloud_grants")));
            if cloud_grants.is_some() {
                self.group_has_cloud_grants.insert(i);
            }
            let members_share = g.members_share.map_or(0.0, |s| self.share(s, &here.key("members_share")));
            let idp_disagreement_share =
                g.idp_disagreement_share.map_or(0.0, |s| self.share(s, &here.key("idp_disagreement_share")));
            out.push(GroupSpec {
                name: g.name.clone(),
                grants,
                default_access: g.default_access.unwrap_or(false),
                synced_from_idp: g.synced_from_idp.unwrap_or(false),
                cloud_grants,
                members_share,
                idp_disagreement_share,
            });
        }
        out
    }

    fn group_list(&mut self, names: &[String], at: &JsonPath) -> Vec<GroupId> {
        let mut out: Vec<GroupId> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(g) = self.groups.get(name, &at.index(i), self.problems) {
                let g = GroupId::from_index(g);
                if out.contains(&g) {
                    self.problems.push(&at.index(i), format!("group `{name}` is listed twice"));
                } else {
                    out.push(g);
                }
            }
        }
        out
    }

    fn check_population(&mut self, population: &raw::PopulationFile, domains: &[DomainSpec]) -> Population {
        let at = JsonPath::root().key("population");
        match (&population.people, &population.synthetic) {
            (Some(_), Some(_)) => {
                self.problems.push_hint(
                    &at,
                    "population has both `people` and `synthetic`",
                    "give either an explicit list of people or the shares to generate them, not both",
                );
                Population::Explicit(Vec::new())
            }
            (None, Some(synthetic)) => Population::Synthetic(self.check_synthetic(synthetic, domains)),
            (None, None) if !self.population_given => Population::Explicit(Vec::new()),
            (None, None) => {
                self.problems.push_hint(
                    &at,
                    "population has neither `people` nor `synthetic`",
                    "add `\"people\": [{\"id\": \"alice\", \"idp_email\": \"alice@acme.com\"}]` or `\"synthetic\": {\"people\": 1000}`",
                );
                Population::Explicit(Vec::new())
            }
            (Some(people), None) => {
                let at = at.key("people");
                if people.len() > limits::MAX_PEOPLE {
                    self.problems.push(&at, format!("at most {} people are supported", limits::MAX_PEOPLE));
                }
                let mut out = Vec::with_capacity(people.len());
                for (i, p) in people.iter() {
                    out.push(self.check_person(p, &at.index(i)));
                }
                Population::Explicit(out)
            }
        }
    }

    fn check_synthetic(&mut self, s: &raw::SyntheticFile, domains: &[DomainSpec]) -> SyntheticSpec {
        let at = JsonPath::root().key("population").key("synthetic");
        if s.people == 0 || s.people > limits::MAX_PEOPLE as u64 {
            self.problems.push_hint(
                &at.key("people"),
                format!("people must be between 1 and {}, found {}", limits::MAX_PEOPLE, s.people),
                format!(
                    "each person needs about 1 KiB per replication in flight: {} people would need about {}",
                    s.people,
                    crate::format::human_bytes((s.people as f64 * BYTES_PER_PERSON) as u64)
                ),
            );
        }
        if domains.is_empty() {
            self.problems.push_hint(
                &at,
                "a synthetic population needs at least one domain for its emails",
                "add `\"domains\": [{\"name\": \"acme.com\"}]`",
            );
        }
        let mut share = |value: Option<f64>, field: &str, default: f64| match value {
            Some(v) => self.share(v, &at.key(field)),
            None => default,
        };
        let spec = SyntheticSpec {
            people: usize::try_from(s.people).unwrap_or(usize::MAX).min(limits::MAX_PEOPLE),
            idp_only_share: share(s.idp_only_share, "idp_only_share", 0.0),
            server_only_share: share(s.server_only_share, "server_only_share", 0.0),
            inactive_server_share: share(s.inactive_server_share, "inactive_server_share", 0.0),
            external_directory_share: share(s.external_directory_share, "external_directory_share", 0.0),
            initial_email_mismatch_share: share(
                s.initial_email_mismatch_share,
                "initial_email_mismatch_share",
                0.0,
            ),
            existing_cloud_account_share: share(
                s.existing_cloud_account_share,
                "existing_cloud_account_share",
                0.0,
            ),
            existing_cloud_other_email_share: share(
                s.existing_cloud_other_email_share,
                "existing_cloud_other_email_share",
                0.0,
            ),
            invalid_server_email_share: share(
                s.invalid_server_email_share,
                "invalid_server_email_share",
                0.0,
            ),
            duplicate_server_email_share: share(
                s.duplicate_server_email_share,
                "duplicate_server_email_share",
                0.0,
            ),
            content_owner_share: share(s.content_owner_share, "content_owner_share", 1.0),
            out_of_scope_share: share(s.out_of_scope_share, "out_of_scope_share", 0.0),
        };
        let kinds = spec.idp_only_share + spec.server_only_share + spec.inactive_server_share;
        if kinds > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "idp_only_share + server_only_share + inactive_server_share is {}, more than 1",
                    crate::format::format_number(kinds)
                ),
                "these are exclusive kinds of people; the rest are in both the IdP and on the server",
            );
        }
        let cloud = spec.existing_cloud_account_share + spec.existing_cloud_other_email_share;
        if cloud > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "existing_cloud_account_share + existing_cloud_other_email_share is {cloud}, more than 1"
                ),
                "a person has at most one pre-existing cloud account",
            );
        }
        let bad = spec.invalid_server_email_share + spec.duplicate_server_email_share;
        if bad > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "invalid_server_email_share + duplicate_server_email_share is {}, more than 1",
                    crate::format::format_number(bad)
                ),
                "a server email is either invalid or a duplicate",
            );
        }
        spec
    }

    /// An IdP primary email belongs to one person; so does a pre-existing account's email.
    fn unique_email(&mut self, email: Option<&str>, id: &str, field: &str, at: &JsonPath) {
        let Some(email) = email.filter(|e| !e.is_empty()) else { return };
        let key = email_key(email, self.email_match).into_owned();
        let seen = if field == "idp_email" { &mut self.idp_emails } else { &mut self.cloud_emails };
        match seen.get(&key) {
            Some(first) => {
                let message = format!("`{email}` is also the {field} of `{first}`");
                let hint = if field == "idp_email" {
                    "an IdP primary email belongs to one person; give each person their own"
                } else {
                    "one email belongs to one Atlassian account; give the account to one person only"
                };
                self.problems.push_hint(&at.key(field), message, hint);
            }
            None => {
                seen.insert(key, id.to_string());
            }
        }
    }

    fn check_person(&mut self, p: &PersonFile, at: &JsonPath) -> PersonSpec {
        self.people.add(&p.id, &at.key("id"), self.problems);
        for (field, value) in
            [("idp_email", &p.idp_email), ("server_email", &p.server_email), ("cloud_email", &p.cloud_email)]
        {
            if value.as_deref() == Some("") {
                self.problems.push_hint(
                    &at.key(field),
                    "email is empty",
                    format!("leave `{field}` out when the person has none"),
                );
            }
        }
        self.unique_email(p.idp_email.as_deref(), &p.id, "idp_email", at);
        self.unique_email(p.cloud_email.as_deref(), &p.id, "cloud_email", at);
        let idp_groups = self.group_list(p.idp_groups.as_deref().unwrap_or_default(), &at.key("idp_groups"));
        let server_groups =
            self.group_list(p.server_groups.as_deref().unwrap_or_default(), &at.key("server_groups"));
        let cloud_groups =
            self.group_list(p.cloud_groups.as_deref().unwrap_or_default(), &at.key("cloud_groups"));
        // A person whose fields already have problems (say a misspelt `idp_emial`) gets no
        // follow-on complaints about what those fields would have said.
        let consistent = !self.problems.any_within(at);
        if consistent && p.idp_email.is_none() && !idp_groups.is_empty() {
            self.problems.push_hint(
                &at.key("idp_groups"),
                "a person without `idp_email` has no IdP identity and cannot be in IdP groups",
                "add `idp_email` or remove `idp_groups`",
            );
        }
        if consistent && p.server_email.is_none() && !server_groups.is_empty() {
            self.problems.push_hint(
                &at.key("server_groups"),
                "a person without `server_email` has no server identity and cannot be in server groups",
                "add `server_email` or remove `server_groups`",
            );
        }
        if consistent && !cloud_groups.is_empty() && p.cloud_email.is_none() {
            self.problems.push_hint(
                &at.key("cloud_groups"),
                "a person without `cloud_email` has no pre-existing account to put in cloud groups",
                "add `cloud_email` or remove `cloud_groups`",
            );
        }
        for (i, g) in cloud_groups.iter().enumerate() {
            let name = self.groups.names[g.index()].clone();
            if !self.group_has_cloud_grants.contains(&g.index()) {
                self.problems.push_hint(
                    &at.key("cloud_groups").index(i),
                    format!("group `{name}` does not exist in cloud at the start"),
                    format!("give group `{name}` a `cloud_grants` list (may be empty) to create it as a local cloud group"),
                );
            }
        }
        PersonSpec {
            id: p.id.clone(),
            idp_email: p.idp_email.clone(),
            server_email: p.server_email.clone(),
            cloud_email: p.cloud_email.clone(),
            directory: p.directory.unwrap_or_default(),
            server_active: p.server_active.unwrap_or(true),
            idp_groups,
            server_groups,
            cloud_groups,
            in_idp_scope: p.in_idp_scope.unwrap_or(true),
            owns_content: p.owns_content.unwrap_or(true),
            employed: p.employed.unwrap_or(true),
        }
    }
}

impl Checker<'_> {
    fn check_idp(&mut self, idp: Option<&raw::IdpFile>) -> IdpSettings {
        let at = JsonPath::root().key("idp");
        let profile = idp.and_then(|i| i.profile).unwrap_or_default();
        let mut sync_interval = profile.default_interval_minutes() * 60;
        if let Some(minutes) = idp.and_then(|i| i.sync_interval_minutes) {
            let seconds = (minutes * 60.0).round();
            if !(seconds >= limits::MIN_SYNC_INTERVAL_SECONDS as f64 && minutes <= 7.0 * 24.0 * 60.0) {
                self.problems.push_hint(
                    &at.key("sync_interval_minutes"),
                    format!(
                        "sync interval must be between 1 second and 7 days, found {} minutes",
                        show(minutes)
                    ),
                    "Entra ID syncs every 40 minutes, Google every 240, Okta within a minute",
                );
            } else {
                sync_interval = seconds as i64;
            }
        }
        IdpSettings { profile, sync_interval }
    }

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

    fn check_drift(&mut self, drift: Option<&raw::DriftFile>) -> (i64, DriftSpec) {
        let at = JsonPath::root().key("drift");
        let Some(drift) = drift else { return (24 * 3600, DriftSpec::default()) };
        let spec = DriftSpec {
            idp_email_changes_per_person_year: self.rate(
                drift.idp_email_changes_per_person_year,
                &at.key("idp_email_changes_per_person_year"),
                365.0,
                "per person and year",
            ),
            idp_rekeys_per_person_year: self.rate(
                drift.idp_rekeys_per_person_year,
                &at.key("idp_rekeys_per_person_year"),
                365.0,
                "per person and year",
            ),
        };
        let hours = drift.server_sync_lag_hours.unwrap_or(24.0);
        if !(0.0..=24.0 * 365.0).contains(&hours) {
            self.problems.push(
                &at.key("server_sync_lag_hours"),
                format!("the lag must be between 0 and 8760 hours, found {}", show(hours)),
            );
            return (24 * 3600, spec);
        }
        ((hours * 3600.0).round() as i64, spec)
    }

    fn check_churn(
        &mut self,
        churn: Option<&raw::ChurnFile>,
        domains: &[DomainSpec],
        horizon_days: u32,
    ) -> ChurnSpec {
        let at = JsonPath::root().key("churn");
        let Some(churn) = churn else { return ChurnSpec::default() };
        let max = (limits::MAX_PEOPLE / 2) as f64 / f64::from(horizon_days.max(1));
        let spec = ChurnSpec {
            joiners_per_day: self.rate(churn.joiners_per_day, &at.key("joiners_per_day"), max, "per day"),
            leavers_per_day: self.rate(churn.leavers_per_day, &at.key("leavers_per_day"), max, "per day"),
        };
        if spec.joiners_per_day > 0.0 && domains.is_empty() {
            self.problems.push_hint(
                &at.key("joiners_per_day"),
                "joiners need a domain for their IdP emails",
                "add `\"domains\": [{\"name\": \"acme.com\"}]`",
            );
        }
        spec
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

    fn check_events(&mut self, events: &Items<EventFile>, population: &Population) -> Vec<ExoEvent> {
        let at = JsonPath::root().key("events");
        let (people, synthetic): (&[PersonSpec], bool) = match population {
            Population::Explicit(people) => (people, false),
            Population::Synthetic(_) => (&[], true),
        };
        // Run order: by time, then file order. Joiners get ids in that order.
        let mut order: Vec<(usize, &EventFile)> = events.iter().collect();
        order.sort_by_key(|&(i, e)| (SimTime::from_days(e.day()), i));
        let mut next_person = people.len();
        // person index → (join time, position in run order); initial people join at -1.
        let mut joined_at: HashMap<usize, (SimTime, usize)> = HashMap::new();
        let mut has_idp: Vec<bool> = people.iter().map(|p| p.idp_email.is_some()).collect();
        // First pass: register joiners so that references resolve regardless of file order.
        let mut join_ids: HashMap<usize, (PersonId, PersonSpec)> = HashMap::new();
        for (rank, &(i, event)) in order.iter().enumerate() {
            if let EventFile::Join(j) = event {
                let here = at.index(i).key("person");
                if synthetic {
                    self.problems.push_hint(
                        &at.index(i),
                        "`join` events need an explicit population",
                        "with a synthetic population, set `churn.joiners_per_day` instead",
                    );
                }
                let spec = self.check_person(&j.person, &here);
                if spec.idp_email.is_none() {
                    self.problems.push_hint(
                        &here,
                        "a joiner appears in the IdP and needs an `idp_email`",
                        "add the joiner's IdP primary email",
                    );
                }
                let id = PersonId::from_index(next_person);
                joined_at.insert(next_person, (SimTime::from_days(j.day), rank));
                has_idp.push(spec.idp_email.is_some());
                join_ids.insert(i, (id, spec));
                next_person += 1;
            }
        }
        let mut out = vec![None; events.len()];
        for (rank, &(i, e)) in order.iter().enumerate() {
            let here = at.index(i);
            let t = self.day(e.day(), &here.key("day"));
            // A person reference must exist, and a joiner must have joined earlier in run order.
            let person =
                |checker: &mut Checker, name: &str, at: &JsonPath, needs_idp: bool| -> Option<PersonId> {
                    if synthetic {
                        checker.problems.push_hint(
                            at,
                            "events that name people need an explicit population",
                            "synthetic people are generated per replication: use `drift` and `churn` rates, \
                             or list the people in `population.people`",
                        );
                        return None;
                    }
                    let p = checker.people.get(name, at, checker.problems)?;
                    if let Some(&(join_t, join_rank)) = joined_at.get(&p) {
                        if join_rank > rank {
                            checker.problems.push_hint(
                                at,
                                format!("person `{name}` has not joined yet at day {}", e.day()),
                                format!(
                                    "`{name}` joins on day {}; move this event after the join",
                                    join_t.0 as f64 / SECONDS_PER_DAY as f64
                                ),
                            );
                            return None;
                        }
                    }
                    if needs_idp && !has_idp.get(p).copied().unwrap_or(false) {
                        checker.problems.push_hint(
                            at,
                            format!("person `{name}` has no IdP identity"),
                            format!("give `{name}` an `idp_email`"),
                        );
                        return None;
                    }
                    Some(PersonId::from_index(p))
                };
            let kind = match e {
                EventFile::ChangeIdpEmail(c) => {
                    if c.to.is_empty() {
                        self.problems.push(&here.key("to"), "the new email is empty");
                    }
                    person(self, &c.person, &here.key("person"), true)
                        .map(|p| ExoKind::ChangeIdpEmail { person: p, to: c.to.clone() })
                }
                EventFile::RekeyIdpObject(r) => person(self, &r.person, &here.key("person"), true)
                    .map(|p| ExoKind::RekeyIdpObject { person: p }),
                EventFile::Leave(l) => {
                    person(self, &l.person, &here.key("person"), false).map(|p| ExoKind::Leave { person: p })
                }
                EventFile::Join(_) => {
                    join_ids.remove(&i).map(|(p, spec)| ExoKind::Join { person: p, spec: Box::new(spec) })
                }
                EventFile::DeleteIdpGroup(d) => self
                    .groups
                    .get(&d.group, &here.key("group"), self.problems)
                    .map(|g| ExoKind::DeleteIdpGroup { group: GroupId::from_index(g) }),
                EventFile::CreateIdpGroup(c) => {
                    let group = self.groups.get(&c.group, &here.key("group"), self.problems);
                    let members = c.members.as_ref().map(|names| {
                        let mut members = Vec::new();
                        for (k, m) in names.iter().enumerate() {
                            let at = here.key("members").index(k);
                            if let Some(p) = person(self, m, &at, true) {
                                if members.contains(&p) {
                                    self.problems.push(&at, format!("`{m}` is listed twice"));
                                }
                                members.push(p);
                            }
                        }
                        members
                    });
                    group.map(|g| ExoKind::CreateIdpGroup { group: GroupId::from_index(g), members })
                }
                EventFile::AddToIdpGroup(m) | EventFile::RemoveFromIdpGroup(m) => {
                    let group = self.groups.get(&m.group, &here.key("group"), self.problems);
                    let p = person(self, &m.person, &here.key("person"), true);
                    match (group, p) {
                        (Some(g), Some(p)) => Some(if matches!(e, EventFile::AddToIdpGroup(_)) {
                            ExoKind::AddToIdpGroup { group: GroupId::from_index(g), person: p }
                        } else {
                            ExoKind::RemoveFromIdpGroup { group: GroupId::from_index(g), person: p }
                        }),
                        _ => None,
                    }
                }
                EventFile::MoveDomain(m) => {
                    let share = self.share(m.share, &here.key("share"));
                    for (field, d) in [("from", &m.from), ("to", &m.to)] {
                        if !is_domain_name(d) {
                            self.problems.push_hint(
                                &here.key(field),
                                format!("`{d}` is not a domain name"),
                                "write the part after @, e.g. `acme.com`",
                            );
                        }
                    }
                    Some(ExoKind::MoveDomain {
                        from: m.from.to_lowercase(),
                        to: m.to.clone(),
                        share,
                        ordinal: 0,
                    })
                }
            };
            out[i] = kind.map(|kind| ExoEvent { at: t, kind });
        }
        let mut sorted: Vec<ExoEvent> = order.iter().filter_map(|&(i, _)| out[i].take()).collect();
        let mut ordinal = 0;
        for e in &mut sorted {
            if let ExoKind::MoveDomain { ordinal: o, .. } = &mut e.kind {
                *o = ordinal;
                ordinal += 1;
            }
        }
        sorted
    }
}

impl Checker<'_> {
    fn check_strategies(&mut self, strategies: &Items<raw::StrategyFile>) -> Vec<Strategy> {
        let at = JsonPath::root().key("strategies");
        if strategies.is_empty() && self.strategies_given {
            self.problems.push_hint(
                &at,
                "there are no strategies",
                "add at least one strategy with a timeline",
            );
        }
        let mut out = Vec::new();
        for (i, s) in strategies.iter() {
            let here = at.index(i);
            self.strategies.add(&s.name, &here.key("name"), self.problems);
            let actions = self.check_timeline(&s.timeline, &here.key("timeline"));
            out.push(Strategy {
                name: s.name.clone(),
                description: s.description.clone().unwrap_or_default(),
                group_conflicts: s.group_conflicts.unwrap_or_default(),
                actions,
            });
        }
        out
    }

    fn check_timeline(&mut self, timeline: &Items<ActionFile>, at: &JsonPath) -> Vec<Action> {
        #[derive(Clone, Copy, PartialEq)]
        enum Scim {
            None,
            Active,
            Deleted,
            Stopped,
        }
        let mut scim = Scim::None;
        let mut cutover_seen = false;
        let mut previous: Option<(SimTime, f64)> = None;
        let mut out = Vec::new();
        for (i, a) in timeline.iter() {
            let here = at.index(i);
            let t = self.day(a.day(), &here.key("day"));
            if let Some((pt, pday)) = previous {
                if t < pt {
                    self.problems.push_hint(
                        &here.key("day"),
                        format!(
                            "actions must be in time order: day {} comes after day {}",
                            show(a.day()),
                            show(pday)
                        ),
                        "sort the timeline by day",
                    );
                }
            }
            previous = Some((t, a.day()));
            let kind = match a {
                ActionFile::VerifyDomain(v) => {
                    let name = v.domain.to_lowercase();
                    self.domains.get(&name, &here.key("domain"), self.problems).map(ActionKind::VerifyDomain)
                }
                ActionFile::ClaimAccounts(c) => {
                    Some(ActionKind::ClaimAccounts { auto: c.auto.unwrap_or(false) })
                }
                ActionFile::EnableScim(_) => {
                    match scim {
                        Scim::Active => self.problems.push_hint(
                            &here,
                            "SCIM is already enabled here",
                            "remove this enable_scim or disable SCIM before it",
                        ),
                        Scim::Stopped => self.problems.push_hint(
                            &here,
                            "SCIM was stopped in the IdP earlier; the provisioning directory still exists",
                            "use `disable_scim` with `delete_directory` to remove it before enabling again",
                        ),
                        Scim::None | Scim::Deleted => {}
                    }
                    scim = Scim::Active;
                    Some(ActionKind::EnableScim)
                }
                ActionFile::DisableScim(d) => {
                    match (scim, d.method) {
                        (Scim::Active, DisableMethod::DeleteDirectory) => scim = Scim::Deleted,
                        (Scim::Active, DisableMethod::StopInIdp) => scim = Scim::Stopped,
                        (Scim::Stopped, DisableMethod::DeleteDirectory) => scim = Scim::Deleted,
                        _ => self.problems.push_hint(
                            &here,
                            "SCIM is not enabled at this point of the timeline",
                            "put an `enable_scim` action before this one, or remove it",
                        ),
                    }
                    Some(ActionKind::DisableScim(d.method))
                }
                ActionFile::Migrate(m) => {
                    let users = m.users.unwrap_or_default();
                    let share = match m.share {
                        Some(s) => {
                            if users == UsersScope::All {
                                self.problems.push_hint(
                                    &here.key("share"),
                                    "`share` only applies to `\"users\": \"referenced\"`",
                                    "remove `share` or set `users` to `referenced`",
                                );
                            }
                            self.share(s, &here.key("share"))
                        }
                        None => 1.0,
                    };
                    Some(ActionKind::Migrate(MigrateOptions {
                        assistant: m.assistant.unwrap_or_default(),
                        users,
                        share,
                        groups: m.groups.unwrap_or_default(),
                        invalid_emails: m.invalid_emails.unwrap_or_default(),
                        duplicate_emails: m.duplicate_emails.unwrap_or_default(),
                    }))
                }
                ActionFile::FixEmails(f) => {
                    let coverage = self.share(f.coverage.unwrap_or(1.0), &here.key("coverage"));
                    Some(ActionKind::FixEmails { coverage })
                }
                ActionFile::Cutover(c) => {
                    if cutover_seen {
                        self.problems.push_hint(
                            &here,
                            "a strategy has at most one cutover",
                            "remove the second cutover",
                        );
                    }
                    cutover_seen = true;
                    let days = c.login_spread_days.unwrap_or(0.0);
                    if !(0.0..=limits::MAX_HORIZON_DAYS).contains(&days) {
                        self.problems.push(
                            &here.key("login_spread_days"),
                            format!(
                                "the spread must be between 0 and {} days, found {}",
                                limits::MAX_HORIZON_DAYS,
                                show(days)
                            ),
                        );
                    }
                    Some(ActionKind::Cutover { login_spread: SimTime::from_days(days.max(0.0)).0 })
                }
            };
            if let Some(kind) = kind {
                out.push(Action { at: t, kind });
            }
        }
        out
    }

    fn metric(&mut self, name: &str, at: &JsonPath) -> Option<MetricId> {
        let id = MetricId::by_name(name);
        if id.is_none() {
            if crate::input::reader::did_you_mean(name, &COLUMNS).is_some() {
                self.problems.push_unknown(at, "metric", name, &COLUMNS);
            } else {
                self.problems.push_hint(
                    at,
                    format!("unknown metric `{name}`"),
                    format!("metrics are {}", crate::input::reader::quote_list(&COLUMNS)),
                );
            }
        }
        id
    }

    fn check_expectations(&mut self, expect: &Items<ExpectationFile>) -> Vec<Expectation> {
        let at = JsonPath::root().key("expect");
        let mut out = Vec::new();
        for (i, e) in expect.iter() {
            let here = at.index(i);
            match e {
                ExpectationFile::Bound(b) => {
                    let strategy = self.strategies.get(&b.strategy, &here.key("strategy"), self.problems);
                    let metric = self.metric(&b.metric, &here.key("metric"));
                    let bounds: Vec<Bound> = [
                        b.equals.map(Bound::Equals),
                        b.at_most.map(Bound::AtMost),
                        b.at_least.map(Bound::AtLeast),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    if bounds.is_empty() {
                        self.problems.push_hint(
                            &here,
                            "the expectation has no bound",
                            "add `equals`, `at_most` or `at_least`",
                        );
                    }
                    if let (Some(strategy), Some(metric)) = (strategy, metric) {
                        out.extend(bounds.into_iter().map(|bound| Expectation::Bound {
                            strategy,
                            metric,
                            bound,
                        }));
                    }
                }
                ExpectationFile::Better(b) => {
                    let better = self.strategies.get(&b.better, &here.key("better"), self.problems);
                    let than = self.strategies.get(&b.than, &here.key("than"), self.problems);
                    let metric = self.metric(&b.metric, &here.key("metric"));
                    if better.is_some() && better == than {
                        self.problems.push(&here.key("than"), "a strategy cannot be better than itself");
                    }
                    if let (Some(better), Some(than), Some(metric)) = (better, than, metric) {
                        out.push(Expectation::Better { better, than, metric });
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
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

    fn problems(v: &Value) -> Vec<String> {
        match scenario_from_value(v) {
            Ok(_) => Vec::new(),
            Err(p) => p.into_iter().map(|p| p.to_string()).collect(),
        }
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
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn joiners_are_numbered_after_the_people_and_must_join_before_use() {
        let mut v = base();
        v["events"] = json!([
            {"day": 3, "do": "leave", "person": "cy"},
            {"day": 2, "do": "join", "person": {"id": "cy", "idp_email": "cy@acme.com"}},
            {"day": 1, "do": "leave", "person": "dee"},
            {"day": 5, "do": "join", "person": {"id": "dee", "idp_email": "dee@acme.com"}}
        ]);
        let found = problems(&v);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("$.events[2].person: person `dee` has not joined yet at day 1"));
        v["events"][2]["day"] = json!(6);
        let s = scenario_from_value(&v).expect("valid once dee leaves after joining");
        let kinds: Vec<String> =
            s.events.iter().map(|e| format!("{:?}", e.kind).chars().take(12).collect()).collect();
        assert_eq!(kinds, ["Join { perso", "Leave { pers", "Join { perso", "Leave { pers"]);
        assert!(matches!(s.events[0].kind, ExoKind::Join { person: PersonId(2), .. }));
        assert!(matches!(s.events[3].kind, ExoKind::Leave { person: PersonId(3) }));
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
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_scenario("{\n  \"name\": \"x\",\n  oops\n}").unwrap_err();
        assert_eq!(err, ParseFailure::Syntax { line: 3, column: 3, message: "key must be a string".into() });
    }
}
