//! Helpers shared by the simulator's integration tests: build argv from a
//! command line, run commands, read INFO fields, find events in the trace.

#![allow(dead_code)]

use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::sim::trace::{Event, Kind};

/// A command line split on spaces (test commands have no quoted arguments).
pub fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split_whitespace()
        .map(|s| s.as_bytes().to_vec())
        .collect()
}

/// Runs `line` on `node`, panicking with the simulator's message on error.
pub fn cmd(sim: &mut Sim, node: &str, line: &str) -> Frame {
    match sim.command(node, argv(line)) {
        Ok(f) => f,
        Err(e) => panic!("{node}> {line}: {e}"),
    }
}

/// One field of `INFO <section>` on `node`.
pub fn info(sim: &mut Sim, node: &str, section: &str, field: &str) -> String {
    let Frame::Bulk(text) = cmd(sim, node, &format!("INFO {section}")) else {
        panic!("INFO did not return a bulk string");
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    let prefix = format!("{field}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
        .unwrap_or_else(|| panic!("no field {field} in INFO {section} of {node}:\n{text}"))
}

/// An INFO field parsed as a number.
pub fn info_i64(sim: &mut Sim, node: &str, section: &str, field: &str) -> i64 {
    let v = info(sim, node, section, field);
    v.parse()
        .unwrap_or_else(|_| panic!("{field} is not a number: {v}"))
}

/// The trace as text, one event per line (printed when a test fails).
pub fn dump(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| {
            format!(
                "{:>5} {:>6}ms {:<3} {:<10} {:?}",
                e.seq,
                e.time_ms,
                e.node,
                format!("{:?}", e.phase),
                e.kind
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Position of the first event after `from` matching `pred`, or a panic
/// that shows the trace.
pub fn find_after(
    events: &[Event],
    from: usize,
    what: &str,
    pred: impl Fn(&Event) -> bool,
) -> usize {
    events
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, e)| pred(e))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no event '{what}' after #{from} in:\n{}", dump(events)))
}

/// True when `e` happened on `node` and is of the given kind.
pub fn on(e: &Event, node: &str) -> bool {
    &*e.node == node
}

/// Events of one kind (by a matcher) counted.
pub fn count(events: &[Event], pred: impl Fn(&Kind) -> bool) -> usize {
    events.iter().filter(|e| pred(&e.kind)).count()
}

/// A value of `len` letters that LZF cannot shrink (a simple LCG).
pub fn incompressible(len: usize, seed: u32) -> String {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (b'a' + ((x >> 16) % 26) as u8) as char
        })
        .collect()
}
