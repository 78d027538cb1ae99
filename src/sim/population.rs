//! Realising one replication: the organisation and the exogenous events that every strategy
//! of that replication sees alike (common random numbers).
//!
//! A synthetic population is drawn from the `Population` stream only; joiners and leavers from
//! the `Churn` stream; IdP email changes and re-keys from the `Drift` stream. None of these
//! depends on the strategy, so a strategy change never changes the organisation or the events.
//! Explicit scenarios without drift or churn are borrowed as they are, without copying.

use crate::input::scenario::{
    Directory, DomainSpec, ExoEvent, ExoKind, GroupSpec, PersonSpec, Population, SECONDS_PER_DAY, Scenario,
    SyntheticSpec,
};
use crate::rng::{Purpose, Streams, unit};
use crate::sim::emails::EmailBook;
use crate::sim::world::PersonEmails;
use crate::sim::{PersonId, ReplicationInput, SimTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::borrow::Cow;
use std::collections::HashSet;

/// The people and events of one replication.
#[derive(Debug, Clone)]
pub struct Realised<'s> {
    /// The organisation at the start.
    pub people: Cow<'s, [PersonSpec]>,
    /// Every exogenous event, in run order.
    pub events: Cow<'s, [ExoEvent]>,
    /// Joiner slots (explicit and generated).
    pub n_joiners: usize,
    /// The replication's streams.
    pub streams: Streams,
    /// Every email the people and events name, interned once for all strategies.
    pub book: EmailBook,
    /// The interned emails of each person at the start.
    pub person_emails: Vec<PersonEmails>,
}

impl Realised<'_> {
    /// What the simulator needs.
    pub fn input(&self) -> ReplicationInput<'_> {
        ReplicationInput {
            people: &self.people,
            emails: &self.person_emails,
            book: &self.book,
            events: &self.events,
            n_joiners: self.n_joiners,
            streams: self.streams,
        }
    }
}

/// Interns every email the people and events name.
fn intern_all(
    scenario: &Scenario,
    people: &[PersonSpec],
    events: &[ExoEvent],
) -> (EmailBook, Vec<PersonEmails>) {
    let mut book = EmailBook::new(scenario.assumptions.email_match, &scenario.domains);
    // A person at the start is slot `i`: a generated person's emails name it (`u{i}@…`), so
    // they are found by their structure, not hashed (`EmailBook::intern_owned`).
    let person = |book: &mut EmailBook, i: Option<usize>, p: &PersonSpec| {
        let mut intern = |e: &Option<String>| {
            e.as_deref().map(|e| match i {
                Some(i) => book.intern_owned(i, e),
                None => book.intern(e),
            })
        };
        PersonEmails {
            idp: intern(&p.idp_email),
            server: intern(&p.server_email),
            cloud: intern(&p.cloud_email),
            sso: intern(&p.sso_email),
        }
    };
    let emails = people.iter().enumerate().map(|(i, p)| person(&mut book, Some(i), p)).collect();
    for e in events {
        match &e.kind {
            ExoKind::Join { spec, .. } => {
                person(&mut book, None, spec);
            }
            ExoKind::ChangeIdpEmail { to, .. } => {
                book.intern(to);
            }
            _ => {}
        }
    }
    (book, emails)
}

/// Draws a uniform in [0, 1) from a stream.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    unit(rng.next_u64())
}

/// Waiting time of a Poisson process of `rate` per second, in seconds (exponential).
fn exponential(rng: &mut ChaCha8Rng, rate: f64) -> f64 {
    -(1.0 - uniform(rng)).ln() / rate
}

