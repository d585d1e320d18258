//! Malformed input at every boundary a person (or a file) can reach:
//!
//! - the console line: redis-cli splitting ([`split_args`]), the simulator's
//!   own checks ([`Sim::command`]), and the commands' argument checks, whose
//!   error replies must be exactly real Redis 7.0.15's (the same lines run
//!   on a real redis-server here);
//! - scenario files ([`scenario::parse`]): an error with its line, column
//!   and a message, before anything runs;
//! - RDB files ([`rdb::decode`]): bad magic, a version 7.0 refuses, every
//!   truncation of a real dump, a corrupted checksum, an unknown type;
//! - the page's boundary ([`Playground`]): its console, its script box and
//!   share links (the URL import, [`share::parse`]).
//!
//! Each answers with a clear error and leaves the previous state intact:
//! the simulator's nodes (keyspace, replication state, configuration) and
//! the real server's data (`DEBUG DIGEST`) are compared before and after.

mod support;

use replscope::cli::split_args;
use replscope::playground::{share, Playground};
use replscope::rdb;
use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::scenario;
use support::RealRedis;

/// Everything about the simulator's nodes that a rejected input must not
/// change: data, replication state, configuration.
fn fingerprint(sim: &Sim) -> String {
    sim.node_names()
        .iter()
        .filter_map(|n| sim.node(n))
        .map(|n| {
            format!(
                "{:?}|{:?}|{:?}",
                n.server.keyspace.dbs, n.repl, n.server.config
            )
        })
        .collect()
}

