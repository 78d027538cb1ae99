//! Metric names (DESIGN §4, binding) and the per-replication outcome of one strategy.
//!
//! Every metric, and every cause of `lost_access_incidents`, is one *column*: reports, CSV
//! files, paired differences and expectations all address metrics by [`MetricId`], an index
//! into [`COLUMNS`].

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
        MetricId(FIRST_CAUSE + self as usize)
    }
}

/// Every column, in report and CSV order. Causes follow `lost_access_incidents`.
pub const COLUMNS: [&str; N_COLUMNS] = [
    "duplicate_people",
    "surplus_accounts",
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
    "orphaned_accounts",
    "orphaned_account_days",
    "group_conflicts",
    "scim_errors",
    "unlinked_scim_records",
    "former_users",
    "blocked_users",
    "admin_fix_failures",
    "billable_accounts",
    "events_processed",
];

/// Number of columns.
pub const N_COLUMNS: usize = 22;
const FIRST_CAUSE: usize = 4;

/// A column of [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricId(pub usize);

impl MetricId {
    /// `duplicate_people`
    pub const DUPLICATE_PEOPLE: MetricId = MetricId(0);
    /// `surplus_accounts`
    pub const SURPLUS_ACCOUNTS: MetricId = MetricId(1);
    /// `split_identity_people`
    pub const SPLIT_IDENTITY_PEOPLE: MetricId = MetricId(2);
    /// `lost_access_incidents`
    pub const LOST_ACCESS_INCIDENTS: MetricId = MetricId(3);
    /// `missing_access_people`
    pub const MISSING_ACCESS_PEOPLE: MetricId = MetricId(11);
    /// `orphaned_accounts`
    pub const ORPHANED_ACCOUNTS: MetricId = MetricId(12);
    /// `orphaned_account_days`
    pub const ORPHANED_ACCOUNT_DAYS: MetricId = MetricId(13);
    /// `group_conflicts`
    pub const GROUP_CONFLICTS: MetricId = MetricId(14);
    /// `scim_errors`
    pub const SCIM_ERRORS: MetricId = MetricId(15);
    /// `unlinked_scim_records`
    pub const UNLINKED_SCIM_RECORDS: MetricId = MetricId(16);
    /// `former_users`
    pub const FORMER_USERS: MetricId = MetricId(17);
    /// `blocked_users`
    pub const BLOCKED_USERS: MetricId = MetricId(18);
    /// `admin_fix_failures`
    pub const ADMIN_FIX_FAILURES: MetricId = MetricId(19);
    /// `billable_accounts`
    pub const BILLABLE_ACCOUNTS: MetricId = MetricId(20);
    /// `events_processed`
    pub const EVENTS_PROCESSED: MetricId = MetricId(21);

    /// Binding name of the column.
    pub fn name(self) -> &'static str {
        COLUMNS[self.0]
    }

    /// Looks a column up by its binding name.
    pub fn by_name(name: &str) -> Option<MetricId> {
        COLUMNS.iter().position(|c| *c == name).map(MetricId)
    }

    /// The cause, when this column is one of `lost_access_by_cause.*`.
    pub fn cause(self) -> Option<Cause> {
        Cause::ALL.iter().copied().find(|c| c.column() == self)
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

    /// Columns that are metrics proper (not causes).
    pub fn headline() -> impl Iterator<Item = MetricId> {
        MetricId::all().filter(|m| m.cause().is_none())
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
    fn cause_columns_follow_lost_access_incidents() {
        for cause in Cause::ALL {
            assert_eq!(cause.column().name(), format!("lost_access_by_cause.{}", cause.name()));
            assert_eq!(cause.column().cause(), Some(cause));
        }
        assert_eq!(MetricId::headline().count(), 15);
    }

    #[test]
    fn named_constants_match_their_columns() {
        let pairs = [
            (MetricId::DUPLICATE_PEOPLE, "duplicate_people"),
            (MetricId::SURPLUS_ACCOUNTS, "surplus_accounts"),
            (MetricId::SPLIT_IDENTITY_PEOPLE, "split_identity_people"),
            (MetricId::LOST_ACCESS_INCIDENTS, "lost_access_incidents"),
            (MetricId::MISSING_ACCESS_PEOPLE, "missing_access_people"),
            (MetricId::ORPHANED_ACCOUNTS, "orphaned_accounts"),
            (MetricId::ORPHANED_ACCOUNT_DAYS, "orphaned_account_days"),
            (MetricId::GROUP_CONFLICTS, "group_conflicts"),
            (MetricId::SCIM_ERRORS, "scim_errors"),
            (MetricId::UNLINKED_SCIM_RECORDS, "unlinked_scim_records"),
            (MetricId::FORMER_USERS, "former_users"),
            (MetricId::BLOCKED_USERS, "blocked_users"),
            (MetricId::ADMIN_FIX_FAILURES, "admin_fix_failures"),
            (MetricId::BILLABLE_ACCOUNTS, "billable_accounts"),
            (MetricId::EVENTS_PROCESSED, "events_processed"),
        ];
        for (id, name) in pairs {
            assert_eq!(id.name(), name);
            assert_eq!(MetricId::by_name(name), Some(id));
        }
    }
}
