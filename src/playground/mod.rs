//! The playground: a [`Sim`] plus what the page needs around it, testable
//! natively. `crate::wasm` is a thin `#[wasm_bindgen]` shell over this.
//!
//! What it adds to the simulator:
//!
//! - **The console**: a typed line split like redis-cli (`split_args`),
//!   run on a node, the reply rendered like redis-cli (INFO raw).
//! - **Actions and step back**: every page action (a command, a link
//!   change, a step, a stretch of play, a write load) is one undoable
//!   unit, however many simulator inputs it took; stepping back undoes the
//!   whole unit. The write load is in the world (`crate::repl::write_load`,
//!   one [`Input::Load`]), so stepping back needs no second undo layer here.
//! - **Sync timelines** ([`timeline`]), the **keyspace** table and diff
//!   ([`keyspace`]), **scripts** (run one on a fresh world, export the
//!   session) and **share links** ([`share`]).
//! - **The default world** ([`DEFAULT_SCRIPT`]): a master with data and a
//!   replica about to start its first full sync, on a slow link, at t = 0.
//!
//! Nothing here decides anything about replication: that is all the
//! simulator's.

pub mod keyspace;
pub mod rdb;
pub mod seek;
pub mod share;
pub mod timeline;
pub mod trace_query;

#[cfg(test)]
mod tests;

use crate::repl::observe::is_stream_event;
use crate::repl::write_load::Load;
use crate::repl::Sim;
use crate::scenario::{self, LinkChange};
use crate::sim::trace::Event;
use crate::sim::{Input, SimError};
use crate::view::View;
use keyspace::{DiffRow, KeyRow, Listing};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;
use timeline::{Timeline, Timelines};

/// The world a newcomer sees first. B has just asked A for a full sync;
/// the link is slow enough (5,000 bytes/s for a 22 KB snapshot) that the
/// snapshot visibly crawls across it for about five seconds, and A keeps
/// taking a few writes a second, so B's copy of them is buffered and
/// replayed after the load.
pub const DEFAULT_SCRIPT: &str = "\
# The default world: A is a master holding some data; B becomes its replica.
node A
node B
A> DEBUG POPULATE 1000 user
A> SET greeting \"hello from A\"
link A B latency 40
link A B bandwidth 5000
B> REPLICAOF A
";

/// The write load the default world runs on A, writes per second.
pub const DEFAULT_LOAD_PER_S: u32 = 2;

/// Consecutive time advances (animation frames) within this much virtual
/// time form one undoable action.
const COALESCE_MS: u64 = 1000;

/// Undoable actions kept (the simulator's own checkpoints reach about as far).
const MAX_MARKS: usize = 512;

/// "Next phase" gives up after this much virtual time.
const NEXT_PHASE_MAX_MS: u64 = 60_000;

/// Rows kept of a script run's transcript.
const MAX_TRANSCRIPT: usize = 2_000;

/// Something the user asked for that cannot be done, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaygroundError(pub String);

impl fmt::Display for PlaygroundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlaygroundError {}

impl From<SimError> for PlaygroundError {
    fn from(e: SimError) -> Self {
        PlaygroundError(e.to_string())
    }
}

/// A console reply as redis-cli prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ConsoleReply {
    /// The printed text (several lines for arrays and INFO).
    pub text: String,
    /// True for an error reply (shown in the error colour).
    pub error: bool,
}

/// Page state that is not in the simulator's [`View`].
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct PageState {
    /// Running write loads.
    pub loads: Vec<Load>,
    /// Each replica's latest sync, step by step.
    pub timelines: Vec<Timeline>,
    /// Whether there is an action to undo.
    pub can_step_back: bool,
    /// Whether the session log lost its oldest entries (export incomplete).
    pub log_truncated: bool,
}

