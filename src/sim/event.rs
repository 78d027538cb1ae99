//! The closed set of events of a simulation and the one place they are dispatched.
//!
//! The queue that orders them is [`super::engine::EventQueue`], which knows nothing of them.

use super::PersonId;
use super::emails::EmailId;
use super::world::World;
use crate::input::scenario::{ActionKind, ExoEvent, ExoKind, Strategy};
use crate::sim::observe::{Observer, Trigger};

/// Everything that can happen. One closed enum, one dispatch ([`World::dispatch`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Exogenous event `k` of the replication's list.
    Exogenous(usize),
    /// Action `k` of the strategy's timeline.
    Action(usize),
    /// A SCIM sync of provisioning directory `generation`.
    SyncTick {
        /// Directory generation that scheduled it; a tick of a deleted directory does nothing.
        generation: u32,
    },
    /// A person signs in (R14).
    SignIn {
        /// Who.
        person: PersonId,
    },
    /// An external directory takes over an IdP email change after the lag (R15).
    ServerEmailFollows {
        /// Whose server user.
        person: PersonId,
        /// The email it takes.
        email: EmailId,
    },
    /// An external directory deactivates a leaver after the lag (R16).
    ServerDeactivates {
        /// Whose server user.
        person: PersonId,
    },
}

impl Event {
    /// The event as observations name it.
    pub fn trigger(&self) -> Trigger {
        match self {
            Event::Exogenous(k) => Trigger::Exogenous(*k),
            Event::Action(k) => Trigger::Action(*k),
            Event::SyncTick { .. } => Trigger::SyncTick,
            Event::SignIn { .. } => Trigger::SignIn,
            Event::ServerEmailFollows { .. } | Event::ServerDeactivates { .. } => Trigger::ServerLag,
        }
    }
}

impl<O: Observer> World<'_, O> {
    /// Handles one event. The one place every kind of event is dispatched.
    pub fn dispatch(&mut self, event: Event, events: &[ExoEvent]) {
        self.begin_event(event.trigger());
        match event {
            Event::Exogenous(k) => match &events[k].kind {
                ExoKind::ChangeIdpEmail { person, to } => {
                    let to = self.intern_email(to);
                    self.change_idp_email(*person, to);
                }
                ExoKind::RekeyIdpObject { person } => self.rekey(*person),
                ExoKind::Leave { person } => self.leave(*person),
                ExoKind::Join { person, spec } => self.join(*person, spec),
                ExoKind::DeleteIdpGroup { group } => self.delete_idp_group(*group),
                ExoKind::CreateIdpGroup { group, members } => {
                    self.create_idp_group(*group, members.as_deref())
                }
                ExoKind::IdpEmailDrift { person, ordinal } => self.idp_email_drift(*person, *ordinal),
                ExoKind::AddToIdpGroup { group, person } => self.add_to_idp_group(*group, *person),
                ExoKind::RemoveFromIdpGroup { group, person } => self.remove_from_idp_group(*group, *person),
                ExoKind::MoveDomain { from, to, share, ordinal } => {
                    self.move_domain(from, to, *share, *ordinal)
                }
            },
            Event::Action(k) => {
                let strategy: &Strategy = self.strategy();
                match &strategy.actions[k].kind {
                    ActionKind::VerifyDomain(d) => self.verify_domain(*d),
                    ActionKind::ClaimAccounts { auto } => self.claim_accounts(*auto),
                    ActionKind::EnableScim => self.enable_scim(),
                    ActionKind::Migrate(options) => self.migrate(*options),
                    ActionKind::FixEmails { coverage } => self.fix_emails(*coverage),
                    ActionKind::Cutover { login_spread } => self.cutover(*login_spread),
                    ActionKind::DisableScim(method) => self.disable_scim(*method),
                }
            }
            Event::SyncTick { generation } => self.sync_tick(generation),
            Event::SignIn { person } => self.sign_in(person),
            Event::ServerEmailFollows { person, email } => self.server_email_follows(person, email),
            Event::ServerDeactivates { person } => self.server_deactivates(person),
        }
        self.settle();
    }
}
