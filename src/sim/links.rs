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
//! - Both ways down ([`Links::cut`]): every connection over the link is
//!   closed at both ends at once, and bytes queued or in flight are lost —
//!   what a Redis node sees when a proxy between them drops the connection.
//!   New connections are refused until the link is up again.
//! - One way down: the connection stays open but nothing crosses in that
//!   direction; bytes in flight go back to the head of the queue and are
//!   sent again when the direction heals (TCP retransmission). Redis then
//!   notices only through its own timeouts (`repl-timeout`).
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

use crate::sim::queue::{Ev, Queue};
use crate::vec_map::VecMap;
use serde::Serialize;
use std::collections::VecDeque;

/// A connection's identity, unique for the life of a world.
pub type ConnId = u64;

/// A node's identity: its creation number, never reused.
pub type NodeId = u32;

/// Latency of a link nobody configured.
pub const DEFAULT_LATENCY_MS: u64 = 1;

/// The most bytes one chunk carries: Redis's `PROTO_IOBUF_LEN`.
pub const MAX_CHUNK: u64 = 16 * 1024;

/// What some bytes on a link are, for drawing them (the receiver only ever
/// sees bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// Commands: the handshake, the replication stream, ACKs.
    Command,
    /// Replies to the handshake (`+PONG`, `+FULLRESYNC ...`).
    Reply,
    /// The RDB payload (with its `$<len>` or `$EOF:` header).
    Rdb,
    /// Writes buffered during a full sync, or backlog bytes after `+CONTINUE`.
    Replay,
    /// The `\n` keepalive to replicas waiting for their RDB.
    Keepalive,
}

/// A node's write on a connection.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The connection.
    pub conn: ConnId,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// What they are.
    pub payload: Payload,
    /// Asks for an [`Ev::Sent`] once the last of them is on the wire.
    pub notify: Option<u64>,
}

/// Bytes waiting for the wire.
#[derive(Clone, Debug)]
struct Segment {
    conn: ConnId,
    bytes: Vec<u8>,
    sent: usize,
    payload: Payload,
    notify: Option<u64>,
    fin: bool,
    /// For RDB segments resent after a one-way cut: bytes of the payload
    /// before this segment, and the whole payload's size.
    progress_base: u64,
    progress_total: u64,
}

/// Bytes on the wire.
#[derive(Clone, Debug)]
pub struct Flight {
    serial: u64,
    /// The connection they belong to.
    pub conn: ConnId,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// What they are.
    pub payload: Payload,
    /// For RDB chunks: payload bytes up to the end of this chunk, and the total.
    pub progress: Option<(u64, u64)>,
    /// When the chunk started onto the wire.
    pub depart_ms: u64,
    /// When it arrives.
    pub arrive_ms: u64,
    /// A close (FIN) rather than bytes.
    pub fin: bool,
}

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
}

/// A connection between two nodes.
#[derive(Clone, Debug)]
pub struct Conn {
    /// The node that opened it.
    pub client: NodeId,
    /// The node it connects to.
    pub server: NodeId,
    /// The client has not closed it (and was not told it closed).
    pub client_open: bool,
    /// The server has accepted it and not closed it.
    pub server_open: bool,
    /// The server has accepted it.
    pub accepted: bool,
}

