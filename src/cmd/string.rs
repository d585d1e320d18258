//! String commands (`t_string.c`): GET, SET and its options, the counters,
//! APPEND, ranges, and the multi-key forms.
//!
//! Propagation rewrites, as 7.0 does them:
//! - any expiry option (SET EX/PX/EXAT/PXAT, SETEX, PSETEX) becomes
//!   `SET key value PXAT <absolute ms>`, dropping NX/XX/GET;
//! - SET ... GET without expiry is sent without the GET argument(s);
//! - GETSET becomes `SET key value`, GETDEL becomes `DEL key`;
//! - GETEX becomes `PEXPIREAT key <ms>`, `PERSIST key` or, for an absolute
//!   time already past, `DEL key`; plain GETEX sends nothing;
//! - INCRBYFLOAT becomes `SET key <new value> KEEPTTL`.

use super::reply::{
    self, err, expire_time_err, int_arg, is, NOT_FLOAT, NOT_INT, OVERFLOW, SYNTAX, WRONGTYPE,
};
use super::Ctx;
use crate::db::{Sds, Value};
use crate::num;
use crate::num::long_double::LongDouble;
use crate::resp::Frame;

/// Redis's `proto-max-bulk-len`: the longest string SETRANGE/APPEND build.
const MAX_STRING: usize = 512 * 1024 * 1024;

/// Which expiry option was given, and so how its number is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpireUnit {
    /// EX: relative seconds.
    Ex,
    /// PX: relative milliseconds.
    Px,
    /// EXAT: absolute Unix seconds.
    ExAt,
    /// PXAT: absolute Unix milliseconds.
    PxAt,
}

/// Options of SET and GETEX (`parseExtendedStringArgumentsOrReply`).
#[derive(Clone, Copy, Default)]
struct StringOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(ExpireUnit, &'a [u8])>,
}

/// Parses SET (`for_set`) or GETEX options; any repeat or conflict that
/// Redis refuses is a syntax error.
fn parse_options(args: &[Vec<u8>], for_set: bool) -> Result<StringOptions<'_>, Frame> {
    let mut o = StringOptions::default();
    let mut i = 0;
    while let Some(opt) = args.get(i) {
        let next = args.get(i + 1);
        let has_ttl = o.expire.is_some();
        let unit = [
            ("ex", ExpireUnit::Ex),
            ("px", ExpireUnit::Px),
            ("exat", ExpireUnit::ExAt),
            ("pxat", ExpireUnit::PxAt),
        ]
        .into_iter()
        .find(|(w, _)| is(opt, w))
        .map(|(_, u)| u);
        if for_set && is(opt, "nx") && !o.xx {
            o.nx = true;
        } else if for_set && is(opt, "xx") && !o.nx {
            o.xx = true;
        } else if for_set && is(opt, "get") {
            o.get = true;
        } else if for_set && is(opt, "keepttl") && !has_ttl {
            o.keepttl = true;
        } else if !for_set && is(opt, "persist") && !has_ttl {
            o.persist = true;
        } else if let (Some(u), Some(n)) = (unit, next) {
            // Redis lets the same unit repeat (the last one wins) but not a
            // different one, nor one after KEEPTTL/PERSIST.
            if o.keepttl || o.persist || o.expire.is_some_and(|(old, _)| old != u) {
                return Err(err(SYNTAX));
            }
            o.expire = Some((u, n));
            i += 1;
        } else {
            return Err(err(SYNTAX));
        }
        i += 1;
    }
    Ok(o)
}

/// `getExpireMillisecondsOrReply`: the absolute expiry in ms, or the
/// `invalid expire time in '<cmd>' command` error.
fn expire_ms(now_ms: i64, unit: ExpireUnit, arg: &[u8], cmd: &str) -> Result<i64, Frame> {
    let v = int_arg(arg)?;
    let seconds = matches!(unit, ExpireUnit::Ex | ExpireUnit::ExAt);
    if v <= 0 || (seconds && v > i64::MAX / 1000) {
        return Err(expire_time_err(cmd));
    }
    let mut ms = if seconds { v * 1000 } else { v };
    if matches!(unit, ExpireUnit::Ex | ExpireUnit::Px) {
        ms = ms.checked_add(now_ms).ok_or_else(|| expire_time_err(cmd))?;
    }
    if ms <= 0 {
        return Err(expire_time_err(cmd));
    }
    Ok(ms)
}

