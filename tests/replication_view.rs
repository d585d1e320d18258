//! The page's snapshot: during a slow full sync the view shows the RDB
//! chunk in flight with its progress and position, the buffered write
//! waiting for the replica, each side's state and the sync phase; the JSON
//! field names are the ones `src/view.rs` documents. The view also gives
//! the replay of buffered writes waiting on the link, a node's past
//! replication IDs and replication loops.

mod sim_util;

use replscope::net::Payload;
use replscope::repl::Sim;
use replscope::sim::trace::{Kind, Phase};
use replscope::view::View;
use sim_util::*;

fn node<'a>(v: &'a View, name: &str) -> &'a replscope::view::NodeView {
    v.nodes.iter().find(|n| n.name == name).unwrap()
}

#[test]
fn view_during_a_slow_transfer() {
    let mut sim = Sim::new(4);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync-delay 0");
    cmd(
        &mut sim,
        "A",
        &format!("SET big {}", incompressible(20_000, 1)),
    );
    sim.set_bandwidth("A", "B", Some(10_000)).unwrap();
    sim.set_latency_ms("A", "B", 50).unwrap();
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.run_for(1_000);
    cmd(&mut sim, "A", "SET during transfer");
    sim.run_for(25);

    let v = sim.view();
    let (a, b) = (node(&v, "A"), node(&v, "B"));
    assert_eq!(b.role, "slave");
    assert_eq!(b.master.as_deref(), Some("A"));
    assert_eq!(b.link_status.as_deref(), Some("down"));
    assert_eq!(b.repl_state, "transfer");
    assert_eq!(b.sync_phase, Phase::Transfer);
    let psync = b.last_psync.as_ref().unwrap();
    assert_eq!(
        (psync.master.as_str(), psync.result.as_str()),
        ("A", "fullresync")
    );
    assert!(b
        .transfer
        .as_ref()
        .is_some_and(|t| t.received > 0 && t.total == 0));
    assert_eq!(a.replicas.len(), 1);
    let r = &a.replicas[0];
    assert_eq!(
        (r.name.as_str(), r.state.as_str(), r.info_state.as_str()),
        ("B", "wait_bgsave_end", "wait_bgsave")
    );
    assert_eq!((r.buffered_bytes, r.buffered_commands), (62, 2));
    assert!(a.bgsave.as_ref().is_some_and(|g| g.target == "sockets"));
    assert_eq!(
        a.backlog.as_ref().map(|b| (b.first_byte_offset, b.histlen)),
        Some((1, 62))
    );

    let link = &v.links[0];
    assert_eq!(
        (link.a.as_str(), link.b.as_str(), link.latency_ms),
        ("A", "B", 50)
    );
    assert_eq!(link.bandwidth_bytes_per_s, Some(10_000));
    let rdb: Vec<_> = link
        .messages
        .iter()
        .filter(|m| m.text.starts_with("RDB "))
        .collect();
    assert!(!rdb.is_empty());
    for m in &rdb {
        assert_eq!((m.from.as_str(), m.to.as_str()), ("A", "B"));
        assert!(m.progress_permille.is_some_and(|p| p > 0 && p < 1000));
        assert_eq!(m.bytes, 1_000);
    }
    assert!(link.queued_ab_bytes > 0);

    let json = serde_json::to_value(&v).unwrap();
    let b = &json["nodes"][1];
    for field in [
        "sync_phase",
        "repl_state",
        "slave_repl_offset",
        "last_psync",
        "transfer",
        "replicas",
        "backlog",
    ] {
        assert!(b.get(field).is_some(), "missing {field}");
    }
    assert_eq!(b["sync_phase"], "transfer");
    assert_eq!(json["links"][0]["messages"][0]["payload"], "rdb");
    assert!(json["trace_hash"].is_string());
    assert_eq!(json["next_seq"].as_u64(), Some(sim.next_seq()));
}

#[test]
fn phases_walk_through_a_full_sync() {
    let mut sim = Sim::new(8);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    cmd(
        &mut sim,
        "A",
        &format!("SET big {}", incompressible(5_000, 2)),
    );
    sim.set_bandwidth("A", "B", Some(5_000)).unwrap();
    cmd(&mut sim, "B", "REPLICAOF A");
    let mut seen = vec![node(&sim.view(), "B").sync_phase];
    while sim.run_until_phase_change(30_000) {
        let p = node(&sim.view(), "B").sync_phase;
        if seen.last() != Some(&p) {
            seen.push(p);
        }
        if p == Phase::Streaming {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            Phase::Handshake,
            Phase::Snapshot,
            Phase::Transfer,
            Phase::Load,
            Phase::Streaming
        ]
    );
}

#[test]
fn loops_past_ids_and_queued_replay_bytes() {
    let mut sim = Sim::new(7);
    for n in ["A", "B", "C"] {
        sim.add_node(n).unwrap();
    }
    let first_id = sim.node("A").unwrap().repl.replid.clone();
    sim.set_bandwidth("A", "B", Some(5000)).unwrap();
    cmd(&mut sim, "A", "DEBUG POPULATE 500 k");
    cmd(&mut sim, "B", "REPLICAOF A");
    // A's ID changes as its backlog is created for B: the card keeps the old one.
    sim.run_for(500);
    let v = sim.view();
    assert_eq!(node(&v, "A").past_replids, vec![first_id.clone()]);
    assert_ne!(node(&v, "A").replid, first_id);
    let said = sim.trace().iter().any(|e| {
        matches!(&e.kind, Kind::ReplidChanged { why, .. } if why.ends_with(&format!("it was {first_id}")))
    });
    assert!(said, "the trace says the ID changed, and from what");
    // The buffered writes wait on the link for the wire after the RDB.
    let mut saw_replay = 0;
    for _ in 0..2000 {
        cmd(&mut sim, "A", "SET x y");
        sim.run_for(10);
        let v = sim.view();
        let l = &v.links[0];
        saw_replay += l
            .queued
            .iter()
            .filter(|q| q.payload == Payload::Replay && q.from == "A" && q.to == "B")
            .map(|q| q.bytes)
            .sum::<u64>();
        if node(&v, "B").sync_phase == Phase::Streaming {
            break;
        }
    }
    assert!(saw_replay > 0, "the replay was queued on A → B");
    assert!(node(&sim.view(), "B").replication_loop.is_empty());
    cmd(&mut sim, "C", "REPLICAOF B");
    cmd(&mut sim, "B", "REPLICAOF C");
    let v = sim.view();
    assert_eq!(node(&v, "B").replication_loop, vec!["B", "C"]);
    assert_eq!(node(&v, "C").replication_loop, vec!["C", "B"]);
    assert!(node(&v, "A").replication_loop.is_empty());
}
