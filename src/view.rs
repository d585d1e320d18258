//! The snapshot the page renders from: one serde value describing the whole
//! world at the current virtual time.
//!
//! The page never computes replication state itself; it reads this. Field
//! names below are the JSON names; the page's TypeScript types are
//! generated from these structs (tests/ts_types.rs), never written by hand.
//!
//! ```text
//! View      { seed, time_ms, unix_ms, nodes: NodeView[], links: LinkView[],
//!             trace_len, last_seq (null before the first event), next_seq,
//!             trace_hash (string: a u64 does not fit a JS number) }
//! NodeView  { name, port, role ("master" | "slave"), master (name | null),
//!             link_status ("up" | "down" | null), repl_state (Redis state,
//!             lower case: "none", "connect", ..., "transfer", "connected"),
//!             replid, replid2, master_repl_offset, second_repl_offset,
//!             slave_repl_offset (null on masters), keys, dbs: DbView[],
//!             replicas: ReplicaView[], backlog: BacklogView | null,
//!             bgsave: BgsaveView | null, sync_phase, last_psync: PsyncView | null,
//!             transfer: TransferView | null, sync_full, sync_partial_ok,
//!             sync_partial_err, wait_blocked,
//!             master_backlog_covers (replicas: does the master's backlog still
//!             hold the next byte this replica needs? null without a backlog),
//!             pending_fork_at_ms (masters: virtual ms from which the next
//!             replication cron forks the BGSAVE replicas wait for, null if none),
//!             past_replids (the IDs it had before, oldest first),
//!             replication_loop (replicas: the nodes of a loop of masters
//!             that comes back to this one, starting with it; else empty) }
//! DbView    { db, keys, expires }
//! ReplicaView { name, state ("wait_bgsave_start" | "wait_bgsave_end" | "send_bulk" | "online"),
//!             info_state (as INFO shows it: "wait_bgsave" | "send_bulk" | "online"),
//!             streaming, ack_offset, lag_s, buffered_bytes, buffered_commands,
//!             pending_output_bytes }
//! BacklogView { first_byte_offset, last_byte_offset (first + histlen - 1), histlen, size }
//! BgsaveView  { target ("disk" | "sockets"), started_ms }
//! PsyncView { master, result ("continue" | "fullresync"), reason }
//! TransferView { received, total (-1 before the header, 0 for diskless) }
//! LinkView  { a, b, up_ab, up_ba, latency_ms, bandwidth_bytes_per_s (null = unlimited),
//!             queued_ab_bytes, queued_ba_bytes, queued: QueuedView[],
//!             messages: MessageView[] }
//! QueuedView { from, to, payload, bytes } (a write waiting for the wire)
//! MessageView { from, to, payload ("command" | "reply" | "rdb" | "replay" | "keepalive"),
//!             fin (a connection close), text, bytes,
//!             progress_permille (0..=1000 of the RDB sent, RDB only, else null),
//!             depart_ms, arrive_ms }
//! EventView { ...Event (see `sim::trace`: seq, time_ms, node, replica, phase,
//!             type and its fields, message: {from, to} | null),
//!             stream (one of the replication stream's routine events) }
//! ```
//!
//! Every number is an integer: the page parses the snapshot from JSON every
//! frame, and integers keep float formatting out of the wasm module. Where
//! a message is along its link follows from `depart_ms`, `arrive_ms` and
//! the page's own smoothly advancing clock, so the page works it out.
//!
//! `sync_phase` is one of `none`, `handshake`, `snapshot`, `transfer`,
//! `load`, `replay`, `streaming` (see `sim::trace::Phase`).

use crate::net::Payload;
use crate::repl::node::Node;
use crate::repl::ReplState;
use crate::repl::{Sim, World};
use crate::resp::parse_frame;
use crate::sim::links::Flight;
use crate::sim::trace::{Event, Phase};
use serde::Serialize;

/// The whole world.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct View {
    pub seed: u64,
    pub time_ms: u64,
    pub unix_ms: i64,
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
    pub trace_len: usize,
    pub last_seq: Option<u64>,
    pub next_seq: u64,
    pub trace_hash: String,
}

