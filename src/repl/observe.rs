//! Observing a world of Redis nodes: what the simulator itself does not
//! know, because it moves bytes and time without knowing what runs on the
//! nodes.
//!
//! - Sync phases: which step of a sync each replica is in (handshake,
//!   snapshot, transfer, load, replay, streaming), read from both sides'
//!   states and the bytes on the link; `run until a phase changes`.
//! - Replication loops: a chain of masters that comes back to a replica.
//! - Quiet: when `settle` may stop — no BGSAVE, every replica that can
//!   reach its master online at its master's offset, and nothing in
//!   flight: no bytes towards a replica, no connection opening or closing.
//! - Which trace events are the replication stream's routine.
//! - The console: a command line on a node, its reply rendered as redis-cli
//!   prints it, and `REPLICAOF <node name>` resolved to the node's port.

use crate::net::{NodeId, Payload};
use crate::repl::node::Node;
use crate::repl::{ReplState, Sim, SlaveState, World};
use crate::resp::Frame;
use crate::sim::trace::{Event, Kind, Phase};
use crate::sim::{Applied, Input, SimError, SETTLE_LIMIT_MS};

/// True for the replication stream's routine events: propagated and
/// applied writes, ACKs, keepalives, and the write load's writes. The
/// page's event log leaves them out unless asked (a load makes them by
/// the thousand).
pub fn is_stream_event(e: &Event) -> bool {
    matches!(
        e.kind,
        Kind::Propagate { .. }
            | Kind::Applied { .. }
            | Kind::AckSent { .. }
            | Kind::AckReceived { .. }
            | Kind::Keepalive
            | Kind::LoadWrite { .. }
    )
}

/// Why the world is not quiet yet (see [`World::quiet`]), naming the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsettled {
    /// This node runs a BGSAVE.
    Bgsave(NodeId),
    /// This replica can reach its master but is not connected to it.
    Syncing(NodeId),
    /// Its master has not put this replica online (or not started streaming).
    NotOnline(NodeId),
    /// Bytes are on their way from its master to this replica.
    InFlight(NodeId),
    /// This replica's offset differs from its master's.
    Behind(NodeId),
    /// A connection is being opened, or a close is on its way to its peer.
    Connections,
}

impl World {
    /// The sync phase of every node, in creation order (for phase-change
    /// detection).
    pub fn phases(&self) -> Vec<(String, Phase)> {
        self.nodes
            .values()
            .map(|n| (n.name.clone(), self.sync_phase(n)))
            .collect()
    }

    /// Which step of a sync `replica` is in, from both sides' states.
    pub fn sync_phase(&self, replica: &Node) -> Phase {
        let Some(link) = &replica.repl.link else {
            return Phase::None;
        };
        let master = self
            .node_id(&link.host)
            .and_then(|id| self.nodes.get(&id).map(|m| (id, m)));
        let slave =
            master.and_then(|(_, m)| link.conn.and_then(|c| m.peers.get(&c)?.slave.as_ref()));
        let carries = |p: Payload| matches!((link.conn, master), (Some(c), Some((mid, _))) if self.links.carries(c, mid, p));
        match link.state {
            ReplState::Transfer if link.transfer.started || carries(Payload::Rdb) => {
                Phase::Transfer
            }
            ReplState::Transfer => Phase::Snapshot,
            ReplState::ReceivePsyncReply if slave.is_some() => Phase::Snapshot,
            ReplState::Connected => {
                let m = link.master.as_ref();
                if slave.is_some_and(|s| !s.streaming) {
                    Phase::Load
                } else if carries(Payload::Replay) || m.is_some_and(|m| m.reploff < m.replay_until)
                {
                    Phase::Replay
                } else {
                    Phase::Streaming
                }
            }
            _ => Phase::Handshake,
        }
    }

