//! Sign-in (R14): at `cutover` every employed person signs in through SSO within the spread,
//! and again after each later change of their sign-in email, after joining and after their
//! login account is deactivated while they are still employed. A sign-in lands on the account
//! holding the sign-in email (active or not); with none, a self-signup account is created. That
//! account is the person's login account until their next sign-in.

use crate::metrics::Cause;
use crate::sim::PersonId;
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::world::{Origin, World};

impl World<'_> {
    /// R14: cutover — every employed person signs in within the spread.
    pub(crate) fn cutover(&mut self, login_spread: i64) {
        self.cutover = Some(login_spread);
        let mut batch = Vec::with_capacity(self.people.len());
        for i in 0..self.people.len() {
            if self.people[i].employed {
                let p = PersonId::from_index(i);
                batch.push((self.sign_in_time(p), Event::SignIn { person: p }));
            }
        }
        self.queue.schedule_batch(batch);
    }

    /// R14: a sign-in lands on the account holding the sign-in email (active or not); with
    /// none, a self-signup account is created. That account becomes the login account.
    pub(crate) fn sign_in(&mut self, p: PersonId) {
        if !self.people[p.index()].employed {
            return;
        }
        let Some(email) = self.sign_in_email(p) else { return };
        if !self.emails.is_valid(email) {
            return;
        }
        let a = match self.account_by_email(email) {
            Some(a) => a,
            None => self.create_account(email, true, Origin::SelfSignup, p),
        };
        let person = &mut self.people[p.index()];
        person.signed_in = true;
        if person.login == Some(a) {
            return;
        }
        if let Some(old) = person.login.replace(a) {
            self.accounts[old.index()].login_of.retain(|x| *x != p);
        }
        self.accounts[a.index()].login_of.push(p);
        self.touch(p, Cause::SignedIntoNewAccount);
    }

    /// Schedules a sign-in when the person's sign-in email changed (R14).
    pub(super) fn after_sign_in_email_change(&mut self, p: PersonId, before: Option<EmailId>) {
        let after = self.sign_in_email(p);
        if self.people[p.index()].employed && after.is_some() && after != before {
            self.schedule_sign_in(p);
        }
    }
}
