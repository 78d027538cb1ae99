//! Realising one replication: the organisation and the exogenous events that every strategy
//! of that replication sees alike (common random numbers).
//!
//! A synthetic population is drawn from the `Population` stream only; joiners and leavers from
//! the `Churn` stream; IdP email changes and re-keys from the `Drift` stream. None of these
//! depends on the strategy, so a strategy change never changes the organisation or the events.
//! Explicit scenarios without drift or churn are borrowed as they are, without copying.

use crate::model::{PersonId, ReplicationInput, SimTime};
use crate::rng::{Purpose, Streams, unit};
use crate::scenario::{
    Directory, DomainSpec, ExoEvent, ExoKind, GroupSpec, PersonSpec, Population, SECONDS_PER_DAY, Scenario,
    SyntheticSpec,
};
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
}

impl Realised<'_> {
    /// What the simulator needs.
    pub fn input(&self) -> ReplicationInput<'_> {
        ReplicationInput {
            people: &self.people,
            events: &self.events,
            n_joiners: self.n_joiners,
            streams: self.streams,
        }
    }
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
        return Realised {
            people,
            events: Cow::Borrowed(&scenario.events),
            n_joiners: scenario.n_explicit_joiners,
            streams,
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
    Realised {
        people,
        events: Cow::Owned(events),
        n_joiners: scenario.n_explicit_joiners + joiners.len(),
        streams,
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
) -> (Vec<crate::model::GroupId>, Vec<crate::model::GroupId>) {
    let (mut idp, mut server) = (Vec::new(), Vec::new());
    for (g, spec) in groups.iter().enumerate() {
        if spec.members_share <= 0.0 || uniform(rng) >= spec.members_share {
            continue;
        }
        let id = crate::model::GroupId::from_index(g);
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
        people.push(PersonSpec {
            id: format!("p{i}"),
            idp_email,
            server_email,
            cloud_email,
            directory,
            server_active: kind != Kind::Inactive,
            idp_groups,
            server_groups,
            cloud_groups: Vec::new(),
            in_idp_scope,
            owns_content,
            employed: kind != Kind::Inactive,
        });
    }
    people
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
    let horizon = scenario.horizon().0 as f64;
    let mut t = exponential(&mut rng, rate);
    while t <= horizon {
        let k = out.len();
        let domain = pick_domain(&scenario.domains, uniform(&mut rng));
        let (idp_groups, _) = draw_groups(&mut rng, &scenario.groups);
        let spec = PersonSpec {
            id: format!("joiner-{k}"),
            idp_email: Some(format!("joiner{k}@{domain}")),
            server_email: None,
            cloud_email: None,
            directory: Directory::Internal,
            server_active: true,
            idp_groups,
            server_groups: Vec::new(),
            cloud_groups: Vec::new(),
            in_idp_scope: true,
            owns_content: false,
            employed: true,
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