/// One node.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct NodeView {
    pub name: String,
    pub port: u16,
    pub role: String,
    pub master: Option<String>,
    pub link_status: Option<String>,
    pub repl_state: String,
    pub replid: String,
    pub replid2: String,
    pub master_repl_offset: i64,
    pub second_repl_offset: i64,
    pub slave_repl_offset: Option<i64>,
    pub keys: u64,
    pub dbs: Vec<DbView>,
    pub replicas: Vec<ReplicaView>,
    pub backlog: Option<BacklogView>,
    pub bgsave: Option<BgsaveView>,
    pub sync_phase: Phase,
    pub last_psync: Option<PsyncView>,
    pub transfer: Option<TransferView>,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    pub wait_blocked: bool,
    /// For a replica: whether its master's backlog still holds the next
    /// byte it needs (`Backlog::covers`), i.e. whether a reconnect could
    /// continue as far as the backlog goes.
    pub master_backlog_covers: Option<bool>,
    /// For a master with replicas in `wait_bgsave_start`: the virtual time
    /// from which the replication cron forks for them (the diskless delay).
    pub pending_fork_at_ms: Option<u64>,
    /// The replication IDs this node had before `replid`, oldest first.
    pub past_replids: Vec<String>,
    /// For a replica whose chain of masters comes back to it: the nodes of
    /// that loop, starting with this one (empty when there is none).
    pub replication_loop: Vec<String>,
}

/// A trace event as the page lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    /// One of the replication stream's routine events (propagated and
    /// applied writes, ACKs, keepalives, the write load's commands), which
    /// the page can hide.
    pub stream: bool,
}

impl EventView {
    pub fn of(event: Event) -> EventView {
        EventView {
            stream: crate::repl::observe::is_stream_event(&event),
            event,
        }
    }
}

/// Keys of one non-empty database.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct DbView {
    pub db: usize,
    pub keys: u64,
    pub expires: u64,
}

/// A master's view of one replica.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ReplicaView {
    pub name: String,
    pub state: String,
    pub info_state: String,
    pub streaming: bool,
    pub ack_offset: i64,
    pub lag_s: i64,
    pub buffered_bytes: u64,
    pub buffered_commands: u64,
    pub pending_output_bytes: u64,
}

/// The backlog's window.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct BacklogView {
    pub first_byte_offset: i64,
    pub last_byte_offset: i64,
    pub histlen: u64,
    pub size: u64,
}

/// A running BGSAVE.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct BgsaveView {
    pub target: String,
    pub started_ms: u64,
}

/// The last PSYNC decision about a replica.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct PsyncView {
    pub master: String,
    pub result: String,
    pub reason: String,
}

/// An RDB being received.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct TransferView {
    pub received: u64,
    pub total: i64,
}

/// A link and what is on it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct LinkView {
    pub a: String,
    pub b: String,
    pub up_ab: bool,
    pub up_ba: bool,
    pub latency_ms: u64,
    pub bandwidth_bytes_per_s: Option<u64>,
    pub queued_ab_bytes: u64,
    pub queued_ba_bytes: u64,
    /// Writes waiting for the wire, each way, in the order they will go.
    pub queued: Vec<QueuedView>,
    pub messages: Vec<MessageView>,
}

/// One write waiting on its link for the wire (bandwidth), not sent yet.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct QueuedView {
    pub from: String,
    pub to: String,
    pub payload: Payload,
    pub bytes: u64,
}

/// Bytes on the wire.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct MessageView {
    pub from: String,
    pub to: String,
    pub payload: Payload,
    pub fin: bool,
    pub text: String,
    pub bytes: u64,
    pub progress_permille: Option<u32>,
    pub depart_ms: u64,
    pub arrive_ms: u64,
}

impl Sim {
    /// The serializable snapshot the page renders.
    pub fn view(&self) -> View {
        View::of(self)
    }
}

