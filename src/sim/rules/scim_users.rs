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

use crate::input::scenario::{Deprovision, Matching};
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
            // R25: a user unassigned from the app is deprovisioned as a leaver is (R20).
            if let Some(r) = idp.record.filter(|&r| self.record(r).active) {
                self.set_rule(Rule::R25);
                self.push_deprovision(p, r, false);
            }
            return;
        }
        let employed = self.person(p).employed;
        match self.matching() {
            Matching::ObjectId => {}
            Matching::EmailFilter => {
                // R19: the lookup (or create) filters on the work email, which Atlassian refuses.
                self.set_rule(Rule::R19);
                self.count_push_failure(Pushed::User(p), PushFailure::UnsupportedFilter);
                return;
            }
            // A leaver's push deprovisions the record they have (§9.2), whatever their email.
            Matching::Email if employed => {
                if !self.match_by_user_name(p) {
                    return;
                }
            }
            Matching::Email => {}
        }
        let Some(idp) = self.person(p).idp.as_ref() else { return };
        match idp.record {
            None if employed => self.create_record(p),
            None => {}
            Some(r) => self.update_record(p, r),
        }
    }

    /// R19 `email`: Atlassian finds the user by userName, their current email. A record with
    /// it (an email changed back) becomes their current record again; none — their email
    /// changed — means a new user for Atlassian (R8: a new IdP object, whose push creates a
    /// record, while the old record stays as it was). Returns false when the userName is
    /// another person's record's: the push fails.
    fn match_by_user_name(&mut self, p: PersonId) -> bool {
        let Some(idp) = self.person(p).idp.as_ref() else { return false };
        let (email, current) = (idp.email, idp.record);
        if current.is_none_or(|r| self.record(r).email == email) {
            return true;
        }
        self.set_rule(Rule::R19);
        match self.record_by_user_name(email) {
            Some(r) if self.record(r).person == p => {
                self.make_current_record(p, r);
                self.mark_record_changed(p);
                true
            }
            Some(_) => {
                self.count_push_failure(Pushed::User(p), PushFailure::UserNameTaken);
                false
            }
            None => {
                self.set_rule(Rule::R8);
                self.new_idp_object(p);
                self.mark_record_changed(p);
                true
            }
        }
    }

    /// R8: a new IdP object for the person; its first push creates a new record.
    pub(crate) fn rekey(&mut self, p: PersonId) {
        self.set_rule(Rule::R8);
        if self.new_idp_object(p) {
            self.mark_record_changed(p);
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
            let setting = self.deprovision();
            if setting == Deprovision::None {
                // R20 `none`: the IdP sends nothing; the account stays active and in its groups.
                return;
            }
            self.set_record_active(r, false);
            if let Some(a) = self.record(r).linked {
                if self.account(a).managed {
                    self.set_deactivated_by(r, a);
                    self.set_active(a, false, Cause::DeprovisionedInUse);
                } else {
                    self.remove_from_scim_groups(a, Cause::DeprovisionedInUse);
                }
            }
            if setting == Deprovision::Delete {
                // R20 `delete`: the record is removed; a return gets a new record (R6).
                self.set_rule(Rule::R20);
                self.delete_record(r);
            }
            self.mark_dirty(p);
        } else if employed && !record.active {
            self.set_record_active(r, true);
            if let Some(a) = self.record(r).linked {
                if self.record(r).deactivated == Some(a) {
                    self.set_active(a, true, Cause::Other);
                }
            }
            self.restore_placements(p);
            self.mark_dirty(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{account, acme_scim_timeline, in_group, run_looking};
    use serde_json::{Value, json};

    /// ann (jira-users, synced) is provisioned at d1 and signs in at d2; the events follow.
    /// `idp` is the organisation's `idp` object (Entra ID, 40-minute syncs).
    fn provisioned_ann(idp: Value, events: Value) -> Value {
        json!({
            "name": "settings", "replications": 1, "horizon_days": 8, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]}
            ]},
            "idp": idp,
            "events": events,
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[json!({"day": 2, "do": "cutover", "login_spread_days": 0})])}]
        })
    }

    fn metrics(v: &Value, names: &[MetricId]) -> Vec<f64> {
        let outcome = crate::sim::testing::run(v, 0);
        names.iter().map(|&m| outcome.get(m)).collect()
    }

    /// R19: with `matching: email` a name change is a new user for Atlassian — a second record
    /// and a second (managed) account, ann signs in to it and loses Jira until the group's next
    /// push places it; with `object_id` the account follows the email.
    #[test]
    fn matching_on_email_makes_a_name_change_a_second_account() {
        let change = json!([{"day": 3, "do": "change_idp_email", "person": "ann", "to": "ann.lee@acme.com"}]);
        let wanted = [MetricId::DUPLICATE_PEOPLE, MetricId::SCIM_ERRORS, MetricId::MISSING_ACCESS_PEOPLE];
        assert_eq!(metrics(&provisioned_ann(json!({}), change.clone()), &wanted), [0.0, 0.0, 0.0]);
        let (outcome, records) =
            run_looking(&provisioned_ann(json!({"matching": "email"}), change), 0, &[8.0], |w| {
                Some(w.records().iter().map(|r| (r.active, r.linked.is_some())).collect::<Vec<_>>())
            });
        assert_eq!(records[0], Some(vec![(true, true), (true, true)]), "the old record stays as it was");
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 1.0);
        assert_eq!(outcome.get(MetricId::SURPLUS_ACCOUNTS), 1.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0, "jira-users is not pushed again");
        assert_eq!(outcome.get(MetricId::LOST_ACCESS_INCIDENTS), 1.0, "signed into the new account");
    }

    /// R19 `email`: an email changed back finds its old record by userName, which becomes the
    /// current record again — no third record.
    #[test]
    fn matching_on_email_finds_the_old_record_when_the_email_comes_back() {
        let there_and_back = json!([
            {"day": 3, "do": "change_idp_email", "person": "ann", "to": "ann.lee@acme.com"},
            {"day": 4, "do": "change_idp_email", "person": "ann", "to": "ann@acme.com"}
        ]);
        let (_, seen) =
            run_looking(&provisioned_ann(json!({"matching": "email"}), there_and_back), 0, &[8.0], |w| {
                let ann = w.person(crate::sim::PersonId(0)).idp.as_ref()?;
                Some((w.records().len(), ann.record.map(|r| r.0)))
            });
        assert_eq!(seen[0], Some((2, Some(0))), "two records; the first is current again");
    }

    /// R19 `email_filter`: every user push fails, so nobody gets a record or an account; the
    /// group is pushed, with no members.
    #[test]
    fn matching_on_the_work_email_filter_fails_every_user_push() {
        let v = provisioned_ann(json!({"matching": "email_filter"}), json!([]));
        let (outcome, group) = run_looking(&v, 0, &[8.0], |w| {
            w.cloud_group(crate::sim::GroupId(0)).map(|c| (w.records().len(), c.members.len()))
        });
        assert_eq!(group[0], Some((0, 0)));
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0, "ann's create, once (no change retries it)");
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0, "she self-signs up without Jira");
    }

    /// R20: what the IdP sends for a leaver. `deactivate` (R9) deactivates the account; `delete`
    /// also removes the record; `none` sends nothing: the account stays active, in its group,
    /// orphaned from the leave (d3) to the horizon (d8).
    #[test]
    fn the_deprovision_setting_decides_what_a_leaver_keeps() {
        let leave = json!([{"day": 3, "do": "leave", "person": "ann"}]);
        let look = |w: &crate::sim::world::World<'_>| {
            let a = account(w, "ann@acme.com")?;
            Some((w.account(a).active, in_group(w, 0, a), w.records().iter().filter(|r| !r.deleted).count()))
        };
        let wanted =
            [MetricId::ORPHANED_ACCOUNTS, MetricId::ORPHANED_ACCOUNT_DAYS, MetricId::UNLINKED_SCIM_RECORDS];
        for (setting, state, numbers) in [
            ("deactivate", (false, false, 1), [0.0, 0.0, 0.0]),
            ("delete", (false, false, 0), [0.0, 0.0, 0.0]),
            ("none", (true, true, 1), [1.0, 5.0, 0.0]),
        ] {
            let v = provisioned_ann(json!({"deprovision": setting}), leave.clone());
            let (outcome, seen) = run_looking(&v, 0, &[8.0], look);
            assert_eq!(seen[0], Some(state), "{setting}");
            let got: Vec<f64> = wanted.iter().map(|&m| outcome.get(m)).collect();
            assert_eq!(got, numbers, "{setting}");
        }
    }

    /// R24 under R20 `none`: the resync sends the deprovision the IdP never sent (§9.2), so
    /// the leaver's account is deactivated at the resync (d4) and orphaned one day only.
    #[test]
    fn a_resync_deprovisions_a_leaver_even_when_nothing_is_sent() {
        let mut v = provisioned_ann(
            json!({"deprovision": "none"}),
            json!([{"day": 3, "do": "leave", "person": "ann"}]),
        );
        v["strategies"][0]["timeline"]
            .as_array_mut()
            .expect("timeline")
            .push(json!({"day": 4, "do": "resync"}));
        let wanted =
            [MetricId::ORPHANED_ACCOUNTS, MetricId::ORPHANED_ACCOUNT_DAYS, MetricId::BILLABLE_ACCOUNTS];
        assert_eq!(metrics(&v, &wanted), [0.0, 1.0, 0.0]);
    }

    /// §9.4: a strategy's own `idp` settings override the organisation's.
    #[test]
    fn a_strategy_chooses_its_own_idp_settings() {
        let mut v = provisioned_ann(
            json!({"matching": "email"}),
            json!([
                {"day": 3, "do": "change_idp_email", "person": "ann", "to": "ann.lee@acme.com"}
            ]),
        );
        let mut fixed = v["strategies"][0].clone();
        fixed["name"] = json!("object-id");
        fixed["idp"] = json!({"matching": "object_id"});
        v["strategies"].as_array_mut().expect("strategies").push(fixed);
        let s = crate::sim::testing::scenario(&v);
        let dup = |k| crate::sim::testing::run_and_look(&s, k, |_| ()).0.get(MetricId::DUPLICATE_PEOPLE);
        assert_eq!((dup(0), dup(1)), (1.0, 0.0));
    }

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
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[])}]
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
