//! Raw scenario file types: a one-to-one mirror of the JSON (DESIGN §5) with unknown fields
//! rejected. Nothing here is checked beyond types; [`super::validate`] turns these into the
//! checked [`super::scenario::Scenario`].

use crate::input::reader::{
    Entries, FromJson, Items, JsonPath, ObjectReader, Problems, read_tag, tagged_schema,
};
use crate::{json_enum, json_object};
use serde_json::{Value, json};

json_object! {
    /// A scimsim scenario: one organisation, the exogenous events of its migration window and
    /// the strategies to compare.
    "scenario" pub struct ScenarioFile {
        /// Short name, also the name of the default output folder (under output/).
        req name: String,
        /// One sentence on what the scenario is about.
        opt description: String,
        /// Seed of every random stream (default 0).
        opt seed: u64,
        /// Number of replications (default 1).
        opt replications: u64,
        /// Length of the simulated window in days; events exactly at the horizon run.
        req horizon_days: f64,
        /// Product names, e.g. ["jira", "confluence"].
        req products: Vec<String>,
        /// Email domains the organisation can verify.
        opt domains: Items<DomainFile>,
        /// Group names used on the server, in the IdP and in cloud, with the products they grant.
        opt groups: Items<GroupFile>,
        /// The people: explicit (`people`) or generated (`synthetic`).
        req population: PopulationFile,
        /// Identity provider profile or sync interval (default entra_id).
        opt idp: IdpFile,
        /// Email drift settings.
        opt drift: DriftFile,
        /// Joiners and leavers per day.
        opt churn: ChurnFile,
        /// Switches for behaviour the sources leave open.
        opt assumptions: AssumptionsFile,
        /// Exogenous events, the same for every strategy.
        opt events: Items<EventFile>,
        /// The strategies to compare; the first is the baseline of paired differences.
        req strategies: Items<StrategyFile>,
        /// Expectations checked by `scimsim check`.
        opt expect: Items<ExpectationFile>,
        /// Weight of each metric in a strategy's expected cost (replaces the defaults; unlisted metrics weigh 0).
        opt costs: CostsFile,
    }
}

json_object! {
    /// An email domain of the organisation.
    "domain" pub struct DomainFile {
        /// Domain name, e.g. acme.com.
        req name: String,
        /// Synthetic populations: share of people whose IdP email is on this domain.
        opt share: f64,
    }
}

json_object! {
    /// A group name with the products it grants.
    "group" pub struct GroupFile {
        /// Group name (the same name on the server, in the IdP and in cloud).
        req name: String,
        /// Products the group grants on the server, when migration creates it, and when SCIM first creates it.
        opt grants: Vec<String>,
        /// True when the group is a product's default-access group in cloud (it cannot be synced).
        opt default_access: bool,
        /// True when the IdP pushes this group to Atlassian.
        opt synced_from_idp: bool,
        /// When present, a local cloud group of this name exists at the start with these grants.
        opt cloud_grants: Vec<String>,
        /// Synthetic populations: share of people who are members.
        opt members_share: f64,
        /// Synthetic populations: share of members whose IdP membership disagrees with the server's.
        opt idp_disagreement_share: f64,
    }
}

json_object! {
    /// The population: exactly one of `people` or `synthetic`.
    "population" pub struct PopulationFile {
        /// Explicit people.
        opt people: Items<PersonFile>,
        /// Shares from which a population is generated.
        opt synthetic: SyntheticFile,
    }
}

