//! Admin-created accounts (R17): an admin invites an account with an email — the documented
//! way to seed a domain with a first account so that a claim can make it verified+claimed
//! (ACCESS-2172). The account is active, in no group, managed per R2′ (from birth on an
//! auto-claimed domain, else once a claim covers it), of origin `admin`; with a `person` it is
//! theirs, without it belongs to nobody (a test or service account: no person metric counts
//! it). An email another account holds makes the invitation fail (`admin_fix_failures`).

use crate::sim::PersonId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{Origin, World};

impl<O: Observer> World<'_, O> {
    /// R17: an admin invites an account with `email` for `person` (`None`: nobody).
    pub(crate) fn create_admin_account(&mut self, email: &str, person: Option<PersonId>) {
        self.set_rule(Rule::R17);
        let email = self.intern_email(email);
        if self.account_by_email(email).is_some() {
            self.count_admin_fix_failure();
            return;
        }
        self.create_account(email, true, Origin::Admin, person.unwrap_or(PersonId::NOBODY));
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{run_and_look, scenario};
    use crate::sim::{Origin, PersonId};
    use serde_json::json;

    #[test]
    fn an_admin_account_is_the_persons_or_nobodys_and_a_taken_email_fails() {
        let file = json!({
            "name": "r17", "horizon_days": 3, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "cloud_grants": ["jira"]}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "cloud_email": "ann.old@acme.com", "cloud_groups": ["jira-users"]},
                {"id": "bob", "server_email": "bob@acme.com"}
            ]},
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 1, "do": "create_account", "email": "ann@acme.com", "person": "ann"},
                {"day": 1, "do": "create_account", "email": "svc@acme.com"},
                {"day": 1, "do": "migrate"},
                {"day": 1, "do": "create_account", "email": "Bob@acme.com", "person": "bob"},
                {"day": 2, "do": "claim_accounts"}
            ]}]
        });
        let (outcome, accounts) = run_and_look(&scenario(&file), 0, |w| {
            w.accounts().iter().map(|a| (a.origin, a.owner, a.active, a.managed)).collect::<Vec<_>>()
        });
        assert_eq!(
            accounts,
            vec![
                (Origin::PreExisting, PersonId(0), true, true),
                (Origin::Admin, PersonId(0), true, true),
                (Origin::Admin, PersonId::NOBODY, true, true),
                (Origin::Migration, PersonId(1), true, true),
            ],
            "two invitations succeed; the claim makes every account managed"
        );
        assert_eq!(
            outcome.get(MetricId::ADMIN_FIX_FAILURES),
            1.0,
            "the migration holds bob@acme.com (R1: Bob@ is the same key)"
        );
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 1.0, "ann has two active accounts");
        assert_eq!(outcome.get(MetricId::SURPLUS_ACCOUNTS), 1.0, "nobody's account is nobody's surplus");
        assert_eq!(outcome.get(MetricId::ORPHANED_ACCOUNTS), 0.0);
        assert_eq!(outcome.get(MetricId::BILLABLE_ACCOUNTS), 1.0, "invited accounts are in no group");
    }
}
