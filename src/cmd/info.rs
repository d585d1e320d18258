//! The INFO text (`genRedisInfoString`): sections in Redis 7.0's order and
//! field names, lines ending in CRLF, a blank line between sections.
//!
//! `INFO` and `INFO default` give the default sections, `INFO all` adds
//! commandstats and latencystats, `INFO everything` is the same here (no
//! modules); any other words select sections by name, several at once,
//! unknown names are ignored. Commandstats count calls, rejections and
//! failures per command (CONFIG's subcommands are not split out as
//! `config|get`); their times, and all latency percentiles, are 0. Values that describe a real process (pid,
//! CPU time, RSS, network bytes) are fixed or derived from the simulation:
//! times come from the virtual clock, `used_memory` is this simulator's own
//! estimate of its keyspace. The replication section has one home,
//! `crate::repl::info`: INFO is run by the node (it is a `repl` command in
//! the table), which passes that section's text in, whether INFO came from
//! the console, a connection or the middle of an EXEC.

use crate::server::Server;
use std::fmt::Write;

/// Sections in output order, and whether `INFO` shows each by default.
const SECTIONS: [(&str, bool); 13] = [
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("latencystats", false),
    ("cluster", true),
    ("keyspace", true),
];

impl Server {
    /// The INFO text for `section` (`None` = the default sections), with
    /// `replication` as the body of `# Replication`.
    pub fn info(&self, section: Option<&str>, now_ms: i64, replication: &str) -> String {
        let args: Vec<&[u8]> = section.map(str::as_bytes).into_iter().collect();
        info_text(self, &args, now_ms, replication)
    }
}

/// Builds the INFO reply for the given section arguments (empty = default).
/// `replication` is the body of `# Replication` (lines joined by CRLF, no
/// header), written by the node.
pub fn info_text(server: &Server, args: &[&[u8]], now_ms: i64, replication: &str) -> String {
    let wanted = |name: &str, default: bool| {
        if args.is_empty() {
            return default;
        }
        args.iter().any(|a| {
            a.eq_ignore_ascii_case(name.as_bytes())
                || a.eq_ignore_ascii_case(b"all")
                || a.eq_ignore_ascii_case(b"everything")
                || (default && a.eq_ignore_ascii_case(b"default"))
        })
    };
    let mut out = String::with_capacity(4096);
    for (name, default) in SECTIONS {
        if !wanted(name, default) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        section(&mut out, server, name, now_ms, replication);
    }
    out
}

/// Appends one section: its `# Title` line and its fields.
fn section(out: &mut String, s: &Server, name: &str, now_ms: i64, replication: &str) {
    let mut title = name.to_string();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if name == "cpu" {
        title = "CPU".into();
    }
    let _ = write!(out, "# {title}\r\n");
    match name {
        "server" => server_section(out, s, now_ms),
        "clients" => lines(
            out,
            &[
                ("connected_clients", "1"),
                ("cluster_connections", "0"),
                ("maxclients", "10000"),
                ("client_recent_max_input_buffer", "0"),
                ("client_recent_max_output_buffer", "0"),
                ("blocked_clients", "0"),
                ("tracking_clients", "0"),
                ("clients_in_timeout_table", "0"),
            ],
        ),
        "memory" => memory_section(out, s),
        "persistence" => persistence_section(out, s),
        "stats" => stats_section(out, s),
        "replication" => {
            out.push_str(replication.trim_end_matches("\r\n"));
            out.push_str("\r\n");
        }
        "cpu" => lines(
            out,
            &[
                ("used_cpu_sys", "0.000000"),
                ("used_cpu_user", "0.000000"),
                ("used_cpu_sys_children", "0.000000"),
                ("used_cpu_user_children", "0.000000"),
                ("used_cpu_sys_main_thread", "0.000000"),
                ("used_cpu_user_main_thread", "0.000000"),
            ],
        ),
        "commandstats" => command_stats(out, s),
        "latencystats" => latency_stats(out, s),
        "errorstats" => {
            for (code, n) in &s.stats.error_counts {
                let _ = write!(out, "errorstat_{code}:count={n}\r\n");
            }
        }
        "cluster" => lines(out, &[("cluster_enabled", "0")]),
        "keyspace" => keyspace_section(out, s, now_ms),
        _ => {}
    }
}

fn lines(out: &mut String, fields: &[(&str, &str)]) {
    for (k, v) in fields {
        let _ = write!(out, "{k}:{v}\r\n");
    }
}