json_object! {
    /// A generated organisation: a size and shares. Shares are of all people unless their name
    /// says otherwise; each person is drawn independently from the population stream.
    "synthetic population" pub struct SyntheticFile {
        /// Number of people at the start.
        req people: u64,
        /// Share of people who exist only in the IdP (no server user).
        opt idp_only_share: f64,
        /// Share of people who exist only on the server (not in the IdP), still employed.
        opt server_only_share: f64,
        /// Share of people who are former staff: inactive server users, not employed, not in the IdP.
        opt inactive_server_share: f64,
        /// Share of server users in an external (LDAP/Crowd) directory.
        opt external_directory_share: f64,
        /// Share of people in both directories whose server email differs from their IdP email.
        opt initial_email_mismatch_share: f64,
        /// Share of people with a pre-existing cloud account on their IdP (else server) email.
        opt existing_cloud_account_share: f64,
        /// Share of people with a pre-existing cloud account on another address of their domain.
        opt existing_cloud_other_email_share: f64,
        /// Share of server users whose email is invalid.
        opt invalid_server_email_share: f64,
        /// Share of server users whose email is another server user's.
        opt duplicate_server_email_share: f64,
        /// Share of server users who own content (default 1).
        opt content_owner_share: f64,
        /// Share of people with an IdP identity who are out of provisioning scope (default 0).
        opt out_of_scope_share: f64,
        /// Share of people with an IdP identity whose SSO assertion carries their UPN `user{i}.upn@<domain>` instead of the IdP primary email (R23, default 0).
        opt sso_email_mismatch_share: f64,
    }
}

json_enum! {
    /// Server user directory kind.
    "directory" pub enum Directory {
        /// Jira/Confluence internal directory: never follows the IdP.
        Internal = "internal",
        /// LDAP/Crowd directory: follows IdP email changes after the sync lag (R15).
        External = "external",
    }
    default Internal
}

json_object! {
    /// One person. Has an IdP identity iff `idp_email` is given, a server identity iff
    /// `server_email` is given, a pre-existing cloud account iff `cloud_email` is given.
    "person" pub struct PersonFile {
        /// Unique id; also the server username.
        req id: String,
        /// Primary email in the identity provider.
        opt idp_email: String,
        /// Email of the server (Jira/Confluence) user.
        opt server_email: String,
        /// Email of an Atlassian account that exists before the migration.
        opt cloud_email: String,
        /// The pre-existing account is active (default true); false: deactivated before the migration.
        opt cloud_active: bool,
        /// Server directory: internal (default) or external.
        opt directory: Directory,
        /// Active on the server (default true).
        opt server_active: bool,
        /// IdP groups the person is a member of.
        opt idp_groups: Vec<String>,
        /// Server groups the person is a member of.
        opt server_groups: Vec<String>,
        /// Local cloud groups the pre-existing account is a member of.
        opt cloud_groups: Vec<String>,
        /// Assigned to the Atlassian app in the IdP (default true).
        opt in_idp_scope: bool,
        /// Owns content on the server (default true).
        opt owns_content: bool,
        /// Employed at the start (default true).
        opt employed: bool,
        /// The address their SSO (SAML) assertion carries, when it is not the IdP primary email, e.g. the UPN (R23); needs `idp_email`.
        opt sso_email: String,
    }
}

json_enum! {
    /// Identity provider profile.
    "idp profile" pub enum IdpProfile {
        /// Microsoft Entra ID: incremental cycles every 40 minutes.
        EntraId = "entra_id",
        /// Okta: pushes within a minute.
        Okta = "okta",
        /// Google Workspace: every 4 hours.
        Google = "google",
        /// OneLogin: every 40 minutes (assumption: undocumented).
        OneLogin = "onelogin",
    }
    default EntraId
}

json_object! {
    /// Identity provider settings.
    "idp" pub struct IdpFile {
        /// entra_id (default), okta, google or onelogin.
        opt profile: IdpProfile,
        /// Overrides the profile's sync interval.
        opt sync_interval_minutes: f64,
        /// How Atlassian matches a pushed user to its record (R19): object_id (default), email or email_filter.
        opt matching: Matching,
        /// What the IdP sends for a leaver (R20): deactivate (default), delete or none.
        opt deprovision: Deprovision,
        /// How a group push sends its members (R22): patch (default for entra_id, okta, onelogin) or replace (default for google).
        opt group_updates: GroupUpdates,
    }
}

json_enum! {
    /// How a pushed user is matched to its SCIM record (R19).
    "matching setting" pub enum Matching {
        /// objectId → externalId: an email change is an update (R7).
        ObjectId = "object_id",
        /// userName = primary email or UPN: an email change is a new user for Atlassian (R8).
        Email = "email",
        /// emails[type eq "work"].value, which Atlassian's SCIM API refuses: every user push fails.
        EmailFilter = "email_filter",
    }
    default ObjectId
}

