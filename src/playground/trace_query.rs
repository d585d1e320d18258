//! Questions the page asks of the trace: which events pass the event log's
//! filter, the console transcript of one node, and the whole trace as JSON
//! lines to download.
//!
//! The event log used to copy the newest few hundred events into the page
//! and filter them there, so under a write load an event from a minute ago
//! (a PSYNC, a link cut) was gone from the list long before it was gone
//! from the trace. Here the filter runs over everything the trace holds
//! (up to `sim::trace::TRACE_CAP` events) and answers with sequence
//! numbers only; the page keeps that list, appends to it as the trace grows
//! (`since`), and fetches whole events only for the rows on screen.
//!
//! The console transcript is read off the trace too: every console command
//! and its reply is a [`Kind::Command`] event, so a step back, a script run
//! or a share link shows the commands of the world on screen, not those a
//! page-side list remembered.
//!
//! Real Redis has no trace; these are views of the simulator's own record.

use crate::repl::observe::is_stream_event;
use crate::sim::trace::{Event, Kind};

/// What the event log shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceFilter {
    /// Only events on this node or about this replica (empty: every node).
    pub node: String,
    /// Only events whose JSON contains this text, compared in lower case
    /// with `_` read as a space (`link down` finds `link_down`).
    pub text: String,
    /// Whether the replication stream's routine events are included.
    pub stream: bool,
}

impl TraceFilter {
    /// A filter; `text` is trimmed and lower-cased once here.
    pub fn new(node: &str, text: &str, stream: bool) -> TraceFilter {
        TraceFilter {
            node: node.to_string(),
            text: text.trim().to_lowercase().replace('_', " "),
            stream,
        }
    }

