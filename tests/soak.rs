//! Seeded fault schedules ("soak"): for each seed, a random world of 1–8
//! nodes (masters, replicas, cascades) lives through random writes over all
//! five types, link cuts (both ways and one way), latency and bandwidth
//! changes, promotions, re-pointing, backlog and output-buffer-limit
//! changes and the passing of virtual time; then every link is healed and
//! the world settles. Afterwards, for every replica:
//!
//! - its data equals its master's (every db, every key, value and expiry),
//! - its `master_repl_offset` equals its master's and its link is up,
//!
//! no call panicked, and running the same seed a second time gives the
//! same trace hash.
//!
//! The schedule's own choices come from a small SplitMix64 generator seeded
//! with the seed (the test's randomness); the simulator's randomness comes
//! from `Sim::new(seed)`. The topology is kept acyclic (a node is never
//! pointed at one of its own sub-replicas), since a replication loop never
//! settles in real Redis either. Both live in `tests/schedule/`, shared
//! with the differential tester (`tests/differential.rs`).
//!
//! Runs:
//! - `cargo test --test soak` — the short version, [`SHORT_SEEDS`] seeds;
//! - `make soak` = `SOAK_SEEDS=10000 cargo test --release --test soak -- --ignored soak_long --nocapture`;
//! - one seed, printing its schedule as a scenario script:
//!   `SOAK_SEED=N cargo test --test soak -- --ignored soak_one --nocapture`.

use replscope::db::{Db, Value};
use replscope::repl::Sim;
use replscope::resp::Frame;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

mod schedule;
use schedule::{Choices, Topology};

/// Seeds in the short version inside `cargo test`.
const SHORT_SEEDS: u64 = 400;
/// Fault-phase actions per seed.
const ACTIONS: usize = 100;
/// Keys the writes choose from: few, so types collide (WRONGTYPE) and keys
/// are rewritten, expired and deleted often.
const KEYS: u64 = 12;

/// A value big enough that a few writes overflow the tiny replica output
/// buffer limits and backlogs the schedule sets.
const BIG_VALUE: &str = concat!(
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
);

/// One seed's world and the topology the schedule believes in.
struct Soak {
    sim: Sim,
    rng: Choices,
    names: Vec<String>,
    /// Whose replica each node is.
    topology: Topology,
}

/// What a finished seed reports.
#[derive(Debug, Default)]
struct Outcome {
    trace_hash: u64,
    /// Replicas whose data and offset were compared with their master's.
    replicas_checked: usize,
    /// Keys compared over all of them.
    keys_compared: usize,
    /// Full and partial resynchronisations served, over all nodes (INFO
    /// stats `sync_full`, `sync_partial_ok`): evidence the faults bite.
    syncs: (u64, u64),
}

impl Soak {
    fn new(seed: u64) -> Soak {
        let mut rng = Choices(seed);
        let n = 1 + rng.below(8) as usize;
        let names = (0..n).map(|i| format!("N{i}")).collect();
        Soak {
            sim: Sim::new(seed),
            rng,
            names,
            topology: Topology::new(n),
        }
    }

    /// Runs a console command; error replies are fine (a write on a
    /// read-only replica, WRONGTYPE), simulator errors are not.
    fn cmd(&mut self, node: usize, words: &[String]) -> Result<Frame, String> {
        let argv = words.iter().map(|w| w.as_bytes().to_vec()).collect();
        let name = &self.names[node];
        self.sim
            .command(name, argv)
            .map_err(|e| format!("{name}> {}: {e}", words.join(" ")))
    }

    fn cmd_str(&mut self, node: usize, words: &[&str]) -> Result<Frame, String> {
        self.cmd(
            node,
            &words.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        )
    }