    /// The loop of masters through `replica`, starting with it: B replica
    /// of C replica of B gives `[B, C]`. Such replicas never sync (each
    /// master refuses PSYNC while it has no master link itself,
    /// `-NOMASTERLINK`). Empty when the chain of masters ends at a master,
    /// at an unknown host, or loops without coming back to `replica`.
    pub fn replication_loop(&self, replica: &Node) -> Vec<String> {
        let mut chain = vec![replica.name.clone()];
        let mut at = replica;
        while let Some(link) = &at.repl.link {
            if link.host == replica.name {
                return chain;
            }
            let next = self.node_id(&link.host).and_then(|id| self.nodes.get(&id));
            match next {
                Some(n) if !chain.contains(&n.name) => {
                    chain.push(n.name.clone());
                    at = n;
                }
                _ => break,
            }
        }
        Vec::new()
    }

    /// `Ok` when nothing is left to happen: no BGSAVE, and every replica
    /// that can reach its master is online at its master's offset with
    /// nothing in flight towards it. Otherwise, what is still going on
    /// (cheap: no text is built until [`World::explain`] is asked).
    pub fn quiet(&self) -> Result<(), Unsettled> {
        if self.links.opening_or_closing() {
            return Err(Unsettled::Connections);
        }
        for n in self.nodes.values() {
            if n.repl.bgsave.is_some() {
                return Err(Unsettled::Bgsave(n.id));
            }
            self.replica_quiet(n)?;
        }
        Ok(())
    }

    fn replica_quiet(&self, n: &Node) -> Result<(), Unsettled> {
        let Some(link) = &n.repl.link else {
            return Ok(());
        };
        let Some(mid) = self.node_id(&link.host) else {
            return Ok(());
        };
        if !self.links.is_up(n.id, mid) {
            return Ok(());
        }
        let (Some(master), Some(conn), ReplState::Connected) =
            (self.nodes.get(&mid), link.conn, link.state)
        else {
            return Err(Unsettled::Syncing(n.id));
        };
        let online = master
            .peers
            .get(&conn)
            .and_then(|p| p.slave.as_ref())
            .is_some_and(|s| s.state == SlaveState::Online && s.streaming);
        if !online {
            return Err(Unsettled::NotOnline(n.id));
        }
        if self.links.in_flight_from(conn, mid) {
            return Err(Unsettled::InFlight(n.id));
        }
        let m = link.master.as_ref();
        if m.is_some_and(|m| !m.pre_psync && m.reploff != master.repl.master_repl_offset) {
            return Err(Unsettled::Behind(n.id));
        }
        Ok(())
    }

    /// What [`World::quiet`] found, in words.
    pub fn explain(&self, why: Unsettled) -> String {
        let (Unsettled::Bgsave(id)
        | Unsettled::Syncing(id)
        | Unsettled::NotOnline(id)
        | Unsettled::InFlight(id)
        | Unsettled::Behind(id)) = why
        else {
            return "a connection is still opening or closing".into();
        };
        let Some(n) = self.nodes.get(&id) else {
            return "a node is busy".into();
        };
        let Some(link) = &n.repl.link else {
            return format!("{} is running a BGSAVE", n.name);
        };
        let (name, master, state) = (&n.name, &link.host, link.state.name());
        let master_off = self
            .node_id(master)
            .and_then(|m| self.nodes.get(&m))
            .map_or(0, |m| m.repl.master_repl_offset);
        let off = link.master.as_ref().map_or(-1, |m| m.reploff);
        match why {
            Unsettled::Bgsave(_) => format!("{name} is running a BGSAVE"),
            Unsettled::Syncing(_) => format!("{name} is not in sync with {master} (state {state})"),
            Unsettled::NotOnline(_) => format!("{master} has not put {name} online yet"),
            Unsettled::InFlight(_) => format!("bytes are in flight from {master} to {name}"),
            Unsettled::Behind(_) => format!("{name} is at offset {off}, {master} at {master_off}"),
            Unsettled::Connections => "a connection is still opening or closing".into(),
        }
    }
}

