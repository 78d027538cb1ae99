//! Support for the rule tests: runs one strategy of a small explicit scenario and looks at the
//! world as the run goes. Also the tests of readings whose rule lives in a file the tests do
//! not belong in (a metric's definition, the migration's duplicate check).

#![cfg(test)]

use crate::input::validate::scenario_from_value;
use crate::metrics::{MetricId, Outcome};
use crate::rng::Streams;
use crate::sim::population::realise;
use crate::sim::world::World;
use crate::sim::{AccountId, GroupId, SimTime, simulate_with};
use serde_json::{Value, json};

/// Runs strategy `strategy` of scenario `v` (replication 0) and returns its outcome with
/// `look`'s value on the world after the last event at or before each of `days`, in order.
/// `look` also sees the world after every earlier event, where what it looks for may not exist
/// yet: it returns an `Option` for that.
pub(crate) fn run_looking<T>(
    v: &Value,
    strategy: usize,
    days: &[f64],
    look: impl Fn(&World<'_>) -> Option<T>,
) -> (Outcome, Vec<Option<T>>) {
    let scenario = scenario_from_value(v).unwrap_or_else(|p| panic!("{p:#?}"));
    let realised = realise(&scenario, Streams::new(scenario.seed, 0));
    let mut seen: Vec<Option<T>> = days.iter().map(|_| None).collect();
    let outcome = simulate_with(&scenario, strategy, realised.input(), |world| {
        for (k, &day) in days.iter().enumerate() {
            if world.now() <= SimTime::from_days(day) {
                seen[k] = look(world);
            }
        }
    });
    (outcome, seen)
}

/// Runs strategy `strategy` of scenario `v` (replication 0).
pub(crate) fn run(v: &Value, strategy: usize) -> Outcome {
    run_looking(v, strategy, &[], |_| Some(())).0
}

/// The account holding `email`, if any.
pub(crate) fn account(world: &World<'_>, email: &str) -> Option<AccountId> {
    world.emails().get(email).and_then(|e| world.account_by_email(e))
}

/// True when account `a` is a member of the live cloud group of name index `g`.
pub(crate) fn in_group(world: &World<'_>, g: usize, a: AccountId) -> bool {
    world.cloud_group(GroupId::from_index(g)).is_some_and(|c| c.members.contains(&a))
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

/// The migration finds duplicate server emails over every server user, not only those in the
/// run's scope: with `users: referenced`, a content owner whose email a non-owner (out of
/// scope) shares is still a duplicate.
#[test]
fn duplicate_emails_are_found_over_all_server_users() {
    let strategy = |name: &str, users: &str, duplicates: &str| {
        json!({"name": name, "timeline": [
            {"day": 1, "do": "migrate", "users": users, "share": 1, "duplicate_emails": duplicates}
        ]})
    };
    let v = json!({
        "name": "duplicates", "replications": 1, "horizon_days": 2, "products": ["jira"],
        "domains": [{"name": "acme.com"}],
        "population": {"people": [
            {"id": "ann", "server_email": "shared@acme.com", "owns_content": false},
            {"id": "bob", "server_email": "shared@acme.com"},
            {"id": "cy", "server_email": "cy@acme.com"}
        ]},
        "strategies": [
            strategy("referenced-block", "referenced", "block"),
            strategy("referenced-new-email", "referenced", "new_email")
        ]
    });
    let (block, accounts) = run_looking(&v, 0, &[2.0], |w| Some(w.accounts().len()));
    // bob (in scope) shares his email with ann (out of scope): blocked; cy is migrated.
    assert_eq!(block.get(MetricId::BLOCKED_USERS), 1.0);
    assert_eq!(accounts, [Some(1)]);
    // With `new_email`, ann (first in file order) keeps the email, so bob gets a placeholder.
    let (_, origins) =
        run_looking(&v, 1, &[2.0], |w| Some(w.accounts().iter().map(|a| a.origin).collect::<Vec<_>>()));
    assert_eq!(origins, [Some(vec![crate::sim::Origin::Placeholder, crate::sim::Origin::Migration])]);
}