/// Realises replication `streams` of `scenario`.
pub fn realise(scenario: &Scenario, streams: Streams) -> Realised<'_> {
    let people: Cow<'_, [PersonSpec]> = match &scenario.population {
        Population::Explicit(people) => Cow::Borrowed(people),
        Population::Synthetic(spec) => Cow::Owned(generate_people(scenario, spec, streams)),
    };
    if scenario.drift.is_none() && scenario.churn.is_none() {
        let (book, person_emails) = intern_all(scenario, &people, &scenario.events);
        return Realised {
            people,
            events: Cow::Borrowed(&scenario.events),
            n_joiners: scenario.n_explicit_joiners,
            streams,
            book,
            person_emails,
        };
    }
    let horizon = scenario.horizon();
    let first_joiner = people.len() + scenario.n_explicit_joiners;
    let joiners = generate_joiners(scenario, streams, first_joiner);
    let mut generated: Vec<ExoEvent> = joiners.clone();
    let leaves = generate_leavers(scenario, streams, &people, &joiners);
    generated.extend(leaves.iter().cloned());

    // When each person is employed: from the start (or their join) to their leave.
    let n_slots = first_joiner + joiners.len();
    let mut start: Vec<Option<SimTime>> = vec![None; n_slots];
    let mut end: Vec<SimTime> = vec![horizon; n_slots];
    let mut has_idp = vec![false; n_slots];
    for (i, p) in people.iter().enumerate() {
        if p.employed {
            start[i] = Some(SimTime(0));
        }
        has_idp[i] = p.idp_email.is_some();
    }
    for e in scenario.events.iter().chain(&generated) {
        match &e.kind {
            ExoKind::Join { person, spec } => {
                start[person.index()] = Some(e.at);
                has_idp[person.index()] = spec.idp_email.is_some();
            }
            ExoKind::Leave { person } => end[person.index()] = end[person.index()].min(e.at),
            _ => {}
        }
    }
    generated.extend(generate_drift(scenario, streams, &start, &end, &has_idp));
    generated.sort_by_key(|e| e.at);

    // Merge, explicit events first at equal times.
    let mut events = Vec::with_capacity(scenario.events.len() + generated.len());
    let (mut a, mut b) = (scenario.events.iter().peekable(), generated.into_iter().peekable());
    loop {
        let take_explicit = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.at <= y.at,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_explicit {
            events.extend(a.next().cloned());
        } else {
            events.extend(b.next());
        }
    }
    let (book, person_emails) = intern_all(scenario, &people, &events);
    Realised {
        people,
        events: Cow::Owned(events),
        n_joiners: scenario.n_explicit_joiners + joiners.len(),
        streams,
        book,
        person_emails,
    }
}

/// Picks a domain by the domains' shares (all on the first domain when no share is given).
fn pick_domain(domains: &[DomainSpec], u: f64) -> &str {
    let total: f64 = domains.iter().map(|d| d.share).sum();
    if total <= 0.0 {
        return domains.first().map_or("example.invalid", |d| d.name.as_str());
    }
    let mut acc = 0.0;
    for d in domains {
        acc += d.share;
        if u * total < acc {
            return &d.name;
        }
    }
    domains.iter().rev().find(|d| d.share > 0.0).map_or("example.invalid", |d| d.name.as_str())
}

/// Group memberships of a generated person: member with `members_share`; a member disagrees
/// with `idp_disagreement_share`, half of them on the server only, half in the IdP only.
fn draw_groups(
    rng: &mut ChaCha8Rng,
    groups: &[GroupSpec],
) -> (Vec<crate::sim::GroupId>, Vec<crate::sim::GroupId>) {
    let (mut idp, mut server) = (Vec::new(), Vec::new());
    for (g, spec) in groups.iter().enumerate() {
        if spec.members_share <= 0.0 || uniform(rng) >= spec.members_share {
            continue;
        }
        let id = crate::sim::GroupId::from_index(g);
        let (in_idp, in_server) =
            if spec.idp_disagreement_share > 0.0 && uniform(rng) < spec.idp_disagreement_share {
                if uniform(rng) < 0.5 { (false, true) } else { (true, false) }
            } else {
                (true, true)
            };
        if in_idp {
            idp.push(id);
        }
        if in_server {
            server.push(id);
        }
    }
    (idp, server)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Both,
    IdpOnly,
    ServerOnly,
    Inactive,
}