fn server_section(out: &mut String, s: &Server, now_ms: i64) {
    let uptime = (now_ms - s.start_ms).max(0) / 1000;
    let fixed = [
        ("redis_version", "7.0.15"),
        ("redis_git_sha1", "00000000"),
        ("redis_git_dirty", "0"),
        ("redis_build_id", "0000000000000000"),
        ("redis_mode", "standalone"),
        ("os", "replscope (simulated) x86_64"),
        ("arch_bits", "64"),
        ("monotonic_clock", "virtual clock"),
        ("multiplexing_api", "simulated"),
        ("atomicvar_api", "c11-builtin"),
        ("gcc_version", "0.0.0"),
        ("process_id", "1"),
        ("process_supervised", "no"),
    ];
    lines(out, &fixed);
    let _ = write!(
        out,
        "run_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{uptime}\r\nuptime_in_days:{}\r\n",
        s.run_id,
        s.config.port,
        now_ms.saturating_mul(1000),
        uptime / 86400
    );
    let _ = write!(
        out,
        "hz:10\r\nconfigured_hz:10\r\nlru_clock:{}\r\nexecutable:/usr/bin/redis-server\r\nconfig_file:\r\nio_threads_active:0\r\n",
        (now_ms / 1000) & ((1 << 24) - 1)
    );
}

/// `bytesToHuman`.
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (1 << 50, "P"),
        (1 << 40, "T"),
        (1 << 30, "G"),
        (1 << 20, "M"),
        (1 << 10, "K"),
    ];
    for (size, unit) in UNITS {
        if n >= size {
            return format!("{:.2}{unit}", n as f64 / size as f64);
        }
    }
    format!("{n}B")
}

fn memory_section(out: &mut String, s: &Server) {
    let dataset = s.keyspace.memory_bytes() as u64;
    let startup = std::mem::size_of::<Server>() as u64;
    let used = dataset + startup;
    // Not tracked between calls: the peak shown is the current estimate.
    let peak = used;
    let _ = write!(
        out,
        "used_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{used}\r\nused_memory_rss_human:{}\r\n\
         used_memory_peak:{peak}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:{:.2}%\r\n\
         used_memory_overhead:{startup}\r\nused_memory_startup:{startup}\r\nused_memory_dataset:{dataset}\r\n\
         used_memory_dataset_perc:{:.2}%\r\n",
        bytes_to_human(used),
        bytes_to_human(used),
        bytes_to_human(peak),
        used as f64 * 100.0 / peak.max(1) as f64,
        dataset as f64 * 100.0 / used.max(1) as f64,
    );
    lines(
        out,
        &[
            ("maxmemory", "0"),
            ("maxmemory_human", "0B"),
            ("maxmemory_policy", "noeviction"),
            ("mem_fragmentation_ratio", "1.00"),
            ("mem_allocator", "rust"),
        ],
    );
}

fn persistence_section(out: &mut String, s: &Server) {
    lines(
        out,
        &[
            ("loading", "0"),
            ("async_loading", "0"),
            ("current_cow_peak", "0"),
            ("current_cow_size", "0"),
            ("current_cow_size_age", "0"),
            ("current_fork_perc", "0.00"),
            ("current_save_keys_processed", "0"),
            ("current_save_keys_total", "0"),
        ],
    );
    let _ = write!(
        out,
        "rdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:{}\r\n",
        s.stats.dirty,
        s.start_ms / 1000
    );
    lines(
        out,
        &[
            ("rdb_last_bgsave_status", "ok"),
            ("rdb_last_bgsave_time_sec", "-1"),
            ("rdb_current_bgsave_time_sec", "-1"),
            ("rdb_saves", "0"),
            ("rdb_last_cow_size", "0"),
            ("rdb_last_load_keys_expired", "0"),
            ("rdb_last_load_keys_loaded", "0"),
            ("aof_enabled", "0"),
            ("aof_rewrite_in_progress", "0"),
            ("aof_rewrite_scheduled", "0"),
            ("aof_last_rewrite_time_sec", "-1"),
            ("aof_current_rewrite_time_sec", "-1"),
            ("aof_last_bgrewrite_status", "ok"),
            ("aof_rewrites", "0"),
            ("aof_rewrites_consecutive_failures", "0"),
            ("aof_last_write_status", "ok"),
            ("aof_last_cow_size", "0"),
            ("module_fork_in_progress", "0"),
            ("module_fork_last_cow_size", "0"),
        ],
    );
}

