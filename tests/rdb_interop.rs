//! RDB interop with a real `redis-server` 7.0.15, both ways.
//!
//! - A file we encode is copied into a fresh directory as `dump.rdb`, a real
//!   server started there loads it, and every key, type, value and TTL is
//!   checked through commands.
//! - A real server is filled so that it uses every encoding of the five
//!   types, SAVEs, and its `dump.rdb` is decoded and compared key by key
//!   with what the server answers; re-encoding it gives the same bytes.
//!
//! Set `RDB_FIXTURES_UPDATE=1` to also store those real dumps under
//! `tests/fixtures/rdb/` (the files `rdb_fixtures.rs` and the fuzzer use).

mod rdb_support;
mod support;

use rdb_support::{random_keyspace, Rng};
use replscope::db::{Keyspace, Map, Sds, Value, ZSet};
use replscope::rdb::{self, Aux};
use replscope::resp::Frame;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::RealRedis;

/// Wall-clock Unix milliseconds: the real server expires keys by wall time.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A directory holding one `dump.rdb`, removed on drop.
struct DumpDir(PathBuf);

impl DumpDir {
    fn new(bytes: &[u8]) -> DumpDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("replscope-rdb-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("dump.rdb"), bytes).expect("write dump.rdb");
        DumpDir(dir)
    }
}

impl Drop for DumpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts a real server in a directory holding `bytes` as `dump.rdb`, so
/// it loads the file at startup. A later `--dir` overrides the harness's.
fn start_loading(bytes: &[u8]) -> (RealRedis, DumpDir) {
    let dir = DumpDir::new(bytes);
    let path = dir.0.to_string_lossy().into_owned();
    let mut r = RealRedis::start(&["--dir", &path, "--dbfilename", "dump.rdb"]);
    let ready = r.wait_until(Duration::from_secs(30), |r| {
        r.cmd(&["PING"]) == Frame::Simple("PONG".into())
    });
    assert!(ready, "the server did not finish loading");
    (r, dir)
}

/// The elements of an array reply of bulk strings.
fn bulks(frame: Frame) -> Vec<Vec<u8>> {
    match frame {
        Frame::Array(items) => items
            .into_iter()
            .map(|f| match f {
                Frame::Bulk(b) => b,
                other => panic!("expected a bulk string, got {other:?}"),
            })
            .collect(),
        other => panic!("expected an array, got {other:?}"),
    }
}

/// True when Redis 7.0 keeps this hash as a listpack (so HGETALL answers
/// in insertion order).
fn is_small_hash(h: &Map<Sds, Sds>) -> bool {
    h.len() <= 512 && h.iter().all(|(f, v)| f.len() <= 64 && v.len() <= 64)
}

/// Asserts that the server answers, for every key of `ks` not already
/// expired at `loaded_at_ms`, the same type, value and TTL, and that each
/// database holds exactly those keys.
fn assert_server_holds(r: &mut RealRedis, ks: &Keyspace, loaded_at_ms: i64) {
    for (i, db) in ks.dbs.iter().enumerate() {
        assert_eq!(r.cmd(&["SELECT", &i.to_string()]), Frame::ok());
        let live: Vec<(&Sds, &Value)> = db
            .dict
            .iter()
            .filter(|(k, _)| !matches!(db.expire_at(k), Some(t) if t <= loaded_at_ms))
            .collect();
        assert_eq!(
            r.cmd(&["DBSIZE"]),
            Frame::Integer(live.len() as i64),
            "DBSIZE of db {i}"
        );
        for (key, value) in live {
            assert_value(r, key, value, i);
            assert_ttl(r, key, db.expire_at(key), i);
        }
    }
}

