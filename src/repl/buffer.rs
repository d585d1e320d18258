//! Buffered replay: the writes a master keeps for a replica during its
//! full sync, and their replay once the replica has the snapshot.
//!
//! From the `+FULLRESYNC` on, every write propagated while the replica
//! waits for the BGSAVE, receives the RDB or (diskless) loads it, goes into
//! that replica's own buffer instead of onto the connection (Redis keeps it
//! in the replica client's output buffer). A replica that joins a disk
//! BGSAVE already running copies the buffer of the one that started it
//! (`copyReplicaOutputBuffer`): same snapshot, same writes after it. Once
//! the replica is online (`replicaStartCommandStream`: at once after a disk
//! sync, at its first `REPLCONF ACK` after a diskless one) the buffer is
//! sent in one piece, the *replay*, and later writes stream straight to it.
//! All the while the buffer plus the bytes not yet on the wire are held to
//! `client-output-buffer-limit replica`; past it the master drops the
//! replica, the start of the endless full-resync loop.

use super::SlaveState;
use crate::net::{ConnId, Payload};
use crate::repl::node::{Cx, Node};
use crate::sim::trace::{Kind, Phase};

impl Node {
    /// Sends or buffers stream bytes for one replica, then checks its limit.
    pub(super) fn feed_slave(
        &mut self,
        conn: ConnId,
        bytes: &[u8],
        text: &impl Fn() -> String,
        cx: &mut Cx,
    ) {
        let disk_child = self
            .repl
            .bgsave
            .as_ref()
            .is_some_and(|b| b.target == super::Target::Disk);
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let Some(slave) = &mut peer.slave else {
            return;
        };
        if slave.state == SlaveState::WaitBgsaveStart {
            return;
        }
        if slave.streaming {
            self.server.stats.net_repl_output_bytes += bytes.len() as u64;
            cx.send(conn, bytes.to_vec(), Payload::Command);
        } else {
            slave.buffer.extend_from_slice(bytes);
            slave.buffered_commands += 1;
            // Which step the replica is in while this write waits for it:
            // the disk BGSAVE, the RDB on its way, or the load before the
            // first ACK of a diskless sync.
            let phase = match slave.state {
                SlaveState::WaitBgsaveEnd if disk_child => Phase::Snapshot,
                SlaveState::Online => Phase::Load,
                _ => Phase::Transfer,
            };
            let kind = Kind::Buffered {
                command: text(),
                bytes: bytes.len() as u64,
                pending_bytes: slave.buffer.len() as u64,
            };
            let name = peer.name.clone();
            cx.trace(Some(&name), phase, kind);
        }
        let extra = if self
            .peers
            .get(&conn)
            .and_then(|p| p.slave.as_ref())
            .is_some_and(|s| s.streaming)
        {
            bytes.len() as u64
        } else {
            0
        };
        self.check_output_limit(conn, extra, cx);
    }

    /// `copyReplicaOutputBuffer` + `replicationSetupSlaveForFullResync`.
    pub(super) fn attach_to_bgsave(
        &mut self,
        conn: ConnId,
        other: ConnId,
        name: &str,
        cx: &mut Cx,
    ) {
        let Some(src) = self.peers.get(&other).and_then(|p| p.slave.clone()) else {
            return;
        };
        let other_name = self
            .peers
            .get(&other)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        if let Some(slave) = self.peers.get_mut(&conn).and_then(|p| p.slave.as_mut()) {
            slave.buffer = src.buffer;
            slave.buffered_commands = src.buffered_commands;
            slave.bgsave_gen = src.bgsave_gen;
        }
        cx.trace(
            Some(name),
            Phase::Snapshot,
            Kind::BgsaveAttached { to: other_name },
        );
        self.setup_full_resync(conn, src.psync_initial_offset, cx);
    }

    /// `replicaStartCommandStream`: send what was buffered, then stream.
    pub fn start_command_stream(&mut self, conn: ConnId, cx: &mut Cx) {
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let Some(slave) = peer.slave.as_mut() else {
            return;
        };
        slave.streaming = true;
        slave.start_on_ack = false;
        let bytes = std::mem::take(&mut slave.buffer);
        let commands = std::mem::take(&mut slave.buffered_commands);
        let name = peer.name.clone();
        let kind = Kind::BufferFlushed {
            bytes: bytes.len() as u64,
            commands,
        };
        cx.trace(Some(&name), Phase::Replay, kind);
        if !bytes.is_empty() {
            self.server.stats.net_repl_output_bytes += bytes.len() as u64;
            cx.send(conn, bytes, Payload::Replay);
        }
    }

    /// `closeClientOnOutputBufferLimitReached` for a replica: pending output
    /// is its buffer plus what it has not put on the wire yet.
    pub fn check_output_limit(&mut self, conn: ConnId, extra: u64, cx: &mut Cx) {
        let limits = self.server.config.replica_output_limit;
        let now_s = cx.unix_s();
        let unsent = cx.links.unsent(conn, cx.node) + extra;
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let Some(slave) = &mut peer.slave else {
            return;
        };
        let used = slave.buffer.len() as u64 + unsent;
        let hard = limits.hard_bytes > 0 && used >= limits.hard_bytes;
        let mut soft = limits.soft_bytes > 0 && used >= limits.soft_bytes;
        if soft {
            if slave.soft_since_s == 0 {
                slave.soft_since_s = now_s;
                soft = false;
            } else if now_s - slave.soft_since_s <= limits.soft_seconds as i64 {
                soft = false;
            }
        } else {
            slave.soft_since_s = 0;
        }
        if hard || soft {
            let name = peer.name.clone();
            let limit = if hard { "hard" } else { "soft" };
            let kind = Kind::OutputBufferLimit {
                bytes: used,
                limit: limit.to_string(),
            };
            cx.trace(Some(&name), Phase::None, kind);
            let reason = format!("client-output-buffer-limit replica ({limit} limit)");
            self.free_peer(conn, &reason, cx);
        }
    }
}
