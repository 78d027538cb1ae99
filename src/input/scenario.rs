//! The checked scenario: what the simulator runs. Built from the raw file types
//! ([`super::raw`]) by [`super::validate`], which resolves every name to an index and checks every
//! reference, range and ordering before anything runs.

pub use super::raw::{
    Assistant, ConflictPolicy, Deprovision, Directory, DisableMethod, DuplicateEmails, EmailMatch,
    GroupUpdates, GroupsMode, IdpProfile, InvalidEmails, Matching, MigrateIntoScimGroup, RemapTarget,
    ResumeMode, UsersScope,
};

use crate::ids::{GroupId, PersonId, ProductSet, SimTime};
use crate::metrics::MetricId;

/// Peak memory per simulated person, roughly, as the hint of a population over the limit says it
/// (`app::memory` holds the measured estimate).
pub const BYTES_PER_PERSON: f64 = 1024.0;

/// Seconds in a day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Upper limits that keep a run within memory and time a laptop can give.
pub mod limits {
    /// Most replications in one run.
    pub const MAX_REPLICATIONS: u64 = 100_000;
    /// Longest horizon in days (ten years).
    pub const MAX_HORIZON_DAYS: f64 = 3650.0;
    /// Most products (they are a 64-bit set).
    pub const MAX_PRODUCTS: usize = 64;
    /// Most groups.
    pub const MAX_GROUPS: usize = 10_000;
    /// Most people at the start, listed or generated.
    pub const MAX_PEOPLE: usize = 5_000_000;
    /// Shortest sync interval in seconds.
    pub const MIN_SYNC_INTERVAL_SECONDS: i64 = 1;
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Scenario name (also the default output folder name).
    pub name: String,
    /// What it is about.
    pub description: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Replications to run.
    pub replications: u64,
    /// Horizon in whole days.
    pub horizon_days: u32,
    /// Product names; a product's index is its bit in a [`ProductSet`].
    pub products: Vec<String>,
    /// Domains, names lower-cased.
    pub domains: Vec<DomainSpec>,
    /// Groups, indexed by [`GroupId`].
    pub groups: Vec<GroupSpec>,
    /// The people at the start: listed, or generated per replication.
    pub population: Population,
    /// Joiners named by `join` events; their ids follow the people at the start.
    pub n_explicit_joiners: usize,
    /// Sync interval and profile.
    pub idp: IdpSettings,
    /// Seconds before an external directory follows an IdP change (R15).
    pub server_sync_lag: i64,
    /// Random IdP email changes and re-keys.
    pub drift: DriftSpec,
    /// Random joiners and leavers.
    pub churn: ChurnSpec,
    /// Switches for open behaviour.
    pub assumptions: Assumptions,
    /// Exogenous events in the order they run (time, then file order).
    pub events: Vec<ExoEvent>,
    /// Strategies; the first is the baseline.
    pub strategies: Vec<Strategy>,
    /// Expectations for `scimsim check`.
    pub expectations: Vec<Expectation>,
    /// Weights of the expected cost that ranks the strategies.
    pub costs: Costs,
}

impl Scenario {
    /// The horizon in seconds.
    pub fn horizon(&self) -> SimTime {
        SimTime(i64::from(self.horizon_days) * SECONDS_PER_DAY)
    }

    /// Number of people at the start (for a synthetic population, as requested).
    pub fn n_initial_people(&self) -> usize {
        match &self.population {
            Population::Explicit(people) => people.len(),
            Population::Synthetic(s) => s.people,
        }
    }

    /// The person slots a replication has, generously: the people at the start, the file's
    /// joiners and 1.2 times the expected generated joiners.
    pub fn estimated_people_slots(&self) -> u64 {
        let joiners = self.churn.joiners_per_day * f64::from(self.horizon_days) * 1.2;
        (self.n_initial_people() as f64 + self.n_explicit_joiners as f64 + joiners).ceil() as u64
    }

    /// Bytes one replication's outcomes take until aggregated: every metric and the daily
    /// series of every strategy.
    pub fn outcome_bytes(&self) -> u64 {
        let per_strategy =
            (u64::from(self.horizon_days) + 1) * 3 * 8 + crate::metrics::N_COLUMNS as u64 * 8 + 64;
        per_strategy * self.strategies.len() as u64
    }
}

/// An email domain of the organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSpec {
    /// Name, lower case.
    pub name: String,
    /// Synthetic populations: share of IdP emails on this domain.
    pub share: f64,
}

/// The people at the start.
#[derive(Debug, Clone, PartialEq)]
pub enum Population {
    /// Listed in the file.
    Explicit(Vec<PersonSpec>),
    /// Generated per replication from shares.
    Synthetic(SyntheticSpec),
}

