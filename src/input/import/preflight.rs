//! `preflight.md` (DESIGN §11): what the exports show before any Monte Carlo — each finding
//! with its count and the first person ids — and how the rows were joined, weak joins listed.

use super::join::JoinKey;
use super::organisation::{Organisation, person_ids};
use super::{CloudStatus, JcmaError};
use crate::input::email::{domain_of, email_key, is_valid};
use crate::input::scenario::EmailMatch;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How many first ids a finding names.
const FIRST: usize = 5;

/// How many weak joins the pre-flight lists one by one.
const WEAK_LISTED: usize = 100;

/// One finding: what, how many, and the first ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is, in words.
    pub what: String,
    /// The person ids it concerns, in person order.
    pub ids: Vec<String>,
}

/// Default-access group names of Jira and Confluence: a synced group of one of these names
/// meets a group SCIM cannot take over (R10).
const DEFAULT_ACCESS: [&str; 5] = [
    "jira-users",
    "jira-software-users",
    "jira-servicemanagement-users",
    "confluence-users",
    "jira-core-users",
];

/// The deterministic findings, in a fixed order; a finding with no person is left out.
pub fn findings(
    org: &Organisation<'_>,
    display_ids: &[String],
    mask: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    let key = |e: &str| email_key(e, EmailMatch::CaseInsensitive).into_owned();
    let people = &org.joined.people;
    let mut out: Vec<Finding> = Vec::new();
    let mut push = |what: String, ids: Vec<String>| {
        if !ids.is_empty() {
            out.push(Finding { what, ids });
        }
    };
    // Server emails that differ from the IdP email, by domain pair.
    let mut pairs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (p, id) in people.iter().zip(display_ids) {
        let (Some(i), Some(s)) = (p.idp, p.server) else { continue };
        let (Some(idp), server) = (org.idp.users[i].email.as_deref(), org.server[s].email.as_str()) else {
            continue;
        };
        if !server.is_empty() && key(idp) != key(server) {
            let pair = (domain_of(server).unwrap_or_default(), domain_of(idp).unwrap_or_default());
            pairs.entry(pair).or_default().push(id.clone());
        }
    }
    for ((from, to), ids) in pairs {
        let what = if from == to {
            format!("server email differs from the IdP email (another address on {to})")
        } else {
            format!("server email differs from the IdP email ({from} on the server, {to} in the IdP)")
        };
        push(what, ids);
    }
    let server_ids = |pred: &dyn Fn(usize) -> bool| -> Vec<String> {
        people
            .iter()
            .zip(display_ids)
            .filter(|(p, _)| p.server.is_some_and(pred))
            .map(|(_, id)| id.clone())
            .collect()
    };
    push(
        "server email is blank (migrated as an invalid email, R3)".into(),
        server_ids(&|s| org.server[s].email.is_empty()),
    );
    push(
        "server email is invalid (R3)".into(),
        server_ids(&|s| !org.server[s].email.is_empty() && !is_valid(&org.server[s].email)),
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for u in org.server.iter().filter(|u| is_valid(&u.email)) {
        *seen.entry(key(&u.email)).or_insert(0) += 1;
    }
    push(
        "server email shared with another server user (R3 duplicates)".into(),
        server_ids(&|s| seen.get(&key(&org.server[s].email)).is_some_and(|&n| n > 1)),
    );
    push("server user is inactive".into(), server_ids(&|s| !org.server[s].active));
    // Cloud accounts on another email than the IdP's.
    let other_email: Vec<String> = people
        .iter()
        .zip(display_ids)
        .filter(|(p, _)| {
            let (Some(c), Some(i)) = (p.cloud, p.idp) else { return false };
            org.idp.users[i].email.as_deref().is_some_and(|e| key(e) != key(&org.cloud[c].email))
        })
        .map(|(_, id)| id.clone())
        .collect();
    push("cloud account on another email than the IdP's".into(), other_email);
    let cloud_status = |status: CloudStatus| -> Vec<String> {
        people
            .iter()
            .zip(display_ids)
            .filter(|(p, _)| p.cloud.is_some_and(|c| org.cloud[c].status == status))
            .map(|(_, id)| id.clone())
            .collect()
    };
    push(
        "cloud account is suspended (imported as an active account in no group)".into(),
        cloud_status(CloudStatus::Suspended),
    );
    push(
        "cloud account is deactivated (imported with `cloud_active: false`)".into(),
        cloud_status(CloudStatus::Inactive),
    );
    // Domains: every domain that is not an IdP email domain is one the template does not verify.
    let idp_domains: Vec<String> =
        org.idp.users.iter().filter_map(|u| u.email.as_deref().and_then(domain_of)).collect();
    let mut unverified: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, id) in people.iter().zip(display_ids) {
        let emails =
            [p.server.map(|s| org.server[s].email.as_str()), p.cloud.map(|c| org.cloud[c].email.as_str())];
        for d in emails.into_iter().flatten().filter(|e| is_valid(e)).filter_map(domain_of) {
            if !idp_domains.contains(&d) {
                let list = unverified.entry(d).or_default();
                if !list.contains(id) {
                    list.push(id.clone());
                }
            }
        }
    }
    for (d, ids) in unverified {
        push(format!("email on {d}, which no IdP email uses (the template does not verify it)"), ids);
    }
    // Groups.
    let cloud_groups: Vec<&String> = org.cloud.iter().flat_map(|c| c.groups.iter()).collect();
    let mut in_cloud: BTreeMap<&String, Vec<String>> = BTreeMap::new();
    for (p, id) in people.iter().zip(display_ids) {
        for g in p.server.map(|s| org.server[s].groups.as_slice()).unwrap_or_default() {
            if cloud_groups.contains(&g) {
                in_cloud.entry(g).or_default().push(id.clone());
            }
        }
    }
    for (g, ids) in in_cloud {
        push(format!("server group {g} also exists in the cloud (its members are added to it, R4)"), ids);
    }
    let synced: Vec<&String> = org
        .idp
        .users
        .iter()
        .flat_map(|u| u.groups.iter())
        .chain(org.idp.groups.iter().map(|g| &g.name))
        .collect();
    for g in DEFAULT_ACCESS {
        if synced.iter().any(|s| s.eq_ignore_ascii_case(g)) {
            let ids: Vec<String> = people
                .iter()
                .zip(display_ids)
                .filter(|(p, _)| {
                    p.idp.is_some_and(|i| org.idp.users[i].groups.iter().any(|x| x.eq_ignore_ascii_case(g)))
                })
                .map(|(_, id)| id.clone())
                .collect();
            push(
                format!("synced group {g} is a default-access group name (SCIM cannot take it over, R10)"),
                ids,
            );
        }
    }
    // Group members the users' export does not have.
    let known: std::collections::HashSet<&str> = org.idp.users.iter().map(|u| u.id.as_str()).collect();
    for g in &org.idp.groups {
        let strangers: Vec<String> =
            g.members.iter().filter(|m| !known.contains(m.as_str())).map(|m| mask(m)).collect();
        push(
            format!("IdP group {} lists members the users' export does not have (left out)", g.name),
            strangers,
        );
    }
    // Who is where.
    let only = |idp: bool, server: bool| -> Vec<String> {
        people
            .iter()
            .zip(display_ids)
            .filter(|(p, _)| p.idp.is_some() == idp && p.server.is_some() == server && (idp || server))
            .map(|(_, id)| id.clone())
            .collect()
    };
    push("IdP user with no server user".into(), only(true, false));
    push("server user with no IdP user".into(), only(false, true));
    push(
        "IdP user with no primary email (imported without an IdP identity: SCIM cannot provision them)"
            .into(),
        people
            .iter()
            .zip(display_ids)
            .filter(|(p, _)| p.idp.is_some_and(|i| org.idp.users[i].email.is_none()))
            .map(|(_, id)| id.clone())
            .collect(),
    );
    push(
        "cloud account of nobody in the IdP or on the server".into(),
        people
            .iter()
            .zip(display_ids)
            .filter(|(p, _)| p.idp.is_none() && p.server.is_none())
            .map(|(_, id)| id.clone())
            .collect(),
    );
    // The users CSV.
    // A row's person as the scenario names them (its server user's person), else the row's
    // username, pseudonymised like every id.
    let by_username: HashMap<String, &String> = people
        .iter()
        .zip(display_ids)
        .filter_map(|(p, id)| p.server.map(|s| (org.server[s].username.to_lowercase(), id)))
        .collect();
    let usernames: Vec<String> = org.server.iter().map(|s| s.username.to_lowercase()).collect();
    let jcma = |f: &dyn Fn(&super::JcmaRow) -> bool| -> Vec<String> {
        org.jcma
            .iter()
            .filter(|r| f(r))
            .map(|r| {
                by_username
                    .get(&r.user_name.to_lowercase())
                    .map_or_else(|| mask(&r.user_name), |id| id.to_string())
            })
            .collect()
    };
    push("users CSV: invalid email (INV)".into(), jcma(&|r| r.error == Some(JcmaError::Invalid)));
    push("users CSV: duplicate email (DUP)".into(), jcma(&|r| r.error == Some(JcmaError::Duplicate)));
    push("users CSV: migrated as a Former user (Tombstone)".into(), jcma(&|r| r.tombstone));
    push(
        "users CSV: row of no server user (left out of the remap)".into(),
        jcma(&|r| !usernames.contains(&r.user_name.to_lowercase())),
    );
    out
}

