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
        let aux = Aux {
            ctime: unix_ms.div_euclid(1000),
            used_mem: USED_MEM_BASE,
            repl_stream_db: self.repl.stream_db(),
            repl_id: self.repl.replid.clone(),
            repl_offset: self.repl.master_repl_offset,
            ..Aux::default()
        };
        rdb::encode(&self.server.keyspace, &aux, unix_ms)
    }
}

impl Repl {
    /// `rsi->repl_stream_db`: the db the stream is positioned on, so a
    /// replica loading this snapshot applies the following bytes to it.
    pub fn stream_db(&self) -> i64 {
        match &self.link {
            None => self.slaveseldb.max(0),
            Some(link) => link
                .master
                .as_ref()
                .or(link.cached.as_ref())
                .map_or(0, |m| m.client.db as i64),
        }
    }
}

/// Decodes a received payload into a new keyspace and its stream db.
pub fn load(bytes: &[u8]) -> Result<(Keyspace, i64), RdbError> {
    rdb::decode(bytes).map(|(ks, aux)| (ks, aux.repl_stream_db))
}
