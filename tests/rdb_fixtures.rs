//! The real Redis 7.0.15 dumps committed under `tests/fixtures/rdb/`
//! (written by `RDB_FIXTURES_UPDATE=1 cargo test --test rdb_interop`)
//! decode without a server, hold what the filling commands put there, and
//! re-encode to the same bytes; damaged copies are errors, never panics.

mod rdb_support;

use rdb_support::fixture;
use replscope::db::{Keyspace, Sds, Value};
use replscope::rdb;

/// Every fixture, by name.
const FIXTURES: [&str; 6] = [
    "all-types.rdb",
    "empty.rdb",
    "functions.rdb",
    "lfu.rdb",
    "lru.rdb",
    "replication.rdb",
];

/// The value of `key` in database `db`.
fn value<'a>(ks: &'a Keyspace, db: usize, key: &str) -> &'a Value {
    ks.dbs[db]
        .dict
        .get(key.as_bytes())
        .unwrap_or_else(|| panic!("no key {key} in db {db}"))
}

#[test]
fn the_dump_of_every_encoding_holds_what_was_written() {
    let (ks, aux) = rdb::decode(&fixture("all-types.rdb")).unwrap();
    assert_eq!(
        (aux.redis_ver.as_str(), aux.redis_bits, aux.repl_id.as_str()),
        ("7.0.15", 64, "")
    );
    let sizes: Vec<usize> = ks.dbs.iter().map(|d| d.len()).collect();
    assert_eq!(sizes, [22, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let expiring: Vec<usize> = ks.dbs.iter().map(|d| d.expires.len()).collect();
    assert_eq!(expiring[..2], [3, 1]);
    assert_eq!(
        value(&ks, 0, "s:lzf"),
        &Value::Str(Sds::from("xyz".repeat(500)))
    );
    assert_eq!(
        value(&ks, 0, "s:long-int"),
        &Value::Str(Sds::from("9223372036854775807"))
    );
    assert_eq!(
        value(&ks, 0, "s:binary"),
        &Value::Str(Sds::from(&b"\x00\xff\r\n"[..]))
    );
    let Value::List(nodes) = value(&ks, 0, "l:nodes") else {
        panic!("l:nodes is not a list")
    };
    assert_eq!(
        (nodes.len(), nodes.back()),
        (1500, Some(&Sds::from("item:01499-abcdefgh")))
    );
    let Value::List(big) = value(&ks, 0, "l:big-item") else {
        panic!("l:big-item is not a list")
    };
    assert_eq!(
        big.iter().map(|e| e.len()).collect::<Vec<_>>(),
        [1, 9000, 1]
    );
    let Value::Hash(h) = value(&ks, 0, "h:hashtable") else {
        panic!("h:hashtable is not a hash")
    };
    assert_eq!(
        (h.len(), h.get(&b"field:599"[..])),
        (600, Some(&Sds::from("value:599")))
    );
    let Value::Set(ints) = value(&ks, 0, "set:intset") else {
        panic!("set:intset is not a set")
    };
    let members: Vec<&[u8]> = ints.iter().map(|m| m.as_bytes()).collect();
    assert_eq!(
        members,
        [&b"-5"[..], b"1", b"2", b"3", b"100000", b"5000000000"]
    );
    let Value::ZSet(z) = value(&ks, 0, "z:listpack") else {
        panic!("z:listpack is not a zset")
    };
    let scores: Vec<(&[u8], f64)> = z.iter().map(|(m, s)| (m.as_bytes(), s)).collect();
    assert_eq!(
        scores,
        [
            (&b"c"[..], f64::NEG_INFINITY),
            (b"d", 0.1),
            (b"a", 1.0),
            (b"b", 2.5),
            (b"e", 1e17)
        ]
    );
    let Value::ZSet(z) = value(&ks, 0, "z:skiplist") else {
        panic!("z:skiplist is not a zset")
    };
    assert_eq!((z.len(), z.score(b"m149")), (150, Some(223.5)));
}

#[test]
fn fixtures_without_extra_opcodes_reencode_byte_for_byte() {
    for name in ["all-types.rdb", "empty.rdb", "replication.rdb"] {
        let bytes = fixture(name);
        let (ks, aux) = rdb::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            rdb::encode(&ks, &aux, 0) == bytes,
            "{name} re-encodes differently"
        );
    }
}

#[test]
fn function_libraries_and_eviction_hints_are_skipped() {
    for name in ["functions.rdb", "lru.rdb", "lfu.rdb"] {
        let (ks, _) = rdb::decode(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(value(&ks, 0, "k"), &Value::Str(Sds::from("v")), "{name}");
        assert_eq!(ks.key_count(), 3, "{name}");
    }
}

#[test]
fn the_replication_dump_carries_the_replication_fields() {
    let (ks, aux) = rdb::decode(&fixture("replication.rdb")).unwrap();
    assert_eq!(aux.repl_id.len(), 40);
    assert!(aux.repl_offset > 0);
    assert_eq!(aux.repl_stream_db, 2);
    assert_eq!(ks.dbs[2].len(), 1);
}

#[test]
fn damaged_fixtures_are_errors_not_panics() {
    for name in FIXTURES {
        let good = fixture(name);
        // Every position for the small files; a sample of the large one.
        let step = (good.len() / 2000).max(1);
        for i in (0..good.len()).step_by(step) {
            assert!(rdb::decode(&good[..i]).is_err(), "{name} cut at {i}");
            let mut bad = good.clone();
            bad[i] ^= 0x10;
            assert!(rdb::decode(&bad).is_err(), "{name} with byte {i} flipped");
        }
    }
}
