//! Full synchronisation, both sides.
//!
//! Master (`syncCommand`, `startBgsaveForReplication`,
//! `updateSlavesWaitingBgsave`):
//!
//! 1. A replica that cannot continue becomes `wait_bgsave_start`. The first
//!    replica ever creates the backlog (with a new replication ID).
//! 2. If a disk BGSAVE is running and another replica is registering its
//!    differences (`wait_bgsave_end`), the newcomer attaches to it: it
//!    copies that replica's buffer and `+FULLRESYNC` offset. A diskless
//!    BGSAVE cannot be joined: wait for the next one. With none running,
//!    diskless sync waits `repl-diskless-sync-delay` seconds (checked by the
//!    once-a-second cron) so more replicas can share one snapshot; disk sync
//!    starts at once.
//! 3. The BGSAVE takes the snapshot (see `snapshot`), answers `+FULLRESYNC
//!    <replid> <offset>` and from then on buffers the stream for each
//!    replica (`wait_bgsave_end`).
//! 4. Disk: when the file is written the master sends `$<len>\r\n<rdb>`
//!    (`send_bulk`); once the last byte left, the replica is online and
//!    its buffer follows. Diskless: the payload `$EOF:<mark>\r\n<rdb><mark>`
//!    streams while the BGSAVE runs; when it ends the replica is online but
//!    the buffer waits for its first `REPLCONF ACK` (proof it loaded).
//!
//! Replica (`readSyncBulkPayload`): reads the header and the payload, then
//! drops its own replicas and backlog, **flushes its old data, then
//! loads**; it takes the master's ID and the `+FULLRESYNC` offset, clears
//! `replid2`, creates a fresh backlog, and (diskless) sends an ACK at once.
//!
//! # Timing model
//!
//! A disk BGSAVE takes [`BGSAVE_BASE_MS`] plus one millisecond per
//! [`BGSAVE_BYTES_PER_MS`] bytes of RDB; a diskless one lasts until the
//! payload has left for every replica (the link's bandwidth sets the
//! pace). Loading takes no virtual time. Redis notices a finished child in
//! its 100 ms cron; the simulator notices it at once.

use super::{Bgsave, MasterClient, ReplState, Slave, SlaveState, Target};
use crate::node::{Cx, Node, Timer};
use crate::resp::Frame;
use crate::sim::links::{ConnId, Payload};
use crate::sim::trace::{Kind, Phase};

/// Fixed cost of a disk BGSAVE (fork, open, fsync), virtual ms.
pub const BGSAVE_BASE_MS: u64 = 10;

