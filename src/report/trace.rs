//! `scimsim trace` output (DESIGN §10): each person's story in one replication of one strategy —
//! every change that touched them, with its time, rule and event and the state it left — ending
//! with their outcome and a one-line reason. Text for people, JSON lines for tools.

use crate::ids::{Origin, PersonId, ProductSet, SimTime};
use crate::input::scenario::{ActionKind, ExoEvent, ExoKind, Scenario};
use crate::sim::explain::{PersonOutcome, PersonView};
use crate::sim::journal::{Change, Entry};
use crate::sim::observe::{PushFailure, Rule, SignInVia, Trigger};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a trace is rendered from.
pub struct Trace<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The strategy traced (scenario order).
    pub strategy: usize,
    /// The replication traced.
    pub replication: u64,
    /// The seed it ran with.
    pub seed: u64,
    /// Every person's scenario id, by person id (joiners included).
    pub names: &'a [String],
    /// The replication's exogenous events (what `Trigger::Exogenous` indexes).
    pub events: &'a [ExoEvent],
    /// The journal, in order.
    pub entries: &'a [Entry],
    /// The people to tell about, in order, with their outcome and end state.
    pub people: Vec<(PersonId, &'a PersonOutcome, &'a PersonView)>,
    /// When everyone is told about: the billable accounts that belong to nobody (R17), which
    /// complete `billable_accounts`.
    pub unowned_billable_accounts: Option<u32>,
}

/// `day 31 14:05`.
pub fn clock(t: SimTime) -> String {
    let (d, rem) = (t.0.div_euclid(86_400), t.0.rem_euclid(86_400));
    format!("day {d} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
}

/// Product names, comma-separated (`nothing` for none).
fn products(scenario: &Scenario, set: ProductSet) -> String {
    let names = product_list(scenario, set);
    if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
}

/// The names of the products in `set`, in the scenario's order.
fn product_list(scenario: &Scenario, set: ProductSet) -> Vec<&str> {
    scenario
        .products
        .iter()
        .enumerate()
        .filter(|(i, _)| !set.intersect(ProductSet::single(*i)).is_empty())
        .map(|(_, p)| p.as_str())
        .collect()
}

fn rule_name(rule: Rule) -> String {
    match rule {
        Rule::Initial => "start".to_string(),
        other => format!("{other:?}"),
    }
}

/// The event a change happened in, in a few words.
fn trigger_label(t: &Trace<'_>, trigger: Trigger) -> String {
    match trigger {
        Trigger::Start => "the organisation at the start".to_string(),
        Trigger::SyncTick => "sync".to_string(),
        Trigger::SignIn => "sign-in".to_string(),
        Trigger::ServerLag => "server directory".to_string(),
        Trigger::Action(k) => {
            let strategy = &t.scenario.strategies[t.strategy];
            strategy.actions.get(k).map_or_else(|| "action".to_string(), |a| action_name(&a.kind).to_string())
        }
        Trigger::Exogenous(_) => "event".to_string(),
    }
}

pub(super) fn action_name(kind: &ActionKind) -> &'static str {
    match kind {
        ActionKind::VerifyDomain(_) => "verify_domain",
        ActionKind::ClaimAccounts { .. } => "claim_accounts",
        ActionKind::CreateAccount { .. } => "create_account",
        ActionKind::EnableScim => "enable_scim",
        ActionKind::Migrate(_) => "migrate",
        ActionKind::FixEmails { .. } => "fix_emails",
        ActionKind::Cutover { .. } => "cutover",
        ActionKind::DisableScim(_) => "disable_scim",
        ActionKind::AlignSso => "align_sso",
        ActionKind::ResumeScim(_) => "resume_scim",
        ActionKind::Resync { .. } => "resync",
    }
}

