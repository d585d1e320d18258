//! Hash commands (`t_hash.c`). Fields keep insertion order, which is the
//! order real Redis replies in while a hash is listpack-encoded (up to 512
//! fields of at most 64 bytes: `db::encoding`); removing a field from such a hash keeps the others in
//! order, as deleting from a listpack does. Bigger hashes are hash tables
//! in Redis, whose order is arbitrary anyway.
//!
//! HINCRBYFLOAT propagates as `HSET key field <new value>`; every other
//! write propagates as sent when it changed something (HSET always does).

use super::reply::{self, err, int_arg, NOT_FLOAT, OVERFLOW};
use super::Ctx;
use crate::db::{encoding, Map, Sds};
use crate::num;
use crate::num::long_double::LongDouble;
use crate::resp::Frame;

type Hash = Map<Sds, Sds>;

fn set_fields(ctx: &mut Ctx, argv: &[Vec<u8>], name: &str) -> Result<i64, Frame> {
    if argv.len() % 2 == 1 {
        return Err(reply::arity_err(name));
    }
    let hash = ctx.write_or_create::<Hash>(&argv[1])?;
    let mut added = 0;
    for pair in argv[2..].chunks_exact(2) {
        if hash
            .insert(Sds::new(&pair[0]), Sds::new(&pair[1]))
            .is_none()
        {
            added += 1;
        }
    }
    ctx.propagate_as_sent();
    Ok(added)
}

/// HSET key field value [field value ...]
pub fn hset(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_fields(ctx, argv, "hset").map_or_else(|e| e, Frame::Integer)
}

/// HMSET key field value [field value ...]
pub fn hmset(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    set_fields(ctx, argv, "hmset").map_or_else(|e| e, |_| reply::ok())
}

/// HSETNX key field value
pub fn hsetnx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let hash = match ctx.write_or_create::<Hash>(&argv[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    if hash.contains_key(argv[2].as_slice()) {
        return Frame::Integer(0);
    }
    hash.insert(Sds::new(&argv[2]), Sds::new(&argv[3]));
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// HGET key field
pub fn hget(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Hash>(&argv[1]) {
        Ok(h) => h
            .and_then(|h| h.get(argv[2].as_slice()))
            .map_or(Frame::Null, Frame::bulk),
        Err(e) => e,
    }
}

/// HMGET key field [field ...]
pub fn hmget(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Hash>(&argv[1]) {
        Ok(h) => Frame::Array(
            argv[2..]
                .iter()
                .map(|f| {
                    h.and_then(|h| h.get(f.as_slice()))
                        .map_or(Frame::Null, Frame::bulk)
                })
                .collect(),
        ),
        Err(e) => e,
    }
}

/// HDEL key field [field ...]
pub fn hdel(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    let hash = match ctx.write::<Hash>(key) {
        Ok(Some(h)) => h,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let mut deleted = 0;
    // A listpack stays one while fields go (Redis never converts back).
    let listpack = encoding::hash_is_listpack(hash);
    for f in &argv[2..] {
        let gone = if listpack {
            hash.shift_remove(f.as_slice())
        } else {
            hash.swap_remove(f.as_slice())
        };
        deleted += i64::from(gone.is_some());
    }
    ctx.remove_if_empty::<Hash>(key);
    if deleted > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(deleted)
}

/// Shared shape of HGETALL / HKEYS / HVALS.
fn hash_items(ctx: &mut Ctx, key: &[u8], keys: bool, values: bool) -> Frame {
    let hash = match ctx.read::<Hash>(key) {
        Ok(Some(h)) => h,
        Ok(None) => return Frame::Array(Vec::new()),
        Err(e) => return e,
    };
    let mut out = Vec::with_capacity(hash.len() * (usize::from(keys) + usize::from(values)));
    for (f, v) in hash {
        if keys {
            out.push(Frame::bulk(f));
        }
        if values {
            out.push(Frame::bulk(v));
        }
    }
    Frame::Array(out)
}

/// HGETALL key
pub fn hgetall(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    hash_items(ctx, &argv[1], true, true)
}

/// HKEYS key
pub fn hkeys(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    hash_items(ctx, &argv[1], true, false)
}

/// HVALS key
pub fn hvals(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    hash_items(ctx, &argv[1], false, true)
}

/// HLEN key
pub fn hlen(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Hash>(&argv[1]) {
        Ok(h) => Frame::Integer(h.map_or(0, |h| h.len() as i64)),
        Err(e) => e,
    }
}

/// HEXISTS key field
pub fn hexists(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Hash>(&argv[1]) {
        Ok(h) => Frame::Integer(i64::from(
            h.is_some_and(|h| h.contains_key(argv[2].as_slice())),
        )),
        Err(e) => e,
    }
}

/// HSTRLEN key field
pub fn hstrlen(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<Hash>(&argv[1]) {
        Ok(h) => Frame::Integer(
            h.and_then(|h| h.get(argv[2].as_slice()))
                .map_or(0, |v| v.len() as i64),
        ),
        Err(e) => e,
    }
}

/// HINCRBY key field increment
pub fn hincrby(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let incr = match int_arg(&argv[3]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let hash = match ctx.write_or_create::<Hash>(&argv[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let current = match hash.get(argv[2].as_slice()) {
        None => 0,
        Some(v) => match num::parse_i64(v) {
            Some(n) => n,
            None => return err("ERR hash value is not an integer"),
        },
    };
    let Some(new) = current.checked_add(incr) else {
        return err(OVERFLOW);
    };
    let mut buf = [0u8; 20];
    hash.insert(Sds::new(&argv[2]), Sds::new(num::fmt_i64(new, &mut buf)));
    ctx.propagate_as_sent();
    Frame::Integer(new)
}

/// HINCRBYFLOAT key field increment (propagated as HSET with the result)
pub fn hincrbyfloat(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let incr = match LongDouble::parse(&argv[3]) {
        Some(v) if v.is_finite() => v,
        Some(_) => return err("ERR value is NaN or Infinity"),
        None => return err(NOT_FLOAT),
    };
    let key = argv[1].as_slice();
    let hash = match ctx.write_or_create::<Hash>(key) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let current = match hash.get(argv[2].as_slice()) {
        None => LongDouble::parse(b"0"),
        Some(v) => LongDouble::parse(v),
    };
    let Some(current) = current else {
        return err("ERR hash value is not a float");
    };
    let sum = match current.checked_add(incr) {
        Some(s) if s.is_finite() => s.to_human(),
        _ => return err("ERR increment would produce NaN or Infinity"),
    };
    hash.insert(Sds::new(&argv[2]), Sds::new(sum.as_bytes()));
    ctx.propagate(&[b"HSET", key, argv[2].as_slice(), sum.as_bytes()]);
    Frame::bulk(sum)
}

/// HRANDFIELD key [count [WITHVALUES]] (see `random_pick.rs`).
pub fn hrandfield(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    super::random_pick::rand_command(ctx, argv, "withvalues", |v| match v {
        crate::db::Value::Hash(h) => Some(
            h.iter()
                .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect(),
        ),
        _ => None,
    })
}
