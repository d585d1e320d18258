//! The RDB a BGSAVE for replication produces: real RDB v10 bytes
//! (`crate::rdb`), taken at the instant of the fork.
//!
//! "Fork" is simply encoding the keyspace now: writes made afterwards
//! cannot leak into the snapshot, exactly the point-in-time property
//! copy-on-write gives Redis. The auxiliary fields are those
//! `rdbPopulateSaveInfo` fills in, so a replica (or a real Redis reading
//! the bytes) learns the replication ID, offset and stream db.

use super::Repl;
use crate::db::Keyspace;
use crate::rdb::{self, Aux, RdbError};
use crate::repl::node::Node;

/// A plausible `used-mem` for the aux field: a fresh 7.0 server's baseline.
/// Redis only uses it to estimate loading progress.
const USED_MEM_BASE: u64 = 900_000;

impl Node {
    /// Encodes this node's data as the RDB a BGSAVE would write now.
    pub fn snapshot_rdb(&self, unix_ms: i64) -> Vec<u8> {
        rdb::encode(&self.server.keyspace, &self.snapshot_aux(unix_ms), unix_ms)
    }

    /// The AUX fields `rdbPopulateSaveInfo` fills in, at `unix_ms`. With no
    /// replication info to give (a master outside any replication chain,
    /// which has no backlog; a replica with neither a master nor a cached
    /// one) the file has no `repl-*` fields at all, as in Redis.
    fn snapshot_aux(&self, unix_ms: i64) -> Aux {
        let base = Aux {
            ctime: unix_ms.div_euclid(1000),
            used_mem: USED_MEM_BASE,
            ..Aux::default()
        };
        match self.repl.stream_db() {
            Some(repl_stream_db) => Aux {
                repl_stream_db,
                repl_id: self.repl.replid.clone(),
                repl_offset: self.repl.master_repl_offset,
                ..base
            },
            None => base,
        }
    }
}

/// Which clock an exported RDB's absolute times (its `ctime` and every
/// key's expiry, both Unix times) are read on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportClock {
    /// The simulator's own: the virtual clock starts at a fixed moment in
    /// the past (`net::EPOCH_UNIX_MS`), so a real server loading the file
    /// today finds every key with a TTL already expired.
    Virtual,
    /// Moved to this present Unix time in ms: every time shifts by the same
    /// amount, so each key keeps the TTL it has in the simulator.
    Present(i64),
}

impl Node {
    /// The RDB a download or `replscope rdb save` gives: what a BGSAVE
    /// would write now (`virtual_unix_ms`), on the clock chosen.
    pub fn export_rdb(&self, virtual_unix_ms: i64, clock: ExportClock) -> Vec<u8> {
        let ExportClock::Present(now) = clock else {
            return self.snapshot_rdb(virtual_unix_ms);
        };
        let shift = now - virtual_unix_ms;
        let mut ks = self.server.keyspace.clone();
        for db in &mut ks.dbs {
            for (_, at) in db.expires.iter_mut() {
                *at = at.saturating_add(shift);
            }
        }
        let aux = Aux {
            ctime: now.div_euclid(1000),
            ..self.snapshot_aux(virtual_unix_ms)
        };
        rdb::encode(&ks, &aux, now)
    }
}

impl Repl {
    /// `rsi->repl_stream_db` as `rdbPopulateSaveInfo` finds it: the db the
    /// stream is positioned on, so a replica loading this snapshot applies
    /// the following bytes to it; `None` when there is no replication info
    /// to save.
    pub fn stream_db(&self) -> Option<i64> {
        match &self.link {
            None if self.backlog.is_some() => Some(self.slaveseldb.max(0)),
            None => None,
            Some(link) => link
                .master
                .as_ref()
                .or(link.cached.as_ref())
                .map(|m| m.client.db as i64),
        }
    }
}

/// Decodes a received payload into a new keyspace and its stream db.
pub fn load(bytes: &[u8]) -> Result<(Keyspace, i64), RdbError> {
    rdb::decode(bytes).map(|(ks, aux)| (ks, aux.repl_stream_db))
}
