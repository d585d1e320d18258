//! The input log and checkpoints, for exporting a session as a script and
//! for stepping back.
//!
//! Every public action on a [`Sim`](super::Sim) is an [`Input`], appended
//! to the log. Every [`CHECKPOINT_EVERY`] inputs (more in a big world, see
//! `checkpoint_interval`) the world is cloned into a bounded ring of
//! checkpoints. Stepping back restores the
//! newest checkpoint at or before the previous input and replays the
//! inputs after it; determinism (one seed, one clock) makes the replay
//! exact, down to the trace hash.
//!
//! # Limits
//!
//! - At most [`MAX_CHECKPOINTS`] checkpoints are kept, so step back reaches
//!   at most `MAX_CHECKPOINTS` checkpoint intervals into the past.
//! - The log keeps at most [`MAX_INPUTS`] inputs; past that the oldest
//!   tenth is dropped and [`History::truncated`] says the export is incomplete.

use super::trace::Mark;
use super::world::World;
use serde::Serialize;
use std::collections::VecDeque;

/// At least this many inputs between two checkpoints.
pub const CHECKPOINT_EVERY: u64 = 16;

/// Checkpoints kept (the oldest are dropped first).
pub const MAX_CHECKPOINTS: usize = 32;

/// Inputs kept in the log.
pub const MAX_INPUTS: usize = 100_000;

/// One user action, as recorded in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// `node A`.
    AddNode { name: String },
    /// A node removed.
    RemoveNode { name: String },
    /// `A> <command>` (REPLICAOF already resolved to a node name and port).
    Command { node: String, argv: Vec<Vec<u8>> },
    /// `link A B down`.
    LinkDown { a: String, b: String },
    /// `link A B up`.
    LinkUp { a: String, b: String },
    /// Only `from` → `to` cut.
    LinkDownOneWay { from: String, to: String },
    /// `link A B latency <ms>`.
    Latency { a: String, b: String, ms: u64 },
    /// `link A B bandwidth <bytes/s>` (`None` = unlimited).
    Bandwidth {
        a: String,
        b: String,
        bytes_per_s: Option<u64>,
    },
    /// One step.
    Step,
    /// `wait <ms>`.
    RunFor { ms: u64 },
    /// Run until a replica's sync phase changes.
    RunUntilPhaseChange { max_ms: u64 },
    /// `settle`.
    Settle,
    /// A forced full sync on a replica (`PSYNC ? -1`, or legacy `SYNC`).
    Resync { node: String, legacy: bool },
    /// `wait <ms>` with console commands run at exact virtual times inside
    /// it (the page's write load). One input, however many commands, so a
    /// steady load neither floods the log nor multiplies the checkpoints.
    RunForWith {
        ms: u64,
        commands: Vec<TimedCommand>,
    },
}

/// A console command run at an exact virtual time inside
/// [`Input::RunForWith`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedCommand {
    /// When it runs, in ms after the input started (at most its `ms`;
    /// commands are listed in time order).
    pub after_ms: u64,
    /// The node whose console runs it.
    pub node: String,
    /// The command (not a blocking one: it must reply at once).
    pub argv: Vec<Vec<u8>>,
}

impl Input {
    /// The input as plain inputs that a script can write down: a
    /// [`Input::RunForWith`] becomes `RunFor` pieces and `Command`s that
    /// replay exactly as it ran (see `Sim::run_for_with`); any other input
    /// is itself.
    pub fn expanded(&self) -> Vec<Input> {
        let Input::RunForWith { ms, commands } = self else {
            return vec![self.clone()];
        };
        let mut done = 0;
        let mut out = Vec::with_capacity(commands.len() * 2 + 1);
        for c in commands {
            let at = c.after_ms.clamp(done, *ms);
            if at > done {
                out.push(Input::RunFor { ms: at - done });
                done = at;
            }
            out.push(Input::Command {
                node: c.node.clone(),
                argv: c.argv.clone(),
            });
        }
        out.push(Input::RunFor { ms: ms - done });
        out
    }
}

/// Approximate bytes a checkpoint copies for each input it covers: see
/// [`checkpoint_interval`].
const BYTES_PER_INPUT: u64 = 32;

