//! Transmission: a node's writes queued on its direction of a link, put
//! on the wire in chunks the bandwidth allows, flying for the latency, and
//! delivered in order (see the parent module for the rules).

use super::{chunk_cap, key_dir, Direction, Link, Links};
use crate::net::{ConnId, NodeId, Payload};
use crate::sim::queue::{Ev, Queue};

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
pub(super) struct Segment {
    pub(super) conn: ConnId,
    pub(super) bytes: Vec<u8>,
    pub(super) sent: usize,
    pub(super) payload: Payload,
    pub(super) notify: Option<u64>,
    pub(super) fin: bool,
    /// For RDB segments resent after a one-way cut: bytes of the payload
    /// before this segment, and the whole payload's size.
    pub(super) progress_base: u64,
    pub(super) progress_total: u64,
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

impl Links {
    /// Queues a write by `from`.
    pub fn send<T>(&mut self, q: &mut Queue<T>, now: u64, from: NodeId, w: Outgoing) {
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

    /// A closing node's writes that are not on the wire yet are lost: they
    /// stand for its output buffers (and a BGSAVE child's pipe), not for
    /// the kernel's socket buffer, which is what is already in flight.
    /// Writes held by a one-way cut are kept: the cutting proxy has read
    /// them, so they arrive at the heal, before the close.
    pub(super) fn drop_queued<T>(
        &mut self,
        q: &mut Queue<T>,
        now: u64,
        conn: ConnId,
        from: NodeId,
    ) {
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
        if !d.up {
            return;
        }
        if d.tx.is_some() && d.queue.front().is_some_and(|s| s.conn == conn) {
            d.tx = None;
        }
        d.queue.retain(|s| s.conn != conn);
        if d.tx.is_none() && d.up && !d.queue.is_empty() {
            start_tx(q, now, key, dir, link, serial);
        }
    }

    pub(super) fn enqueue<T>(&mut self, q: &mut Queue<T>, now: u64, from: NodeId, seg: Segment) {
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
    pub fn tx_done<T>(
        &mut self,
        q: &mut Queue<T>,
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
}

fn tx_ms(bytes: u64, bandwidth: Option<u64>) -> u64 {
    match bandwidth {
        Some(bw) if bw > 0 => (bytes * 1000).div_ceil(bw),
        _ => 0,
    }
}

/// Starts transmitting the next chunk of the head segment.
pub(super) fn start_tx<T>(
    q: &mut Queue<T>,
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
fn fly_whole<T>(
    q: &mut Queue<T>,
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
