//! The real side of every comparison: redis-server 7.0.15 processes started
//! on 127.0.0.1 ports (through the test suite's `RealRedis`, which stops each
//! one by pid when it drops), measured with a wall clock.
//!
//! Each measurement mirrors one simulator workload in `workload.rs`:
//! the same key names (`DEBUG POPULATE`'s `key:N` / `value:N`, or
//! redis-benchmark's `key:000000NNNNNN` with the value `xxx`), the same
//! replication settings (diskless sync, delay 0), the same stopping rule.

use super::support::RealRedis;
use replscope::resp::Frame;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long any one wait on a real server may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(300);

/// A master configured like the simulator's benchmark master: diskless sync
/// with no delay (so the time measured is the sync, not the 5 s wait), and
/// DEBUG allowed for POPULATE.
fn start_master(extra: &[&str]) -> RealRedis {
    let mut args = vec![
        "--enable-debug-command",
        "yes",
        "--repl-diskless-sync",
        "yes",
        "--repl-diskless-sync-delay",
        "0",
    ];
    args.extend_from_slice(extra);
    RealRedis::start(&args)
}

/// `DEBUG POPULATE keys`, checked.
fn populate(master: &mut RealRedis, keys: u64) {
    let reply = master.cmd(&["DEBUG", "POPULATE", &keys.to_string()]);
    assert_eq!(reply, Frame::ok(), "DEBUG POPULATE failed");
}

/// Makes `replica` replicate `master` and returns without waiting.
fn replicaof(replica: &mut RealRedis, master: &RealRedis) {
    let reply = replica.cmd(&["REPLICAOF", "127.0.0.1", &master.port.to_string()]);
    assert_eq!(reply, Frame::ok(), "REPLICAOF failed");
}

/// Waits (polling every millisecond) until the replica says `master_link_status:up`.
fn wait_link_up(replica: &mut RealRedis) {
    let up = replica.wait_until(PATIENCE, |r| {
        r.info_field("replication", "master_link_status").as_deref() == Some("up")
    });
    assert!(up, "replica on port {} never came up", replica.port);
}

/// DBSIZE as a number.
fn dbsize(server: &mut RealRedis) -> i64 {
    match server.cmd(&["DBSIZE"]) {
        Frame::Integer(n) => n,
        other => panic!("DBSIZE answered {other:?}"),
    }
}

/// Full sync of `keys` keys to `replicas` fresh replicas at once, timed from
/// the first REPLICAOF to the moment every replica reports its link up.
///
/// With several replicas, `repl-diskless-sync-max-replicas` lets the master
/// start one shared snapshot as soon as all of them have asked, instead of a
/// snapshot per replica (delay 0) or a fixed 5 s wait.
pub fn full_sync(keys: u64, replicas: usize) -> Duration {
    let max = replicas.to_string();
    let delay_args: Vec<&str> = if replicas > 1 {
        vec![
            "--repl-diskless-sync-delay",
            "60",
            "--repl-diskless-sync-max-replicas",
            &max,
        ]
    } else {
        vec![]
    };
    let mut master = start_master(&delay_args);
    populate(&mut master, keys);
    let mut group: Vec<RealRedis> = (0..replicas).map(|_| RealRedis::start(&[])).collect();
    let start = Instant::now();
    for replica in &mut group {
        replicaof(replica, &master);
    }
    for replica in &mut group {
        wait_link_up(replica);
    }
    let took = start.elapsed();
    for replica in &mut group {
        assert_eq!(dbsize(replica), keys as i64, "replica missed keys");
    }
    took
}

/// What redis-benchmark saw, and when the replica had applied everything.
pub struct Propagation {
    /// redis-benchmark's own requests-per-second figure for the master.
    pub benchmark_rps: f64,
    /// SETs per second counted until the replica's offset caught up.
    pub end_to_end_rps: f64,
}

/// `redis-benchmark -P 32 -t set -n sets -r 1000000` against a master with
/// one online replica; the end-to-end figure stops the clock when the
/// replica's `slave_repl_offset` equals the master's `master_repl_offset`.
pub fn propagation(sets: u64) -> Propagation {
    let mut master = start_master(&[]);
    let mut replica = RealRedis::start(&[]);
    replicaof(&mut replica, &master);
    wait_link_up(&mut replica);
    let start = Instant::now();
    let output = Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", &master.port.to_string()])
        .args(["-P", "32", "-t", "set", "-n", &sets.to_string()])
        .args(["-r", "1000000", "-q", "--csv"])
        .output()
        .expect("redis-benchmark runs");
    let target = master.info_field("replication", "master_repl_offset");
    let caught_up = replica.wait_until(PATIENCE, |r| {
        r.info_field("replication", "slave_repl_offset") == target
    });
    assert!(caught_up, "replica never reached offset {target:?}");
    let took = start.elapsed().as_secs_f64();
    Propagation {
        benchmark_rps: parse_csv_rps(&String::from_utf8_lossy(&output.stdout)),
        end_to_end_rps: sets as f64 / took,
    }
}

/// Reads the rps column of redis-benchmark's `--csv` line for SET:
/// `"SET","137287.20",...`.
fn parse_csv_rps(csv: &str) -> f64 {
    csv.lines()
        .find(|l| l.starts_with("\"SET\""))
        .and_then(|l| l.split(',').nth(1))
        .and_then(|v| v.trim_matches('"').parse().ok())
        .unwrap_or_else(|| panic!("cannot read redis-benchmark output: {csv}"))
}

/// `used_memory` growth per key after `DEBUG POPULATE keys`.
pub fn bytes_per_key(keys: u64) -> f64 {
    let mut server = start_master(&[]);
    let before = used_memory(&mut server);
    populate(&mut server, keys);
    let after = used_memory(&mut server);
    (after - before) as f64 / keys as f64
}

fn used_memory(server: &mut RealRedis) -> i64 {
    server
        .info_field("memory", "used_memory")
        .and_then(|v| v.parse().ok())
        .expect("INFO memory has used_memory")
}
