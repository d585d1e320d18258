//! Guided lessons: a scenario script interleaved with steps that a learner
//! (or a presenter) walks through, one "Next" at a time.
//!
//! A lesson is a text file (the format is documented in `docs/LESSONS.md`):
//! the lines of the scenario format the runner already reads, plus lines
//! whose first word ends in a colon (`step:`, `say:`, `until:`, `show:`,
//! `task:`, `check:`, `hint:`, `solve:`). The scenario lines are read by the
//! scenario parser itself ([`crate::scenario::parse`]); this module only
//! groups them into steps.
//!
//! - [`parse`] turns text into a [`Lesson`];
//! - [`condition`] is the one grammar for "run until" and for task checks;
//! - [`player`] steps through a lesson and keeps the world as each step was
//!   first shown, so "Previous" returns to exactly that state;
//! - [`check`] runs a lesson headless and proves its claims: every "run
//!   until" is reached, every task is false before its solution and true
//!   after it;
//! - [`world`] is the one place that talks to the simulator.
//!
//! Nothing here is Redis behaviour: a lesson only drives the simulator and
//! reads what it shows, so a lesson's claims are as true as the simulator.

pub mod check;
pub mod condition;
pub mod parse;
pub mod player;
pub mod world;

pub use check::{check, CheckReport};
pub use condition::Condition;
pub use parse::parse;
pub use player::Player;

use crate::scenario::Step as ScriptStep;
use std::fmt;

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The file name without its extension (empty for a lesson from text).
    pub id: String,
    /// `title:`.
    pub title: String,
    /// `about:` lines, joined: one paragraph for the lesson list.
    pub about: String,
    /// `seed:`, the world's seed (1 when not written).
    pub seed: u64,
    /// The scenario lines before the first `step:`: they build the world.
    pub setup: Vec<ScriptStep>,
    /// The steps, in order.
    pub steps: Vec<LessonStep>,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonStep {
    /// The line of its `step:`.
    pub line: usize,
    /// The text after `step:`.
    pub title: String,
    /// Paragraphs of `say:` text (an empty `say:` starts a new one).
    pub text: Vec<String>,
    /// The scenario lines before `until:`, run when the step starts.
    pub actions: Vec<ScriptStep>,
    /// `until:`: after its lines, the world runs until this holds.
    pub until: Option<Located>,
    /// The scenario lines after `until:`, run once it holds (an `expect`
    /// there checks what the learner now sees).
    pub after: Vec<ScriptStep>,
    /// `show:` targets: what the page points at.
    pub show: Vec<String>,
    /// `task:` with its check, hint and solution.
    pub task: Option<Task>,
}

/// A condition and the line it was written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The line.
    pub line: usize,
    /// The condition.
    pub condition: Condition,
    /// The condition as written, for the page.
    pub text: String,
}

/// Something for the learner to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The line of its `task:`.
    pub line: usize,
    /// What to do, in words.
    pub text: String,
    /// `check:`: true once the task is done.
    pub check: Located,
    /// `hint:`, empty if none.
    pub hint: String,
    /// `solve:` lines: one way to do it, as scenario lines.
    pub solution: Vec<ScriptStep>,
}

/// A lesson that cannot be read or whose claims do not hold, with the place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// 1-based line of the lesson file.
    pub line: usize,
    /// The step (1-based), when the problem belongs to one.
    pub step: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl LessonError {
    /// An error at `line`, in no step yet.
    pub fn at(line: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            line,
            step: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(s) => write!(f, "step {s}, line {}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for LessonError {}
