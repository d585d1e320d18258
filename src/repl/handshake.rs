//! The replica's side of the link: connect, handshake, PSYNC, and what
//! happens when the link breaks (`connectWithMaster`, `syncWithMaster`,
//! `slaveTryPartialResynchronization`, `replicationCacheMaster`).
//!
//! ```text
//! CONNECT ─connect─▶ CONNECTING ─PING─▶ RECEIVE_PING_REPLY
//!   ─REPLCONF listening-port, REPLCONF capa eof capa psync2 (pipelined)─▶
//!   RECEIVE_PORT_REPLY ─▶ RECEIVE_CAPA_REPLY ─PSYNC <id> <off+1> | PSYNC ? -1─▶
//!   RECEIVE_PSYNC_REPLY ─+FULLRESYNC─▶ TRANSFER ─load─▶ CONNECTED
//!                       ─+CONTINUE [newid]─▶ CONNECTED
//!                       ─-NOMASTERLINK / -LOADING─▶ CONNECT (retry)
//!                       ─-ERR─▶ SYNC ─▶ TRANSFER
//! ```
//!
//! Any failure goes back to CONNECT; the once-a-second cron reconnects.
//! Losing an established link keeps the master as the *cached master*, so
//! the next attempt can ask to continue where it stopped. No AUTH step:
//! `masterauth` is not simulated.

use super::{describe, Force, ReplState, Transfer};
use crate::net::{ConnId, Payload};
use crate::repl::backlog::Backlog;
use crate::repl::node::{Cx, Node};
use crate::resp::{encode_command, Decoder};
use crate::sim::trace::{Kind, Phase};

impl Node {
    /// Moves the link state machine, tracing the transition.
    pub fn set_repl_state(&mut self, to: ReplState, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let from = link.state;
        if from == to {
            return;
        }
        link.state = to;
        let phase = match to {
            ReplState::Transfer => Phase::Transfer,
            ReplState::Connected => Phase::Streaming,
            _ => Phase::Handshake,
        };
        let kind = Kind::ReplState {
            from: from.name().into(),
            to: to.name().into(),
        };
        cx.trace_as_replica(phase, kind);
    }

    /// `connectWithMaster`: opens the connection.
    pub fn connect_with_master(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let conn = cx.open(&link.host);
        link.conn = Some(conn);
        link.inbuf = Decoder::new();
        link.transfer_lastio_s = now_s;
        self.set_repl_state(ReplState::Connecting, cx);
    }

    /// The connection to the master is established: send PING.
    pub fn on_connected(&mut self, conn: ConnId, cx: &mut Cx) {
        let ok = self
            .repl
            .link
            .as_ref()
            .is_some_and(|l| l.conn == Some(conn) && l.state == ReplState::Connecting);
        if ok {
            self.handshake_send(conn, &["PING"], cx);
            self.set_repl_state(ReplState::ReceivePingReply, cx);
        }
    }

    /// The connection could not be made; the cron will retry.
    pub fn on_connect_failed(&mut self, conn: ConnId, error: &str, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        if link.conn != Some(conn) {
            return;
        }
        link.conn = None;
        let kind = Kind::ConnectFailed {
            master: link.host.clone(),
            error: error.to_string(),
        };
        cx.trace_as_replica(Phase::Handshake, kind);
        self.set_repl_state(ReplState::Connect, cx);
    }

    fn handshake_send(&mut self, conn: ConnId, argv: &[&str], cx: &mut Cx) {
        cx.send(conn, encode_command(argv), Payload::Command);
        cx.trace_as_replica(
            Phase::Handshake,
            Kind::HandshakeSent {
                command: describe(argv),
            },
        );
    }

    /// Bytes from the master, whatever the state.
    pub fn on_master_data(
        &mut self,
        bytes: Vec<u8>,
        payload: Payload,
        progress: Option<(u64, u64)>,
        cx: &mut Cx,
    ) {
        let now_s = cx.unix_s();
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let len = bytes.len();
        link.inbuf.feed_owned(bytes);
        if matches!(link.state, ReplState::Connected | ReplState::Transfer) {
            self.server.stats.net_repl_input_bytes += len as u64;
        }
        if let Some((_, total)) = progress {
            link.transfer.payload_hint = total;
        }
        match link.state {
            ReplState::Connected => {
                if let Some(m) = link.master.as_mut() {
                    m.read_reploff += len as i64;
                    m.lastinteraction_s = now_s;
                    if payload == Payload::Replay {
                        m.replay_until = m.read_reploff;
                    }
                }
                self.replica_process_stream(cx);
            }
            ReplState::Transfer => {
                link.transfer_lastio_s = now_s;
                self.read_payload(cx);
            }
            s if s.is_handshake() => {
                link.transfer_lastio_s = now_s;
                self.read_handshake_replies(cx);
            }
            _ => {}
        }
    }

