//! From joined exports to a scenario (DESIGN §11): an explicit population (people, groups,
//! domains) and strategies from a documented template the consultant then edits — SCIM first,
//! SCIM last with an email fix, SCIM first with the migration's email remap (when there are
//! server users to remap) — with the
//! migration assistant's users CSV as every `migrate`'s `email_remap.people`.
//!
//! Person ids are the server username, else the IdP `userName`'s local part, else the cloud
//! email's local part, made unique (`-2`, `-3`, …). With a pseudonymising salt every local part
//! and id becomes a stable keyed hash, domains are kept and names are dropped.

use super::join::{Joined, local_part};
use super::{CloudStatus, CloudUser, IdpExport, JcmaRow, ServerDirectory, ServerUser};
use crate::input::email::{domain_of, is_valid};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What `import` read, joined.
pub struct Organisation<'a> {
    /// The IdP users and groups.
    pub idp: &'a IdpExport,
    /// The server users.
    pub server: &'a [ServerUser],
    /// The cloud accounts.
    pub cloud: &'a [CloudUser],
    /// The migration assistant's users CSV rows.
    pub jcma: &'a [JcmaRow],
    /// The people.
    pub joined: &'a Joined,
}

/// Stable keyed pseudonyms (`--pseudonymise SALT`): the same text and salt give the same
/// pseudonym; domains are kept.
#[derive(Debug, Clone)]
pub struct Pseudonyms {
    salt: String,
}

impl Pseudonyms {
    /// Pseudonyms keyed by `salt`.
    pub fn new(salt: &str) -> Pseudonyms {
        Pseudonyms { salt: salt.to_string() }
    }

    /// A pseudonym of `text`: `u` and 12 hex digits of a keyed 64-bit FNV-1a hash of the salt
    /// and the (lower-cased) text. Stable across runs and platforms; meant for sharing a file,
    /// not as a secret against someone who holds the salt.
    pub fn of(&self, text: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.salt.bytes().chain([0u8]).chain(text.to_lowercase().bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("u{:012x}", h >> 16)
    }

    /// An email with its local part pseudonymised and its domain kept.
    pub fn email(&self, email: &str) -> String {
        match email.rsplit_once('@') {
            Some((local, domain)) => format!("{}@{}", self.of(local), domain.to_lowercase()),
            None if email.is_empty() => String::new(),
            None => self.of(email),
        }
    }
}

/// Applies the pseudonyms when there are any.
struct Mask<'p>(Option<&'p Pseudonyms>);

impl Mask<'_> {
    fn email(&self, e: &str) -> String {
        self.0.map_or_else(|| e.to_string(), |p| p.email(e))
    }
    fn id(&self, id: &str) -> String {
        self.0.map_or_else(|| id.to_string(), |p| p.of(id))
    }
}

/// The products a group grants, guessed from its name (`jira-software-users` → jira): the
/// exports do not say; `preflight.md` says so, and the consultant edits `grants`.
fn guessed_grants(name: &str, products: &[String]) -> Vec<String> {
    let name = name.to_lowercase();
    products.iter().filter(|p| name.contains(&p.to_lowercase())).cloned().collect()
}

