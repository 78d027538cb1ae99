//! SCIM users (R6–R9): what a push of one IdP user does in Atlassian.
//!
//! - **R6 create/link**: the first push of an IdP object creates its record and links it to the
//!   account holding its email (managed or not), or creates a managed account on a
//!   verified+claimed domain, or leaves it unlinked until a later push finds an account.
//! - **R7 email change**: a managed account on a verified+claimed target follows the new email
//!   (the push fails when another account holds it); otherwise the record is unlinked, the
//!   account leaves every SCIM group, and the record re-links per R6.
//! - **R8 re-key**: a new IdP object for a person; its first push creates a new record, and fails
//!   when the email's account is linked to another record.
//! - **R9 deprovision**: a leaver's record goes inactive and its managed account is deactivated
//!   (an unmanaged one only leaves the SCIM groups); a returning user is reprovisioned.

use crate::metrics::Cause;
use crate::sim::emails::EmailId;
use crate::sim::observe::{Observer, PushFailure, Pushed, Rule};
use crate::sim::world::{Origin, World};
use crate::sim::{AccountId, PersonId, RecordId};

/// What R6 decides for an email.
enum LinkTarget {
    /// Link this account.
    Link(AccountId),
    /// Create a managed account and link it.
    Create,
    /// No account and no verified+claimed domain: stay unlinked.
    Unlinked,
    /// The push fails (account linked elsewhere, or deactivated by someone else).
    Fail(PushFailure),
}

