//! Executing a [`Script`] against a [`Target`]: the simulator for the CLI and
//! the page, or real redis-server processes in the conformance tests. The
//! same runner drives both, so the two sides of a conformance comparison
//! can only differ in what the servers answer.

use super::{Action, Command, Match, Script};
use crate::cli;
use crate::resp::Frame;
use crate::sim::Input;
use std::fmt;

/// Something a script can drive: a world of named Redis nodes and the links
/// between them. Errors are messages for the person who wrote the script.
pub trait Target {
    /// Carries out one input; the reply for a console command
    /// ([`Input::Command`]), `None` for the others. A target that cannot
    /// do an input (real servers have no event queue to `step`) says so.
    fn apply(&mut self, input: &Input) -> Result<Option<Frame>, String>;
}

/// One command's outcome, handed to the caller as soon as it is known.
#[derive(Debug)]
pub struct StepReply<'a> {
    /// The script line.
    pub line: usize,
    /// The command that ran.
    pub command: &'a Command,
    /// The reply frame.
    pub reply: &'a Frame,
    /// The reply as redis-cli prints it (INFO raw, like redis-cli).
    pub rendered: &'a str,
    /// For an `expect` line that did not match: what went wrong.
    pub failure: Option<&'a ExpectFailure>,
}

/// An `expect` line whose reply differed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectFailure {
    /// The script line.
    pub line: usize,
    /// `A> GET foo`, as printed.
    pub command: String,
    /// How the reply was compared.
    pub matching: Match,
    /// The expected text as written.
    pub expected: String,
    /// The reply as redis-cli prints it.
    pub actual: String,
}

impl fmt::Display for ExpectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wanted = match self.matching {
            Match::Whole => "expected",
            Match::Line => "expected a line",
        };
        write!(
            f,
            "line {}: expect {} failed: {wanted} {}, got {}",
            self.line,
            self.command,
            self.expected,
            super::one_line(&self.actual)
        )
    }
}

/// What a completed run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Commands run, `expect` lines included.
    pub commands: usize,
    /// `expect` lines checked.
    pub expects: usize,
    /// The `expect` lines that failed, in order.
    pub failures: Vec<ExpectFailure>,
}

/// A step the target could not carry out (an unknown node at run time, a
/// `settle` that gave up); the run stops there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    /// The script line.
    pub line: usize,
    /// The target's message.
    pub message: String,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RunError {}

/// Runs every step in order, calling `on_reply` after each command. A failed
/// `expect` does not stop the run (all failures are reported); a target
/// error does.
pub fn run<T: Target + ?Sized>(
    script: &Script,
    target: &mut T,
    on_reply: &mut dyn FnMut(&StepReply),
) -> Result<RunSummary, RunError> {
    let mut summary = RunSummary::default();
    for step in &script.steps {
        let at_line = |message: String| RunError {
            line: step.line,
            message,
        };
        match &step.action {
            Action::Input(Input::Command { node, argv }) => {
                let command = Command {
                    node: node.clone(),
                    argv: argv.clone(),
                };
                run_command(step.line, &command, None, target, on_reply, &mut summary)
                    .map_err(at_line)?
            }
            Action::Expect {
                command,
                matching,
                expected,
            } => {
                let check = Some((*matching, expected.as_str()));
                run_command(step.line, command, check, target, on_reply, &mut summary)
                    .map_err(at_line)?
            }
            Action::Input(input) => target.apply(input).map(drop).map_err(at_line)?,
        }
    }
    Ok(summary)
}

/// Runs one command, checks it against an expectation if there is one, and
/// reports it.
fn run_command<T: Target + ?Sized>(
    line: usize,
    command: &Command,
    check: Option<(Match, &str)>,
    target: &mut T,
    on_reply: &mut dyn FnMut(&StepReply),
    summary: &mut RunSummary,
) -> Result<(), String> {
    let input = Input::Command {
        node: command.node.clone(),
        argv: command.argv.clone(),
    };
    let reply = target.apply(&input)?.unwrap_or(Frame::Null);
    let raw = command.argv.first().is_some_and(|c| cli::prints_raw(c));
    let rendered = cli::render(&reply, raw);
    summary.commands += 1;
    let failure = check.and_then(|(matching, expected)| {
        summary.expects += 1;
        (!matching.accepts(&rendered, expected)).then(|| ExpectFailure {
            line,
            command: format!("{}> {}", command.node, command.line()),
            matching,
            expected: expected.to_string(),
            actual: rendered.clone(),
        })
    });
    on_reply(&StepReply {
        line,
        command,
        reply: &reply,
        rendered: &rendered,
        failure: failure.as_ref(),
    });
    summary.failures.extend(failure);
    Ok(())
}