    /// Consumes reply lines while the state machine waits for replies.
    fn read_handshake_replies(&mut self, cx: &mut Cx) {
        loop {
            let Some(link) = self.repl.link.as_mut() else {
                return;
            };
            if !link.state.is_handshake() {
                break;
            }
            let Some(line) = take_line(&mut link.inbuf) else {
                return;
            };
            self.handshake_reply(line, cx);
        }
        let state = self.repl.state();
        if state == ReplState::Transfer {
            let pending = self
                .repl
                .link
                .as_ref()
                .map_or(0, |l| l.inbuf.pending().len());
            if pending > 0 {
                self.read_payload(cx);
            }
        } else if state == ReplState::Connected {
            self.enter_stream(cx);
        }
    }

    /// One reply line in a handshake state.
    fn handshake_reply(&mut self, line: String, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_ref() else {
            return;
        };
        let (state, Some(conn)) = (link.state, link.conn) else {
            return;
        };
        if state == ReplState::ReceivePsyncReply && line.is_empty() {
            // The master's once-a-second newline while it prepares the sync.
            return;
        }
        cx.trace_as_replica(
            Phase::Handshake,
            Kind::HandshakeReply {
                reply: line.clone(),
            },
        );
        match state {
            ReplState::ReceivePingReply => self.ping_reply(conn, &line, cx),
            ReplState::ReceivePortReply => self.set_repl_state(ReplState::ReceiveCapaReply, cx),
            ReplState::ReceiveCapaReply => {
                self.set_repl_state(ReplState::SendPsync, cx);
                self.send_psync(conn, cx);
            }
            ReplState::ReceivePsyncReply => self.psync_reply(conn, &line, cx),
            _ => {}
        }
    }

    /// PING answered: send the pipelined REPLCONFs.
    fn ping_reply(&mut self, conn: ConnId, line: &str, cx: &mut Cx) {
        let accepted = ["-NOAUTH", "-NOPERM", "-ERR operation not permitted"];
        if line.starts_with('-') && !accepted.iter().any(|a| line.starts_with(a)) {
            self.abort_link(
                &format!("Error reply to PING from master: '{line}'"),
                false,
                cx,
            );
            return;
        }
        self.set_repl_state(ReplState::SendHandshake, cx);
        let port = self.server.config.port.to_string();
        self.handshake_send(conn, &["REPLCONF", "listening-port", &port], cx);
        self.handshake_send(conn, &["REPLCONF", "capa", "eof", "capa", "psync2"], cx);
        self.set_repl_state(ReplState::ReceivePortReply, cx);
    }

    /// `slaveTryPartialResynchronization`, writing half.
    fn send_psync(&mut self, conn: ConnId, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let force = std::mem::replace(&mut link.force, Force::No);
        link.initial_offset = -1;
        if force == Force::Legacy {
            self.send_legacy_sync(conn, cx);
            return;
        }
        let (id, off) = match (&link.cached, force) {
            (Some(c), Force::No) => (c.replid.clone(), (c.reploff + 1).to_string()),
            _ => ("?".to_string(), "-1".to_string()),
        };
        self.handshake_send(conn, &["PSYNC", &id, &off], cx);
        self.set_repl_state(ReplState::ReceivePsyncReply, cx);
    }

    /// Sends the pre-2.8 `SYNC` (inline, as Redis writes it) and waits for
    /// the RDB payload straight away: SYNC has no reply line of its own.
    fn send_legacy_sync(&mut self, conn: ConnId, cx: &mut Cx) {
        cx.send(conn, b"SYNC\r\n".to_vec(), Payload::Command);
        let command = "SYNC".into();
        cx.trace_as_replica(Phase::Handshake, Kind::HandshakeSent { command });
        self.start_transfer(cx);
    }

