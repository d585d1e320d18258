//! The replication commands: REPLICAOF/SLAVEOF, REPLCONF and WAIT, plus a
//! user-forced resync.
//!
//! REPLICAOF follows `replicaofCommand` / `replicationSetMaster` /
//! `replicationUnsetMaster` of 7.0: a master told to replicate first caches
//! *itself* as master (so it can PSYNC with its own ID and offset), keeps
//! its replicas connected, and connects at once; `REPLICAOF NO ONE` shifts
//! the replication ID (the old one becomes `replid2`, valid up to
//! `master_repl_offset + 1`) and drops the replicas so they learn the new
//! ID with a quick `+CONTINUE <newid>`.
//!
//! WAIT counts online replicas whose acknowledged offset reached the
//! client's last write; if too few, it blocks (in virtual time) and the
//! master asks every replica for an ACK with `REPLCONF GETACK *` — 37
//! bytes that count in the offset, which is why the master ends 37 bytes
//! ahead of the ACK that satisfies the WAIT.

use super::{Force, ReplState, ReplicaLink, SlaveState};
use crate::net::ConnId;
use crate::repl::node::{Cx, Node, Timer, WaitState};
use crate::resp::{parse_int, Frame};
use crate::sim::trace::{Kind, Phase};

/// WAIT's error on a replica, verbatim from Redis 7.0.
const WAIT_ON_REPLICA: &str = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";

impl Node {
    /// `REPLICAOF host port` / `REPLICAOF NO ONE`.
    pub fn replicaof_command(
        &mut self,
        from: Option<ConnId>,
        argv: &[Vec<u8>],
        cx: &mut Cx,
    ) -> Frame {
        let (Some(host), Some(port)) = (argv.get(1), argv.get(2)) else {
            return Frame::err("ERR wrong number of arguments for 'replicaof' command");
        };
        if host.eq_ignore_ascii_case(b"no") && port.eq_ignore_ascii_case(b"one") {
            if self.repl.link.is_some() {
                self.unset_master(cx);
            }
            return Frame::ok();
        }
        let from_slave =
            from.is_some_and(|c| self.peers.get(&c).is_some_and(|p| p.slave.is_some()));
        if from_slave {
            return Frame::err("ERR Command is not valid when client is a replica.");
        }
        let Some(port) = parse_int(port).filter(|p| (0..=65535).contains(p)) else {
            return Frame::err("ERR Invalid master port");
        };
        let host = String::from_utf8_lossy(host).into_owned();
        let same = self
            .repl
            .link
            .as_ref()
            .is_some_and(|l| l.host.eq_ignore_ascii_case(&host) && i64::from(l.port) == port);
        if same {
            return Frame::Simple("OK Already connected to specified master".into());
        }
        self.set_master(host, port as u16, cx);
        Frame::ok()
    }

    /// `replicationSetMaster`.
    pub fn set_master(&mut self, host: String, port: u16, cx: &mut Cx) {
        let was_master = self.repl.link.is_none();
        let mut cached = None;
        if let Some(link) = &self.repl.link {
            if link.state == ReplState::Connected {
                self.drop_master_link("REPLICAOF: switching to another master", false, cx);
            } else if link.conn.is_some() {
                self.abort_link("REPLICAOF: switching to another master", false, cx);
            }
            cached = self.repl.link.as_mut().and_then(|l| l.cached.take());
        }
        self.unblock_wait_for_role_change(cx);
        let mut link = ReplicaLink::new(host.clone(), port);
        link.cached = cached;
        link.state = if was_master {
            ReplState::None
        } else {
            ReplState::Connect
        };
        self.repl.link = Some(link);
        self.server.is_replica = true;
        if was_master {
            self.cache_master_using_myself(cx);
        }
        let kind = Kind::RoleChanged {
            role: "slave".into(),
            master: Some(host),
        };
        cx.trace(None, Phase::None, kind);
        self.set_repl_state(ReplState::Connect, cx);
        self.connect_with_master(cx);
    }

    /// A user-forced full sync: drop the link and reconnect asking for a
    /// full resync (`PSYNC ? -1`) or with legacy `SYNC`.
    pub fn force_resync(&mut self, legacy: bool, cx: &mut Cx) -> bool {
        if self.repl.link.is_none() {
            return false;
        }
        if self.repl.link.as_ref().is_some_and(|l| l.conn.is_some()) {
            self.drop_master_link("resync requested", false, cx);
        }
        self.set_repl_state(ReplState::Connect, cx);
        let Some(link) = self.repl.link.as_mut() else {
            return false;
        };
        link.force = if legacy { Force::Legacy } else { Force::Full };
        if link.conn.is_none() {
            self.connect_with_master(cx);
        }
        true
    }

    /// REPLCONF from a replica (or the console).
    pub fn replconf_command(
        &mut self,
        from: Option<ConnId>,
        argv: &[Vec<u8>],
        cx: &mut Cx,
    ) -> Option<Frame> {
        if argv.len() % 2 == 0 {
            return Some(Frame::err("ERR syntax error"));
        }
        for pair in argv[1..].chunks(2) {
            let (opt, value) = (pair[0].to_ascii_lowercase(), &pair[1]);
            match opt.as_slice() {
                b"listening-port" => {
                    let Some(port) = parse_int(value) else {
                        return Some(Frame::err("ERR value is not an integer or out of range"));
                    };
                    if let Some(p) = from.and_then(|c| self.peers.get_mut(&c)) {
                        p.listening_port = port.clamp(0, 65535) as u16;
                    }
                }
                b"ip-address" => {}
                b"capa" => {
                    if let Some(p) = from.and_then(|c| self.peers.get_mut(&c)) {
                        p.capa_eof |= value.eq_ignore_ascii_case(b"eof");
                        p.capa_psync2 |= value.eq_ignore_ascii_case(b"psync2");
                    }
                }
                b"ack" => {
                    if let Some(conn) = from {
                        self.ack_received(conn, value, cx);
                    }
                    return None;
                }
                b"getack" => return None,
                _ => {
                    let opt = String::from_utf8_lossy(&pair[0]);
                    return Some(Frame::err(format!(
                        "ERR Unrecognized REPLCONF option: {opt}"
                    )));
                }
            }
        }
        Some(Frame::ok())
    }

