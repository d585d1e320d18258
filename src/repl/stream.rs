//! The replication stream: from a master's writes to a replica's data.
//!
//! A top-level master turns each write into RESP bytes, preceded by
//! `SELECT <db>` when the db differs from the last one selected in the
//! stream (`replicationFeedSlaves`). The bytes enter the backlog — moving
//! `master_repl_offset` by exactly their length — and go to every replica:
//! straight to the connection once it is streaming, into its buffer while
//! it waits for or receives its snapshot. A master without backlog and
//! without replicas streams nothing and its offset does not move (7.0).
//!
//! A replica applies what it receives, command by command, and moves its
//! offset by the bytes of each command applied (a MULTI block counts when
//! its EXEC is applied). It never builds a stream of its own: it forwards
//! exactly the bytes it applied to its backlog and its own replicas
//! (`replicationFeedStreamFromMasterStream`), so a whole cascade shows the
//! same offsets.
//!
//! A replica whose pending output (buffer plus bytes not yet on the wire)
//! passes `client-output-buffer-limit replica <hard> <soft> <seconds>` is
//! dropped — the root of the endless full-resync loop.

use super::describe;
use crate::net::Payload;
use crate::repl::node::{Cx, Node};
use crate::resp::encode_command;
use crate::server::{Gate, Outcome, Propagated};
use crate::sim::trace::{Kind, Phase};

impl Node {
    /// A top-level master's writes enter the stream; a replica's own writes
    /// (writable replica) do not.
    pub fn propagate(&mut self, writes: &[Propagated], cx: &mut Cx) {
        if self.repl.link.is_some() {
            return;
        }
        for w in writes {
            self.feed_command(w.db as i64, &w.argv, cx);
        }
    }

    /// `replicationFeedSlaves`: one command (and a SELECT if needed).
    pub fn feed_command<A: AsRef<[u8]>>(&mut self, db: i64, argv: &[A], cx: &mut Cx) {
        if self.repl.link.is_some() || (self.repl.backlog.is_none() && self.repl.slaves.is_empty())
        {
            return;
        }
        if self.repl.slaveseldb != db {
            let select = encode_command(&["SELECT".to_string(), db.to_string()]);
            self.feed_stream(&select, || format!("SELECT {db}"), db, cx);
        }
        self.repl.slaveseldb = db;
        let bytes = encode_command(argv);
        self.feed_stream(&bytes, || describe(argv), db, cx);
    }

    /// Appends stream bytes to the backlog (moving the offset) and to every
    /// replica that is past `wait_bgsave_start`.
    pub fn feed_stream(&mut self, bytes: &[u8], text: impl Fn() -> String, db: i64, cx: &mut Cx) {
        let limit = self.backlog_limit();
        let Some(backlog) = &mut self.repl.backlog else {
            return;
        };
        let trimmed = backlog.feed(bytes, limit);
        self.repl.master_repl_offset += bytes.len() as i64;
        let (first, histlen) = (backlog.first_byte_offset(), backlog.histlen());
        let top_level = self.repl.link.is_none();
        if top_level || !self.repl.slaves.is_empty() {
            let kind = Kind::Propagate {
                command: text(),
                db,
                bytes: bytes.len() as u64,
                offset: self.repl.master_repl_offset,
            };
            cx.trace(None, Phase::Streaming, kind);
        }
        if trimmed > 0 {
            let kind = Kind::BacklogTrimmed {
                trimmed,
                first_byte_offset: first,
                histlen,
            };
            cx.trace(None, Phase::Streaming, kind);
        }
        // By index: feeding a replica can drop it from the list (its
        // output buffer limit), and copying the list for every write
        // would cost an allocation per command.
        let mut i = 0;
        while let Some(&conn) = self.repl.slaves.get(i) {
            self.feed_slave(conn, bytes, &text, cx);
            if self.repl.slaves.get(i) == Some(&conn) {
                i += 1;
            }
        }
    }

