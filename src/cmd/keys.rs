//! Generic key commands (`db.c`, `expire.c`): DEL, EXISTS, TYPE, KEYS,
//! SCAN, RENAME, COPY, MOVE, SWAPDB, RANDOMKEY, and the EXPIRE family with
//! 7.0's NX/XX/GT/LT options.
//!
//! EXPIRE, PEXPIRE and EXPIREAT propagate as `PEXPIREAT key <ms> [options]`
//! (PEXPIREAT itself as sent); a time already in the past deletes the key
//! and propagates `DEL key` instead (on a master only: a replica keeps the
//! key and waits for its master's DEL).
//!
//! KEYS and SCAN walk the database in its `IndexMap` order, not Redis's
//! hash-table order. SCAN's cursor counts down from the end of that order,
//! so a key deleted mid-scan (which moves the last key into its slot) can
//! never make the scan miss a key that was present throughout.

use super::reply::{self, err, int_arg, is, NO_KEY, SYNTAX};
use super::string::already_expired;
use super::{glob, Ctx};
use crate::db::Sds;
use crate::num;
use crate::resp::Frame;

/// DEL key [key ...]
pub fn del(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let mut deleted = 0;
    for key in &argv[1..] {
        // An expired key is deleted (and its DEL propagated) by the lookup;
        // it does not count as deleted by this command.
        ctx.expire_if_needed(key, false);
        if ctx.db().remove(key).is_some() {
            deleted += 1;
        }
    }
    if deleted > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(deleted)
}

/// UNLINK key [key ...] (DEL; memory is not freed in the background here)
pub fn unlink(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    del(ctx, argv)
}

/// EXISTS key [key ...] (a key named twice counts twice)
///
/// TOUCH runs this same code: with no LRU clock or LFU counter to update
/// here, touching a key is looking it up (hits, misses, lazy expiry).
pub fn exists(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let n = argv[1..]
        .iter()
        .filter(|k| ctx.lookup_read(k).is_some())
        .count();
    Frame::Integer(n as i64)
}

/// TYPE key
pub fn type_(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let name = ctx.lookup_read(&argv[1]).map_or("none", |v| v.type_name());
    Frame::Simple(name.to_string())
}

/// KEYS pattern (expired keys are skipped, not deleted, as in 7.0)
pub fn keys(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let pattern = argv[1].as_slice();
    let all = pattern == b"*";
    let now = ctx.now_ms;
    let db = ctx.db();
    let items = db
        .dict
        .keys()
        .filter(|k| all || glob::matches(pattern, k, false))
        .filter(|k| !db.is_expired(k, now))
        .map(Frame::bulk)
        .collect();
    Frame::Array(items)
}

/// SCAN's options (and HSCAN/SSCAN/ZSCAN's, which take no TYPE).
pub(super) struct ScanOptions<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
    pub type_name: Option<&'a [u8]>,
}

