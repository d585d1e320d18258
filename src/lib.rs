//! # replscope
//!
//! See Redis 7.0 replication happen. replscope runs many little Redis
//! servers in one process — masters, replicas, cascades — connected by
//! simulated links, and records, byte for byte, what real Redis 7.0 would do:
//! the handshake (PING, REPLCONF, PSYNC), the `+CONTINUE` / `+FULLRESYNC`
//! decision and its reason, the point-in-time RDB snapshot crossing the link,
//! the replica flushing and loading, the writes buffered meanwhile, and then
//! every propagated command moving the offsets by exactly its bytes.
//!
//! Everything is deterministic: one seeded RNG and one virtual clock own all
//! nondeterminism, so the same seed and the same inputs give the same trace.
//! The crate compiles natively (the headless scenario runner, the tests and
//! the benchmarks) and to WebAssembly (the playground page in `www/`).
//!
//! # Layout
//!
//! - [`resp`] — RESP2 frames: byte-exact encoding, incremental decoding.
//! - [`cli`] — redis-cli's argument splitting and reply formatting.
//! - [`db`] — the keyspace: 16 databases, five value types, expiry.
//! - [`num`] — numbers as text: `string2ll`, `strtod`, `%.17g`, and
//!   INCRBYFLOAT's `long double`, for the commands and the RDB alike.
//! - [`config`] — replication settings with Redis 7.0's defaults.
//! - [`server`] — one server's data side and `processCommand`.
//! - [`cmd`] — the commands, one file per family, and Redis 7.0's
//!   propagation rewrites.
//! - [`rdb`] — RDB version 10 snapshots: encode, decode (including the
//!   encodings a real 7.0 server writes), the inspector, CRC64.
//! - [`transcript`] — the implementer's bytes: a node's replication
//!   connections byte for byte, and someone's bytes compared with 7.0's.
//! - [`base64`] — the base64 of share links and transcripts.
//! - [`repl`] — replication: the replica's handshake, the PSYNC decision,
//!   full sync, the backlog, the write load; [`repl::Sim`] is the
//!   simulator with Redis nodes.
//! - [`net`] — what the simulator and the nodes share: node and
//!   connection ids, payload kinds, the virtual clock as Unix time.
//! - [`repl::node`] — one Redis instance as an actor returning effects.
//! - [`sim`] — the world, knowing no Redis: nodes as actors
//!   ([`sim::Actor`]), the one vocabulary of inputs ([`sim::Input`]),
//!   virtual clock, event queue, links with latency, bandwidth and cuts,
//!   the seeded RNG, the trace.
//! - [`vec_map`] — small ordered maps kept as sorted vectors.
//! - [`scenario`] — the line-based scenario script shared by the CLI, the
//!   tests and the page.
//! - [`lesson`] — guided lessons: steps over a scenario, run-until
//!   conditions, tasks checked live and headless.
//! - [`view`] — the serializable snapshot the page renders from.
//! - [`playground`] — the page's world: the simulator plus the console,
//!   undoable actions, scripts and share links.
//! - `wasm` — the one `#[wasm_bindgen]` boundary: the `Playground` handle.

pub mod base64;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod db;
pub mod lesson;
pub mod net;
pub mod num;
pub mod playground;
pub mod rdb;
pub mod repl;
pub mod resp;
pub mod scenario;
pub mod server;
pub mod sim;
pub mod transcript;
pub mod vec_map;
pub mod view;
pub mod wasm;
