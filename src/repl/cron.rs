//! The crons: `serverCron` every 100 ms (`hz 10`) and, every tenth run,
//! `replicationCron` — reconnect, REPLCONF ACK, PING, the `\n` keepalive,
//! timeouts, the backlog TTL and the delayed diskless BGSAVE — plus the
//! output-buffer soft-limit check of `clientsCron`.
//!
//! As in Redis, the cron counter starts with the server, so "a PING every
//! `repl-ping-replica-period` seconds" means every tenth replication cron
//! since the node was created, not ten seconds after the replica arrived.
//! Active expiry runs on masters every tick.

use super::{ReplState, SlaveState};
use crate::net::Payload;
use crate::repl::node::{Cx, Node, Timer};
use crate::sim::trace::{Kind, Phase};

/// Virtual milliseconds between two `serverCron` runs (`hz 10`).
pub const CRON_PERIOD_MS: u64 = 100;

impl Node {
    /// A timer fired.
    pub fn on_timer(&mut self, timer: Timer, cx: &mut Cx) {
        match timer {
            Timer::Cron => self.server_cron(cx),
            Timer::BgsaveDone { gen } => self.disk_bgsave_done(gen, cx),
            Timer::WaitTimeout { gen } => self.wait_timeout(gen, cx),
            Timer::LoadWrite { gen } => self.load_write(gen, cx),
        }
    }

    /// `serverCron`.
    fn server_cron(&mut self, cx: &mut Cx) {
        cx.timer(cx.now_ms + CRON_PERIOD_MS, Timer::Cron);
        if self.repl.link.is_none() {
            self.active_expire(cx);
        }
        if self.cron_loops % (1000 / CRON_PERIOD_MS) == 0 {
            self.replication_cron(cx);
            for conn in self.repl.slaves.clone() {
                self.check_output_limit(conn, 0, cx);
            }
        }
        self.cron_loops += 1;
    }

    /// `activeExpireCycle` on a master: delete expired keys, propagate DELs.
    fn active_expire(&mut self, cx: &mut Cx) {
        let dels = self.server.active_expire_cycle(cx.unix_ms());
        self.propagate(&dels, cx);
    }

    /// `replicationCron`.
    fn replication_cron(&mut self, cx: &mut Cx) {
        self.replica_cron(cx);
        self.ping_slaves(cx);
        self.keepalive_waiting_slaves(cx);
        self.timeout_slaves(cx);
        self.backlog_ttl(cx);
        self.start_pending_fork(cx);
        self.refresh_good_slaves(cx);
        self.repl.cron_loops += 1;
    }

    /// The replica's half: timeouts, reconnecting, the periodic ACK.
    fn replica_cron(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let timeout = self.server.config.repl_timeout as i64;
        let Some(link) = &self.repl.link else {
            return;
        };
        let state = link.state;
        let io_idle = now_s - link.transfer_lastio_s;
        if (state == ReplState::Connecting || state.is_handshake()) && io_idle > timeout {
            self.abort_link("Timeout connecting to the MASTER...", true, cx);
        } else if state == ReplState::Transfer && io_idle > timeout {
            self.abort_link("Timeout receiving bulk data from MASTER...", true, cx);
        } else if state == ReplState::Connected
            && link
                .master
                .as_ref()
                .is_some_and(|m| now_s - m.lastinteraction_s > timeout)
        {
            self.drop_master_link("MASTER timeout: no data nor PING received...", true, cx);
        }
        if self.repl.state() == ReplState::Connect {
            self.connect_with_master(cx);
        }
        let ack = self
            .repl
            .link
            .as_ref()
            .and_then(|l| l.master.as_ref())
            .filter(|m| !m.pre_psync);
        if let Some(offset) = ack.map(|m| m.reploff) {
            self.send_ack(offset, cx);
        }
    }

    /// PING the replicas every `repl-ping-replica-period` crons (counted in
    /// the offset; only a top-level master makes it).
    fn ping_slaves(&mut self, cx: &mut Cx) {
        let period = self.server.config.repl_ping_replica_period.max(1);
        if self.repl.cron_loops % period == 0 && !self.repl.slaves.is_empty() {
            let db = self.repl.slaveseldb;
            // Lowercase, as on the wire from real 7.0 (`shared.ping` is
            // created from "ping"): `*1\r\n$4\r\nping\r\n`, 14 bytes.
            self.feed_command(db, &["ping"], cx);
        }
    }

    /// The bare `\n` to replicas waiting for their RDB (not counted).
    fn keepalive_waiting_slaves(&mut self, cx: &mut Cx) {
        let disk_child = self
            .repl
            .bgsave
            .as_ref()
            .is_some_and(|b| b.target == super::Target::Disk);
        for conn in self.repl.slaves.clone() {
            let Some(peer) = self.peers.get(&conn) else {
                continue;
            };
            let Some(s) = &peer.slave else {
                continue;
            };
            let presync = s.state == SlaveState::WaitBgsaveStart
                || (s.state == SlaveState::WaitBgsaveEnd && disk_child);
            if presync {
                let name = peer.name.clone();
                cx.send(conn, b"\n".to_vec(), Payload::Keepalive);
                cx.trace(Some(&name), Phase::Snapshot, Kind::Keepalive);
            }
        }
    }

    /// Drop online replicas that have not acknowledged for `repl-timeout`.
    fn timeout_slaves(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let timeout = self.server.config.repl_timeout as i64;
        for conn in self.repl.slaves.clone() {
            let Some(peer) = self.peers.get(&conn) else {
                continue;
            };
            let timed_out = peer.slave.as_ref().is_some_and(|s| {
                s.state == SlaveState::Online && !s.pre_psync && s.lag_s(now_s) > timeout
            });
            if timed_out {
                let reason = "Disconnecting timedout replica (streaming sync)";
                self.free_peer(conn, reason, cx);
            }
        }
    }

    /// `repl-backlog-ttl`: a master alone for that long frees its backlog
    /// and takes a new replication ID.
    fn backlog_ttl(&mut self, cx: &mut Cx) {
        let ttl = self.server.config.repl_backlog_ttl as i64;
        let alone =
            self.repl.slaves.is_empty() && self.repl.link.is_none() && self.repl.backlog.is_some();
        if ttl > 0 && alone && cx.unix_s() - self.repl.no_slaves_since_s > ttl {
            self.new_history("the backlog was freed (repl-backlog-ttl)", cx);
            self.repl.backlog = None;
            let why = format!(
                "Replication backlog freed after {ttl} seconds without connected replicas."
            );
            cx.trace(None, Phase::None, Kind::BacklogFreed { why });
        }
    }
}