    /// Adds the nodes, gives each a random configuration and wires a
    /// random acyclic topology (node i may replicate a node created before it).
    fn build(&mut self) -> Result<(), String> {
        for name in self.names.clone() {
            self.sim.add_node(&name).map_err(|e| e.to_string())?;
        }
        for i in 0..self.names.len() {
            let backlog = self.rng.pick(&["16384", "32768", "100000", "1048576"]);
            let diskless = self.rng.pick(&["yes", "no"]);
            let delay = self.rng.pick(&["0", "0", "1", "5"]);
            self.cmd_str(i, &["CONFIG", "SET", "repl-backlog-size", backlog])?;
            self.cmd_str(i, &["CONFIG", "SET", "repl-diskless-sync", diskless])?;
            self.cmd_str(i, &["CONFIG", "SET", "repl-diskless-sync-delay", delay])?;
            if i > 0 && self.rng.chance(75) {
                let m = self.rng.below(i as u64) as usize;
                self.replicaof(i, Some(m))?;
            }
        }
        Ok(())
    }

    /// `REPLICAOF <node>` or `REPLICAOF NO ONE`, tracking the topology.
    fn replicaof(&mut self, node: usize, master: Option<usize>) -> Result<(), String> {
        let words = match master {
            Some(m) => vec!["REPLICAOF".to_string(), self.names[m].clone()],
            None => vec!["REPLICAOF".into(), "NO".into(), "ONE".into()],
        };
        let reply = self.cmd(node, &words)?;
        if reply.is_error() {
            return Err(format!(
                "{}> {}: {reply:?}",
                self.names[node],
                words.join(" ")
            ));
        }
        self.topology.set_master(node, master);
        Ok(())
    }

    fn random_node(&mut self) -> usize {
        self.rng.below(self.names.len() as u64) as usize
    }

    /// Two different nodes, if there are two.
    fn random_pair(&mut self) -> Option<(usize, usize)> {
        let n = self.names.len() as u64;
        if n < 2 {
            return None;
        }
        let a = self.rng.below(n);
        let b = (a + 1 + self.rng.below(n - 1)) % n;
        Some((a as usize, b as usize))
    }

    /// One random action of the fault phase.
    fn act(&mut self) -> Result<(), String> {
        match self.rng.below(100) {
            0..=44 => {
                let node = self.writable_node();
                let words = random_write(&mut self.rng);
                self.cmd(node, &words).map(drop)
            }
            45..=49 => self.multi_block(),
            50..=59 => self.link_fault(),
            60..=64 => self.link_shape(),
            65..=69 => self.repoint(),
            70..=74 => self.config_change(),
            _ => {
                let ms = self.rng.pick(&["1", "10", "100", "700", "1500", "4000"]);
                self.sim.run_for(ms.parse().unwrap_or(1));
                Ok(())
            }
        }
    }

    /// Mostly a master (so writes are accepted), sometimes any node (so
    /// replicas answer READONLY).
    fn writable_node(&mut self) -> usize {
        let masters = self.topology.masters();
        if self.rng.chance(85) && !masters.is_empty() {
            masters[self.rng.below(masters.len() as u64) as usize]
        } else {
            self.random_node()
        }
    }

    /// MULTI, a few writes, then EXEC (or DISCARD).
    fn multi_block(&mut self) -> Result<(), String> {
        let node = self.writable_node();
        self.cmd_str(node, &["MULTI"])?;
        for _ in 0..1 + self.rng.below(4) {
            let words = random_write(&mut self.rng);
            self.cmd(node, &words)?;
        }
        let end = if self.rng.chance(90) {
            "EXEC"
        } else {
            "DISCARD"
        };
        self.cmd_str(node, &[end]).map(drop)
    }

    /// Cuts or heals a link.
    fn link_fault(&mut self) -> Result<(), String> {
        let Some((a, b)) = self.random_pair() else {
            return Ok(());
        };
        let (na, nb) = (self.names[a].clone(), self.names[b].clone());
        let result = match self.rng.below(3) {
            0 => self.sim.link_down(&na, &nb),
            1 => self.sim.link_down_one_way(&na, &nb),
            _ => self.sim.link_up(&na, &nb),
        };
        result.map_err(|e| e.to_string())
    }

