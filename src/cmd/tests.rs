//! Golden tests of `process`: for every 7.0 rewrite rule, the exact RESP
//! bytes that go into the replication stream (each expected value was read
//! from a real 7.0.15 master's stream, with the clock pinned here to
//! `NOW`), plus the gate, MULTI, replica expiry and active expiry.

use crate::resp::{encode_command, Frame};
use crate::server::{Client, Gate, Outcome, Propagated, Server};

/// A fixed virtual time: Unix ms.
const NOW: i64 = 1_700_000_000_000;

fn server() -> Server {
    Server::new("a".repeat(40), NOW)
}

fn argv(line: &str) -> Vec<Vec<u8>> {
    crate::cli::split_args(line).unwrap_or_default()
}

/// Runs `line` and returns (reply, the propagated commands as RESP bytes).
fn run_at(s: &mut Server, c: &mut Client, line: &str, now: i64, gate: &Gate) -> (Frame, Vec<u8>) {
    match s.process(c, argv(line), now, gate) {
        Outcome::Done { reply, propagate } => {
            let bytes = propagate
                .iter()
                .flat_map(|p| encode_command(&p.argv))
                .collect();
            (reply, bytes)
        }
        Outcome::Repl(a) | Outcome::Exec { argv: a, .. } => {
            (Frame::err(format!("repl {a:?}")), Vec::new())
        }
    }
}

fn run(s: &mut Server, c: &mut Client, line: &str) -> (Frame, Vec<u8>) {
    run_at(s, c, line, NOW, &Gate::default())
}

/// The RESP bytes of several commands written as lines.
fn resp(lines: &[&str]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| encode_command(&argv(l)))
        .collect()
}

/// Asserts what each command propagates, given as (command, expected lines).
fn check(s: &mut Server, c: &mut Client, cases: &[(&str, &[&str])]) {
    for (cmd, expected) in cases {
        let (reply, bytes) = run(s, c, cmd);
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            String::from_utf8_lossy(&resp(expected)),
            "{cmd} (reply {reply:?})"
        );
    }
}

#[test]
fn set_family_rewrites() {
    let (mut s, mut c) = (server(), Client::normal());
    check(
        &mut s,
        &mut c,
        &[
            ("set k v", &["set k v"]),
            ("set k v2 nx", &[]),
            ("set k2 v xx", &[]),
            ("set k v3 get", &["set k v3"]),
            ("set k v4 keepttl GET get", &["set k v4 keepttl"]),
            ("set k v5 ex 100", &["SET k v5 PXAT 1700000100000"]),
            ("set k v6 px 1500 xx get", &["SET k v6 PXAT 1700000001500"]),
            ("set k v7 exat 4000000000", &["SET k v7 PXAT 4000000000000"]),
            (
                "set k v8 pxat 4000000000123",
                &["SET k v8 PXAT 4000000000123"],
            ),
            ("setex k 100 v", &["SET k v PXAT 1700000100000"]),
            ("psetex k 100 v", &["SET k v PXAT 1700000000100"]),
            ("setnx k v", &[]),
            ("setnx k3 v", &["setnx k3 v"]),
            ("getset k3 w", &["SET k3 w"]),
            ("getdel k3", &["DEL k3"]),
            ("getdel k3", &[]),
        ],
    );
}

#[test]
fn getex_and_expire_rewrites() {
    let (mut s, mut c) = (server(), Client::normal());
    run(&mut s, &mut c, "set k v");
    check(
        &mut s,
        &mut c,
        &[
            ("getex k", &[]),
            ("getex k ex 100", &["PEXPIREAT k 1700000100000"]),
            ("getex k pxat 4000000000123", &["PEXPIREAT k 4000000000123"]),
            ("getex k persist", &["PERSIST k"]),
            ("getex k persist", &[]),
            ("expire k 100", &["PEXPIREAT k 1700000100000"]),
            ("pexpire k 100", &["PEXPIREAT k 1700000000100"]),
            ("expireat k 4000000000", &["PEXPIREAT k 4000000000000"]),
            ("pexpireat k 4000000000123", &["pexpireat k 4000000000123"]),
            ("expire k 100 nx", &[]),
            ("expire k 100 xx", &["PEXPIREAT k 1700000100000 xx"]),
            ("expire k 10 gt", &[]),
            ("expire k 10 LT", &["PEXPIREAT k 1700000010000 LT"]),
            ("persist k", &["persist k"]),
            ("persist k", &[]),
            ("expire nokey 10", &[]),
            ("expire k -1", &["DEL k"]),
            ("set k v", &["set k v"]),
            ("getex k exat 1", &["DEL k"]),
        ],
    );
}

