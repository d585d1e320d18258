//! SORT and SORT_RO (`sortCommandGeneric` in `sort.c`): BY, LIMIT, GET,
//! ASC/DESC, ALPHA and STORE, with BY and GET patterns looked up in this
//! keyspace (`key_*` for strings, `key_*->field` for hash fields, `#` for
//! the element itself).
//!
//! As in Redis: a constant BY pattern (no `*`) means "do not sort" (lists
//! and sorted sets keep their own order, DESC walking it backwards; a set
//! keeps its encoding's order, or is sorted ALPHA when the result is
//! STOREd, so that replicas agree); numeric sorting reads every weight
//! with `strtod` and fails as a whole on one that is not a number; equal
//! weights fall back to comparing the elements' bytes; DESC reverses every
//! comparison. STORE writes a list (dropping the destination's TTL), or
//! deletes the destination when the result is empty, and then propagates
//! as sent.
//!
//! Where this differs from Redis: ALPHA compares bytes; Redis uses
//! `strcoll` unless it stores, which is byte order in the C locale the
//! reference server runs in. Ties between elements whose ALPHA weights are
//! equal keep their input order (Redis's `qsort` leaves it unspecified).

use super::reply::{err, int_arg, is, SYNTAX, WRONGTYPE};
use super::set::members_in_redis_order;
use super::Ctx;
use crate::db::{Sds, Value};
use crate::num;
use crate::num::float_parse;
use crate::resp::Frame;
use std::cmp::Ordering;
use std::collections::VecDeque;

/// SORT's options.
struct SortOptions<'a> {
    desc: bool,
    alpha: bool,
    limit: (i64, i64),
    store: Option<&'a [u8]>,
    by: Option<&'a [u8]>,
    gets: Vec<&'a [u8]>,
}

fn parse_options(argv: &[Vec<u8>], readonly: bool) -> Result<SortOptions<'_>, Frame> {
    let mut o = SortOptions {
        desc: false,
        alpha: false,
        limit: (0, -1),
        store: None,
        by: None,
        gets: Vec::new(),
    };
    let mut j = 2;
    while j < argv.len() {
        let (a, left) = (&argv[j], argv.len() - j - 1);
        if is(a, "asc") {
            o.desc = false;
        } else if is(a, "desc") {
            o.desc = true;
        } else if is(a, "alpha") {
            o.alpha = true;
        } else if is(a, "limit") && left >= 2 {
            o.limit = (int_arg(&argv[j + 1])?, int_arg(&argv[j + 2])?);
            j += 2;
        } else if !readonly && is(a, "store") && left >= 1 {
            o.store = Some(&argv[j + 1]);
            j += 1;
        } else if is(a, "by") && left >= 1 {
            o.by = Some(&argv[j + 1]);
            j += 1;
        } else if is(a, "get") && left >= 1 {
            o.gets.push(&argv[j + 1]);
            j += 1;
        } else {
            return Err(err(SYNTAX));
        }
        j += 1;
    }
    Ok(o)
}

/// `lookupKeyByPattern`: the string (or hash field) that `pattern` names
/// for `element`; `None` when the pattern has no `*` or the key is
/// missing or of another type.
fn lookup_by_pattern(ctx: &mut Ctx, pattern: &[u8], element: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(element.to_vec());
    }
    let star = pattern.iter().position(|c| *c == b'*')?;
    let after = &pattern[star + 1..];
    let arrow = after
        .windows(2)
        .position(|w| w == b"->")
        .filter(|at| at + 2 < after.len());
    let (postfix, field) = match arrow {
        Some(at) => (&after[..at], Some(&after[at + 2..])),
        None => (after, None),
    };
    let mut key = pattern[..star].to_vec();
    key.extend_from_slice(element);
    key.extend_from_slice(postfix);
    match (ctx.lookup_read(&key)?, field) {
        (Value::Str(s), None) => Some(s.as_bytes().to_vec()),
        (Value::Hash(h), Some(f)) => h.get(f).map(|v| v.as_bytes().to_vec()),
        _ => None,
    }
}

/// `strtod` as SORT reads a weight: leading spaces skipped, an empty rest
/// read as 0, NaN or trailing bytes refused.
fn weight(text: &[u8]) -> Option<f64> {
    let start = text
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(text.len());
    let body = &text[start..];
    if body.is_empty() {
        return Some(0.0);
    }
    num::parse_f64(body).or_else(|| float_parse::parse(body).filter(|v| v.is_infinite()))
}

