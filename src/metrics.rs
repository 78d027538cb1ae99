//! Metric names (DESIGN §4 and §9.3, binding) and the per-replication outcome of one strategy.
//!
//! Every metric is one *column*: reports, CSV files, paired differences and expectations all
//! address metrics by [`MetricId`], an index into [`COLUMNS`]. Two metrics are also split into
//! parts (a [`Breakdown`]): `surplus_accounts` by the [`Origin`] of each surplus account and
//! `lost_access_incidents` by [`Cause`]. Each part is a column of its own, named
//! `<breakdown>.<part>`, right after its parent; the *headline* metrics are the columns that
//! are not parts.

use crate::ids::Origin;

mod reasons;
pub use reasons::Reason;

/// Why a person lost a product (DESIGN §4 `lost_access_by_cause`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// R11: an IdP group deletion deleted the cloud group.
    GroupDeleted,
    /// R10: accepting a conflict replaced a local group's members.
    ConflictAccepted,
    /// R7: an email update unlinked the account and removed it from SCIM groups.
    EmailUpdateUnlinked,
    /// R4 `add`: the next push of the IdP group removed migrated members.
    ScimGroupOverwritten,
    /// R14: the person signed into another account.
    SignedIntoNewAccount,
    /// R9: a deprovisioning deactivated an account someone still entitled was using.
    DeprovisionedInUse,
    /// Anything else.
    Other,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 7] = [
        Cause::GroupDeleted,
        Cause::ConflictAccepted,
        Cause::EmailUpdateUnlinked,
        Cause::ScimGroupOverwritten,
        Cause::SignedIntoNewAccount,
        Cause::DeprovisionedInUse,
        Cause::Other,
    ];

    /// Binding name.
    pub fn name(self) -> &'static str {
        match self {
            Cause::GroupDeleted => "group_deleted",
            Cause::ConflictAccepted => "conflict_accepted",
            Cause::EmailUpdateUnlinked => "email_update_unlinked",
            Cause::ScimGroupOverwritten => "scim_group_overwritten",
            Cause::SignedIntoNewAccount => "signed_into_new_account",
            Cause::DeprovisionedInUse => "deprovisioned_in_use",
            Cause::Other => "other",
        }
    }

    /// Column of this cause.
    pub fn column(self) -> MetricId {
        Part::Cause(self).column()
    }
}

/// A metric split into parts whose columns follow it and add up to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Breakdown {
    /// `surplus_accounts_by_origin`: `surplus_accounts` by the origin of each surplus account.
    SurplusByOrigin,
    /// `lost_access_by_cause`: `lost_access_incidents` by cause.
    LostAccessByCause,
}

impl Breakdown {
    /// Every breakdown, in column order.
    pub const ALL: [Breakdown; 2] = [Breakdown::SurplusByOrigin, Breakdown::LostAccessByCause];

    /// Binding name (the prefix of its parts' columns, and its key in the reports).
    pub fn name(self) -> &'static str {
        match self {
            Breakdown::SurplusByOrigin => "surplus_accounts_by_origin",
            Breakdown::LostAccessByCause => "lost_access_by_cause",
        }
    }

    /// The metric it splits.
    pub fn parent(self) -> MetricId {
        match self {
            Breakdown::SurplusByOrigin => MetricId::SURPLUS_ACCOUNTS,
            Breakdown::LostAccessByCause => MetricId::LOST_ACCESS_INCIDENTS,
        }
    }

    /// Number of parts.
    fn n_parts(self) -> usize {
        match self {
            Breakdown::SurplusByOrigin => Origin::ALL.len(),
            Breakdown::LostAccessByCause => Cause::ALL.len(),
        }
    }

    /// Part `i` (report order).
    fn part(self, i: usize) -> Part {
        match self {
            Breakdown::SurplusByOrigin => Part::Origin(Origin::ALL[i]),
            Breakdown::LostAccessByCause => Part::Cause(Cause::ALL[i]),
        }
    }

    /// The columns of its parts, in report order: right after the parent's.
    pub fn columns(self) -> impl Iterator<Item = MetricId> {
        let first = self.parent().0 + 1;
        (first..first + self.n_parts()).map(MetricId)
    }
}

/// One part of a [`Breakdown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Surplus accounts of this origin.
    Origin(Origin),
    /// Lost-access incidents of this cause.
    Cause(Cause),
}

impl Part {
    /// The breakdown it is part of.
    pub fn breakdown(self) -> Breakdown {
        match self {
            Part::Origin(_) => Breakdown::SurplusByOrigin,
            Part::Cause(_) => Breakdown::LostAccessByCause,
        }
    }

    /// Binding name of the part (its key inside the breakdown).
    pub fn name(self) -> &'static str {
        match self {
            Part::Origin(o) => o.name(),
            Part::Cause(c) => c.name(),
        }
    }

    /// Column of the part.
    pub fn column(self) -> MetricId {
        let index = match self {
            Part::Origin(o) => o as usize,
            Part::Cause(c) => c as usize,
        };
        MetricId(self.breakdown().parent().0 + 1 + index)
    }
}

