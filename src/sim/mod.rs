//! The deterministic simulator: many nodes, the links between them, one
//! virtual clock, one seeded RNG, one event queue, one trace. It knows no
//! Redis: what runs on a node is an [`Actor`] (Redis 7.0 is the
//! `repl` module's, and its `Sim` is this simulator with it).
//!
//! [`Sim`] is the handle everyone uses — the scenario runner, the tests, the
//! page (through `crate::wasm`). Each public action is logged as an
//! [`Input`] and carried out by [`Sim::apply`]; events are processed in
//! (time, seq) order; nodes react only through effects (see [`actor`]:
//! the simulator knows a node only as an [`Actor`]), so the same seed and
//! the same inputs always give the same trace ([`Sim::trace_hash`]).
//!
//! # Time
//!
//! Virtual milliseconds since the start ([`Sim::now_ms`]). Wall-clock values
//! Redis shows or writes (absolute expiry times, RDB `ctime`, INFO ages) are
//! computed from a fixed, realistic Unix epoch, [`crate::net::EPOCH_UNIX_MS`], plus the
//! virtual time.
//!
//! # Stepping
//!
//! [`Sim::step`] advances to the next event that shows something (records
//! a trace event), skipping silent ones (a cron tick with nothing to do, a
//! chunk finishing transmission); [`Sim::step_back`] undoes the last input
//! by restoring a checkpoint and replaying (see [`history`]).
//!
//! # Limits
//!
//! The trace keeps [`trace::TRACE_CAP`] events; the input log and the
//! checkpoints are bounded (see [`history`]); `settle`, a blocking WAIT and
//! a step give up after [`SETTLE_LIMIT_MS`], [`SETTLE_LIMIT_MS`] and
//! [`STEP_LIMIT_MS`] of virtual time.

pub mod actor;
pub mod history;
pub mod input;
pub mod links;
pub mod queue;
pub mod rng;
pub mod trace;
pub mod wire;
pub mod world;

pub use actor::Actor;
pub use input::{Applied, Input, LinkChange};

use links::NodeId;
use std::fmt;
use trace::{Kind, Phase, Trace};
use world::World;

/// `settle` (and a blocked console command) gives up after this much virtual time.
pub const SETTLE_LIMIT_MS: u64 = 10 * 60 * 1000;

/// `step` gives up looking for something visible after this much virtual time.
pub const STEP_LIMIT_MS: u64 = 60 * 1000;

/// Longest accepted node name.
const MAX_NAME_LEN: usize = 64;

/// Most nodes in one world. The benchmark's fan-out case needs a master
/// and 100 replicas; beyond a few hundred the page could not show them.
pub const MAX_NODES: usize = 128;

/// Something a user asked for that cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// No node has this name.
    NoNode(String),
    /// A node with this name exists already.
    NodeExists(String),
    /// The name is empty, too long or contains spaces.
    BadName(String),
    /// Too many nodes.
    TooManyNodes,
    /// An empty command line.
    EmptyCommand,
    /// A bandwidth of zero.
    ZeroBandwidth,
    /// A link from a node to itself.
    SameNode(String),
    /// `settle` ran out of time; says what was still going on.
    NotSettled(String),
    /// A blocking command did not reply in time.
    StillBlocked(String),
    /// Only a replica can do this (a forced resync).
    NotReplica(String),
    /// A write load above the highest rate.
    LoadTooHigh(u32),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::NoNode(n) => write!(f, "no node named '{n}'"),
            SimError::NodeExists(n) => write!(f, "a node named '{n}' already exists"),
            SimError::BadName(n) => write!(
                f,
                "bad node name '{n}': use 1 to {MAX_NAME_LEN} letters, digits, '-' or '_'"
            ),
            SimError::TooManyNodes => write!(f, "too many nodes (at most {MAX_NODES})"),
            SimError::EmptyCommand => write!(f, "empty command"),
            SimError::ZeroBandwidth => write!(f, "bandwidth must be at least 1 byte per second"),
            SimError::SameNode(n) => write!(f, "a link needs two different nodes, got '{n}' twice"),
            SimError::NotSettled(why) => write!(
                f,
                "did not settle within {} virtual minutes: {why}",
                SETTLE_LIMIT_MS / 60_000
            ),
            SimError::NotReplica(n) => {
                write!(f, "'{n}' is not a replica: only a replica can resync")
            }
            SimError::LoadTooHigh(max) => write!(f, "at most {max} writes per second"),
            SimError::StillBlocked(cmd) => write!(
                f,
                "'{cmd}' was still blocked after {} virtual minutes",
                SETTLE_LIMIT_MS / 60_000
            ),
        }
    }
}

