//! Checks of the population: either an explicit list of people (each person's ids, emails
//! and group memberships, and that IdP and pre-existing cloud emails are unique) or the shares
//! of a synthetic population.

use super::Checker;
use crate::input::email::email_key;
use crate::input::raw::{self, PersonFile};
use crate::input::reader::JsonPath;
use crate::input::scenario::*;

impl Checker<'_> {
    pub(super) fn check_population(
        &mut self,
        population: &raw::PopulationFile,
        domains: &[DomainSpec],
    ) -> Population {
        let at = JsonPath::root().key("population");
        match (&population.people, &population.synthetic) {
            (Some(_), Some(_)) => {
                self.problems.push_hint(
                    &at,
                    "population has both `people` and `synthetic`",
                    "give either an explicit list of people or the shares to generate them, not both",
                );
                Population::Explicit(Vec::new())
            }
            (None, Some(synthetic)) => Population::Synthetic(self.check_synthetic(synthetic, domains)),
            // Not given, or its `people` or `synthetic` could not be read (reported already).
            (None, None) if !self.population_given || self.problems.any_within(&at) => {
                Population::Explicit(Vec::new())
            }
            (None, None) => {
                self.problems.push_hint(
                    &at,
                    "population has neither `people` nor `synthetic`",
                    "add `\"people\": [{\"id\": \"alice\", \"idp_email\": \"alice@acme.com\"}]` or `\"synthetic\": {\"people\": 1000}`",
                );
                Population::Explicit(Vec::new())
            }
            (Some(people), None) => {
                let at = at.key("people");
                if people.len() > limits::MAX_PEOPLE {
                    self.problems.push(&at, format!("at most {} people are supported", limits::MAX_PEOPLE));
                }
                let mut out = Vec::with_capacity(people.len());
                for (i, p) in people.iter() {
                    out.push(self.check_person(p, &at.index(i)));
                }
                Population::Explicit(out)
            }
        }
    }

    fn check_synthetic(&mut self, s: &raw::SyntheticFile, domains: &[DomainSpec]) -> SyntheticSpec {
        let at = JsonPath::root().key("population").key("synthetic");
        // Unreadable people (reported already) read as 0: no "found 0" after it.
        let readable = !self.problems.any_within(&at.key("people"));
        if readable && (s.people == 0 || s.people > limits::MAX_PEOPLE as u64) {
            self.problems.push_hint(
                &at.key("people"),
                format!("people must be between 1 and {}, found {}", limits::MAX_PEOPLE, s.people),
                format!(
                    "each person needs about 1 KiB per replication in flight: {} people would need about {}",
                    s.people,
                    crate::format::human_bytes((s.people as f64 * BYTES_PER_PERSON) as u64)
                ),
            );
        }
        if domains.is_empty() {
            self.problems.push_hint(
                &at,
                "a synthetic population needs at least one domain for its emails",
                "add `\"domains\": [{\"name\": \"acme.com\"}]`",
            );
        }
        let mut share = |value: Option<f64>, field: &str, default: f64| match value {
            Some(v) => self.share(v, &at.key(field)),
            None => default,
        };
        let spec = SyntheticSpec {
            people: usize::try_from(s.people).unwrap_or(usize::MAX).min(limits::MAX_PEOPLE),
            idp_only_share: share(s.idp_only_share, "idp_only_share", 0.0),
            server_only_share: share(s.server_only_share, "server_only_share", 0.0),
            inactive_server_share: share(s.inactive_server_share, "inactive_server_share", 0.0),
            external_directory_share: share(s.external_directory_share, "external_directory_share", 0.0),
            initial_email_mismatch_share: share(
                s.initial_email_mismatch_share,
                "initial_email_mismatch_share",
                0.0,
            ),
            existing_cloud_account_share: share(
                s.existing_cloud_account_share,
                "existing_cloud_account_share",
                0.0,
            ),
            existing_cloud_other_email_share: share(
                s.existing_cloud_other_email_share,
                "existing_cloud_other_email_share",
                0.0,
            ),
            invalid_server_email_share: share(
                s.invalid_server_email_share,
                "invalid_server_email_share",
                0.0,
            ),
            duplicate_server_email_share: share(
                s.duplicate_server_email_share,
                "duplicate_server_email_share",
                0.0,
            ),
            content_owner_share: share(s.content_owner_share, "content_owner_share", 1.0),
            out_of_scope_share: share(s.out_of_scope_share, "out_of_scope_share", 0.0),
            sso_email_mismatch_share: share(s.sso_email_mismatch_share, "sso_email_mismatch_share", 0.0),
        };
        let kinds = spec.idp_only_share + spec.server_only_share + spec.inactive_server_share;
        if kinds > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "idp_only_share + server_only_share + inactive_server_share is {}, more than 1",
                    crate::format::format_number(kinds)
                ),
                "these are exclusive kinds of people; the rest are in both the IdP and on the server",
            );
        }
        let cloud = spec.existing_cloud_account_share + spec.existing_cloud_other_email_share;
        if cloud > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "existing_cloud_account_share + existing_cloud_other_email_share is {cloud}, more than 1"
                ),
                "a person has at most one pre-existing cloud account",
            );
        }
        let bad = spec.invalid_server_email_share + spec.duplicate_server_email_share;
        if bad > 1.0 + 1e-9 {
            self.problems.push_hint(
                &at,
                format!(
                    "invalid_server_email_share + duplicate_server_email_share is {}, more than 1",
                    crate::format::format_number(bad)
                ),
                "a server email is either invalid or a duplicate",
            );
        }
        spec
    }

    /// An IdP primary email belongs to one person; so does a pre-existing account's email.
    fn unique_email(&mut self, email: Option<&str>, id: &str, field: &str, at: &JsonPath) {
        let Some(email) = email.filter(|e| !e.is_empty()) else { return };
        let key = email_key(email, self.email_match).into_owned();
        let seen = if field == "idp_email" { &mut self.idp_emails } else { &mut self.cloud_emails };
        match seen.get(&key) {
            Some(first) => {
                let message = format!("`{email}` is also the {field} of `{first}`");
                let hint = if field == "idp_email" {
                    "an IdP primary email belongs to one person; give each person their own"
                } else {
                    "one email belongs to one Atlassian account; give the account to one person only"
                };
                self.problems.push_hint(&at.key(field), message, hint);
            }
            None => {
                seen.insert(key, id.to_string());
            }
        }
    }

    pub(super) fn check_person(&mut self, p: &PersonFile, at: &JsonPath) -> PersonSpec {
        self.people.add(&p.id, &at.key("id"), self.problems);
        // A blank server email is data (a server user whose email field is empty, as an export
        // gives it): the migration treats it as invalid (R3). The other emails must be real.
        for (field, value) in
            [("idp_email", &p.idp_email), ("cloud_email", &p.cloud_email), ("sso_email", &p.sso_email)]
        {
            if value.as_deref() == Some("") {
                self.problems.push_hint(
                    &at.key(field),
                    "email is empty",
                    format!("leave `{field}` out when the person has none"),
                );
            }
        }
        if let Some(email) = p.server_email.as_deref() {
            self.server_users.insert(p.id.clone());
            if !email.is_empty() {
                let key = crate::input::email::email_key(email, self.email_match).into_owned();
                self.server_emails.entry(key).or_insert_with(|| p.id.clone());
            }
        }
        if p.idp_email.is_some() {
            self.idp_users.insert(p.id.clone());
        }
        self.unique_email(p.idp_email.as_deref(), &p.id, "idp_email", at);
        self.unique_email(p.cloud_email.as_deref(), &p.id, "cloud_email", at);
        self.check_sso_email(p, at);
        let idp_groups = self.group_list(p.idp_groups.as_deref().unwrap_or_default(), &at.key("idp_groups"));
        let server_groups =
            self.group_list(p.server_groups.as_deref().unwrap_or_default(), &at.key("server_groups"));
        let cloud_groups =
            self.group_list(p.cloud_groups.as_deref().unwrap_or_default(), &at.key("cloud_groups"));
        // A person whose fields already have problems (say a misspelt `idp_emial`) gets no
        // follow-on complaints about what those fields would have said.
        let consistent = !self.problems.any_within(at);
        if consistent && p.idp_email.is_none() && !idp_groups.is_empty() {
            self.problems.push_hint(
                &at.key("idp_groups"),
                "a person without `idp_email` has no IdP identity and cannot be in IdP groups",
                "add `idp_email` or remove `idp_groups`",
            );
        }
        if consistent && p.server_email.is_none() && !server_groups.is_empty() {
            self.problems.push_hint(
                &at.key("server_groups"),
                "a person without `server_email` has no server identity and cannot be in server groups",
                "add `server_email` or remove `server_groups`",
            );
        }
        if consistent && p.cloud_active.is_some() && p.cloud_email.is_none() {
            self.problems.push_hint(
                &at.key("cloud_active"),
                "a person without `cloud_email` has no pre-existing account",
                "add `cloud_email`, or remove `cloud_active`",
            );
        }
        if consistent && !cloud_groups.is_empty() && p.cloud_email.is_none() {
            self.problems.push_hint(
                &at.key("cloud_groups"),
                "a person without `cloud_email` has no pre-existing account to put in cloud groups",
                "add `cloud_email` or remove `cloud_groups`",
            );
        }
        for (i, g) in cloud_groups.iter().enumerate() {
            let name = self.groups.names[g.index()].clone();
            if !self.group_has_cloud_grants.contains(&g.index()) {
                self.problems.push_hint(
                    &at.key("cloud_groups").index(i),
                    format!("group `{name}` does not exist in cloud at the start"),
                    format!("give group `{name}` a `cloud_grants` list (may be empty) to create it as a local cloud group"),
                );
            }
        }
        PersonSpec {
            id: p.id.clone(),
            idp_email: p.idp_email.clone(),
            server_email: p.server_email.clone(),
            cloud_email: p.cloud_email.clone(),
            cloud_active: p.cloud_active.unwrap_or(true),
            directory: p.directory.unwrap_or_default(),
            server_active: p.server_active.unwrap_or(true),
            idp_groups,
            server_groups,
            cloud_groups,
            in_idp_scope: p.in_idp_scope.unwrap_or(true),
            owns_content: p.owns_content.unwrap_or(true),
            employed: p.employed.unwrap_or(true),
            sso_email: p.sso_email.clone(),
        }
    }

    /// R23: an SSO email is a valid address of a person with an IdP identity, and no other
    /// person's IdP or SSO email (two people would sign in to one account); an IdP email is
    /// no other person's SSO email either. It may equal the person's own IdP email.
    fn check_sso_email(&mut self, p: &PersonFile, at: &JsonPath) {
        if let Some(idp) = p.idp_email.as_deref().filter(|e| !e.is_empty()) {
            let key = email_key(idp, self.email_match);
            if let Some(owner) = self.sso_emails.get(key.as_ref()).filter(|o| **o != p.id) {
                self.problems.push_hint(
                    &at.key("idp_email"),
                    format!("`{idp}` is the sso_email of `{owner}`"),
                    "an address signs in one person: give each person their own",
                );
            }
        }
        let Some(sso) = p.sso_email.as_deref().filter(|e| !e.is_empty()) else { return };
        let here = at.key("sso_email");
        if p.idp_email.is_none() {
            self.problems.push_hint(
                &here,
                "a person without `idp_email` has no IdP identity, so no SSO assertion of the IdP",
                "add `idp_email` (the address SCIM sends) or remove `sso_email`",
            );
            return;
        }
        if !crate::input::email::is_valid(sso) {
            self.problems.push_hint(
                &here,
                format!("`{sso}` is not a valid email"),
                "write the address the SSO assertion carries, such as `ann.lee@acme.com` (a UPN)",
            );
            return;
        }
        let key = email_key(sso, self.email_match).into_owned();
        let taken = self
            .idp_emails
            .get(&key)
            .filter(|o| **o != p.id)
            .map(|o| ("idp_email", o))
            .or_else(|| self.sso_emails.get(&key).map(|o| ("sso_email", o)));
        match taken {
            Some((field, owner)) => {
                let message = format!("`{sso}` is also the {field} of `{owner}`");
                self.problems.push_hint(
                    &here,
                    message,
                    "two people signing in with one address would share one account: give each their own",
                );
            }
            None => {
                self.sso_emails.insert(key, p.id.clone());
            }
        }
    }
}
