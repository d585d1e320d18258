//! Replication, Redis 7.0 style: the state a node keeps as a master and as a
//! replica, and the code that moves it (spread over one file per concept,
//! each adding methods to [`node::Node`], the way Redis's
//! `replication.c` works on its one `server` struct).
//!
//! # Layout
//!
//! - [`node`] — one Redis instance as an actor: its handlers, the
//!   console, the command path's hand-off to replication.
//! - [`handshake`] — the replica's link state machine: connect, PING,
//!   REPLCONF, PSYNC, and the master's reply.
//! - [`partial`] — the PSYNC decision (`masterTryPartialResynchronization`)
//!   and the `+CONTINUE` that follows it.
//! - [`full_sync`] — the master's side of a full sync: `+FULLRESYNC`,
//!   putting replicas online.
//! - [`bgsave`] — when to fork, the snapshot, sending it (disk or diskless).
//! - [`buffer`] — buffered replay: each waiting replica's buffer of writes
//!   during its full sync, its replay after the RDB, the output limit.
//! - [`load`] — the replica receives the RDB, flushes, loads.
//! - [`backlog`] — the ring of recent stream bytes.
//! - [`stream`] — the replication stream: SELECT emission, feeding
//!   replicas and the backlog, a replica applying and forwarding it, output
//!   buffer limits.
//! - [`failover`] — promotion and demotion: replication IDs shifting
//!   (replid, replid2, second_repl_offset: PSYNC2), the cached master.
//! - [`commands`] — REPLICAOF, REPLCONF, WAIT.
//! - [`cron`] — `serverCron`/`replicationCron`: reconnects, pings, ACKs,
//!   timeouts, the diskless delay, backlog TTL, active expiry.
//! - [`info`] — INFO replication and ROLE, field for field as 7.0.15.
//! - [`snapshot`] — the RDB bytes of a point-in-time snapshot.
//! - [`write_load`] — a node writing N times a virtual second: the
//!   page's write load, as the node's own timer.
//! - [`observe`] — what the simulator cannot know: sync phases, when a
//!   world is quiet (`settle`), console commands and their redis-cli replies.
//!
//! # Differences from Redis 7.0
//!
//! Only `repl-diskless-load disabled` is simulated (flush, then load from
//! the received bytes); AUTH/masterauth, TLS, `replica-announce-*` and
//! `FAILOVER` are not. Replicas list their node name where Redis shows an
//! IP address.

pub mod backlog;
pub mod bgsave;
pub mod buffer;
pub mod commands;
pub mod cron;
pub mod failover;
pub mod full_sync;
pub mod handshake;
pub mod info;
pub mod load;
pub mod node;
pub mod observe;
pub mod partial;
pub mod snapshot;
pub mod stream;
pub mod write_load;

pub use node::Node;

/// A simulated world of Redis 7.0 nodes: the simulator's [`crate::repl::Sim`]
/// with [`Node`] as its actor. Everything outside the simulator uses this.
pub type Sim = crate::sim::Sim<Node>;

/// The world of a [`Sim`]: its nodes, links, queue, clock and RNG.
pub type World = crate::sim::world::World<Node>;

use crate::net::ConnId;
use crate::resp::Decoder;
use crate::server::Client;
use backlog::Backlog;

/// The all-zero replication ID Redis shows for "no secondary ID".
pub const ZERO_ID: &str = "0000000000000000000000000000000000000000";

/// The replica's link state (`server.repl_state`), with Redis's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplState {
    /// `REPL_STATE_NONE`: not a replica.
    None,
    /// `REPL_STATE_CONNECT`: must connect (the cron will try).
    Connect,
    /// `REPL_STATE_CONNECTING`: connection in progress.
    Connecting,
    /// Sent PING, waiting for the reply.
    ReceivePingReply,
    /// About to send the pipelined REPLCONFs.
    SendHandshake,
    /// Waiting for the reply to `REPLCONF listening-port`.
    ReceivePortReply,
    /// Waiting for the reply to `REPLCONF capa eof capa psync2`.
    ReceiveCapaReply,
    /// About to send PSYNC.
    SendPsync,
    /// Waiting for `+FULLRESYNC` / `+CONTINUE` / an error.
    ReceivePsyncReply,
    /// Receiving the RDB.
    Transfer,
    /// Online, applying the stream.
    Connected,
}

