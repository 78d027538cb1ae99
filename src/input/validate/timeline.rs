//! Checks of the strategies: unique names and each timeline's actions (in time order, within
//! the horizon, SCIM enabled and disabled in a sensible order, at most one cutover).

use super::Checker;
use crate::format::show_number as show;
use crate::ids::{PersonId, SimTime};
use crate::input::email::{email_key, is_valid};
use crate::input::raw::{self, ActionFile};
use crate::input::reader::{Items, JsonPath};
use crate::input::scenario::*;
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn check_strategies(
        &mut self,
        strategies: &Items<raw::StrategyFile>,
        population: &Population,
    ) -> Vec<Strategy> {
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
            let actions = self.check_timeline(&s.timeline, &here.key("timeline"), population);
            out.push(Strategy {
                name: s.name.clone(),
                description: s.description.clone().unwrap_or_default(),
                group_conflicts: s.group_conflicts.unwrap_or_default(),
                matching: s.idp.as_ref().and_then(|i| i.matching),
                deprovision: s.idp.as_ref().and_then(|i| i.deprovision),
                group_updates: s.idp.as_ref().and_then(|i| i.group_updates),
                actions,
            });
        }
        out
    }

    fn check_timeline(
        &mut self,
        timeline: &Items<ActionFile>,
        at: &JsonPath,
        population: &Population,
    ) -> Vec<Action> {
        #[derive(Clone, Copy, PartialEq)]
        enum Scim {
            None,
            Active,
            Deleted,
            Stopped,
        }
        let mut scim = Scim::None;
        let mut cutover_seen = false;
        let mut sso_aligned = false;
        // Domains verified so far in this timeline, and emails `create_account` has used (by
        // R1 key → the day it was used).
        let mut verified: Vec<usize> = Vec::new();
        let mut created: HashMap<String, f64> = HashMap::new();
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
                    let d = self.domains.get(&name, &here.key("domain"), self.problems);
                    verified.extend(d);
                    d.map(ActionKind::VerifyDomain)
                }
                ActionFile::ClaimAccounts(c) => {
                    let domain = c.domain.as_ref().and_then(|name| {
                        let d = self.domains.get(&name.to_lowercase(), &here.key("domain"), self.problems)?;
                        if !verified.contains(&d) {
                            self.problems.push_hint(
                                &here.key("domain"),
                                format!("domain `{name}` is not verified at this point of the timeline"),
                                format!("a claim covers verified domains only: put a `verify_domain` of `{name}` before it"),
                            );
                        }
                        Some(d)
                    });
                    Some(ActionKind::ClaimAccounts { domain, auto: c.auto.unwrap_or(false) })
                }
                ActionFile::CreateAccount(c) => self.check_create_account(c, &here, population, &mut created),
                ActionFile::EnableScim(_) => {
                    match scim {
                        Scim::Active => self.problems.push_hint(
                            &here,
                            "SCIM is already enabled here: the provisioning directory exists and syncs",
                            "remove this enable_scim; to send everything again use `resync`, and after a \
                             `disable_scim` with `stop_in_idp` use `resume_scim`",
                        ),
                        Scim::Stopped => self.problems.push_hint(
                            &here,
                            "SCIM was stopped in the IdP earlier; the provisioning directory still exists",
                            "use `resume_scim` to restart its syncs (`\"mode\": \"restart\"` for a full first \
                             sync), or `disable_scim` with `delete_directory` before enabling a new one",
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
                        (Scim::Stopped, DisableMethod::StopInIdp) => self.problems.push_hint(
                            &here,
                            "SCIM is already stopped in the IdP at this point of the timeline",
                            "remove this one; `resume_scim` restarts the syncs",
                        ),
                        _ => self.problems.push_hint(
                            &here,
                            "SCIM is not enabled at this point of the timeline",
                            "put an `enable_scim` action before this one, or remove it",
                        ),
                    }
                    Some(ActionKind::DisableScim(d.method))
                }
                ActionFile::ResumeScim(r) => {
                    match scim {
                        Scim::Stopped => scim = Scim::Active,
                        Scim::Active => self.problems.push_hint(
                            &here,
                            "SCIM is syncing at this point of the timeline: there is nothing to resume",
                            "remove this resume_scim, or stop the syncs before it with `disable_scim` and \
                             `\"method\": \"stop_in_idp\"`",
                        ),
                        Scim::None | Scim::Deleted => self.problems.push_hint(
                            &here,
                            "no provisioning directory is stopped in the IdP at this point of the timeline",
                            "`resume_scim` restarts a directory paused by `disable_scim` with `stop_in_idp`: \
                             put one before it, or use `enable_scim` to create a directory",
                        ),
                    }
                    Some(ActionKind::ResumeScim(r.mode.unwrap_or_default()))
                }
                ActionFile::Resync(r) => {
                    let hint = match scim {
                        Scim::Active => None,
                        Scim::None => Some("put an `enable_scim` before it"),
                        Scim::Deleted => {
                            Some("the directory was deleted earlier: put an `enable_scim` before it")
                        }
                        Scim::Stopped => Some(
                            "the directory is stopped in the IdP, which sends nothing: put a `resume_scim` \
                             before it",
                        ),
                    };
                    if let Some(hint) = hint {
                        self.problems.push_hint(
                            &here,
                            "no provisioning directory syncs at this point of the timeline, so nothing can be resynced",
                            hint,
                        );
                    }
                    self.check_resync_people(r, &here, population)
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
                        email_remap: m
                            .email_remap
                            .as_ref()
                            .map(|r| self.check_email_remap(r, &here.key("email_remap"), population))
                            .unwrap_or_default(),
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
                    let days = c.login_spread_days.unwrap_or(1.0);
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
                ActionFile::AlignSso(_) => {
                    if sso_aligned {
                        self.problems.push_hint(
                            &here,
                            "SSO is already aligned with SCIM earlier in this timeline",
                            "remove the second align_sso: from the first one on, every sign-in uses the IdP primary email",
                        );
                    }
                    sso_aligned = true;
                    Some(ActionKind::AlignSso)
                }
            };
            if let Some(kind) = kind {
                out.push(Action { at: t, kind });
            }
        }
        out
    }
}

