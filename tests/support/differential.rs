//! The differential runner: one script of commands sent to a real
//! redis-server 7.0.15 and to our [`Server`], every reply compared.
//!
//! Each line may start with a mode:
//! - none: replies must be byte-identical;
//! - `~`: compared after sorting array elements (at every level), for
//!   replies in real Redis's hash-table order (KEYS, SMEMBERS of a
//!   non-integer set, SCAN);
//! - `%`: integers may differ by up to 50 (PTTL read a few ms apart);
//! - `?`: sent to both, not compared (random replies such as SPOP; their
//!   effect is checked by the lines that follow);
//! - `sleep N`: wait N ms of real time (both servers follow the wall clock).
//!
//! Active expiry is switched off on both sides (`DEBUG SET-ACTIVE-EXPIRE 0`)
//! so that expired keys disappear only when touched, deterministically.

use super::{unix_now_ms, RealRedis};
use replscope::cli::{render, split_args};
use replscope::resp::Frame;
use replscope::server::{Client, Gate, Outcome, Server};

/// Sorts array elements at every level, for hash-table-ordered replies.
fn normalize(f: Frame) -> Frame {
    match f {
        Frame::Array(items) => {
            let mut items: Vec<Frame> = items.into_iter().map(normalize).collect();
            items.sort_by_key(Frame::encode);
            Frame::Array(items)
        }
        other => other,
    }
}

fn close_enough(a: &Frame, b: &Frame) -> bool {
    match (a, b) {
        (Frame::Integer(x), Frame::Integer(y)) => (x - y).abs() <= 50,
        _ => a == b,
    }
}

/// Runs one command on our server as an ordinary client.
pub fn run_ours(server: &mut Server, client: &mut Client, argv: Vec<Vec<u8>>) -> Frame {
    match server.process(client, argv, unix_now_ms(), &Gate::default()) {
        Outcome::Done { reply, .. } => reply,
        Outcome::Repl(argv) if argv[0].eq_ignore_ascii_case(b"info") => {
            // INFO is the node's (it owns the replication section); the
            // data side's sections are what this test compares.
            let sections: Vec<&[u8]> = argv[1..].iter().map(Vec::as_slice).collect();
            Frame::bulk(replscope::cmd::info_text(
                server,
                &sections,
                unix_now_ms(),
                "role:master",
            ))
        }
        Outcome::Repl(argv) | Outcome::Exec { argv, .. } => {
            panic!("unexpected replication command {argv:?}")
        }
    }
}

/// Runs `script` on both servers and fails with every difference; at least
/// `min_compared` commands must have been compared.
pub fn compare_script(script: &str, min_compared: usize) {
    let mut real = RealRedis::start(&["--enable-debug-command", "yes"]);
    assert_eq!(real.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), Frame::ok());
    let mut ours = Server::new("0".repeat(40), unix_now_ms());
    ours.active_expire_enabled = false;
    let mut client = Client::normal();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (n, raw) in script.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("sleep ") {
            std::thread::sleep(std::time::Duration::from_millis(ms.parse().unwrap_or(0)));
            continue;
        }
        let (mode, text) = match line.chars().next() {
            Some(c @ ('~' | '%' | '?')) => (c, &line[1..]),
            _ => (' ', line),
        };
        let argv = split_args(text).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let theirs = real.cmd(&argv);
        let mine = run_ours(&mut ours, &mut client, argv);
        let same = match mode {
            '~' => normalize(theirs.clone()) == normalize(mine.clone()),
            '%' => close_enough(&theirs, &mine),
            '?' => true,
            _ => theirs == mine,
        };
        compared += 1;
        if !same {
            failures.push(format!(
                "line {}: {text}\n   real: {}\n   ours: {}",
                n + 1,
                render(&theirs, false),
                render(&mine, false)
            ));
        }
    }
    assert!(
        compared >= min_compared,
        "only {compared} commands compared"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