/// Carries out an input only Redis understands (see
/// [`crate::sim::Actor::apply`]), logging it once it is known to succeed.
pub fn apply(sim: &mut Sim, input: Input) -> Result<Applied, SimError> {
    match input {
        Input::Command { node, argv } => {
            let id = sim.id(&node)?;
            if argv.is_empty() {
                return Err(SimError::EmptyCommand);
            }
            let argv = sim.resolve_replicaof(argv)?;
            sim.record(Input::Command {
                node,
                argv: argv.clone(),
            });
            sim.run_command(id, argv).map(Applied::Reply)
        }
        Input::Settle => {
            sim.record(Input::Settle);
            sim.apply_settle().map(|()| Applied::Done)
        }
        Input::RunUntilPhaseChange { max_ms } => {
            sim.record(Input::RunUntilPhaseChange { max_ms });
            Ok(Applied::Progress(sim.apply_run_until_phase_change(max_ms)))
        }
        Input::Resync { node, legacy } => {
            let id = sim.id(&node)?;
            if sim
                .world
                .nodes
                .get(&id)
                .is_some_and(|n| n.repl.link.is_none())
            {
                return Err(SimError::NotReplica(node));
            }
            sim.record(Input::Resync { node, legacy });
            let (world, trace) = sim.world_and_trace();
            world.with_node(id, trace, |n, cx| n.force_resync(legacy, cx));
            Ok(Applied::Done)
        }
        Input::Load { node, per_s } => {
            let id = sim.id(&node)?;
            if per_s > super::write_load::MAX_PER_S {
                return Err(SimError::LoadTooHigh(super::write_load::MAX_PER_S));
            }
            sim.record(Input::Load { node, per_s });
            let (world, trace) = sim.world_and_trace();
            world.with_node(id, trace, |n, cx| n.set_load(per_s, cx));
            Ok(Applied::Done)
        }
        // The simulator carries out the others itself.
        other => sim.apply(other),
    }
}

impl Sim {
    /// Runs a command on a node's console. `REPLICAOF <node> [port]` names
    /// a node (`REPLICAOF 127.0.0.1 <port>` also works when the port is a
    /// node's; any other host does not answer). A blocking command (WAIT)
    /// advances the world until it replies.
    pub fn command(&mut self, node: &str, argv: Vec<Vec<u8>>) -> Result<Frame, SimError> {
        let input = Input::Command {
            node: node.to_string(),
            argv,
        };
        Ok(self.apply(input)?.reply().unwrap_or(Frame::Null))
    }

    /// Forces a full sync on replica `node`: it drops its link and asks
    /// again with `PSYNC ? -1`, or with legacy `SYNC`.
    pub fn resync(&mut self, node: &str, legacy: bool) -> Result<(), SimError> {
        let node = node.to_string();
        self.apply(Input::Resync { node, legacy }).map(drop)
    }

    /// Sets the write load on `node`: `per_s` writes a virtual second from
    /// now on, 0 to stop (see [`super::write_load`]).
    pub fn set_load(&mut self, node: &str, per_s: u32) -> Result<(), SimError> {
        let node = node.to_string();
        self.apply(Input::Load { node, per_s }).map(drop)
    }

    /// `REPLICAOF A` → `REPLICAOF A <port of A>`; `REPLICAOF 127.0.0.1
    /// <port>` (or `localhost`) → the node listening on that port. Any other
    /// host is passed on as it is: no node answers it, so the replica keeps
    /// failing to connect, as a real one does with an unreachable master.
    pub(crate) fn resolve_replicaof(
        &self,
        mut argv: Vec<Vec<u8>>,
    ) -> Result<Vec<Vec<u8>>, SimError> {
        let is_replicaof =
            argv[0].eq_ignore_ascii_case(b"replicaof") || argv[0].eq_ignore_ascii_case(b"slaveof");
        if !is_replicaof || !(2..=3).contains(&argv.len()) {
            return Ok(argv);
        }
        let host = String::from_utf8_lossy(&argv[1]).into_owned();
        if argv.len() == 3
            && host.eq_ignore_ascii_case("no")
            && argv[2].eq_ignore_ascii_case(b"one")
        {
            return Ok(argv);
        }
        let loopback = host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost");
        let by_port = || {
            let port = crate::resp::parse_int(argv.get(2).filter(|_| loopback)?)?;
            self.world
                .nodes
                .values()
                .find(|n| i64::from(n.server.config.port) == port)
        };
        let Some(target) = self.node(&host).or_else(by_port) else {
            return match argv.len() {
                3 => Ok(argv),
                _ => Err(SimError::NoNode(host)),
            };
        };
        let (name, port) = (target.name.clone(), target.server.config.port);
        argv.truncate(1);
        argv.push(name.into_bytes());
        argv.push(port.to_string().into_bytes());
        Ok(argv)
    }

