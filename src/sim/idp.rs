//! Exogenous changes in the identity provider and on the server: email changes (and R15),
//! re-keys (R8), joiners and leavers (R16), group changes (R11), domain moves.

use super::emails::EmailId;
use super::world::{PersonEmails, World};
use super::{GroupId, PersonId};
use crate::input::email::{domain_of, with_domain};
use crate::input::scenario::{Directory, PersonSpec};
use crate::sim::event::Event;

impl World<'_> {
    /// The IdP primary email of `p` changes: pushed at the next sync; an external directory
    /// follows after the lag (R15); the person signs in again with it after cutover (R14).
    pub fn change_idp_email(&mut self, p: PersonId, to: EmailId) {
        let before = self.sign_in_email(p);
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return };
        idp.email = to;
        self.queue_user(p);
        self.when_server_follows(p, Event::ServerEmailFollows { person: p, email: to });
        self.after_sign_in_email_change(p, before);
    }

    /// Schedules what an external directory does after the lag (R15, R16); an internal one
    /// never follows the IdP.
    fn when_server_follows(&mut self, p: PersonId, event: Event) {
        let external =
            self.people[p.index()].server.as_ref().is_some_and(|s| s.directory == Directory::External);
        if external {
            let at = self.now + self.scenario.server_sync_lag;
            self.schedule(at, event);
        }
    }

    /// Schedules a sign-in when the person's sign-in email changed (R14).
    fn after_sign_in_email_change(&mut self, p: PersonId, before: Option<EmailId>) {
        let after = self.sign_in_email(p);
        if self.people[p.index()].employed && after.is_some() && after != before {
            self.schedule_sign_in(p);
        }
    }

    /// R15: the external directory takes over the IdP email.
    pub fn server_email_follows(&mut self, p: PersonId, email: EmailId) {
        let before = self.sign_in_email(p);
        let Some(server) = self.people[p.index()].server.as_mut() else { return };
        server.email = email;
        self.after_sign_in_email_change(p, before);
    }

    /// R16: the external directory deactivates a leaver.
    pub fn server_deactivates(&mut self, p: PersonId) {
        if let Some(server) = self.people[p.index()].server.as_mut() {
            server.active = false;
        }
    }

    /// R8: a new IdP object for the person; its first push creates a new record.
    pub fn rekey(&mut self, p: PersonId) {
        let object = self.next_object;
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return };
        idp.object = object;
        idp.record = None;
        self.next_object += 1;
        self.mark_dirty(p);
        self.queue_user(p);
    }

    /// R9/R16: the person leaves; deactivated in the IdP (group memberships unchanged) and,
    /// for an external directory, on the server after the lag.
    pub fn leave(&mut self, p: PersonId) {
        if !self.people[p.index()].employed {
            return;
        }
        self.people[p.index()].employed = false;
        for a in self.people[p.index()].accounts.clone() {
            self.update_orphan(a);
        }
        self.touch(p, crate::metrics::Cause::Other);
        self.queue_user(p);
        self.when_server_follows(p, Event::ServerDeactivates { person: p });
    }

    /// R16: a joiner appears in the IdP with their own groups.
    pub fn join(&mut self, p: PersonId, spec: &PersonSpec) {
        let mut intern = |e: &Option<String>| e.as_deref().map(|t| self.emails.intern(t));
        let emails = PersonEmails {
            idp: intern(&spec.idp_email),
            server: intern(&spec.server_email),
            cloud: intern(&spec.cloud_email),
        };
        self.fill_person(p, spec, emails);
        self.queue_user(p);
        for g in spec.idp_groups.clone() {
            self.mark_dirty_in(g, p);
            self.queue_group(g);
        }
        self.schedule_sign_in(p);
    }

    /// R11: the IdP group is deleted (or leaves scope); members keep their role.
    pub fn delete_idp_group(&mut self, g: GroupId) {
        self.idp_groups[g.index()].exists = false;
        self.queue_group(g);
    }

    /// The IdP group is (re-)created with exactly these members (`None`: those it had).
    pub fn create_idp_group(&mut self, g: GroupId, members: Option<&[PersonId]>) {
        self.idp_groups[g.index()].exists = true;
        if let Some(members) = members {
            let wanted: rustc_hash::FxHashSet<PersonId> = members.iter().copied().collect();
            let mut current: Vec<PersonId> = self.idp_groups[g.index()].members.iter().copied().collect();
            current.sort_unstable();
            for p in current {
                if !wanted.contains(&p) {
                    self.remove_from_idp_group(g, p);
                }
            }
            for &p in members {
                self.add_to_idp_group(g, p);
            }
        }
        self.queue_group(g);
    }

    /// A generated name change: a new local part on the current domain.
    pub fn idp_email_drift(&mut self, p: PersonId, ordinal: u32) {
        let Some(idp) = &self.people[p.index()].idp else { return };
        let text = self.emails.text(idp.email);
        let (local, domain) = text.rsplit_once('@').unwrap_or((text, "invalid"));
        let base = local.split_once(".d").map_or(local, |(b, _)| b);
        let email = format!("{base}.d{ordinal}@{domain}");
        let id = self.emails.intern(&email);
        self.change_idp_email(p, id);
    }

    /// A person joins an IdP group.
    pub fn add_to_idp_group(&mut self, g: GroupId, p: PersonId) {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return };
        if !idp.groups.contains(&g) {
            idp.groups.push(g);
        }
        self.idp_groups[g.index()].members.insert(p);
        self.mark_dirty_in(g, p);
        self.queue_group(g);
    }

    /// A person leaves an IdP group.
    pub fn remove_from_idp_group(&mut self, g: GroupId, p: PersonId) {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return };
        idp.groups.retain(|x| *x != g);
        self.idp_groups[g.index()].members.remove(&p);
        self.mark_dirty_in(g, p);
        self.queue_group(g);
    }

    /// A share of the employed people whose IdP email is on `from` move to `to`.
    pub fn move_domain(&mut self, from: &str, to: &str, share: f64, ordinal: u32) {
        for i in 0..self.people.len() {
            let p = PersonId::from_index(i);
            let person = &self.people[i];
            let Some(idp) = &person.idp else { continue };
            let text = self.emails.text(idp.email);
            if !person.employed || domain_of(text).as_deref() != Some(from) {
                continue;
            }
            if self.draws.move_domain.uniform(ordinal.into(), p.0.into()) < share {
                let email = with_domain(text, to);
                let id = self.emails.intern(&email);
                self.change_idp_email(p, id);
            }
        }
    }
}