impl std::error::Error for SimError {}

/// The whole simulated world plus its trace and history, for nodes of
/// one kind of [`Actor`].
#[derive(Clone, Debug)]
pub struct Sim<A: Actor> {
    seed: u64,
    pub(crate) world: World<A>,
    pub(crate) trace: Trace,
    history: history::History<A>,
}

impl<A: Actor> Sim<A> {
    /// An empty world whose randomness all comes from `seed`.
    pub fn new(seed: u64) -> Sim<A> {
        Sim {
            seed,
            world: World::new(seed),
            trace: Trace::new(),
            history: history::History::default(),
        }
    }

    /// The seed this world was created with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Virtual milliseconds since the start.
    pub fn now_ms(&self) -> u64 {
        self.world.now_ms
    }

    /// The world (nodes, links), read-only, for views and tests.
    pub fn world(&self) -> &World<A> {
        &self.world
    }

    /// Starts the wire log (see `wire`): from now on every byte each
    /// connection carries is kept, for transcripts.
    pub fn record_wire(&mut self) {
        self.world.wire.get_or_insert_with(Box::default);
    }

    /// The wire log, if [`Sim::record_wire`] started it.
    pub fn wire(&self) -> Option<&wire::WireLog> {
        self.world.wire.as_deref()
    }

    /// The id of the node called `name`, or the error to show.
    pub fn id(&self, name: &str) -> Result<NodeId, SimError> {
        self.world
            .node_id(name)
            .ok_or_else(|| SimError::NoNode(name.to_string()))
    }

    fn pair(&self, a: &str, b: &str) -> Result<(NodeId, NodeId), SimError> {
        let (ia, ib) = (self.id(a)?, self.id(b)?);
        if ia == ib {
            return Err(SimError::SameNode(a.to_string()));
        }
        Ok((ia, ib))
    }

    /// Logs an input about to be carried out (it has been checked: it
    /// will not fail). The actor calls this for the inputs it carries out.
    pub fn record(&mut self, input: Input) {
        let mark = self.trace.mark();
        self.history.record(input, &self.world, mark);
    }

    /// Carries out one input and logs it: the one entry point for the
    /// page, scripts, lessons and replay. An input that fails is not
    /// logged and changes nothing.
    pub fn apply(&mut self, input: Input) -> Result<Applied, SimError> {
        match input {
            Input::AddNode { name } => self.apply_add_node(name),
            Input::RemoveNode { name } => {
                let id = self.id(&name)?;
                self.record(Input::RemoveNode { name });
                self.world.remove_node(id, &mut self.trace);
                Ok(Applied::Done)
            }
            Input::Link { a, b, change } => self.apply_link(a, b, change),
            Input::Steps { n } => {
                self.record(Input::Steps { n });
                Ok(Applied::Progress(self.apply_steps(n)))
            }
            Input::RunFor { ms } => {
                self.record(Input::RunFor { ms });
                self.apply_run_for(ms);
                Ok(Applied::Done)
            }
            other => A::apply(self, other),
        }
    }

    fn apply_add_node(&mut self, name: String) -> Result<Applied, SimError> {
        let valid = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        if !valid {
            return Err(SimError::BadName(name));
        }
        if self.world.node_id(&name).is_some() {
            return Err(SimError::NodeExists(name));
        }
        if self.world.nodes.len() >= MAX_NODES {
            return Err(SimError::TooManyNodes);
        }
        self.record(Input::AddNode { name: name.clone() });
        self.world.add_node(&name, &mut self.trace);
        Ok(Applied::Done)
    }