impl View {
    /// The snapshot of `sim` now.
    pub fn of(sim: &Sim) -> View {
        let world = sim.world();
        let trace = sim.trace_ref();
        View {
            seed: sim.seed(),
            time_ms: world.now_ms,
            unix_ms: crate::net::unix_ms(world.now_ms),
            nodes: world.nodes.values().map(|n| node_view(world, n)).collect(),
            links: link_views(world),
            trace_len: trace.len(),
            last_seq: trace.next_seq().checked_sub(1),
            next_seq: trace.next_seq(),
            trace_hash: format!("{:016x}", trace.hash()),
        }
    }
}

fn node_view(world: &World, n: &Node) -> NodeView {
    let r = &n.repl;
    let link = r.link.as_ref();
    let master_client = link.and_then(|l| l.master.as_ref().or(l.cached.as_ref()));
    let stats = &n.server.stats;
    let slave_repl_offset = link.map(|_| master_client.map_or(1, |m| m.reploff));
    NodeView {
        name: n.name.clone(),
        port: n.server.config.port,
        role: if link.is_some() { "slave" } else { "master" }.into(),
        master: link.map(|l| l.host.clone()),
        link_status: link.map(|l| {
            if l.state == ReplState::Connected {
                "up"
            } else {
                "down"
            }
            .into()
        }),
        repl_state: r.state().name().into(),
        replid: r.replid.clone(),
        replid2: r.replid2.clone(),
        master_repl_offset: r.master_repl_offset,
        second_repl_offset: r.second_repl_offset,
        slave_repl_offset,
        keys: n.server.keyspace.key_count() as u64,
        dbs: db_views(n),
        replicas: replica_views(world, n),
        backlog: r.backlog.as_ref().map(|b| BacklogView {
            first_byte_offset: b.first_byte_offset(),
            last_byte_offset: b.first_byte_offset() + b.histlen() as i64 - 1,
            histlen: b.histlen(),
            size: n.backlog_limit(),
        }),
        bgsave: r.bgsave.as_ref().map(|b| BgsaveView {
            target: b.target.name().into(),
            started_ms: b.started_ms,
        }),
        sync_phase: world.sync_phase(n),
        last_psync: world.last_psync.get(&n.name).map(|p| PsyncView {
            master: p.master.clone(),
            result: p.result.clone(),
            reason: p.reason.clone(),
        }),
        transfer: link
            .filter(|l| l.state == ReplState::Transfer)
            .map(|l| TransferView {
                received: l.transfer.read,
                total: l.transfer.size,
            }),
        sync_full: stats.sync_full,
        sync_partial_ok: stats.sync_partial_ok,
        sync_partial_err: stats.sync_partial_err,
        wait_blocked: n.wait.is_some(),
        master_backlog_covers: slave_repl_offset.and_then(|o| master_backlog_covers(world, n, o)),
        pending_fork_at_ms: n
            .pending_fork_at_s(unix_s(world))
            .map(|at| (at * 1000 - crate::net::EPOCH_UNIX_MS).max(0) as u64),
        past_replids: r.past_replids.clone(),
        replication_loop: world.replication_loop(n),
    }
}

/// Virtual now in unix seconds, as the nodes' clocks read it.
fn unix_s(world: &World) -> i64 {
    crate::net::unix_ms(world.now_ms).div_euclid(1000)
}

/// Whether the backlog of `n`'s master holds the byte after `reploff`,
/// the one a PSYNC from `n` would ask for first.
fn master_backlog_covers(world: &World, n: &Node, reploff: i64) -> Option<bool> {
    let host = &n.repl.link.as_ref()?.host;
    let master = world.nodes.values().find(|m| &m.name == host)?;
    Some(
        master
            .repl
            .backlog
            .as_ref()?
            .covers(reploff + 1)
            .is_covered(),
    )
}

fn db_views(n: &Node) -> Vec<DbView> {
    n.server
        .keyspace
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, d)| DbView {
            db: i,
            keys: d.len() as u64,
            expires: d.expires.len() as u64,
        })
        .collect()
}

