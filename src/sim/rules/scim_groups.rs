//! SCIM groups (R10, R11, R22): what a push of one IdP group does in Atlassian.
//!
//! - **R10 group push and conflicts**: a pushed group with no same-named cloud group becomes a
//!   read-only SCIM group of its members' linked accounts, with the scenario's grants for that
//!   name; a same-named local or migrated group is a conflict — `accept` takes it over (its
//!   grants stay, its members are replaced), `reject` (and any default-access group) keeps it
//!   local and fails that push and every later one. Membership changes flow at each sync. A
//!   push that adds or removes a person's membership touches their record: an unlinked one
//!   links then (R6's deferred link), before the push places their account. A group's first,
//!   whole-list push adds every member.
//! - **R11 group deletion**: a group deleted in the IdP (or out of scope) deletes the cloud group
//!   at the next push; a SCIM group re-created with that name gets no grants.
//! - **R22 group updates**: a SCIM group's members are records, placed as their linked active
//!   accounts. Under `replace` every push sends the whole list, so each member whose placement
//!   may have changed is placed anew. Under `patch` a push sends only the memberships added or
//!   removed since the group's last push: an account R7 unlinked, one a migration added (R4
//!   `add`) and one linked late (R6) stay as they are until that member's own membership
//!   changes or a whole-list push comes (a group's first push, an accepted conflict, R5's first
//!   sync, `resume_scim restart`, `resync`). A record that goes active again brings its
//!   account back into the groups where it is still a member.