    /// Changes a link's latency or bandwidth.
    fn link_shape(&mut self) -> Result<(), String> {
        let Some((a, b)) = self.random_pair() else {
            return Ok(());
        };
        let (na, nb) = (self.names[a].clone(), self.names[b].clone());
        let result = if self.rng.chance(50) {
            let ms = [0, 1, 5, 50, 300][self.rng.below(5) as usize];
            self.sim.set_latency_ms(&na, &nb, ms)
        } else {
            let bw = [None, Some(2_000), Some(50_000), Some(1_000_000)][self.rng.below(4) as usize];
            self.sim.set_bandwidth(&na, &nb, bw)
        };
        result.map_err(|e| e.to_string())
    }

    /// A promotion (REPLICAOF NO ONE) or a re-pointing to a node that is
    /// not below this one.
    fn repoint(&mut self) -> Result<(), String> {
        let node = self.random_node();
        if self.topology.master[node].is_some() && self.rng.chance(40) {
            return self.replicaof(node, None);
        }
        let candidates = self.topology.allowed_masters(node);
        match self.rng.pick_index(&candidates) {
            Some(m) => self.replicaof(node, Some(m)),
            None => Ok(()),
        }
    }

    /// A backlog size or a (sometimes tiny) replica output buffer limit.
    fn config_change(&mut self) -> Result<(), String> {
        let node = self.random_node();
        if self.rng.chance(50) {
            let size = self.rng.pick(&["16384", "20000", "65536", "1048576"]);
            self.cmd_str(node, &["CONFIG", "SET", "repl-backlog-size", size])
                .map(drop)
        } else {
            let limit = self.rng.pick(&[
                "replica 4kb 2kb 1",
                "replica 64kb 16kb 2",
                "replica 256mb 64mb 60",
            ]);
            self.cmd_str(
                node,
                &["CONFIG", "SET", "client-output-buffer-limit", limit],
            )
            .map(drop)
        }
    }

    /// Heals every link, restores output buffer limits that could keep a
    /// replica in a full-resync loop forever, and settles.
    fn heal(&mut self) -> Result<(), String> {
        for a in 0..self.names.len() {
            let limit = "replica 256mb 64mb 60";
            self.cmd_str(a, &["CONFIG", "SET", "client-output-buffer-limit", limit])?;
            for b in a + 1..self.names.len() {
                let (na, nb) = (self.names[a].clone(), self.names[b].clone());
                self.sim.link_up(&na, &nb).map_err(|e| e.to_string())?;
            }
        }
        self.sim.settle().map_err(|e| e.to_string())
    }

    /// Every replica equals its master: data and offsets, link up.
    fn check(&mut self) -> Result<Outcome, String> {
        let mut outcome = Outcome::default();
        for i in 0..self.names.len() {
            let Some(m) = self.topology.master[i] else {
                continue;
            };
            let (replica, master) = (self.names[i].clone(), self.names[m].clone());
            let link = self.info(i, "master_link_status")?;
            if link != "up" {
                return Err(format!(
                    "{replica}: master_link_status:{link} (master {master})"
                ));
            }
            let (ro, mo) = (
                self.info(i, "master_repl_offset")?,
                self.info(m, "master_repl_offset")?,
            );
            if ro != mo {
                return Err(format!(
                    "{replica} at offset {ro}, its master {master} at {mo}"
                ));
            }
            outcome.keys_compared += compare_data(&self.sim, &replica, &master)?;
            outcome.replicas_checked += 1;
        }
        for name in &self.names {
            if let Some(node) = self.sim.node(name) {
                outcome.syncs.0 += node.server.stats.sync_full;
                outcome.syncs.1 += node.server.stats.sync_partial_ok;
            }
        }
        outcome.trace_hash = self.sim.trace_hash();
        Ok(outcome)
    }