/// Checks TYPE and the value of one key.
fn assert_value(r: &mut RealRedis, key: &Sds, value: &Value, db: usize) {
    let k = key.as_bytes();
    let ctx = format!("db {db} key {key:?}");
    assert_eq!(
        r.cmd(&[&b"TYPE"[..], k]),
        Frame::Simple(value.type_name().into()),
        "{ctx}"
    );
    match value {
        Value::Str(s) => assert_eq!(r.cmd(&[&b"GET"[..], k]), Frame::Bulk(s.to_vec()), "{ctx}"),
        Value::List(l) => {
            let got = bulks(r.cmd(&[&b"LRANGE"[..], k, b"0", b"-1"]));
            assert!(
                got.iter()
                    .map(Vec::as_slice)
                    .eq(l.iter().map(Sds::as_bytes)),
                "{ctx}"
            );
        }
        Value::Hash(h) => {
            let flat = bulks(r.cmd(&[&b"HGETALL"[..], k]));
            let mut got: Vec<(&[u8], &[u8])> =
                flat.chunks(2).map(|p| (&p[0][..], &p[1][..])).collect();
            let mut want: Vec<(&[u8], &[u8])> = h
                .iter()
                .map(|(f, v)| (f.as_bytes(), v.as_bytes()))
                .collect();
            if !is_small_hash(h) {
                got.sort();
                want.sort();
            }
            assert_eq!(got, want, "{ctx}");
        }
        Value::Set(s) => {
            let mut got = bulks(r.cmd(&[&b"SMEMBERS"[..], k]));
            let mut want: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{ctx}");
        }
        Value::ZSet(z) => assert_zset(r, k, z, &ctx),
    }
}

/// ZRANGE WITHSCORES: same members in the same order, same scores.
fn assert_zset(r: &mut RealRedis, key: &[u8], z: &ZSet, ctx: &str) {
    let flat = bulks(r.cmd(&[&b"ZRANGE"[..], key, b"0", b"-1", b"WITHSCORES"]));
    let got: Vec<(Vec<u8>, f64)> = flat
        .chunks(2)
        .map(|p| {
            (
                p[0].clone(),
                String::from_utf8_lossy(&p[1]).parse().expect("score"),
            )
        })
        .collect();
    let want: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
    assert_eq!(got, want, "{ctx}");
}

/// PTTL: -1 without an expiry; with one, what is left of it (allowing for
/// the time the test takes).
fn assert_ttl(r: &mut RealRedis, key: &Sds, expire: Option<i64>, db: usize) {
    let before = now_ms();
    let Frame::Integer(pttl) = r.cmd(&[&b"PTTL"[..], key.as_bytes()]) else {
        panic!("PTTL did not answer an integer");
    };
    match expire {
        None => assert_eq!(pttl, -1, "db {db} key {key:?} should have no TTL"),
        Some(at) => {
            let left = at - before;
            assert!(
                pttl <= left + 5 && pttl >= left - 10_000,
                "db {db} key {key:?}: PTTL {pttl}, expected about {left}"
            );
        }
    }
}

/// A list of `items`.
fn list_of(items: impl IntoIterator<Item = String>) -> Value {
    Value::List(Box::new(items.into_iter().map(Sds::from).collect()))
}

/// A hash of `n` fields `f0…` with values `vlen` digits long.
fn hash_of(n: usize, vlen: usize) -> Value {
    let h: Map<Sds, Sds> = (0..n)
        .map(|i| (Sds::from(format!("f{i}")), Sds::from(format!("{i:0vlen$}"))))
        .collect();
    Value::Hash(Box::new(h))
}

/// A set of `members`.
fn set_of(members: impl IntoIterator<Item = String>) -> Value {
    Value::Set(Box::new(members.into_iter().map(Sds::from).collect()))
}

/// A sorted set of `n` members `mlen` digits long, with fractional,
/// negative, huge and infinite scores.
fn zset_of(n: usize, mlen: usize) -> Value {
    let mut z = ZSet::new();
    for i in 0..n {
        let score = [0.1, -2.0, 1e17, 5e18, f64::INFINITY][i % 5] * (i + 1) as f64;
        z.insert(Sds::from(format!("{i:0mlen$}")), score);
    }
    Value::ZSet(Box::new(z))
}

