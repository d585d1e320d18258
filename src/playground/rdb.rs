//! A node's RDB for the page: the file its BGSAVE would write now, to
//! download or to read in the RDB inspector (`crate::rdb::inspect`, which
//! the page calls on these bytes).
//!
//! The simulator's clock starts at a fixed moment in the past, so the
//! absolute times in an RDB (its `ctime`, every expiry) are in the past
//! too. A download moves them to the present by default, so that a real
//! server loading the file keeps every key's TTL; the page says which
//! clock a file was written on.

use super::{Playground, PlaygroundError};
use crate::net::unix_ms;
use crate::repl::snapshot::ExportClock;

impl Playground {
    /// Node `name`'s dataset as an RDB file, on the virtual clock
    /// (`present_unix_ms` = `None`) or moved to that present time.
    pub fn rdb(
        &self,
        name: &str,
        present_unix_ms: Option<i64>,
    ) -> Result<Vec<u8>, PlaygroundError> {
        let node = self
            .sim()
            .node(name)
            .ok_or_else(|| PlaygroundError(format!("no node named '{name}'")))?;
        let clock = present_unix_ms.map_or(ExportClock::Virtual, ExportClock::Present);
        Ok(node.export_rdb(unix_ms(self.sim().now_ms()), clock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::inspect::{inspect, What};

    #[test]
    fn a_node_rdb_on_either_clock() {
        let mut pg = Playground::new(0);
        pg.add_node("A").expect("a node");
        pg.console("A", "SET k v PX 60000").expect("a write");
        let virtual_file = pg.rdb("A", None).expect("A exists");
        let moved = pg.rdb("A", Some(4_000_000_000_000)).expect("A exists");
        assert_ne!(virtual_file, moved);
        let expiry = |bytes: &[u8]| {
            inspect(bytes)
                .expect("readable")
                .items
                .iter()
                .find_map(|s| match s.what {
                    What::Expiry { at_ms } => Some(at_ms),
                    _ => None,
                })
        };
        let now = unix_ms(pg.sim().now_ms());
        assert_eq!(expiry(&virtual_file), Some(now + 60_000));
        assert_eq!(expiry(&moved), Some(4_000_000_060_000));
        assert_eq!(
            pg.rdb("Z", None),
            Err(PlaygroundError("no node named 'Z'".into()))
        );
    }
}
