//! The RDB inspector: an RDB file as the list of its items, each with its
//! byte range — the header, every AUX field, SELECTDB, RESIZEDB, each key
//! with its type, encoding and expiry, EOF and the CRC-64 — for people who
//! write their own RDB reader or want to see what a snapshot holds.
//!
//! It is not a second parser: [`inspect`] runs the load loop of
//! `decode.rs` and writes down what it is told (`decode::Visit`), so a file
//! the inspector shows is a file a replica would load, and a file it
//! rejects is rejected with the same error, at the same byte.
//!
//! Encodings are those of the file (the RDB type byte, and for strings the
//! string's own encoding: `int8`/`int16`/`int32`, `lzf` or `raw`). A real
//! server picks its in-memory encoding again when it loads the value.

use super::decode::{decode_visiting, Item, Visit};
use super::*;
use serde::Serialize;

/// A whole file, item by item.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Inspection {
    /// The RDB format version in the header.
    pub version: u32,
    /// The file's length in bytes.
    pub bytes: usize,
    /// Every item, in file order; together they cover the file up to the
    /// checksum's end (bytes after it, which Redis ignores, are not listed).
    pub items: Vec<Section>,
}

/// One item and where it is: bytes `start..end` of the file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Section {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The item's details in words ([`What::summary`]).
    pub summary: String,
    /// What the bytes are.
    #[serde(flatten)]
    pub what: What,
}

/// What an item is. Names and values are shown as redis-cli would quote
/// them (`"k"`, `"\xff"`), since keys are binary.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// `REDIS` and the four-digit version.
    Header { version: u32 },
    /// An AUX field: `redis-ver`, `redis-bits`, `ctime`, `used-mem`,
    /// `repl-stream-db`, `repl-id`, `repl-offset`, `aof-base`, or another.
    Aux { name: String, value: String },
    /// SELECTDB: the keys that follow are in this database.
    #[serde(rename = "selectdb")]
    SelectDb { db: usize },
    /// RESIZEDB: how many keys and keys with an expiry the database has.
    #[serde(rename = "resizedb")]
    ResizeDb { keys: u64, expires: u64 },
    /// The expiry of the next key, in Unix milliseconds.
    Expiry { at_ms: i64 },
    /// An LRU idle time (`lru`) or LFU frequency (`lfu`) for the next key.
    Hint { of: &'static str },
    /// A function library (skipped on load: there are no functions here).
    Function,
    /// A key and its value.
    Key {
        db: usize,
        key: String,
        /// `string`, `list`, `set`, `zset` or `hash`.
        #[serde(rename = "type")]
        value_type: &'static str,
        /// The encoding in the file (see the module's notes).
        encoding: &'static str,
        /// The RDB type byte.
        rdb_type: u8,
        /// Where the value starts (after the key's name).
        value_start: usize,
        /// The expiry in Unix milliseconds, if an expiry item preceded it.
        expire_ms: Option<i64>,
        /// An empty value, which Redis 7.0 skips on load.
        skipped: bool,
    },
    /// The EOF opcode.
    Eof,
    /// The trailing CRC-64: what the file says and what its bytes hash to
    /// (0 in the file means "not computed").
    Checksum { stored: String, computed: String },
}

/// Reads `bytes` as an RDB file, item by item. A bad file gives the same
/// error, at the same byte, as loading it would.
pub fn inspect(bytes: &[u8]) -> Result<Inspection, RdbError> {
    let mut list = Recorder {
        bytes,
        version: 0,
        items: Vec::new(),
    };
    decode_visiting(bytes, &mut list)?;
    Ok(Inspection {
        version: list.version,
        bytes: bytes.len(),
        items: list.items,
    })
}

struct Recorder<'b> {
    bytes: &'b [u8],
    version: u32,
    items: Vec<Section>,
}

impl Visit for Recorder<'_> {
    fn item(&mut self, start: usize, end: usize, item: Item<'_>) {
        let what = match item {
            Item::Header { version } => {
                self.version = version;
                What::Header { version }
            }
            Item::Aux { name, value } => What::Aux {
                name: String::from_utf8_lossy(&name).into_owned(),
                value: crate::cli::repr(&value),
            },
            Item::SelectDb { db } => What::SelectDb { db },
            Item::ResizeDb { keys, expires } => What::ResizeDb { keys, expires },
            Item::Expiry { at_ms } => What::Expiry { at_ms },
            Item::Hint { opcode } => What::Hint {
                of: if opcode == OP_IDLE { "lru" } else { "lfu" },
            },
            Item::Function => What::Function,
            Item::Key {
                db,
                rdb_type,
                key,
                value_at,
                expire_ms,
                empty,
            } => What::Key {
                db,
                key: crate::cli::repr(key),
                value_type: type_name(rdb_type),
                encoding: encoding(rdb_type, self.bytes.get(value_at).copied()),
                rdb_type,
                value_start: value_at,
                expire_ms,
                skipped: empty,
            },
            Item::Eof => What::Eof,
            Item::Checksum { stored, computed } => What::Checksum {
                stored: format!("{stored:016x}"),
                computed: format!("{computed:016x}"),
            },
        };
        let summary = what.summary();
        self.items.push(Section {
            start,
            end,
            summary,
            what,
        });
    }
}

