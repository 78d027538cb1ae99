//! Disabling and resuming SCIM (R12, R21): `delete_directory` removes the records (accounts
//! are unlocked), turns the SCIM groups into local groups with their members and grants, and
//! stops every IdP change from flowing; `stop_in_idp` pauses — the syncs stop, records stay,
//! accounts stay SCIM-locked, SCIM groups stay read-only (so a migration skips them, R4), and
//! the IdP still queues what changes. `resume_scim` restarts the syncs of a stopped directory:
//! its first sync runs in that event — `incremental` sends what was queued while stopped,
//! `restart` is a full sync as R5's over the kept records — and the next ones every interval
//! from that instant.

use crate::input::scenario::{DisableMethod, ResumeMode};
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, World};
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// R12: switches SCIM off.
    pub(crate) fn disable_scim(&mut self, method: DisableMethod) {
        self.set_rule(Rule::R12);
        match method {
            DisableMethod::StopInIdp => {
                if self.directory() == DirectoryState::Active {
                    self.set_directory(DirectoryState::StoppedInIdp);
                }
            }
            DisableMethod::DeleteDirectory => {
                if !matches!(self.directory(), DirectoryState::Active | DirectoryState::StoppedInIdp) {
                    return;
                }
                self.set_directory(DirectoryState::Deleted);
                // Records disappear and accounts are unlocked; SCIM groups become local with
                // their members and grants; IdP changes no longer flow.
                self.drop_records();
                self.release_scim_groups();
                self.clear_sync_queues();
            }
        }
    }

    /// R21: the stopped directory syncs again; its first sync runs now.
    pub(crate) fn resume_scim(&mut self, mode: ResumeMode) {
        self.set_rule(Rule::R21);
        if self.directory() != DirectoryState::StoppedInIdp {
            return;
        }
        // A new generation of sync ticks: any tick of the stopped directory still scheduled dies.
        self.resume_directory();
        match mode {
            ResumeMode::Incremental => self.push_queued(),
            ResumeMode::Restart => self.full_sync(),
        }
        self.schedule_sync(self.generation());
    }

    /// R21 `restart`: a full sync as R5's over the kept records — every user the directory has
    /// a record for and every employed in-scope user, in person order, then every synced group
    /// with its whole member list. It sends everything, so nothing stays queued.
    fn full_sync(&mut self) {
        self.clear_user_queue();
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            let has_record = person.idp.as_ref().is_some_and(|i| i.record.is_some());
            if has_record || (person.employed && self.in_idp_scope(p)) {
                self.push_user(p);
                self.settle();
            }
        }
        self.push_every_group_whole();
    }

    /// Pushes every synced group with its whole member list (R21 `restart`, R24), and the
    /// queued deletion of a group gone from the IdP; nothing stays queued for any group.
    pub(super) fn push_every_group_whole(&mut self) {
        let queued = self.take_group_queue();
        for &g in &queued {
            self.mark_group_sent(g);
        }
        for g in (0..self.idp_groups().len()).map(GroupId::from_index) {
            let synced = self.scenario().groups[g.index()].synced_from_idp;
            if synced && (self.idp_group(g).exists || queued.contains(&g)) {
                self.push_group_whole(g);
                self.settle();
            }
        }
    }
}
