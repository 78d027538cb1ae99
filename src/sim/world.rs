//! World state (DESIGN §2) and the primitives every rule is built from: creating accounts,
//! changing emails, group membership, (de)activation — each keeping the indexes and the
//! incremental metric counters right.
//!
//! The rules themselves live in [`super::rules`], one file per rule family (its module doc
//! maps every rule to its file and functions); [`super::measure`] turns state changes into
//! metrics.

use super::emails::{EmailId, Emails};
use super::run::ReplicationInput;
use super::{AccountId, GroupId, PersonId, ProductSet, RecordId, SimTime};
use crate::input::scenario::{Directory, PersonSpec, Scenario, Strategy};
use crate::metrics::Cause;
use crate::rng::{Draws, Purpose, Streams};
use crate::sim::engine::EventQueue;
use crate::sim::event::Event;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;
use std::collections::BTreeSet;

/// Where an account came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Existed before the migration (`cloud_email`).
    PreExisting,
    /// Created by a migration assistant.
    Migration,
    /// Created by SCIM provisioning.
    Scim,
    /// Created by a user signing in with an email no account held.
    SelfSignup,
    /// Placeholder created by a migration for an invalid or duplicated email.
    Placeholder,
}

/// An Atlassian account.
#[derive(Debug, Clone)]
pub struct Account {
    /// Email (unique among all accounts).
    pub email: EmailId,
    /// Active or deactivated.
    pub active: bool,
    /// Managed by the organisation (domain verified and account claimed).
    pub managed: bool,
    /// Where it came from.
    pub origin: Origin,
    /// Ground truth: whose account this is. Rules never read it; metrics do.
    pub owner: PersonId,
    /// The SCIM record linked to it, if any.
    pub linked_record: Option<RecordId>,
    /// Live cloud groups it is a member of.
    pub groups: SmallVec<[GroupId; 4]>,
    /// Number of those groups that grant at least one product.
    pub n_granting: u32,
    /// People whose login account this is.
    pub login_of: SmallVec<[PersonId; 1]>,
    /// Since when it has been orphaned (active, with access, owner gone).
    pub orphan_since: Option<SimTime>,
}

/// A SCIM record in the provisioning directory.
#[derive(Debug, Clone)]
pub struct Record {
    /// The IdP object it was created for.
    pub object: u32,
    /// The person of that IdP object.
    pub person: PersonId,
    /// Email last accepted for it.
    pub email: EmailId,
    /// Active or deprovisioned.
    pub active: bool,
    /// Linked account.
    pub linked: Option<AccountId>,
    /// The account this record deactivated (R9), which it may reactivate.
    pub deactivated: Option<AccountId>,
}

/// Source of a cloud group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSource {
    /// Created in cloud by an admin (or a SCIM group after its directory was deleted).
    Local,
    /// Created by a migration.
    Migrated,
    /// Created or taken over by SCIM: read-only.
    Scim,
}

/// A live cloud group (at most one per name).
#[derive(Debug, Clone)]
pub struct CloudGroup {
    /// Source.
    pub source: GroupSource,
    /// Products it grants.
    pub grants: ProductSet,
    /// A product's default-access group (cannot be synced).
    pub default_access: bool,
    /// Member accounts.
    pub members: FxHashSet<AccountId>,
    /// SCIM bookkeeping: the account each IdP member was placed as at the last push.
    pub placed: FxHashMap<PersonId, AccountId>,
    /// Accounts a migration added into this SCIM group (R4 `add`), removed at the next push.
    pub foreign: Vec<AccountId>,
}

/// IdP-side state of a group name.
#[derive(Debug, Clone, Default)]
pub struct IdpGroup {
    /// The group object exists in the IdP (deleted or out of scope: false).
    pub exists: bool,
    /// Members (the people's role; unchanged by deleting the object).
    pub members: FxHashSet<PersonId>,
    /// A push of this group is queued for the next sync.
    pub pending: bool,
    /// The conflict with a same-named cloud group was rejected: every push fails.
    pub rejected: bool,
    /// Members whose SCIM placement may have changed since the last push.
    pub dirty: BTreeSet<PersonId>,
    /// R11 deleted the cloud group of this name: a re-created SCIM group gets no grants.
    pub grants_lost: bool,
}