/// Shares of a generated population (see [`super::raw::SyntheticFile`] for their meaning).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(missing_docs)]
pub struct SyntheticSpec {
    pub people: usize,
    pub idp_only_share: f64,
    pub server_only_share: f64,
    pub inactive_server_share: f64,
    pub external_directory_share: f64,
    pub initial_email_mismatch_share: f64,
    pub existing_cloud_account_share: f64,
    pub existing_cloud_other_email_share: f64,
    pub invalid_server_email_share: f64,
    pub duplicate_server_email_share: f64,
    pub content_owner_share: f64,
    pub out_of_scope_share: f64,
    pub sso_email_mismatch_share: f64,
}

/// Poisson rates of IdP-side drift, per person and year.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DriftSpec {
    /// IdP primary email changes (a name change: new local part, same domain).
    pub idp_email_changes_per_person_year: f64,
    /// New IdP objects for existing people (R8).
    pub idp_rekeys_per_person_year: f64,
}

/// Poisson rates of joiners and leavers per day.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChurnSpec {
    /// Joiners per day.
    pub joiners_per_day: f64,
    /// Leavers per day.
    pub leavers_per_day: f64,
}

impl DriftSpec {
    /// True when no drift is generated.
    pub fn is_none(&self) -> bool {
        self.idp_email_changes_per_person_year == 0.0 && self.idp_rekeys_per_person_year == 0.0
    }
}

impl ChurnSpec {
    /// True when no churn is generated.
    pub fn is_none(&self) -> bool {
        self.joiners_per_day == 0.0 && self.leavers_per_day == 0.0
    }
}

/// A group name with its products.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSpec {
    /// Name.
    pub name: String,
    /// Products granted on the server, at migration creation and at first SCIM creation.
    pub grants: ProductSet,
    /// A default-access group in cloud cannot be synced.
    pub default_access: bool,
    /// Pushed by the IdP.
    pub synced_from_idp: bool,
    /// Present: a local cloud group with these grants exists at the start.
    pub cloud_grants: Option<ProductSet>,
    /// Share of generated people (synthetic and joiners) who are members.
    pub members_share: f64,
    /// Share of generated members whose IdP membership disagrees with the server's.
    pub idp_disagreement_share: f64,
}

/// One person as the scenario gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSpec {
    /// Scenario id, also the server username.
    pub id: String,
    /// IdP primary email (IdP identity iff present).
    pub idp_email: Option<String>,
    /// Server email (server identity iff present).
    pub server_email: Option<String>,
    /// Pre-existing cloud account email.
    pub cloud_email: Option<String>,
    /// The pre-existing account is active (false: deactivated before the migration).
    pub cloud_active: bool,
    /// Server directory kind.
    pub directory: Directory,
    /// Active on the server.
    pub server_active: bool,
    /// IdP group memberships.
    pub idp_groups: Vec<GroupId>,
    /// Server group memberships.
    pub server_groups: Vec<GroupId>,
    /// Local cloud groups of the pre-existing account.
    pub cloud_groups: Vec<GroupId>,
    /// Assigned to the Atlassian app in the IdP.
    pub in_idp_scope: bool,
    /// Owns content on the server.
    pub owns_content: bool,
    /// Employed at the start.
    pub employed: bool,
    /// The address their SSO assertion carries instead of the IdP primary email (R23).
    pub sso_email: Option<String>,
}

/// Sync settings of the identity provider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdpSettings {
    /// The profile named in the file, if any.
    pub profile: IdpProfile,
    /// Seconds between syncs.
    pub sync_interval: i64,
    /// How a pushed user is matched to its record (R19), unless a strategy chooses.
    pub matching: Matching,
    /// What is sent for a leaver (R20), unless a strategy chooses.
    pub deprovision: Deprovision,
    /// How a group push sends its members (R22; the profile's default unless the file says),
    /// unless a strategy chooses.
    pub group_updates: GroupUpdates,
}

impl IdpProfile {
    /// The profile's documented (or assumed) sync interval in minutes.
    pub fn default_interval_minutes(self) -> i64 {
        match self {
            IdpProfile::EntraId => 40,
            IdpProfile::Okta => 1,
            IdpProfile::Google => 240,
            IdpProfile::OneLogin => 40,
        }
    }

    /// How the profile's connector sends group members (R22): Entra's batch PATCH, Okta and
    /// OneLogin send membership changes; Google's connector is assumed to send whole lists.
    pub fn default_group_updates(self) -> GroupUpdates {
        match self {
            IdpProfile::EntraId | IdpProfile::Okta | IdpProfile::OneLogin => GroupUpdates::Patch,
            IdpProfile::Google => GroupUpdates::Replace,
        }
    }
}