/// One value for each side of every encoding decision.
fn every_encoding_values() -> Vec<(&'static str, Value)> {
    let str = |s: &str| Value::Str(Sds::from(s));
    vec![
        ("s:small", str("hello")),
        ("s:int8", str("-128")),
        ("s:int32", str("2147483647")),
        ("s:beyond-int32", str("12345678901")),
        ("s:zero-padded", str("007")),
        ("s:empty", str("")),
        ("s:binary", Value::Str(Sds::from(&b"\x00\xff\r\n\x01"[..]))),
        ("s:lzf", Value::Str(Sds::from("abc".repeat(700)))),
        ("s:random", Value::Str(Sds::from(Rng::new(7).bytes(300)))),
        (
            "l:small",
            list_of(["a", "1", "-70000", ""].map(String::from)),
        ),
        (
            "l:nodes",
            list_of((0..3000).map(|i| format!("item:{i:05}"))),
        ),
        (
            "l:big-item",
            list_of(["a".into(), "x".repeat(9000), "b".into()]),
        ),
        ("h:listpack", hash_of(512, 64)),
        ("h:many", hash_of(513, 3)),
        ("h:long-value", hash_of(2, 65)),
        (
            "set:intset",
            set_of((0..512).map(|i| (i * 9_000_000_011i64 - 7).to_string())),
        ),
        ("set:513", set_of((0..513).map(|i| i.to_string()))),
        ("set:strings", set_of(["a", "1", "b"].map(String::from))),
        ("z:listpack", zset_of(128, 64)),
        ("z:many", zset_of(129, 2)),
        ("z:long-member", zset_of(3, 65)),
    ]
}

/// A keyspace that needs every encoding decision, with TTLs ahead and one
/// key that expired an hour ago (a master drops it at load), over three
/// databases.
fn every_encoding_keyspace(now: i64) -> Keyspace {
    let mut ks = Keyspace::new();
    let db = &mut ks.dbs[0];
    for (key, value) in every_encoding_values() {
        db.insert(Sds::from(key), value, false);
    }
    db.set_expire(b"s:small", now + 3_600_000);
    db.set_expire(b"l:nodes", now + 7_200_000);
    db.set_expire(b"s:empty", now - 3_600_000);
    ks.dbs[3].insert(Sds::from("other-db"), Value::Str(Sds::from("3")), false);
    ks.dbs[15].insert(Sds::from("last-db"), hash_of(3, 1), false);
    ks.dbs[15].set_expire(b"last-db", now + 60_000);
    ks
}

#[test]
fn a_file_we_write_loads_in_real_redis_with_every_key_intact() {
    let now = now_ms();
    let ks = every_encoding_keyspace(now);
    let bytes = rdb::encode(
        &ks,
        &Aux {
            ctime: now / 1000,
            ..Aux::default()
        },
        now,
    );
    let (mut r, _dir) = start_loading(&bytes);
    assert_eq!(
        r.info_field("persistence", "rdb_last_load_keys_expired")
            .as_deref(),
        Some("1")
    );
    assert_server_holds(&mut r, &ks, now);
}

#[test]
fn generated_keyspaces_load_in_real_redis() {
    for seed in 0..6 {
        // Expiries between 1000 s and 11000 s ahead: none passes mid-test.
        let ks = random_keyspace(seed, now_ms() + 6_000_000);
        let bytes = rdb::encode(&ks, &Aux::default(), now_ms());
        let (mut r, _dir) = start_loading(&bytes);
        assert_server_holds(&mut r, &ks, now_ms());
    }
}

/// Sends a command that must not fail.
fn run<A: AsRef<[u8]>>(r: &mut RealRedis, argv: &[A]) {
    let reply = r.cmd(argv);
    assert!(
        !reply.is_error(),
        "{:?} failed: {reply:?}",
        String::from_utf8_lossy(argv[0].as_ref())
    );
}

/// A command with a fixed head and generated arguments.
fn run_with(r: &mut RealRedis, head: &[&str], args: impl IntoIterator<Item = String>) {
    let argv: Vec<Vec<u8>> = head
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain(args.into_iter().map(String::into_bytes))
        .collect();
    run(r, &argv);
}