json_enum! {
    /// What the IdP sends when a user leaves (R20).
    "deprovision setting" pub enum Deprovision {
        /// active = false: the record is deactivated and its managed account deactivated (R9).
        Deactivate = "deactivate",
        /// DELETE: the record is removed and its managed account deactivated.
        Delete = "delete",
        /// Nothing (Okta "Deactivate Users" off, OneLogin "Do nothing", Entra skipping out-of-scope deletions): the account stays active.
        None = "none",
    }
    default Deactivate
}

json_enum! {
    /// How a group push sends its members (R22).
    "group updates setting" pub enum GroupUpdates {
        /// Only the memberships added or removed since the group's last push (Entra's batch PATCH, Okta).
        Patch = "patch",
        /// The whole member list (Google; scimsim 0.2).
        Replace = "replace",
    }
    default Patch
}

json_object! {
    /// IdP settings a strategy chooses, overriding the organisation's `idp` (§9.4).
    "strategy idp settings" pub struct StrategyIdpFile {
        /// object_id, email or email_filter (R19).
        opt matching: Matching,
        /// deactivate, delete or none (R20).
        opt deprovision: Deprovision,
        /// patch or replace (R22).
        opt group_updates: GroupUpdates,
    }
}

json_object! {
    /// Email drift.
    "drift" pub struct DriftFile {
        /// Poisson rate of IdP email changes per person and year.
        opt idp_email_changes_per_person_year: f64,
        /// Hours before an external directory follows an IdP change (default 24).
        opt server_sync_lag_hours: f64,
        /// Poisson rate of IdP re-keys per person and year.
        opt idp_rekeys_per_person_year: f64,
    }
}

json_object! {
    /// Joiners and leavers.
    "churn" pub struct ChurnFile {
        /// Mean joiners per day.
        opt joiners_per_day: f64,
        /// Mean leavers per day.
        opt leavers_per_day: f64,
    }
}

json_enum! {
    /// How account emails are compared (R1).
    "email match" pub enum EmailMatch {
        /// a@X.com and A@x.com are the same account (default).
        CaseInsensitive = "case_insensitive",
        /// Emails must match exactly.
        CaseSensitive = "case_sensitive",
    }
    default CaseInsensitive
}

json_enum! {
    /// What a migration does with a same-named SCIM-managed cloud group (R4).
    "migrate_into_scim_group option" pub enum MigrateIntoScimGroup {
        /// Users are not added (default).
        Skip = "skip",
        /// Users are added, then removed by the next push of that IdP group.
        Add = "add",
    }
    default Skip
}

json_object! {
    /// Switches for behaviour the sources leave open.
    "assumptions" pub struct AssumptionsFile {
        /// case_insensitive (default) or case_sensitive.
        opt email_match: EmailMatch,
        /// skip (default) or add.
        opt migrate_into_scim_group: MigrateIntoScimGroup,
        /// A claim makes a domain verified+claimed only once an account on it is managed (R2′, default true); false is 0.2's reading.
        opt claim_needs_account: bool,
    }
}

json_object! {
    /// The IdP primary email of a person changes.
    "change_idp_email event" pub struct ChangeIdpEmailFile {
        /// Day of the event (may be fractional).
        req day: f64,
        /// Person id.
        req person: String,
        /// The new primary email.
        req to: String,
    }
}

json_object! {
    /// A new IdP object for an existing person (guest to member, rehire, new IdP) (R8).
    "rekey_idp_object event" pub struct RekeyIdpObjectFile {
        /// Day of the event.
        req day: f64,
        /// Person id.
        req person: String,
    }
}

json_object! {
    /// A person leaves: deactivated in the IdP (R9, R16).
    "leave event" pub struct LeaveFile {
        /// Day of the event.
        req day: f64,
        /// Person id.
        req person: String,
    }
}

json_object! {
    /// A person enters (`assign`) or leaves (`unassign`) the provisioning scope while employed
    /// (R25).
    "scope event" pub struct ScopeFile {
        /// Day of the event.
        req day: f64,
        /// Person id.
        req person: String,
    }
}

