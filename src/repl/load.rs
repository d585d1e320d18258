//! The replica receives and loads its RDB (`readSyncBulkPayload`).
//!
//! In TRANSFER the replica skips the master's `\n` keepalives, reads the
//! header — `$<len>` (disk) or `$EOF:<mark>` (diskless, where the payload
//! ends with the same 40 bytes) — then the payload, chunk by chunk. When it
//! is complete the replica drops its own replicas and its backlog (they
//! would continue from a history it is about to replace), **flushes its
//! old data, then loads** the RDB. It then takes the master's replication
//! ID and the `+FULLRESYNC` offset as its own, clears `replid2`, creates a
//! fresh backlog, and, after a diskless sync, sends `REPLCONF ACK` at once
//! so the master starts streaming.
//!
//! Only `repl-diskless-load disabled` is simulated; loading takes no
//! virtual time. A payload that does not decode leaves the replica empty
//! (its old data is already gone), as in Redis.

use super::{MasterClient, ReplState};
use crate::repl::node::{Cx, Node};
use crate::sim::trace::{Kind, Phase};

/// `$EOF:` + 40 characters + CRLF.
const EOF_HEADER_LEN: u64 = 47;

impl Node {
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
            if t.payload.is_empty() && take == pending.len() {
                // The usual case at unlimited bandwidth: the whole payload
                // arrived at once, and is moved rather than copied.
                t.payload = link.inbuf.take_pending();
            } else {
                t.payload.extend_from_slice(&pending[..take]);
                link.inbuf.consume(take);
            }
            t.read += take as u64;
            let done = match &t.eof_mark {
                Some(mark) => t.payload.len() >= mark.len() && t.payload.ends_with(mark),
                None => t.read == t.size as u64,
            };
            let total = if t.size > 0 {
                t.size as u64
            } else {
                t.payload_hint.saturating_sub(EOF_HEADER_LEN)
            };
            let kind = Kind::RdbChunk {
                bytes: take as u64,
                received: t.read,
                total,
            };
            cx.trace_as_replica(Phase::Transfer, kind);
            if done {
                self.load_payload(cx);
                return;
            }
        }
    }

    /// `$<len>` or `$EOF:<mark>` (or an error from the master).
    pub(super) fn payload_header(&mut self, line: &str, cx: &mut Cx) {
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
        cx.trace_as_replica(
            Phase::Transfer,
            Kind::TransferStarted {
                preamble: line.to_string(),
            },
        );
    }

    /// The payload is complete: drop sub-replicas and backlog, flush, load.
    pub(super) fn load_payload(&mut self, cx: &mut Cx) {
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
        cx.trace_as_replica(Phase::Load, Kind::Flush { keys: old });
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
                cx.trace_as_replica(Phase::Load, kind);
                self.finish_full_sync(db, usemark, cx);
            }
            Err(e) => {
                cx.trace_as_replica(
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
    pub(super) fn finish_full_sync(&mut self, db: i64, usemark: bool, cx: &mut Cx) {
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
        let (replid, offset) = (link.master_replid.clone(), link.initial_offset);
        self.repl.set_replid(replid);
        self.repl.master_repl_offset = offset;
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
