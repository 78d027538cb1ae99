//! World state (DESIGN §2) and the primitives every rule is built from: creating accounts,
//! changing emails, group membership, (de)activation — each keeping the indexes and the
//! incremental metric counters right.
//!
//! [`World`]'s fields are private to this module. The rules live in [`super::rules`], one file
//! per rule family (its module doc maps every rule to its file and functions); they read the
//! world through the accessors below and change it only through the named primitives. The
//! incremental metrics (touch, settle, orphans) are `world/measure.rs`, a child of this module: they
//! are part of keeping the state right, so they see the fields; nothing else does.

mod measure;

pub use measure::AccessGaps;

pub use super::Origin;
use super::emails::{EmailBook, EmailId, Emails};
use super::observe::{
    AccountRef, Context, Email, NoObserver, Observer, PushFailure, Pushed, Rule, SignInVia, Trigger,
};
use super::{AccountId, GroupId, PersonId, ProductSet, RecordId, SimTime};
use crate::ids::{IdMap, IdSet};
use crate::input::scenario::{
    Deprovision, Directory, ExoEvent, GroupUpdates, Matching, PersonSpec, Scenario, Strategy,
};
use crate::metrics::Cause;
use crate::rng::{Draws, Purpose, Streams};
use crate::sim::engine::EventQueue;
use crate::sim::event::Event;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::collections::BTreeSet;

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
    /// Deleted from the directory (R20 `delete`): no push reaches it again.
    pub deleted: bool,
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
    pub members: IdSet<AccountId>,
    /// SCIM bookkeeping: the account each IdP member was placed as at the last push.
    pub placed: IdMap<PersonId, AccountId>,
    /// Accounts a migration added into this SCIM group (R4 `add`), removed at the next push.
    pub foreign: Vec<AccountId>,
}

/// IdP-side state of a group name.
#[derive(Debug, Clone, Default)]
pub struct IdpGroup {
    /// The group object exists in the IdP (deleted or out of scope: false).
    pub exists: bool,
    /// Members (the people's role; unchanged by deleting the object).
    pub members: IdSet<PersonId>,
    /// A push of this group is queued for the next sync.
    pub pending: bool,
    /// The conflict with a same-named cloud group was rejected: every push fails, until the
    /// group is re-created in the IdP (a new object meets the cloud group afresh).
    pub rejected: bool,
    /// Members whose SCIM placement may have changed since the last push.
    pub dirty: BTreeSet<PersonId>,
    /// People whose membership of the group changed since its last push (each also in
    /// `dirty`): that push adds or removes them, which runs R6's deferred link for them.
    pub changed: BTreeSet<PersonId>,
    /// R11 deleted the cloud group of this name: a re-created SCIM group gets no grants.
    pub grants_lost: bool,
    /// Its next push sends the whole member list whatever `idp.group_updates` says (R22: a
    /// re-created IdP object's first push, R21 `restart`, R24).
    pub whole_list: bool,
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
    /// The email their SSO assertion carries instead of `email` until `align_sso` (R23);
    /// IdP email changes and re-keys leave it as it is.
    pub sso_email: Option<EmailId>,
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
    /// Their server user was migrated with a remapped email (R18).
    pub remapped: bool,
    /// Products they had at the last settle.
    pub has: ProductSet,
    /// Number of active accounts they own.
    pub n_active_accounts: u32,
    /// Lost-access incidents so far (`lost_access_incidents`, theirs).
    pub lost_incidents: u32,
    /// The cause of their last loss of access.
    pub last_loss: Option<Cause>,
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
            remapped: false,
            has: ProductSet::EMPTY,
            n_active_accounts: 0,
            lost_incidents: 0,
            last_loss: None,
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

/// A domain's verification state (R2′): `unverified`, `verified_unclaimed` (verified, not
/// claimed) or `verified` ("verified+claimed": verified and claimed).
#[derive(Debug, Clone, Copy, Default)]
pub struct DomainState {
    /// Ownership proven.
    pub verified: bool,
    /// Claimed: an account on it is managed (with `claim_needs_account: false`, a claim
    /// alone claims it).
    pub claimed: bool,
    /// Auto-claimed: accounts created later are managed from birth.
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
    /// Whether a migration's email remap reaches person p: stream 0, index p.
    pub remap: Draws,
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
    /// The email their SSO assertion carries instead of the IdP email (R23).
    pub sso: Option<EmailId>,
}

/// What one replication gives every strategy alike (common random numbers).
#[derive(Debug, Clone, Copy)]
pub struct ReplicationInput<'a> {
    /// The organisation at the start.
    pub people: &'a [PersonSpec],
    /// Their interned emails, person by person.
    pub emails: &'a [PersonEmails],
    /// Every email known before the run.
    pub book: &'a EmailBook,
    /// The realised exogenous events, in run order.
    pub events: &'a [ExoEvent],
    /// Joiner slots (every `join` names one of the ids after the people at the start).
    pub n_joiners: usize,
    /// The replication's random streams.
    pub streams: Streams,
}