    /// `slaveTryPartialResynchronization`, reading half.
    fn psync_reply(&mut self, conn: ConnId, line: &str, cx: &mut Cx) {
        if let Some(rest) = line.strip_prefix("+FULLRESYNC") {
            self.fullresync_reply(rest, cx);
        } else if line.starts_with("+CONTINUE") {
            self.continue_reply(line, cx);
        } else if line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING") {
            let why =
                format!("Master is currently unable to PSYNC but should be in the future: {line}");
            self.abort_link(&why, false, cx);
        } else {
            // The master does not understand PSYNC: fall back to SYNC.
            self.send_legacy_sync(conn, cx);
        }
    }

    /// `+FULLRESYNC <replid> <offset>`: remember them, drop the cached master.
    fn fullresync_reply(&mut self, rest: &str, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let mut parts = rest.split_whitespace();
        match (
            parts.next(),
            parts.next().and_then(|o| o.parse::<i64>().ok()),
        ) {
            (Some(id), Some(off)) if id.len() == 40 => {
                link.master_replid = id.to_string();
                link.initial_offset = off;
            }
            _ => link.master_replid = String::new(),
        }
        link.cached = None;
        self.start_transfer(cx);
    }

    /// Ready to read the RDB payload.
    fn start_transfer(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        if let Some(link) = self.repl.link.as_mut() {
            link.transfer = Transfer {
                size: -1,
                ..Transfer::default()
            };
            link.transfer_lastio_s = now_s;
        }
        self.set_repl_state(ReplState::Transfer, cx);
    }

    /// `+CONTINUE [<newid>]`: resurrect the cached master, maybe shift IDs.
    fn continue_reply(&mut self, line: &str, cx: &mut Cx) {
        let Some(mut cached) = self.repl.link.as_mut().and_then(|l| l.cached.take()) else {
            self.abort_link("+CONTINUE without a cached master", false, cx);
            return;
        };
        let new = line.get(10..).unwrap_or("").trim_end();
        if new.len() == 40 && new != cached.replid {
            self.adopt_master_replid(new, cx);
            cached.replid = new.to_string();
        }
        cached.lastinteraction_s = cx.unix_s();
        cached.replay_until = cached.reploff;
        if let Some(link) = self.repl.link.as_mut() {
            link.master = Some(cached);
            link.down_since_s = 0;
        }
        self.set_repl_state(ReplState::Connected, cx);
        if self.repl.backlog.is_none() {
            self.create_backlog(Phase::Replay, cx);
        }
    }

    /// Leftover bytes after the switch to CONNECTED are stream bytes.
    pub fn enter_stream(&mut self, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let pending = link.inbuf.pending().len() as i64;
        if let Some(m) = link.master.as_mut() {
            m.read_reploff += pending;
        }
        if pending > 0 {
            self.replica_process_stream(cx);
        }
    }

    /// `createReplicationBacklog`.
    pub fn create_backlog(&mut self, phase: Phase, cx: &mut Cx) {
        let backlog = Backlog::new(self.repl.master_repl_offset);
        let kind = Kind::BacklogCreated {
            first_byte_offset: backlog.first_byte_offset(),
        };
        self.repl.backlog = Some(backlog);
        cx.trace(None, phase, kind);
    }

    /// The master closed the connection, or the link was cut. Redis tries
    /// again at once after losing an established link or a transfer.
    pub fn master_link_lost(&mut self, reason: &str, cx: &mut Cx) {
        let state = self.repl.state();
        let reconnect = matches!(state, ReplState::Connected | ReplState::Transfer);
        self.end_master_link(reason, false, reconnect, cx);
    }

    /// We close the master connection (timeout, protocol error, a new
    /// master); `reconnect` = connect again at once.
    pub fn drop_master_link(&mut self, reason: &str, reconnect: bool, cx: &mut Cx) {
        self.end_master_link(reason, true, reconnect, cx);
    }

    /// A handshake failure: close, back to CONNECT, the cron retries
    /// (`reconnect` = retry at once, `cancelReplicationHandshake(1)`).
    pub fn abort_link(&mut self, reason: &str, reconnect: bool, cx: &mut Cx) {
        self.end_master_link(reason, true, reconnect, cx);
    }

    fn end_master_link(&mut self, reason: &str, we_close: bool, reconnect: bool, cx: &mut Cx) {
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        let Some(conn) = link.conn.take() else {
            return;
        };
        if we_close {
            cx.close(conn);
        }
        link.inbuf = Decoder::new();
        let kind = Kind::ConnClosed {
            peer: link.host.clone(),
            reason: reason.to_string(),
        };
        let state = link.state;
        cx.trace_as_replica(Phase::None, kind);
        if state == ReplState::Connected {
            self.cache_master(cx);
        }
        self.set_repl_state(ReplState::Connect, cx);
        if reconnect {
            self.connect_with_master(cx);
        }
    }
}

/// One reply line (without `\r\n`), or `None` if no full line arrived yet.
pub fn take_line(inbuf: &mut Decoder) -> Option<String> {
    let pending = inbuf.pending();
    let nl = pending.iter().position(|&c| c == b'\n')?;
    let line = String::from_utf8_lossy(&pending[..nl])
        .trim_end_matches('\r')
        .to_string();
    inbuf.consume(nl + 1);
    Some(line)
}
