//! The journal (DESIGN §10): an [`Observer`] that writes down, per person, every change that
//! touches them — with its time, the rule and the event that caused it. `scimsim trace` runs
//! one replication with it; a run without it does no journal work ([`super::observe::NoObserver`]).
//!
//! An account's changes are filed under its owner (an account of nobody's is not journalled); a
//! record's under its person; a failed user push under that user. Emails are kept as text, as
//! they were at the moment of the change.

use super::observe::{AccountRef, Context, Email, Observer, PushFailure, Pushed, SignInVia};
use super::{AccountId, GroupId, Origin, PersonId, ProductSet, RecordId};
use crate::metrics::Cause;

/// One change that touched a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// When, under which rule, in which event.
    pub ctx: Context,
    /// Whom it touched.
    pub person: PersonId,
    /// What happened.
    pub what: Change,
}

/// What happened to a person (their account, their record, their access).
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An account of theirs was created.
    AccountCreated {
        /// The account and its email.
        account: (AccountId, String),
        /// How it came to be.
        origin: Origin,
        /// Born active.
        active: bool,
        /// Born managed.
        managed: bool,
    },
    /// An account of theirs changed email.
    EmailChanged {
        /// The account and its new email.
        account: (AccountId, String),
        /// Its email before.
        from: String,
    },
    /// An account of theirs became managed.
    Managed {
        /// The account and its email.
        account: (AccountId, String),
    },
    /// An account of theirs was deactivated.
    Deactivated {
        /// The account and its email.
        account: (AccountId, String),
    },
    /// An account of theirs was reactivated.
    Reactivated {
        /// The account and its email.
        account: (AccountId, String),
    },
    /// A SCIM record was created for their IdP object.
    RecordCreated {
        /// The record.
        record: RecordId,
        /// The email it was pushed with.
        email: String,
    },
    /// Their record was linked to an account.
    RecordLinked {
        /// The record.
        record: RecordId,
        /// The account and its email.
        account: (AccountId, String),
    },
    /// Their record was unlinked from an account.
    RecordUnlinked {
        /// The record.
        record: RecordId,
        /// The account and its email.
        account: (AccountId, String),
    },
    /// An account of theirs joined a cloud group.
    GroupJoined {
        /// The account and its email.
        account: (AccountId, String),
        /// The group.
        group: GroupId,
        /// Products the account gained by it.
        gained: ProductSet,
    },
    /// An account of theirs left a cloud group (or the group was deleted).
    GroupLeft {
        /// The account and its email.
        account: (AccountId, String),
        /// The group.
        group: GroupId,
        /// Products the account lost by it.
        lost: ProductSet,
    },
    /// They signed in.
    SignedIn {
        /// The account, their login account from now, and its email.
        account: (AccountId, String),
        /// Why that account.
        via: SignInVia,
    },
    /// A push of them failed.
    PushFailed {
        /// Why.
        reason: PushFailure,
    },
    /// They lost products they are still entitled to (`lost_access_incidents`).
    AccessLost {
        /// The products.
        products: ProductSet,
        /// Why.
        cause: Cause,
    },
}

impl Change {
    /// The account it is about, if any.
    pub fn account(&self) -> Option<&(AccountId, String)> {
        match self {
            Change::AccountCreated { account, .. }
            | Change::EmailChanged { account, .. }
            | Change::Managed { account }
            | Change::Deactivated { account }
            | Change::Reactivated { account }
            | Change::RecordLinked { account, .. }
            | Change::RecordUnlinked { account, .. }
            | Change::GroupJoined { account, .. }
            | Change::GroupLeft { account, .. }
            | Change::SignedIn { account, .. } => Some(account),
            Change::RecordCreated { .. } | Change::PushFailed { .. } | Change::AccessLost { .. } => None,
        }
    }
}

/// Every change that touched the people it follows, in the order they happened.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// The entries, in order.
    pub entries: Vec<Entry>,
    /// Only these people (sorted), or everyone.
    only: Option<Vec<PersonId>>,
}

impl Journal {
    /// A journal of everyone.
    pub fn everyone() -> Journal {
        Journal::default()
    }

    /// A journal of `people` only.
    pub fn of(mut people: Vec<PersonId>) -> Journal {
        people.sort_unstable();
        people.dedup();
        Journal { entries: Vec::new(), only: Some(people) }
    }

    fn note(&mut self, ctx: Context, person: PersonId, what: Change) {
        if person.is_nobody() || self.only.as_ref().is_some_and(|o| o.binary_search(&person).is_err()) {
            return;
        }
        self.entries.push(Entry { ctx, person, what });
    }

    fn account_change(
        &mut self,
        ctx: Context,
        a: AccountRef<'_>,
        what: impl FnOnce((AccountId, String)) -> Change,
    ) {
        let account = (a.id, a.email.text().to_string());
        self.note(ctx, a.owner, what(account));
    }
}

impl Observer for Journal {
    fn account_created(
        &mut self,
        ctx: Context,
        a: AccountRef<'_>,
        origin: Origin,
        active: bool,
        managed: bool,
    ) {
        self.account_change(ctx, a, |account| Change::AccountCreated { account, origin, active, managed });
    }

    fn account_email_changed(&mut self, ctx: Context, a: AccountRef<'_>, old: Email<'_>) {
        let from = old.text().to_string();
        self.account_change(ctx, a, |account| Change::EmailChanged { account, from });
    }

    fn account_managed(&mut self, ctx: Context, a: AccountRef<'_>) {
        self.account_change(ctx, a, |account| Change::Managed { account });
    }

    fn account_deactivated(&mut self, ctx: Context, a: AccountRef<'_>) {
        self.account_change(ctx, a, |account| Change::Deactivated { account });
    }

    fn account_reactivated(&mut self, ctx: Context, a: AccountRef<'_>) {
        self.account_change(ctx, a, |account| Change::Reactivated { account });
    }

    fn record_created(&mut self, ctx: Context, record: RecordId, person: PersonId, email: Email<'_>) {
        self.note(ctx, person, Change::RecordCreated { record, email: email.text().to_string() });
    }

    fn record_linked(&mut self, ctx: Context, record: RecordId, person: PersonId, a: AccountRef<'_>) {
        let account = (a.id, a.email.text().to_string());
        self.note(ctx, person, Change::RecordLinked { record, account });
    }

    fn record_unlinked(&mut self, ctx: Context, record: RecordId, person: PersonId, a: AccountRef<'_>) {
        let account = (a.id, a.email.text().to_string());
        self.note(ctx, person, Change::RecordUnlinked { record, account });
    }

    fn group_joined(&mut self, ctx: Context, a: AccountRef<'_>, group: GroupId, gained: ProductSet) {
        self.account_change(ctx, a, |account| Change::GroupJoined { account, group, gained });
    }

    fn group_left(&mut self, ctx: Context, a: AccountRef<'_>, group: GroupId, lost: ProductSet) {
        self.account_change(ctx, a, |account| Change::GroupLeft { account, group, lost });
    }

    fn signed_in(&mut self, ctx: Context, person: PersonId, a: AccountRef<'_>, via: SignInVia) {
        let account = (a.id, a.email.text().to_string());
        self.note(ctx, person, Change::SignedIn { account, via });
    }

    fn push_failed(&mut self, ctx: Context, pushed: Pushed, reason: PushFailure) {
        if let Pushed::User(p) = pushed {
            self.note(ctx, p, Change::PushFailed { reason });
        }
    }

    fn access_lost(&mut self, ctx: Context, person: PersonId, products: ProductSet, cause: Cause) {
        self.note(ctx, person, Change::AccessLost { products, cause });
    }
}
