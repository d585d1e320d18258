//! Reading one value, in any encoding Redis 7.0 loads for the five types,
//! into our in-memory shapes (`rdbLoadObject`).
//!
//! Like Redis's loader with deep sanitisation, duplicate set members, hash
//! fields or sorted-set members and NaN scores are corruption; a container
//! with no elements is "an empty key", which the caller skips.

use super::double::parse_score;
use super::length::int_to_sds;
use super::listpack::{self, Elem};
use super::reader::Reader;
use super::{intset, ziplist, RdbError};
use super::{
    TYPE_HASH, TYPE_HASH_LISTPACK, TYPE_HASH_ZIPLIST, TYPE_LIST, TYPE_LIST_QUICKLIST,
    TYPE_LIST_QUICKLIST_2, TYPE_LIST_ZIPLIST, TYPE_SET, TYPE_SET_INTSET, TYPE_STRING, TYPE_ZSET,
    TYPE_ZSET_2, TYPE_ZSET_LISTPACK, TYPE_ZSET_ZIPLIST,
};
use crate::db::{FastHash, Map, Sds, Value, ZSet};
use indexmap::IndexSet;
use std::collections::VecDeque;

/// The most elements we reserve room for up front; a container announcing
/// more grows as its elements actually arrive.
const MAX_PREALLOC: usize = 1 << 16;

/// Reads the value of a key of type `rdb_type`; `None` for an empty one.
pub fn read_value(r: &mut Reader, rdb_type: u8) -> Result<Option<Value>, RdbError> {
    match rdb_type {
        TYPE_STRING => Ok(Some(Value::Str(r.sds("a string value")?))),
        TYPE_LIST => read_list(r),
        TYPE_SET => read_set(r),
        TYPE_ZSET | TYPE_ZSET_2 => read_zset(r, rdb_type == TYPE_ZSET_2),
        TYPE_HASH => read_hash(r),
        TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => {
            read_quicklist(r, rdb_type == TYPE_LIST_QUICKLIST_2)
        }
        _ => read_blob_value(r, rdb_type),
    }
}

/// Type 1: a count and the elements.
fn read_list(r: &mut Reader) -> Result<Option<Value>, RdbError> {
    let n = r.count("a list length", 1)?;
    let mut list = VecDeque::with_capacity(n.min(MAX_PREALLOC));
    for _ in 0..n {
        list.push_back(r.sds("a list element")?);
    }
    Ok(list_value(list))
}

/// Type 2: a count and the members.
fn read_set(r: &mut Reader) -> Result<Option<Value>, RdbError> {
    let n = r.count("a set size", 1)?;
    let mut set = IndexSet::with_capacity_and_hasher(n.min(MAX_PREALLOC), FastHash::default());
    for _ in 0..n {
        let at = r.pos();
        let member = r.sds("a set member")?;
        if let (index, false) = set.insert_full(member) {
            let name = set
                .get_index(index)
                .map(|m| crate::cli::repr(m))
                .unwrap_or_default();
            return Err(r.error_at(at, format!("duplicate set member {name}")));
        }
    }
    Ok((!set.is_empty()).then(|| Value::Set(Box::new(set))))
}

/// Types 3 and 5: a count, then member and score pairs (text scores for
/// type 3, little-endian f64 for type 5).
fn read_zset(r: &mut Reader, binary: bool) -> Result<Option<Value>, RdbError> {
    let n = r.count("a sorted set size", if binary { 9 } else { 2 })?;
    let mut zset = ZSet::new();
    for _ in 0..n {
        let at = r.pos();
        let member = r.sds("a sorted set member")?;
        let score = if binary {
            f64::from_le_bytes(r.array("a sorted set score")?)
        } else {
            read_text_score(r)?
        };
        add_scored(&mut zset, member, score).map_err(|e| r.error_at(at, e))?;
    }
    Ok((!zset.is_empty()).then(|| Value::ZSet(Box::new(zset))))
}

/// `rdbLoadDoubleValue`: a length byte (253 NaN, 254 +inf, 255 -inf) and text.
fn read_text_score(r: &mut Reader) -> Result<f64, RdbError> {
    let at = r.pos();
    match r.u8("a sorted set score")? {
        253 => Ok(f64::NAN),
        254 => Ok(f64::INFINITY),
        255 => Ok(f64::NEG_INFINITY),
        len => {
            let text = r.take(usize::from(len), "a sorted set score")?;
            parse_score(text)
                .ok_or_else(|| r.error_at(at, format!("invalid score {}", crate::cli::repr(text))))
        }
    }
}

/// Adds a member that must be new and a score that must be a number.
fn add_scored(zset: &mut ZSet, member: Sds, score: f64) -> Result<(), String> {
    if score.is_nan() {
        return Err(format!(
            "sorted set member {} has a NaN score",
            crate::cli::repr(&member)
        ));
    }
    if zset.score(&member).is_some() {
        return Err(format!(
            "duplicate sorted set member {}",
            crate::cli::repr(&member)
        ));
    }
    zset.insert(member, score);
    Ok(())
}

/// Type 4: a count, then field and value pairs.
fn read_hash(r: &mut Reader) -> Result<Option<Value>, RdbError> {
    let n = r.count("a hash size", 2)?;
    let mut hash = Map::with_capacity_and_hasher(n.min(MAX_PREALLOC), FastHash::default());
    for _ in 0..n {
        let at = r.pos();
        let field = r.sds("a hash field")?;
        let value = r.sds("a hash value")?;
        if let (index, Some(_)) = hash.insert_full(field, value) {
            let name = hash
                .get_index(index)
                .map(|(f, _)| crate::cli::repr(f))
                .unwrap_or_default();
            return Err(r.error_at(at, format!("duplicate hash field {name}")));
        }
    }
    Ok((!hash.is_empty()).then(|| Value::Hash(Box::new(hash))))
}

