//! SCIM provisioning: enabling (R5), user create/link (R6), email changes (R7), re-keys
//! (R8), deprovisioning (R9), group pushes and conflicts (R10), group deletion (R11) and
//! disabling (R12).
//!
//! A sync pushes only what changed since the last one: users first, in the order they first
//! changed, then groups. A group push keeps the cloud group equal to the linked accounts of
//! the IdP group's current members, but reconciles only the members whose placement may have
//! changed (`IdpGroup::dirty`) and the accounts a migration slipped in (`CloudGroup::foreign`),
//! so its cost is proportional to the changes, not to the group's size.

use super::emails::EmailId;
use super::world::{CloudGroup, DirectoryState, GroupSource, Origin, Record, World};
use super::{AccountId, GroupId, PersonId, RecordId};
use crate::input::scenario::{ConflictPolicy, DisableMethod};
use crate::metrics::Cause;
use crate::sim::event::Event;
use rustc_hash::FxHashMap;

/// What R6 decides for an email.
enum LinkTarget {
    /// Link this account.
    Link(AccountId),
    /// Create a managed account and link it.
    Create,
    /// No account and no verified+claimed domain: stay unlinked.
    Unlinked,
    /// The push fails (account linked elsewhere, or deactivated by someone else).
    Fail,
}

