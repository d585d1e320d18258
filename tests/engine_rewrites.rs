//! Live check of propagation: a real redis-server 7.0.15 master and our
//! [`Server`] run the same writes; the master's replication stream (read
//! as a replica would, with `PSYNC ? -1` on a raw socket) must equal the
//! stream our engine's `Outcome::Done.propagate` produces, command for
//! command and byte for byte.
//!
//! Our stream is built the way the node builds it: SELECT is emitted before
//! the first write and whenever `Propagated.db` changes. Absolute times that
//! come from each server's clock (`SET ... EX 100` becomes `PXAT <now+100s>`)
//! are compared within two seconds, since the two servers read the wall
//! clock at slightly different instants; all other bytes must be equal, and
//! so must the total length.
//!
//! Every rewrite rule of 7.0 appears below, plus no-op writes (which must
//! send nothing), MULTI/EXEC wrapping, SELECT changes, FLUSHALL/FLUSHDB and
//! the DEL (or `MULTI, DEL, <write>, EXEC`) for keys found expired. SPOP
//! with a count smaller than the set is left to the unit tests: which
//! members it pops is random on both sides.

mod support;

use replscope::cli::split_args;
use replscope::resp::{encode_command, Decoder, Frame};
use replscope::server::{Client, Gate, Outcome, Propagated, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const SCRIPT: &str = r#"
# SET and its options
set k v
set k v2 nx
set k2 v xx
set k v3 get
set k v4 keepttl
set k v5 ex 100 nx
set k v6 px 100000 xx get
set k v7 exat 4000000000
set k v8 pxat 4000000000123
set k v9 keepttl get
set k v10 GET get
setex k 100 v
psetex k 100000 v
setnx k v
setnx k3 v
getset k3 w
getset k3 w
getdel k3
getdel k3
# GETEX
getex k
getex k ex 100
getex k px 100000
getex k exat 4000000000
getex k pxat 4000000000123
getex k persist
getex k persist
getex missing ex 10
getex k exat 1
# EXPIRE family
set k v
expire k 100
expire nokey 10
pexpire k 100000
expireat k 4000000000
pexpireat k 4000000000123
expire k 100 nx
expire k 100 xx
expire k 10 gt
expire k 10 LT
persist k
persist k
expire k -1
set k v
pexpireat k 1
set k v
expireat k 1 nx
# counters
set f 1.5
incrbyfloat f 2
incrbyfloat f 0
set f 1.5 ex 100
incrbyfloat f 1
incrbyfloat f abc
incr f2
incrby f2 10
decr f2
decrby f2 3
incr f
append f2 xyz
setrange f2 0 ""
setrange f2 1 AB
# DEL / UNLINK / MSET / RENAME
del nokey k f2
del nokey
unlink f nokey
mset a 1 b 2
msetnx a 1 c 3
msetnx c 3 d 4
rename nokey x
rename a a
rename a a2
renamenx a2 b
renamenx a2 a3
# lists
lpush l a b c
rpush l d
lpushx nol a
rpushx l e
lpop l
lpop l 2
rpop l 0
rpop l 5
lpop l
lpop nol
rpush l x y z
lset l 0 q
ltrim l 0 -1
ltrim l 0 1
lrem l 0 zz
lrem l 0 q
# hashes
hset h f 1 g 2
hset h f 1
hmset h a 1
hsetnx h f x
hsetnx h n x
hdel h nof
hdel h f
hincrby h g 5
hincrbyfloat h fl 1.5
hincrbyfloat h fl 0
hdel h g a n fl
# sets
sadd s a b c
sadd s a
srem s z
srem s a
sadd one m
spop one
spop nos
sadd s2 1 2 3
spop s2 0
spop s2 3
sadd s3 x y
spop s3 10
# sorted sets
zadd z 1 a 2 b
zadd z 1 a
zadd z 5 a
zadd z xx 1 c
zadd z nx 1 a
zadd z gt 1 a
zadd z incr 2 a
zadd z incr 0 a
zincrby z 1 b
zincrby z 0 b
zrem z nom
zrem z a b
# list moves, set algebra, zset pops, copy, move, swapdb
rpush ml a b c d
rpoplpush ml ml2
rpoplpush nol ml2
lmove ml ml2 left right
linsert ml before b x
linsert ml before zz x
sadd ms1 a b c
sadd ms2 c d
smove ms1 ms2 a
smove ms1 ms2 zz
smove ms1 ms1 b
sinterstore ms3 ms1 ms2
sunionstore ms4 ms1 ms2
sdiffstore ms5 ms1 ms2
sinterstore ms6 nos1 nos2
sinterstore ms4 nos1 ms1
zadd mz 1 a 2 b 3 c 4 d
zpopmin mz
zpopmax mz 2
zpopmin noz
zremrangebyscore mz 0 0
zremrangebyrank mz 0 0
copy ms1 mcopy
copy ms1 mcopy
copy ms1 mcopy replace
copy ms1 mcopy db 4
move mcopy 2
move nokey 2
swapdb 0 2
swapdb 0 2
# transactions
multi
set x 1
exec
multi
set x 1
set y 2
exec
multi
get x
exec
multi
incr x
del nokey
exec
multi
set t1 1
select 5
set t2 2
select 0
exec
multi
set x 2
discard
# bitmaps: propagated as sent only when a bit changed or the string grew
setbit bm 7 1
setbit bm 7 1
setbit bm 7 0
setbit bm 3 0
setbit bm2 0 0
bitfield bm set u8 0 255
bitfield bm set u8 0 255
bitfield bm get u8 0
bitfield bm incrby u8 0 0
bitfield bm overflow fail incrby u8 0 1
bitfield bmnew overflow fail incrby u2 100 5
bitfield bmnew set u4 0 0
bitfield_ro bm get u8 0
bitop and bmdest bm bm2
bitop or bmdest nokey
bitop or bmdest nokey
set bmttl x ex 100
setbit bmttl 1 1
bitop xor bmttl bm
lcs bm bm2
touch bm bm2
# HyperLogLogs: PFADD when it changed a register or created the key,
# PFMERGE always, PFCOUNT of one key when it refreshed the cached count
pfadd hll a b c
pfadd hll a
pfadd hll
pfadd hllnew
pfcount hll
pfcount hll
pfcount hll hllnew
pfadd hll d
pfcount hll
pfmerge hllm hll hllnew
pfmerge hllm
pfcount nohll
# SELECT changes
select 3
set z 1
select 3
set z 2
select 0
set z 3
# flushes
flushdb
select 2
flushdb async
select 0
flushall
# DEBUG POPULATE propagates nothing
debug populate 10
# expired keys, found lazily (active expiry is off on both sides)
set e1 v px 1
set e2 v px 1
set e3 v px 1
set e4 v px 1
rpush e5 a
pexpire e5 1
set e6 v px 1
set e7 v px 1
set e8 v px 1
set e9 v px 1
set e10 v px 1
sleep 20
get e1
set e2 new
incr e3
del e4
lpush e5 x
exists e6
expire e7 100
multi
get e8
set e9 x
exec
setnx e10 v
"#;

/// A raw replica connection to a real master, positioned after the RDB.
struct RawReplica {
    sock: TcpStream,
    buf: Vec<u8>,
}

impl RawReplica {
    fn attach(port: u16) -> RawReplica {
        let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect to master");
        sock.set_read_timeout(Some(Duration::from_millis(200))).ok();
        let mut r = RawReplica {
            sock,
            buf: Vec::new(),
        };
        r.send(&["REPLCONF", "capa", "eof", "capa", "psync2"]);
        r.fill_until(|b| b.ends_with(b"+OK\r\n"));
        r.buf.clear();
        r.send(&["PSYNC", "?", "-1"]);
        r.skip_rdb();
        r
    }

    fn send(&mut self, argv: &[&str]) {
        self.sock.write_all(&encode_command(argv)).expect("write");
    }

    /// Reads until `done(buf)`, failing after 20 s.
    fn fill_until(&mut self, done: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut chunk = [0u8; 65536];
        while !done(&self.buf) {
            assert!(
                Instant::now() < deadline,
                "timed out; have {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            match self.sock.read(&mut chunk) {
                Ok(0) => panic!("master closed the replication link"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
    }

    /// Consumes `+FULLRESYNC ...`, keepalive newlines and `$<len>\r\n<rdb>`.
    fn skip_rdb(&mut self) {
        self.fill_until(|b| b.starts_with(b"+FULLRESYNC") && b.windows(2).any(|w| w == b"\r\n"));
        let line_end = self.buf.windows(2).position(|w| w == b"\r\n").unwrap_or(0) + 2;
        self.buf.drain(..line_end);
        self.fill_until(has_len_line);
        let start = self.buf.iter().position(|c| *c == b'$').unwrap_or(0);
        self.buf.drain(..start);
        let eol = self.buf.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
        let len: usize = String::from_utf8_lossy(&self.buf[1..eol])
            .parse()
            .expect("rdb length");
        self.fill_until(|b| b.len() >= eol + 2 + len);
        self.buf.drain(..eol + 2 + len);
    }
}

fn has_len_line(b: &[u8]) -> bool {
    b.iter()
        .position(|c| *c == b'$')
        .is_some_and(|s| b[s..].windows(2).any(|w| w == b"\r\n"))
}

/// Our stream: SELECT whenever the db changes, then each write.
fn our_stream(ops: &[Propagated]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last_db = None;
    for op in ops {
        if last_db != Some(op.db) {
            out.extend(encode_command(&["SELECT".to_string(), op.db.to_string()]));
            last_db = Some(op.db);
        }
        out.extend(encode_command(&op.argv));
    }
    out
}

fn commands(stream: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut d = Decoder::new();
    d.feed(stream);
    let mut out = Vec::new();
    while let Ok(Some(Frame::Array(items))) = d.next_frame() {
        out.push(
            items
                .into_iter()
                .map(|f| match f {
                    Frame::Bulk(b) => b,
                    other => panic!("non-bulk argument {other:?}"),
                })
                .collect(),
        );
    }
    assert!(d.pending().is_empty(), "trailing bytes in stream");
    out
}

/// Equal, or both 13-digit clock-derived times within 2 s of each other.
fn same_arg(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let num = |x: &[u8]| {
        (x.len() == 13)
            .then(|| std::str::from_utf8(x).ok()?.parse::<i64>().ok())
            .flatten()
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if (x - y).abs() <= 2000)
}

fn show(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn propagated_stream_matches_real_master() {
    let mut real = support::RealRedis::start(&[
        "--enable-debug-command",
        "yes",
        "--repl-diskless-sync",
        "no",
        "--repl-ping-replica-period",
        "3600",
    ]);
    assert_eq!(real.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), Frame::ok());
    let mut replica = RawReplica::attach(real.port);
    let mut ours = Server::new("0".repeat(40), support::unix_now_ms());
    ours.active_expire_enabled = false;
    let mut client = Client::normal();
    let mut ops = Vec::new();
    for raw in SCRIPT.lines().chain(["set __end__ 1"]) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("sleep ") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap_or(0)));
            continue;
        }
        let argv = split_args(line).expect("script line");
        real.cmd(&argv);
        match ours.process(&mut client, argv, support::unix_now_ms(), &Gate::default()) {
            Outcome::Done { propagate, .. } => ops.extend(propagate),
            Outcome::Repl(a) | Outcome::Exec { argv: a, .. } => {
                panic!("unexpected replication command {a:?}")
            }
        }
    }
    let end = encode_command(&["set", "__end__", "1"]);
    replica.fill_until(|b| b.ends_with(&end));
    let mine = our_stream(&ops);
    let (theirs_cmds, mine_cmds) = (commands(&replica.buf), commands(&mine));
    for (i, (t, m)) in theirs_cmds.iter().zip(&mine_cmds).enumerate() {
        let same = t.len() == m.len() && t.iter().zip(m).all(|(a, b)| same_arg(a, b));
        assert!(
            same,
            "command #{i} differs:\n real: {}\n ours: {}",
            show(t),
            show(m)
        );
    }
    assert_eq!(
        theirs_cmds.len(),
        mine_cmds.len(),
        "command counts differ; real tail: {:?}",
        theirs_cmds
            .iter()
            .skip(mine_cmds.len())
            .map(|c| show(c))
            .collect::<Vec<_>>()
    );
    assert_eq!(replica.buf.len(), mine.len(), "stream byte lengths differ");
    assert!(
        theirs_cmds.len() > 100,
        "stream too short: {}",
        theirs_cmds.len()
    );
}