impl ReplState {
    /// The state's name as the trace and the page show it.
    pub fn name(self) -> &'static str {
        match self {
            ReplState::None => "none",
            ReplState::Connect => "connect",
            ReplState::Connecting => "connecting",
            ReplState::ReceivePingReply => "receive_ping_reply",
            ReplState::SendHandshake => "send_handshake",
            ReplState::ReceivePortReply => "receive_port_reply",
            ReplState::ReceiveCapaReply => "receive_capa_reply",
            ReplState::SendPsync => "send_psync",
            ReplState::ReceivePsyncReply => "receive_psync_reply",
            ReplState::Transfer => "transfer",
            ReplState::Connected => "connected",
        }
    }

    /// `slaveIsInHandshakeState()`.
    pub fn is_handshake(self) -> bool {
        matches!(
            self,
            ReplState::ReceivePingReply
                | ReplState::SendHandshake
                | ReplState::ReceivePortReply
                | ReplState::ReceiveCapaReply
                | ReplState::SendPsync
                | ReplState::ReceivePsyncReply
        )
    }

    /// The state as ROLE shows it.
    pub fn role_name(self) -> &'static str {
        match self {
            ReplState::None => "none",
            ReplState::Connect => "connect",
            ReplState::Connecting => "connecting",
            ReplState::Transfer => "sync",
            ReplState::Connected => "connected",
            _ => "handshake",
        }
    }
}

/// The master's view of one replica (`slave->replstate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaveState {
    /// Needs a BGSAVE that has not started (diskless delay, or another one running).
    WaitBgsaveStart,
    /// Its BGSAVE is running; the stream is buffered for it.
    WaitBgsaveEnd,
    /// Disk sync: the RDB file is being sent.
    SendBulk,
    /// Synchronised (diskless: maybe still waiting for its first ACK).
    Online,
}

impl SlaveState {
    /// The name in the trace.
    pub fn name(self) -> &'static str {
        match self {
            SlaveState::WaitBgsaveStart => "wait_bgsave_start",
            SlaveState::WaitBgsaveEnd => "wait_bgsave_end",
            SlaveState::SendBulk => "send_bulk",
            SlaveState::Online => "online",
        }
    }

    /// The name in INFO's `slaveN:...state=` (`replstateToString`).
    pub fn info_name(self) -> &'static str {
        match self {
            SlaveState::WaitBgsaveStart | SlaveState::WaitBgsaveEnd => "wait_bgsave",
            SlaveState::SendBulk => "send_bulk",
            SlaveState::Online => "online",
        }
    }
}

/// A master-side record of one replica connection.
#[derive(Clone, Debug)]
pub struct Slave {
    /// Where it is in its sync.
    pub state: SlaveState,
    /// It used legacy SYNC: no `+FULLRESYNC`, no ACKs expected.
    pub pre_psync: bool,
    /// The offset its snapshot corresponds to.
    pub psync_initial_offset: i64,
    /// Last offset it acknowledged (`repl_ack_off`).
    pub ack_off: i64,
    /// Unix seconds of its last ACK (`repl_ack_time`).
    pub ack_time_s: i64,
    /// Diskless: online, but the stream starts with its first ACK.
    pub start_on_ack: bool,
    /// The stream goes straight to the connection (the write handler is installed).
    pub streaming: bool,
    /// Stream bytes kept until it can receive them.
    pub buffer: Vec<u8>,
    /// How many commands `buffer` holds (for the page).
    pub buffered_commands: u64,
    /// Unix seconds since when its output passed the soft limit (0 = not).
    pub soft_since_s: i64,
    /// The BGSAVE it is waiting for or receiving.
    pub bgsave_gen: u64,
}