fn replica_views(world: &World, n: &Node) -> Vec<ReplicaView> {
    n.repl
        .slaves
        .iter()
        .filter_map(|c| n.peers.get(c).map(|p| (c, p)))
        .filter_map(|(c, p)| p.slave.as_ref().map(|s| (c, p, s)))
        .map(|(c, p, s)| {
            let lag = s.lag_s(unix_s(world));
            ReplicaView {
                name: p.name.clone(),
                state: s.state.name().into(),
                info_state: s.state.info_name().into(),
                streaming: s.streaming,
                ack_offset: s.ack_off,
                lag_s: lag,
                buffered_bytes: s.buffer.len() as u64,
                buffered_commands: s.buffered_commands,
                pending_output_bytes: s.buffer.len() as u64 + world.links.unsent(*c, n.id),
            }
        })
        .collect()
}

fn link_views(world: &World) -> Vec<LinkView> {
    let name = |id| world.nodes.get(&id).map(|n: &Node| n.name.clone());
    world
        .links
        .all()
        .filter_map(|(&(a, b), l)| {
            let (na, nb) = (name(a)?, name(b)?);
            let queued_dir = |dir: usize| world.links.queued((a, b), dir);
            let queued_bytes = |dir: usize| queued_dir(dir).iter().map(|q| q.2).sum();
            let (mut messages, mut queued) = (Vec::new(), Vec::new());
            for (dir, (from, to)) in [(&na, &nb), (&nb, &na)].into_iter().enumerate() {
                for f in &l.dirs[dir].flights {
                    messages.push(message_view(f, from, to));
                }
                queued.extend(
                    queued_dir(dir)
                        .into_iter()
                        .map(|(_, payload, bytes)| QueuedView {
                            from: from.clone(),
                            to: to.clone(),
                            payload,
                            bytes,
                        }),
                );
            }
            Some(LinkView {
                a: na.clone(),
                b: nb.clone(),
                up_ab: l.dirs[0].up,
                up_ba: l.dirs[1].up,
                latency_ms: l.latency_ms,
                bandwidth_bytes_per_s: l.bandwidth,
                queued_ab_bytes: queued_bytes(0),
                queued_ba_bytes: queued_bytes(1),
                queued,
                messages,
            })
        })
        .collect()
}

fn message_view(f: &Flight, from: &str, to: &str) -> MessageView {
    MessageView {
        from: from.to_string(),
        to: to.to_string(),
        payload: f.payload,
        fin: f.fin,
        text: message_text(f),
        bytes: f.bytes.len() as u64,
        progress_permille: f.progress.map(|(done, total)| permille(done, total)),
        depart_ms: f.depart_ms,
        arrive_ms: f.arrive_ms,
    }
}

/// `done` of `total` in thousandths, rounded down (all of nothing is done).
fn permille(done: u64, total: u64) -> u32 {
    if total == 0 {
        return 1000;
    }
    let done = done.min(total);
    // Past 1.8e16 bytes `done * 1000` would overflow; such a total is at
    // least 1000, so scaling it down instead loses nothing visible.
    let p = match done.checked_mul(1000) {
        Some(d) => d / total,
        None => done / (total / 1000),
    };
    p.min(1000) as u32
}

/// What a chunk says, in a few words.
fn message_text(f: &Flight) -> String {
    if f.fin {
        return "connection closed".into();
    }
    match f.payload {
        Payload::Rdb => match f.progress {
            Some((done, total)) => format!("RDB {done}/{total} bytes"),
            None => "RDB".into(),
        },
        Payload::Keepalive => "\\n".into(),
        Payload::Reply => String::from_utf8_lossy(&f.bytes).trim_end().to_string(),
        Payload::Command | Payload::Replay => commands_text(&f.bytes),
    }
}

