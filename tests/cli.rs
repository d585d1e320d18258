//! The headless runner, run as a program: output, `--json`, `--trace`,
//! `--seed`, stdin, and the exit codes (0 ok, 1 failed expect or step,
//! 2 bad script or arguments).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A script file in the temp dir, removed when dropped.
struct TempScript(PathBuf);

impl TempScript {
    fn new(name: &str, text: &str) -> TempScript {
        let path =
            std::env::temp_dir().join(format!("replscope-cli-{}-{name}.scen", std::process::id()));
        std::fs::write(&path, text).expect("write script");
        TempScript(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn replscope(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_replscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run replscope");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("replscope output")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const BASIC: &str = "\
# full sync, then a write
node A
node B
A> CONFIG SET repl-diskless-sync-delay 0
A> SET foo \"hello world\"
B> REPLICAOF A
settle
expect B> GET foo => \"hello world\"   # from the snapshot
A> RPUSH l a b
settle
B> LRANGE l 0 -1
B> GET nothing
expect B> SET x 1 => (error) READONLY You can't write against a read only replica.
A> INCR n
";

#[test]
fn prints_commands_and_replies_like_redis_cli() {
    let script = TempScript::new("basic", BASIC);
    let out = replscope(&["run", script.path()], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "A> CONFIG SET repl-diskless-sync-delay 0\nOK\n\
         A> SET foo \"hello world\"\nOK\n\
         B> REPLICAOF A\nOK\n\
         B> GET foo\n\"hello world\"\n\
         A> RPUSH l a b\n(integer) 2\n\
         B> LRANGE l 0 -1\n1) \"a\"\n2) \"b\"\n\
         B> GET nothing\n(nil)\n\
         B> SET x 1\n(error) READONLY You can't write against a read only replica.\n\
         A> INCR n\n(integer) 1\n"
    );
    assert_eq!(stderr(&out), "");
}

#[test]
fn json_prints_one_object_per_command() {
    let script = TempScript::new("json", BASIC);
    let out = replscope(&["run", script.path(), "--json"], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(
        lines,
        vec![
            r#"{"line":4,"node":"A","command":"CONFIG SET repl-diskless-sync-delay 0","reply":"OK"}"#,
            r#"{"line":5,"node":"A","command":"SET foo \"hello world\"","reply":"OK"}"#,
            r#"{"line":6,"node":"B","command":"REPLICAOF A","reply":"OK"}"#,
            r#"{"line":8,"node":"B","command":"GET foo","reply":"hello world"}"#,
            r#"{"line":9,"node":"A","command":"RPUSH l a b","reply":2}"#,
            r#"{"line":11,"node":"B","command":"LRANGE l 0 -1","reply":["a","b"]}"#,
            r#"{"line":12,"node":"B","command":"GET nothing","reply":null}"#,
            r#"{"line":13,"node":"B","command":"SET x 1","reply":{"error":"READONLY You can't write against a read only replica."}}"#,
            r#"{"line":14,"node":"A","command":"INCR n","reply":1}"#,
        ]
    );
}

#[test]
fn reads_the_script_from_stdin() {
    let out = replscope(&["run", "-"], Some("node A\nA> PING\nA> ECHO \"a b\"\n"));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "A> PING\nPONG\nA> ECHO \"a b\"\n\"a b\"\n");
}

#[test]
fn failed_expect_exits_1_and_names_the_line() {
    let text = "node A\nA> SET k v\nexpect A> GET k => \"w\"\nexpect A> GET k => \"v\"\nexpect A> DBSIZE => (integer) 2\n";
    let out = replscope(&["run", "-"], Some(text));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "-: line 3: expect A> GET k failed: expected \"w\", got \"v\"\n\
         -: line 5: expect A> DBSIZE failed: expected (integer) 2, got (integer) 1\n"
    );
    // Every command still ran and printed.
    assert_eq!(stdout(&out).lines().count(), 8);
}

#[test]
fn bad_script_exits_2_with_line_and_column() {
    let script = TempScript::new("bad", "node A\nnode B\nlink A B sideways\n");
    let out = replscope(&["run", script.path()], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "{}:3:10: unknown link change 'sideways': expected 'link A B down|up|latency MS|bandwidth BYTES_PER_S'\n",
            script.path()
        )
    );
    assert_eq!(
        stdout(&out),
        "",
        "nothing runs when the script does not parse"
    );

    let out = replscope(&["run", "-"], Some("node A\nA> SET k \"unclosed\n"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "-:2:10: unbalanced double quotes\n");
}

#[test]
fn a_step_that_cannot_finish_exits_1() {
    // 2 KB of snapshot over a 1 byte/s link cannot arrive in 10 virtual minutes.
    let big = "x".repeat(2000);
    let text = format!(
        "node A\nnode B\nA> CONFIG SET repl-diskless-sync-delay 0\nA> SET big {big}\nlink A B bandwidth 1\nB> REPLICAOF A\nsettle\nA> PING\n"
    );
    let out = replscope(&["run", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("-: line 7: settle: did not settle within 10 virtual minutes: "),
        "stderr: {err}"
    );
    assert!(
        !stdout(&out).contains("PING"),
        "the run stops at the failed step"
    );
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    let script = TempScript::new("args", "node A\n");
    let cases: &[(&[&str], &str)] = &[
        (&[], "replscope: missing command\n"),
        (&["walk", "x"], "replscope: unknown command 'walk'\n"),
        (&["run"], "replscope: missing FILE\n"),
        (
            &["run", script.path(), "--fast"],
            "replscope: unknown option '--fast'\n",
        ),
        (
            &["run", script.path(), "extra"],
            "replscope: unexpected argument 'extra'\n",
        ),
        (
            &["run", script.path(), "--seed"],
            "replscope: --seed needs a number\n",
        ),
        (
            &["run", script.path(), "--seed", "x1"],
            "replscope: --seed: 'x1' is not a number\n",
        ),
        (
            &["run", script.path(), "--trace"],
            "replscope: --trace needs a file name\n",
        ),
    ];
    for (args, first_line) in cases {
        let out = replscope(args, None);
        assert_eq!(out.status.code(), Some(2), "args {args:?}");
        let err = stderr(&out);
        assert!(err.starts_with(first_line), "args {args:?}: {err}");
        assert!(
            err.contains("usage: replscope run FILE [--json] [--trace FILE] [--seed N]"),
            "args {args:?}"
        );
        assert_eq!(stdout(&out), "");
    }
}

#[test]
fn unreadable_file_exits_2() {
    let out = replscope(&["run", "/nonexistent/replscope.scen"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("replscope: cannot read /nonexistent/replscope.scen: "));
}

#[test]
fn trace_is_written_as_json_lines() {
    let script = TempScript::new("trace", BASIC);
    let trace = std::env::temp_dir().join(format!("replscope-cli-{}.trace", std::process::id()));
    let trace_path = trace.to_str().unwrap();
    let out = replscope(&["run", script.path(), "--trace", trace_path], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = std::fs::read_to_string(&trace).expect("trace written");
    let _ = std::fs::remove_file(&trace);
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(events.len() > 20, "a full sync leaves a long trace");
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>());
    assert_eq!(events[0]["type"], "node_added");
    assert_eq!(events[0]["node"], "A");
    let commands: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "command")
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands[1], "SET foo \"hello world\"");
    assert_eq!(commands.len(), 9, "every command line, expects included");
}

#[test]
fn seed_picks_the_replication_ids() {
    let text = "node A\nnode B\nB> REPLICAOF A\nsettle\nA> INFO replication\n";
    let replid = |args: &[&str]| {
        let out = replscope(args, Some(text));
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        let s = stdout(&out);
        let id = s
            .lines()
            .find_map(|l| l.strip_prefix("master_replid:"))
            .map(str::to_string);
        id.expect("INFO shows master_replid")
    };
    let zero = replid(&["run", "-"]);
    assert_eq!(zero, replid(&["run", "-", "--seed", "0"]));
    assert_eq!(
        replid(&["run", "-", "--seed", "7"]),
        replid(&["run", "--seed", "7", "-"])
    );
    assert_ne!(zero, replid(&["run", "-", "--seed", "7"]));
    assert_eq!(zero.len(), 40);
}