/// `preflight.md`.
pub fn render(
    org: &Organisation<'_>,
    pseudonymised_ids: &[String],
    files: &[String],
    mask: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Pre-flight\n");
    let _ = writeln!(out, "What the exports show before any simulation. Read from: {}.\n", files.join(", "));
    let n = |x: usize| x.to_string();
    let _ = writeln!(
        out,
        "{} people: {} IdP users, {} server users, {} cloud accounts, {} rows of the users CSV.\n",
        org.joined.people.len(),
        n(org.idp.users.len()),
        n(org.server.len()),
        n(org.cloud.len()),
        n(org.jcma.len())
    );
    let _ = writeln!(out, "## Findings\n");
    let found = findings(org, pseudonymised_ids, mask);
    if found.is_empty() {
        let _ = writeln!(out, "Nothing to report.\n");
    } else {
        let _ = writeln!(out, "| finding | people | first |");
        let _ = writeln!(out, "|---|---:|---|");
        for f in &found {
            let first: Vec<&str> = f.ids.iter().take(FIRST).map(String::as_str).collect();
            let more = if f.ids.len() > FIRST { ", …" } else { "" };
            let _ = writeln!(out, "| {} | {} | {}{more} |", f.what, f.ids.len(), first.join(", "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Joins\n");
    let (server, cloud) = org.joined.statistics();
    let line = |m: &BTreeMap<JoinKey, usize>| {
        m.iter().map(|(k, v)| format!("{v} by {}", k.words())).collect::<Vec<_>>().join(", ")
    };
    let _ =
        writeln!(out, "- server users: {}", if server.is_empty() { "none".into() } else { line(&server) });
    let _ =
        writeln!(out, "- cloud accounts: {}\n", if cloud.is_empty() { "none".into() } else { line(&cloud) });
    let weak: Vec<String> = org
        .joined
        .people
        .iter()
        .zip(pseudonymised_ids)
        .filter_map(|(p, id)| {
            let k = p.server_key.filter(|k| k.is_weak())?;
            let s = &org.server[p.server?];
            Some(format!("- {id}: server user at {}:{} joined by {}", s.at.file, s.at.line, k.words()))
        })
        .collect();
    if weak.is_empty() {
        let _ = writeln!(out, "No weak joins.\n");
    } else {
        let _ = writeln!(
            out,
            "{} weak joins (check them; `--join FILE` with `server_username,idp_id` rows overrides):\n",
            weak.len()
        );
        for w in weak.iter().take(WEAK_LISTED) {
            let _ = writeln!(out, "{w}");
        }
        if weak.len() > WEAK_LISTED {
            let _ = writeln!(out, "- … and {} more", weak.len() - WEAK_LISTED);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Before running\n\nThe exports do not say which products a group grants: `import` guessed them from the \
         group names (a name containing a product's name grants it). Check `groups[].grants` and \
         `cloud_grants`, the domains to verify and the strategies' days, then `scimsim validate` and \
         `scimsim run` the scenario; `people.csv` names the people at risk.\n"
    );
    out
}

/// The display ids of the people (pseudonymised when asked), as the scenario has them.
pub fn display_ids(org: &Organisation<'_>, mask: &dyn Fn(&str) -> String) -> Vec<String> {
    person_ids(org).iter().map(|id| mask(id)).collect()
}
