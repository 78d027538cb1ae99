//! The other exogenous changes in the identity provider: a person's primary email changes
//! (explicitly, by generated drift, or by a domain move), and IdP groups are deleted,
//! re-created, joined and left. They change only the IdP side and queue what the next sync
//! pushes; their effects in Atlassian are the SCIM rules (R7, R10, R11), on the server R15, and
//! on sign-ins R14. They are kept apart from `churn.rs`, which is about people arriving and
//! leaving (R16): these change what the IdP says of people who stay, and of its groups.

use crate::input::email::{domain_of, with_domain};
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// The IdP primary email of `p` changes: pushed at the next sync; an external directory
    /// follows after the lag (R15); the person signs in again with it after cutover (R14).
    pub(crate) fn change_idp_email(&mut self, p: PersonId, to: EmailId) {
        self.set_rule(Rule::R7);
        let before = self.sign_in_email(p);
        if !self.set_idp_email(p, to) {
            return;
        }
        self.queue_user(p);
        self.when_server_follows(p, Event::ServerEmailFollows { person: p, email: to });
        self.after_sign_in_email_change(p, before);
    }

    /// A generated name change: a new local part on the current domain.
    pub(crate) fn idp_email_drift(&mut self, p: PersonId, ordinal: u32) {
        let Some(idp) = &self.person(p).idp else { return };
        let text = self.emails().text(idp.email);
        let (local, domain) = text.rsplit_once('@').unwrap_or((text, "invalid"));
        let base = local.split_once(".d").map_or(local, |(b, _)| b);
        let email = format!("{base}.d{ordinal}@{domain}");
        let id = self.intern_email(&email);
        self.change_idp_email(p, id);
    }

    /// A share of the employed people whose IdP email is on `from` move to `to`.
    pub(crate) fn move_domain(&mut self, from: &str, to: &str, share: f64, ordinal: u32) {
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            let Some(idp) = &person.idp else { continue };
            let email = idp.email;
            if !person.employed || domain_of(self.emails().text(email)).as_deref() != Some(from) {
                continue;
            }
            if self.move_domain_draw(ordinal, p) < share {
                let moved = with_domain(self.emails().text(email), to);
                let id = self.intern_email(&moved);
                self.change_idp_email(p, id);
            }
        }
    }

    /// R11: the IdP group is deleted (or leaves scope); members keep their role.
    pub(crate) fn delete_idp_group(&mut self, g: GroupId) {
        self.set_rule(Rule::R11);
        self.set_idp_group_exists(g, false);
        self.queue_group(g);
    }

    /// The IdP group is (re-)created with exactly these members (`None`: those it had).
    pub(crate) fn create_idp_group(&mut self, g: GroupId, members: Option<&[PersonId]>) {
        self.set_rule(Rule::R11);
        self.set_idp_group_exists(g, true);
        if let Some(members) = members {
            let wanted: rustc_hash::FxHashSet<PersonId> = members.iter().copied().collect();
            let mut current: Vec<PersonId> = self.idp_group(g).members.iter().copied().collect();
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

    /// A person joins an IdP group.
    pub(crate) fn add_to_idp_group(&mut self, g: GroupId, p: PersonId) {
        self.set_rule(Rule::R10);
        if self.add_idp_membership(g, p) {
            self.membership_changed(g, p);
        }
    }

    /// A person leaves an IdP group.
    pub(crate) fn remove_from_idp_group(&mut self, g: GroupId, p: PersonId) {
        self.set_rule(Rule::R10);
        if self.remove_idp_membership(g, p) {
            self.membership_changed(g, p);
        }
    }

    /// `p`'s membership of `g` changed: the group's next push adds or removes them.
    pub(super) fn membership_changed(&mut self, g: GroupId, p: PersonId) {
        self.mark_membership_changed(g, p);
        self.queue_group(g);
    }
}