/// The scenario's person ids, by person: server username, else the IdP `userName`'s local
/// part, else the cloud email's local part, made unique.
pub fn person_ids(org: &Organisation<'_>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    org.joined
        .people
        .iter()
        .map(|p| {
            let base = p
                .server
                .map(|s| org.server[s].username.clone())
                .or_else(|| {
                    p.idp.and_then(|i| {
                        org.idp.users[i].user_name.as_deref().map(|n| local_part(n).to_string())
                    })
                })
                .or_else(|| p.idp.map(|i| org.idp.users[i].id.clone()))
                .or_else(|| p.cloud.map(|c| local_part(&org.cloud[c].email).to_string()))
                .unwrap_or_else(|| "person".to_string());
            let n = seen.entry(base.to_lowercase()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

/// The IdP group names of each IdP user: their own `groups`, and the groups whose members
/// list them.
fn idp_groups_by_user(idp: &IdpExport) -> Vec<BTreeSet<String>> {
    let index: HashMap<&str, usize> = idp.users.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
    let mut groups: Vec<BTreeSet<String>> =
        idp.users.iter().map(|u| u.groups.iter().cloned().collect()).collect();
    for g in &idp.groups {
        for m in &g.members {
            if let Some(&i) = index.get(m.as_str()) {
                groups[i].insert(g.name.clone());
            }
        }
    }
    groups
}

/// The scenario `import` writes, named `name`.
pub fn scenario(org: &Organisation<'_>, name: &str, pseudonyms: Option<&Pseudonyms>) -> Value {
    let mask = Mask(pseudonyms);
    let ids = person_ids(org);
    let idp_groups = idp_groups_by_user(org.idp);
    // Jira and Confluence (what the migration assistants move), and any other product the
    // cloud export shows access to.
    let mut products: Vec<String> = vec!["jira".to_string(), "confluence".to_string()];
    for p in org.cloud.iter().flat_map(|c| &c.products) {
        let p = p.to_lowercase().replace(' ', "-");
        if !products.contains(&p) {
            products.push(p);
        }
    }
    // Groups: synced from the IdP, on the server, in the cloud.
    let synced: BTreeSet<String> = idp_groups.iter().flatten().cloned().collect();
    let server_groups: BTreeSet<String> = org.server.iter().flat_map(|s| s.groups.iter().cloned()).collect();
    let cloud_groups: BTreeSet<String> = org.cloud.iter().flat_map(|c| c.groups.iter().cloned()).collect();
    let all_groups: BTreeSet<&String> = synced.iter().chain(&server_groups).chain(&cloud_groups).collect();
    let groups: Vec<Value> = all_groups
        .iter()
        .map(|g| {
            let grants = guessed_grants(g, &products);
            let mut v = json!({"name": g, "grants": grants});
            if synced.contains(*g) {
                v["synced_from_idp"] = json!(true);
            }
            if cloud_groups.contains(*g) {
                v["cloud_grants"] = json!(grants);
            }
            v
        })
        .collect();
    // Domains: those of IdP emails first (the ones to verify), then every other one seen.
    let mut idp_domains: Vec<String> = Vec::new();
    let mut other_domains: Vec<String> = Vec::new();
    let add = |list: &mut Vec<String>, e: &str| {
        if let Some(d) = domain_of(e).filter(|_| is_valid(e)) {
            if !list.contains(&d) {
                list.push(d);
            }
        }
    };
    for u in &org.idp.users {
        if let Some(e) = &u.email {
            add(&mut idp_domains, e);
        }
    }
    for e in org.server.iter().map(|s| s.email.as_str()).chain(org.cloud.iter().map(|c| c.email.as_str())) {
        add(&mut other_domains, e);
    }
    other_domains.retain(|d| !idp_domains.contains(d));
    let domains: Vec<Value> = idp_domains.iter().chain(&other_domains).map(|d| json!({"name": d})).collect();
    let people: Vec<Value> = org
        .joined
        .people
        .iter()
        .zip(&ids)
        .map(|(p, id)| {
            let mut v = Map::new();
            v.insert("id".into(), json!(mask.id(id)));
            let mut employed = true;
            if let Some(i) = p.idp {
                let u = &org.idp.users[i];
                if let Some(e) = &u.email {
                    v.insert("idp_email".into(), json!(mask.email(e)));
                    if let Some(n) =
                        u.user_name.as_deref().filter(|n| is_valid(n) && !n.eq_ignore_ascii_case(e))
                    {
                        v.insert("sso_email".into(), json!(mask.email(n)));
                    }
                    let groups: Vec<&String> = idp_groups[i].iter().collect();
                    if !groups.is_empty() {
                        v.insert("idp_groups".into(), json!(groups));
                    }
                }
                employed = u.active;
            }
            if let Some(s) = p.server {
                let u = &org.server[s];
                v.insert("server_email".into(), json!(mask.email(&u.email)));
                if u.directory == ServerDirectory::External {
                    v.insert("directory".into(), json!("external"));
                }
                if !u.active {
                    v.insert("server_active".into(), json!(false));
                }
                if !u.groups.is_empty() {
                    v.insert("server_groups".into(), json!(u.groups));
                }
                if p.idp.is_none() {
                    employed = u.active;
                }
            }
            if let Some(c) = p.cloud {
                let u = &org.cloud[c];
                v.insert("cloud_email".into(), json!(mask.email(&u.email)));
                // A deactivated account is imported deactivated; a suspended one (its product
                // access removed, the account kept) as an active account in no group.
                if u.status == CloudStatus::Inactive {
                    v.insert("cloud_active".into(), json!(false));
                }
                if !u.groups.is_empty() && u.status != CloudStatus::Suspended {
                    v.insert("cloud_groups".into(), json!(u.groups));
                }
                if p.idp.is_none() && p.server.is_none() {
                    employed = u.status == CloudStatus::Active;
                }
            }
            if !employed {
                v.insert("employed".into(), json!(false));
            }
            Value::Object(v)
        })
        .collect();
    json!({
        "name": name,
        "description": "Imported by scimsim import: the organisation as its exports give it. Edit the strategies (and the groups' grants, which the exports do not give) before relying on the numbers; preflight.md lists what the exports show.",
        "seed": 1,
        "replications": 100,
        "horizon_days": 60,
        "products": products,
        "domains": domains,
        "groups": groups,
        "population": {"people": people},
        "idp": {"profile": "entra_id"},
        "strategies": strategies(org, &ids, &idp_domains, &mask),
    })
}

/// The template's strategies: SCIM first, SCIM last with an email fix, SCIM first with the
/// migration's email remap. Each verifies the IdP domains and seeds each with an admin account
/// (R2′: a claim needs an account), and every `migrate` carries the users CSV's remap entries.
fn strategies(org: &Organisation<'_>, ids: &[String], idp_domains: &[String], mask: &Mask<'_>) -> Value {
    let remap = remap_people(org, ids, mask);
    let setup: Vec<Value> = idp_domains
        .iter()
        .flat_map(|d| {
            [
                json!({"day": 0, "do": "verify_domain", "domain": d}),
                json!({"day": 0, "do": "create_account", "email": format!("scimsim-admin@{d}")}),
            ]
        })
        .chain([json!({"day": 0, "do": "claim_accounts", "auto": true})])
        .collect();
    let migrate = |extra: Option<Value>| {
        let mut m = json!({"day": 14, "do": "migrate", "users": "all", "groups": "merge", "invalid_emails": "former_user", "duplicate_emails": "merge"});
        let mut email_remap = Map::new();
        if let Some(Value::Object(x)) = extra {
            email_remap.extend(x);
        }
        if !remap.is_empty() {
            email_remap.insert("people".into(), Value::Object(remap.clone()));
        }
        if !email_remap.is_empty() {
            m["email_remap"] = Value::Object(email_remap);
        }
        m
    };
    let with = |mut steps: Vec<Value>, more: Vec<Value>| {
        steps.extend(more);
        Value::Array(steps)
    };
    let mut all = json!([
        {"name": "scim-first", "description": "Verify and claim the IdP domains, switch SCIM on, migrate by the server emails, cut over.",
         "group_conflicts": "accept",
         "timeline": with(setup.clone(), vec![json!({"day": 1, "do": "enable_scim"}), migrate(None), json!({"day": 15, "do": "cutover"})])},
        {"name": "scim-last-with-fix", "description": "Migrate first, fix the migrated emails to the IdP emails, cut over, then switch SCIM on.",
         "group_conflicts": "accept",
         "timeline": with(setup.clone(), vec![migrate(None), json!({"day": 14.5, "do": "fix_emails", "coverage": 0.95}), json!({"day": 15, "do": "cutover"}), json!({"day": 16, "do": "enable_scim"})])},
        {"name": "scim-first-remap", "description": "As scim-first, with the migration's users CSV remapped to the IdP emails.",
         "group_conflicts": "accept",
         "timeline": with(setup, vec![json!({"day": 1, "do": "enable_scim"}), migrate(Some(json!({"to": "idp_email"}))), json!({"day": 15, "do": "cutover"})])}
    ]);
    // Without server users there is nothing to remap: the third strategy would be the first.
    if org.server.is_empty() {
        if let Some(list) = all.as_array_mut() {
            list.truncate(2);
        }
    }
    all
}

/// The users CSV's rows as `email_remap.people`: a new email, or `former_user` for a
/// tombstone; rows whose user is no server user are left out (the pre-flight counts them).
fn remap_people(org: &Organisation<'_>, ids: &[String], mask: &Mask<'_>) -> Map<String, Value> {
    let by_username: HashMap<String, usize> = org
        .joined
        .people
        .iter()
        .enumerate()
        .filter_map(|(p, person)| person.server.map(|s| (org.server[s].username.to_lowercase(), p)))
        .collect();
    let mut out = BTreeMap::new();
    for row in org.jcma {
        let Some(&p) = by_username.get(&row.user_name.to_lowercase()) else { continue };
        let value = if row.tombstone {
            json!("former_user")
        } else if let Some(e) = &row.new_email {
            json!(mask.email(e))
        } else {
            continue;
        };
        out.insert(mask.id(&ids[p]), value);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_keep_domains() {
        let p = Pseudonyms::new("salt");
        assert_eq!(p.of("Ann"), p.of("ann"));
        assert_ne!(p.of("ann"), Pseudonyms::new("pepper").of("ann"));
        assert_ne!(p.of("ann"), p.of("ben"));
        let e = p.email("Ann.Lee@Acme.com");
        assert!(e.ends_with("@acme.com") && !e.contains("ann"), "{e}");
        assert_eq!(p.of("ann").len(), 13);
        assert_eq!(p.email(""), "");
    }

    #[test]
    fn grants_are_guessed_from_group_names() {
        let products = vec!["jira".to_string(), "confluence".to_string()];
        assert_eq!(guessed_grants("jira-software-users", &products), ["jira"]);
        assert_eq!(guessed_grants("Confluence-Users", &products), ["confluence"]);
        assert!(guessed_grants("site-admins", &products).is_empty());
    }
}