/// Assumption switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumptions {
    /// How emails are compared.
    pub email_match: EmailMatch,
    /// Migration into a same-named SCIM group.
    pub migrate_into_scim_group: MigrateIntoScimGroup,
    /// R2′: a claim makes a domain verified+claimed only once an account on it is managed
    /// (false: 0.2's reading, the claim alone does).
    pub claim_needs_account: bool,
}

impl Default for Assumptions {
    fn default() -> Assumptions {
        Assumptions {
            email_match: EmailMatch::default(),
            migrate_into_scim_group: MigrateIntoScimGroup::default(),
            claim_needs_account: true,
        }
    }
}

/// An exogenous event at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct ExoEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub kind: ExoKind,
}

/// The kinds of exogenous event.
#[derive(Debug, Clone, PartialEq)]
pub enum ExoKind {
    /// IdP primary email changes.
    ChangeIdpEmail {
        /// Who.
        person: PersonId,
        /// The new email.
        to: String,
    },
    /// A new IdP object for the person (R8).
    RekeyIdpObject {
        /// Who.
        person: PersonId,
    },
    /// The person leaves.
    Leave {
        /// Who.
        person: PersonId,
    },
    /// The person enters the provisioning scope (R25).
    Assign {
        /// Who.
        person: PersonId,
    },
    /// The person leaves the provisioning scope while employed (R25).
    Unassign {
        /// Who.
        person: PersonId,
    },
    /// A leaver is employed again (R25).
    Rehire {
        /// Who.
        person: PersonId,
        /// A new IdP object (R8); false reactivates the old one.
        new_object: bool,
        /// Their IdP groups from now (`None`: the groups they kept).
        idp_groups: Option<Vec<GroupId>>,
    },
    /// A new person joins.
    Join {
        /// The id assigned to the joiner.
        person: PersonId,
        /// Their attributes.
        spec: Box<PersonSpec>,
    },
    /// An IdP group is deleted or leaves scope.
    DeleteIdpGroup {
        /// Which.
        group: GroupId,
    },
    /// An IdP group is (re-)created with these members (`None`: the members it had).
    CreateIdpGroup {
        /// Which.
        group: GroupId,
        /// Its members.
        members: Option<Vec<PersonId>>,
    },
    /// A generated name change: the IdP email's local part changes, its domain stays.
    IdpEmailDrift {
        /// Who.
        person: PersonId,
        /// The person's k-th change (makes the new local part unique).
        ordinal: u32,
    },
    /// A person is added to an IdP group.
    AddToIdpGroup {
        /// Which group.
        group: GroupId,
        /// Who.
        person: PersonId,
    },
    /// A person is removed from an IdP group.
    RemoveFromIdpGroup {
        /// Which group.
        group: GroupId,
        /// Who.
        person: PersonId,
    },
    /// A share of the people on one domain move to another.
    MoveDomain {
        /// Old domain, lower case.
        from: String,
        /// New domain as written.
        to: String,
        /// Share that moves.
        share: f64,
        /// Ordinal of this event among move_domain events (selects its random stream).
        ordinal: u32,
    },
}

/// A strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// Unique name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Conflict resolution.
    pub group_conflicts: ConflictPolicy,
    /// IdP settings the strategy chooses (§9.4); `None`: the organisation's.
    pub matching: Option<Matching>,
    /// What the IdP sends for a leaver in this strategy (§9.4); `None`: the organisation's.
    pub deprovision: Option<Deprovision>,
    /// How group pushes send members in this strategy (§9.4); `None`: the organisation's.
    pub group_updates: Option<GroupUpdates>,
    /// Actions in time order.
    pub actions: Vec<Action>,
}

/// A strategy action at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// When.
    pub at: SimTime,
    /// What.
    pub kind: ActionKind,
}

/// Migration options.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrateOptions {
    /// Which assistant.
    pub assistant: Assistant,
    /// Which users.
    pub users: UsersScope,
    /// With `referenced`: the share of content owners.
    pub share: f64,
    /// Groups or not.
    pub groups: GroupsMode,
    /// Invalid-email handling.
    pub invalid_emails: InvalidEmails,
    /// Duplicate-email handling.
    pub duplicate_emails: DuplicateEmails,
    /// Emails changed in the users CSV before migrating (R18).
    pub email_remap: EmailRemap,
}

