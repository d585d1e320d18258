//! Parser, printer and runner tests (the simulator-backed runs are in
//! `tests/cli.rs` and `tests/conformance.rs`).

use super::*;
use crate::resp::Frame;

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn cmd(node: &str, words: &[&str]) -> Command {
    Command {
        node: node.to_string(),
        argv: argv(words),
    }
}

fn command(node: &str, words: &[&str]) -> Action {
    Action::Input(Input::Command {
        node: node.to_string(),
        argv: argv(words),
    })
}

fn input(i: Input) -> Action {
    Action::Input(i)
}

fn actions(script: &Script) -> Vec<Action> {
    script.steps.iter().map(|s| s.action.clone()).collect()
}

fn error(text: &str) -> (usize, usize, String) {
    let e = parse(text).expect_err("should not parse");
    (e.line, e.column, e.message)
}

const ISSUE_EXAMPLE: &str = r#"# a comment
node A                     # a Redis 7.0 instance with default config
node B
B> REPLICAOF A             # any redis-cli command line, run on that node
A> SET foo "hello world"   # redis-cli quoting
wait 1500                  # advance virtual time (ms)
settle                     # run until quiet: nothing in flight, no BGSAVE,
                           # every connected replica online at its master's offset
link A B down              # cut the connection between A and B (both ways)
link A B up
link A B latency 20        # ms
link A B bandwidth 100000  # bytes per second
expect B> GET foo => "hello world"
"#;

#[test]
fn parses_the_issue_example() {
    let script = parse(ISSUE_EXAMPLE).unwrap();
    let link = |change| {
        Action::Input(Input::Link {
            a: "A".into(),
            b: "B".into(),
            change,
        })
    };
    assert_eq!(
        actions(&script),
        vec![
            input(Input::AddNode { name: "A".into() }),
            input(Input::AddNode { name: "B".into() }),
            command("B", &["REPLICAOF", "A"]),
            command("A", &["SET", "foo", "hello world"]),
            input(Input::RunFor { ms: 1500 }),
            input(Input::Settle),
            link(LinkChange::Down),
            link(LinkChange::Up),
            link(LinkChange::LatencyMs(20)),
            link(LinkChange::BandwidthBytesPerS(Some(100000))),
            Action::Expect {
                command: cmd("B", &["GET", "foo"]),
                matching: Match::Whole,
                expected: "\"hello world\"".into(),
            },
        ]
    );
    let lines: Vec<usize> = script.steps.iter().map(|s| s.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13]);
}

#[test]
fn parses_extensions_and_comment_edges() {
    let text = "node A\nnode B\nlink B A down oneway\nlink A B bandwidth unlimited\nstep\nstep 7\nphase\nphase 250\n\
                A>SET k \"#not a comment\" #comment\n\
                expect A> SET k \"a => b\" => OK # done\n\
                expect A> GET k =>\"x # y\"\n\
                expect A> INFO replication ~> role:master\n\
                expect A> SET k v => (error) READONLY You can't write against a read only replica.\n\
                remove node B\n";
    let script = parse(text).unwrap();
    assert_eq!(
        actions(&script),
        vec![
            input(Input::AddNode { name: "A".into() }),
            input(Input::AddNode { name: "B".into() }),
            Action::Input(Input::Link {
                a: "B".into(),
                b: "A".into(),
                change: LinkChange::DownOneWay
            }),
            Action::Input(Input::Link {
                a: "A".into(),
                b: "B".into(),
                change: LinkChange::BandwidthBytesPerS(None)
            }),
            input(Input::Steps { n: 1 }),
            input(Input::Steps { n: 7 }),
            input(Input::RunUntilPhaseChange { max_ms: 600_000 }),
            input(Input::RunUntilPhaseChange { max_ms: 250 }),
            command("A", &["SET", "k", "#not a comment"]),
            Action::Expect {
                command: cmd("A", &["SET", "k", "a => b"]),
                matching: Match::Whole,
                expected: "OK".into()
            },
            Action::Expect {
                command: cmd("A", &["GET", "k"]),
                matching: Match::Whole,
                expected: "\"x # y\"".into()
            },
            Action::Expect {
                command: cmd("A", &["INFO", "replication"]),
                matching: Match::Line,
                expected: "role:master".into()
            },
            Action::Expect {
                command: cmd("A", &["SET", "k", "v"]),
                matching: Match::Whole,
                expected: "(error) READONLY You can't write against a read only replica.".into()
            },
            input(Input::RemoveNode { name: "B".into() }),
        ]
    );
}