/// Every column, in report and CSV order. The parts of a breakdown follow its parent.
pub const COLUMNS: [&str; N_COLUMNS] = [
    "duplicate_people",
    "surplus_accounts",
    "surplus_accounts_by_origin.pre_existing",
    "surplus_accounts_by_origin.migration",
    "surplus_accounts_by_origin.scim",
    "surplus_accounts_by_origin.self_signup",
    "surplus_accounts_by_origin.placeholder",
    "surplus_accounts_by_origin.admin",
    "split_identity_people",
    "lost_access_incidents",
    "lost_access_by_cause.group_deleted",
    "lost_access_by_cause.conflict_accepted",
    "lost_access_by_cause.email_update_unlinked",
    "lost_access_by_cause.scim_group_overwritten",
    "lost_access_by_cause.signed_into_new_account",
    "lost_access_by_cause.deprovisioned_in_use",
    "lost_access_by_cause.other",
    "missing_access_people",
    "over_access_people",
    "orphaned_accounts",
    "orphaned_account_days",
    "group_conflicts",
    "scim_errors",
    "unlinked_scim_records",
    "former_users",
    "blocked_users",
    "remapped_users",
    "admin_fix_failures",
    "billable_accounts",
    "events_processed",
];

/// Number of columns.
pub const N_COLUMNS: usize = 30;

/// A column of [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricId(pub usize);

impl MetricId {
    /// `duplicate_people`
    pub const DUPLICATE_PEOPLE: MetricId = MetricId(0);
    /// `surplus_accounts`
    pub const SURPLUS_ACCOUNTS: MetricId = MetricId(1);
    /// `split_identity_people`
    pub const SPLIT_IDENTITY_PEOPLE: MetricId = MetricId(8);
    /// `lost_access_incidents`
    pub const LOST_ACCESS_INCIDENTS: MetricId = MetricId(9);
    /// `missing_access_people`
    pub const MISSING_ACCESS_PEOPLE: MetricId = MetricId(17);
    /// `over_access_people`
    pub const OVER_ACCESS_PEOPLE: MetricId = MetricId(18);
    /// `orphaned_accounts`
    pub const ORPHANED_ACCOUNTS: MetricId = MetricId(19);
    /// `orphaned_account_days`
    pub const ORPHANED_ACCOUNT_DAYS: MetricId = MetricId(20);
    /// `group_conflicts`
    pub const GROUP_CONFLICTS: MetricId = MetricId(21);
    /// `scim_errors`
    pub const SCIM_ERRORS: MetricId = MetricId(22);
    /// `unlinked_scim_records`
    pub const UNLINKED_SCIM_RECORDS: MetricId = MetricId(23);
    /// `former_users`
    pub const FORMER_USERS: MetricId = MetricId(24);
    /// `blocked_users`
    pub const BLOCKED_USERS: MetricId = MetricId(25);
    /// `remapped_users`
    pub const REMAPPED_USERS: MetricId = MetricId(26);
    /// `admin_fix_failures`
    pub const ADMIN_FIX_FAILURES: MetricId = MetricId(27);
    /// `billable_accounts`
    pub const BILLABLE_ACCOUNTS: MetricId = MetricId(28);
    /// `events_processed`
    pub const EVENTS_PROCESSED: MetricId = MetricId(29);

    /// Binding name of the column.
    pub fn name(self) -> &'static str {
        COLUMNS[self.0]
    }

    /// Looks a column up by its binding name.
    pub fn by_name(name: &str) -> Option<MetricId> {
        COLUMNS.iter().position(|c| *c == name).map(MetricId)
    }

    /// The part, when this column is a part of a breakdown.
    pub fn part(self) -> Option<Part> {
        Breakdown::ALL.into_iter().find_map(|b| {
            let first = b.parent().0 + 1;
            (first..first + b.n_parts()).contains(&self.0).then(|| b.part(self.0 - first))
        })
    }

    /// The breakdown this column is a part of, if any.
    pub fn breakdown(self) -> Option<Breakdown> {
        self.part().map(Part::breakdown)
    }

    /// The cause, when this column is one of `lost_access_by_cause.*`.
    pub fn cause(self) -> Option<Cause> {
        match self.part() {
            Some(Part::Cause(c)) => Some(c),
            _ => None,
        }
    }

    /// The column of `surplus_accounts_by_origin.<origin>`.
    pub fn surplus_of(origin: Origin) -> MetricId {
        Part::Origin(origin).column()
    }

    /// Every column.
    pub fn all() -> impl Iterator<Item = MetricId> {
        (0..N_COLUMNS).map(MetricId)
    }

    /// True for a diagnostic column (`events_processed`): it describes the run, not the
    /// migration, so tables, comparisons and charts leave it out.
    pub fn is_diagnostic(self) -> bool {
        self == MetricId::EVENTS_PROCESSED
    }

    /// Every column that is not a diagnostic.
    pub fn reported() -> impl Iterator<Item = MetricId> {
        MetricId::all().filter(|m| !m.is_diagnostic())
    }

    /// Columns that are metrics proper (not parts of a breakdown).
    pub fn headline() -> impl Iterator<Item = MetricId> {
        MetricId::all().filter(|m| m.part().is_none())
    }
}

