//! The trace: one typed event for everything a teacher wants to show.
//!
//! Every event is stamped with a sequence number, the virtual time, the node
//! it happened on, the replica it concerns (if any) and the [`Phase`] of a
//! sync it belongs to, so the page can draw a per-replica timeline of the
//! full-sync steps (handshake → snapshot → transfer → load → replay →
//! streaming) and the tests can assert their order.
//!
//! Real Redis has no such trace; the events correspond to its log lines
//! (`Full resync requested by replica`, `Starting BGSAVE for SYNC with
//! target: replicas sockets`, `MASTER <-> REPLICA sync: Flushing old data`,
//! ...) and to the bytes on the wire.
//!
//! # Limits
//!
//! The trace holds at most [`TRACE_CAP`] events: when it is full the oldest
//! half is dropped at once (so the rest stays one contiguous slice and the
//! cost of moving it is one event per event recorded), but
//! `seq` keeps counting and the [trace hash](Trace::hash) covers every event
//! ever recorded, so determinism checks see the whole history.

use crate::db::FxHasher;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// How many events the trace keeps (older ones are dropped first).
///
/// The page's event log shows everything the trace holds, so this is how
/// far back a user can look. Under a write load an event costs about 163
/// bytes (144 for the struct, 19 of command text it owns on average;
/// measured by `playground::trace_query`'s `memory_per_event_under_a_load`),
/// so 200,000 events take about 33 MB of the page's memory: at 1,000
/// writes a second (three events a write) that is over a minute of
/// history, and at the default world's pace hours. (It was 50,000: eight
/// seconds of such a load.)
pub const TRACE_CAP: usize = 200_000;

/// Which step of a sync an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not part of a sync: console commands, link changes, nodes coming and going.
    None,
    /// Connect, PING, REPLCONF, PSYNC and the master's decision.
    Handshake,
    /// Full sync: the master's BGSAVE, a point-in-time snapshot; writes made
    /// meanwhile are buffered for the waiting replicas.
    Snapshot,
    /// Full sync: the RDB crossing the link, chunk by chunk.
    Transfer,
    /// Full sync: the replica flushes its old data and loads the RDB.
    Load,
    /// The replica catches up: the buffered writes after a full sync, or the
    /// backlog bytes after `+CONTINUE`.
    Replay,
    /// Online: every write propagated incrementally, offsets moving by its bytes.
    Streaming,
}

/// One event of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Event {
    /// Position in the whole history (never reused, keeps counting past the cap).
    pub seq: u64,
    /// Virtual milliseconds since the simulation started.
    pub time_ms: u64,
    /// The node where it happened (shared: see [`Trace`]'s name table).
    pub node: Arc<str>,
    /// The replica it concerns: the replica itself for replica-side events,
    /// the replica being served for master-side ones; `None` for events about
    /// the whole node (a propagated write, a console command).
    pub replica: Option<Arc<str>>,
    /// The sync step it belongs to.
    pub phase: Phase,
    /// What happened.
    #[serde(flatten)]
    pub kind: Kind,
    /// The message it shows crossing a link, for a sequence diagram: its
    /// two ends named when it happened, so a replica re-pointed later
    /// keeps its old arrows.
    pub message: Option<Message>,
}

/// Who sent a message and who received it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Message {
    pub from: Arc<str>,
    pub to: Arc<str>,
}

/// Which way an event's message went, seen from the event's node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Sends,
    Receives,
}

impl Kind {
    /// The message this kind of event is about, if it is about one: what
    /// the node writes to its peer or reads from it.
    pub fn direction(&self) -> Option<Direction> {
        match self {
            Kind::HandshakeSent { .. }
            | Kind::AckSent { .. }
            | Kind::RdbSendStarted { .. }
            | Kind::PsyncDecision { .. }
            | Kind::BufferFlushed { .. } => Some(Direction::Sends),
            Kind::HandshakeReply { .. }
            | Kind::RdbChunk { .. }
            | Kind::Applied { .. }
            | Kind::AckReceived { .. }
            | Kind::TransferStarted { .. } => Some(Direction::Receives),
            _ => None,
        }
    }
}

