//! Stepping through a lesson, with the world kept as each step was first
//! shown.
//!
//! Entering step N runs its scenario lines, then runs the world until its
//! `until:` holds, and keeps a copy of the result (a `Sim` is `Clone`).
//! "Previous" hands back that copy, so it returns to exactly the state the
//! learner saw when the step began, whatever they did since; nothing is
//! replayed. "Next" starts from the world as the learner left it; when the
//! step's task is not done yet, its solution runs first, so later steps can
//! count on it (the headless check proves they do).

use super::{world, Lesson, LessonError, LessonStep};
use crate::repl::Sim;
use serde::Serialize;

/// A lesson being played.
#[derive(Clone, Debug)]
pub struct Player {
    lesson: Lesson,
    /// The world as each step up to the current one was first shown.
    shown: Vec<Sim>,
    /// The trace position where each step began (before its lines).
    begun: Vec<u64>,
    current: usize,
}

/// What the page shows of the current step.
#[derive(Clone, Debug, Serialize)]
pub struct StepView {
    pub id: String,
    pub title: String,
    /// 1-based.
    pub step: usize,
    pub steps: usize,
    pub step_title: String,
    pub text: Vec<String>,
    pub show: Vec<String>,
    pub until: Option<String>,
    pub task: Option<TaskView>,
}

/// The current step's task and whether its check holds now.
#[derive(Clone, Debug, Serialize)]
pub struct TaskView {
    pub text: String,
    pub hint: String,
    pub check: String,
    pub done: bool,
}

impl Player {
    /// Builds the lesson's world (its setup lines) and enters step 1.
    pub fn open(lesson: Lesson) -> Result<(Player, Sim), LessonError> {
        let mut sim = world::new_world(lesson.seed);
        for s in &lesson.setup {
            world::run_line(&mut sim, s).map_err(|m| LessonError::at(s.line, m))?;
        }
        let mut player = Player {
            lesson,
            shown: Vec::new(),
            begun: Vec::new(),
            current: 0,
        };
        let sim = player.enter(sim, 0)?;
        Ok((player, sim))
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The current step, 0-based.
    pub fn current(&self) -> usize {
        self.current
    }

    fn step(&self) -> &LessonStep {
        &self.lesson.steps[self.current]
    }

    /// An error in step `n` (0-based).
    fn error(n: usize, line: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            line,
            step: Some(n + 1),
            message: message.into(),
        }
    }

    /// Runs step `n`'s lines and its `until:` on `sim`, and keeps the result.
    fn enter(&mut self, mut sim: Sim, n: usize) -> Result<Sim, LessonError> {
        let step = &self.lesson.steps[n];
        let begun = world::mark(&sim);
        for a in &step.actions {
            world::run_line(&mut sim, a).map_err(|m| Self::error(n, a.line, m))?;
        }
        if let Some(u) = &step.until {
            if !world::run_until(&mut sim, |s| u.condition.holds(s, begun)) {
                let m = format!(
                    "'until: {}' was not reached within {} virtual minutes",
                    u.text,
                    world::RUN_LIMIT_MS / 60_000
                );
                return Err(Self::error(n, u.line, m));
            }
        }
        for a in &step.after {
            world::run_line(&mut sim, a).map_err(|m| Self::error(n, a.line, m))?;
        }
        self.shown.truncate(n);
        self.begun.truncate(n);
        self.shown.push(sim.clone());
        self.begun.push(begun);
        self.current = n;
        Ok(sim)
    }

    /// Whether the current step's task is done in `sim` (`None`: no task).
    /// Events count from the moment the step was shown.
    pub fn task_done(&self, sim: &Sim) -> Option<bool> {
        let task = self.step().task.as_ref()?;
        let since = world::mark(&self.shown[self.current]);
        Some(task.check.condition.holds(sim, since))
    }

    /// Runs the current task's solution on `sim`, then runs until its check
    /// holds; an error if it never does.
    pub fn solve(&self, sim: &mut Sim) -> Result<(), LessonError> {
        let n = self.current;
        let Some(task) = &self.step().task else {
            return Ok(());
        };
        for s in &task.solution {
            world::run_line(sim, s).map_err(|m| Self::error(n, s.line, m))?;
        }
        let since = world::mark(&self.shown[n]);
        if world::run_until(sim, |s| task.check.condition.holds(s, since)) {
            return Ok(());
        }
        let m = format!(
            "'check: {}' is still false after the solution (ran {} virtual minutes)",
            task.check.text,
            world::RUN_LIMIT_MS / 60_000
        );
        Err(Self::error(n, task.check.line, m))
    }

    /// The next step, entered from `sim` (the world as the learner left
    /// it), solving the task first if it is not done. `None` at the end.
    pub fn next(&mut self, mut sim: Sim) -> Result<Option<Sim>, LessonError> {
        if self.current + 1 >= self.lesson.steps.len() {
            return Ok(None);
        }
        if self.task_done(&sim) == Some(false) {
            self.solve(&mut sim)?;
        }
        self.enter(sim, self.current + 1).map(Some)
    }

    /// The previous step's world exactly as it was first shown. `None` on
    /// the first step.
    pub fn previous(&mut self) -> Option<Sim> {
        let n = self.current.checked_sub(1)?;
        self.shown.truncate(n + 1);
        self.begun.truncate(n + 1);
        self.current = n;
        Some(self.shown[n].clone())
    }

    /// The current step's world as it was first shown (start the step over).
    pub fn restart(&self) -> Sim {
        self.shown[self.current].clone()
    }

    /// Walks from the current step to step `n` (0-based, clamped to the
    /// last), solving every task on the way.
    pub fn go_to(&mut self, mut sim: Sim, n: usize) -> Result<Sim, LessonError> {
        while self.current < n {
            match self.next(sim.clone())? {
                Some(s) => sim = s,
                None => break,
            }
        }
        Ok(sim)
    }

    /// The current step for the page, its task checked against `sim`.
    pub fn view(&self, sim: &Sim) -> StepView {
        let s = self.step();
        StepView {
            id: self.lesson.id.clone(),
            title: self.lesson.title.clone(),
            step: self.current + 1,
            steps: self.lesson.steps.len(),
            step_title: s.title.clone(),
            text: s.text.clone(),
            show: s.show.clone(),
            until: s.until.as_ref().map(|u| u.text.clone()),
            task: s.task.as_ref().map(|t| TaskView {
                text: t.text.clone(),
                hint: t.hint.clone(),
                check: t.check.text.clone(),
                done: self.task_done(sim) == Some(true),
            }),
        }
    }
}