    /// A replica reads its master's stream: parse, apply, forward.
    pub fn replica_process_stream(&mut self, cx: &mut Cx) {
        loop {
            let Some(link) = &mut self.repl.link else {
                return;
            };
            let pending = link.inbuf.pending();
            if pending.is_empty() {
                return;
            }
            // Masters never send inline commands: Redis takes one for a
            // desynchronised stream (only the `\n` keepalive reads inline).
            let inline = pending[0] != b'*';
            let parsed = super::next_command(pending).and_then(|p| match p {
                Some((argv, _)) if inline && !argv.is_empty() => {
                    Err("Master using the inline protocol. Desync?".to_string())
                }
                p => Ok(p),
            });
            let (argv, used) = match parsed {
                Ok(Some(done)) => done,
                Ok(None) => return,
                Err(e) => {
                    let reason = format!("protocol error from master: {e}");
                    self.drop_master_link(&reason, true, cx);
                    return;
                }
            };
            // The command's bytes wait in `unapplied` until it is applied
            // (a MULTI block until its EXEC), then move the offset.
            if let Some(master) = link.master.as_mut() {
                master.unapplied.extend_from_slice(&pending[..used]);
            }
            link.inbuf.consume(used);
            self.apply_from_master(argv, cx);
        }
    }

    /// Applies one command from the master and, once it is applied (not
    /// inside MULTI), moves the offset and forwards its bytes.
    fn apply_from_master(&mut self, argv: Vec<Vec<u8>>, cx: &mut Cx) {
        let text = describe(&argv);
        let Some(master) = self.repl.link.as_mut().and_then(|l| l.master.as_mut()) else {
            return;
        };
        let ack_offset = master.reploff;
        let mut client = std::mem::take(&mut master.client);
        let outcome = if argv.is_empty() {
            None
        } else {
            Some(
                self.server
                    .process(&mut client, argv, cx.unix_ms(), &Gate::default()),
            )
        };
        if let Some(Outcome::Repl(argv)) = outcome {
            self.master_repl_command(&argv, ack_offset, cx);
        }
        let Some(master) = self.repl.link.as_mut().and_then(|l| l.master.as_mut()) else {
            return;
        };
        let in_multi = client.multi.is_some();
        master.client = client;
        if in_multi {
            return;
        }
        let applied = std::mem::take(&mut master.unapplied);
        master.reploff += applied.len() as i64;
        let replay = master.reploff <= master.replay_until;
        let offset = master.reploff;
        let phase = if replay {
            Phase::Replay
        } else {
            Phase::Streaming
        };
        // Only a replica with replicas of its own describes what it forwards.
        let forwarded = if self.repl.slaves.is_empty() {
            String::new()
        } else {
            text.clone()
        };
        let kind = Kind::Applied {
            command: text,
            bytes: applied.len() as u64,
            offset,
        };
        cx.trace_as_replica(phase, kind);
        let db = master.client.db as i64;
        self.feed_stream(&applied, || forwarded.clone(), db, cx);
        // The emptied buffer goes back for the next command (no allocation
        // per command applied).
        if let Some(m) = self.repl.link.as_mut().and_then(|l| l.master.as_mut()) {
            if m.unapplied.is_empty() {
                let mut spare = applied;
                spare.clear();
                m.unapplied = spare;
            }
        }
    }

    /// Replication commands in the master's stream: `REPLCONF GETACK`.
    fn master_repl_command(&mut self, argv: &[Vec<u8>], ack_offset: i64, cx: &mut Cx) {
        let is_getack = argv.len() >= 2
            && argv[0].eq_ignore_ascii_case(b"replconf")
            && argv[1].eq_ignore_ascii_case(b"getack");
        if is_getack {
            self.send_ack(ack_offset, cx);
        }
    }

    /// `replicationSendAck`: `REPLCONF ACK <offset>` to the master.
    pub fn send_ack(&mut self, offset: i64, cx: &mut Cx) {
        let Some(conn) = self.repl.link.as_ref().and_then(|l| l.conn) else {
            return;
        };
        let bytes = encode_command(&[
            "REPLCONF".to_string(),
            "ACK".to_string(),
            offset.to_string(),
        ]);
        cx.send(conn, bytes, Payload::Command);
        cx.trace_as_replica(Phase::Streaming, Kind::AckSent { offset });
    }
}