json_object! {
    /// A leaver is employed again (R25): a new IdP object by default (R8), or the same one.
    "rehire event" pub struct RehireFile {
        /// Day of the event.
        req day: f64,
        /// Person id (a leaver at that instant).
        req person: String,
        /// A new IdP object (default true); false reactivates the old one.
        opt new_object: bool,
        /// Their IdP groups from now (default: the groups they kept).
        opt idp_groups: Vec<String>,
    }
}

json_object! {
    /// A person joins, in IdP scope with their own idp_groups (R16).
    "join event" pub struct JoinFile {
        /// Day of the event.
        req day: f64,
        /// The joiner, as in population.people.
        req person: PersonFile,
    }
}

json_object! {
    /// An IdP group is deleted or removed from provisioning scope (R11).
    "delete_idp_group event" pub struct DeleteIdpGroupFile {
        /// Day of the event.
        req day: f64,
        /// Group name.
        req group: String,
    }
}

json_object! {
    /// An IdP group is (re-)created with the listed members.
    "create_idp_group event" pub struct CreateIdpGroupFile {
        /// Day of the event.
        req day: f64,
        /// Group name.
        req group: String,
        /// Person ids of the members (default: the members it had).
        opt members: Vec<String>,
    }
}

json_object! {
    /// A person is added to or removed from an IdP group.
    "group membership event" pub struct GroupMemberFile {
        /// Day of the event.
        req day: f64,
        /// Group name.
        req group: String,
        /// Person id.
        req person: String,
    }
}

json_object! {
    /// A share of the people whose IdP email is on `from` move to `to` (a rebrand).
    "move_domain event" pub struct MoveDomainFile {
        /// Day of the event.
        req day: f64,
        /// Old domain.
        req from: String,
        /// New domain.
        req to: String,
        /// Share of the people on `from` who move, in [0, 1].
        req share: f64,
    }
}

/// An exogenous event, tagged by `do`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventFile {
    /// `change_idp_email`
    ChangeIdpEmail(ChangeIdpEmailFile),
    /// `rekey_idp_object`
    RekeyIdpObject(RekeyIdpObjectFile),
    /// `leave`
    Leave(LeaveFile),
    /// `join`
    Join(JoinFile),
    /// `delete_idp_group`
    DeleteIdpGroup(DeleteIdpGroupFile),
    /// `create_idp_group`
    CreateIdpGroup(CreateIdpGroupFile),
    /// `add_to_idp_group`
    AddToIdpGroup(GroupMemberFile),
    /// `remove_from_idp_group`
    RemoveFromIdpGroup(GroupMemberFile),
    /// `move_domain`
    MoveDomain(MoveDomainFile),
    /// `assign`
    Assign(ScopeFile),
    /// `unassign`
    Unassign(ScopeFile),
    /// `rehire`
    Rehire(RehireFile),
}

/// Reads the fields of one variant of a tagged object, allowing the tag itself.
fn read_variant<T>(
    value: &Value,
    at: &JsonPath,
    what: &str,
    fields: &[&str],
    read: fn(&ObjectReader<'_>, &mut Problems) -> T,
    problems: &mut Problems,
) -> Option<T> {
    let mut known = vec!["do"];
    known.extend_from_slice(fields);
    let reader = ObjectReader::open(value, at, what, &known, problems)?;
    Some(read(&reader, problems))
}

macro_rules! tagged_union {
    ($enum:ident, $what:literal, $doc:literal, { $( $tag:literal => $variant:ident($ty:ident) ),+ $(,)? }) => {
        impl $enum {
            /// Every tag value, in declaration order.
            pub const KINDS: &'static [&'static str] = &[$($tag),+];

            /// The tag of this value.
            pub fn kind(&self) -> &'static str {
                match self { $( $enum::$variant(_) => $tag ),+ }
            }
        }

        impl FromJson for $enum {
            fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
                let tag = read_tag(value, at, "do", $what, Self::KINDS, problems)?;
                match tag {
                    $( $tag => read_variant(value, at, $ty::WHAT, $ty::FIELDS, $ty::read_fields, problems)
                        .map($enum::$variant), )+
                    _ => None,
                }
            }
            fn schema() -> Value {
                tagged_schema("do", $doc, vec![$( ($tag, $ty::schema()) ),+])
            }
        }
    };
}

