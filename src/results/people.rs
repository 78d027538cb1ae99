//! Who is affected, over the replications (`people.csv`, DESIGN §10): for each person and
//! strategy, the share of replications in which each outcome holds, their mean surplus
//! accounts and their most frequent reason. A running count per person and strategy, folded in
//! one replication at a time, so memory follows the people, not the replications; the counts
//! are sums, so the table is the same whatever order the replications are folded in.

use crate::metrics::Reason;
use crate::sim::explain::{PeopleOutcome, PersonOutcome};
use smallvec::SmallVec;

/// One person's counts in one strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonTally {
    /// Replications with two or more active accounts.
    pub duplicate: u32,
    /// Replications with a split identity.
    pub split_identity: u32,
    /// Replications with at least one lost-access incident.
    pub lost_access: u32,
    /// Replications missing access at the end.
    pub missing_access: u32,
    /// Replications with an orphaned account at the end.
    pub orphaned: u32,
    /// Replications with over-access at the end.
    pub over_access: u32,
    /// Surplus accounts, summed over the replications.
    pub surplus_accounts: u64,
    /// Replications in which each reason was the main one (few per person).
    pub main_reasons: SmallVec<[(Reason, u32); 2]>,
}

impl PersonTally {
    fn add(&mut self, o: &PersonOutcome) {
        self.duplicate += u32::from(o.duplicate);
        self.split_identity += u32::from(o.split_identity);
        self.lost_access += u32::from(o.lost_access > 0);
        self.missing_access += u32::from(o.missing_access);
        self.orphaned += u32::from(o.orphaned_accounts > 0);
        self.over_access += u32::from(o.over_access);
        self.surplus_accounts += u64::from(o.surplus_accounts);
        if let Some(reason) = o.main_reason() {
            match self.main_reasons.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, n)) => *n += 1,
                None => self.main_reasons.push((reason, 1)),
            }
        }
    }

    fn merge(&mut self, other: &PersonTally) {
        self.duplicate += other.duplicate;
        self.split_identity += other.split_identity;
        self.lost_access += other.lost_access;
        self.missing_access += other.missing_access;
        self.orphaned += other.orphaned;
        self.over_access += other.over_access;
        self.surplus_accounts += other.surplus_accounts;
        for &(reason, k) in &other.main_reasons {
            match self.main_reasons.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, n)) => *n += k,
                None => self.main_reasons.push((reason, k)),
            }
        }
    }

    /// The most frequent main reason (ties: the first in [`Reason::ALL`] order).
    pub fn main_cause(&self) -> Option<Reason> {
        self.main_reasons.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|&(r, _)| r)
    }

    /// Replications in which anything went wrong for them, by the outcomes counted here.
    pub fn affected(&self) -> u32 {
        self.main_reasons.iter().map(|(_, n)| n).sum()
    }
}

/// Every person's counts in every strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleTally {
    /// Replications folded in.
    pub replications: u64,
    /// `[strategy][person slot]`; a slot no replication had yet is absent.
    pub strategies: Vec<Vec<PersonTally>>,
}

impl PeopleTally {
    /// An empty tally of `n_strategies` strategies.
    pub fn new(n_strategies: usize) -> PeopleTally {
        PeopleTally { replications: 0, strategies: vec![Vec::new(); n_strategies] }
    }

    /// Folds in one replication: each strategy's people outcomes, in scenario order.
    pub fn add(&mut self, replication: &[PeopleOutcome]) {
        self.replications += 1;
        for (tally, people) in self.strategies.iter_mut().zip(replication) {
            if tally.len() < people.people.len() {
                tally.resize(people.people.len(), PersonTally::default());
            }
            for (t, o) in tally.iter_mut().zip(&people.people) {
                t.add(o);
            }
        }
    }

    /// Adds another tally's counts (of other replications) to this one.
    pub fn merge(&mut self, other: &PeopleTally) {
        self.replications += other.replications;
        for (mine, theirs) in self.strategies.iter_mut().zip(&other.strategies) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), PersonTally::default());
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
    }

    /// The number of person slots any replication had.
    pub fn n_people(&self) -> usize {
        self.strategies.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Person `p`'s counts in strategy `s` (zero when no replication had them).
    pub fn get(&self, s: usize, p: usize) -> PersonTally {
        self.strategies.get(s).and_then(|t| t.get(p)).cloned().unwrap_or_default()
    }

    /// The `n` people most often affected in strategy `s`, most affected first (ties: by slot).
    pub fn most_at_risk(&self, s: usize, n: usize) -> Vec<(usize, &PersonTally)> {
        let Some(tally) = self.strategies.get(s) else { return Vec::new() };
        let mut at_risk: Vec<(usize, &PersonTally)> =
            tally.iter().enumerate().filter(|(_, t)| t.affected() > 0).collect();
        at_risk.sort_by(|a, b| b.1.affected().cmp(&a.1.affected()).then(a.0.cmp(&b.0)));
        at_risk.truncate(n);
        at_risk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(duplicate: bool, reason: Option<Reason>) -> PersonOutcome {
        PersonOutcome {
            duplicate,
            surplus_accounts: u32::from(duplicate),
            reasons: reason.into_iter().collect(),
            ..PersonOutcome::default()
        }
    }

    fn replication(people: Vec<PersonOutcome>) -> Vec<PeopleOutcome> {
        vec![PeopleOutcome { people, unowned_billable_accounts: 0 }]
    }

    /// Counts add up per person; the main cause is the most frequent main reason; folding in
    /// any order, or merging partial tallies, gives the same table.
    #[test]
    fn counts_shares_and_main_causes() {
        let dup = |r| outcome(true, Some(r));
        let reps = [
            replication(vec![dup(Reason::MigrationEmailDiffers), outcome(false, None)]),
            replication(vec![dup(Reason::SelfSignupAtCutover), outcome(false, None)]),
            replication(vec![
                dup(Reason::SelfSignupAtCutover),
                outcome(false, None),
                dup(Reason::RekeyNewRecord),
            ]),
        ];
        let mut forward = PeopleTally::new(1);
        reps.iter().for_each(|r| forward.add(r));
        let mut backward = PeopleTally::new(1);
        reps.iter().rev().for_each(|r| backward.add(r));
        let (mut a, mut b) = (PeopleTally::new(1), PeopleTally::new(1));
        a.add(&reps[2]);
        b.add(&reps[0]);
        b.add(&reps[1]);
        a.merge(&b);
        let main = |t: &PeopleTally| (0..3).map(|p| t.get(0, p).main_cause()).collect::<Vec<_>>();
        assert_eq!(main(&forward), [Some(Reason::SelfSignupAtCutover), None, Some(Reason::RekeyNewRecord)]);
        assert_eq!(main(&backward), main(&forward));
        assert_eq!(main(&a), main(&forward));
        assert_eq!(forward.get(0, 0).duplicate, 3);
        assert_eq!(forward.get(0, 0).surplus_accounts, 3);
        assert_eq!(forward.n_people(), 3);
        assert_eq!(a.replications, 3);
        // A tie goes to the reason documented first.
        let mut tie = PeopleTally::new(1);
        tie.add(&reps[1]);
        tie.add(&reps[0]);
        assert_eq!(tie.get(0, 0).main_cause(), Some(Reason::MigrationEmailDiffers));
        assert_eq!(forward.most_at_risk(0, 5).iter().map(|(p, _)| *p).collect::<Vec<_>>(), [0, 2]);
    }
}
