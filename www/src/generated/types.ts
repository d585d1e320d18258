// Generated from the Rust types by tests/ts_types.rs: do not edit.
// Regenerate with `UPDATE_TS=1 cargo test --test ts_types`.

export type Phase = "none" | "handshake" | "snapshot" | "transfer" | "load" | "replay" | "streaming";

export type Payload = "command" | "reply" | "rdb" | "replay" | "keepalive";

export type View = { seed: number, time_ms: number, unix_ms: number, nodes: Array<NodeView>, links: Array<LinkView>, trace_len: number, last_seq: number | null, next_seq: number, trace_hash: string, };

export type NodeView = { name: string, port: number, role: string, master: string | null, link_status: string | null, repl_state: string, replid: string, replid2: string, master_repl_offset: number, second_repl_offset: number, slave_repl_offset: number | null, keys: number, dbs: Array<DbView>, replicas: Array<ReplicaView>, backlog: BacklogView | null, bgsave: BgsaveView | null, sync_phase: Phase, last_psync: PsyncView | null, transfer: TransferView | null, sync_full: number, sync_partial_ok: number, sync_partial_err: number, wait_blocked: boolean, 
/**
 * For a replica: whether its master's backlog still holds the next
 * byte it needs (`Backlog::covers`), i.e. whether a reconnect could
 * continue as far as the backlog goes.
 */
master_backlog_covers: boolean | null, 
/**
 * For a master with replicas in `wait_bgsave_start`: the virtual time
 * from which the replication cron forks for them (the diskless delay).
 */
pending_fork_at_ms: number | null, 
/**
 * The replication IDs this node had before `replid`, oldest first.
 */
past_replids: Array<string>, 
/**
 * For a replica whose chain of masters comes back to it: the nodes of
 * that loop, starting with this one (empty when there is none).
 */
replication_loop: Array<string>, };

export type DbView = { db: number, keys: number, expires: number, };

export type ReplicaView = { name: string, state: string, info_state: string, streaming: boolean, ack_offset: number, lag_s: number, buffered_bytes: number, buffered_commands: number, pending_output_bytes: number, };

export type BacklogView = { first_byte_offset: number, last_byte_offset: number, histlen: number, size: number, };

export type BgsaveView = { target: string, started_ms: number, };

export type PsyncView = { master: string, result: string, reason: string, };

export type TransferView = { received: number, total: number, };

export type LinkView = { a: string, b: string, up_ab: boolean, up_ba: boolean, latency_ms: number, bandwidth_bytes_per_s: number | null, queued_ab_bytes: number, queued_ba_bytes: number, 
/**
 * Writes waiting for the wire, each way, in the order they will go.
 */
queued: Array<QueuedView>, messages: Array<MessageView>, };

export type MessageView = { from: string, to: string, payload: Payload, fin: boolean, text: string, bytes: number, progress_permille: number | null, depart_ms: number, arrive_ms: number, };

export type QueuedView = { from: string, to: string, payload: Payload, bytes: number, };