tagged_union!(EventFile, "event", "An exogenous event, tagged by `do`.", {
    "change_idp_email" => ChangeIdpEmail(ChangeIdpEmailFile),
    "rekey_idp_object" => RekeyIdpObject(RekeyIdpObjectFile),
    "leave" => Leave(LeaveFile),
    "join" => Join(JoinFile),
    "delete_idp_group" => DeleteIdpGroup(DeleteIdpGroupFile),
    "create_idp_group" => CreateIdpGroup(CreateIdpGroupFile),
    "add_to_idp_group" => AddToIdpGroup(GroupMemberFile),
    "remove_from_idp_group" => RemoveFromIdpGroup(GroupMemberFile),
    "move_domain" => MoveDomain(MoveDomainFile),
    "assign" => Assign(ScopeFile),
    "unassign" => Unassign(ScopeFile),
    "rehire" => Rehire(RehireFile),
});

json_enum! {
    /// How a strategy resolves group conflicts (R10).
    "group_conflicts option" pub enum ConflictPolicy {
        /// The cloud group becomes SCIM-managed; its members are replaced by the IdP's.
        Accept = "accept",
        /// The cloud group stays local; every push of that group fails (default).
        Reject = "reject",
    }
    default Reject
}

json_object! {
    /// A strategy: a name and a timeline of admin actions.
    "strategy" pub struct StrategyFile {
        /// Unique name.
        req name: String,
        /// What the strategy is, in a sentence.
        opt description: String,
        /// accept or reject (default).
        opt group_conflicts: ConflictPolicy,
        /// IdP settings this strategy chooses (matching, deprovision, group_updates), overriding the organisation's.
        opt idp: StrategyIdpFile,
        /// Admin actions in time order.
        req timeline: Items<ActionFile>,
    }
}

json_object! {
    /// Verify ownership of a domain (R2).
    "verify_domain action" pub struct VerifyDomainFile {
        /// Day of the action.
        req day: f64,
        /// A name from `domains`.
        req domain: String,
    }
}

json_object! {
    /// Claim the accounts on every verified domain, or on one (R2′).
    "claim_accounts action" pub struct ClaimAccountsFile {
        /// Day of the action.
        req day: f64,
        /// Only this domain (a name from `domains`, verified earlier); default: every verified domain.
        opt domain: String,
        /// Accounts created later on the claimed domains are managed from birth (default false).
        opt auto: bool,
    }
}

json_object! {
    /// An admin invites an account with an email (R17), managed per R2′, in no group.
    "create_account action" pub struct CreateAccountFile {
        /// Day of the action.
        req day: f64,
        /// Email of the new account.
        req email: String,
        /// Whose account it is (a person id); without it the account belongs to nobody (a test or service account).
        opt person: String,
    }
}

json_object! {
    /// Create the provisioning directory and run the first sync (R5).
    "enable_scim action" pub struct EnableScimFile {
        /// Day of the action.
        req day: f64,
    }
}

json_enum! {
    /// Migration assistant.
    "assistant" pub enum Assistant {
        /// Jira Cloud Migration Assistant.
        Jcma = "jcma",
        /// Confluence Cloud Migration Assistant.
        Ccma = "ccma",
    }
    default Jcma
}

json_enum! {
    /// Which server users a migration imports.
    "users option" pub enum UsersScope {
        /// Every server user.
        All = "all",
        /// Content owners whose per-person uniform is below `share`.
        Referenced = "referenced",
    }
    default All
}

json_enum! {
    /// Whether a migration brings groups.
    "groups option" pub enum GroupsMode {
        /// Groups are created or merged into same-named cloud groups (R4).
        Merge = "merge",
        /// No group is created and nobody is added.
        None = "none",
    }
    default Merge
}

json_enum! {
    /// What a migration does with a server user whose email is invalid.
    "invalid_emails option" pub enum InvalidEmails {
        /// Content kept on a deactivated placeholder account ("Former user").
        FormerUser = "former_user",
        /// A placeholder account with a generated email.
        NewEmail = "new_email",
        /// The user is not migrated ("do nothing"; default).
        Block = "block",
    }
    default Block
}