    fn info(&mut self, node: usize, field: &str) -> Result<String, String> {
        let Frame::Bulk(text) = self.cmd_str(node, &["INFO", "replication"])? else {
            return Err(format!("{}: INFO is not a bulk string", self.names[node]));
        };
        let prefix = format!("{field}:");
        String::from_utf8_lossy(&text)
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_string))
            .ok_or_else(|| format!("{}: INFO replication has no {field}", self.names[node]))
    }
}

/// One random write over all five types, with short TTLs so keys expire
/// (and the master's DELs propagate) while the schedule runs.
fn random_write(rng: &mut Choices) -> Vec<String> {
    let key = format!("k{}", rng.below(KEYS));
    let v = format!("v{}", rng.below(1000));
    let n = rng.below(5).to_string();
    let ttl = (1 + rng.below(3000)).to_string();
    let words: Vec<&str> = match rng.below(24) {
        0 => vec!["SET", &key, &v],
        1 => vec!["SET", &key, &v, "PX", &ttl],
        2 => vec!["INCR", &key],
        3 => vec!["APPEND", &key, &v],
        4 => vec!["DEL", &key],
        5 => vec!["PEXPIRE", &key, &ttl],
        6 => vec!["INCRBYFLOAT", &key, "1.5"],
        7 => vec!["GETDEL", &key],
        8 => vec!["RPUSH", &key, &v, &n],
        9 => vec!["LPOP", &key],
        10 => vec!["HSET", &key, &n, &v],
        11 => vec!["HDEL", &key, &n],
        12 => vec!["SADD", &key, &n, &v],
        13 => vec!["SPOP", &key],
        14 => vec!["SREM", &key, &n],
        15 => vec!["ZADD", &key, &n, &v],
        16 => vec!["ZINCRBY", &key, "2", &v],
        17 => vec!["ZREM", &key, &v],
        18 => vec!["SELECT", &n],
        19 => vec!["GETEX", &key, "PX", &ttl],
        20 => vec!["EXPIRE", &key, "0"],
        21 => vec!["SETEX", &key, "1", &v],
        22 => vec!["PERSIST", &key],
        23 if rng.chance(50) => vec!["SET", &key, BIG_VALUE],
        _ if rng.chance(20) => vec!["FLUSHDB"],
        _ => vec!["GETSET", &key, &v],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// Compares two nodes' keyspaces: same keys in every db, same values, same
/// expiry times. Insertion order may differ (a set loaded from an intset
/// comes back sorted) and does not matter: `Value`'s equality compares
/// hashes and sets as maps and sets, lists in order. Returns the number of
/// keys compared.
fn compare_data(sim: &Sim, replica: &str, master: &str) -> Result<usize, String> {
    let mut compared = 0;
    let (Some(r), Some(m)) = (sim.node(replica), sim.node(master)) else {
        return Err(format!("{replica} or {master} is missing"));
    };
    for (db, (rdb, mdb)) in r
        .server
        .keyspace
        .dbs
        .iter()
        .zip(&m.server.keyspace.dbs)
        .enumerate()
    {
        let by_key = |d: &'_ Db| -> BTreeMap<Vec<u8>, (Value, Option<i64>)> {
            d.dict
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_bytes().to_vec(),
                        (v.clone(), d.expire_at(k.as_bytes())),
                    )
                })
                .collect()
        };
        let (rk, mk) = (by_key(rdb), by_key(mdb));
        compared += mk.len();
        if rk != mk {
            let show = |k: &[u8]| String::from_utf8_lossy(k).into_owned();
            let differs = mk
                .iter()
                .find(|(k, v)| rk.get(*k) != Some(v))
                .map(|(k, v)| format!("{}: master {v:?}, replica {:?}", show(k), rk.get(k)))
                .or_else(|| {
                    rk.keys()
                        .find(|k| !mk.contains_key(*k))
                        .map(|k| format!("{} only on the replica", show(k)))
                })
                .unwrap_or_default();
            return Err(format!(
                "db {db} of {replica} differs from its master {master}: {differs}"
            ));
        }
    }
    Ok(compared)
}

