//! SCIM groups (R10, R11): what a push of one IdP group does in Atlassian.
//!
//! - **R10 group push and conflicts**: a pushed group with no same-named cloud group becomes a
//!   read-only SCIM group of its members' linked accounts, with the scenario's grants for that
//!   name; a same-named local or migrated group is a conflict — `accept` takes it over (its
//!   grants stay, its members are replaced), `reject` (and any default-access group) keeps it
//!   local and fails that push and every later one. Membership changes flow at each sync.
//! - **R11 group deletion**: a group deleted in the IdP (or out of scope) deletes the cloud group
//!   at the next push; a SCIM group re-created with that name gets no grants.

use crate::input::scenario::ConflictPolicy;
use crate::metrics::Cause;
use crate::sim::observe::{Observer, PushFailure, Pushed, Rule};
use crate::sim::world::{GroupSource, World};
use crate::sim::{AccountId, GroupId, PersonId};
use rustc_hash::FxHashMap;

impl<O: Observer> World<'_, O> {
    /// Pushes one group in its current state (R10, R11).
    pub(super) fn push_group(&mut self, g: GroupId) {
        self.set_rule(Rule::R10);
        if !self.idp_group(g).exists {
            self.push_group_deletion(g);
            return;
        }
        let Some(source) = self.cloud_group(g).map(|c| c.source) else {
            let grants = if self.idp_group(g).grants_lost {
                Default::default()
            } else {
                self.scenario().groups[g.index()].grants
            };
            self.create_cloud_group(g, GroupSource::Scim, grants, false);
            self.replace_members(g, Cause::Other);
            return;
        };
        match source {
            GroupSource::Scim => self.reconcile_members(g),
            GroupSource::Local | GroupSource::Migrated => {
                if self.idp_group(g).rejected {
                    self.count_push_failure(Pushed::Group(g), PushFailure::RejectedGroup);
                    self.clear_dirty(g);
                    return;
                }
                self.count_group_conflict();
                let default_access = self.cloud_group(g).is_some_and(|c| c.default_access);
                if default_access || self.strategy().group_conflicts == ConflictPolicy::Reject {
                    self.reject_group(g);
                    let reason = if default_access {
                        PushFailure::DefaultAccessGroup
                    } else {
                        PushFailure::ConflictRejected
                    };
                    self.count_push_failure(Pushed::Group(g), reason);
                    self.clear_dirty(g);
                    return;
                }
                self.take_over_group(g);
                self.replace_members(g, Cause::ConflictAccepted);
            }
        }
    }

    /// R11: a group deleted (or out of scope) in the IdP deletes its SCIM group, whose grants
    /// are gone for good; a rejected group's deletion fails like its every push (R10).
    fn push_group_deletion(&mut self, g: GroupId) {
        self.set_rule(Rule::R11);
        self.clear_dirty(g);
        if self.idp_group(g).rejected {
            // Every push of a rejected group fails, its deletion too (R10).
            self.count_push_failure(Pushed::Group(g), PushFailure::RejectedGroup);
            return;
        }
        if self.cloud_group(g).is_some_and(|c| c.source == GroupSource::Scim) {
            self.delete_cloud_group(g, Cause::GroupDeleted);
            self.mark_grants_lost(g);
        }
    }

    /// The account a group push places for `p`: the linked account of their current record,
    /// when that record is active.
    pub(super) fn scim_account(&self, p: PersonId) -> Option<AccountId> {
        let idp = self.person(p).idp.as_ref().filter(|i| i.in_scope)?;
        let record = self.record(idp.record?);
        let a = record.linked.filter(|_| record.active)?;
        self.account(a).active.then_some(a)
    }

    /// Replaces the whole member list with the placed accounts of the IdP members.
    fn replace_members(&mut self, g: GroupId, cause: Cause) {
        // Walk the members in person order: people, records and accounts are laid out in
        // roughly that order, so a large group is read sequentially rather than at random.
        let mut members: Vec<PersonId> = self.idp_group(g).members.iter().copied().collect();
        members.sort_unstable();
        let mut placed = FxHashMap::default();
        placed.reserve(members.len());
        for p in members {
            if let Some(a) = self.scim_account(p) {
                placed.insert(p, a);
            }
        }
        let mut wanted: Vec<AccountId> = placed.values().copied().collect();
        wanted.sort_unstable();
        let mut current: Vec<AccountId> =
            self.cloud_group(g).map(|c| c.members.iter().copied().collect()).unwrap_or_default();
        current.sort_unstable();
        for a in current {
            if wanted.binary_search(&a).is_err() {
                self.remove_member(g, a, cause);
            }
        }
        for &a in &wanted {
            self.add_member(g, a, cause);
        }
        self.set_placements(g, placed);
        self.clear_dirty(g);
    }

    /// Brings a SCIM group up to date for the members that changed since its last push.
    fn reconcile_members(&mut self, g: GroupId) {
        for p in self.take_dirty(g) {
            let wanted = if self.idp_group(g).members.contains(&p) { self.scim_account(p) } else { None };
            let old = self.cloud_group(g).and_then(|c| c.placed.get(&p).copied());
            if old != wanted {
                if let Some(o) = old {
                    if !self.is_wanted(g, o) {
                        self.remove_member(g, o, Cause::Other);
                    }
                }
            }
            self.set_placement(g, p, wanted);
            if let Some(a) = wanted {
                self.add_member(g, a, Cause::Other);
            }
        }
        for a in self.take_foreign_members(g) {
            if !self.is_wanted(g, a) {
                self.remove_member(g, a, Cause::ScimGroupOverwritten);
            }
        }
    }

    /// True when `a` is the placed account of some current member of the IdP group.
    fn is_wanted(&self, g: GroupId, a: AccountId) -> bool {
        let Some(r) = self.account(a).linked_record else { return false };
        let p = self.record(r).person;
        self.idp_group(g).members.contains(&p) && self.scim_account(p) == Some(a)
    }
}
