//! Provisioning (R5 and the sync mechanics): `enable_scim` creates the provisioning directory
//! and runs the IdP's first sync inside the same event (every employed in-scope user, then
//! every synced group); later syncs, every interval from that instant, push only what changed
//! since the last one: users first, in the order they first changed, then groups. Changes are
//! queued only while the directory syncs; a group push reconciles only the members whose
//! placement may have changed (`IdpGroup::dirty`), so its cost follows the changes, not the
//! group's size.

use crate::sim::event::Event;
use crate::sim::world::{DirectoryState, GroupSource, World};
use crate::sim::{GroupId, PersonId};

impl World<'_> {
    /// R5: creates the provisioning directory and runs the first full sync.
    pub(crate) fn enable_scim(&mut self) {
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
    pub(crate) fn sync_tick(&mut self, generation: u32) {
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
    pub(super) fn queue_user(&mut self, p: PersonId) {
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
    pub(super) fn queue_group(&mut self, g: GroupId) {
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
    pub(super) fn mark_dirty(&mut self, p: PersonId) {
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
    pub(super) fn mark_dirty_in(&mut self, g: GroupId, p: PersonId) {
        if self.directory == DirectoryState::Active
            && self.cloud[g.index()].as_ref().is_some_and(|c| c.source == GroupSource::Scim)
        {
            self.idp_groups[g.index()].dirty.insert(p);
        }
    }
}
