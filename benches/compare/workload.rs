//! The simulator's side of every comparison, written once and compiled
//! twice: into the native bench binary (`benches/compare/main.rs`) and into
//! the wasm module the Node benchmark loads (`bench/wasm/src/lib.rs`
//! includes this file with `#[path]`). Both therefore time exactly the same
//! calls on [`Sim`], the public API the page and the CLI use.
//!
//! Each workload has a `prepare` step (not timed: building the master's
//! data) and a `run` step (timed), which checks its result so a fast wrong
//! answer cannot pass for a fast right one.

use replscope::repl::Sim;
use replscope::resp::Frame;

/// The master's name in every workload.
const MASTER: &str = "M";

/// Runs one console command given as words, turning any failure (a
/// simulator error or an error reply) into a message.
fn run(sim: &mut Sim, node: &str, words: &[&str]) -> Result<Frame, String> {
    let argv = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    match sim.command(node, argv) {
        Ok(Frame::Error(e)) => Err(format!("{node}> {}: {e}", words.join(" "))),
        Ok(reply) => Ok(reply),
        Err(e) => Err(format!("{node}> {}: {e}", words.join(" "))),
    }
}

/// One field of `INFO replication` on `node`.
fn info_field(sim: &mut Sim, node: &str, field: &str) -> Result<String, String> {
    let Frame::Bulk(text) = run(sim, node, &["INFO", "replication"])? else {
        return Err(format!("{node}: INFO did not answer a bulk string"));
    };
    let prefix = format!("{field}:");
    String::from_utf8_lossy(&text)
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_string))
        .ok_or_else(|| format!("{node}: INFO replication has no {field}"))
}

fn dbsize(sim: &mut Sim, node: &str) -> Result<i64, String> {
    match run(sim, node, &["DBSIZE"])? {
        Frame::Integer(n) => Ok(n),
        other => Err(format!("{node}: DBSIZE answered {other:?}")),
    }
}

/// A master holding `DEBUG POPULATE keys` and `replicas` idle nodes, with
/// unlimited bandwidth and no latency on every master–replica link, set up
/// like the real benchmark: diskless sync with no delay for one replica,
/// and for several, one shared snapshot started as soon as all have asked.
pub struct FullSync {
    sim: Sim,
    replicas: Vec<String>,
    keys: u64,
}

impl FullSync {
    /// Builds the world (not timed).
    pub fn prepare(keys: u64, replicas: usize) -> Result<FullSync, String> {
        let mut sim = Sim::new(1);
        sim.add_node(MASTER).map_err(|e| e.to_string())?;
        let names: Vec<String> = (0..replicas).map(|i| format!("R{i}")).collect();
        for name in &names {
            sim.add_node(name).map_err(|e| e.to_string())?;
            sim.set_bandwidth(MASTER, name, None)
                .map_err(|e| e.to_string())?;
            sim.set_latency_ms(MASTER, name, 0)
                .map_err(|e| e.to_string())?;
        }
        let (delay, max) = if replicas > 1 {
            ("60", replicas.to_string())
        } else {
            ("0", "0".into())
        };
        run(
            &mut sim,
            MASTER,
            &["CONFIG", "SET", "repl-diskless-sync-delay", delay],
        )?;
        run(
            &mut sim,
            MASTER,
            &["CONFIG", "SET", "repl-diskless-sync-max-replicas", &max],
        )?;
        run(&mut sim, MASTER, &["DEBUG", "POPULATE", &keys.to_string()])?;
        Ok(FullSync {
            sim,
            replicas: names,
            keys,
        })
    }

    /// `REPLICAOF M` on every replica, then runs the world until it is
    /// quiet (every replica online at the master's offset); checks that
    /// each replica holds every key (timed).
    pub fn run(&mut self) -> Result<(), String> {
        for name in &self.replicas {
            run(&mut self.sim, name, &["REPLICAOF", MASTER])?;
        }
        self.sim.settle().map_err(|e| e.to_string())?;
        for name in self.replicas.clone() {
            let link = info_field(&mut self.sim, &name, "master_link_status")?;
            let keys = dbsize(&mut self.sim, &name)?;
            if link != "up" || keys != self.keys as i64 {
                return Err(format!("{name}: link {link}, {keys} of {} keys", self.keys));
            }
        }
        Ok(())
    }
}

/// A master with one online replica, for the propagation benchmark.
pub struct Propagation {
    sim: Sim,
    /// Console lines run so far, so each run writes new keys.
    done: u64,
}

/// How many SETs go in before the world is run to deliver them: like
/// redis-benchmark's `-P 32`, the master executes a batch of commands, then
/// the stream carries them.
const PIPELINE: u64 = 32;

/// redis-benchmark's key space (`-r 1000000`).
const KEY_RANGE: u64 = 1_000_000;

impl Propagation {
    /// A master `M` and a replica `R0`, synced (not timed).
    pub fn prepare() -> Result<Propagation, String> {
        let mut world = FullSync::prepare(0, 1)?;
        world.run()?;
        Ok(Propagation {
            sim: world.sim,
            done: 0,
        })
    }

    /// `sets` SETs of redis-benchmark's shape (`SET key:000000NNNNNN VXK`)
    /// on the master, delivered and applied on the replica; checks that the
    /// replica's offset equals the master's at the end (timed).
    pub fn run(&mut self, sets: u64) -> Result<(), String> {
        let mut key = *b"key:000000000000";
        for i in 0..sets {
            write_decimal(&mut key[4..], (self.done + i) % KEY_RANGE);
            let argv = vec![b"SET".to_vec(), key.to_vec(), b"VXK".to_vec()];
            if let Err(e) = self.sim.command(MASTER, argv) {
                return Err(e.to_string());
            }
            if (i + 1) % PIPELINE == 0 {
                self.sim.settle().map_err(|e| e.to_string())?;
            }
        }
        self.done += sets;
        self.sim.settle().map_err(|e| e.to_string())?;
        let master = info_field(&mut self.sim, MASTER, "master_repl_offset")?;
        let replica = info_field(&mut self.sim, "R0", "slave_repl_offset")?;
        if master != replica {
            return Err(format!("replica at offset {replica}, master at {master}"));
        }
        Ok(())
    }
}

/// Writes `n` as zero-padded decimal filling `out` (redis-benchmark's
/// `__rand_int__` is 12 digits).
fn write_decimal(out: &mut [u8], mut n: u64) {
    for d in out.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// The master's keyspace after `DEBUG POPULATE keys` in a world of one
/// node, for the memory comparison; returns the world so the caller can
/// measure before dropping it.
pub fn populated(keys: u64) -> Result<Sim, String> {
    let mut sim = Sim::new(1);
    sim.add_node(MASTER).map_err(|e| e.to_string())?;
    run(&mut sim, MASTER, &["DEBUG", "POPULATE", &keys.to_string()])?;
    Ok(sim)
}
