//! The world's invariants, checked after every event by the tests (O(size of the world), so
//! never in a normal run).

use super::world::{GroupSource, World};
use super::{AccountId, GroupId, PersonId, RecordId};

impl World<'_> {
    /// Checks every invariant; returns the first violation found.
    pub fn check_invariants(&self) -> Result<(), String> {
        // An email belongs to at most one account, and the index knows every account.
        if self.email_index.len() != self.accounts.len() {
            return Err(format!(
                "{} accounts but {} indexed emails",
                self.accounts.len(),
                self.email_index.len()
            ));
        }
        for (i, a) in self.accounts.iter().enumerate() {
            let id = AccountId::from_index(i);
            if self.account_by_email(&a.email) != Some(id) {
                return Err(format!("account {i} ({}) is not the holder of its email", a.email));
            }
            // Links are symmetric: an account to at most one record, a record to at most one account.
            if let Some(r) = a.linked_record {
                match self.records.get(r.index()) {
                    Some(rec) if rec.linked == Some(id) => {}
                    _ => return Err(format!("account {i} links record {} which does not link it back", r.0)),
                }
            }
            // Group membership is mirrored on both sides, and the granting count is exact.
            let mut granting = 0;
            for g in &a.groups {
                let Some(group) = self.cloud[g.index()].as_ref() else {
                    return Err(format!("account {i} is in deleted group {}", g.0));
                };
                if !group.members.contains(&id) {
                    return Err(format!("account {i} lists group {} which does not list it", g.0));
                }
                if !group.grants.is_empty() {
                    granting += 1;
                }
                // A deactivated account is in no SCIM group.
                if !a.active && group.source == GroupSource::Scim {
                    return Err(format!("deactivated account {i} is in SCIM group {}", g.0));
                }
            }
            if granting != a.n_granting {
                return Err(format!("account {i} counts {} granting groups, has {granting}", a.n_granting));
            }
            for p in &a.login_of {
                if self.people[p.index()].login != Some(id) {
                    return Err(format!("account {i} lists login user {} whose login differs", p.0));
                }
            }
            let orphan = a.active && a.n_granting > 0 && !self.people[a.owner.index()].employed;
            if orphan != a.orphan_since.is_some() {
                return Err(format!("account {i} orphan flag is stale"));
            }
        }
        for (i, r) in self.records.iter().enumerate() {
            if let Some(a) = r.linked {
                if self.accounts[a.index()].linked_record != Some(RecordId::from_index(i)) {
                    return Err(format!("record {i} links account {} which does not link it back", a.0));
                }
            }
        }
        for (g, group) in self.cloud.iter().enumerate() {
            for a in group.iter().flat_map(|c| c.members.iter()) {
                if !self.accounts[a.index()].groups.contains(&GroupId::from_index(g)) {
                    return Err(format!("group {g} lists account {} which does not list it", a.0));
                }
            }
        }
        let (mut duplicates, mut orphaned) = (0, 0);
        for (i, person) in self.people.iter().enumerate() {
            let p = PersonId::from_index(i);
            let active = person.accounts.iter().filter(|a| self.accounts[a.index()].active).count() as u32;
            if active != person.n_active_accounts {
                return Err(format!(
                    "person {i} counts {} active accounts, has {active}",
                    person.n_active_accounts
                ));
            }
            duplicates += u64::from(active >= 2);
            // Every change of what a person has was seen (touched) when it happened.
            if person.has != self.has(p) {
                return Err(format!("person {i}'s products changed without being touched"));
            }
            if let Some(idp) = &person.idp {
                for g in &idp.groups {
                    if !self.idp_groups[g.index()].members.contains(&p) {
                        return Err(format!("person {i} is in IdP group {} which does not list them", g.0));
                    }
                }
            }
        }
        for (g, group) in self.idp_groups.iter().enumerate() {
            for p in &group.members {
                let listed = self.people[p.index()]
                    .idp
                    .as_ref()
                    .is_some_and(|i| i.groups.contains(&GroupId::from_index(g)));
                if !listed {
                    return Err(format!("IdP group {g} lists person {} who does not list it", p.0));
                }
            }
        }
        orphaned += self.accounts.iter().filter(|a| a.orphan_since.is_some()).count() as u64;
        if duplicates != self.counters.duplicate_people {
            return Err(format!(
                "duplicate_people counter {} but {duplicates} people",
                self.counters.duplicate_people
            ));
        }
        if orphaned != self.counters.orphaned_accounts {
            return Err(format!(
                "orphaned_accounts counter {} but {orphaned}",
                self.counters.orphaned_accounts
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ReplicationInput, simulate_with};
    use crate::rng::Streams;
    use std::path::Path;

    /// Every bundled scenario keeps every invariant after every event, in every strategy.
    #[test]
    fn bundled_scenarios_keep_the_invariants_after_every_event() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let files = crate::io::find_scenarios(&[root]).expect("scenarios folder readable");
        assert!(files.len() >= 17, "expected the bundled scenarios, found {}", files.len());
        for file in files {
            let scenario = crate::io::load_scenario(&file).unwrap_or_else(|e| panic!("{e}"));
            for r in 0..scenario.replications.min(3) {
                for s in 0..scenario.strategies.len() {
                    let input = ReplicationInput {
                        people: &scenario.people,
                        events: &scenario.events,
                        streams: Streams::new(scenario.seed, r),
                    };
                    let mut events = 0u64;
                    simulate_with(&scenario, s, input, |world| {
                        events += 1;
                        if let Err(e) = world.check_invariants() {
                            panic!(
                                "{} / {} / replication {r}: after event {events} at {}: {e}",
                                file.display(),
                                scenario.strategies[s].name,
                                world.now
                            );
                        }
                    });
                }
            }
        }
    }
}