/// Generates a synthetic organisation from the `Population` stream.
pub fn generate_people(scenario: &Scenario, spec: &SyntheticSpec, streams: Streams) -> Vec<PersonSpec> {
    let mut rng = streams.rng(Purpose::Population, 0);
    let domains = &scenario.domains;
    let mut people = Vec::with_capacity(spec.people);
    let mut last_server_email: Option<String> = None;
    // R23's SSO mismatch is drawn from its own sub-stream (person i: index i), so the share
    // never shifts the other draws: with it at 0 the organisation is what it always was.
    let mut sso_draws = streams.draws(Purpose::Population);
    for i in 0..spec.people {
        let u = uniform(&mut rng);
        let kind = if u < spec.idp_only_share {
            Kind::IdpOnly
        } else if u < spec.idp_only_share + spec.server_only_share {
            Kind::ServerOnly
        } else if u < spec.idp_only_share + spec.server_only_share + spec.inactive_server_share {
            Kind::Inactive
        } else {
            Kind::Both
        };
        let domain = pick_domain(domains, uniform(&mut rng));
        let email = format!("u{i}@{domain}");
        let idp_email = matches!(kind, Kind::Both | Kind::IdpOnly).then(|| email.clone());
        let server_email = if matches!(kind, Kind::IdpOnly) {
            None
        } else {
            let mut server = email.clone();
            if kind == Kind::Both && uniform(&mut rng) < spec.initial_email_mismatch_share {
                let others: Vec<&DomainSpec> = domains.iter().filter(|d| d.name != domain).collect();
                server = if others.is_empty() {
                    format!("u{i}.old@{domain}")
                } else {
                    let k = ((uniform(&mut rng) * others.len() as f64) as usize).min(others.len() - 1);
                    format!("u{i}@{}", others[k].name)
                };
            }
            let u = uniform(&mut rng);
            if u < spec.invalid_server_email_share {
                server = format!("u{i}");
            } else if u < spec.invalid_server_email_share + spec.duplicate_server_email_share {
                if let Some(previous) = &last_server_email {
                    server = previous.clone();
                }
            }
            last_server_email = Some(server.clone());
            Some(server)
        };
        let directory = if uniform(&mut rng) < spec.external_directory_share {
            Directory::External
        } else {
            Directory::Internal
        };
        let in_idp_scope = uniform(&mut rng) >= spec.out_of_scope_share;
        let owns_content = uniform(&mut rng) < spec.content_owner_share;
        let u = uniform(&mut rng);
        let cloud_email = if u < spec.existing_cloud_account_share {
            Some(idp_email.clone().unwrap_or_else(|| email.clone()))
        } else if u < spec.existing_cloud_account_share + spec.existing_cloud_other_email_share {
            Some(format!("u{i}.alias@{domain}"))
        } else {
            None
        };
        let (mut idp_groups, mut server_groups) = draw_groups(&mut rng, &scenario.groups);
        if idp_email.is_none() {
            idp_groups.clear();
        }
        if server_email.is_none() {
            server_groups.clear();
        }
        let sso_email =
            sso_mismatch(&mut sso_draws, SSO_PEOPLE_STREAM, i, spec, idp_email.as_deref(), "user");
        people.push(PersonSpec {
            id: format!("p{i}"),
            idp_email,
            server_email,
            cloud_email,
            cloud_active: true,
            directory,
            server_active: kind != Kind::Inactive,
            idp_groups,
            server_groups,
            cloud_groups: Vec::new(),
            in_idp_scope,
            owns_content,
            employed: kind != Kind::Inactive,
            sso_email,
        });
    }
    people
}

/// Sub-stream of the `Population` purpose for the SSO mismatch of the people at the start
/// (stream 0 generates the people).
const SSO_PEOPLE_STREAM: u64 = 1;
/// Sub-stream of the `Population` purpose for the SSO mismatch of generated joiners.
const SSO_JOINERS_STREAM: u64 = 2;

