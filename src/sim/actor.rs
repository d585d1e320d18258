//! Nodes as actors: what the simulator asks of whatever runs on a node.
//!
//! The simulator moves bytes and time; it does not know what a node is.
//! Anything that implements [`Actor`] can live in a world: it is handed
//! one happening at a time (a timer firing, a connection accepted or
//! established, bytes arriving, written bytes having left, a connection
//! closing) and answers only through [`Effect`]s collected in a [`Cx`]:
//! write bytes on a connection, open or close one, set a timer, record a
//! trace event, answer the console. It never touches another node or the
//! clock, which is what lets the simulator replay it deterministically
//! (the stateright model: actors as pure handlers, effects as output).
//!
//! Redis 7.0 is one implementation (the `Node` of the `repl` module); a second
//! server flavour would be a second `impl Actor`, not a fork of it. The
//! world, the queue and the history are generic over the actor, so every
//! event is a direct, monomorphised call: no `dyn` on the hot path.
//!
//! Inputs that mean something only to what runs on the nodes (a console
//! command, "settle", "until a phase changes", a forced resync, a write
//! load) are the actor's too: [`Actor::apply`] carries them out on the
//! whole simulation, since some of them read several nodes at once.

use crate::net::{ConnId, NodeId, Payload};
use crate::resp::Frame;
use crate::sim::links::Links;
use crate::sim::rng::Rng;
use crate::sim::trace::{Kind, Phase};
use crate::sim::{Applied, Input, Sim, SimError};
use std::fmt::Debug;

/// What runs on one node of a world.
pub trait Actor: Clone + Debug + Sized {
    /// The node's timers (what [`Effect::Timer`] schedules and
    /// [`Actor::on_timer`] gets back).
    type Timer: Clone + Debug + PartialEq + Eq;

    /// A new node called `name`, with id `id`, created at `cx.now_ms`
    /// (it may set its first timers and trace its birth through `cx`).
    fn create(name: &str, id: NodeId, cx: &mut Cx<Self::Timer>) -> Self;

    /// Its name (what other nodes and the trace call it).
    fn name(&self) -> &str;

    /// The node this one follows, if any (a replica's master): the peer
    /// of its [`Concerns::ItselfAsReplica`] trace events.
    fn upstream(&self) -> Option<&str>;

    /// About how many bytes a copy of this node takes (its data): the
    /// history spaces checkpoints by it.
    fn size_bytes(&self) -> u64;

    /// A timer it set fired.
    fn on_timer(&mut self, timer: Self::Timer, cx: &mut Cx<Self::Timer>);

    /// A node called `peer` opened connection `conn` to this one.
    fn on_accept(&mut self, conn: ConnId, peer: &str, cx: &mut Cx<Self::Timer>);

    /// A connection this node opened is established.
    fn on_connected(&mut self, conn: ConnId, cx: &mut Cx<Self::Timer>);

    /// A connection this node opened could not be established.
    fn on_connect_failed(&mut self, conn: ConnId, error: &str, cx: &mut Cx<Self::Timer>);

    /// Bytes arrived on `conn`; `payload` and `progress` describe them
    /// for the trace only.
    fn on_data(
        &mut self,
        conn: ConnId,
        bytes: Vec<u8>,
        payload: Payload,
        progress: Option<(u64, u64)>,
        cx: &mut Cx<Self::Timer>,
    );

    /// Everything written on `conn` with notification `token` has left.
    fn on_sent(&mut self, conn: ConnId, token: u64, cx: &mut Cx<Self::Timer>);

    /// `conn` closed (the peer closed it, or the link was cut).
    fn on_closed(&mut self, conn: ConnId, reason: &str, cx: &mut Cx<Self::Timer>);

    /// Carries out (and logs) an input the simulator cannot carry out
    /// itself: one that means something only to what runs on the nodes.
    /// Inputs that are the simulator's own it hands back to
    /// [`Sim::apply`].
    fn apply(sim: &mut Sim<Self>, input: Input) -> Result<Applied, SimError>;
}

