//! The seeded generator of differential scripts: 2–6 nodes in a random
//! forest of replicas (cascades included), then 30–100 random actions, each
//! written as scenario-script text (`src/scenario`'s format, nothing else,
//! so the scripts are also valid input for `replscope run`).
//!
//! # Timing is kept out of the result
//!
//! The script runs on real servers in wall-clock time and on the simulator
//! in virtual time, so every place where real Redis is racy is made
//! deterministic here, by construction:
//!
//! - a `settle` comes before every cut, promotion, re-pointing and WAIT, so
//!   what the replicas have received at that moment is known;
//! - a heal, a promotion and a re-pointing are followed by a `settle`, since
//!   when a replica reconnects depends on where its once-a-second cron
//!   happens to be;
//! - replicas are read only when settled (or cut off, which froze them), and
//!   a master's view of its replicas' acknowledged offsets (ROLE on a master)
//!   only after `wait 1200`: replicas acknowledge once a second, and
//!   `settle` (the simulator's, and the real harness's as this tester
//!   runs it) does not wait for that acknowledgement;
//! - expiry times are at least a day away, so nothing expires during a run
//!   (`EXPIRE k 0` deletes at once, which is not a race); TTL replies are
//!   compared by sign only (see `compare::Mode::Differential`);
//! - sets hold only small integers, so they stay intsets, whose order (and
//!   SMEMBERS, and `SPOP k 20` returning every member) is the same
//!   everywhere; a plain `SPOP` only ever pops a one-member set; no
//!   command whose reply depends on a random choice or on the hash seed
//!   (RANDOMKEY, SRANDMEMBER, KEYS, SCAN) is generated;
//! - a replica whose own link is down refuses to serve a sync (-NOMASTERLINK),
//!   so a node is only re-pointed at a node that can serve it, and a link is
//!   only healed when the master at its top end can serve (the footer heals
//!   everything at once, after which every node can);
//! - `WAIT` on a master comes right after a write on the same console, with
//!   a short timeout (`WAIT n 0` would block for ever), asking for none, all
//!   or more than all of the replicas that can answer, and after a cut the
//!   script waits 200 ms so both ends have seen the connection close;
//! - writes right after a re-pointing go to other masters than the one
//!   left (with min-replicas set there, whether the close has arrived
//!   would decide a refusal); a WAIT on a master with min-replicas set
//!   comes after `wait 1200` (a refused write leaves WAIT asking about an
//!   offset the replicas may or may not have acknowledged yet);
//! - no ROLE, and no WAIT inside MULTI, on a master whose replica is cut
//!   one way: the last acknowledgement through fell anywhere before the
//!   cut;
//! - a MULTI block holding INFO, ROLE or WAIT comes after a `settle`;
//!   WAIT (which does not block there) and ROLE on a master answer from the
//!   replicas' acknowledgements, so a block holding either also comes
//!   after `wait 1200`;
//! - the header sets `repl-ping-replica-period 3600` (a PING would move the
//!   offsets at a time of the cron's choosing), diskless sync with delay 0,
//!   `min-replicas-max-lag 60`, and waits 200 ms for every server's first
//!   cron tick (which PINGs its replicas, if it has any yet).

use crate::schedule::{Choices, Topology};
use std::collections::{BTreeMap, BTreeSet};

/// Keys the writes choose from: few, so types collide (WRONGTYPE) and keys
/// are rewritten, renamed, moved and deleted often.
const KEYS: u64 = 8;
/// Dbs the scripts use (SELECT, MOVE, COPY ... DB).
const DBS: u64 = 3;
/// A value of 2,000 bytes: eight of them overflow the smallest backlog
/// (16 KB) during a cut.
const BIG_LEN: usize = 2000;

/// One generated script: a fixed header (nodes, configuration, the initial
/// topology) and the actions, each a group of lines the minimiser keeps or
/// drops whole.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The seed it came from.
    pub seed: u64,
    /// Lines that every variant keeps.
    pub header: Vec<String>,
    /// One entry per action.
    pub actions: Vec<Vec<String>>,
    /// The closing lines: heal everything, settle, read everything.
    pub footer: Vec<String>,
}