fn stats_section(out: &mut String, s: &Server) {
    let st = &s.stats;
    let _ = write!(
        out,
        "total_connections_received:0\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:0\r\n\
         total_net_input_bytes:0\r\ntotal_net_output_bytes:0\r\ntotal_net_repl_input_bytes:{}\r\n\
         total_net_repl_output_bytes:{}\r\ninstantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\n\
         instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\nrejected_connections:0\r\n\
         sync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\nexpired_keys:{}\r\nexpired_stale_perc:0.00\r\n\
         expired_time_cap_reached_count:0\r\nexpire_cycle_cpu_milliseconds:0\r\nevicted_keys:0\r\nevicted_clients:0\r\n\
         total_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\n",
        st.total_commands_processed,
        st.net_repl_input_bytes,
        st.net_repl_output_bytes,
        st.sync_full,
        st.sync_partial_ok,
        st.sync_partial_err,
        st.expired_keys,
        st.keyspace_hits,
        st.keyspace_misses,
    );
    let _ = write!(
        out,
        "pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\nlatest_fork_usec:0\r\ntotal_forks:{}\r\n",
        st.total_forks
    );
    lines(
        out,
        &[
            ("migrate_cached_sockets", "0"),
            ("slave_expires_tracked_keys", "0"),
            ("active_defrag_hits", "0"),
            ("active_defrag_misses", "0"),
            ("active_defrag_key_hits", "0"),
            ("active_defrag_key_misses", "0"),
            ("total_active_defrag_time", "0"),
            ("current_active_defrag_time", "0"),
            ("tracking_total_keys", "0"),
            ("tracking_total_items", "0"),
            ("tracking_total_prefixes", "0"),
            ("unexpected_error_replies", "0"),
        ],
    );
    let _ = write!(
        out,
        "total_error_replies:{}\r\ndump_payload_sanitizations:0\r\ntotal_reads_processed:{}\r\ntotal_writes_processed:{}\r\n",
        st.total_error_replies, st.total_commands_processed, st.total_commands_processed
    );
    lines(
        out,
        &[
            ("io_threaded_reads_processed", "0"),
            ("io_threaded_writes_processed", "0"),
            ("reply_buffer_shrinks", "0"),
            ("reply_buffer_expands", "0"),
        ],
    );
}

/// The commands that ran or were refused, with their counters.
fn used_commands(s: &Server) -> impl Iterator<Item = (&'static str, &crate::server::CommandStat)> {
    crate::cmd::COMMANDS
        .iter()
        .zip(&s.stats.command_stats)
        .filter(|(_, st)| st.calls + st.rejected_calls > 0)
        .map(|(c, st)| (c.name, st))
}

/// `cmdstat_<name>:calls=..,usec=..,...`; times are 0: nothing here takes
/// measurable virtual time.
fn command_stats(out: &mut String, s: &Server) {
    for (name, st) in used_commands(s) {
        let _ = write!(
            out,
            "cmdstat_{name}:calls={},usec=0,usec_per_call=0.00,rejected_calls={},failed_calls={}\r\n",
            st.calls, st.rejected_calls, st.failed_calls
        );
    }
}

/// `latency_percentiles_usec_<name>:...` for commands that ran (all 0).
fn latency_stats(out: &mut String, s: &Server) {
    for (name, _) in used_commands(s).filter(|(_, st)| st.calls > 0) {
        let _ = write!(
            out,
            "latency_percentiles_usec_{name}:p50=0.000,p99=0.000,p99.9=0.000\r\n"
        );
    }
}

/// `dbN:keys=..,expires=..,avg_ttl=..` for each non-empty db; avg_ttl is
/// the exact mean remaining TTL in ms (Redis keeps a sampled estimate).
fn keyspace_section(out: &mut String, s: &Server, now_ms: i64) {
    for (i, db) in s.keyspace.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let live: Vec<i64> = db
            .expires
            .values()
            .map(|at| at - now_ms)
            .filter(|t| *t > 0)
            .collect();
        let avg = if live.is_empty() {
            0
        } else {
            live.iter().sum::<i64>() / live.len() as i64
        };
        let _ = write!(
            out,
            "db{i}:keys={},expires={},avg_ttl={avg}\r\n",
            db.len(),
            db.expires.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::bytes_to_human;

    #[test]
    fn human_sizes_like_redis() {
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(2319920), "2.21M");
        assert_eq!(bytes_to_human(89401352), "85.26M");
        assert_eq!(bytes_to_human(25276502016), "23.54G");
    }
}