/// What a handler asks the simulator to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect<T> {
    /// Write bytes on a connection; `notify` asks for `on_sent` when they
    /// have all left.
    Send {
        conn: ConnId,
        bytes: Vec<u8>,
        payload: Payload,
        notify: Option<u64>,
    },
    /// Open a connection to the node named `to`.
    Open { conn: ConnId, to: String },
    /// Close a connection.
    Close { conn: ConnId },
    /// Fire `timer` at virtual time `at_ms`.
    Timer { at_ms: u64, timer: T },
    /// Record a trace event.
    Trace {
        replica: Concerns,
        phase: Phase,
        kind: Kind,
    },
    /// The reply to a console command that had blocked (WAIT).
    ConsoleReply(Frame),
}

/// Which replica a trace event concerns (see `Event::replica`).
#[derive(Clone, Debug, PartialEq)]
pub enum Concerns {
    /// None: the event is about the node as a whole.
    Node,
    /// The node itself, as a replica: its side of a sync. Spelled out so
    /// that the stream's per-command events need not copy the node's name.
    ItselfAsReplica,
    /// One of its replicas, by name.
    Replica(String),
}

/// A handler's view of the world: the time, the RNG, read-only link state,
/// and the effects it produced.
pub struct Cx<'a, T> {
    /// Virtual milliseconds since the simulation started.
    pub now_ms: u64,
    /// The world's one RNG.
    pub rng: &'a mut Rng,
    /// Links, read-only (pending output for buffer limits).
    pub links: &'a Links,
    /// This node.
    pub node: NodeId,
    /// Connection id allocator.
    pub next_conn: &'a mut ConnId,
    /// Effects, in order.
    pub out: Vec<Effect<T>>,
}

impl<'a, T> Cx<'a, T> {
    /// A fresh context for one call into node `node` at `now_ms`, with no
    /// effects recorded yet.
    pub fn new(
        now_ms: u64,
        rng: &'a mut Rng,
        links: &'a Links,
        node: NodeId,
        next_conn: &'a mut ConnId,
    ) -> Cx<'a, T> {
        Cx {
            now_ms,
            rng,
            links,
            node,
            next_conn,
            out: Vec::new(),
        }
    }
}

impl<T> Cx<'_, T> {
    /// The virtual clock as Unix milliseconds.
    pub fn unix_ms(&self) -> i64 {
        crate::net::unix_ms(self.now_ms)
    }

    /// The virtual clock as Unix seconds (Redis's `server.unixtime`).
    pub fn unix_s(&self) -> i64 {
        self.unix_ms().div_euclid(1000)
    }

    /// Writes bytes on `conn`.
    pub fn send(&mut self, conn: ConnId, bytes: Vec<u8>, payload: Payload) {
        self.out.push(Effect::Send {
            conn,
            bytes,
            payload,
            notify: None,
        });
    }

    /// Writes bytes on `conn` and asks to be told when they have all left.
    pub fn send_notify(&mut self, conn: ConnId, bytes: Vec<u8>, payload: Payload, token: u64) {
        self.out.push(Effect::Send {
            conn,
            bytes,
            payload,
            notify: Some(token),
        });
    }

    /// Opens a connection to node `to`; the id comes back at once.
    pub fn open(&mut self, to: &str) -> ConnId {
        *self.next_conn += 1;
        let conn = *self.next_conn;
        self.out.push(Effect::Open {
            conn,
            to: to.to_string(),
        });
        conn
    }

    /// Closes `conn`.
    pub fn close(&mut self, conn: ConnId) {
        self.out.push(Effect::Close { conn });
    }

    /// Sets a timer at absolute virtual time `at_ms`.
    pub fn timer(&mut self, at_ms: u64, timer: T) {
        self.out.push(Effect::Timer { at_ms, timer });
    }

    /// Records a trace event.
    pub fn trace(&mut self, replica: Option<&str>, phase: Phase, kind: Kind) {
        let replica = replica.map_or(Concerns::Node, |r| Concerns::Replica(r.to_string()));
        self.out.push(Effect::Trace {
            replica,
            phase,
            kind,
        });
    }

    /// Records a trace event about this node's own side of its sync.
    pub fn trace_as_replica(&mut self, phase: Phase, kind: Kind) {
        self.out.push(Effect::Trace {
            replica: Concerns::ItselfAsReplica,
            phase,
            kind,
        });
    }
}