/// Fills a real server so that it uses every encoding of the five types,
/// over databases 0, 1 and 15.
fn fill_every_encoding(r: &mut RealRedis) {
    fill_strings(r);
    fill_lists_and_hashes(r);
    fill_sets_and_zsets(r);
    run(r, &["SELECT", "1"]);
    run(r, &["SET", "db1:key", "one", "PX", "5000000"]);
    run(r, &["RPUSH", "db1:list", "x"]);
    run(r, &["SELECT", "15"]);
    run(r, &["HSET", "db15:hash", "k", "v"]);
    run(r, &["SELECT", "0"]);
}

/// Strings: embstr, int, raw, LZF-compressible, binary, with a TTL.
fn fill_strings(r: &mut RealRedis) {
    run(r, &["SET", "s:embstr", "hello"]);
    run(r, &["SET", "s:int", "-12345"]);
    run(r, &["SET", "s:long-int", "9223372036854775807"]);
    run(r, &["SET", "s:empty", ""]);
    run(r, &[&b"SET"[..], b"s:binary", b"\x00\xff\r\n"]);
    run_with(r, &["SET", "s:lzf"], ["xyz".repeat(500)]);
    run(
        r,
        &[
            b"SET".to_vec(),
            b"s:random".to_vec(),
            Rng::new(11).bytes(200),
        ],
    );
    run(r, &["SET", "s:ttl", "soon", "EX", "3600"]);
    run(r, &["SET", "s:raw", "short"]);
    run(r, &["APPEND", "s:raw", " then appended: raw"]);
}

/// Lists of one and of several quicklist nodes (one holding a 9000-byte
/// element), listpack and hashtable hashes.
fn fill_lists_and_hashes(r: &mut RealRedis) {
    run(
        r,
        &[
            "RPUSH",
            "l:small",
            "a",
            "1",
            "-70000",
            "4611686018427387904",
        ],
    );
    run_with(
        r,
        &["RPUSH", "l:nodes"],
        (0..1500).map(|i| format!("item:{i:05}-abcdefgh")),
    );
    run_with(
        r,
        &["RPUSH", "l:ints"],
        (0..3000).map(|i| (i * 37).to_string()),
    );
    run_with(
        r,
        &["RPUSH", "l:big-item"],
        ["a".to_string(), "z".repeat(9000), "b".to_string()],
    );
    run(r, &["PEXPIRE", "l:small", "7200000"]);
    run(
        r,
        &[
            "HSET",
            "h:listpack",
            "f1",
            "v1",
            "f2",
            "123",
            "f3",
            "-1",
            "f4",
            "",
        ],
    );
    run_with(
        r,
        &["HSET", "h:hashtable"],
        (0..600).flat_map(|i| [format!("field:{i}"), format!("value:{i}")]),
    );
    run_with(r, &["HSET", "h:long-value", "f"], ["v".repeat(100)]);
    run(r, &["EXPIRE", "h:listpack", "86400"]);
}

/// Intset and hashtable sets, listpack and skiplist sorted sets.
fn fill_sets_and_zsets(r: &mut RealRedis) {
    run(
        r,
        &[
            "SADD",
            "set:intset",
            "1",
            "2",
            "3",
            "-5",
            "100000",
            "5000000000",
        ],
    );
    run(r, &["SADD", "set:strings", "a", "b", "c", "1"]);
    run_with(
        r,
        &["SADD", "set:big"],
        (0..600).map(|i| (i * 1_000_003).to_string()),
    );
    run(
        r,
        &[
            "ZADD",
            "z:listpack",
            "1",
            "a",
            "2.5",
            "b",
            "-inf",
            "c",
            "0.1",
            "d",
            "1e17",
            "e",
        ],
    );
    run_with(
        r,
        &["ZADD", "z:skiplist"],
        (0..150).flat_map(|i| [format!("{}", i as f64 * 1.5), format!("m{i}")]),
    );
    run_with(r, &["ZADD", "z:long-member", "1"], ["m".repeat(100)]);
}

