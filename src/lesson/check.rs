//! `replscope lesson check FILE`: a lesson played headless, every claim
//! proved.
//!
//! The check opens the lesson and walks every step the way "Next" does.
//! Each step's `until:` must be reached. A step with a task must not be done
//! already when the step is shown (else the task teaches nothing), and its
//! `solve:` lines must make its `check:` true. The first failure stops the
//! check and names the step and the line.

use super::{parse, LessonError, Player};

/// What a passing check went through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Steps entered.
    pub steps: usize,
    /// Tasks proved false before and true after their solution.
    pub tasks: usize,
    /// Virtual milliseconds the whole lesson took.
    pub virtual_ms: u64,
}

/// Parses and checks a lesson; `id` is its file name without the extension.
pub fn check(id: &str, text: &str) -> Result<CheckReport, LessonError> {
    let lesson = parse(id, text)?;
    let (mut player, mut sim) = Player::open(lesson)?;
    let mut report = CheckReport::default();
    loop {
        report.steps += 1;
        let n = player.current();
        if let Some(task) = &player.lesson().steps[n].task {
            if player.task_done(&sim) == Some(true) {
                return Err(LessonError {
                    line: task.check.line,
                    step: Some(n + 1),
                    message: format!(
                        "'check: {}' is already true before the solution",
                        task.check.text
                    ),
                });
            }
            player.solve(&mut sim)?;
            report.tasks += 1;
        }
        match player.next(sim.clone())? {
            Some(s) => sim = s,
            None => break,
        }
    }
    report.virtual_ms = sim.now_ms();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "title: Tiny\nnode A\nnode B\n\
        step: Connect\nsay: B asks A.\nB> REPLICAOF A\nuntil: phase B streaming\n\
        task: Cut the link.\ncheck: link A B down\nsolve: link A B down\n\
        step: Heal\nsay: Back.\nlink A B up\nuntil: psync B continue\n";

    #[test]
    fn a_true_lesson_passes() {
        let r = check("tiny", LESSON).unwrap();
        assert_eq!((r.steps, r.tasks), (2, 1));
    }

    #[test]
    fn failures_name_step_and_line() {
        let bad = LESSON.replace("until: psync B continue", "until: event full_resync on A");
        let e = check("tiny", &bad).unwrap_err();
        assert_eq!((e.step, e.line), (Some(2), 14), "{e}");
        let bad = LESSON.replace("solve: link A B down", "solve: wait 10");
        let e = check("tiny", &bad).unwrap_err();
        assert_eq!((e.step, e.line), (Some(1), 9), "{e}");
        assert!(e.message.contains("still false after the solution"), "{e}");
        let bad = LESSON.replace("check: link A B down", "check: link A B up");
        let e = check("tiny", &bad).unwrap_err();
        assert!(e.message.contains("already true"), "{e}");
    }
}
