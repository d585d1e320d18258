//! Failover: a replica promoted to master, a master demoted to replica,
//! and how replication IDs let both keep their history (PSYNC2).
//!
//! - Promotion (`REPLICAOF NO ONE`, `replicationUnsetMaster`): the node
//!   closes its master link, keeps its current ID as `replid2` valid up to
//!   `master_repl_offset + 1` and takes a new random one
//!   (`shiftReplicationId`), then drops its own replicas so they reconnect
//!   and learn the new ID with a cheap `+CONTINUE <newid>`.
//! - A replica told `+CONTINUE <newid>` shifts its IDs the same way and
//!   passes the news down a cascade.
//! - Demotion (`REPLICAOF host port` on a master): it first caches *itself*
//!   as its master (`replicationCacheMasterUsingMyself`) so it can ask the
//!   new master for `PSYNC <its replid> <its offset + 1>`; a replica that
//!   loses its link caches its master the same way (`replicationCacheMaster`).
//!
//! The PSYNC decision that accepts `replid2` is in `partial`; this file
//! is where the IDs move.

use super::{MasterClient, Repl, MAX_PAST_REPLIDS, ZERO_ID};
use crate::repl::node::{Cx, Node};
use crate::sim::rng::Rng;
use crate::sim::trace::{Kind, Phase};

impl Repl {
    /// `changeReplicationId`: a new random history.
    pub fn change_replication_id(&mut self, rng: &mut Rng) {
        self.set_replid(rng.hex(40));
    }

    /// Every change of `replid` goes through here, so the node remembers
    /// the IDs it had: a PSYNC reason can name one of them, and the page
    /// shows them. Returns the ID replaced.
    pub fn set_replid(&mut self, new: String) -> String {
        let old = std::mem::replace(&mut self.replid, new);
        if old != self.replid {
            if self.past_replids.len() == MAX_PAST_REPLIDS {
                self.past_replids.remove(0);
            }
            self.past_replids.push(old.clone());
        }
        old
    }

    /// `clearReplicationId2`: no previous history.
    pub fn clear_replication_id2(&mut self) {
        self.replid2 = ZERO_ID.to_string();
        self.second_repl_offset = -1;
    }

    /// `shiftReplicationId`: keep the current history as the secondary one
    /// (valid up to the next byte), start a new one.
    pub fn shift_replication_id(&mut self, rng: &mut Rng) {
        self.replid2 = self.set_replid(rng.hex(40));
        self.second_repl_offset = self.master_repl_offset + 1;
    }
}

impl Node {
    /// `changeReplicationId` + `clearReplicationId2`: a new history with
    /// no previous one, told in the trace with the ID it replaces, since a
    /// PSYNC answered just before may name that ID.
    pub(super) fn new_history(&mut self, why: &str, cx: &mut Cx) {
        self.repl.change_replication_id(cx.rng);
        self.repl.clear_replication_id2();
        let old = self.repl.past_replids.last().cloned().unwrap_or_default();
        let kind = Kind::ReplidChanged {
            replid: self.repl.replid.clone(),
            replid2: self.repl.replid2.clone(),
            second_repl_offset: self.repl.second_repl_offset,
            why: format!("{why}; it was {old}"),
        };
        cx.trace(None, Phase::None, kind);
    }

    /// `replicationUnsetMaster`: become a master with a new history.
    pub fn unset_master(&mut self, cx: &mut Cx) {
        let Some(link) = self.repl.link.take() else {
            return;
        };
        if let Some(conn) = link.conn {
            cx.close(conn);
        }
        self.server.is_replica = false;
        self.repl.shift_replication_id(cx.rng);
        let kind = Kind::ReplidChanged {
            replid: self.repl.replid.clone(),
            replid2: self.repl.replid2.clone(),
            second_repl_offset: self.repl.second_repl_offset,
            why: "promoted to master (REPLICAOF NO ONE)".into(),
        };
        cx.trace(None, Phase::None, kind);
        self.disconnect_slaves("my replication ID changed (promotion)", cx);
        self.repl.slaveseldb = -1;
        self.repl.no_slaves_since_s = cx.unix_s();
        let kind = Kind::RoleChanged {
            role: "master".into(),
            master: None,
        };
        cx.trace(None, Phase::None, kind);
    }

    /// `+CONTINUE <newid>` after the master failed over (PSYNC2): the
    /// replica keeps its history as `replid2`, valid up to the next byte,
    /// takes the master's new ID, and drops its own replicas so they learn
    /// it in turn (`+CONTINUE <newid>` again, down a cascade).
    pub(super) fn adopt_master_replid(&mut self, new: &str, cx: &mut Cx) {
        self.repl.replid2 = self.repl.set_replid(new.to_string());
        self.repl.second_repl_offset = self.repl.master_repl_offset + 1;
        let kind = Kind::ReplidChanged {
            replid: self.repl.replid.clone(),
            replid2: self.repl.replid2.clone(),
            second_repl_offset: self.repl.second_repl_offset,
            why: "the master continued with a new replication ID".into(),
        };
        cx.trace_as_replica(Phase::Handshake, kind);
        self.disconnect_slaves("my replication ID changed", cx);
    }

    /// `replicationCacheMaster`: keep the master's ID and offset for PSYNC.
    pub(super) fn cache_master(&mut self, cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(link) = self.repl.link.as_mut() else {
            return;
        };
        if let Some(mut m) = link.master.take() {
            m.unapplied.clear();
            m.client.multi = None;
            m.client.multi_dirty = false;
            m.read_reploff = m.reploff;
            let kind = Kind::CachedMaster {
                replid: m.replid.clone(),
                offset: m.reploff,
            };
            link.cached = Some(m);
            cx.trace_as_replica(Phase::None, kind);
        }
        link.down_since_s = now_s;
    }

    /// `replicationCacheMasterUsingMyself`: a master about to become a
    /// replica offers its own history to the new master.
    pub fn cache_master_using_myself(&mut self, cx: &mut Cx) {
        let mut m = MasterClient::new(
            self.repl.replid.clone(),
            self.repl.master_repl_offset,
            cx.unix_s(),
        );
        m.pre_psync = false;
        let kind = Kind::CachedMaster {
            replid: m.replid.clone(),
            offset: m.reploff,
        };
        if let Some(link) = self.repl.link.as_mut() {
            link.cached = Some(m);
        }
        cx.trace_as_replica(Phase::None, kind);
    }
}
