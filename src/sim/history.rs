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

use super::actor::Actor;
use super::trace::Mark;
use super::world::World;
use super::Input;
use std::collections::VecDeque;

/// At least this many inputs between two checkpoints.
pub const CHECKPOINT_EVERY: u64 = 16;

/// Checkpoints kept (the oldest are dropped first).
pub const MAX_CHECKPOINTS: usize = 32;

/// Inputs kept in the log.
pub const MAX_INPUTS: usize = 100_000;

/// Approximate bytes a checkpoint copies for each input it covers: see
/// [`checkpoint_interval`].
const BYTES_PER_INPUT: u64 = 32;

/// Inputs between two checkpoints: [`CHECKPOINT_EVERY`] in a small world,
/// more in a big one. A checkpoint copies the whole world, so at a fixed
/// interval every 16th console command on a world holding a million keys
/// would stall for a copy of them all (tens of milliseconds), and
/// checkpointing would dominate everything else the simulator does. The
/// interval grows with the world's approximate size (what
/// [`Actor::size_bytes`] says) so that copying costs at most about [`BYTES_PER_INPUT`]
/// bytes per input; the price is that a step back in a big world replays
/// more inputs.
fn checkpoint_interval<A: Actor>(world: &World<A>) -> u64 {
    let bytes: u64 = world.nodes.values().map(A::size_bytes).sum();
    CHECKPOINT_EVERY.max(bytes / BYTES_PER_INPUT)
}

/// A saved world and where the log and trace stood.
#[derive(Clone, Debug)]
struct Checkpoint<A: Actor> {
    /// Inputs applied before it was taken.
    index: u64,
    world: World<A>,
    mark: Mark,
}

/// The log and the checkpoints.
#[derive(Clone, Debug)]
pub struct History<A: Actor> {
    inputs: Vec<Input>,
    /// Absolute index of `inputs[0]`.
    first: u64,
    checkpoints: VecDeque<Checkpoint<A>>,
}

impl<A: Actor> Default for History<A> {
    fn default() -> Self {
        History {
            inputs: Vec::new(),
            first: 0,
            checkpoints: VecDeque::new(),
        }
    }
}

impl<A: Actor> History<A> {
    /// Logs an input about to be applied to `world` (checkpointing first
    /// when it is time).
    pub fn record(&mut self, input: Input, world: &World<A>, mark: Mark) {
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

    /// Folds a run of `ms` into the last input when that is a run too:
    /// two runs back to back are one longer run, since events are
    /// processed in time order either way. False (nothing changed)
    /// otherwise.
    pub fn extend_last_run(&mut self, ms: u64) -> bool {
        match self.inputs.last_mut() {
            Some(Input::RunFor { ms: before }) => {
                *before = before.saturating_add(ms);
                true
            }
            _ => false,
        }
    }

    /// Counts one more step in the last input, a `Steps` (see
    /// `Sim::steps_until`); nothing otherwise.
    pub fn extend_last_steps(&mut self) {
        if let Some(Input::Steps { n }) = self.inputs.last_mut() {
            *n = n.saturating_add(1);
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
    pub fn undo_last(&mut self) -> Option<(World<A>, Mark, Vec<Input>)> {
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
