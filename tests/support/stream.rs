//! The propagation check: one script of writes sent to a real
//! redis-server 7.0.15 master and to our [`Server`]; the master's
//! replication stream (read as a replica would, with `PSYNC ? -1` on a raw
//! socket) must equal the stream our engine's `Outcome::Done.propagate`
//! produces, command for command and byte for byte.
//!
//! Our stream is built the way the node builds it: SELECT is emitted before
//! the first write and whenever `Propagated.db` changes. Absolute times that
//! come from each server's clock (`SET ... EX 100` becomes `PXAT <now+100s>`)
//! are compared within two seconds, since the two servers read the wall
//! clock at slightly different instants; all other bytes must be equal, and
//! so must the total length. Lines are commands, `#` comments and
//! `sleep N` (milliseconds of real time).
//!
//! [`Server`]: replscope::server::Server

use super::RealRedis;
use replscope::cli::split_args;
use replscope::resp::{encode_command, Decoder, Frame};
use replscope::server::{Client, Gate, Outcome, Propagated, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A raw replica connection to a real master, positioned after the RDB.
struct RawReplica {
    sock: TcpStream,
    buf: Vec<u8>,
}

impl RawReplica {
    fn attach(port: u16) -> RawReplica {
        let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect to master");
        sock.set_read_timeout(Some(Duration::from_millis(200))).ok();
        let mut r = RawReplica {
            sock,
            buf: Vec::new(),
        };
        r.send(&["REPLCONF", "capa", "eof", "capa", "psync2"]);
        r.fill_until(|b| b.ends_with(b"+OK\r\n"));
        r.buf.clear();
        r.send(&["PSYNC", "?", "-1"]);
        r.skip_rdb();
        r
    }

    fn send(&mut self, argv: &[&str]) {
        self.sock.write_all(&encode_command(argv)).expect("write");
    }

    /// Reads until `done(buf)`, failing after 20 s.
    fn fill_until(&mut self, done: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut chunk = [0u8; 65536];
        while !done(&self.buf) {
            assert!(
                Instant::now() < deadline,
                "timed out; have {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            match self.sock.read(&mut chunk) {
                Ok(0) => panic!("master closed the replication link"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
    }

    /// Consumes `+FULLRESYNC ...`, keepalive newlines and `$<len>\r\n<rdb>`.
    fn skip_rdb(&mut self) {
        self.fill_until(|b| b.starts_with(b"+FULLRESYNC") && b.windows(2).any(|w| w == b"\r\n"));
        let line_end = self.buf.windows(2).position(|w| w == b"\r\n").unwrap_or(0) + 2;
        self.buf.drain(..line_end);
        self.fill_until(has_len_line);
        let start = self.buf.iter().position(|c| *c == b'$').unwrap_or(0);
        self.buf.drain(..start);
        let eol = self.buf.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
        let len: usize = String::from_utf8_lossy(&self.buf[1..eol])
            .parse()
            .expect("rdb length");
        self.fill_until(|b| b.len() >= eol + 2 + len);
        self.buf.drain(..eol + 2 + len);
    }
}

fn has_len_line(b: &[u8]) -> bool {
    b.iter()
        .position(|c| *c == b'$')
        .is_some_and(|s| b[s..].windows(2).any(|w| w == b"\r\n"))
}

/// Our stream: SELECT whenever the db changes, then each write.
fn our_stream(ops: &[Propagated]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last_db = None;
    for op in ops {
        if last_db != Some(op.db) {
            out.extend(encode_command(&["SELECT".to_string(), op.db.to_string()]));
            last_db = Some(op.db);
        }
        out.extend(encode_command(&op.argv));
    }
    out
}

fn commands(stream: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut d = Decoder::new();
    d.feed(stream);
    let mut out = Vec::new();
    while let Ok(Some(Frame::Array(items))) = d.next_frame() {
        out.push(
            items
                .into_iter()
                .map(|f| match f {
                    Frame::Bulk(b) => b,
                    other => panic!("non-bulk argument {other:?}"),
                })
                .collect(),
        );
    }
    assert!(d.pending().is_empty(), "trailing bytes in stream");
    out
}

/// Equal, or both 13-digit clock-derived times within 2 s of each other.
fn same_arg(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let num = |x: &[u8]| {
        (x.len() == 13)
            .then(|| std::str::from_utf8(x).ok()?.parse::<i64>().ok())
            .flatten()
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if (x - y).abs() <= 2000)
}

fn show(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `script` on both masters and fails at the first command that
/// differs; the real stream must hold at least `min_commands` commands.
pub fn compare_stream(script: &str, min_commands: usize) {
    let mut real = RealRedis::start(&[
        "--enable-debug-command",
        "yes",
        "--repl-diskless-sync",
        "no",
        "--repl-ping-replica-period",
        "3600",
    ]);
    assert_eq!(real.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), Frame::ok());
    let mut replica = RawReplica::attach(real.port);
    let mut ours = Server::new("0".repeat(40), super::unix_now_ms());
    ours.active_expire_enabled = false;
    let mut client = Client::normal();
    let mut ops = Vec::new();
    for raw in script.lines().chain(["set __end__ 1"]) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("sleep ") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap_or(0)));
            continue;
        }
        let argv = split_args(line).expect("script line");
        real.cmd(&argv);
        match ours.process(&mut client, argv, super::unix_now_ms(), &Gate::default()) {
            Outcome::Done { propagate, .. } => ops.extend(propagate),
            Outcome::Repl(a) | Outcome::Exec { argv: a, .. } => {
                panic!("unexpected replication command {a:?}")
            }
        }
    }
    let end = encode_command(&["set", "__end__", "1"]);
    replica.fill_until(|b| b.ends_with(&end));
    let mine = our_stream(&ops);
    let (theirs_cmds, mine_cmds) = (commands(&replica.buf), commands(&mine));
    for (i, (t, m)) in theirs_cmds.iter().zip(&mine_cmds).enumerate() {
        let same = t.len() == m.len() && t.iter().zip(m).all(|(a, b)| same_arg(a, b));
        assert!(
            same,
            "command #{i} differs:\n real: {}\n ours: {}",
            show(t),
            show(m)
        );
    }
    assert_eq!(
        theirs_cmds.len(),
        mine_cmds.len(),
        "command counts differ; real tail: {:?}",
        theirs_cmds
            .iter()
            .skip(mine_cmds.len())
            .map(|c| show(c))
            .collect::<Vec<_>>()
    );
    assert_eq!(replica.buf.len(), mine.len(), "stream byte lengths differ");
    assert!(
        theirs_cmds.len() >= min_commands,
        "stream too short: {}",
        theirs_cmds.len()
    );
}
