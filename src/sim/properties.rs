//! Property tests: random and mutated scenarios, valid and invalid, never make loading,
//! validation or a short run panic, and every valid run keeps the world's invariants after
//! every event.

#![cfg(test)]

use crate::input::validate::{parse_scenario, scenario_from_value};
use crate::rng::Streams;
use crate::sim::invariants::check_breakdowns;
use crate::sim::population::realise;
use crate::sim::simulate_with;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Emails drawn from a small pool, so that collisions, case variants, invalid addresses and
/// unlisted domains are common.
const EMAILS: [&str; 12] = [
    "ann@acme.com",
    "Ann@Acme.com",
    "bob@acme.com",
    "bob@old.com",
    "cy@acme.com",
    "cy@old.com",
    "dee@acme.com",
    "dee@partner.io",
    "eve@old.com",
    "bad-email",
    "fred@acme.com",
    "migrated-user-1@placeholder.scimsim.invalid",
];
const GROUPS: [&str; 4] = ["jira-users", "confluence-users", "site-admins", "ghost"];
const IDS: [&str; 8] = ["p0", "p1", "p2", "p3", "p4", "p5", "j0", "nobody"];

fn email() -> impl Strategy<Value = Value> {
    prop::sample::select(EMAILS.to_vec()).prop_map(|e| json!(e))
}

fn group_list() -> impl Strategy<Value = Value> {
    prop::sample::subsequence(GROUPS.to_vec(), 0..3).prop_map(|g| json!(g))
}

fn person(id: usize) -> impl Strategy<Value = Value> {
    // IdP emails are mostly the person's own; the pool makes collisions and odd cases.
    let own = prop_oneof![
        3 => prop::sample::select(vec!["acme.com", "old.com", "Acme.com"]).prop_map(move |d| json!(format!("p{id}@{d}"))),
        1 => email(),
    ];
    (
        prop::option::weighted(0.9, own.clone()),
        prop::option::of(prop_oneof![own.clone(), email()]),
        prop::option::weighted(0.3, prop_oneof![own, email()]),
        prop::option::of(prop::sample::select(vec!["internal", "external"])),
        prop::option::of(any::<bool>()),
        (group_list(), group_list(), prop::option::of(any::<bool>()), prop::option::of(any::<bool>())),
    )
        .prop_map(
            move |(idp, server, cloud, directory, employed, (idp_groups, server_groups, scope, active))| {
                let mut p = Map::new();
                p.insert("id".into(), json!(format!("p{id}")));
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        p.insert(k.into(), v);
                    }
                };
                put("idp_email", idp.clone());
                put("server_email", server.clone());
                put("cloud_email", cloud);
                put("directory", directory.map(|d| json!(d)));
                put("employed", employed.map(|e| json!(e)));
                put("in_idp_scope", scope.map(|e| json!(e)));
                put("server_active", active.map(|e| json!(e)));
                if idp.is_some() {
                    put("idp_groups", Some(idp_groups));
                }
                if server.is_some() {
                    put("server_groups", Some(server_groups));
                }
                Value::Object(p)
            },
        )
}

/// Mostly within the 30-day horizon, now and then beyond it.
fn day() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => (0u32..=30).prop_map(|d| json!(d)),
        4 => (0.0f64..30.0).prop_map(|d| json!(d)),
        1 => (31u32..40).prop_map(|d| json!(d)),
    ]
}

fn event(n_people: usize) -> impl Strategy<Value = Value> {
    let mut ids: Vec<String> = (0..n_people.max(1)).map(|i| format!("p{i}")).collect();
    ids.extend(IDS.iter().filter(|_| n_people == 0).map(|s| s.to_string()));
    let who = prop_oneof![9 => prop::sample::select(ids), 1 => Just("nobody".to_string())];
    let group = prop::sample::select(GROUPS.to_vec());
    prop_oneof![
        (day(), who.clone(), email()).prop_map(|(d, p, e)| json!({"day": d, "do": "change_idp_email", "person": p, "to": e})),
        (day(), who.clone()).prop_map(|(d, p)| json!({"day": d, "do": "rekey_idp_object", "person": p})),
        (day(), who.clone()).prop_map(|(d, p)| json!({"day": d, "do": "leave", "person": p})),
        (day(), email(), group_list(), 0u32..3)
            .prop_map(|(d, e, g, k)| json!({"day": d, "do": "join", "person": {"id": format!("j{k}"), "idp_email": e, "idp_groups": g}})),
        (day(), group.clone()).prop_map(|(d, g)| json!({"day": d, "do": "delete_idp_group", "group": g})),
        (day(), group.clone(), prop::collection::vec(who.clone(), 0..3))
            .prop_map(|(d, g, m)| json!({"day": d, "do": "create_idp_group", "group": g, "members": m})),
        (day(), group.clone(), who.clone()).prop_map(|(d, g, p)| json!({"day": d, "do": "add_to_idp_group", "group": g, "person": p})),
        (day(), group, who).prop_map(|(d, g, p)| json!({"day": d, "do": "remove_from_idp_group", "group": g, "person": p})),
        (day(), 0.0f64..1.2).prop_map(|(d, s)| json!({"day": d, "do": "move_domain", "from": "old.com", "to": "acme.com", "share": s})),
    ]
}