export type EventView = { 
/**
 * One of the replication stream's routine events (propagated and
 * applied writes, ACKs, keepalives, the write load's commands), which
 * the page can hide.
 */
stream: boolean, 
/**
 * Position in the whole history (never reused, keeps counting past the cap).
 */
seq: number, 
/**
 * Virtual milliseconds since the simulation started.
 */
time_ms: number, 
/**
 * The node where it happened (shared: see [`Trace`]'s name table).
 */
node: string, 
/**
 * The replica it concerns: the replica itself for replica-side events,
 * the replica being served for master-side ones; `None` for events about
 * the whole node (a propagated write, a console command).
 */
replica: string | null, 
/**
 * The sync step it belongs to.
 */
phase: Phase, 
/**
 * The message it shows crossing a link, for a sequence diagram: its
 * two ends named when it happened, so a replica re-pointed later
 * keeps its old arrows.
 */
message: Message | null, } & ({ "type": "node_added", port: number, } | { "type": "node_removed" } | { "type": "command", command: string, reply: string, } | { "type": "load_write", command: string, reply: string, } | { "type": "link_down", peer: string, one_way: boolean, } | { "type": "link_up", peer: string, } | { "type": "link_latency", peer: string, latency_ms: number, } | { "type": "link_bandwidth", peer: string, bytes_per_s: number | null, } | { "type": "conn_closed", peer: string, reason: string, } | { "type": "role_changed", role: string, master: string | null, } | { "type": "repl_state", from: string, to: string, } | { "type": "connect_failed", master: string, error: string, } | { "type": "handshake_sent", command: string, } | { "type": "handshake_reply", reply: string, } | { "type": "slave_state", from: string, to: string, } | { "type": "psync_decision", 
/**
 * The replication ID the replica asked for (`?` = none).
 */
replid: string, 
/**
 * The offset it asked to continue from.
 */
offset: number, 
/**
 * `continue` or `fullresync`.
 */
result: string, 
/**
 * Why, in words ("the ID asked for is my replid; offset 1201 is inside the backlog 1..5000").
 */
reason: string, } | { "type": "full_resync", replid: string, offset: number, } | { "type": "continue", replid: string, offset: number, backlog_bytes: number, } | { "type": "replid_changed", replid: string, replid2: string, second_repl_offset: number, why: string, } | { "type": "backlog_created", first_byte_offset: number, } | { "type": "backlog_freed", why: string, } | { "type": "backlog_trimmed", trimmed: number, first_byte_offset: number, histlen: number, } | { "type": "bgsave_delayed", delay_s: number, } | { "type": "bgsave_attached", to: string, } | { "type": "bgsave_wait_next", why: string, } | { "type": "bgsave_started", 
/**
 * `disk` or `sockets` (diskless).
 */
target: string, replicas: Array<string>, keys: number, rdb_bytes: number, } | { "type": "bgsave_done", target: string, rdb_bytes: number, } | { "type": "bgsave_killed", why: string, } | { "type": "rdb_send_started", bytes: number, preamble: string, } | { "type": "rdb_chunk", bytes: number, received: number, total: number, } | { "type": "transfer_started", preamble: string, } | { "type": "flush", keys: number, } | { "type": "loaded", keys: number, rdb_bytes: number, } | { "type": "load_failed", error: string, } | { "type": "sub_replicas_dropped", count: number, why: string, } | { "type": "buffered", command: string, bytes: number, pending_bytes: number, } | { "type": "buffer_flushed", bytes: number, commands: number, } | { "type": "propagate", command: string, db: number, bytes: number, offset: number, } | { "type": "applied", command: string, bytes: number, offset: number, } | { "type": "keepalive" } | { "type": "ack_sent", offset: number, } | { "type": "ack_received", offset: number, } | { "type": "wait_blocked", numreplicas: number, offset: number, timeout_ms: number, } | { "type": "wait_done", acked: number, } | { "type": "output_buffer_limit", bytes: number, limit: string, } | { "type": "cached_master", replid: string, offset: number, });

