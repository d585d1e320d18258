//! The event queue: everything that will happen, ordered by (time, seq).
//!
//! Two events at the same virtual millisecond happen in the order they were
//! scheduled (`seq` breaks the tie), which is what makes a run reproducible:
//! there is no other source of ordering. Events that became meaningless (a
//! delivery on a link that was cut meanwhile) stay in the queue and are
//! recognised as stale when they come up, rather than being searched for and
//! removed.

use crate::node::Timer;
use crate::sim::links::{ConnId, NodeId};
use std::collections::BTreeMap;

/// One scheduled happening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    /// A node's timer fires.
    Timer { node: NodeId, timer: Timer },
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

/// The queue itself.
#[derive(Clone, Debug, Default)]
pub struct Queue {
    events: BTreeMap<(u64, u64), Ev>,
    next_seq: u64,
}

impl Queue {
    /// Schedules `ev` at virtual time `at_ms`.
    pub fn push(&mut self, at_ms: u64, ev: Ev) {
        self.events.insert((at_ms, self.next_seq), ev);
        self.next_seq += 1;
    }

    /// Removes and returns the earliest event with its time.
    pub fn pop(&mut self) -> Option<(u64, Ev)> {
        self.events.pop_first().map(|((t, _), ev)| (t, ev))
    }

    /// When the earliest event happens.
    pub fn next_time(&self) -> Option<u64> {
        self.events.first_key_value().map(|((t, _), _)| *t)
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
    pub fn any(&self, pred: impl Fn(&Ev) -> bool) -> bool {
        self.events.values().any(pred)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_by_time_then_insertion() {
        let mut q = Queue::default();
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