/// The encodings `fill_every_encoding` must have produced (OBJECT ENCODING).
const EXPECTED_ENCODINGS: [(&str, &str); 13] = [
    ("s:embstr", "embstr"),
    ("s:int", "int"),
    ("s:lzf", "raw"),
    ("s:raw", "raw"),
    ("l:nodes", "quicklist"),
    ("h:listpack", "listpack"),
    ("h:hashtable", "hashtable"),
    ("h:long-value", "hashtable"),
    ("set:intset", "intset"),
    ("set:big", "hashtable"),
    ("z:listpack", "listpack"),
    ("z:skiplist", "skiplist"),
    ("z:long-member", "skiplist"),
];

/// Asserts byte equality, reporting the first difference instead of two
/// huge arrays.
fn assert_same_bytes(ours: &[u8], real: &[u8], what: &str) {
    if ours != real {
        let at = ours
            .iter()
            .zip(real)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(real.len()));
        let around = |b: &[u8]| format!("{:02x?}", &b[at.saturating_sub(8)..(at + 8).min(b.len())]);
        panic!(
            "{what}: first difference at byte {at} of {} (ours) / {} (real): ours {} real {}",
            ours.len(),
            real.len(),
            around(ours),
            around(real)
        );
    }
}

/// SAVEs and returns the server's dump.
fn save(r: &mut RealRedis) -> Vec<u8> {
    // A replica's sync may have left the fork running a moment after the
    // replica reports its link up (the child is reaped by the next cron
    // tick), and SAVE refuses to run beside it.
    let idle = r.wait_until(Duration::from_secs(20), |r| {
        r.info_field("persistence", "rdb_bgsave_in_progress")
            .as_deref()
            == Some("0")
    });
    assert!(idle, "a background save never finished");
    assert_eq!(r.cmd(&["SAVE"]), Frame::ok());
    std::fs::read(r.dir.join("dump.rdb")).expect("dump.rdb")
}

/// Stores a real dump as a fixture when `RDB_FIXTURES_UPDATE` is set.
fn maybe_store_fixture(name: &str, bytes: &[u8]) {
    if std::env::var_os("RDB_FIXTURES_UPDATE").is_some() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rdb");
        std::fs::create_dir_all(&dir).expect("fixture dir");
        std::fs::write(dir.join(name), bytes).expect("write fixture");
    }
}

#[test]
fn a_real_dump_of_every_encoding_decodes_to_what_the_server_answers() {
    let mut r = RealRedis::start(&[]);
    fill_every_encoding(&mut r);
    for (key, encoding) in EXPECTED_ENCODINGS {
        assert_eq!(
            r.cmd(&["OBJECT", "ENCODING", key]),
            Frame::Bulk(encoding.into()),
            "{key}"
        );
    }
    let now = now_ms();
    let dump = save(&mut r);
    let (ks, aux) = rdb::decode(&dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (aux.redis_ver.as_str(), aux.redis_bits, aux.aof_base),
        ("7.0.15", 64, 0)
    );
    assert!((aux.ctime - now / 1000).abs() <= 5, "ctime {}", aux.ctime);
    assert_server_holds(&mut r, &ks, now);
    if let Some(path) = std::env::var_os("RDB_DUMP_TO") {
        std::fs::write(path, &dump).expect("write the dump");
    }
    assert_same_bytes(
        &rdb::encode(&ks, &aux, now),
        &dump,
        "re-encoding the real dump",
    );
    maybe_store_fixture("all-types.rdb", &dump);
}