/// The whole simulated world of one strategy in one replication.
///
/// Its fields are private to this module (and `world/measure.rs`, its child): the rules in
/// [`super::rules`] read through the accessors and change state only through the primitives
/// below, which keep the indexes (`email_index`, accounts' groups and groups' members, login
/// users, active-account counts, IdP memberships, sync queues) and the incremental metric
/// counters right. Each primitive also tells the world's [`Observer`] what it changed, in the
/// [`Context`] the dispatch and the rules set; the default [`NoObserver`] is compiled away.
pub struct World<'s, O = NoObserver> {
    /// The scenario.
    scenario: &'s Scenario,
    /// The strategy being run.
    strategy: &'s Strategy,
    /// Per-person draws of sign-in times (R14), email fixes (R13), `referenced` migrations
    /// (R3) and domain moves.
    draws: PersonDraws,
    /// Current time.
    now: SimTime,
    /// Pending events.
    queue: EventQueue<Event>,
    /// People (initial, then joiners in join order).
    people: Vec<Person>,
    /// Accounts.
    accounts: Vec<Account>,
    /// Every email of the replication, and those this run made up.
    emails: Emails<'s>,
    /// Account holding each email (`NO_ACCOUNT` where none), indexed by [`EmailId`].
    email_index: Vec<u32>,
    /// State of each domain of the scenario, in `scenario.domains` order.
    domains: Vec<DomainState>,
    /// Live cloud group per name.
    cloud: Vec<Option<CloudGroup>>,
    /// IdP state per group name.
    idp_groups: Vec<IdpGroup>,
    /// Provisioning directory state.
    directory: DirectoryState,
    /// Directory generation (incremented by each `enable_scim`).
    generation: u32,
    /// SCIM records.
    records: Vec<Record>,
    /// The record of each userName (email), kept only under `matching: email` (R19), where a
    /// push looks its user up by userName.
    user_names: FxHashMap<EmailId, RecordId>,
    /// Users queued for the next sync, in the order they first changed.
    pending_users: Vec<PersonId>,
    /// Groups queued for the next sync, in the order they first changed.
    pending_groups: Vec<GroupId>,
    /// Next IdP object id.
    next_object: u32,
    /// A resync (R24) is pushing users: a leaver's deprovision is sent whatever
    /// `idp.deprovision` says.
    resyncing: bool,
    /// Cutover has happened, with this sign-in spread in seconds.
    cutover: Option<i64>,
    /// `align_sso` has run: every sign-in uses the IdP primary email (R23).
    sso_aligned: bool,
    /// Metric counters.
    counters: Counters,
    /// People touched by the current operation, with the cause of any loss.
    touched: Vec<(PersonId, Cause)>,
    /// Current operation number (for de-duplicating touches).
    op: u64,
    /// Placeholder accounts created so far (for unique placeholder emails).
    n_placeholders: u64,
    /// Told of every state change.
    observer: O,
    /// The rule being applied (only kept when the observer is enabled).
    rule: Rule,
    /// The event running (only kept when the observer is enabled).
    trigger: Trigger,
}

/// Tells the world's observer of a change, in the current context, unless it observes nothing
/// (then the arguments are not even evaluated).
macro_rules! observe {
    ($world:ident, $method:ident($($arg:expr),* $(,)?)) => {
        if O::ENABLED {
            let ctx = $world.context();
            $world.observer.$method(ctx, $($arg),*);
        }
    };
}

/// Account `a` as observations give it.
fn account_ref<'a>(accounts: &[Account], emails: &'a Emails<'_>, a: AccountId) -> AccountRef<'a> {
    let account = &accounts[a.index()];
    AccountRef { id: a, owner: account.owner, email: Email::new(emails, account.email) }
}

impl<'s, O: Observer> World<'s, O> {
    /// The world at time 0: people, pre-existing accounts, local cloud groups, IdP groups.
    /// Joiners get an inert slot (not employed, no identity) that their `join` fills.
    pub fn new(
        scenario: &'s Scenario,
        strategy: &'s Strategy,
        input: &ReplicationInput<'s>,
        observer: O,
    ) -> World<'s, O> {
        let n_groups = scenario.groups.len();
        let people = input.people;
        let streams = input.streams;
        let mut world = World {
            scenario,
            strategy,
            draws: PersonDraws {
                sign_in: streams.draws(Purpose::SignIn),
                fix_emails: streams.draws(Purpose::FixEmails),
                referenced: streams.draws(Purpose::Referenced),
                move_domain: streams.draws(Purpose::MoveDomain),
                remap: streams.draws(Purpose::Remap),
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
            user_names: FxHashMap::default(),
            pending_users: Vec::new(),
            pending_groups: Vec::new(),
            next_object: 0,
            resyncing: false,
            cutover: None,
            sso_aligned: false,
            counters: Counters::default(),
            touched: Vec::new(),
            op: 1,
            n_placeholders: 0,
            observer,
            rule: Rule::Initial,
            trigger: Trigger::Start,
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
    pub(crate) fn fill_person(&mut self, p: PersonId, spec: &PersonSpec, emails: PersonEmails) {
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
                sso_email: emails.sso,
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
                let a = self.create_account(email, spec.cloud_active, Origin::PreExisting, p);
                // It existed before any claim: a claim of its domain covers it (R2).
                if self.verified_claimed(email) {
                    self.manage(a);
                }
                for &g in &spec.cloud_groups {
                    // `cloud_groups` are local groups; a SCIM group's members come from the IdP.
                    if self.cloud[g.index()].as_ref().is_some_and(|c| c.source != GroupSource::Scim) {
                        self.add_member(g, a, Cause::Other);
                    }
                }
            }
        }
    }