/// Stores a string value, keeping the key's TTL only when asked.
fn store(ctx: &mut Ctx, key: &[u8], value: Sds, keep_ttl: bool) {
    ctx.db().insert(Sds::new(key), Value::Str(value), keep_ttl);
}

/// The reply for GET of an optional string.
fn bulk_or_nil(v: Option<&Sds>) -> Frame {
    v.map_or(Frame::Null, Frame::bulk)
}

/// GET key
pub fn get(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read_str(&argv[1]) {
        Ok(v) => bulk_or_nil(v),
        Err(e) => e,
    }
}

/// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
pub fn set(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match parse_options(&argv[3..], true) {
        Ok(opts) => set_generic(ctx, argv, &argv[1], &argv[2], opts, "set"),
        Err(e) => e,
    }
}

/// SETEX key seconds value
pub fn setex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let opts = StringOptions {
        expire: Some((ExpireUnit::Ex, &argv[2])),
        ..StringOptions::default()
    };
    set_generic(ctx, argv, &argv[1], &argv[3], opts, "setex")
}

/// PSETEX key milliseconds value
pub fn psetex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let opts = StringOptions {
        expire: Some((ExpireUnit::Px, &argv[2])),
        ..StringOptions::default()
    };
    set_generic(ctx, argv, &argv[1], &argv[3], opts, "psetex")
}

/// `setGenericCommand`.
fn set_generic(
    ctx: &mut Ctx,
    argv: &[Vec<u8>],
    key: &[u8],
    val: &[u8],
    o: StringOptions,
    cmd: &str,
) -> Frame {
    let at_ms = match o.expire {
        Some((unit, arg)) => match expire_ms(ctx.now_ms, unit, arg, cmd) {
            Ok(ms) => Some(ms),
            Err(e) => return e,
        },
        None => None,
    };
    let old = if o.get {
        match ctx.read_str(key) {
            Ok(v) => Some(bulk_or_nil(v)),
            Err(e) => return e,
        }
    } else {
        None
    };
    if o.nx || o.xx {
        let found = ctx.exists_for_write(key);
        if (o.nx && found) || (o.xx && !found) {
            return old.unwrap_or(Frame::Null);
        }
    } else {
        // Only the lookup's side effect matters here: an expired key is
        // deleted (and its DEL propagated) before being overwritten.
        ctx.expire_if_needed(key, true);
    }
    store(ctx, key, Sds::new(val), o.keepttl);
    if let Some(ms) = at_ms {
        ctx.db().set_expire(key, ms);
        let mut buf = [0u8; 20];
        ctx.propagate(&[b"SET", key, val, b"PXAT", num::fmt_i64(ms, &mut buf)]);
    } else if o.get {
        let kept: Vec<&[u8]> = argv
            .iter()
            .enumerate()
            .filter(|(j, a)| *j < 3 || !is(a, "get"))
            .map(|(_, a)| a.as_slice())
            .collect();
        ctx.propagate(&kept);
    } else {
        ctx.propagate_as_sent();
    }
    old.unwrap_or_else(reply::ok)
}

/// SETNX key value
pub fn setnx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if ctx.exists_for_write(&argv[1]) {
        return Frame::Integer(0);
    }
    store(ctx, &argv[1], Sds::new(&argv[2]), false);
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// GETSET key value (propagated as SET)
pub fn getset(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let old = match ctx.read_str(&argv[1]) {
        Ok(v) => bulk_or_nil(v),
        Err(e) => return e,
    };
    store(ctx, &argv[1], Sds::new(&argv[2]), false);
    ctx.propagate(&[b"SET", argv[1].as_slice(), argv[2].as_slice()]);
    old
}