/// A person's IdP identity.
#[derive(Debug, Clone)]
pub struct IdpIdentity {
    /// Current IdP object id (a new one after a re-key).
    pub object: u32,
    /// Primary email.
    pub email: EmailId,
    /// Assigned to the Atlassian app.
    pub in_scope: bool,
    /// Group memberships (role).
    pub groups: SmallVec<[GroupId; 4]>,
    /// The record of the current object, once pushed.
    pub record: Option<RecordId>,
    /// A push of this user is queued.
    pub pending: bool,
}

/// A person's server identity.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    /// Server email.
    pub email: EmailId,
    /// Directory kind.
    pub directory: Directory,
    /// Active on the server.
    pub active: bool,
    /// Server groups.
    pub groups: SmallVec<[GroupId; 4]>,
    /// Owns content.
    pub owns_content: bool,
}

/// A person and what the strategy has done to them.
#[derive(Debug, Clone)]
pub struct Person {
    /// Employed.
    pub employed: bool,
    /// IdP identity.
    pub idp: Option<IdpIdentity>,
    /// Server identity.
    pub server: Option<ServerIdentity>,
    /// Login account (R14).
    pub login: Option<AccountId>,
    /// Signed in at least once.
    pub signed_in: bool,
    /// Account holding their migrated content.
    pub content_account: Option<AccountId>,
    /// Their server user was migrated.
    pub migrated: bool,
    /// A `block` option kept their server user out (and it has not been migrated since).
    pub blocked: bool,
    /// Migrated as a Former user.
    pub former_user: bool,
    /// Products they had at the last settle.
    pub has: ProductSet,
    /// Number of active accounts they own.
    pub n_active_accounts: u32,
    /// Accounts they own.
    pub accounts: SmallVec<[AccountId; 2]>,
    /// Sign-ins scheduled so far (selects the uniform of the next one).
    pub n_sign_ins: u64,
    /// Operation in which they were last touched.
    pub touch_mark: u64,
}

impl Person {
    /// Nobody yet: not employed, no identity, no account (a joiner's slot before they join).
    pub fn inert() -> Person {
        Person {
            employed: false,
            idp: None,
            server: None,
            login: None,
            signed_in: false,
            content_account: None,
            migrated: false,
            blocked: false,
            former_user: false,
            has: ProductSet::EMPTY,
            n_active_accounts: 0,
            accounts: SmallVec::new(),
            n_sign_ins: 0,
            touch_mark: 0,
        }
    }
}

/// State of the provisioning directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryState {
    /// Never enabled.
    None,
    /// Syncing.
    Active,
    /// Deleted in Atlassian.
    Deleted,
    /// Provisioning stopped in the IdP.
    StoppedInIdp,
}

/// A domain's verification state.
#[derive(Debug, Clone, Copy, Default)]
pub struct DomainState {
    /// Ownership proven.
    pub verified: bool,
    /// Accounts claimed.
    pub claimed: bool,
    /// Accounts created later are managed from birth.
    pub auto: bool,
}

/// Incremental metric counters.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    /// People with two or more active accounts.
    pub duplicate_people: u64,
    /// Orphaned accounts now.
    pub orphaned_accounts: u64,
    /// Seconds of orphaned time already closed.
    pub orphaned_seconds: i64,
    /// Lost-access incidents by cause.
    pub lost_by_cause: [u64; 7],
    /// Conflicts raised.
    pub group_conflicts: u64,
    /// Failed pushes.
    pub scim_errors: u64,
    /// Failed admin email fixes.
    pub admin_fix_failures: u64,
    /// Events handled.
    pub events_processed: u64,
}

