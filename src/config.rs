//! A node's configuration: the settings that shape replication, with Redis
//! 7.0's defaults, readable and writable through `CONFIG GET` / `CONFIG SET`.
//!
//! Only settings that change what the simulator does are kept. Values are
//! typed here; their text forms (`1mb`, `yes`, `replica 256mb 64mb 60`) are
//! parsed and printed the way Redis does in `crate::cmd::config`.

use serde::Serialize;

/// `client-output-buffer-limit` for the replica class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OutputBufferLimit {
    /// Disconnect as soon as pending output exceeds this (0 = no limit).
    pub hard_bytes: u64,
    /// Disconnect when pending output stays above this ...
    pub soft_bytes: u64,
    /// ... for this many seconds.
    pub soft_seconds: u64,
}

/// The replication-relevant configuration of one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// `port`: only shown (INFO, ROLE, REPLCONF listening-port); links are simulated.
    pub port: u16,
    /// `repl-backlog-size`, bytes (minimum 16384).
    pub repl_backlog_size: u64,
    /// `repl-backlog-ttl`, seconds without replicas before the backlog is freed (0 = never).
    pub repl_backlog_ttl: u64,
    /// `repl-ping-replica-period`, seconds.
    pub repl_ping_replica_period: u64,
    /// `repl-timeout`, seconds.
    pub repl_timeout: u64,
    /// `repl-diskless-sync`.
    pub repl_diskless_sync: bool,
    /// `repl-diskless-sync-delay`, seconds.
    pub repl_diskless_sync_delay: u64,
    /// `repl-diskless-sync-max-replicas` (0 = no maximum).
    pub repl_diskless_sync_max_replicas: u64,
    /// `repl-diskless-load`: only `disabled` is simulated (flush, then load).
    pub repl_diskless_load: String,
    /// `min-replicas-to-write`.
    pub min_replicas_to_write: u64,
    /// `min-replicas-max-lag`, seconds.
    pub min_replicas_max_lag: u64,
    /// `replica-read-only`.
    pub replica_read_only: bool,
    /// `replica-serve-stale-data`.
    pub replica_serve_stale_data: bool,
    /// `replica-priority`.
    pub replica_priority: u64,
    /// `client-output-buffer-limit` replica class.
    pub replica_output_limit: OutputBufferLimit,
    /// `client-output-buffer-limit` normal class (only shown by CONFIG GET).
    pub normal_output_limit: OutputBufferLimit,
    /// `client-output-buffer-limit` pubsub class (only shown by CONFIG GET).
    pub pubsub_output_limit: OutputBufferLimit,
}

/// Redis's minimum backlog size; smaller settings are raised to it.
pub const MIN_BACKLOG_SIZE: u64 = 16 * 1024;

impl Default for Config {
    fn default() -> Config {
        Config {
            port: 6379,
            repl_backlog_size: 1024 * 1024,
            repl_backlog_ttl: 3600,
            repl_ping_replica_period: 10,
            repl_timeout: 60,
            repl_diskless_sync: true,
            repl_diskless_sync_delay: 5,
            repl_diskless_sync_max_replicas: 0,
            repl_diskless_load: "disabled".to_string(),
            min_replicas_to_write: 0,
            min_replicas_max_lag: 10,
            replica_read_only: true,
            replica_serve_stale_data: true,
            replica_priority: 100,
            replica_output_limit: OutputBufferLimit {
                hard_bytes: 256 * 1024 * 1024,
                soft_bytes: 64 * 1024 * 1024,
                soft_seconds: 60,
            },
            normal_output_limit: OutputBufferLimit {
                hard_bytes: 0,
                soft_bytes: 0,
                soft_seconds: 0,
            },
            pubsub_output_limit: OutputBufferLimit {
                hard_bytes: 32 * 1024 * 1024,
                soft_bytes: 8 * 1024 * 1024,
                soft_seconds: 60,
            },
        }
    }
}
