//! Reason codes (DESIGN §10): why a person ended up with a bad outcome, in words a consultant
//! can read out. `scimsim trace`, `people.csv` and the summary share them; README lists them.
//!
//! Each outcome has its own family of codes: a duplicate (or split identity) is explained by how
//! its surplus account came to be, lost access by the cause of the loss, missing access without
//! a loss by where the chain from entitlement to access broke, an orphaned account by why the
//! leaver's deprovisioning did not reach it, and over-access by where the extra product comes
//! from.

use super::Cause;

/// Why a person has a bad outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Duplicate: the migration created an account for a server email other than the email of
    /// the account the person already had.
    MigrationEmailDiffers,
    /// Duplicate: a sign-in (at cutover, or after an email change) with an email no account
    /// held created a self-signup account.
    SelfSignupAtCutover,
    /// Duplicate: the SSO assertion carried an address SCIM does not send (R23), and the
    /// sign-in with it created a self-signup account.
    SsoEmailDiffers,
    /// Duplicate: SCIM created a managed account for an IdP email no account held, though the
    /// person already had one under another email.
    ScimCreatedNewAccount,
    /// Duplicate: a new IdP object (a re-key, a rehire as a new object, a name change under
    /// `matching: email`) got a new record, which created a second account.
    RekeyNewRecord,
    /// Duplicate: the migration created a placeholder account (invalid or shared email).
    PlaceholderAccount,
    /// Duplicate: an account that existed before the migration, under another email.
    PreExistingOtherEmail,
    /// Duplicate: an admin invited an account for the person (R17).
    AdminInvitedAccount,
    /// Lost access: an IdP group deletion deleted the cloud group (R11).
    GroupDeleted,
    /// Lost access: accepting a group conflict replaced the local group's members (R10).
    ConflictAccepted,
    /// Lost access: an email update unlinked the account and took it out of SCIM groups (R7).
    EmailUpdateUnlinked,
    /// Lost access: a push of the IdP group removed members the migration had added (R4 `add`).
    ScimGroupOverwritten,
    /// Lost access: the person signed in to another account, without the access (R14).
    SignedIntoNewAccount,
    /// Lost access: a deprovisioning deactivated an account the person still used (R9).
    DeprovisionedInUse,
    /// Lost access, for another reason.
    LostAccessOther,
    /// Missing access: entitled through the IdP, but SCIM has no record of them (no directory,
    /// out of it, or the push failed).
    NotProvisioned,
    /// Missing access: their SCIM record is linked to no account (its email's domain was not
    /// verified and claimed when it was pushed, R6).
    UnlinkedScimRecord,
    /// Missing access: they sign in to an account their SCIM record is not linked to.
    SignedIntoOtherAccount,
    /// Missing access: the account they sign in to is deactivated.
    LoginAccountDeactivated,
    /// Missing access: their account is linked and active but not in the provisioned group
    /// that grants the product (ACCESS-1737; a late link under `patch`; a group not pushed).
    NotInProvisionedGroup,
    /// Missing access: entitled through the server, and no cloud group their account is in
    /// grants the product.
    NoGrantingGroup,
    /// Orphaned: the leaver's account is still linked to an active record — the IdP sent no
    /// deprovisioning (R20 `none`, or a directory stopped in the IdP; a deleted directory leaves
    /// no record: `account_not_provisioned`).
    DeprovisionNotSent,
    /// Orphaned: the leaver's account is linked to no SCIM record, so no deprovisioning could
    /// reach it.
    AccountNotProvisioned,
    /// Over-access: a SCIM group they are no longer an IdP member of still holds them.
    StaleMembership,
    /// Over-access: the migration added them to a SCIM group (R4 `add`).
    MigrationAddedToScimGroup,
    /// Over-access: a cloud group grants more than the scenario's grants for its name (a
    /// local or migrated group's cloud grants, kept by an accepted conflict).
    CloudGrantsDiffer,
    /// Split identity without a duplicate: their content is on an account other than the one
    /// they sign in to.
    ContentOnOtherAccount,
}

impl Reason {
    /// Every reason, in documentation order.
    pub const ALL: [Reason; 27] = [
        Reason::MigrationEmailDiffers,
        Reason::SelfSignupAtCutover,
        Reason::SsoEmailDiffers,
        Reason::ScimCreatedNewAccount,
        Reason::RekeyNewRecord,
        Reason::PlaceholderAccount,
        Reason::PreExistingOtherEmail,
        Reason::AdminInvitedAccount,
        Reason::GroupDeleted,
        Reason::ConflictAccepted,
        Reason::EmailUpdateUnlinked,
        Reason::ScimGroupOverwritten,
        Reason::SignedIntoNewAccount,
        Reason::DeprovisionedInUse,
        Reason::LostAccessOther,
        Reason::NotProvisioned,
        Reason::UnlinkedScimRecord,
        Reason::SignedIntoOtherAccount,
        Reason::LoginAccountDeactivated,
        Reason::NotInProvisionedGroup,
        Reason::NoGrantingGroup,
        Reason::DeprovisionNotSent,
        Reason::AccountNotProvisioned,
        Reason::StaleMembership,
        Reason::MigrationAddedToScimGroup,
        Reason::CloudGrantsDiffer,
        Reason::ContentOnOtherAccount,
    ];