json_enum! {
    /// What a migration does with server users sharing one email.
    "duplicate_emails option" pub enum DuplicateEmails {
        /// One account (the first person's in file order) gets everyone's content and groups.
        Merge = "merge",
        /// The first person keeps the email; the others get placeholder accounts.
        NewEmail = "new_email",
        /// Every user sharing the email is kept out ("do nothing"; default).
        Block = "block",
    }
    default Block
}

json_object! {
    /// Run a migration assistant's user and group import (R3, R4).
    "migrate action" pub struct MigrateFile {
        /// Day of the action.
        req day: f64,
        /// jcma (default) or ccma.
        opt assistant: Assistant,
        /// all (default) or referenced.
        opt users: UsersScope,
        /// With users = referenced: share of content owners migrated (default 1).
        opt share: f64,
        /// merge (default) or none.
        opt groups: GroupsMode,
        /// former_user, new_email or block (default).
        opt invalid_emails: InvalidEmails,
        /// merge, new_email or block (default).
        opt duplicate_emails: DuplicateEmails,
        /// Emails changed in the assistant's users CSV before migrating (R18).
        opt email_remap: EmailRemapFile,
    }
}

json_enum! {
    /// Which email a remap uses.
    "remap target" pub enum RemapTarget {
        /// The person's IdP primary email.
        IdpEmail = "idp_email",
    }
    default IdpEmail
}

json_object! {
    /// The migration assistant's email remap (R18): explicit entries first, then the IdP email for a share of the mismatched users.
    "email_remap" pub struct EmailRemapFile {
        /// idp_email: migrate mismatched users with their IdP email.
        opt to: RemapTarget,
        /// With `to`: share of the users whose server email differs from their IdP email that are remapped, in [0, 1] (default 1).
        opt coverage: f64,
        /// Person id → the email to migrate them with, or "former_user" (Tombstone = TRUE).
        opt people: Entries<String>,
    }
}

json_object! {
    /// Admins set migrated accounts' emails to the IdP email (R13).
    "fix_emails action" pub struct FixEmailsFile {
        /// Day of the action.
        req day: f64,
        /// Share of the mismatched people an admin reaches, in [0, 1] (default 1).
        opt coverage: f64,
    }
}

json_object! {
    /// Users start signing in to cloud (R14).
    "cutover action" pub struct CutoverFile {
        /// Day of the action.
        req day: f64,
        /// Each person signs in at a uniform time within this many days (default 1).
        opt login_spread_days: f64,
    }
}

json_object! {
    /// The SSO NameID is mapped to the attribute SCIM sends (R23): from now every sign-in uses the IdP primary email.
    "align_sso action" pub struct AlignSsoFile {
        /// Day of the action.
        req day: f64,
    }
}

json_enum! {
    /// How SCIM is switched off (R12).
    "disable method" pub enum DisableMethod {
        /// Delete the provisioning directory in Atlassian.
        DeleteDirectory = "delete_directory",
        /// Stop provisioning in the IdP only.
        StopInIdp = "stop_in_idp",
    }
    default DeleteDirectory
}

json_object! {
    /// Switch SCIM off (R12).
    "disable_scim action" pub struct DisableScimFile {
        /// Day of the action.
        req day: f64,
        /// delete_directory or stop_in_idp (required).
        req method: DisableMethod,
    }
}

json_enum! {
    /// How a stopped directory's syncs restart (R21).
    "resume mode" pub enum ResumeMode {
        /// The first sync sends what changed while stopped (Entra's watermark; default).
        Incremental = "incremental",
        /// A full first sync, as R5's, over the kept records.
        Restart = "restart",
    }
    default Incremental
}

json_object! {
    /// Restart the syncs of a directory stopped in the IdP (R21).
    "resume_scim action" pub struct ResumeScimFile {
        /// Day of the action.
        req day: f64,
        /// incremental (default) or restart.
        opt mode: ResumeMode,
    }
}

json_object! {
    /// Push users in their whole current state, then every synced group in full (R24).
    "resync action" pub struct ResyncFile {
        /// Day of the action.
        req day: f64,
        /// Person ids to push; default: everyone.
        opt people: Vec<String>,
    }
}