impl Slave {
    /// Seconds since its last ACK while online, else 0: INFO's `lag=`, the
    /// page's lag, and what `min-replicas-max-lag` and `repl-timeout`
    /// measure.
    pub fn lag_s(&self, now_s: i64) -> i64 {
        if self.state == SlaveState::Online {
            now_s - self.ack_time_s
        } else {
            0
        }
    }

    /// A replica that just asked for a full sync.
    pub fn waiting(pre_psync: bool) -> Slave {
        Slave {
            state: SlaveState::WaitBgsaveStart,
            pre_psync,
            psync_initial_offset: 0,
            ack_off: 0,
            ack_time_s: 0,
            start_on_ack: false,
            streaming: false,
            buffer: Vec::new(),
            buffered_commands: 0,
            soft_since_s: 0,
            bgsave_gen: 0,
        }
    }
}

/// A connection accepted by this node (a replica talking to us).
#[derive(Clone, Debug)]
pub struct Peer {
    /// The node at the other end.
    pub name: String,
    /// Its client state (selected db, MULTI).
    pub client: Client,
    /// Bytes received, not yet parsed.
    pub inbuf: Decoder,
    /// Unix seconds of the last bytes received (`lastinteraction`).
    pub last_interaction_s: i64,
    /// `REPLCONF listening-port`.
    pub listening_port: u16,
    /// `REPLCONF capa eof`: can read a diskless `$EOF:` payload.
    pub capa_eof: bool,
    /// `REPLCONF capa psync2`: understands `+CONTINUE <replid>`.
    pub capa_psync2: bool,
    /// Set once it issued SYNC/PSYNC.
    pub slave: Option<Slave>,
}

/// The replica's client for its master: what it applied and read.
#[derive(Clone, Debug)]
pub struct MasterClient {
    /// Selected db of the stream, MULTI state.
    pub client: Client,
    /// The master's replication ID.
    pub replid: String,
    /// Offset of the last byte applied (`reploff`).
    pub reploff: i64,
    /// Offset of the last byte read (`read_reploff`).
    pub read_reploff: i64,
    /// Unix seconds of the last bytes from the master.
    pub lastinteraction_s: i64,
    /// The master only understands legacy SYNC: no ACKs.
    pub pre_psync: bool,
    /// Bytes of commands executed but not yet applied (inside MULTI).
    pub unapplied: Vec<u8>,
    /// Bytes up to this read offset were replayed (buffered writes or backlog).
    pub replay_until: i64,
}

impl MasterClient {
    /// A master client at `reploff` for `replid`.
    pub fn new(replid: String, reploff: i64, now_s: i64) -> MasterClient {
        MasterClient {
            client: Client::master(),
            replid,
            reploff,
            read_reploff: reploff,
            lastinteraction_s: now_s,
            pre_psync: reploff == -1,
            unapplied: Vec::new(),
            replay_until: reploff,
        }
    }
}

/// An RDB payload being received.
#[derive(Clone, Debug, Default)]
pub struct Transfer {
    /// `$<len>` announced, -1 before the header, 0 with an EOF mark.
    pub size: i64,
    /// Payload bytes received.
    pub read: u64,
    /// The diskless `$EOF:` mark.
    pub eof_mark: Option<Vec<u8>>,
    /// The payload so far.
    pub payload: Vec<u8>,
    /// True once the header line was read.
    pub started: bool,
    /// The whole payload's size as the link reports it (header and EOF mark
    /// included), for the trace: a diskless replica cannot know it.
    pub payload_hint: u64,
}

/// How the next sync must go (a user's "resync").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Force {
    /// As Redis decides: PSYNC with the cached master if there is one.
    No,
    /// `PSYNC ? -1`: ask for a full sync.
    Full,
    /// Legacy `SYNC`.
    Legacy,
}

