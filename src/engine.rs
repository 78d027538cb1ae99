//! The event queue and the closed set of events.
//!
//! Order: events run by time; at the same second, in the order they were scheduled (FIFO by
//! insertion sequence). A run schedules the exogenous events first, then the strategy's
//! actions, so at one instant exogenous events run first; events created during the run (sync
//! ticks, sign-ins, directory lags) run after everything already scheduled for their second.

use crate::model::emails::EmailId;
use crate::model::{PersonId, SimTime};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Everything that can happen. One closed enum, one dispatch ([`crate::model::world::World::dispatch`]).
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

#[derive(Debug)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, sequence).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A priority queue of events ordered by (time, insertion sequence).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    next_seq: u64,
}

impl EventQueue {
    /// Schedules `event` at `at`, after everything already scheduled for that second.
    pub fn schedule(&mut self, at: SimTime, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { at, seq, event });
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|s| s.at)
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(SimTime, Event)> {
        self.heap.pop().map(|s| (s.at, s.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_run_in_insertion_order_and_time_wins() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(10), Event::Action(0));
        q.schedule(SimTime(5), Event::Exogenous(0));
        q.schedule(SimTime(10), Event::Action(1));
        q.schedule(SimTime(10), Event::SyncTick { generation: 1 });
        q.schedule(SimTime(5), Event::Exogenous(1));
        let order: Vec<(i64, Event)> = std::iter::from_fn(|| q.pop()).map(|(t, e)| (t.0, e)).collect();
        assert_eq!(
            order,
            vec![
                (5, Event::Exogenous(0)),
                (5, Event::Exogenous(1)),
                (10, Event::Action(0)),
                (10, Event::Action(1)),
                (10, Event::SyncTick { generation: 1 }),
            ]
        );
    }
}