/// A strategy action, tagged by `do`.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionFile {
    /// `verify_domain`
    VerifyDomain(VerifyDomainFile),
    /// `claim_accounts`
    ClaimAccounts(ClaimAccountsFile),
    /// `create_account`
    CreateAccount(CreateAccountFile),
    /// `enable_scim`
    EnableScim(EnableScimFile),
    /// `migrate`
    Migrate(MigrateFile),
    /// `fix_emails`
    FixEmails(FixEmailsFile),
    /// `cutover`
    Cutover(CutoverFile),
    /// `disable_scim`
    DisableScim(DisableScimFile),
    /// `align_sso`
    AlignSso(AlignSsoFile),
    /// `resume_scim`
    ResumeScim(ResumeScimFile),
    /// `resync`
    Resync(ResyncFile),
}

tagged_union!(ActionFile, "action", "A strategy action, tagged by `do`.", {
    "verify_domain" => VerifyDomain(VerifyDomainFile),
    "claim_accounts" => ClaimAccounts(ClaimAccountsFile),
    "create_account" => CreateAccount(CreateAccountFile),
    "enable_scim" => EnableScim(EnableScimFile),
    "migrate" => Migrate(MigrateFile),
    "fix_emails" => FixEmails(FixEmailsFile),
    "cutover" => Cutover(CutoverFile),
    "disable_scim" => DisableScim(DisableScimFile),
    "align_sso" => AlignSso(AlignSsoFile),
    "resume_scim" => ResumeScim(ResumeScimFile),
    "resync" => Resync(ResyncFile),
});

impl ActionFile {
    /// Day of the action.
    pub fn day(&self) -> f64 {
        match self {
            ActionFile::VerifyDomain(a) => a.day,
            ActionFile::ClaimAccounts(a) => a.day,
            ActionFile::CreateAccount(a) => a.day,
            ActionFile::EnableScim(a) => a.day,
            ActionFile::Migrate(a) => a.day,
            ActionFile::FixEmails(a) => a.day,
            ActionFile::Cutover(a) => a.day,
            ActionFile::DisableScim(a) => a.day,
            ActionFile::AlignSso(a) => a.day,
            ActionFile::ResumeScim(a) => a.day,
            ActionFile::Resync(a) => a.day,
        }
    }
}

impl EventFile {
    /// Day of the event.
    pub fn day(&self) -> f64 {
        match self {
            EventFile::ChangeIdpEmail(e) => e.day,
            EventFile::RekeyIdpObject(e) => e.day,
            EventFile::Leave(e) => e.day,
            EventFile::Join(e) => e.day,
            EventFile::DeleteIdpGroup(e) => e.day,
            EventFile::CreateIdpGroup(e) => e.day,
            EventFile::AddToIdpGroup(e) | EventFile::RemoveFromIdpGroup(e) => e.day,
            EventFile::MoveDomain(e) => e.day,
            EventFile::Assign(e) | EventFile::Unassign(e) => e.day,
            EventFile::Rehire(e) => e.day,
        }
    }
}

/// A metric name as a file writes it. Read as any string (validation reports an unknown one
/// with a did-you-mean); its schema lists every metric, so editors can complete and check it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricName(pub String);

impl FromJson for MetricName {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        String::from_json(value, at, problems).map(MetricName)
    }
    fn schema() -> Value {
        json!({"type": "string", "enum": crate::metrics::COLUMNS})
    }
}

/// `costs`: metric name → weight, in file order. Read as any names (validation reports an
/// unknown one with a did-you-mean and its path); its schema lists every metric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostsFile(pub Vec<(String, f64)>);

impl FromJson for CostsFile {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        Entries::<f64>::from_json(value, at, problems).map(|e| CostsFile(e.0))
    }
    fn schema() -> Value {
        json!({
            "type": "object",
            "propertyNames": MetricName::schema(),
            "additionalProperties": {"type": "number", "minimum": 0},
        })
    }
}

