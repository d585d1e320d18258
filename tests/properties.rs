//! Property: whatever happens — writes, link cuts and heals (both ways or
//! one way), latency and bandwidth changes, promotions, re-pointing — once
//! the links are healed and the world settles, every replica holds exactly
//! its master's data at its master's offset and replication ID, and nothing
//! panics. A failure prints the seed and the schedule to replay it.

// proptest does not build for wasm32; this suite runs natively only.
#![cfg(not(target_arch = "wasm32"))]

mod sim_util;

use proptest::prelude::*;
use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::sim::SimError;

const NODES: [&str; 4] = ["A", "B", "C", "D"];

#[derive(Clone, Debug)]
enum Action {
    Write {
        node: usize,
        line: String,
    },
    Cut {
        a: usize,
        b: usize,
    },
    CutOneWay {
        a: usize,
        b: usize,
    },
    Heal {
        a: usize,
        b: usize,
    },
    Latency {
        a: usize,
        b: usize,
        ms: u64,
    },
    Bandwidth {
        a: usize,
        b: usize,
        bps: Option<u64>,
    },
    Promote {
        node: usize,
    },
    Repoint {
        node: usize,
        to: usize,
    },
    Run {
        ms: u64,
    },
    Resync {
        node: usize,
    },
}

fn write_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![Just("a"), Just("b"), Just("c"), Just("d"), Just("e")];
    (key, 0u32..1000, 0u8..8).prop_map(|(k, v, kind)| match kind {
        0 => format!("INCR {k}"),
        1 => format!("DEL {k}"),
        2 => format!("SET {k} {v} PX {}", 50 + v),
        3 => format!("SELECT {}", v % 3),
        4 => format!("APPEND {k} x{v}"),
        _ => format!("SET {k} {}", "v".repeat(v as usize % 200)),
    })
}

fn pair() -> impl Strategy<Value = (usize, usize)> {
    (0..4usize, 1..4usize).prop_map(|(a, d)| (a, (a + d) % 4))
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0..4usize, write_line()).prop_map(|(node, line)| Action::Write { node, line }),
        1 => pair().prop_map(|(a, b)| Action::Cut { a, b }),
        1 => pair().prop_map(|(a, b)| Action::CutOneWay { a, b }),
        2 => pair().prop_map(|(a, b)| Action::Heal { a, b }),
        1 => (pair(), 0..80u64).prop_map(|((a, b), ms)| Action::Latency { a, b, ms }),
        1 => (pair(), prop::option::of(2_000..200_000u64)).prop_map(|((a, b), bps)| Action::Bandwidth { a, b, bps }),
        1 => (0..4usize).prop_map(|node| Action::Promote { node }),
        1 => pair().prop_map(|(node, to)| Action::Repoint { node, to }),
        4 => (0..4_000u64).prop_map(|ms| Action::Run { ms }),
        1 => (0..4usize).prop_map(|node| Action::Resync { node }),
    ]
}

fn run(sim: &mut Sim, node: usize, line: &str) -> Frame {
    sim.command(NODES[node], sim_util::argv(line))
        .unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn apply(sim: &mut Sim, a: &Action) {
    let r = match a {
        Action::Write { node, line } => {
            run(sim, *node, line);
            Ok(())
        }
        Action::Cut { a, b } => sim.link_down(NODES[*a], NODES[*b]),
        Action::CutOneWay { a, b } => sim.link_down_one_way(NODES[*a], NODES[*b]),
        Action::Heal { a, b } => sim.link_up(NODES[*a], NODES[*b]),
        Action::Latency { a, b, ms } => sim.set_latency_ms(NODES[*a], NODES[*b], *ms),
        Action::Bandwidth { a, b, bps } => sim.set_bandwidth(NODES[*a], NODES[*b], *bps),
        Action::Promote { node } => {
            run(sim, *node, "REPLICAOF NO ONE");
            Ok(())
        }
        Action::Repoint { node, to } => {
            run(sim, *node, &format!("REPLICAOF {}", NODES[*to]));
            Ok(())
        }
        Action::Run { ms } => {
            sim.run_for(*ms);
            Ok(())
        }
        // A resync asked of a node that is not a replica is refused, and
        // changes nothing: a random schedule asks it of masters too.
        Action::Resync { node } => match sim.resync(NODES[*node], false) {
            Err(SimError::NotReplica(_)) => Ok(()),
            r => r,
        },
    };
    r.unwrap_or_else(|e| panic!("{a:?}: {e}"));
}

/// The master of `node`, if it replicates.
fn master_of(sim: &Sim, node: &str) -> Option<String> {
    sim.node(node)?.repl.link.as_ref().map(|l| l.host.clone())
}

/// Promotes one node of every replication cycle, so the topology is a forest.
fn break_cycles(sim: &mut Sim) {
    for start in NODES {
        let mut seen = vec![start.to_string()];
        let mut cur = start.to_string();
        while let Some(m) = master_of(sim, &cur) {
            if seen.contains(&m) {
                sim.command(&m, sim_util::argv("REPLICAOF NO ONE")).unwrap();
                break;
            }
            seen.push(m.clone());
            cur = m;
        }
    }
}

/// A node's data, in a canonical order.
fn data(sim: &Sim, node: &str) -> Vec<(usize, Vec<u8>, String, Option<i64>)> {
    let ks = &sim.node(node).unwrap().server.keyspace;
    let mut out: Vec<_> = ks
        .dbs
        .iter()
        .enumerate()
        .flat_map(|(i, db)| {
            db.dict.iter().map(move |(k, v)| {
                (
                    i,
                    k.as_bytes().to_vec(),
                    format!("{v:?}"),
                    db.expire_at(k.as_bytes()),
                )
            })
        })
        .collect();
    out.sort();
    out
}

fn check(seed: u64, actions: &[Action]) -> Result<(), TestCaseError> {
    let mut sim = Sim::new(seed);
    for n in NODES {
        sim.add_node(n).unwrap();
    }
    for n in &NODES[1..] {
        sim.command(n, sim_util::argv("REPLICAOF A")).unwrap();
    }
    for a in actions {
        apply(&mut sim, a);
    }
    for (i, a) in NODES.iter().enumerate() {
        for b in &NODES[i + 1..] {
            sim.link_up(a, b).unwrap();
        }
    }
    break_cycles(&mut sim);
    let ctx = format!("seed {seed}, actions {actions:?}");
    if let Err(e) = sim.settle() {
        return Err(TestCaseError::fail(format!("{e}\n{ctx}")));
    }
    for n in NODES {
        let Some(m) = master_of(&sim, n) else {
            continue;
        };
        let (node, master) = (sim.node(n).unwrap(), sim.node(&m).unwrap());
        prop_assert_eq!(
            &node.repl.replid,
            &master.repl.replid,
            "{} vs {}: {}",
            n,
            m,
            ctx
        );
        prop_assert_eq!(
            node.repl.master_repl_offset,
            master.repl.master_repl_offset,
            "{} vs {}: {}",
            n,
            m,
            ctx
        );
        prop_assert_eq!(data(&sim, n), data(&sim, &m), "{} vs {}: {}", n, m, ctx);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_to_their_master(seed in any::<u64>(), actions in prop::collection::vec(action(), 0..40)) {
        check(seed, &actions)?;
    }
}