impl<O: Observer> World<'_, O> {
    /// Pushes one user in its current state (R6, R7, R9).
    pub(super) fn push_user(&mut self, p: PersonId) {
        let Some(idp) = self.person(p).idp.as_ref() else { return };
        if !idp.in_scope {
            return;
        }
        let employed = self.person(p).employed;
        match idp.record {
            None if employed => self.create_record(p),
            None => {}
            Some(r) => self.update_record(p, r),
        }
    }

    /// R8: a new IdP object for the person; its first push creates a new record.
    pub(crate) fn rekey(&mut self, p: PersonId) {
        self.set_rule(Rule::R8);
        if self.new_idp_object(p) {
            self.mark_dirty(p);
            self.queue_user(p);
        }
    }

    /// R6: the first push of an IdP object creates its record.
    fn create_record(&mut self, p: PersonId) {
        self.set_rule(Rule::R6);
        let (object, email) = {
            let idp = self.person(p).idp.as_ref().expect("caller checked the IdP identity");
            (idp.object, idp.email)
        };
        if let LinkTarget::Fail(reason) = self.link_target(email, None) {
            // R8 / deactivated account: the create fails and no record is made.
            self.count_push_failure(Pushed::User(p), reason);
            return;
        }
        let r = self.new_record(p, object, email);
        self.try_link(r);
        self.mark_dirty(p);
    }

    /// R6 for an email: which account to link.
    fn link_target(&self, email: EmailId, record: Option<RecordId>) -> LinkTarget {
        match self.account_by_email(email) {
            Some(a) => {
                let account = self.account(a);
                if account.linked_record.is_some_and(|r| Some(r) != record) {
                    return LinkTarget::Fail(PushFailure::LinkedElsewhere);
                }
                let deactivated_by_this = record.is_some_and(|r| self.record(r).deactivated == Some(a));
                if !account.active && !deactivated_by_this {
                    return LinkTarget::Fail(PushFailure::DeactivatedBySomeoneElse);
                }
                LinkTarget::Link(a)
            }
            None if self.verified_claimed(email) => LinkTarget::Create,
            None => LinkTarget::Unlinked,
        }
    }

    /// Links `r` to `a`, reactivating `a` when `r` had deactivated it.
    fn link(&mut self, r: RecordId, a: AccountId) {
        self.link_record(r, a);
        if !self.account(a).active {
            self.set_active(a, true, Cause::Other);
        }
        self.mark_dirty(self.record(r).person);
    }

    /// Tries to link an unlinked record per R6; counts a failure in `scim_errors`.
    fn try_link(&mut self, r: RecordId) {
        let email = self.record(r).email;
        match self.link_target(email, Some(r)) {
            LinkTarget::Link(a) => self.link(r, a),
            LinkTarget::Create => {
                let a = self.create_account(email, true, Origin::Scim, self.record(r).person);
                self.manage(a);
                self.link(r, a);
            }
            LinkTarget::Unlinked => {}
            LinkTarget::Fail(reason) => {
                let p = self.record(r).person;
                self.count_push_failure(Pushed::User(p), reason);
            }
        }
    }

    /// R7 then R9: a later push of an object that has a record sends its email, then its
    /// lifecycle; a failed email push sends nothing more.
    fn update_record(&mut self, p: PersonId, r: RecordId) {
        let employed = self.person(p).employed;
        if !employed && !self.record(r).active {
            // A deprovisioned user: every operation on it is refused (404) until it is active
            // again, so nothing changes — in particular its account is not re-linked.
            return;
        }
        if self.push_email_change(p, r) {
            self.push_deprovision(p, r, employed);
        }
    }

    /// R7: sends the user's current IdP email — the managed account follows it, or the record
    /// is unlinked and re-links per R6; with the email unchanged, an unlinked record tries to
    /// link again (R6's deferred link). Returns false when the push failed (the target email is
    /// taken), which changes nothing.
    fn push_email_change(&mut self, p: PersonId, r: RecordId) -> bool {
        self.set_rule(Rule::R7);
        let Some(new_email) = self.person(p).idp.as_ref().map(|i| i.email) else { return false };
        if self.record(r).email != new_email {
            match self.record(r).linked {
                Some(a) if self.account(a).managed && self.verified_claimed(new_email) => {
                    match self.account_by_email(new_email) {
                        Some(b) if b != a => {
                            // The target email is taken: the push fails, nothing changes.
                            self.count_push_failure(Pushed::User(p), PushFailure::EmailTaken);
                            return false;
                        }
                        _ => {
                            self.change_account_email(a, new_email);
                            self.set_record_email(r, new_email);
                        }
                    }
                }
                Some(a) => {
                    // Unmanaged account or unverified target: unlink, leave SCIM groups, re-link.
                    self.unlink_record(r);
                    self.remove_from_scim_groups(a, Cause::EmailUpdateUnlinked);
                    self.set_record_email(r, new_email);
                    self.mark_dirty(p);
                    self.try_link(r);
                }
                None => {
                    self.set_record_email(r, new_email);
                    self.try_link(r);
                }
            }
        } else if self.record(r).linked.is_none() {
            // "links when an account with e appears (at the next push touching it)"
            self.set_rule(Rule::R6);
            self.try_link(r);
        }
        true
    }

    /// R9: a leaver's active record is deprovisioned — its managed account deactivated (an
    /// unmanaged one only leaves the SCIM groups); an employed user's inactive record is
    /// reprovisioned, reactivating the account it deactivated.
    fn push_deprovision(&mut self, p: PersonId, r: RecordId, employed: bool) {
        self.set_rule(Rule::R9);
        let record = self.record(r);
        if !employed && record.active {
            self.set_record_active(r, false);
            if let Some(a) = self.record(r).linked {
                if self.account(a).managed {
                    self.set_deactivated_by(r, a);
                    self.set_active(a, false, Cause::DeprovisionedInUse);
                } else {
                    self.remove_from_scim_groups(a, Cause::DeprovisionedInUse);
                }
            }
            self.mark_dirty(p);
        } else if employed && !record.active {
            self.set_record_active(r, true);
            if let Some(a) = self.record(r).linked {
                if self.record(r).deactivated == Some(a) {
                    self.set_active(a, true, Cause::Other);
                }
            }
            self.mark_dirty(p);
        }
    }
}
