//! The other exogenous changes in the identity provider: a person's primary email changes
//! (explicitly, by generated drift, or by a domain move), and IdP groups are deleted,
//! re-created, joined and left. They change only the IdP side and queue what the next sync
//! pushes; their effects in Atlassian are the SCIM rules (R7, R10, R11), on the server R15, and
//! on sign-ins R14. They are kept apart from `churn.rs`, which is about people arriving and
//! leaving (R16): these change what the IdP says of people who stay, and of its groups.

use crate::input::email::{domain_of, with_domain};
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::World;
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// The IdP primary email of `p` changes: pushed at the next sync; an external directory
    /// follows after the lag (R15); the person signs in again with it after cutover (R14).
    pub(crate) fn change_idp_email(&mut self, p: PersonId, to: EmailId) {
        self.set_rule(Rule::R7);
        let before = self.sign_in_email(p);
        if !self.set_idp_email(p, to) {
            return;
        }
        self.queue_user(p);
        self.when_server_follows(p, Event::ServerEmailFollows { person: p, email: to });
        self.after_sign_in_email_change(p, before);
    }

    /// A generated name change: a new local part on the current domain.
    pub(crate) fn idp_email_drift(&mut self, p: PersonId, ordinal: u32) {
        let Some(idp) = &self.person(p).idp else { return };
        let text = self.emails().text(idp.email);
        let (local, domain) = text.rsplit_once('@').unwrap_or((text, "invalid"));
        let base = local.split_once(".d").map_or(local, |(b, _)| b);
        let email = format!("{base}.d{ordinal}@{domain}");
        let id = self.intern_email(&email);
        self.change_idp_email(p, id);
    }

    /// A share of the employed people whose IdP email is on `from` move to `to`.
    pub(crate) fn move_domain(&mut self, from: &str, to: &str, share: f64, ordinal: u32) {
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            let Some(idp) = &person.idp else { continue };
            let email = idp.email;
            if !person.employed || domain_of(self.emails().text(email)).as_deref() != Some(from) {
                continue;
            }
            if self.move_domain_draw(ordinal, p) < share {
                let moved = with_domain(self.emails().text(email), to);
                let id = self.intern_email(&moved);
                self.change_idp_email(p, id);
            }
        }
    }

    /// R11: the IdP group is deleted (or leaves scope); members keep their role.
    pub(crate) fn delete_idp_group(&mut self, g: GroupId) {
        self.set_rule(Rule::R11);
        self.set_idp_group_exists(g, false);
        self.queue_group(g);
    }

    /// The IdP group is (re-)created with exactly these members (`None`: those it had). A
    /// re-created group is a new IdP object: its next push meets a same-named local cloud
    /// group afresh, as a new conflict (R10), even if the deleted one's conflict was rejected,
    /// and sends its whole member list (R22) — to a SCIM group its deletion has not reached.
    pub(crate) fn create_idp_group(&mut self, g: GroupId, members: Option<&[PersonId]>) {
        self.set_rule(Rule::R11);
        if !self.idp_group(g).exists {
            self.forget_rejection(g);
            if self.reconciles_members(g) {
                self.note_whole_list(g);
            }
        }
        self.set_idp_group_exists(g, true);
        if let Some(members) = members {
            let wanted: rustc_hash::FxHashSet<PersonId> = members.iter().copied().collect();
            let current: Vec<PersonId> = self.idp_group(g).members.iter().collect();
            for p in current {
                if !wanted.contains(&p) {
                    self.remove_from_idp_group(g, p);
                }
            }
            for &p in members {
                self.add_to_idp_group(g, p);
            }
        }
        self.queue_group(g);
    }

    /// A person joins an IdP group.
    pub(crate) fn add_to_idp_group(&mut self, g: GroupId, p: PersonId) {
        self.set_rule(Rule::R10);
        if self.add_idp_membership(g, p) {
            self.membership_changed(g, p);
        }
    }

    /// A person leaves an IdP group.
    pub(crate) fn remove_from_idp_group(&mut self, g: GroupId, p: PersonId) {
        self.set_rule(Rule::R10);
        if self.remove_idp_membership(g, p) {
            self.membership_changed(g, p);
        }
    }

    /// `p`'s membership of `g` changed: the group's next push adds or removes them.
    pub(super) fn membership_changed(&mut self, g: GroupId, p: PersonId) {
        self.mark_membership_changed(g, p);
        self.queue_group(g);
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{acme_scim_timeline, run};
    use serde_json::{Value, json};

    /// jira-users is synced and also a local cloud group; ann is in it. SCIM starts at d1.
    fn local_group(events: Value, policy: &str) -> Value {
        json!({
            "name": "recreated-conflict", "replications": 1, "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "cloud_grants": ["jira"]}],
            "population": {"people": [{"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]}]},
            "events": events,
            "strategies": [{"name": "s", "group_conflicts": policy, "timeline": acme_scim_timeline(&[])}]
        })
    }

    fn conflicts_and_errors(events: Value, policy: &str) -> (f64, f64) {
        let outcome = run(&local_group(events, policy), 0);
        (outcome.get(MetricId::GROUP_CONFLICTS), outcome.get(MetricId::SCIM_ERRORS))
    }

    /// Re-creating a deleted IdP group whose name is a local cloud group raises a new conflict:
    /// its next push counts `group_conflicts` again and applies the policy again. A group that
    /// was not deleted is no new object: `create_idp_group` on it keeps the rejection.
    #[test]
    fn a_recreated_group_meets_the_local_group_afresh() {
        let delete = json!({"day": 2, "do": "delete_idp_group", "group": "jira-users"});
        let create = json!({"day": 3, "do": "create_idp_group", "group": "jira-users", "members": ["ann"]});
        // d1 conflict rejected (error), d2 the deletion fails (error), d3 a new conflict (error).
        assert_eq!(conflicts_and_errors(json!([delete, create]), "reject"), (2.0, 3.0));
        // Without the deletion, the group is the same object: its push fails as rejected.
        assert_eq!(conflicts_and_errors(json!([create]), "reject"), (1.0, 2.0));
        // Deleted and re-created between two syncs (d2 is a sync instant; the next is 40
        // minutes later): pushed once, still as a new object.
        let quick = json!([{"day": 2.001, "do": "delete_idp_group", "group": "jira-users"},
                           {"day": 2.01, "do": "create_idp_group", "group": "jira-users"}]);
        assert_eq!(conflicts_and_errors(quick, "reject"), (2.0, 2.0));
        // Accepted, the cloud group became SCIM's; R11 deleted it, so nothing conflicts again.
        assert_eq!(conflicts_and_errors(json!([delete, create]), "accept"), (1.0, 0.0));
    }
}
