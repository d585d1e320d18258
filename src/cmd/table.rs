//! The command table: every command's name, arity, flags and implementation,
//! sorted by name so [`lookup`] is a binary search with no allocation.
//!
//! Arity and flags are copied from `COMMAND INFO` of a real 7.0.15 server:
//! `write` (denied on read-only replicas and by min-replicas-to-write),
//! `stale` (still served by a replica whose link is down with
//! `replica-serve-stale-data no`; PING and WAIT, notably, are not) and
//! `no-multi` (refused inside MULTI: PSYNC, SYNC). `loading` is not
//! modelled: a simulated replica loads its RDB in one step, so no command
//! ever meets a loading server.

use super::{
    bitfield, bitmap, config, elem_scan, hash, hyperloglog, keys, lcs, list, multi, object,
    server_cmds, set, sort, string, zset, zset_range, zset_store, Ctx,
};
use crate::resp::Frame;

/// Command flags that matter to the checks in [`super::process`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// May modify the keyspace (`write` in COMMAND INFO).
    pub write: bool,
    /// Served by a stale replica (`stale` in COMMAND INFO).
    pub stale_ok: bool,
    /// Run by the node, which owns the replication state it reads or
    /// changes ([`crate::server::Outcome::Repl`]).
    pub repl: bool,
    /// Runs at once even inside MULTI (MULTI, EXEC, DISCARD).
    pub multi_ctl: bool,
    /// Refused inside MULTI (`no-multi` in COMMAND INFO).
    pub no_multi: bool,
}

/// What a command looks like before it runs.
pub struct CommandSpec {
    /// Lower-case name.
    pub name: &'static str,
    /// Redis arity: `n` exactly n arguments (name included), `-n` at least n.
    pub arity: i32,
    /// Flags.
    pub flags: Flags,
    /// Subcommands with their own arity (CONFIG GET ...); empty for most.
    pub subcommands: &'static [(&'static str, i32)],
    /// The implementation (unused for `repl` commands).
    pub run: fn(&mut Ctx, &[Vec<u8>]) -> Frame,
}

const fn flags(write: bool, stale_ok: bool, repl: bool, multi_ctl: bool) -> Flags {
    Flags {
        write,
        stale_ok,
        repl,
        multi_ctl,
        no_multi: false,
    }
}

/// A write command.
const W: Flags = flags(true, false, false, false);
/// A read-only command.
const R: Flags = flags(false, false, false, false);
/// A command served even by a stale replica.
const S: Flags = flags(false, true, false, false);
/// MULTI / EXEC / DISCARD.
const M: Flags = flags(false, true, false, true);
/// Run by the node and served by a stale replica: INFO, ROLE, REPLCONF,
/// REPLICAOF.
const REPL: Flags = flags(false, true, true, false);
/// Run by the node, refused by a stale replica: WAIT.
const REPL_FRESH: Flags = flags(false, false, true, false);
/// Run by the node, refused by a stale replica and inside MULTI: PSYNC, SYNC.
const REPL_SYNC: Flags = Flags {
    no_multi: true,
    ..REPL_FRESH
};

const fn c(
    name: &'static str,
    arity: i32,
    flags: Flags,
    run: fn(&mut Ctx, &[Vec<u8>]) -> Frame,
) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags,
        subcommands: &[],
        run,
    }
}

/// EXEC's implementation is [`multi::exec`], called by
/// [`super::process`] itself: it can hand commands to the node midway.
fn run_by_process(_: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    Frame::err("ERR EXEC runs through processCommand")
}

fn run_by_node(_: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    Frame::err("ERR this command is run by the node")
}