    fn apply_link(
        &mut self,
        a: String,
        b: String,
        change: LinkChange,
    ) -> Result<Applied, SimError> {
        let (ia, ib) = self.pair(&a, &b)?;
        if change == LinkChange::BandwidthBytesPerS(Some(0)) {
            return Err(SimError::ZeroBandwidth);
        }
        self.record(Input::Link {
            a: a.clone(),
            b: b.clone(),
            change,
        });
        let now = self.world.now_ms;
        let kind = match change {
            LinkChange::Down => Kind::LinkDown {
                peer: b,
                one_way: false,
            },
            LinkChange::DownOneWay => Kind::LinkDown {
                peer: b,
                one_way: true,
            },
            LinkChange::Up => Kind::LinkUp { peer: b },
            LinkChange::LatencyMs(latency_ms) => Kind::LinkLatency {
                peer: b,
                latency_ms,
            },
            LinkChange::BandwidthBytesPerS(bytes_per_s) => Kind::LinkBandwidth {
                peer: b,
                bytes_per_s,
            },
        };
        // A cut is traced before the closes it causes; the other changes
        // after they are made (a heal may already schedule deliveries).
        if change == LinkChange::Down {
            self.trace.push(now, &a, None, Phase::None, kind);
            self.world.cut(ia, ib, &mut self.trace);
            return Ok(Applied::Done);
        }
        match change {
            LinkChange::DownOneWay => self.world.links.cut_one_way(ia, ib),
            LinkChange::Up => self.world.links.heal(&mut self.world.queue, now, ia, ib),
            LinkChange::LatencyMs(ms) => self.world.links.get_mut(ia, ib).latency_ms = ms,
            LinkChange::BandwidthBytesPerS(bps) => self.world.links.get_mut(ia, ib).bandwidth = bps,
            LinkChange::Down => {}
        }
        self.trace.push(now, &a, None, Phase::None, kind);
        Ok(Applied::Done)
    }

    /// Adds a node with the default configuration.
    pub fn add_node(&mut self, name: &str) -> Result<(), SimError> {
        self.apply(Input::AddNode { name: name.into() }).map(drop)
    }

    /// Removes a node; connections to it close.
    pub fn remove_node(&mut self, name: &str) -> Result<(), SimError> {
        self.apply(Input::RemoveNode { name: name.into() })
            .map(drop)
    }

    /// Node names in creation order.
    pub fn node_names(&self) -> Vec<String> {
        self.world
            .nodes
            .values()
            .map(|n| n.name().to_string())
            .collect()
    }

    /// Changes the link between `a` and `b` ([`Input::Link`]).
    pub fn link(&mut self, a: &str, b: &str, change: LinkChange) -> Result<(), SimError> {
        let (a, b) = (a.to_string(), b.to_string());
        self.apply(Input::Link { a, b, change }).map(drop)
    }

    /// Cuts the link between `a` and `b` both ways: every connection over
    /// it closes at both ends now.
    pub fn link_down(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        self.link(a, b, LinkChange::Down)
    }

    /// Heals the link between `a` and `b` in both directions.
    pub fn link_up(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        self.link(a, b, LinkChange::Up)
    }

    /// Cuts only `from` → `to`: connections stay open, bytes wait.
    pub fn link_down_one_way(&mut self, from: &str, to: &str) -> Result<(), SimError> {
        self.link(from, to, LinkChange::DownOneWay)
    }

    /// Sets the one-way latency of the link between `a` and `b`.
    pub fn set_latency_ms(&mut self, a: &str, b: &str, ms: u64) -> Result<(), SimError> {
        self.link(a, b, LinkChange::LatencyMs(ms))
    }

    /// Sets the bandwidth of the link between `a` and `b` (`None` = unlimited).
    pub fn set_bandwidth(
        &mut self,
        a: &str,
        b: &str,
        bytes_per_s: Option<u64>,
    ) -> Result<(), SimError> {
        self.link(a, b, LinkChange::BandwidthBytesPerS(bytes_per_s))
    }

    /// Advances to the next event that records something in the trace;
    /// false if nothing did within [`STEP_LIMIT_MS`].
    pub fn step(&mut self) -> bool {
        self.apply(Input::Steps { n: 1 })
            .is_ok_and(|a| a.progressed())
    }

