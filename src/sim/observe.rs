//! Observing a simulation: a narrow hook that every state-changing primitive of the world calls
//! with plain data — what changed, to whom, when, and which rule and event caused it. It is
//! what a per-person journal (`scimsim trace`, `people.csv`; DESIGN §10) is built from.
//!
//! Like tracing's `Subscriber` and `NoSubscriber`: [`World`](super::world::World) is generic
//! over its [`Observer`], and the default, [`NoObserver`], has empty `#[inline(always)]`
//! methods and [`Observer::ENABLED`] false, so the world does not even prepare an observation
//! (the products a membership change moved, an email's text): a run that observes nothing
//! compiles to the code it had before observers existed.
//!
//! Every call carries a [`Context`]: the time, the rule being applied and the event that is
//! running. The world's dispatch sets the event and the rule it starts with; each rule sets its
//! own rule as it takes over (a sync tick runs R6/R7/R9 for users, then R10/R11 for groups).

use super::emails::{EmailId, Emails};
use super::{AccountId, GroupId, Origin, PersonId, ProductSet, RecordId, SimTime};
use crate::metrics::Cause;
use std::fmt;

/// The rule a change is made under (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The world at time 0, before any rule: pre-existing accounts and their local groups.
    Initial,
    /// Email keys.
    R1,
    /// Domains: verify and claim.
    R2,
    /// Migration, users.
    R3,
    /// Migration, groups.
    R4,
    /// Enable SCIM, syncs.
    R5,
    /// SCIM user create/link.
    R6,
    /// SCIM email change.
    R7,
    /// IdP re-key.
    R8,
    /// Deprovision.
    R9,
    /// Group push and conflicts.
    R10,
    /// Group deletion.
    R11,
    /// Disable SCIM.
    R12,
    /// Admin email fix.
    R13,
    /// Sign-in.
    R14,
    /// Server directory drift.
    R15,
    /// Joiners and leavers.
    R16,
    /// Matching attribute.
    R19,
    /// Deprovisioning setting.
    R20,
    /// Admin-created account.
    R17,
    /// Email remap in the migration.
    R18,
    /// SSO sign-in email.
    R23,
    /// Pause and resume.
    R21,
    /// Full resync.
    R24,
    /// Scope and lifecycle events.
    R25,
}

/// The event during which a change is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Building the world at time 0.
    Start,
    /// Exogenous event `k` of the replication's list.
    Exogenous(usize),
    /// Action `k` of the strategy's timeline.
    Action(usize),
    /// A periodic SCIM sync.
    SyncTick,
    /// A person's sign-in.
    SignIn,
    /// An external directory acting after its lag.
    ServerLag,
}

/// When and why a change is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Simulated time.
    pub at: SimTime,
    /// The rule being applied.
    pub rule: Rule,
    /// The event running.
    pub trigger: Trigger,
}

/// An email as an observation gives it: its id, and its text on demand.
#[derive(Clone, Copy)]
pub struct Email<'a> {
    id: EmailId,
    emails: &'a Emails<'a>,
}

impl<'a> Email<'a> {
    /// The email `id` of `emails`.
    pub(crate) fn new(emails: &'a Emails<'a>, id: EmailId) -> Email<'a> {
        Email { id, emails }
    }

    /// Its id in the run.
    pub fn id(&self) -> EmailId {
        self.id
    }

    /// The email as written.
    pub fn text(&self) -> &'a str {
        self.emails.text(self.id)
    }
}

impl fmt::Debug for Email<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl fmt::Display for Email<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// An account as an observation gives it: its id, whose it is (the ground truth a journal files
/// it under), and its email at that moment.
#[derive(Debug, Clone, Copy)]
pub struct AccountRef<'a> {
    /// The account.
    pub id: AccountId,
    /// The person it belongs to.
    pub owner: PersonId,
    /// Its email now.
    pub email: Email<'a>,
}

