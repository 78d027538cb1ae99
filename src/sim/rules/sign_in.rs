//! Sign-in (R14): at `cutover` every employed person signs in through SSO within the spread,
//! and again after each later change of their sign-in email, after joining and after their
//! login account is deactivated while they are still employed. A sign-in lands on the account
//! holding the sign-in email (active or not); with none, a self-signup account is created. That
//! account is the person's login account until their next sign-in.
//!
//! R23: a person's sign-in email is the address their SSO assertion carries — their
//! `sso_email` (say the UPN, where SCIM sends `user.mail`) while the IdP has one, until
//! `align_sso` maps SSO's NameID to the attribute SCIM sends; from then on it is the IdP
//! primary email, and everyone whose sign-in email that changes signs in again (after cutover).

use crate::sim::PersonId;
use crate::sim::emails::EmailId;
use crate::sim::event::Event;
use crate::sim::observe::{Observer, Rule, SignInVia};
use crate::sim::world::{Origin, World};

impl<O: Observer> World<'_, O> {
    /// R14: cutover — every employed person signs in within the spread.
    pub(crate) fn cutover(&mut self, login_spread: i64) {
        self.set_rule(Rule::R14);
        self.start_cutover(login_spread);
        let mut batch = Vec::with_capacity(self.people().len());
        for p in (0..self.people().len()).map(PersonId::from_index) {
            if self.person(p).employed {
                batch.push((self.sign_in_time(p), Event::SignIn { person: p }));
            }
        }
        self.schedule_batch(batch);
    }

    /// R14: a sign-in lands on the account holding the sign-in email (active or not); with
    /// none, a self-signup account is created. That account becomes the login account.
    pub(crate) fn sign_in(&mut self, p: PersonId) {
        self.set_rule(Rule::R14);
        if !self.person(p).employed {
            return;
        }
        let Some(email) = self.sign_in_email(p) else { return };
        if !self.emails().is_valid(email) {
            return;
        }
        let (a, via) = match self.account_by_email(email) {
            Some(a) => (a, SignInVia::HeldEmail),
            None => (self.create_account(email, true, Origin::SelfSignup, p), SignInVia::SelfSignup),
        };
        self.sign_in_to(p, a, via);
    }

    /// R23: `align_sso` — from now every sign-in uses the IdP primary email; each employed
    /// person whose sign-in email changes by it signs in again (once cutover has happened), in
    /// person order.
    pub(crate) fn align_sso(&mut self) {
        self.set_rule(Rule::R23);
        let people: Vec<(PersonId, Option<EmailId>)> = (0..self.people().len())
            .map(PersonId::from_index)
            .filter(|&p| self.person(p).idp.as_ref().is_some_and(|i| i.sso_email.is_some()))
            .map(|p| (p, self.sign_in_email(p)))
            .collect();
        self.set_sso_aligned();
        for (p, before) in people {
            self.after_sign_in_email_change(p, before);
        }
    }

    /// Schedules a sign-in when the person's sign-in email changed (R14).
    pub(super) fn after_sign_in_email_change(&mut self, p: PersonId, before: Option<EmailId>) {
        let after = self.sign_in_email(p);
        if self.person(p).employed && after.is_some() && after != before {
            self.schedule_sign_in(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::sim::testing::{run_and_look, scenario};
    use crate::sim::{Origin, PersonId};
    use serde_json::{Value, json};

    /// Ann's SSO assertion carries her UPN `ann.lee@acme.com`; SCIM sends `ann@acme.com`. Bob's
    /// carries his IdP email. SCIM creates both accounts on day 1; cutover is day 2.
    fn file(align: Option<f64>) -> Value {
        let mut timeline = vec![
            json!({"day": 0, "do": "verify_domain", "domain": "acme.com"}),
            json!({"day": 0, "do": "create_account", "email": "admin@acme.com"}),
            json!({"day": 0, "do": "claim_accounts", "auto": true}),
            json!({"day": 1, "do": "enable_scim"}),
            json!({"day": 2, "do": "cutover", "login_spread_days": 0}),
        ];
        if let Some(day) = align {
            let k = timeline.iter().position(|a| a["day"].as_f64() > Some(day)).unwrap_or(timeline.len());
            timeline.insert(k, json!({"day": day, "do": "align_sso"}));
        }
        json!({
            "name": "r23", "horizon_days": 4, "products": ["jira"],
            "domains": [{"name": "acme.com"}],
            "groups": [{"name": "jira-users", "grants": ["jira"], "synced_from_idp": true}],
            "population": {"people": [
                {"id": "ann", "idp_email": "ann@acme.com", "sso_email": "ann.lee@acme.com", "idp_groups": ["jira-users"]},
                {"id": "bob", "idp_email": "bob@acme.com", "idp_groups": ["jira-users"]}
            ]},
            "strategies": [{"name": "s", "timeline": timeline}]
        })
    }

    /// Ann's accounts: origin, email, active.
    type Accounts = Vec<(Origin, String, bool)>;

    /// Ann's accounts and her login account's email.
    fn ann(align: Option<f64>) -> (crate::metrics::Outcome, (Accounts, Option<String>)) {
        run_and_look(&scenario(&file(align)), 0, |w| {
            let p = w.person(PersonId(0));
            let accounts = p
                .accounts
                .iter()
                .map(|&a| {
                    let a = w.account(a);
                    (a.origin, w.emails().text(a.email).to_string(), a.active)
                })
                .collect();
            (accounts, p.login.map(|a| w.emails().text(w.account(a).email).to_string()))
        })
    }

    #[test]
    fn an_sso_email_scim_does_not_send_signs_up_a_duplicate_without_the_products() {
        let (outcome, (accounts, login)) = ann(None);
        assert_eq!(
            accounts,
            vec![
                (Origin::Scim, "ann@acme.com".into(), true),
                (Origin::SelfSignup, "ann.lee@acme.com".into(), true)
            ]
        );
        assert_eq!(login.as_deref(), Some("ann.lee@acme.com"), "R23: she signs in with her UPN");
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 1.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 1.0, "the self-signup is in no group");
        assert_eq!(outcome.get(MetricId::SURPLUS_ACCOUNTS), 1.0);
    }

    #[test]
    fn align_sso_before_cutover_prevents_the_duplicate() {
        let (outcome, (accounts, login)) = ann(Some(1.5));
        assert_eq!(accounts, vec![(Origin::Scim, "ann@acme.com".into(), true)]);
        assert_eq!(login.as_deref(), Some("ann@acme.com"));
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 0.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
    }

    #[test]
    fn align_sso_after_cutover_signs_her_in_again_and_leaves_the_self_signup() {
        let (outcome, (accounts, login)) = ann(Some(3.0));
        assert_eq!(accounts.len(), 2, "the self-signup stays: {accounts:?}");
        assert_eq!(login.as_deref(), Some("ann@acme.com"), "she signs in again onto the SCIM account");
        assert_eq!(outcome.get(MetricId::DUPLICATE_PEOPLE), 1.0);
        assert_eq!(outcome.get(MetricId::MISSING_ACCESS_PEOPLE), 0.0);
        // Bob's sign-in email is unchanged by the alignment: he signs in once (at cutover).
        let scenario = scenario(&file(Some(3.0)));
        let (_, sign_ins) = run_and_look(&scenario, 0, |w| w.person(PersonId(1)).n_sign_ins);
        assert_eq!(sign_ins, 1);
    }

    #[test]
    fn an_idp_email_change_leaves_the_sso_email_and_an_out_of_scope_person_uses_the_server_email() {
        let mut v = file(None);
        v["population"]["people"][1]["in_idp_scope"] = json!(false);
        v["population"]["people"][1]["sso_email"] = json!("bob.upn@acme.com");
        v["population"]["people"][1]["server_email"] = json!("bob.server@acme.com");
        v["events"] =
            json!([{"day": 3, "do": "change_idp_email", "person": "ann", "to": "ann.new@acme.com"}]);
        let (_, (ann_sign_ins, bob_login)) = run_and_look(&scenario(&v), 0, |w| {
            let bob = w.person(PersonId(1)).login.map(|a| w.emails().text(w.account(a).email).to_string());
            (w.person(PersonId(0)).n_sign_ins, bob)
        });
        assert_eq!(ann_sign_ins, 1, "her sign-in email is still her UPN: no new sign-in");
        assert_eq!(bob_login.as_deref(), Some("bob.server@acme.com"));
    }
}