/// One command of a script run, and what came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct TranscriptRow {
    /// Script line.
    pub line: usize,
    /// `A> SET foo bar`.
    pub command: String,
    /// The reply as redis-cli prints it.
    pub reply: String,
    /// For a failed `expect`: what was expected instead.
    pub failure: Option<String>,
}

/// What running a script did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct RunReport {
    /// Each command and its reply (at most `MAX_TRANSCRIPT`, 2,000).
    pub transcript: Vec<TranscriptRow>,
    /// `expect` lines checked.
    pub expects: usize,
    /// `expect` lines that failed.
    pub failed: usize,
    /// The step that could not be carried out, if the run stopped early.
    pub error: Option<String>,
}

/// The start of an undoable action.
#[derive(Clone, Debug)]
struct Mark {
    /// Simulator inputs before it.
    inputs: u64,
    /// For a time advance: the virtual time it started at.
    advance_from: Option<u64>,
}

/// A simulated world and the page's conveniences around it.
#[derive(Clone, Debug)]
pub struct Playground {
    sim: Sim,
    marks: VecDeque<Mark>,
    timelines: Timelines,
}

impl Playground {
    /// An empty world.
    pub fn new(seed: u64) -> Playground {
        Playground {
            sim: Sim::new(seed),
            marks: VecDeque::new(),
            timelines: Timelines::default(),
        }
    }

    /// A world that continues from `sim` (a lesson's step), with nothing
    /// to undo yet.
    pub fn from_sim(sim: Sim) -> Playground {
        let mut pg = Playground {
            sim,
            marks: VecDeque::new(),
            timelines: Timelines::default(),
        };
        pg.timelines.rebuild(pg.sim.trace());
        pg.update_timelines();
        pg
    }

    /// The default world ([`DEFAULT_SCRIPT`], a light load on A) at its
    /// first moment, t = 0: B has just been told `REPLICAOF A` and has not
    /// connected yet, so a newcomer sees the connection, the PSYNC and the
    /// snapshot happen, and can always come back to the start.
    pub fn default_world(seed: u64) -> Playground {
        let mut pg = Playground::new(seed);
        // The script is ours and known to be valid; a failure would show up
        // as an empty world, and in the tests.
        let _ = pg.run_script(DEFAULT_SCRIPT);
        let _ = pg.set_load("A", DEFAULT_LOAD_PER_S);
        pg.marks.clear();
        pg
    }

    /// The simulator, read-only.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The world now.
    pub fn view(&self) -> View {
        self.sim.view()
    }

    /// Loads, timelines and undo state.
    pub fn page(&self) -> PageState {
        PageState {
            loads: self.sim.loads(),
            timelines: self.timelines.all(),
            can_step_back: !self.marks.is_empty(),
            log_truncated: self.sim.inputs_truncated(),
        }
    }

    /// Where an action starts.
    fn mark(&self, advance: bool) -> Mark {
        Mark {
            inputs: self.sim.input_count(),
            advance_from: advance.then(|| self.sim.now_ms()),
        }
    }

    /// Brings the sync timelines up to date.
    fn update_timelines(&mut self) {
        self.timelines.absorb(self.sim.trace());
        self.timelines.sample(self.sim.world(), self.sim.next_seq());
    }

    /// Keeps `mark` as an undoable action if the action changed anything,
    /// and brings the timelines up to date.
    fn commit(&mut self, mark: Mark) {
        self.update_timelines();
        if mark.inputs == self.sim.input_count() {
            return;
        }
        if self.marks.len() == MAX_MARKS {
            self.marks.pop_front();
        }
        self.marks.push_back(mark);
    }

