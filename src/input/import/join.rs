//! Joining the exports into people (DESIGN §11): every row of every file ends in exactly one
//! person. IdP users come first; a server user joins the IdP user whose primary email is theirs
//! (R1 comparison), else — weakly — the one whose `userName` local part or `externalId` is their
//! username; a `--join` pair (`server_username,idp_id`) overrides both. A cloud account joins
//! the person whose IdP or server email it has. Anything left over is a person of its own.

use super::{CloudUser, IdpUser, Position, ServerUser};
use crate::input::email::email_key;
use crate::input::scenario::EmailMatch;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How a row joined its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JoinKey {
    /// The row started the person (an IdP user, or a row nothing else matched).
    Own,
    /// The same email (R1).
    Email,
    /// A `--join` pair.
    Override,
    /// The server username is the IdP `userName`'s local part (weak).
    UserNameLocalPart,
    /// The server username is the IdP `externalId` (weak).
    ExternalId,
}

impl JoinKey {
    /// True for the keys `preflight.md` lists as weak.
    pub fn is_weak(self) -> bool {
        matches!(self, JoinKey::UserNameLocalPart | JoinKey::ExternalId)
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            JoinKey::Own => "its own",
            JoinKey::Email => "email",
            JoinKey::Override => "--join",
            JoinKey::UserNameLocalPart => "username = IdP userName's local part",
            JoinKey::ExternalId => "username = IdP externalId",
        }
    }
}

/// One person of the imported organisation: indices into the exports' rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinedPerson {
    /// Their IdP user.
    pub idp: Option<usize>,
    /// Their server user.
    pub server: Option<usize>,
    /// Their cloud account.
    pub cloud: Option<usize>,
    /// How the server user joined.
    pub server_key: Option<JoinKey>,
    /// How the cloud account joined.
    pub cloud_key: Option<JoinKey>,
}

/// The people, in order: the IdP users (file order), then server users that joined no one,
/// then cloud accounts that joined no one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Joined {
    /// The people.
    pub people: Vec<JoinedPerson>,
}

impl Joined {
    /// How many rows joined by each key, for the pre-flight: `(server by key, cloud by key)`.
    pub fn statistics(&self) -> (BTreeMap<JoinKey, usize>, BTreeMap<JoinKey, usize>) {
        let mut server = BTreeMap::new();
        let mut cloud = BTreeMap::new();
        for p in &self.people {
            if let Some(k) = p.server_key {
                *server.entry(k).or_insert(0) += 1;
            }
            if let Some(k) = p.cloud_key {
                *cloud.entry(k).or_insert(0) += 1;
            }
        }
        (server, cloud)
    }
}

/// A `--join` pair that names no row: `(position of the pair, what is missing)`.
pub type UnusedJoin = (Position, String);

/// The local part of an email (or the whole text when it has no `@`).
pub fn local_part(text: &str) -> &str {
    text.split('@').next().unwrap_or(text)
}