pub(super) fn event_name(scenario: &Scenario, kind: &ExoKind, names: &[String]) -> String {
    let who = |p: &PersonId| names.get(p.index()).cloned().unwrap_or_default();
    let group = |g: &crate::ids::GroupId| scenario.groups[g.index()].name.as_str();
    match kind {
        ExoKind::ChangeIdpEmail { person, to } => format!("{}'s IdP email → {to}", who(person)),
        ExoKind::RekeyIdpObject { person } => format!("{} gets a new IdP object", who(person)),
        ExoKind::Leave { person } => format!("{} leaves", who(person)),
        ExoKind::Assign { person } => format!("{} assigned to the app", who(person)),
        ExoKind::Unassign { person } => format!("{} unassigned from the app", who(person)),
        ExoKind::Rehire { person, .. } => format!("{} rehired", who(person)),
        ExoKind::Join { person, .. } => format!("{} joins", who(person)),
        ExoKind::DeleteIdpGroup { group: g } => format!("IdP group {} deleted", group(g)),
        ExoKind::CreateIdpGroup { group: g, .. } => format!("IdP group {} created", group(g)),
        ExoKind::IdpEmailDrift { person, .. } => format!("{}'s IdP email changes (a new name)", who(person)),
        ExoKind::AddToIdpGroup { person, group: g } => {
            format!("{} added to IdP group {}", who(person), group(g))
        }
        ExoKind::RemoveFromIdpGroup { person, group: g } => {
            format!("{} removed from IdP group {}", who(person), group(g))
        }
        ExoKind::MoveDomain { from, to, .. } => format!("IdP emails move from {from} to {to}"),
    }
}

/// The person an exogenous event is about, if one.
pub(super) fn event_person(kind: &ExoKind) -> Option<PersonId> {
    match kind {
        ExoKind::ChangeIdpEmail { person, .. }
        | ExoKind::RekeyIdpObject { person }
        | ExoKind::Leave { person }
        | ExoKind::Assign { person }
        | ExoKind::Unassign { person }
        | ExoKind::Rehire { person, .. }
        | ExoKind::Join { person, .. }
        | ExoKind::IdpEmailDrift { person, .. }
        | ExoKind::AddToIdpGroup { person, .. }
        | ExoKind::RemoveFromIdpGroup { person, .. } => Some(*person),
        ExoKind::DeleteIdpGroup { .. } | ExoKind::CreateIdpGroup { .. } | ExoKind::MoveDomain { .. } => None,
    }
}

/// A line of a person's story: something that happened to them in the IdP, or a change the
/// journal saw.
enum Line<'e> {
    Event(&'e ExoEvent),
    Change(&'e Entry),
}

/// Person `p`'s story in time order: an event comes before the changes of its second.
fn story<'e>(t: &Trace<'e>, changes: &[&'e Entry], p: PersonId) -> Vec<Line<'e>> {
    let mut events = t.events.iter().filter(|e| event_person(&e.kind) == Some(p)).peekable();
    let mut lines = Vec::new();
    for &c in changes {
        while let Some(e) = events.next_if(|e| e.at <= c.ctx.at) {
            lines.push(Line::Event(e));
        }
        lines.push(Line::Change(c));
    }
    lines.extend(events.map(Line::Event));
    lines
}

fn origin_words(origin: Origin) -> &'static str {
    match origin {
        Origin::PreExisting => "from before the migration",
        Origin::Migration => "by the migration",
        Origin::Scim => "by SCIM",
        Origin::SelfSignup => "by a sign-in (self-signup)",
        Origin::Placeholder => "by the migration, as a placeholder",
        Origin::Admin => "by an admin",
    }
}

/// How an account came to be, as a reason line says it: `made by SCIM`, `from before the
/// migration`.
fn made(origin: Origin) -> String {
    match origin {
        Origin::PreExisting => origin_words(origin).to_string(),
        other => format!("made {}", origin_words(other)),
    }
}

fn push_failure_words(reason: PushFailure) -> &'static str {
    match reason {
        PushFailure::EmailTaken => "the new email is held by another account",
        PushFailure::LinkedElsewhere => "the email's account is linked to another SCIM record",
        PushFailure::DeactivatedBySomeoneElse => "the email's account was deactivated, not by this record",
        PushFailure::ConflictRejected => "a conflict with a same-named group was rejected",
        PushFailure::DefaultAccessGroup => "a default-access group cannot be synced",
        PushFailure::RejectedGroup => "the group's conflict was rejected earlier",
        PushFailure::UnsupportedFilter => "Atlassian refuses the work-email filter",
        PushFailure::UserNameTaken => "the userName is another person's record's",
    }
}

/// One journal entry in words: `(what code, account email, email, group, products, detail)`.
struct Words {
    what: &'static str,
    account: Option<String>,
    email: Option<String>,
    group: Option<String>,
    products: Option<ProductSet>,
    detail: String,
}

