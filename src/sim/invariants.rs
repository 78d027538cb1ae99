//! The world's invariants, checked after every event by the tests (O(size of the world), so
//! never in a normal run).

use super::world::{GroupSource, World};
use super::{AccountId, GroupId, PersonId, RecordId};
use crate::metrics::{Breakdown, MetricId, N_COLUMNS};
use crate::sim::observe::Observer;

impl<O: Observer> World<'_, O> {
    /// Checks every invariant; returns the first violation found.
    pub fn check_invariants(&self) -> Result<(), String> {
        // An email belongs to at most one account, and the index knows every account.
        let held = self.n_emails_held();
        if held != self.accounts().len() {
            return Err(format!("{} accounts but {held} held emails", self.accounts().len()));
        }
        for (i, a) in self.accounts().iter().enumerate() {
            let id = AccountId::from_index(i);
            if self.account_by_email(a.email) != Some(id) {
                return Err(format!(
                    "account {i} ({}) is not the holder of its email",
                    self.emails().text(a.email)
                ));
            }
            // Links are symmetric: an account to at most one record, a record to at most one account.
            if let Some(r) = a.linked_record {
                match self.records().get(r.index()) {
                    Some(rec) if rec.linked == Some(id) => {}
                    _ => return Err(format!("account {i} links record {} which does not link it back", r.0)),
                }
            }
            // Group membership is mirrored on both sides, and the granting count is exact.
            let mut granting = 0;
            for g in &a.groups {
                let Some(group) = self.cloud_group(*g) else {
                    return Err(format!("account {i} is in deleted group {}", g.0));
                };
                if !group.members.contains(&id) {
                    return Err(format!("account {i} lists group {} which does not list it", g.0));
                }
                if !group.grants.is_empty() {
                    granting += 1;
                }
                // A deactivated account is in no SCIM group.
                if !a.active && group.source == GroupSource::Scim {
                    return Err(format!("deactivated account {i} is in SCIM group {}", g.0));
                }
            }
            if granting != a.n_granting {
                return Err(format!("account {i} counts {} granting groups, has {granting}", a.n_granting));
            }
            for p in &a.login_of {
                if self.person(*p).login != Some(id) {
                    return Err(format!("account {i} lists login user {} whose login differs", p.0));
                }
            }
            let orphan =
                a.active && a.n_granting > 0 && !a.owner.is_nobody() && !self.person(a.owner).employed;
            if orphan != a.orphan_since.is_some() {
                return Err(format!("account {i} orphan flag is stale"));
            }
        }
        for (i, r) in self.records().iter().enumerate() {
            if let Some(a) = r.linked {
                if self.account(a).linked_record != Some(RecordId::from_index(i)) {
                    return Err(format!("record {i} links account {} which does not link it back", a.0));
                }
            }
        }
        for (g, group) in self.cloud_groups().iter().enumerate() {
            for a in group.iter().flat_map(|c| c.members.iter()) {
                if !self.account(a).groups.contains(&GroupId::from_index(g)) {
                    return Err(format!("group {g} lists account {} which does not list it", a.0));
                }
            }
        }
        let (mut duplicates, mut orphaned) = (0, 0);
        for (i, person) in self.people().iter().enumerate() {
            let p = PersonId::from_index(i);
            let active = person.accounts.iter().filter(|&&a| self.account(a).active).count() as u32;
            if active != person.n_active_accounts {
                return Err(format!(
                    "person {i} counts {} active accounts, has {active}",
                    person.n_active_accounts
                ));
            }
            duplicates += u64::from(active >= 2);
            // Every change of what a person has was seen (touched) when it happened.
            if person.has != self.has(p) {
                return Err(format!("person {i}'s products changed without being touched"));
            }
            if let Some(idp) = &person.idp {
                for g in &idp.groups {
                    if !self.idp_group(*g).members.contains(&p) {
                        return Err(format!("person {i} is in IdP group {} which does not list them", g.0));
                    }
                }
            }
        }
        for (g, group) in self.idp_groups().iter().enumerate() {
            for p in group.members.iter() {
                let listed =
                    self.person(p).idp.as_ref().is_some_and(|i| i.groups.contains(&GroupId::from_index(g)));
                if !listed {
                    return Err(format!("IdP group {g} lists person {} who does not list it", p.0));
                }
            }
            // A membership change is also a placement to reconcile at the group's next push.
            if let Some(p) = group.changed.iter().find(|p| !group.dirty.contains(p)) {
                return Err(format!("IdP group {g}: person {}'s membership changed but is not dirty", p.0));
            }
        }
        orphaned += self.accounts().iter().filter(|a| a.orphan_since.is_some()).count() as u64;
        if duplicates != self.counters().duplicate_people {
            return Err(format!(
                "duplicate_people counter {} but {duplicates} people",
                self.counters().duplicate_people
            ));
        }
        if orphaned != self.counters().orphaned_accounts {
            return Err(format!(
                "orphaned_accounts counter {} but {orphaned}",
                self.counters().orphaned_accounts
            ));
        }
        // The metrics as they stand: every breakdown adds up to its parent exactly, and only
        // employed people can have more access than they are entitled to.
        let metrics = self.final_metrics(self.now());
        check_breakdowns(&metrics)?;
        let employed = self.people().iter().filter(|p| p.employed).count() as f64;
        if metrics[MetricId::OVER_ACCESS_PEOPLE.0] > employed {
            return Err(format!(
                "{} people with over-access but {employed} employed",
                metrics[MetricId::OVER_ACCESS_PEOPLE.0]
            ));
        }
        Ok(())
    }
}

