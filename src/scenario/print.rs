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
    // Writing into a String cannot fail, so the fmt::Results are ignored.
    let _ = match action {
        Action::Node(name) => write!(out, "node {name}"),
        Action::RemoveNode(name) => write!(out, "remove node {name}"),
        Action::Command(c) => write!(out, "{}", command_text(c)),
        Action::Wait(ms) => write!(out, "wait {ms}"),
        Action::Settle => write!(out, "settle"),
        Action::StepEvents(n) => write!(out, "step {n}"),
        Action::Phase(ms) => write!(out, "phase {ms}"),
        Action::Resync {
            node,
            legacy: false,
        } => write!(out, "resync {node}"),
        Action::Resync { node, legacy: true } => write!(out, "resync {node} legacy"),
        Action::Link { a, b, change } => write!(out, "link {a} {b} {}", link_text(*change)),
        Action::Expect {
            command,
            matching,
            expected,
        } => write!(
            out,
            "expect {} {} {expected}",
            command_text(command),
            matching.arrow()
        ),
    };
}

/// `A> SET foo bar`.
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
    for input in inputs.iter().flat_map(Input::expanded) {
        let action = input_action(&input);
        let merged = match (steps.last_mut().map(|s| &mut s.action), &action) {
            (Some(Action::StepEvents(n)), Action::StepEvents(m)) => {
                *n = n.saturating_add(*m);
                true
            }
            (Some(Action::Wait(a)), Action::Wait(b)) => {
                *a = a.saturating_add(*b);
                true
            }
            _ => false,
        };
        if !merged {
            steps.push(Step { line: 0, action });
        }
    }
    Script { steps }
}

/// One input as a script action.
fn input_action(input: &Input) -> Action {
    let link = |a: &str, b: &str, change| Action::Link {
        a: a.to_string(),
        b: b.to_string(),
        change,
    };
    match input {
        Input::AddNode { name } => Action::Node(name.clone()),
        Input::RemoveNode { name } => Action::RemoveNode(name.clone()),
        Input::Command { node, argv } => Action::Command(Command {
            node: node.clone(),
            argv: argv.clone(),
        }),
        Input::LinkDown { a, b } => link(a, b, LinkChange::Down),
        Input::LinkUp { a, b } => link(a, b, LinkChange::Up),
        Input::LinkDownOneWay { from, to } => link(from, to, LinkChange::DownOneWay),
        Input::Latency { a, b, ms } => link(a, b, LinkChange::LatencyMs(*ms)),
        Input::Bandwidth { a, b, bytes_per_s } => {
            link(a, b, LinkChange::BandwidthBytesPerS(*bytes_per_s))
        }
        Input::Step => Action::StepEvents(1),
        Input::RunFor { ms } => Action::Wait(*ms),
        Input::RunUntilPhaseChange { max_ms } => Action::Phase(*max_ms),
        Input::Settle => Action::Settle,
        Input::Resync { node, legacy } => Action::Resync {
            node: node.clone(),
            legacy: *legacy,
        },
        // `from_inputs` expands these into waits and commands first.
        Input::RunForWith { ms, .. } => Action::Wait(*ms),
    }
}
