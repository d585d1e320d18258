//! The one place where lessons touch the simulator: running a scenario line,
//! running until a condition holds, and the read-only queries conditions
//! are made of. Everything else in `src/lesson/` sees the simulator only
//! through these functions.
//!
//! Queries never change the world: no input is recorded and no counter
//! moves. INFO replication is built by the node's own
//! [`Node::info_replication`] (the text INFO prints) on copies of the two
//! pieces of the world it could touch (the RNG and the connection-id
//! allocator), so reading a field is exactly what `INFO replication` would
//! show without running a command.
//!
//! [`Node::info_replication`]: crate::repl::node::Node::info_replication

use crate::repl::node::Cx;
use crate::repl::Sim;
use crate::scenario::{self, Script, Step};
use crate::sim::trace::Phase;

/// How long a step may run until its `until:` or a task's check holds:
/// ten virtual minutes, the same limit as `settle`.
pub const RUN_LIMIT_MS: u64 = crate::sim::SETTLE_LIMIT_MS;

/// A fresh, empty world.
pub fn new_world(seed: u64) -> Sim {
    Sim::new(seed)
}

/// The trace position now: events from here on happen "since" it.
pub fn mark(sim: &Sim) -> u64 {
    sim.next_seq()
}

/// Runs one scenario line with the scenario runner; a failed `expect` is
/// an error, like a step the simulator refused.
pub fn run_line(sim: &mut Sim, step: &Step) -> Result<(), String> {
    let script = Script {
        steps: vec![step.clone()],
    };
    let summary = scenario::run(&script, sim, &mut |_| {}).map_err(|e| e.message)?;
    match summary.failures.first() {
        Some(f) => Err(f.to_string()),
        None => Ok(()),
    }
}

/// Runs event by event until `holds` is true (true), or until nothing
/// more happens or [`RUN_LIMIT_MS`] of virtual time passed (false). The
/// run is one `step N` input of the session (`Sim::steps_until`), so an
/// exported session replays it exactly and step back undoes it at once.
pub fn run_until(sim: &mut Sim, holds: impl FnMut(&Sim) -> bool) -> bool {
    sim.steps_until(RUN_LIMIT_MS, holds)
}

/// The sync phase of replica `node` (`None` for an unknown node).
pub fn sync_phase(sim: &Sim, node: &str) -> Option<Phase> {
    sim.node(node).map(|n| sim.world().sync_phase(n))
}

/// A field of `node`'s INFO replication, as INFO prints it, or one of the
/// INFO stats sync counters (`sync_full`, `sync_partial_ok`,
/// `sync_partial_err`), or `keys` (the keys in all databases).
pub fn info_field(sim: &Sim, node: &str, field: &str) -> Option<String> {
    let world = sim.world();
    let id = world.node_id(node)?;
    let n = sim.node(node)?;
    let stats = &n.server.stats;
    match field {
        "sync_full" => return Some(stats.sync_full.to_string()),
        "sync_partial_ok" => return Some(stats.sync_partial_ok.to_string()),
        "sync_partial_err" => return Some(stats.sync_partial_err.to_string()),
        "keys" => {
            let keys: usize = n.server.keyspace.dbs.iter().map(|d| d.len()).sum();
            return Some(keys.to_string());
        }
        _ => {}
    }
    let (mut rng, mut next_conn) = (world.rng.clone(), world.next_conn);
    let cx = Cx::new(world.now_ms, &mut rng, &world.links, id, &mut next_conn);
    let text = n.info_replication(&cx);
    text.split("\r\n")
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .map(str::to_string)
}

/// The last PSYNC decision a master made for replica `node`: (`continue`
/// or `fullresync`, the reason in words).
pub fn last_psync(sim: &Sim, node: &str) -> Option<(String, String)> {
    let p = sim.world().last_psync.get(node)?;
    Some((p.result.clone(), p.reason.clone()))
}

/// Whether bytes can go from `from` to `to` (`None` for an unknown node).
pub fn link_up(sim: &Sim, from: &str, to: &str) -> Option<bool> {
    let w = sim.world();
    let (f, t) = (w.node_id(from)?, w.node_id(to)?);
    Some(w.links.is_up_from(f, t))
}

/// Whether an event of `kind` (its trace `type`) happened at or after
/// `since`, on `node` when one is given.
pub fn event_since(sim: &Sim, since: u64, kind: &str, node: Option<&str>) -> bool {
    sim.trace()
        .iter()
        .rev()
        .take_while(|e| e.seq >= since)
        .any(|e| node.map_or(true, |n| &*e.node == n) && kind_name(&e.kind) == Some(kind.into()))
}

/// An event kind's `type`, as the trace's JSON writes it.
fn kind_name<T: serde::Serialize>(kind: &T) -> Option<String> {
    let v = serde_json::to_value(kind).ok()?;
    v.get("type")?.as_str().map(str::to_string)
}
