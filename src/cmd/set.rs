//! Set commands (`t_set.c`): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER,
//! SCARD, SPOP, SRANDMEMBER, SMOVE, SINTERCARD, and SINTER/SUNION/SDIFF
//! with their STORE forms (which propagate as sent when they changed the destination).
//!
//! Members are kept in insertion order. Redis 7.0 stores a set of up to 512
//! integers as a sorted intset and anything else as a hash table (random
//! order), so SMEMBERS answers sorted when every member is an integer and
//! the set is intset-sized, and in insertion order otherwise.
//!
//! SPOP picks members with the server's seeded generator (real Redis uses
//! `random()`), and propagates `SREM key member` per popped member (wrapped
//! in MULTI/EXEC when there are several) or `DEL key` when the count takes
//! the whole set.

use super::reply::{err, is, long_at_least, positive_arg, SYNTAX};
use super::{random_pick, Ctx};
use crate::db::{FastHash, Sds};
use crate::num;
use crate::resp::Frame;
use indexmap::IndexSet;

type Set = IndexSet<Sds, FastHash>;

/// `set-max-intset-entries`.
const INTSET_ENTRIES: usize = 512;

/// SADD key member [member ...]
pub fn sadd(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let set = match ctx.write_or_create::<Set>(&argv[1]) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let added = argv[2..].iter().filter(|m| set.insert(Sds::new(m))).count();
    if added > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(added as i64)
}

/// SREM key member [member ...]
pub fn srem(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    let set = match ctx.write::<Set>(key) {
        Ok(Some(s)) => s,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let removed = argv[2..]
        .iter()
        .filter(|m| set.swap_remove(m.as_slice()))
        .count();
    ctx.remove_if_empty::<Set>(key);
    if removed > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(removed as i64)
}

/// The members in the order Redis 7.0 would list them (see module docs).
pub fn members_in_redis_order(set: &Set) -> Vec<&Sds> {
    let mut out: Vec<&Sds> = set.iter().collect();
    if set.len() <= INTSET_ENTRIES {
        let ints: Option<Vec<i64>> = out.iter().map(|m| num::parse_i64(m)).collect();
        if let Some(ints) = ints {
            let mut pairs: Vec<(i64, &Sds)> = ints.into_iter().zip(out).collect();
            pairs.sort_unstable_by_key(|(n, _)| *n);
            out = pairs.into_iter().map(|(_, m)| m).collect();
        }
    }
    out
}

/// SMEMBERS key
pub fn smembers(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Set>(&argv[1]) {
        Ok(Some(s)) => Frame::Array(
            members_in_redis_order(s)
                .into_iter()
                .map(Frame::bulk)
                .collect(),
        ),
        Ok(None) => Frame::Array(Vec::new()),
        Err(e) => e,
    }
}

/// SISMEMBER key member
pub fn sismember(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Set>(&argv[1]) {
        Ok(s) => Frame::Integer(i64::from(s.is_some_and(|s| s.contains(argv[2].as_slice())))),
        Err(e) => e,
    }
}

/// SMISMEMBER key member [member ...]
pub fn smismember(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Set>(&argv[1]) {
        Ok(s) => Frame::Array(
            argv[2..]
                .iter()
                .map(|m| Frame::Integer(i64::from(s.is_some_and(|s| s.contains(m.as_slice())))))
                .collect(),
        ),
        Err(e) => e,
    }
}

/// SCARD key
pub fn scard(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Set>(&argv[1]) {
        Ok(s) => Frame::Integer(s.map_or(0, |s| s.len() as i64)),
        Err(e) => e,
    }
}

/// SPOP key [count]
pub fn spop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match argv.len() {
        2 => spop_one(ctx, &argv[1]),
        3 => match positive_arg(&argv[2]) {
            Ok(n) => spop_count(ctx, &argv[1], usize::try_from(n).unwrap_or(usize::MAX)),
            Err(e) => e,
        },
        _ => err(SYNTAX),
    }
}

