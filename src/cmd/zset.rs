//! Sorted-set commands (`t_zset.c`), the basic ones: ZADD with
//! NX/XX/GT/LT/CH/INCR, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK,
//! ZREVRANK, ZPOPMIN/ZPOPMAX, ZMPOP and ZRANDMEMBER. Ranges are in `zset_range.rs`, the set
//! algebra in `zset_store.rs`.
//!
//! Members are ordered by (score, member bytes), which is the order of both
//! of Redis's encodings. Scores print with `%.17g`. ZADD and ZINCRBY
//! propagate as sent, and only when a member was added or its score
//! actually changed (so `ZINCRBY key 0 member` propagates nothing).

use super::reply::{err, float_arg, is, SYNTAX};
use super::{mpop, random_pick, Ctx};
use crate::db::{Sds, ZSet};
use crate::num::fmt_g17;
use crate::resp::Frame;

/// ZADD's options (`zaddGenericCommand`).
#[derive(Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// What adding one member did.
enum AddResult {
    Added(f64),
    Updated(f64),
    /// Present and allowed, but the score did not change.
    Same(f64),
    /// Refused by NX/XX/GT/LT.
    Nop,
}

/// Parses the option words before the first score; returns the flags and
/// the index of the first score.
fn parse_add_flags(argv: &[Vec<u8>]) -> (AddFlags, usize) {
    let mut f = AddFlags::default();
    let mut i = 2;
    while let Some(a) = argv.get(i) {
        match () {
            _ if is(a, "nx") => f.nx = true,
            _ if is(a, "xx") => f.xx = true,
            _ if is(a, "ch") => f.ch = true,
            _ if is(a, "incr") => f.incr = true,
            _ if is(a, "gt") => f.gt = true,
            _ if is(a, "lt") => f.lt = true,
            _ => break,
        }
        i += 1;
    }
    (f, i)
}