#[test]
fn counters_and_containers_rewrites() {
    let (mut s, mut c) = (server(), Client::normal());
    check(
        &mut s,
        &mut c,
        &[
            ("set f 0.1", &["set f 0.1"]),
            ("incrbyfloat f 0.2", &["SET f 0.3 KEEPTTL"]),
            ("incrbyfloat f 0", &["SET f 0.3 KEEPTTL"]),
            ("incr n", &["incr n"]),
            ("del nokey", &[]),
            ("del nokey n", &["del nokey n"]),
            ("hset h f 1.5", &["hset h f 1.5"]),
            ("hset h f 1.5", &["hset h f 1.5"]),
            ("hincrbyfloat h f 1", &["HSET h f 2.5"]),
            ("hdel h nof", &[]),
            ("sadd s a", &["sadd s a"]),
            ("sadd s a", &[]),
            ("srem s z", &[]),
            ("spop s", &["SREM s a"]),
            ("sadd s 1 2 3", &["sadd s 1 2 3"]),
            ("spop s 3", &["DEL s"]),
            ("spop s 0", &[]),
            ("zadd z 1 a", &["zadd z 1 a"]),
            ("zadd z 1 a", &[]),
            ("zincrby z 0 a", &[]),
            ("zadd z gt 0 a", &[]),
            ("zincrby z 1 a", &["zincrby z 1 a"]),
            ("lpush l a", &["lpush l a"]),
            ("lpushx nol a", &[]),
            ("lpop l", &["lpop l"]),
            ("lpop l", &[]),
            ("ltrim nol 0 1", &[]),
            ("rename nokey x", &[]),
            ("set r 1", &["set r 1"]),
            ("rename r r", &[]),
            ("rename r r2", &["rename r r2"]),
            ("flushdb", &["flushdb"]),
            ("flushall async", &["flushall async"]),
            ("debug populate 5", &[]),
        ],
    );
}

#[test]
fn spop_with_count_sends_srem_per_member_in_multi() {
    let (mut s, mut c) = (server(), Client::normal());
    run(&mut s, &mut c, "sadd s a b c");
    let Outcome::Done {
        reply: Frame::Array(popped),
        propagate,
    } = s.process(&mut c, argv("spop s 2"), NOW, &Gate::default())
    else {
        panic!("spop failed")
    };
    assert_eq!(popped.len(), 2);
    let names: Vec<String> = propagate
        .iter()
        .map(|p| String::from_utf8_lossy(&p.argv[0]).into_owned())
        .collect();
    assert_eq!(names, ["MULTI", "SREM", "SREM", "EXEC"]);
    let srem_members: Vec<Frame> = propagate[1..3]
        .iter()
        .map(|p| Frame::bulk(&p.argv[2]))
        .collect();
    assert_eq!(srem_members, popped);
}

#[test]
fn multi_wraps_only_more_than_one_write() {
    let (mut s, mut c) = (server(), Client::normal());
    let lines = ["multi", "set x 1", "get x", "exec"];
    let results: Vec<_> = lines.iter().map(|l| run(&mut s, &mut c, l)).collect();
    assert_eq!(results[1].0, Frame::Simple("QUEUED".into()));
    assert_eq!(results[3].1, resp(&["set x 1"]));
    for l in ["multi", "set x 1", "select 5", "set y 2"] {
        run(&mut s, &mut c, l);
    }
    let Outcome::Done { propagate, .. } = s.process(&mut c, argv("exec"), NOW, &Gate::default())
    else {
        panic!("exec")
    };
    // MULTI carries the first write's db (the stream's SELECT 0 comes
    // before it), EXEC the last one's, so no SELECT precedes EXEC.
    assert_eq!(
        propagate,
        vec![
            Propagated::new(0, &["MULTI"]),
            Propagated::new(0, &["set", "x", "1"]),
            Propagated::new(5, &["set", "y", "2"]),
            Propagated::new(5, &["EXEC"]),
        ]
    );
    assert_eq!(c.db, 5);
    let (_, none) = {
        run(&mut s, &mut c, "multi");
        run(&mut s, &mut c, "get y");
        run(&mut s, &mut c, "exec")
    };
    assert!(none.is_empty());
}

