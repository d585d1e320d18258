//! The world: nodes, links, the event queue, the clock and the RNG, and the
//! loop that delivers one event to one node and applies its effects.
//!
//! The world is `Clone` (a checkpoint is a clone) and holds no trace: trace
//! events are handed to the caller's [`Trace`], so a checkpoint does not
//! copy the whole history of events.

use crate::resp::Frame;
use crate::sim::actor::{Actor, Concerns, Cx, Effect};
use crate::sim::links::{ConnId, Links, NodeId, Outgoing};
use crate::sim::queue::{Ev, Queue};
use crate::sim::rng::Rng;
use crate::sim::trace::{Kind, Phase, Trace};
use crate::sim::wire::WireLog;
use crate::vec_map::VecMap;

/// The last PSYNC decision a master made for a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastPsync {
    /// The master that decided.
    pub master: String,
    /// `continue` or `fullresync`.
    pub result: String,
    /// Why.
    pub reason: String,
}

/// Everything that exists in a simulation, except its trace: nodes of
/// one kind of [`Actor`].
#[derive(Clone, Debug)]
pub struct World<A: Actor> {
    /// Virtual milliseconds since the start.
    pub now_ms: u64,
    /// The one RNG.
    pub rng: Rng,
    /// Nodes by id (ids grow with creation, so this is creation order).
    pub nodes: VecMap<NodeId, A>,
    /// The id the next node gets.
    pub next_node: NodeId,
    /// Links and connections.
    pub links: Links,
    /// What will happen.
    pub queue: Queue<A::Timer>,
    /// Connection id allocator.
    pub next_conn: ConnId,
    /// Replies of console commands that blocked.
    pub console_replies: VecMap<NodeId, Frame>,
    /// The last PSYNC decision per replica name.
    pub last_psync: VecMap<String, LastPsync>,
    /// An empty effect list with room, for the next node call.
    spare_effects: Vec<Effect<A::Timer>>,
    /// Every byte every connection carried, when asked for (see `wire`).
    pub wire: Option<Box<WireLog>>,
}

impl<A: Actor> World<A> {
    /// An empty world.
    pub fn new(seed: u64) -> World<A> {
        World {
            now_ms: 0,
            rng: Rng::new(seed),
            nodes: VecMap::new(),
            next_node: 0,
            links: Links::default(),
            queue: Queue::default(),
            next_conn: 0,
            console_replies: VecMap::new(),
            last_psync: VecMap::new(),
            spare_effects: Vec::new(),
            wire: None,
        }
    }

