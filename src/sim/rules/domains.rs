//! Domains (R2′): an admin verifies a domain (ownership proven: `verified_unclaimed`), then
//! claims the accounts on the verified domains — all of them, or one — which makes them
//! *managed*; a domain on which an account is then managed becomes verified+claimed. A domain
//! with no account stays `verified_unclaimed`, which SCIM treats as unverified (ACCESS-2172),
//! unless `assumptions.claim_needs_account` is false (0.2's reading: the claim alone claims
//! it). With `auto`, the named domains are auto-claimed: accounts created later on one are
//! managed from birth, and the first such account claims it (`World::create_account`).

use crate::sim::AccountId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;

impl<O: Observer> World<'_, O> {
    /// R2: verifies domain `d` (an index into the scenario's domains).
    pub(crate) fn verify_domain(&mut self, d: usize) {
        self.set_rule(Rule::R2);
        self.set_domain_verified(d);
    }

    /// R2′: claims the verified domains (only `only` when given): every account on one becomes
    /// managed, and so claims its domain.
    pub(crate) fn claim_accounts(&mut self, only: Option<usize>, auto: bool) {
        self.set_rule(Rule::R2);
        let needs_account = self.scenario().assumptions.claim_needs_account;
        let named: Vec<bool> = (0..self.scenario().domains.len())
            .map(|d| only.is_none_or(|o| o == d) && self.domain(d).verified)
            .collect();
        for d in (0..named.len()).filter(|&d| named[d]) {
            if auto {
                self.mark_domain_auto(d);
            }
            if !needs_account {
                self.mark_domain_claimed(d);
            }
        }
        for a in (0..self.accounts().len()).map(AccountId::from_index) {
            if let Some(d) = self.emails().domain(self.account(a).email).filter(|&d| named[d]) {
                self.manage(a);
                self.mark_domain_claimed(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{run_and_look, scenario};
    use serde_json::{Value, json};

    /// ann and bob are in the IdP on acme.com (no account anywhere); a strategy verifies and
    /// claims acme.com, then enables SCIM.
    fn file(timeline: Value, assumptions: Value) -> Value {
        json!({
            "name": "r2", "horizon_days": 3, "products": ["jira"],
            "domains": [{"name": "acme.com"}, {"name": "other.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "assumptions": assumptions,
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "idp_groups": ["jira-users"]},
                {"id": "cy", "idp_email": "cy@other.com", "cloud_email": "cy@other.com"}
            ]},
            "strategies": [{"name": "s", "timeline": timeline}]
        })
    }

    fn claimed(world: &crate::sim::world::World<'_>) -> Vec<(bool, bool, bool)> {
        (0..2).map(|d| (world.domain(d).verified, world.domain(d).claimed, world.domain(d).auto)).collect()
    }

    #[test]
    fn a_claim_on_a_domain_with_no_account_changes_nothing_for_scim() {
        let timeline = json!([
            {"day": 0, "do": "verify_domain", "domain": "acme.com"},
            {"day": 0, "do": "claim_accounts"},
            {"day": 1, "do": "enable_scim"}
        ]);
        let (outcome, domains) = run_and_look(&scenario(&file(timeline.clone(), json!({}))), 0, claimed);
        assert_eq!(domains[0], (true, false, false), "acme.com stays verified_unclaimed");
        assert_eq!(outcome.get(MetricId::UNLINKED_SCIM_RECORDS), 2.0, "SCIM treats its users as external");
        assert_eq!(outcome.get(MetricId::BILLABLE_ACCOUNTS), 0.0);
        // 0.2's reading: the claim alone makes acme.com verified+claimed; SCIM creates both.
        let old = file(timeline, json!({"claim_needs_account": false}));
        let (outcome, domains) = run_and_look(&scenario(&old), 0, claimed);
        assert_eq!(domains[0], (true, true, false));
        assert_eq!(outcome.get(MetricId::UNLINKED_SCIM_RECORDS), 0.0);
        assert_eq!(outcome.get(MetricId::BILLABLE_ACCOUNTS), 2.0);
    }

    #[test]
    fn create_and_claim_one_account_and_scim_links_it_and_creates_the_rest() {
        let timeline = json!([
            {"day": 0, "do": "verify_domain", "domain": "acme.com"},
            {"day": 0, "do": "verify_domain", "domain": "other.com"},
            {"day": 0, "do": "create_account", "email": "ann@acme.com", "person": "ann"},
            {"day": 0, "do": "claim_accounts", "domain": "acme.com"},
            {"day": 1, "do": "enable_scim"}
        ]);
        let (outcome, (domains, cy_managed)) = run_and_look(&scenario(&file(timeline, json!({}))), 0, |w| {
            let cy = w.person(crate::sim::PersonId(2)).accounts[0];
            (claimed(w), w.account(cy).managed)
        });
        assert_eq!(domains[0], (true, true, false), "the managed account claims acme.com");
        assert_eq!(domains[1], (true, false, false), "a claim of one domain leaves the other alone");
        assert!(!cy_managed, "cy's account on other.com is not claimed");
        // cy's record links to the unmanaged account as an external record (R6).
        assert_eq!(outcome.get(MetricId::UNLINKED_SCIM_RECORDS), 0.0);
        assert_eq!(outcome.get(MetricId::BILLABLE_ACCOUNTS), 2.0, "ann's (linked) and bob's (created)");
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
    }

    #[test]
    fn an_auto_claimed_domain_is_claimed_by_its_first_account() {
        // The auto-claim alone does not let SCIM create; the migration's account claims the
        // domain, and bob's record links at its next push (his email change on day 2).
        let mut f = file(
            json!([
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 0.5, "do": "enable_scim"},
                {"day": 1, "do": "migrate"}
            ]),
            json!({}),
        );
        f["population"]["people"][0]["server_email"] = json!("ann@acme.com");
        f["events"] = json!([{"day": 2, "do": "change_idp_email", "person": "bob", "to": "bob2@acme.com"}]);
        let (outcome, (domains, ann_managed)) = run_and_look(&scenario(&f), 0, |w| {
            let ann = w.person(crate::sim::PersonId(0)).accounts.first().copied();
            (claimed(w), ann.is_some_and(|a| w.account(a).managed))
        });
        assert_eq!(domains[0], (true, true, true));
        assert!(ann_managed, "managed from birth on an auto-claimed domain");
        // ann's record links at its next push; nothing pushes her again, so it stays unlinked.
        // bob's push on day 2 creates his managed account and links it; it joins jira-users
        // only at that group's next push, which never comes (ACCESS-1737 mechanics).
        assert_eq!(outcome.get(MetricId::UNLINKED_SCIM_RECORDS), 1.0);
        assert_eq!(outcome.get(MetricId::BILLABLE_ACCOUNTS), 0.0);
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
    }
}