fn argv(line: &str) -> Vec<Vec<u8>> {
    split_args(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// A master `A` with a replica `B`, synced, holding one key of each type.
fn world() -> Sim {
    let mut sim = Sim::new(42);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    for line in SETUP {
        sim.command("A", argv(line)).unwrap();
    }
    sim.command("B", argv("REPLICAOF A")).unwrap();
    sim.settle().unwrap();
    sim
}

/// The data both sides start from.
const SETUP: &[&str] = &[
    "SET s abc",
    "SET n 9223372036854775807",
    "RPUSH l a b c",
    "HSET h f v",
    "SADD st x y",
    "ZADD z 1 m",
];

/// Console lines that real Redis rejects with an error reply. Each must get
/// the very same reply from the simulator and change nothing.
const REJECTED: &[&str] = &[
    "GET",
    "SET k",
    "NOSUCHCMD a b",
    "SET k v EX abc",
    "SET k v EX -5",
    "SET k v EX 0",
    "SET k v NX XX",
    "SET k v KEEPTTL EX 10",
    "SET k v PX 99999999999999999999",
    "INCR s",
    "INCR n",
    "INCRBY s 1",
    "INCRBYFLOAT s 1",
    "INCRBYFLOAT n abc",
    "DECRBY n abc",
    "APPEND l x",
    "LPUSH s x",
    "HSET s f v",
    "SADD s x",
    "ZADD s 1 m",
    "ZADD z abc m",
    "ZADD z NX XX 1 m",
    "ZADD z 1",
    "ZINCRBY z abc m",
    "HSET h f",
    "HINCRBY h f 1",
    "SPOP st -1",
    "EXPIRE s abc",
    "PEXPIRE s 9223372036854775807",
    "GETEX s EX 0",
    "GETEX s PERSIST EX 5",
    "SETEX k 0 v",
    "SETRANGE s -1 x",
    "SELECT 16",
    "SELECT -1",
    "SELECT abc",
    "EXEC",
    "DISCARD",
    "LRANGE l a b",
    "LSET l 99 x",
    "LSET nokey 0 x",
    "RENAME nokey other",
    "ZRANGE z 0 -1 BYSCORE REV LIMIT a b",
    "ZRANGEBYSCORE z abc 1",
    "CONFIG SET repl-backlog-size abc",
    "CONFIG SET no-such-parameter 1",
    "CONFIG GET",
    "CONFIG NOSUCH",
    "DEBUG NOSUCH",
    "WAIT a b",
    "MSET a",
    "SCAN abc",
];

/// The real server's view of the same lines: its reply to each, and
/// whether its data changed (`DEBUG DIGEST` before and after).
fn real_replies() -> Vec<Frame> {
    let mut real = RealRedis::start(&["--enable-debug-command", "yes"]);
    for line in SETUP {
        real.cmd(&argv(line));
    }
    REJECTED
        .iter()
        .map(|line| {
            let before = real.cmd(&["DEBUG", "DIGEST"]);
            let reply = real.cmd(&argv(line));
            assert_eq!(
                real.cmd(&["DEBUG", "DIGEST"]),
                before,
                "real Redis changed its data on {line}"
            );
            reply
        })
        .collect()
}

#[test]
fn rejected_commands_answer_like_real_redis_and_change_nothing() {
    let expected = real_replies();
    let mut sim = world();
    for (line, want) in REJECTED.iter().zip(&expected) {
        assert!(want.is_error(), "real Redis accepted {line}: {want:?}");
        let before = fingerprint(&sim);
        let got = sim
            .command("A", argv(line))
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(&got, want, "reply to {line}");
        assert_eq!(fingerprint(&sim), before, "{line} changed the world");
    }
}

#[test]
fn a_transaction_with_a_rejected_command_is_aborted_whole() {
    let mut sim = world();
    let before = fingerprint(&sim);
    assert_eq!(sim.command("A", argv("MULTI")).unwrap(), Frame::ok());
    assert_eq!(
        sim.command("A", argv("SET s changed")).unwrap(),
        Frame::Simple("QUEUED".into())
    );
    assert_eq!(
        sim.command("A", argv("SET k")).unwrap(),
        Frame::err("ERR wrong number of arguments for 'set' command")
    );
    assert_eq!(
        sim.command("A", argv("EXEC")).unwrap(),
        Frame::err("EXECABORT Transaction discarded because of previous errors.")
    );
    assert_eq!(fingerprint(&sim), before);
    assert_eq!(sim.command("A", argv("GET s")).unwrap(), Frame::bulk("abc"));
}

#[test]
fn writes_on_a_read_only_replica_are_refused_and_change_nothing() {
    let mut sim = world();
    let before = fingerprint(&sim);
    for line in ["SET s x", "DEL l", "FLUSHALL", "INCR n"] {
        assert_eq!(
            sim.command("B", argv(line)).unwrap(),
            Frame::err("READONLY You can't write against a read only replica."),
            "{line}"
        );
    }
    assert_eq!(fingerprint(&sim), before);
}

#[test]
fn lines_redis_cli_cannot_split_never_reach_a_node() {
    let cases = [
        (
            "SET k \"unbalanced",
            "Invalid argument(s): unbalanced double quotes",
        ),
        (
            "SET k 'unbalanced",
            "Invalid argument(s): unbalanced single quotes",
        ),
        (
            "SET k \"a\"b",
            "Invalid argument(s): closing quote must be followed by a space",
        ),
        (
            "SET k 'a'b",
            "Invalid argument(s): closing quote must be followed by a space",
        ),
    ];
    for (line, message) in cases {
        assert_eq!(split_args(line), Err(message.to_string()), "{line}");
    }
    assert_eq!(split_args("   "), Ok(vec![]));
}

#[test]
fn simulator_input_errors_are_values_with_actionable_messages() {
    let mut sim = world();
    let before = fingerprint(&sim);
    let messages = [
        sim.command("A", vec![]).unwrap_err().to_string(),
        sim.command("Z", argv("GET s")).unwrap_err().to_string(),
        sim.command("B", argv("REPLICAOF nosuchnode"))
            .unwrap_err()
            .to_string(),
        sim.add_node("A").unwrap_err().to_string(),
        sim.add_node("bad name").unwrap_err().to_string(),
        sim.add_node("").unwrap_err().to_string(),
        sim.link_down("A", "A").unwrap_err().to_string(),
        sim.link_up("A", "Q").unwrap_err().to_string(),
        sim.set_bandwidth("A", "B", Some(0))
            .unwrap_err()
            .to_string(),
        sim.set_latency_ms("Q", "B", 5).unwrap_err().to_string(),
        sim.remove_node("Q").unwrap_err().to_string(),
    ];
    assert_eq!(
        messages,
        [
            "empty command",
            "no node named 'Z'",
            "no node named 'nosuchnode'",
            "a node named 'A' already exists",
            "bad node name 'bad name': use 1 to 64 letters, digits, '-' or '_'",
            "bad node name '': use 1 to 64 letters, digits, '-' or '_'",
            "a link needs two different nodes, got 'A' twice",
            "no node named 'Q'",
            "bandwidth must be at least 1 byte per second",
            "no node named 'Q'",
            "no node named 'Q'",
        ]
    );
    assert_eq!(fingerprint(&sim), before);
    assert_eq!(sim.node_names(), ["A", "B"]);
}

/// Malformed scripts and what the parser must say: line, column, message.
const BAD_SCRIPTS: &[(&str, &str)] = &[
    ("frobnicate A", "line 1, column 1: unknown directive 'frobnicate' (expected node, wait, settle, link, expect, step, phase, resync, load, remove node, or NODE> command)"),
    ("node A\nnode A", "line 2, column 6: node 'A' is already declared"),
    ("node A\nB> GET x", "line 2, column 1: no node named 'B' (declare it first with 'node B')"),
    ("node A\nA> SET k \"unbalanced", "line 2, column 10: unbalanced double quotes"),
    ("node A\nwait soon", "line 2, column 6: 'soon' is not a whole number"),
    ("node A\nwait -5", "line 2, column 6: '-5' is not a whole number"),
    ("node A\nnode B\nlink A B sideways", "line 3, column 10: unknown link change 'sideways': expected 'link A B down|up|latency MS|bandwidth BYTES_PER_S'"),
    ("node A\nnode B\nlink A B latency", "line 3, column 17: missing value after 'latency'"),
    ("node A\nnode B\nlink A C down", "line 3, column 8: no node named 'C' (declare it first with 'node C')"),
    ("node A\nexpect A> GET k", "line 2, column 16: missing '=>' and the expected reply"),
    ("node A\nA>", "line 2, column 3: missing command after 'A>'"),
    ("node A\nsettle now", "line 2, column 8: unexpected 'now' at the end of the line"),
    ("node A\nnode B\nB> REPLICAOF C", "line 3, column 14: no node named 'C': REPLICAOF names a node declared with 'node NAME' (or NO ONE)"),
];

#[test]
fn malformed_scripts_report_line_and_column_before_anything_runs() {
    for (text, message) in BAD_SCRIPTS {
        let err = scenario::parse(text).expect_err(text);
        assert_eq!(err.to_string(), *message, "{text:?}");
    }
}

#[test]
fn a_script_that_fails_to_parse_leaves_the_world_untouched() {
    let mut sim = world();
    let before = (fingerprint(&sim), sim.trace_hash(), sim.inputs().len());
    // Line 3 is wrong, so lines 1 and 2 must not have run either.
    let text = "A> SET s overwritten\nA> FLUSHALL\nlink A B sideways\n";
    let full = format!("node A\nnode B\n{text}");
    assert!(scenario::parse(&full).is_err());
    assert_eq!(
        (fingerprint(&sim), sim.trace_hash(), sim.inputs().len()),
        before
    );
    assert_eq!(sim.command("A", argv("GET s")).unwrap(), Frame::bulk("abc"));
}

/// A real 7.0.15 dump with every type, an expiry and two databases.
fn real_dump() -> Vec<u8> {
    let mut real = RealRedis::start(&[]);
    for line in SETUP.iter().chain(&[
        "SET t v EX 1000",
        "SELECT 2",
        "SET other db",
        "SET big \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    ]) {
        real.cmd(&argv(line));
    }
    assert_eq!(real.cmd(&["SAVE"]), Frame::ok());
    std::fs::read(real.dir.join("dump.rdb")).expect("dump.rdb written")
}

#[test]
fn every_truncation_of_a_real_dump_is_an_error_not_a_panic() {
    let dump = real_dump();
    let (ks, _) = rdb::decode(&dump).expect("the whole dump loads");
    assert_eq!(ks.key_count(), 9);
    for cut in 0..dump.len() {
        let err = rdb::decode(&dump[..cut]).expect_err("a truncated dump must not load");
        assert!(
            err.offset <= cut,
            "offset {} past the end {cut}",
            err.offset
        );
        assert!(!err.message.is_empty());
    }
}

#[test]
fn bad_rdb_headers_checksums_and_types_are_errors_with_offsets() {
    let dump = real_dump();
    let mut bad_magic = dump.clone();
    bad_magic[..5].copy_from_slice(b"RADIS");
    let mut version_11 = dump.clone();
    version_11[5..9].copy_from_slice(b"0011");
    let mut bad_crc = dump.clone();
    let last = bad_crc.len() - 1;
    bad_crc[last] ^= 0xff;
    for (name, bytes) in [
        ("magic", &bad_magic),
        ("version 11", &version_11),
        ("checksum", &bad_crc),
    ] {
        let err = rdb::decode(bytes).expect_err(name);
        assert!(!err.message.is_empty(), "{name}");
        assert!(
            err.to_string().starts_with("RDB error at byte "),
            "{name}: {err}"
        );
    }
    assert_eq!(rdb::decode(&version_11).unwrap_err().offset, 5);
    assert_eq!(rdb::decode(b"").unwrap_err().offset, 0);
    assert!(rdb::decode(b"REDIS0010\xff").is_err(), "no checksum");
    // An unknown value type right after the header (CRC 0 = unchecked).
    let unknown = b"REDIS0010\xfe\x00\x63\x01k\x01v\xff\x00\x00\x00\x00\x00\x00\x00\x00";
    let err = rdb::decode(unknown).unwrap_err();
    assert_eq!(err.offset, 11, "{err}");
    assert_eq!(err.message, "unknown value type 99");
}

/// The page's console: a line redis-cli cannot split prints what redis-cli
/// prints and runs nothing; an unknown node is an error; the world is as before.
#[test]
fn the_page_console_rejects_bad_lines_without_running_anything() {
    let mut pg = Playground::new(7);
    pg.add_node("A").unwrap();
    pg.console("A", "SET s abc").unwrap();
    let before = (fingerprint(pg.sim()), pg.sim().inputs().len());
    let reply = pg.console("A", "SET k \"unbalanced").unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.error),
        ("Invalid argument(s)", true)
    );
    let reply = pg.console("A", "GET").unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.error),
        (
            "(error) ERR wrong number of arguments for 'get' command",
            true
        )
    );
    assert_eq!(
        pg.console("Z", "GET s").unwrap_err().to_string(),
        "no node named 'Z'"
    );
    assert_eq!(fingerprint(pg.sim()), before.0);
    assert_eq!(pg.console("A", "GET s").unwrap().text, "\"abc\"");
}

