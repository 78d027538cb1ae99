//! Admin email fix (R13): `fix_emails` with coverage c — for each employed person with an IdP
//! identity whose migrated account (the account holding their migrated content, else the one
//! with their server email) has an email other than their IdP email, an admin sets that
//! account's email to the IdP email with probability c. It fails (`admin_fix_failures`) when the
//! account is unmanaged or SCIM-locked, the target email is taken, or its domain is not
//! verified+claimed.

use crate::sim::PersonId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;

impl<O: Observer> World<'_, O> {
    /// R13: for each employed person with an IdP identity whose migrated account's email is
    /// not their IdP email, an admin reaches them with probability `coverage` (a per-person
    /// uniform, so a higher coverage reaches a superset) and sets the account's email.
    pub(crate) fn fix_emails(&mut self, coverage: f64) {
        self.set_rule(Rule::R13);
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            if !person.employed {
                continue;
            }
            let Some(idp) = &person.idp else { continue };
            let target = person
                .content_account
                .or_else(|| person.server.as_ref().and_then(|s| self.account_by_email(s.email)));
            let Some(a) = target else { continue };
            let new_email = idp.email;
            if self.account(a).email == new_email {
                continue;
            }
            if self.fix_emails_draw(p) >= coverage {
                continue;
            }
            let taken = self.account_by_email(new_email).is_some_and(|b| b != a);
            if !self.account(a).managed || self.scim_locked(a) || taken || !self.verified_claimed(new_email) {
                self.count_admin_fix_failure();
                continue;
            }
            self.change_account_email(a, new_email);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::input::validate::scenario_from_value;
    use crate::rng::Streams;
    use crate::sim::population::realise;
    use crate::sim::{PersonId, simulate_with};
    use serde_json::json;
    use std::collections::BTreeSet;

    /// Raising `fix_emails.coverage` never un-fixes a person: the people an admin reaches at
    /// 0.8 are a subset of those reached at 0.9 (per-person uniforms), in every replication.
    #[test]
    fn a_higher_coverage_fixes_a_superset() {
        let strategy = |name: &str, coverage: f64| {
            json!({"name": name, "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "verify_domain", "domain": "legacy.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "migrate"},
                {"day": 2, "do": "fix_emails", "coverage": coverage}
            ]})
        };
        let scenario = scenario_from_value(&json!({
            "name": "coupling", "replications": 5, "horizon_days": 3, "products": ["jira"],
            "domains": [{"name": "acme.com", "share": 1}, {"name": "legacy.com", "share": 0}],
            "population": {"synthetic": {"people": 2000, "initial_email_mismatch_share": 0.5}},
            "strategies": [strategy("low", 0.8), strategy("high", 0.9), strategy("none", 0.0), strategy("all", 1.0)]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        for r in 0..scenario.replications {
            let realised = realise(&scenario, Streams::new(scenario.seed, r));
            let fixed: Vec<BTreeSet<PersonId>> = (0..4)
                .map(|s| {
                    let mut fixed = BTreeSet::new();
                    simulate_with(&scenario, s, realised.input(), |world| {
                        fixed = (0..world.people().len())
                            .map(PersonId::from_index)
                            .filter(|&p| {
                                let person = world.person(p);
                                let server = person.server.as_ref().map(|s| s.email);
                                let (Some(idp), Some(a)) = (&person.idp, person.content_account) else {
                                    return false;
                                };
                                server != Some(idp.email) && world.account(a).email == idp.email
                            })
                            .collect();
                    });
                    fixed
                })
                .collect();
            let mismatched = realised
                .people
                .iter()
                .filter(|p| {
                    p.idp_email.is_some() && p.server_email.is_some() && p.idp_email != p.server_email
                })
                .count();
            assert!(fixed[0].is_subset(&fixed[1]), "replication {r}: 0.8 fixed someone 0.9 did not");
            assert!(fixed[0].len() < fixed[1].len(), "replication {r}: 0.9 reaches more people");
            assert!(fixed[2].is_empty());
            assert_eq!(fixed[3].len(), mismatched, "coverage 1 fixes every mismatched person");
        }
    }
}
