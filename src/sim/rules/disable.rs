//! Disabling SCIM (R12): `delete_directory` removes the records (accounts are unlocked), turns
//! the SCIM groups into local groups with their members and grants, and stops every IdP change
//! from flowing; `stop_in_idp` only stops the syncs — records stay, accounts stay SCIM-locked
//! and SCIM groups stay read-only (so a migration skips them, R4).

use crate::input::scenario::DisableMethod;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, World};

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
}
