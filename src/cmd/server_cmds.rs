//! Server and connection commands: PING, ECHO, SELECT, DBSIZE, FLUSHDB,
//! FLUSHALL, DEBUG, TIME. (INFO is run by the node, which owns the
//! replication section; see `super::info`.)
//!
//! FLUSHDB and FLUSHALL propagate as sent, even on an empty database, as
//! 7.0 forces them into the stream. DEBUG POPULATE writes nothing to the
//! stream (real Redis does not propagate it either, so a replica attached
//! before the POPULATE does not get the keys).

use super::reply::{self, err, int_arg, is, positive_arg, NOT_INT, SYNTAX};
use super::Ctx;
use crate::db::{Db, Sds, Value, DB_COUNT};
use crate::num;
use crate::resp::Frame;

/// PING [message]
pub fn ping(_: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match argv.len() {
        1 => Frame::Simple("PONG".into()),
        2 => Frame::bulk(&argv[1]),
        _ => reply::arity_err("ping"),
    }
}

/// ECHO message
pub fn echo(_: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    Frame::bulk(&argv[1])
}

/// SELECT index
pub fn select(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let Some(id) = num::parse_i64(&argv[1]) else {
        return err(NOT_INT);
    };
    if i32::try_from(id).is_err() {
        return err("ERR value is out of range, value must between -2147483648 and 2147483647");
    }
    match usize::try_from(id) {
        Ok(i) if i < DB_COUNT => {
            ctx.client.db = i;
            reply::ok()
        }
        _ => err("ERR DB index is out of range"),
    }
}

/// DBSIZE (counts logically expired keys not yet deleted, like Redis)
pub fn dbsize(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    Frame::Integer(ctx.db().len() as i64)
}

/// `getFlushCommandFlags`: an optional ASYNC or SYNC.
fn flush_flags_ok(argv: &[Vec<u8>]) -> bool {
    match argv.len() {
        1 => true,
        2 => is(&argv[1], "async") || is(&argv[1], "sync"),
        _ => false,
    }
}

/// FLUSHDB [ASYNC|SYNC]
pub fn flushdb(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if !flush_flags_ok(argv) {
        return err(SYNTAX);
    }
    ctx.db().clear();
    ctx.propagate_as_sent();
    reply::ok()
}

/// FLUSHALL [ASYNC|SYNC]
pub fn flushall(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if !flush_flags_ok(argv) {
        return err(SYNTAX);
    }
    ctx.server.keyspace.clear();
    ctx.propagate_as_sent();
    reply::ok()
}

/// TIME: the virtual clock as [unix seconds, microseconds].
pub fn time(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    let ms = ctx.now_ms;
    reply::bulk_array([
        ms.div_euclid(1000).to_string(),
        (ms.rem_euclid(1000) * 1000).to_string(),
    ])
}

/// DEBUG subcommand ...: POPULATE, SET-ACTIVE-EXPIRE, SLEEP (a no-op on
/// the virtual clock), HELP.
pub fn debug(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let sub = argv[1].as_slice();
    let n = argv.len();
    if is(sub, "populate") && (3..=5).contains(&n) {
        populate(ctx, argv)
    } else if is(sub, "set-active-expire") && n == 3 {
        match int_arg(&argv[2]) {
            Ok(v) => {
                ctx.server.active_expire_enabled = v != 0;
                reply::ok()
            }
            Err(e) => e,
        }
    } else if is(sub, "sleep") && n == 3 {
        reply::ok()
    } else if is(sub, "help") && n == 2 {
        reply::bulk_array([
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "HELP",
            "    Print this help.",
        ])
    } else {
        Frame::Error(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&sub[..sub.len().min(128)])
        ))
    }
}

/// DEBUG POPULATE count [prefix] [size]: keys `<prefix>:<n>` holding
/// `value:<n>` (zero-padded or truncated to `size` when given); existing
/// keys are left alone. Built for million-key datasets: names are formatted
/// into stack buffers and the table is grown once.
fn populate(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let count = match positive_arg(&argv[2]) {
        Ok(n) => n as u64,
        Err(e) => return e,
    };
    let size = match argv.get(4).map(|s| positive_arg(s)) {
        Some(Ok(n)) => Some(n as usize),
        Some(Err(e)) => return e,
        None => None,
    };
    let prefix: &[u8] = argv.get(3).map_or(b"key", Vec::as_slice);
    let has_expires = !ctx.db().expires.is_empty();
    let db = ctx.db();
    db.dict
        .reserve(usize::try_from(count).unwrap_or(0).min(1 << 26));
    let mut key = prefix.to_vec();
    key.push(b':');
    let key_len = key.len();
    let mut value = b"value:".to_vec();
    for j in 0..count {
        key.truncate(key_len);
        push_u64(&mut key, j);
        if has_expires {
            // A key that exists only logically expired is replaced, as
            // `lookupKeyWrite` would delete it first.
            ctx.expire_if_needed(&key, true);
        }
        value.truncate(6);
        push_u64(&mut value, j);
        let v = match size {
            Some(n) => {
                let mut padded = value[..value.len().min(n)].to_vec();
                padded.resize(n, 0);
                Sds::from(padded)
            }
            None => Sds::new(&value),
        };
        let db: &mut Db = ctx.db();
        db.dict.insert_new(Sds::new(&key), Value::Str(v));
    }
    reply::ok()
}

/// Appends the decimal digits of `n`.
fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    out.extend_from_slice(num::fmt_i64(n as i64, &mut buf));
}