/// Every command, sorted by name (a unit test checks the order).
pub static COMMANDS: &[CommandSpec] = &[
    c("append", 3, W, string::append),
    c("bitcount", -2, R, bitmap::bitcount),
    c("bitfield", -2, W, bitfield::bitfield),
    c("bitfield_ro", -2, R, bitfield::bitfield_ro),
    c("bitop", -4, W, bitmap::bitop),
    c("bitpos", -3, R, bitmap::bitpos),
    CommandSpec {
        name: "config",
        arity: -2,
        flags: S,
        subcommands: &[
            ("get", -3),
            ("help", 2),
            ("resetstat", 2),
            ("rewrite", 2),
            ("set", -4),
        ],
        run: config::config,
    },
    c("copy", -3, W, keys::copy),
    c("dbsize", 1, R, server_cmds::dbsize),
    c("debug", -2, S, server_cmds::debug),
    c("decr", 2, W, string::decr),
    c("decrby", 3, W, string::decrby),
    c("del", -2, W, keys::del),
    c("discard", 1, M, multi::discard),
    c("echo", 2, S, server_cmds::echo),
    c("exec", 1, M, run_by_process),
    c("exists", -2, R, keys::exists),
    c("expire", -3, W, keys::expire),
    c("expireat", -3, W, keys::expireat),
    c("expiretime", 2, R, keys::expiretime),
    c("flushall", -1, W, server_cmds::flushall),
    c("flushdb", -1, W, server_cmds::flushdb),
    c("get", 2, R, string::get),
    c("getbit", 3, R, bitmap::getbit),
    c("getdel", 2, W, string::getdel),
    c("getex", -2, W, string::getex),
    c("getrange", 4, R, string::getrange),
    c("getset", 3, W, string::getset),
    c("hdel", -3, W, hash::hdel),
    c("hexists", 3, R, hash::hexists),
    c("hget", 3, R, hash::hget),
    c("hgetall", 2, R, hash::hgetall),
    c("hincrby", 4, W, hash::hincrby),
    c("hincrbyfloat", 4, W, hash::hincrbyfloat),
    c("hkeys", 2, R, hash::hkeys),
    c("hlen", 2, R, hash::hlen),
    c("hmget", -3, R, hash::hmget),
    c("hmset", -4, W, hash::hmset),
    c("hrandfield", -2, R, hash::hrandfield),
    c("hscan", -3, R, elem_scan::hscan),
    c("hset", -4, W, hash::hset),
    c("hsetnx", 4, W, hash::hsetnx),
    c("hstrlen", 3, R, hash::hstrlen),
    c("hvals", 2, R, hash::hvals),
    c("incr", 2, W, string::incr),
    c("incrby", 3, W, string::incrby),
    c("incrbyfloat", 3, W, string::incrbyfloat),
    c("info", -1, REPL, run_by_node),
    c("keys", 2, R, keys::keys),
    c("lcs", -3, R, lcs::lcs),
    c("lindex", 3, R, list::lindex),
    c("linsert", 5, W, list::linsert),
    c("llen", 2, R, list::llen),
    c("lmove", 5, W, list::lmove),
    c("lmpop", -4, W, list::lmpop),
    c("lpop", -2, W, list::lpop),
    c("lpos", -3, R, list::lpos),
    c("lpush", -3, W, list::lpush),
    c("lpushx", -3, W, list::lpushx),
    c("lrange", 4, R, list::lrange),
    c("lrem", 4, W, list::lrem),
    c("lset", 4, W, list::lset),
    c("ltrim", 4, W, list::ltrim),
    c("mget", -2, R, string::mget),
    c("move", 3, W, keys::move_),
    c("mset", -3, W, string::mset),
    c("msetnx", -3, W, string::msetnx),
    c("multi", 1, M, multi::multi),
    CommandSpec {
        name: "object",
        arity: -2,
        flags: R,
        subcommands: &[
            ("encoding", 3),
            ("freq", 3),
            ("help", 2),
            ("idletime", 3),
            ("refcount", 3),
        ],
        run: object::object,
    },
    c("persist", 2, W, keys::persist),
    c("pexpire", -3, W, keys::pexpire),
    c("pexpireat", -3, W, keys::pexpireat),
    c("pexpiretime", 2, R, keys::pexpiretime),
    c("pfadd", -2, W, hyperloglog::pfadd),
    c("pfcount", -2, R, hyperloglog::pfcount),
    c("pfmerge", -2, W, hyperloglog::pfmerge),
    c("ping", -1, R, server_cmds::ping),
    c("psetex", 4, W, string::psetex),
    c("psync", -3, REPL_SYNC, run_by_node),
    c("pttl", 2, R, keys::pttl),
    c("randomkey", 1, R, keys::randomkey),
    c("rename", 3, W, keys::rename),
    c("renamenx", 3, W, keys::renamenx),
    c("replconf", -1, REPL, run_by_node),
    c("replicaof", 3, REPL, run_by_node),
    c("role", 1, REPL, run_by_node),
    c("rpop", -2, W, list::rpop),
    c("rpoplpush", 3, W, list::rpoplpush),
    c("rpush", -3, W, list::rpush),
    c("rpushx", -3, W, list::rpushx),
    c("sadd", -3, W, set::sadd),
    c("scan", -2, R, keys::scan),
    c("scard", 2, R, set::scard),
    c("sdiff", -2, R, set::sdiff),
    c("sdiffstore", -3, W, set::sdiffstore),
    c("select", 2, S, server_cmds::select),
    c("set", -3, W, string::set),
    c("setbit", 4, W, bitmap::setbit),
    c("setex", 4, W, string::setex),
    c("setnx", 3, W, string::setnx),
    c("setrange", 4, W, string::setrange),
    c("sinter", -2, R, set::sinter),
    c("sintercard", -3, R, set::sintercard),
    c("sinterstore", -3, W, set::sinterstore),
    c("sismember", 3, R, set::sismember),
    c("slaveof", 3, REPL, run_by_node),
    c("smembers", 2, R, set::smembers),
    c("smismember", -3, R, set::smismember),
    c("smove", 4, W, set::smove),
    c("sort", -2, W, sort::sort),
    c("sort_ro", -2, R, sort::sort_ro),
    c("spop", -2, W, set::spop),
    c("srandmember", -2, R, set::srandmember),
    c("srem", -3, W, set::srem),
    c("sscan", -3, R, elem_scan::sscan),
    c("strlen", 2, R, string::strlen),
    c("substr", 4, R, string::getrange),
    c("sunion", -2, R, set::sunion),
    c("sunionstore", -3, W, set::sunionstore),
    c("swapdb", 3, W, keys::swapdb),
    c("sync", 1, REPL_SYNC, run_by_node),
    c("time", 1, S, server_cmds::time),
    // TOUCH and EXISTS are the same lookup (see keys::exists).
    c("touch", -2, R, keys::exists),
    c("ttl", 2, R, keys::ttl),
    c("type", 2, R, keys::type_),
    c("unlink", -2, W, keys::unlink),
    c("wait", 3, REPL_FRESH, run_by_node),
    c("zadd", -4, W, zset::zadd),
    c("zcard", 2, R, zset::zcard),
    c("zcount", 4, R, zset_range::zcount),
    c("zdiff", -3, R, zset_store::zdiff),
    c("zdiffstore", -4, W, zset_store::zdiffstore),
    c("zincrby", 4, W, zset::zincrby),
    c("zinter", -3, R, zset_store::zinter),
    c("zintercard", -3, R, zset_store::zintercard),
    c("zinterstore", -4, W, zset_store::zinterstore),
    c("zlexcount", 4, R, zset_range::zlexcount),
    c("zmpop", -4, W, zset::zmpop),
    c("zmscore", -3, R, zset::zmscore),
    c("zpopmax", -2, W, zset::zpopmax),
    c("zpopmin", -2, W, zset::zpopmin),
    c("zrandmember", -2, R, zset::zrandmember),
    c("zrange", -4, R, zset_range::zrange),
    c("zrangebylex", -4, R, zset_range::zrangebylex),
    c("zrangebyscore", -4, R, zset_range::zrangebyscore),
    c("zrangestore", -5, W, zset_range::zrangestore),
    c("zrank", 3, R, zset::zrank),
    c("zrem", -3, W, zset::zrem),
    c("zremrangebylex", 4, W, zset_range::zremrangebylex),
    c("zremrangebyrank", 4, W, zset_range::zremrangebyrank),
    c("zremrangebyscore", 4, W, zset_range::zremrangebyscore),
    c("zrevrange", -4, R, zset_range::zrevrange),
    c("zrevrangebylex", -4, R, zset_range::zrevrangebylex),
    c("zrevrangebyscore", -4, R, zset_range::zrevrangebyscore),
    c("zrevrank", 3, R, zset::zrevrank),
    c("zscan", -3, R, elem_scan::zscan),
    c("zscore", 3, R, zset::zscore),
    c("zunion", -3, R, zset_store::zunion),
    c("zunionstore", -4, W, zset_store::zunionstore),
];