fn migrate(d: Value) -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["all", "referenced"]),
        prop::sample::select(vec!["former_user", "new_email", "block"]),
        prop::sample::select(vec!["merge", "new_email", "block"]),
        prop::sample::select(vec!["merge", "none"]),
        prop::option::weighted(
            0.4,
            (
                prop::option::of(0.0f64..1.1),
                prop::option::of((prop::sample::select(IDS.to_vec()), prop_oneof![email(), Just(json!("former_user"))])),
            ),
        ),
    )
        .prop_map(move |(u, i, du, g, remap)| {
            let mut m = json!({"day": d.clone(), "do": "migrate", "users": u, "invalid_emails": i, "duplicate_emails": du, "groups": g});
            if let Some((coverage, entry)) = remap {
                let mut r = json!({});
                if let Some(c) = coverage {
                    r["to"] = json!("idp_email");
                    r["coverage"] = json!(c);
                }
                if let Some((id, e)) = entry {
                    r["people"] = json!({id: e});
                }
                m["email_remap"] = r;
            }
            m
        })
}

/// A timeline in the shape strategies have (verify, claim, SCIM on, migrate, fix, cutover, SCIM
/// off, each optional), at random days in time order; now and then with an extra action
/// anywhere, which is usually invalid (a second cutover, SCIM enabled twice ...).
fn strategy(name: &'static str) -> impl Strategy<Value = Value> {
    let days = prop::collection::vec(0u32..=30, 8).prop_map(|mut d| {
        d.sort_unstable();
        d
    });
    (
        days,
        (prop::option::of(prop::sample::select(vec!["acme.com", "old.com"])), prop::option::of(any::<bool>())),
        (any::<bool>(), any::<bool>(), any::<bool>(), prop::option::of(0.0f64..=1.0)),
        (prop::option::of(0.0f64..3.0), prop::option::of(prop::sample::select(vec!["delete_directory", "stop_in_idp"]))),
        (any::<bool>(), prop::option::weighted(0.1, (0u32..32, prop::sample::select(vec!["cutover", "enable_scim", "disable_scim", "verify_domain", "create_account", "claim_accounts"])))),
        prop::option::of(migrate(json!(0))),
    )
        .prop_map(move |(d, (verify, claim), (scim, migrate_twice, fix_first, coverage), (cutover, disable), (accept, extra), second)| {
            let mut t: Vec<Value> = Vec::new();
            if let Some(x) = verify {
                t.push(json!({"day": d[0], "do": "verify_domain", "domain": x}));
            }
            if let Some(auto) = claim {
                t.push(json!({"day": d[1], "do": "claim_accounts", "auto": auto}));
            }
            if scim {
                t.push(json!({"day": d[2], "do": "enable_scim"}));
            }
            t.push(json!({"day": d[3], "do": "migrate"}));
            if let (Some(c), true) = (coverage, fix_first) {
                t.push(json!({"day": d[4], "do": "fix_emails", "coverage": c}));
            }
            if let Some(mut m) = second.filter(|_| migrate_twice) {
                m["day"] = json!(d[4]);
                t.push(m);
            }
            if let Some(spread) = cutover {
                t.push(json!({"day": d[5], "do": "cutover", "login_spread_days": spread}));
            }
            if let (Some(c), false) = (coverage, fix_first) {
                t.push(json!({"day": d[6], "do": "fix_emails", "coverage": c}));
            }
            if let (Some(m), true) = (disable, scim) {
                t.push(json!({"day": d[7], "do": "disable_scim", "method": m}));
            }
            if let Some((day, kind)) = extra {
                let mut a = json!({"day": day, "do": kind});
                match kind {
                    "disable_scim" => a["method"] = json!("delete_directory"),
                    "verify_domain" => a["domain"] = json!("acme.com"),
                    "create_account" => {
                        a["email"] = json!(EMAILS[day as usize % EMAILS.len()]);
                        if day % 2 == 0 {
                            a["person"] = json!(IDS[day as usize % IDS.len()]);
                        }
                    }
                    "claim_accounts" => a["domain"] = json!("old.com"),
                    _ => {}
                }
                t.push(a);
            }
            json!({"name": name, "group_conflicts": if accept { "accept" } else { "reject" }, "timeline": t})
        })
}