/// The replica side: set while this node replicates (`server.masterhost`).
#[derive(Clone, Debug)]
pub struct ReplicaLink {
    /// The master's node name (`masterhost`).
    pub host: String,
    /// Its port (`masterport`).
    pub port: u16,
    /// The link state machine.
    pub state: ReplState,
    /// The connection to the master, while there is one.
    pub conn: Option<ConnId>,
    /// Bytes from the master not yet consumed.
    pub inbuf: Decoder,
    /// The connected master (`server.master`).
    pub master: Option<MasterClient>,
    /// The master to PSYNC with after a disconnection (`server.cached_master`).
    pub cached: Option<MasterClient>,
    /// From `+FULLRESYNC` (`server.master_replid`).
    pub master_replid: String,
    /// From `+FULLRESYNC` (`server.master_initial_offset`), -1 for legacy SYNC.
    pub initial_offset: i64,
    /// The RDB being received.
    pub transfer: Transfer,
    /// Unix seconds of the last I/O during handshake or transfer.
    pub transfer_lastio_s: i64,
    /// Unix seconds the link went down (0 = never was up, or up now).
    pub down_since_s: i64,
    /// A user-forced resync for the next attempt.
    pub force: Force,
}

impl ReplicaLink {
    /// A link to `host:port`, about to connect.
    pub fn new(host: String, port: u16) -> ReplicaLink {
        ReplicaLink {
            host,
            port,
            state: ReplState::Connect,
            conn: None,
            inbuf: Decoder::new(),
            master: None,
            cached: None,
            master_replid: String::new(),
            initial_offset: -1,
            transfer: Transfer::default(),
            transfer_lastio_s: 0,
            down_since_s: 0,
            force: Force::No,
        }
    }
}

/// Where a BGSAVE for replication writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `repl-diskless-sync no`: an RDB file, then sent to each replica.
    Disk,
    /// Diskless: straight to the replicas' sockets.
    Sockets,
}

impl Target {
    /// `disk` or `sockets`, as Redis logs it.
    pub fn name(self) -> &'static str {
        match self {
            Target::Disk => "disk",
            Target::Sockets => "sockets",
        }
    }
}

/// A running BGSAVE for replication (the fork child).
#[derive(Clone, Debug)]
pub struct Bgsave {
    /// Disk or sockets.
    pub target: Target,
    /// Identifies it in timers and send notifications.
    pub gen: u64,
    /// Virtual ms it started.
    pub started_ms: u64,
    /// Disk: the RDB file being written.
    pub rdb: Vec<u8>,
    /// Sockets: replicas whose payload has not fully left yet.
    pub pending: Vec<ConnId>,
}

/// Everything replication keeps on one node.
#[derive(Clone, Debug)]
pub struct Repl {
    /// `master_replid`.
    pub replid: String,
    /// `master_replid2`.
    pub replid2: String,
    /// `second_repl_offset`.
    pub second_repl_offset: i64,
    /// `master_repl_offset`.
    pub master_repl_offset: i64,
    /// The backlog, once created.
    pub backlog: Option<Backlog>,
    /// Last db SELECTed in the stream (-1 = emit SELECT next).
    pub slaveseldb: i64,
    /// Replica connections, in the order they became replicas.
    pub slaves: Vec<ConnId>,
    /// Unix seconds since there are no replicas (backlog TTL).
    pub no_slaves_since_s: i64,
    /// The BGSAVE child, if one runs.
    pub bgsave: Option<Bgsave>,
    /// Generation counter for BGSAVEs.
    pub bgsave_gen: u64,
    /// Set while this node is a replica.
    pub link: Option<ReplicaLink>,
    /// `replication_cron_loops`.
    pub cron_loops: u64,
    /// `repl_good_slaves_count`, refreshed like Redis does.
    pub good_slaves: u64,
    /// The replication IDs this node had before `replid`, oldest first
    /// (at most [`MAX_PAST_REPLIDS`]); Redis keeps only `replid2`.
    pub past_replids: Vec<String>,
}

