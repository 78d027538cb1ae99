//! Joiners and leavers (R16): a joiner appears in the IdP, in scope, with their own groups (and
//! signs in once cutover has happened); a leaver is deactivated in the IdP — deprovisioned at the
//! next sync (R9), their group memberships unchanged — and, for an `external` directory, on the
//! server after the lag.

use crate::input::scenario::PersonSpec;
use crate::sim::PersonId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{PersonEmails, World};

impl<O: Observer> World<'_, O> {
    /// R9/R16: the person leaves; deactivated in the IdP (group memberships unchanged) and,
    /// for an external directory, on the server after the lag.
    pub(crate) fn leave(&mut self, p: PersonId) {
        self.set_rule(Rule::R16);
        if !self.person(p).employed {
            return;
        }
        self.end_employment(p);
        self.queue_user(p);
        self.when_server_follows(p, Event::ServerDeactivates { person: p });
    }

    /// R16: a joiner appears in the IdP with their own groups.
    pub(crate) fn join(&mut self, p: PersonId, spec: &PersonSpec) {
        self.set_rule(Rule::R16);
        let mut intern = |e: &Option<String>| e.as_deref().map(|t| self.intern_email(t));
        let emails = PersonEmails {
            idp: intern(&spec.idp_email),
            server: intern(&spec.server_email),
            cloud: intern(&spec.cloud_email),
            sso: intern(&spec.sso_email),
        };
        self.fill_person(p, spec, emails);
        self.queue_user(p);
        for g in spec.idp_groups.clone() {
            self.membership_changed(g, p);
        }
        self.schedule_sign_in(p);
    }
}
