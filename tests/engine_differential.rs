//! Differential test: the same command sequence goes to a real redis-server
//! 7.0.15 and to our [`Server`], and every reply must be identical.
//!
//! The script below covers all five types, expiry, transactions, CONFIG,
//! DEBUG POPULATE and many error paths (arity, WRONGTYPE, bad integers and
//! floats, syntax errors, unknown commands); its line modes (`~`, `%`, `?`,
//! `sleep`) are those of [`support::differential`]. The bitmap, string and
//! other data commands added since have their own script in
//! `engine_differential_data.rs`.

mod support;

use replscope::cli::split_args;
use replscope::resp::Frame;
use replscope::server::{Client, Server};
use support::differential::{self, run_ours};

const SCRIPT: &str = r#"
# ---- strings
set foo bar
get foo
get nokey
set foo
get foo bar
set foo bar baz
set foo bar nx
set foo2 bar xx
set foo bar2 get
set foo bar3 keepttl
set foo v ex 100
ttl foo
set foo v ex 0
set foo v ex -5
set foo v ex abc
set foo v px 100000 ex 100
set foo v ex 10 ex 20
ttl foo
set foo v ex 10 keepttl
set foo v keepttl ex 10
set foo v nx xx
set foo v ex
set foo v foo
set foo v GET nx
set foo v exat 4000000000
ttl foo
set foo v ex 9223372036854775807
set foo v px 9223372036854775807
set foo v pxat 0
set foo v pxat 1
get foo
setex k 10 v
setex k 0 v
setex k abc v
setex k 10
psetex k 100000 v
%pttl k
setnx k v
setnx k3 v
getset k3 w
getset nok w
get nok
getdel k3
getdel k3
set foo bar
getex foo
getex foo ex 100
ttl foo
getex foo persist
ttl foo
getex foo ex 100 px 100
getex foo keepttl
getex foo persist ex 10
getex nokey ex 10
getex foo ex -1
getex foo exat 1
exists foo
mget k nokey nok
mset a 1 b 2
mset a 1 b
msetnx a 1 c 3
msetnx c 3 d 4
mget a b c d
append a xyz
append newap hello
get newap
strlen a
strlen nokey
incr a
incr cnt
incrby cnt 10
incrby cnt abc
incrby cnt 1.5
decr cnt
decrby cnt 5
decrby cnt -9223372036854775808
set big 9223372036854775807
incr big
set neg -9223372036854775808
decr neg
set sp " 1"
incr sp
set zero 007
incr zero
incrbyfloat f 1.5
incrbyfloat f 0.1
incrbyfloat f 0.2
incrbyfloat f abc
incrbyfloat f 1e10
incrbyfloat f -10000000001.8
incrbyfloat f inf
set f2 abc
incrbyfloat f2 1
set f3 1e3
incrbyfloat f3 0x10
getrange a 0 2
getrange a -3 -1
getrange a 5 1
getrange nokey 0 1
getrange a x 1
setrange sr 5 hello
get sr
setrange sr -1 x
setrange sr 0 ""
setrange nosr 0 ""
setrange sr 1 AB
get sr
# ---- lists
rpush l a b c d e
lrange l 0 -1
lrange l -2 -1
lrange l 3 1
lrange l -100 100
lrange l a b
lrange nolist 0 -1
lpush l z
llen l
llen nolist
lindex l 0
lindex l -1
lindex l 100
lindex l x
lpop l
rpop l
lpop l 2
rpop l 0
lpop l -1
lpop l x
lpop l 1 2
lpop nolist
lpop nolist 2
lpushx nolist a
exists nolist
rpushx l q
lset l 0 first
lset l 99 x
lset nolist 0 x
lrange l 0 -1
ltrim l 0 1
lrange l 0 -1
ltrim l 5 10
exists l
rpush l2 a b a c a
lrem l2 2 a
lrange l2 0 -1
rpush l2 a b a
lrem l2 -1 a
lrange l2 0 -1
lrem l2 0 zz
lrem l2 x a
rpop l2 100
exists l2
rpush l a b c
# ---- wrong types
get l
incr l
append l x
strlen l
getset l x
getdel l
getex l
set l x get
setrange l 0 x
getrange l 0 1
incrbyfloat l 1
mget l a
llen foo
lpush foo x
lrange foo 0 1
hget foo x
hset foo a b
sadd foo x
smembers foo
zadd foo 1 a
zrange foo 0 1
zscore foo a
# ---- hashes
hset h f1 v1 f2 v2
hset h f1
hset h f1 v1 f2
hset h f1 v1
hget h f1
hget h nof
hget noh f
hmget h f1 nof f2
hmget noh a b
hgetall h
hgetall noh
hkeys h
hvals h
hlen h
hexists h f1
hexists h nof
hstrlen h f2
hset h f3 v3 f4 v4
hdel h f1 nof
hgetall h
hsetnx h f2 x
hsetnx h f5 x
hincrby h n 5
hincrby h n -2
hincrby h n abc
hincrby h f2 1
hincrbyfloat h fl 1.5
hincrbyfloat h fl 0.1
hincrbyfloat h f2 1
hincrbyfloat h fl inf
hmset h a 1 b 2
hmset h a
hgetall h
hdel h f2 f3 f4 f5 n fl a b
exists h
hset h x 1
# ---- sets
sadd s 3 1 2 10 -5
smembers s
sadd s 1
sismember s 1
sismember s 9
sismember nos 1
smismember s 1 9
scard s
scard nos
srem s 1 9
smembers s
srem nos a
sadd s x
~smembers s
spop s 0
spop s -1
spop s 1 2
spop s abc
spop nos
spop nos 3
smembers nos
sadd s5 a
spop s5
exists s5
sadd s6 a b c
?spop s6
scard s6
?spop s6 1
scard s6
?spop s6 5
exists s6
sadd s7 1 2 3
spop s7 3
exists s7
# ---- sorted sets
zadd z 1 a 2 b 3 c
zadd z
zadd z 1
zadd z nx xx 1 a
zadd z gt lt 1 a
zadd z nx gt 1 a
zadd z incr 1 a 2 b
zadd z abc a
zadd z nan a
zadd z xx 10 a
zadd z ch 20 a 4 d
zadd z nx 100 a
zadd z gt 5 a
zadd z lt 5 a
zadd z incr 1.5 a
zadd z xx incr 1 nomember
zadd z nx incr 1 a
zadd z xx 1 nomember
zadd noz xx 1 a
exists noz
zscore z a
zscore z nom
zscore noz a
zmscore z a nom
zmscore noz a
zincrby z 0.1 b
zincrby z abc b
zincrby z 0 b
zcard z
zcard noz
zrank z c
zrevrank z c
zrank z nom
zrank noz a
zrange z 0 -1
zrange z 0 -1 withscores
zrange z 0 -1 rev withscores
zrange z 0 -1 rev rev
zrange z (1 5 byscore withscores
zrange z 5 (1 byscore rev
zrange z -inf +inf byscore limit 1 2
zrange z -inf +inf byscore limit -1 2
zrange z -inf +inf byscore limit 0 -1
zrange z 0 -1 limit 1 2
zrange z a b
zrange z abc 1 byscore
zrange z 1 2 byscore bylex
zrange z - + bylex
zrange z - + bylex withscores
zrange z 0 -1 foo
zrange noz 0 -1
zrevrange z 0 1 withscores
zrevrange z 0 1 rev
zrangebyscore z 1 100 withscores
zrangebyscore z 1 100 withscores limit 1 1
zrangebyscore z x 100
zrevrangebyscore z 100 1
zrevrangebyscore z +inf -inf withscores
zcount z -inf +inf
zcount z (2 3
zcount z x y
zcount noz 0 1
zrem z a nom
zrem noz a
zadd zl 0 a 0 b 0 c 0 d
zrange zl [b [c bylex
zrange zl (a + bylex limit 1 1
zrange zl + - bylex rev
zrange zl foo bar bylex
zadd zs 0.1 a 1e30 b -0.0 c inf d 1.5e-7 e
zrange zs 0 -1 withscores
zincrby zs 0.2 a
zadd zs -inf f
zincrby zs +inf f
zrem zs a b c d e f
exists zs
# ---- keys and expiry
~keys *
~keys l*
~keys *[0-9]
keys nomatch*
exists foo l nokey foo
type foo
type l
type h
type s
type z
type nokey
del nokey
del a b nokey
unlink c d
rename nokey x
rename l l
renamenx l l
rename l l3
lrange l3 0 -1
rename l3 h
type h
renamenx h s
renamenx h newname
expire newname 100
ttl newname
%pttl newname
expire newname 100 nx
expire newname 50 xx
expire newname 200 gt
expire newname 10 lt
ttl newname
expire newname 10 foo
expire newname 10 nx xx
expire newname 10 gt lt
expire newname abc
expire newname abc foo
expire nokey 10
persist newname
persist newname
persist nokey
ttl newname
expire newname 10 xx
expire newname 10 gt
expire newname 10 lt
ttl newname
ttl nokey
pttl nokey
pexpire newname 100000
%pttl newname
expireat newname 4000000000
expiretime newname
pexpiretime newname
pexpireat newname 4000000000123
pexpiretime newname
expiretime nokey
expiretime s
expire newname 9223372036854775807
pexpire newname 9223372036854775807
expire newname -1
exists newname
set r1 v ex 100
rename r1 r2
ttl r2
exists r1
# ---- expired keys (active expiry is off on both sides)
set e1 v px 1
set e2 v px 1
set e3 v px 1
rpush e4 a
pexpire e4 1
set e5 v px 1
set e6 v px 1
set e7 v px 1
sleep 20
dbsize
get e1
incr e2
ttl e2
lpush e4 x
lrange e4 0 -1
exists e3
type e5
del e6
setnx e7 v
get e7
dbsize
# ---- scan
debug populate 30 sc
~scan 0 count 1000 match sc:*
~scan 0 count 1000 match sc:1*
~scan 0 count 1000 type hash
~scan 0 count 1000 match sc:* type list
scan 0 count 0
scan 0 count x
scan 0 foo bar
scan abc
scan 0 match
# ---- server
ping
ping hi
ping a b
echo hi
echo
select 1
set dbkey 1
dbsize
get foo
select 0
get dbkey
select 16
select -1
select abc
select 99999999999
time 1
flushdb foo
flushdb async extra
foo a b
foo
FOO bar
foo "a b" c
dbsize a
# ---- config
config
config foo
config foo bar
config get
config set
config set repl-timeout
config get repl-timeout
config get REPL-TIMEOUT
config get repl-backlog-size
config set repl-backlog-size 1000
config get repl-backlog-size
config set repl-backlog-size 1mb
config get repl-backlog-size
config set repl-backlog-size 0
config set repl-backlog-size -1
config set repl-backlog-size abc
config set repl-timeout 0
config set repl-timeout abc
config set repl-timeout 30 repl-timeout 40
config set repl-timeout 30 repl-ping-replica-period
config set repl-timeout 30 nosuch 1
config get repl-timeout
config set nosuch 1
config get nosuch
config get min-slaves-to-write
config set min-slaves-to-write 2
config get min-replicas-to-write
config set min-replicas-to-write 0
config set replica-read-only maybe
config set slave-read-only no
config get replica-read-only
config set replica-read-only yes
config set repl-diskless-sync NO
config get repl-diskless-sync
config set repl-diskless-sync yes
config set repl-diskless-load swapdb
config get repl-diskless-load
config set repl-diskless-load foo
config set repl-diskless-load disabled
config set client-output-buffer-limit "replica 1 2"
config set client-output-buffer-limit "master 1 2 3"
config set client-output-buffer-limit "replica 1x 2 3"
config set client-output-buffer-limit "replica 1mb 2mb 3"
config get client-output-buffer-limit
config set client-output-buffer-limit "replica 256mb 64mb 60"
config get client-output-buffer-limit
config set repl-backlog-ttl -1
config set repl-diskless-sync-delay -1
~config get repl-diskless-sync-delay repl-timeout
config rewrite
config help
config resetstat
# ---- debug populate
debug populate 3
~keys key:*
get key:1
set key:0 mine
debug populate 2 key 20
get key:0
get key:1
debug populate 2 pp 3
get pp:0
debug populate 2 qq 10
get qq:1
debug populate -1
debug populate 1 k -3
debug populate x
debug populate
debug foo
# ---- list moves, set algebra, zset pops, copy/move/swapdb
rpush xl a b c d
rpoplpush xl xl2
rpoplpush nol xl2
rpoplpush xl foo
rpoplpush foo xl2
lmove xl xl2 left right
lmove xl xl2 up down
lmove xl xl left left
lrange xl 0 -1
lrange xl2 0 -1
rpush xone z
rpoplpush xone xone
lrange xone 0 -1
rpoplpush xone xother
exists xone
linsert xl before b x
linsert xl after b y
linsert xl before zz x
linsert nol before b x
linsert xl middle b x
linsert foo before a b
lrange xl 0 -1
sadd xs1 a b c
sadd xs2 c d
smove xs1 xs2 a
smove xs1 xs2 zz
smove nos xs2 a
smove xs1 foo b
smove foo xs1 b
smove xs1 xs1 b
smove xs1 xs1 zz
sadd xs9 only
smove xs9 xnew only
exists xs9
smembers xnew
~sinter xs1 xs2
~sunion xs1 xs2
~sdiff xs1 xs2
sinter xs1 nos
sinter nos xs1
sinter xs1 foo
sunion nos foo
sinterstore xs3 xs1 xs2
sunionstore xs4 xs1 xs2
~smembers xs4
sdiffstore xs5 xs1 xs2
sinterstore xs6 nos1 nos2
sinterstore xs4 nos1 xs1
exists xs4
sinterstore xs7 xs1 foo
sadd xi1 3 1 2
sadd xi2 2 3 4
sinter xi1 xi2
sunion xi1 xi2
sdiff xi1 xi2
srandmember nos
srandmember nos 3
srandmember xi1 10
srandmember xi1 0
srandmember xi1 a
srandmember xi1 1 2
srandmember foo
?srandmember xi1
?srandmember xi1 2
?srandmember xi1 -5
scard xi1
zadd xz 1 a 2 b 3 c 4 d 5 e
zpopmin xz
zpopmax xz 2
zpopmin xz 0
zpopmin xz -1
zpopmin xz 1 2
zpopmin noz
zpopmax foo
zpopmax xz 100
exists xz
zadd xz 1 a 2 b 3 c 4 d 5 e
zremrangebyscore xz 0 0
zremrangebyscore xz (1 2
zremrangebyscore xz x y
zremrangebyrank xz 0 0
zremrangebyrank xz a b
zremrangebyrank xz 5 10
zrange xz 0 -1 withscores
zremrangebyrank xz 0 -1
exists xz
zadd xzl 0 a 0 b 0 c
zremrangebylex xzl [a (c
zremrangebylex xzl foo bar
zrange xzl 0 -1
set xc v ex 100
copy xc xc2
ttl xc2
copy xc xc2
copy xc xc2 replace
copy xc xc
copy xc xc db 0
copy xc xc db 1
copy xc xc db 1
copy nokey xc9
copy xc xc3 db 16
copy xc xc3 db x
copy xc xc3 foo
copy xc xc3 db
rpush xcl a b
copy xcl xcl2
lrange xcl2 0 -1
move xc 0
move xc 1
move xc 1
move nokey 1
move xc2 16
move xc2 x
move xc2 99999999999
select 1
get xc
ttl xc
select 0
set xsw here
swapdb 0 2
get xsw
swapdb 0 2
get xsw
swapdb 0 0
swapdb 0 16
swapdb x 1
swapdb 1 x
swapdb 99999999999 1
?randomkey
select 9
randomkey
select 0
# ---- transactions
multi
set m1 1
incr m1
get m1
lpush m1 x
exec
multi
multi
set x
exec
exec
discard
multi
get
exec
multi
foo
exec
multi
set t1 1
discard
get t1
multi
exec
"#;

#[test]
fn every_reply_matches_real_redis() {
    differential::compare_script(SCRIPT, 401);
}

/// Field names of one INFO section, in order.
fn field_names(text: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(text)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(':').next().map(str::to_string))
        .collect()
}

fn bulk(f: Frame) -> Vec<u8> {
    match f {
        Frame::Bulk(b) => b,
        other => panic!("expected a bulk reply, got {other:?}"),
    }
}

/// INFO: same sections, same field names in the same order (memory: ours
/// are a subset of real Redis's, in its order), same keyspace counts and
/// the same answer to unknown section names.
#[test]
fn info_layout_matches_real_redis() {
    let mut real = support::RealRedis::start(&[]);
    let mut ours = Server::new("0".repeat(40), support::unix_now_ms());
    let mut client = Client::normal();
    for line in [
        "set a 1",
        "set b 2 ex 100",
        "select 3",
        "rpush l x",
        "select 0",
    ] {
        let argv = split_args(line).unwrap_or_default();
        real.cmd(&argv);
        run_ours(&mut ours, &mut client, argv);
    }
    for section in [
        "server",
        "clients",
        "persistence",
        "stats",
        "cpu",
        "cluster",
        "modules",
    ] {
        let theirs = field_names(&bulk(real.cmd(&["INFO", section])));
        let mine = field_names(&bulk(run_ours(
            &mut ours,
            &mut client,
            vec![b"INFO".to_vec(), section.into()],
        )));
        assert_eq!(mine, theirs, "INFO {section}");
    }
    let theirs = field_names(&bulk(real.cmd(&["INFO", "memory"])));
    let mine = field_names(&bulk(run_ours(
        &mut ours,
        &mut client,
        split_args("INFO memory").unwrap_or_default(),
    )));
    let mut rest = theirs.iter();
    for name in &mine {
        assert!(
            rest.any(|t| t == name),
            "INFO memory: {name} missing or out of order in {theirs:?}"
        );
    }
    let keyspace = |text: Vec<u8>| -> Vec<String> {
        String::from_utf8_lossy(&text)
            .lines()
            .map(|l| l.split(",avg_ttl").next().unwrap_or("").to_string())
            .collect()
    };
    let theirs = keyspace(bulk(real.cmd(&["INFO", "keyspace"])));
    let mine = keyspace(bulk(run_ours(
        &mut ours,
        &mut client,
        split_args("INFO keyspace").unwrap_or_default(),
    )));
    assert_eq!(mine, theirs);
    for args in [
        "INFO nosuch",
        "INFO default",
        "INFO all",
        "INFO server keyspace",
    ] {
        let argv = split_args(args).unwrap_or_default();
        let titles = |f: Frame| -> Vec<String> {
            String::from_utf8_lossy(&bulk(f))
                .lines()
                .filter(|l| l.starts_with('#'))
                .map(str::to_string)
                .collect()
        };
        let theirs = titles(real.cmd(&argv));
        let mine = titles(run_ours(&mut ours, &mut client, argv));
        assert_eq!(mine, theirs, "{args}");
    }
}
