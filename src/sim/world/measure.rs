//! From state changes to metrics (DESIGN §4).
//!
//! Lost access is found where the state changes, only for the people an operation touched:
//! every primitive that can change what a person *has* touches them with the cause of the
//! change, and [`World::settle`] compares what each touched person has now with what they had,
//! counting a lost-access incident for every product they lost while still entitled to it.
//! An operation is one event, or one push inside a sync; the first cause a person is touched
//! with in an operation is the cause of their losses in it.
//!
//! A child of [`super`]: touching, settling and the orphan clock keep incremental counters
//! that must stay exact, so they work on the world's private fields like its primitives do.

use super::World;
use crate::metrics::{Cause, MetricId, N_COLUMNS, TIMELINE_METRICS};
use crate::sim::observe::Observer;
use crate::sim::{AccountId, Origin, PersonId, ProductSet, SimTime};

/// What a person lacks and has in excess (DESIGN §4, §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessGaps {
    /// Entitled and not had (only once they have signed in).
    pub missing: ProductSet,
    /// Had and not entitled.
    pub over: ProductSet,
}

impl<O: Observer> World<'_, O> {
    /// Marks `p` as touched by the current operation.
    pub(super) fn touch(&mut self, p: PersonId, cause: Cause) {
        let person = &mut self.people[p.index()];
        if person.touch_mark != self.op {
            person.touch_mark = self.op;
            self.touched.push((p, cause));
        }
    }

    /// Touches everyone whose login account is `a`.
    pub(super) fn touch_account(&mut self, a: AccountId, cause: Cause) {
        for i in 0..self.accounts[a.index()].login_of.len() {
            let p = self.accounts[a.index()].login_of[i];
            self.touch(p, cause);
        }
    }

    /// Re-evaluates whether an account is orphaned (active, with access, owner gone).
    pub(super) fn update_orphan(&mut self, a: AccountId) {
        let account = &self.accounts[a.index()];
        // An account of nobody's (R17) has no owner who could leave.
        let orphan = account.active
            && account.n_granting > 0
            && !account.owner.is_nobody()
            && !self.people[account.owner.index()].employed;
        match (account.orphan_since, orphan) {
            (None, true) => {
                self.accounts[a.index()].orphan_since = Some(self.now);
                self.counters.orphaned_accounts += 1;
            }
            (Some(since), false) => {
                self.accounts[a.index()].orphan_since = None;
                self.counters.orphaned_accounts -= 1;
                self.counters.orphaned_seconds += self.now.0 - since.0;
            }
            _ => {}
        }
    }

    /// Ends an operation: counts the losses of every touched person.
    pub fn settle(&mut self) {
        let touched = std::mem::take(&mut self.touched);
        for &(p, cause) in &touched {
            let now_has = self.has(p);
            let before = self.people[p.index()].has;
            let lost = before.minus(now_has).intersect(self.entitled(p));
            self.counters.lost_by_cause[cause as usize] += u64::from(lost.len());
            let person = &mut self.people[p.index()];
            person.has = now_has;
            if !lost.is_empty() {
                person.lost_incidents += lost.len();
                person.last_loss = Some(cause);
                if O::ENABLED {
                    let ctx = self.context();
                    self.observer.access_lost(ctx, p, lost, cause);
                }
            }
        }
        self.touched = touched;
        self.touched.clear();
        self.op += 1;
    }

    /// Total lost-access incidents so far.
    pub fn lost_access_incidents(&self) -> u64 {
        self.counters.lost_by_cause.iter().sum()
    }

    /// The values of the daily time series now.
    pub fn daily_sample(&self) -> [f64; 3] {
        let values = [
            self.counters.duplicate_people as f64,
            self.lost_access_incidents() as f64,
            self.counters.orphaned_accounts as f64,
        ];
        debug_assert_eq!(TIMELINE_METRICS.len(), values.len());
        values
    }

    /// Surplus accounts by origin, in [`Origin::ALL`] order: of a person's active accounts,
    /// every one but the first created (the lowest id) is surplus, counted under its own origin.
    fn surplus_by_origin(&self) -> [u64; Origin::ALL.len()] {
        let mut by_origin = [0; Origin::ALL.len()];
        for person in self.people.iter().filter(|p| p.n_active_accounts >= 2) {
            let active = || person.accounts.iter().copied().filter(|a| self.accounts[a.index()].active);
            let first = active().min();
            for a in active().filter(|&a| Some(a) != first) {
                by_origin[self.accounts[a.index()].origin as usize] += 1;
            }
        }
        by_origin
    }

    /// What an employed person is entitled to and does not have (counted once they have
    /// signed in: `missing_access_people`) and has without being entitled to it
    /// (`over_access_people`); each set is computed once, and neither for someone with no
    /// access who never signed in.
    pub fn access_gaps(&self, p: PersonId) -> AccessGaps {
        let person = &self.people[p.index()];
        let none = AccessGaps { missing: ProductSet::EMPTY, over: ProductSet::EMPTY };
        if !person.employed {
            return none;
        }
        let has = self.has(p);
        if has.is_empty() && !person.signed_in {
            return none;
        }
        let entitled = self.entitled(p);
        let missing = if person.signed_in { entitled.minus(has) } else { ProductSet::EMPTY };
        AccessGaps { missing, over: has.minus(entitled) }
    }

    /// Every metric at the end of the horizon.
    pub fn final_metrics(&self, horizon: SimTime) -> [f64; N_COLUMNS] {
        let mut v = [0.0; N_COLUMNS];
        let set = |v: &mut [f64; N_COLUMNS], m: MetricId, x: f64| v[m.0] = x;
        let c = &self.counters;
        set(&mut v, MetricId::DUPLICATE_PEOPLE, c.duplicate_people as f64);
        let surplus: u64 = self.people.iter().map(|p| u64::from(p.n_active_accounts.saturating_sub(1))).sum();
        set(&mut v, MetricId::SURPLUS_ACCOUNTS, surplus as f64);
        for (origin, n) in Origin::ALL.into_iter().zip(self.surplus_by_origin()) {
            set(&mut v, MetricId::surplus_of(origin), n as f64);
        }
        let split = self
            .people
            .iter()
            .filter(|p| p.signed_in && p.content_account.is_some() && p.content_account != p.login)
            .count();
        set(&mut v, MetricId::SPLIT_IDENTITY_PEOPLE, split as f64);
        set(&mut v, MetricId::LOST_ACCESS_INCIDENTS, self.lost_access_incidents() as f64);
        for cause in Cause::ALL {
            set(&mut v, cause.column(), c.lost_by_cause[cause as usize] as f64);
        }
        // Missing and over-access in one pass over the people.
        let (mut missing, mut over) = (0u64, 0u64);
        for i in 0..self.people.len() {
            let gaps = self.access_gaps(PersonId::from_index(i));
            missing += u64::from(!gaps.missing.is_empty());
            over += u64::from(!gaps.over.is_empty());
        }
        set(&mut v, MetricId::MISSING_ACCESS_PEOPLE, missing as f64);
        set(&mut v, MetricId::OVER_ACCESS_PEOPLE, over as f64);
        set(&mut v, MetricId::REMAPPED_USERS, self.people.iter().filter(|p| p.remapped).count() as f64);
        set(&mut v, MetricId::ORPHANED_ACCOUNTS, c.orphaned_accounts as f64);
        let open: i64 =
            self.accounts.iter().filter_map(|a| a.orphan_since).map(|since| horizon.0 - since.0).sum();
        set(&mut v, MetricId::ORPHANED_ACCOUNT_DAYS, (c.orphaned_seconds + open) as f64 / 86_400.0);
        set(&mut v, MetricId::GROUP_CONFLICTS, c.group_conflicts as f64);
        set(&mut v, MetricId::SCIM_ERRORS, c.scim_errors as f64);
        let unlinked = self.records.iter().filter(|r| r.linked.is_none() && !r.deleted).count();
        set(&mut v, MetricId::UNLINKED_SCIM_RECORDS, unlinked as f64);
        set(&mut v, MetricId::FORMER_USERS, self.people.iter().filter(|p| p.former_user).count() as f64);
        set(
            &mut v,
            MetricId::BLOCKED_USERS,
            self.people.iter().filter(|p| p.blocked && !p.migrated).count() as f64,
        );
        set(&mut v, MetricId::ADMIN_FIX_FAILURES, c.admin_fix_failures as f64);
        let billable = self.accounts.iter().filter(|a| a.active && a.n_granting > 0).count();
        set(&mut v, MetricId::BILLABLE_ACCOUNTS, billable as f64);
        set(&mut v, MetricId::EVENTS_PROCESSED, c.events_processed as f64);
        v
    }
}