#[test]
fn a_real_dump_with_replication_info_round_trips_exactly() {
    let mut master = RealRedis::start(&[]);
    let port = master.port.to_string();
    let mut replica = RealRedis::start(&["--replicaof", "127.0.0.1", &port]);
    let linked = replica.wait_until(Duration::from_secs(20), |r| {
        r.info_field("replication", "master_link_status").as_deref() == Some("up")
    });
    assert!(linked, "the replica did not sync");
    run(&mut master, &["SET", "k", "v"]);
    run(&mut master, &["SELECT", "2"]);
    run(&mut master, &["RPUSH", "l", "a", "b"]);
    let dump = save(&mut master);
    let (ks, aux) = rdb::decode(&dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        Some(aux.repl_id.clone()),
        master.info_field("replication", "master_replid")
    );
    let offset = master
        .info_field("replication", "master_repl_offset")
        .and_then(|o| o.parse().ok());
    assert_eq!(Some(aux.repl_offset), offset);
    assert_eq!(aux.repl_stream_db, 2);
    assert_same_bytes(
        &rdb::encode(&ks, &aux, 0),
        &dump,
        "re-encoding the master's dump",
    );
    assert_server_holds(&mut master, &ks, now_ms());
    maybe_store_fixture("replication.rdb", &dump);
}

#[test]
fn real_dumps_with_functions_and_eviction_hints_decode() {
    let library =
        "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)";
    let cases: [(&str, &[&str]); 3] = [
        ("functions.rdb", &[]),
        ("lru.rdb", &["--maxmemory-policy", "allkeys-lru"]),
        ("lfu.rdb", &["--maxmemory-policy", "allkeys-lfu"]),
    ];
    for (name, args) in cases {
        let mut r = RealRedis::start(args);
        if name == "functions.rdb" {
            run(&mut r, &["FUNCTION", "LOAD", library]);
        }
        run(&mut r, &["SET", "k", "v"]);
        run(&mut r, &["HSET", "h", "f", "1"]);
        run(&mut r, &["SADD", "s", "7"]);
        let dump = save(&mut r);
        let (ks, _) = rdb::decode(&dump).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_server_holds(&mut r, &ks, now_ms());
        // The function library or the eviction hints make the file longer
        // than what we write for the same keys.
        assert!(
            rdb::encode(&ks, &rdb::decode(&dump).unwrap().1, 0).len() < dump.len(),
            "{name}"
        );
        maybe_store_fixture(name, &dump);
    }
    let mut r = RealRedis::start(&[]);
    maybe_store_fixture("empty.rdb", &save(&mut r));
}

#[test]
fn a_populated_real_dump_decodes_and_reencodes_exactly() {
    let mut r = RealRedis::start(&["--enable-debug-command", "yes"]);
    run(&mut r, &["DEBUG", "POPULATE", "50000"]);
    let dump = save(&mut r);
    let (ks, aux) = rdb::decode(&dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ks.dbs[0].len(), 50_000);
    let value = ks.dbs[0].dict.get(&b"key:31337"[..]);
    assert_eq!(value, Some(&Value::Str(Sds::from("value:31337"))));
    assert_same_bytes(
        &rdb::encode(&ks, &aux, 0),
        &dump,
        "re-encoding DEBUG POPULATE's dump",
    );
}

/// Bitmaps built by SETBIT, BITFIELD and BITOP are strings in the RDB:
/// mostly-zero ones LZF-compressed, short digit-only ones int-encoded; so
/// are HyperLogLogs, sparse and dense, with their cached counts. The
/// same commands on a real server and on ours must leave values whose
/// encoding is byte for byte the real dump (ours laid out in the real
/// dump's key order, which follows its hash table).
#[test]
fn bitmaps_and_hyperloglogs_encode_exactly_as_real_redis_saves_them() {
    let script = [
        "SETBIT bm:sparse 80000 1",
        "SETBIT bm:small 3 1",
        "SETBIT bm:small 17 1",
        "BITFIELD bm:fields SET u8 0 49 SET u8 8 50 SET u8 16 51",
        "BITFIELD bm:wide SET i64 0 -1 SET i64 64 -1 SET u63 200 12345",
        "SET bm:num 123",
        "SETBIT bm:num 7 0",
        "SETBIT bm:ttl 1000 1",
        "PEXPIRE bm:ttl 5000000",
        "BITOP NOT bm:not bm:sparse",
        "BITOP OR bm:or bm:small bm:fields",
        "PFADD hll:sparse a b c d",
        "PFCOUNT hll:sparse",
        "PFADD hll:stale x y",
        "PFMERGE hll:merged hll:sparse hll:stale",
    ];
    let dense_adds: Vec<String> = (0..8)
        .map(|round| {
            let elements: Vec<String> = (0..400).map(|i| format!("e{round}:{i}")).collect();
            format!("PFADD hll:dense {}", elements.join(" "))
        })
        .collect();
    let lines = script
        .iter()
        .map(|l| l.to_string())
        .chain(dense_adds)
        .collect::<Vec<_>>();
    assert_dump_matches(&lines, "bitmaps and HLLs");
}

