//! Scope and lifecycle events (R25): a person enters (`assign`) or leaves (`unassign`) the
//! provisioning scope while employed, and a leaver is employed again (`rehire`).
//!
//! - **unassign**: the next sync deprovisions their record as a leaver's (R9, per R20's
//!   setting; like `leave` it queues no group push); their entitlement and sign-in email come
//!   from the server from now.
//! - **assign**: the next sync pushes them: a create (R6) when they have no record, a
//!   reactivation when their record is inactive; the synced groups they are in push them.
//! - **rehire**: employed again. A new IdP object (default, R8) gets a new record at the next
//!   push, whose create over their old deactivated account fails (`scim_errors`: that record
//!   did not deactivate it); the same object's record goes active again and reactivates the
//!   managed account it deactivated (R9). `idp_groups` becomes their IdP groups: the groups
//!   they join are pushed as adds; the groups they no longer have are pushed as removes under
//!   `replace` only — under `patch` (R22) the reactivated account stays in them (the Okta
//!   reactivation case) until a whole-list push. An `external` directory
//!   reactivates their server user after the lag; they sign in again after cutover (R14).
//!   A rehire of someone employed (a generated leaver who did not leave) changes nothing.

use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// R25: `p` enters the provisioning scope; pushed at the next sync.
    pub(crate) fn assign(&mut self, p: PersonId) {
        self.set_rule(Rule::R25);
        if self.in_idp_scope(p) {
            return;
        }
        let before = self.sign_in_email(p);
        if !self.set_in_scope(p, true) {
            return;
        }
        self.queue_user(p);
        self.queue_own_groups(p);
        self.after_sign_in_email_change(p, before);
    }

    /// R25: `p` leaves the provisioning scope while employed; the next sync deprovisions them.
    pub(crate) fn unassign(&mut self, p: PersonId) {
        self.set_rule(Rule::R25);
        if !self.in_idp_scope(p) {
            return;
        }
        let before = self.sign_in_email(p);
        self.set_in_scope(p, false);
        // As `leave`, it queues no group push: the deprovision carries the change (and under
        // R20 `none` nothing is sent).
        self.queue_unassigned_user(p);
        self.after_sign_in_email_change(p, before);
    }

    /// R25: the leaver `p` is employed again, as a new IdP object or the same one, with
    /// `idp_groups` (when given) as their IdP groups.
    pub(crate) fn rehire(&mut self, p: PersonId, new_object: bool, idp_groups: Option<&[GroupId]>) {
        self.set_rule(Rule::R25);
        if self.person(p).employed || self.person(p).idp.is_none() {
            return;
        }
        if let Some(wanted) = idp_groups {
            // The IdP changed their groups while the user was deactivated: under `patch` the
            // groups they left are not pushed as removes (§9.2; `mark_membership_changed`).
            let current: Vec<GroupId> =
                self.person(p).idp.as_ref().map(|i| i.groups.to_vec()).unwrap_or_default();
            for &g in current.iter().filter(|g| !wanted.contains(g)) {
                self.remove_from_idp_group(g, p);
            }
            for &g in wanted.iter().filter(|g| !current.contains(g)) {
                self.add_to_idp_group(g, p);
            }
            self.set_rule(Rule::R25);
        }
        self.begin_employment(p);
        if new_object {
            self.set_rule(Rule::R8);
            self.new_idp_object(p);
            self.set_rule(Rule::R25);
        }
        self.mark_dirty(p);
        self.queue_user(p);
        self.queue_own_groups(p);
        self.when_server_follows(p, Event::ServerReactivates { person: p });
        self.schedule_sign_in(p);
    }

    /// Queues the pushes of the synced groups `p` is in (their membership, as the IdP sends
    /// it, changed: they entered or left the scope, or came back).
    fn queue_own_groups(&mut self, p: PersonId) {
        let groups: Vec<GroupId> = self.person(p).idp.as_ref().map(|i| i.groups.to_vec()).unwrap_or_default();
        for g in groups {
            self.membership_changed(g, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{account, acme_scim_timeline, in_group, run_looking};
    use serde_json::{Value, json};

    /// ann (jira-users, synced; also on the server with jira-users) is provisioned at d1 and
    /// signs in at d2 (Entra ID, 40-minute syncs); the events follow; the horizon is d6.
    fn ann(idp: Value, events: Value) -> Value {
        json!({
            "name": "lifecycle", "replications": 1, "horizon_days": 6, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [
                {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true},
                {"name": "jira-admins", "grants": ["jira"], "synced_from_idp": true}
            ],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "server_email": "ann@acme.com",
                 "idp_groups": ["jira-users"], "server_groups": ["jira-users"]}
            ]},
            "idp": idp,
            "events": events,
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[json!({"day": 2, "do": "cutover", "login_spread_days": 0})])}]
        })
    }

    /// Ann's account: active, in jira-users, in jira-admins; and the live records.
    type State = (bool, bool, bool, usize);

    /// [`State`] at d3.5 and d6.
    fn look(v: &Value) -> (crate::metrics::Outcome, Vec<Option<State>>) {
        run_looking(v, 0, &[3.5, 6.0], |w| {
            let a = account(w, "ann@acme.com")?;
            let live = w.records().iter().filter(|r| !r.deleted).count();
            Some((w.account(a).active, in_group(w, 0, a), in_group(w, 1, a), live))
        })
    }

    fn leave_and_rehire(new_object: bool) -> Value {
        json!([
            {"day": 3, "do": "leave", "person": "ann"},
            {"day": 4, "do": "rehire", "person": "ann", "new_object": new_object}
        ])
    }

    /// `rehire` of the same object: the record goes active at the next push and reactivates the
    /// account it deactivated (R9); jira-users' push places it again.
    #[test]
    fn a_rehire_of_the_same_object_reactivates_the_account() {
        let (outcome, seen) = look(&ann(json!({}), leave_and_rehire(false)));
        assert_eq!(seen[0], Some((false, false, false, 1)), "deprovisioned at d3");
        assert_eq!(seen[1], Some((true, true, false, 1)), "reactivated after d4");
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 0.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
    }

    /// `rehire` as a new IdP object (R8): its create meets the old account, still linked to the
    /// old (inactive) record — it fails (`scim_errors`) and ann's sign-in lands on the
    /// deactivated account, without Jira.
    #[test]
    fn a_rehire_as_a_new_object_fails_over_the_old_account() {
        let (outcome, seen) = look(&ann(json!({}), leave_and_rehire(true)));
        assert_eq!(seen[1], Some((false, false, false, 1)), "no new record, the account stays deactivated");
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0);
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
    }

    /// R20 `delete` then a return: the record is gone, so even the same object gets a new
    /// record (R6), whose link to the deactivated account fails (§9.2).
    #[test]
    fn after_a_hard_delete_a_return_cannot_link_the_old_account() {
        for new_object in [false, true] {
            let (outcome, seen) = look(&ann(json!({"deprovision": "delete"}), leave_and_rehire(new_object)));
            assert_eq!(seen[0], Some((false, false, false, 0)), "{new_object}");
            assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0, "{new_object}");
            assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0, "{new_object}");
        }
    }

    /// `idp_groups` replaces the groups: the joined one is pushed as an add. Under `replace`
    /// the left one is pushed too and corrects it; under `patch` (Entra's default) no remove
    /// is sent for a membership dropped while the user was deactivated, so the reactivated
    /// account is back in it (§9.2, the Okta reactivation report) until a whole-list push.
    #[test]
    fn a_rehire_with_new_groups_leaves_the_old_group_stale_under_patch_only() {
        let events = json!([
            {"day": 3, "do": "leave", "person": "ann"},
            {"day": 4, "do": "rehire", "person": "ann", "new_object": false, "idp_groups": ["jira-admins"]}
        ]);
        let (outcome, seen) = look(&ann(json!({"group_updates": "replace"}), events.clone()));
        assert_eq!(seen[1], Some((true, false, true, 1)));
        assert_eq!(outcome.get(MetricId::OVER_ACCESS_PEOPLE), 0.0);
        let (_, seen) = look(&ann(json!({}), events.clone()));
        assert_eq!(seen[1], Some((true, true, true, 1)), "still in jira-users");
        // A resync at d5 sends every group whole: the stale membership goes.
        let mut v = ann(json!({}), events);
        v["strategies"][0]["timeline"]
            .as_array_mut()
            .expect("timeline")
            .push(json!({"day": 5, "do": "resync"}));
        let (_, seen) = look(&v);
        assert_eq!(seen[1], Some((true, false, true, 1)));
    }

    /// Under `patch` a change the IdP makes while the user is deactivated is not pushed,
    /// however it is made: ann, removed from jira-users while a leaver (d3.5) and rehired
    /// without `idp_groups`, is back in it; under `replace` the removal is pushed. A whole-list
    /// push while she is deactivated (a resync at d3.5) keeps her record a member of the
    /// groups she is still in, so her reactivation brings the account back into them.
    #[test]
    fn changes_made_while_deactivated_are_not_pushed_under_patch() {
        let removed = |updates: &str| {
            let events = json!([
                {"day": 3, "do": "leave", "person": "ann"},
                {"day": 3.5, "do": "remove_from_idp_group", "group": "jira-users", "person": "ann"},
                {"day": 4, "do": "rehire", "person": "ann", "new_object": false}
            ]);
            look(&ann(json!({"group_updates": updates}), events)).1[1]
        };
        assert_eq!(removed("patch"), Some((true, true, false, 1)), "stale under patch");
        assert_eq!(removed("replace"), Some((true, false, false, 1)));
        let events = json!([
            {"day": 3, "do": "leave", "person": "ann"},
            {"day": 4, "do": "rehire", "person": "ann", "new_object": false, "idp_groups": ["jira-admins"]}
        ]);
        let mut v = ann(json!({}), events);
        v["strategies"][0]["timeline"]
            .as_array_mut()
            .expect("timeline")
            .push(json!({"day": 3.5, "do": "resync"}));
        assert_eq!(look(&v).1[1], Some((true, true, true, 1)), "jira-users kept through the resync");
    }

    /// `unassign` deprovisions at the next sync (ann is employed, entitled through the server,
    /// and her sign-in lands on the deactivated account); `assign` brings the record back.
    #[test]
    fn unassign_deprovisions_and_assign_reprovisions() {
        let unassign = json!([{"day": 3, "do": "unassign", "person": "ann"}]);
        let (outcome, seen) = look(&ann(json!({}), unassign.clone()));
        assert_eq!(seen[1], Some((false, false, false, 1)));
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0, "the server still grants Jira");
        let mut both = unassign.as_array().cloned().expect("array");
        both.push(json!({"day": 4, "do": "assign", "person": "ann"}));
        let (outcome, seen) = look(&ann(json!({}), Value::Array(both)));
        assert_eq!(seen[0], Some((false, false, false, 1)));
        assert_eq!(seen[1], Some((true, true, false, 1)));
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 0.0);
        // Under R20 `none` nothing is sent: the account stays active and in its group.
        let (_, seen) = look(&ann(json!({"deprovision": "none"}), unassign));
        assert_eq!(seen[1], Some((true, true, false, 1)));
    }

    /// An external directory reactivates a rehired person's server user after the lag.
    #[test]
    fn an_external_directory_reactivates_a_rehired_server_user() {
        let mut v = ann(json!({}), leave_and_rehire(false));
        v["population"]["people"][0]["directory"] = json!("external");
        v["drift"] = json!({"server_sync_lag_hours": 12});
        let (_, seen) = run_looking(&v, 0, &[3.6, 4.4, 6.0], |w| {
            w.person(crate::sim::PersonId(0)).server.as_ref().map(|s| s.active)
        });
        assert_eq!(seen, [Some(false), Some(false), Some(true)]);
    }

    /// With generated leavers the file may rehire someone no generated leave picked: the
    /// rehire of an employed person is a no-op (it counts in `events_processed` only).
    #[test]
    fn a_rehire_of_someone_still_employed_changes_nothing() {
        let mut v = ann(json!({}), json!([{"day": 4, "do": "rehire", "person": "ann"}]));
        v["churn"] = json!({"leavers_per_day": 0.000_001});
        let (outcome, seen) = look(&v);
        assert_eq!(seen[1], Some((true, true, false, 1)));
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 0.0);
        let mut without = ann(json!({}), json!([]));
        without["churn"] = json!({"leavers_per_day": 0.000_001});
        let events = |o: &crate::metrics::Outcome| o.get(MetricId::EVENTS_PROCESSED);
        assert_eq!(events(&outcome), events(&crate::sim::testing::run(&without, 0)) + 1.0);
    }
}
