//! Shared by the integration tests that talk to a real `redis-server` 7.0.15:
//! start one on 127.0.0.1 at a free port, send it commands, stop it by pid.
//!
//! Each server runs in its own temporary directory with persistence off
//! unless a test asks otherwise, and is killed when the handle drops, so a
//! failing test leaves nothing running.

#![allow(dead_code)]

pub mod differential;
pub mod stream;

use replscope::resp::{encode_command, Decoder, Frame};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A running real redis-server.
pub struct RealRedis {
    /// The TCP port it listens on (127.0.0.1 only).
    pub port: u16,
    /// Its working directory (dump.rdb lands here).
    pub dir: PathBuf,
    child: Child,
    conn: Option<(TcpStream, Decoder)>,
}

/// Wall-clock Unix milliseconds: a test that runs the same commands on the
/// real server and on our engine gives both the same time.
pub fn unix_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

/// True when `redis-server` is installed; tests that need it fail with a
/// clear message otherwise (setup installs it, so this is never silent).
pub fn require_redis() {
    let ok = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "redis-server is not installed: run `make test` (scripts/setup.sh installs it)"
    );
}

impl RealRedis {
    /// Starts a server with persistence off plus `extra` config arguments
    /// (`&["--repl-diskless-sync-delay", "0"]`).
    pub fn start(extra: &[&str]) -> RealRedis {
        require_redis();
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("replscope-redis-{}-{}", std::process::id(), port));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut cmd = Command::new("redis-server");
        cmd.arg("--port")
            .arg(port.to_string())
            .args([
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ])
            .arg("--dir")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd.spawn().expect("spawn redis-server");
        let mut r = RealRedis {
            port,
            dir,
            child,
            conn: None,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
                s.set_read_timeout(Some(Duration::from_secs(30))).ok();
                r.conn = Some((s, Decoder::new()));
                if r.try_cmd(&["PING"]).is_some() {
                    return r;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {port} did not start");
    }

    /// Sends one command and returns its reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Frame {
        self.try_cmd(argv)
            .unwrap_or_else(|| panic!("redis-server on port {} closed the connection", self.port))
    }

    fn try_cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Option<Frame> {
        let (stream, decoder) = self.conn.as_mut()?;
        stream.write_all(&encode_command(argv)).ok()?;
        read_frame(stream, decoder)
    }

    /// Sends raw bytes (for pipelines) and reads `n` replies.
    pub fn pipeline(&mut self, bytes: &[u8], n: usize) -> Vec<Frame> {
        let (stream, decoder) = self.conn.as_mut().expect("connected");
        stream.write_all(bytes).expect("write");
        (0..n)
            .map(|_| read_frame(stream, decoder).expect("reply"))
            .collect()
    }

    /// One field of `INFO <section>`, e.g. `info_field("replication", "master_repl_offset")`.
    pub fn info_field(&mut self, section: &str, field: &str) -> Option<String> {
        let Frame::Bulk(text) = self.cmd(&["INFO", section]) else {
            return None;
        };
        let prefix = format!("{field}:");
        String::from_utf8_lossy(&text)
            .lines()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
    }

    /// Polls `check` every 20 ms until it is true or `timeout` passes.
    pub fn wait_until(
        &mut self,
        timeout: Duration,
        mut check: impl FnMut(&mut RealRedis) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if check(self) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

fn read_frame(stream: &mut TcpStream, decoder: &mut Decoder) -> Option<Frame> {
    let mut buf = [0u8; 64 * 1024];
    loop {
        if let Ok(Some(f)) = decoder.next_frame() {
            return Some(f);
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        decoder.feed(&buf[..n]);
    }
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        // Stop by pid, as the project's rules ask, then reap the process.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
