//! Text → [`Lesson`].
//!
//! Two passes. First the scenario lines, and the text after each `solve:`,
//! go to the scenario parser as one script, with every other lesson line
//! blanked: line numbers stay those of the lesson file, nodes declared in
//! the setup are known to every later line, and no scenario line is read
//! by a second parser. Then the lesson lines group those scenario steps:
//! before the first `step:` they are the setup, after it they belong to the
//! step (or, after `solve:`, to its task's solution).

use super::{Lesson, LessonError, LessonStep, Located, Task};
use crate::scenario::{self, Step as ScriptStep};
use std::collections::BTreeMap;

/// The lesson directives, each a first word ending in a colon.
const DIRECTIVES: [&str; 11] = [
    "title:", "about:", "seed:", "step:", "say:", "until:", "show:", "task:", "check:", "hint:",
    "solve:",
];

/// The `show:` targets the page knows how to point at.
const SHOW_KINDS: [&str; 8] = [
    "node",
    "link",
    "backlog",
    "buffer",
    "phases",
    "console",
    "psync",
    "calculator",
];

/// Parses a lesson; `id` is its file name without the extension.
pub fn parse(id: &str, text: &str) -> Result<Lesson, LessonError> {
    let mut script_text = String::with_capacity(text.len());
    for raw in text.lines() {
        match directive(raw) {
            Some(("solve:", rest)) => {
                // Keep the columns: the directive becomes spaces.
                script_text.push_str(&" ".repeat(raw.len() - rest.len()));
                script_text.push_str(rest);
            }
            Some(_) => {}
            None => script_text.push_str(raw),
        }
        script_text.push('\n');
    }
    let script = scenario::parse(&script_text)
        .map_err(|e| LessonError::at(e.line, format!("column {}: {}", e.column, e.message)))?;
    let by_line: BTreeMap<usize, ScriptStep> =
        script.steps.into_iter().map(|s| (s.line, s)).collect();
    let mut b = Builder::new(id);
    for (index, raw) in text.lines().enumerate() {
        let no = index + 1;
        match directive(raw) {
            Some((name, rest)) => b.directive(no, name, rest.trim(), by_line.get(&no))?,
            None => {
                if let Some(step) = by_line.get(&no) {
                    b.scenario(step.clone());
                }
            }
        }
    }
    b.finish()
}

/// A lesson line's directive and the rest of the line, or `None` for a
/// scenario line. An unknown `word:` is returned too, to be reported.
fn directive(raw: &str) -> Option<(&str, &str)> {
    let t = raw.trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    let word = &t[..end];
    (word.ends_with(':') && !word.starts_with('#')).then(|| (word, &t[end..]))
}

/// The lesson being built.
struct Builder {
    lesson: Lesson,
    title_line: Option<usize>,
}

impl Builder {
    fn new(id: &str) -> Builder {
        Builder {
            lesson: Lesson {
                id: id.to_string(),
                title: String::new(),
                about: String::new(),
                seed: 1,
                setup: Vec::new(),
                steps: Vec::new(),
            },
            title_line: None,
        }
    }

    /// The step being written, or an error naming the directive.
    fn step(&mut self, no: usize, name: &str) -> Result<&mut LessonStep, LessonError> {
        self.lesson
            .steps
            .last_mut()
            .ok_or_else(|| LessonError::at(no, format!("'{name}' must follow a 'step:'")))
    }

    fn task(&mut self, no: usize, name: &str) -> Result<&mut Task, LessonError> {
        self.step(no, name)?
            .task
            .as_mut()
            .ok_or_else(|| LessonError::at(no, format!("'{name}' must follow a 'task:'")))
    }

    fn scenario(&mut self, step: ScriptStep) {
        match self.lesson.steps.last_mut() {
            Some(s) if s.until.is_some() => s.after.push(step),
            Some(s) => s.actions.push(step),
            None => self.lesson.setup.push(step),
        }
    }

    fn directive(
        &mut self,
        no: usize,
        name: &str,
        rest: &str,
        solve: Option<&ScriptStep>,
    ) -> Result<(), LessonError> {
        let need_text = |what: &str| {
            if rest.is_empty() {
                Err(LessonError::at(no, format!("'{what}' needs text after it")))
            } else {
                Ok(rest.to_string())
            }
        };
        match name {
            "title:" => {
                self.lesson.title = need_text(name)?;
                self.title_line = Some(no);
            }
            "about:" => append(&mut self.lesson.about, rest),
            "seed:" => {
                self.lesson.seed = rest
                    .parse()
                    .map_err(|_| LessonError::at(no, format!("bad seed '{rest}'")))?
            }
            "step:" => self.lesson.steps.push(LessonStep {
                line: no,
                title: need_text(name)?,
                text: Vec::new(),
                actions: Vec::new(),
                until: None,
                after: Vec::new(),
                show: Vec::new(),
                task: None,
            }),
            "say:" => {
                let text = &mut self.step(no, name)?.text;
                match text.last_mut() {
                    _ if rest.is_empty() => text.push(String::new()),
                    Some(p) => append(p, rest),
                    None => text.push(rest.to_string()),
                }
            }
            "until:" => {
                let c = located(no, rest)?;
                let step = self.step(no, name)?;
                if step.until.is_some() {
                    return Err(LessonError::at(no, "a step has at most one 'until:'"));
                }
                step.until = Some(c);
            }
            "show:" => {
                let target = need_text(name)?;
                let kind = target.split_whitespace().next().unwrap_or("");
                if !SHOW_KINDS.contains(&kind) {
                    let known = SHOW_KINDS.join(", ");
                    return Err(LessonError::at(
                        no,
                        format!("cannot show '{kind}' (expected one of {known})"),
                    ));
                }
                self.step(no, name)?.show.push(target);
            }
            _ => self.task_directive(no, name, rest, solve)?,
        }
        Ok(())
    }