/// Runs one seed: build, fault phase, heal, check.
fn run_seed(seed: u64) -> Result<Outcome, String> {
    let mut soak = Soak::new(seed);
    soak.build()?;
    for _ in 0..ACTIONS {
        soak.act()?;
    }
    soak.heal()?;
    soak.check()
}

/// Runs one seed twice, catching panics; the error says what failed.
fn check_seed(seed: u64) -> Result<Outcome, String> {
    let once = || catch_unwind(AssertUnwindSafe(|| run_seed(seed)));
    let first = once().map_err(|p| format!("panicked: {}", panic_text(&p)))??;
    let second =
        once().map_err(|p| format!("panicked on the second run: {}", panic_text(&p)))??;
    if first.trace_hash != second.trace_hash {
        return Err(format!(
            "not deterministic: trace hash {:#x} then {:#x}",
            first.trace_hash, second.trace_hash
        ));
    }
    Ok(first)
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs `seeds`, prints each failure with the command to rerun it, and
/// fails the test if any seed failed.
fn sweep(seeds: std::ops::Range<u64>, release: bool) {
    let mode = if release { "--release " } else { "" };
    let mut failed = Vec::new();
    let total = seeds.end - seeds.start;
    let start = std::time::Instant::now();
    let (mut replicas, mut keys, mut full, mut partial) = (0, 0, 0, 0);
    for seed in seeds {
        match check_seed(seed) {
            Ok(o) => {
                (replicas, keys) = (replicas + o.replicas_checked, keys + o.keys_compared);
                (full, partial) = (full + o.syncs.0, partial + o.syncs.1);
            }
            Err(e) => {
                eprintln!("seed {seed} FAILED: {e}");
                eprintln!("  rerun: SOAK_SEED={seed} cargo test {mode}--test soak -- --ignored soak_one --nocapture");
                failed.push(seed);
            }
        }
    }
    eprintln!(
        "soak: {total} seeds in {:.1} s ({replicas} replicas and {keys} keys compared with their masters; \
         {full} full and {partial} partial resyncs), {} failed",
        start.elapsed().as_secs_f64(),
        failed.len()
    );
    assert!(failed.is_empty(), "soak seeds failed: {failed:?}");
}

/// The short version: runs inside `cargo test`.
#[test]
fn soak_short() {
    sweep(0..SHORT_SEEDS, false);
}

/// The long version (`make soak`): `SOAK_SEEDS` seeds (default 10,000)
/// starting at `SOAK_FROM` (default 0).
#[test]
#[ignore = "long: run with `make soak`"]
fn soak_long() {
    let count = env_u64("SOAK_SEEDS").unwrap_or(10_000);
    let from = env_u64("SOAK_FROM").unwrap_or(0);
    sweep(from..from + count, !cfg!(debug_assertions));
}

/// One seed (`SOAK_SEED`), with its schedule printed as a scenario script
/// that `replscope run -` replays.
#[test]
#[ignore = "run one seed: SOAK_SEED=N"]
fn soak_one() {
    let Some(seed) = env_u64("SOAK_SEED") else {
        eprintln!("set SOAK_SEED=N to run one seed");
        return;
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut soak = Soak::new(seed);
        let mut run = || -> Result<(), String> {
            soak.build()?;
            for _ in 0..ACTIONS {
                soak.act()?;
            }
            soak.heal()?;
            soak.check().map(drop)
        };
        let verdict = run();
        let script = replscope::scenario::from_inputs(soak.sim.inputs());
        println!("{}", replscope::scenario::print(&script));
        verdict
    }));
    match result {
        Ok(Ok(())) => eprintln!("seed {seed}: clean"),
        Ok(Err(e)) => panic!("seed {seed}: {e}"),
        Err(p) => panic!("seed {seed} panicked: {}", panic_text(&p)),
    }
    check_seed(seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}