fn words(t: &Trace<'_>, change: &Change) -> Words {
    let group_name = |g: &crate::ids::GroupId| t.scenario.groups[g.index()].name.clone();
    let account = change.account().map(|(_, e)| e.clone());
    let mut w = Words {
        what: "",
        account: account.clone(),
        email: None,
        group: None,
        products: None,
        detail: String::new(),
    };
    let email = account.unwrap_or_default();
    match change {
        Change::AccountCreated { origin, active, managed, .. } => {
            w.what = "account_created";
            let state = match (active, managed) {
                (true, true) => ", managed",
                (true, false) => "",
                (false, true) => ", deactivated, managed",
                (false, false) => ", deactivated",
            };
            w.detail = format!("account {email} created {}{state}", origin_words(*origin));
        }
        Change::EmailChanged { from, .. } => {
            w.what = "email_changed";
            w.email = Some(from.clone());
            w.detail = format!("account {from} now has email {email}");
        }
        Change::Managed { .. } => {
            w.what = "managed";
            w.detail = format!("account {email} becomes managed");
        }
        Change::Deactivated { .. } => {
            w.what = "deactivated";
            w.detail = format!("account {email} deactivated");
        }
        Change::Reactivated { .. } => {
            w.what = "reactivated";
            w.detail = format!("account {email} reactivated");
        }
        Change::RecordCreated { email, .. } => {
            w.what = "record_created";
            w.email = Some(email.clone());
            w.detail = format!("SCIM record created for {email}");
        }
        Change::RecordLinked { .. } => {
            w.what = "record_linked";
            w.detail = format!("SCIM record linked to account {email}");
        }
        Change::RecordUnlinked { .. } => {
            w.what = "record_unlinked";
            w.detail = format!("SCIM record unlinked from account {email}");
        }
        Change::GroupJoined { group, gained, .. } => {
            w.what = "group_joined";
            w.group = Some(group_name(group));
            w.products = Some(*gained);
            let plus = if gained.is_empty() {
                String::new()
            } else {
                format!(" (+{})", products(t.scenario, *gained))
            };
            w.detail = format!("{email} joins {}{plus}", group_name(group));
        }
        Change::GroupLeft { group, lost, .. } => {
            w.what = "group_left";
            w.group = Some(group_name(group));
            w.products = Some(*lost);
            let minus = if lost.is_empty() {
                String::new()
            } else {
                format!(" (−{})", products(t.scenario, *lost))
            };
            w.detail = format!("{email} leaves {}{minus}", group_name(group));
        }
        Change::SignedIn { via, .. } => {
            w.what = "signed_in";
            w.detail = match via {
                SignInVia::HeldEmail => format!("signs in to {email}"),
                SignInVia::SelfSignup => format!("signs in as {email}: no account had it, a new one is made"),
            };
        }
        Change::PushFailed { reason } => {
            w.what = "push_failed";
            w.detail = format!("push of this user failed: {}", push_failure_words(*reason));
        }
        Change::AccessLost { products: lost, cause } => {
            w.what = "access_lost";
            w.products = Some(*lost);
            w.detail =
                format!("loses {} while still entitled ({})", products(t.scenario, *lost), cause.name());
        }
    }
    w
}

/// The state a person's story is at: their accounts (active, products) and login account.
#[derive(Default)]
struct State {
    accounts: BTreeMap<u32, (bool, ProductSet)>,
    login: Option<u32>,
}

impl State {
    fn apply(&mut self, change: &Change) {
        match change {
            Change::AccountCreated { account, active, .. } => {
                self.accounts.insert(account.0.0, (*active, ProductSet::EMPTY));
            }
            Change::Deactivated { account } => self.set_active(account.0.0, false),
            Change::Reactivated { account } => self.set_active(account.0.0, true),
            Change::GroupJoined { account, gained, .. } => {
                let a = self.accounts.entry(account.0.0).or_insert((true, ProductSet::EMPTY));
                a.1 = a.1.union(*gained);
            }
            Change::GroupLeft { account, lost, .. } => {
                let a = self.accounts.entry(account.0.0).or_insert((true, ProductSet::EMPTY));
                a.1 = a.1.minus(*lost);
            }
            Change::SignedIn { account, .. } => self.login = Some(account.0.0),
            _ => {}
        }
    }