    /// Does `e` pass?
    pub fn matches(&self, e: &Event) -> bool {
        if !self.stream && is_stream_event(e) {
            return false;
        }
        let on_node = *e.node == self.node || e.replica.as_deref() == Some(self.node.as_str());
        if !self.node.is_empty() && !on_node {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        // Events hold no floats and no maps, so serialising cannot fail.
        serde_json::to_string(e)
            .map(|json| json.to_lowercase().replace('_', " ").contains(&self.text))
            .unwrap_or(false)
    }
}

/// The sequence numbers of the events with `seq >= since` that pass `filter`, oldest first.
pub fn matching_seqs(trace: &[Event], since: u64, filter: &TraceFilter) -> Vec<u64> {
    let from = trace.partition_point(|e| e.seq < since);
    trace[from..]
        .iter()
        .filter(|e| filter.matches(e))
        .map(|e| e.seq)
        .collect()
}

/// The events with these sequence numbers that the trace still holds, in the order asked.
pub fn events_at(trace: &[Event], seqs: &[u64]) -> Vec<Event> {
    let first = trace.first().map_or(0, |e| e.seq);
    seqs.iter()
        .filter_map(|&s| trace.get(usize::try_from(s.checked_sub(first)?).ok()?))
        .cloned()
        .collect()
}

/// True for a command typed on a console (or sent by a page control,
/// or a script line); the write load's writes are events of their own
/// kind ([`Kind::LoadWrite`]).
pub fn is_console_command(e: &Event) -> bool {
    matches!(&e.kind, Kind::Command { .. })
}

/// The newest `max` console commands run on `node`, oldest first.
pub fn console_lines(trace: &[Event], node: &str, max: usize) -> Vec<Event> {
    let mut out: Vec<Event> = trace
        .iter()
        .rev()
        .filter(|e| &*e.node == node && is_console_command(e))
        .take(max)
        .cloned()
        .collect();
    out.reverse();
    out
}

/// Every event the trace holds, one JSON object a line (the format of the
/// headless runner's `--trace`).
pub fn jsonl(trace: &[Event]) -> String {
    let mut out = String::with_capacity(trace.len() * 96);
    for e in trace {
        if let Ok(line) = serde_json::to_string(e) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Playground;

    /// A world with a replica online, a cut and a heal (a PSYNC), then a
    /// steady load whose writes vastly outnumber everything else.
    fn busy() -> Playground {
        let mut pg = Playground::new(3);
        pg.run_script("node A\nnode B\nB> REPLICAOF A\nsettle\nA> SET lesson one\n")
            .unwrap();
        pg.set_load("A", 200).unwrap();
        pg.advance(20_000);
        pg
    }

    #[test]
    fn the_filter_finds_an_old_psync_under_a_load() {
        let pg = busy();
        let trace = pg.sim().trace();
        let all = matching_seqs(trace, 0, &TraceFilter::new("", "", true));
        assert_eq!(all.len(), trace.len());
        let psync = matching_seqs(trace, 0, &TraceFilter::new("", "PSYNC decision", false));
        let decisions: Vec<_> = events_at(trace, &psync);
        assert_eq!(decisions.len(), 1);
        assert!(
            matches!(&decisions[0].kind, Kind::PsyncDecision { result, .. } if result == "fullresync")
        );
        // Thousands of writes came after it; the log's old 400 rows would have lost it.
        assert!(all.len() > 4000 + psync[0] as usize);
        let quiet = matching_seqs(trace, 0, &TraceFilter::new("", "", false));
        assert!(
            quiet.len() < 100,
            "{} events without the stream",
            quiet.len()
        );
        let since = matching_seqs(trace, psync[0] + 1, &TraceFilter::new("", "psync", false));
        assert!(since.iter().all(|&s| s > psync[0]));
    }

    #[test]
    fn the_node_filter_keeps_events_on_or_about_the_node() {
        let pg = busy();
        let trace = pg.sim().trace();
        let b = events_at(
            trace,
            &matching_seqs(trace, 0, &TraceFilter::new("B", "", false)),
        );
        assert!(!b.is_empty());
        assert!(b
            .iter()
            .all(|e| &*e.node == "B" || e.replica.as_deref() == Some("B")));
        assert!(
            b.iter().any(|e| &*e.node == "A"),
            "the master's events about B"
        );
    }

    #[test]
    fn console_lines_follow_the_world_back() {
        let mut pg = busy();
        assert_eq!(
            console_lines(pg.sim().trace(), "A", 10)
                .iter()
                .map(|e| e.kind.clone())
                .collect::<Vec<_>>(),
            vec![Kind::Command {
                command: "SET lesson one".into(),
                reply: "OK".into()
            }]
        );
        pg.console("A", "GET lesson").unwrap();
        assert_eq!(console_lines(pg.sim().trace(), "A", 10).len(), 2);
        assert!(pg.step_back());
        assert_eq!(console_lines(pg.sim().trace(), "A", 10).len(), 1);
        assert!(console_lines(pg.sim().trace(), "B", 10)
            .iter()
            .all(|e| !matches!(&e.kind, Kind::Command { command, .. } if command.starts_with("SET load:"))));
    }

    #[test]
    fn jsonl_is_one_event_a_line() {
        let pg = busy();
        let trace = pg.sim().trace();
        let text = jsonl(trace);
        assert_eq!(text.lines().count(), trace.len());
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["seq"], 0);
        assert_eq!(first["type"], "node_added");
    }

    /// What an event costs in memory under a write load: the struct and
    /// the heap text it owns. Printed for TRACE_CAP's comment.
    #[test]
    fn memory_per_event_under_a_load() {
        let pg = busy();
        let trace = pg.sim().trace();
        let heap: usize = trace.iter().map(heap_bytes).sum();
        let per = std::mem::size_of::<Event>() + heap / trace.len();
        println!(
            "{} events, {} bytes each + {} heap bytes on average = {per}",
            trace.len(),
            std::mem::size_of::<Event>(),
            heap / trace.len()
        );
        assert!(per < 256, "{per} bytes an event");
    }

    fn heap_bytes(e: &Event) -> usize {
        match &e.kind {
            Kind::Command { command, reply } => command.capacity() + reply.capacity(),
            Kind::Propagate { command, .. }
            | Kind::Applied { command, .. }
            | Kind::Buffered { command, .. } => command.capacity(),
            Kind::HandshakeSent { command } => command.capacity(),
            _ => 0,
        }
    }
}