/// Checks of the actions that name people and emails.
impl Checker<'_> {
    /// A person named by a strategy action; strategies cannot name generated people.
    fn strategy_person(&mut self, name: &str, at: &JsonPath, population: &Population) -> Option<PersonId> {
        if matches!(population, Population::Synthetic(_)) {
            self.problems.push_hint(
                at,
                "actions that name people need an explicit population",
                "synthetic people are generated per replication: list the people in `population.people`",
            );
            return None;
        }
        self.people.get(name, at, self.problems).map(PersonId::from_index)
    }

    /// R24: `resync.people` — known people, each once, in an explicit population.
    fn check_resync_people(
        &mut self,
        r: &raw::ResyncFile,
        here: &JsonPath,
        population: &Population,
    ) -> Option<ActionKind> {
        let Some(names) = &r.people else { return Some(ActionKind::Resync { people: None }) };
        let at = here.key("people");
        if names.is_empty() {
            self.problems.push_hint(
                &at,
                "the list of people is empty, so this resync pushes nobody",
                "list person ids, or remove `people` to resync everyone",
            );
        }
        let mut people: Vec<PersonId> = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let Some(p) = self.strategy_person(name, &at.index(k), population) else {
                if matches!(population, Population::Synthetic(_)) {
                    break; // reported once for the list
                }
                continue;
            };
            if people.contains(&p) {
                self.problems.push_hint(
                    &at.index(k),
                    format!("person `{name}` is listed twice"),
                    "remove the repeat: a resync pushes each person once",
                );
            } else {
                people.push(p);
            }
        }
        Some(ActionKind::Resync { people: Some(people) })
    }

    /// An email an action gives an account: valid (R3's `local@domain.tld`).
    fn action_email(&mut self, email: &str, at: &JsonPath) -> bool {
        if is_valid(email) {
            return true;
        }
        let message = if email.is_empty() {
            "the email is empty".to_string()
        } else {
            format!("`{email}` is not a valid email")
        };
        self.problems.push_hint(at, message, "write an address such as `ann@acme.com`");
        false
    }

    /// R17: `create_account` — a valid email that no account holds by definition (a
    /// pre-existing account of the population, or an earlier `create_account` of this
    /// strategy), and a known person when one is named.
    fn check_create_account(
        &mut self,
        c: &raw::CreateAccountFile,
        here: &JsonPath,
        population: &Population,
        created: &mut HashMap<String, f64>,
    ) -> Option<ActionKind> {
        let at = here.key("email");
        // An action already reported (a missing or mistyped field) gets no follow-on complaint.
        if !self.problems.any_within(&at) && !self.problems.any_at(here) && self.action_email(&c.email, &at) {
            let key = email_key(&c.email, self.email_match).into_owned();
            if let Some(owner) = self.cloud_emails.get(&key) {
                self.problems.push_hint(
                    &at,
                    format!("`{}` is already the pre-existing cloud account of `{owner}`", c.email),
                    "an email belongs to one account: to make that account managed, verify and claim its \
                     domain; to invite a new account, choose another email",
                );
            } else if let Some((field, owner)) = self
                .idp_emails
                .get(&key)
                .map(|o| ("IdP email", o))
                .or_else(|| self.server_emails.get(&key).map(|o| ("server email", o)))
                .or_else(|| self.sso_emails.get(&key).map(|o| ("SSO email", o)))
                .filter(|(_, owner)| c.person.as_deref() != Some(owner.as_str()))
            {
                // Whose account it is would be a guess: the person whose email it is signs in to
                // it, and SCIM and the migration put them on it, so metrics must count it as theirs.
                self.problems.push_hint(
                    &at,
                    format!("`{}` is the {field} of `{owner}`", c.email),
                    format!("an account with it is `{owner}`'s: add `\"person\": \"{owner}\"`, or choose another email"),
                );
            } else if let Some(day) = created.get(&key) {
                self.problems.push_hint(
                    &at,
                    format!("`{}` is already created by this strategy on day {}", c.email, show(*day)),
                    "an email belongs to one account: remove this `create_account` or choose another email",
                );
            } else {
                created.insert(key, c.day);
            }
        }
        let person = match &c.person {
            Some(name) => Some(self.strategy_person(name, &here.key("person"), population)?),
            None => None,
        };
        Some(ActionKind::CreateAccount { email: c.email.clone(), person })
    }

    /// R18: `migrate.email_remap`.
    fn check_email_remap(
        &mut self,
        r: &raw::EmailRemapFile,
        at: &JsonPath,
        population: &Population,
    ) -> EmailRemap {
        let has_server_users = match population {
            Population::Explicit(_) => !self.server_users.is_empty(),
            Population::Synthetic(s) => s.people > 0 && s.idp_only_share < 1.0,
        };
        if !has_server_users {
            let hint = match population {
                Population::Explicit(_) => "remove `email_remap`, or give people a `server_email`",
                Population::Synthetic(_) => "remove `email_remap`, or lower `idp_only_share` below 1",
            };
            self.problems.push_hint(
                at,
                "`email_remap` changes server users' emails, and this scenario has no server users",
                hint,
            );
        }
        let to_idp_coverage = match (r.to, r.coverage) {
            (Some(RemapTarget::IdpEmail), coverage) => {
                Some(coverage.map_or(1.0, |c| self.share(c, &at.key("coverage"))))
            }
            (None, Some(_)) if !self.problems.any_within(&at.key("to")) => {
                self.problems.push_hint(
                    &at.key("coverage"),
                    "`coverage` needs `to`: it is the share of mismatched users remapped to their IdP email",
                    "add `\"to\": \"idp_email\"`, or remove `coverage`",
                );
                None
            }
            (None, _) => None,
        };
        let mut people = Vec::new();
        for (id, value) in r.people.as_ref().map(|p| p.0.as_slice()).unwrap_or_default() {
            let here = at.key("people").key(id);
            let Some(p) = self.strategy_person(id, &here, population) else { continue };
            if !has_server_users {
                continue; // reported once for the whole remap
            }
            if !self.server_users.contains(id) {
                self.problems.push_hint(
                    &here,
                    format!("person `{id}` has no server user to migrate"),
                    format!("remove `{id}` from `email_remap.people`, or give them a `server_email`"),
                );
                continue;
            }
            if value == "former_user" {
                people.push((p, RemapTo::FormerUser));
            } else if is_valid(value) {
                people.push((p, RemapTo::Email(value.clone())));
            } else if value.is_empty() {
                self.problems.push_hint(
                    &here,
                    "the email is empty",
                    "write the email to migrate this user with, e.g. `ann@acme.com`, or `former_user`",
                );
            } else {
                self.problems.push_hint(
                    &here,
                    format!("`{value}` is neither a valid email nor `former_user`"),
                    "write the email to migrate this user with, e.g. `ann@acme.com`, or `former_user`",
                );
            }
        }
        EmailRemap { to_idp_coverage, people }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{base, problems};
    use crate::input::scenario::*;
    use crate::input::validate::scenario_from_value;
    use serde_json::json;

    fn assert_problems(v: &serde_json::Value, expected: &[&str]) {
        let found = problems(v);
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn the_0_3_actions_resolve_names_and_take_their_defaults() {
        let mut v = base();
        v["domains"] = json!([{"name": "acme.com"}, {"name": "new.com"}]);
        v["strategies"][0]["timeline"] = json!([
            {"day": 0, "do": "verify_domain", "domain": "new.com"},
            {"day": 0, "do": "create_account", "email": "seed@new.com"},
            {"day": 0, "do": "create_account", "email": "ann@new.com", "person": "ann"},
            {"day": 0, "do": "claim_accounts", "domain": "New.com"},
            {"day": 1, "do": "migrate", "email_remap": {"to": "idp_email", "people": {"ann": "former_user"}}},
            {"day": 2, "do": "migrate", "email_remap": {"people": {"ann": "a@acme.com"}}},
            {"day": 3, "do": "cutover"}
        ]);
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(s.assumptions.claim_needs_account, "R2′ is the default");
        let kinds: Vec<&ActionKind> = s.strategies[0].actions.iter().map(|a| &a.kind).collect();
        assert_eq!(kinds[1], &ActionKind::CreateAccount { email: "seed@new.com".into(), person: None });
        assert_eq!(
            kinds[2],
            &ActionKind::CreateAccount { email: "ann@new.com".into(), person: Some(crate::ids::PersonId(0)) }
        );
        assert_eq!(kinds[3], &ActionKind::ClaimAccounts { domain: Some(1), auto: false });
        let ActionKind::Migrate(m) = kinds[4] else { panic!("migrate") };
        assert_eq!(m.email_remap.to_idp_coverage, Some(1.0), "coverage defaults to 1 with `to`");
        assert_eq!(m.email_remap.people, vec![(crate::ids::PersonId(0), RemapTo::FormerUser)]);
        let ActionKind::Migrate(m) = kinds[5] else { panic!("migrate") };
        assert_eq!(m.email_remap.to_idp_coverage, None, "without `to` only the entries apply");
        assert_eq!(kinds[6], &ActionKind::Cutover { login_spread: 86_400 }, "the spread defaults to 1 day");
        v["assumptions"] = json!({"claim_needs_account": false});
        assert!(!scenario_from_value(&v).expect("valid").assumptions.claim_needs_account);
    }

    #[test]
    fn bad_create_account_and_claim_actions_are_reported_with_their_paths() {
        let mut v = base();
        v["population"]["people"][1]["cloud_email"] = json!("Bob@acme.com");
        v["strategies"][0]["timeline"] = json!([
            {"day": 0, "do": "claim_accounts", "domain": "acme.com"},
            {"day": 0, "do": "create_account", "email": "not-an-email"},
            {"day": 0, "do": "create_account", "email": "bob@acme.com"},
            {"day": 0, "do": "create_account", "email": "svc@acme.com", "person": "carl"},
            {"day": 1, "do": "create_account", "email": "SVC@acme.com"}
        ]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].domain: domain `acme.com` is not verified at this point of the timeline",
                "$.strategies[0].timeline[1].email: `not-an-email` is not a valid email",
                "$.strategies[0].timeline[2].email: `bob@acme.com` is already the pre-existing cloud account of `bob`",
                "$.strategies[0].timeline[3].person: unknown person `carl`",
                "$.strategies[0].timeline[4].email: `SVC@acme.com` is already created by this strategy on day 0",
            ],
        );
    }

    #[test]
    fn a_person_less_account_on_someones_email_is_refused_and_bad_fields_are_reported_once() {
        let mut v = base();
        v["strategies"][0]["timeline"] = json!([
            {"day": 0, "do": "create_account", "email": "ANN@acme.com"},
            {"day": 0, "do": "create_account", "email": "ann@acme.com", "person": "ann"},
            {"day": 0, "do": "create_account", "email": "bob@acme.com", "person": "ann"},
            {"day": 0, "do": "create_account", "email": 5},
            {"day": 0, "do": "create_account"}
        ]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].email: `ANN@acme.com` is the IdP email of `ann` (hint: an account with it is `ann`'s: add `\"person\": \"ann\"`",
                "$.strategies[0].timeline[2].email: `bob@acme.com` is the IdP email of `bob`",
                "$.strategies[0].timeline[3].email: expected a string, found a number",
                "$.strategies[0].timeline[4]: missing required field `email`",
            ],
        );
        // A server email counts too.
        v["population"]["people"][0]["server_email"] = json!("ann@old.com");
        v["strategies"][0]["timeline"] = json!([{"day": 0, "do": "create_account", "email": "ann@old.com"}]);
        assert_problems(
            &v,
            &["$.strategies[0].timeline[0].email: `ann@old.com` is the server email of `ann`"],
        );
    }

    #[test]
    fn idp_settings_resolve_and_misspelt_values_get_a_did_you_mean() {
        let mut v = base();
        v["idp"] = json!({"matching": "email", "deprovision": "none"});
        v["strategies"][0]["idp"] = json!({"matching": "object_id"});
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!((s.idp.matching, s.idp.deprovision), (Matching::Email, Deprovision::None));
        assert_eq!((s.strategies[0].matching, s.strategies[0].deprovision), (Some(Matching::ObjectId), None));
        // R22: the group updates default by profile; a strategy may choose its own.
        assert_eq!((s.idp.group_updates, s.strategies[0].group_updates), (GroupUpdates::Patch, None));
        v["idp"] = json!({"profile": "google"});
        v["strategies"][0]["idp"] = json!({"group_updates": "patch"});
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(
            (s.idp.group_updates, s.strategies[0].group_updates),
            (GroupUpdates::Replace, Some(GroupUpdates::Patch))
        );
        v["idp"] = json!({"profile": "okta", "group_updates": "replace"});
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(s.idp.group_updates, GroupUpdates::Replace);
        v["idp"] = json!({"matching": "objectid", "group_updates": "put"});
        v["strategies"][0]["idp"] =
            json!({"deprovision": "deactivated", "group_updates": "patches", "sync": 1});
        assert_problems(
            &v,
            &[
                "$.idp.matching: unknown matching setting `objectid` (hint: did you mean `object_id`?)",
                "$.idp.group_updates: unknown group updates setting `put` (hint: expected one of `patch`, `replace`)",
                "$.strategies[0].idp.deprovision: unknown deprovision setting `deactivated` (hint: did you mean `deactivate`?)",
                "$.strategies[0].idp.group_updates: unknown group updates setting `patches` (hint: did you mean `patch`?)",
                "$.strategies[0].idp.sync: unknown field `sync`",
            ],
        );
    }

    #[test]
    fn bad_email_remaps_are_reported_with_their_paths() {
        let mut v = base();
        v["strategies"][0]["timeline"] = json!([
            {"day": 1, "do": "migrate", "email_remap": {"to": "idp_email", "coverage": 1.5,
                "people": {"carl": "c@acme.com", "bob": "b@acme.com", "ann": "nope"}}},
            {"day": 2, "do": "migrate", "email_remap": {"coverage": 0.5, "to": "server_email"}}
        ]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].email_remap.coverage: a share must be between 0 and 1, found 1.5",
                "$.strategies[0].timeline[0].email_remap.people.carl: unknown person `carl`",
                "$.strategies[0].timeline[0].email_remap.people.bob: person `bob` has no server user to migrate",
                "$.strategies[0].timeline[0].email_remap.people.ann: `nope` is neither a valid email nor `former_user`",
                "$.strategies[0].timeline[1].email_remap.to: unknown remap target `server_email`",
            ],
        );
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "migrate", "email_remap": {"coverage": 0.5}}]);
        assert_problems(&v, &["$.strategies[0].timeline[0].email_remap.coverage: `coverage` needs `to`"]);
        let mut v = base();
        v["population"]["people"][0].as_object_mut().expect("person").remove("server_email");
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "migrate", "email_remap": {"to": "idp_email"}}]);
        v["strategies"][0]["timeline"][0]["email_remap"]["people"] = json!({"ann": "a@acme.com"});
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].email_remap: `email_remap` changes server users' emails, and this scenario has no server users (hint: remove `email_remap`, or give people a `server_email`)",
            ],
        );
        let mut v = base();
        v["population"] = json!({"synthetic": {"people": 10, "idp_only_share": 1}});
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "migrate", "email_remap": {"to": "idp_email"}}]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].email_remap: `email_remap` changes server users' emails, and this scenario has no server users (hint: remove `email_remap`, or lower `idp_only_share` below 1)",
            ],
        );
        let mut v = base();
        v["population"] = json!({"synthetic": {"people": 10}});
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "migrate", "email_remap": {"people": {"ann": "former_user"}}}]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0].email_remap.people.ann: actions that name people need an explicit population",
            ],
        );
    }

    #[test]
    fn sso_emails_and_align_sso_are_read_and_bad_ones_reported_with_their_paths() {
        let mut v = base();
        v["population"]["people"][0]["sso_email"] = json!("ann.lee@acme.com");
        v["population"]["people"][1]["sso_email"] = json!("bob@acme.com");
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "enable_scim"}, {"day": 2, "do": "align_sso"}]);
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        let Population::Explicit(people) = &s.population else { panic!("explicit") };
        assert_eq!(people[0].sso_email.as_deref(), Some("ann.lee@acme.com"));
        assert_eq!(people[1].sso_email.as_deref(), Some("bob@acme.com"), "one's own IdP email is fine");
        assert_eq!(s.strategies[0].actions[1].kind, ActionKind::AlignSso);

        let mut v = base();
        let people = json!([
            {"id": "ann", "idp_email": "ann@acme.com", "sso_email": "BOB@acme.com"},
            {"id": "bob", "idp_email": "bob@acme.com", "sso_email": "ann.lee@acme.com"},
            {"id": "cy", "idp_email": "cy@acme.com", "sso_email": "Ann.Lee@acme.com"},
            {"id": "di", "idp_email": "ann.lee@acme.com"},
            {"id": "ed", "server_email": "ed@acme.com", "sso_email": "ed@acme.com"},
            {"id": "fay", "idp_email": "fay@acme.com", "sso_email": "fay"},
            {"id": "gus", "idp_email": "gus@acme.com", "sso_email": ""},
            {"id": "hal", "idp_email": "hal@acme.com", "sso_email": "hal.upn@acme.com"}
        ]);
        v["population"]["people"] = people;
        v["strategies"][0]["timeline"] = json!([
            {"day": 1, "do": "align_sso"},
            {"day": 2, "do": "align_sso"},
            {"day": 3, "do": "create_account", "email": "hal.upn@acme.com"},
            {"day": 3, "do": "create_account", "email": "ann.lee@acme.com"}
        ]);
        assert_problems(
            &v,
            &[
                "$.population.people[1].idp_email: `bob@acme.com` is the sso_email of `ann`",
                "$.population.people[2].sso_email: `Ann.Lee@acme.com` is also the sso_email of `bob`",
                "$.population.people[3].idp_email: `ann.lee@acme.com` is the sso_email of `bob`",
                "$.population.people[4].sso_email: a person without `idp_email` has no IdP identity",
                "$.population.people[5].sso_email: `fay` is not a valid email",
                "$.population.people[6].sso_email: email is empty",
                "$.strategies[0].timeline[1]: SSO is already aligned with SCIM earlier in this timeline",
                "$.strategies[0].timeline[2].email: `hal.upn@acme.com` is the SSO email of `hal`",
                "$.strategies[0].timeline[3].email: `ann.lee@acme.com` is the IdP email of `di`",
            ],
        );
    }

    #[test]
    fn an_sso_mismatch_share_outside_0_1_is_reported() {
        let mut v = base();
        v["population"] = json!({"synthetic": {"people": 10, "sso_email_mismatch_share": 1.5}});
        assert_problems(
            &v,
            &["$.population.synthetic.sso_email_mismatch_share: a share must be between 0 and 1, found 1.5"],
        );
    }

    #[test]
    fn resume_and_resync_resolve_and_take_their_defaults() {
        let mut v = base();
        v["strategies"][0]["timeline"] = json!([
            {"day": 1, "do": "enable_scim"},
            {"day": 2, "do": "resync"},
            {"day": 2, "do": "resync", "people": ["bob", "ann"]},
            {"day": 3, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 4, "do": "resume_scim"},
            {"day": 5, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 6, "do": "resume_scim", "mode": "restart"},
            {"day": 7, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 8, "do": "disable_scim", "method": "delete_directory"},
            {"day": 9, "do": "enable_scim"}
        ]);
        let s = scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:#?}"));
        let kinds: Vec<&ActionKind> = s.strategies[0].actions.iter().map(|a| &a.kind).collect();
        assert_eq!(kinds[1], &ActionKind::Resync { people: None });
        let (ann, bob) = (crate::ids::PersonId(0), crate::ids::PersonId(1));
        assert_eq!(kinds[2], &ActionKind::Resync { people: Some(vec![bob, ann]) }, "in the file's order");
        assert_eq!(kinds[4], &ActionKind::ResumeScim(ResumeMode::Incremental), "incremental is the default");
        assert_eq!(kinds[6], &ActionKind::ResumeScim(ResumeMode::Restart));
    }

    #[test]
    fn resume_and_enable_follow_the_directory_state() {
        let mut v = base();
        v["strategies"][0]["timeline"] = json!([
            {"day": 0, "do": "resume_scim"},
            {"day": 1, "do": "enable_scim"},
            {"day": 1, "do": "resume_scim"},
            {"day": 2, "do": "enable_scim"},
            {"day": 3, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 3, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 4, "do": "enable_scim"},
            {"day": 5, "do": "disable_scim", "method": "delete_directory"},
            {"day": 6, "do": "resume_scim", "mode": "again"}
        ]);
        // After delete_directory there is nothing to resume (timeline[8]); enable_scim makes a
        // new directory.
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0]: no provisioning directory is stopped in the IdP at this point of the timeline",
                "$.strategies[0].timeline[2]: SCIM is syncing at this point of the timeline: there is nothing to resume",
                "$.strategies[0].timeline[3]: SCIM is already enabled here",
                "$.strategies[0].timeline[5]: SCIM is already stopped in the IdP at this point of the timeline",
                "$.strategies[0].timeline[6]: SCIM was stopped in the IdP earlier; the provisioning directory still exists (hint: use `resume_scim`",
                "$.strategies[0].timeline[8].mode: unknown resume mode `again`",
                "$.strategies[0].timeline[8]: no provisioning directory is stopped in the IdP",
            ],
        );
        let found = problems(&v);
        let enable = found.iter().find(|f| f.contains("timeline[3]")).expect("reported");
        assert!(enable.contains("`resume_scim`"), "the hint names resume_scim: {enable}");
    }

    #[test]
    fn a_resync_needs_a_syncing_directory_and_known_people() {
        let mut v = base();
        v["strategies"][0]["timeline"] = json!([
            {"day": 0, "do": "resync"},
            {"day": 1, "do": "enable_scim"},
            {"day": 1, "do": "resync", "people": ["an", "bob", "bob"]},
            {"day": 1, "do": "resync", "people": []},
            {"day": 2, "do": "disable_scim", "method": "stop_in_idp"},
            {"day": 2, "do": "resync"},
            {"day": 3, "do": "disable_scim", "method": "delete_directory"},
            {"day": 3, "do": "resync"}
        ]);
        assert_problems(
            &v,
            &[
                "$.strategies[0].timeline[0]: no provisioning directory syncs at this point of the timeline, so nothing can be resynced (hint: put an `enable_scim` before it)",
                "$.strategies[0].timeline[2].people[0]: unknown person `an` (hint: did you mean `ann`?",
                "$.strategies[0].timeline[2].people[2]: person `bob` is listed twice",
                "$.strategies[0].timeline[3].people: the list of people is empty",
                "$.strategies[0].timeline[5]: no provisioning directory syncs at this point of the timeline, so nothing can be resynced (hint: the directory is stopped in the IdP",
                "$.strategies[0].timeline[7]: no provisioning directory syncs at this point of the timeline, so nothing can be resynced (hint: the directory was deleted earlier",
            ],
        );
        let mut v = base();
        v["population"] = json!({"synthetic": {"people": 10}});
        v["strategies"][0]["timeline"] =
            json!([{"day": 1, "do": "enable_scim"}, {"day": 2, "do": "resync", "people": ["ann", "bob"]}]);
        assert_problems(
            &v,
            &["$.strategies[0].timeline[1].people[0]: actions that name people need an explicit population"],
        );
    }
}