#[test]
fn reports_line_and_column() {
    let cases: &[(&str, (usize, usize, &str))] = &[
        ("node A\nfrob x", (2, 1, "unknown directive 'frob' (expected node, wait, settle, link, expect, step, phase, resync, load, remove node, or NODE> command)")),
        ("node A\n  B> GET x", (2, 3, "no node named 'B' (declare it first with 'node B')")),
        ("node A\nwait 1.5", (2, 6, "'1.5' is not a whole number")),
        ("wait", (1, 5, "missing a number after 'wait'")),
        ("wait 86400001", (1, 6, "'86400001' is too large (at most 86400000)")),
        ("settle now", (1, 8, "unexpected 'now' at the end of the line")),
        ("node A\nA> SET k \"abc", (2, 10, "unbalanced double quotes")),
        ("node A\nA> SET k 'it\\'s", (2, 10, "unbalanced single quotes")),
        ("node A\nA> SET k \"a\"b", (2, 13, "a closing quote must be followed by a space")),
        ("node A\nA>   # nothing", (2, 3, "missing command after 'A>'")),
        ("node A\n> GET k", (2, 1, "missing node name before '>'")),
        ("node A\nnode A", (2, 6, "node 'A' is already declared")),
        ("node A/B", (1, 7, "'/' is not allowed in a node name (use letters, digits, '_', '-')")),
        ("node A\nresync", (2, 7, "missing node name after 'resync'")),
        ("node A\nresync A now", (2, 10, "unexpected 'now' at the end of the line")),
        ("node", (1, 5, "missing node name after 'node'")),
        ("node A\nlink A A down", (2, 8, "a link joins two different nodes")),
        ("node A\nnode B\nlink A B sideways", (3, 10, "unknown link change 'sideways': expected 'link A B down|up|latency MS|bandwidth BYTES_PER_S'")),
        ("node A\nnode B\nlink A B latency", (3, 17, "missing value after 'latency'")),
        ("node A\nnode B\nlink A B bandwidth 0", (3, 20, "bandwidth must be at least 1 byte per second (or 'unlimited')")),
        ("node A\nnode B\nlink A", (3, 5, "expected 'link A B down|up|latency MS|bandwidth BYTES_PER_S'")),
        ("node A\nexpect A> GET k", (2, 16, "missing '=>' and the expected reply")),
        ("node A\nexpect A> GET k =>   ", (2, 19, "missing the expected reply after the arrow")),
        ("node A\nexpect GET k => OK", (2, 8, "expected 'NODE>' after 'expect'")),
        ("node A\nB> REPLICAOF A", (2, 1, "no node named 'B' (declare it first with 'node B')")),
        ("node A\nA> replicaof C", (2, 14, "no node named 'C': REPLICAOF names a node declared with 'node NAME' (or NO ONE)")),
        ("node A\nremove A", (2, 1, "expected 'remove node NAME'")),
        ("node A\nremove node A\nA> PING", (3, 1, "no node named 'A' (declare it first with 'node A')")),
        ("node A\nA> SET é \"é", (2, 10, "unbalanced double quotes")),
    ];
    for (text, (line, column, message)) in cases {
        assert_eq!(
            error(text),
            (*line, *column, message.to_string()),
            "script {text:?}"
        );
    }
    let e = parse("node A\nfrob").unwrap_err();
    assert_eq!(e.to_string(), "line 2, column 1: unknown directive 'frob' (expected node, wait, settle, link, expect, step, phase, resync, load, remove node, or NODE> command)");
}

#[test]
fn accepts_replicaof_no_one_and_port() {
    let script =
        parse("node A\nnode B\nB> REPLICAOF A 6379\nB> replicaof no one\nB> SLAVEOF A").unwrap();
    assert_eq!(script.steps.len(), 5);
}