/// Why a sign-in landed on its account (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInVia {
    /// An existing account (active or not) holds the sign-in email.
    HeldEmail,
    /// No account held it: a self-signup account was created.
    SelfSignup,
}

/// What a failed push was pushing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// A user (R6–R9).
    User(PersonId),
    /// A group (R10, R11).
    Group(GroupId),
}

/// Why a push failed (`scim_errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushFailure {
    /// R7: the new email is held by another account.
    EmailTaken,
    /// R6/R8: the email's account is linked to another record.
    LinkedElsewhere,
    /// R6: the email's account is deactivated, and not by this record.
    DeactivatedBySomeoneElse,
    /// R10: the push raised a conflict with a same-named local or migrated group, rejected.
    ConflictRejected,
    /// R10: the same-named cloud group is a default-access group, which cannot be synced.
    DefaultAccessGroup,
    /// R10: the group's conflict was rejected earlier; every push of it fails.
    RejectedGroup,
    /// R19 `email_filter`: Atlassian's SCIM API filters users only on userName and externalId,
    /// so a lookup on `emails[type eq "work"].value` fails (400).
    UnsupportedFilter,
    /// R19 `email`: the userName is another person's record's.
    UserNameTaken,
}

/// Receives every state change of a world, as it happens.
pub trait Observer {
    /// False when the observer records nothing: the world then skips preparing observations.
    const ENABLED: bool = true;

    /// An account was created (`active` and `managed` as it was born).
    fn account_created(
        &mut self,
        ctx: Context,
        account: AccountRef<'_>,
        origin: Origin,
        active: bool,
        managed: bool,
    );

    /// An account's email changed from `old` (its new email is `account.email`).
    fn account_email_changed(&mut self, ctx: Context, account: AccountRef<'_>, old: Email<'_>);