export type Event = { 
/**
 * Position in the whole history (never reused, keeps counting past the cap).
 */
seq: number, 
/**
 * Virtual milliseconds since the simulation started.
 */
time_ms: number, 
/**
 * The node where it happened (shared: see [`Trace`]'s name table).
 */
node: string, 
/**
 * The replica it concerns: the replica itself for replica-side events,
 * the replica being served for master-side ones; `None` for events about
 * the whole node (a propagated write, a console command).
 */
replica: string | null, 
/**
 * The sync step it belongs to.
 */
phase: Phase, 
/**
 * The message it shows crossing a link, for a sequence diagram: its
 * two ends named when it happened, so a replica re-pointed later
 * keeps its old arrows.
 */
message: Message | null, } & ({ "type": "node_added", port: number, } | { "type": "node_removed" } | { "type": "command", command: string, reply: string, } | { "type": "load_write", command: string, reply: string, } | { "type": "link_down", peer: string, one_way: boolean, } | { "type": "link_up", peer: string, } | { "type": "link_latency", peer: string, latency_ms: number, } | { "type": "link_bandwidth", peer: string, bytes_per_s: number | null, } | { "type": "conn_closed", peer: string, reason: string, } | { "type": "role_changed", role: string, master: string | null, } | { "type": "repl_state", from: string, to: string, } | { "type": "connect_failed", master: string, error: string, } | { "type": "handshake_sent", command: string, } | { "type": "handshake_reply", reply: string, } | { "type": "slave_state", from: string, to: string, } | { "type": "psync_decision", 
/**
 * The replication ID the replica asked for (`?` = none).
 */
replid: string, 
/**
 * The offset it asked to continue from.
 */
offset: number, 
/**
 * `continue` or `fullresync`.
 */
result: string, 
/**
 * Why, in words ("the ID asked for is my replid; offset 1201 is inside the backlog 1..5000").
 */
reason: string, } | { "type": "full_resync", replid: string, offset: number, } | { "type": "continue", replid: string, offset: number, backlog_bytes: number, } | { "type": "replid_changed", replid: string, replid2: string, second_repl_offset: number, why: string, } | { "type": "backlog_created", first_byte_offset: number, } | { "type": "backlog_freed", why: string, } | { "type": "backlog_trimmed", trimmed: number, first_byte_offset: number, histlen: number, } | { "type": "bgsave_delayed", delay_s: number, } | { "type": "bgsave_attached", to: string, } | { "type": "bgsave_wait_next", why: string, } | { "type": "bgsave_started", 
/**
 * `disk` or `sockets` (diskless).
 */
target: string, replicas: Array<string>, keys: number, rdb_bytes: number, } | { "type": "bgsave_done", target: string, rdb_bytes: number, } | { "type": "bgsave_killed", why: string, } | { "type": "rdb_send_started", bytes: number, preamble: string, } | { "type": "rdb_chunk", bytes: number, received: number, total: number, } | { "type": "transfer_started", preamble: string, } | { "type": "flush", keys: number, } | { "type": "loaded", keys: number, rdb_bytes: number, } | { "type": "load_failed", error: string, } | { "type": "sub_replicas_dropped", count: number, why: string, } | { "type": "buffered", command: string, bytes: number, pending_bytes: number, } | { "type": "buffer_flushed", bytes: number, commands: number, } | { "type": "propagate", command: string, db: number, bytes: number, offset: number, } | { "type": "applied", command: string, bytes: number, offset: number, } | { "type": "keepalive" } | { "type": "ack_sent", offset: number, } | { "type": "ack_received", offset: number, } | { "type": "wait_blocked", numreplicas: number, offset: number, timeout_ms: number, } | { "type": "wait_done", acked: number, } | { "type": "output_buffer_limit", bytes: number, limit: string, } | { "type": "cached_master", replid: string, offset: number, });

export type Message = { from: string, to: string, };