    /// Runs `f` as one undoable action.
    fn action<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let mark = self.mark(false);
        let r = f(self);
        self.commit(mark);
        r
    }

    /// Runs a console line on `node`, like redis-cli would.
    pub fn console(&mut self, node: &str, line: &str) -> Result<ConsoleReply, PlaygroundError> {
        if self.sim.node(node).is_none() {
            return Err(SimError::NoNode(node.to_string()).into());
        }
        let argv = match crate::cli::split_args(line) {
            Ok(argv) => argv,
            // redis-cli prints just this, whatever the quoting mistake.
            Err(_) => {
                return Ok(ConsoleReply {
                    text: "Invalid argument(s)".into(),
                    error: true,
                })
            }
        };
        if argv.is_empty() {
            return Ok(ConsoleReply {
                text: String::new(),
                error: false,
            });
        }
        let raw = crate::cli::prints_raw(&argv[0]);
        let reply = self.action(|pg| pg.sim.command(node, argv))?;
        Ok(ConsoleReply {
            text: crate::cli::render(&reply, raw),
            error: matches!(reply, crate::resp::Frame::Error(_)),
        })
    }

    /// Adds a node.
    pub fn add_node(&mut self, name: &str) -> Result<(), PlaygroundError> {
        Ok(self.action(|pg| pg.sim.add_node(name))?)
    }

    /// Carries out one input as one undoable action.
    pub fn apply(&mut self, input: Input) -> Result<(), PlaygroundError> {
        Ok(self.action(|pg| pg.sim.apply(input)).map(drop)?)
    }

    /// Removes a node (and its load).
    pub fn remove_node(&mut self, name: &str) -> Result<(), PlaygroundError> {
        self.apply(Input::RemoveNode { name: name.into() })
    }

    /// Changes the link between `a` and `b`.
    pub fn link(&mut self, a: &str, b: &str, change: LinkChange) -> Result<(), PlaygroundError> {
        let (a, b) = (a.to_string(), b.to_string());
        self.apply(Input::Link { a, b, change })
    }

    /// Makes replica `node` drop its link and ask for a full sync.
    pub fn resync(&mut self, node: &str) -> Result<(), PlaygroundError> {
        let node = node.to_string();
        self.apply(Input::Resync {
            node,
            legacy: false,
        })
    }

    /// Sets the write load on `node` (0 switches it off): one input, the
    /// writes are the node's own timer.
    pub fn set_load(&mut self, node: &str, per_s: u32) -> Result<(), PlaygroundError> {
        let node = node.to_string();
        self.apply(Input::Load { node, per_s })
    }

    /// Advances virtual time by `ms` (one animation frame). Frames within
    /// a second of virtual time are one undoable action, and one simulator
    /// input (see [`crate::sim::Sim::extend_run_for`]): playing does not
    /// fill the log or copy the world for a checkpoint every few frames.
    pub fn advance(&mut self, ms: u64) {
        let coalesce = self
            .marks
            .back()
            .and_then(|m| m.advance_from)
            .is_some_and(|from| self.sim.now_ms().saturating_sub(from) < COALESCE_MS);
        if coalesce {
            self.sim.extend_run_for(ms);
            self.update_timelines();
        } else {
            let mark = self.mark(true);
            self.sim.run_for(ms);
            self.commit(mark);
        }
    }

    /// Steps to the next thing the trace shows (a load's write included).
    pub fn step(&mut self) -> bool {
        self.action(|pg| pg.sim.step())
    }

    /// Runs until some replica's sync phase changes (at most a minute).
    pub fn next_phase(&mut self) -> bool {
        self.action(|pg| pg.sim.run_until_phase_change(NEXT_PHASE_MAX_MS))
    }

    /// Undoes the last action. False when there is none left (or it is
    /// older than the simulator's checkpoints reach).
    pub fn step_back(&mut self) -> bool {
        let Some(mark) = self.marks.pop_back() else {
            return false;
        };
        let mut undone = true;
        while self.sim.input_count() > mark.inputs {
            if !self.sim.step_back() {
                undone = false;
                self.marks.clear();
                break;
            }
        }
        self.timelines.rebuild(self.sim.trace());
        self.update_timelines();
        undone
    }

    /// The newest `max` trace events with `seq >= since`, oldest first;
    /// without `stream`, leaving out the replication stream's routine
    /// events ([`is_stream_event`]), which a write load makes by the
    /// thousand and would push everything else out of a short list.
    pub fn events(&self, since: u64, max: usize, stream: bool) -> Vec<Event> {
        let trace = self.sim.trace();
        let from = trace.partition_point(|e| e.seq < since);
        let mut out: Vec<Event> = trace[from..]
            .iter()
            .rev()
            .filter(|e| stream || !is_stream_event(e))
            .take(max)
            .cloned()
            .collect();
        out.reverse();
        out
    }

    /// A node's first `limit` keys matching the glob `pattern`, and its key count.
    pub fn keys(
        &self,
        node: &str,
        pattern: &str,
        limit: usize,
    ) -> Result<Listing<KeyRow>, PlaygroundError> {
        let n = self
            .sim
            .node(node)
            .ok_or_else(|| SimError::NoNode(node.into()))?;
        let now = crate::net::unix_ms(self.sim.now_ms());
        Ok(keyspace::rows(&n.server.keyspace, pattern, now, limit))
    }

    /// How `replica`'s keys differ from `master`'s.
    pub fn diff(
        &self,
        master: &str,
        replica: &str,
        limit: usize,
    ) -> Result<Listing<DiffRow>, PlaygroundError> {
        let m = self
            .sim
            .node(master)
            .ok_or_else(|| SimError::NoNode(master.into()))?;
        let r = self
            .sim
            .node(replica)
            .ok_or_else(|| SimError::NoNode(replica.into()))?;
        Ok(keyspace::diff(
            &m.server.keyspace,
            &r.server.keyspace,
            limit,
        ))
    }

    /// Runs a scenario script on a fresh world with the same seed, which
    /// then replaces this one (also when a step fails: the report says
    /// where it stopped). A script that does not parse changes nothing.
    pub fn run_script(&mut self, text: &str) -> Result<RunReport, PlaygroundError> {
        let script =
            scenario::parse(text).map_err(|e| PlaygroundError(format!("script error: {e}")))?;
        let mut sim = Sim::new(self.sim.seed());
        let mut transcript = Vec::new();
        let result = scenario::run(&script, &mut sim, &mut |r| {
            if transcript.len() < MAX_TRANSCRIPT {
                transcript.push(TranscriptRow {
                    line: r.line,
                    command: format!("{}> {}", r.command.node, r.command.line()),
                    reply: r.rendered.to_string(),
                    failure: r.failure.map(|f| f.to_string()),
                });
            }
        });
        self.sim = sim;
        self.marks.clear();
        self.timelines.rebuild(self.sim.trace());
        self.update_timelines();
        let (expects, failed, error) = match result {
            Ok(s) => (s.expects, s.failures.len(), None),
            Err(e) => (0, 0, Some(e.to_string())),
        };
        Ok(RunReport {
            transcript,
            expects,
            failed,
            error,
        })
    }

    /// The session so far as a scenario script.
    pub fn export_script(&self) -> String {
        let mut out = format!("# replscope session (seed {})\n", self.sim.seed());
        if self.sim.inputs_truncated() {
            out.push_str(
                "# The oldest actions fell out of the session log: this is only the end of it.\n",
            );
        }
        out.push_str(&scenario::print(&scenario::from_inputs(self.sim.inputs())));
        out
    }

    /// The share-link fragment (seed and exported script).
    pub fn share_fragment(&self) -> String {
        share::fragment(self.sim.seed(), &self.export_script())
    }

    /// A world rebuilt from a share-link fragment.
    pub fn from_share(fragment: &str) -> Result<(Playground, RunReport), PlaygroundError> {
        let shared = share::parse(fragment).map_err(|e| PlaygroundError(e.to_string()))?;
        let mut pg = Playground::new(shared.seed);
        let report = pg.run_script(&shared.script)?;
        Ok((pg, report))
    }
}
