//! Full resync (R24): an admin's "push now" (Okta *Push now*, Entra *restart provisioning* or
//! *provision on demand*, Google *Sync now*) while the directory syncs. In that event it pushes
//! the chosen users (everyone by default) in their whole current state — email per R7,
//! lifecycle per R9 (a leaver is deprovisioned), a record per R6 for a user with none — then
//! every synced group with its whole member list, which runs R6's deferred link for each member
//! and puts back an account that R7 unlinked and re-linked (ACCESS-1737). What was queued for
//! the users and groups it pushes is cleared; changes queued for other users stay queued for
//! the next sync, whose schedule does not move.

use crate::sim::PersonId;
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, World};

impl<O: Observer> World<'_, O> {
    /// R24: pushes `people` (`None`: everyone) in full, then every synced group.
    pub(crate) fn resync(&mut self, people: Option<&[PersonId]>) {
        self.set_rule(Rule::R24);
        if self.directory() != DirectoryState::Active {
            return;
        }
        let everyone: Vec<PersonId>;
        let people = match people {
            Some(list) => {
                self.unqueue_users(list);
                list
            }
            None => {
                self.clear_user_queue();
                everyone = (0..self.people().len()).map(PersonId::from_index).collect();
                &everyone
            }
        };
        // A resync sends each user's whole state, deprovision included, even under
        // `idp.deprovision: none` (the manual repair of a dropped deprovision, ACCESS-1388).
        self.set_resyncing(true);
        for &p in people {
            self.push_user(p);
            self.settle();
            self.set_rule(Rule::R24);
        }
        self.set_resyncing(false);
        self.push_every_group_whole();
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{account, acme_scim_timeline, run_looking};
    use serde_json::{Value, json};

    /// ann and bob (managed, acme.com) are provisioned at d1; at d3.01 (between ticks: d1 +
    /// k·2400 s, so 259 200 and 261 600 s) `events` happen, and a resync of `people` runs at
    /// d3.02 (260 928 s), before the next tick at 261 600 s (≈ d3.0278).
    fn resynced(events: Value, people: Value) -> Value {
        let mut resync = json!({"day": 3.02, "do": "resync"});
        if !people.is_null() {
            resync["people"] = people;
        }
        json!({
            "name": "resync", "replications": 1, "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "idp_groups": ["jira-users"]}
            ]},
            "events": events,
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[resync])}]
        })
    }

    fn email_changes() -> Value {
        json!([
            {"day": 3.01, "do": "change_idp_email", "person": "ann", "to": "anna@acme.com"},
            {"day": 3.01, "do": "change_idp_email", "person": "bob", "to": "bobby@acme.com"}
        ])
    }

    /// Whether ann's and bob's accounts hold their new emails.
    fn followed(w: &crate::sim::world::World<'_>) -> Option<(bool, bool)> {
        Some((account(w, "anna@acme.com").is_some(), account(w, "bobby@acme.com").is_some()))
    }

    /// A resync of ann pushes her queued change in that event; bob's stays queued for the
    /// next tick.
    #[test]
    fn a_resync_sends_its_people_now_and_leaves_the_others_queued() {
        let v = resynced(email_changes(), json!(["ann"]));
        let (_, seen) = run_looking(&v, 0, &[3.019, 3.02, 3.027, 3.028], followed);
        assert_eq!(
            seen,
            [Some((false, false)), Some((true, false)), Some((true, false)), Some((true, true))]
        );
        let (_, seen) = run_looking(&resynced(email_changes(), Value::Null), 0, &[3.02], followed);
        assert_eq!(seen, [Some((true, true))], "everyone by default");
    }

    /// A leaver's resync is their deprovision: the account is deactivated in the resync event.
    #[test]
    fn a_resync_deprovisions_a_leaver() {
        let v = resynced(json!([{"day": 3.01, "do": "leave", "person": "bob"}]), json!(["bob"]));
        let (_, seen) = run_looking(&v, 0, &[3.019, 3.02], |w| {
            let b = account(w, "bob@acme.com")?;
            Some(w.account(b).active)
        });
        assert_eq!(seen, [Some(true), Some(false)]);
    }
}
