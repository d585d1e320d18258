//! Which internal encoding Redis 7.0.15 gives a value, from its contents
//! and the default size limits (`hash-max-listpack-entries 512`,
//! `hash-max-listpack-value 64`, `zset-max-listpack-entries 128`,
//! `zset-max-listpack-value 64`, `set-max-intset-entries 512`). The RDB
//! writer picks its object types with these rules, and OBJECT ENCODING
//! names them.
//!
//! Where this differs from Redis: Redis never converts a value back to its
//! compact encoding when it shrinks (a hash that once had 600 fields stays
//! a hash table until it is reloaded), and strings changed in place
//! (APPEND, SETRANGE, SETBIT) are `raw` whatever their length. The values
//! here carry no such history, so those cases get the encoding their
//! contents call for — the one Redis itself picks when it loads the RDB.
//! Lists are always quicklists in 7.0.

use super::{FastHash, Map, Sds, Value, ZSet};
use crate::resp::parse_int;
use indexmap::IndexSet;

/// `hash-max-listpack-entries` (512 in 7.0, unlike the zset limit).
pub const HASH_MAX_LISTPACK_ENTRIES: usize = 512;
/// `hash-max-listpack-value`.
pub const HASH_MAX_LISTPACK_VALUE: usize = 64;
/// `zset-max-listpack-entries`.
pub const ZSET_MAX_LISTPACK_ENTRIES: usize = 128;
/// `zset-max-listpack-value`.
pub const ZSET_MAX_LISTPACK_VALUE: usize = 64;
/// `set-max-intset-entries`.
pub const SET_MAX_INTSET_ENTRIES: usize = 512;
/// `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`: longer strings are `raw`.
pub const EMBSTR_SIZE_LIMIT: usize = 44;

/// A hash small enough for a listpack.
pub fn hash_is_listpack(hash: &Map<Sds, Sds>) -> bool {
    hash.len() <= HASH_MAX_LISTPACK_ENTRIES
        && hash
            .iter()
            .all(|(f, v)| f.len() <= HASH_MAX_LISTPACK_VALUE && v.len() <= HASH_MAX_LISTPACK_VALUE)
}

/// A sorted set small enough for a listpack.
pub fn zset_is_listpack(zset: &ZSet) -> bool {
    zset.len() <= ZSET_MAX_LISTPACK_ENTRIES
        && zset.iter().all(|(m, _)| m.len() <= ZSET_MAX_LISTPACK_VALUE)
}

/// A set of integers (in `string2ll`'s canonical form) small enough for an
/// intset.
pub fn set_is_intset(set: &IndexSet<Sds, FastHash>) -> bool {
    set.len() <= SET_MAX_INTSET_ENTRIES && set.iter().all(|m| parse_int(m).is_some())
}

/// OBJECT ENCODING's word for `value` (`strEncoding`).
pub fn name(value: &Value) -> &'static str {
    match value {
        Value::Str(s) if s.len() <= 20 && parse_int(s).is_some() => "int",
        Value::Str(s) if s.len() <= EMBSTR_SIZE_LIMIT => "embstr",
        Value::Str(_) => "raw",
        Value::List(_) => "quicklist",
        Value::Hash(h) if hash_is_listpack(h) => "listpack",
        Value::Set(s) if set_is_intset(s) => "intset",
        Value::ZSet(z) if zset_is_listpack(z) => "listpack",
        Value::Hash(_) | Value::Set(_) => "hashtable",
        Value::ZSet(_) => "skiplist",
    }
}