/// Position of `spec` in [`COMMANDS`] (for per-command statistics).
pub fn index_of(spec: &CommandSpec) -> usize {
    let base = COMMANDS.as_ptr() as usize;
    (spec as *const CommandSpec as usize).wrapping_sub(base) / std::mem::size_of::<CommandSpec>()
}

/// Longest command name; longer inputs cannot match.
const MAX_NAME: usize = 16;

/// A name of up to 16 bytes packed big-endian into a `u128`, zero-padded.
/// Names hold no zero bytes, so packed values sort exactly like the names
/// and one integer comparison replaces a `memcmp`.
fn pack(name: &[u8]) -> u128 {
    name.iter().take(MAX_NAME).enumerate().fold(0, |v, (i, b)| {
        v | u128::from(b.to_ascii_lowercase()) << (8 * (15 - i))
    })
}

/// [`COMMANDS`]' names, packed, computed once.
fn packed_names() -> &'static [u128] {
    static PACKED: std::sync::OnceLock<Vec<u128>> = std::sync::OnceLock::new();
    PACKED.get_or_init(|| COMMANDS.iter().map(|c| pack(c.name.as_bytes())).collect())
}

/// Finds a command by name, case-insensitively, without allocating: a
/// binary search over the packed names.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    if name.is_empty() || name.len() > MAX_NAME || name.contains(&0) {
        return None;
    }
    let key = pack(name);
    packed_names()
        .binary_search(&key)
        .ok()
        .and_then(|i| COMMANDS.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_fit() {
        for pair in COMMANDS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        assert!(COMMANDS.iter().all(|c| c.name.len() <= MAX_NAME));
        assert!(COMMANDS
            .iter()
            .all(|c| c.name == c.name.to_ascii_lowercase()));
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup(b"SeT").map(|c| c.name), Some("set"));
        assert_eq!(lookup(b"zrevrangebyscore").map(|c| c.arity), Some(-4));
        assert!(lookup(b"nosuchcommand").is_none());
        assert!(lookup(b"").is_none());
    }
}