    /// The id of the node called `name`.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .find(|(_, n)| n.name() == name)
            .map(|(id, _)| *id)
    }

    /// Adds a node; ids grow with creation.
    pub fn add_node(&mut self, name: &str, trace: &mut Trace) -> NodeId {
        let id = self.next_node;
        self.next_node += 1;
        self.call(id, trace, |nodes, cx| {
            nodes.insert(id, A::create(name, id, cx));
        });
        id
    }

    /// Runs `f` with a context for node `id` (and every node, to find or
    /// add it), then applies the effects it produced. The effect list is
    /// reused from call to call: the stream makes several calls per write.
    fn call<R>(
        &mut self,
        id: NodeId,
        trace: &mut Trace,
        f: impl FnOnce(&mut VecMap<NodeId, A>, &mut Cx<A::Timer>) -> R,
    ) -> R {
        let mut cx = Cx::new(
            self.now_ms,
            &mut self.rng,
            &self.links,
            id,
            &mut self.next_conn,
        );
        cx.out = std::mem::take(&mut self.spare_effects);
        let r = f(&mut self.nodes, &mut cx);
        let out = cx.out;
        self.apply(id, out, trace);
        r
    }

    /// Removes a node; its peers see their connections close.
    pub fn remove_node(&mut self, id: NodeId, trace: &mut Trace) {
        let Some(node) = self.nodes.remove(&id) else {
            return;
        };
        trace.push(
            self.now_ms,
            node.name(),
            None,
            Phase::None,
            Kind::NodeRemoved,
        );
        for c in self.links.remove_node(id) {
            self.with_node(c.node, trace, |n, cx| {
                n.on_closed(c.conn, "connection lost", cx)
            });
        }
    }

    /// Runs `f` on node `id` with a fresh context, then applies its effects.
    pub fn with_node<R>(
        &mut self,
        id: NodeId,
        trace: &mut Trace,
        f: impl FnOnce(&mut A, &mut Cx<A::Timer>) -> R,
    ) -> Option<R> {
        self.call(id, trace, |nodes, cx| nodes.get_mut(&id).map(|n| f(n, cx)))
    }

    /// Applies a node's effects in order, then keeps the emptied list.
    fn apply(&mut self, id: NodeId, mut effects: Vec<Effect<A::Timer>>, trace: &mut Trace) {
        let now = self.now_ms;
        for e in effects.drain(..) {
            match e {
                Effect::Send {
                    conn,
                    bytes,
                    payload,
                    notify,
                } => {
                    let w = Outgoing {
                        conn,
                        bytes,
                        payload,
                        notify,
                    };
                    self.links.send(&mut self.queue, now, id, w);
                }
                Effect::Open { conn, to } => {
                    let server = self.node_id(&to);
                    self.links.connect(&mut self.queue, now, conn, id, server);
                }
                Effect::Close { conn } => self.links.close(&mut self.queue, now, conn, id),
                Effect::Timer { at_ms, timer } => {
                    self.queue.push(at_ms, Ev::Timer { node: id, timer })
                }
                Effect::Trace {
                    replica,
                    phase,
                    kind,
                } => self.record(id, replica, phase, kind, trace),
                Effect::ConsoleReply(frame) => {
                    self.console_replies.insert(id, frame);
                }
            }
        }
        self.spare_effects = effects;
    }

    fn record(
        &mut self,
        id: NodeId,
        replica: Concerns,
        phase: Phase,
        kind: Kind,
        trace: &mut Trace,
    ) {
        let node = self.nodes.get(&id);
        let name = node.map_or("", |n| n.name());
        // The other end, as it is now: a replica's master, a master's replica.
        let (replica, peer) = match &replica {
            Concerns::Node => (None, None),
            Concerns::ItselfAsReplica => (Some(name), node.and_then(|n| n.upstream())),
            Concerns::Replica(r) => (Some(r.as_str()), Some(r.as_str())),
        };
        if let (Kind::PsyncDecision { result, reason, .. }, Some(r)) = (&kind, replica) {
            let last = LastPsync {
                master: name.to_string(),
                result: result.clone(),
                reason: reason.clone(),
            };
            self.last_psync.insert(r.to_string(), last);
        }
        trace.push_with_peer(self.now_ms, name, replica, phase, kind, peer);
    }

    /// Processes the next event; false when nothing is scheduled.
    pub fn step_event(&mut self, trace: &mut Trace) -> bool {
        let Some((t, ev)) = self.queue.pop() else {
            return false;
        };
        self.now_ms = self.now_ms.max(t);
        match ev {
            Ev::Timer { node, timer } => {
                self.with_node(node, trace, |n, cx| n.on_timer(timer, cx));
            }
            Ev::Accept { conn } => self.accept(conn, trace),
            Ev::Connected { conn } => {
                if let Some(client) = self.links.connected(conn) {
                    self.with_node(client, trace, |n, cx| n.on_connected(conn, cx));
                }
            }
            Ev::ConnectFailed { conn, node, error } => {
                self.with_node(node, trace, |n, cx| n.on_connect_failed(conn, &error, cx));
            }
            Ev::TxDone { link, dir, serial } => {
                self.links
                    .tx_done(&mut self.queue, self.now_ms, link, dir, serial)
            }
            Ev::Deliver { link, dir, serial } => self.deliver(link, dir, serial, trace),
            Ev::Sent { node, conn, token } => {
                if self.links.is_open_at(conn, node) {
                    self.with_node(node, trace, |n, cx| n.on_sent(conn, token, cx));
                }
            }
        }
        true
    }

    fn accept(&mut self, conn: ConnId, trace: &mut Trace) {
        let Some((client, server)) = self.links.accept(conn) else {
            return;
        };
        if let Some(w) = self.wire.as_mut() {
            w.opened(conn, client, server, self.now_ms);
        }
        let peer = self
            .nodes
            .get(&client)
            .map(|n| n.name().to_string())
            .unwrap_or_default();
        self.with_node(server, trace, |n, cx| n.on_accept(conn, &peer, cx));
    }

    fn deliver(&mut self, key: (NodeId, NodeId), dir: usize, serial: u64, trace: &mut Trace) {
        let Some(f) = self.links.deliver(key, dir, serial) else {
            return;
        };
        let to = Links::receiver(key, dir);
        if f.fin {
            if self.links.fin_arrived(f.conn, to) {
                let conn = f.conn;
                self.with_node(to, trace, |n, cx| {
                    n.on_closed(conn, "connection closed by peer", cx)
                });
            }
        } else if self.links.is_open_at(f.conn, to) {
            if let Some(w) = self.wire.as_mut() {
                w.arrived(f.conn, to, &f.bytes, self.now_ms);
            }
            self.with_node(to, trace, |n, cx| {
                n.on_data(f.conn, f.bytes, f.payload, f.progress, cx)
            });
        }
    }

    /// Cuts the link between `a` and `b` both ways.
    pub fn cut(&mut self, a: NodeId, b: NodeId, trace: &mut Trace) {
        for c in self.links.cut(a, b) {
            self.with_node(c.node, trace, |n, cx| n.on_closed(c.conn, "link cut", cx));
        }
    }
}
