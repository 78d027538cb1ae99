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
//!   (an unmanaged one only leaves the SCIM groups); a returning user is reprovisioned. A
//!   leaver's push is the deprovision alone: attribute changes queued with it are not sent.

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
        self.link_counting(r, true);
    }

    /// R6 for an unlinked record: links it (or creates its managed account); a failure counts
    /// in `scim_errors` only when `count_failure` (the push that carries the user failed).
    fn link_counting(&mut self, r: RecordId, count_failure: bool) {
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
                if count_failure {
                    let p = self.record(r).person;
                    self.count_push_failure(Pushed::User(p), reason);
                }
            }
        }
    }

    /// A later push of an object that has a record. An employed user's push sends their email
    /// (R7), then their lifecycle (R9); a failed email push sends nothing more. A leaver's push
    /// is a deprovision alone (R9): their queued attribute changes are not sent, so a taken new
    /// email cannot keep a leaver active.
    fn update_record(&mut self, p: PersonId, r: RecordId) {
        if !self.person(p).employed {
            // A deprovisioned user takes no operation (404) until it is active again, so an
            // inactive record stays as it is — in particular its account is not re-linked.
            if self.record(r).active {
                self.push_deprovision(p, r, false);
            }
            return;
        }
        if self.push_email_change(p, r) {
            self.push_deprovision(p, r, true);
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
        } else {
            self.deferred_link(r, true);
        }
        true
    }

    /// R6's deferred link: an unlinked record "links when an account with e appears (at the
    /// next push touching it)". A push touches a record when it sends that user, or when a group
    /// push adds or removes that person's membership (ACCESS-2172: "like adding that user to a
    /// group"). A failure counts in `scim_errors` only on a user push (`by_user_push`): a group
    /// push that touches the record is not a push of that user, and a failed push is retried —
    /// and counted — only when its object changes again.
    pub(super) fn deferred_link(&mut self, r: RecordId, by_user_push: bool) {
        if self.record(r).linked.is_none() {
            self.set_rule(Rule::R6);
            self.link_counting(r, by_user_push);
        }
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

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{account, in_group, run_looking};
    use serde_json::{Value, json};

    /// lee (in the synced group jira-users) changes email to one sam's pre-existing account
    /// holds, and leaves, within one sync interval.
    fn leaver_with_taken_email() -> Value {
        json!({
            "name": "leaver", "replications": 1, "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "lee", "idp_email": "lee@acme.com", "idp_groups": ["jira-users"]},
                {"id": "sam", "cloud_email": "lee.new@acme.com"}
            ]},
            "events": [
                {"day": 2, "do": "change_idp_email", "person": "lee", "to": "lee.new@acme.com"},
                {"day": 2, "do": "leave", "person": "lee"}
            ],
            "strategies": [{"name": "s", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                // R2′: an account on acme.com for the claim to manage, so that it claims the domain.
                {"day": 0, "do": "create_account", "email": "admin@acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": 1, "do": "enable_scim"}
            ]}]
        })
    }

    /// A leaver's push is a deprovision alone: the queued email change is not sent, so the
    /// taken address cannot make the push fail and keep the leaver's account active.
    #[test]
    fn a_leavers_push_is_a_deprovision_alone() {
        let (outcome, seen) = run_looking(&leaver_with_taken_email(), 0, &[1.0, 4.0], |w| {
            let a = account(w, "lee@acme.com")?;
            let record = w.records().first()?;
            let linked = record.linked == Some(a);
            Some((w.account(a).active, in_group(w, 0, a), record.active, linked))
        });
        assert_eq!(seen[0], Some((true, true, true, true)), "provisioned at the first sync");
        // Deprovisioned at day 2; the account still holds the old email (it was not sent).
        assert_eq!(seen[1], Some((false, false, false, true)));
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 0.0);
        assert_eq!(outcome.get(MetricId::ORPHANED_ACCOUNTS), 0.0);
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
    }

    /// An employed user's push still sends the email first: the taken address fails it.
    #[test]
    fn an_employed_users_taken_email_still_fails_the_push() {
        let mut v = leaver_with_taken_email();
        v["events"].as_array_mut().expect("events").pop();
        let (outcome, seen) = run_looking(&v, 0, &[4.0], |w| {
            let a = account(w, "lee@acme.com")?;
            Some((w.account(a).active, in_group(w, 0, a)))
        });
        assert_eq!(seen, [Some((true, true))]);
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0);
    }
}
