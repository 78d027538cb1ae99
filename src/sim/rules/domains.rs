//! Domains (R2): an admin verifies a domain (ownership proven), then claims the accounts on
//! the verified domains, which makes them *managed*; with `auto`, accounts created later on a
//! claimed domain are managed from birth (see `World::managed_at_birth`). SCIM treats a
//! verified domain that was never claimed as unverified.

use crate::sim::world::World;

impl World<'_> {
    /// R2: verifies domain `d` (an index into the scenario's domains).
    pub(crate) fn verify_domain(&mut self, d: usize) {
        self.domains[d].verified = true;
    }

    /// R2: claims every verified domain and makes the accounts on them managed.
    pub(crate) fn claim_accounts(&mut self, auto: bool) {
        for d in self.domains.iter_mut().filter(|d| d.verified) {
            d.claimed = true;
            d.auto |= auto;
        }
        for i in 0..self.accounts.len() {
            if self.domain_state(self.accounts[i].email).is_some_and(|d| d.verified) {
                self.accounts[i].managed = true;
            }
        }
    }
}