/// R23: with `sso_email_mismatch_share`, an IdP person `i` signs in with the UPN
/// `<prefix>{i}.upn@<their IdP domain>`. Nothing is drawn when the share is 0.
fn sso_mismatch(
    draws: &mut crate::rng::Draws,
    stream: u64,
    i: usize,
    spec: &SyntheticSpec,
    idp_email: Option<&str>,
    prefix: &str,
) -> Option<String> {
    let share = spec.sso_email_mismatch_share;
    let domain = idp_email?.split_once('@')?.1;
    (share > 0.0 && draws.uniform(stream, i as u64) < share).then(|| format!("{prefix}{i}.upn@{domain}"))
}

/// The scenario id of every person slot up to `n_slots`: the people at the start (a file's
/// ids, or `p{i}` for a synthetic population), then the file's joiners, then the generated
/// joiners (`joiner-{k}`, in the order they join), as [`realise`] names them in every
/// replication.
pub fn slot_names(scenario: &Scenario, n_slots: usize) -> Vec<String> {
    let mut names: Vec<String> = match &scenario.population {
        Population::Explicit(people) => people.iter().map(|p| p.id.clone()).collect(),
        Population::Synthetic(spec) => (0..spec.people).map(|i| format!("p{i}")).collect(),
    };
    let first_generated = names.len() + scenario.n_explicit_joiners;
    names.resize(first_generated, String::new());
    for e in &scenario.events {
        if let ExoKind::Join { person, spec } = &e.kind {
            if let Some(slot) = names.get_mut(person.index()) {
                slot.clone_from(&spec.id);
            }
        }
    }
    names.truncate(n_slots);
    names.extend((first_generated..n_slots).map(|i| format!("joiner-{}", i - first_generated)));
    names
}

/// Joiners: a Poisson process of `churn.joiners_per_day`, each in the IdP only, in scope,
/// with groups drawn by their `members_share`.
fn generate_joiners(scenario: &Scenario, streams: Streams, first_id: usize) -> Vec<ExoEvent> {
    let rate = scenario.churn.joiners_per_day / SECONDS_PER_DAY as f64;
    let mut out = Vec::new();
    if rate <= 0.0 {
        return out;
    }
    let mut rng = streams.rng(Purpose::Churn, 0);
    let mut sso_draws = streams.draws(Purpose::Population);
    let shares = match &scenario.population {
        Population::Synthetic(spec) => *spec,
        Population::Explicit(_) => SyntheticSpec::default(),
    };
    let horizon = scenario.horizon().0 as f64;
    let mut t = exponential(&mut rng, rate);
    while t <= horizon {
        let k = out.len();
        let domain = pick_domain(&scenario.domains, uniform(&mut rng));
        let (idp_groups, _) = draw_groups(&mut rng, &scenario.groups);
        let idp_email = format!("joiner{k}@{domain}");
        let sso_email =
            sso_mismatch(&mut sso_draws, SSO_JOINERS_STREAM, k, &shares, Some(&idp_email), "joiner");
        let spec = PersonSpec {
            id: format!("joiner-{k}"),
            idp_email: Some(idp_email),
            server_email: None,
            cloud_email: None,
            cloud_active: true,
            directory: Directory::Internal,
            server_active: true,
            idp_groups,
            server_groups: Vec::new(),
            cloud_groups: Vec::new(),
            in_idp_scope: true,
            owns_content: false,
            employed: true,
            sso_email,
        };
        out.push(ExoEvent {
            at: SimTime(t.round() as i64).min(scenario.horizon()),
            kind: ExoKind::Join { person: PersonId::from_index(first_id + k), spec: Box::new(spec) },
        });
        t += exponential(&mut rng, rate);
    }
    out
}

