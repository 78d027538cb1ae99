//! Migration (R3, R4): a run of a migration assistant imports the server users in its scope
//! (R3) — each onto the account holding their email (found by R1, else created), onto a
//! placeholder for an invalid or duplicated email, or kept out by `block` — and their server
//! groups (R4): blocklisted admin groups never, a same-named local or migrated cloud group
//! gains the users, a SCIM group is skipped (or added to, then overwritten by the next push),
//! any other group is created with its server grants. Later runs migrate only the difference.
//! Before R3 looks at a user, R18 gives them the email they are migrated with: the server
//! email, or a remapped one from the assistant's users CSV (explicit entries, or the IdP email
//! for a share of the mismatched users); duplicates are found over those emails.

use crate::input::scenario::{
    DuplicateEmails, EmailRemap, GroupsMode, InvalidEmails, MigrateIntoScimGroup, MigrateOptions, RemapTo,
    UsersScope,
};
use crate::metrics::Cause;
use crate::sim::emails::EmailId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, GroupSource, Origin, World};
use crate::sim::{AccountId, GroupId, PersonId};
use rustc_hash::FxHashMap;

/// Server groups the migration assistants never migrate (their users still are).
pub const BLOCKLISTED_GROUPS: [&str; 5] =
    ["site-admins", "system-administrators", "atlassian-addons", "atlassian-addons-admin", "org-admins"];

/// True when a group name is on the admin blocklist (compared case-insensitively).
pub fn is_blocklisted(name: &str) -> bool {
    BLOCKLISTED_GROUPS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// Domain of placeholder emails: not a domain any scenario can list or verify.
pub const PLACEHOLDER_DOMAIN: &str = "placeholder.scimsim.invalid";

/// How one server user is migrated.
enum Plan {
    /// Kept out by a `block` option.
    Blocked,
    /// Onto the account holding `email` (found or created, owned by `owner` when created).
    Email { email: EmailId, owner: PersonId },
    /// Onto a new placeholder account; `active: false` is a Former user.
    Placeholder { active: bool },
}

/// The email a server user goes through R3 with (R18).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MigrationEmail {
    /// Their server email.
    Server(EmailId),
    /// A remapped email: an explicit entry, or their IdP email.
    Remapped(EmailId),
    /// An explicit entry makes them a Former user (Tombstone = TRUE).
    FormerUser,
}

impl MigrationEmail {
    fn email(self) -> Option<EmailId> {
        match self {
            MigrationEmail::Server(e) | MigrationEmail::Remapped(e) => Some(e),
            MigrationEmail::FormerUser => None,
        }
    }
}

