//! One Redis instance as an actor ([`crate::sim::Actor`]).
//!
//! A [`Node`] is a [`Server`] (keyspace, config, stats, the command path)
//! plus its replication state ([`Repl`]) and its connections. The simulator
//! calls one handler per happening — a timer, a connection accepted or
//! established, bytes arriving, a write leaving, a connection closing — and
//! the node answers only through [`Effect`]s collected in a [`Cx`]: write
//! bytes on a connection, open or close one, set a timer, record a trace
//! event, answer the console. It never touches another node or the clock,
//! which is what lets the simulator replay it deterministically.
//!
//! The replication logic itself lives in the other files of `crate::repl`,
//! one per concept, as further `impl Node` blocks; the inputs only Redis
//! understands (console commands, settle, phases, resync, the write load)
//! are carried out in [`super::observe`].

use crate::net::{ConnId, NodeId, Payload};
use crate::repl::{Peer, Repl, ReplState};
use crate::resp::{Decoder, Frame};
use crate::server::{Client, Gate, Outcome, Server};
use crate::sim::trace::{Kind, Phase};
use crate::vec_map::VecMap;

pub use crate::sim::actor::Concerns;

/// A handler's context, with this node's timers.
pub type Cx<'a> = crate::sim::actor::Cx<'a, Timer>;

/// An effect of one of this node's handlers.
pub type Effect = crate::sim::actor::Effect<Timer>;

/// A node's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// `serverCron` at `hz 10`: every 100 ms; `replicationCron` every tenth.
    Cron,
    /// A disk BGSAVE child finished writing its file.
    BgsaveDone { gen: u64 },
    /// A blocked WAIT times out.
    WaitTimeout { gen: u64 },
    /// The write load's next write is due.
    LoadWrite { gen: u64 },
}

/// A blocked `WAIT` on the console.
#[derive(Clone, Debug)]
pub struct WaitState {
    /// Replicas wanted.
    pub numreplicas: i64,
    /// Offset they must acknowledge.
    pub offset: i64,
    /// Timer generation (a new WAIT invalidates the old timer).
    pub gen: u64,
}

/// One simulated Redis instance.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its name (what `REPLICAOF <name>` refers to).
    pub name: String,
    /// Its id in the world.
    pub id: NodeId,
    /// The data side.
    pub server: Server,
    /// The replication side.
    pub repl: Repl,
    /// The console client (scenario lines, the page's console, tests).
    pub console: Client,
    /// `woff` of the console: master_repl_offset after its last command
    /// (before the GETACK of a WAIT that blocked).
    pub console_woff: i64,
    /// A WAIT blocking the console.
    pub wait: Option<WaitState>,
    /// Connections accepted by this node.
    pub peers: VecMap<ConnId, Peer>,
    /// `server.cronloops`.
    pub cron_loops: u64,
    /// The write load running on it.
    pub load: Option<crate::repl::write_load::Load>,
    timer_gen: u64,
}

impl Node {
    /// A new node listening on `port`, with random run ID and replication
    /// ID, its cron starting now.
    pub fn new(name: &str, id: NodeId, port: u16, cx: &mut Cx<'_>) -> Node {
        let run_id = cx.rng.hex(40);
        let replid = cx.rng.hex(40);
        let mut server = Server::new(run_id, cx.unix_ms());
        server.config.port = port;
        let repl = Repl::new(replid, cx.unix_s());
        cx.timer(cx.now_ms, Timer::Cron);
        cx.trace(None, Phase::None, Kind::NodeAdded { port });
        Node {
            name: name.to_string(),
            id,
            server,
            repl,
            console: Client::normal(),
            console_woff: 0,
            wait: None,
            peers: VecMap::new(),
            cron_loops: 0,
            load: None,
            timer_gen: 0,
        }
    }

    /// A fresh generation number for timers and notifications.
    pub fn next_gen(&mut self) -> u64 {
        self.timer_gen += 1;
        self.timer_gen
    }

    /// Runs a console command. `None` means it blocked (WAIT): the reply
    /// comes later as [`Effect::ConsoleReply`].
    pub fn console_command(&mut self, argv: Vec<Vec<u8>>, cx: &mut Cx) -> Option<Frame> {
        let gate = self.gate();
        let mut client = std::mem::take(&mut self.console);
        let outcome = self.server.process(&mut client, argv, cx.unix_ms(), &gate);
        let reply = self.finish_command(None, &mut client, outcome, cx);
        self.console = client;
        // processCommand sets `c->woff` after every command it runs, a read
        // or MULTI too, not only after a write: a WAIT inside EXEC counts
        // acknowledgements of everything before MULTI, a GETACK included.
        // A WAIT that blocked set it itself, before its GETACK.
        if self.wait.is_none() {
            self.console_woff = self.repl.master_repl_offset;
        }
        match reply {
            // REPLCONF ACK / GETACK: Redis sends no reply at all (a console
            // would hang); say so instead.
            None if self.wait.is_none() => Some(Frame::err(NO_REPLY)),
            reply => reply,
        }
    }