/// Removes one random member.
fn pop_random(ctx: &mut Ctx, key: &[u8]) -> Option<Sds> {
    let r = ctx.server.random_u64();
    let set = ctx.write::<Set>(key).ok().flatten()?;
    let i = (r % set.len().max(1) as u64) as usize;
    set.swap_remove_index(i)
}

fn spop_one(ctx: &mut Ctx, key: &[u8]) -> Frame {
    match ctx.write::<Set>(key) {
        Ok(Some(_)) => {}
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    }
    let Some(m) = pop_random(ctx, key) else {
        return Frame::Null;
    };
    ctx.remove_if_empty::<Set>(key);
    ctx.propagate(&[b"SREM", key, m.as_bytes()]);
    Frame::bulk(&m)
}

fn spop_count(ctx: &mut Ctx, key: &[u8], count: usize) -> Frame {
    let size = match ctx.write::<Set>(key) {
        Ok(Some(s)) => s.len(),
        Ok(None) => return Frame::Array(Vec::new()),
        Err(e) => return e,
    };
    if count == 0 {
        return Frame::Array(Vec::new());
    }
    if count >= size {
        let all = match ctx.db().remove(key) {
            Some(crate::db::Value::Set(s)) => members_in_redis_order(&s)
                .into_iter()
                .map(Frame::bulk)
                .collect(),
            _ => Vec::new(),
        };
        ctx.propagate(&[b"DEL", key]);
        return Frame::Array(all);
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if let Some(m) = pop_random(ctx, key) {
            ctx.propagate(&[b"SREM", key, m.as_bytes()]);
            out.push(Frame::bulk(&m));
        }
    }
    Frame::Array(out)
}

/// SMOVE source destination member
pub fn smove(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (src, dst, member) = (argv[1].as_slice(), argv[2].as_slice(), argv[3].as_slice());
    // smoveCommand looks both keys up, answers 0 for a missing source
    // before it checks either type, then checks the source's type and the
    // destination's.
    let src_type = ctx.write::<Set>(src).map(|s| s.is_some());
    let dst_type = ctx.write::<Set>(dst).map(drop);
    match (src_type, dst_type) {
        (Ok(false), _) => return Frame::Integer(0),
        (Err(e), _) | (Ok(true), Err(e)) => return e,
        (Ok(true), Ok(())) => {}
    }
    if src == dst {
        let present = matches!(ctx.write::<Set>(src), Ok(Some(s)) if s.contains(member));
        return Frame::Integer(i64::from(present));
    }
    let removed = match ctx.write::<Set>(src) {
        Ok(Some(s)) => s.swap_remove(member),
        _ => false,
    };
    if !removed {
        return Frame::Integer(0);
    }
    ctx.remove_if_empty::<Set>(src);
    if let Ok(s) = ctx.write_or_create::<Set>(dst) {
        s.insert(Sds::new(member));
    }
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// Which set operation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Inter,
    Union,
    Diff,
}

/// Reads every key as a set (missing = empty), WRONGTYPE on any other
/// type, then combines them in order.
fn combine(ctx: &mut Ctx, keys: &[Vec<u8>], op: SetOp) -> Result<Set, Frame> {
    let mut sets: Vec<Option<Set>> = Vec::with_capacity(keys.len());
    for k in keys {
        sets.push(ctx.read::<Set>(k)?.cloned());
    }
    let mut iter = sets.into_iter();
    let mut acc = iter.next().flatten().unwrap_or_default();
    for s in iter {
        let s = s.unwrap_or_default();
        match op {
            SetOp::Inter => acc.retain(|m| s.contains(m)),
            SetOp::Union => acc.extend(s),
            SetOp::Diff => acc.retain(|m| !s.contains(m)),
        }
    }
    Ok(acc)
}

