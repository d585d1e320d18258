//! OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP (`objectCommand`
//! in `object.c`).
//!
//! ENCODING names the encoding [`crate::db::encoding`] gives the value.
//! REFCOUNT is 2147483647 (`OBJ_SHARED_REFCOUNT`) for the integers 0 to
//! 9999, which Redis stores as shared objects, and 1 for everything else.
//! FREQ answers what 7.0 answers without an LFU `maxmemory-policy` (the
//! simulator has no maxmemory): an error. IDLETIME answers 0: the keyspace
//! keeps no access clock per key, so every key counts as just used; real
//! Redis answers the seconds since the last access.

use super::reply::{err, help};
use super::Ctx;
use crate::db::{encoding, Value};
use crate::resp::{parse_int, Frame};

/// `OBJ_SHARED_INTEGERS`: integers below this are shared objects.
const SHARED_INTEGERS: i64 = 10000;
/// `OBJ_SHARED_REFCOUNT`.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// The text of `OBJECT HELP` between Redis's first and last lines.
const HELP: &[&str] = &[
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
];

/// The reference count Redis reports for `value`.
fn refcount(value: &Value) -> i64 {
    match value {
        Value::Str(s) if parse_int(s).is_some_and(|n| (0..SHARED_INTEGERS).contains(&n)) => {
            SHARED_REFCOUNT
        }
        _ => 1,
    }
}

/// OBJECT <subcommand> [key]; the table has checked the subcommand and
/// its arity. The key is looked up without touching it
/// (`objectCommandLookup`), a missing one answers nil.
pub fn object(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let sub = argv[1].to_ascii_lowercase();
    if sub == b"help" {
        return help("OBJECT", HELP);
    }
    if ctx.expire_if_needed(&argv[2], false) {
        return Frame::Null;
    }
    let Some(value) = ctx.db().dict.get(argv[2].as_slice()) else {
        return Frame::Null;
    };
    match sub.as_slice() {
        b"encoding" => Frame::bulk(encoding::name(value)),
        b"refcount" => Frame::Integer(refcount(value)),
        b"idletime" => Frame::Integer(0),
        _ => err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."),
    }
}