#[test]
fn transaction_errors_match_redis() {
    let (mut s, mut c) = (server(), Client::normal());
    assert_eq!(
        run(&mut s, &mut c, "exec").0,
        Frame::err("ERR EXEC without MULTI")
    );
    assert_eq!(
        run(&mut s, &mut c, "discard").0,
        Frame::err("ERR DISCARD without MULTI")
    );
    run(&mut s, &mut c, "multi");
    assert_eq!(
        run(&mut s, &mut c, "multi").0,
        Frame::err("ERR MULTI calls can not be nested")
    );
    assert_eq!(
        run(&mut s, &mut c, "set x").0,
        Frame::err("ERR wrong number of arguments for 'set' command")
    );
    assert_eq!(
        run(&mut s, &mut c, "exec"),
        (
            Frame::err("EXECABORT Transaction discarded because of previous errors."),
            Vec::new()
        )
    );
    assert!(c.multi.is_none());
}

#[test]
fn expired_key_hit_by_a_write_sends_multi_del_write_exec() {
    let (mut s, mut c) = (server(), Client::normal());
    run(&mut s, &mut c, "set e v px 10");
    let later = Gate::default();
    let (reply, bytes) = run_at(&mut s, &mut c, "set e new", NOW + 20, &later);
    assert_eq!(reply, Frame::ok());
    assert_eq!(bytes, resp(&["MULTI", "DEL e", "set e new", "EXEC"]));
    run(&mut s, &mut c, "set g v px 10");
    assert_eq!(
        run_at(&mut s, &mut c, "get g", NOW + 20, &later),
        (Frame::Null, resp(&["DEL g"]))
    );
    assert_eq!(s.stats.expired_keys, 2);
}

#[test]
fn replicas_hide_but_never_delete_expired_keys() {
    let mut s = server();
    s.is_replica = true;
    let mut master = Client::master();
    let (_, sent) = run(&mut s, &mut master, "set e v PXAT 1700000000010");
    assert!(sent.is_empty(), "a replica propagates nothing of its own");
    let later = NOW + 20;
    let gate = Gate::default();
    let mut user = Client::normal();
    assert_eq!(
        run_at(&mut s, &mut user, "get e", later, &gate),
        (Frame::Null, Vec::new())
    );
    assert_eq!(
        run_at(&mut s, &mut user, "dbsize", later, &gate).0,
        Frame::Integer(1)
    );
    // The master's stream still sees the key (its DEL is on the way).
    assert_eq!(
        run_at(&mut s, &mut master, "append e x", later, &gate).0,
        Frame::Integer(2)
    );
    assert!(s.active_expire_cycle(later).is_empty());
    assert_eq!(s.keyspace.dbs[0].len(), 1);
    // An EXPIRE in the past on a replica sets the time instead of deleting.
    assert_eq!(
        run_at(&mut s, &mut master, "pexpireat e 1", later, &gate).0,
        Frame::Integer(1)
    );
    assert_eq!(s.keyspace.dbs[0].expire_at(b"e"), Some(1));
}

#[test]
fn gate_refuses_writes_and_stale_reads_with_its_text() {
    let (mut s, mut c) = (server(), Client::normal());
    let ro = "READONLY You can't write against a read only replica.";
    let gate = Gate {
        write_denied: Some(ro.into()),
        ..Gate::default()
    };
    assert_eq!(
        run_at(&mut s, &mut c, "set k v", NOW, &gate).0,
        Frame::err(ro)
    );
    assert_eq!(run_at(&mut s, &mut c, "get k", NOW, &gate).0, Frame::Null);
    run_at(&mut s, &mut c, "multi", NOW, &Gate::default());
    run_at(&mut s, &mut c, "set k v", NOW, &Gate::default());
    assert_eq!(
        run_at(&mut s, &mut c, "exec", NOW, &gate).0,
        Frame::err(format!("EXECABORT Transaction discarded because of: {ro}"))
    );
    let down = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    let stale = Gate {
        stale_denied: Some(down.into()),
        ..Gate::default()
    };
    assert_eq!(
        run_at(&mut s, &mut c, "ping", NOW, &stale).0,
        Frame::err(down)
    );
    // INFO is served stale, and run by the node (which owns its
    // replication section).
    assert_eq!(
        s.process(&mut c, argv("info"), NOW, &stale),
        Outcome::Repl(argv("info"))
    );
    let mut master = Client::master();
    assert_eq!(
        run_at(&mut s, &mut master, "set k v", NOW, &gate).0,
        Frame::ok()
    );
    assert!(matches!(
        s.process(&mut c, argv("replicaof no one"), NOW, &gate),
        Outcome::Repl(_)
    ));
    assert_eq!(
        run(&mut s, &mut c, "replicaof a"),
        (
            Frame::err("ERR wrong number of arguments for 'replicaof' command"),
            Vec::new()
        )
    );
}

