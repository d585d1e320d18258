//! The deterministic simulator: many Redis nodes, the links between them,
//! one virtual clock, one seeded RNG, one event queue, one trace.
//!
//! [`Sim`] is the handle everyone uses — the scenario runner, the tests, the
//! page (through `crate::wasm`). Each public action is logged as an
//! [`Input`]; events are processed in (time, seq) order; nodes react only
//! through effects (see the node module), so the same seed and the same
//! inputs always give the same trace ([`Sim::trace_hash`]).
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

pub mod history;
pub mod links;
pub mod queue;
pub mod rng;
pub mod trace;
pub mod world;

pub use history::{Input, TimedCommand};

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
            SimError::StillBlocked(cmd) => write!(
                f,
                "'{cmd}' was still blocked after {} virtual minutes",
                SETTLE_LIMIT_MS / 60_000
            ),
        }
    }
}

impl std::error::Error for SimError {}

/// The whole simulated world plus its trace and history.
#[derive(Clone, Debug)]
pub struct Sim {
    seed: u64,
    pub(crate) world: World,
    pub(crate) trace: Trace,
    history: history::History,
}

impl Sim {
    /// An empty world whose randomness all comes from `seed`.
    pub fn new(seed: u64) -> Sim {
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
    pub fn world(&self) -> &World {
        &self.world
    }

    pub(crate) fn id(&self, name: &str) -> Result<NodeId, SimError> {
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

    pub(crate) fn record(&mut self, input: Input) {
        let mark = self.trace.mark();
        self.history.record(input, &self.world, mark);
    }

    /// Adds a node with the default configuration, port 6379 + its index.
    pub fn add_node(&mut self, name: &str) -> Result<(), SimError> {
        let valid = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        if !valid {
            return Err(SimError::BadName(name.to_string()));
        }
        if self.world.node_id(name).is_some() {
            return Err(SimError::NodeExists(name.to_string()));
        }
        if self.world.nodes.len() >= MAX_NODES {
            return Err(SimError::TooManyNodes);
        }
        self.record(Input::AddNode {
            name: name.to_string(),
        });
        self.world.add_node(name, &mut self.trace);
        Ok(())
    }

    /// Removes a node; connections to it close.
    pub fn remove_node(&mut self, name: &str) -> Result<(), SimError> {
        let id = self.id(name)?;
        self.record(Input::RemoveNode {
            name: name.to_string(),
        });
        self.world.remove_node(id, &mut self.trace);
        Ok(())
    }

    /// Node names in creation order.
    pub fn node_names(&self) -> Vec<String> {
        self.world.nodes.values().map(|n| n.name.clone()).collect()
    }

    /// Cuts the link between `a` and `b` both ways: every connection over
    /// it closes at both ends now.
    pub fn link_down(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (ia, ib) = self.pair(a, b)?;
        self.record(Input::LinkDown {
            a: a.into(),
            b: b.into(),
        });
        self.trace_link(
            a,
            b,
            Kind::LinkDown {
                peer: b.into(),
                one_way: false,
            },
        );
        self.world.cut(ia, ib, &mut self.trace);
        Ok(())
    }

    /// Heals the link between `a` and `b` in both directions.
    pub fn link_up(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (ia, ib) = self.pair(a, b)?;
        self.record(Input::LinkUp {
            a: a.into(),
            b: b.into(),
        });
        let now = self.world.now_ms;
        self.world.links.heal(&mut self.world.queue, now, ia, ib);
        self.trace_link(a, b, Kind::LinkUp { peer: b.into() });
        Ok(())
    }

    /// Cuts only `from` → `to`: connections stay open, bytes wait.
    pub fn link_down_one_way(&mut self, from: &str, to: &str) -> Result<(), SimError> {
        let (ia, ib) = self.pair(from, to)?;
        self.record(Input::LinkDownOneWay {
            from: from.into(),
            to: to.into(),
        });
        self.world.links.cut_one_way(ia, ib);
        self.trace_link(
            from,
            to,
            Kind::LinkDown {
                peer: to.into(),
                one_way: true,
            },
        );
        Ok(())
    }

    /// Sets the one-way latency of the link between `a` and `b`.
    pub fn set_latency_ms(&mut self, a: &str, b: &str, ms: u64) -> Result<(), SimError> {
        let (ia, ib) = self.pair(a, b)?;
        self.record(Input::Latency {
            a: a.into(),
            b: b.into(),
            ms,
        });
        self.world.links.get_mut(ia, ib).latency_ms = ms;
        self.trace_link(
            a,
            b,
            Kind::LinkLatency {
                peer: b.into(),
                latency_ms: ms,
            },
        );
        Ok(())
    }

    /// Sets the bandwidth of the link between `a` and `b` (`None` = unlimited).
    pub fn set_bandwidth(
        &mut self,
        a: &str,
        b: &str,
        bytes_per_s: Option<u64>,
    ) -> Result<(), SimError> {
        let (ia, ib) = self.pair(a, b)?;
        if bytes_per_s == Some(0) {
            return Err(SimError::ZeroBandwidth);
        }
        self.record(Input::Bandwidth {
            a: a.into(),
            b: b.into(),
            bytes_per_s,
        });
        self.world.links.get_mut(ia, ib).bandwidth = bytes_per_s;
        self.trace_link(
            a,
            b,
            Kind::LinkBandwidth {
                peer: b.into(),
                bytes_per_s,
            },
        );
        Ok(())
    }

    fn trace_link(&mut self, a: &str, _b: &str, kind: Kind) {
        self.trace
            .push(self.world.now_ms, a, None, Phase::None, kind);
    }

    /// Forces a full sync on replica `node`: it drops its link and asks
    /// again with `PSYNC ? -1`, or with legacy `SYNC`. False if `node` is
    /// not a replica.
    pub fn resync(&mut self, node: &str, legacy: bool) -> Result<bool, SimError> {
        let id = self.id(node)?;
        self.record(Input::Resync {
            node: node.into(),
            legacy,
        });
        let done = self
            .world
            .with_node(id, &mut self.trace, |n, cx| n.force_resync(legacy, cx));
        Ok(done.unwrap_or(false))
    }

    /// Advances to the next event that records something in the trace;
    /// false if nothing did within [`STEP_LIMIT_MS`].
    pub fn step(&mut self) -> bool {
        self.record(Input::Step);
        self.apply_step()
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
        self.record(Input::RunFor { ms });
        self.apply_run_for(ms);
    }

    fn apply_run_for(&mut self, ms: u64) {
        let target = self.world.now_ms.saturating_add(ms);
        while self.world.queue.next_time().is_some_and(|t| t <= target) {
            self.world.step_event(&mut self.trace);
        }
        self.world.now_ms = target;
    }

    /// Like [`Sim::run_for`], running each of `commands` on its node's
    /// console at its exact virtual time inside the span (after the events
    /// due at that time, as `wait` then a command line would): the page's
    /// write load. One input; [`Input::expanded`] writes it as a script.
    pub fn run_for_with(&mut self, ms: u64, commands: Vec<TimedCommand>) {
        self.record(Input::RunForWith {
            ms,
            commands: commands.clone(),
        });
        self.apply_run_for_with(ms, &commands);
    }

    /// [`Sim::run_for_with`], folded into the last input when that was a
    /// run too, instead of logging a new one. The page plays through this:
    /// sixty animation frames a second stay one input (so the log stays
    /// short and checkpoints, which copy the world, stay rare), and a step
    /// back undoes the whole stretch.
    pub fn extend_run_for_with(&mut self, ms: u64, commands: Vec<TimedCommand>) {
        if self.history.extend_last_run(ms, &commands) {
            self.apply_run_for_with(ms, &commands);
        } else {
            self.run_for_with(ms, commands);
        }
    }

    fn apply_run_for_with(&mut self, ms: u64, commands: &[TimedCommand]) {
        let mut done = 0;
        for c in commands {
            let at = c.after_ms.clamp(done, ms);
            if at > done {
                self.apply_run_for(at - done);
                done = at;
            }
            if let Some(id) = self.world.node_id(&c.node) {
                // A load write never blocks; an error would only mean a
                // blocked command, which the caller does not send.
                let _ = self.run_command(id, c.argv.clone());
            }
        }
        self.apply_run_for(ms - done);
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
            self.apply(input);
        }
        true
    }

    /// Applies a logged input again (replay), recording it.
    fn apply(&mut self, input: Input) {
        // Errors cannot happen on replay: each input succeeded the first
        // time on the very same world.
        let _ = match input {
            Input::AddNode { name } => self.add_node(&name),
            Input::RemoveNode { name } => self.remove_node(&name),
            Input::Command { node, argv } => self.command(&node, argv).map(|_| ()),
            Input::LinkDown { a, b } => self.link_down(&a, &b),
            Input::LinkUp { a, b } => self.link_up(&a, &b),
            Input::LinkDownOneWay { from, to } => self.link_down_one_way(&from, &to),
            Input::Latency { a, b, ms } => self.set_latency_ms(&a, &b, ms),
            Input::Bandwidth { a, b, bytes_per_s } => self.set_bandwidth(&a, &b, bytes_per_s),
            Input::Step => {
                self.step();
                Ok(())
            }
            Input::RunFor { ms } => {
                self.run_for(ms);
                Ok(())
            }
            Input::RunUntilPhaseChange { max_ms } => {
                self.run_until_phase_change(max_ms);
                Ok(())
            }
            Input::Settle => self.settle(),
            Input::Resync { node, legacy } => self.resync(&node, legacy).map(|_| ()),
            Input::RunForWith { ms, commands } => {
                self.run_for_with(ms, commands);
                Ok(())
            }
        };
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
    pub(crate) fn trace_ref(&self) -> &Trace {
        &self.trace
    }
}