export type Kind = { "type": "node_added", port: number, } | { "type": "node_removed" } | { "type": "command", command: string, reply: string, } | { "type": "load_write", command: string, reply: string, } | { "type": "link_down", peer: string, one_way: boolean, } | { "type": "link_up", peer: string, } | { "type": "link_latency", peer: string, latency_ms: number, } | { "type": "link_bandwidth", peer: string, bytes_per_s: number | null, } | { "type": "conn_closed", peer: string, reason: string, } | { "type": "role_changed", role: string, master: string | null, } | { "type": "repl_state", from: string, to: string, } | { "type": "connect_failed", master: string, error: string, } | { "type": "handshake_sent", command: string, } | { "type": "handshake_reply", reply: string, } | { "type": "slave_state", from: string, to: string, } | { "type": "psync_decision", 
/**
 * The replication ID the replica asked for (`?` = none).
 */
replid: string, 
/**
 * The offset it asked to continue from.
 */
offset: number, 
/**
 * `continue` or `fullresync`.
 */
result: string, 
/**
 * Why, in words ("the ID asked for is my replid; offset 1201 is inside the backlog 1..5000").
 */
reason: string, } | { "type": "full_resync", replid: string, offset: number, } | { "type": "continue", replid: string, offset: number, backlog_bytes: number, } | { "type": "replid_changed", replid: string, replid2: string, second_repl_offset: number, why: string, } | { "type": "backlog_created", first_byte_offset: number, } | { "type": "backlog_freed", why: string, } | { "type": "backlog_trimmed", trimmed: number, first_byte_offset: number, histlen: number, } | { "type": "bgsave_delayed", delay_s: number, } | { "type": "bgsave_attached", to: string, } | { "type": "bgsave_wait_next", why: string, } | { "type": "bgsave_started", 
/**
 * `disk` or `sockets` (diskless).
 */
target: string, replicas: Array<string>, keys: number, rdb_bytes: number, } | { "type": "bgsave_done", target: string, rdb_bytes: number, } | { "type": "bgsave_killed", why: string, } | { "type": "rdb_send_started", bytes: number, preamble: string, } | { "type": "rdb_chunk", bytes: number, received: number, total: number, } | { "type": "transfer_started", preamble: string, } | { "type": "flush", keys: number, } | { "type": "loaded", keys: number, rdb_bytes: number, } | { "type": "load_failed", error: string, } | { "type": "sub_replicas_dropped", count: number, why: string, } | { "type": "buffered", command: string, bytes: number, pending_bytes: number, } | { "type": "buffer_flushed", bytes: number, commands: number, } | { "type": "propagate", command: string, db: number, bytes: number, offset: number, } | { "type": "applied", command: string, bytes: number, offset: number, } | { "type": "keepalive" } | { "type": "ack_sent", offset: number, } | { "type": "ack_received", offset: number, } | { "type": "wait_blocked", numreplicas: number, offset: number, timeout_ms: number, } | { "type": "wait_done", acked: number, } | { "type": "output_buffer_limit", bytes: number, limit: string, } | { "type": "cached_master", replid: string, offset: number, };

export type Load = { 
/**
 * The node that writes.
 */
node: string, 
/**
 * Writes per virtual second.
 */
per_s: number, 
/**
 * Virtual time the load was switched on.
 */
start_ms: number, 
/**
 * Number of the next write (the first is 1).
 */
next: number, };

export type Inspection = { 
/**
 * The RDB format version in the header.
 */
version: number, 
/**
 * The file's length in bytes.
 */
bytes: number, 
/**
 * Every item, in file order; together they cover the file up to the
 * checksum's end (bytes after it, which Redis ignores, are not listed).
 */
items: Array<Section>, };

export type Section = { 
/**
 * First byte.
 */
start: number, 
/**
 * One past the last byte.
 */
end: number, 
/**
 * The item's details in words ([`What::summary`]).
 */
summary: string, } & ({ "kind": "header", version: number, } | { "kind": "aux", name: string, value: string, } | { "kind": "selectdb", db: number, } | { "kind": "resizedb", keys: number, expires: number, } | { "kind": "expiry", at_ms: number, } | { "kind": "hint", of: string, } | { "kind": "function" } | { "kind": "key", db: number, key: string, 
/**
 * `string`, `list`, `set`, `zset` or `hash`.
 */
type: string, 
/**
 * The encoding in the file (see the module's notes).
 */
encoding: string, 
/**
 * The RDB type byte.
 */
rdb_type: number, 
/**
 * Where the value starts (after the key's name).
 */
value_start: number, 
/**
 * The expiry in Unix milliseconds, if an expiry item preceded it.
 */
expire_ms: number | null, 
/**
 * An empty value, which Redis 7.0 skips on load.
 */
skipped: boolean, } | { "kind": "eof" } | { "kind": "checksum", stored: string, computed: string, });

