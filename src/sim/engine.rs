//! The event queue: a priority queue of events of any type, ordered by time.
//!
//! Order: events run by time; at the same second, in the order they were scheduled (FIFO by
//! insertion sequence). A run schedules the exogenous events first, then the strategy's
//! actions, so at one instant exogenous events run first; events created during the run (sync
//! ticks, sign-ins, directory lags) run after everything already scheduled for their second.
//!
//! The queue knows nothing of what an event is: scimsim's closed set of events and their one
//! dispatch are in [`crate::sim::event`].

use crate::ids::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug)]
struct Scheduled<E> {
    at: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, sequence).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A priority queue of events ordered by (time, insertion sequence).
///
/// Events scheduled one at a time go to a binary heap. A large batch scheduled at once (a
/// cutover's sign-ins) is sorted once and kept as a *run*, popped from its end, so a million
/// sign-ins do not each pay a heap operation. The order is the same either way: every event
/// gets its sequence number when scheduled, and `pop` takes the least (time, sequence) of the
/// heap's top and the runs' next events.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    /// Sorted runs, each in descending (time, sequence) order.
    runs: Vec<Vec<Scheduled<E>>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), runs: Vec::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `at`, after everything already scheduled for that second.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { at, seq, event });
    }

    /// Schedules many events at once, in the given order (as if `schedule` were called for
    /// each).
    pub fn schedule_batch(&mut self, events: impl IntoIterator<Item = (SimTime, E)>) {
        let mut run: Vec<Scheduled<E>> = events
            .into_iter()
            .map(|(at, event)| {
                let seq = self.next_seq;
                self.next_seq += 1;
                Scheduled { at, seq, event }
            })
            .collect();
        if run.is_empty() {
            return;
        }
        // `Scheduled`'s order is reversed (earliest is greatest): sorting ascending by it puts
        // the earliest event last, where `pop` takes it.
        run.sort_unstable();
        self.runs.push(run);
    }

    /// Index of the run holding the next event, when a run's event comes before the heap's.
    fn next_run(&self) -> Option<usize> {
        let mut best: Option<(usize, &Scheduled<E>)> = None;
        for (i, run) in self.runs.iter().enumerate() {
            if let Some(last) = run.last() {
                if best.is_none_or(|(_, b)| last > b) {
                    best = Some((i, last));
                }
            }
        }
        match (best, self.heap.peek()) {
            (Some((i, r)), Some(h)) if r > h => Some(i),
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<SimTime> {
        match self.next_run() {
            Some(i) => self.runs[i].last().map(|s| s.at),
            None => self.heap.peek().map(|s| s.at),
        }
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let next = match self.next_run() {
            Some(i) => {
                let next = self.runs[i].pop();
                if self.runs[i].is_empty() {
                    self.runs.swap_remove(i);
                }
                next
            }
            None => self.heap.pop(),
        };
        next.map(|s| (s.at, s.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() + self.runs.iter().map(Vec::len).sum::<usize>()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events of the tests: the queue needs nothing of them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Ev {
        Exogenous(u32),
        Action(u32),
        Tick,
        SignIn(u32),
    }

    fn drain(q: &mut EventQueue<Ev>) -> Vec<(i64, Ev)> {
        std::iter::from_fn(|| q.pop()).map(|(t, e)| (t.0, e)).collect()
    }

    #[test]
    fn batches_interleave_with_single_events_in_sequence_order() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(10), Ev::Action(0));
        q.schedule_batch([
            (SimTime(10), Ev::SignIn(1)),
            (SimTime(5), Ev::SignIn(2)),
            (SimTime(10), Ev::SignIn(3)),
        ]);
        q.schedule(SimTime(10), Ev::Action(1));
        q.schedule_batch([(SimTime(7), Ev::SignIn(4))]);
        q.schedule(SimTime(5), Ev::Action(2));
        assert_eq!(q.len(), 7);
        assert_eq!(q.peek_time(), Some(SimTime(5)));
        assert_eq!(
            drain(&mut q),
            vec![
                (5, Ev::SignIn(2)),
                (5, Ev::Action(2)),
                (7, Ev::SignIn(4)),
                (10, Ev::Action(0)),
                (10, Ev::SignIn(1)),
                (10, Ev::SignIn(3)),
                (10, Ev::Action(1)),
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn ties_run_in_insertion_order_and_time_wins() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(10), Ev::Action(0));
        q.schedule(SimTime(5), Ev::Exogenous(0));
        q.schedule(SimTime(10), Ev::Action(1));
        q.schedule(SimTime(10), Ev::Tick);
        q.schedule(SimTime(5), Ev::Exogenous(1));
        assert_eq!(
            drain(&mut q),
            vec![
                (5, Ev::Exogenous(0)),
                (5, Ev::Exogenous(1)),
                (10, Ev::Action(0)),
                (10, Ev::Action(1)),
                (10, Ev::Tick),
            ]
        );
    }
}