/// Runs `lines` on a real server and on ours (every reply equal), then
/// checks that our encoding of the resulting keyspace is byte for byte
/// the real server's SAVE (ours laid out in the real dump's key order,
/// which follows its hash table; TTLs within 2 s).
fn assert_dump_matches(lines: &[String], what: &str) {
    use replscope::server::{Client, Server};
    let mut r = RealRedis::start(&[]);
    let mut ours = Server::new("0".repeat(40), now_ms());
    let mut client = Client::normal();
    for line in lines {
        let argv = replscope::cli::split_args(line).unwrap_or_default();
        let theirs = r.cmd(&argv);
        let mine = support::differential::run_ours(&mut ours, &mut client, argv);
        assert_eq!(mine, theirs, "{line}");
    }
    let dump = save(&mut r);
    let (real_ks, aux) = rdb::decode(&dump).unwrap_or_else(|e| panic!("{e}"));
    let (real_db, our_db) = (&real_ks.dbs[0], &ours.keyspace.dbs[0]);
    assert_eq!(real_db.len(), our_db.len());
    let mut laid_out = Keyspace::new();
    for (key, _) in real_db.dict.iter() {
        let value = our_db
            .dict
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} missing"));
        laid_out.dbs[0].insert(key.clone(), value.clone(), false);
        if let Some(at) = our_db.expire_at(key) {
            laid_out.dbs[0].set_expire(key, at);
        }
    }
    for (key, at) in real_db.expires.iter() {
        let ours_at = laid_out.dbs[0].expire_at(key).unwrap_or(0);
        assert!((ours_at - at).abs() < 2000, "{key:?}: {ours_at} vs {at}");
        laid_out.dbs[0].set_expire(key, *at);
    }
    assert_same_bytes(&rdb::encode(&laid_out, &aux, 0), &dump, what);
}

/// The values the sorted-set algebra, ZRANGESTORE, SORT ... STORE and the
/// multi-key pops leave behind are encoded as real Redis saves them:
/// listpacks while small, skiplists past 128 members, quicklists for the
/// stored lists.
#[test]
fn stored_results_encode_exactly_as_real_redis_saves_them() {
    let members = |n: usize| -> String {
        (0..n)
            .map(|i| format!("{i} m{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = vec![
        format!("ZADD big {}", members(200)),
        "ZADD za 1 a 2.5 b 3 c".to_string(),
        "ZADD zb 10 b 20 c 30 d".to_string(),
        "SADD sa 1 2 3".to_string(),
        "RPUSH l 3 1 2 10 -4".to_string(),
    ];
    lines.extend(
        [
            "ZRANGESTORE r:small big 0 9",
            "ZRANGESTORE r:big big 0 150",
            "ZRANGESTORE r:lex za - + BYLEX",
            "ZUNIONSTORE u:small 3 za zb sa WEIGHTS 1 0.5 2",
            "ZUNIONSTORE u:big 2 big za AGGREGATE MAX",
            "ZINTERSTORE i 2 za zb AGGREGATE MIN",
            "ZDIFFSTORE d 2 big za",
            "SORT l STORE sorted",
            "SORT l DESC LIMIT 1 3 STORE sorted:limit",
            "RPUSH m a b c d",
            "LMPOP 1 m LEFT COUNT 2",
            "ZADD zm 1 x 2 y 3 z",
            "ZMPOP 1 zm MAX",
        ]
        .map(String::from),
    );
    assert_dump_matches(&lines, "stored results");
}
