//! Scenario scripts: the one line-based format shared by the headless runner
//! (`replscope run FILE`), the conformance tests and the page's
//! "export session" button.
//!
//! ```text
//! # a comment
//! node A                     # a Redis 7.0 instance with default config
//! node B
//! B> REPLICAOF A             # any redis-cli command line, run on that node
//! A> SET foo "hello world"   # redis-cli quoting
//! wait 1500                  # advance virtual time (ms)
//! settle                     # run until quiet
//! link A B down              # cut the connection between A and B (both ways)
//! link A B down oneway       # stop only the bytes going from A to B
//! link A B up
//! link A B latency 20        # ms
//! link A B bandwidth 100000  # bytes per second (or `unlimited`)
//! load A 200                 # A writes 200 times a virtual second (0 stops)
//! expect B> GET foo => "hello world"
//! expect B> INFO replication ~> master_link_status:up
//! ```
//!
//! Every line but `expect` is one [`Input`], the same the page and the
//! simulator's input log speak: running a script applies its inputs in
//! order, and exporting a session prints the log back as lines.
//!
//! A script is parsed whole before anything runs ([`parse`]), so a typo on
//! line 40 is reported with its line and column instead of after 39 lines of
//! side effects. [`print()`] turns a [`Script`] back into text that parses to
//! the same steps, and [`from_inputs`] turns the simulator's input log into a
//! script, which is how the page exports a session. [`run()`] executes a
//! script against any [`Target`]: the simulator, or (in the conformance
//! tests) a set of real redis-server processes.
//!
//! Expected replies are written the way redis-cli prints them (`OK`,
//! `(integer) 3`, `"hello world"`, `(nil)`, `(error) ERR ...`). A reply that
//! redis-cli prints on several lines (arrays, INFO) is compared with its
//! lines trimmed and joined by single spaces, so `LRANGE l 0 -1` is expected
//! as `1) "a" 2) "b"`; `~>` instead asks for one line of the reply to equal
//! the expected text, which is how INFO fields are checked.
//!
//! Extensions over the issue's format, all optional: `link A B down oneway`,
//! `bandwidth unlimited`, the `~>` expectation, and `step [N]`,
//! `phase [MS]`, `resync B [legacy]`, `load A N` and `remove node A`,
//! which exist so that any input the page can make (single steps, running
//! to the next phase, forcing a full sync, a write load, removing a node)
//! can be exported.

mod json;
mod parse;
mod print;
mod run;
mod sim_target;

pub use json::reply_json;
pub use parse::parse;
pub use print::{from_inputs, print, quote_arg};
pub use run::{run, ExpectFailure, RunError, RunSummary, StepReply, Target};

pub use crate::sim::{Input, LinkChange};

use std::fmt;

/// A parsed script: its steps in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// One step per non-blank, non-comment line.
    pub steps: Vec<Step>,
}

/// One line of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number in the source text (0 for steps made in code).
    pub line: usize,
    /// What the line does.
    pub action: Action,
}

/// What one script line does: an input to the world, or an expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Anything the world can be asked to do (`node A`, `A> SET foo bar`,
    /// `wait 1500`, `link A B down`, `load A 200`, ...): the same
    /// [`Input`] the page and the simulator's log speak.
    Input(Input),
    /// `expect A> GET foo => "bar"`: run a command and check its reply.
    Expect {
        /// The command to run.
        command: Command,
        /// How the rendered reply is compared with `expected`.
        matching: Match,
        /// The reply as redis-cli prints it.
        expected: String,
    },
}

/// A command line aimed at one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The node whose console runs it.
    pub node: String,
    /// The arguments after redis-cli's quoting rules.
    pub argv: Vec<Vec<u8>>,
}

impl Command {
    /// The command as one line, each argument quoted only if it must be
    /// (`SET foo "hello world"`): what the runner prints and the JSON
    /// output's `command` field.
    pub fn line(&self) -> String {
        let parts: Vec<String> = self.argv.iter().map(|a| quote_arg(a)).collect();
        parts.join(" ")
    }
}

/// How an `expect` line compares a reply with its expected text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// `=>`: the whole reply, lines trimmed and joined by single spaces.
    Whole,
    /// `~>`: one line of the reply, trimmed.
    Line,
}

impl Match {
    /// The arrow that writes this comparison in a script.
    pub fn arrow(self) -> &'static str {
        match self {
            Match::Whole => "=>",
            Match::Line => "~>",
        }
    }

    /// Whether `rendered` (a reply as redis-cli prints it) satisfies `expected`.
    pub fn accepts(self, rendered: &str, expected: &str) -> bool {
        match self {
            Match::Whole => one_line(rendered) == expected,
            Match::Line => rendered.lines().any(|l| l.trim() == expected),
        }
    }
}

/// A multi-line rendering on one line: each line trimmed, joined by spaces.
pub fn one_line(rendered: &str) -> String {
    let lines: Vec<&str> = rendered.lines().map(str::trim).collect();
    lines.join(" ")
}

/// A script that cannot be parsed, with the place to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScriptError {}

#[cfg(test)]
mod tests;
