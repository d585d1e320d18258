//! Links and connections: how bytes move between nodes.
//!
//! Every pair of nodes has a link (created with defaults the first time it
//! is used): a latency, a bandwidth and an up/down switch per direction. A
//! *connection* is a TCP-like byte stream over a link, opened by one node
//! (the client, a replica) to another (the server, its master): ordered
//! bytes each way, closed by either side or by a cut.
//!
//! # How bytes travel
//!
//! A node's write is queued on its direction of the link. With a bandwidth
//! `B` bytes/s the direction transmits the queue in chunks of at most
//! `min(B / 10, 16 KiB)` bytes (a tenth of a second of transmission, and
//! never more than Redis's 16 KiB I/O buffer), each occupying the wire for
//! `ceil(len * 1000 / B)` ms; each chunk then arrives `latency_ms` later.
//! This is what turns an RDB payload into a series of chunk deliveries the
//! page can animate. Chunks never mix two writes, so every delivery is
//! either part of one RDB payload or one burst of commands. With unlimited
//! bandwidth a write goes on the wire at once, and writes made in the same
//! millisecond on the same connection travel together.
//!
//! # Cuts
//!
//! A cut is what a proxy between the two nodes does when told to cut,
//! which is how the conformance harness cuts real servers (and how Redis's
//! own tests do it); it is not a cable pulled out, whose effects would hang
//! on TCP's own timers.
//!
//! - Both ways down ([`Links::cut`]): every connection over the link is
//!   closed at both ends at once, and bytes queued or in flight are lost —
//!   what a Redis node sees when a proxy between them drops the connection.
//!   A new connection is accepted by the proxy and closed at once: it fails
//!   in the same millisecond, so a replica retrying its master is back in
//!   `connect` before anything can read it, never seen `connecting`.
//! - One way down: the connection stays open but nothing crosses in that
//!   direction; bytes in flight go back to the head of the queue and are
//!   sent again when the direction heals (TCP retransmission). Redis then
//!   notices only through its own timeouts (`repl-timeout`). A node that
//!   closes such a connection loses none of what it wrote before: the
//!   proxy holds those bytes, and the close behind them, until the heal. A new
//!   connection opens as usual and its bytes in the cut direction wait the
//!   same way: a replica reconnecting sends its PING, which (or whose PONG)
//!   is held, so it stays in `handshake` until `repl-timeout` or the heal.
//!
//! # Differences from real networks
//!
//! Socket buffers are not modelled: bytes a node wrote that have not been
//! transmitted yet count as its pending output (see [`Links::unsent`]),
//! which is what `client-output-buffer-limit` measures in the simulator.
//!
//! # Limits
//!
//! Queues are bounded by what nodes write; a master already disconnects a
//! replica whose pending output passes `client-output-buffer-limit`.
//!
//! The code is in three files: this one holds the link settings (latency,
//! bandwidth, the up/down switches) and cuts, [`conns`] the connections
//! (open, accept, close, FIN), [`transmit`] the bytes on the wire (queues,
//! chunks, flights, delivery).

mod conns;
mod transmit;

pub use crate::net::{ConnId, NodeId, Payload};
pub use conns::{Closure, Conn};
pub use transmit::{Flight, Outgoing};

use crate::sim::queue::Queue;
use crate::vec_map::VecMap;
use std::collections::VecDeque;
use transmit::{start_tx, Segment};

/// Latency of a link nobody configured.
pub const DEFAULT_LATENCY_MS: u64 = 1;

/// The most bytes one chunk carries: Redis's `PROTO_IOBUF_LEN`.
pub const MAX_CHUNK: u64 = 16 * 1024;

/// One direction of a link.
#[derive(Clone, Debug)]
pub struct Direction {
    /// False while cut.
    pub up: bool,
    queue: VecDeque<Segment>,
    /// Chunks on the wire, in arrival order.
    pub flights: VecDeque<Flight>,
    /// Serial of the chunk being transmitted (a `TxDone` is scheduled).
    tx: Option<(u64, usize)>,
    last_arrive_ms: u64,
}

impl Default for Direction {
    fn default() -> Direction {
        Direction {
            up: true,
            queue: VecDeque::new(),
            flights: VecDeque::new(),
            tx: None,
            last_arrive_ms: 0,
        }
    }
}

