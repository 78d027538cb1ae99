//! The closed set of events of a simulation. They are dispatched in one place,
//! [`World::dispatch`](super::run) in `run.rs`, beside the loop that pops them; the queue that
//! orders them is [`super::engine::EventQueue`], which knows nothing of them.

use super::PersonId;
use super::emails::EmailId;
use crate::sim::observe::Trigger;

/// Everything that can happen. One closed enum, one dispatch (`World::dispatch` in `run.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// An external directory reactivates a rehired person after the lag (R25).
    ServerReactivates {
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
            Event::ServerEmailFollows { .. }
            | Event::ServerDeactivates { .. }
            | Event::ServerReactivates { .. } => Trigger::ServerLag,
        }
    }
}