/// The elements of the value to sort, in its own order; WRONGTYPE for a
/// string or a hash, empty for a missing key.
fn elements(ctx: &mut Ctx, key: &[u8]) -> Result<(Vec<Sds>, bool), Frame> {
    Ok(match ctx.lookup_read(key) {
        None => (Vec::new(), false),
        Some(Value::List(l)) => (l.iter().cloned().collect(), false),
        Some(Value::ZSet(z)) => (z.iter().map(|(m, _)| m.clone()).collect(), false),
        Some(Value::Set(s)) => (
            members_in_redis_order(s).into_iter().cloned().collect(),
            true,
        ),
        Some(_) => return Err(err(WRONGTYPE)),
    })
}

/// The range LIMIT selects, as `sortCommandGeneric` clamps it: `None`
/// when empty.
fn limit_range(len: usize, (offset, count): (i64, i64)) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = offset.clamp(0, len);
    let count = count.clamp(-1, len);
    let end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len || end < start {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// Sorts `items` by weight (numeric) or by weight text (ALPHA with BY) or
/// by the elements themselves (ALPHA), DESC reversing every comparison.
fn sort_items(ctx: &mut Ctx, items: &mut [Sds], o: &SortOptions) -> Result<(), Frame> {
    let by = o.by;
    let mut keyed: Vec<(Sds, Option<Vec<u8>>, f64)> = Vec::with_capacity(items.len());
    for e in items.iter() {
        let w = match by {
            Some(p) => lookup_by_pattern(ctx, p, e),
            None => Some(e.as_bytes().to_vec()),
        };
        let score = match (&w, o.alpha) {
            (Some(text), false) => weight(text)
                .ok_or_else(|| err("ERR One or more scores can't be converted into double"))?,
            _ => 0.0,
        };
        keyed.push((e.clone(), w, score));
    }
    keyed.sort_by(|a, b| {
        let cmp = if !o.alpha {
            a.2.partial_cmp(&b.2)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
        } else if by.is_some() {
            a.1.cmp(&b.1)
        } else {
            a.0.as_bytes().cmp(b.0.as_bytes())
        };
        if o.desc {
            cmp.reverse()
        } else {
            cmp
        }
    });
    for (slot, (e, _, _)) in items.iter_mut().zip(keyed) {
        *slot = e;
    }
    Ok(())
}

fn sort_generic(ctx: &mut Ctx, argv: &[Vec<u8>], readonly: bool) -> Frame {
    let mut o = match parse_options(argv, readonly) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (mut items, is_set) = match elements(ctx, &argv[1]) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let mut dontsort = o.by.is_some_and(|p| !p.contains(&b'*'));
    if dontsort && is_set && o.store.is_some() {
        // A set's order would differ between master and replica: Redis
        // sorts it ALPHA before storing.
        (dontsort, o.alpha, o.by) = (false, true, None);
    }
    if dontsort {
        if o.desc && !is_set {
            items.reverse();
        }
    } else if let Err(e) = sort_items(ctx, &mut items, &o) {
        return e;
    }
    let selected = match limit_range(items.len(), o.limit) {
        Some((start, end)) => &items[start..=end],
        None => &[],
    };
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for e in selected {
        if o.gets.is_empty() {
            out.push(Some(e.as_bytes().to_vec()));
        }
        for p in &o.gets {
            out.push(lookup_by_pattern(ctx, p, e));
        }
    }
    match o.store {
        None => Frame::Array(
            out.into_iter()
                .map(|v| v.map_or(Frame::Null, Frame::bulk))
                .collect(),
        ),
        Some(dst) => store(ctx, dst, out),
    }
}

/// STORE: the result as a list (a missing GET value stored as ""), or the
/// destination deleted when there is none; propagated as sent either way
/// it changed the keyspace.
fn store(ctx: &mut Ctx, dst: &[u8], out: Vec<Option<Vec<u8>>>) -> Frame {
    let n = out.len() as i64;
    if out.is_empty() {
        if ctx.db().remove(dst).is_some() {
            ctx.propagate_as_sent();
        }
        return Frame::Integer(0);
    }
    let list: VecDeque<Sds> = out
        .into_iter()
        .map(|v| Sds::new(&v.unwrap_or_default()))
        .collect();
    ctx.db()
        .insert(Sds::new(dst), Value::List(Box::new(list)), false);
    ctx.propagate_as_sent();
    Frame::Integer(n)
}

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
pub fn sort(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    sort_generic(ctx, argv, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
pub fn sort_ro(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    sort_generic(ctx, argv, true)
}