/// `parseScanCursorOrReply`: the cursor as `strtoul` reads it — an
/// optional sign (a negative cursor wraps around, as in C), decimal
/// digits, nothing after them, no leading space, no overflow; an empty
/// argument is cursor 0.
pub(super) fn parse_cursor(arg: &[u8]) -> Result<u64, Frame> {
    let invalid = || err("ERR invalid cursor");
    if arg.is_empty() {
        return Ok(0);
    }
    let (negative, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    let value = std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|c| c.is_ascii_digit()) && !d.is_empty())
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or_else(invalid)?;
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// The options of `scanGenericCommand`; TYPE only when `with_type`
/// (SCAN itself).
pub(super) fn parse_scan_options(
    args: &[Vec<u8>],
    with_type: bool,
) -> Result<ScanOptions<'_>, Frame> {
    let mut o = ScanOptions {
        count: 10,
        pattern: None,
        type_name: None,
    };
    let mut i = 0;
    while let Some(opt) = args.get(i) {
        let Some(value) = args.get(i + 1) else {
            return Err(err(SYNTAX));
        };
        if is(opt, "count") {
            let n = int_arg(value)?;
            if n < 1 {
                return Err(err(SYNTAX));
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if is(opt, "match") {
            o.pattern = Some(value);
        } else if with_type && is(opt, "type") {
            o.type_name = Some(value);
        } else {
            return Err(err(SYNTAX));
        }
        i += 2;
    }
    Ok(o)
}

/// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]
pub fn scan(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let cursor = match parse_cursor(&argv[1]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let o = match parse_scan_options(&argv[2..], true) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let len = ctx.db().dict.len();
    let top = if cursor == 0 {
        len
    } else {
        usize::try_from(cursor).unwrap_or(len).min(len)
    };
    let bottom = top.saturating_sub(o.count);
    let batch: Vec<Sds> = (bottom..top)
        .rev()
        .filter_map(|i| ctx.db().dict.get_index(i).map(|(k, _)| k.clone()))
        .collect();
    let mut found = Vec::new();
    for key in batch {
        if o.pattern.is_some_and(|p| !glob::matches(p, &key, false)) {
            continue;
        }
        if let Some(t) = o.type_name {
            let matches_type = ctx
                .db()
                .dict
                .get(&key)
                .is_some_and(|v| is(t, v.type_name()));
            if !matches_type {
                continue;
            }
        }
        if ctx.expire_if_needed(&key, false) {
            continue;
        }
        found.push(Frame::bulk(&key));
    }
    let mut buf = [0u8; 20];
    let next = num::fmt_i64(bottom as i64, &mut buf);
    Frame::Array(vec![Frame::bulk(next), Frame::Array(found)])
}

/// RENAME key newkey
pub fn rename(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    rename_generic(ctx, argv, false)
}

/// RENAMENX key newkey
pub fn renamenx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    rename_generic(ctx, argv, true)
}

fn rename_generic(ctx: &mut Ctx, argv: &[Vec<u8>], nx: bool) -> Frame {
    let (src, dst) = (argv[1].as_slice(), argv[2].as_slice());
    let done = if nx { Frame::Integer(1) } else { reply::ok() };
    if ctx.lookup_write(src).is_none() {
        return err(NO_KEY);
    }
    if src == dst {
        return if nx { Frame::Integer(0) } else { done };
    }
    if ctx.exists_for_write(dst) {
        if nx {
            return Frame::Integer(0);
        }
        ctx.db().remove(dst);
    }
    let db = ctx.db();
    let at = db.expire_at(src);
    if let Some(value) = db.remove(src) {
        db.dict.insert(Sds::new(dst), value);
        if let Some(ms) = at {
            db.set_expire(dst, ms);
        }
    }
    ctx.propagate_as_sent();
    done
}

/// EXPIRE's NX / XX / GT / LT (`parseExtendedExpireArgumentsOrReply`).
#[derive(Default)]
struct ExpireFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

fn parse_expire_flags(args: &[Vec<u8>]) -> Result<ExpireFlags, Frame> {
    let mut f = ExpireFlags::default();
    for a in args {
        match () {
            _ if is(a, "nx") => f.nx = true,
            _ if is(a, "xx") => f.xx = true,
            _ if is(a, "gt") => f.gt = true,
            _ if is(a, "lt") => f.lt = true,
            _ => {
                return Err(Frame::Error(format!(
                    "ERR Unsupported option {}",
                    String::from_utf8_lossy(a)
                )))
            }
        }
    }
    if f.nx && (f.xx || f.gt || f.lt) {
        return Err(err(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if f.gt && f.lt {
        return Err(err(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    Ok(f)
}

/// Whether the flags allow replacing expiry `current` (None = persistent)
/// with `when`.
fn expire_allowed(f: &ExpireFlags, current: Option<i64>, when: i64) -> bool {
    match current {
        None => !(f.xx || f.gt),
        Some(cur) => !(f.nx || (f.gt && when <= cur) || (f.lt && when >= cur)),
    }
}

/// `expireGenericCommand`: `base_ms` is 0 for absolute times, now for
/// relative ones; `seconds` multiplies the argument by 1000.
fn expire_generic(
    ctx: &mut Ctx,
    argv: &[Vec<u8>],
    base_ms: i64,
    seconds: bool,
    cmd: &str,
) -> Frame {
    let f = match parse_expire_flags(&argv[3..]) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let when = match int_arg(&argv[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let when = if seconds {
        when.checked_mul(1000)
    } else {
        Some(when)
    };
    let Some(when) = when.and_then(|w| w.checked_add(base_ms)) else {
        return reply::expire_time_err(cmd);
    };
    let key = argv[1].as_slice();
    if ctx.lookup_write(key).is_none() {
        return Frame::Integer(0);
    }
    let current = ctx.db().expire_at(key);
    if !expire_allowed(&f, current, when) {
        return Frame::Integer(0);
    }
    if already_expired(ctx, when) {
        ctx.db().remove(key);
        ctx.propagate(&[b"DEL", key]);
        return Frame::Integer(1);
    }
    ctx.db().set_expire(key, when);
    if cmd == "pexpireat" {
        ctx.propagate_as_sent();
    } else {
        let mut buf = [0u8; 20];
        let mut out: Vec<&[u8]> = vec![b"PEXPIREAT", key, num::fmt_i64(when, &mut buf)];
        out.extend(argv[3..].iter().map(Vec::as_slice));
        ctx.propagate(&out);
    }
    Frame::Integer(1)
}

/// EXPIRE key seconds [NX|XX|GT|LT]
pub fn expire(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let now = ctx.now_ms;
    expire_generic(ctx, argv, now, true, "expire")
}

/// PEXPIRE key milliseconds [NX|XX|GT|LT]
pub fn pexpire(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let now = ctx.now_ms;
    expire_generic(ctx, argv, now, false, "pexpire")
}

/// EXPIREAT key unix-seconds [NX|XX|GT|LT]
pub fn expireat(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    expire_generic(ctx, argv, 0, true, "expireat")
}

/// PEXPIREAT key unix-ms [NX|XX|GT|LT]
pub fn pexpireat(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    expire_generic(ctx, argv, 0, false, "pexpireat")
}

/// `ttlGenericCommand`: -2 missing, -1 persistent, else the remaining (or,
/// with `absolute`, the expiry) time, seconds rounded to nearest.
fn ttl_generic(ctx: &mut Ctx, key: &[u8], ms: bool, absolute: bool) -> Frame {
    if ctx.lookup_read(key).is_none() {
        return Frame::Integer(-2);
    }
    let Some(at) = ctx.db().expire_at(key) else {
        return Frame::Integer(-1);
    };
    let t = if absolute { at } else { at - ctx.now_ms }.max(0);
    Frame::Integer(if ms { t } else { (t + 500) / 1000 })
}

/// TTL key
pub fn ttl(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    ttl_generic(ctx, &argv[1], false, false)
}

/// PTTL key
pub fn pttl(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    ttl_generic(ctx, &argv[1], true, false)
}

/// EXPIRETIME key
pub fn expiretime(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    ttl_generic(ctx, &argv[1], false, true)
}

/// PEXPIRETIME key
pub fn pexpiretime(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    ttl_generic(ctx, &argv[1], true, true)
}

/// PERSIST key
pub fn persist(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    if ctx.lookup_write(key).is_none() || ctx.db().expires.swap_remove(key).is_none() {
        return Frame::Integer(0);
    }
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// `shared.sameobjecterr`.
const SAME_OBJECT: &str = "ERR source and destination objects are the same";

/// A db index argument (`getIntFromObjectOrReply` then `selectDb`): `msg`
/// replaces both parse errors when given, as in SWAPDB.
fn db_arg(b: &[u8], msg: Option<&str>) -> Result<usize, Frame> {
    let n = match num::parse_i64(b) {
        Some(n) => n,
        None => return Err(err(msg.unwrap_or(super::reply::NOT_INT))),
    };
    if i32::try_from(n).is_err() {
        return Err(err(msg.unwrap_or(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        )));
    }
    usize::try_from(n)
        .ok()
        .filter(|i| *i < crate::db::DB_COUNT)
        .ok_or_else(|| err("ERR DB index is out of range"))
}

/// COPY source destination [DB destination-db] [REPLACE]
pub fn copy(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (mut target, mut replace) = (ctx.client.db, false);
    let mut j = 3;
    while let Some(a) = argv.get(j) {
        if is(a, "replace") {
            replace = true;
        } else if let (true, Some(db)) = (is(a, "db"), argv.get(j + 1)) {
            match db_arg(db, None) {
                Ok(d) => target = d,
                Err(e) => return e,
            }
            j += 1;
        } else {
            return err(SYNTAX);
        }
        j += 1;
    }
    let (src, dst) = (argv[1].as_slice(), argv[2].as_slice());
    if target == ctx.client.db && src == dst {
        return err(SAME_OBJECT);
    }
    let Some(value) = ctx.lookup_read(src).cloned() else {
        return Frame::Integer(0);
    };
    let at = ctx.db().expire_at(src);
    if !ctx.expire_if_needed_in(target, dst, true)
        && ctx.server.keyspace.dbs[target].dict.contains_key(dst)
    {
        if !replace {
            return Frame::Integer(0);
        }
        ctx.server.keyspace.dbs[target].remove(dst);
    }
    let db = &mut ctx.server.keyspace.dbs[target];
    db.insert(Sds::new(dst), value, false);
    if let Some(ms) = at {
        db.set_expire(dst, ms);
    }
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// MOVE key db
pub fn move_(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let target = match db_arg(&argv[2], None) {
        Ok(d) => d,
        Err(e) => return e,
    };
    if target == ctx.client.db {
        return err(SAME_OBJECT);
    }
    let key = argv[1].as_slice();
    if ctx.lookup_write(key).is_none() {
        return Frame::Integer(0);
    }
    if !ctx.expire_if_needed_in(target, key, true)
        && ctx.server.keyspace.dbs[target].dict.contains_key(key)
    {
        return Frame::Integer(0);
    }
    let at = ctx.db().expire_at(key);
    let Some(value) = ctx.db().remove(key) else {
        return Frame::Integer(0);
    };
    let db = &mut ctx.server.keyspace.dbs[target];
    db.insert(Sds::new(key), value, false);
    if let Some(ms) = at {
        db.set_expire(key, ms);
    }
    ctx.propagate_as_sent();
    Frame::Integer(1)
}

/// SWAPDB index1 index2
pub fn swapdb(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let a = match db_arg(&argv[1], Some("ERR invalid first DB index")) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let b = match db_arg(&argv[2], Some("ERR invalid second DB index")) {
        Ok(b) => b,
        Err(e) => return e,
    };
    ctx.server.keyspace.dbs.swap(a, b);
    ctx.server.expire_cursor.swap(a, b);
    ctx.propagate_as_sent();
    reply::ok()
}

/// RANDOMKEY (`dbRandomKey`): a random key, chosen with the server's
/// generator; an expired pick is deleted on a master and another drawn.
pub fn randomkey(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    for _ in 0..100 {
        let len = ctx.db().dict.len();
        if len == 0 {
            return Frame::Null;
        }
        let i = (ctx.server.random_u64() % len as u64) as usize;
        let Some(key) = ctx.db().dict.get_index(i).map(|(k, _)| k.clone()) else {
            return Frame::Null;
        };
        if !ctx.expire_if_needed(&key, false) {
            return Frame::bulk(&key);
        }
    }
    Frame::Null
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expire_options_follow_7_0() {
        let f = |a: &[&str]| {
            parse_expire_flags(&a.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>())
        };
        assert!(f(&["nx", "xx"]).is_err());
        assert!(f(&["gt", "lt"]).is_err());
        assert_eq!(
            f(&["foo"]).err(),
            Some(Frame::err("ERR Unsupported option foo"))
        );
        let gt = f(&["GT"]).unwrap_or_default();
        assert!(!expire_allowed(&gt, None, 5));
        assert!(expire_allowed(&gt, Some(4), 5));
        let lt = f(&["lt"]).unwrap_or_default();
        assert!(expire_allowed(&lt, None, 5));
        assert!(!expire_allowed(&lt, Some(5), 5));
    }
}