#[test]
fn active_expiry_deletes_and_returns_unwrapped_dels() {
    let (mut s, mut c) = (server(), Client::normal());
    for i in 0..50 {
        run(
            &mut s,
            &mut c,
            &format!("set k{i} v px {}", if i % 2 == 0 { 10 } else { 100_000 }),
        );
    }
    run(&mut s, &mut c, "select 3");
    run(&mut s, &mut c, "set other v px 10");
    let dels = s.active_expire_cycle(NOW + 20);
    assert_eq!(dels.len(), 26);
    assert!(dels
        .iter()
        .all(|p| p.argv.len() == 2 && p.argv[0] == b"DEL"));
    assert_eq!(dels.last(), Some(&Propagated::new(3, &["DEL", "other"])));
    assert_eq!(s.keyspace.key_count(), 25);
    assert_eq!(s.stats.expired_keys, 26);
    assert!(s.active_expire_cycle(NOW + 20).is_empty());
}

#[test]
fn unknown_commands_quote_their_arguments() {
    let (mut s, mut c) = (server(), Client::normal());
    let (reply, _) = run(&mut s, &mut c, "foo a \"b\\r\\nc\"");
    assert_eq!(
        reply,
        Frame::err("ERR unknown command 'foo', with args beginning with: 'a' 'b  c' ")
    );
    let long = format!("foo {} b", "x".repeat(200));
    let Frame::Error(text) = run(&mut s, &mut c, &long).0 else {
        panic!("not an error")
    };
    assert_eq!(
        text,
        format!(
            "ERR unknown command 'foo', with args beginning with: '{}' ",
            "x".repeat(128)
        )
    );
}

#[test]
fn info_sections_follow_redis_layout() {
    let (mut s, mut c) = (server(), Client::normal());
    run(&mut s, &mut c, "set k v ex 100");
    let text = s.info(Some("keyspace"), NOW, "");
    assert_eq!(
        text,
        "# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=100000\r\n"
    );
    let default = s.info(None, NOW + 5000, "role:slave\r\nmaster_host:x");
    let titles: Vec<&str> = default.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        titles,
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Errorstats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert!(default.contains("\r\nuptime_in_seconds:5\r\n"));
    assert!(default.contains("\r\n# Replication\r\nrole:slave\r\nmaster_host:x\r\n\r\n# CPU"));
    assert_eq!(s.info(Some("nosuch"), NOW, ""), "");
    let stats = super::info_text(&s, &[b"stats", b"keyspace"], NOW, "");
    assert!(stats.starts_with("# Stats\r\n") && stats.contains("\r\n\r\n# Keyspace\r\n"));
    assert!(stats.contains("\r\ntotal_commands_processed:1\r\n"));
}

#[test]
fn commandstats_count_calls_rejections_and_failures() {
    let (mut s, mut c) = (server(), Client::normal());
    for line in ["set k v", "set k", "incr k", "get k", "get k"] {
        run(&mut s, &mut c, line);
    }
    let text = s.info(Some("commandstats"), NOW, "");
    assert_eq!(
        text,
        "# Commandstats\r\n\
         cmdstat_get:calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0\r\n\
         cmdstat_incr:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1\r\n\
         cmdstat_set:calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"
    );
    let errors = s.info(Some("errorstats"), NOW, "");
    assert_eq!(errors, "# Errorstats\r\nerrorstat_ERR:count=2\r\n");
}