    /// The code, as `people.csv`, `trace` and README write it.
    pub fn code(self) -> &'static str {
        match self {
            Reason::MigrationEmailDiffers => "migration_email_differs",
            Reason::SelfSignupAtCutover => "self_signup_at_cutover",
            Reason::SsoEmailDiffers => "sso_email_differs",
            Reason::ScimCreatedNewAccount => "scim_created_new_account",
            Reason::RekeyNewRecord => "rekey_new_record",
            Reason::PlaceholderAccount => "placeholder_account",
            Reason::PreExistingOtherEmail => "pre_existing_other_email",
            Reason::AdminInvitedAccount => "admin_invited_account",
            Reason::GroupDeleted => "group_deleted",
            Reason::ConflictAccepted => "conflict_accepted",
            Reason::EmailUpdateUnlinked => "email_update_unlinked",
            Reason::ScimGroupOverwritten => "scim_group_overwritten",
            Reason::SignedIntoNewAccount => "signed_into_new_account",
            Reason::DeprovisionedInUse => "deprovisioned_in_use",
            Reason::LostAccessOther => "lost_access_other",
            Reason::NotProvisioned => "not_provisioned",
            Reason::UnlinkedScimRecord => "unlinked_scim_record",
            Reason::SignedIntoOtherAccount => "signed_into_other_account",
            Reason::LoginAccountDeactivated => "login_account_deactivated",
            Reason::NotInProvisionedGroup => "not_in_provisioned_group",
            Reason::NoGrantingGroup => "no_granting_group",
            Reason::DeprovisionNotSent => "deprovision_not_sent",
            Reason::AccountNotProvisioned => "account_not_provisioned",
            Reason::StaleMembership => "stale_membership",
            Reason::MigrationAddedToScimGroup => "migration_added_to_scim_group",
            Reason::CloudGrantsDiffer => "cloud_grants_differ",
            Reason::ContentOnOtherAccount => "content_on_other_account",
        }
    }

    /// What a reason code says, in a phrase (README's table of codes says the same).
    pub fn gloss(self) -> &'static str {
        match self {
            Reason::MigrationEmailDiffers => {
                "the migration made an account for a server email other than the one they already had"
            }
            Reason::SelfSignupAtCutover => {
                "a sign-in with an email no account held made a self-signup account"
            }
            Reason::SsoEmailDiffers => {
                "the SSO assertion carries an address SCIM does not send, and signing in with it made a self-signup account"
            }
            Reason::ScimCreatedNewAccount => "SCIM made an account for an IdP email no account held",
            Reason::RekeyNewRecord => "a new IdP object got a new SCIM record, which made a second account",
            Reason::PlaceholderAccount => {
                "the migration made a placeholder account for an invalid or shared email"
            }
            Reason::PreExistingOtherEmail => "their account from before the migration has another email",
            Reason::AdminInvitedAccount => "an admin invited an account for them",
            Reason::GroupDeleted => "an IdP group deletion deleted the cloud group",
            Reason::ConflictAccepted => "accepting a group conflict replaced the local group's members",
            Reason::EmailUpdateUnlinked => {
                "an email update unlinked their account and took it out of the SCIM groups"
            }
            Reason::ScimGroupOverwritten => {
                "a push of the IdP group removed the members the migration had added"
            }
            Reason::SignedIntoNewAccount => "they signed in to another account, which lacks the access",
            Reason::DeprovisionedInUse => "a deprovisioning deactivated the account they use",
            Reason::LostAccessOther => "a change took the access away",
            Reason::NotProvisioned => "SCIM has no record of them (no directory, or the push failed)",
            Reason::UnlinkedScimRecord => "their SCIM record is linked to no account",
            Reason::SignedIntoOtherAccount => "they sign in to an account their SCIM record is not linked to",
            Reason::LoginAccountDeactivated => "the account they sign in to is deactivated",
            Reason::NotInProvisionedGroup => "their account is not in the provisioned group that grants it",
            Reason::NoGrantingGroup => "no cloud group their account is in grants what the server grants",
            Reason::DeprovisionNotSent => "the IdP sent no deprovisioning for their record",
            Reason::AccountNotProvisioned => {
                "the account is linked to no SCIM record, so no deprovisioning reaches it"
            }
            Reason::StaleMembership => "a SCIM group still holds them though the IdP no longer does",
            Reason::MigrationAddedToScimGroup => "the migration added them to a SCIM group",
            Reason::CloudGrantsDiffer => "a cloud group grants more than its name's grants",
            Reason::ContentOnOtherAccount => {
                "their content is on another account than the one they sign in to"
            }
        }
    }

    /// The reason of a loss of this cause.
    pub fn of_loss(cause: Cause) -> Reason {
        match cause {
            Cause::GroupDeleted => Reason::GroupDeleted,
            Cause::ConflictAccepted => Reason::ConflictAccepted,
            Cause::EmailUpdateUnlinked => Reason::EmailUpdateUnlinked,
            Cause::ScimGroupOverwritten => Reason::ScimGroupOverwritten,
            Cause::SignedIntoNewAccount => Reason::SignedIntoNewAccount,
            Cause::DeprovisionedInUse => Reason::DeprovisionedInUse,
            Cause::Other => Reason::LostAccessOther,
        }
    }

    /// Its index in [`Reason::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_declaration_order() {
        for (i, r) in Reason::ALL.into_iter().enumerate() {
            assert_eq!(r.index(), i, "{r:?}");
        }
        let mut codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
        // A loss's reason code is the cause's own name (`other` is qualified).
        for cause in Cause::ALL {
            let code = Reason::of_loss(cause).code();
            assert!(code == cause.name() || code == format!("lost_access_{}", cause.name()), "{code}");
        }
    }
}