    pub(crate) fn run_command(
        &mut self,
        id: NodeId,
        argv: Vec<Vec<u8>>,
    ) -> Result<Frame, SimError> {
        let text = crate::repl::describe(&argv);
        let raw = argv.first().is_some_and(|c| crate::cli::prints_raw(c));
        let reply = self
            .world
            .with_node(id, &mut self.trace, |n, cx| n.console_command(argv, cx));
        let reply = match reply.flatten() {
            Some(r) => r,
            None => self.wait_console_reply(id, &text)?,
        };
        let mut shown = crate::cli::render(&reply, raw);
        if shown.len() > 200 {
            let cut = (0..=200)
                .rev()
                .find(|&i| shown.is_char_boundary(i))
                .unwrap_or(0);
            shown.truncate(cut);
            shown.push('…');
        }
        let name = self.world.nodes.get(&id).map_or("", |n| n.name.as_str());
        let kind = Kind::Command {
            command: text,
            reply: shown,
        };
        self.trace
            .push(self.world.now_ms, name, None, Phase::None, kind);
        Ok(reply)
    }

    /// Runs the world until a blocked console command replies.
    pub(crate) fn wait_console_reply(&mut self, id: NodeId, text: &str) -> Result<Frame, SimError> {
        let start = self.world.now_ms;
        loop {
            if let Some(r) = self.world.console_replies.remove(&id) {
                return Ok(r);
            }
            let late = self.world.now_ms.saturating_sub(start) >= SETTLE_LIMIT_MS;
            if late || !self.world.step_event(&mut self.trace) {
                if let Some(n) = self.world.nodes.get_mut(&id) {
                    n.wait = None;
                }
                return Err(SimError::StillBlocked(text.to_string()));
            }
        }
    }

    /// Runs until some replica's sync phase changes (true) or `max_ms`
    /// passed (false).
    pub fn run_until_phase_change(&mut self, max_ms: u64) -> bool {
        let input = Input::RunUntilPhaseChange { max_ms };
        self.apply(input).is_ok_and(|a| a.progressed())
    }

    pub(crate) fn apply_run_until_phase_change(&mut self, max_ms: u64) -> bool {
        let deadline = self.world.now_ms.saturating_add(max_ms);
        let before = self.world.phases();
        while self.world.queue.next_time().is_some_and(|t| t <= deadline) {
            self.world.step_event(&mut self.trace);
            if self.world.phases() != before {
                return true;
            }
        }
        self.world.now_ms = deadline;
        false
    }

    /// Runs until quiet: nothing in flight towards a replica, no BGSAVE,
    /// every replica that can reach its master online at its offset.
    /// Gives up after [`SETTLE_LIMIT_MS`] of virtual time.
    pub fn settle(&mut self) -> Result<(), SimError> {
        self.apply(Input::Settle).map(drop)
    }

    pub(crate) fn apply_settle(&mut self) -> Result<(), SimError> {
        let start = self.world.now_ms;
        loop {
            let why = match self.world.quiet() {
                Ok(()) => return Ok(()),
                Err(why) => why,
            };
            let late = self.world.now_ms.saturating_sub(start) >= SETTLE_LIMIT_MS;
            if late || !self.world.step_event(&mut self.trace) {
                return Err(SimError::NotSettled(self.world.explain(why)));
            }
        }
    }

    /// The node called `name`, read-only.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.world
            .node_id(name)
            .and_then(|id| self.world.nodes.get(&id))
    }
}
