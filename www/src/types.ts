// The shapes the wasm core hands the page. Field names MUST match the Rust
// serde structs: `View` and friends in src/view.rs, `Event` in
// src/sim/trace.rs, `PageState` and the rest in src/playground/. Keep both
// sides in step when changing one.

/** A step of a sync (`sim::trace::Phase`). */
export type Phase = 'none' | 'handshake' | 'snapshot' | 'transfer' | 'load' | 'replay' | 'streaming';

/** The whole world (`view::View`). */
export interface View {
  seed: number;
  time_ms: number;
  unix_ms: number;
  nodes: NodeView[];
  links: LinkView[];
  trace_len: number;
  next_seq: number;
  trace_hash: string;
}

/** One node (`view::NodeView`). */
export interface NodeView {
  name: string;
  port: number;
  role: 'master' | 'slave';
  master: string | null;
  link_status: 'up' | 'down' | null;
  repl_state: string;
  replid: string;
  replid2: string;
  master_repl_offset: number;
  second_repl_offset: number;
  slave_repl_offset: number | null;
  keys: number;
  dbs: { db: number; keys: number; expires: number }[];
  replicas: ReplicaView[];
  backlog: BacklogView | null;
  bgsave: { target: string; started_ms: number } | null;
  sync_phase: Phase;
  last_psync: { master: string; result: 'continue' | 'fullresync'; reason: string } | null;
  transfer: { received: number; total: number } | null;
  sync_full: number;
  sync_partial_ok: number;
  sync_partial_err: number;
  wait_blocked: boolean;
}

/** A master's view of one replica (`view::ReplicaView`). */
export interface ReplicaView {
  name: string;
  state: string;
  info_state: string;
  streaming: boolean;
  ack_offset: number;
  lag_s: number;
  buffered_bytes: number;
  buffered_commands: number;
  pending_output_bytes: number;
}

/** The backlog window (`view::BacklogView`). */
export interface BacklogView {
  first_byte_offset: number;
  histlen: number;
  size: number;
}

/** A link and what is on it (`view::LinkView`). */
export interface LinkView {
  a: string;
  b: string;
  up_ab: boolean;
  up_ba: boolean;
  latency_ms: number;
  bandwidth_bytes_per_s: number | null;
  queued_ab_bytes: number;
  queued_ba_bytes: number;
  messages: MessageView[];
}

/** Bytes on the wire (`view::MessageView`). */
export interface MessageView {
  from: string;
  to: string;
  payload: 'command' | 'reply' | 'rdb' | 'replay' | 'keepalive';
  fin: boolean;
  text: string;
  bytes: number;
  /** Thousandths of the RDB payload sent up to the end of this chunk (RDB only). */
  progress_permille: number | null;
  depart_ms: number;
  arrive_ms: number;
}

/** A trace event (`sim::trace::Event`, its `Kind` flattened in with `type`). */
export interface TraceEvent {
  seq: number;
  time_ms: number;
  node: string;
  replica: string | null;
  phase: Phase;
  type: string;
  [field: string]: unknown;
}

/** A running write load (`playground::load::Load`). */
export interface Load {
  node: string;
  per_s: number;
  start_ms: number;
  next: number;
}

/** A replica's latest sync (`playground::timeline::Timeline`). */
export interface Timeline {
  replica: string;
  kind: '' | 'full' | 'partial';
  steps: { phase: Phase; time_ms: number; seq: number }[];
  rdb_received: number;
  rdb_total: number;
}

/** Page state beside the view (`playground::PageState`). */
export interface PageState {
  loads: Load[];
  timelines: Timeline[];
  can_step_back: boolean;
  log_truncated: boolean;
}

/** A console reply (`playground::ConsoleReply`). */
export interface ConsoleReply {
  text: string;
  error: boolean;
}

/** Part of a long list (`playground::keyspace::Listing`). */
export interface Listing<T> {
  rows: T[];
  total: number;
}

/** One key (`playground::keyspace::KeyRow`). */
export interface KeyRow {
  db: number;
  key: string;
  kind: string;
  value: string;
  ttl_ms: number | null;
}

/** One difference (`playground::keyspace::DiffRow`). */
export interface DiffRow {
  db: number;
  key: string;
  status: 'missing' | 'stale' | 'extra';
  master: string | null;
  replica: string | null;
}

/** A script run (`playground::RunReport`). */
export interface RunReport {
  transcript: { line: number; command: string; reply: string; failure: string | null }[];
  expects: number;
  failed: number;
  error: string | null;
}