    /// What `processCommand` decided, carried out for the client `from`
    /// (`None` = the console): propagate a unit's writes, run a command
    /// that is the node's, or walk an EXEC through the node's commands in
    /// its queue. `None` when there is no reply (yet).
    pub(crate) fn finish_command(
        &mut self,
        from: Option<ConnId>,
        client: &mut Client,
        outcome: Outcome,
        cx: &mut Cx,
    ) -> Option<Frame> {
        match outcome {
            Outcome::Done { reply, propagate } => {
                self.propagate(&propagate, cx);
                self.after_config_change(cx);
                Some(reply)
            }
            Outcome::Repl(argv) => self.repl_command(from, argv, false, cx),
            Outcome::Exec { mut exec, mut argv } => loop {
                let reply = self.repl_command(from, argv, true, cx);
                exec.push_reply(reply.unwrap_or_else(|| Frame::err(NO_REPLY)));
                match exec.step(&mut self.server, client, cx.unix_ms()) {
                    Outcome::Exec { exec: e, argv: a } => (exec, argv) = (e, a),
                    done => return self.finish_command(from, client, done, cx),
                }
            },
        }
    }

    /// Replication's verdict on the next command (`processCommand`'s checks).
    pub fn gate(&self) -> Gate {
        let mut gate = Gate::default();
        let config = &self.server.config;
        if let Some(link) = &self.repl.link {
            if config.replica_read_only {
                gate.write_denied =
                    Some("READONLY You can't write against a read only replica.".into());
            }
            if link.state != ReplState::Connected && !config.replica_serve_stale_data {
                gate.stale_denied = Some(
                    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
                        .into(),
                );
            }
        } else if config.min_replicas_to_write > 0
            && config.min_replicas_max_lag > 0
            && self.repl.good_slaves < config.min_replicas_to_write
        {
            gate.write_denied = Some("NOREPLICAS Not enough good replicas to write.".into());
        }
        gate
    }

    /// Runs a command that is the node's (`Outcome::Repl`) from the
    /// console (`from == None`) or from a connection, on its own or inside
    /// EXEC (`in_exec`: WAIT does not block there), and counts it in the
    /// stats as `call()` does. `None` when it sends no reply (REPLCONF ACK)
    /// or blocked (WAIT).
    pub fn repl_command(
        &mut self,
        from: Option<ConnId>,
        argv: Vec<Vec<u8>>,
        in_exec: bool,
        cx: &mut Cx,
    ) -> Option<Frame> {
        let spec = argv.first().and_then(|n| crate::cmd::lookup(n));
        let name = spec.map_or("", |s| s.name);
        let reply = match name {
            "info" => Some(self.info_command(&argv, cx)),
            "replicaof" | "slaveof" => Some(self.replicaof_command(from, &argv, cx)),
            "role" => Some(self.role()),
            "wait" => self.wait_command(from, &argv, in_exec, cx),
            "replconf" => self.replconf_command(from, &argv, cx),
            "psync" | "sync" => match from {
                Some(conn) => {
                    self.sync_command(conn, &argv, cx);
                    None
                }
                None => Some(Frame::err(
                    "ERR the console cannot become a replica; use REPLICAOF on another node",
                )),
            },
            _ => Some(Frame::err("ERR unknown replication command")),
        };
        if let Some(spec) = spec {
            let counted = reply.clone().unwrap_or(Frame::Null);
            crate::cmd::record_call(&mut self.server, spec, &counted);
        }
        reply
    }

    /// True when `conn` is this replica's connection to its master.
    pub fn is_master_conn(&self, conn: ConnId) -> bool {
        self.repl
            .link
            .as_ref()
            .is_some_and(|l| l.conn == Some(conn))
    }

    /// Parses and runs what a replica sent us.
    fn on_peer_data(&mut self, conn: ConnId, bytes: &[u8], cx: &mut Cx) {
        let now_s = cx.unix_s();
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        peer.last_interaction_s = now_s;
        peer.inbuf.feed(bytes);
        loop {
            let Some(peer) = self.peers.get_mut(&conn) else {
                return;
            };
            let argv = match crate::repl::next_command(peer.inbuf.pending()) {
                Ok(Some((argv, used))) => {
                    peer.inbuf.consume(used);
                    argv
                }
                Ok(None) => return,
                Err(_) => {
                    self.free_peer(conn, "protocol error", cx);
                    return;
                }
            };
            if argv.is_empty() {
                continue;
            }
            self.peer_command(conn, argv, cx);
        }
    }

    /// Runs one command from an accepted connection.
    fn peer_command(&mut self, conn: ConnId, argv: Vec<Vec<u8>>, cx: &mut Cx) {
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let mut client = std::mem::take(&mut peer.client);
        let gate = self.gate();
        let outcome = self.server.process(&mut client, argv, cx.unix_ms(), &gate);
        let reply = self.finish_command(Some(conn), &mut client, outcome, cx);
        if let Some(peer) = self.peers.get_mut(&conn) {
            peer.client = client;
        }
        let is_slave = self.peers.get(&conn).is_some_and(|p| p.slave.is_some());
        if let (Some(reply), false) = (reply, is_slave) {
            cx.send(conn, reply.encode(), Payload::Reply);
        }
    }