json_object! {
    /// A bound on the mean of one metric of one strategy.
    "expectation" pub struct BoundFile {
        /// Strategy name.
        req strategy: String,
        /// Metric name, e.g. duplicate_people or lost_access_by_cause.group_deleted.
        req metric: MetricName,
        /// The mean equals this (tolerance 1e-9).
        opt equals: f64,
        /// The mean is at most this.
        opt at_most: f64,
        /// The mean is at least this.
        opt at_least: f64,
    }
}

json_object! {
    /// One strategy is better (lower) than another on a metric: the paired difference's 95%
    /// interval lies wholly below zero.
    "expectation" pub struct BetterFile {
        /// The strategy expected to be better (lower).
        req better: String,
        /// The strategy it is compared with.
        req than: String,
        /// Metric name.
        req metric: MetricName,
    }
}

/// An expectation: a bound or a paired comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectationFile {
    /// `{"strategy", "metric", "equals"|"at_most"|"at_least"}`
    Bound(BoundFile),
    /// `{"better", "than", "metric"}`
    Better(BetterFile),
}

impl FromJson for ExpectationFile {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        if value.get("better").is_some() {
            BetterFile::from_json(value, at, problems).map(ExpectationFile::Better)
        } else {
            BoundFile::from_json(value, at, problems).map(ExpectationFile::Bound)
        }
    }
    fn schema() -> Value {
        json!({
            "description": "A bound on a strategy's mean, or a paired comparison between two strategies.",
            "oneOf": [BoundFile::schema(), BetterFile::schema()],
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_expectations_metric_lists_every_metric_in_the_schema() {
        let (properties, _) = BoundFile::schema_parts();
        let names = properties["metric"]["enum"].as_array().expect("an enum of names");
        assert_eq!(names.len(), crate::metrics::N_COLUMNS);
        assert!(names.iter().any(|n| n == "surplus_accounts_by_origin.admin"));
        let (properties, _) = BetterFile::schema_parts();
        assert_eq!(properties["metric"]["enum"].as_array().map(Vec::len), Some(crate::metrics::N_COLUMNS));
    }

    use super::*;

    fn read(text: &str) -> (Option<ScenarioFile>, Vec<String>) {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut problems = Problems::default();
        let file = ScenarioFile::from_json(&value, &JsonPath::root(), &mut problems);
        (file, problems.into_vec().into_iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn tagged_events_read_their_variant_and_reject_unknown_kinds() {
        let (file, problems) = read(
            r#"{"name": "x", "horizon_days": 10, "products": ["jira"],
                "population": {"people": [{"id": "a"}]},
                "events": [{"day": 1, "do": "leave", "person": "a"},
                           {"day": 2, "do": "leeve", "person": "a"},
                           {"day": 3, "do": "join", "person": {"id": "b", "idp_emial": "b@x.com"}}],
                "strategies": [{"name": "s", "timeline": [{"day": 0, "do": "enable_scim", "extra": 1}]}]}"#,
        );
        assert_eq!(
            problems,
            vec![
                "$.events[1].do: unknown event `leeve` (hint: did you mean `leave`?)",
                "$.events[2].person.idp_emial: unknown field `idp_emial` (hint: did you mean `idp_email`?)",
                "$.strategies[0].timeline[0].extra: unknown field `extra` (hint: expected one of `do`, `day`)",
            ]
        );
        let file = file.unwrap();
        let events = file.events.unwrap();
        // The unreadable event keeps its place, so later problems name the right index.
        assert_eq!(events.len(), 3);
        assert!(events.get(1).is_none());
        assert_eq!(events.get(0).map(EventFile::kind), Some("leave"));
        assert_eq!(events.get(2).map(EventFile::kind), Some("join"));
    }

    #[test]
    fn expectations_have_two_shapes() {
        let (file, problems) = read(
            r#"{"name": "x", "horizon_days": 1, "products": [], "population": {}, "strategies": [],
                "expect": [{"strategy": "s", "metric": "duplicate_people", "equals": 0},
                           {"better": "a", "than": "b", "metric": "scim_errors"}]}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let expect = file.unwrap().expect.unwrap();
        assert!(matches!(expect.get(0), Some(ExpectationFile::Bound(_))));
        assert!(matches!(expect.get(1), Some(ExpectationFile::Better(_))));
    }
}
