//! The rules (DESIGN §3), one file per rule family, named after the Atlassian concept. Each
//! file is an `impl World` block that reads the world through its accessors, changes it only
//! through its primitives, and names the rule it applies (`World::set_rule`) for the observer.
//!
//! | rule | file | function(s) |
//! |---|---|---|
//! | R1 email keys | `sim/emails.rs` | `EmailBook::intern`, `Emails::intern` (one id per key); `World::account_by_email` |
//! | R2′ domains (a claim needs an account) | [`domains`] | `verify_domain`, `claim_accounts`; the auto-claim in `World::create_account` |
//! | R3 migration, users | [`migration`] | `migrate`, `migrate_user` |
//! | R4 migration, groups | [`migration`] | `ensure_migrated_group`, `add_migrated_member` |
//! | R5 enable SCIM, syncs | [`provisioning`] | `enable_scim`, `sync_tick`, `push_queued`, `queue_user`, `queue_group`, `mark_dirty`, `mark_dirty_in`, `mark_membership_changed` |
//! | R6 SCIM user create/link | [`scim_users`] | `push_user`, `create_record`, `link_target`, `link`, `try_link`, `deferred_link` (also run by group pushes: [`scim_groups`] `link_member`) |
//! | R7 SCIM email change | [`scim_users`] | `push_email_change` (called by `update_record`) |
//! | R8 IdP re-key | [`scim_users`] | `rekey`; the failing create in `create_record` |
//! | R9 deprovision | [`scim_users`] | `push_deprovision` (called by `update_record`: alone for a leaver, after R7 for an employed user) |
//! | R10 group push and conflicts | [`scim_groups`] | `push_group`, `push_group_as`, `replace_members`, `link_member`, `scim_account` |
//! | R11 group deletion | [`scim_groups`] | `push_group_deletion`; the IdP side in [`idp_changes`]: `delete_idp_group`, `create_idp_group` |
//! | R12 disable SCIM | [`disable`] | `disable_scim` |
//! | R13 admin email fix | [`email_fix`] | `fix_emails` |
//! | R14 sign-in | [`sign_in`] | `cutover`, `sign_in`, `after_sign_in_email_change`; `World::schedule_sign_in` |
//! | R15 server directory drift | [`server_directory`] | `when_server_follows`, `server_email_follows` |
//! | R16 joiners and leavers | [`churn`] | `join`, `leave`; on the server [`server_directory`]: `server_deactivates` |
//! | R17 admin-created account | [`admin_accounts`] | `create_admin_account` |
//! | R18 email remap in the migration | [`migration`] | `migration_emails` (called by `migrate`) |
//! | R19 matching attribute | [`scim_users`] | `match_by_user_name` and the `email_filter` failure in `push_user`; `World::matching` |
//! | R20 deprovisioning setting | [`scim_users`] | `push_deprovision` (`none`, `delete`); `World::deprovision` |
//! | R21 pause and resume | [`disable`] | `resume_scim`, `full_sync`, `push_every_group_whole`; the queueing while stopped in [`provisioning`]: `queues_changes` |
//! | R22 group membership updates | [`scim_groups`] | `patch_members` (`patch`), `reconcile_members` (`replace`), `place_member`, `restore_placements`; `World::group_updates`; a new IdP object as a membership change in [`provisioning`]: `mark_record_changed` |
//! | R23 SSO sign-in email | [`sign_in`] | `align_sso`; the SSO email in `World::sign_in_email` |
//! | R24 full resync | [`resync`] | `resync`; the whole-list push in [`scim_groups`]: `push_group_whole` |
//! | R25 scope and lifecycle events | [`lifecycle`] | `assign`, `unassign`, `rehire`; the out-of-scope deprovision in [`scim_users`]: `push_user`; on the server [`server_directory`]: `server_reactivates` |
//!
//! The other exogenous IdP changes (email changes, drift, domain moves, group membership) are
//! in [`idp_changes`]; what they cause in Atlassian is R7, R10, R11, R14 and R15.

pub mod admin_accounts;
pub mod churn;
pub mod disable;
pub mod domains;
pub mod email_fix;
pub mod idp_changes;
pub mod lifecycle;
pub mod migration;
pub mod provisioning;
pub mod resync;
pub mod scim_groups;
pub mod scim_users;
pub mod server_directory;
pub mod sign_in;
