//! One Redis server's data side: the keyspace, its configuration and
//! stats, and the values that cross between it and replication.
//! `processCommand` itself (`Server::process`) is written in `crate::cmd`,
//! next to the command table it reads; this module knows no command.
//!
//! Replication state lives in `crate::repl::node`, which owns a `Server` and asks
//! it to run commands. The two meet at three points, all values:
//! - [`Gate`]: replication's verdict before a command runs (`-READONLY`,
//!   `-NOREPLICAS`, `-MASTERDOWN`);
//! - [`Outcome::Repl`] and [`Outcome::Exec`]: commands that read or change
//!   replication state (INFO, REPLICAOF, ROLE, WAIT, REPLCONF, PSYNC, SYNC)
//!   pass `processCommand`'s checks here, are queued inside MULTI like any
//!   other, and are then handed to the node to run, on their own or in
//!   the middle of an EXEC;
//! - [`Propagated`]: what a write sends to replicas, already rewritten the
//!   way Redis 7.0 rewrites it (EXPIRE → PEXPIREAT, ...), MULTI/EXEC wrapped
//!   only when a unit made more than one write. SELECT is *not* included: the
//!   replication stream adds it when the db changes, as `replicationFeedSlaves` does.

use crate::config::Config;
use crate::db::{Keyspace, DB_COUNT};
use crate::resp::Frame;
use crate::vec_map::VecMap;

/// Who sent a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClientKind {
    /// A person at a console, a scenario line, a test.
    #[default]
    Normal,
    /// The replication stream from this node's master: always obeyed (no
    /// READONLY), sees logically expired keys as present, replies discarded.
    Master,
}

/// Per-connection state: selected db and an open MULTI.
#[derive(Clone, Debug, Default)]
pub struct Client {
    /// Selected database.
    pub db: usize,
    /// Who this client is.
    pub kind: ClientKind,
    /// Queued commands while inside MULTI.
    pub multi: Option<Vec<Vec<Vec<u8>>>>,
    /// A command failed to queue: EXEC answers EXECABORT.
    pub multi_dirty: bool,
}

impl Client {
    /// A console client on db 0.
    pub fn normal() -> Client {
        Client::default()
    }

    /// The client that applies the replication stream from a master.
    pub fn master() -> Client {
        Client {
            kind: ClientKind::Master,
            ..Client::default()
        }
    }
}

/// Replication's say on the next command, computed by the node.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    /// Error for write commands (`READONLY ...` or `NOREPLICAS ...`), if denied.
    pub write_denied: Option<String>,
    /// Error for commands that need fresh data (`MASTERDOWN ...`), if denied.
    pub stale_denied: Option<String>,
}

/// One write as it enters the replication stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Propagated {
    /// The db it applies to; the stream emits SELECT when this changes.
    pub db: usize,
    /// The command, arguments as sent (or rewritten in upper case).
    pub argv: Vec<Vec<u8>>,
}

impl Propagated {
    /// A propagated command from string arguments (tests and rewrites).
    pub fn new<A: AsRef<[u8]>>(db: usize, argv: &[A]) -> Propagated {
        Propagated {
            db,
            argv: argv.iter().map(|a| a.as_ref().to_vec()).collect(),
        }
    }
}

/// What happened to a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It ran (or was refused): the reply, and the writes to propagate.
    Done {
        /// The reply for the client.
        reply: Frame,
        /// Writes for the replication stream, in order.
        propagate: Vec<Propagated>,
    },
    /// A command the node runs (INFO, ROLE, WAIT, REPLICAOF, ...), every
    /// check of `processCommand` passed.
    Repl(Vec<Vec<u8>>),
    /// An EXEC reached a queued command the node runs: the node runs
    /// `argv`, hands its reply to [`Exec::push_reply`] and resumes the
    /// transaction with `Exec::step` (in `crate::cmd`).
    Exec {
        /// The transaction so far.
        exec: Exec,
        /// The queued command for the node.
        argv: Vec<Vec<u8>>,
    },
}

/// An EXEC part-way through its queue: one unit, so its writes propagate
/// together at the end, after every queued command ran.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exec {
    /// Commands not run yet, in order.
    pub queue: std::collections::VecDeque<Vec<Vec<u8>>>,
    /// The replies so far, one per queued command.
    pub replies: Vec<Frame>,
    /// The unit's writes so far.
    pub propagate: Vec<Propagated>,
}

impl Exec {
    /// Records the reply of the command the node ran.
    pub fn push_reply(&mut self, reply: Frame) {
        self.replies.push(reply);
    }
}

impl Outcome {
    /// A reply with nothing to propagate.
    pub fn reply(reply: Frame) -> Outcome {
        Outcome::Done {
            reply,
            propagate: Vec::new(),
        }
    }
}

/// Counters shown by INFO stats. Replication increments the sync counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `total_commands_processed`.
    pub total_commands_processed: u64,
    /// `expired_keys`.
    pub expired_keys: u64,
    /// `keyspace_hits`.
    pub keyspace_hits: u64,
    /// `keyspace_misses`.
    pub keyspace_misses: u64,
    /// `sync_full`: full resyncs served to replicas.
    pub sync_full: u64,
    /// `sync_partial_ok`: accepted PSYNCs.
    pub sync_partial_ok: u64,
    /// `sync_partial_err`: PSYNCs that had to fall back to a full resync.
    pub sync_partial_err: u64,
    /// `total_net_repl_input_bytes`.
    pub net_repl_input_bytes: u64,
    /// `total_net_repl_output_bytes`.
    pub net_repl_output_bytes: u64,
    /// `total_error_replies`.
    pub total_error_replies: u64,
    /// INFO errorstats: error replies by code (`ERR`, `WRONGTYPE`, ...).
    pub error_counts: VecMap<String, u64>,
    /// `rdb_changes_since_last_save`: writes made (Redis's `server.dirty`).
    pub dirty: u64,
    /// `total_forks` (the node counts its BGSAVEs here).
    pub total_forks: u64,
    /// INFO commandstats, by position in the command table (grown on
    /// first use).
    pub command_stats: Vec<CommandStat>,
}