/// Inputs between two checkpoints: [`CHECKPOINT_EVERY`] in a small world,
/// more in a big one. A checkpoint copies the whole world, so at a fixed
/// interval every 16th console command on a world holding a million keys
/// would stall for a copy of them all (tens of milliseconds), and
/// checkpointing would dominate everything else the simulator does. The
/// interval grows with the world's approximate size (64 bytes a key plus
/// the backlogs) so that copying costs at most about [`BYTES_PER_INPUT`]
/// bytes per input; the price is that a step back in a big world replays
/// more inputs.
fn checkpoint_interval(world: &World) -> u64 {
    let bytes: u64 = world
        .nodes
        .values()
        .map(|n| {
            let keys = n.server.keyspace.key_count() as u64;
            let backlog = n.repl.backlog.as_ref().map_or(0, |b| b.histlen());
            keys * 64 + backlog
        })
        .sum();
    CHECKPOINT_EVERY.max(bytes / BYTES_PER_INPUT)
}

/// A saved world and where the log and trace stood.
#[derive(Clone, Debug)]
struct Checkpoint {
    /// Inputs applied before it was taken.
    index: u64,
    world: World,
    mark: Mark,
}

/// The log and the checkpoints.
#[derive(Clone, Debug, Default)]
pub struct History {
    inputs: Vec<Input>,
    /// Absolute index of `inputs[0]`.
    first: u64,
    checkpoints: VecDeque<Checkpoint>,
}

impl History {
    /// Logs an input about to be applied to `world` (checkpointing first
    /// when it is time).
    pub fn record(&mut self, input: Input, world: &World, mark: Mark) {
        let index = self.len();
        let last = self.checkpoints.back().map(|c| c.index);
        let due = last.map_or(true, |at| index >= at + checkpoint_interval(world));
        if due && last != Some(index) {
            if self.checkpoints.len() == MAX_CHECKPOINTS {
                self.checkpoints.pop_front();
            }
            self.checkpoints.push_back(Checkpoint {
                index,
                world: world.clone(),
                mark,
            });
        }
        if self.inputs.len() >= MAX_INPUTS {
            self.inputs.drain(..MAX_INPUTS / 10);
            self.first += (MAX_INPUTS / 10) as u64;
        }
        self.inputs.push(input);
    }

    /// Absolute number of inputs ever applied (and not stepped back).
    pub fn len(&self) -> u64 {
        self.first + self.inputs.len() as u64
    }

    /// True when nothing was done yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the oldest inputs were dropped from the log.
    pub fn truncated(&self) -> bool {
        self.first > 0
    }

    /// Folds a run of `ms` (with `commands` timed from its start) into the
    /// last input when that is a run too (`RunFor` or `RunForWith`): two
    /// runs back to back are one longer run, since events are processed in
    /// time order either way. False (nothing changed) otherwise.
    pub fn extend_last_run(&mut self, ms: u64, commands: &[TimedCommand]) -> bool {
        let shifted = |by: u64| {
            commands.iter().map(move |c| TimedCommand {
                after_ms: c.after_ms.saturating_add(by),
                ..c.clone()
            })
        };
        match self.inputs.last_mut() {
            Some(last @ Input::RunFor { .. }) => {
                let Input::RunFor { ms: before } = *last else {
                    return false;
                };
                *last = Input::RunForWith {
                    ms: before.saturating_add(ms),
                    commands: shifted(before).collect(),
                };
                true
            }
            Some(Input::RunForWith {
                ms: before,
                commands: kept,
            }) => {
                kept.extend(shifted(*before));
                *before = before.saturating_add(ms);
                true
            }
            _ => false,
        }
    }

    /// The log, oldest first.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Forgets the last input: returns the world to restore and the trace
    /// mark to rewind to, and the inputs to apply again (they are removed
    /// from the log and will be recorded anew). `None` if there is nothing
    /// to undo or the last input is older than every checkpoint.
    pub fn undo_last(&mut self) -> Option<(World, Mark, Vec<Input>)> {
        let target = self.len().checked_sub(1)?;
        while self.checkpoints.back().is_some_and(|c| c.index > target) {
            self.checkpoints.pop_back();
        }
        let cp = self.checkpoints.back()?;
        if cp.index < self.first {
            return None;
        }
        let from = (cp.index - self.first) as usize;
        let to = (target - self.first) as usize;
        let replay: Vec<Input> = self.inputs[from..to].to_vec();
        let restored = (cp.world.clone(), cp.mark);
        self.inputs.truncate(from);
        Some((restored.0, restored.1, replay))
    }
}
