//! Who is affected, and why (DESIGN §10): each person's outcome in one replication, counted as
//! the metrics count it, with the reason codes that explain it.
//!
//! [`World::person_outcomes`] reads the world at the end of a run. Its counts add up, over the
//! people (and the accounts that belong to nobody), to the replication's metrics — a test
//! checks it for every bundled scenario — so `trace` and `people.csv` explain exactly the
//! numbers `run` reports.

use super::observe::Observer;
use super::world::{GroupSource, World};
use super::{AccountId, Origin, PersonId, ProductSet};
use crate::metrics::{Cause, Reason};
use smallvec::SmallVec;

/// One person's outcome in one replication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonOutcome {
    /// Two or more active accounts (`duplicate_people`).
    pub duplicate: bool,
    /// Active accounts beyond the first (`surplus_accounts`).
    pub surplus_accounts: u32,
    /// Signed in, with their content on another account (`split_identity_people`).
    pub split_identity: bool,
    /// Lost-access incidents (`lost_access_incidents`).
    pub lost_access: u32,
    /// Employed, signed in, and entitled to a product they do not have (`missing_access_people`).
    pub missing_access: bool,
    /// Employed, with a product they are not entitled to (`over_access_people`).
    pub over_access: bool,
    /// Their accounts that are orphaned (`orphaned_accounts`).
    pub orphaned_accounts: u32,
    /// Their active accounts with product access (`billable_accounts`).
    pub billable_accounts: u32,
    /// Their SCIM records linked to no account (`unlinked_scim_records`).
    pub unlinked_records: u32,
    /// Migrated as a Former user (`former_users`).
    pub former_user: bool,
    /// Kept out of the migration (`blocked_users`).
    pub blocked: bool,
    /// Migrated with a remapped email (`remapped_users`).
    pub remapped: bool,
    /// Why, most important outcome first: a duplicate's surplus accounts, the last loss, the
    /// missing access, the orphaned accounts, the over-access, the split identity.
    pub reasons: SmallVec<[Reason; 2]>,
}

impl PersonOutcome {
    /// True when something went wrong for them: a duplicate, a loss, missing or extra access,
    /// an orphaned account or a split identity.
    pub fn affected(&self) -> bool {
        self.duplicate
            || self.split_identity
            || self.lost_access > 0
            || self.missing_access
            || self.over_access
            || self.orphaned_accounts > 0
    }

    /// The reason of their most important outcome.
    pub fn main_reason(&self) -> Option<Reason> {
        self.reasons.first().copied()
    }

    fn add_reason(&mut self, reason: Reason) {
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }
}

/// Every person's outcome, and what belongs to nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleOutcome {
    /// By person id (joiner slots included: a joiner who never joined has the default).
    pub people: Vec<PersonOutcome>,
    /// Billable accounts that belong to nobody (R17 `create_account` without a person).
    pub unowned_billable_accounts: u32,
}

/// A person's accounts and access now, in words (what `trace` ends a story with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonView {
    /// Employed.
    pub employed: bool,
    /// Their accounts, in the order they were created.
    pub accounts: Vec<AccountView>,
    /// Their login account (an index into `accounts`).
    pub login: Option<usize>,
    /// The account holding their migrated content (an index into `accounts`).
    pub content: Option<usize>,
    /// Products they are entitled to.
    pub entitled: ProductSet,
    /// Products they have (through their login account).
    pub has: ProductSet,
}

/// One account, as a person's story shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    /// Its email now.
    pub email: String,
    /// How it came to be.
    pub origin: Origin,
    /// Active.
    pub active: bool,
    /// Managed by the organisation.
    pub managed: bool,
    /// Products it gives access to.
    pub products: ProductSet,
}