export type What = { "kind": "header", version: number, } | { "kind": "aux", name: string, value: string, } | { "kind": "selectdb", db: number, } | { "kind": "resizedb", keys: number, expires: number, } | { "kind": "expiry", at_ms: number, } | { "kind": "hint", of: string, } | { "kind": "function" } | { "kind": "key", db: number, key: string, 
/**
 * `string`, `list`, `set`, `zset` or `hash`.
 */
type: string, 
/**
 * The encoding in the file (see the module's notes).
 */
encoding: string, 
/**
 * The RDB type byte.
 */
rdb_type: number, 
/**
 * Where the value starts (after the key's name).
 */
value_start: number, 
/**
 * The expiry in Unix milliseconds, if an expiry item preceded it.
 */
expire_ms: number | null, 
/**
 * An empty value, which Redis 7.0 skips on load.
 */
skipped: boolean, } | { "kind": "eof" } | { "kind": "checksum", stored: string, computed: string, };

export type SyncStep = { 
/**
 * The step.
 */
phase: Phase, 
/**
 * Virtual time it began.
 */
time_ms: number, 
/**
 * The trace event that began it.
 */
seq: number, };

export type Timeline = { 
/**
 * The replica.
 */
replica: string, 
/**
 * `full` once a snapshot, transfer or load was seen; `partial` once
 * the replica went from the handshake straight to replaying the
 * backlog; empty while undecided.
 */
kind: string, 
/**
 * The steps reached, in order.
 */
steps: Array<SyncStep>, 
/**
 * RDB payload bytes received so far (from the replica's chunk events).
 */
rdb_received: number, 
/**
 * RDB payload size (0 before the master started sending one).
 */
rdb_total: number, };

export type PageState = { 
/**
 * Running write loads.
 */
loads: Array<Load>, 
/**
 * Each replica's latest sync, step by step.
 */
timelines: Array<Timeline>, 
/**
 * Whether there is an action to undo.
 */
can_step_back: boolean, 
/**
 * Whether the session log lost its oldest entries (export incomplete).
 */
log_truncated: boolean, };

export type ConsoleReply = { 
/**
 * The printed text (several lines for arrays and INFO).
 */
text: string, 
/**
 * True for an error reply (shown in the error colour).
 */
error: boolean, };

export type Listing<T> = { 
/**
 * The rows shown.
 */
rows: Array<T>, 
/**
 * How many there are in all.
 */
total: number, };

export type KeyRow = { 
/**
 * Database number.
 */
db: number, 
/**
 * The key, as redis-cli would quote it.
 */
key: string, 
/**
 * TYPE's answer.
 */
kind: string, 
/**
 * A short rendering of the value.
 */
value: string, 
/**
 * Milliseconds left to live (negative: expired, not deleted yet);
 * `None` without a TTL.
 */
ttl_ms: number | null, };

export type DiffRow = { 
/**
 * Database number.
 */
db: number, 
/**
 * The key, quoted.
 */
key: string, 
/**
 * `missing` (only the master has it), `stale` (the values differ) or
 * `extra` (only the replica has it).
 */
status: string, 
/**
 * The master's value, if it has the key.
 */
master: string | null, 
/**
 * The replica's value, if it has the key.
 */
replica: string | null, };

export type TranscriptRow = { 
/**
 * Script line.
 */
line: number, 
/**
 * `A> SET foo bar`.
 */
command: string, 
/**
 * The reply as redis-cli prints it.
 */
reply: string, 
/**
 * For a failed `expect`: what was expected instead.
 */
failure: string | null, };

export type RunReport = { 
/**
 * Each command and its reply (at most `MAX_TRANSCRIPT`, 2,000).
 */
transcript: Array<TranscriptRow>, 
/**
 * `expect` lines checked.
 */
expects: number, 
/**
 * `expect` lines that failed.
 */
failed: number, 
/**
 * The step that could not be carried out, if the run stopped early.
 */
error: string | null, };
