//! Same seed and inputs → same trace (hash); different seeds → different
//! replication IDs; step back restores exactly the earlier world.

mod sim_util;

use replscope::repl::Sim;
use sim_util::*;

/// A scenario touching most of the machinery: full sync, writes, a cut,
/// a partial resync, a promotion.
fn scenario(seed: u64) -> Sim {
    let mut sim = Sim::new(seed);
    for n in ["A", "B", "C"] {
        sim.add_node(n).unwrap();
    }
    sim.set_latency_ms("A", "B", 7).unwrap();
    sim.set_bandwidth("A", "C", Some(20_000)).unwrap();
    cmd(&mut sim, "B", "REPLICAOF A");
    cmd(&mut sim, "C", "REPLICAOF A");
    for i in 0..10 {
        cmd(
            &mut sim,
            "A",
            &format!("SET k{i} {}", incompressible(500, i)),
        );
        sim.run_for(300);
    }
    sim.settle().unwrap();
    sim.link_down("A", "B").unwrap();
    cmd(&mut sim, "A", "INCR n");
    sim.link_up("A", "B").unwrap();
    sim.settle().unwrap();
    cmd(&mut sim, "B", "REPLICAOF NO ONE");
    cmd(&mut sim, "C", "REPLICAOF B");
    sim.settle().unwrap();
    sim
}

#[test]
fn same_seed_same_trace_hash() {
    let a = scenario(42);
    let b = scenario(42);
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.trace(), b.trace());
    assert_eq!(a.now_ms(), b.now_ms());
}

#[test]
fn different_seeds_give_different_replids() {
    let mut a = scenario(1);
    let mut b = scenario(2);
    let ia = info(&mut a, "A", "replication", "master_replid");
    let ib = info(&mut b, "A", "replication", "master_replid");
    assert_ne!(ia, ib);
    assert_ne!(a.trace_hash(), b.trace_hash());
    assert_eq!(info(&mut a, "A", "server", "run_id").len(), 40);
}

#[test]
fn step_back_undoes_exactly_one_input() {
    let mut sim = scenario(9);
    let hash = sim.trace_hash();
    let inputs = sim.inputs().len();
    let view = serde_json::to_string(&sim.view()).unwrap();
    cmd(&mut sim, "A", "SET extra 1");
    sim.run_for(1_500);
    assert_ne!(sim.trace_hash(), hash);
    assert!(sim.step_back());
    assert!(sim.step_back());
    assert_eq!(sim.trace_hash(), hash);
    assert_eq!(sim.inputs().len(), inputs);
    assert_eq!(serde_json::to_string(&sim.view()).unwrap(), view);
    // Replaying forward again gives the same result as the first time.
    cmd(&mut sim, "A", "SET extra 1");
    sim.run_for(1_500);
    let mut fresh = scenario(9);
    cmd(&mut fresh, "A", "SET extra 1");
    fresh.run_for(1_500);
    assert_eq!(sim.trace_hash(), fresh.trace_hash());
}

#[test]
fn step_back_through_many_steps_and_to_the_start() {
    let mut sim = Sim::new(5);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    cmd(&mut sim, "B", "REPLICAOF A");
    let mut hashes = vec![sim.trace_hash()];
    for _ in 0..40 {
        assert!(sim.step());
        hashes.push(sim.trace_hash());
    }
    for expected in hashes.iter().rev().skip(1) {
        assert!(sim.step_back());
        assert_eq!(sim.trace_hash(), *expected);
    }
    for _ in 0..3 {
        assert!(sim.step_back());
    }
    assert_eq!(sim.node_names().len(), 0);
    assert!(!sim.step_back());
}