/// GETDEL key (propagated as DEL)
pub fn getdel(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let old = match ctx.read_str(&argv[1]) {
        Ok(Some(v)) => Frame::bulk(v),
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    ctx.db().remove(&argv[1]);
    ctx.propagate(&[b"DEL", argv[1].as_slice()]);
    old
}

/// GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
pub fn getex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let o = match parse_options(&argv[2..], false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let key = argv[1].as_slice();
    let value = match ctx.read_str(key) {
        Ok(Some(v)) => Frame::bulk(v),
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    let at_ms = match o.expire {
        Some((unit, arg)) => match expire_ms(ctx.now_ms, unit, arg, "getex") {
            Ok(ms) => Some((unit, ms)),
            Err(e) => return e,
        },
        None => None,
    };
    match at_ms {
        Some((unit, ms))
            if matches!(unit, ExpireUnit::ExAt | ExpireUnit::PxAt) && already_expired(ctx, ms) =>
        {
            ctx.db().remove(key);
            ctx.propagate(&[b"DEL", key]);
        }
        Some((_, ms)) => {
            ctx.db().set_expire(key, ms);
            let mut buf = [0u8; 20];
            ctx.propagate(&[b"PEXPIREAT", key, num::fmt_i64(ms, &mut buf)]);
        }
        None if o.persist && ctx.db().expires.swap_remove(key).is_some() => {
            ctx.propagate(&[b"PERSIST", key]);
        }
        None => {}
    }
    value
}

/// `checkAlreadyExpired`: an absolute time in the past deletes the key at
/// once, except on a replica, which waits for its master's DEL.
pub fn already_expired(ctx: &Ctx, at_ms: i64) -> bool {
    at_ms <= ctx.now_ms && !ctx.server.is_replica
}

/// MGET key [key ...] (non-strings read as nil)
pub fn mget(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let items = argv[1..]
        .iter()
        .map(|k| match ctx.lookup_read(k) {
            Some(Value::Str(s)) => Frame::bulk(s),
            _ => Frame::Null,
        })
        .collect();
    Frame::Array(items)
}

/// MSET key value [key value ...]
pub fn mset(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if argv.len() % 2 == 0 {
        return reply::arity_err("mset");
    }
    mset_all(ctx, argv);
    reply::ok()
}

fn mset_all(ctx: &mut Ctx, argv: &[Vec<u8>]) {
    for pair in argv[1..].chunks_exact(2) {
        store(ctx, &pair[0], Sds::new(&pair[1]), false);
    }
    ctx.propagate_as_sent();
}

/// MSETNX key value [key value ...]
pub fn msetnx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if argv.len() % 2 == 0 {
        return reply::arity_err("msetnx");
    }
    let mut busy = false;
    for pair in argv[1..].chunks_exact(2) {
        busy |= ctx.exists_for_write(&pair[0]);
    }
    if busy {
        return Frame::Integer(0);
    }
    mset_all(ctx, argv);
    Frame::Integer(1)
}

/// APPEND key value
pub fn append(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (key, tail) = (&argv[1], &argv[2]);
    let new = match ctx.lookup_write(key) {
        None => Sds::new(tail),
        Some(Value::Str(s)) => {
            if s.len() + tail.len() > MAX_STRING {
                return err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            let mut v = Vec::with_capacity(s.len() + tail.len());
            v.extend_from_slice(s);
            v.extend_from_slice(tail);
            Sds::from(v)
        }
        Some(_) => return err(WRONGTYPE),
    };
    let len = new.len() as i64;
    store(ctx, key, new, true);
    ctx.propagate_as_sent();
    Frame::Integer(len)
}

/// STRLEN key
pub fn strlen(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read_str(&argv[1]) {
        Ok(v) => Frame::Integer(v.map_or(0, |s| s.len() as i64)),
        Err(e) => e,
    }
}

/// `incrDecrCommand`: adds `delta`, keeping the TTL.
fn incr_decr(ctx: &mut Ctx, key: &[u8], delta: i64) -> Frame {
    let current = match ctx.lookup_write(key) {
        None => 0,
        Some(Value::Str(s)) => match num::parse_i64(s) {
            Some(n) => n,
            None => return err(NOT_INT),
        },
        Some(_) => return err(WRONGTYPE),
    };
    let Some(new) = current.checked_add(delta) else {
        return err(OVERFLOW);
    };
    let mut buf = [0u8; 20];
    store(ctx, key, Sds::new(num::fmt_i64(new, &mut buf)), true);
    ctx.propagate_as_sent();
    Frame::Integer(new)
}

/// INCR key
pub fn incr(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    incr_decr(ctx, &argv[1], 1)
}

/// DECR key
pub fn decr(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    incr_decr(ctx, &argv[1], -1)
}

/// INCRBY key increment
pub fn incrby(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match int_arg(&argv[2]) {
        Ok(n) => incr_decr(ctx, &argv[1], n),
        Err(e) => e,
    }
}

/// DECRBY key decrement
pub fn decrby(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match int_arg(&argv[2]) {
        Ok(i64::MIN) => err("ERR decrement would overflow"),
        Ok(n) => incr_decr(ctx, &argv[1], -n),
        Err(e) => e,
    }
}

/// INCRBYFLOAT key increment (80-bit arithmetic; propagated as SET KEEPTTL)
pub fn incrbyfloat(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    let current = match ctx.lookup_write(key) {
        None => Some(LongDouble::parse(b"0")),
        Some(Value::Str(s)) => Some(LongDouble::parse(s)),
        Some(_) => None,
    };
    let Some(current) = current else {
        return err(WRONGTYPE);
    };
    let (Some(a), Some(b)) = (current, LongDouble::parse(&argv[2])) else {
        return err(NOT_FLOAT);
    };
    let sum = match a.checked_add(b) {
        Some(s) if s.is_finite() => s.to_human(),
        _ => return err("ERR increment would produce NaN or Infinity"),
    };
    store(ctx, key, Sds::new(sum.as_bytes()), true);
    ctx.propagate(&[b"SET", key, sum.as_bytes(), b"KEEPTTL"]);
    Frame::bulk(sum)
}

/// GETRANGE key start end
pub fn getrange(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (start, end) = match (int_arg(&argv[2]), int_arg(&argv[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let s = match ctx.read_str(&argv[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Frame::bulk(""),
        Err(e) => return e,
    };
    Frame::bulk(string_range(s, start, end))
}

/// The bytes GETRANGE returns for `start..=end` (negative from the end).
fn string_range(s: &[u8], mut start: i64, mut end: i64) -> &[u8] {
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return &[];
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0).min(len - 1);
    if start > end || len == 0 {
        return &[];
    }
    s.get(start as usize..=end as usize).unwrap_or(&[])
}

/// SETRANGE key offset value
pub fn setrange(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let offset = match int_arg(&argv[2]) {
        Ok(n) if n < 0 => return err("ERR offset is out of range"),
        Ok(n) => n as usize,
        Err(e) => return e,
    };
    let (key, patch) = (argv[1].as_slice(), argv[3].as_slice());
    let old: Vec<u8> = match ctx.lookup_write(key) {
        None if patch.is_empty() => return Frame::Integer(0),
        None => Vec::new(),
        Some(Value::Str(s)) if patch.is_empty() => return Frame::Integer(s.len() as i64),
        Some(Value::Str(s)) => s.to_vec(),
        Some(_) => return err(WRONGTYPE),
    };
    if offset.saturating_add(patch.len()) > MAX_STRING {
        return err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    let mut v = old;
    if v.len() < offset + patch.len() {
        v.resize(offset + patch.len(), 0);
    }
    v[offset..offset + patch.len()].copy_from_slice(patch);
    let len = v.len() as i64;
    store(ctx, key, Sds::from(v), true);
    ctx.propagate_as_sent();
    Frame::Integer(len)
}

#[cfg(test)]
mod tests {
    use super::string_range;

    #[test]
    fn getrange_indexes_like_redis() {
        assert_eq!(string_range(b"Hello World", 0, 4), b"Hello");
        assert_eq!(string_range(b"Hello World", -5, -1), b"World");
        assert_eq!(string_range(b"Hello World", -1, -5), b"");
        assert_eq!(string_range(b"Hello World", 5, 100), b" World");
        assert_eq!(string_range(b"", 0, -1), b"");
        assert_eq!(string_range(b"abc", 2, 1), b"");
    }
}
