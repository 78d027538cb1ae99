//! Disabling and resuming SCIM (R12, R21): `delete_directory` removes the records (accounts
//! are unlocked), turns the SCIM groups into local groups with their members and grants, and
//! stops every IdP change from flowing; `stop_in_idp` pauses — the syncs stop, records stay,
//! accounts stay SCIM-locked, SCIM groups stay read-only (so a migration skips them, R4), and
//! the IdP still queues what changes. `resume_scim` restarts the syncs of a stopped directory:
//! its first sync runs in that event — `incremental` sends what was queued while stopped,
//! `restart` is a full sync as R5's over the kept records — and the next ones every interval
//! from that instant.

use crate::input::scenario::{DisableMethod, ResumeMode};
use crate::sim::observe::{Observer, Rule};
use crate::sim::world::{DirectoryState, World};
use crate::sim::{GroupId, PersonId};

impl<O: Observer> World<'_, O> {
    /// R12: switches SCIM off.
    pub(crate) fn disable_scim(&mut self, method: DisableMethod) {
        self.set_rule(Rule::R12);
        match method {
            DisableMethod::StopInIdp => {
                if self.directory() == DirectoryState::Active {
                    self.set_directory(DirectoryState::StoppedInIdp);
                }
            }
            DisableMethod::DeleteDirectory => {
                if !matches!(self.directory(), DirectoryState::Active | DirectoryState::StoppedInIdp) {
                    return;
                }
                self.set_directory(DirectoryState::Deleted);
                // Records disappear and accounts are unlocked; SCIM groups become local with
                // their members and grants; IdP changes no longer flow.
                self.drop_records();
                self.release_scim_groups();
                self.clear_sync_queues();
            }
        }
    }

    /// R21: the stopped directory syncs again; its first sync runs now.
    pub(crate) fn resume_scim(&mut self, mode: ResumeMode) {
        self.set_rule(Rule::R21);
        if self.directory() != DirectoryState::StoppedInIdp {
            return;
        }
        // A new generation of sync ticks: any tick of the stopped directory still scheduled dies.
        self.resume_directory();
        match mode {
            ResumeMode::Incremental => self.push_queued(),
            ResumeMode::Restart => self.full_sync(),
        }
        self.schedule_sync(self.generation());
    }

    /// R21 `restart`: a full sync as R5's over the kept records — every user the directory has
    /// a record for and every employed in-scope user, in person order, then every synced group
    /// with its whole member list. It sends everything, so nothing stays queued.
    fn full_sync(&mut self) {
        self.clear_user_queue();
        for p in (0..self.people().len()).map(PersonId::from_index) {
            let person = self.person(p);
            let has_record = person.idp.as_ref().is_some_and(|i| i.record.is_some());
            if has_record || (person.employed && self.in_idp_scope(p)) {
                self.push_user(p);
                self.settle();
            }
        }
        self.push_every_group_whole();
    }

    /// Pushes every synced group with its whole member list (R21 `restart`, R24), and the
    /// queued deletion of a group gone from the IdP; nothing stays queued for any group.
    pub(super) fn push_every_group_whole(&mut self) {
        let queued = self.take_group_queue();
        for &g in &queued {
            self.mark_group_sent(g);
        }
        for g in (0..self.idp_groups().len()).map(GroupId::from_index) {
            let synced = self.scenario().groups[g.index()].synced_from_idp;
            if synced && (self.idp_group(g).exists || queued.contains(&g)) {
                self.push_group_whole(g);
                self.settle();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{account, acme_scim_timeline, run_looking};
    use serde_json::{Value, json};

    /// ann (managed, acme.com) is provisioned at d1; provisioning stops at `stop`, her email
    /// changes at `change` and syncs resume at `resume` (days).
    fn paused(stop: f64, change: f64, resume: f64) -> Value {
        json!({
            "name": "pause", "replications": 1, "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [{"id": "ann", "idp_email": "ann@acme.com", "idp_groups": ["jira-users"]}]},
            "events": [{"day": change, "do": "change_idp_email", "person": "ann", "to": "anna@acme.com"}],
            "strategies": [{"name": "s", "timeline": acme_scim_timeline(&[
                json!({"day": stop, "do": "disable_scim", "method": "stop_in_idp"}),
                json!({"day": resume, "do": "resume_scim"}),
            ])}]
        })
    }

    /// Whether ann's account holds her new email, at each of `days`.
    fn followed(v: &Value, days: &[f64]) -> Vec<Option<bool>> {
        run_looking(v, 0, days, |w| {
            let a = account(w, "anna@acme.com").or_else(|| account(w, "ann@acme.com"))?;
            Some(w.emails().text(w.account(a).email) == "anna@acme.com")
        })
        .1
    }

    /// A change made while stopped is queued, and the incremental resume's first sync, in the
    /// resume event itself, sends it — not a tick before.
    #[test]
    fn a_change_while_stopped_flows_at_the_resume() {
        // Ticks run at d1 + k·2400 s; d2.51 is not one of them.
        let seen = followed(&paused(2.0, 2.25, 2.51), &[2.5, 2.509, 2.51, 4.0]);
        assert_eq!(seen, [Some(false), Some(false), Some(true), Some(true)]);
    }

    /// Stopped and resumed within one interval: the stopped directory's pending tick dies, and
    /// the next sync comes one interval after the resume. Ticks of the first directory: d1 +
    /// k·2400 s, so 175 200 s (≈ d2.0278) is one; the resume is at d2.02 (174 528 s), its next
    /// tick at 176 928 s (≈ d2.0478); ann's email changes at d2.021, after the resume.
    #[test]
    fn the_stopped_directorys_ticks_die() {
        let seen = followed(&paused(2.01, 2.021, 2.02), &[2.03, 2.047, 2.048]);
        assert_eq!(seen, [Some(false), Some(false), Some(true)]);
    }
}