impl<O: Observer> World<'_, O> {
    /// Person `p`'s accounts and access now.
    pub fn person_view(&self, p: PersonId) -> PersonView {
        let person = self.person(p);
        let mut ids: Vec<AccountId> = person.accounts.to_vec();
        ids.sort_unstable();
        let accounts = ids
            .iter()
            .map(|&a| {
                let account = self.account(a);
                AccountView {
                    email: self.emails().text(account.email).to_string(),
                    origin: account.origin,
                    active: account.active,
                    managed: account.managed,
                    products: self.account_products(a),
                }
            })
            .collect();
        let index = |a: Option<AccountId>| a.and_then(|a| ids.iter().position(|&x| x == a));
        PersonView {
            employed: person.employed,
            accounts,
            login: index(person.login),
            content: index(person.content_account),
            entitled: self.entitled(p),
            has: self.has(p),
        }
    }

    /// Every person's outcome now (at the end of a run: the replication's).
    pub fn person_outcomes(&self) -> PeopleOutcome {
        // The first record each person got: a SCIM account created for a later one came from a
        // new IdP object (R8).
        let mut first_record = vec![None; self.people().len()];
        for (i, r) in self.records().iter().enumerate() {
            first_record[r.person.index()].get_or_insert(i);
        }
        let mut out = PeopleOutcome {
            people: (0..self.people().len())
                .map(|i| self.person_outcome(PersonId::from_index(i), first_record[i]))
                .collect(),
            unowned_billable_accounts: 0,
        };
        for r in self.records() {
            if r.linked.is_none() && !r.deleted {
                out.people[r.person.index()].unlinked_records += 1;
            }
        }
        out.unowned_billable_accounts =
            self.accounts().iter().filter(|a| a.owner.is_nobody() && a.active && a.n_granting > 0).count()
                as u32;
        out
    }

    fn person_outcome(&self, p: PersonId, first_record: Option<usize>) -> PersonOutcome {
        let person = self.person(p);
        let mut o = PersonOutcome {
            duplicate: person.n_active_accounts >= 2,
            surplus_accounts: person.n_active_accounts.saturating_sub(1),
            split_identity: person.signed_in
                && person.content_account.is_some()
                && person.content_account != person.login,
            lost_access: person.lost_incidents,
            former_user: person.former_user,
            blocked: person.blocked && !person.migrated,
            remapped: person.remapped,
            ..PersonOutcome::default()
        };
        let gaps = self.access_gaps(p);
        o.missing_access = !gaps.missing.is_empty();
        o.over_access = !gaps.over.is_empty();
        for &a in &person.accounts {
            let account = self.account(a);
            o.orphaned_accounts += u32::from(account.orphan_since.is_some());
            o.billable_accounts += u32::from(account.active && account.n_granting > 0);
        }
        if o.duplicate {
            let active = || person.accounts.iter().copied().filter(|&a| self.account(a).active);
            let first = active().min();
            let first_origin = first.map(|f| self.account(f).origin);
            for a in active().filter(|&a| Some(a) != first) {
                // A plain new account — a self-signup, or SCIM's for an email no account held —
                // is explained by what came before it: an email update that unlinked the person
                // (they signed up again), or a first account under another email (from before the
                // migration, or a placeholder the migration made).
                let reason = match (self.surplus_reason(p, a, first_record), first_origin) {
                    (Reason::SelfSignupAtCutover, _)
                        if person.last_loss == Some(Cause::EmailUpdateUnlinked) =>
                    {
                        Reason::EmailUpdateUnlinked
                    }
                    (
                        Reason::SelfSignupAtCutover | Reason::ScimCreatedNewAccount,
                        Some(Origin::PreExisting),
                    ) => Reason::PreExistingOtherEmail,
                    (
                        Reason::SelfSignupAtCutover | Reason::ScimCreatedNewAccount,
                        Some(Origin::Placeholder),
                    ) => Reason::PlaceholderAccount,
                    (reason, _) => reason,
                };
                o.add_reason(reason);
            }
        }
        if o.lost_access > 0 {
            if let Some(cause) = person.last_loss {
                o.add_reason(Reason::of_loss(cause));
            }
        }
        if o.missing_access && o.lost_access == 0 {
            o.add_reason(self.missing_reason(p, gaps.missing));
        }
        for &a in &person.accounts {
            if self.account(a).orphan_since.is_some() {
                let provisioned = self.account(a).linked_record.is_some_and(|r| self.record(r).active);
                o.add_reason(if provisioned {
                    Reason::DeprovisionNotSent
                } else {
                    Reason::AccountNotProvisioned
                });
            }
        }
        if o.over_access {
            o.add_reason(self.over_reason(p, gaps.over));
        }
        if o.split_identity && !o.duplicate {
            o.add_reason(Reason::ContentOnOtherAccount);
        }
        o
    }

    /// How surplus account `a` of `p` came to be.
    fn surplus_reason(&self, p: PersonId, a: AccountId, first_record: Option<usize>) -> Reason {
        let account = self.account(a);
        match account.origin {
            Origin::Migration => Reason::MigrationEmailDiffers,
            Origin::SelfSignup => {
                let sso = self.person(p).idp.as_ref().and_then(|i| i.sso_email);
                if sso == Some(account.email) { Reason::SsoEmailDiffers } else { Reason::SelfSignupAtCutover }
            }
            Origin::Scim => {
                let later_record = account.linked_record.is_some_and(|r| Some(r.index()) != first_record);
                if later_record { Reason::RekeyNewRecord } else { Reason::ScimCreatedNewAccount }
            }
            Origin::Placeholder => Reason::PlaceholderAccount,
            // Never the surplus when it is not the first: pre-existing accounts come first.
            Origin::PreExisting => Reason::PreExistingOtherEmail,
            Origin::Admin => Reason::AdminInvitedAccount,
        }
    }

    /// Where the chain from `p`'s entitlement to `missing` broke, when no loss explains it.
    fn missing_reason(&self, p: PersonId, _missing: ProductSet) -> Reason {
        let person = self.person(p);
        if person.login.is_some_and(|a| !self.account(a).active) {
            return Reason::LoginAccountDeactivated;
        }
        let Some(idp) = person.idp.as_ref().filter(|i| i.in_scope) else {
            return Reason::NoGrantingGroup;
        };
        let Some(record) = idp.record.map(|r| self.record(r)) else {
            return Reason::NotProvisioned;
        };
        match (record.linked, person.login) {
            (None, _) => Reason::UnlinkedScimRecord,
            (Some(a), Some(login)) if a != login => Reason::SignedIntoOtherAccount,
            _ => Reason::NotInProvisionedGroup,
        }
    }

    /// Where `p`'s extra products `over` come from: the groups of their login account that
    /// grant one of them.
    fn over_reason(&self, p: PersonId, over: ProductSet) -> Reason {
        let Some(login) = self.person(p).login else { return Reason::CloudGrantsDiffer };
        for &g in &self.account(login).groups {
            let Some(group) = self.cloud_group(g) else { continue };
            if group.grants.intersect(over).is_empty() {
                continue;
            }
            if group.source == GroupSource::Scim {
                if group.foreign.contains(&login) && !group.placed.values().any(|&a| a == login) {
                    return Reason::MigrationAddedToScimGroup;
                }
                if !self.idp_group(g).members.contains(&p) {
                    return Reason::StaleMembership;
                }
            }
        }
        Reason::CloudGrantsDiffer
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::{MetricId, N_COLUMNS, Reason};
    use crate::rng::Streams;
    use crate::sim::explain::PeopleOutcome;
    use crate::sim::population::realise;
    use crate::sim::testing::{bundled_scenarios, scenario};
    use crate::sim::world::World;
    use crate::sim::{simulate, simulate_with_end};
    use std::collections::BTreeSet;

    /// The metrics that count people or accounts, from the people's outcomes.
    fn counted(people: &PeopleOutcome) -> Vec<(MetricId, f64)> {
        let sum = |f: &dyn Fn(&super::PersonOutcome) -> u32| people.people.iter().map(f).sum::<u32>() as f64;
        vec![
            (MetricId::DUPLICATE_PEOPLE, sum(&|o| o.duplicate.into())),
            (MetricId::SURPLUS_ACCOUNTS, sum(&|o| o.surplus_accounts)),
            (MetricId::SPLIT_IDENTITY_PEOPLE, sum(&|o| o.split_identity.into())),
            (MetricId::LOST_ACCESS_INCIDENTS, sum(&|o| o.lost_access)),
            (MetricId::MISSING_ACCESS_PEOPLE, sum(&|o| o.missing_access.into())),
            (MetricId::OVER_ACCESS_PEOPLE, sum(&|o| o.over_access.into())),
            (MetricId::ORPHANED_ACCOUNTS, sum(&|o| o.orphaned_accounts)),
            (
                MetricId::BILLABLE_ACCOUNTS,
                sum(&|o| o.billable_accounts) + f64::from(people.unowned_billable_accounts),
            ),
            (MetricId::UNLINKED_SCIM_RECORDS, sum(&|o| o.unlinked_records)),
            (MetricId::FORMER_USERS, sum(&|o| o.former_user.into())),
            (MetricId::BLOCKED_USERS, sum(&|o| o.blocked.into())),
            (MetricId::REMAPPED_USERS, sum(&|o| o.remapped.into())),
        ]
    }

    /// For every bundled scenario (every strategy, replication 0), the people's outcomes add
    /// up to the replication's metrics, and everyone affected has a reason. Returns the reason
    /// codes seen.
    #[test]
    fn people_outcomes_add_up_to_the_metrics_of_every_bundled_scenario() {
        let mut seen = BTreeSet::new();
        for path in bundled_scenarios() {
            let text = std::fs::read_to_string(&path).expect("readable");
            let value: serde_json::Value = serde_json::from_str(&text).expect("json");
            let s = scenario(&value);
            let realised = realise(&s, Streams::new(s.seed, 0));
            for k in 0..s.strategies.len() {
                let (outcome, people) =
                    simulate_with_end(&s, k, realised.input(), |w: &World<'_>| w.person_outcomes());
                assert_eq!(outcome, simulate(&s, k, realised.input()), "explaining changes nothing");
                let values: [f64; N_COLUMNS] = outcome.values;
                for (metric, total) in counted(&people) {
                    assert_eq!(
                        total,
                        values[metric.0],
                        "{}: strategy {k}: {} from the people",
                        path.display(),
                        metric.name()
                    );
                }
                for (i, o) in people.people.iter().enumerate() {
                    assert_eq!(o.affected(), !o.reasons.is_empty(), "{}: person {i}: {o:?}", path.display());
                    seen.extend(o.reasons.iter().copied());
                }
            }
        }
        // Every reason code is produced by some bundled scenario.
        let missing: Vec<&str> = Reason::ALL.iter().filter(|r| !seen.contains(r)).map(|r| r.code()).collect();
        assert!(missing.is_empty(), "no bundled scenario produces {missing:?}");
    }
}
