//! Full resync (R24): an admin's "push now" (Okta *Push now*, Entra *restart provisioning* or
//! *provision on demand*, Google *Sync now*) while the directory syncs. In that event it pushes
//! the chosen users (everyone by default) in their whole current state — email per R7,
//! lifecycle per R9 (a leaver is deprovisioned), a record per R6 for a user with none — then
//! every synced group with its whole member list, which runs R6's deferred link for each member
//! and puts back an account that R7 unlinked and re-linked (ACCESS-1737). What was queued for
//! the users and groups it pushes is cleared; changes queued for other users stay queued for
//! the next sync, whose schedule does not move.

use crate::sim::PersonId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, World};

impl<O: Observer> World<'_, O> {
    /// R24: pushes `people` (`None`: everyone) in full, then every synced group.
    pub(crate) fn resync(&mut self, people: Option<&[PersonId]>) {
        self.set_rule(Rule::R24);
        if self.directory() != DirectoryState::Active {
            return;
        }
        let everyone: Vec<PersonId>;
        let people = match people {
            Some(list) => {
                self.unqueue_users(list);
                list
            }
            None => {
                self.clear_user_queue();
                everyone = (0..self.people().len()).map(PersonId::from_index).collect();
                &everyone
            }
        };
        for &p in people {
            self.push_user(p);
            self.settle();
            self.set_rule(Rule::R24);
        }
        self.push_every_group_whole();
    }
}
