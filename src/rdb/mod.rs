//! RDB version 10 snapshots, byte-compatible with Redis 7.0.15: what a
//! master's BGSAVE writes for a full resynchronisation, and what a replica
//! loads.
//!
//! # The file
//!
//! ```text
//! "REDIS0010"
//! 0xFA aux-name aux-value        × redis-ver, redis-bits, ctime, used-mem,
//!                                  [repl-stream-db, repl-id, repl-offset,] aof-base
//! per non-empty database:
//!   0xFE db                      SELECTDB
//!   0xFB keys expires            RESIZEDB (a sizing hint)
//!   per key: [0xFC ms:i64le] type key value
//! 0xFF
//! crc64:u64le                    CRC-64/REDIS of everything before it (0 = unchecked)
//! ```
//!
//! # Encodings
//!
//! [`encode`] chooses what a real 7.0.15 server with default settings
//! would: strings that are canonical integers of up to 11 bytes fitting in
//! 32 bits as INT8/16/32, strings longer than 20 bytes LZF-compressed when
//! that saves at least 4 bytes (the same LZF bytes: see `lzf.rs`); lists as
//! quicklists of listpack nodes (type 18) filled up to
//! `list-max-listpack-size -2` (8 KiB); hashes of ≤ 512 fields with fields
//! and values ≤ 64 bytes as one listpack (16), else a plain hash (4); sorted
//! sets of ≤ 128 members ≤ 64 bytes as a listpack (17), else type 5 with
//! binary scores, highest first; sets of ≤ 512 integers as an intset (11),
//! else a plain set (2). Blobs (listpacks, intsets) go through the same
//! integer/LZF string rules as any string, as in Redis.
//!
//! [`decode`] reads all of that plus everything else a 7.0 server loads for
//! the five types: list types 1, 10 and 14 (ziplists), sorted set types 3
//! and 12, hash type 13, plain and packed quicklist nodes, the seconds
//! expiry opcode, LRU/LFU hints, and function libraries (skipped).
//!
//! # Where we differ from real Redis
//!
//! - Real Redis picks an encoding when a value is created and never goes
//!   back (a hash that once had 600 fields stays a hashtable); we have no
//!   encoding history, so the encoding follows the value's current size.
//!   Quicklist node boundaries are those of a list built by `RPUSH`.
//! - Keys come out in our keyspace's (insertion) order, not Redis's
//!   hash-table order. Decoding keeps file order, so `encode(decode(f))`
//!   reproduces a real dump byte for byte when the two rules above hold.
//! - Empty containers (which real Redis never has) are not written; empty
//!   keys in a file are skipped, as Redis 7.0 does.
//! - Function libraries in a file are skipped (there are no functions
//!   here); module data, streams and zipmaps (Redis 2.4) are rejected with
//!   an error naming them.

mod crc;
mod decode;
mod decode_value;
mod double;
mod encode;
pub mod inspect;
mod intset;
pub(crate) mod length;
mod listpack;
pub(crate) mod lzf;
mod reader;
mod ziplist;

pub use crc::crc64;
pub use decode::decode;
pub use encode::{encode, encode_into};

use crate::db::Keyspace;
use std::fmt;

/// The RDB format version Redis 7.0 writes, and the newest it reads.
pub const RDB_VERSION: u32 = 10;

/// Opcode: a function library (Redis 7.0 GA format).
const OP_FUNCTION2: u8 = 0xF5;
/// Opcode: a function library (7.0 release-candidate format).
const OP_FUNCTION_PRE_GA: u8 = 0xF6;
/// Opcode: module auxiliary data.
const OP_MODULE_AUX: u8 = 0xF7;
/// Opcode: LRU idle time of the next key.
const OP_IDLE: u8 = 0xF8;
/// Opcode: LFU frequency of the next key.
const OP_FREQ: u8 = 0xF9;
/// Opcode: an auxiliary field.
const OP_AUX: u8 = 0xFA;
/// Opcode: database size hint.
const OP_RESIZEDB: u8 = 0xFB;
/// Opcode: expiry of the next key in Unix milliseconds (i64 LE).
const OP_EXPIRETIME_MS: u8 = 0xFC;
/// Opcode: expiry of the next key in Unix seconds (i32 LE, pre-RDB 3).
const OP_EXPIRETIME: u8 = 0xFD;
/// Opcode: switch database.
const OP_SELECTDB: u8 = 0xFE;
/// Opcode: end of file.
const OP_EOF: u8 = 0xFF;