    /// An account became managed by the organisation.
    fn account_managed(&mut self, ctx: Context, account: AccountRef<'_>);

    /// An active account was deactivated.
    fn account_deactivated(&mut self, ctx: Context, account: AccountRef<'_>);

    /// A deactivated account was reactivated.
    fn account_reactivated(&mut self, ctx: Context, account: AccountRef<'_>);

    /// A SCIM record was created for `person`'s IdP object, unlinked.
    fn record_created(&mut self, ctx: Context, record: RecordId, person: PersonId, email: Email<'_>);

    /// A SCIM record of `person` was linked to an account.
    fn record_linked(&mut self, ctx: Context, record: RecordId, person: PersonId, account: AccountRef<'_>);

    /// A SCIM record of `person` was unlinked from an account.
    fn record_unlinked(&mut self, ctx: Context, record: RecordId, person: PersonId, account: AccountRef<'_>);

    /// An account joined a live cloud group; `gained` are the products the account gives access
    /// to now and did not before.
    fn group_joined(&mut self, ctx: Context, account: AccountRef<'_>, group: GroupId, gained: ProductSet);

    /// An account left a live cloud group (or the group was deleted); `lost` are the products
    /// the account gave access to before and does not now.
    fn group_left(&mut self, ctx: Context, account: AccountRef<'_>, group: GroupId, lost: ProductSet);

    /// `person` signed in; the account is their login account from now.
    fn signed_in(&mut self, ctx: Context, person: PersonId, account: AccountRef<'_>, via: SignInVia);

    /// A SCIM push failed.
    fn push_failed(&mut self, ctx: Context, pushed: Pushed, reason: PushFailure);

    /// `person` lost `products` while still entitled to them (`lost_access_incidents`), for
    /// `cause`, at the end of the operation that took them away.
    fn access_lost(&mut self, ctx: Context, person: PersonId, products: ProductSet, cause: Cause);
}

/// The observer of a normal run: it records nothing and costs nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    const ENABLED: bool = false;

    #[inline(always)]
    fn account_created(&mut self, _: Context, _: AccountRef<'_>, _: Origin, _: bool, _: bool) {}
    #[inline(always)]
    fn account_email_changed(&mut self, _: Context, _: AccountRef<'_>, _: Email<'_>) {}
    #[inline(always)]
    fn account_managed(&mut self, _: Context, _: AccountRef<'_>) {}
    #[inline(always)]
    fn account_deactivated(&mut self, _: Context, _: AccountRef<'_>) {}
    #[inline(always)]
    fn account_reactivated(&mut self, _: Context, _: AccountRef<'_>) {}
    #[inline(always)]
    fn record_created(&mut self, _: Context, _: RecordId, _: PersonId, _: Email<'_>) {}
    #[inline(always)]
    fn record_linked(&mut self, _: Context, _: RecordId, _: PersonId, _: AccountRef<'_>) {}
    #[inline(always)]
    fn record_unlinked(&mut self, _: Context, _: RecordId, _: PersonId, _: AccountRef<'_>) {}
    #[inline(always)]
    fn group_joined(&mut self, _: Context, _: AccountRef<'_>, _: GroupId, _: ProductSet) {}
    #[inline(always)]
    fn group_left(&mut self, _: Context, _: AccountRef<'_>, _: GroupId, _: ProductSet) {}
    #[inline(always)]
    fn signed_in(&mut self, _: Context, _: PersonId, _: AccountRef<'_>, _: SignInVia) {}
    #[inline(always)]
    fn push_failed(&mut self, _: Context, _: Pushed, _: PushFailure) {}
    #[inline(always)]
    fn access_lost(&mut self, _: Context, _: PersonId, _: ProductSet, _: Cause) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::validate::scenario_from_value;
    use crate::rng::Streams;
    use crate::sim::population::realise;
    use crate::sim::{simulate, simulate_observed};
    use serde_json::json;

    /// Writes every observation down as one line of plain text, with its context.
    #[derive(Default)]
    struct Recorder {
        seen: Vec<String>,
    }

    impl Recorder {
        fn note(&mut self, ctx: Context, what: String) {
            let (day, second) = (ctx.at.0.div_euclid(86_400), ctx.at.0.rem_euclid(86_400));
            let (hour, minute) = (second / 3600, second % 3600 / 60);
            let (rule, trigger) = (ctx.rule, ctx.trigger);
            self.seen.push(format!("day {day} {hour:02}:{minute:02} {rule:?} {trigger:?}: {what}"));
        }
    }

    fn account(a: AccountRef<'_>) -> String {
        format!("account {} of person {} ({})", a.id.0, a.owner.0, a.email)
    }

    impl Observer for Recorder {
        fn account_created(
            &mut self,
            ctx: Context,
            a: AccountRef<'_>,
            origin: Origin,
            active: bool,
            managed: bool,
        ) {
            self.note(ctx, format!("created {} {origin:?} active={active} managed={managed}", account(a)));
        }
        fn account_email_changed(&mut self, ctx: Context, a: AccountRef<'_>, old: Email<'_>) {
            self.note(ctx, format!("email of {} was {old}", account(a)));
        }
        fn account_managed(&mut self, ctx: Context, a: AccountRef<'_>) {
            self.note(ctx, format!("managed {}", account(a)));
        }
        fn account_deactivated(&mut self, ctx: Context, a: AccountRef<'_>) {
            self.note(ctx, format!("deactivated {}", account(a)));
        }
        fn account_reactivated(&mut self, ctx: Context, a: AccountRef<'_>) {
            self.note(ctx, format!("reactivated {}", account(a)));
        }
        fn record_created(&mut self, ctx: Context, r: RecordId, p: PersonId, email: Email<'_>) {
            self.note(ctx, format!("record {} of person {} created ({email})", r.0, p.0));
        }
        fn record_linked(&mut self, ctx: Context, r: RecordId, p: PersonId, a: AccountRef<'_>) {
            self.note(ctx, format!("record {} of person {} linked to {}", r.0, p.0, account(a)));
        }
        fn record_unlinked(&mut self, ctx: Context, r: RecordId, p: PersonId, a: AccountRef<'_>) {
            self.note(ctx, format!("record {} of person {} unlinked from {}", r.0, p.0, account(a)));
        }
        fn group_joined(&mut self, ctx: Context, a: AccountRef<'_>, g: GroupId, gained: ProductSet) {
            self.note(ctx, format!("{} joined group {} gaining {gained:?}", account(a), g.0));
        }
        fn group_left(&mut self, ctx: Context, a: AccountRef<'_>, g: GroupId, lost: ProductSet) {
            self.note(ctx, format!("{} left group {} losing {lost:?}", account(a), g.0));
        }
        fn signed_in(&mut self, ctx: Context, p: PersonId, a: AccountRef<'_>, via: SignInVia) {
            self.note(ctx, format!("person {} signed in to {} via {via:?}", p.0, account(a)));
        }
        fn push_failed(&mut self, ctx: Context, pushed: Pushed, reason: PushFailure) {
            self.note(ctx, format!("push of {pushed:?} failed: {reason:?}"));
        }
        fn access_lost(&mut self, ctx: Context, p: PersonId, lost: ProductSet, cause: Cause) {
            self.note(ctx, format!("person {} lost {lost:?} ({})", p.0, cause.name()));
        }
    }

    /// Ann is migrated (R3), linked by SCIM (R6), placed in the pushed group (R10), signs in
    /// (R14) and leaves, so the next sync deactivates her account (R9). Bob, on a domain nobody
    /// verified, gets an unlinked record and signs up by himself. Cy gets a SCIM-created account;
    /// when his IdP email becomes Ann's, the push fails (R7: taken) but his sign-in lands on
    /// Ann's account — and again when that account is deactivated while he is employed. Every
    /// change is observed once, in order, with its time, rule and event (all sign-ins are at
    /// their instant: the spread is 0).
    #[test]
    fn a_recording_observer_sees_every_change_with_its_rule_and_event() {
        let scenario = scenario_from_value(&json!({
            "name": "observed", "horizon_days": 6, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@other.org"},
                {"id": "cy", "idp_email": "cy@acme.com"}
            ]},
            "idp": {"sync_interval_minutes": 60},
            "events": [
                {"day": 4, "do": "change_idp_email", "person": "cy", "to": "ann@acme.com"},
                {"day": 5, "do": "leave", "person": "ann"}
            ],
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "migrate"},
                {"day": 2, "do": "enable_scim"},
                {"day": 3, "do": "cutover", "login_spread_days": 0}
            ]}]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        let realised = realise(&scenario, Streams::new(scenario.seed, 0));
        let (outcome, recorder) = simulate_observed(&scenario, 0, realised.input(), Recorder::default());
        assert_eq!(outcome, simulate(&scenario, 0, realised.input()), "observing changes nothing");
        let jira = scenario.groups[0].grants;
        let expected = [
            "day 1 00:00 R3 Action(2): created account 0 of person 0 (ann@acme.com) Migration active=true managed=true",
            "day 2 00:00 R6 Action(3): record 0 of person 0 created (ann@acme.com)",
            "day 2 00:00 R6 Action(3): record 0 of person 0 linked to account 0 of person 0 (ann@acme.com)",
            "day 2 00:00 R6 Action(3): record 1 of person 1 created (bob@other.org)",
            "day 2 00:00 R6 Action(3): record 2 of person 2 created (cy@acme.com)",
            "day 2 00:00 R6 Action(3): created account 1 of person 2 (cy@acme.com) Scim active=true managed=true",
            "day 2 00:00 R6 Action(3): record 2 of person 2 linked to account 1 of person 2 (cy@acme.com)",
            &format!(
                "day 2 00:00 R10 Action(3): account 0 of person 0 (ann@acme.com) joined group 0 gaining {jira:?}"
            ),
            "day 3 00:00 R14 SignIn: person 0 signed in to account 0 of person 0 (ann@acme.com) via HeldEmail",
            "day 3 00:00 R14 SignIn: created account 2 of person 1 (bob@other.org) SelfSignup active=true managed=false",
            "day 3 00:00 R14 SignIn: person 1 signed in to account 2 of person 1 (bob@other.org) via SelfSignup",
            "day 3 00:00 R14 SignIn: person 2 signed in to account 1 of person 2 (cy@acme.com) via HeldEmail",
            "day 4 00:00 R7 SyncTick: push of User(PersonId(2)) failed: EmailTaken",
            "day 4 00:00 R14 SignIn: person 2 signed in to account 0 of person 0 (ann@acme.com) via HeldEmail",
            "day 5 00:00 R9 SyncTick: deactivated account 0 of person 0 (ann@acme.com)",
            &format!(
                "day 5 00:00 R9 SyncTick: account 0 of person 0 (ann@acme.com) left group 0 losing {jira:?}"
            ),
            "day 5 00:00 R14 SignIn: person 2 signed in to account 0 of person 0 (ann@acme.com) via HeldEmail",
        ];
        assert_eq!(recorder.seen, expected);
    }

    /// Dan's pre-existing account and its local group are observed at the start, then managed
    /// by the claim (R2); Ed's migrated account gets his IdP email from an admin (R13). SCIM
    /// links both (R6) and its group push meets the local group, a rejected conflict (R10);
    /// deleting the directory unlinks both records (R12).
    #[test]
    fn a_recording_observer_sees_the_start_claims_fixes_conflicts_and_unlinks() {
        let scenario = scenario_from_value(&json!({
            "name": "observed", "horizon_days": 5, "products": ["jira"],
            "domains": [{"name": "acme.com"}, {"name": "old.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "cloud_grants": ["jira"]}],
            "population": {"people": [
                {"id": "dan", "idp_email": "dan@acme.com", "cloud_email": "dan@acme.com", "cloud_groups": ["jira-users"]},
                {"id": "ed", "idp_email": "ed@acme.com", "server_email": "ed@old.com"}
            ]},
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "verify_domain", "domain": "old.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "migrate"},
                {"day": 2, "do": "fix_emails"},
                {"day": 3, "do": "enable_scim"},
                {"day": 4, "do": "disable_scim", "method": "delete_directory"}
            ]}]
        }))
        .unwrap_or_else(|p| panic!("{p:?}"));
        let realised = realise(&scenario, Streams::new(scenario.seed, 0));
        let (_, recorder) = simulate_observed(&scenario, 0, realised.input(), Recorder::default());
        let jira = scenario.groups[0].grants;
        let expected = [
            "day 0 00:00 Initial Start: created account 0 of person 0 (dan@acme.com) PreExisting active=true managed=false",
            &format!(
                "day 0 00:00 Initial Start: account 0 of person 0 (dan@acme.com) joined group 0 gaining {jira:?}"
            ),
            "day 0 00:00 R2 Action(2): managed account 0 of person 0 (dan@acme.com)",
            "day 1 00:00 R3 Action(3): created account 1 of person 1 (ed@old.com) Migration active=true managed=true",
            "day 2 00:00 R13 Action(4): email of account 1 of person 1 (ed@acme.com) was ed@old.com",
            "day 3 00:00 R6 Action(5): record 0 of person 0 created (dan@acme.com)",
            "day 3 00:00 R6 Action(5): record 0 of person 0 linked to account 0 of person 0 (dan@acme.com)",
            "day 3 00:00 R6 Action(5): record 1 of person 1 created (ed@acme.com)",
            "day 3 00:00 R6 Action(5): record 1 of person 1 linked to account 1 of person 1 (ed@acme.com)",
            "day 3 00:00 R10 Action(5): push of Group(GroupId(0)) failed: ConflictRejected",
            "day 4 00:00 R12 Action(6): record 0 of person 0 unlinked from account 0 of person 0 (dan@acme.com)",
            "day 4 00:00 R12 Action(6): record 1 of person 1 unlinked from account 1 of person 1 (ed@acme.com)",
        ];
        assert_eq!(recorder.seen, expected);
    }
}
