//! Disabling SCIM (R12): `delete_directory` removes the records (accounts are unlocked), turns
//! the SCIM groups into local groups with their members and grants, and stops every IdP change
//! from flowing; `stop_in_idp` only stops the syncs — records stay, accounts stay SCIM-locked
//! and SCIM groups stay read-only (so a migration skips them, R4).

use crate::input::scenario::DisableMethod;
use crate::sim::world::{DirectoryState, GroupSource, World};

impl World<'_> {
    /// R12: switches SCIM off.
    pub(crate) fn disable_scim(&mut self, method: DisableMethod) {
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