/// Value type: string.
const TYPE_STRING: u8 = 0;
/// Value type: list of strings.
const TYPE_LIST: u8 = 1;
/// Value type: set of strings.
const TYPE_SET: u8 = 2;
/// Value type: sorted set with scores as text.
const TYPE_ZSET: u8 = 3;
/// Value type: hash as field/value strings.
const TYPE_HASH: u8 = 4;
/// Value type: sorted set with binary (f64 LE) scores.
const TYPE_ZSET_2: u8 = 5;
/// Value type: list as one ziplist.
const TYPE_LIST_ZIPLIST: u8 = 10;
/// Value type: set as an intset.
const TYPE_SET_INTSET: u8 = 11;
/// Value type: sorted set as a ziplist.
const TYPE_ZSET_ZIPLIST: u8 = 12;
/// Value type: hash as a ziplist.
const TYPE_HASH_ZIPLIST: u8 = 13;
/// Value type: quicklist of ziplists.
const TYPE_LIST_QUICKLIST: u8 = 14;
/// Value type: hash as a listpack.
const TYPE_HASH_LISTPACK: u8 = 16;
/// Value type: sorted set as a listpack.
const TYPE_ZSET_LISTPACK: u8 = 17;
/// Value type: quicklist of listpack (or plain) nodes.
const TYPE_LIST_QUICKLIST_2: u8 = 18;

/// The auxiliary fields at the top of an RDB file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aux {
    /// `redis-ver`: the version of the server that wrote the file.
    pub redis_ver: String,
    /// `redis-bits`: 64 or 32.
    pub redis_bits: u32,
    /// `ctime`: when the file was written, in Unix seconds (virtual clock).
    pub ctime: i64,
    /// `used-mem`: the writer's memory use in bytes.
    pub used_mem: u64,
    /// `repl-stream-db`: the database the replication stream last selected.
    pub repl_stream_db: i64,
    /// `repl-id`: the master's replication ID. Empty means "no replication
    /// info": like a standalone Redis without a backlog, the encoder then
    /// omits `repl-stream-db`, `repl-id` and `repl-offset`, and a decoded
    /// file without them yields an empty `repl_id`.
    pub repl_id: String,
    /// `repl-offset`: the master replication offset the snapshot matches.
    pub repl_offset: i64,
    /// `aof-base`: 1 when the file is the base of a multi-part AOF.
    pub aof_base: u8,
}

impl Default for Aux {
    /// The fields of a 64-bit 7.0.15 server, zero times and no replication info.
    fn default() -> Aux {
        Aux {
            redis_ver: "7.0.15".to_string(),
            redis_bits: 64,
            ctime: 0,
            used_mem: 0,
            repl_stream_db: 0,
            repl_id: String::new(),
            repl_offset: 0,
            aof_base: 0,
        }
    }
}

/// Why a file could not be decoded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RdbError {
    /// Byte offset in the file of the item that is wrong (for an error inside
    /// a listpack, intset or ziplist: where that blob starts).
    pub offset: usize,
    /// What is wrong, e.g. "unknown value type 99".
    pub message: String,
}

impl fmt::Display for RdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RDB error at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for RdbError {}

/// Deletes every key whose expiry is at or before `now_ms`; returns how
/// many. [`decode`] keeps expired keys, because a replica must (its master
/// decides expiry); a master loading a file drops them, as Redis 7.0's
/// `rdbLoadRio` does when `iAmMaster()`, by calling this.
pub fn remove_expired(ks: &mut Keyspace, now_ms: i64) -> usize {
    let mut removed = 0;
    for db in &mut ks.dbs {
        let expired: Vec<_> = db
            .expires
            .iter()
            .filter(|&(_, &at)| at <= now_ms)
            .map(|(k, _)| k.clone())
            .collect();
        for key in expired {
            db.dict.shift_remove(key.as_bytes());
            db.expires.shift_remove(key.as_bytes());
            removed += 1;
        }
    }
    removed
}