#[test]
fn printing_round_trips() {
    let script = parse(ISSUE_EXAMPLE).unwrap();
    let printed = print(&script);
    assert_eq!(
        printed,
        "node A\nnode B\nB> REPLICAOF A\nA> SET foo \"hello world\"\nwait 1500\nsettle\n\
         link A B down\nlink A B up\nlink A B latency 20\nlink A B bandwidth 100000\n\
         expect B> GET foo => \"hello world\"\n"
    );
    assert_eq!(actions(&parse(&printed).unwrap()), actions(&script));

    let odd: Vec<Vec<u8>> = vec![
        b"SET".to_vec(),
        b"".to_vec(),
        b"#hash".to_vec(),
        b"=>".to_vec(),
        b"~>".to_vec(),
        b"it's \"q\" \\".to_vec(),
        vec![0, 1, 0xff, b'\n', b'\t'],
        "é".as_bytes().to_vec(),
        b"a=>b".to_vec(),
        b"=>x".to_vec(),
    ];
    let mut script = parse("node A\nnode B\nlink B A down oneway\nlink A B bandwidth unlimited\nstep 3\nphase 9\nremove node B").unwrap();
    let command = Command {
        node: "A".into(),
        argv: odd,
    };
    script.steps.push(Step {
        line: 0,
        action: Action::Input(Input::Command {
            node: command.node.clone(),
            argv: command.argv.clone(),
        }),
    });
    script.steps.push(Step {
        line: 0,
        action: Action::Expect {
            command,
            matching: Match::Line,
            expected: "\"a # b\" (integer) 1".into(),
        },
    });
    let printed = print(&script);
    assert!(printed.contains(
        r##"A> SET "" "#hash" "=>" "~>" "it's \"q\" \\" "\x00\x01\xff\n\t" "\xc3\xa9" a=>b "=>x""##
    ));
    assert_eq!(actions(&parse(&printed).unwrap()), actions(&script));
}

#[test]
fn matches_like_redis_cli_prints() {
    assert!(Match::Whole.accepts("1) \"a\"\n2) \"b\"", "1) \"a\" 2) \"b\""));
    assert!(!Match::Whole.accepts("1) \"a\"\n2) \"b\"", "1) \"a\""));
    assert!(Match::Line.accepts(
        "# Replication\nrole:master\nconnected_slaves:1",
        "connected_slaves:1"
    ));
    assert!(!Match::Line.accepts("connected_slaves:10", "connected_slaves:1"));
    assert_eq!(one_line("1) 1) \"x\"\n   2) \"y\""), "1) 1) \"x\" 2) \"y\"");
}

/// A target that records what it was asked and answers from a script of replies.
#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    replies: Vec<Frame>,
}

impl Target for Recorder {
    fn apply(&mut self, input: &Input) -> Result<Option<Frame>, String> {
        let call = match input {
            Input::Command { node, argv } => {
                format!("{node}: {}", String::from_utf8_lossy(&argv.concat()))
            }
            Input::AddNode { name } => format!("add {name}"),
            Input::RunFor { ms } => format!("wait {ms}"),
            Input::Settle => "settle".into(),
            Input::Steps { n } => format!("step {n}"),
            Input::RunUntilPhaseChange { max_ms } => format!("phase {max_ms}"),
            other => format!("{other:?}"),
        };
        self.calls.push(call);
        if !matches!(input, Input::Command { .. }) {
            return Ok(None);
        }
        if self.replies.is_empty() {
            return Err("out of replies".into());
        }
        Ok(Some(self.replies.remove(0)))
    }
}

#[test]
fn runner_reports_every_command_and_failed_expects() {
    let script = parse(
        "node A\nA> SET k v\nwait 5\nexpect A> GET k => \"v\"\nexpect A> GET k => \"w\"\nsettle\nlink A B up".replace("link A B up", "step 2\nphase 3").as_str(),
    )
    .unwrap();
    let mut target = Recorder {
        replies: vec![Frame::ok(), Frame::bulk("v"), Frame::bulk("v")],
        ..Recorder::default()
    };
    let mut seen = Vec::new();
    let summary = run(&script, &mut target, &mut |r| {
        seen.push((
            r.line,
            r.command.line(),
            r.rendered.to_string(),
            r.failure.is_some(),
        ))
    })
    .unwrap();
    assert_eq!(
        target.calls,
        vec!["add A", "A: SETkv", "wait 5", "A: GETk", "A: GETk", "settle", "step 2", "phase 3"]
    );
    assert_eq!(
        seen,
        vec![
            (2, "SET k v".to_string(), "OK".to_string(), false),
            (4, "GET k".to_string(), "\"v\"".to_string(), false),
            (5, "GET k".to_string(), "\"v\"".to_string(), true),
        ]
    );
    assert_eq!(summary.commands, 3);
    assert_eq!(summary.expects, 2);
    assert_eq!(
        summary.failures[0].to_string(),
        "line 5: expect A> GET k failed: expected \"w\", got \"v\""
    );
}

#[test]
fn runner_stops_at_a_target_error() {
    let script = parse("node A\nA> PING\nA> PING\nA> PING").unwrap();
    let mut target = Recorder {
        replies: vec![Frame::Simple("PONG".into())],
        ..Recorder::default()
    };
    let err = run(&script, &mut target, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "line 3: out of replies");
    assert_eq!(target.calls.len(), 3);
}

