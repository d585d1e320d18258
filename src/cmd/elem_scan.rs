//! HSCAN, SSCAN and ZSCAN (`scanGenericCommand` in `db.c` on one value).
//!
//! Real Redis scans a small value (a listpack hash or sorted set, an
//! intset) in one call whatever the cursor, answers cursor 0, and lists
//! the elements in the encoding's order: fields in insertion order, members
//! by score with their scores as `%.17g` text, integers sorted. Those are
//! exactly the orders our values keep, so small values match Redis byte
//! for byte. A big value is a hash table in Redis, walked by `dictScan` a
//! few buckets per call in an order no client can rely on; here it too is
//! returned whole with cursor 0, which keeps SCAN's guarantee (every
//! element present for the whole scan is returned) in a single call.
//!
//! As in Redis, the cursor is parsed first, then the key is looked up (a
//! missing key answers an empty scan before any option is read), then the
//! options: MATCH and COUNT, but not TYPE.

use super::keys::{parse_cursor, parse_scan_options};
use super::set::members_in_redis_order;
use super::{glob, Ctx};
use crate::db::{Sds, Value};
use crate::num::fmt_g17;
use crate::resp::Frame;

/// Which type the command scans.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scanned {
    Hash,
    Set,
    ZSet,
}

/// The elements of `v` in Redis's order, each with its value (field
/// value, score) for hashes and sorted sets; `None` for another type.
fn elements(v: &Value, kind: Scanned) -> Option<Vec<(Sds, Option<Vec<u8>>)>> {
    Some(match (v, kind) {
        (Value::Hash(h), Scanned::Hash) => h
            .iter()
            .map(|(f, v)| (f.clone(), Some(v.as_bytes().to_vec())))
            .collect(),
        (Value::Set(s), Scanned::Set) => members_in_redis_order(s)
            .into_iter()
            .map(|m| (m.clone(), None))
            .collect(),
        (Value::ZSet(z), Scanned::ZSet) => z
            .iter()
            .map(|(m, s)| (m.clone(), Some(fmt_g17(s).into_bytes())))
            .collect(),
        _ => return None,
    })
}

fn scan_value(ctx: &mut Ctx, argv: &[Vec<u8>], kind: Scanned) -> Frame {
    if let Err(e) = parse_cursor(&argv[2]) {
        return e;
    }
    let empty = || Frame::Array(vec![Frame::bulk("0"), Frame::Array(Vec::new())]);
    let items = match ctx.lookup_read(&argv[1]) {
        None => return empty(),
        Some(v) => match elements(v, kind) {
            Some(items) => items,
            None => return Frame::err(super::reply::WRONGTYPE),
        },
    };
    let o = match parse_scan_options(&argv[3..], false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut out = Vec::new();
    for (element, value) in items {
        if o.pattern
            .is_some_and(|p| !glob::matches(p, &element, false))
        {
            continue;
        }
        out.push(Frame::bulk(&element));
        if let Some(v) = value {
            out.push(Frame::bulk(v));
        }
    }
    Frame::Array(vec![Frame::bulk("0"), Frame::Array(out)])
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
pub fn hscan(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    scan_value(ctx, argv, Scanned::Hash)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
pub fn sscan(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    scan_value(ctx, argv, Scanned::Set)
}

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
pub fn zscan(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    scan_value(ctx, argv, Scanned::ZSet)
}