/// `SET foo bar` or `SET foo bar (+3 more)` for the commands in `bytes`.
fn commands_text(bytes: &[u8]) -> String {
    let mut first = None;
    let mut count = 0usize;
    let mut pos = 0;
    while let Ok(Some((frame, used))) = parse_frame(&bytes[pos..]) {
        pos += used;
        count += 1;
        if first.is_none() {
            first = crate::resp::frame_argv(frame).map(|a| crate::repl::describe(&a));
        }
    }
    match (first, count) {
        (Some(t), 1) => t,
        (Some(t), n) => format!("{t} (+{} more)", n - 1),
        _ => String::from_utf8_lossy(bytes).chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::{Kind, Message};

    fn run(sim: &mut Sim, node: &str, line: &str) {
        let argv = line.split(' ').map(|a| a.as_bytes().to_vec()).collect();
        sim.command(node, argv).expect(line);
    }

    fn node<'a>(v: &'a View, name: &str) -> &'a NodeView {
        v.nodes.iter().find(|n| n.name == name).expect(name)
    }

    fn first_time(sim: &Sim, f: impl Fn(&Kind) -> bool) -> u64 {
        sim.trace()
            .iter()
            .find(|e| f(&e.kind))
            .expect("an event")
            .time_ms
    }

    #[test]
    fn the_diskless_delay_ends_when_the_view_says() {
        let mut sim = Sim::new(3);
        sim.add_node("A").unwrap();
        sim.add_node("B").unwrap();
        run(&mut sim, "A", "CONFIG SET repl-diskless-sync-delay 5");
        run(&mut sim, "B", "REPLICAOF A");
        sim.run_for(100);
        let asked = first_time(&sim, |k| matches!(k, Kind::PsyncDecision { .. }));
        let epoch = crate::net::EPOCH_UNIX_MS;
        let due = (((epoch + asked as i64).div_euclid(1000) + 5) * 1000 - epoch) as u64;
        assert_eq!(node(&sim.view(), "A").pending_fork_at_ms, Some(due));
        sim.run_for(7_000);
        assert_eq!(node(&sim.view(), "A").pending_fork_at_ms, None);
        let forked = first_time(&sim, |k| matches!(k, Kind::BgsaveStarted { .. }));
        assert!((due..due + 1000).contains(&forked), "{forked} vs {due}");
    }

    #[test]
    fn messages_keep_their_ends_and_coverage_is_the_backlogs() {
        let mut sim = Sim::new(5);
        for n in ["A", "B", "C"] {
            sim.add_node(n).unwrap();
        }
        run(&mut sim, "A", "CONFIG SET repl-backlog-size 16384");
        run(&mut sim, "B", "REPLICAOF A");
        sim.run_for(8_000);
        assert_eq!(node(&sim.view(), "B").master_backlog_covers, Some(true));
        sim.link_down("A", "B").unwrap();
        // Twice the backlog: it trims by whole blocks, as Redis 7.0.
        run(&mut sim, "A", &format!("SET big {}", "x".repeat(40_000)));
        let v = sim.view();
        let b = node(&v, "B");
        let backlog = sim.node("A").unwrap().repl.backlog.as_ref().unwrap();
        let next = b.slave_repl_offset.unwrap() + 1;
        assert!(!backlog.covers(next).is_covered());
        assert_eq!(b.master_backlog_covers, Some(false));
        assert_eq!(node(&v, "A").master_backlog_covers, None);

        run(&mut sim, "B", "REPLICAOF C");
        sim.run_for(8_000);
        let ends = |kind: fn(&Kind) -> bool| -> Vec<(String, String)> {
            let t = sim.trace().iter().filter(|e| kind(&e.kind));
            t.filter_map(|e| e.message.as_ref())
                .map(|Message { from, to }| (from.to_string(), to.to_string()))
                .collect()
        };
        let psyncs =
            ends(|k| matches!(k, Kind::HandshakeSent { command } if command.starts_with("PSYNC")));
        let to = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(psyncs, [to("B", "A"), to("B", "C")]);
        let decisions = ends(|k| matches!(k, Kind::PsyncDecision { .. }));
        assert_eq!(decisions, [to("A", "B"), to("C", "B")]);
        let untouched = sim
            .trace()
            .iter()
            .filter(|e| matches!(e.kind, Kind::Propagate { .. }));
        assert!(untouched.into_iter().all(|e| e.message.is_none()));
    }

    #[test]
    fn permille_rounds_down_and_caps_at_the_whole() {
        assert_eq!(permille(0, 22_000), 0);
        assert_eq!(permille(5_000, 22_000), 227);
        assert_eq!(permille(21_999, 22_000), 999);
        assert_eq!(permille(22_000, 22_000), 1000);
        assert_eq!(permille(30_000, 22_000), 1000);
        assert_eq!(permille(0, 0), 1000);
        assert_eq!(permille(u64::MAX, u64::MAX), 1000);
    }
}