    fn set_active(&mut self, a: u32, active: bool) {
        self.accounts.entry(a).or_insert((active, ProductSet::EMPTY)).0 = active;
    }

    fn describe(&self, scenario: &Scenario) -> String {
        let active = self.accounts.values().filter(|(a, _)| *a).count();
        let has = self
            .login
            .and_then(|l| self.accounts.get(&l))
            .filter(|(a, _)| *a)
            .map_or(ProductSet::EMPTY, |(_, p)| *p);
        let plural = if active == 1 { "" } else { "s" };
        match self.login {
            Some(_) => format!("{active} active account{plural}, has {}", products(scenario, has)),
            None => format!("{active} active account{plural}"),
        }
    }
}

/// The outcome in a few words: `duplicate, missing access` or `fine`.
pub fn outcome_words(o: &PersonOutcome) -> String {
    let mut parts = Vec::new();
    if o.duplicate {
        parts.push(format!("duplicate ({} accounts)", o.surplus_accounts + 1));
    }
    if o.split_identity {
        parts.push("split identity".to_string());
    }
    if o.lost_access > 0 {
        parts.push(format!("lost access {}×", o.lost_access));
    }
    if o.missing_access {
        parts.push("missing access".to_string());
    }
    if o.over_access {
        parts.push("over-access".to_string());
    }
    if o.orphaned_accounts > 0 {
        parts.push(format!(
            "{} orphaned account{}",
            o.orphaned_accounts,
            if o.orphaned_accounts == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() { "fine".to_string() } else { parts.join(", ") }
}

/// The one-line reason that ends a story: what the outcome is, and the main reason's words.
pub fn reason_line(scenario: &Scenario, o: &PersonOutcome, v: &PersonView) -> String {
    let Some(reason) = o.main_reason() else { return "nothing went wrong".to_string() };
    let gloss = reason.gloss();
    let code = reason.code();
    if o.duplicate {
        let active: Vec<_> = v.accounts.iter().filter(|a| a.active).collect();
        let story: Vec<String> = active.iter().map(|a| format!("{} ({})", a.email, made(a.origin))).collect();
        let count = match active.len() {
            2 => "two".to_string(),
            n => n.to_string(),
        };
        return format!("{count} accounts: {} — {gloss} [{code}]", story.join(", then "));
    }
    let missing = v.entitled.minus(v.has);
    let over = v.has.minus(v.entitled);
    if o.lost_access > 0 && o.missing_access {
        return format!("lost {} and still lacks it: {gloss} [{code}]", products(scenario, missing));
    }
    if o.lost_access > 0 {
        return format!("lost access for a while: {gloss} [{code}]");
    }
    if o.missing_access {
        return format!("missing {}: {gloss} [{code}]", products(scenario, missing));
    }
    if o.orphaned_accounts > 0 {
        let active: Vec<&str> = v
            .accounts
            .iter()
            .filter(|a| a.active && !a.products.is_empty())
            .map(|a| a.email.as_str())
            .collect();
        return format!("left, but {} still gives access: {gloss} [{code}]", active.join(", "));
    }
    if o.over_access {
        return format!("has {} without being entitled: {gloss} [{code}]", products(scenario, over));
    }
    format!("{gloss} [{code}]")
}

/// The traced people's stories, as text.
pub fn text(t: &Trace<'_>) -> String {
    let mut out = String::new();
    let strategy = &t.scenario.strategies[t.strategy];
    let _ = writeln!(
        out,
        "{} — strategy {}, replication {} (seed {})\n",
        t.scenario.name, strategy.name, t.replication, t.seed
    );
    let by_person = entries_by_person(t);
    for &(p, outcome, view) in &t.people {
        let name = t.names.get(p.index()).map_or("?", String::as_str);
        let _ = writeln!(out, "{name} — {}", outcome_words(outcome));
        let mut state = State::default();
        for line in story(t, by_person.get(&p).map_or(&[][..], Vec::as_slice), p) {
            match line {
                Line::Event(e) => {
                    let what = event_name(t.scenario, &e.kind, t.names);
                    let _ = writeln!(out, "  {:<13} {:<5} {:<14} {what}", clock(e.at), "IdP", "event");
                }
                Line::Change(e) => {
                    state.apply(&e.what);
                    let w = words(t, &e.what);
                    let _ = writeln!(
                        out,
                        "  {:<13} {:<5} {:<14} {}  → {}",
                        clock(e.ctx.at),
                        rule_name(e.ctx.rule),
                        trigger_label(t, e.ctx.trigger),
                        w.detail,
                        state.describe(t.scenario)
                    );
                }
            }
        }
        let _ = writeln!(out, "  outcome: {}", end_state(t.scenario, view));
        let _ = writeln!(out, "  why: {}\n", reason_line(t.scenario, outcome, view));
    }
    if let Some(n) = t.unowned_billable_accounts.filter(|&n| n > 0) {
        let _ = writeln!(out, "accounts of nobody's (created by an admin without a person): {n} billable");
    }
    out
}

/// The end state in words: accounts, login, what they have and lack.
fn end_state(scenario: &Scenario, v: &PersonView) -> String {
    let accounts: Vec<String> = v
        .accounts
        .iter()
        .map(|a| {
            let state = if a.active { "" } else { ", deactivated" };
            format!("{} ({}{state})", a.email, a.origin.name())
        })
        .collect();
    let mut s = if accounts.is_empty() { "no account".to_string() } else { accounts.join("; ") };
    if let Some(l) = v.login {
        let _ = write!(s, "; signs in to {}", v.accounts[l].email);
    }
    if !v.employed {
        s.push_str("; has left");
    }
    let _ = write!(s, "; has {}; entitled to {}", products(scenario, v.has), products(scenario, v.entitled));
    s
}

fn entries_by_person<'e>(t: &Trace<'e>) -> BTreeMap<PersonId, Vec<&'e Entry>> {
    let mut by: BTreeMap<PersonId, Vec<&Entry>> = BTreeMap::new();
    for e in t.entries {
        by.entry(e.person).or_default().push(e);
    }
    by
}

/// The traced people's stories, as JSON lines: one object per entry, then one per person with
/// their outcome and reason.
pub fn jsonl(t: &Trace<'_>) -> String {
    let mut out = String::new();
    let by_person = entries_by_person(t);
    for &(p, outcome, view) in &t.people {
        let name = t.names.get(p.index()).cloned().unwrap_or_default();
        for line in story(t, by_person.get(&p).map_or(&[][..], Vec::as_slice), p) {
            let e = match line {
                Line::Event(e) => {
                    let line = json!({
                        "t": e.at.0,
                        "day": clock(e.at),
                        "person": name,
                        "rule": Value::Null,
                        "event": "event",
                        "what": "idp_event",
                        "account": Value::Null,
                        "email": Value::Null,
                        "group": Value::Null,
                        "products": Value::Null,
                        "detail": event_name(t.scenario, &e.kind, t.names),
                    });
                    let _ = writeln!(out, "{line}");
                    continue;
                }
                Line::Change(e) => e,
            };
            let w = words(t, &e.what);
            let line = json!({
                "t": e.ctx.at.0,
                "day": clock(e.ctx.at),
                "person": name,
                "rule": rule_name(e.ctx.rule),
                "event": trigger_label(t, e.ctx.trigger),
                "what": w.what,
                "account": w.account,
                "email": w.email,
                "group": w.group,
                "products": w.products.map(|s| product_list(t.scenario, s)),
                "detail": w.detail,
            });
            let _ = writeln!(out, "{line}");
        }
        let codes: Vec<Value> = outcome.reasons.iter().map(|r| Value::from(r.code())).collect();
        let line = json!({
            "person": name,
            "outcome": outcome_words(outcome),
            "reason": reason_line(t.scenario, outcome, view),
            "reason_codes": codes,
            "duplicate": outcome.duplicate,
            "surplus_accounts": outcome.surplus_accounts,
            "split_identity": outcome.split_identity,
            "lost_access_incidents": outcome.lost_access,
            "missing_access": outcome.missing_access,
            "over_access": outcome.over_access,
            "orphaned_accounts": outcome.orphaned_accounts,
            "billable_accounts": outcome.billable_accounts,
            "unlinked_scim_records": outcome.unlinked_records,
            "former_user": outcome.former_user,
            "blocked": outcome.blocked,
            "remapped": outcome.remapped,
        });
        let _ = writeln!(out, "{line}");
    }
    if let Some(n) = t.unowned_billable_accounts {
        let _ = writeln!(out, "{}", json!({"accounts_of_nobody": {"billable_accounts": n}}));
    }
    out
}