/// Types 14 and 18: a node count, then per node (type 18 only) its
/// container, 1 PLAIN (one element as is) or 2 PACKED, and its blob: a
/// ziplist for type 14, a listpack for type 18.
fn read_quicklist(r: &mut Reader, listpack_nodes: bool) -> Result<Option<Value>, RdbError> {
    let nodes = r.count("a quicklist node count", 1)?;
    let mut list = VecDeque::new();
    for _ in 0..nodes {
        let at = r.pos();
        let container = if listpack_nodes {
            r.len("a quicklist node container")?
        } else {
            2
        };
        if container != 1 && container != 2 {
            return Err(r.error_at(
                at,
                format!("quicklist node container {container} is neither 1 (plain) nor 2 (packed)"),
            ));
        }
        let blob_at = r.pos();
        let blob = r.string("a quicklist node")?;
        if blob.is_empty() {
            return Err(r.error_at(blob_at, "empty quicklist node"));
        }
        if container == 1 {
            list.push_back(Sds::from(blob.into_owned()));
            continue;
        }
        let elems = if listpack_nodes {
            listpack::parse(&blob)
        } else {
            ziplist::parse(&blob)
        };
        let elems = elems.map_err(|e| r.error_at(blob_at, format!("quicklist node: {e}")))?;
        list.extend(elems.into_iter().map(Elem::to_sds));
    }
    Ok(list_value(list))
}

/// Types stored as one blob: list ziplist (10), intset (11), sorted set
/// ziplist (12) and listpack (17), hash ziplist (13) and listpack (16).
fn read_blob_value(r: &mut Reader, rdb_type: u8) -> Result<Option<Value>, RdbError> {
    let at = r.pos();
    let blob = r.string("an encoded value")?;
    let decoded = match rdb_type {
        TYPE_LIST_ZIPLIST => ziplist::parse(&blob).map(list_from_elems),
        TYPE_SET_INTSET => intset::parse(&blob).map(set_from_ints),
        TYPE_ZSET_ZIPLIST => ziplist::parse(&blob).and_then(|e| zset_from_elems(&e)),
        TYPE_ZSET_LISTPACK => listpack::parse(&blob).and_then(|e| zset_from_elems(&e)),
        TYPE_HASH_ZIPLIST => ziplist::parse(&blob).and_then(|e| hash_from_elems(&e)),
        TYPE_HASH_LISTPACK => listpack::parse(&blob).and_then(|e| hash_from_elems(&e)),
        _ => Err(format!("unknown value type {rdb_type}")),
    };
    decoded.map_err(|e| r.error_at(at, format!("{}: {e}", blob_kind(rdb_type))))
}

/// What a blob type is called in error messages.
fn blob_kind(rdb_type: u8) -> &'static str {
    match rdb_type {
        TYPE_LIST_ZIPLIST => "list ziplist",
        TYPE_SET_INTSET => "set intset",
        TYPE_ZSET_ZIPLIST => "sorted set ziplist",
        TYPE_ZSET_LISTPACK => "sorted set listpack",
        TYPE_HASH_ZIPLIST => "hash ziplist",
        TYPE_HASH_LISTPACK => "hash listpack",
        _ => "value",
    }
}

/// A list value, or `None` when it is empty.
fn list_value(list: VecDeque<Sds>) -> Option<Value> {
    (!list.is_empty()).then(|| Value::List(Box::new(list)))
}

/// A list from ziplist elements.
fn list_from_elems(elems: Vec<Elem<'_>>) -> Option<Value> {
    list_value(elems.into_iter().map(Elem::to_sds).collect())
}

/// A set from intset members (ascending, so SMEMBERS answers sorted).
fn set_from_ints(members: Vec<i64>) -> Option<Value> {
    let set: IndexSet<Sds, FastHash> = members.into_iter().map(int_to_sds).collect();
    Some(Value::Set(Box::new(set)))
}

/// A sorted set from member, score, … elements.
fn zset_from_elems(elems: &[Elem<'_>]) -> Result<Option<Value>, String> {
    if elems.len() % 2 != 0 {
        return Err(format!("odd number of elements ({})", elems.len()));
    }
    let mut zset = ZSet::new();
    for pair in elems.chunks_exact(2) {
        let score = match pair[1] {
            Elem::Int(v) => v as f64,
            Elem::Str(text) => parse_score(text)
                .ok_or_else(|| format!("invalid score {}", crate::cli::repr(text)))?,
        };
        add_scored(&mut zset, pair[0].to_sds(), score)?;
    }
    Ok((!zset.is_empty()).then(|| Value::ZSet(Box::new(zset))))
}

/// A hash from field, value, … elements.
fn hash_from_elems(elems: &[Elem<'_>]) -> Result<Option<Value>, String> {
    if elems.len() % 2 != 0 {
        return Err(format!("odd number of elements ({})", elems.len()));
    }
    let mut hash = Map::with_capacity_and_hasher(elems.len() / 2, FastHash::default());
    for pair in elems.chunks_exact(2) {
        let field = pair[0].to_sds();
        if hash.contains_key(field.as_bytes()) {
            return Err(format!("duplicate hash field {}", crate::cli::repr(&field)));
        }
        hash.insert(field, pair[1].to_sds());
    }
    Ok((!hash.is_empty()).then(|| Value::Hash(Box::new(hash))))
}