/// The page's script box: a script that does not parse is refused whole,
/// and the world that was there stays.
#[test]
fn the_page_keeps_its_world_when_a_script_does_not_parse() {
    let mut pg = Playground::new(7);
    pg.add_node("A").unwrap();
    pg.console("A", "SET s abc").unwrap();
    let before = (fingerprint(pg.sim()), pg.sim().trace_hash());
    let err = pg
        .run_script("node A\nA> FLUSHALL\nlink A B sideways")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "script error: line 3, column 8: no node named 'B' (declare it first with 'node B')"
    );
    assert_eq!((fingerprint(pg.sim()), pg.sim().trace_hash()), before);
}

/// Share links (the URL import): every kind of damage is named.
#[test]
fn damaged_share_links_say_what_is_wrong() {
    let script = share::encode(b"node A\nA> SET k v\n");
    let cases = [
        ("", "this share link is damaged: it has no seed= part"),
        ("#script=", "this share link is damaged: it has no seed= part"),
        ("seed=x", "this share link is damaged: the seed must be a whole number from 0 to 9007199254740991, not 'x'"),
        ("seed=9007199254740992", "this share link is damaged: the seed must be a whole number from 0 to 9007199254740991, not '9007199254740992'"),
        ("seed=1&colour=red", "this share link is damaged: unknown part 'colour' (expected seed= and script=)"),
        ("seed=1&script=/+", "this share link is damaged: the script has '/' at character 1, which base64url does not use"),
        ("seed=1&script=_w", "this share link is damaged: the script is not UTF-8 text (bad byte at 0)"),
    ];
    for (fragment, message) in cases {
        let err = share::parse(fragment).expect_err(fragment);
        assert_eq!(err.to_string(), message, "{fragment}");
        assert!(Playground::from_share(fragment).is_err(), "{fragment}");
    }
    let good = format!("seed=5&script={script}");
    let (pg, report) = Playground::from_share(&good).expect("a good link loads");
    assert_eq!((pg.sim().seed(), report.error), (5, None));
    let bad_script = format!("seed=5&script={}", share::encode(b"node A\nnode A\n"));
    assert_eq!(
        Playground::from_share(&bad_script).unwrap_err().to_string(),
        "script error: line 2, column 6: node 'A' is already declared"
    );
}