/// Metrics kept per day (DESIGN §4): sampled at `day × 86400` after that instant's events.
pub const TIMELINE_METRICS: [MetricId; 3] =
    [MetricId::DUPLICATE_PEOPLE, MetricId::LOST_ACCESS_INCIDENTS, MetricId::ORPHANED_ACCOUNTS];

/// One replication of one strategy: every column, and the daily samples of
/// [`TIMELINE_METRICS`] for days `0..=horizon_days`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Value of every column at the end of the horizon.
    pub values: [f64; N_COLUMNS],
    /// `timeline[day][k]` is the value of `TIMELINE_METRICS[k]` at the end of `day`'s instant.
    pub timeline: Vec<[f64; 3]>,
}

impl Outcome {
    /// Value of one column.
    pub fn get(&self, metric: MetricId) -> f64 {
        self.values[metric.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_their_parent_and_are_named_after_their_breakdown() {
        let mut parts = 0;
        for b in Breakdown::ALL {
            let columns: Vec<MetricId> = b.columns().collect();
            assert_eq!(columns.first().map(|m| m.0), Some(b.parent().0 + 1), "{}", b.name());
            for m in columns {
                let part = m.part().unwrap_or_else(|| panic!("{} is a part", m.name()));
                assert_eq!(part.breakdown(), b);
                assert_eq!(part.column(), m);
                assert_eq!(m.breakdown(), Some(b));
                assert_eq!(m.name(), format!("{}.{}", b.name(), part.name()));
                parts += 1;
            }
            assert!(b.parent().part().is_none(), "a parent is a headline metric");
        }
        for cause in Cause::ALL {
            assert_eq!(cause.column().name(), format!("lost_access_by_cause.{}", cause.name()));
            assert_eq!(cause.column().cause(), Some(cause));
        }
        for origin in Origin::ALL {
            assert_eq!(
                MetricId::surplus_of(origin).name(),
                format!("surplus_accounts_by_origin.{}", origin.name())
            );
            assert_eq!(MetricId::surplus_of(origin).part(), Some(Part::Origin(origin)));
        }
        assert_eq!(parts, Origin::ALL.len() + Cause::ALL.len());
        assert_eq!(MetricId::headline().count(), 17);
        assert_eq!(MetricId::headline().count() + parts, N_COLUMNS);
        // Every other column is a part of nothing.
        let in_parts = MetricId::all().filter(|m| m.breakdown().is_some()).count();
        assert_eq!(in_parts, parts);
    }

    #[test]
    fn column_names_are_unique() {
        let names: std::collections::BTreeSet<&str> = COLUMNS.into_iter().collect();
        assert_eq!(names.len(), N_COLUMNS);
    }

    #[test]
    fn named_constants_match_their_columns() {
        let pairs = [
            (MetricId::DUPLICATE_PEOPLE, "duplicate_people"),
            (MetricId::SURPLUS_ACCOUNTS, "surplus_accounts"),
            (MetricId::SPLIT_IDENTITY_PEOPLE, "split_identity_people"),
            (MetricId::LOST_ACCESS_INCIDENTS, "lost_access_incidents"),
            (MetricId::MISSING_ACCESS_PEOPLE, "missing_access_people"),
            (MetricId::OVER_ACCESS_PEOPLE, "over_access_people"),
            (MetricId::ORPHANED_ACCOUNTS, "orphaned_accounts"),
            (MetricId::ORPHANED_ACCOUNT_DAYS, "orphaned_account_days"),
            (MetricId::GROUP_CONFLICTS, "group_conflicts"),
            (MetricId::SCIM_ERRORS, "scim_errors"),
            (MetricId::UNLINKED_SCIM_RECORDS, "unlinked_scim_records"),
            (MetricId::FORMER_USERS, "former_users"),
            (MetricId::BLOCKED_USERS, "blocked_users"),
            (MetricId::REMAPPED_USERS, "remapped_users"),
            (MetricId::ADMIN_FIX_FAILURES, "admin_fix_failures"),
            (MetricId::BILLABLE_ACCOUNTS, "billable_accounts"),
            (MetricId::EVENTS_PROCESSED, "events_processed"),
        ];
        for (id, name) in pairs {
            assert_eq!(id.name(), name);
            assert_eq!(MetricId::by_name(name), Some(id));
        }
        // Every headline metric has its constant.
        assert_eq!(pairs.len(), MetricId::headline().count());
    }
}