fn check_add_flags(f: &AddFlags, pairs: usize) -> Result<(), Frame> {
    if f.nx && f.xx {
        return Err(err(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(err(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if f.incr && pairs > 1 {
        return Err(err(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    Ok(())
}

/// `zsetAdd` for one member.
fn add_one(z: &mut ZSet, f: &AddFlags, score: f64, member: &[u8]) -> Result<AddResult, Frame> {
    let Some(current) = z.score(member) else {
        if f.xx {
            return Ok(AddResult::Nop);
        }
        z.insert(Sds::new(member), score);
        return Ok(AddResult::Added(score));
    };
    if f.nx {
        return Ok(AddResult::Nop);
    }
    let new = if f.incr { current + score } else { score };
    if new.is_nan() {
        return Err(err("ERR resulting score is not a number (NaN)"));
    }
    if (f.lt && new >= current) || (f.gt && new <= current) {
        return Ok(AddResult::Nop);
    }
    if new == current {
        return Ok(AddResult::Same(new));
    }
    z.insert(Sds::new(member), new);
    Ok(AddResult::Updated(new))
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
pub fn zadd(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (f, first) = parse_add_flags(argv);
    zadd_generic(ctx, argv, f, first)
}

/// ZINCRBY key increment member
pub fn zincrby(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let f = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_generic(ctx, argv, f, 2)
}

fn zadd_generic(ctx: &mut Ctx, argv: &[Vec<u8>], f: AddFlags, first: usize) -> Frame {
    let rest = &argv[first.min(argv.len())..];
    if rest.is_empty() || rest.len() % 2 == 1 {
        return err(SYNTAX);
    }
    if let Err(e) = check_add_flags(&f, rest.len() / 2) {
        return e;
    }
    let mut scores = Vec::with_capacity(rest.len() / 2);
    for pair in rest.chunks_exact(2) {
        match float_arg(&pair[0]) {
            Ok(s) => scores.push(s),
            Err(e) => return e,
        }
    }
    let key = argv[1].as_slice();
    match ctx.write::<ZSet>(key) {
        Ok(Some(_)) => {}
        Ok(None) if f.xx => {
            return if f.incr {
                Frame::Null
            } else {
                Frame::Integer(0)
            }
        }
        Ok(None) => {}
        Err(e) => return e,
    }
    let z = match ctx.write_or_create::<ZSet>(key) {
        Ok(z) => z,
        Err(e) => return e,
    };
    let (mut added, mut updated, mut last) = (0i64, 0i64, None);
    for (pair, score) in rest.chunks_exact(2).zip(scores) {
        match add_one(z, &f, score, &pair[1]) {
            Ok(AddResult::Added(s)) => (added, last) = (added + 1, Some(s)),
            Ok(AddResult::Updated(s)) => (updated, last) = (updated + 1, Some(s)),
            Ok(AddResult::Same(s)) => last = Some(s),
            Ok(AddResult::Nop) => {}
            Err(e) => {
                ctx.remove_if_empty::<ZSet>(key);
                return e;
            }
        }
    }
    ctx.remove_if_empty::<ZSet>(key);
    if added + updated > 0 {
        ctx.propagate_as_sent();
    }
    if f.incr {
        last.map_or(Frame::Null, |s| Frame::bulk(fmt_g17(s)))
    } else {
        Frame::Integer(if f.ch { added + updated } else { added })
    }
}

/// ZREM key member [member ...]
pub fn zrem(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    let z = match ctx.write::<ZSet>(key) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let removed = argv[2..].iter().filter(|m| z.remove(m)).count();
    ctx.remove_if_empty::<ZSet>(key);
    if removed > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(removed as i64)
}

/// ZSCORE key member
pub fn zscore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<ZSet>(&argv[1]) {
        Ok(z) => z
            .and_then(|z| z.score(&argv[2]))
            .map_or(Frame::Null, |s| Frame::bulk(fmt_g17(s))),
        Err(e) => e,
    }
}

/// ZMSCORE key member [member ...]
pub fn zmscore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<ZSet>(&argv[1]) {
        Ok(z) => Frame::Array(
            argv[2..]
                .iter()
                .map(|m| {
                    z.and_then(|z| z.score(m))
                        .map_or(Frame::Null, |s| Frame::bulk(fmt_g17(s)))
                })
                .collect(),
        ),
        Err(e) => e,
    }
}

/// ZCARD key
pub fn zcard(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<ZSet>(&argv[1]) {
        Ok(z) => Frame::Integer(z.map_or(0, |z| z.len() as i64)),
        Err(e) => e,
    }
}

fn rank(ctx: &mut Ctx, argv: &[Vec<u8>], reverse: bool) -> Frame {
    let z = match ctx.read::<ZSet>(&argv[1]) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    let member = argv[2].as_slice();
    match z.iter().position(|(m, _)| m.as_bytes() == member) {
        Some(i) if reverse => Frame::Integer((z.len() - 1 - i) as i64),
        Some(i) => Frame::Integer(i as i64),
        None => Frame::Null,
    }
}

/// ZRANK key member
pub fn zrank(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    rank(ctx, argv, false)
}

/// ZREVRANK key member
pub fn zrevrank(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    rank(ctx, argv, true)
}

/// Removes up to `count` members from the low end (or the high end when
/// `max`), returning them with their scores in the order popped.
fn pop_members(z: &mut ZSet, max: bool, count: usize) -> Vec<(Sds, f64)> {
    let mut out = Vec::new();
    for _ in 0..count.min(z.len()) {
        let next = if max {
            z.iter().next_back()
        } else {
            z.iter().next()
        };
        let Some((m, s)) = next.map(|(m, s)| (m.clone(), s)) else {
            break;
        };
        z.remove(&m);
        out.push((m, s));
    }
    out
}

/// `genericZpopCommand`: ZPOPMIN/ZPOPMAX key [count], a flat
/// member, score, ... array. The type is checked before a count of 0
/// answers the empty array.
fn zpop(ctx: &mut Ctx, argv: &[Vec<u8>], max: bool) -> Frame {
    if argv.len() > 3 {
        return err(SYNTAX);
    }
    let count = match argv.get(2).map(|c| super::reply::positive_arg(c)) {
        Some(Ok(n)) => usize::try_from(n).unwrap_or(usize::MAX),
        Some(Err(e)) => return e,
        None => 1,
    };
    let key = argv[1].as_slice();
    let z = match ctx.write::<ZSet>(key) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Array(Vec::new()),
        Err(e) => return e,
    };
    let popped = pop_members(z, max, count);
    ctx.remove_if_empty::<ZSet>(key);
    if !popped.is_empty() {
        ctx.propagate_as_sent();
    }
    let mut out = Vec::with_capacity(popped.len() * 2);
    for (m, s) in popped {
        out.push(Frame::bulk(&m));
        out.push(Frame::bulk(fmt_g17(s)));
    }
    Frame::Array(out)
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first
/// key that exists (WRONGTYPE stops the search), replies `[key, [[member,
/// score], ...]]` or a null array, and propagates as `ZPOPMIN|ZPOPMAX key
/// <popped>`, as `genericZpopCommand` rewrites it.
pub fn zmpop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let args = match mpop::parse(argv, 1, ["min", "max"]) {
        Ok(a) => a,
        Err(e) => return e,
    };
    for key in args.keys {
        let z = match ctx.write::<ZSet>(key) {
            Ok(Some(z)) => z,
            Ok(None) => continue,
            Err(e) => return e,
        };
        let popped = pop_members(z, args.second_end, args.count);
        ctx.remove_if_empty::<ZSet>(key);
        let name: &[u8] = if args.second_end {
            b"ZPOPMAX"
        } else {
            b"ZPOPMIN"
        };
        ctx.propagate(&[name, key, popped.len().to_string().as_bytes()]);
        let pairs = popped
            .into_iter()
            .map(|(m, s)| Frame::Array(vec![Frame::bulk(&m), Frame::bulk(fmt_g17(s))]));
        return Frame::Array(vec![Frame::bulk(key), Frame::Array(pairs.collect())]);
    }
    Frame::NullArray
}

/// ZPOPMIN key [count]
pub fn zpopmin(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zpop(ctx, argv, false)
}

/// ZPOPMAX key [count]
pub fn zpopmax(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zpop(ctx, argv, true)
}

/// ZRANDMEMBER key [count [WITHSCORES]] (see `random_pick.rs`). The
/// members are listed from the highest score down, the order in which
/// `zuiNext` walks a sorted set, so a count covering the whole set answers
/// in that order.
pub fn zrandmember(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    random_pick::rand_command(ctx, argv, "withscores", |v| match v {
        crate::db::Value::ZSet(z) => Some(
            z.iter()
                .rev()
                .map(|(m, s)| (m.as_bytes().to_vec(), fmt_g17(s).into_bytes()))
                .collect(),
        ),
        _ => None,
    })
}