/// The value type of an RDB type byte (one the loader accepted).
fn type_name(rdb_type: u8) -> &'static str {
    match rdb_type {
        TYPE_STRING => "string",
        TYPE_LIST | TYPE_LIST_ZIPLIST | TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => "list",
        TYPE_SET | TYPE_SET_INTSET => "set",
        TYPE_ZSET | TYPE_ZSET_2 | TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => "zset",
        _ => "hash",
    }
}

/// The encoding an RDB type byte names; for a string, the encoding of the
/// string itself, read from its first byte (`first`).
fn encoding(rdb_type: u8, first: Option<u8>) -> &'static str {
    match rdb_type {
        TYPE_STRING => match first {
            Some(b) if b >> 6 == 3 => match b & 0x3F {
                0 => "int8",
                1 => "int16",
                2 => "int32",
                _ => "lzf",
            },
            _ => "raw",
        },
        TYPE_LIST => "linkedlist",
        TYPE_SET | TYPE_HASH => "hashtable",
        TYPE_ZSET => "skiplist (text scores)",
        TYPE_ZSET_2 => "skiplist",
        TYPE_LIST_ZIPLIST | TYPE_ZSET_ZIPLIST | TYPE_HASH_ZIPLIST => "ziplist",
        TYPE_SET_INTSET => "intset",
        TYPE_LIST_QUICKLIST => "quicklist (ziplist nodes)",
        TYPE_LIST_QUICKLIST_2 => "quicklist",
        _ => "listpack",
    }
}

impl What {
    /// A short name of the item, for listings.
    pub fn name(&self) -> &'static str {
        match self {
            What::Header { .. } => "header",
            What::Aux { .. } => "aux",
            What::SelectDb { .. } => "selectdb",
            What::ResizeDb { .. } => "resizedb",
            What::Expiry { .. } => "expiry",
            What::Hint { .. } => "hint",
            What::Function => "function",
            What::Key { .. } => "key",
            What::Eof => "eof",
            What::Checksum { .. } => "checksum",
        }
    }
}

impl What {
    /// The item's details in words, as the CLI and the page show them.
    pub fn summary(&self) -> String {
        match self {
            What::Header { version } => format!("REDIS{version:04} (version {version})"),
            What::Aux { name, value } => format!("{name} = {value}"),
            What::SelectDb { db } => format!("db {db}"),
            What::ResizeDb { keys, expires } => format!("{keys} keys, {expires} with an expiry"),
            What::Expiry { at_ms } => format!("at {at_ms} ms (Unix)"),
            What::Hint { of } => format!("{of} hint for the next key"),
            What::Function => "a function library (skipped)".into(),
            What::Key {
                db,
                key,
                value_type,
                encoding,
                skipped,
                ..
            } => {
                let skipped = if *skipped { ", empty: skipped" } else { "" };
                format!("db {db} {key}: {value_type}, {encoding}{skipped}")
            }
            What::Eof => "end of the data".into(),
            What::Checksum { stored, computed } => {
                let verdict = match stored.as_str() {
                    s if s == computed => "matches",
                    "0000000000000000" => "not computed by the writer",
                    _ => "does not match",
                };
                format!("crc64 {stored} ({verdict})")
            }
        }
    }
}

impl std::fmt::Display for Section {
    /// One line: the byte range, the item, its details.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (start, end, name) = (self.start, self.end, self.what.name());
        write!(f, "{start:>8}..{end:<8} {name:<9}{}", self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Keyspace, Value};

    #[test]
    fn every_item_of_a_small_file_with_its_bytes() {
        let mut ks = Keyspace::new();
        ks.dbs[0]
            .dict
            .insert(b"n".as_slice().into(), Value::Str(b"300".as_slice().into()));
        ks.dbs[0]
            .expires
            .insert(b"n".as_slice().into(), 1_700_000_000_000);
        let aux = Aux::default();
        let file = encode(&ks, &aux, 0);
        let seen = inspect(&file).expect("our own file");
        let names: Vec<&str> = seen.items.iter().map(|s| s.what.name()).collect();
        assert_eq!(
            names,
            [
                "header", "aux", "aux", "aux", "aux", "aux", "selectdb", "resizedb", "expiry",
                "key", "eof", "checksum"
            ]
        );
        // The items are contiguous and cover the whole file.
        assert_eq!(seen.items[0].start, 0);
        for pair in seen.items.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{} then {}", pair[0], pair[1]);
        }
        assert_eq!(seen.items.last().map(|s| s.end), Some(file.len()));
        let key = &seen.items[9];
        assert_eq!(
            key.what,
            What::Key {
                db: 0,
                key: "\"n\"".into(),
                value_type: "string",
                encoding: "int16",
                rdb_type: 0,
                value_start: key.start + 3,
                expire_ms: Some(1_700_000_000_000),
                skipped: false,
            }
        );
        // 0x00 type, 0x01 'n', then 300 as INT16: 0xC1 0x2C 0x01.
        assert_eq!(&file[key.start..key.end], b"\x00\x01n\xc1\x2c\x01");
        assert_eq!(seen.items[8].end - seen.items[8].start, 9);
        assert!(seen.items[11].to_string().contains("(matches)"));
    }

    #[test]
    fn a_bad_file_fails_where_loading_fails() {
        let file = encode(&Keyspace::new(), &Aux::default(), 0);
        let mut bad = file.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(inspect(&bad).err(), decode(&bad).err());
        assert!(inspect(&bad).is_err());
        assert_eq!(inspect(b"REDIX0010").err(), decode(b"REDIX0010").err());
    }
}
