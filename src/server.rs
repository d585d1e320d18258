//! One Redis server's data side: the keyspace, its configuration and stats,
//! and `processCommand` — the path every command line takes from argv to a
//! reply and to the list of writes to propagate.
//!
//! Replication state lives in `crate::node`, which owns a `Server` and asks
//! it to run commands. The two meet at three points, all values:
//! - [`Gate`]: replication's verdict before a command runs (`-READONLY`,
//!   `-NOREPLICAS`, `-MASTERDOWN`) and the text of INFO's replication section;
//! - [`Outcome::Repl`]: commands that belong to replication (REPLICAOF, ROLE,
//!   WAIT, REPLCONF, PSYNC, SYNC) are checked for arity here and then handed
//!   back to the node to run;
//! - [`Propagated`]: what a write sends to replicas, already rewritten the
//!   way Redis 7.0 rewrites it (EXPIRE → PEXPIREAT, ...), MULTI/EXEC wrapped
//!   only when a unit made more than one write. SELECT is *not* included: the
//!   replication stream adds it when the db changes, as `replicationFeedSlaves` does.

use crate::config::Config;
use crate::db::Keyspace;
use crate::resp::Frame;

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
    /// The body of INFO's `# Replication` section (lines joined by CRLF,
    /// without the header), filled in by the node for INFO.
    pub replication_info: Option<String>,
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
    /// A replication command, arity already checked: the node runs it.
    Repl(Vec<Vec<u8>>),
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
}

impl Server {
    /// A fresh, empty server with default configuration.
    pub fn new(run_id: String, start_ms: i64) -> Server {
        Server {
            keyspace: Keyspace::new(),
            config: Config::default(),
            stats: Stats::default(),
            is_replica: false,
            run_id,
            start_ms,
            expire_cursor: vec![0; crate::db::DB_COUNT],
        }
    }

    /// Runs one command line from `client` at virtual time `now_ms`:
    /// lookup, arity, replication's gate, MULTI queueing, execution.
    pub fn process(
        &mut self,
        client: &mut Client,
        argv: Vec<Vec<u8>>,
        now_ms: i64,
        gate: &Gate,
    ) -> Outcome {
        crate::cmd::process(self, client, argv, now_ms, gate)
    }
}