/// Who must be told that a connection closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    /// The node to tell.
    pub node: NodeId,
    /// The connection.
    pub conn: ConnId,
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

    /// Starts a connection from `client` to `server`: the server accepts it
    /// after one latency, the client learns it is connected after a round
    /// trip. A down link refuses it after a round trip.
    pub fn connect(
        &mut self,
        q: &mut Queue,
        now: u64,
        conn: ConnId,
        client: NodeId,
        server: Option<NodeId>,
    ) {
        let Some(server) = server else {
            let error = "Name or service not known".to_string();
            q.push(
                now,
                Ev::ConnectFailed {
                    conn,
                    node: client,
                    error,
                },
            );
            return;
        };
        // A node told to replicate from itself would talk to itself over a
        // loopback link the simulator does not model; the connection is
        // refused instead, so it keeps retrying, never in sync, as a real
        // self-replicating Redis does (it only ever gets -NOMASTERLINK).
        let latency = self.get_mut(client, server).latency_ms;
        if client == server || !self.is_up(client, server) {
            let error = "Connection refused".to_string();
            q.push(
                now + 2 * latency,
                Ev::ConnectFailed {
                    conn,
                    node: client,
                    error,
                },
            );
            return;
        }
        let c = Conn {
            client,
            server,
            client_open: true,
            server_open: false,
            accepted: false,
        };
        self.conns.insert(conn, c);
        q.push(now + latency, Ev::Accept { conn });
        q.push(now + 2 * latency, Ev::Connected { conn });
    }

    /// The server side accepts: true if the connection still exists.
    pub fn accept(&mut self, conn: ConnId) -> Option<(NodeId, NodeId)> {
        let c = self.conns.get_mut(&conn)?;
        if !c.client_open {
            return None;
        }
        c.accepted = true;
        c.server_open = true;
        Some((c.client, c.server))
    }

    /// The peer of `node` on `conn`.
    pub fn peer(&self, conn: ConnId, node: NodeId) -> Option<NodeId> {
        let c = self.conns.get(&conn)?;
        Some(if c.client == node { c.server } else { c.client })
    }

    /// True when `node`'s end of `conn` is open.
    pub fn is_open_at(&self, conn: ConnId, node: NodeId) -> bool {
        self.conns.get(&conn).is_some_and(|c| {
            (c.client == node && c.client_open) || (c.server == node && c.server_open)
        })
    }

    /// Queues a write by `from`.
    pub fn send(&mut self, q: &mut Queue, now: u64, from: NodeId, w: Outgoing) {
        let Outgoing {
            conn,
            bytes,
            payload,
            notify,
        } = w;
        let seg = Segment {
            conn,
            progress_total: bytes.len() as u64,
            bytes,
            sent: 0,
            payload,
            notify,
            fin: false,
            progress_base: 0,
        };
        self.enqueue(q, now, from, seg);
    }

    /// `from` closes its end of `conn`: the peer sees the close after the
    /// bytes already written (a FIN).
    pub fn close(&mut self, q: &mut Queue, now: u64, conn: ConnId, from: NodeId) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.client == from {
            c.client_open = false;
        } else {
            c.server_open = false;
        }
        let peer_open = if c.client == from {
            c.accepted && c.server_open
        } else {
            c.client_open
        };
        if !peer_open {
            self.conns.remove(&conn);
            return;
        }
        self.drop_queued(q, now, conn, from);
        let seg = Segment {
            conn,
            bytes: Vec::new(),
            sent: 0,
            payload: Payload::Command,
            notify: None,
            fin: true,
            progress_base: 0,
            progress_total: 0,
        };
        self.enqueue(q, now, from, seg);
    }

    /// A closing node's writes that are not on the wire yet are lost: they
    /// stand for its output buffers (and a BGSAVE child's pipe), not for
    /// the kernel's socket buffer, which is what is already in flight.
    fn drop_queued(&mut self, q: &mut Queue, now: u64, conn: ConnId, from: NodeId) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let to = if c.client == from { c.server } else { c.client };
        let (key, dir) = key_dir(from, to, from);
        let serial = &mut self.next_serial;
        let Some(link) = self.links.get_mut(&key) else {
            return;
        };
        let d = &mut link.dirs[dir];
        if d.tx.is_some() && d.queue.front().is_some_and(|s| s.conn == conn) {
            d.tx = None;
        }
        d.queue.retain(|s| s.conn != conn);
        if d.tx.is_none() && d.up && !d.queue.is_empty() {
            start_tx(q, now, key, dir, link, serial);
        }
    }

    fn enqueue(&mut self, q: &mut Queue, now: u64, from: NodeId, seg: Segment) {
        let Some(c) = self.conns.get(&seg.conn) else {
            return;
        };
        let to = if c.client == from { c.server } else { c.client };
        let (key, dir) = key_dir(from, to, from);
        let serial = &mut self.next_serial;
        let link = self.links.get_or_insert_with(key, Link::default);
        let (latency, bandwidth) = (link.latency_ms, link.bandwidth);
        let d = &mut link.dirs[dir];
        if bandwidth.is_none() && d.up && d.queue.is_empty() && d.tx.is_none() {
            fly_whole(q, now, key, dir, d, latency, serial, seg);
            return;
        }
        d.queue.push_back(seg);
        if d.tx.is_none() && d.up {
            start_tx(q, now, key, dir, link, serial);
        }
    }

    /// A chunk finished transmission: it flies, the next one starts.
    pub fn tx_done(
        &mut self,
        q: &mut Queue,
        now: u64,
        key: (NodeId, NodeId),
        dir: usize,
        serial: u64,
    ) {
        let next = &mut self.next_serial;
        let Some(link) = self.links.get_mut(&key) else {
            return;
        };
        let latency = link.latency_ms;
        let d = &mut link.dirs[dir];
        let Some((tx_serial, n)) = d.tx else {
            return;
        };
        if tx_serial != serial {
            return;
        }
        d.tx = None;
        let Some(seg) = d.queue.front_mut() else {
            return;
        };
        let Some(chunk) = seg.bytes.get(seg.sent..seg.sent + n).map(<[u8]>::to_vec) else {
            return;
        };
        seg.sent += n;
        let progress = (seg.payload == Payload::Rdb)
            .then(|| (seg.progress_base + seg.sent as u64, seg.progress_total));
        let arrive = (now + latency).max(d.last_arrive_ms);
        d.last_arrive_ms = arrive;
        let depart = now.saturating_sub(tx_ms(n as u64, link.bandwidth));
        let flight = Flight {
            serial,
            conn: seg.conn,
            bytes: chunk,
            payload: seg.payload,
            progress,
            depart_ms: depart,
            arrive_ms: arrive,
            fin: seg.fin,
        };
        let done = seg.sent == seg.bytes.len();
        let notify = seg.notify;
        let conn = seg.conn;
        d.flights.push_back(flight);
        q.push(
            arrive,
            Ev::Deliver {
                link: key,
                dir,
                serial,
            },
        );
        if done {
            d.queue.pop_front();
            if let Some(token) = notify {
                let node = if dir == 0 { key.0 } else { key.1 };
                q.push(now, Ev::Sent { node, conn, token });
            }
        }
        if d.up && !d.queue.is_empty() {
            start_tx(q, now, key, dir, link, next);
        }
    }

    /// The oldest chunk in flight arrives, if the event is not stale.
    pub fn deliver(&mut self, key: (NodeId, NodeId), dir: usize, serial: u64) -> Option<Flight> {
        let d = &mut self.links.get_mut(&key)?.dirs[dir];
        if d.flights.front()?.serial != serial {
            return None;
        }
        d.flights.pop_front()
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

    /// Closes every connection between `a` and `b` at both ends now.
    pub fn close_all_between(&mut self, a: NodeId, b: NodeId) -> Vec<Closure> {
        let ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| (c.client, c.server) == (a, b) || (c.client, c.server) == (b, a))
            .map(|(id, _)| *id)
            .collect();
        let mut told = Vec::new();
        for id in ids {
            if let Some(c) = self.conns.remove(&id) {
                if c.client_open {
                    told.push(Closure {
                        node: c.client,
                        conn: id,
                    });
                }
                if c.server_open {
                    told.push(Closure {
                        node: c.server,
                        conn: id,
                    });
                }
            }
        }
        told
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
    pub fn heal(&mut self, q: &mut Queue, now: u64, a: NodeId, b: NodeId) {
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

    /// Bytes `node` wrote on `conn` that are not on the wire yet, RDB
    /// payload excluded (it does not come from the output buffer).
    pub fn unsent(&self, conn: ConnId, node: NodeId) -> u64 {
        let Some(c) = self.conns.get(&conn) else {
            return 0;
        };
        let to = if c.client == node { c.server } else { c.client };
        let (key, dir) = key_dir(node, to, node);
        self.links.get(&key).map_or(0, |l| {
            l.dirs[dir]
                .queue
                .iter()
                .filter(|s| s.conn == conn && s.payload != Payload::Rdb)
                .map(|s| (s.bytes.len() - s.sent) as u64)
                .sum()
        })
    }

    /// True if bytes of `conn` written by `from` are queued or in flight.
    pub fn in_flight_from(&self, conn: ConnId, from: NodeId) -> bool {
        let Some(c) = self.conns.get(&conn) else {
            return false;
        };
        let to = if c.client == from { c.server } else { c.client };
        let (key, dir) = key_dir(from, to, from);
        self.links.get(&key).is_some_and(|l| {
            let d = &l.dirs[dir];
            d.queue.iter().any(|s| s.conn == conn) || d.flights.iter().any(|f| f.conn == conn)
        })
    }

    /// A FIN reached `node`: its end is closed too. True if it was open.
    pub fn fin_arrived(&mut self, conn: ConnId, node: NodeId) -> bool {
        let Some(c) = self.conns.get_mut(&conn) else {
            return false;
        };
        let was_open = if c.client == node {
            std::mem::replace(&mut c.client_open, false)
        } else {
            std::mem::replace(&mut c.server_open, false)
        };
        if !c.client_open && !c.server_open {
            self.conns.remove(&conn);
        }
        was_open
    }

    /// True if bytes of `payload` written by `from` on `conn` are queued or
    /// in flight.
    pub fn carries(&self, conn: ConnId, from: NodeId, payload: Payload) -> bool {
        let Some(c) = self.conns.get(&conn) else {
            return false;
        };
        let to = if c.client == from { c.server } else { c.client };
        let (key, dir) = key_dir(from, to, from);
        self.links.get(&key).is_some_and(|l| {
            let d = &l.dirs[dir];
            d.queue
                .iter()
                .any(|s| s.conn == conn && s.payload == payload)
                || d.flights
                    .iter()
                    .any(|f| f.conn == conn && f.payload == payload)
        })
    }

    /// The receiving node of a direction.
    pub fn receiver(key: (NodeId, NodeId), dir: usize) -> NodeId {
        if dir == 0 {
            key.1
        } else {
            key.0
        }
    }

    /// Bytes written on a direction and not yet on the wire, per payload,
    /// with the RDB progress of the head segment (for the view).
    pub fn queued(&self, key: (NodeId, NodeId), dir: usize) -> Vec<(ConnId, Payload, u64)> {
        self.links.get(&key).map_or_else(Vec::new, |l| {
            l.dirs[dir]
                .queue
                .iter()
                .map(|s| (s.conn, s.payload, (s.bytes.len() - s.sent) as u64))
                .collect()
        })
    }

    /// Forgets every link and connection of `node`; returns the peers to tell.
    pub fn remove_node(&mut self, node: NodeId) -> Vec<Closure> {
        let peers: Vec<NodeId> = self
            .conns
            .values()
            .filter_map(|c| {
                (c.client == node)
                    .then_some(c.server)
                    .or((c.server == node).then_some(c.client))
            })
            .collect();
        let mut told = Vec::new();
        for p in peers {
            told.extend(self.close_all_between(node, p));
        }
        self.links.retain(|k, _| k.0 != node && k.1 != node);
        told.retain(|c| c.node != node);
        told
    }
}

fn tx_ms(bytes: u64, bandwidth: Option<u64>) -> u64 {
    match bandwidth {
        Some(bw) if bw > 0 => (bytes * 1000).div_ceil(bw),
        _ => 0,
    }
}

/// Starts transmitting the next chunk of the head segment.
fn start_tx(
    q: &mut Queue,
    now: u64,
    key: (NodeId, NodeId),
    dir: usize,
    link: &mut Link,
    serial: &mut u64,
) {
    let bandwidth = link.bandwidth;
    let d = &mut link.dirs[dir];
    let Some(seg) = d.queue.front() else {
        return;
    };
    let left = (seg.bytes.len() - seg.sent) as u64;
    let n = match bandwidth {
        Some(bw) => left.min(chunk_cap(bw)),
        None => left,
    };
    *serial += 1;
    d.tx = Some((*serial, n as usize));
    q.push(
        now + tx_ms(n, bandwidth),
        Ev::TxDone {
            link: key,
            dir,
            serial: *serial,
        },
    );
}

/// Unlimited bandwidth: the whole write flies at once, joining the previous
/// flight when it left in the same millisecond on the same connection.
#[allow(clippy::too_many_arguments)]
fn fly_whole(
    q: &mut Queue,
    now: u64,
    key: (NodeId, NodeId),
    dir: usize,
    d: &mut Direction,
    latency: u64,
    serial: &mut u64,
    seg: Segment,
) {
    let arrive = (now + latency).max(d.last_arrive_ms);
    d.last_arrive_ms = arrive;
    let joinable = |f: &Flight| {
        f.conn == seg.conn
            && f.arrive_ms == arrive
            && f.depart_ms == now
            && f.payload == seg.payload
            && !f.fin
            && !seg.fin
            && seg.payload != Payload::Rdb
    };
    match d.flights.back_mut() {
        Some(f) if joinable(f) => f.bytes.extend_from_slice(&seg.bytes),
        _ => {
            *serial += 1;
            let progress = (seg.payload == Payload::Rdb).then(|| {
                (
                    seg.progress_base + seg.bytes.len() as u64,
                    seg.progress_total,
                )
            });
            d.flights.push_back(Flight {
                serial: *serial,
                conn: seg.conn,
                bytes: seg.bytes,
                payload: seg.payload,
                progress,
                depart_ms: now,
                arrive_ms: arrive,
                fin: seg.fin,
            });
            q.push(
                arrive,
                Ev::Deliver {
                    link: key,
                    dir,
                    serial: *serial,
                },
            );
        }
    }
    if let Some(token) = seg.notify {
        let node = if dir == 0 { key.0 } else { key.1 };
        q.push(
            now,
            Ev::Sent {
                node,
                conn: seg.conn,
                token,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection from node 0 to node 1, accepted.
    fn setup(latency: u64, bandwidth: Option<u64>) -> (Links, Queue) {
        let mut l = Links::default();
        let mut q = Queue::default();
        l.get_mut(0, 1).latency_ms = latency;
        l.get_mut(0, 1).bandwidth = bandwidth;
        l.connect(&mut q, 0, 7, 0, Some(1));
        assert!(l.accept(7).is_some());
        while q.pop().is_some() {}
        (l, q)
    }

    fn write(l: &mut Links, q: &mut Queue, now: u64, from: NodeId, n: usize, payload: Payload) {
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
    fn drain(l: &mut Links, q: &mut Queue) -> (Vec<(u64, usize)>, Vec<u64>) {
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
    fn first_chunk_on_the_wire(l: &mut Links, q: &mut Queue) -> u64 {
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
        let mut fins = 0;
        let mut got = Vec::new();
        while let Some((t, ev)) = q.pop() {
            match ev {
                Ev::TxDone { link, dir, serial } => l.tx_done(&mut q, t, link, dir, serial),
                Ev::Deliver { link, dir, serial } => {
                    if let Some(f) = l.deliver(link, dir, serial) {
                        if f.fin {
                            fins += 1;
                            assert!(l.fin_arrived(7, 1));
                        } else {
                            got.push(f.bytes.len());
                        }
                    }
                }
                _ => {}
            }
        }
        assert_eq!((got, fins), (vec![1_000], 1));
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
        l.connect(&mut q, 10, 8, 0, Some(1));
        assert!(matches!(
            q.pop(),
            Some((16, Ev::ConnectFailed { conn: 8, .. }))
        ));
    }
}