/// Joins the rows into people. `overrides` maps a server username to an IdP id.
pub fn join(
    idp: &[IdpUser],
    server: &[ServerUser],
    cloud: &[CloudUser],
    overrides: &[(Position, String, String)],
    email_match: EmailMatch,
) -> (Joined, Vec<UnusedJoin>) {
    let key = |e: &str| email_key(e, email_match).into_owned();
    let mut people: Vec<JoinedPerson> =
        (0..idp.len()).map(|i| JoinedPerson { idp: Some(i), ..JoinedPerson::default() }).collect();
    let by_email: HashMap<String, usize> = idp
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.email.as_deref().filter(|e| !e.is_empty()).map(|e| (key(e), i)))
        .rev()
        .collect();
    let by_id: HashMap<&str, usize> = idp.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
    let by_local: HashMap<String, usize> = idp
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.user_name.as_deref().map(|n| (local_part(n).to_lowercase(), i)))
        .rev()
        .collect();
    let by_external: HashMap<&str, usize> =
        idp.iter().enumerate().filter_map(|(i, u)| u.external_id.as_deref().map(|x| (x, i))).rev().collect();
    let mut unused = Vec::new();
    let mut forced: HashMap<String, usize> = HashMap::new();
    let mut first_of_user: HashMap<String, &Position> = HashMap::new();
    let mut first_of_idp: HashMap<&str, &Position> = HashMap::new();
    for (at, username, idp_id) in overrides {
        // A pair must not contradict an earlier one: one IdP user per server user and back.
        if let Some(first) = first_of_user.insert(username.to_lowercase(), at) {
            unused.push((at.clone(), format!("`{username}` is joined again (first at line {})", first.line)));
            continue;
        }
        if let Some(first) = first_of_idp.insert(idp_id.as_str(), at) {
            unused.push((
                at.clone(),
                format!("IdP user `{idp_id}` is joined again (first at line {})", first.line),
            ));
            continue;
        }
        match by_id.get(idp_id.as_str()) {
            Some(&i) => {
                forced.insert(username.to_lowercase(), i);
            }
            None => unused.push((at.clone(), format!("no IdP user has id `{idp_id}`"))),
        }
    }
    // An IdP user a pair names is reserved for that server user: no other key takes it.
    let reserved: HashSet<usize> = forced.values().copied().collect();
    let known: HashSet<String> = server.iter().map(|s| s.username.to_lowercase()).collect();
    for (at, username, _) in overrides {
        if !known.contains(&username.to_lowercase()) {
            unused.push((at.clone(), format!("no server user is `{username}`")));
        }
    }
    for (s, user) in server.iter().enumerate() {
        let name = user.username.to_lowercase();
        if let Some(&i) = forced.get(&name) {
            people[i].server = Some(s);
            people[i].server_key = Some(JoinKey::Override);
            continue;
        }
        let candidates = [
            (!user.email.is_empty())
                .then(|| by_email.get(&key(&user.email)).map(|&i| (i, JoinKey::Email)))
                .flatten(),
            by_local.get(&name).map(|&i| (i, JoinKey::UserNameLocalPart)),
            by_external.get(user.username.as_str()).map(|&i| (i, JoinKey::ExternalId)),
        ];
        // The first key that finds an IdP user not yet joined by a server user, nor reserved
        // by a pair.
        let found = candidates
            .into_iter()
            .flatten()
            .find(|&(i, _)| people[i].server.is_none() && !reserved.contains(&i));
        match found {
            Some((i, k)) => {
                people[i].server = Some(s);
                people[i].server_key = Some(k);
            }
            None => people.push(JoinedPerson {
                server: Some(s),
                server_key: Some(JoinKey::Own),
                ..JoinedPerson::default()
            }),
        }
    }
    // Cloud accounts: by the IdP email first, then the server email.
    let mut by_any_email: HashMap<String, usize> = HashMap::new();
    for (p, person) in people.iter().enumerate() {
        let emails = [
            person.idp.and_then(|i| idp[i].email.as_deref()),
            person.server.map(|s| server[s].email.as_str()),
        ];
        for e in emails.into_iter().flatten().filter(|e| !e.is_empty()) {
            by_any_email.entry(key(e)).or_insert(p);
        }
    }
    for (c, account) in cloud.iter().enumerate() {
        match by_any_email.get(&key(&account.email)).copied().filter(|&p| people[p].cloud.is_none()) {
            Some(p) => {
                people[p].cloud = Some(c);
                people[p].cloud_key = Some(JoinKey::Email);
            }
            None => people.push(JoinedPerson {
                cloud: Some(c),
                cloud_key: Some(JoinKey::Own),
                ..JoinedPerson::default()
            }),
        }
    }
    (Joined { people }, unused)
}

#[cfg(test)]
mod tests {
    use super::super::{CloudStatus, ServerDirectory};
    use super::*;

    fn at(line: usize) -> Position {
        Position { file: "f".into(), line }
    }

    fn idp(id: &str, user_name: &str, email: Option<&str>, external: Option<&str>) -> IdpUser {
        IdpUser {
            at: at(1),
            id: id.into(),
            external_id: external.map(str::to_string),
            user_name: Some(user_name.into()),
            email: email.map(str::to_string),
            active: true,
            groups: Vec::new(),
        }
    }

    fn server(username: &str, email: &str) -> ServerUser {
        ServerUser {
            at: at(2),
            username: username.into(),
            email: email.into(),
            full_name: None,
            active: true,
            directory: ServerDirectory::Internal,
            groups: Vec::new(),
        }
    }

    fn cloud(email: &str) -> CloudUser {
        CloudUser {
            at: at(3),
            id: None,
            email: email.into(),
            name: None,
            status: CloudStatus::Active,
            groups: Vec::new(),
            products: Vec::new(),
        }
    }

