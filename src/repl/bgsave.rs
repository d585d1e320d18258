//! BGSAVE for replication: when to fork, the point-in-time snapshot, and
//! sending it (`startBgsaveForReplication`, `rdbSaveToSlavesSockets`,
//! `updateSlavesWaitingBgsave`, `replicationStartPendingFork`).
//!
//! - A disk BGSAVE already running can be joined by a new replica if
//!   another replica is registering its differences (`wait_bgsave_end`):
//!   it copies that replica's buffer and `+FULLRESYNC` offset. A diskless
//!   BGSAVE cannot be joined: the newcomer waits for the next one.
//! - With none running, diskless sync (the 7.0 default) waits
//!   `repl-diskless-sync-delay` seconds — checked by the once-a-second
//!   cron against the oldest waiting replica's last I/O — so more replicas
//!   can share one snapshot (or until `repl-diskless-sync-max-replicas`
//!   are waiting); disk sync forks at once.
//! - Disk: the child writes the file; then each replica gets
//!   `$<len>\r\n<rdb>` (`send_bulk`). Diskless: every replica gets
//!   `$EOF:<40 random hex>\r\n<rdb><same 40>` while the child runs, and the
//!   child ends once the payload has left for all of them; if every target
//!   disconnects, the child is killed.
//!
//! # Timing model
//!
//! A disk BGSAVE takes [`BGSAVE_BASE_MS`] plus one millisecond per
//! [`BGSAVE_BYTES_PER_MS`] bytes of RDB; a diskless one lasts until the
//! payload has left for every replica (the link's bandwidth sets the
//! pace). Redis notices a finished child in its 100 ms cron; the simulator
//! notices it at once.

use super::{Bgsave, SlaveState, Target};
use crate::net::{ConnId, Payload};
use crate::repl::node::{Cx, Node, Timer};
use crate::sim::trace::{Kind, Phase};

/// Fixed cost of a disk BGSAVE (fork, open, fsync), virtual ms.
pub const BGSAVE_BASE_MS: u64 = 10;

/// Disk BGSAVE writing speed: bytes per virtual millisecond (100 MB/s).
pub const BGSAVE_BYTES_PER_MS: u64 = 100_000;

impl Node {
    /// Joins a running disk BGSAVE, waits, or starts one.
    pub(super) fn attach_or_start_bgsave(&mut self, conn: ConnId, name: &str, cx: &mut Cx) {
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
    pub(super) fn find_registering_slave(&self, conn: ConnId) -> Option<ConnId> {
        self.repl.slaves.iter().copied().find(|c| {
            *c != conn
                && self
                    .peers
                    .get(c)
                    .and_then(|p| p.slave.as_ref())
                    .is_some_and(|s| s.state == SlaveState::WaitBgsaveEnd)
        })
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
        // Every BGSAVE is one fork of the server, whether the child writes
        // dump.rdb or the replicas' sockets: INFO stats' `total_forks`.
        self.server.stats.total_forks += 1;
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
        self.server.stats.net_repl_output_bytes += payload.len() as u64;
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
    pub(super) fn socket_bgsave_done(&mut self, cx: &mut Cx) {
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

    /// `replicationStartPendingFork`: start a BGSAVE for waiting replicas
    /// once the diskless delay has passed (or at once for disk sync).
    pub fn start_pending_fork(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        if self.pending_fork_at_s(now_s).is_some_and(|at| now_s >= at) {
            self.start_bgsave_for_replication(cx);
        }
    }

    /// When the replication cron will fork for the replicas waiting in
    /// `wait_bgsave_start` (unix seconds; `now_s` when nothing holds it
    /// back), or `None` with no BGSAVE to start. Redis forks once the
    /// longest-waiting replica has been idle `repl-diskless-sync-delay`
    /// seconds, or at once for disk sync or `repl-diskless-sync-max-replicas`.
    pub fn pending_fork_at_s(&self, now_s: i64) -> Option<i64> {
        if self.repl.bgsave.is_some() {
            return None;
        }
        let waiting = self.waiting_slaves();
        if waiting.is_empty() {
            return None;
        }
        let config = &self.server.config;
        let max_replicas = config.repl_diskless_sync_max_replicas;
        if !config.repl_diskless_sync || (max_replicas > 0 && waiting.len() as u64 >= max_replicas)
        {
            return Some(now_s);
        }
        let oldest = waiting
            .iter()
            .filter_map(|c| self.peers.get(c))
            .map(|p| p.last_interaction_s)
            .min()
            .unwrap_or(now_s);
        Some(oldest + config.repl_diskless_sync_delay as i64)
    }
}