/// The per-person random draws of a world (see [`crate::rng`]).
#[derive(Debug, Clone)]
pub struct PersonDraws {
    /// Sign-in k of person p: stream k, index p.
    pub sign_in: Draws,
    /// Whether an admin reaches person p: stream 0, index p.
    pub fix_emails: Draws,
    /// Whether a `referenced` migration takes person p: stream 0, index p.
    pub referenced: Draws,
    /// Whether `move_domain` event k moves person p: stream k, index p.
    pub move_domain: Draws,
}

/// `email_index` entry of an email no account holds.
pub const NO_ACCOUNT: u32 = u32::MAX;

/// The interned emails of a person as the scenario gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonEmails {
    /// IdP primary email.
    pub idp: Option<EmailId>,
    /// Server email.
    pub server: Option<EmailId>,
    /// Pre-existing cloud account email.
    pub cloud: Option<EmailId>,
}

/// The whole simulated world of one strategy in one replication.
pub struct World<'s> {
    /// The scenario.
    pub scenario: &'s Scenario,
    /// The strategy being run.
    pub strategy: &'s Strategy,
    /// Random streams of this replication.
    pub streams: Streams,
    /// Per-person draws of sign-in times (R14), email fixes (R13), `referenced` migrations
    /// (R3) and domain moves.
    pub draws: PersonDraws,
    /// Current time.
    pub now: SimTime,
    /// Pending events.
    pub queue: EventQueue<Event>,
    /// People (initial, then joiners in join order).
    pub people: Vec<Person>,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Every email of the replication, and those this run made up.
    pub emails: Emails<'s>,
    /// Account holding each email (`NO_ACCOUNT` where none), indexed by [`EmailId`].
    pub email_index: Vec<u32>,
    /// State of each domain of the scenario, in `scenario.domains` order.
    pub domains: Vec<DomainState>,
    /// Live cloud group per name.
    pub cloud: Vec<Option<CloudGroup>>,
    /// IdP state per group name.
    pub idp_groups: Vec<IdpGroup>,
    /// Provisioning directory state.
    pub directory: DirectoryState,
    /// Directory generation (incremented by each `enable_scim`).
    pub generation: u32,
    /// SCIM records.
    pub records: Vec<Record>,
    /// Users queued for the next sync, in the order they first changed.
    pub pending_users: Vec<PersonId>,
    /// Groups queued for the next sync, in the order they first changed.
    pub pending_groups: Vec<GroupId>,
    /// Next IdP object id.
    pub next_object: u32,
    /// Cutover has happened, with this sign-in spread in seconds.
    pub cutover: Option<i64>,
    /// Metric counters.
    pub counters: Counters,
    /// People touched by the current operation, with the cause of any loss.
    pub touched: Vec<(PersonId, Cause)>,
    /// Current operation number (for de-duplicating touches).
    pub op: u64,
    /// Placeholder accounts created so far (for unique placeholder emails).
    pub n_placeholders: u64,
}