    /// Steps until `holds` is true (true), or until a step finds nothing
    /// or `max_ms` of virtual time passed (false), logged as one
    /// `Steps { n }` input with the number of steps taken, so a long run
    /// (a lesson's "run until") is one line of the session and one press
    /// of step back.
    pub fn steps_until(&mut self, max_ms: u64, mut holds: impl FnMut(&Self) -> bool) -> bool {
        let deadline = self.world.now_ms.saturating_add(max_ms);
        let mut taken = 0u64;
        loop {
            if holds(self) {
                return true;
            }
            if self.world.now_ms >= deadline {
                return false;
            }
            if taken == 0 {
                self.record(Input::Steps { n: 1 });
            } else {
                self.history.extend_last_steps();
            }
            taken += 1;
            if !self.apply_step() {
                return false;
            }
        }
    }

    /// `n` steps, stopping early when one finds nothing; false then.
    fn apply_steps(&mut self, n: u64) -> bool {
        (0..n).all(|_| self.apply_step())
    }

    fn apply_step(&mut self) -> bool {
        let (start, seq) = (self.world.now_ms, self.trace.next_seq());
        while self.world.now_ms.saturating_sub(start) < STEP_LIMIT_MS {
            if !self.world.step_event(&mut self.trace) {
                return false;
            }
            if self.trace.next_seq() > seq {
                return true;
            }
        }
        false
    }

    /// Processes every event up to `now + ms`, then sets the clock there.
    pub fn run_for(&mut self, ms: u64) {
        // A wait cannot fail.
        let _ = self.apply(Input::RunFor { ms });
    }

    /// [`Sim::run_for`], folded into the last input when that was a wait
    /// too, instead of logging a new one. The page plays through this:
    /// sixty animation frames a second stay one input (so the log stays
    /// short and checkpoints, which copy the world, stay rare), and a step
    /// back undoes the whole stretch.
    pub fn extend_run_for(&mut self, ms: u64) {
        if self.history.extend_last_run(ms) {
            self.apply_run_for(ms);
        } else {
            self.run_for(ms);
        }
    }

    /// Processes every event up to `now + ms` without logging anything.
    fn apply_run_for(&mut self, ms: u64) {
        let target = self.world.now_ms.saturating_add(ms);
        while self.world.queue.next_time().is_some_and(|t| t <= target) {
            self.world.step_event(&mut self.trace);
        }
        self.world.now_ms = target;
    }

    /// The world and the trace together, to run a node's handler on
    /// (the actor's own inputs use it).
    pub fn world_and_trace(&mut self) -> (&mut World<A>, &mut Trace) {
        (&mut self.world, &mut self.trace)
    }

    /// Undoes the last input (restores a checkpoint, replays the rest).
    /// False when there is nothing to undo or it is too far back.
    pub fn step_back(&mut self) -> bool {
        let Some((world, mark, replay)) = self.history.undo_last() else {
            return false;
        };
        self.world = world;
        self.trace.rewind(mark);
        for input in replay {
            // Errors cannot happen on replay: each input succeeded the
            // first time on the very same world.
            let _ = self.apply(input);
        }
        true
    }

    /// The events still held (at most [`trace::TRACE_CAP`]), oldest first.
    pub fn trace(&self) -> &[trace::Event] {
        self.trace.events()
    }

    /// Events with `seq >= seq`.
    pub fn trace_since(&self, seq: u64) -> Vec<trace::Event> {
        self.trace.since(seq)
    }

    /// The sequence number the next trace event will get.
    pub fn next_seq(&self) -> u64 {
        self.trace.next_seq()
    }

    /// A hash of the whole trace, for determinism checks.
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// The input log, oldest first (for exporting the session as a script).
    pub fn inputs(&self) -> &[Input] {
        self.history.inputs()
    }

    /// How many inputs were ever logged (and not stepped back): unlike
    /// `inputs().len()` it does not shrink when the log drops old entries.
    pub fn input_count(&self) -> u64 {
        self.history.len()
    }

    /// True when the input log dropped its oldest entries.
    pub fn inputs_truncated(&self) -> bool {
        self.history.truncated()
    }

    /// The trace, read-only, for the view.
    pub fn trace_ref(&self) -> &Trace {
        &self.trace
    }
}