/// What happened. Field names are part of the page's contract (see `view`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    /// A node joined the world.
    NodeAdded { port: u16 },
    /// A node left the world (its connections closed).
    NodeRemoved,
    /// A command typed on a node's console, and its reply as redis-cli prints it.
    Command { command: String, reply: String },
    /// One write of a node's write load, and its reply as redis-cli prints it.
    LoadWrite { command: String, reply: String },
    /// A link was cut (both ways, or only `node` → `peer`).
    LinkDown { peer: String, one_way: bool },
    /// A link was healed in both directions.
    LinkUp { peer: String },
    /// A link's latency changed.
    LinkLatency { peer: String, latency_ms: u64 },
    /// A link's bandwidth changed (`None` = unlimited).
    LinkBandwidth {
        peer: String,
        bytes_per_s: Option<u64>,
    },
    /// This node saw a connection close.
    ConnClosed { peer: String, reason: String },
    /// `REPLICAOF host port` / `REPLICAOF NO ONE` took effect.
    RoleChanged {
        role: String,
        master: Option<String>,
    },
    /// The replica's link state machine moved (Redis's `repl_state`, lower case).
    ReplState { from: String, to: String },
    /// The replica could not connect to its master.
    ConnectFailed { master: String, error: String },
    /// The replica sent a handshake command (PING, REPLCONF, PSYNC, SYNC).
    HandshakeSent { command: String },
    /// The replica read a handshake reply.
    HandshakeReply { reply: String },
    /// The master's state for one replica moved (wait_bgsave_start,
    /// wait_bgsave_end, send_bulk, online).
    SlaveState { from: String, to: String },
    /// The master decided between a partial and a full resync.
    PsyncDecision {
        /// The replication ID the replica asked for (`?` = none).
        replid: String,
        /// The offset it asked to continue from.
        offset: i64,
        /// `continue` or `fullresync`.
        result: String,
        /// Why, in words ("the ID asked for is my replid; offset 1201 is inside the backlog 1..5000").
        reason: String,
    },
    /// The master answered `+FULLRESYNC <replid> <offset>`.
    FullResync { replid: String, offset: i64 },
    /// The master answered `+CONTINUE [<replid>]` and sent the backlog from `offset`.
    Continue {
        replid: String,
        offset: i64,
        backlog_bytes: u64,
    },
    /// The replica received `+CONTINUE` with a new ID: it shifted its IDs.
    ReplidChanged {
        replid: String,
        replid2: String,
        second_repl_offset: i64,
        why: String,
    },
    /// A replication backlog was created; its first byte will be `first_byte_offset`.
    BacklogCreated { first_byte_offset: i64 },
    /// The backlog was freed.
    BacklogFreed { why: String },
    /// Old bytes fell out of the backlog (it keeps `repl-backlog-size` bytes).
    BacklogTrimmed {
        trimmed: u64,
        first_byte_offset: i64,
        histlen: u64,
    },
    /// A diskless sync waits `repl-diskless-sync-delay` for more replicas.
    BgsaveDelayed { delay_s: u64 },
    /// A replica joined a disk BGSAVE already running for another replica.
    BgsaveAttached { to: String },
    /// A replica must wait for the next BGSAVE.
    BgsaveWaitNext { why: String },
    /// The fork: a point-in-time RDB snapshot for these replicas.
    BgsaveStarted {
        /// `disk` or `sockets` (diskless).
        target: String,
        replicas: Vec<String>,
        keys: u64,
        rdb_bytes: u64,
    },
    /// The BGSAVE child finished (disk: the file is written; sockets: all sent).
    BgsaveDone { target: String, rdb_bytes: u64 },
    /// The BGSAVE child was killed (diskless, every target replica dropped).
    BgsaveKilled { why: String },
    /// The master started writing the RDB payload to a replica.
    RdbSendStarted { bytes: u64, preamble: String },
    /// A chunk of the RDB payload reached the replica.
    RdbChunk {
        bytes: u64,
        received: u64,
        total: u64,
    },
    /// The replica read the payload header: `$<len>` or `$EOF:<mark>`.
    TransferStarted { preamble: String },
    /// The replica discarded its old data before loading.
    Flush { keys: u64 },
    /// The replica loaded the RDB.
    Loaded { keys: u64, rdb_bytes: u64 },
    /// The RDB could not be loaded (the old data is already gone).
    LoadFailed { error: String },
    /// The replica dropped its own replicas (they must resync with it).
    SubReplicasDropped { count: u64, why: String },
    /// A write was kept for a replica that is not streaming yet.
    Buffered {
        command: String,
        bytes: u64,
        pending_bytes: u64,
    },
    /// The kept writes were sent to a replica now online.
    BufferFlushed { bytes: u64, commands: u64 },
    /// A write entered this master's replication stream (`offset` is
    /// master_repl_offset after it).
    Propagate {
        command: String,
        db: i64,
        bytes: u64,
        offset: i64,
    },
    /// A replica applied a command from its master (`offset` is its
    /// replication offset after it).
    Applied {
        command: String,
        bytes: u64,
        offset: i64,
    },
    /// The once-a-second `\n` to a replica waiting for its RDB (not counted).
    Keepalive,
    /// The replica sent `REPLCONF ACK <offset>`.
    AckSent { offset: i64 },
    /// The master read `REPLCONF ACK <offset>`.
    AckReceived { offset: i64 },
    /// A WAIT blocked until `numreplicas` acknowledge `offset`.
    WaitBlocked {
        numreplicas: i64,
        offset: i64,
        timeout_ms: i64,
    },
    /// A WAIT answered.
    WaitDone { acked: i64 },
    /// The master dropped a replica whose pending output grew past the limit.
    OutputBufferLimit { bytes: u64, limit: String },
    /// The replica's cached master (what it will PSYNC with later).
    CachedMaster { replid: String, offset: i64 },
}