impl<'s> World<'s> {
    /// The world at time 0: people, pre-existing accounts, local cloud groups, IdP groups.
    /// Joiners get an inert slot (not employed, no identity) that their `join` fills.
    pub fn new(scenario: &'s Scenario, strategy: &'s Strategy, input: &ReplicationInput<'s>) -> World<'s> {
        let n_groups = scenario.groups.len();
        let people = input.people;
        let streams = input.streams;
        let mut world = World {
            scenario,
            strategy,
            streams,
            draws: PersonDraws {
                sign_in: streams.draws(Purpose::SignIn),
                fix_emails: streams.draws(Purpose::FixEmails),
                referenced: streams.draws(Purpose::Referenced),
                move_domain: streams.draws(Purpose::MoveDomain),
            },
            now: SimTime(0),
            queue: EventQueue::default(),
            people: vec![Person::inert(); people.len() + input.n_joiners],
            accounts: Vec::new(),
            emails: Emails::new(input.book),
            email_index: vec![NO_ACCOUNT; input.book.len()],
            domains: vec![DomainState::default(); scenario.domains.len()],
            cloud: vec![None; n_groups],
            idp_groups: vec![IdpGroup { exists: true, ..IdpGroup::default() }; n_groups],
            directory: DirectoryState::None,
            generation: 0,
            records: Vec::new(),
            pending_users: Vec::new(),
            pending_groups: Vec::new(),
            next_object: 0,
            cutover: None,
            counters: Counters::default(),
            touched: Vec::new(),
            op: 1,
            n_placeholders: 0,
        };
        for (g, spec) in scenario.groups.iter().enumerate() {
            if let Some(grants) = spec.cloud_grants {
                world.cloud[g] = Some(CloudGroup::new(GroupSource::Local, grants, spec.default_access));
            }
        }
        for (i, (spec, emails)) in people.iter().zip(input.emails).enumerate() {
            world.fill_person(PersonId::from_index(i), spec, *emails);
        }
        world
    }

    /// Gives a person (at the start, or a joiner in their slot) their identities and their
    /// pre-existing account.
    pub fn fill_person(&mut self, p: PersonId, spec: &PersonSpec, emails: PersonEmails) {
        let idp = emails.idp.map(|email| {
            let object = self.next_object;
            self.next_object += 1;
            IdpIdentity {
                object,
                email,
                in_scope: spec.in_idp_scope,
                groups: SmallVec::from_slice(&spec.idp_groups),
                record: None,
                pending: false,
            }
        });
        if let Some(idp) = &idp {
            for &g in &idp.groups {
                self.idp_groups[g.index()].members.insert(p);
            }
        }
        let server = emails.server.map(|email| ServerIdentity {
            email,
            directory: spec.directory,
            active: spec.server_active,
            groups: SmallVec::from_slice(&spec.server_groups),
            owns_content: spec.owns_content,
        });
        let person = &mut self.people[p.index()];
        person.employed = spec.employed;
        person.idp = idp;
        person.server = server;
        if let Some(email) = emails.cloud {
            if self.account_by_email(email).is_none() {
                let a = self.create_account(email, true, Origin::PreExisting, p);
                // It existed before any claim: a claim of its domain covers it (R2).
                self.accounts[a.index()].managed = self.verified_claimed(email);
                for &g in &spec.cloud_groups {
                    // `cloud_groups` are local groups; a SCIM group's members come from the IdP.
                    if self.cloud[g.index()].as_ref().is_some_and(|c| c.source != GroupSource::Scim) {
                        self.add_member(g, a, Cause::Other);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- lookups

    /// The account holding `email`, active or not (R1).
    pub fn account_by_email(&self, email: EmailId) -> Option<AccountId> {
        match self.email_index.get(email.index()) {
            Some(&a) if a != NO_ACCOUNT => Some(AccountId(a)),
            _ => None,
        }
    }

    /// The state of `email`'s domain, when it is one of the scenario's domains.
    pub fn domain_state(&self, email: EmailId) -> Option<DomainState> {
        self.emails.domain(email).map(|d| self.domains[d])
    }

    /// True when `email`'s domain is verified and claimed (R2).
    pub fn verified_claimed(&self, email: EmailId) -> bool {
        self.domain_state(email).is_some_and(|d| d.verified && d.claimed)
    }

    /// True when accounts created now with `email` are managed from birth (R2 `auto`).
    pub fn managed_at_birth(&self, email: EmailId) -> bool {
        self.domain_state(email).is_some_and(|d| d.verified && d.claimed && d.auto)
    }

    /// True when the account is linked to a record of an existing directory (admin edits fail).
    pub fn scim_locked(&self, a: AccountId) -> bool {
        self.accounts[a.index()].linked_record.is_some()
    }

    /// The person's sign-in email: IdP primary email when in IdP scope, else the server email.
    pub fn sign_in_email(&self, p: PersonId) -> Option<EmailId> {
        let person = &self.people[p.index()];
        match (&person.idp, &person.server) {
            (Some(idp), _) if idp.in_scope => Some(idp.email),
            (_, Some(server)) => Some(server.email),
            _ => None,
        }
    }

    /// True when the person has an IdP identity in provisioning scope.
    pub fn in_idp_scope(&self, p: PersonId) -> bool {
        self.people[p.index()].idp.as_ref().is_some_and(|i| i.in_scope)
    }

    /// Products the person is entitled to (DESIGN §4).
    pub fn entitled(&self, p: PersonId) -> ProductSet {
        let person = &self.people[p.index()];
        if !person.employed {
            return ProductSet::EMPTY;
        }
        let groups = match (&person.idp, &person.server) {
            (Some(idp), _) if idp.in_scope => &idp.groups,
            (_, Some(server)) if server.active => &server.groups,
            _ => return ProductSet::EMPTY,
        };
        groups.iter().fold(ProductSet::EMPTY, |acc, g| acc.union(self.scenario.groups[g.index()].grants))
    }

    /// Products the person has: their login account is active and in a live granting group.
    pub fn has(&self, p: PersonId) -> ProductSet {
        match self.people[p.index()].login {
            Some(a) => self.account_products(a),
            None => ProductSet::EMPTY,
        }
    }

    /// Products an account gives access to (none when deactivated).
    pub fn account_products(&self, a: AccountId) -> ProductSet {
        let account = &self.accounts[a.index()];
        if !account.active {
            return ProductSet::EMPTY;
        }
        account.groups.iter().fold(ProductSet::EMPTY, |acc, g| {
            acc.union(self.cloud[g.index()].as_ref().map_or(ProductSet::EMPTY, |c| c.grants))
        })
    }

    /// Schedules an event.
    pub fn schedule(&mut self, at: SimTime, event: Event) {
        self.queue.schedule(at, event);
    }

    // ---------------------------------------------------------------- accounts

    /// Creates an active or deactivated account; `managed` follows R2's birth rule.
    pub fn create_account(
        &mut self,
        email: EmailId,
        active: bool,
        origin: Origin,
        owner: PersonId,
    ) -> AccountId {
        let a = AccountId::from_index(self.accounts.len());
        let managed = self.managed_at_birth(email);
        debug_assert!(
            self.account_by_email(email).is_none(),
            "email {} already held",
            self.emails.text(email)
        );
        self.set_holder(email, a.0);
        self.accounts.push(Account {
            email,
            active: false,
            managed,
            origin,
            owner,
            linked_record: None,
            groups: SmallVec::new(),
            n_granting: 0,
            login_of: SmallVec::new(),
            orphan_since: None,
        });
        self.people[owner.index()].accounts.push(a);
        if active {
            self.set_active(a, true, Cause::Other);
        }
        a
    }

    /// Records which account holds `email` (`NO_ACCOUNT`: none).
    fn set_holder(&mut self, email: EmailId, account: u32) {
        if self.email_index.len() <= email.index() {
            self.email_index.resize(self.emails.len().max(email.index() + 1), NO_ACCOUNT);
        }
        self.email_index[email.index()] = account;
    }

    /// Changes an account's email (the new one must be free).
    pub fn change_account_email(&mut self, a: AccountId, email: EmailId) {
        debug_assert!(self.account_by_email(email).is_none_or(|b| b == a));
        self.set_holder(self.accounts[a.index()].email, NO_ACCOUNT);
        self.set_holder(email, a.0);
        self.accounts[a.index()].email = email;
    }

    /// Activates or deactivates an account, keeping duplicate and orphan counters right.
    /// A deactivated account leaves every SCIM group. Its login users are touched with `cause`.
    pub fn set_active(&mut self, a: AccountId, active: bool, cause: Cause) {
        if self.accounts[a.index()].active == active {
            return;
        }
        if !active {
            self.remove_from_scim_groups(a, cause);
        }
        self.accounts[a.index()].active = active;
        let owner = self.accounts[a.index()].owner;
        let person = &mut self.people[owner.index()];
        let before = person.n_active_accounts;
        if active {
            person.n_active_accounts += 1;
        } else {
            person.n_active_accounts -= 1;
        }
        let after = person.n_active_accounts;
        match (before >= 2, after >= 2) {
            (false, true) => self.counters.duplicate_people += 1,
            (true, false) => self.counters.duplicate_people -= 1,
            _ => {}
        }
        self.update_orphan(a);
        self.touch_account(a, cause);
        if !active {
            // R14: people still employed sign in again after their login account is deactivated.
            let users = self.accounts[a.index()].login_of.clone();
            for p in users {
                if self.people[p.index()].employed {
                    self.schedule_sign_in(p);
                }
            }
        }
    }

    /// Re-evaluates whether an account is orphaned (active, with access, owner gone).
    pub fn update_orphan(&mut self, a: AccountId) {
        let account = &self.accounts[a.index()];
        let orphan = account.active && account.n_granting > 0 && !self.people[account.owner.index()].employed;
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

    // ---------------------------------------------------------------- groups

    /// Adds an account to a live cloud group (no-op when already a member).
    pub fn add_member(&mut self, g: GroupId, a: AccountId, cause: Cause) {
        let Some(group) = self.cloud[g.index()].as_mut() else { return };
        if !group.members.insert(a) {
            return;
        }
        let grants = !group.grants.is_empty();
        let account = &mut self.accounts[a.index()];
        account.groups.push(g);
        if grants {
            account.n_granting += 1;
            self.update_orphan(a);
        }
        self.touch_account(a, cause);
    }

    /// Removes an account from a live cloud group (no-op when not a member).
    pub fn remove_member(&mut self, g: GroupId, a: AccountId, cause: Cause) {
        let Some(group) = self.cloud[g.index()].as_mut() else { return };
        if !group.members.remove(&a) {
            return;
        }
        let grants = !group.grants.is_empty();
        let account = &mut self.accounts[a.index()];
        account.groups.retain(|x| *x != g);
        if grants {
            account.n_granting -= 1;
            self.update_orphan(a);
        }
        self.touch_account(a, cause);
    }

    /// Removes an account from every SCIM group (R7 unlink, R9 deprovision).
    pub fn remove_from_scim_groups(&mut self, a: AccountId, cause: Cause) {
        let scim_groups: SmallVec<[GroupId; 4]> = self.accounts[a.index()]
            .groups
            .iter()
            .copied()
            .filter(|g| self.cloud[g.index()].as_ref().is_some_and(|c| c.source == GroupSource::Scim))
            .collect();
        for g in scim_groups {
            self.remove_member(g, a, cause);
        }
    }

    /// Deletes a live cloud group: every member loses it (R11).
    pub fn delete_cloud_group(&mut self, g: GroupId, cause: Cause) {
        let Some(group) = self.cloud[g.index()].as_ref() else { return };
        let mut members: Vec<AccountId> = group.members.iter().copied().collect();
        members.sort_unstable();
        for a in members {
            self.remove_member(g, a, cause);
        }
        self.cloud[g.index()] = None;
    }

    // ---------------------------------------------------------------- sign-ins

    /// Schedules a sign-in for `p` within the cutover's spread (R14); nothing before cutover.
    pub fn schedule_sign_in(&mut self, p: PersonId) {
        if self.cutover.is_some() {
            let at = self.sign_in_time(p);
            self.schedule(at, Event::SignIn { person: p });
        }
    }

    /// When `p`'s next sign-in happens: now plus their k-th uniform share of the spread.
    pub fn sign_in_time(&mut self, p: PersonId) -> SimTime {
        let spread = self.cutover.unwrap_or(0);
        let person = &mut self.people[p.index()];
        let k = person.n_sign_ins;
        person.n_sign_ins += 1;
        let offset = if spread > 0 {
            (self.draws.sign_in.uniform(k, p.0.into()) * spread as f64).floor() as i64
        } else {
            0
        };
        self.now + offset
    }
}

impl CloudGroup {
    /// An empty group.
    pub fn new(source: GroupSource, grants: ProductSet, default_access: bool) -> CloudGroup {
        CloudGroup {
            source,
            grants,
            default_access,
            members: FxHashSet::default(),
            placed: FxHashMap::default(),
            foreign: Vec::new(),
        }
    }
}