/// Leavers: a Poisson process of `churn.leavers_per_day`; each leave picks, uniformly, one of
/// the people employed at that moment (the start's employed people and the joiners who joined
/// before it), never one an explicit `leave` event names.
fn generate_leavers(
    scenario: &Scenario,
    streams: Streams,
    people: &[PersonSpec],
    joiners: &[ExoEvent],
) -> Vec<ExoEvent> {
    let rate = scenario.churn.leavers_per_day / SECONDS_PER_DAY as f64;
    let mut out = Vec::new();
    if rate <= 0.0 {
        return out;
    }
    let named: HashSet<PersonId> = scenario
        .events
        .iter()
        .filter_map(|e| if let ExoKind::Leave { person } = e.kind { Some(person) } else { None })
        .collect();
    let mut pool: Vec<PersonId> = (0..people.len())
        .filter(|&i| people[i].employed)
        .map(PersonId::from_index)
        .filter(|p| !named.contains(p))
        .collect();
    let mut next_joiner = 0;
    let mut rng = streams.rng(Purpose::Churn, 1);
    let horizon = scenario.horizon().0 as f64;
    let mut t = exponential(&mut rng, rate);
    while t <= horizon {
        let at = SimTime(t.round() as i64).min(scenario.horizon());
        while let Some(j) = joiners.get(next_joiner).filter(|j| j.at < at) {
            if let ExoKind::Join { person, .. } = j.kind {
                pool.push(person);
            }
            next_joiner += 1;
        }
        let u = uniform(&mut rng);
        if !pool.is_empty() {
            let k = ((u * pool.len() as f64) as usize).min(pool.len() - 1);
            let person = pool.swap_remove(k);
            out.push(ExoEvent { at, kind: ExoKind::Leave { person } });
        }
        t += exponential(&mut rng, rate);
    }
    out
}

