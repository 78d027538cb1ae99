//! Provisioning (R5 and the sync mechanics): `enable_scim` creates the provisioning directory
//! and runs the IdP's first sync inside the same event (every employed in-scope user, then
//! every synced group); later syncs, every interval from that instant, push only what changed
//! since the last one: users first, in the order they first changed, then groups. Changes are
//! queued while a directory exists and keeps its records — syncing, or stopped in the IdP
//! (R21: the resumed directory's first sync sends what was queued). A group push runs R6's
//! deferred link only for the people whose membership changed (`IdpGroup::changed`); under
//! `replace` it also places anew the members whose placement may have changed
//! (`IdpGroup::dirty`), under `patch` (R22) nobody else. Either way its cost follows the
//! changes, not the group's size.

use crate::input::scenario::GroupUpdates;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, GroupSource, World};
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// R5: creates the provisioning directory and runs the first full sync.
    pub(crate) fn enable_scim(&mut self) {
        self.set_rule(Rule::R5);
        // A new directory: no records (none are left after a deleted one), nothing queued,
        // no conflict rejected yet.
        self.open_directory();
        self.drop_records();
        self.clear_sync_queues();
        self.forget_rejections();
        for p in (0..self.people().len()).map(PersonId::from_index) {
            if self.person(p).employed && self.in_idp_scope(p) {
                self.push_user(p);
                self.settle();
            }
        }
        for g in 0..self.idp_groups().len() {
            if self.scenario().groups[g].synced_from_idp {
                self.push_group(GroupId::from_index(g));
                self.settle();
            }
        }
        self.schedule_sync(self.generation());
    }

    /// A periodic sync: pushes what changed, then schedules the next one.
    pub(crate) fn sync_tick(&mut self, generation: u32) {
        self.set_rule(Rule::R5);
        if self.directory() != DirectoryState::Active || generation != self.generation() {
            return;
        }
        self.push_queued();
        self.schedule_sync(generation);
    }

    /// Pushes every queued user, in the order they first changed, then every queued group.
    pub(super) fn push_queued(&mut self) {
        for p in self.take_user_queue() {
            self.mark_user_sent(p);
            self.push_user(p);
            self.settle();
        }
        for g in self.take_group_queue() {
            self.mark_group_sent(g);
            self.push_group(g);
            self.settle();
        }
    }

    /// Schedules the next sync of directory `generation`, one interval from now.
    pub(super) fn schedule_sync(&mut self, generation: u32) {
        let next = self.now() + self.scenario().idp.sync_interval;
        self.schedule(next, Event::SyncTick { generation });
    }

    /// Queues a user push for the next sync (only while a directory keeps records: syncing, or
    /// stopped in the IdP, R21).
    pub(super) fn queue_user(&mut self, p: PersonId) {
        if self.queues_changes() && self.in_idp_scope(p) {
            self.enqueue_user(p);
        }
    }

    /// Queues the push of a user who just left the provisioning scope (R25), whose
    /// deprovision the next sync sends.
    pub(super) fn queue_unassigned_user(&mut self, p: PersonId) {
        if self.queues_changes() {
            self.enqueue_user(p);
        }
    }

    /// Queues a group push for the next sync (only synced groups, only while a directory keeps
    /// records: syncing, or stopped in the IdP, R21).
    pub(super) fn queue_group(&mut self, g: GroupId) {
        if self.queues_changes() && self.scenario().groups[g.index()].synced_from_idp {
            self.enqueue_group(g);
        }
    }

    /// Notes that `p`'s SCIM placement may have changed in every group they belong to.
    pub(super) fn mark_dirty(&mut self, p: PersonId) {
        if !self.queues_changes() {
            return;
        }
        let n = self.person(p).idp.as_ref().map_or(0, |i| i.groups.len());
        for k in 0..n {
            if let Some(g) = self.person(p).idp.as_ref().map(|i| i.groups[k]) {
                self.mark_dirty_in(g, p);
            }
        }
    }

    /// Notes that `p`'s placement in group `g` may have changed; only a whole-list push looks
    /// at it (every push under `replace`, R22).
    pub(super) fn mark_dirty_in(&mut self, g: GroupId, p: PersonId) {
        if self.group_updates() == GroupUpdates::Replace && self.reconciles_members(g) {
            self.note_dirty(g, p);
        }
    }

    /// `p`'s current record changed (R8's new IdP object, R19's record found again). Under
    /// `replace` their placement may have changed; under `patch` it is a membership change in
    /// every group of theirs — the old record leaves and the new one joins at that group's
    /// next push (§9.2: membership is the current IdP object's).
    pub(super) fn mark_record_changed(&mut self, p: PersonId) {
        if self.group_updates() == GroupUpdates::Replace {
            self.mark_dirty(p);
            return;
        }
        let groups: Vec<GroupId> = self.person(p).idp.as_ref().map(|i| i.groups.to_vec()).unwrap_or_default();
        for g in groups {
            self.mark_membership_changed(g, p);
        }
    }

    /// Notes that `p`'s membership of group `g` changed: its next push adds or removes them,
    /// which also runs R6's deferred link for them.
    /// Under `patch` (R22), a change of a user the IdP holds deactivated — a leaver, or someone
    /// out of scope — is not pushed: it flows only with a whole-list push.
    pub(super) fn mark_membership_changed(&mut self, g: GroupId, p: PersonId) {
        let deactivated = !self.person(p).employed || !self.in_idp_scope(p);
        if deactivated && self.group_updates() == GroupUpdates::Patch {
            return;
        }
        if self.reconciles_members(g) {
            self.note_membership_change(g, p);
        }
    }

    /// True when the next push of `g` reconciles its members one by one: only a live SCIM
    /// group does; any other group is rebuilt whole when SCIM takes it (and that whole-list
    /// push adds every member).
    pub(super) fn reconciles_members(&self, g: GroupId) -> bool {
        self.queues_changes() && self.cloud_group(g).is_some_and(|c| c.source == GroupSource::Scim)
    }

    /// True while IdP changes are queued for a later sync: the directory syncs, or it is
    /// stopped in the IdP and keeps its records (R21: the IdP still tracks what changed).
    fn queues_changes(&self) -> bool {
        matches!(self.directory(), DirectoryState::Active | DirectoryState::StoppedInIdp)
    }
}
