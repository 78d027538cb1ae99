//! Migration (R3, R4): a run of a migration assistant imports the server users in its scope
//! (R3) — each onto the account holding their email (found by R1, else created), onto a
//! placeholder for an invalid or duplicated email, or kept out by `block` — and their server
//! groups (R4): blocklisted admin groups never, a same-named local or migrated cloud group
//! gains the users, a SCIM group is skipped (or added to, then overwritten by the next push),
//! any other group is created with its server grants. Later runs migrate only the difference.

use crate::input::scenario::{
    DuplicateEmails, GroupsMode, InvalidEmails, MigrateIntoScimGroup, MigrateOptions, UsersScope,
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

impl<O: Observer> World<'_, O> {
    /// R3 + R4: one run of a migration assistant.
    pub(crate) fn migrate(&mut self, options: MigrateOptions) {
        // JCMA's duplicate check: all server users, distinct by username, grouped by email:
        // the first holder (in file order) and how many share it.
        let mut holders: FxHashMap<EmailId, (PersonId, u32)> = FxHashMap::default();
        for (i, person) in self.people().iter().enumerate() {
            if let Some(server) = &person.server {
                if self.emails().is_valid(server.email) {
                    holders.entry(server.email).or_insert((PersonId::from_index(i), 0)).1 += 1;
                }
            }
        }
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            let Some(server) = &person.server else { continue };
            if person.migrated {
                continue; // later runs migrate only the difference (keyed by username)
            }
            let (email, owns_content) = (server.email, server.owns_content);
            if options.users == UsersScope::Referenced
                && !(owns_content && self.referenced_draw(p) < options.share)
            {
                continue;
            }
            let plan = if !self.emails().is_valid(email) {
                match options.invalid_emails {
                    InvalidEmails::Block => Plan::Blocked,
                    InvalidEmails::FormerUser => Plan::Placeholder { active: false },
                    InvalidEmails::NewEmail => Plan::Placeholder { active: true },
                }
            } else {
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
            };
            self.migrate_user(p, plan, options);
        }
    }

    fn migrate_user(&mut self, p: PersonId, plan: Plan, options: MigrateOptions) {
        self.set_rule(Rule::R3);
        let a = match plan {
            Plan::Blocked => {
                self.mark_blocked(p);
                return;
            }
            Plan::Email { email, owner } => match self.account_by_email(email) {
                Some(a) => a,
                None => self.create_account(email, true, Origin::Migration, owner),
            },
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
                a
            }
        };
        self.migrated_onto(p, a);
        let person = self.person(p);
        let server = person.server.as_ref().expect("only server users are migrated");
        let (active_on_server, groups) = (server.active, server.groups.clone());
        if options.groups == GroupsMode::None || person.former_user {
            return;
        }
        self.set_rule(Rule::R4);
        for g in groups {
            if is_blocklisted(&self.scenario().groups[g.index()].name) {
                continue;
            }
            self.ensure_migrated_group(g);
            // Disabled server users become active accounts with no product access.
            if active_on_server {
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

    #[test]
    fn blocklist_is_case_insensitive() {
        assert!(is_blocklisted("site-admins"));
        assert!(is_blocklisted("System-Administrators"));
        assert!(!is_blocklisted("jira-users"));
    }
}