    /// `REPLCONF ACK <offset>` from a replica.
    fn ack_received(&mut self, conn: ConnId, value: &[u8], cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(offset) = parse_int(value) else {
            return;
        };
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let Some(slave) = peer.slave.as_mut() else {
            return;
        };
        if offset > slave.ack_off {
            slave.ack_off = offset;
        }
        slave.ack_time_s = now_s;
        let start = slave.start_on_ack && slave.state == SlaveState::Online;
        let name = peer.name.clone();
        cx.trace(Some(&name), Phase::Streaming, Kind::AckReceived { offset });
        if start {
            self.start_command_stream(conn, cx);
        }
        self.check_wait(cx);
    }

    /// WAIT numreplicas timeout. It replies at once, never blocking, for a
    /// connection and inside EXEC (`in_exec`, 7.0's `CLIENT_MULTI` check).
    pub fn wait_command(
        &mut self,
        from: Option<ConnId>,
        argv: &[Vec<u8>],
        in_exec: bool,
        cx: &mut Cx,
    ) -> Option<Frame> {
        if self.repl.link.is_some() {
            return Some(Frame::err(WAIT_ON_REPLICA));
        }
        let Some(numreplicas) = argv.get(1).and_then(|v| parse_int(v)) else {
            return Some(Frame::err("ERR value is not an integer or out of range"));
        };
        let Some(timeout) = argv.get(2).and_then(|v| parse_int(v)) else {
            return Some(Frame::err("ERR timeout is not an integer or out of range"));
        };
        if timeout < 0 {
            return Some(Frame::err("ERR timeout is negative"));
        }
        let offset = self.console_woff;
        let acked = self.count_acks(offset);
        if acked >= numreplicas || from.is_some() || in_exec {
            return Some(Frame::Integer(acked));
        }
        let gen = self.next_gen();
        self.wait = Some(WaitState {
            numreplicas,
            offset,
            gen,
        });
        if timeout > 0 {
            cx.timer(cx.now_ms + timeout as u64, Timer::WaitTimeout { gen });
        }
        let kind = Kind::WaitBlocked {
            numreplicas,
            offset,
            timeout_ms: timeout,
        };
        cx.trace(None, Phase::Streaming, kind);
        // call() returns before beforeSleep sends the GETACK.
        self.console_woff = self.repl.master_repl_offset;
        let db = self.repl.slaveseldb;
        self.feed_command(db, &["REPLCONF", "GETACK", "*"], cx);
        None
    }

    /// `replicationCountAcksByOffset`.
    pub fn count_acks(&self, offset: i64) -> i64 {
        self.repl
            .slaves
            .iter()
            .filter_map(|c| self.peers.get(c).and_then(|p| p.slave.as_ref()))
            .filter(|s| s.state == SlaveState::Online && s.ack_off >= offset)
            .count() as i64
    }

    /// Unblocks the console's WAIT if enough replicas acknowledged.
    fn check_wait(&mut self, cx: &mut Cx) {
        let Some(w) = &self.wait else {
            return;
        };
        let acked = self.count_acks(w.offset);
        if acked >= w.numreplicas {
            self.finish_wait(acked, cx);
        }
    }

    /// The console's WAIT timed out: reply with the count so far.
    pub fn wait_timeout(&mut self, gen: u64, cx: &mut Cx) {
        let Some(w) = &self.wait else {
            return;
        };
        if w.gen == gen {
            let acked = self.count_acks(w.offset);
            self.finish_wait(acked, cx);
        }
    }

    fn finish_wait(&mut self, acked: i64, cx: &mut Cx) {
        self.wait = None;
        cx.trace(None, Phase::Streaming, Kind::WaitDone { acked });
        cx.out
            .push(crate::repl::node::Effect::ConsoleReply(Frame::Integer(
                acked,
            )));
    }

    /// `disconnectAllBlockedClients` when a master becomes a replica.
    fn unblock_wait_for_role_change(&mut self, cx: &mut Cx) {
        if self.wait.take().is_some() {
            let err = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
            cx.out
                .push(crate::repl::node::Effect::ConsoleReply(Frame::err(err)));
        }
    }

    /// `refreshGoodSlavesCount`: online replicas whose last ACK is at most
    /// `min-replicas-max-lag` seconds old.
    pub fn refresh_good_slaves(&mut self, cx: &Cx) {
        let max_lag = self.server.config.min_replicas_max_lag as i64;
        let now_s = cx.unix_s();
        self.repl.good_slaves = self
            .repl
            .slaves
            .iter()
            .filter_map(|c| self.peers.get(c).and_then(|p| p.slave.as_ref()))
            .filter(|s| s.state == SlaveState::Online && now_s - s.ack_time_s <= max_lag)
            .count() as u64;
    }
}