fn set_op_reply(ctx: &mut Ctx, argv: &[Vec<u8>], op: SetOp) -> Frame {
    match combine(ctx, &argv[1..], op) {
        Ok(s) => Frame::Array(
            members_in_redis_order(&s)
                .into_iter()
                .map(Frame::bulk)
                .collect(),
        ),
        Err(e) => e,
    }
}

/// `*STORE`: writes the result to the destination (deleting it when the
/// result is empty) and propagates as sent when that changed anything.
fn set_op_store(ctx: &mut Ctx, argv: &[Vec<u8>], op: SetOp) -> Frame {
    let result = match combine(ctx, &argv[2..], op) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let dst = argv[1].as_slice();
    let n = result.len() as i64;
    if result.is_empty() {
        if ctx.db().remove(dst).is_some() {
            ctx.propagate_as_sent();
        }
    } else {
        ctx.db().insert(
            Sds::new(dst),
            crate::db::Value::Set(Box::new(result)),
            false,
        );
        ctx.propagate_as_sent();
    }
    Frame::Integer(n)
}

/// SINTER key [key ...]
pub fn sinter(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_reply(ctx, argv, SetOp::Inter)
}

/// SUNION key [key ...]
pub fn sunion(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_reply(ctx, argv, SetOp::Union)
}

/// SDIFF key [key ...]
pub fn sdiff(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_reply(ctx, argv, SetOp::Diff)
}

/// SINTERSTORE destination key [key ...]
pub fn sinterstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_store(ctx, argv, SetOp::Inter)
}

/// SUNIONSTORE destination key [key ...]
pub fn sunionstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_store(ctx, argv, SetOp::Union)
}

/// SDIFFSTORE destination key [key ...]
pub fn sdiffstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_op_store(ctx, argv, SetOp::Diff)
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the
/// intersection, counting stops at LIMIT (0: no limit). Every key's type
/// is checked, even after a missing one (`sinterGenericCommand`).
pub fn sintercard(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let numkeys = match long_at_least(&argv[1], 1, "ERR numkeys should be greater than 0") {
        Ok(n) => n,
        Err(e) => return e,
    };
    if numkeys > (argv.len() - 2) as i64 {
        return err("ERR Number of keys can't be greater than number of args");
    }
    let end = 2 + numkeys as usize;
    let mut limit = 0;
    let mut j = end;
    while j < argv.len() {
        if is(&argv[j], "limit") && j + 1 < argv.len() {
            match long_at_least(&argv[j + 1], 0, "ERR LIMIT can't be negative") {
                Ok(n) => limit = n.unsigned_abs() as usize,
                Err(e) => return e,
            }
            j += 2;
        } else {
            return err(SYNTAX);
        }
    }
    match combine(ctx, &argv[2..end], SetOp::Inter) {
        Ok(s) if limit > 0 => Frame::Integer(s.len().min(limit) as i64),
        Ok(s) => Frame::Integer(s.len() as i64),
        Err(e) => e,
    }
}

/// SRANDMEMBER key [count]: distinct members for a positive count, with
/// repeats allowed for a negative one (see `random_pick.rs`).
pub fn srandmember(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if argv.len() > 3 {
        return err(SYNTAX);
    }
    let count = match argv.get(2).map(|c| random_pick::count_arg(c)) {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return e,
        None => None,
    };
    let pool: Vec<Sds> = match ctx.read::<Set>(&argv[1]) {
        Ok(Some(s)) => members_in_redis_order(s).into_iter().cloned().collect(),
        Ok(None) => {
            return if count.is_some() {
                Frame::Array(Vec::new())
            } else {
                Frame::Null
            }
        }
        Err(e) => return e,
    };
    match count {
        None => {
            let i = random_pick::pick_in(ctx, pool.len());
            pool.get(i).map_or(Frame::Null, Frame::bulk)
        }
        Some(n) => {
            let picked = random_pick::random_indexes(ctx, pool.len(), n);
            Frame::Array(picked.into_iter().map(|i| Frame::bulk(&pool[i])).collect())
        }
    }
}
