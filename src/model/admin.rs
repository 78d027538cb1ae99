//! Admin actions: verifying domains and claiming accounts (R2), fixing emails (R13).

use super::PersonId;
use super::email::domain_of;
use super::world::World;
use crate::rng::Purpose;

impl World<'_> {
    /// R2: verifies a domain.
    pub fn verify_domain(&mut self, domain: &str) {
        if let Some(d) = self.domains.get_mut(domain) {
            d.verified = true;
        }
    }

    /// R2: claims every verified domain and makes the accounts on them managed.
    pub fn claim_accounts(&mut self, auto: bool) {
        for d in self.domains.values_mut().filter(|d| d.verified) {
            d.claimed = true;
            d.auto |= auto;
        }
        for i in 0..self.accounts.len() {
            let on_verified = domain_of(&self.accounts[i].email)
                .and_then(|d| self.domains.get(&d))
                .is_some_and(|d| d.verified);
            if on_verified {
                self.accounts[i].managed = true;
            }
        }
    }

    /// R13: for each employed person with an IdP identity whose migrated account's email is
    /// not their IdP email, an admin reaches them with probability `coverage` (a per-person
    /// uniform, so a higher coverage reaches a superset) and sets the account's email.
    pub fn fix_emails(&mut self, coverage: f64) {
        for i in 0..self.people.len() {
            let p = PersonId::from_index(i);
            let person = &self.people[i];
            if !person.employed {
                continue;
            }
            let Some(idp) = &person.idp else { continue };
            let target = person
                .content_account
                .or_else(|| person.server.as_ref().and_then(|s| self.account_by_email(&s.email)));
            let Some(a) = target else { continue };
            if self.same_email(&self.accounts[a.index()].email, &idp.email) {
                continue;
            }
            if self.streams.uniform(Purpose::FixEmails, p.0.into(), 0) >= coverage {
                continue;
            }
            let new_email = idp.email.clone();
            let taken = self.account_by_email(&new_email).is_some_and(|b| b != a);
            if !self.accounts[a.index()].managed
                || self.scim_locked(a)
                || taken
                || !self.verified_claimed(&new_email)
            {
                self.counters.admin_fix_failures += 1;
                continue;
            }
            self.change_account_email(a, new_email);
        }
    }
}
