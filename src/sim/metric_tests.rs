//! The end-of-horizon metrics (`World::final_metrics`) on tiny worlds whose every number is
//! known: the split of surplus accounts by origin, over-access and remapped users.
//!
//! Apart from `world/measure.rs` because the worlds are built through [`super::population`],
//! which itself depends on the world.

#![cfg(test)]

use crate::input::validate::scenario_from_value;
use crate::metrics::MetricId;
use crate::rng::Streams;
use crate::sim::observe::NoObserver;
use crate::sim::population::realise;
use crate::sim::world::World;
use crate::sim::{Origin, PersonId, simulate};
use serde_json::{Value, json};

/// The outcome of every strategy of `scenario` in its first replication.
fn run(scenario: &Value) -> Vec<crate::metrics::Outcome> {
    let scenario = scenario_from_value(scenario).unwrap_or_else(|p| panic!("{p:?}"));
    let realised = realise(&scenario, Streams::new(scenario.seed, 0));
    (0..scenario.strategies.len()).map(|s| simulate(&scenario, s, realised.input())).collect()
}

/// Ann has a pre-existing account; the migration gives her a second one (her server email)
/// and her sign-in a third (her IdP email): two surplus accounts, by migration and by
/// self-signup, the pre-existing one being the first created. Bob's single account is none.
#[test]
fn every_active_account_but_the_first_created_is_surplus_under_its_origin() {
    let outcomes = run(&json!({
        "name": "surplus", "replications": 1, "horizon_days": 4, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"people": [
            {"id": "ann", "cloud_email": "ann.old@acme.com", "server_email": "ann.server@acme.com",
             "idp_email": "ann@acme.com"},
            {"id": "bob", "server_email": "bob@acme.com", "idp_email": "bob@acme.com"}
        ]},
        "strategies": [{"name": "migrate", "timeline": [
            {"day": 1, "do": "migrate"},
            {"day": 2, "do": "cutover", "login_spread_days": 0}
        ]}]
    }));
    let o = &outcomes[0];
    assert_eq!(o.get(MetricId::DUPLICATE_PEOPLE), 1.0);
    assert_eq!(o.get(MetricId::SURPLUS_ACCOUNTS), 2.0);
    let by_origin: Vec<(&str, f64)> =
        Origin::ALL.iter().map(|&origin| (origin.name(), o.get(MetricId::surplus_of(origin)))).collect();
    assert_eq!(
        by_origin,
        [
            ("pre_existing", 0.0),
            ("migration", 1.0),
            ("scim", 0.0),
            ("self_signup", 1.0),
            ("placeholder", 0.0),
            ("admin", 0.0)
        ]
    );
}

/// Kim is in no IdP group, so entitled to nothing; migrating into the SCIM group with `add`
/// puts her account in `jira-users` behind the IdP's back, and no push comes to remove it:
/// she has jira without being entitled to it. With `skip` she has nothing.
#[test]
fn a_migration_added_membership_is_over_access() {
    let scenario = |into_scim: &str| {
        json!({
            "name": "over-access", "replications": 1, "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "kim", "cloud_email": "kim@acme.com", "server_email": "kim@acme.com",
                 "server_groups": ["jira-users"], "idp_email": "kim@acme.com", "idp_groups": []}
            ]},
            "assumptions": {"migrate_into_scim_group": into_scim},
            "strategies": [{"name": "scim-first", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "claim_accounts"},
                {"day": 1, "do": "enable_scim"},
                {"day": 2, "do": "migrate", "groups": "merge"},
                {"day": 3, "do": "cutover", "login_spread_days": 0}
            ]}]
        })
    };
    let add = &run(&scenario("add"))[0];
    assert_eq!(add.get(MetricId::OVER_ACCESS_PEOPLE), 1.0);
    assert_eq!(add.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
    let skip = &run(&scenario("skip"))[0];
    assert_eq!(skip.get(MetricId::OVER_ACCESS_PEOPLE), 0.0);
}

/// `remapped_users` counts the people the migration marked as remapped.
#[test]
fn remapped_users_counts_the_marked_people() {
    let scenario = scenario_from_value(&json!({
        "name": "remapped", "replications": 1, "horizon_days": 1, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"people": [
            {"id": "ann", "server_email": "ann@acme.com", "idp_email": "ann@acme.com"},
            {"id": "bob", "server_email": "bob@acme.com", "idp_email": "bob@acme.com"}
        ]},
        "strategies": [{"name": "none", "timeline": []}]
    }))
    .unwrap_or_else(|p| panic!("{p:?}"));
    let realised = realise(&scenario, Streams::new(scenario.seed, 0));
    let input = realised.input();
    let mut world = World::new(&scenario, &scenario.strategies[0], &input, NoObserver);
    let horizon = scenario.horizon();
    assert_eq!(world.final_metrics(horizon)[MetricId::REMAPPED_USERS.0], 0.0);
    world.mark_remapped(PersonId(1));
    world.mark_remapped(PersonId(1));
    assert_eq!(world.final_metrics(horizon)[MetricId::REMAPPED_USERS.0], 1.0);
}
