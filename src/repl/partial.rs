//! The PSYNC decision and replication IDs.
//!
//! A replica reconnecting sends `PSYNC <replid> <offset>`: "I have your
//! history with this ID up to `offset - 1`, send me the rest". The master
//! accepts (`+CONTINUE`) when it shares that history — the ID is its
//! current one, or its previous one (`replid2`) and the offset is not past
//! the point where that history ended (`second_repl_offset`) — *and* its
//! backlog still holds every byte from `offset` on. Otherwise it answers
//! `+FULLRESYNC` and sends a snapshot. This is
//! `masterTryPartialResynchronization`, with the reason put into words for
//! the trace.
//!
//! IDs change in three ways, all here: a new random ID when a backlog is
//! created from scratch or freed (`changeReplicationId` +
//! `clearReplicationId2`), and a shift on promotion (`shiftReplicationId`:
//! the old ID becomes `replid2`, valid up to `master_repl_offset + 1`).

use super::backlog::Coverage;
use super::{Repl, Slave, SlaveState};
use crate::net::{ConnId, Payload};
use crate::repl::node::{Cx, Node};
use crate::sim::trace::{Kind, Phase};

/// The master's answer to a PSYNC request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// True for `+CONTINUE`.
    pub partial: bool,
    /// Why, in words.
    pub reason: String,
    /// The offset the replica asked for (0 when it was not a number).
    pub offset: i64,
}

impl Repl {
    /// `masterTryPartialResynchronization` without its side effects.
    pub fn psync_decision(&self, replid: &str, offset_arg: &[u8]) -> Decision {
        let offset = crate::resp::parse_int(offset_arg);
        let full = |reason: String| Decision {
            partial: false,
            reason,
            offset: offset.unwrap_or(0),
        };
        if replid == "?" {
            return full("the replica asked for a full resync (PSYNC ? -1)".into());
        }
        let Some(offset) = offset else {
            return full("the offset is not an integer".into());
        };
        let same_id = replid.eq_ignore_ascii_case(&self.replid);
        let old_id = replid.eq_ignore_ascii_case(&self.replid2);
        if !same_id && !old_id {
            return full(format!(
                "replication ID mismatch: the replica asked for {replid}, my replid is {} and my replid2 {}",
                self.replid, self.replid2
            ));
        }
        let sro = self.second_repl_offset;
        if !same_id && offset > sro {
            return full(format!(
                "the ID asked for is my replid2, but offset {offset} is past second_repl_offset {sro}, where that history ended"
            ));
        }
        let matched = if same_id {
            "the ID asked for is my replid".to_string()
        } else {
            format!("the ID asked for is my replid2 (my previous history, valid up to second_repl_offset {sro})")
        };
        let d = self.backlog_decision(offset);
        Decision {
            reason: format!("{matched}; {}", d.reason),
            ..d
        }
    }

    /// The backlog half of the decision.
    pub(super) fn backlog_decision(&self, offset: i64) -> Decision {
        let Some(backlog) = &self.backlog else {
            return Decision {
                partial: false,
                reason: "no backlog".into(),
                offset,
            };
        };
        let first = backlog.first_byte_offset();
        let end = first + backlog.histlen() as i64;
        let coverage = backlog.covers(offset);
        let reason = match coverage {
            Coverage::Before => {
                format!("offset {offset} is before the backlog {first}..{end} (lack of backlog)")
            }
            Coverage::After => format!(
                "offset {offset} is after my offset {}",
                self.master_repl_offset
            ),
            Coverage::Covered => format!("offset {offset} is inside the backlog {first}..{end}"),
        };
        let partial = coverage.is_covered();
        Decision {
            partial,
            reason,
            offset,
        }
    }
}

impl Node {
    /// The PSYNC decision; true if the replica continues partially.
    pub(super) fn try_partial(
        &mut self,
        conn: ConnId,
        name: &str,
        argv: &[Vec<u8>],
        cx: &mut Cx,
    ) -> bool {
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
    pub(super) fn accept_continue(&mut self, conn: ConnId, name: &str, offset: i64, cx: &mut Cx) {
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
            self.server.stats.net_repl_output_bytes += backlog.len() as u64;
            cx.send(conn, backlog, Payload::Replay);
        }
        self.trace_slave_state(name, "none", SlaveState::Online, Phase::Replay, cx);
        self.refresh_good_slaves(cx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::backlog::Backlog;

    fn master_at(offset: i64) -> Repl {
        let mut r = Repl::new("a".repeat(40), 0);
        let mut b = Backlog::new(0);
        b.feed(&vec![b'x'; offset as usize], 1 << 20);
        r.backlog = Some(b);
        r.master_repl_offset = offset;
        r
    }

    #[test]
    fn live_example_offset_530() {
        // [live] offset 530, backlog from 1: 531 and 1 continue, 532 and 0 do not.
        let r = master_at(530);
        let id = "a".repeat(40);
        assert!(r.psync_decision(&id, b"531").partial);
        assert!(r.psync_decision(&id, b"1").partial);
        let d = r.psync_decision(&id, b"532");
        assert!(!d.partial);
        assert_eq!(
            d.reason,
            "the ID asked for is my replid; offset 532 is after my offset 530"
        );
        let d = r.psync_decision(&id, b"0");
        assert_eq!(
            d.reason,
            "the ID asked for is my replid; offset 0 is before the backlog 1..531 (lack of backlog)"
        );
    }

    #[test]
    fn question_mark_and_id_mismatch_are_full() {
        let r = master_at(10);
        assert!(!r.psync_decision("?", b"-1").partial);
        let d = r.psync_decision(&"b".repeat(40), b"5");
        assert!(d.reason.starts_with("replication ID mismatch"));
    }

    #[test]
    fn replid2_valid_up_to_second_offset() {
        let mut r = master_at(639);
        let mut rng = crate::sim::rng::Rng::new(1);
        r.shift_replication_id(&mut rng);
        assert_eq!(
            (r.replid2.as_str(), r.second_repl_offset),
            ("a".repeat(40).as_str(), 640)
        );
        let old = "a".repeat(40);
        let d = r.psync_decision(&old, b"640");
        assert!(d.partial);
        assert_eq!(
            d.reason,
            "the ID asked for is my replid2 (my previous history, valid up to second_repl_offset 640); offset 640 is inside the backlog 1..640"
        );
        let d = r.psync_decision(&old, b"641");
        assert!(!d.partial);
        assert_eq!(
            d.reason,
            "the ID asked for is my replid2, but offset 641 is past second_repl_offset 640, where that history ended"
        );
    }
}