/// The migration assistant's email remap (R18). The default remaps nobody.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmailRemap {
    /// With `to: idp_email`: the share of mismatched server users migrated with their IdP
    /// email (each by their own uniform, so a higher coverage reaches a superset).
    pub to_idp_coverage: Option<f64>,
    /// Explicit entries, which apply first, always (in file order).
    pub people: Vec<(PersonId, RemapTo)>,
}

/// What an explicit remap entry does with a person's server user.
#[derive(Debug, Clone, PartialEq)]
pub enum RemapTo {
    /// Migrate them with this email (as written).
    Email(String),
    /// Migrate them as a Former user (Tombstone = TRUE).
    FormerUser,
}

/// The kinds of strategy action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Verify a domain (index into `domains`).
    VerifyDomain(usize),
    /// Claim accounts on verified domains (R2′).
    ClaimAccounts {
        /// Only this domain (an index into `domains`); `None`: every verified domain.
        domain: Option<usize>,
        /// Later accounts on the claimed domains are managed from birth.
        auto: bool,
    },
    /// An admin invites an account (R17).
    CreateAccount {
        /// Its email, as written.
        email: String,
        /// Whose account it is; `None`: nobody's.
        person: Option<PersonId>,
    },
    /// Create the provisioning directory and run the first sync.
    EnableScim,
    /// Run a migration.
    Migrate(MigrateOptions),
    /// Admin email fix with a coverage.
    FixEmails {
        /// Probability an admin reaches a mismatched person.
        coverage: f64,
    },
    /// Users start signing in.
    Cutover {
        /// Sign-in spread in seconds.
        login_spread: i64,
    },
    /// Switch SCIM off.
    DisableScim(DisableMethod),
    /// SSO's NameID is mapped to the IdP primary email (R23).
    AlignSso,
    /// Restart the syncs of a directory stopped in the IdP (R21).
    ResumeScim(ResumeMode),
    /// Push these users (`None`: everyone) in full, then every synced group (R24).
    Resync {
        /// The people, in the file's order, each once; `None`: everyone.
        people: Option<Vec<PersonId>>,
    },
}

/// The weights of a strategy's cost: per replication, Σ weight × metric value. Lower is better,
/// like every metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// Metric and its weight (finite, ≥ 0), no metric twice, no diagnostic, never a part of a
    /// breakdown together with its parent.
    pub weights: Vec<(MetricId, f64)>,
    /// True when the scenario gave `costs` (which replace the defaults entirely).
    pub from_scenario: bool,
}

/// The default weights, in column order (README "Costs" says why). Only headline metrics, so
/// that no part counts again what its parent counts; `surplus_accounts` is left to
/// `duplicate_people`, and counts that describe a choice rather than a harm (`former_users`,
/// `remapped_users`, `blocked_users`, `billable_accounts`) weigh nothing.
pub const DEFAULT_COSTS: [(MetricId, f64); 10] = [
    (MetricId::DUPLICATE_PEOPLE, 5.0),
    (MetricId::SPLIT_IDENTITY_PEOPLE, 2.0),
    (MetricId::LOST_ACCESS_INCIDENTS, 3.0),
    (MetricId::MISSING_ACCESS_PEOPLE, 3.0),
    (MetricId::OVER_ACCESS_PEOPLE, 1.0),
    (MetricId::ORPHANED_ACCOUNTS, 2.0),
    (MetricId::ORPHANED_ACCOUNT_DAYS, 0.2),
    (MetricId::GROUP_CONFLICTS, 0.5),
    (MetricId::SCIM_ERRORS, 0.1),
    (MetricId::ADMIN_FIX_FAILURES, 0.5),
];

impl Default for Costs {
    fn default() -> Costs {
        Costs { weights: DEFAULT_COSTS.to_vec(), from_scenario: false }
    }
}

impl Costs {
    /// The cost of one replication's outcome: Σ weight × value, summed in `weights` order.
    pub fn of(&self, outcome: &crate::metrics::Outcome) -> f64 {
        self.weights.iter().map(|&(m, w)| w * outcome.get(m)).sum()
    }
}

/// An expectation checked by `scimsim check`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    /// The mean of a metric of a strategy satisfies a bound.
    Bound {
        /// Strategy index.
        strategy: usize,
        /// Metric column.
        metric: MetricId,
        /// The bound.
        bound: Bound,
    },
    /// `better` is lower than `than` with 95% confidence (paired).
    Better {
        /// The strategy expected lower.
        better: usize,
        /// The other strategy.
        than: usize,
        /// Metric column.
        metric: MetricId,
    },
}

/// A bound on a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Equal within 1e-9.
    Equals(f64),
    /// At most.
    AtMost(f64),
    /// At least.
    AtLeast(f64),
}
