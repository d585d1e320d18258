//! The network vocabulary the simulator and the nodes share: who a node
//! is, which connection some bytes travel on, what the bytes are (for
//! drawing them), and the virtual clock as Unix time.
//!
//! It is the one module both sides import: `sim` moves bytes and time
//! without knowing what runs on the nodes, and the Redis side reads these
//! types without reaching into the simulator.

use serde::Serialize;

/// The Unix time (ms) at virtual time 0: 2024-03-01 00:00:00 UTC.
pub const EPOCH_UNIX_MS: i64 = 1_709_251_200_000;

/// The virtual clock (`now_ms` since the start) as Unix milliseconds: what
/// Redis shows or writes as wall-clock time (absolute expiry times, RDB
/// `ctime`, INFO ages). A fixed, realistic epoch keeps them reproducible.
pub fn unix_ms(now_ms: u64) -> i64 {
    EPOCH_UNIX_MS + now_ms as i64
}

/// A connection's identity, unique for the life of a world.
pub type ConnId = u64;

/// A node's identity: its creation number, never reused.
pub type NodeId = u32;

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