/// Every breakdown of `metrics` (one value per column) adds up to its parent exactly.
pub(super) fn check_breakdowns(metrics: &[f64; N_COLUMNS]) -> Result<(), String> {
    for b in Breakdown::ALL {
        let (parts, whole): (f64, f64) = (b.columns().map(|m| metrics[m.0]).sum(), metrics[b.parent().0]);
        if parts != whole {
            return Err(format!("{} add up to {parts}, {} is {whole}", b.name(), b.parent().name()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::input::validate::parse_scenario;
    use crate::input::validate::scenario_from_value;
    use crate::metrics::MetricId;
    use crate::rng::Streams;
    use crate::sim::population::realise;
    use crate::sim::simulate_with;
    use serde_json::json;

    /// Every bundled scenario keeps every invariant after every event, in every strategy.
    #[test]
    fn bundled_scenarios_keep_the_invariants_after_every_event() {
        for file in crate::sim::testing::bundled_scenarios() {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let scenario = parse_scenario(&text).unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
            // Synthetic scenarios are large; `small_synthetic_worlds_keep_the_invariants` covers them.
            if !matches!(scenario.population, crate::input::scenario::Population::Explicit(_)) {
                continue;
            }
            for r in 0..scenario.replications.min(3) {
                for s in 0..scenario.strategies.len() {
                    let realised = realise(&scenario, Streams::new(scenario.seed, r));
                    let mut events = 0u64;
                    simulate_with(&scenario, s, realised.input(), |world| {
                        events += 1;
                        if let Err(e) = world.check_invariants() {
                            panic!(
                                "{} / {} / replication {r}: after event {events} at {}: {e}",
                                file.display(),
                                scenario.strategies[s].name,
                                world.now()
                            );
                        }
                    });
                }
            }
        }
    }

    /// A small organisation with every kind of person, drift, churn, group churn and every
    /// action keeps the invariants after every event, in every strategy and replication.
    #[test]
    fn small_synthetic_worlds_keep_the_invariants() {
        let scenario = crate::input::validate::scenario_from_value(&serde_json::json!({
            "name": "invariants", "seed": 11, "replications": 4, "horizon_days": 60,
            "products": ["jira", "confluence", "jsm"],
            "domains": [{"name": "acme.com", "share": 0.7}, {"name": "acme.co.uk", "share": 0.3}, {"name": "old.com"}],
            "groups": [
                {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "cloud_grants": ["jira"],
                 "members_share": 0.6, "idp_disagreement_share": 0.1},
                {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true, "members_share": 0.5},
                {"name": "jsm-agents", "grants": ["jsm"], "synced_from_idp": true, "default_access": true,
                 "cloud_grants": ["jsm"], "members_share": 0.1},
                {"name": "site-admins", "grants": ["jira"], "members_share": 0.02}
            ],
            "population": {"synthetic": {
                "people": 300, "idp_only_share": 0.05, "server_only_share": 0.05, "inactive_server_share": 0.05,
                "external_directory_share": 0.5, "initial_email_mismatch_share": 0.2,
                "existing_cloud_account_share": 0.1, "existing_cloud_other_email_share": 0.05,
                "invalid_server_email_share": 0.02, "duplicate_server_email_share": 0.03,
                "content_owner_share": 0.8, "out_of_scope_share": 0.05,
                "sso_email_mismatch_share": 0.1
            }},
            "idp": {"sync_interval_minutes": 180},
            "drift": {"idp_email_changes_per_person_year": 3, "idp_rekeys_per_person_year": 1, "server_sync_lag_hours": 6},
            "churn": {"joiners_per_day": 2, "leavers_per_day": 2},
            "assumptions": {"migrate_into_scim_group": "add"},
            "events": [
                {"day": 20, "do": "move_domain", "from": "acme.co.uk", "to": "acme.com", "share": 0.5},
                {"day": 25, "do": "delete_idp_group", "group": "confluence-users"},
                {"day": 26, "do": "create_idp_group", "group": "confluence-users"}
            ],
            "strategies": [
                {"name": "scim-first", "group_conflicts": "accept", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 1, "do": "claim_accounts", "auto": true},
                    {"day": 2, "do": "enable_scim"},
                    {"day": 10, "do": "migrate", "users": "referenced", "share": 0.5, "invalid_emails": "new_email", "duplicate_emails": "new_email"},
                    {"day": 12, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "merge"},
                    {"day": 13, "do": "cutover", "login_spread_days": 4},
                    {"day": 15, "do": "align_sso"},
                    {"day": 40, "do": "disable_scim", "method": "delete_directory"},
                    {"day": 45, "do": "enable_scim"}
                ]},
                {"name": "scim-last", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "verify_domain", "domain": "acme.co.uk"},
                    {"day": 10, "do": "migrate"},
                    {"day": 11, "do": "claim_accounts"},
                    {"day": 11, "do": "fix_emails", "coverage": 0.7},
                    {"day": 12, "do": "cutover", "login_spread_days": 2},
                    {"day": 20, "do": "enable_scim"},
                    {"day": 50, "do": "disable_scim", "method": "stop_in_idp"}
                ]},
                {"name": "upn-and-delete", "group_conflicts": "accept",
                 "idp": {"matching": "email", "deprovision": "delete"}, "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "verify_domain", "domain": "acme.co.uk"},
                    {"day": 1, "do": "claim_accounts", "auto": true},
                    {"day": 2, "do": "enable_scim"},
                    {"day": 10, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "merge"},
                    {"day": 12, "do": "cutover", "login_spread_days": 3}
                ]},
                {"name": "filter-and-none", "idp": {"matching": "email_filter", "deprovision": "none"}, "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 1, "do": "claim_accounts", "auto": true},
                    {"day": 2, "do": "enable_scim"},
                    {"day": 10, "do": "migrate"},
                    {"day": 12, "do": "cutover"}
                ]},
                {"name": "seed-and-remap", "group_conflicts": "accept", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "verify_domain", "domain": "old.com"},
                    {"day": 0, "do": "create_account", "email": "it-admin@old.com"},
                    {"day": 0, "do": "create_account", "email": "p3@acme.com"},
                    {"day": 1, "do": "claim_accounts", "domain": "old.com", "auto": true},
                    {"day": 2, "do": "enable_scim"},
                    {"day": 10, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "new_email",
                     "email_remap": {"to": "idp_email", "coverage": 0.7}},
                    {"day": 11, "do": "claim_accounts"},
                    {"day": 11, "do": "align_sso"},
                    {"day": 12, "do": "cutover"}
                ]}
            ]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        for r in 0..scenario.replications {
            let realised = realise(&scenario, Streams::new(scenario.seed, r));
            assert!(realised.n_joiners > 0, "the churn must generate joiners");
            for s in 0..scenario.strategies.len() {
                let mut events = 0u64;
                let outcome = simulate_with(&scenario, s, realised.input(), |world| {
                    events += 1;
                    if let Err(e) = world.check_invariants() {
                        panic!("strategy {s} replication {r}: after event {events} at {}: {e}", world.now());
                    }
                });
                assert!(outcome.get(crate::metrics::MetricId::DUPLICATE_PEOPLE) > 0.0);
            }
        }
    }

    /// A surplus account counted under no origin breaks the breakdown invariant.
    #[test]
    fn a_breakdown_that_does_not_add_up_is_reported() {
        let mut metrics = [0.0; crate::metrics::N_COLUMNS];
        assert_eq!(super::check_breakdowns(&metrics), Ok(()));
        metrics[MetricId::SURPLUS_ACCOUNTS.0] = 1.0;
        let e = super::check_breakdowns(&metrics).unwrap_err();
        assert!(e.starts_with("surplus_accounts_by_origin add up to 0"), "{e}");
    }

    /// With every email agreeing and no drift, no strategy produces a duplicate in any
    /// replication.
    #[test]
    fn agreeing_emails_never_produce_duplicates() {
        let scenario = scenario_from_value(&json!({
            "name": "agree", "replications": 6, "horizon_days": 60, "products": ["jira", "confluence"],
            "domains": [{"name": "acme.com"}],
            "groups": [
                {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "members_share": 0.7},
                {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true, "members_share": 0.5}
            ],
            "population": {"synthetic": {"people": 1500, "idp_only_share": 0.05, "server_only_share": 0.02,
                "inactive_server_share": 0.05, "external_directory_share": 0.5, "existing_cloud_account_share": 0.1}},
            "churn": {"joiners_per_day": 2, "leavers_per_day": 2},
            "strategies": [
                {"name": "scim-first", "group_conflicts": "accept", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 0, "do": "claim_accounts", "auto": true},
                    {"day": 1, "do": "enable_scim"},
                    {"day": 10, "do": "migrate"},
                    {"day": 11, "do": "cutover", "login_spread_days": 5}]},
                {"name": "scim-last", "group_conflicts": "accept", "timeline": [
                    {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                    {"day": 10, "do": "migrate"},
                    {"day": 11, "do": "cutover", "login_spread_days": 5},
                    {"day": 30, "do": "claim_accounts"},
                    {"day": 31, "do": "enable_scim"}]}
            ]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        for r in 0..scenario.replications {
            let realised = realise(&scenario, Streams::new(scenario.seed, r));
            for s in 0..scenario.strategies.len() {
                let outcome = simulate_with(&scenario, s, realised.input(), |_| {});
                assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0, "strategy {s} replication {r}");
                assert_eq!(outcome.get(MetricId::SPLIT_IDENTITY_PEOPLE), 0.0, "strategy {s} replication {r}");
            }
        }
    }
}