fn scenario() -> impl Strategy<Value = Value> {
    (0..7usize).prop_flat_map(|n| (
        (0..n).map(person).collect::<Vec<_>>(),
        prop::collection::vec(event(n), 0..6),
        strategy("a"),
        strategy("b"),
        prop::sample::select(vec!["case_insensitive", "case_sensitive"]),
        prop::sample::select(vec!["skip", "add"]),
        (any::<bool>(), any::<bool>(), prop::sample::select(vec!["entra_id", "okta", "google"])),
    ))
        .prop_map(|(people, events, a, b, email_match, into_scim, (synced, local, profile))| {
            json!({
                "name": "prop", "seed": 3, "replications": 2, "horizon_days": 30, "products": ["jira", "confluence"],
                "domains": [{"name": "acme.com"}, {"name": "old.com"}],
                "groups": [
                    {"name": "jira-users", "grants": ["jira"], "synced_from_idp": synced, "cloud_grants": if local { json!(["jira"]) } else { Value::Null }},
                    {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true, "default_access": !synced},
                    {"name": "site-admins", "grants": ["jira"], "synced_from_idp": local},
                    {"name": "ghost", "synced_from_idp": true}
                ],
                "population": {"people": people},
                "idp": {"profile": profile},
                "assumptions": {"email_match": email_match, "migrate_into_scim_group": into_scim},
                "events": events,
                "strategies": [a, b],
                "expect": [{"strategy": "a", "metric": "duplicate_people", "at_most": 100}]
            })
        })
}

/// A random structural mutation: drop a field, change a value's type, add an unknown field.
fn mutate(mut v: Value, path: &[usize], kind: u8) -> Value {
    enum Seg {
        Key(String),
        Index(usize),
    }
    // Choose the target with shared borrows, then reach it mutably.
    let mut segs = Vec::new();
    let mut node = &v;
    for &choice in path {
        match node {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(choice % m.len()).cloned().unwrap_or_default();
                node = &m[&key];
                segs.push(Seg::Key(key));
            }
            Value::Array(a) if !a.is_empty() => {
                let i = choice % a.len();
                node = &a[i];
                segs.push(Seg::Index(i));
            }
            _ => break,
        }
    }
    let mut target = &mut v;
    for seg in segs {
        target = match seg {
            Seg::Key(k) => &mut target[k.as_str()],
            Seg::Index(i) => &mut target[i],
        };
    }
    match (kind % 5, &mut *target) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let key = m.keys().next().cloned().unwrap_or_default();
            m.remove(&key);
        }
        (1, Value::Object(m)) => {
            m.insert("unexpected_field".into(), json!(1));
        }
        (2, t) => *t = json!("a string"),
        (3, t) => *t = json!(-1.5),
        (4, t) => *t = json!([[], {}, null]),
        _ => *target = Value::Null,
    }
    v
}

/// Loads `v`; when valid, runs every strategy of one replication checking the invariants.
fn load_and_run(v: &Value) {
    let Ok(s) = scenario_from_value(v) else { return };
    for r in 0..s.replications.min(2) {
        let realised = realise(&s, Streams::new(s.seed, r));
        for k in 0..s.strategies.len() {
            let mut n = 0;
            let outcome = simulate_with(&s, k, realised.input(), |world| {
                n += 1;
                if let Err(e) = world.check_invariants() {
                    panic!("invariant broken after event {n} at {} in strategy {k}: {e}\n{v:#}", world.now());
                }
            });
            // The reported outcome keeps them too: every breakdown adds up to its parent.
            if let Err(e) = check_breakdowns(&outcome.values) {
                panic!("the outcome of strategy {k}: {e}\n{v:#}");
            }
        }
    }
}

proptest! {
    // 400 cases in CI; `PROPTEST_CASES=100000 cargo test --release properties` for a long run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_scenarios_never_panic_and_keep_the_invariants(v in scenario()) {
        load_and_run(&v);
    }

    #[test]
    fn mutated_scenarios_never_panic(v in scenario(), path in prop::collection::vec(0usize..16, 0..5), kind in any::<u8>()) {
        load_and_run(&mutate(v, &path, kind));
    }

    #[test]
    fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_scenario(&text);
    }

    #[test]
    fn truncated_scenarios_never_panic(v in scenario(), cut in 0.0f64..1.0) {
        let text = v.to_string();
        let at = (text.len() as f64 * cut) as usize;
        let mut end = at.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let _ = parse_scenario(&text[..end]);
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let text = "[".repeat(200_000);
    assert!(parse_scenario(&text).is_err());
    let nested = format!("{{\"name\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_scenario(&nested).is_err());
}
