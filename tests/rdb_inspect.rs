//! The RDB inspector (`replscope::rdb::inspect`) on files real redis-server
//! 7.0.15 wrote: every item has its byte range, the items tile the file,
//! the keys are the keys a load finds, and each key's type and encoding is
//! what the real server says of it (`TYPE`, `OBJECT ENCODING`).

mod rdb_support;
mod support;

use rdb_support::fixture;
use replscope::rdb;
use replscope::rdb::inspect::{inspect, Inspection, What};
use replscope::resp::Frame;
use support::RealRedis;

/// The items start at 0, follow each other with no gap and end where the
/// checksum ends, which for these files is the end of the file.
fn assert_tiles(seen: &Inspection, len: usize, name: &str) {
    assert_eq!(seen.items.first().map(|s| s.start), Some(0), "{name}");
    for pair in seen.items.windows(2) {
        assert_eq!(
            pair[0].end, pair[1].start,
            "{name}: {} then {}",
            pair[0], pair[1]
        );
    }
    assert_eq!(seen.items.last().map(|s| s.end), Some(len), "{name}");
}

fn keys(seen: &Inspection) -> Vec<(usize, String, &'static str, &'static str)> {
    seen.items
        .iter()
        .filter_map(|s| match &s.what {
            What::Key {
                db,
                key,
                value_type,
                encoding,
                skipped: false,
                ..
            } => Some((*db, key.clone(), *value_type, *encoding)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_fixture_is_tiled_by_its_items() {
    for name in [
        "all-types.rdb",
        "empty.rdb",
        "functions.rdb",
        "lfu.rdb",
        "lru.rdb",
        "replication.rdb",
    ] {
        let file = fixture(name);
        let seen = inspect(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(seen.version, 10, "{name}");
        assert_tiles(&seen, file.len(), name);
        let (ks, _) = rdb::decode(&file).expect("loads");
        let loaded: usize = ks.dbs.iter().map(|d| d.dict.len()).sum();
        assert_eq!(keys(&seen).len(), loaded, "{name}");
        let Some(What::Checksum { stored, computed }) = seen.items.last().map(|s| &s.what) else {
            panic!("{name}: no checksum last");
        };
        assert_eq!(stored, computed, "{name}");
    }
}

#[test]
fn the_aux_fields_of_a_replication_snapshot_in_the_order_written() {
    let seen = inspect(&fixture("replication.rdb")).expect("good file");
    let aux: Vec<&str> = seen
        .items
        .iter()
        .filter_map(|s| match &s.what {
            What::Aux { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        aux,
        [
            "redis-ver",
            "redis-bits",
            "ctime",
            "used-mem",
            "repl-stream-db",
            "repl-id",
            "repl-offset",
            "aof-base"
        ]
    );
    let ver = seen.items.iter().find_map(|s| match &s.what {
        What::Aux { name, value } if name == "redis-ver" => Some(value.clone()),
        _ => None,
    });
    assert_eq!(ver.as_deref(), Some("\"7.0.15\""));
}

fn run(r: &mut RealRedis, argv: &[&str]) {
    if let Frame::Error(e) = r.cmd(argv) {
        panic!("{argv:?}: {e}");
    }
}

fn bulk(f: Frame) -> String {
    match f {
        Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        Frame::Simple(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn types_and_encodings_are_what_the_real_server_says() {
    let mut r = RealRedis::start(&[]);
    run(&mut r, &["SET", "s:int", "12345"]);
    run(&mut r, &["SET", "s:raw", "hello"]);
    run(&mut r, &["SET", "s:lzf", &"a".repeat(100)]);
    run(&mut r, &["RPUSH", "l", "a", "b", "c"]);
    run(&mut r, &["HSET", "h:small", "f", "v"]);
    run(&mut r, &["HSET", "h:big", "f", &"v".repeat(100)]);
    run(&mut r, &["SADD", "set:int", "1", "2", "3"]);
    run(&mut r, &["SADD", "set:str", "a", "b"]);
    run(&mut r, &["ZADD", "z:small", "1", "a"]);
    run(&mut r, &["ZADD", "z:big", "1", &"m".repeat(100)]);
    run(&mut r, &["SET", "ttl", "v", "PX", "600000"]);
    run(&mut r, &["SAVE"]);
    let file = std::fs::read(r.dir.join("dump.rdb")).expect("dump.rdb after SAVE");
    let seen = inspect(&file).expect("a real dump");
    assert_tiles(&seen, file.len(), "live dump");
    let found = keys(&seen);
    assert_eq!(found.len(), 11, "{found:?}");
    for (_, key, value_type, encoding) in &found {
        let name = key.trim_matches('"');
        assert_eq!(bulk(r.cmd(&["TYPE", name])), *value_type, "{key}");
        if *value_type != "string" {
            assert_eq!(
                bulk(r.cmd(&["OBJECT", "ENCODING", name])),
                *encoding,
                "{key}"
            );
        }
    }
    let string_encoding = |k: &str| {
        found
            .iter()
            .find(|f| f.1 == format!("\"{k}\""))
            .map(|f| f.3)
    };
    assert_eq!(string_encoding("s:int"), Some("int16"));
    assert_eq!(string_encoding("s:raw"), Some("raw"));
    assert_eq!(string_encoding("s:lzf"), Some("lzf"));
    let ttl = seen.items.iter().find_map(|s| match &s.what {
        What::Key { key, expire_ms, .. } if key == "\"ttl\"" => Some(*expire_ms),
        _ => None,
    });
    let pttl_at = support::unix_now_ms() + 600_000;
    let at = ttl.flatten().expect("the TTL key has an expiry");
    assert!(
        (pttl_at - at).abs() < 60_000,
        "expiry {at} vs about {pttl_at}"
    );
}