/// The bounded trace with a running hash of everything ever recorded.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    events: Vec<Event>,
    next_seq: u64,
    hash: u64,
    /// Every node name seen, shared by the events that carry it: a busy
    /// stream records several events per write, and copying the names
    /// into each was a measurable part of the simulator's time.
    names: Vec<Arc<str>>,
}

/// A position in a trace, to come back to (step back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    next_seq: u64,
    hash: u64,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Records an event, giving it the next sequence number.
    pub fn push(
        &mut self,
        time_ms: u64,
        node: &str,
        replica: Option<&str>,
        phase: Phase,
        kind: Kind,
    ) {
        self.push_with_peer(time_ms, node, replica, phase, kind, None);
    }

    /// [`Trace::push`] for an event on a connection with `peer`: a kind
    /// with a [`Direction`] gets its [`Message`] from `node` and `peer`.
    pub fn push_with_peer(
        &mut self,
        time_ms: u64,
        node: &str,
        replica: Option<&str>,
        phase: Phase,
        kind: Kind,
        peer: Option<&str>,
    ) {
        let message = match (kind.direction(), peer) {
            (Some(Direction::Sends), Some(p)) => Some((node, p)),
            (Some(Direction::Receives), Some(p)) => Some((p, node)),
            _ => None,
        }
        .map(|(from, to)| Message {
            from: self.name(from),
            to: self.name(to),
        });
        let event = Event {
            seq: self.next_seq,
            time_ms,
            node: self.name(node),
            replica: replica.map(|r| self.name(r)),
            phase,
            kind,
            message,
        };
        self.next_seq += 1;
        let mut h = FxHasher::default();
        self.hash.hash(&mut h);
        event.hash(&mut h);
        self.hash = h.finish();
        if self.events.len() >= TRACE_CAP {
            self.events.drain(..TRACE_CAP / 2);
        }
        self.events.push(event);
    }

    /// The shared copy of `name` (a world has at most a few hundred names,
    /// and the one asked for is nearly always among the first few).
    fn name(&mut self, name: &str) -> Arc<str> {
        if let Some(n) = self.names.iter().find(|n| &***n == name) {
            return n.clone();
        }
        let n: Arc<str> = Arc::from(name);
        self.names.push(n.clone());
        n
    }

    /// The events still held, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events with `seq >= from`.
    pub fn since(&self, from: u64) -> Vec<Event> {
        let first = self.events.first().map_or(self.next_seq, |e| e.seq);
        let skip = (from.saturating_sub(first) as usize).min(self.events.len());
        self.events[skip..].to_vec()
    }

    /// Number of events held (at most [`TRACE_CAP`]).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when nothing was recorded (or everything was dropped).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// A hash of every event ever recorded, in order.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Where the trace is now.
    pub fn mark(&self) -> Mark {
        Mark {
            next_seq: self.next_seq,
            hash: self.hash,
        }
    }

    /// Forgets every event recorded after `mark` (used by step back, which
    /// then replays the inputs and records them again).
    pub fn rewind(&mut self, mark: Mark) {
        let keep = self.events.partition_point(|e| e.seq < mark.next_seq);
        self.events.truncate(keep);
        self.next_seq = mark.next_seq;
        self.hash = mark.hash;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push_n(t: &mut Trace, n: u64) {
        for i in 0..n {
            t.push(i, "A", None, Phase::None, Kind::Keepalive);
        }
    }

    #[test]
    fn ring_drops_oldest_but_seq_and_hash_keep_going() {
        let mut t = Trace::new();
        push_n(&mut t, TRACE_CAP as u64 + 5);
        assert_eq!(t.len(), TRACE_CAP / 2 + 5);
        assert_eq!(t.next_seq(), TRACE_CAP as u64 + 5);
        assert_eq!(t.events()[0].seq, TRACE_CAP as u64 / 2);
        assert_eq!(t.since(TRACE_CAP as u64 + 3).len(), 2);
    }

    #[test]
    fn rewind_restores_seq_and_hash() {
        let mut t = Trace::new();
        push_n(&mut t, 3);
        let m = t.mark();
        let h = t.hash();
        push_n(&mut t, 4);
        assert_ne!(t.hash(), h);
        t.rewind(m);
        assert_eq!((t.len(), t.next_seq(), t.hash()), (3, 3, h));
    }
}
