//! Full synchronisation, the master's side of SYNC / PSYNC
//! (`syncCommand`, `replicationSetupSlaveForFullResync`,
//! `replicaPutOnline`, `replicaStartCommandStream`).
//!
//! 1. A replica that cannot continue (see `partial`) becomes
//!    `wait_bgsave_start`. The first replica ever creates the backlog, with
//!    a new replication ID.
//! 2. It joins or waits for a BGSAVE (see `bgsave`). When its BGSAVE
//!    starts, the master answers `+FULLRESYNC <replid> <offset>` (the
//!    offset at the fork), sets the stream's db to -1 so the next write is
//!    preceded by SELECT, and from then on buffers the stream for it
//!    (`wait_bgsave_end`, then `send_bulk` while a disk RDB is sent).
//! 3. Once its RDB has left, the replica is `online` and the buffered
//!    writes follow — at once after a disk sync, after its first
//!    `REPLCONF ACK` after a diskless one (proof that it loaded).
//!
//! The replica's side (reading and loading the RDB) is in `load`.

use super::{ReplState, Slave, SlaveState, Target};
use crate::net::{ConnId, Payload};
use crate::repl::node::{Cx, Node};
use crate::resp::Frame;
use crate::sim::trace::{Kind, Phase};

impl Node {
    /// SYNC or PSYNC from a connection.
    pub fn sync_command(&mut self, conn: ConnId, argv: &[Vec<u8>], cx: &mut Cx) {
        let Some(peer) = self.peers.get(&conn) else {
            return;
        };
        if peer.slave.is_some() {
            return;
        }
        let name = peer.name.clone();
        if self
            .repl
            .link
            .as_ref()
            .is_some_and(|l| l.state != ReplState::Connected)
        {
            let reply = Frame::err("NOMASTERLINK Can't SYNC while not connected with my master");
            cx.send(conn, reply.encode(), Payload::Reply);
            return;
        }
        let is_psync = argv
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case(b"psync"));
        if is_psync && self.try_partial(conn, &name, argv, cx) {
            return;
        }
        self.server.stats.sync_full += 1;
        if let Some(p) = self.peers.get_mut(&conn) {
            p.slave = Some(Slave::waiting(!is_psync));
        }
        self.repl.slaves.push(conn);
        self.trace_slave_state(
            &name,
            "none",
            SlaveState::WaitBgsaveStart,
            Phase::Handshake,
            cx,
        );
        if self.repl.slaves.len() == 1 && self.repl.backlog.is_none() {
            self.new_history(
                "a new history starts with the backlog, created for the first replica",
                cx,
            );
            self.create_backlog(Phase::Handshake, cx);
        }
        self.attach_or_start_bgsave(conn, &name, cx);
    }

    /// `replicationSetupSlaveForFullResync`: `+FULLRESYNC`, start buffering.
    pub(super) fn setup_full_resync(&mut self, conn: ConnId, offset: i64, cx: &mut Cx) {
        let gen = self.repl.bgsave.as_ref().map_or(0, |b| b.gen);
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let Some(slave) = peer.slave.as_mut() else {
            return;
        };
        slave.psync_initial_offset = offset;
        slave.bgsave_gen = gen;
        let from = slave.state.name();
        slave.state = SlaveState::WaitBgsaveEnd;
        let pre_psync = slave.pre_psync;
        let name = peer.name.clone();
        self.repl.slaveseldb = -1;
        self.trace_slave_state(&name, from, SlaveState::WaitBgsaveEnd, Phase::Snapshot, cx);
        if !pre_psync {
            let line = format!("+FULLRESYNC {} {}\r\n", self.repl.replid, offset);
            cx.send(conn, line.into_bytes(), Payload::Reply);
            let kind = Kind::FullResync {
                replid: self.repl.replid.clone(),
                offset,
            };
            cx.trace(Some(&name), Phase::Snapshot, kind);
        }
    }

    /// The replicas waiting for a BGSAVE to start.
    pub(super) fn waiting_slaves(&self) -> Vec<ConnId> {
        self.slaves_in(SlaveState::WaitBgsaveStart)
    }

    /// Replica connections in `state`, in replica order.
    pub fn slaves_in(&self, state: SlaveState) -> Vec<ConnId> {
        self.repl
            .slaves
            .iter()
            .copied()
            .filter(|c| {
                self.peers
                    .get(c)
                    .and_then(|p| p.slave.as_ref())
                    .is_some_and(|s| s.state == state)
            })
            .collect()
    }

    /// `replicaPutOnline` (+ `replicaStartCommandStream` unless it must
    /// wait for the first ACK).
    pub(super) fn put_online(&mut self, conn: ConnId, start_on_ack: bool, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let phase = if start_on_ack {
            Phase::Load
        } else {
            Phase::Replay
        };
        if self
            .set_slave_state(conn, SlaveState::Online, phase, cx)
            .is_none()
        {
            return;
        }
        if let Some(s) = self.peers.get_mut(&conn).and_then(|p| p.slave.as_mut()) {
            s.ack_time_s = now_s;
            s.start_on_ack = start_on_ack;
        }
        self.refresh_good_slaves(cx);
        if !start_on_ack {
            self.start_command_stream(conn, cx);
        }
    }

    /// Bookkeeping after a replica connection went away.
    pub fn slave_gone(&mut self, conn: ConnId, cx: &mut Cx) {
        self.repl.slaves.retain(|c| *c != conn);
        if self.repl.slaves.is_empty() {
            self.repl.no_slaves_since_s = cx.unix_s();
        }
        self.refresh_good_slaves(cx);
        let Some(b) = self
            .repl
            .bgsave
            .as_mut()
            .filter(|b| b.target == Target::Sockets)
        else {
            return;
        };
        b.pending.retain(|c| *c != conn);
        if !b.pending.is_empty() {
            return;
        }
        let gen = b.gen;
        let receivers = self
            .slaves_in(SlaveState::WaitBgsaveEnd)
            .into_iter()
            .any(|c| {
                self.peers
                    .get(&c)
                    .and_then(|p| p.slave.as_ref())
                    .is_some_and(|s| s.bgsave_gen == gen)
            });
        if receivers {
            self.socket_bgsave_done(cx);
        } else {
            self.repl.bgsave = None;
            let why = "Diskless rdb transfer, last replica dropped, killing fork child.";
            cx.trace(
                None,
                Phase::Transfer,
                Kind::BgsaveKilled { why: why.into() },
            );
            self.start_pending_fork(cx);
        }
    }

    /// `disconnectSlaves`: drop every replica (they will resync with us).
    pub fn disconnect_slaves(&mut self, why: &str, cx: &mut Cx) {
        let slaves = self.repl.slaves.clone();
        if slaves.is_empty() {
            return;
        }
        let kind = Kind::SubReplicasDropped {
            count: slaves.len() as u64,
            why: why.to_string(),
        };
        cx.trace(None, Phase::None, kind);
        for conn in slaves {
            self.free_peer(conn, why, cx);
        }
    }

    /// Sets a replica's master-side state; returns its name if it exists.
    pub(super) fn set_slave_state(
        &mut self,
        conn: ConnId,
        to: SlaveState,
        phase: Phase,
        cx: &mut Cx,
    ) -> Option<String> {
        let peer = self.peers.get_mut(&conn)?;
        let slave = peer.slave.as_mut()?;
        let from = slave.state.name();
        slave.state = to;
        let name = peer.name.clone();
        self.trace_slave_state(&name, from, to, phase, cx);
        Some(name)
    }

    pub(super) fn trace_slave_state(
        &self,
        name: &str,
        from: &str,
        to: SlaveState,
        phase: Phase,
        cx: &mut Cx,
    ) {
        let kind = Kind::SlaveState {
            from: from.into(),
            to: to.name().into(),
        };
        cx.trace(Some(name), phase, kind);
    }
}
