//! The end-of-horizon metrics (`World::final_metrics`) on tiny worlds whose every number is
//! known: the split of surplus accounts by origin, over-access and remapped users.
//!
//! Apart from `world/measure.rs` because the worlds are built through `population`, which
//! itself depends on the world.

#![cfg(test)]

use crate::metrics::{MetricId, Outcome};
use crate::rng::Streams;
use crate::sim::observe::NoObserver;
use crate::sim::population::realise;
use crate::sim::testing::{run, run_and_look, scenario};
use crate::sim::world::World;
use crate::sim::{Origin, PersonId};
use serde_json::{Value, json};

/// The outcome of the first strategy of `file` in replication 0.
fn outcome(file: &Value) -> Outcome {
    run_and_look(&scenario(file), 0, |_| ()).0
}

/// `surplus_accounts_by_origin` of an outcome, by origin name.
fn by_origin(o: &Outcome) -> Vec<(&'static str, f64)> {
    Origin::ALL.iter().map(|&origin| (origin.name(), o.get(MetricId::surplus_of(origin)))).collect()
}

/// Ann has a pre-existing account; the migration gives her a second one (her server email)
/// and her sign-in a third (her IdP email): two surplus accounts, by migration and by
/// self-signup, the pre-existing one being the first created. Bob's single account is none.
#[test]
fn every_active_account_but_the_first_created_is_surplus_under_its_origin() {
    let o = outcome(&json!({
        "name": "surplus", "horizon_days": 4, "products": ["jira"],
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
    assert_eq!(o.get(MetricId::DUPLICATE_PEOPLE), 1.0);
    assert_eq!(o.get(MetricId::SURPLUS_ACCOUNTS), 2.0);
    assert_eq!(
        by_origin(&o),
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

/// An admin-invited account (R17) for a person who has one is surplus under `admin`; one that
/// belongs to nobody counts for no person.
#[test]
fn an_admin_account_of_a_person_is_surplus_under_admin_and_nobodys_is_not() {
    let o = outcome(&json!({
        "name": "admin", "horizon_days": 2, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"people": [{"id": "ann", "cloud_email": "ann.old@acme.com", "idp_email": "ann@acme.com"}]},
        "strategies": [{"name": "invite", "timeline": [
            {"day": 1, "do": "create_account", "email": "ann@acme.com", "person": "ann"},
            {"day": 1, "do": "create_account", "email": "svc@acme.com"}
        ]}]
    }));
    assert_eq!(o.get(MetricId::SURPLUS_ACCOUNTS), 1.0);
    assert_eq!(o.get(MetricId::surplus_of(Origin::Admin)), 1.0);
    assert_eq!(o.get(MetricId::surplus_of(Origin::PreExisting)), 0.0);
}

/// Kim is in no IdP group, so entitled to nothing; migrating into the SCIM group with `add`
/// puts her account in `jira-users` behind the IdP's back, and no push comes to remove it:
/// she has jira without being entitled to it. With `skip` she has nothing.
#[test]
fn a_migration_added_membership_is_over_access() {
    let file = |into_scim: &str| {
        json!({
            "name": "over-access", "horizon_days": 4, "products": ["jira"],
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
    let add = outcome(&file("add"));
    assert_eq!(add.get(MetricId::OVER_ACCESS_PEOPLE), 1.0);
    assert_eq!(add.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
    assert_eq!(outcome(&file("skip")).get(MetricId::OVER_ACCESS_PEOPLE), 0.0);
}

/// `remapped_users` counts the people marked as remapped: by the primitive, once each however
/// often they are marked, and by the migration's email remap (R18).
#[test]
fn remapped_users_counts_the_marked_people() {
    let file = |remap: Value| {
        json!({
            "name": "remapped", "horizon_days": 2, "products": ["jira"],
            "domains": [{"name": "acme.com"}, {"name": "old.com"}],
            "population": {"people": [
                {"id": "ann", "server_email": "ann@old.com", "idp_email": "ann@acme.com"},
                {"id": "bob", "server_email": "bob@acme.com", "idp_email": "bob@acme.com"}
            ]},
            "strategies": [{"name": "migrate", "timeline": [{"day": 1, "do": "migrate", "email_remap": remap}]}]
        })
    };
    let scenario = scenario(&file(json!({})));
    let realised = realise(&scenario, Streams::new(scenario.seed, 0));
    let input = realised.input();
    let mut world = World::new(&scenario, &scenario.strategies[0], &input, NoObserver);
    let horizon = scenario.horizon();
    assert_eq!(world.final_metrics(horizon)[MetricId::REMAPPED_USERS.0], 0.0);
    world.mark_remapped(PersonId(1));
    world.mark_remapped(PersonId(1));
    assert_eq!(world.final_metrics(horizon)[MetricId::REMAPPED_USERS.0], 1.0);
    // Ann's IdP email differs from her server email; Bob's is the same.
    assert_eq!(outcome(&file(json!({"to": "idp_email"}))).get(MetricId::REMAPPED_USERS), 1.0);
    assert_eq!(outcome(&file(json!({}))).get(MetricId::REMAPPED_USERS), 0.0);
}

/// `former_users` counts people migrated as a Former user, with or without content.
#[test]
fn former_users_count_with_or_without_content() {
    let v = json!({
        "name": "former", "replications": 1, "horizon_days": 2, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"people": [
            {"id": "vic", "server_email": "vic-at-acme", "owns_content": false},
            {"id": "wes", "server_email": "wes-at-acme"}
        ]},
        "strategies": [
            {"name": "former", "timeline": [{"day": 1, "do": "migrate", "invalid_emails": "former_user"}]},
            {"name": "block", "timeline": [{"day": 1, "do": "migrate"}]}
        ]
    });
    assert_eq!(run(&v, 0).get(MetricId::FORMER_USERS), 2.0);
    let block = run(&v, 1);
    assert_eq!(block.get(MetricId::FORMER_USERS), 0.0);
    assert_eq!(block.get(MetricId::BLOCKED_USERS), 2.0);
}

/// A server user whose email is blank (`"server_email": ""`, as an export gives it) is data:
/// the migration treats the email as invalid (R3) — a Former user, blocked, or a placeholder,
/// as `invalid_emails` says — and two blank emails are not duplicates of each other.
#[test]
fn a_blank_server_email_migrates_as_an_invalid_one() {
    let file = |invalid: &str| {
        json!({
            "name": "blank", "horizon_days": 3, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"]}],
            "population": {"people": [
                {"id": "ann", "server_email": "", "server_groups": ["jira-users"]},
                {"id": "bob", "server_email": "", "server_groups": ["jira-users"]},
                {"id": "cy", "server_email": "cy@acme.com", "server_groups": ["jira-users"]}
            ]},
            "strategies": [{"name": "s", "timeline": [
                {"day": 1, "do": "migrate", "invalid_emails": invalid}
            ]}]
        })
    };
    let former = outcome(&file("former_user"));
    assert_eq!(former.get(MetricId::FORMER_USERS), 2.0);
    assert_eq!(former.get(MetricId::BLOCKED_USERS), 0.0);
    let blocked = outcome(&file("block"));
    assert_eq!((blocked.get(MetricId::BLOCKED_USERS), blocked.get(MetricId::FORMER_USERS)), (2.0, 0.0));
    assert_eq!(outcome(&file("new_email")).get(MetricId::BILLABLE_ACCOUNTS), 3.0, "two placeholders and cy");
}

/// A pre-existing account deactivated before the migration (`cloud_active: false`, an export's
/// inactive account) holds its email: SCIM cannot link it (the record did not deactivate it,
/// R6: `scim_errors`), and the person's sign-in lands on it without access. Active, it links.
#[test]
fn a_deactivated_pre_existing_account_blocks_its_email() {
    let file = |active: bool| {
        json!({
            "name": "deactivated", "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "cloud_email": "ann@acme.com", "cloud_active": active,
                 "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "cloud_email": "bob@acme.com", "idp_groups": ["jira-users"]}
            ]},
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "enable_scim"},
                {"day": 2, "do": "cutover", "login_spread_days": 0}
            ]}]
        })
    };
    let off = outcome(&file(false));
    assert_eq!(off.get(MetricId::SCIM_ERRORS), 1.0);
    assert_eq!(off.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0);
    assert_eq!(off.get(MetricId::BILLABLE_ACCOUNTS), 1.0, "bob's");
    let on = outcome(&file(true));
    assert_eq!((on.get(MetricId::SCIM_ERRORS), on.get(MetricId::MISSING_ACCESS_PEOPLE)), (0.0, 0.0));
}
