//! Domains (R2): an admin verifies a domain (ownership proven), then claims the accounts on
//! the verified domains, which makes them *managed*; with `auto`, accounts created later on a
//! claimed domain are managed from birth (see `World::managed_at_birth`). SCIM treats a
//! verified domain that was never claimed as unverified.

use crate::sim::AccountId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;

impl<O: Observer> World<'_, O> {
    /// R2: verifies domain `d` (an index into the scenario's domains).
    pub(crate) fn verify_domain(&mut self, d: usize) {
        self.set_rule(Rule::R2);
        self.set_domain_verified(d);
    }

    /// R2: claims every verified domain and makes the accounts on them managed.
    pub(crate) fn claim_accounts(&mut self, auto: bool) {
        self.set_rule(Rule::R2);
        for d in 0..self.scenario().domains.len() {
            if self.domain(d).verified {
                self.claim_domain(d, auto);
            }
        }
        for a in (0..self.accounts().len()).map(AccountId::from_index) {
            if self.domain_state(self.account(a).email).is_some_and(|d| d.verified) {
                self.manage(a);
            }
        }
    }
}