impl<O: Observer> World<'_, O> {
    /// R3 + R4 (+ R18): one run of a migration assistant.
    pub(crate) fn migrate(&mut self, options: &MigrateOptions) {
        let emails = self.migration_emails(&options.email_remap);
        // JCMA's duplicate check: every server user (distinct by username), grouped by the
        // email they are migrated with: the first holder (in file order) and how many share it.
        let mut holders: FxHashMap<EmailId, (PersonId, u32)> = FxHashMap::default();
        for (i, migration) in emails.iter().enumerate() {
            if let Some(email) = migration.and_then(MigrationEmail::email) {
                if self.emails().is_valid(email) {
                    holders.entry(email).or_insert((PersonId::from_index(i), 0)).1 += 1;
                }
            }
        }
        for (p, migration) in emails.iter().enumerate().map(|(i, m)| (PersonId::from_index(i), *m)) {
            let Some(migration) = migration else { continue };
            let person = self.person(p);
            let Some(server) = &person.server else { continue };
            if person.migrated {
                continue; // later runs migrate only the difference (keyed by username)
            }
            if options.users == UsersScope::Referenced
                && !(server.owns_content && self.referenced_draw(p) < options.share)
            {
                continue;
            }
            let plan = match migration.email() {
                None => Plan::Placeholder { active: false },
                Some(email) if !self.emails().is_valid(email) => match options.invalid_emails {
                    InvalidEmails::Block => Plan::Blocked,
                    InvalidEmails::FormerUser => Plan::Placeholder { active: false },
                    InvalidEmails::NewEmail => Plan::Placeholder { active: true },
                },
                Some(email) => {
                    let (first, sharing) = holders.get(&email).copied().unwrap_or((p, 1));
                    if sharing < 2 {
                        Plan::Email { email, owner: p }
                    } else {
                        match options.duplicate_emails {
                            DuplicateEmails::Block => Plan::Blocked,
                            DuplicateEmails::Merge => Plan::Email { email, owner: first },
                            DuplicateEmails::NewEmail if p == first => Plan::Email { email, owner: p },
                            DuplicateEmails::NewEmail => Plan::Placeholder { active: true },
                        }
                    }
                }
            };
            // Migrated with a remapped email: onto the account of that email, not a placeholder.
            let remapped =
                matches!(migration, MigrationEmail::Remapped(_)) && matches!(plan, Plan::Email { .. });
            self.migrate_user(p, plan, options.groups, remapped);
        }
    }

    /// R18: the email every server user would be migrated with, person by person (`None`: no
    /// server user). Explicit entries apply first, always; then, with `to: idp_email`, a server
    /// user whose person's IdP email differs from the server email (R1) is remapped to it when
    /// their own `remap` uniform is below the coverage. The server directory keeps its email.
    fn migration_emails(&mut self, remap: &EmailRemap) -> Vec<Option<MigrationEmail>> {
        let mut out: Vec<Option<MigrationEmail>> = self
            .people()
            .iter()
            .map(|person| person.server.as_ref().map(|s| MigrationEmail::Server(s.email)))
            .collect();
        if let Some(coverage) = remap.to_idp_coverage {
            self.set_rule(Rule::R18);
            for (i, slot) in out.iter_mut().enumerate() {
                let Some(MigrationEmail::Server(server)) = *slot else { continue };
                let p = PersonId::from_index(i);
                let Some(idp) = self.person(p).idp.as_ref().map(|idp| idp.email) else { continue };
                if idp != server && self.remap_draw(p) < coverage {
                    *slot = Some(MigrationEmail::Remapped(idp));
                }
            }
        }
        for (p, to) in &remap.people {
            let Some(slot) = out.get_mut(p.index()).filter(|s| s.is_some()) else { continue };
            *slot = Some(match to {
                RemapTo::Email(text) => MigrationEmail::Remapped(self.intern_email(text)),
                RemapTo::FormerUser => MigrationEmail::FormerUser,
            });
        }
        out
    }

    fn migrate_user(&mut self, p: PersonId, plan: Plan, groups_mode: GroupsMode, remapped: bool) {
        self.set_rule(Rule::R3);
        let a = match plan {
            Plan::Blocked => {
                self.mark_blocked(p);
                None
            }
            Plan::Email { email, owner } => Some(match self.account_by_email(email) {
                Some(a) => a,
                None => self.create_account(email, true, Origin::Migration, owner),
            }),
            Plan::Placeholder { active } => {
                let email = loop {
                    let n = self.next_placeholder_number();
                    let email = self.intern_email(&format!("migrated-user-{n}@{PLACEHOLDER_DOMAIN}"));
                    if self.account_by_email(email).is_none() {
                        break email;
                    }
                };
                let a = self.create_account(email, active, Origin::Placeholder, p);
                if !active {
                    // A Former user: content kept on a deactivated placeholder, no groups.
                    self.mark_former_user(p);
                }
                Some(a)
            }
        };
        if let Some(a) = a {
            self.migrated_onto(p, a);
            if remapped {
                self.mark_remapped(p);
            }
        }
        if groups_mode == GroupsMode::None {
            return;
        }
        let person = self.person(p);
        let server = person.server.as_ref().expect("only server users are migrated");
        let (active_on_server, groups) = (server.active, server.groups.clone());
        // Disabled server users become active accounts with no product access; a Former user
        // is in no group.
        let member = a.filter(|_| active_on_server && !person.former_user);
        self.set_rule(Rule::R4);
        for g in groups {
            if is_blocklisted(&self.scenario().groups[g.index()].name) {
                continue;
            }
            // Every group of an in-scope server user is migrated, a blocked user's too.
            self.ensure_migrated_group(g);
            if let Some(a) = member {
                self.add_migrated_member(g, a);
            }
        }
    }

    /// R4: creates the group with its server grants unless a same-named cloud group exists.
    fn ensure_migrated_group(&mut self, g: GroupId) {
        if self.cloud_group(g).is_none() {
            let spec = &self.scenario().groups[g.index()];
            self.create_cloud_group(g, GroupSource::Migrated, spec.grants, spec.default_access);
        }
    }

    /// R4: adds a migrated user's account to a cloud group, respecting SCIM-managed groups.
    fn add_migrated_member(&mut self, g: GroupId, a: AccountId) {
        let Some(group) = self.cloud_group(g) else { return };
        if group.source != GroupSource::Scim {
            self.add_member(g, a, Cause::Other);
            return;
        }
        // With provisioning stopped in the IdP, SCIM groups stay read-only: R4 skips (R12).
        let add = self.scenario().assumptions.migrate_into_scim_group == MigrateIntoScimGroup::Add
            && self.directory() == DirectoryState::Active;
        // A deactivated account is never in a SCIM group.
        if add && self.account(a).active && !group.members.contains(&a) {
            self.add_foreign_member(g, a, Cause::Other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricId;
    use crate::sim::testing::{run_and_look, run_looking, scenario};
    use serde_json::{Value, json};

    /// Everyone's server email is on legacy.com, their IdP email on acme.com (both verified,
    /// auto-claimed); dee's IdP email is her server email, eve has no IdP identity.
    fn remap_file(remap: Value) -> Value {
        json!({
            "name": "r18", "horizon_days": 2, "products": ["jira"],
            "domains": [{"name": "acme.com"}, {"name": "legacy.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"]}, {"name": "site-admins", "grants": []}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@legacy.com", "server_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "server_email": "bob@legacy.com"},
                {"id": "cy", "idp_email": "cy@acme.com", "server_email": "cy@legacy.com"},
                {"id": "dee", "idp_email": "dee@legacy.com", "server_email": "dee@legacy.com"},
                {"id": "eve", "server_email": "eve@legacy.com", "server_groups": ["site-admins"]}
            ]},
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "verify_domain", "domain": "legacy.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "migrate", "invalid_emails": "block", "duplicate_emails": "block", "email_remap": remap}
            ]}]
        })
    }

    /// The email of the account holding each person's migrated content, person by person.
    fn migrated_emails(file: &Value) -> (crate::metrics::Outcome, Vec<Option<String>>) {
        run_and_look(&scenario(file), 0, |w| {
            w.people()
                .iter()
                .map(|p| p.content_account.map(|a| w.emails().text(w.account(a).email).to_string()))
                .collect()
        })
    }

    #[test]
    fn a_full_remap_migrates_every_mismatched_user_with_the_idp_email() {
        let file = remap_file(json!({"to": "idp_email"}));
        let (_, emails) = migrated_emails(&file);
        let expected = ["ann@acme.com", "bob@acme.com", "cy@acme.com", "dee@legacy.com", "eve@legacy.com"];
        assert_eq!(emails, expected.map(|e| Some(e.to_string())));
        let (_, remapped) =
            run_and_look(&scenario(&file), 0, |w| w.people().iter().map(|p| p.remapped).collect::<Vec<_>>());
        assert_eq!(remapped, [true, true, true, false, false], "dee matches already, eve has no IdP email");
    }

    #[test]
    fn explicit_entries_apply_first_and_duplicates_are_found_over_the_remapped_emails() {
        // bob is remapped onto cy's IdP email, which cy is remapped to as well: both blocked.
        // ann becomes a Former user; the server keeps its emails.
        let remap = json!({"to": "idp_email", "people": {"ann": "former_user", "bob": "cy@acme.com"}});
        let (outcome, (emails, servers)) = run_and_look(&scenario(&remap_file(remap)), 0, |w| {
            let emails: Vec<Option<String>> = w
                .people()
                .iter()
                .map(|p| p.content_account.map(|a| w.emails().text(w.account(a).email).to_string()))
                .collect();
            let servers: Vec<String> = w
                .people()
                .iter()
                .map(|p| w.emails().text(p.server.as_ref().expect("server user").email).to_string())
                .collect();
            (emails, servers)
        });
        assert!(emails[0].as_deref().is_some_and(|e| e.ends_with(PLACEHOLDER_DOMAIN)), "{emails:?}");
        assert_eq!(emails[1], None, "bob is blocked");
        assert_eq!(emails[2], None, "cy is blocked");
        assert_eq!(outcome.get(MetricId::FORMER_USERS), 1.0);
        assert_eq!(outcome.get(MetricId::BLOCKED_USERS), 2.0);
        assert_eq!(servers[0], "ann@legacy.com", "the server directory keeps its own email");
    }

    #[test]
    fn blocked_users_groups_are_migrated_too() {
        // ann's server email is taken by bob's too (duplicate, blocked): jira-users is still
        // created, with nobody in it; the blocklisted site-admins never is.
        let mut file = remap_file(json!({}));
        file["population"]["people"][1]["server_email"] = json!("ann@legacy.com");
        let (outcome, groups) = run_and_look(&scenario(&file), 0, |w| {
            (0..2).map(|g| w.cloud_group(crate::sim::GroupId(g)).map(|c| c.members.len())).collect::<Vec<_>>()
        });
        assert_eq!(groups, vec![Some(0), None]);
        assert_eq!(outcome.get(MetricId::BLOCKED_USERS), 2.0);
    }

    /// `remapped_users` counts users migrated onto the account of their remapped email: not
    /// one a `block` kept out, nor one a `new_email` placeholder took instead (ann is remapped
    /// onto bob's email; bob, first in file order, keeps it).
    #[test]
    fn remapped_users_are_those_migrated_with_the_remapped_email() {
        let strategy = |duplicates: &str| {
            json!({"name": duplicates, "timeline": [
                {"day": 1, "do": "migrate", "duplicate_emails": duplicates, "email_remap": {"people": {"ann": "bob@acme.com"}}}
            ]})
        };
        let file = json!({
            "name": "remapped", "horizon_days": 2, "products": ["jira"], "domains": [{"name": "acme.com"}],
            "population": {"people": [
                {"id": "bob", "idp_email": "bob@acme.com", "server_email": "bob@acme.com"},
                {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@legacy.com"}
            ]},
            "strategies": [strategy("new_email"), strategy("block"), strategy("merge")]
        });
        let s = scenario(&file);
        let remapped: Vec<f64> =
            (0..3).map(|k| run_and_look(&s, k, |_| ()).0.get(MetricId::REMAPPED_USERS)).collect();
        assert_eq!(remapped, [0.0, 0.0, 1.0]);
    }

    /// Raising the remap coverage never un-remaps anyone: the people remapped at 0.8 are a
    /// subset of those at 0.9 (each person's own uniform), in every replication.
    #[test]
    fn a_higher_remap_coverage_reaches_a_superset() {
        let strategy = |name: &str, coverage: f64| {
            json!({"name": name, "timeline": [
                {"day": 1, "do": "migrate", "email_remap": {"to": "idp_email", "coverage": coverage}}
            ]})
        };
        let scenario = scenario(&json!({
            "name": "coupling", "replications": 4, "horizon_days": 2, "products": ["jira"],
            "domains": [{"name": "acme.com", "share": 1}],
            "population": {"synthetic": {"people": 2000, "initial_email_mismatch_share": 0.5}},
            "strategies": [strategy("low", 0.8), strategy("high", 0.9)]
        }));
        for r in 0..scenario.replications {
            let realised =
                crate::sim::population::realise(&scenario, crate::rng::Streams::new(scenario.seed, r));
            let remapped: Vec<Vec<bool>> = (0..2)
                .map(|s| {
                    let mut out = Vec::new();
                    crate::sim::simulate_with(&scenario, s, realised.input(), |w| {
                        out = w.people().iter().map(|p| p.remapped).collect();
                    });
                    out
                })
                .collect();
            let (low, high) = (&remapped[0], &remapped[1]);
            assert!(
                low.iter().zip(high).all(|(l, h)| !l || *h),
                "replication {r}: 0.8 remapped someone 0.9 did not"
            );
            let n = |v: &Vec<bool>| v.iter().filter(|x| **x).count();
            assert!(n(low) > 600 && n(low) < n(high), "replication {r}: {} vs {}", n(low), n(high));
        }
    }

    #[test]
    fn blocklist_is_case_insensitive() {
        assert!(is_blocklisted("site-admins"));
        assert!(is_blocklisted("System-Administrators"));
        assert!(!is_blocklisted("jira-users"));
    }

    /// The migration finds duplicate server emails over every server user, not only those in the
    /// run's scope: with `users: referenced`, a content owner whose email a non-owner (out of
    /// scope) shares is still a duplicate.
    #[test]
    fn duplicate_emails_are_found_over_all_server_users() {
        let strategy = |name: &str, users: &str, duplicates: &str| {
            json!({"name": name, "timeline": [
                {"day": 1, "do": "migrate", "users": users, "share": 1, "duplicate_emails": duplicates}
            ]})
        };
        let v = json!({
            "name": "duplicates", "replications": 1, "horizon_days": 2, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "population": {"people": [
                {"id": "ann", "server_email": "shared@acme.com", "owns_content": false},
                {"id": "bob", "server_email": "shared@acme.com"},
                {"id": "cy", "server_email": "cy@acme.com"}
            ]},
            "strategies": [
                strategy("referenced-block", "referenced", "block"),
                strategy("referenced-new-email", "referenced", "new_email")
            ]
        });
        let (block, accounts) = run_looking(&v, 0, &[2.0], |w| Some(w.accounts().len()));
        // bob (in scope) shares his email with ann (out of scope): blocked; cy is migrated.
        assert_eq!(block.get(MetricId::BLOCKED_USERS), 1.0);
        assert_eq!(accounts, [Some(1)]);
        // With `new_email`, ann (first in file order) keeps the email, so bob gets a placeholder.
        let (_, origins) =
            run_looking(&v, 1, &[2.0], |w| Some(w.accounts().iter().map(|a| a.origin).collect::<Vec<_>>()));
        assert_eq!(origins, [Some(vec![crate::sim::Origin::Placeholder, crate::sim::Origin::Migration])]);
    }
}