/// IdP email changes and re-keys: per person, Poisson processes while they are employed.
fn generate_drift(
    scenario: &Scenario,
    streams: Streams,
    start: &[Option<SimTime>],
    end: &[SimTime],
    has_idp: &[bool],
) -> Vec<ExoEvent> {
    let per_second = |per_year: f64| per_year / (365.0 * SECONDS_PER_DAY as f64);
    let changes = per_second(scenario.drift.idp_email_changes_per_person_year);
    let rekeys = per_second(scenario.drift.idp_rekeys_per_person_year);
    let mut out = Vec::new();
    if changes <= 0.0 && rekeys <= 0.0 {
        return out;
    }
    let mut rng = streams.rng(Purpose::Drift, 0);
    for (i, s) in start.iter().enumerate() {
        let (Some(s), true) = (s, has_idp[i]) else { continue };
        let person = PersonId::from_index(i);
        let (from, to) = (s.0 as f64, end[i].0 as f64);
        if changes > 0.0 {
            let mut t = from + exponential(&mut rng, changes);
            let mut ordinal = 1;
            while t < to {
                out.push(ExoEvent {
                    at: SimTime(t.round() as i64),
                    kind: ExoKind::IdpEmailDrift { person, ordinal },
                });
                ordinal += 1;
                t += exponential(&mut rng, changes);
            }
        }
        if rekeys > 0.0 {
            let mut t = from + exponential(&mut rng, rekeys);
            while t < to {
                out.push(ExoEvent {
                    at: SimTime(t.round() as i64),
                    kind: ExoKind::RekeyIdpObject { person },
                });
                t += exponential(&mut rng, rekeys);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::validate::scenario_from_value;
    use serde_json::{Value, json};

    fn scenario(v: Value) -> Scenario {
        scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn synthetic(people: u64) -> Value {
        json!({
            "name": "gen", "seed": 5, "replications": 1, "horizon_days": 100, "products": ["jira"],
            "domains": [{"name": "a.com", "share": 0.75}, {"name": "b.com", "share": 0.25}, {"name": "legacy.com"}],
            "groups": [{"name": "g", "grants": ["jira"], "members_share": 0.6, "idp_disagreement_share": 0.2}],
            "population": {"synthetic": {
                "people": people, "idp_only_share": 0.1, "server_only_share": 0.05, "inactive_server_share": 0.15,
                "external_directory_share": 0.4, "initial_email_mismatch_share": 0.3,
                "existing_cloud_account_share": 0.2, "existing_cloud_other_email_share": 0.1,
                "invalid_server_email_share": 0.02, "duplicate_server_email_share": 0.03,
                "content_owner_share": 0.9, "out_of_scope_share": 0.05
            }},
            "drift": {"idp_email_changes_per_person_year": 0.5, "idp_rekeys_per_person_year": 0.2},
            "churn": {"joiners_per_day": 3, "leavers_per_day": 2},
            "strategies": [{"name": "s", "timeline": []}]
        })
    }

    /// `slot_names` names every slot as the realised replication does: the people at the
    /// start, the file's joiners and the generated ones, in any replication.
    #[test]
    fn slot_names_are_the_realised_names() {
        let realised_names = |r: &Realised<'_>| {
            let mut names: Vec<String> = r.people.iter().map(|p| p.id.clone()).collect();
            names.resize(r.people.len() + r.n_joiners, String::new());
            for e in r.events.iter() {
                if let ExoKind::Join { person, spec } = &e.kind {
                    names[person.index()].clone_from(&spec.id);
                }
            }
            names
        };
        let mut explicit = json!({
            "name": "named", "seed": 2, "horizon_days": 30, "products": ["jira"],
            "domains": [{"name": "a.com"}],
            "groups": [{"name": "g", "grants": ["jira"], "members_share": 0.5}],
            "population": {"people": [{"id": "ann", "idp_email": "ann@a.com"}, {"id": "bob", "idp_email": "bob@a.com"}]},
            "events": [{"day": 3, "do": "join", "person": {"id": "cy", "idp_email": "cy@a.com"}}],
            "churn": {"joiners_per_day": 2},
            "strategies": [{"name": "s", "timeline": []}]
        });
        for v in [synthetic(50), explicit.take()] {
            let s = scenario(v);
            for r in 0..3 {
                let realised = realise(&s, Streams::new(s.seed, r));
                let names = realised_names(&realised);
                assert_eq!(slot_names(&s, names.len()), names, "replication {r}");
                assert!(names.iter().all(|n| !n.is_empty()));
            }
        }
    }

    /// `count` successes out of `n` is within 5 standard errors of the share `p`.
    fn assert_share(what: &str, count: usize, n: usize, p: f64) {
        let observed = count as f64 / n as f64;
        let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-12);
        assert!(
            (observed - p).abs() <= 5.0 * se,
            "{what}: observed {observed:.4} of {n}, wanted {p} (±{:.4})",
            5.0 * se
        );
    }

    #[test]
    fn generated_shares_match_the_requested_ones() {
        let s = scenario(synthetic(40_000));
        let people = generate_people(
            &s,
            match &s.population {
                Population::Synthetic(spec) => spec,
                Population::Explicit(_) => unreachable!(),
            },
            Streams::new(s.seed, 0),
        );
        let n = people.len();
        assert_eq!(n, 40_000);
        let count = |f: &dyn Fn(&PersonSpec) -> bool| people.iter().filter(|p| f(p)).count();
        let idp_only = count(&|p| p.idp_email.is_some() && p.server_email.is_none());
        let server_only = count(&|p| p.idp_email.is_none() && p.employed);
        let inactive = count(&|p| !p.employed);
        assert_share("idp_only_share", idp_only, n, 0.1);
        assert_share("server_only_share", server_only, n, 0.05);
        assert_share("inactive_server_share", inactive, n, 0.15);
        assert_eq!(count(&|p| !p.employed && (p.server_active || p.idp_email.is_some())), 0);
        let server: Vec<&PersonSpec> = people.iter().filter(|p| p.server_email.is_some()).collect();
        let external = server.iter().filter(|p| p.directory == Directory::External).count();
        assert_share("external_directory_share", external, server.len(), 0.4);
        let invalid = server
            .iter()
            .filter(|p| !crate::input::email::is_valid(p.server_email.as_deref().unwrap_or("")))
            .count();
        assert_share("invalid_server_email_share", invalid, server.len(), 0.02);
        let both: Vec<&PersonSpec> =
            people.iter().filter(|p| p.idp_email.is_some() && p.server_email.is_some()).collect();
        // Invalid and duplicated server emails overwrite the server email: look at the others.
        let own: Vec<(&str, &str)> = both
            .iter()
            .filter_map(|p| {
                let (i, s) = (p.idp_email.as_deref()?, p.server_email.as_deref()?);
                (i.split('@').next() == s.split('@').next() && crate::input::email::is_valid(s))
                    .then_some((i, s))
            })
            .collect();
        let mismatched = own.iter().filter(|(i, s)| i.split('@').nth(1) != s.split('@').nth(1)).count();
        assert_share("initial_email_mismatch_share", mismatched, both.len(), 0.3 * 0.95);
        let with_idp: Vec<&PersonSpec> = people.iter().filter(|p| p.idp_email.is_some()).collect();
        let on_a =
            with_idp.iter().filter(|p| p.idp_email.as_deref().is_some_and(|e| e.ends_with("@a.com"))).count();
        assert_share("domain share of a.com", on_a, with_idp.len(), 0.75);
        assert!(with_idp.iter().all(|p| !p.idp_email.as_deref().unwrap_or("").ends_with("legacy.com")));
        let same = count(&|p| {
            p.cloud_email.is_some()
                && (p.cloud_email == p.idp_email
                    || (p.idp_email.is_none() && p.cloud_email == p.server_email))
        });
        assert_share("existing_cloud_account_share", same, n, 0.2);
        let other = count(&|p| p.cloud_email.as_deref().is_some_and(|e| e.contains(".alias@")));
        assert_share("existing_cloud_other_email_share", other, n, 0.1);
        let owners = server.iter().filter(|p| p.owns_content).count();
        assert_share("content_owner_share", owners, server.len(), 0.9);
        let out = with_idp.iter().filter(|p| !p.in_idp_scope).count();
        assert_share("out_of_scope_share", out, with_idp.len(), 0.05);
        // Group membership: members 0.6; of them 20% disagree, half on each side.
        let both_sides =
            both.iter().filter(|p| !p.idp_groups.is_empty() && !p.server_groups.is_empty()).count();
        assert_share("members in both directories", both_sides, both.len(), 0.6 * 0.8);
        let idp_side_only =
            both.iter().filter(|p| !p.idp_groups.is_empty() && p.server_groups.is_empty()).count();
        assert_share("members in the IdP group only", idp_side_only, both.len(), 0.6 * 0.1);
    }

    #[test]
    fn an_sso_mismatch_share_changes_nothing_else_in_the_organisation_or_the_events() {
        let plain = scenario(synthetic(20_000));
        let mut v = synthetic(20_000);
        v["population"]["synthetic"]["sso_email_mismatch_share"] = json!(0.1);
        let with = scenario(v);
        let (a, b) = (realise(&plain, Streams::new(4, 0)), realise(&with, Streams::new(4, 0)));
        assert!(a.people.iter().all(|p| p.sso_email.is_none()), "share 0: nobody has an SSO email");
        let strip = |r: &Realised<'_>| -> Vec<PersonSpec> {
            r.people.iter().cloned().map(|p| PersonSpec { sso_email: None, ..p }).collect()
        };
        assert_eq!(strip(&a), strip(&b), "the share draws from its own sub-stream");
        assert_eq!(a.events.len(), b.events.len());
        let with_idp: Vec<&PersonSpec> = b.people.iter().filter(|p| p.idp_email.is_some()).collect();
        let mismatched: Vec<&PersonSpec> =
            with_idp.iter().copied().filter(|p| p.sso_email.is_some()).collect();
        assert_share("sso_email_mismatch_share", mismatched.len(), with_idp.len(), 0.1);
        assert!(b.people.iter().all(|p| p.sso_email.is_none() || p.idp_email.is_some()));
        for p in &mismatched {
            let (i, domain) =
                (&p.id[1..], p.idp_email.as_deref().and_then(|e| e.split_once('@')).map(|x| x.1));
            assert_eq!(p.sso_email, domain.map(|d| format!("user{i}.upn@{d}")), "on the IdP domain");
        }
        let joiners_with_sso = b
            .events
            .iter()
            .filter(|e| matches!(&e.kind, ExoKind::Join { spec, .. } if spec.sso_email.is_some()))
            .count();
        assert!(joiners_with_sso > 0, "generated joiners get SSO emails too");
    }

    #[test]
    fn emails_are_unique_unless_duplicated_on_purpose() {
        let s = scenario(synthetic(5_000));
        let r = realise(&s, Streams::new(1, 0));
        let mut idp: HashSet<&str> = HashSet::new();
        let mut cloud: HashSet<&str> = HashSet::new();
        for p in r.people.iter() {
            if let Some(e) = &p.idp_email {
                assert!(idp.insert(e), "IdP email {e} twice");
            }
            if let Some(e) = &p.cloud_email {
                assert!(cloud.insert(e), "cloud email {e} twice");
            }
        }
    }

    #[test]
    fn strategies_never_change_the_organisation_or_the_events() {
        let mut v = synthetic(2_000);
        let a = scenario(v.clone());
        v["strategies"] = json!([
            {"name": "x", "timeline": [{"day": 1, "do": "enable_scim"}, {"day": 2, "do": "cutover", "login_spread_days": 3}]},
            {"name": "y", "group_conflicts": "accept", "timeline": [{"day": 5, "do": "migrate"}, {"day": 6, "do": "fix_emails", "coverage": 0.5}]}
        ]);
        let b = scenario(v);
        for r in 0..3 {
            let (ra, rb) = (realise(&a, Streams::new(9, r)), realise(&b, Streams::new(9, r)));
            assert_eq!(ra.people, rb.people);
            assert_eq!(ra.events, rb.events);
            assert_eq!(ra.n_joiners, rb.n_joiners);
        }
        let (r0, r1) = (realise(&a, Streams::new(9, 0)), realise(&a, Streams::new(9, 1)));
        assert_ne!(r0.people, r1.people, "replications differ");
    }

    #[test]
    fn churn_and_drift_follow_their_rates_and_respect_employment() {
        let s = scenario(synthetic(1_000));
        let (mut joiners, mut leavers, mut changes, reps) = (0usize, 0usize, 0usize, 200);
        for r in 0..reps {
            let realised = realise(&s, Streams::new(3, r));
            let mut employed: Vec<bool> = realised.people.iter().map(|p| p.employed).collect();
            employed.resize(realised.people.len() + realised.n_joiners, false);
            let mut last = SimTime(0);
            for e in realised.events.iter() {
                assert!(e.at >= last, "events in time order");
                assert!(e.at <= s.horizon());
                last = e.at;
                match &e.kind {
                    ExoKind::Join { person, .. } => {
                        assert!(!employed[person.index()]);
                        employed[person.index()] = true;
                        joiners += 1;
                    }
                    ExoKind::Leave { person } => {
                        assert!(employed[person.index()], "a leaver is employed when they leave");
                        employed[person.index()] = false;
                        leavers += 1;
                    }
                    ExoKind::IdpEmailDrift { person, .. } | ExoKind::RekeyIdpObject { person } => {
                        assert!(employed[person.index()], "drift only while employed");
                        changes += 1;
                    }
                    _ => {}
                }
            }
        }
        // Poisson counts over 200 replications: mean rate × 100 days, 5 standard errors.
        let check = |what: &str, total: usize, mean: f64| {
            let observed = total as f64 / reps as f64;
            let se = (mean / reps as f64).sqrt();
            assert!((observed - mean).abs() <= 5.0 * se, "{what}: {observed} per replication, wanted {mean}");
        };
        check("joiners", joiners, 300.0);
        check("leavers", leavers, 200.0);
        assert!(changes > 0);
    }
}