impl Generated {
    /// The whole script.
    pub fn text(&self) -> String {
        self.text_with(&vec![true; self.actions.len()])
    }

    /// The script with only the actions whose `keep` flag is set.
    pub fn text_with(&self, keep: &[bool]) -> String {
        let mut out = format!("# differential seed {}\n", self.seed);
        let kept = self
            .actions
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .flat_map(|(a, _)| a);
        for line in self.header.iter().chain(kept).chain(&self.footer) {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The generator's state: what it knows of the world it is scripting.
struct Gen {
    rng: Choices,
    names: Vec<String>,
    topology: Topology,
    /// Node pairs (lower index first) currently cut, both ways or one way.
    cut: BTreeSet<(usize, usize)>,
    /// The pairs among them cut one way only.
    one_way: BTreeSet<(usize, usize)>,
    /// Nodes whose `min-replicas-to-write` is set (not 0).
    min_replicas: BTreeMap<usize, bool>,
    /// Something was written or re-wired since the last `settle`.
    dirty: bool,
    /// The lines of the action being built.
    lines: Vec<String>,
}

/// The script for `seed`.
pub fn generate(seed: u64) -> Generated {
    let mut rng = Choices(seed ^ 0xd1ff_5eed);
    let n = rng.between(2, 6) as usize;
    let mut g = Gen {
        rng,
        names: (0..n)
            .map(|i| ((b'A' + i as u8) as char).to_string())
            .collect(),
        topology: Topology::new(n),
        cut: BTreeSet::new(),
        one_way: BTreeSet::new(),
        min_replicas: BTreeMap::new(),
        dirty: false,
        lines: Vec::new(),
    };
    let header = g.header();
    let count = g.rng.between(30, 100);
    let mut actions = Vec::new();
    for _ in 0..count {
        g.action();
        actions.push(std::mem::take(&mut g.lines));
    }
    g.footer();
    Generated {
        seed,
        header,
        actions,
        footer: std::mem::take(&mut g.lines),
    }
}

impl Gen {
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    fn cmd(&mut self, node: usize, words: &str) {
        let line = format!("{}> {words}", self.names[node]);
        self.line(line);
    }

    /// One random write (one or a few commands) on `node`'s console.
    fn write_on(&mut self, node: usize) {
        for w in self.write() {
            self.cmd(node, &w);
        }
    }

    /// `settle`, then 100 ms more while a link is cut one way: `settle`
    /// does not wait on an impaired link, yet bytes still flow the other
    /// way on it, within a millisecond on real servers and only as virtual
    /// time passes in the simulator.
    fn settle(&mut self) {
        self.line("settle");
        if !self.one_way.is_empty() {
            self.line("wait 100");
        }
        self.dirty = false;
    }

    fn settle_if_dirty(&mut self) {
        if self.dirty {
            self.settle();
        }
    }

    /// Nodes, their configuration, the initial forest.
    fn header(&mut self) -> Vec<String> {
        for name in self.names.clone() {
            self.line(format!("node {name}"));
        }
        for i in 0..self.names.len() {
            self.cmd(i, "CONFIG SET repl-diskless-sync-delay 0");
            self.cmd(i, "CONFIG SET repl-ping-replica-period 3600");
            self.cmd(i, "CONFIG SET min-replicas-max-lag 60");
            let diskless = self.rng.pick(&["yes", "yes", "no"]);
            self.cmd(i, &format!("CONFIG SET repl-diskless-sync {diskless}"));
            let backlog = self.rng.pick(&["16384", "32768", "1048576"]);
            self.cmd(i, &format!("CONFIG SET repl-backlog-size {backlog}"));
            if self.rng.chance(20) {
                self.cmd(i, "CONFIG SET replica-serve-stale-data no");
            }
        }
        self.line("wait 200");
        for i in 1..self.names.len() {
            if self.rng.chance(75) {
                let m = self.rng.below(i as u64) as usize;
                self.replicaof(i, Some(m));
            }
        }
        self.settle();
        std::mem::take(&mut self.lines)
    }

    /// `X> REPLICAOF Y` / `X> REPLICAOF NO ONE`, tracking the forest.
    fn replicaof(&mut self, node: usize, master: Option<usize>) {
        let target = master.map_or("NO ONE".to_string(), |m| self.names[m].clone());
        self.cmd(node, &format!("REPLICAOF {target}"));
        let made = self.topology.set_master(node, master);
        debug_assert!(made, "the generator made a replication loop");
        self.dirty = true;
    }

    /// One random action.
    fn action(&mut self) {
        match self.rng.below(100) {
            0..=37 => self.write_on_master(),
            38..=41 => {
                let node = self.any_node();
                self.write_on(node);
                self.dirty = true;
            }
            42..=47 => self.multi_block(),
            48..=56 => self.cut(),
            57..=63 => self.heal(),
            64..=68 => self.repoint(),
            69..=72 => self.promote(),
            73..=75 => self.backlog_resize(),
            76..=80 => self.wait_command(),
            81..=83 => self.min_replicas(),
            84..=85 => self.stale_data(),
            86..=93 => self.checkpoint(false),
            94..=97 => self.reads_on_master(),
            _ => {
                let ms = self.rng.pick(&["50", "100", "300"]);
                self.line(format!("wait {ms}"));
            }
        }
    }

    fn any_node(&mut self) -> usize {
        self.rng.below(self.names.len() as u64) as usize
    }

    fn a_master(&mut self) -> usize {
        let masters = self.topology.masters();
        self.rng.pick_index(&masters).unwrap_or(0)
    }

    fn write_on_master(&mut self) {
        let node = self.a_master();
        for _ in 0..self.rng.between(1, 3) {
            self.write_on(node);
        }
        self.dirty = true;
    }

    /// MULTI, one to four writes or replication commands, EXEC or
    /// DISCARD. Replication commands are queued like any other and read
    /// offsets, so a block with one settles first. Inside EXEC WAIT does
    /// not block but counts the replicas that acknowledged everything
    /// before MULTI, and ROLE on a master lists acknowledged offsets: both
    /// depend on where each replica's once-a-second acknowledgement fell,
    /// so a block with either also waits 1200 ms.
    fn multi_block(&mut self) {
        let node = if self.rng.chance(85) {
            self.a_master()
        } else {
            self.any_node()
        };
        let mut body = Vec::new();
        for _ in 0..self.rng.between(1, 4) {
            if self.rng.chance(20) {
                let c = self
                    .rng
                    .pick(&["INFO replication", "ROLE", "WAIT 0 0", "WAIT 1 10"]);
                let reads_acks = c == "ROLE" || c.starts_with("WAIT");
                let c = if reads_acks && self.acks_frozen(node) {
                    "INFO replication"
                } else {
                    c
                };
                body.push(c.to_string());
            } else {
                body.extend(self.write());
            }
        }
        if body.iter().any(|c| c.starts_with("INFO")) {
            self.settle_if_dirty();
        }
        if body.iter().any(|c| c == "ROLE" || c.starts_with("WAIT")) {
            self.settle_if_dirty();
            self.line("wait 1200");
        }
        self.cmd(node, "MULTI");
        for c in body {
            self.cmd(node, &c);
        }
        let end = if self.rng.chance(90) {
            "EXEC"
        } else {
            "DISCARD"
        };
        self.cmd(node, end);
        self.dirty = true;
    }

    /// Settles, cuts a link (mostly one that replication uses), waits for
    /// both ends to notice, sometimes reads both ends, writes a little.
    fn cut(&mut self) {
        let pairs: Vec<(usize, usize)> = self
            .topology
            .replicas()
            .into_iter()
            .filter_map(|r| self.topology.master[r].map(|m| (r, m)))
            .collect();
        let (a, b) = match pairs.get(self.rng.below(pairs.len().max(1) as u64) as usize) {
            Some(&p) if self.rng.chance(80) => p,
            _ => {
                let a = self.any_node();
                let n = self.names.len();
                (a, (a + 1 + self.rng.below(n as u64 - 1) as usize) % n)
            }
        };
        self.settle_if_dirty();
        let (na, nb) = (self.names[a].clone(), self.names[b].clone());
        let pair = (a.min(b), a.max(b));
        if self.cut.contains(&pair) {
            return self.write_on_master();
        }
        if self.rng.chance(25) {
            self.line(format!("link {na} {nb} down oneway"));
            self.one_way.insert(pair);
        } else {
            self.line(format!("link {na} {nb} down"));
        }
        self.cut.insert(pair);
        self.line("wait 200");
        if self.rng.chance(40) {
            self.cmd(a, "INFO replication");
            self.cmd(b, "INFO replication");
        }
        // Writes while cut off, half of them big, so the backlog overflows
        // now and then and the heal needs a full resync.
        for _ in 0..self.rng.below(8) {
            let node = self.a_master();
            if self.rng.chance(50) {
                let (k, v) = (self.key(), big_value(self.rng.below(10)));
                self.cmd(node, &format!("SET {k} {v}"));
            } else {
                self.write_on(node);
            }
        }
        self.dirty = true;
    }

    /// True when `node` can serve a sync: a master, or a replica whose link
    /// to its master is not cut and whose master can serve (a replica still
    /// connected through a cut above its master could too, but telling that
    /// apart is not worth it: this errs on the safe side).
    fn can_serve(&self, node: usize) -> bool {
        let mut at = node;
        for _ in 0..=self.names.len() {
            let Some(m) = self.topology.master[at] else {
                return true;
            };
            if self.cut.contains(&(at.min(m), at.max(m))) {
                return false;
            }
            at = m;
        }
        false
    }

    /// True when a replica of `node` is cut from it one way: its
    /// acknowledgements may be held, and the last one that got through
    /// fell wherever its once-a-second cron put it before the cut, so ROLE
    /// on `node` (which lists acknowledged offsets) or a WAIT that does not
    /// block (inside MULTI) would be racy.
    fn acks_frozen(&self, node: usize) -> bool {
        self.one_way.iter().any(|&(a, b)| {
            self.topology.master[a] == Some(b) && b == node
                || self.topology.master[b] == Some(a) && a == node
        })
    }

    /// Heals a cut link whose replica end (if it is a replication link)
    /// can resync through it, and settles.
    fn heal(&mut self) {
        let cut: Vec<(usize, usize)> = self
            .cut
            .iter()
            .copied()
            .filter(|&(a, b)| {
                let top = match (self.topology.master[a], self.topology.master[b]) {
                    (Some(m), _) if m == b => b,
                    (_, Some(m)) if m == a => a,
                    _ => return true,
                };
                self.can_serve(top)
            })
            .collect();
        let Some(&(a, b)) = cut.get(self.rng.below(cut.len().max(1) as u64) as usize) else {
            return self.write_on_master();
        };
        self.cut.remove(&(a, b));
        self.one_way.remove(&(a, b));
        let line = format!("link {} {} up", self.names[a], self.names[b]);
        self.line(line);
        self.settle();
    }

    /// Points a node at another that is not below it, settles.
    fn repoint(&mut self) {
        let node = self.any_node();
        let candidates: Vec<usize> = self
            .topology
            .allowed_masters(node)
            .into_iter()
            .filter(|&m| self.can_serve(m))
            .collect();
        let Some(m) = self.rng.pick_index(&candidates) else {
            return self.write_on_master();
        };
        let old_master = self.topology.master[node];
        self.settle_if_dirty();
        self.replicaof(node, Some(m));
        // Writes while the new replica syncs: buffered for it or in its
        // snapshot, either way the same data and offsets in the end. Not
        // on the old master: whether the replica's close has reached it
        // decides a min-replicas refusal, and on real servers that is a
        // race with the next command.
        for _ in 0..self.rng.below(3) {
            let master = self.a_master();
            if Some(master) != old_master {
                self.write_on(master);
            }
        }
        self.settle();
        self.after_leaving(old_master.filter(|&o| o != m));
    }

    /// Promotes a replica, settles.
    fn promote(&mut self) {
        let replicas = self.topology.replicas();
        let Some(node) = self.rng.pick_index(&replicas) else {
            return self.repoint();
        };
        let old_master = self.topology.master[node];
        self.settle_if_dirty();
        self.replicaof(node, None);
        self.settle();
        self.after_leaving(old_master);
    }

    /// After a replica left `old_master`: sometimes reads the old master at
    /// once (`settle` waits for the closing connection, so it no longer
    /// lists the replica), then waits 100 ms.
    fn after_leaving(&mut self, old_master: Option<usize>) {
        if let Some(m) = old_master {
            if self.rng.chance(30) {
                self.cmd(m, "INFO replication");
            }
        }
        self.line("wait 100");
    }

    fn backlog_resize(&mut self) {
        let node = self.any_node();
        let size = self.rng.pick(&["16384", "20000", "65536", "1048576"]);
        self.cmd(node, &format!("CONFIG SET repl-backlog-size {size}"));
    }

    /// WAIT on a master right after a write (on the same console), or on a
    /// replica (an error, -MASTERDOWN first if it is stale and refuses).
    fn wait_command(&mut self) {
        let replicas = self.topology.replicas();
        if self.rng.chance(25) {
            if let Some(r) = self.rng.pick_index(&replicas) {
                return self.cmd(r, "WAIT 1 10");
            }
        }
        let m = self.a_master();
        self.settle_if_dirty();
        // min-replicas may refuse the write; WAIT then asks about an older
        // offset, which the replicas have acknowledged or not depending on
        // where their once-a-second acknowledgement fell: let it fall.
        if self.min_replicas.get(&m) == Some(&true) {
            self.line("wait 1200");
        }
        let v = self.rng.below(1000);
        self.cmd(m, &format!("SET waited {v}"));
        // Asking for fewer replicas than will acknowledge is racy: real
        // Redis counts every acknowledgement that arrived in the same event
        // loop turn as the one that was enough.
        let reachable = replicas
            .iter()
            .filter(|&&r| self.topology.master[r] == Some(m))
            .filter(|&&r| !self.cut.contains(&(r.min(m), r.max(m))))
            .count() as u64;
        let want = [0, reachable, reachable + 1][self.rng.below(3) as usize];
        self.cmd(m, &format!("WAIT {want} 200"));
        self.dirty = true;
    }

    fn min_replicas(&mut self) {
        let node = self.any_node();
        let n = self.rng.pick(&["0", "0", "1", "2"]);
        self.cmd(node, &format!("CONFIG SET min-replicas-to-write {n}"));
        self.min_replicas.insert(node, n != "0");
    }

    fn stale_data(&mut self) {
        let node = self.any_node();
        let v = self.rng.pick(&["yes", "no"]);
        self.cmd(node, &format!("CONFIG SET replica-serve-stale-data {v}"));
    }

    /// Reads on a master, which never waits for anyone.
    fn reads_on_master(&mut self) {
        let node = if self.dirty {
            self.a_master()
        } else {
            self.any_node()
        };
        for _ in 0..self.rng.between(1, 3) {
            let r = self.read();
            self.cmd(node, &r);
        }
    }

    /// Settles, then INFO, DBSIZE and reads on some nodes (`all`: every
    /// node, every db, every key, and ROLE after the acknowledgements).
    fn checkpoint(&mut self, all: bool) {
        self.settle_if_dirty();
        let acks = all || self.rng.chance(15);
        if acks {
            self.line("wait 1200");
        }
        for node in 0..self.names.len() {
            if !all && !self.rng.chance(50) {
                continue;
            }
            let section = self.rng.pick(&["replication", "stats", "keyspace", ""]);
            let info = if all {
                "INFO"
            } else {
                &*format!("INFO {section}")
            };
            let info = info.trim_end().to_string();
            self.cmd(node, &info);
            self.cmd(node, "DBSIZE");
            let replica = self.topology.master[node].is_some();
            if replica || (acks && !self.acks_frozen(node)) {
                self.cmd(node, "ROLE");
            }
            if all {
                self.read_everything(node);
            } else {
                for _ in 0..self.rng.between(1, 4) {
                    let r = self.read();
                    self.cmd(node, &r);
                }
            }
        }
    }

    /// Every key of the first [`DBS`] dbs, back in db 0 at the end.
    fn read_everything(&mut self, node: usize) {
        for db in 0..DBS {
            self.cmd(node, &format!("SELECT {db}"));
            for k in 0..KEYS {
                self.cmd(node, &format!("TYPE k{k}"));
                self.cmd(node, &format!("TTL k{k}"));
                let read = match self.rng.below(5) {
                    0 => format!("GET k{k}"),
                    1 => format!("LRANGE k{k} 0 -1"),
                    2 => format!("HGETALL k{k}"),
                    3 => format!("SMEMBERS k{k}"),
                    _ => format!("ZRANGE k{k} 0 -1 WITHSCORES"),
                };
                self.cmd(node, &read);
            }
        }
        self.cmd(node, "SELECT 0");
    }

    /// Heals every cut link, settles, and reads everything everywhere.
    fn footer(&mut self) {
        for (a, b) in std::mem::take(&mut self.cut) {
            let line = format!("link {} {} up", self.names[a], self.names[b]);
            self.line(line);
        }
        self.one_way.clear();
        self.settle();
        self.checkpoint(true);
    }

    fn key(&mut self) -> String {
        format!("k{}", self.rng.below(KEYS))
    }

    /// One random read of a random key.
    fn read(&mut self) -> String {
        let k = self.key();
        let words = match self.rng.below(12) {
            0 | 1 => format!("GET {k}"),
            2 => format!("TYPE {k}"),
            3 => format!("EXISTS {k}"),
            4 => format!("TTL {k}"),
            5 => format!("LRANGE {k} 0 -1"),
            6 => format!("HGETALL {k}"),
            7 => format!("SMEMBERS {k}"),
            8 => format!("ZRANGE {k} 0 -1 WITHSCORES"),
            9 => format!("STRLEN {k}"),
            10 => "DBSIZE".to_string(),
            _ => format!("SCARD {k}"),
        };
        words
    }

    /// One random write over every type and every command with a
    /// propagation rewrite: one command, or a few that belong together.
    fn write(&mut self) -> Vec<String> {
        if self.rng.chance(2) {
            return self.spop_single();
        }
        vec![self.write_one()]
    }

    fn write_one(&mut self) -> String {
        let (k, k2) = (self.key(), self.key());
        let v = format!("v{}", self.rng.below(100));
        let i = self.rng.below(16);
        let db = self.rng.below(DBS);
        match self.rng.below(40) {
            0..=2 => format!("SET {k} {v}"),
            3 => {
                let opt = self.rng.pick(&[
                    "EX 100000",
                    "PX 100000000",
                    "KEEPTTL",
                    "NX",
                    "XX",
                    "GET",
                    "EX 100000 GET",
                ]);
                format!("SET {k} {v} {opt}")
            }
            4 => self
                .rng
                .pick(&["SETEX {k} 100000 {v}", "PSETEX {k} 100000000 {v}"])
                .replace("{k}", &k)
                .replace("{v}", &v),
            5 => match self.rng.below(3) {
                0 => format!("INCR {k}"),
                1 => format!("DECR {k}"),
                _ => format!("INCRBY {k} {i}"),
            },
            6 => {
                let by = self.rng.pick(&["1.5", "-0.25", "3e2", "10", "0.1"]);
                format!("INCRBYFLOAT {k} {by}")
            }
            7 => format!("APPEND {k} {v}"),
            8 => format!("{} {k}", self.rng.pick(&["DEL", "UNLINK"])),
            9 => {
                let how = self.rng.pick(&[
                    "EXPIRE {k} 100000",
                    "PEXPIRE {k} 100000000",
                    "EXPIRE {k} 0",
                    "PERSIST {k}",
                    "EXPIRE {k} 100000 NX",
                ]);
                how.replace("{k}", &k)
            }
            10 => {
                let opt = self.rng.pick(&["EX 100000", "PX 100000000", "PERSIST", ""]);
                format!("GETEX {k} {opt}").trim_end().to_string()
            }
            11 => format!("GETDEL {k}"),
            12 => format!("GETSET {k} {v}"),
            13 => format!("{} {k} {v} {i}", self.rng.pick(&["RPUSH", "LPUSH"])),
            14 => {
                let count = self.rng.pick(&["", " 2"]);
                format!("{} {k}{count}", self.rng.pick(&["LPOP", "RPOP"]))
            }
            15 => {
                let (from, to) = (
                    self.rng.pick(&["LEFT", "RIGHT"]),
                    self.rng.pick(&["LEFT", "RIGHT"]),
                );
                format!("LMOVE {k} {k2} {from} {to}")
            }
            16 => format!("RPOPLPUSH {k} {k2}"),
            17 => format!("HSET {k} f{i} {v}"),
            18 => format!("HINCRBY {k} f{i} 3"),
            19 => {
                let by = self.rng.pick(&["0.5", "-1.25", "2e1"]);
                format!("HINCRBYFLOAT {k} f{i} {by}")
            }
            20 => format!("HDEL {k} f{i}"),
            21 => format!("SADD {k} {i} {}", self.rng.below(16)),
            22 => format!("SREM {k} {i}"),
            23 => format!("SMOVE {k} {k2} {i}"),
            // SPOP's choice is random: pop everything (a count above the
            // largest possible set), or see `spop_single`.
            24 => format!("SPOP {k} 20"),
            25 => format!("ZADD {k} {} m{i}", self.rng.pick(&["1", "2.5", "-3", "7"])),
            26 => format!("ZINCRBY {k} 1.5 m{i}"),
            27 => format!("ZREM {k} m{i}"),
            28 => {
                let count = self.rng.pick(&["", " 2"]);
                format!("{} {k}{count}", self.rng.pick(&["ZPOPMIN", "ZPOPMAX"]))
            }
            29 => format!("{} {k} {k2}", self.rng.pick(&["RENAME", "RENAMENX"])),
            30 => {
                let opt = self
                    .rng
                    .pick(&["", " REPLACE", " DB {db}", " DB {db} REPLACE"]);
                format!("COPY {k} {k2}{}", opt.replace("{db}", &db.to_string()))
            }
            31 => format!("MOVE {k} {db}"),
            32 => format!("SELECT {db}"),
            33 => format!("MSET {k} {v} {k2} {i}"),
            34 => format!("SETRANGE {k} {i} {v}"),
            35 | 36 => format!("SET {k} {}", big_value(self.rng.below(10))),
            37 => {
                if self.rng.chance(70) {
                    "FLUSHDB".to_string()
                } else {
                    "FLUSHALL".to_string()
                }
            }
            38 => format!("LTRIM {k} 0 {i}"),
            _ => match self.rng.below(3) {
                0 => format!("SETNX {k} {v}"),
                1 => format!("LPUSHX {k} {v}"),
                _ => format!("HSETNX {k} f{i} {v}"),
            },
        }
    }

    /// `SPOP` of a set made to have one member (`DEL`, `SADD`, `SPOP` on
    /// a key of its own): the only plain pop with no random choice.
    fn spop_single(&mut self) -> Vec<String> {
        let i = self.rng.below(16);
        vec![
            "DEL single".to_string(),
            format!("SADD single {i}"),
            "SPOP single".to_string(),
        ]
    }
}

/// A 2,000-byte value that starts with a digit, so different values
/// differ early and each script line stays readable at its start.
fn big_value(n: u64) -> String {
    let mut v = format!("big{n}-");
    while v.len() < BIG_LEN {
        v.push_str("0123456789");
    }
    v.truncate(BIG_LEN);
    v
}