impl Direction {
    /// Bytes written but not yet on the wire.
    pub fn queued_bytes(&self) -> u64 {
        self.queue
            .iter()
            .map(|s| (s.bytes.len() - s.sent) as u64)
            .sum()
    }

    fn drop_all(&mut self) {
        self.queue.clear();
        self.flights.clear();
        self.tx = None;
    }
}

/// A link between two nodes.
#[derive(Clone, Debug)]
pub struct Link {
    /// One-way delay of every chunk.
    pub latency_ms: u64,
    /// Bytes per second, `None` for unlimited.
    pub bandwidth: Option<u64>,
    /// `[low id → high id, high id → low id]`.
    pub dirs: [Direction; 2],
}

impl Default for Link {
    fn default() -> Link {
        Link {
            latency_ms: DEFAULT_LATENCY_MS,
            bandwidth: None,
            dirs: [Direction::default(), Direction::default()],
        }
    }
}

impl Link {
    /// True when both directions are up.
    pub fn is_up(&self) -> bool {
        self.dirs[0].up && self.dirs[1].up
    }

    /// True when both directions are down.
    pub fn is_cut_both_ways(&self) -> bool {
        !self.dirs[0].up && !self.dirs[1].up
    }
}

/// All links and connections of a world.
#[derive(Clone, Debug, Default)]
pub struct Links {
    links: VecMap<(NodeId, NodeId), Link>,
    /// Open connections.
    pub conns: VecMap<ConnId, Conn>,
    next_serial: u64,
}

/// The key of the link between `a` and `b`, and the direction `from` → other.
fn key_dir(a: NodeId, b: NodeId, from: NodeId) -> ((NodeId, NodeId), usize) {
    let key = (a.min(b), a.max(b));
    (key, usize::from(from != key.0))
}

fn chunk_cap(bandwidth: u64) -> u64 {
    (bandwidth / 10).clamp(1, MAX_CHUNK)
}

impl Links {
    /// The link between `a` and `b`, if it was ever used or configured.
    pub fn get(&self, a: NodeId, b: NodeId) -> Option<&Link> {
        self.links.get(&(a.min(b), a.max(b)))
    }

    /// The link between `a` and `b`, created with defaults if needed.
    pub fn get_mut(&mut self, a: NodeId, b: NodeId) -> &mut Link {
        self.links
            .get_or_insert_with((a.min(b), a.max(b)), Link::default)
    }

    /// Every link ever used, keyed by (low id, high id).
    pub fn all(&self) -> impl Iterator<Item = (&(NodeId, NodeId), &Link)> {
        self.links.iter()
    }

    /// True when bytes can go both ways between `a` and `b`.
    pub fn is_up(&self, a: NodeId, b: NodeId) -> bool {
        self.get(a, b).map_or(true, Link::is_up)
    }

    /// True when bytes can go from `from` to `to`.
    pub fn is_up_from(&self, from: NodeId, to: NodeId) -> bool {
        let (key, dir) = key_dir(from, to, from);
        self.links.get(&key).map_or(true, |l| l.dirs[dir].up)
    }

    /// Cuts the link both ways: every connection over it is closed at both
    /// ends at once; returns who must be told.
    pub fn cut(&mut self, a: NodeId, b: NodeId) -> Vec<Closure> {
        let link = self.get_mut(a, b);
        for d in &mut link.dirs {
            d.up = false;
            d.drop_all();
        }
        self.close_all_between(a, b)
    }

    /// Cuts only `from` → `to`: connections stay open, bytes wait.
    pub fn cut_one_way(&mut self, from: NodeId, to: NodeId) {
        let (key, dir) = key_dir(from, to, from);
        let link = self.links.get_or_insert_with(key, Link::default);
        let d = &mut link.dirs[dir];
        d.up = false;
        d.tx = None;
        // Chunks on the wire are lost and will be sent again, in order,
        // ahead of everything still queued.
        while let Some(f) = d.flights.pop_back() {
            let (base, total) = match f.progress {
                Some((end, total)) => (end - f.bytes.len() as u64, total),
                None => (0, f.bytes.len() as u64),
            };
            d.queue.push_front(Segment {
                conn: f.conn,
                bytes: f.bytes,
                sent: 0,
                payload: f.payload,
                notify: None,
                fin: f.fin,
                progress_base: base,
                progress_total: total,
            });
        }
        // A partly transmitted segment restarts from where it stopped.
        d.last_arrive_ms = 0;
    }