/// Past replication IDs a node remembers (see [`Repl::past_replids`]).
pub const MAX_PAST_REPLIDS: usize = 3;

impl Repl {
    /// A fresh master's replication state with its random `replid`.
    pub fn new(replid: String, now_s: i64) -> Repl {
        Repl {
            replid,
            replid2: ZERO_ID.to_string(),
            second_repl_offset: -1,
            master_repl_offset: 0,
            backlog: None,
            slaveseldb: -1,
            slaves: Vec::new(),
            no_slaves_since_s: now_s,
            bgsave: None,
            bgsave_gen: 0,
            link: None,
            cron_loops: 0,
            good_slaves: 0,
            past_replids: Vec::new(),
        }
    }

    /// The link state, `None` when not a replica.
    pub fn state(&self) -> ReplState {
        self.link.as_ref().map_or(ReplState::None, |l| l.state)
    }
}

/// A short text for a command (`SET foo bar`), for the trace and the page.
pub fn describe<A: AsRef<[u8]>>(argv: &[A]) -> String {
    const MAX: usize = 80;
    let wanted = argv.iter().map(|a| a.as_ref().len() + 1).sum::<usize>();
    let mut s = String::with_capacity(wanted.min(MAX + 4));
    for (i, a) in argv.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let a = a.as_ref();
        // Plain printable ASCII (nearly every key and value) is copied as
        // is, without the UTF-8 decoding and the scan for spaces below.
        let plain = !a.is_empty() && a.iter().all(|&c| c.is_ascii_graphic());
        match std::str::from_utf8(a) {
            Ok(text) if plain => s.push_str(text),
            _ => {
                let text = String::from_utf8_lossy(a);
                if text.chars().any(|c| c.is_whitespace() || c.is_control()) || text.is_empty() {
                    s.push_str(&crate::cli::repr(a));
                } else {
                    s.push_str(&text);
                }
            }
        }
        if s.len() > MAX {
            let cut = (0..=MAX)
                .rev()
                .find(|&i| s.is_char_boundary(i))
                .unwrap_or(0);
            s.truncate(cut);
            s.push('…');
            break;
        }
    }
    s
}

/// A command's arguments and how many input bytes it took.
pub type Parsed = (Vec<Vec<u8>>, usize);

/// The next command in a connection's input, as `processInputBuffer` reads
/// it: a RESP array of bulk strings, or (any other first byte) an inline
/// line up to `\n`, split like redis-cli splits (how a legacy replica sends
/// `SYNC`, and how a master's `\n` keepalive reads: an empty command).
/// `Ok(None)` until the whole command has arrived; returns the arguments and
/// the bytes used. `Err` is the protocol error that closes the connection.
/// The one parser for both a master's accepted connections and a replica's
/// stream from its master.
pub fn next_command(pending: &[u8]) -> Result<Option<Parsed>, String> {
    let Some(&first) = pending.first() else {
        return Ok(None);
    };
    if first != b'*' {
        let Some(nl) = pending.iter().position(|&c| c == b'\n') else {
            return Ok(None);
        };
        let line = String::from_utf8_lossy(&pending[..nl]);
        let argv = crate::cli::split_args(line.trim_end_matches('\r'))?;
        return Ok(Some((argv, nl + 1)));
    }
    if let Some(done) = crate::resp::parse_command(pending) {
        return Ok(Some(done));
    }
    match crate::resp::parse_frame(pending) {
        Ok(Some((frame, used))) => crate::resp::frame_argv(frame)
            .map(|argv| Some((argv, used)))
            .ok_or_else(|| "Protocol error: expected '$'".to_string()),
        Ok(None) => Ok(None),
        Err(e) => Err(e.message),
    }
}