impl World<'_> {
    /// R5: creates the provisioning directory and runs the first full sync.
    pub fn enable_scim(&mut self) {
        self.directory = DirectoryState::Active;
        self.generation += 1;
        self.records.clear();
        self.pending_users.clear();
        self.pending_groups.clear();
        for p in 0..self.people.len() {
            if let Some(idp) = self.people[p].idp.as_mut() {
                idp.record = None;
                idp.pending = false;
            }
        }
        for g in &mut self.idp_groups {
            g.pending = false;
            g.rejected = false;
            g.dirty.clear();
        }
        for p in 0..self.people.len() {
            let p = PersonId::from_index(p);
            if self.people[p.index()].employed && self.in_idp_scope(p) {
                self.push_user(p);
                self.settle();
            }
        }
        for g in 0..self.idp_groups.len() {
            if self.scenario.groups[g].synced_from_idp {
                self.push_group(GroupId::from_index(g));
                self.settle();
            }
        }
        let next = self.now + self.scenario.idp.sync_interval;
        self.schedule(next, Event::SyncTick { generation: self.generation });
    }

    /// A periodic sync: pushes what changed, then schedules the next one.
    pub fn sync_tick(&mut self, generation: u32) {
        if self.directory != DirectoryState::Active || generation != self.generation {
            return;
        }
        let users = std::mem::take(&mut self.pending_users);
        for p in users {
            if let Some(idp) = self.people[p.index()].idp.as_mut() {
                idp.pending = false;
            }
            self.push_user(p);
            self.settle();
        }
        let groups = std::mem::take(&mut self.pending_groups);
        for g in groups {
            self.idp_groups[g.index()].pending = false;
            self.push_group(g);
            self.settle();
        }
        let next = self.now + self.scenario.idp.sync_interval;
        self.schedule(next, Event::SyncTick { generation });
    }

    /// Queues a user push for the next sync (only while the directory syncs).
    pub fn queue_user(&mut self, p: PersonId) {
        if self.directory != DirectoryState::Active || !self.in_idp_scope(p) {
            return;
        }
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            if !idp.pending {
                idp.pending = true;
                self.pending_users.push(p);
            }
        }
    }

    /// Queues a group push for the next sync (only synced groups, only while syncing).
    pub fn queue_group(&mut self, g: GroupId) {
        if self.directory != DirectoryState::Active || !self.scenario.groups[g.index()].synced_from_idp {
            return;
        }
        let group = &mut self.idp_groups[g.index()];
        if !group.pending {
            group.pending = true;
            self.pending_groups.push(g);
        }
    }

    /// Notes that `p`'s SCIM placement may have changed in every group they belong to.
    pub fn mark_dirty(&mut self, p: PersonId) {
        if self.directory != DirectoryState::Active {
            return;
        }
        let n = self.people[p.index()].idp.as_ref().map_or(0, |i| i.groups.len());
        for k in 0..n {
            if let Some(g) = self.people[p.index()].idp.as_ref().map(|i| i.groups[k]) {
                self.mark_dirty_in(g, p);
            }
        }
    }

    /// Notes that `p`'s placement in group `g` may have changed. Only a live SCIM group
    /// reconciles members one by one; any other group is rebuilt whole when SCIM takes it.
    pub fn mark_dirty_in(&mut self, g: GroupId, p: PersonId) {
        if self.directory == DirectoryState::Active
            && self.cloud[g.index()].as_ref().is_some_and(|c| c.source == GroupSource::Scim)
        {
            self.idp_groups[g.index()].dirty.insert(p);
        }
    }

    /// The account a group push places for `p`: the linked account of their current record,
    /// when that record is active.
    pub fn scim_account(&self, p: PersonId) -> Option<AccountId> {
        let person = &self.people[p.index()];
        let idp = person.idp.as_ref().filter(|i| i.in_scope)?;
        let record = &self.records[idp.record?.index()];
        let a = record.linked.filter(|_| record.active)?;
        self.accounts[a.index()].active.then_some(a)
    }

    // ------------------------------------------------------------------ users

    /// Pushes one user in its current state (R6, R7, R9).
    fn push_user(&mut self, p: PersonId) {
        let Some(idp) = self.people[p.index()].idp.as_ref() else { return };
        if !idp.in_scope {
            return;
        }
        let employed = self.people[p.index()].employed;
        match idp.record {
            None if employed => self.create_record(p),
            None => {}
            Some(r) => self.update_record(p, r),
        }
    }

    /// R6 for an email: which account to link.
    fn link_target(&self, email: EmailId, record: Option<RecordId>) -> LinkTarget {
        match self.account_by_email(email) {
            Some(a) => {
                let account = &self.accounts[a.index()];
                if account.linked_record.is_some_and(|r| Some(r) != record) {
                    return LinkTarget::Fail;
                }
                let deactivated_by_this =
                    record.is_some_and(|r| self.records[r.index()].deactivated == Some(a));
                if !account.active && !deactivated_by_this {
                    return LinkTarget::Fail;
                }
                LinkTarget::Link(a)
            }
            None if self.verified_claimed(email) => LinkTarget::Create,
            None => LinkTarget::Unlinked,
        }
    }

    /// Links `r` to `a`, reactivating `a` when `r` had deactivated it.
    fn link(&mut self, r: RecordId, a: AccountId) {
        self.records[r.index()].linked = Some(a);
        self.accounts[a.index()].linked_record = Some(r);
        if !self.accounts[a.index()].active {
            self.set_active(a, true, Cause::Other);
        }
        let p = self.records[r.index()].person;
        self.mark_dirty(p);
    }

    /// Tries to link an unlinked record per R6; counts a failure in `scim_errors`.
    fn try_link(&mut self, r: RecordId) {
        let email = self.records[r.index()].email;
        match self.link_target(email, Some(r)) {
            LinkTarget::Link(a) => self.link(r, a),
            LinkTarget::Create => {
                let owner = self.records[r.index()].person;
                let a = self.create_account(email, true, Origin::Scim, owner);
                self.accounts[a.index()].managed = true;
                self.link(r, a);
            }
            LinkTarget::Unlinked => {}
            LinkTarget::Fail => self.counters.scim_errors += 1,
        }
    }

    /// R6: the first push of an IdP object creates its record.
    fn create_record(&mut self, p: PersonId) {
        let (object, email) = {
            let idp = self.people[p.index()].idp.as_ref().expect("caller checked the IdP identity");
            (idp.object, idp.email)
        };
        if matches!(self.link_target(email, None), LinkTarget::Fail) {
            // R8 / deactivated account: the create fails and no record is made.
            self.counters.scim_errors += 1;
            return;
        }
        let r = RecordId::from_index(self.records.len());
        self.records.push(Record { object, person: p, email, active: true, linked: None, deactivated: None });
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            idp.record = Some(r);
        }
        self.try_link(r);
        self.mark_dirty(p);
    }

    /// R7 and R9: a later push of an object that has a record.
    fn update_record(&mut self, p: PersonId, r: RecordId) {
        let employed = self.people[p.index()].employed;
        if !employed && !self.records[r.index()].active {
            // A deprovisioned user: every operation on it is refused (404) until it is active
            // again, so nothing changes — in particular its account is not re-linked.
            return;
        }
        let Some(new_email) = self.people[p.index()].idp.as_ref().map(|i| i.email) else { return };
        if self.records[r.index()].email != new_email {
            match self.records[r.index()].linked {
                Some(a) if self.accounts[a.index()].managed && self.verified_claimed(new_email) => {
                    match self.account_by_email(new_email) {
                        Some(b) if b != a => {
                            // The target email is taken: the push fails, nothing changes.
                            self.counters.scim_errors += 1;
                            return;
                        }
                        _ => {
                            self.change_account_email(a, new_email);
                            self.records[r.index()].email = new_email;
                        }
                    }
                }
                Some(a) => {
                    // Unmanaged account or unverified target: unlink, leave SCIM groups, re-link.
                    self.records[r.index()].linked = None;
                    self.accounts[a.index()].linked_record = None;
                    self.remove_from_scim_groups(a, Cause::EmailUpdateUnlinked);
                    self.records[r.index()].email = new_email;
                    self.mark_dirty(p);
                    self.try_link(r);
                }
                None => {
                    self.records[r.index()].email = new_email;
                    self.try_link(r);
                }
            }
        } else if self.records[r.index()].linked.is_none() {
            // "links when an account with e appears (at the next push touching it)"
            self.try_link(r);
        }
        let record = &self.records[r.index()];
        if !employed && record.active {
            self.records[r.index()].active = false;
            if let Some(a) = self.records[r.index()].linked {
                if self.accounts[a.index()].managed {
                    self.records[r.index()].deactivated = Some(a);
                    self.set_active(a, false, Cause::DeprovisionedInUse);
                } else {
                    self.remove_from_scim_groups(a, Cause::DeprovisionedInUse);
                }
            }
            self.mark_dirty(p);
        } else if employed && !record.active {
            self.records[r.index()].active = true;
            if let Some(a) = self.records[r.index()].linked {
                if self.records[r.index()].deactivated == Some(a) {
                    self.set_active(a, true, Cause::Other);
                }
            }
            self.mark_dirty(p);
        }
    }

    // ----------------------------------------------------------------- groups

    /// Pushes one group in its current state (R10, R11).
    fn push_group(&mut self, g: GroupId) {
        let gi = g.index();
        if !self.idp_groups[gi].exists {
            self.idp_groups[gi].dirty.clear();
            if self.idp_groups[gi].rejected {
                // Every push of a rejected group fails, its deletion too (R10).
                self.counters.scim_errors += 1;
                return;
            }
            // R11: deleted (or out of scope) in the IdP → the SCIM group is deleted.
            if self.cloud[gi].as_ref().is_some_and(|c| c.source == GroupSource::Scim) {
                self.delete_cloud_group(g, Cause::GroupDeleted);
                self.idp_groups[gi].grants_lost = true;
            }
            return;
        }
        let Some(source) = self.cloud[gi].as_ref().map(|c| c.source) else {
            let spec = &self.scenario.groups[gi];
            let grants = if self.idp_groups[gi].grants_lost { Default::default() } else { spec.grants };
            self.cloud[gi] = Some(CloudGroup::new(GroupSource::Scim, grants, false));
            self.replace_members(g, Cause::Other);
            return;
        };
        match source {
            GroupSource::Scim => self.reconcile_members(g),
            GroupSource::Local | GroupSource::Migrated => {
                if self.idp_groups[gi].rejected {
                    self.counters.scim_errors += 1;
                    self.idp_groups[gi].dirty.clear();
                    return;
                }
                self.counters.group_conflicts += 1;
                let default_access = self.cloud[gi].as_ref().is_some_and(|c| c.default_access);
                if default_access || self.strategy.group_conflicts == ConflictPolicy::Reject {
                    self.idp_groups[gi].rejected = true;
                    self.counters.scim_errors += 1;
                    self.idp_groups[gi].dirty.clear();
                    return;
                }
                if let Some(c) = self.cloud[gi].as_mut() {
                    c.source = GroupSource::Scim;
                }
                self.replace_members(g, Cause::ConflictAccepted);
            }
        }
    }

    /// Replaces the whole member list with the placed accounts of the IdP members.
    fn replace_members(&mut self, g: GroupId, cause: Cause) {
        let gi = g.index();
        // Walk the members in person order: people, records and accounts are laid out in
        // roughly that order, so a large group is read sequentially rather than at random.
        let mut members: Vec<PersonId> = self.idp_groups[gi].members.iter().copied().collect();
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
            self.cloud[gi].as_ref().map(|c| c.members.iter().copied().collect()).unwrap_or_default();
        current.sort_unstable();
        for a in current {
            if wanted.binary_search(&a).is_err() {
                self.remove_member(g, a, cause);
            }
        }
        for &a in &wanted {
            self.add_member(g, a, cause);
        }
        if let Some(c) = self.cloud[gi].as_mut() {
            c.placed = placed;
            c.foreign.clear();
        }
        self.idp_groups[gi].dirty.clear();
    }

    /// Brings a SCIM group up to date for the members that changed since its last push.
    fn reconcile_members(&mut self, g: GroupId) {
        let gi = g.index();
        let dirty = std::mem::take(&mut self.idp_groups[gi].dirty);
        for p in dirty {
            let wanted = if self.idp_groups[gi].members.contains(&p) { self.scim_account(p) } else { None };
            let old = self.cloud[gi].as_ref().and_then(|c| c.placed.get(&p).copied());
            if old != wanted {
                if let Some(o) = old {
                    if !self.is_wanted(g, o) {
                        self.remove_member(g, o, Cause::Other);
                    }
                }
            }
            if let Some(c) = self.cloud[gi].as_mut() {
                match wanted {
                    Some(a) => c.placed.insert(p, a),
                    None => c.placed.remove(&p),
                };
            }
            if let Some(a) = wanted {
                self.add_member(g, a, Cause::Other);
            }
        }
        let foreign = self.cloud[gi].as_mut().map(|c| std::mem::take(&mut c.foreign)).unwrap_or_default();
        for a in foreign {
            if !self.is_wanted(g, a) {
                self.remove_member(g, a, Cause::ScimGroupOverwritten);
            }
        }
    }

    /// True when `a` is the placed account of some current member of the IdP group.
    fn is_wanted(&self, g: GroupId, a: AccountId) -> bool {
        let Some(r) = self.accounts[a.index()].linked_record else { return false };
        let p = self.records[r.index()].person;
        self.idp_groups[g.index()].members.contains(&p) && self.scim_account(p) == Some(a)
    }

    // ---------------------------------------------------------------- disable

    /// R12: switches SCIM off.
    pub fn disable_scim(&mut self, method: DisableMethod) {
        match method {
            DisableMethod::StopInIdp => {
                if self.directory == DirectoryState::Active {
                    self.directory = DirectoryState::StoppedInIdp;
                }
            }
            DisableMethod::DeleteDirectory => {
                if !matches!(self.directory, DirectoryState::Active | DirectoryState::StoppedInIdp) {
                    return;
                }
                self.directory = DirectoryState::Deleted;
                for r in std::mem::take(&mut self.records) {
                    if let Some(a) = r.linked {
                        self.accounts[a.index()].linked_record = None;
                    }
                }
                for person in &mut self.people {
                    if let Some(idp) = person.idp.as_mut() {
                        idp.record = None;
                        idp.pending = false;
                    }
                }
                for c in self.cloud.iter_mut().flatten() {
                    if c.source == GroupSource::Scim {
                        c.source = GroupSource::Local;
                        c.placed.clear();
                        c.foreign.clear();
                    }
                }
                for g in &mut self.idp_groups {
                    g.pending = false;
                    g.dirty.clear();
                }
                self.pending_users.clear();
                self.pending_groups.clear();
            }
        }
    }
}
