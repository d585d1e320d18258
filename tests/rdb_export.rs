//! `replscope rdb save`'s code (`Node::export_rdb`) against a real
//! redis-server 7.0.15: the same commands run on the simulator and on a
//! real server; the simulator's RDB, loaded by a second real server at
//! start-up, gives the same `DEBUG DIGEST` (every key, type, value and
//! whether it has a TTL) as the server that ran the commands. With the
//! clock moved to the present every TTL survives the load; on the
//! simulator's own clock, which starts in the past, they have all expired.

mod support;

use replscope::net::unix_ms;
use replscope::repl::snapshot::ExportClock;
use replscope::resp::Frame;
use replscope::scenario;
use replscope::sim::Sim;
use std::time::Duration;
use support::RealRedis;

/// Writes of every type in every encoding 7.0 picks with default settings.
fn commands() -> Vec<Vec<String>> {
    let many = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut push = |head: &[&str], tail: Vec<String>| {
        out.push(head.iter().map(|s| s.to_string()).chain(tail).collect());
    };
    push(&["SET", "s:int", "12345"], vec![]);
    push(&["SET", "s:embstr", "hello"], vec![]);
    push(&["SET", "s:lzf", &"ab".repeat(60)], vec![]);
    push(&["SET", "s:ttl", "v", "PX", "3600000"], vec![]);
    push(&["RPUSH", "l:small", "a", "b", "1"], vec![]);
    push(&["RPUSH", "l:big"], many("element-with-some-length-", 600));
    push(&["HSET", "h:small", "f", "v", "n", "1"], vec![]);
    push(&["HSET", "h:big"], many("f", 1200));
    push(&["SADD", "set:int", "1", "2", "-3"], vec![]);
    push(&["SADD", "set:str", "a", "b"], vec![]);
    push(&["SADD", "set:bigint"], many("", 600));
    push(&["ZADD", "z:small", "1", "a", "2.5", "b"], vec![]);
    let mut big = Vec::new();
    for i in 0..200 {
        big.push(format!("{}", i as f64 / 7.0));
        big.push(format!("m{i}"));
    }
    push(&["ZADD", "z:big"], big);
    push(&["SETBIT", "bits", "100", "1"], vec![]);
    push(&["PFADD", "hll", "a", "b", "c"], vec![]);
    push(&["EXPIRE", "h:small", "7200"], vec![]);
    push(&["SELECT", "3"], vec![]);
    push(&["SET", "db3:k", "v"], vec![]);
    out
}

fn script() -> String {
    let mut text = String::from("node A\n");
    for argv in commands() {
        text.push_str(&format!("A> {}\n", argv.join(" ")));
    }
    text
}

fn digest(r: &mut RealRedis) -> String {
    match r.cmd(&["DEBUG", "DIGEST"]) {
        Frame::Simple(s) => s,
        Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        other => panic!("DEBUG DIGEST: {other:?}"),
    }
}

/// A real server that loads `bytes` as its dump.rdb at start-up.
fn loading(bytes: &[u8]) -> RealRedis {
    let dir = std::env::temp_dir().join(format!(
        "replscope-export-{}-{}",
        std::process::id(),
        support::free_port()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("dump.rdb"), bytes).expect("write dump.rdb");
    let path = dir.to_string_lossy().into_owned();
    let mut r = RealRedis::start(&[
        "--dir",
        &path,
        "--dbfilename",
        "dump.rdb",
        "--enable-debug-command",
        "yes",
    ]);
    let ready = r.wait_until(Duration::from_secs(30), |r| {
        r.cmd(&["PING"]) == Frame::Simple("PONG".into())
    });
    assert!(ready, "the server did not finish loading");
    // The server runs in our directory: let it remove that one when it
    // stops, and the harness's own (unused) one now.
    let _ = std::fs::remove_dir_all(&r.dir);
    r.dir = dir;
    r
}

#[test]
fn an_exported_rdb_loads_in_real_redis_with_the_same_digest() {
    let mut real = RealRedis::start(&["--enable-debug-command", "yes"]);
    for argv in commands() {
        if let Frame::Error(e) = real.cmd(&argv) {
            panic!("{argv:?}: {e}");
        }
    }
    let mut sim = Sim::new(0);
    let parsed = scenario::parse(&script()).expect("the script parses");
    let summary = scenario::run(&parsed, &mut sim, &mut |_| {}).expect("the script runs");
    assert!(summary.failures.is_empty());
    let node = sim.node("A").expect("node A");
    let virtual_ms = unix_ms(sim.now_ms());
    let now = support::unix_now_ms();

    let mut moved = loading(&node.export_rdb(virtual_ms, ExportClock::Present(now)));
    assert_eq!(digest(&mut moved), digest(&mut real));
    let ttl = |r: &mut RealRedis, key: &str| match r.cmd(&["PTTL", key]) {
        Frame::Integer(n) => n,
        other => panic!("PTTL {key}: {other:?}"),
    };
    let left = ttl(&mut moved, "s:ttl");
    assert!(
        (3_500_000..=3_600_000).contains(&left),
        "PTTL s:ttl = {left}"
    );

    // On the virtual clock the same file holds expiries long past: a
    // master loading it drops those keys.
    let mut old = loading(&node.export_rdb(virtual_ms, ExportClock::Virtual));
    assert_eq!(ttl(&mut old, "s:ttl"), -2);
    assert_eq!(ttl(&mut old, "h:small"), -2);
    assert_eq!(old.cmd(&["EXISTS", "s:int"]), Frame::Integer(1));
}