use crate::ids::IdMap;
use crate::input::scenario::{ConflictPolicy, GroupUpdates};
use crate::metrics::Cause;
use crate::sim::observe::{Observer, PushFailure, Pushed, Rule};
use crate::sim::world::{GroupSource, World};
use crate::sim::{AccountId, GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// Pushes one group in its current state (R10, R11), its members as `idp.group_updates`
    /// says (R22).
    pub(super) fn push_group(&mut self, g: GroupId) {
        self.push_group_as(g, self.group_updates());
    }

    /// Pushes one group, sending a live SCIM group's members as `updates` says (the whole list
    /// when that was asked for, R22).
    fn push_group_as(&mut self, g: GroupId, updates: GroupUpdates) {
        self.set_rule(Rule::R10);
        let updates = if self.take_whole_list(g) { GroupUpdates::Replace } else { updates };
        if !self.idp_group(g).exists {
            self.push_group_deletion(g);
            return;
        }
        let Some(source) = self.cloud_group(g).map(|c| c.source) else {
            let grants = if self.idp_group(g).grants_lost {
                Default::default()
            } else {
                self.scenario().groups[g.index()].grants
            };
            self.create_cloud_group(g, GroupSource::Scim, grants, false);
            self.replace_members(g, Cause::Other);
            return;
        };
        match source {
            GroupSource::Scim => match updates {
                GroupUpdates::Replace => self.reconcile_members(g),
                GroupUpdates::Patch => self.patch_members(g),
            },
            GroupSource::Local | GroupSource::Migrated => {
                if self.idp_group(g).rejected {
                    self.count_push_failure(Pushed::Group(g), PushFailure::RejectedGroup);
                    self.clear_dirty(g);
                    return;
                }
                self.count_group_conflict();
                let default_access = self.cloud_group(g).is_some_and(|c| c.default_access);
                if default_access || self.strategy().group_conflicts == ConflictPolicy::Reject {
                    self.reject_group(g);
                    let reason = if default_access {
                        PushFailure::DefaultAccessGroup
                    } else {
                        PushFailure::ConflictRejected
                    };
                    self.count_push_failure(Pushed::Group(g), reason);
                    self.clear_dirty(g);
                    return;
                }
                self.take_over_group(g);
                self.replace_members(g, Cause::ConflictAccepted);
            }
        }
    }

    /// A whole-list push of `g` (R21 `restart`, R24 `resync`): a push in its current state
    /// that, for a live SCIM group, sends the whole member list whatever `idp.group_updates`
    /// says — every member is added anew, which runs R6's deferred link for each (ACCESS-1737's
    /// repair), and every placement is reconciled. Any other group's push is whole-list already.
    pub(super) fn push_group_whole(&mut self, g: GroupId) {
        if self.idp_group(g).exists && self.cloud_group(g).is_some_and(|c| c.source == GroupSource::Scim) {
            self.note_whole_list(g);
        }
        self.push_group(g);
    }

    /// R11: a group deleted (or out of scope) in the IdP deletes its SCIM group, whose grants
    /// are gone for good; a rejected group's deletion fails like its every push (R10).
    fn push_group_deletion(&mut self, g: GroupId) {
        self.set_rule(Rule::R11);
        self.clear_dirty(g);
        if self.idp_group(g).rejected {
            // Every push of a rejected group fails, its deletion too (R10).
            self.count_push_failure(Pushed::Group(g), PushFailure::RejectedGroup);
            return;
        }
        if self.cloud_group(g).is_some_and(|c| c.source == GroupSource::Scim) {
            self.delete_cloud_group(g, Cause::GroupDeleted);
            self.mark_grants_lost(g);
        }
    }

    /// R6's deferred link when a group push adds or removes `p`'s membership ("like adding that
    /// user to a group", ACCESS-2172): their current record, when it is active and unlinked,
    /// tries to link, before the push places their account. A deprovisioned record takes no
    /// operation (R9).
    fn link_member(&mut self, p: PersonId) {
        let Some(r) = self.person(p).idp.as_ref().filter(|i| i.in_scope).and_then(|i| i.record) else {
            return;
        };
        if self.record(r).active {
            self.deferred_link(r, false);
            self.set_rule(Rule::R10);
        }
    }

    /// The account a group push places for `p`: the linked account of their current record,
    /// when that record is active.
    pub(super) fn scim_account(&self, p: PersonId) -> Option<AccountId> {
        let idp = self.person(p).idp.as_ref().filter(|i| i.in_scope)?;
        let record = self.record(idp.record?);
        let a = record.linked.filter(|_| record.active)?;
        self.account(a).active.then_some(a)
    }

    /// Replaces the whole member list with the placed accounts of the IdP members.
    fn replace_members(&mut self, g: GroupId, cause: Cause) {
        // Walk the members in person order: people, records and accounts are laid out in
        // roughly that order, so a large group is read sequentially rather than at random.
        let members: Vec<PersonId> = self.idp_group(g).members.iter().collect();
        let mut placed = IdMap::default();
        let mut wanted: Vec<AccountId> = Vec::with_capacity(members.len());
        for p in members {
            // A whole-list push adds every member: it touches each one's record (R6).
            self.link_member(p);
            if let Some(a) = self.member_account(p) {
                placed.insert(p, a);
            }
            wanted.extend(self.scim_account(p));
        }
        wanted.sort_unstable();
        let current: Vec<AccountId> =
            self.cloud_group(g).map(|c| c.members.iter().collect()).unwrap_or_default();
        for a in current {
            if wanted.binary_search(&a).is_err() {
                self.remove_member(g, a, cause);
            }
        }
        for &a in &wanted {
            self.add_member(g, a, cause);
        }
        self.set_placements(g, placed);
        self.clear_dirty(g);
    }

    /// R22 `replace`, incrementally: brings a SCIM group up to date for the members that changed
    /// since its last push — the people it adds or removes first run R6's deferred link, then
    /// every member whose placement may have changed is placed anew, and the accounts a
    /// migration added leave.
    fn reconcile_members(&mut self, g: GroupId) {
        for p in self.take_membership_changes(g) {
            self.link_member(p);
        }
        for p in self.take_dirty(g) {
            self.place_member(g, p);
        }
        for a in self.take_foreign_members(g) {
            if !self.is_wanted(g, a) {
                self.remove_member(g, a, Cause::ScimGroupOverwritten);
            }
        }
    }

    /// R22 `patch`: sends only the memberships added or removed since the group's last push.
    /// An added member's record joins (R6's deferred link first) with its linked active
    /// account; a removed member's record leaves with its account — the one it was placed as,
    /// and the one linked to it now, which a migration may have added (R4 `add`). Nobody
    /// else's placement is looked at, so the push costs what changed.
    fn patch_members(&mut self, g: GroupId) {
        let changed = self.take_membership_changes(g);
        // Nothing is noted as dirty under `patch`; a whole-list push goes through `replace`.
        debug_assert!(self.idp_group(g).dirty.is_subset(&changed));
        self.take_dirty(g);
        for &p in &changed {
            self.link_member(p);
        }
        for p in changed {
            self.place_member(g, p);
            if let Some(a) = self.linked_account(p) {
                if !self.is_wanted(g, a) {
                    self.remove_member(g, a, Cause::ScimGroupOverwritten);
                }
            }
        }
    }

    /// Places member `p` of SCIM group `g` anew: when they are an IdP member of it, the group
    /// keeps their current record's account — in the cloud group while it is active and the
    /// record provisioned, kept for a deprovisioned record, whose reprovision brings it back
    /// (`restore_placements`); otherwise none. The account they were placed as before leaves
    /// (unless it is another member's).
    fn place_member(&mut self, g: GroupId, p: PersonId) {
        let kept = if self.idp_group(g).members.contains(&p) { self.member_account(p) } else { None };
        let wanted = kept.filter(|&a| self.scim_account(p) == Some(a));
        let old = self.cloud_group(g).and_then(|c| c.placed.get(&p).copied());
        if old != wanted {
            if let Some(o) = old {
                if !self.is_wanted(g, o) {
                    self.remove_member(g, o, Cause::Other);
                }
            }
        }
        self.set_placement(g, p, kept);
        if let Some(a) = wanted {
            self.add_member(g, a, Cause::Other);
        }
    }

    /// The account linked to `p`'s current record while they are in scope, provisioned or not:
    /// what a group that has the record as a member holds for them.
    fn member_account(&self, p: PersonId) -> Option<AccountId> {
        let idp = self.person(p).idp.as_ref().filter(|i| i.in_scope)?;
        self.record(idp.record?).linked
    }

    /// R22 `patch`: `p`'s record went active again (R9 reprovision), and Atlassian kept its
    /// group memberships: its account rejoins every SCIM group that placed it, including those
    /// the IdP dropped while the user was deactivated (changes of deactivated users are not
    /// pushed, the Okta reactivation case) — until that group's next whole-list push.
    pub(super) fn restore_placements(&mut self, p: PersonId) {
        if self.group_updates() != GroupUpdates::Patch {
            return;
        }
        let Some(a) = self.scim_account(p) else { return };
        for g in (0..self.cloud_groups().len()).map(GroupId::from_index) {
            let placed_here = self
                .cloud_group(g)
                .is_some_and(|c| c.source == GroupSource::Scim && c.placed.get(&p) == Some(&a));
            if placed_here {
                self.add_member(g, a, Cause::Other);
            }
        }
    }

    /// The account linked to `p`'s current record, if any.
    fn linked_account(&self, p: PersonId) -> Option<AccountId> {
        let r = self.person(p).idp.as_ref()?.record?;
        self.record(r).linked
    }

    /// True when `a` is the placed account of some current member of the IdP group.
    fn is_wanted(&self, g: GroupId, a: AccountId) -> bool {
        let Some(r) = self.account(a).linked_record else { return false };
        let p = self.record(r).person;
        self.idp_group(g).members.contains(&p) && self.scim_account(p) == Some(a)
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{account, acme_scim_timeline, in_group, run_looking};
    use serde_json::{Value, json};

    /// pat's IdP email is on a domain nobody can verify, so their record stays unlinked at the
    /// first sync (d1); at cutover (d2) pat self-signs up with it. `events` come after that.
    /// Groups: 0 jira-users (pat and ann), 1 confluence-users (ann), both synced.
    fn unlinked_pat(events: Value) -> Value {
        json!({
            "name": "deferred-link", "replications": 1, "horizon_days": 6,
            "products": ["jira", "confluence"],
            "domains": [{"name": "acme.com"}],
            "groups": [
                {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true},
                {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true}
            ],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users", "confluence-users"]},
                {"id": "pat", "idp_email": "pat@partner.io", "idp_groups": ["jira-users"]}
            ]},
            "events": events,
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[json!({"day": 2, "do": "cutover", "login_spread_days": 0})])}]
        })
    }

    /// After the events (at the horizon): pat's record is linked to their self-signup
    /// account, which is in jira-users, in confluence-users.
    fn pat_at_the_end(events: Value) -> (f64, Option<(bool, bool, bool)>) {
        pat_at_the_end_with(events, "patch")
    }

    /// [`pat_at_the_end`] with `idp.group_updates` set to `updates`.
    fn pat_at_the_end_with(events: Value, updates: &str) -> (f64, Option<(bool, bool, bool)>) {
        let mut v = unlinked_pat(events);
        v["idp"] = json!({"group_updates": updates});
        let (outcome, seen) = run_looking(&v, 0, &[6.0], |w| {
            let a = account(w, "pat@partner.io")?;
            let record = w.records().get(1)?;
            Some((record.linked == Some(a), in_group(w, 0, a), in_group(w, 1, a)))
        });
        (outcome.get(MetricId::UNLINKED_SCIM_RECORDS), seen[0])
    }

    /// R6's deferred link runs when a group push adds or removes the person's membership; the
    /// account then joins only the groups pushed after the link (ACCESS-1737), and a push that
    /// changes someone else's membership does not touch pat's record.
    #[test]
    fn a_group_push_that_adds_or_removes_a_member_runs_the_deferred_link() {
        assert_eq!(pat_at_the_end(json!([])), (1.0, Some((false, false, false))), "no push touches pat");
        let add = json!([{"day": 3, "do": "add_to_idp_group", "group": "confluence-users", "person": "pat"}]);
        assert_eq!(
            pat_at_the_end(add),
            (0.0, Some((true, false, true))),
            "linked, joins confluence-users only"
        );
        let remove =
            json!([{"day": 3, "do": "remove_from_idp_group", "group": "jira-users", "person": "pat"}]);
        assert_eq!(pat_at_the_end(remove), (0.0, Some((true, false, false))), "a remove links too");
        let other =
            json!([{"day": 3, "do": "remove_from_idp_group", "group": "jira-users", "person": "ann"}]);
        assert_eq!(pat_at_the_end(other), (1.0, Some((false, false, false))), "not pat's membership");
        // A later push of jira-users that changes only ann's membership: under `patch`
        // (Entra's default) it sends ann's removal alone, so pat's account, linked late, does
        // not join (R22); under `replace` the whole list places it.
        let both = json!([
            {"day": 3, "do": "add_to_idp_group", "group": "confluence-users", "person": "pat"},
            {"day": 4, "do": "remove_from_idp_group", "group": "jira-users", "person": "ann"}
        ]);
        assert_eq!(pat_at_the_end(both.clone()), (0.0, Some((true, false, true))));
        assert_eq!(pat_at_the_end_with(both, "replace"), (0.0, Some((true, true, true))));
    }

    /// ann and bob are in jira-users (synced), provisioned at d1 on acme.com. ann's email moves
    /// to an unverifiable domain at d2 (R7: her record is unlinked and A1 leaves the SCIM
    /// group) and back at d3 (her record links A1 again). At d4 bob leaves jira-users: an
    /// unrelated membership change. `later` adds strategy actions; `updates` is
    /// `idp.group_updates`.
    fn drifted_ann(updates: &str, later: &[Value]) -> Value {
        json!({
            "name": "access-1737", "replications": 1, "horizon_days": 6, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "idp_groups": ["jira-users"]}
            ]},
            "idp": {"group_updates": updates},
            "events": [
                {"day": 2, "do": "change_idp_email", "person": "ann", "to": "ann@partner.io"},
                {"day": 3, "do": "change_idp_email", "person": "ann", "to": "ann@acme.com"},
                {"day": 4, "do": "remove_from_idp_group", "group": "jira-users", "person": "bob"}
            ],
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(later)}]
        })
    }

    /// ann's account A1: linked to her record, in jira-users — at d2.5, d3.5, d4.5 and d6.
    fn ann_over_time(v: &Value) -> Vec<Option<(bool, bool)>> {
        run_looking(v, 0, &[2.5, 3.5, 4.5, 6.0], |w| {
            let a = account(w, "ann@acme.com")?;
            Some((w.account(a).linked_record.is_some(), in_group(w, 0, a)))
        })
        .1
    }

    /// R22 and ACCESS-1737: after R7 unlinked ann's account, the emails match again and her
    /// record links it back, but it is not added back to the provisioned group. Under `patch`
    /// the unrelated d4 push sends bob's removal alone, so she stays out; under `replace` that
    /// push sends the whole list and silently repairs her. A resync (whole lists) repairs both.
    #[test]
    fn under_patch_an_unrelated_push_does_not_repair_an_unlinked_member() {
        let unlinked = Some((false, false));
        let relinked_out = Some((true, false));
        let repaired = Some((true, true));
        assert_eq!(
            ann_over_time(&drifted_ann("patch", &[])),
            [unlinked, relinked_out, relinked_out, relinked_out]
        );
        assert_eq!(ann_over_time(&drifted_ann("replace", &[])), [unlinked, relinked_out, repaired, repaired]);
        let resync = [json!({"day": 5, "do": "resync"})];
        assert_eq!(ann_over_time(&drifted_ann("patch", &resync))[3], repaired);
        // Her own membership changing again also repairs her: removed at d4.2, added at d4.4.
        let mut v = drifted_ann("patch", &[]);
        let events = v["events"].as_array_mut().expect("events");
        events
            .push(json!({"day": 4.2, "do": "remove_from_idp_group", "group": "jira-users", "person": "ann"}));
        events.push(json!({"day": 4.4, "do": "add_to_idp_group", "group": "jira-users", "person": "ann"}));
        assert_eq!(ann_over_time(&v)[2..], [repaired, repaired]);
    }

    /// A group deleted and re-created in the IdP between two syncs is a new object: its first
    /// push sends the whole list even under `patch`, so it repairs ann as a resync would.
    #[test]
    fn a_recreated_group_sends_its_whole_list_under_patch() {
        let mut v = drifted_ann("patch", &[]);
        let events = v["events"].as_array_mut().expect("events");
        events.push(json!({"day": 4.9, "do": "delete_idp_group", "group": "jira-users"}));
        events.push(json!({"day": 4.91, "do": "create_idp_group", "group": "jira-users"}));
        assert_eq!(ann_over_time(&v)[3], Some((true, true)));
    }

    /// A link that fails at a group push is not a failed push of the user: ann's email change
    /// onto lee's linked address fails her re-link once (R7, `scim_errors` 1); three later pushes
    /// of conf-users touch her record and fail to link it again, uncounted.
    #[test]
    fn a_failing_deferred_link_at_group_pushes_is_counted_once() {
        let v = json!({
            "name": "relink-fail", "replications": 1, "horizon_days": 8, "products": ["jira", "conf"],
            "domains": [{"name": "acme.com"}, {"name": "partner.io"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true},
                       {"name": "conf-users", "grants": ["conf"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "lee", "idp_email": "lee@partner.io", "cloud_email": "lee@partner.io", "idp_groups": ["jira-users"]}
            ]},
            "events": [
                {"day": 2, "do": "change_idp_email", "person": "ann", "to": "lee@partner.io"},
                {"day": 3, "do": "add_to_idp_group", "group": "conf-users", "person": "ann"},
                {"day": 4, "do": "remove_from_idp_group", "group": "conf-users", "person": "ann"},
                {"day": 5, "do": "add_to_idp_group", "group": "conf-users", "person": "ann"}
            ],
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[])}]
        });
        let (outcome, seen) = run_looking(&v, 0, &[8.0], |w| w.records().first().map(|r| r.linked.is_none()));
        assert_eq!(seen, [Some(true)], "ann's record stays unlinked");
        assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0);
    }

    /// A group's first push after its re-creation (a whole-list push) adds every member, so it
    /// runs the deferred link for each.
    #[test]
    fn a_whole_list_push_links_every_unlinked_member() {
        let recreate = json!([
            {"day": 3, "do": "delete_idp_group", "group": "jira-users"},
            {"day": 4, "do": "create_idp_group", "group": "jira-users"}
        ]);
        assert_eq!(pat_at_the_end(recreate), (0.0, Some((true, true, false))));
    }

    /// After a failed re-key (R8: the email's account is linked to the old record), group
    /// membership is the person's current IdP object's, which has no record: the old record's
    /// account leaves the SCIM group at that group's next push (not before).
    #[test]
    fn after_a_failed_rekey_the_old_account_leaves_at_the_groups_next_push() {
        let v = |events: Value| {
            let mut v = unlinked_pat(events);
            v["population"]["people"][1]["idp_email"] = json!("pat@acme.com");
            v
        };
        let look = |w: &crate::sim::world::World<'_>| {
            let a = account(w, "pat@acme.com")?;
            let old = w.records().get(1)?;
            Some((in_group(w, 0, a), w.account(a).active, old.active && old.linked == Some(a)))
        };
        let rekey = json!({"day": 3, "do": "rekey_idp_object", "person": "pat"});
        let push = json!({"day": 4, "do": "remove_from_idp_group", "group": "jira-users", "person": "ann"});
        // Under `patch` the new object is a membership change (the old record leaves, the new
        // one joins), so both modes agree.
        for updates in ["patch", "replace"] {
            let with = |events: Value| {
                let mut v = v(events);
                v["idp"] = json!({"group_updates": updates});
                v
            };
            let (outcome, seen) = run_looking(&with(json!([rekey, push])), 0, &[2.0, 3.5, 6.0], look);
            assert_eq!(seen[0], Some((true, true, true)), "{updates}: linked and placed at the first sync");
            assert_eq!(seen[1], Some((true, true, true)), "{updates}: jira-users not pushed yet");
            assert_eq!(
                seen[2],
                Some((false, true, true)),
                "{updates}: the next push of jira-users removed it"
            );
            assert_eq!(outcome.get(MetricId::SCIM_ERRORS), 1.0);
            assert_eq!(outcome.get(MetricId::LOST_ACCESS_INCIDENTS), 1.0, "pat still entitled to jira");
            let (_, seen) = run_looking(&with(json!([rekey])), 0, &[6.0], look);
            assert_eq!(seen[0], Some((true, true, true)), "{updates}: no push of jira-users: it stays");
        }
    }
}