/// One command's line in INFO commandstats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandStat {
    /// Times it ran.
    pub calls: u64,
    /// Times it was refused before running (arity, READONLY, ...).
    pub rejected_calls: u64,
    /// Times it ran and replied with an error.
    pub failed_calls: u64,
}

impl Stats {
    /// The commandstats counters of the command at `index` in the table.
    pub fn command_stat(&mut self, index: usize) -> Option<&mut CommandStat> {
        if self.command_stats.len() <= index {
            self.command_stats.resize(index + 1, CommandStat::default());
        }
        self.command_stats.get_mut(index)
    }

    /// Counts an error reply in `total_error_replies` and errorstats.
    pub fn count_error(&mut self, reply: &Frame) {
        let Frame::Error(text) = reply else {
            return;
        };
        self.total_error_replies += 1;
        let code = text.split(' ').next().unwrap_or("ERR");
        match self.error_counts.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                self.error_counts.insert(code.to_string(), 1);
            }
        }
    }
}

/// Keys examined per round of active expiry (`ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
pub const EXPIRE_SAMPLES: usize = 20;

/// Rounds per db per active-expiry cycle at most (Redis bounds it by time).
pub const EXPIRE_MAX_ROUNDS: usize = 16;

/// A 64-bit seed from the run id (FNV-1a), never zero.
fn seed_from(run_id: &str) -> u64 {
    let h = run_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    h.max(1)
}

/// One node's data side.
#[derive(Clone, Debug)]
pub struct Server {
    /// The sixteen databases.
    pub keyspace: Keyspace,
    /// Settings (CONFIG GET/SET).
    pub config: Config,
    /// INFO stats counters.
    pub stats: Stats,
    /// True while this node replicates from a master: it never expires keys
    /// itself (it waits for the master's DEL) but hides expired keys from reads.
    pub is_replica: bool,
    /// `run_id` shown by INFO server (40 hex chars, from the simulator's RNG).
    pub run_id: String,
    /// Virtual time the server started, for `uptime_in_seconds`.
    pub start_ms: i64,
    /// Position of the incremental active-expiry scan, per db.
    pub expire_cursor: Vec<usize>,
    /// `DEBUG SET-ACTIVE-EXPIRE`: whether [`Server::active_expire_cycle`] runs.
    pub active_expire_enabled: bool,
    /// State of the server's random generator (SPOP), seeded from `run_id`
    /// so that it, too, comes from the simulator's one seeded RNG.
    pub rng: u64,
}

impl Server {
    /// A fresh, empty server with default configuration.
    pub fn new(run_id: String, start_ms: i64) -> Server {
        Server {
            keyspace: Keyspace::new(),
            config: Config::default(),
            stats: Stats::default(),
            is_replica: false,
            start_ms,
            expire_cursor: vec![0; DB_COUNT],
            active_expire_enabled: true,
            rng: seed_from(&run_id),
            run_id,
        }
    }

    /// The next number from the server's generator (xorshift64*).
    pub fn random_u64(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Redis's `activeExpireCycle`, deterministic: each db is scanned from a
    /// cursor in rounds of [`EXPIRE_SAMPLES`] keys with a TTL, deleting
    /// the expired ones, until a round finds at most 10% expired (Redis's
    /// acceptable-stale threshold) or [`EXPIRE_MAX_ROUNDS`] rounds ran.
    /// Returns one `DEL` per deleted key, unwrapped, as 7.0 sends them.
    /// Replicas never expire keys themselves, so they return nothing.
    pub fn active_expire_cycle(&mut self, now_ms: i64) -> Vec<Propagated> {
        let mut dels = Vec::new();
        if self.is_replica || !self.active_expire_enabled {
            return dels;
        }
        for db in 0..DB_COUNT {
            for _ in 0..EXPIRE_MAX_ROUNDS {
                let (sampled, expired) = self.expire_round(db, now_ms, &mut dels);
                if sampled == 0 || expired * 10 <= sampled {
                    break;
                }
            }
        }
        dels
    }

    /// One round of [`Server::active_expire_cycle`] on one db: returns
    /// (keys sampled, keys expired).
    fn expire_round(
        &mut self,
        db: usize,
        now_ms: i64,
        dels: &mut Vec<Propagated>,
    ) -> (usize, usize) {
        let (mut sampled, mut expired) = (0, 0);
        let Some(cursor) = self.expire_cursor.get(db).copied() else {
            return (0, 0);
        };
        let d = &mut self.keyspace.dbs[db];
        let mut i = cursor;
        while sampled < EXPIRE_SAMPLES.min(d.expires.len()) {
            if i >= d.expires.len() {
                i = 0;
            }
            sampled += 1;
            let Some((key, &at)) = d.expires.get_index(i) else {
                break;
            };
            if at > now_ms {
                i += 1;
                continue;
            }
            // Removing swaps the last key into slot `i`, so `i` stays.
            let key = key.clone();
            d.remove(&key);
            expired += 1;
            self.stats.expired_keys += 1;
            dels.push(Propagated::new(db, &[b"DEL", key.as_bytes()]));
        }
        self.expire_cursor[db] = i;
        (sampled, expired)
    }
}