    /// The observer, once the run is over.
    pub fn into_observer(self) -> O {
        self.observer
    }

    // ---------------------------------------------------------------- context

    /// When and why the current change is made.
    pub fn context(&self) -> Context {
        Context { at: self.now, rule: self.rule, trigger: self.trigger }
    }

    /// Event `trigger` starts running (its rules then say which they are).
    pub(crate) fn begin_event(&mut self, trigger: Trigger) {
        if O::ENABLED {
            self.trigger = trigger;
        }
    }

    /// Rule `rule` takes over in the current event.
    pub(crate) fn set_rule(&mut self, rule: Rule) {
        if O::ENABLED {
            self.rule = rule;
        }
    }

    // ---------------------------------------------------------------- reads

    /// The scenario.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// The strategy being run.
    pub fn strategy(&self) -> &'s Strategy {
        self.strategy
    }

    /// Current time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Person `p`.
    pub fn person(&self, p: PersonId) -> &Person {
        &self.people[p.index()]
    }

    /// Every person (initial, then joiner slots), indexed by [`PersonId`].
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Account `a`.
    pub fn account(&self, a: AccountId) -> &Account {
        &self.accounts[a.index()]
    }

    /// Every account, indexed by [`AccountId`].
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// SCIM record `r`.
    pub fn record(&self, r: RecordId) -> &Record {
        &self.records[r.index()]
    }

    /// Every SCIM record of the directory, indexed by [`RecordId`].
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The live cloud group of name `g`, if any.
    pub fn cloud_group(&self, g: GroupId) -> Option<&CloudGroup> {
        self.cloud[g.index()].as_ref()
    }

    /// The live cloud group of every name, indexed by [`GroupId`].
    pub fn cloud_groups(&self) -> &[Option<CloudGroup>] {
        &self.cloud
    }

    /// The IdP side of group name `g`.
    pub fn idp_group(&self, g: GroupId) -> &IdpGroup {
        &self.idp_groups[g.index()]
    }

    /// The IdP side of every group name, indexed by [`GroupId`].
    pub fn idp_groups(&self) -> &[IdpGroup] {
        &self.idp_groups
    }

    /// State of domain `d` (an index into the scenario's domains).
    pub fn domain(&self, d: usize) -> DomainState {
        self.domains[d]
    }

    /// Every email of the run.
    pub fn emails(&self) -> &Emails<'s> {
        &self.emails
    }

    /// The provisioning directory's state.
    pub fn directory(&self) -> DirectoryState {
        self.directory
    }

    /// Generation of the provisioning directory (one per `enable_scim`).
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The incremental metric counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Number of emails the email index says an account holds.
    pub fn n_emails_held(&self) -> usize {
        self.email_index.iter().filter(|&&a| a != NO_ACCOUNT).count()
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

    /// True when accounts created now with `email` are managed from birth (R2′ `auto`).
    pub fn managed_at_birth(&self, email: EmailId) -> bool {
        self.domain_state(email).is_some_and(|d| d.verified && d.auto)
    }

    /// How a pushed user is matched to its record (R19): the strategy's choice, else the
    /// organisation's.
    pub fn matching(&self) -> Matching {
        self.strategy.matching.unwrap_or(self.scenario.idp.matching)
    }

    /// What the IdP sends for a leaver (R20): the strategy's choice, else the organisation's —
    /// except that a resync (R24) sends a deprovision even under `none`, which stops only the
    /// automatic one (§9.2).
    pub fn deprovision(&self) -> Deprovision {
        match self.strategy.deprovision.unwrap_or(self.scenario.idp.deprovision) {
            Deprovision::None if self.resyncing => Deprovision::Deactivate,
            setting => setting,
        }
    }

    /// How a group push sends its members (R22): the strategy's choice, else the
    /// organisation's (whose default is the profile's).
    pub fn group_updates(&self) -> GroupUpdates {
        self.strategy.group_updates.unwrap_or(self.scenario.idp.group_updates)
    }

    /// A resync (R24) starts or stops pushing users.
    pub(crate) fn set_resyncing(&mut self, on: bool) {
        self.resyncing = on;
    }

    /// True when the account is linked to a record of an existing directory (admin edits fail).
    pub fn scim_locked(&self, a: AccountId) -> bool {
        self.accounts[a.index()].linked_record.is_some()
    }

    /// The person's sign-in email: when in IdP scope, their SSO email until `align_sso` (R23)
    /// and else the IdP primary email; out of scope, the server email.
    pub fn sign_in_email(&self, p: PersonId) -> Option<EmailId> {
        let person = &self.people[p.index()];
        match (&person.idp, &person.server) {
            (Some(idp), _) if idp.in_scope => {
                Some(idp.sso_email.filter(|_| !self.sso_aligned).unwrap_or(idp.email))
            }
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

    // ---------------------------------------------------------------- clock and events

    /// Schedules an event.
    pub(crate) fn schedule(&mut self, at: SimTime, event: Event) {
        self.queue.schedule(at, event);
    }

    /// Schedules many events at once, in the given order.
    pub(crate) fn schedule_batch(&mut self, events: Vec<(SimTime, Event)>) {
        self.queue.schedule_batch(events);
    }

    /// Time of the next pending event.
    pub(crate) fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Takes the next pending event, moves the clock to its time and counts it.
    pub(crate) fn take_next_event(&mut self) -> Option<Event> {
        let (at, event) = self.queue.pop()?;
        self.now = at;
        self.counters.events_processed += 1;
        Some(event)
    }

    /// Moves the clock to the end of the horizon (for the final metrics).
    pub(crate) fn end_at(&mut self, horizon: SimTime) {
        self.now = horizon;
    }

    /// The id of `text`, adding it to this run's emails when new.
    pub(crate) fn intern_email(&mut self, text: &str) -> EmailId {
        self.emails.intern(text)
    }

    /// Whether an admin reaches `p` in `fix_emails` (R13): their uniform.
    pub(crate) fn fix_emails_draw(&mut self, p: PersonId) -> f64 {
        self.draws.fix_emails.uniform(0, p.0.into())
    }

    /// Whether a `referenced` migration takes `p` (R3): their uniform.
    pub(crate) fn referenced_draw(&mut self, p: PersonId) -> f64 {
        self.draws.referenced.uniform(0, p.0.into())
    }

    /// Whether a migration's email remap reaches `p` (R18): their uniform.
    pub(crate) fn remap_draw(&mut self, p: PersonId) -> f64 {
        self.draws.remap.uniform(0, p.0.into())
    }

    /// Whether `move_domain` event `ordinal` moves `p`: their uniform.
    pub(crate) fn move_domain_draw(&mut self, ordinal: u32, p: PersonId) -> f64 {
        self.draws.move_domain.uniform(ordinal.into(), p.0.into())
    }

    // ---------------------------------------------------------------- domains

    /// Domain `d`'s ownership is proven.
    pub(crate) fn set_domain_verified(&mut self, d: usize) {
        self.domains[d].verified = true;
    }

    /// Domain `d` is claimed: verified+claimed once verified (R2′).
    pub(crate) fn mark_domain_claimed(&mut self, d: usize) {
        self.domains[d].claimed = true;
    }

    /// Domain `d` is auto-claimed: accounts created later on it are managed from birth.
    pub(crate) fn mark_domain_auto(&mut self, d: usize) {
        self.domains[d].auto = true;
    }

    // ---------------------------------------------------------------- accounts

    /// Creates an active or deactivated account; `managed` follows R2′'s birth rule, and the
    /// first account managed from birth on an auto-claimed domain claims it. `owner` may be
    /// [`PersonId::NOBODY`] (R17), whom no person metric counts.
    pub(crate) fn create_account(
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
        if managed {
            if let Some(d) = self.emails.domain(email) {
                self.domains[d].claimed = true;
            }
        }
        if !owner.is_nobody() {
            self.people[owner.index()].accounts.push(a);
        }
        if active {
            self.switch_active(a, true, Cause::Other);
        }
        observe!(
            self,
            account_created(account_ref(&self.accounts, &self.emails, a), origin, active, managed)
        );
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
    pub(crate) fn change_account_email(&mut self, a: AccountId, email: EmailId) {
        debug_assert!(self.account_by_email(email).is_none_or(|b| b == a));
        let old = self.accounts[a.index()].email;
        self.set_holder(old, NO_ACCOUNT);
        self.set_holder(email, a.0);
        self.accounts[a.index()].email = email;
        observe!(
            self,
            account_email_changed(
                account_ref(&self.accounts, &self.emails, a),
                Email::new(&self.emails, old)
            )
        );
    }

    /// The account becomes managed by the organisation.
    pub(crate) fn manage(&mut self, a: AccountId) {
        if !self.accounts[a.index()].managed {
            self.accounts[a.index()].managed = true;
            observe!(self, account_managed(account_ref(&self.accounts, &self.emails, a)));
        }
    }

    /// Activates or deactivates an account, keeping duplicate and orphan counters right.
    /// A deactivated account leaves every SCIM group. Its login users are touched with `cause`.
    pub(crate) fn set_active(&mut self, a: AccountId, active: bool, cause: Cause) {
        if self.accounts[a.index()].active == active {
            return;
        }
        if active {
            observe!(self, account_reactivated(account_ref(&self.accounts, &self.emails, a)));
        } else {
            observe!(self, account_deactivated(account_ref(&self.accounts, &self.emails, a)));
        }
        self.switch_active(a, active, cause);
    }

    /// [`World::set_active`] for an account whose state changes, unobserved (a new account's
    /// activation is part of its creation).
    fn switch_active(&mut self, a: AccountId, active: bool, cause: Cause) {
        if !active {
            self.remove_from_scim_groups(a, cause);
        }
        self.accounts[a.index()].active = active;
        let owner = self.accounts[a.index()].owner;
        if !owner.is_nobody() {
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

    // ---------------------------------------------------------------- records

    /// A new record for `p`'s IdP object, unlinked and active; it becomes their current record.
    pub(crate) fn new_record(&mut self, p: PersonId, object: u32, email: EmailId) -> RecordId {
        let r = RecordId::from_index(self.records.len());
        self.records.push(Record {
            object,
            person: p,
            email,
            active: true,
            linked: None,
            deactivated: None,
            deleted: false,
        });
        if self.matching() == Matching::Email {
            self.user_names.insert(email, r);
        }
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            idp.record = Some(r);
        }
        observe!(self, record_created(r, p, Email::new(&self.emails, email)));
        r
    }

    /// Links record `r` and account `a` (both sides).
    pub(crate) fn link_record(&mut self, r: RecordId, a: AccountId) {
        self.records[r.index()].linked = Some(a);
        self.accounts[a.index()].linked_record = Some(r);
        let p = self.records[r.index()].person;
        observe!(self, record_linked(r, p, account_ref(&self.accounts, &self.emails, a)));
    }

    /// Unlinks record `r` from its account (both sides).
    pub(crate) fn unlink_record(&mut self, r: RecordId) {
        if let Some(a) = self.records[r.index()].linked.take() {
            self.accounts[a.index()].linked_record = None;
            let p = self.records[r.index()].person;
            observe!(self, record_unlinked(r, p, account_ref(&self.accounts, &self.emails, a)));
        }
    }

    /// The email a push last set on record `r`.
    pub(crate) fn set_record_email(&mut self, r: RecordId, email: EmailId) {
        self.records[r.index()].email = email;
    }

    /// Record `r` is provisioned (active) or deprovisioned.
    pub(crate) fn set_record_active(&mut self, r: RecordId, active: bool) {
        self.records[r.index()].active = active;
    }

    /// Record `r` is deleted from the directory (R20 `delete`): unlinked (its account unlocked),
    /// no longer anyone's current record, and found by no userName.
    pub(crate) fn delete_record(&mut self, r: RecordId) {
        self.unlink_record(r);
        let record = &mut self.records[r.index()];
        record.deleted = true;
        record.active = false;
        let (p, email) = (record.person, record.email);
        if self.user_names.get(&email) == Some(&r) {
            self.user_names.remove(&email);
        }
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            if idp.record == Some(r) {
                idp.record = None;
            }
        }
    }

    /// The record whose userName is `email` (kept under `matching: email` only, R19).
    pub fn record_by_user_name(&self, email: EmailId) -> Option<RecordId> {
        self.user_names.get(&email).copied()
    }

    /// Record `r` (of `p`, found by userName) becomes `p`'s current record again (R19 `email`).
    pub(crate) fn make_current_record(&mut self, p: PersonId, r: RecordId) {
        let object = self.records[r.index()].object;
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            idp.record = Some(r);
            idp.object = object;
        }
    }

    /// Record `r` deactivated account `a` (R9), so a later push of it may reactivate `a`.
    pub(crate) fn set_deactivated_by(&mut self, r: RecordId, a: AccountId) {
        self.records[r.index()].deactivated = Some(a);
    }

    // ---------------------------------------------------------------- cloud groups

    /// Creates the live cloud group of name `g`, empty.
    pub(crate) fn create_cloud_group(
        &mut self,
        g: GroupId,
        source: GroupSource,
        grants: ProductSet,
        default_access: bool,
    ) {
        self.cloud[g.index()] = Some(CloudGroup::new(source, grants, default_access));
    }

    /// SCIM takes over the live cloud group of name `g` (an accepted conflict, R10).
    pub(crate) fn take_over_group(&mut self, g: GroupId) {
        if let Some(c) = self.cloud[g.index()].as_mut() {
            c.source = GroupSource::Scim;
        }
    }

    /// Adds an account to a live cloud group (no-op when already a member).
    pub(crate) fn add_member(&mut self, g: GroupId, a: AccountId, cause: Cause) {
        let before = if O::ENABLED { self.account_products(a) } else { ProductSet::EMPTY };
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
        observe!(
            self,
            group_joined(
                account_ref(&self.accounts, &self.emails, a),
                g,
                self.account_products(a).minus(before)
            )
        );
    }

    /// Adds a migrated account to a SCIM group behind the IdP's back (R4 `add`): the group's
    /// next push removes it.
    pub(crate) fn add_foreign_member(&mut self, g: GroupId, a: AccountId, cause: Cause) {
        self.add_member(g, a, cause);
        if let Some(group) = self.cloud[g.index()].as_mut() {
            group.foreign.push(a);
        }
    }

    /// Removes an account from a live cloud group (no-op when not a member).
    pub(crate) fn remove_member(&mut self, g: GroupId, a: AccountId, cause: Cause) {
        let before = if O::ENABLED { self.account_products(a) } else { ProductSet::EMPTY };
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
        observe!(
            self,
            group_left(
                account_ref(&self.accounts, &self.emails, a),
                g,
                before.minus(self.account_products(a))
            )
        );
    }

    /// Removes an account from every SCIM group (R7 unlink, R9 deprovision).
    pub(crate) fn remove_from_scim_groups(&mut self, a: AccountId, cause: Cause) {
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
    pub(crate) fn delete_cloud_group(&mut self, g: GroupId, cause: Cause) {
        let Some(group) = self.cloud[g.index()].as_ref() else { return };
        let members: Vec<AccountId> = group.members.iter().collect();
        for a in members {
            self.remove_member(g, a, cause);
        }
        self.cloud[g.index()] = None;
    }

    /// The accounts a push placed for the IdP members of SCIM group `g` (a whole-list push);
    /// no migrated account is left to remove.
    pub(crate) fn set_placements(&mut self, g: GroupId, placed: IdMap<PersonId, AccountId>) {
        if let Some(c) = self.cloud[g.index()].as_mut() {
            c.placed = placed;
            c.foreign.clear();
        }
    }

    /// The account a push placed for member `p` of SCIM group `g` (`None`: none).
    pub(crate) fn set_placement(&mut self, g: GroupId, p: PersonId, account: Option<AccountId>) {
        if let Some(c) = self.cloud[g.index()].as_mut() {
            match account {
                Some(a) => c.placed.insert(p, a),
                None => c.placed.remove(&p),
            };
        }
    }

    /// Takes the accounts a migration added to SCIM group `g` since its last push (R4 `add`).
    pub(crate) fn take_foreign_members(&mut self, g: GroupId) -> Vec<AccountId> {
        self.cloud[g.index()].as_mut().map(|c| std::mem::take(&mut c.foreign)).unwrap_or_default()
    }

    /// Every SCIM group becomes a local group, with its members and grants (R12).
    pub(crate) fn release_scim_groups(&mut self) {
        for c in self.cloud.iter_mut().flatten() {
            if c.source == GroupSource::Scim {
                c.source = GroupSource::Local;
                c.placed.clear();
                c.foreign.clear();
            }
        }
    }

    // ---------------------------------------------------------------- the IdP side

    /// The IdP group object of name `g` exists (created) or not (deleted, out of scope).
    pub(crate) fn set_idp_group_exists(&mut self, g: GroupId, exists: bool) {
        self.idp_groups[g.index()].exists = exists;
    }

    /// `p` is a member of IdP group `g` (both sides); false when `p` has no IdP identity.
    pub(crate) fn add_idp_membership(&mut self, g: GroupId, p: PersonId) -> bool {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return false };
        if !idp.groups.contains(&g) {
            idp.groups.push(g);
        }
        self.idp_groups[g.index()].members.insert(p);
        true
    }

    /// `p` is no member of IdP group `g` (both sides); false when `p` has no IdP identity.
    pub(crate) fn remove_idp_membership(&mut self, g: GroupId, p: PersonId) -> bool {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return false };
        idp.groups.retain(|x| *x != g);
        self.idp_groups[g.index()].members.remove(&p);
        true
    }

    /// `p`'s placement in SCIM group `g` may have changed: its next push reconciles them.
    pub(crate) fn note_dirty(&mut self, g: GroupId, p: PersonId) {
        self.idp_groups[g.index()].dirty.insert(p);
    }

    /// `p`'s membership of SCIM group `g` changed: its next push adds or removes them (and
    /// reconciles their placement).
    pub(crate) fn note_membership_change(&mut self, g: GroupId, p: PersonId) {
        let group = &mut self.idp_groups[g.index()];
        group.dirty.insert(p);
        group.changed.insert(p);
    }

    /// Takes the members of `g` whose placement may have changed since its last push.
    pub(crate) fn take_dirty(&mut self, g: GroupId) -> BTreeSet<PersonId> {
        std::mem::take(&mut self.idp_groups[g.index()].dirty)
    }

    /// Takes the people whose membership of `g` changed since its last push.
    pub(crate) fn take_membership_changes(&mut self, g: GroupId) -> BTreeSet<PersonId> {
        std::mem::take(&mut self.idp_groups[g.index()].changed)
    }

    /// Forgets which members of `g` may have changed (the push dealt with the whole group).
    pub(crate) fn clear_dirty(&mut self, g: GroupId) {
        let group = &mut self.idp_groups[g.index()];
        group.dirty.clear();
        group.changed.clear();
        group.whole_list = false;
    }

    /// True (once) when the next push of `g` was to send its whole member list (R22).
    pub(crate) fn take_whole_list(&mut self, g: GroupId) -> bool {
        std::mem::take(&mut self.idp_groups[g.index()].whole_list)
    }

    /// The conflict of IdP group `g` with its same-named cloud group was rejected (R10).
    pub(crate) fn reject_group(&mut self, g: GroupId) {
        self.idp_groups[g.index()].rejected = true;
    }

    /// IdP group `g` is a new object (re-created): no conflict of it is rejected yet.
    pub(crate) fn forget_rejection(&mut self, g: GroupId) {
        self.idp_groups[g.index()].rejected = false;
    }

    /// R11 deleted the cloud group of name `g`: a SCIM group re-created with it gets no grants.
    pub(crate) fn mark_grants_lost(&mut self, g: GroupId) {
        self.idp_groups[g.index()].grants_lost = true;
    }

    /// `p`'s IdP primary email becomes `email`; false when `p` has no IdP identity.
    pub(crate) fn set_idp_email(&mut self, p: PersonId, email: EmailId) -> bool {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return false };
        idp.email = email;
        true
    }

    /// A new IdP object for `p` (R8), not yet pushed, so with no record; false when `p` has
    /// no IdP identity.
    pub(crate) fn new_idp_object(&mut self, p: PersonId) -> bool {
        let object = self.next_object;
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return false };
        idp.object = object;
        idp.record = None;
        self.next_object += 1;
        true
    }

    // ---------------------------------------------------------------- the server side

    /// `p`'s server email becomes `email`; false when `p` has no server identity.
    pub(crate) fn set_server_email(&mut self, p: PersonId, email: EmailId) -> bool {
        let Some(server) = self.people[p.index()].server.as_mut() else { return false };
        server.email = email;
        true
    }

    /// `p`'s server user is deactivated.
    pub(crate) fn deactivate_server_user(&mut self, p: PersonId) {
        if let Some(server) = self.people[p.index()].server.as_mut() {
            server.active = false;
        }
    }

    /// `p`'s server user is active again (R25: an external directory follows a rehire).
    pub(crate) fn reactivate_server_user(&mut self, p: PersonId) {
        if let Some(server) = self.people[p.index()].server.as_mut() {
            server.active = true;
        }
    }

    // ---------------------------------------------------------------- people

    /// `p` is assigned to (or unassigned from) the Atlassian app in the IdP (R25); false when
    /// `p` has no IdP identity.
    pub(crate) fn set_in_scope(&mut self, p: PersonId, in_scope: bool) -> bool {
        let Some(idp) = self.people[p.index()].idp.as_mut() else { return false };
        idp.in_scope = in_scope;
        self.touch(p, Cause::Other);
        true
    }

    /// `p` is employed again (R25 `rehire`): their accounts are no longer orphaned.
    pub(crate) fn begin_employment(&mut self, p: PersonId) {
        self.people[p.index()].employed = true;
        for a in self.people[p.index()].accounts.clone() {
            self.update_orphan(a);
        }
        self.touch(p, Cause::Other);
    }

    /// `p` leaves the organisation: their accounts with access are orphaned from now.
    pub(crate) fn end_employment(&mut self, p: PersonId) {
        self.people[p.index()].employed = false;
        for a in self.people[p.index()].accounts.clone() {
            self.update_orphan(a);
        }
        self.touch(p, Cause::Other);
    }

    /// A `block` option kept `p`'s server user out of a migration.
    pub(crate) fn mark_blocked(&mut self, p: PersonId) {
        self.people[p.index()].blocked = true;
    }

    /// `p`'s server user was migrated with a remapped email (R18).
    pub(crate) fn mark_remapped(&mut self, p: PersonId) {
        self.people[p.index()].remapped = true;
    }

    /// `p`'s content was migrated to a Former user.
    pub(crate) fn mark_former_user(&mut self, p: PersonId) {
        self.people[p.index()].former_user = true;
    }

    /// `p`'s server user was migrated onto account `a`, which holds their content when they
    /// own some.
    pub(crate) fn migrated_onto(&mut self, p: PersonId, a: AccountId) {
        let person = &mut self.people[p.index()];
        person.migrated = true;
        if person.server.as_ref().is_some_and(|s| s.owns_content) {
            person.content_account = Some(a);
        }
    }

    /// Counts a placeholder account and returns its number (for a unique placeholder email).
    pub(crate) fn next_placeholder_number(&mut self) -> u64 {
        self.n_placeholders += 1;
        self.n_placeholders
    }

    // ---------------------------------------------------------------- sign-ins

    /// Cutover happens, with this sign-in spread in seconds (R14).
    pub(crate) fn start_cutover(&mut self, login_spread: i64) {
        self.cutover = Some(login_spread);
    }

    /// SSO's NameID is the IdP primary email from now on (R23).
    pub(crate) fn set_sso_aligned(&mut self) {
        self.sso_aligned = true;
    }

    /// True once `align_sso` has run (R23).
    pub fn sso_aligned(&self) -> bool {
        self.sso_aligned
    }

    /// `p` signs in to account `a`, which becomes their login account (R14).
    pub(crate) fn sign_in_to(&mut self, p: PersonId, a: AccountId, via: SignInVia) {
        observe!(self, signed_in(p, account_ref(&self.accounts, &self.emails, a), via));
        let person = &mut self.people[p.index()];
        person.signed_in = true;
        if person.login == Some(a) {
            return;
        }
        if let Some(old) = person.login.replace(a) {
            self.accounts[old.index()].login_of.retain(|x| *x != p);
        }
        self.accounts[a.index()].login_of.push(p);
        self.touch(p, Cause::SignedIntoNewAccount);
    }

    /// Schedules a sign-in for `p` within the cutover's spread (R14); nothing before cutover.
    pub(crate) fn schedule_sign_in(&mut self, p: PersonId) {
        if self.cutover.is_some() {
            let at = self.sign_in_time(p);
            self.schedule(at, Event::SignIn { person: p });
        }
    }

    /// When `p`'s next sign-in happens: now plus their k-th uniform share of the spread.
    pub(crate) fn sign_in_time(&mut self, p: PersonId) -> SimTime {
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

    // ---------------------------------------------------------------- the provisioning directory

    /// A provisioning directory of a new generation is syncing (R5).
    pub(crate) fn open_directory(&mut self) {
        self.directory = DirectoryState::Active;
        self.generation += 1;
    }

    /// The provisioning directory's state becomes `state`.
    pub(crate) fn set_directory(&mut self, state: DirectoryState) {
        self.directory = state;
    }

    /// Every record disappears: accounts are unlinked (unlocked), nobody has a current record.
    pub(crate) fn drop_records(&mut self) {
        self.user_names.clear();
        for (i, r) in std::mem::take(&mut self.records).into_iter().enumerate() {
            if let Some(a) = r.linked {
                self.accounts[a.index()].linked_record = None;
                let record = RecordId::from_index(i);
                observe!(
                    self,
                    record_unlinked(record, r.person, account_ref(&self.accounts, &self.emails, a))
                );
            }
        }
        for person in &mut self.people {
            if let Some(idp) = person.idp.as_mut() {
                idp.record = None;
            }
        }
    }

    /// Nothing is queued for the next sync, and no group member awaits reconciling.
    pub(crate) fn clear_sync_queues(&mut self) {
        for person in &mut self.people {
            if let Some(idp) = person.idp.as_mut() {
                idp.pending = false;
            }
        }
        for g in &mut self.idp_groups {
            g.pending = false;
            g.dirty.clear();
            g.changed.clear();
            g.whole_list = false;
        }
        self.pending_users.clear();
        self.pending_groups.clear();
    }

    /// No group conflict is rejected (a new directory meets every group afresh).
    pub(crate) fn forget_rejections(&mut self) {
        for g in &mut self.idp_groups {
            g.rejected = false;
        }
    }

    /// Queues a push of `p` (who has an IdP identity) unless one is queued.
    pub(crate) fn enqueue_user(&mut self, p: PersonId) {
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            if !idp.pending {
                idp.pending = true;
                self.pending_users.push(p);
            }
        }
    }

    /// Queues a push of group `g` unless one is queued.
    pub(crate) fn enqueue_group(&mut self, g: GroupId) {
        let group = &mut self.idp_groups[g.index()];
        if !group.pending {
            group.pending = true;
            self.pending_groups.push(g);
        }
    }

    /// Takes the users queued for this sync, in the order they were queued.
    pub(crate) fn take_user_queue(&mut self) -> Vec<PersonId> {
        std::mem::take(&mut self.pending_users)
    }

    /// Takes the groups queued for this sync, in the order they were queued.
    pub(crate) fn take_group_queue(&mut self) -> Vec<GroupId> {
        std::mem::take(&mut self.pending_groups)
    }

    /// `p`'s queued push is being sent: a later change queues them again.
    pub(crate) fn mark_user_sent(&mut self, p: PersonId) {
        if let Some(idp) = self.people[p.index()].idp.as_mut() {
            idp.pending = false;
        }
    }

    /// Group `g`'s queued push is being sent: a later change queues it again.
    pub(crate) fn mark_group_sent(&mut self, g: GroupId) {
        self.idp_groups[g.index()].pending = false;
    }

    /// The stopped directory syncs again (R21); a new generation of sync ticks starts, so
    /// the ticks of the stopped one die.
    pub(crate) fn resume_directory(&mut self) {
        self.directory = DirectoryState::Active;
        self.generation += 1;
    }

    /// No user is queued any more (R21 `restart`, R24 for everyone: all are sent in full now).
    pub(crate) fn clear_user_queue(&mut self) {
        for p in std::mem::take(&mut self.pending_users) {
            if let Some(idp) = self.people[p.index()].idp.as_mut() {
                idp.pending = false;
            }
        }
    }

    /// Nothing is queued any more for the users in `people` (R24: they are sent in full now);
    /// the other users stay queued, in their order.
    pub(crate) fn unqueue_users(&mut self, people: &[PersonId]) {
        let mut gone = false;
        for &p in people {
            if let Some(idp) = self.people[p.index()].idp.as_mut() {
                gone |= idp.pending;
                idp.pending = false;
            }
        }
        if gone {
            let people = &self.people;
            self.pending_users.retain(|p| people[p.index()].idp.as_ref().is_some_and(|i| i.pending));
        }
    }

    /// The next push of SCIM group `g` reconciles every member it has or placed, as a
    /// whole-list push: each one's membership counts as changed (R21 `restart`, R24, a
    /// re-created IdP group under `patch`).
    pub(crate) fn note_whole_list(&mut self, g: GroupId) {
        let placed: Vec<PersonId> =
            self.cloud[g.index()].as_ref().map(|c| c.placed.keys().collect()).unwrap_or_default();
        let group = &mut self.idp_groups[g.index()];
        group.whole_list = true;
        group.changed.extend(group.members.iter());
        group.changed.extend(placed);
        group.dirty.extend(group.changed.iter().copied());
    }

    // ---------------------------------------------------------------- counters

    /// A push of `pushed` failed, for `reason` (`scim_errors`).
    pub(crate) fn count_push_failure(&mut self, pushed: Pushed, reason: PushFailure) {
        self.counters.scim_errors += 1;
        observe!(self, push_failed(pushed, reason));
    }

    /// A group push raised a conflict with a same-named cloud group (`group_conflicts`).
    pub(crate) fn count_group_conflict(&mut self) {
        self.counters.group_conflicts += 1;
    }

    /// An admin email fix failed (`admin_fix_failures`).
    pub(crate) fn count_admin_fix_failure(&mut self) {
        self.counters.admin_fix_failures += 1;
    }
}

impl CloudGroup {
    /// An empty group.
    pub fn new(source: GroupSource, grants: ProductSet, default_access: bool) -> CloudGroup {
        CloudGroup {
            source,
            grants,
            default_access,
            members: IdSet::default(),
            placed: IdMap::default(),
            foreign: Vec::new(),
        }
    }
}