/// A session on the simulator, exported with `from_inputs` and `print`,
/// parses and replays to the very same trace.
#[test]
fn exported_sessions_replay_to_the_same_trace() {
    let mut sim = crate::repl::Sim::new(42);
    let session = "node A\nnode B\nnode C\nA> CONFIG SET repl-diskless-sync-delay 1\n\
                   A> SET \"#k\" \"a b\"\nB> REPLICAOF A\nlink A B latency 20\nlink A B bandwidth 300\n\
                   phase 5000\nstep\nstep\nwait 700\nwait 16\nsettle\nC> REPLICAOF B\nsettle\n\
                   link A B down\nA> INCR n\nwait 1200\nlink A B up\nlink B C down oneway\nwait 300\n\
                   link B C up\nlink A B bandwidth unlimited\nsettle\nresync C\nsettle\nremove node C\nA> PING\n";
    let script = parse(session).unwrap();
    run(&script, &mut sim, &mut |_| {}).unwrap();

    let exported = print(&from_inputs(sim.inputs()));
    assert!(exported.starts_with("node A\nnode B\nnode C\nA> CONFIG SET repl-diskless-sync-delay 1\nA> SET \"#k\" \"a b\"\nB> REPLICAOF A 6379\n"));
    assert!(
        exported.contains("\nstep 2\nwait 716\nsettle\n"),
        "{exported}"
    );
    assert!(exported.contains("\nlink B C down oneway\n"), "{exported}");
    assert!(exported.contains("\nresync C\n"), "{exported}");

    let mut replay = crate::repl::Sim::new(42);
    run(&parse(&exported).unwrap(), &mut replay, &mut |_| {}).unwrap();
    assert_eq!(replay.trace_hash(), sim.trace_hash());
    assert_eq!(replay.trace().len(), sim.trace().len());
    assert_eq!(print(&from_inputs(replay.inputs())), exported);
}

#[test]
fn runs_on_the_simulator() {
    let mut sim = crate::repl::Sim::new(1);
    let script = parse(
        "node A\nnode B\nA> CONFIG SET repl-diskless-sync-delay 0\nB> REPLICAOF A\nA> SET k v\nsettle\n\
         expect B> GET k => \"v\"\nexpect B> INFO replication ~> master_link_status:up\n\
         expect B> SET k w => (error) READONLY You can't write against a read only replica.\n\
         expect B> ROLE => 1) \"slave\" 2) \"A\" 3) (integer) 6379 4) \"connected\" 5) (integer) 0\n",
    )
    .unwrap();
    let summary = run(&script, &mut sim, &mut |_| {}).unwrap();
    assert_eq!(summary.failures, vec![]);
    assert_eq!((summary.commands, summary.expects), (7, 4));

    let bad = parse("node A\nnode B\nB> REPLICAOF A\nresync A").unwrap();
    let err = run(&bad, &mut crate::repl::Sim::new(1), &mut |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4: resync: 'A' is not a replica: only a replica can resync"
    );
}

#[test]
fn an_expected_reply_may_start_with_a_hash() {
    let text = "node A\nexpect A> INFO replication ~> # Replication   # the header line\n";
    let script = parse(text).unwrap();
    let Action::Expect {
        expected, matching, ..
    } = &script.steps[1].action
    else {
        panic!("not an expect: {:?}", script.steps[1].action);
    };
    assert_eq!(expected, "# Replication");
    assert_eq!(*matching, Match::Line);
    let reparsed = parse(&print(&script)).unwrap();
    assert_eq!(actions(&script), actions(&reparsed));
}

#[test]
fn a_load_line_is_one_input_and_prints_back() {
    let text = "node A\nload A 200\nload A 0\n";
    let script = parse(text).unwrap();
    assert_eq!(
        actions(&script),
        vec![
            input(Input::AddNode { name: "A".into() }),
            input(Input::Load {
                node: "A".into(),
                per_s: 200
            }),
            input(Input::Load {
                node: "A".into(),
                per_s: 0
            }),
        ]
    );
    assert_eq!(print(&script), text);
    let err = |t: &str| parse(t).unwrap_err().to_string();
    assert_eq!(
        err("node A\nload A"),
        "line 2, column 5: expected 'load NODE WRITES_PER_S'"
    );
    assert_eq!(
        err("node A\nload B 5"),
        "line 2, column 6: no node named 'B' (declare it first with 'node B')"
    );
    assert!(err("node A\nload A 10001").starts_with("line 2, column 8: "));
}
