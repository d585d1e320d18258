//! Live check of propagation: a real redis-server 7.0.15 master and our
//! [`Server`] run the same writes; the master's replication stream (read
//! as a replica would, with `PSYNC ? -1` on a raw socket) must equal the
//! stream our engine's `Outcome::Done.propagate` produces, command for
//! command and byte for byte.
//!
//! The runner, and how clock-derived times are compared, is
//! [`support::stream`].
//!
//! Every rewrite rule of 7.0 appears below, plus no-op writes (which must
//! send nothing), MULTI/EXEC wrapping, SELECT changes, FLUSHALL/FLUSHDB and
//! the DEL (or `MULTI, DEL, <write>, EXEC`) for keys found expired. SPOP
//! with a count smaller than the set is left to the unit tests: which
//! members it pops is random on both sides.
//!
//! [`Server`]: replscope::server::Server

mod support;

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

#[test]
fn propagated_stream_matches_real_master() {
    support::stream::compare_stream(SCRIPT, 100);
}

/// The sorted-set algebra and ranges with a destination, SINTERCARD and the
/// multi-key pops and SORT: STORE forms propagate as sent when they wrote
/// or deleted the destination and not at all otherwise; LMPOP and ZMPOP
/// become LPOP/RPOP and ZPOPMIN/ZPOPMAX with the count actually popped;
/// the read-only commands (OBJECT, scans, random picks) send nothing.
const DATA_SCRIPT: &str = r#"
zadd za 1 a 2 b 3 c
zadd zb 10 b 20 c 30 d
sadd sa a x
zrangestore dst za 0 1
zrangestore dst za 1 2 byscore limit 0 1
zrangestore dst za (a + bylex
zrangestore dst za 10 20
zrangestore dst za 10 20
zrangestore dst nokey 0 -1
zrangestore dst za x 1
set str v ex 100
zrangestore str za 0 0
zunionstore u 2 za zb weights 2 1 aggregate max
zinterstore i 2 za zb
zdiffstore d 2 za zb
zunionstore u2 2 za sa
zinterstore i nokey 1
zinterstore i 1 nokey
zinterstore i 1 nokey
zdiffstore d 2 za za
zdiffstore d 2 za za
zunion 2 za zb
zinter 2 za zb
zdiff 2 za zb
zintercard 2 za zb
sintercard 1 sa
zlexcount za - +
zrangebylex za - +
zrevrangebylex za + -
rpush l1 a b c d
lmpop 1 l1 left
lmpop 2 nol l1 right count 2
lmpop 1 l1 left count 5
lmpop 1 l1 left
zadd zm 1 a 2 b 3 c 4 d
zmpop 1 zm min
zmpop 2 noz zm max count 2
zmpop 1 zm min count 10
zmpop 1 zm min
zpopmin zm 0
rpush lp a b a
lpos lp a count 0
set mp v
lmpop 2 mp l1 left
rpush sl 3 1 2
set w_1 9
sort sl store sorted
sort sl by w_* get # store sorted
sort nosl store sorted
sort nosl store sorted
sort sl
sort_ro sl
sadd ss b a c
sort ss by nosort store sorted
object encoding sl
sscan ss 0
zrandmember zm
hrandfield nokey
"#;

#[test]
fn data_commands_propagate_as_real_master() {
    support::stream::compare_stream(DATA_SCRIPT, 30);
}
