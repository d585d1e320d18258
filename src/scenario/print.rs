//! [`Script`] → text that [`super::parse`] reads back to the same steps:
//! how a session is exported from the page and how tests build scripts.

use super::{Action, Command, LinkChange, Script, Step};
use crate::sim::Input;
use std::fmt::Write;

/// The script as text, one line per step, arguments quoted only where
/// redis-cli's rules (or the script's `#` comments) require it.
pub fn print(script: &Script) -> String {
    let mut out = String::new();
    for step in &script.steps {
        print_action(&mut out, &step.action);
        out.push('\n');
    }
    out
}

/// Appends one step's line, without the newline.
fn print_action(out: &mut String, action: &Action) {
    match action {
        Action::Input(input) => print_input(out, input),
        Action::Expect {
            command,
            matching,
            expected,
        } => {
            let arrow = matching.arrow();
            // Writing into a String cannot fail.
            let _ = write!(out, "expect {} {arrow} {expected}", command_text(command));
        }
    }
}

/// One input as the script line that parses back to it.
fn print_input(out: &mut String, input: &Input) {
    // Writing into a String cannot fail, so the fmt::Results are ignored.
    let _ = match input {
        Input::AddNode { name } => write!(out, "node {name}"),
        Input::RemoveNode { name } => write!(out, "remove node {name}"),
        Input::Command { node, argv } => {
            let c = Command {
                node: node.clone(),
                argv: argv.clone(),
            };
            write!(out, "{}", command_text(&c))
        }
        Input::RunFor { ms } => write!(out, "wait {ms}"),
        Input::Settle => write!(out, "settle"),
        Input::Steps { n } => write!(out, "step {n}"),
        Input::RunUntilPhaseChange { max_ms } => write!(out, "phase {max_ms}"),
        Input::Resync {
            node,
            legacy: false,
        } => write!(out, "resync {node}"),
        Input::Resync { node, legacy: true } => write!(out, "resync {node} legacy"),
        Input::Link { a, b, change } => write!(out, "link {a} {b} {}", link_text(*change)),
        Input::Load { node, per_s } => write!(out, "load {node} {per_s}"),
    };
}

fn command_text(c: &Command) -> String {
    format!("{}> {}", c.node, c.line())
}

/// The words after `link A B`.
fn link_text(change: LinkChange) -> String {
    match change {
        LinkChange::Down => "down".to_string(),
        LinkChange::DownOneWay => "down oneway".to_string(),
        LinkChange::Up => "up".to_string(),
        LinkChange::LatencyMs(ms) => format!("latency {ms}"),
        LinkChange::BandwidthBytesPerS(Some(n)) => format!("bandwidth {n}"),
        LinkChange::BandwidthBytesPerS(None) => "bandwidth unlimited".to_string(),
    }
}

/// One argument as a script (and redis-cli) would need it typed: bare when
/// that reads back the same, else double-quoted with `sdscatrepr` escapes.
/// Bare is not possible for the empty string, for whitespace, quotes,
/// backslashes or non-printable bytes, and for words the script format
/// itself reads specially (a leading `#`, a leading arrow `=>` or `~>`).
pub fn quote_arg(arg: &[u8]) -> String {
    let plain = !arg.is_empty()
        && arg.first() != Some(&b'#')
        && !arg.starts_with(b"=>")
        && !arg.starts_with(b"~>")
        && arg
            .iter()
            .all(|&c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\'' | b'\\'));
    if plain {
        String::from_utf8_lossy(arg).into_owned()
    } else {
        crate::cli::repr(arg)
    }
}

/// The simulator's input log as a script: what the page exports. Runs of
/// single steps become one `step N`, and consecutive waits one `wait`
/// (running 16 ms sixty times is running 960 ms: events are processed in
/// time order either way), so an animated session exports compactly.
pub fn from_inputs(inputs: &[Input]) -> Script {
    let mut steps: Vec<Step> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let merged = match (steps.last_mut().map(|s| &mut s.action), input) {
            (Some(Action::Input(Input::Steps { n })), Input::Steps { n: m }) => {
                *n = n.saturating_add(*m);
                true
            }
            (Some(Action::Input(Input::RunFor { ms: a })), Input::RunFor { ms: b }) => {
                *a = a.saturating_add(*b);
                true
            }
            _ => false,
        };
        if !merged {
            let action = Action::Input(input.clone());
            steps.push(Step { line: 0, action });
        }
    }
    Script { steps }
}