/// Disk BGSAVE writing speed: bytes per virtual millisecond (100 MB/s).
pub const BGSAVE_BYTES_PER_MS: u64 = 100_000;

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
            self.repl.change_replication_id(cx.rng);
            self.repl.clear_replication_id2();
            self.create_backlog(Phase::Handshake, cx);
        }
        self.attach_or_start_bgsave(conn, &name, cx);
    }

    /// The PSYNC decision; true if the replica continues partially.
    fn try_partial(&mut self, conn: ConnId, name: &str, argv: &[Vec<u8>], cx: &mut Cx) -> bool {
        let replid = String::from_utf8_lossy(argv.get(1).map_or(&[][..], |v| v)).into_owned();
        let offset_arg = argv.get(2).map_or(&[][..], |v| v);
        let d = self.repl.psync_decision(&replid, offset_arg);
        let kind = Kind::PsyncDecision {
            replid: replid.clone(),
            offset: d.offset,
            result: if d.partial { "continue" } else { "fullresync" }.into(),
            reason: d.reason,
        };
        cx.trace(Some(name), Phase::Handshake, kind);
        if d.partial {
            self.server.stats.sync_partial_ok += 1;
            self.accept_continue(conn, name, d.offset, cx);
            return true;
        }
        if replid != "?" {
            self.server.stats.sync_partial_err += 1;
        }
        false
    }

    /// `+CONTINUE`: the replica is online at once and gets the backlog.
    fn accept_continue(&mut self, conn: ConnId, name: &str, offset: i64, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let mut slave = Slave::waiting(false);
        slave.state = SlaveState::Online;
        slave.ack_time_s = now_s;
        slave.streaming = true;
        peer.slave = Some(slave);
        let psync2 = peer.capa_psync2;
        self.repl.slaves.push(conn);
        let line = if psync2 {
            format!("+CONTINUE {}\r\n", self.repl.replid)
        } else {
            "+CONTINUE\r\n".to_string()
        };
        cx.send(conn, line.into_bytes(), Payload::Reply);
        let backlog = self
            .repl
            .backlog
            .as_ref()
            .map(|b| b.from_offset(offset))
            .unwrap_or_default();
        let kind = Kind::Continue {
            replid: self.repl.replid.clone(),
            offset,
            backlog_bytes: backlog.len() as u64,
        };
        cx.trace(Some(name), Phase::Replay, kind);
        if !backlog.is_empty() {
            cx.send(conn, backlog, Payload::Replay);
        }
        self.trace_slave_state(name, "none", SlaveState::Online, Phase::Replay, cx);
        self.refresh_good_slaves(cx);
    }

    /// Joins a running disk BGSAVE, waits, or starts one.
    fn attach_or_start_bgsave(&mut self, conn: ConnId, name: &str, cx: &mut Cx) {
        let why = match &self.repl.bgsave {
            Some(b) if b.target == Target::Disk => match self.find_registering_slave(conn) {
                Some(other) => {
                    self.attach_to_bgsave(conn, other, name, cx);
                    return;
                }
                None => "a BGSAVE is running but no replica is registering its differences",
            },
            Some(_) => "the running BGSAVE streams to other replicas (diskless)",
            None => {
                let config = &self.server.config;
                let capa_eof = self.peers.get(&conn).is_some_and(|p| p.capa_eof);
                if config.repl_diskless_sync && capa_eof && config.repl_diskless_sync_delay > 0 {
                    let kind = Kind::BgsaveDelayed {
                        delay_s: config.repl_diskless_sync_delay,
                    };
                    cx.trace(Some(name), Phase::Snapshot, kind);
                } else {
                    self.start_bgsave_for_replication(cx);
                }
                return;
            }
        };
        cx.trace(
            Some(name),
            Phase::Snapshot,
            Kind::BgsaveWaitNext { why: why.into() },
        );
    }

    /// Another replica in `wait_bgsave_end` for the running disk BGSAVE.
    fn find_registering_slave(&self, conn: ConnId) -> Option<ConnId> {
        self.repl.slaves.iter().copied().find(|c| {
            *c != conn
                && self
                    .peers
                    .get(c)
                    .and_then(|p| p.slave.as_ref())
                    .is_some_and(|s| s.state == SlaveState::WaitBgsaveEnd)
        })
    }

    /// `copyReplicaOutputBuffer` + `replicationSetupSlaveForFullResync`.
    fn attach_to_bgsave(&mut self, conn: ConnId, other: ConnId, name: &str, cx: &mut Cx) {
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

    /// `replicationSetupSlaveForFullResync`: `+FULLRESYNC`, start buffering.
    fn setup_full_resync(&mut self, conn: ConnId, offset: i64, cx: &mut Cx) {
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
    fn waiting_slaves(&self) -> Vec<ConnId> {
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

    /// `startBgsaveForReplication`: fork for every waiting replica.
    pub fn start_bgsave_for_replication(&mut self, cx: &mut Cx) {
        let waiting = self.waiting_slaves();
        if waiting.is_empty() || self.repl.bgsave.is_some() {
            return;
        }
        let capa_eof = waiting
            .iter()
            .all(|c| self.peers.get(c).is_some_and(|p| p.capa_eof));
        let target = if self.server.config.repl_diskless_sync && capa_eof {
            Target::Sockets
        } else {
            Target::Disk
        };
        let rdb = self.snapshot_rdb(cx.unix_ms());
        let gen = self.next_gen();
        let names: Vec<String> = waiting
            .iter()
            .filter_map(|c| self.peers.get(c).map(|p| p.name.clone()))
            .collect();
        let kind = Kind::BgsaveStarted {
            target: target.name().into(),
            replicas: names,
            keys: self.server.keyspace.key_count() as u64,
            rdb_bytes: rdb.len() as u64,
        };
        cx.trace(None, Phase::Snapshot, kind);
        let mut bgsave = Bgsave {
            target,
            gen,
            started_ms: cx.now_ms,
            rdb: Vec::new(),
            pending: Vec::new(),
        };
        let offset = self.repl.master_repl_offset;
        if target == Target::Sockets {
            let mark = cx.rng.hex(40);
            let mut payload = format!("$EOF:{mark}\r\n").into_bytes();
            payload.extend_from_slice(&rdb);
            payload.extend_from_slice(mark.as_bytes());
            bgsave.pending = waiting.clone();
            self.repl.bgsave = Some(bgsave);
            for conn in waiting {
                self.setup_full_resync(conn, offset, cx);
                self.send_rdb(conn, payload.clone(), format!("$EOF:{mark}"), gen, cx);
            }
        } else {
            let done_at = cx.now_ms + BGSAVE_BASE_MS + rdb.len() as u64 / BGSAVE_BYTES_PER_MS;
            bgsave.rdb = rdb;
            self.repl.bgsave = Some(bgsave);
            cx.timer(done_at, Timer::BgsaveDone { gen });
            for conn in waiting {
                self.setup_full_resync(conn, offset, cx);
            }
        }
    }

    /// Writes an RDB payload to a replica, asking to hear when it has left.
    fn send_rdb(
        &mut self,
        conn: ConnId,
        payload: Vec<u8>,
        preamble: String,
        gen: u64,
        cx: &mut Cx,
    ) {
        let name = self
            .peers
            .get(&conn)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let kind = Kind::RdbSendStarted {
            bytes: payload.len() as u64,
            preamble,
        };
        cx.trace(Some(&name), Phase::Transfer, kind);
        cx.send_notify(conn, payload, Payload::Rdb, gen);
    }

    /// A disk BGSAVE wrote its file: send it to every replica waiting for it.
    pub fn disk_bgsave_done(&mut self, gen: u64, cx: &mut Cx) {
        if !self.repl.bgsave.as_ref().is_some_and(|b| b.gen == gen) {
            return;
        }
        let Some(bgsave) = self.repl.bgsave.take() else {
            return;
        };
        let kind = Kind::BgsaveDone {
            target: "disk".into(),
            rdb_bytes: bgsave.rdb.len() as u64,
        };
        cx.trace(None, Phase::Snapshot, kind);
        let preamble = format!("${}", bgsave.rdb.len());
        for conn in self.slaves_in(SlaveState::WaitBgsaveEnd) {
            let name = self.set_slave_state(conn, SlaveState::SendBulk, Phase::Transfer, cx);
            if name.is_none() {
                continue;
            }
            let mut payload = format!("{preamble}\r\n").into_bytes();
            payload.extend_from_slice(&bgsave.rdb);
            if let Some(s) = self.peers.get_mut(&conn).and_then(|p| p.slave.as_mut()) {
                s.bgsave_gen = gen;
            }
            self.send_rdb(conn, payload, preamble.clone(), gen, cx);
        }
        self.start_pending_fork(cx);
    }

    /// Bytes written with a notification token have all left.
    pub fn on_sent(&mut self, conn: ConnId, token: u64, cx: &mut Cx) {
        let Some(slave) = self.peers.get(&conn).and_then(|p| p.slave.as_ref()) else {
            return;
        };
        if slave.bgsave_gen != token {
            return;
        }
        if slave.state == SlaveState::SendBulk {
            self.put_online(conn, false, cx);
            return;
        }
        if let Some(b) = self.repl.bgsave.as_mut().filter(|b| b.gen == token) {
            b.pending.retain(|c| *c != conn);
            if b.pending.is_empty() {
                self.socket_bgsave_done(cx);
            }
        }
    }

    /// A diskless BGSAVE finished streaming: its replicas are online, their
    /// stream starting with their first ACK.
    fn socket_bgsave_done(&mut self, cx: &mut Cx) {
        let Some(bgsave) = self.repl.bgsave.take() else {
            return;
        };
        let kind = Kind::BgsaveDone {
            target: "sockets".into(),
            rdb_bytes: 0,
        };
        cx.trace(None, Phase::Transfer, kind);
        for conn in self.slaves_in(SlaveState::WaitBgsaveEnd) {
            let ours = self
                .peers
                .get(&conn)
                .and_then(|p| p.slave.as_ref())
                .is_some_and(|s| s.bgsave_gen == bgsave.gen);
            if ours {
                self.put_online(conn, true, cx);
            }
        }
        self.start_pending_fork(cx);
    }

    /// `replicaPutOnline` (+ `replicaStartCommandStream` unless it must
    /// wait for the first ACK).
    fn put_online(&mut self, conn: ConnId, start_on_ack: bool, cx: &mut Cx) {
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
            cx.send(conn, bytes, Payload::Replay);
        }
    }

    /// `replicationStartPendingFork`: start a BGSAVE for waiting replicas
    /// once the diskless delay has passed (or at once for disk sync).
    pub fn start_pending_fork(&mut self, cx: &mut Cx) {
        if self.repl.bgsave.is_some() {
            return;
        }
        let waiting = self.waiting_slaves();
        if waiting.is_empty() {
            return;
        }
        let now_s = cx.unix_s();
        let max_idle = waiting
            .iter()
            .filter_map(|c| self.peers.get(c))
            .map(|p| now_s - p.last_interaction_s)
            .max()
            .unwrap_or(0);
        let config = &self.server.config;
        let max_replicas = config.repl_diskless_sync_max_replicas;
        if !config.repl_diskless_sync
            || (max_replicas > 0 && waiting.len() as u64 >= max_replicas)
            || max_idle >= config.repl_diskless_sync_delay as i64
        {
            self.start_bgsave_for_replication(cx);
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
    fn set_slave_state(
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

    fn trace_slave_state(&self, name: &str, from: &str, to: SlaveState, phase: Phase, cx: &mut Cx) {
        let kind = Kind::SlaveState {
            from: from.into(),
            to: to.name().into(),
        };
        cx.trace(Some(name), phase, kind);
    }

    /// Replica side: read the payload header and bytes; load when complete.
    pub fn read_payload(&mut self, cx: &mut Cx) {
        loop {
            let Some(link) = self.repl.link.as_mut() else {
                return;
            };
            if link.state != ReplState::Transfer {
                return;
            }
            if !link.transfer.started {
                let Some(line) = super::handshake::take_line(&mut link.inbuf) else {
                    return;
                };
                if !line.is_empty() {
                    self.payload_header(&line, cx);
                }
                continue;
            }
            let t = &mut link.transfer;
            let pending = link.inbuf.pending();
            let take = if t.eof_mark.is_some() {
                pending.len()
            } else {
                pending.len().min((t.size as u64 - t.read) as usize)
            };
            if take == 0 && !(t.eof_mark.is_none() && t.read == t.size as u64) {
                return;
            }
            t.payload.extend_from_slice(&pending[..take]);
            t.read += take as u64;
            link.inbuf.consume(take);
            let done = match &t.eof_mark {
                Some(mark) => t.payload.len() >= mark.len() && t.payload.ends_with(mark),
                None => t.read == t.size as u64,
            };
            let total = if t.size > 0 {
                t.size as u64
            } else {
                t.payload_hint.saturating_sub(47)
            };
            let kind = Kind::RdbChunk {
                bytes: take as u64,
                received: t.read,
                total,
            };
            let name = self.name.clone();
            cx.trace(Some(&name), Phase::Transfer, kind);
            if done {
                self.load_payload(cx);
                return;
            }
        }
    }

    /// `$<len>` or `$EOF:<mark>` (or an error from the master).
    fn payload_header(&mut self, line: &str, cx: &mut Cx) {
        if let Some(err) = line.strip_prefix('-') {
            self.abort_link(
                &format!("MASTER aborted replication with an error: {err}"),
                true,
                cx,
            );
            return;
        }
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let t = &mut link.transfer;
        if let Some(mark) = line.strip_prefix("$EOF:").filter(|m| m.len() >= 40) {
            t.eof_mark = Some(mark.as_bytes()[..40].to_vec());
            t.size = 0;
        } else if let Some(n) = line
            .strip_prefix('$')
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
        {
            t.size = n;
        } else {
            let why = format!(
                "Bad protocol from MASTER, the first byte is not '$' (we received '{line}')"
            );
            self.abort_link(&why, true, cx);
            return;
        }
        t.started = true;
        let name = self.name.clone();
        cx.trace(
            Some(&name),
            Phase::Transfer,
            Kind::TransferStarted {
                preamble: line.to_string(),
            },
        );
    }

    /// The payload is complete: drop sub-replicas and backlog, flush, load.
    fn load_payload(&mut self, cx: &mut Cx) {
        let name = self.name.clone();
        if let Some(link) = self.repl.link.as_mut() {
            link.cached = None;
        }
        self.disconnect_slaves("my master sent a new dataset (full sync)", cx);
        if self.repl.backlog.take().is_some() {
            let why = "full sync: chained replicas must not continue from it".into();
            cx.trace(None, Phase::Load, Kind::BacklogFreed { why });
        }
        let old = self.server.keyspace.key_count() as u64;
        self.server.keyspace.clear();
        cx.trace(Some(&name), Phase::Load, Kind::Flush { keys: old });
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let mut payload = std::mem::take(&mut link.transfer.payload);
        let usemark = link.transfer.eof_mark.is_some();
        if usemark {
            payload.truncate(payload.len().saturating_sub(40));
        }
        match super::snapshot::load(&payload) {
            Ok((ks, db)) => {
                self.server.keyspace = ks;
                let kind = Kind::Loaded {
                    keys: self.server.keyspace.key_count() as u64,
                    rdb_bytes: payload.len() as u64,
                };
                cx.trace(Some(&name), Phase::Load, kind);
                self.finish_full_sync(db, usemark, cx);
            }
            Err(e) => {
                cx.trace(
                    Some(&name),
                    Phase::Load,
                    Kind::LoadFailed {
                        error: e.to_string(),
                    },
                );
                let why = "Failed trying to load the MASTER synchronization DB from disk";
                self.abort_link(why, true, cx);
            }
        }
    }

    /// The replica takes over the master's history after loading.
    fn finish_full_sync(&mut self, db: i64, usemark: bool, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let mut master = MasterClient::new(link.master_replid.clone(), link.initial_offset, now_s);
        if (0..crate::db::DB_COUNT as i64).contains(&db) {
            master.client.db = db as usize;
        }
        link.master = Some(master);
        link.down_since_s = 0;
        self.repl.replid = link.master_replid.clone();
        self.repl.master_repl_offset = link.initial_offset;
        self.repl.clear_replication_id2();
        self.set_repl_state(ReplState::Connected, cx);
        self.create_backlog(Phase::Load, cx);
        if usemark {
            let offset = self.repl.master_repl_offset;
            self.send_ack(offset, cx);
        }
        self.enter_stream(cx);
    }
}
