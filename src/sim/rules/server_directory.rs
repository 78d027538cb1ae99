//! The server directory (R15, and the server side of R16): an `external` directory user's
//! server email follows an IdP email change after `server_sync_lag_hours`, and a leaver is
//! deactivated on the server after the same lag; an `internal` directory never follows the IdP.

use crate::input::scenario::Directory;
use crate::sim::PersonId;
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;

impl<O: Observer> World<'_, O> {
    /// Schedules what an external directory does after the lag (R15, R16); an internal one
    /// never follows the IdP.
    pub(super) fn when_server_follows(&mut self, p: PersonId, event: Event) {
        let external = self.person(p).server.as_ref().is_some_and(|s| s.directory == Directory::External);
        if external {
            let at = self.now() + self.scenario().server_sync_lag;
            self.schedule(at, event);
        }
    }

    /// R15: the external directory takes over the IdP email.
    pub(crate) fn server_email_follows(&mut self, p: PersonId, email: EmailId) {
        self.set_rule(Rule::R15);
        let before = self.sign_in_email(p);
        if self.set_server_email(p, email) {
            self.after_sign_in_email_change(p, before);
        }
    }

    /// R16: the external directory deactivates a leaver.
    pub(crate) fn server_deactivates(&mut self, p: PersonId) {
        self.set_rule(Rule::R16);
        self.deactivate_server_user(p);
    }

    /// R25: the external directory reactivates a rehired person.
    pub(crate) fn server_reactivates(&mut self, p: PersonId) {
        self.set_rule(Rule::R25);
        if self.person(p).employed {
            self.reactivate_server_user(p);
        }
    }
}