    fn task_directive(
        &mut self,
        no: usize,
        name: &str,
        rest: &str,
        solve: Option<&ScriptStep>,
    ) -> Result<(), LessonError> {
        match name {
            "task:" => {
                let check = located(no, "phase _ none")?;
                let step = self.step(no, name)?;
                if step.task.is_some() {
                    return Err(LessonError::at(no, "a step has at most one 'task:'"));
                }
                step.task = Some(Task {
                    line: no,
                    text: rest.to_string(),
                    check: Located { line: 0, ..check },
                    hint: String::new(),
                    solution: Vec::new(),
                });
            }
            "check:" => self.task(no, name)?.check = located(no, rest)?,
            "hint:" => append(&mut self.task(no, name)?.hint, rest),
            "solve:" => {
                let step = solve.cloned().ok_or_else(|| {
                    LessonError::at(no, "'solve:' needs a scenario line after it")
                })?;
                self.task(no, name)?.solution.push(step);
            }
            _ => {
                let known = DIRECTIVES.join(" ");
                return Err(LessonError::at(
                    no,
                    format!("unknown directive '{name}' (known: {known})"),
                ));
            }
        }
        Ok(())
    }

    /// Checks what a lesson must have and returns it.
    fn finish(self) -> Result<Lesson, LessonError> {
        let l = self.lesson;
        if self.title_line.is_none() {
            return Err(LessonError::at(1, "a lesson needs a 'title:'"));
        }
        if l.steps.is_empty() {
            return Err(LessonError::at(1, "a lesson needs at least one 'step:'"));
        }
        for (i, s) in l.steps.iter().enumerate() {
            let in_step = |line: usize, m: &str| LessonError {
                line,
                step: Some(i + 1),
                message: m.to_string(),
            };
            if s.text.iter().all(String::is_empty) {
                return Err(in_step(s.line, "a step needs some 'say:' text"));
            }
            if let Some(t) = &s.task {
                if t.check.line == 0 {
                    return Err(in_step(t.line, "a task needs a 'check:'"));
                }
                if t.solution.is_empty() {
                    return Err(in_step(t.line, "a task needs a 'solve:' (its solution)"));
                }
            }
        }
        Ok(l)
    }
}

/// A condition written on line `no`.
fn located(no: usize, text: &str) -> Result<Located, LessonError> {
    let condition = super::Condition::parse(text).map_err(|m| LessonError::at(no, m))?;
    Ok(Located {
        line: no,
        condition,
        text: text.trim().to_string(),
    })
}

/// Adds a sentence to a paragraph, with one space between.
fn append(paragraph: &mut String, text: &str) {
    if !paragraph.is_empty() && !text.is_empty() {
        paragraph.push(' ');
    }
    paragraph.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "title: Tiny\nabout: One step.\nnode A\nnode B\n\
        step: Connect\nsay: B asks A.\nB> REPLICAOF A\nuntil: phase B streaming\n\
        show: node B\ntask: Cut the link.\ncheck: link A B down\nhint: Click it.\n\
        solve: link A B down\n";

    #[test]
    fn groups_scenario_lines_by_step_with_the_files_line_numbers() {
        let l = parse("tiny", SMALL).unwrap();
        assert_eq!((l.title.as_str(), l.about.as_str()), ("Tiny", "One step."));
        assert_eq!(l.setup.iter().map(|s| s.line).collect::<Vec<_>>(), [3, 4]);
        let s = &l.steps[0];
        assert_eq!((s.line, s.actions[0].line), (5, 7));
        assert_eq!(s.until.as_ref().unwrap().line, 8);
        let t = s.task.as_ref().unwrap();
        assert_eq!((t.check.line, t.solution[0].line), (11, 13));
        assert_eq!(t.hint, "Click it.");
    }

    #[test]
    fn errors_name_the_line() {
        let bad = SMALL.replace("until: phase B streaming", "until: phase B online");
        assert_eq!(parse("x", &bad).unwrap_err().line, 8);
        let bad = SMALL.replace("B> REPLICAOF A", "B> REPLICAOF Z");
        let e = parse("x", &bad).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        let bad = SMALL.replace("hint:", "hnit:");
        assert!(parse("x", &bad)
            .unwrap_err()
            .message
            .contains("unknown directive 'hnit:'"));
        let bad = SMALL.replace("solve: link A B down\n", "");
        let e = parse("x", &bad).unwrap_err();
        assert_eq!((e.step, e.line), (Some(1), 10));
    }
}
