//! The event queue: everything that will happen, ordered by (time, seq).
//!
//! Two events at the same virtual millisecond happen in the order they were
//! scheduled (`seq` breaks the tie), which is what makes a run reproducible:
//! there is no other source of ordering. Events that became meaningless (a
//! delivery on a link that was cut meanwhile) stay in the queue and are
//! recognised as stale when they come up, rather than being searched for and
//! removed.
//!
//! It is a binary heap keyed by (time, seq): the earliest event comes out
//! first, and its code is a fraction of a `BTreeMap`'s in the page's
//! download.

use crate::sim::links::{ConnId, NodeId};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// One scheduled happening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev<T> {
    /// A node's timer fires.
    Timer { node: NodeId, timer: T },
    /// The server side of a new connection accepts it.
    Accept { conn: ConnId },
    /// The client side's connect completes.
    Connected { conn: ConnId },
    /// The client side's connect failed (no such node, or the link is down).
    ConnectFailed {
        conn: ConnId,
        node: NodeId,
        error: String,
    },
    /// A link direction finished putting a chunk on the wire.
    TxDone {
        link: (NodeId, NodeId),
        dir: usize,
        serial: u64,
    },
    /// The oldest chunk in flight on a link direction arrives.
    Deliver {
        link: (NodeId, NodeId),
        dir: usize,
        serial: u64,
    },
    /// Everything a node wrote with a notification token has left it.
    Sent {
        node: NodeId,
        conn: ConnId,
        token: u64,
    },
}

/// An event with its place in the order.
#[derive(Clone, Debug)]
struct Scheduled<T> {
    at_ms: u64,
    seq: u64,
    ev: Ev<T>,
}

// Ordered by (time, seq) alone: `seq` is unique, so two entries are never
// equal unless they are the same one.
impl<T> PartialEq for Scheduled<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.at_ms, self.seq) == (other.at_ms, other.seq)
    }
}

impl<T> Eq for Scheduled<T> {}

impl<T> PartialOrd for Scheduled<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Scheduled<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at_ms, self.seq).cmp(&(other.at_ms, other.seq))
    }
}

/// The queue itself, generic over the nodes' timer type.
#[derive(Clone, Debug)]
pub struct Queue<T> {
    events: BinaryHeap<Reverse<Scheduled<T>>>,
    next_seq: u64,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            events: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<T> Queue<T> {
    /// Schedules `ev` at virtual time `at_ms`.
    pub fn push(&mut self, at_ms: u64, ev: Ev<T>) {
        let seq = self.next_seq;
        self.events.push(Reverse(Scheduled { at_ms, seq, ev }));
        self.next_seq += 1;
    }

    /// Removes and returns the earliest event with its time.
    pub fn pop(&mut self) -> Option<(u64, Ev<T>)> {
        self.events.pop().map(|Reverse(s)| (s.at_ms, s.ev))
    }

    /// When the earliest event happens.
    pub fn next_time(&self) -> Option<u64> {
        self.events.peek().map(|Reverse(s)| s.at_ms)
    }

    /// Number of scheduled events (stale ones included).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// True if any scheduled event matches `pred` (used by the quiet check).
    pub fn any(&self, pred: impl Fn(&Ev<T>) -> bool) -> bool {
        self.events.iter().any(|Reverse(s)| pred(&s.ev))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_by_time_then_insertion() {
        let mut q: Queue<()> = Queue::default();
        let ev = |conn| Ev::Accept { conn };
        q.push(5, ev(1));
        q.push(3, ev(2));
        q.push(5, ev(3));
        assert_eq!(q.pop(), Some((3, ev(2))));
        assert_eq!(q.pop(), Some((5, ev(1))));
        assert_eq!(q.pop(), Some((5, ev(3))));
        assert_eq!(q.pop(), None);
    }
}
