//! Sign-in (R14): at `cutover` every employed person signs in through SSO within the spread,
//! and again after each later change of their sign-in email, after joining and after their
//! login account is deactivated while they are still employed. A sign-in lands on the account
//! holding the sign-in email (active or not); with none, a self-signup account is created. That
//! account is the person's login account until their next sign-in.
//!
//! R23: a person's sign-in email is the address their SSO assertion carries — their
//! `sso_email` (say the UPN, where SCIM sends `user.mail`) while the IdP has one, until
//! `align_sso` maps SSO's NameID to the attribute SCIM sends; from then on it is the IdP
//! primary email, and everyone whose sign-in email that changes signs in again (after cutover).

use crate::sim::PersonId;
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule, SignInVia};
use crate::sim::world::{Origin, World};

impl<O: Observer> World<'_, O> {
    /// R14: cutover — every employed person signs in within the spread.
    pub(crate) fn cutover(&mut self, login_spread: i64) {
        self.set_rule(Rule::R14);
        self.start_cutover(login_spread);
        let mut batch = Vec::with_capacity(self.people().len());
        for p in (0..self.people().len()).map(PersonId::from_index) {
            if self.person(p).employed {
                batch.push((self.sign_in_time(p), Event::SignIn { person: p }));
            }
        }
        self.schedule_batch(batch);
    }

    /// R14: a sign-in lands on the account holding the sign-in email (active or not); with
    /// none, a self-signup account is created. That account becomes the login account.
    pub(crate) fn sign_in(&mut self, p: PersonId) {
        self.set_rule(Rule::R14);
        if !self.person(p).employed {
            return;
        }
        let Some(email) = self.sign_in_email(p) else { return };
        if !self.emails().is_valid(email) {
            return;
        }
        let (a, via) = match self.account_by_email(email) {
            Some(a) => (a, SignInVia::HeldEmail),
            None => (self.create_account(email, true, Origin::SelfSignup, p), SignInVia::SelfSignup),
        };
        self.sign_in_to(p, a, via);
    }

    /// R23: `align_sso` — from now every sign-in uses the IdP primary email; each employed
    /// person whose sign-in email changes by it signs in again (once cutover has happened), in
    /// person order.
    pub(crate) fn align_sso(&mut self) {
        self.set_rule(Rule::R23);
        let people: Vec<(PersonId, Option<EmailId>)> = (0..self.people().len())
            .map(PersonId::from_index)
            .filter(|&p| self.person(p).idp.as_ref().is_some_and(|i| i.sso_email.is_some()))
            .map(|p| (p, self.sign_in_email(p)))
            .collect();
        self.set_sso_aligned();
        for (p, before) in people {
            self.after_sign_in_email_change(p, before);
        }
    }

    /// Schedules a sign-in when the person's sign-in email changed (R14).
    pub(super) fn after_sign_in_email_change(&mut self, p: PersonId, before: Option<EmailId>) {
        let after = self.sign_in_email(p);
        if self.person(p).employed && after.is_some() && after != before {
            self.schedule_sign_in(p);
        }
    }
}