    /// Closes an accepted connection ourselves.
    pub fn free_peer(&mut self, conn: ConnId, reason: &str, cx: &mut Cx) {
        cx.close(conn);
        if let Some(peer) = self.peers.get(&conn) {
            let kind = Kind::ConnClosed {
                peer: peer.name.clone(),
                reason: reason.to_string(),
            };
            let name = peer.name.clone();
            cx.trace(Some(&name), Phase::None, kind);
        }
        self.forget_peer(conn, cx);
    }

    /// Forgets an accepted connection (closed by either side).
    fn forget_peer(&mut self, conn: ConnId, cx: &mut Cx) {
        let Some(peer) = self.peers.remove(&conn) else {
            return;
        };
        if peer.slave.is_some() {
            self.slave_gone(conn, cx);
        }
    }

    /// A fresh view of whether the config changed something replication
    /// must react to (a smaller backlog).
    fn after_config_change(&mut self, cx: &mut Cx) {
        let limit = self.backlog_limit();
        if let Some(b) = &mut self.repl.backlog {
            let trimmed = b.trim(limit);
            if trimmed > 0 {
                let kind = Kind::BacklogTrimmed {
                    trimmed,
                    first_byte_offset: b.first_byte_offset(),
                    histlen: b.histlen(),
                };
                cx.trace(None, Phase::None, kind);
            }
        }
    }

    /// The effective backlog size: `repl-backlog-size`, at least 16384.
    pub fn backlog_limit(&self) -> u64 {
        self.server
            .config
            .repl_backlog_size
            .max(crate::config::MIN_BACKLOG_SIZE)
    }
}

/// The console's stand-in for a command Redis answers with nothing.
const NO_REPLY: &str = "ERR REPLCONF ACK and GETACK get no reply: only replicas send them";

impl crate::sim::Actor for Node {
    type Timer = Timer;

    fn create(name: &str, id: NodeId, cx: &mut Cx<'_>) -> Node {
        // Ports follow creation: A is 6379, B 6380, ...
        let port = 6379u16.saturating_add(id as u16);
        Node::new(name, id, port, cx)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn upstream(&self) -> Option<&str> {
        self.repl.link.as_ref().map(|l| l.host.as_str())
    }

    /// 64 bytes a key plus the backlog.
    fn size_bytes(&self) -> u64 {
        let keys = self.server.keyspace.key_count() as u64;
        keys * 64 + self.repl.backlog.as_ref().map_or(0, |b| b.histlen())
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_>) {
        Node::on_timer(self, timer, cx)
    }

    /// A replica connected to us.
    fn on_accept(&mut self, conn: ConnId, peer: &str, cx: &mut Cx<'_>) {
        let peer = Peer {
            name: peer.to_string(),
            client: Client::normal(),
            inbuf: Decoder::new(),
            last_interaction_s: cx.unix_s(),
            listening_port: 0,
            capa_eof: false,
            capa_psync2: false,
            slave: None,
        };
        self.peers.insert(conn, peer);
    }

    fn on_connected(&mut self, conn: ConnId, cx: &mut Cx<'_>) {
        Node::on_connected(self, conn, cx)
    }

    fn on_connect_failed(&mut self, conn: ConnId, error: &str, cx: &mut Cx<'_>) {
        Node::on_connect_failed(self, conn, error, cx)
    }

    /// Bytes arrived on `conn`. `payload` and `progress` describe them for
    /// the trace only (the node's behaviour depends on the bytes alone).
    /// The bytes are handed over, so a whole RDB payload is not copied.
    fn on_data(
        &mut self,
        conn: ConnId,
        bytes: Vec<u8>,
        payload: Payload,
        progress: Option<(u64, u64)>,
        cx: &mut Cx<'_>,
    ) {
        if self.is_master_conn(conn) {
            self.on_master_data(bytes, payload, progress, cx);
        } else if self.peers.contains_key(&conn) {
            self.on_peer_data(conn, &bytes, cx);
        }
    }

    fn on_sent(&mut self, conn: ConnId, token: u64, cx: &mut Cx<'_>) {
        Node::on_sent(self, conn, token, cx)
    }

    /// A connection closed under us (peer closed it, or the link was cut).
    fn on_closed(&mut self, conn: ConnId, reason: &str, cx: &mut Cx<'_>) {
        if self.is_master_conn(conn) {
            self.master_link_lost(reason, cx);
        } else if let Some(peer) = self.peers.get(&conn) {
            let name = peer.name.clone();
            let kind = Kind::ConnClosed {
                peer: name.clone(),
                reason: reason.to_string(),
            };
            cx.trace(Some(&name), Phase::None, kind);
            self.forget_peer(conn, cx);
        }
    }

    fn apply(
        sim: &mut crate::sim::Sim<Node>,
        input: crate::sim::Input,
    ) -> Result<crate::sim::Applied, crate::sim::SimError> {
        super::observe::apply(sim, input)
    }
}
