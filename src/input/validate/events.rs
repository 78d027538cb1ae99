//! Checks of what happens around the migration: the IdP's sync settings, drift and churn
//! rates, and the scheduled events (joiners registered first so that references resolve in
//! run order).

use super::{Checker, is_domain_name};
use crate::format::show_number as show;
use crate::ids::{GroupId, PersonId, SimTime};
use crate::input::raw::{self, EventFile};
use crate::input::reader::{Items, JsonPath};
use crate::input::scenario::*;
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn check_idp(&mut self, idp: Option<&raw::IdpFile>) -> IdpSettings {
        let at = JsonPath::root().key("idp");
        let profile = idp.and_then(|i| i.profile).unwrap_or_default();
        let mut sync_interval = profile.default_interval_minutes() * 60;
        if let Some(minutes) = idp.and_then(|i| i.sync_interval_minutes) {
            let seconds = (minutes * 60.0).round();
            if !(seconds >= limits::MIN_SYNC_INTERVAL_SECONDS as f64 && minutes <= 7.0 * 24.0 * 60.0) {
                self.problems.push_hint(
                    &at.key("sync_interval_minutes"),
                    format!(
                        "sync interval must be between 1 second and 7 days, found {} minutes",
                        show(minutes)
                    ),
                    "Entra ID syncs every 40 minutes, Google every 240, Okta within a minute",
                );
            } else {
                sync_interval = seconds as i64;
            }
        }
        IdpSettings {
            profile,
            sync_interval,
            matching: idp.and_then(|i| i.matching).unwrap_or_default(),
            deprovision: idp.and_then(|i| i.deprovision).unwrap_or_default(),
            group_updates: idp.and_then(|i| i.group_updates).unwrap_or(profile.default_group_updates()),
        }
    }

    pub(super) fn check_drift(&mut self, drift: Option<&raw::DriftFile>) -> (i64, DriftSpec) {
        let at = JsonPath::root().key("drift");
        let Some(drift) = drift else { return (24 * 3600, DriftSpec::default()) };
        let spec = DriftSpec {
            idp_email_changes_per_person_year: self.rate(
                drift.idp_email_changes_per_person_year,
                &at.key("idp_email_changes_per_person_year"),
                365.0,
                "per person and year",
            ),
            idp_rekeys_per_person_year: self.rate(
                drift.idp_rekeys_per_person_year,
                &at.key("idp_rekeys_per_person_year"),
                365.0,
                "per person and year",
            ),
        };
        let hours = drift.server_sync_lag_hours.unwrap_or(24.0);
        if !(0.0..=24.0 * 365.0).contains(&hours) {
            self.problems.push(
                &at.key("server_sync_lag_hours"),
                format!("the lag must be between 0 and 8760 hours, found {}", show(hours)),
            );
            return (24 * 3600, spec);
        }
        ((hours * 3600.0).round() as i64, spec)
    }

    pub(super) fn check_churn(
        &mut self,
        churn: Option<&raw::ChurnFile>,
        domains: &[DomainSpec],
        horizon_days: u32,
    ) -> ChurnSpec {
        let at = JsonPath::root().key("churn");
        let Some(churn) = churn else { return ChurnSpec::default() };
        let max = (limits::MAX_PEOPLE / 2) as f64 / f64::from(horizon_days.max(1));
        let spec = ChurnSpec {
            joiners_per_day: self.rate(churn.joiners_per_day, &at.key("joiners_per_day"), max, "per day"),
            leavers_per_day: self.rate(churn.leavers_per_day, &at.key("leavers_per_day"), max, "per day"),
        };
        if spec.joiners_per_day > 0.0 && domains.is_empty() {
            self.problems.push_hint(
                &at.key("joiners_per_day"),
                "joiners need a domain for their IdP emails",
                "add `\"domains\": [{\"name\": \"acme.com\"}]`",
            );
        }
        spec
    }

    /// A group an event names. Every one must be listed in `groups`, which gives each name its
    /// grants and whether it is synced: an event cannot bring a new group name (a
    /// `create_idp_group` re-creates a listed group in the IdP).
    fn event_group(&mut self, name: &str, at: &JsonPath) -> Option<GroupId> {
        let hint = (!name.is_empty()).then(|| {
            format!(
                "`groups` must list every group an event names, with its grants and whether it is \
                 synced: add `{{\"name\": \"{name}\", \"grants\": [...]}}`"
            )
        });
        self.groups.get_or(name, at, self.problems, hint).map(GroupId::from_index)
    }

    pub(super) fn check_events(
        &mut self,
        events: &Items<EventFile>,
        population: &Population,
        churn: &ChurnSpec,
    ) -> Vec<ExoEvent> {
        let at = JsonPath::root().key("events");
        let (people, synthetic): (&[PersonSpec], bool) = match population {
            Population::Explicit(people) => (people, false),
            Population::Synthetic(_) => (&[], true),
        };
        // Run order: by time, then file order. Joiners get ids in that order.
        let mut order: Vec<(usize, &EventFile)> = events.iter().collect();
        order.sort_by_key(|&(i, e)| (SimTime::from_days(e.day()), i));
        let mut next_person = people.len();
        // person index → (join time, position in run order); initial people join at -1.
        let mut joined_at: HashMap<usize, (SimTime, usize)> = HashMap::new();
        let mut has_idp: Vec<bool> = people.iter().map(|p| p.idp_email.is_some()).collect();
        // First pass: register joiners so that references resolve regardless of file order.
        let mut join_ids: HashMap<usize, (PersonId, PersonSpec)> = HashMap::new();
        for (rank, &(i, event)) in order.iter().enumerate() {
            if let EventFile::Join(j) = event {
                let here = at.index(i).key("person");
                if synthetic {
                    self.problems.push_hint(
                        &at.index(i),
                        "`join` events need an explicit population",
                        "with a synthetic population, set `churn.joiners_per_day` instead",
                    );
                }
                let spec = self.check_person(&j.person, &here);
                if spec.idp_email.is_none() {
                    self.problems.push_hint(
                        &here,
                        "a joiner appears in the IdP and needs an `idp_email`",
                        "add the joiner's IdP primary email",
                    );
                }
                let id = PersonId::from_index(next_person);
                joined_at.insert(next_person, (SimTime::from_days(j.day), rank));
                has_idp.push(spec.idp_email.is_some());
                join_ids.insert(i, (id, spec));
                next_person += 1;
            }
        }
        // R25: who is employed and in scope at each event, as the file shows it (run order).
        // Generated leavers (`churn.leavers_per_day`) can make anyone a leaver: with them, a
        // `rehire` of someone the file shows employed is allowed (a no-op if they are).
        let random_leavers = churn.leavers_per_day > 0.0;
        let mut employed: Vec<bool> = people.iter().map(|p| p.employed).collect();
        let mut in_scope: Vec<bool> = people.iter().map(|p| p.in_idp_scope).collect();
        employed.resize(next_person, false);
        in_scope.resize(next_person, false);
        let mut out = vec![None; events.len()];
        for (rank, &(i, e)) in order.iter().enumerate() {
            let here = at.index(i);
            let t = self.day(e.day(), &here.key("day"));
            // A person reference must exist, and a joiner must have joined earlier in run order.
            let person =
                |checker: &mut Checker, name: &str, at: &JsonPath, needs_idp: bool| -> Option<PersonId> {
                    if synthetic {
                        checker.problems.push_hint(
                            at,
                            "events that name people need an explicit population",
                            "synthetic people are generated per replication: use `drift` and `churn` rates, \
                             or list the people in `population.people`",
                        );
                        return None;
                    }
                    let p = checker.people.get(name, at, checker.problems)?;
                    if let Some(&(join_t, join_rank)) = joined_at.get(&p) {
                        if join_rank > rank {
                            checker.problems.push_hint(
                                at,
                                format!("person `{name}` has not joined yet at day {}", e.day()),
                                format!(
                                    "`{name}` joins on day {}; move this event after the join",
                                    join_t.0 as f64 / SECONDS_PER_DAY as f64
                                ),
                            );
                            return None;
                        }
                    }
                    if needs_idp && !has_idp.get(p).copied().unwrap_or(false) {
                        checker.problems.push_hint(
                            at,
                            format!("person `{name}` has no IdP identity"),
                            format!("give `{name}` an `idp_email`"),
                        );
                        return None;
                    }
                    Some(PersonId::from_index(p))
                };
            let kind = match e {
                EventFile::ChangeIdpEmail(c) => {
                    if c.to.is_empty() {
                        self.problems.push(&here.key("to"), "the new email is empty");
                    }
                    person(self, &c.person, &here.key("person"), true)
                        .map(|p| ExoKind::ChangeIdpEmail { person: p, to: c.to.clone() })
                }
                EventFile::RekeyIdpObject(r) => person(self, &r.person, &here.key("person"), true)
                    .map(|p| ExoKind::RekeyIdpObject { person: p }),
                EventFile::Leave(l) => person(self, &l.person, &here.key("person"), false).map(|p| {
                    employed[p.index()] = false;
                    ExoKind::Leave { person: p }
                }),
                EventFile::Join(_) => join_ids.remove(&i).map(|(p, spec)| {
                    employed[p.index()] = spec.employed;
                    in_scope[p.index()] = spec.in_idp_scope;
                    ExoKind::Join { person: p, spec: Box::new(spec) }
                }),
                EventFile::Assign(a) | EventFile::Unassign(a) => {
                    let assign = matches!(e, EventFile::Assign(_));
                    let at = here.key("person");
                    person(self, &a.person, &at, true).and_then(|p| {
                        if in_scope[p.index()] == assign {
                            let (state, hint) = if assign {
                                (
                                    "already in the provisioning scope",
                                    "remove this `assign`, or `unassign` them earlier",
                                )
                            } else {
                                (
                                    "not in the provisioning scope",
                                    "remove this `unassign`, or `assign` them earlier",
                                )
                            };
                            self.problems.push_hint(
                                &at,
                                format!("person `{}` is {state} at day {}", a.person, show(a.day)),
                                hint,
                            );
                            return None;
                        }
                        in_scope[p.index()] = assign;
                        Some(if assign {
                            ExoKind::Assign { person: p }
                        } else {
                            ExoKind::Unassign { person: p }
                        })
                    })
                }
                EventFile::Rehire(r) => {
                    let at = here.key("person");
                    let idp_groups = r.idp_groups.as_ref().map(|names| {
                        let mut groups = Vec::new();
                        for (k, name) in names.iter().enumerate() {
                            if let Some(g) = self.event_group(name, &here.key("idp_groups").index(k)) {
                                if !groups.contains(&g) {
                                    groups.push(g);
                                }
                            }
                        }
                        groups
                    });
                    person(self, &r.person, &at, true).and_then(|p| {
                        if employed[p.index()] && !random_leavers {
                            self.problems.push_hint(
                                &at,
                                format!(
                                    "person `{}` is employed at day {}, not a leaver",
                                    r.person,
                                    show(r.day)
                                ),
                                "a rehire follows a `leave` (or a person with `\"employed\": false`)",
                            );
                            return None;
                        }
                        employed[p.index()] = true;
                        Some(ExoKind::Rehire {
                            person: p,
                            new_object: r.new_object.unwrap_or(true),
                            idp_groups,
                        })
                    })
                }
                EventFile::DeleteIdpGroup(d) => self
                    .event_group(&d.group, &here.key("group"))
                    .map(|group| ExoKind::DeleteIdpGroup { group }),
                EventFile::CreateIdpGroup(c) => {
                    let group = self.event_group(&c.group, &here.key("group"));
                    let members = c.members.as_ref().map(|names| {
                        let mut members = Vec::new();
                        for (k, m) in names.iter().enumerate() {
                            let at = here.key("members").index(k);
                            if let Some(p) = person(self, m, &at, true) {
                                if members.contains(&p) {
                                    self.problems.push(&at, format!("`{m}` is listed twice"));
                                }
                                members.push(p);
                            }
                        }
                        members
                    });
                    group.map(|group| ExoKind::CreateIdpGroup { group, members })
                }
                EventFile::AddToIdpGroup(m) | EventFile::RemoveFromIdpGroup(m) => {
                    let group = self.event_group(&m.group, &here.key("group"));
                    let p = person(self, &m.person, &here.key("person"), true);
                    match (group, p) {
                        (Some(group), Some(person)) => Some(if matches!(e, EventFile::AddToIdpGroup(_)) {
                            ExoKind::AddToIdpGroup { group, person }
                        } else {
                            ExoKind::RemoveFromIdpGroup { group, person }
                        }),
                        _ => None,
                    }
                }
                EventFile::MoveDomain(m) => {
                    let share = self.share(m.share, &here.key("share"));
                    for (field, d) in [("from", &m.from), ("to", &m.to)] {
                        if !is_domain_name(d) {
                            self.problems.push_hint(
                                &here.key(field),
                                format!("`{d}` is not a domain name"),
                                "write the part after @, e.g. `acme.com`",
                            );
                        }
                    }
                    Some(ExoKind::MoveDomain {
                        from: m.from.to_lowercase(),
                        to: m.to.clone(),
                        share,
                        ordinal: 0,
                    })
                }
            };
            out[i] = kind.map(|kind| ExoEvent { at: t, kind });
        }
        let mut sorted: Vec<ExoEvent> = order.iter().filter_map(|&(i, _)| out[i].take()).collect();
        let mut ordinal = 0;
        for e in &mut sorted {
            if let ExoKind::MoveDomain { ordinal: o, .. } = &mut e.kind {
                *o = ordinal;
                ordinal += 1;
            }
        }
        sorted
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{base, problems};
    use super::*;
    use crate::input::validate::scenario_from_value;
    use serde_json::json;

    /// Every group an event names must be listed in `groups` — `create_idp_group` included, and
    /// an empty name too (it used to drop the event silently) — each reported at its path.
    #[test]
    fn every_group_an_event_names_must_be_listed() {
        let mut v = base();
        v["events"] = json!([
            {"day": 1, "do": "create_idp_group", "group": "payroll", "members": ["ann"]},
            {"day": 2, "do": "delete_idp_group", "group": "payroll"},
            {"day": 3, "do": "add_to_idp_group", "group": "payroll", "person": "ann"},
            {"day": 4, "do": "remove_from_idp_group", "group": "", "person": "ann"},
            {"day": 5, "do": "create_idp_group", "group": ""},
            {"day": 6, "do": "join", "person": {"id": "cy", "idp_email": "cy@acme.com", "idp_groups": ["payroll", ""]}},
            {"day": 7, "do": "delete_idp_group", "group": 3}
        ]);
        let unlisted = "unknown group `payroll` (hint: `groups` must list every group an event names, with \
                        its grants and whether it is synced: add `{\"name\": \"payroll\", \"grants\": [...]}`)";
        let empty = "the group name is empty (hint: expected one of `jira-users`)";
        let found = problems(&v);
        let expected = [
            format!("$.events[0].group: {unlisted}"),
            format!("$.events[1].group: {unlisted}"),
            format!("$.events[2].group: {unlisted}"),
            format!("$.events[3].group: {empty}"),
            format!("$.events[4].group: {empty}"),
            "$.events[5].person.idp_groups[0]: unknown group `payroll` (hint: expected one of `jira-users`)"
                .into(),
            format!("$.events[5].person.idp_groups[1]: {empty}"),
            // A value of the wrong type is reported once, where it is read.
            "$.events[6].group: expected a string, found a number".into(),
        ];
        for e in &expected {
            assert!(found.contains(e), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        // A close misspelling still gets its did-you-mean.
        v["events"] = json!([{"day": 1, "do": "create_idp_group", "group": "jira-user"}]);
        assert_eq!(
            problems(&v),
            ["$.events[0].group: unknown group `jira-user` (hint: did you mean `jira-users`?)"]
        );
    }

    #[test]
    fn joiners_are_numbered_after_the_people_and_must_join_before_use() {
        let mut v = base();
        v["events"] = json!([
            {"day": 3, "do": "leave", "person": "cy"},
            {"day": 2, "do": "join", "person": {"id": "cy", "idp_email": "cy@acme.com"}},
            {"day": 1, "do": "leave", "person": "dee"},
            {"day": 5, "do": "join", "person": {"id": "dee", "idp_email": "dee@acme.com"}}
        ]);
        let found = problems(&v);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("$.events[2].person: person `dee` has not joined yet at day 1"));
        v["events"][2]["day"] = json!(6);
        let s = scenario_from_value(&v).expect("valid once dee leaves after joining");
        let kinds: Vec<String> =
            s.events.iter().map(|e| format!("{:?}", e.kind).chars().take(12).collect()).collect();
        assert_eq!(kinds, ["Join { perso", "Leave { pers", "Join { perso", "Leave { pers"]);
        assert!(matches!(s.events[0].kind, ExoKind::Join { person: PersonId(2), .. }));
        assert!(matches!(s.events[3].kind, ExoKind::Leave { person: PersonId(3) }));
    }

    /// R25: a `rehire` names a leaver at that instant (as the file shows it), an `assign`
    /// someone out of scope and an `unassign` someone in scope; all need an IdP identity.
    #[test]
    fn lifecycle_events_name_people_in_the_right_state() {
        let mut v = base();
        v["population"]["people"].as_array_mut().expect("people").extend([
            json!({"id": "cy", "server_email": "cy@acme.com"}),
            json!({"id": "dee", "idp_email": "dee@acme.com", "employed": false, "in_idp_scope": false}),
        ]);
        v["events"] = json!([
            {"day": 1, "do": "rehire", "person": "ann"},
            {"day": 2, "do": "leave", "person": "ann"},
            {"day": 3, "do": "rehire", "person": "ann", "idp_groups": ["jira-users"]},
            {"day": 4, "do": "rehire", "person": "ann"},
            {"day": 5, "do": "assign", "person": "bob"},
            {"day": 6, "do": "unassign", "person": "bob"},
            {"day": 7, "do": "unassign", "person": "bob"},
            {"day": 8, "do": "assign", "person": "cy"},
            {"day": 9, "do": "rehire", "person": "dee", "new_object": false, "idp_groups": ["payroll"]},
            {"day": 10, "do": "assign", "person": "dee"},
            {"day": 11, "do": "unassign", "person": "zed"}
        ]);
        let found = problems(&v);
        let expected = [
            "$.events[0].person: person `ann` is employed at day 1, not a leaver (hint: a rehire follows a \
             `leave` (or a person with `\"employed\": false`))",
            "$.events[3].person: person `ann` is employed at day 4, not a leaver (hint: a rehire follows a \
             `leave` (or a person with `\"employed\": false`))",
            "$.events[4].person: person `bob` is already in the provisioning scope at day 5 (hint: remove \
             this `assign`, or `unassign` them earlier)",
            "$.events[6].person: person `bob` is not in the provisioning scope at day 7 (hint: remove \
             this `unassign`, or `assign` them earlier)",
            "$.events[7].person: person `cy` has no IdP identity (hint: give `cy` an `idp_email`)",
        ];
        for e in expected {
            assert!(found.iter().any(|f| f == e), "missing {e:?} in {found:#?}");
        }
        assert!(found.iter().any(|f| f.starts_with("$.events[8].idp_groups[0]: unknown group `payroll`")));
        assert!(
            found.iter().any(|f| f.starts_with("$.events[10].person: unknown person `zed`")),
            "{found:#?}"
        );
        assert_eq!(found.len(), expected.len() + 2, "{found:#?}");
        // With generated leavers anyone may have left: the rehire is allowed (a no-op if not).
        v["churn"] = json!({"leavers_per_day": 0.1});
        v["events"] = json!([{"day": 1, "do": "rehire", "person": "ann"}]);
        let s = scenario_from_value(&v).expect("valid with generated leavers");
        assert!(matches!(s.events[0].kind, ExoKind::Rehire { new_object: true, idp_groups: None, .. }));
        // A synthetic population cannot name people.
        let mut synthetic = base();
        synthetic["population"] = json!({"synthetic": {"people": 10}});
        synthetic["events"] = json!([{"day": 1, "do": "assign", "person": "ann"}]);
        assert!(
            problems(&synthetic).iter().any(|p| p.starts_with("$.events[0].person: events that name people"))
        );
    }
}