    /// Email joins first (case-insensitively); then a username equal to the userName's local
    /// part or to the externalId (weak); `--join` overrides; an IdP user takes one server user;
    /// cloud accounts join by the IdP or the server email; every row ends in one person.
    #[test]
    fn every_row_ends_in_exactly_one_person() {
        let idp_users = [
            idp("i1", "ann@acme.com", Some("Ann@Acme.com"), None),
            idp("i2", "ben@acme.com", Some("ben@acme.com"), None),
            idp("i3", "cy.upn@acme.com", Some("cy@acme.com"), Some("cy99")),
            idp("i4", "dee@acme.com", Some("dee@acme.com"), None),
        ];
        let server_users = [
            server("ann", "ann@acme.com"),     // email
            server("ben", "ben@legacy.com"),   // userName local part (weak)
            server("cy99", "cy@legacy.com"),   // externalId (weak)
            server("dora", "dora@legacy.com"), // --join → i4
            server("eve", "eve@acme.com"),     // nobody
            server("ann2", "ann@acme.com"),    // ann's email, but i1 is taken: own person
        ];
        let cloud_accounts = [cloud("BEN@legacy.com"), cloud("zed@gmail.com"), cloud("dee@acme.com")];
        let overrides = [
            (at(2), "dora".to_string(), "i4".to_string()),
            (at(3), "nobody".to_string(), "i9".to_string()),
            (at(4), "dora".to_string(), "i1".to_string()),
            (at(5), "eve".to_string(), "i4".to_string()),
        ];
        let (joined, unused) =
            join(&idp_users, &server_users, &cloud_accounts, &overrides, EmailMatch::CaseInsensitive);
        type Row = (Option<usize>, Option<usize>, Option<usize>, Option<JoinKey>);
        let rows: Vec<Row> = joined.people.iter().map(|p| (p.idp, p.server, p.cloud, p.server_key)).collect();
        assert_eq!(
            rows,
            [
                (Some(0), Some(0), None, Some(JoinKey::Email)),
                (Some(1), Some(1), Some(0), Some(JoinKey::UserNameLocalPart)),
                (Some(2), Some(2), None, Some(JoinKey::ExternalId)),
                (Some(3), Some(3), Some(2), Some(JoinKey::Override)),
                (None, Some(4), None, Some(JoinKey::Own)),
                (None, Some(5), None, Some(JoinKey::Own)),
                (None, None, Some(1), None),
            ]
        );
        assert_eq!(
            unused.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>(),
            [
                "no IdP user has id `i9`",
                "`dora` is joined again (first at line 2)",
                "IdP user `i4` is joined again (first at line 2)",
                "no server user is `nobody`"
            ]
        );
        let (server_stats, cloud_stats) = joined.statistics();
        assert_eq!(server_stats.get(&JoinKey::Own), Some(&2));
        assert_eq!(cloud_stats.get(&JoinKey::Email), Some(&2));
        // Every row is in exactly one person.
        let mut servers: Vec<usize> = joined.people.iter().filter_map(|p| p.server).collect();
        servers.sort_unstable();
        assert_eq!(servers, (0..server_users.len()).collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod reserve_tests {
    use super::super::{IdpUser, ServerDirectory, ServerUser};
    use super::*;

    /// A pair reserves its IdP user: an earlier server user whose username would join it
    /// weakly does not take it.
    #[test]
    fn a_join_pair_wins_over_an_earlier_weak_join() {
        let at = Position { file: "f".into(), line: 2 };
        let idp = [IdpUser {
            at: at.clone(),
            id: "e8".into(),
            external_id: None,
            user_name: Some("hal@acme.com".into()),
            email: Some("hal@acme.com".into()),
            active: true,
            groups: Vec::new(),
        }];
        let server = |u: &str, e: &str| ServerUser {
            at: at.clone(),
            username: u.into(),
            email: e.into(),
            full_name: None,
            active: true,
            directory: ServerDirectory::Internal,
            groups: Vec::new(),
        };
        let users = [server("hal", "shared@acme.com"), server("ivy", "shared@acme.com")];
        let pairs = [(at.clone(), "ivy".to_string(), "e8".to_string())];
        let (joined, unused) = join(&idp, &users, &[], &pairs, EmailMatch::CaseInsensitive);
        assert!(unused.is_empty());
        assert_eq!(
            (joined.people[0].server, joined.people[0].server_key),
            (Some(1), Some(JoinKey::Override))
        );
        assert_eq!((joined.people[1].server, joined.people[1].server_key), (Some(0), Some(JoinKey::Own)));
    }
}