    /// Heals both directions between `a` and `b`; held bytes start moving.
    pub fn heal<T>(&mut self, q: &mut Queue<T>, now: u64, a: NodeId, b: NodeId) {
        let key = (a.min(b), a.max(b));
        let serial = &mut self.next_serial;
        let link = self.links.get_or_insert_with(key, Link::default);
        for dir in 0..2 {
            link.dirs[dir].up = true;
            if link.dirs[dir].tx.is_none() && !link.dirs[dir].queue.is_empty() {
                start_tx(q, now, key, dir, link, serial);
            }
        }
    }

    /// The receiving node of a direction.
    pub fn receiver(key: (NodeId, NodeId), dir: usize) -> NodeId {
        if dir == 0 {
            key.1
        } else {
            key.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::queue::Ev;

    /// A connection from node 0 to node 1, accepted.
    fn setup(latency: u64, bandwidth: Option<u64>) -> (Links, Queue<()>) {
        let mut l = Links::default();
        let mut q = Queue::default();
        l.get_mut(0, 1).latency_ms = latency;
        l.get_mut(0, 1).bandwidth = bandwidth;
        l.connect(&mut q, 0, 7, 0, Some(1));
        assert!(l.accept(7).is_some());
        while q.pop().is_some() {}
        (l, q)
    }

    fn write(l: &mut Links, q: &mut Queue<()>, now: u64, from: NodeId, n: usize, payload: Payload) {
        let w = Outgoing {
            conn: 7,
            bytes: vec![b'x'; n],
            payload,
            notify: Some(1),
        };
        l.send(q, now, from, w);
    }

    /// Runs the queue, returning (time, bytes) of each delivery and the
    /// times of `Sent` notifications.
    fn drain(l: &mut Links, q: &mut Queue<()>) -> (Vec<(u64, usize)>, Vec<u64>) {
        let (mut got, mut sent) = (Vec::new(), Vec::new());
        while let Some((t, ev)) = q.pop() {
            match ev {
                Ev::TxDone { link, dir, serial } => l.tx_done(q, t, link, dir, serial),
                Ev::Deliver { link, dir, serial } => {
                    if let Some(f) = l.deliver(link, dir, serial) {
                        got.push((t, f.bytes.len()));
                    }
                }
                Ev::Sent { .. } => sent.push(t),
                _ => {}
            }
        }
        (got, sent)
    }

    /// Runs the queue, returning the sizes of the data deliveries and how
    /// many FINs arrived at node 1 on connection 7 (each closing its end).
    fn drain_with_fins(l: &mut Links, q: &mut Queue<()>) -> (Vec<usize>, usize) {
        let (mut got, mut fins) = (Vec::new(), 0);
        while let Some((t, ev)) = q.pop() {
            match ev {
                Ev::TxDone { link, dir, serial } => l.tx_done(q, t, link, dir, serial),
                Ev::Deliver { link, dir, serial } => match l.deliver(link, dir, serial) {
                    Some(f) if f.fin => {
                        fins += 1;
                        assert!(l.fin_arrived(7, 1));
                    }
                    Some(f) => got.push(f.bytes.len()),
                    None => {}
                },
                _ => {}
            }
        }
        (got, fins)
    }

    #[test]
    fn bandwidth_makes_tenth_of_a_second_chunks() {
        let (mut l, mut q) = setup(20, Some(10_000));
        write(&mut l, &mut q, 0, 0, 2_500, Payload::Rdb);
        let (got, sent) = drain(&mut l, &mut q);
        assert_eq!(got, vec![(120, 1_000), (220, 1_000), (270, 500)]);
        assert_eq!(sent, vec![250]);
    }

    /// Runs the first event, which must be the end of the first chunk's
    /// transmission; returns its time.
    fn first_chunk_on_the_wire(l: &mut Links, q: &mut Queue<()>) -> u64 {
        let (t, ev) = q.pop().unwrap();
        let Ev::TxDone { link, dir, serial } = ev else {
            panic!("{ev:?}")
        };
        l.tx_done(q, t, link, dir, serial);
        t
    }

    #[test]
    fn unlimited_bandwidth_joins_writes_of_the_same_millisecond() {
        let (mut l, mut q) = setup(5, None);
        write(&mut l, &mut q, 0, 0, 10, Payload::Command);
        write(&mut l, &mut q, 0, 0, 20, Payload::Command);
        write(&mut l, &mut q, 1, 0, 30, Payload::Command);
        let (got, _) = drain(&mut l, &mut q);
        assert_eq!(got, vec![(5, 30), (6, 30)]);
    }

    #[test]
    fn one_way_cut_holds_bytes_and_resends_them_in_order() {
        let (mut l, mut q) = setup(10, Some(10_000));
        write(&mut l, &mut q, 0, 0, 1_500, Payload::Rdb);
        // The first chunk is on the wire (sent at 100, arriving at 110).
        first_chunk_on_the_wire(&mut l, &mut q);
        l.cut_one_way(0, 1);
        assert_eq!(l.unsent(7, 0), 0, "RDB bytes are not output buffer");
        assert!(l.in_flight_from(7, 0));
        let (got, _) = drain(&mut l, &mut q);
        assert!(got.is_empty());
        l.heal(&mut q, 1_000, 0, 1);
        let (got, _) = drain(&mut l, &mut q);
        assert_eq!(got, vec![(1_110, 1_000), (1_160, 500)]);
    }

    #[test]
    fn close_drops_queued_bytes_but_delivers_the_wire_then_fin() {
        let (mut l, mut q) = setup(10, Some(10_000));
        write(&mut l, &mut q, 0, 0, 5_000, Payload::Rdb);
        let t = first_chunk_on_the_wire(&mut l, &mut q);
        l.close(&mut q, t, 7, 0);
        assert_eq!(drain_with_fins(&mut l, &mut q), (vec![1_000], 1));
        assert!(l.conns.is_empty());
    }

    #[test]
    fn a_cut_closes_both_ends_and_refuses_new_connections() {
        let (mut l, mut q) = setup(3, None);
        write(&mut l, &mut q, 0, 0, 10, Payload::Command);
        let told = l.cut(0, 1);
        assert_eq!(
            told,
            vec![Closure { node: 0, conn: 7 }, Closure { node: 1, conn: 7 }]
        );
        let (got, _) = drain(&mut l, &mut q);
        assert!(got.is_empty());
        // The proxy accepts and closes at once: the attempt fails in the
        // same millisecond, not after a round trip.
        l.connect(&mut q, 10, 8, 0, Some(1));
        assert!(matches!(
            q.pop(),
            Some((10, Ev::ConnectFailed { conn: 8, .. }))
        ));
    }

    #[test]
    fn a_close_behind_a_one_way_cut_keeps_the_held_bytes() {
        let (mut l, mut q) = setup(3, None);
        l.cut_one_way(0, 1);
        write(&mut l, &mut q, 0, 0, 100, Payload::Command);
        l.close(&mut q, 1, 7, 0);
        assert!(q.pop().is_none(), "held");
        l.heal(&mut q, 10, 0, 1);
        assert_eq!(drain_with_fins(&mut l, &mut q), (vec![100], 1));
    }

    #[test]
    fn a_one_way_cut_lets_a_connection_open_and_holds_its_bytes() {
        let (mut l, mut q) = setup(3, None);
        l.cut_one_way(0, 1);
        l.connect(&mut q, 10, 8, 0, Some(1));
        assert!(matches!(q.pop(), Some((13, Ev::Accept { conn: 8 }))));
        assert!(matches!(q.pop(), Some((16, Ev::Connected { conn: 8 }))));
        assert_eq!(l.accept(8), Some((0, 1)));
        assert_eq!(l.connected(8), Some(0));
        let ping = Outgoing {
            conn: 8,
            bytes: b"PING\r\n".to_vec(),
            payload: Payload::Command,
            notify: None,
        };
        l.send(&mut q, 16, 0, ping);
        assert!(q.pop().is_none(), "the PING is held");
        l.heal(&mut q, 20, 0, 1);
        let (got, _) = drain(&mut l, &mut q);
        assert_eq!(got.len(), 1);
    }
}
