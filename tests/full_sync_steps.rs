//! Each step of a full sync, in order, as the trace records it: connect and
//! PSYNC, the BGSAVE with a write buffered during it, the snapshot crossing
//! the link in chunks at a given bandwidth, the replica flushing its old
//! keys and loading, the buffered write replayed, online, exact offsets.

mod sim_util;

use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::sim::trace::{Event, Kind, Phase};
use sim_util::*;

/// A with three 1000-byte keys, B with two keys of its own, a 10 kB/s link.
fn world(seed: u64, diskless: bool) -> Sim {
    let mut sim = Sim::new(seed);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    if !diskless {
        cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync no");
    }
    for i in 0..3 {
        cmd(
            &mut sim,
            "A",
            &format!("SET k{i} {}", incompressible(1000, i)),
        );
    }
    cmd(&mut sim, "B", "SET old1 x");
    cmd(&mut sim, "B", "SET old2 y");
    sim.set_bandwidth("A", "B", Some(10_000)).unwrap();
    sim
}

/// Runs until B's sync phase is `phase`.
fn run_to_phase(sim: &mut Sim, phase: Phase) {
    while sim.run_until_phase_change(20_000) {
        let v = sim.view();
        if v.nodes
            .iter()
            .any(|n| n.name == "B" && n.sync_phase == phase)
        {
            return;
        }
    }
    panic!("B never reached {phase:?}:\n{}", dump(sim.trace()));
}

fn is(e: &Event, node: &str, pred: impl Fn(&Kind) -> bool) -> bool {
    on(e, node) && pred(&e.kind)
}

#[test]
fn disk_full_sync_steps_in_order() {
    let mut sim = world(7, false);
    cmd(&mut sim, "B", "REPLICAOF A");
    run_to_phase(&mut sim, Phase::Snapshot);
    cmd(&mut sim, "A", "SET during bgsave");
    sim.settle().unwrap();
    let t = sim.trace().to_vec();

    // 1. Connect and PSYNC: B (a master until now) offers its own history.
    let ping = find_after(&t, 0, "PING", |e| {
        is(
            e,
            "B",
            |k| matches!(k, Kind::HandshakeSent { command } if command == "PING"),
        )
    });
    let psync = find_after(&t, ping, "PSYNC", |e| {
        is(
            e,
            "B",
            |k| matches!(k, Kind::HandshakeSent { command } if command.starts_with("PSYNC ") && command.ends_with(" 1")),
        )
    });
    let decision = find_after(&t, psync, "decision", |e| {
        is(e, "A", |k| {
            matches!(k, Kind::PsyncDecision { result, reason, .. }
            if result == "fullresync" && reason.starts_with("replication ID mismatch"))
        })
    });
    // 2. BGSAVE (disk), +FULLRESYNC at offset 0, the write buffered for B.
    let bgsave = find_after(&t, decision, "BGSAVE", |e| {
        is(
            e,
            "A",
            |k| matches!(k, Kind::BgsaveStarted { target, keys: 3, .. } if target == "disk"),
        )
    });
    let full = find_after(&t, bgsave, "+FULLRESYNC", |e| {
        is(e, "A", |k| matches!(k, Kind::FullResync { offset: 0, .. }))
    });
    let buffered = find_after(&t, full, "buffered", |e| {
        e.phase == Phase::Snapshot
            && is(
                e,
                "A",
                |k| matches!(k, Kind::Buffered { command, pending_bytes: 60, .. } if command == "SET during bgsave"),
            )
    });
    // 3. The RDB file crosses the link: 10 kB/s makes 1000-byte chunks.
    let done = find_after(&t, buffered, "BGSAVE done", |e| {
        is(e, "A", |k| matches!(k, Kind::BgsaveDone { .. }))
    });
    let rdb_bytes = match &t[done].kind {
        Kind::BgsaveDone { rdb_bytes, .. } => *rdb_bytes,
        _ => unreachable!(),
    };
    let chunks: Vec<u64> = t[done..]
        .iter()
        .filter_map(|e| match e.kind {
            Kind::RdbChunk { bytes, .. } => Some(bytes),
            _ => None,
        })
        .collect();
    // The first chunk also carries the 7-byte `$<len>\r\n` header.
    let header = format!("${rdb_bytes}\r\n").len() as u64;
    assert_eq!(chunks.iter().sum::<u64>(), rdb_bytes);
    assert_eq!(chunks.len() as u64, (rdb_bytes + header).div_ceil(1000));
    assert_eq!(chunks[0], 1000 - header);
    // 4. B flushes its two old keys, then loads the three new ones.
    let flush = find_after(&t, done, "flush", |e| {
        is(e, "B", |k| matches!(k, Kind::Flush { keys: 2 }))
    });
    let load = find_after(&t, flush, "load", |e| {
        is(e, "B", |k| matches!(k, Kind::Loaded { keys: 3, .. }))
    });
    let connected = find_after(&t, load, "connected", |e| {
        is(
            e,
            "B",
            |k| matches!(k, Kind::ReplState { to, .. } if to == "connected"),
        )
    });
    // 5. The buffered write is replayed and applied: SELECT 23 + SET 37 = 60.
    let flushed = find_after(&t, done, "buffer flushed", |e| {
        is(e, "A", |k| {
            matches!(
                k,
                Kind::BufferFlushed {
                    bytes: 60,
                    commands: 2
                }
            )
        })
    });
    let applied = find_after(&t, connected.max(flushed), "replayed", |e| {
        e.phase == Phase::Replay
            && is(
                e,
                "B",
                |k| matches!(k, Kind::Applied { command, offset: 60, .. } if command == "SET during bgsave"),
            )
    });
    assert!(applied > load);
    // 6. Online, with equal offsets.
    assert_eq!(cmd(&mut sim, "B", "GET during"), Frame::bulk("bgsave"));
    assert_eq!(cmd(&mut sim, "B", "GET old1"), Frame::Null);
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "master_repl_offset"),
        60
    );
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        60
    );
    assert_eq!(
        info(&mut sim, "B", "replication", "master_link_status"),
        "up"
    );
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 1);
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_partial_err"), 1);
}

#[test]
fn diskless_full_sync_waits_then_streams_after_first_ack() {
    let mut sim = world(11, true);
    cmd(&mut sim, "B", "REPLICAOF A");
    run_to_phase(&mut sim, Phase::Transfer);
    cmd(&mut sim, "A", "SET during transfer");
    sim.settle().unwrap();
    let t = sim.trace().to_vec();

    let decision = find_after(&t, 0, "decision", |e| {
        is(e, "A", |k| matches!(k, Kind::PsyncDecision { .. }))
    });
    let delayed = find_after(&t, decision, "delay", |e| {
        is(e, "A", |k| matches!(k, Kind::BgsaveDelayed { delay_s: 5 }))
    });
    // Once a second a bare newline keeps B waiting (not counted in offsets).
    let bgsave = find_after(&t, delayed, "BGSAVE", |e| {
        is(
            e,
            "A",
            |k| matches!(k, Kind::BgsaveStarted { target, .. } if target == "sockets"),
        )
    });
    let keepalives = t[delayed..bgsave]
        .iter()
        .filter(|e| matches!(e.kind, Kind::Keepalive))
        .count();
    assert_eq!(keepalives, 5, "{}", dump(&t));
    let waited = t[bgsave].time_ms - t[delayed].time_ms;
    assert!((4_000..=6_000).contains(&waited), "waited {waited} ms");
    let sent = find_after(&t, bgsave, "payload", |e| {
        is(
            e,
            "A",
            |k| matches!(k, Kind::RdbSendStarted { preamble, .. } if preamble.starts_with("$EOF:") && preamble.len() == 45),
        )
    });
    let buffered = find_after(&t, sent, "buffered", |e| {
        e.phase == Phase::Transfer
            && is(
                e,
                "A",
                |k| matches!(k, Kind::Buffered { command, .. } if command == "SET during transfer"),
            )
    });
    let load = find_after(&t, buffered, "load", |e| {
        is(e, "B", |k| matches!(k, Kind::Loaded { keys: 3, .. }))
    });
    // The stream starts only after B's first ACK following the load.
    let ack = find_after(&t, load, "ACK", |e| {
        is(e, "B", |k| matches!(k, Kind::AckSent { offset: 0 }))
    });
    let got = find_after(&t, ack, "ACK received", |e| {
        is(e, "A", |k| matches!(k, Kind::AckReceived { offset: 0 }))
    });
    let flushed = find_after(&t, got, "flushed", |e| {
        is(e, "A", |k| {
            matches!(k, Kind::BufferFlushed { commands: 2, .. })
        })
    });
    assert!(!t[..got]
        .iter()
        .any(|e| matches!(e.kind, Kind::BufferFlushed { .. })));
    find_after(&t, flushed, "applied", |e| {
        e.phase == Phase::Replay && is(e, "B", |k| matches!(k, Kind::Applied { offset: 62, .. }))
    });
    assert_eq!(cmd(&mut sim, "B", "GET during"), Frame::bulk("transfer"));
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        62
    );
}

#[test]
fn two_replicas_share_one_diskless_snapshot() {
    let mut sim = Sim::new(3);
    for n in ["A", "B", "C"] {
        sim.add_node(n).unwrap();
    }
    cmd(&mut sim, "A", "SET k v");
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.run_for(2_000);
    cmd(&mut sim, "C", "REPLICAOF A");
    sim.settle().unwrap();
    let t = sim.trace().to_vec();
    let starts: Vec<&Event> = t
        .iter()
        .filter(|e| matches!(e.kind, Kind::BgsaveStarted { .. }))
        .collect();
    assert_eq!(starts.len(), 1, "{}", dump(&t));
    assert!(
        matches!(&starts[0].kind, Kind::BgsaveStarted { replicas, .. } if replicas == &["B", "C"])
    );
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 2);
    assert_eq!(cmd(&mut sim, "C", "GET k"), Frame::bulk("v"));
}

#[test]
fn second_replica_attaches_to_running_disk_bgsave() {
    let mut sim = Sim::new(5);
    for n in ["A", "B", "C"] {
        sim.add_node(n).unwrap();
    }
    cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync no");
    // A big enough snapshot that the BGSAVE takes a while.
    for i in 0..40 {
        cmd(
            &mut sim,
            "A",
            &format!("SET k{i} {}", incompressible(100_000, i)),
        );
    }
    cmd(&mut sim, "B", "REPLICAOF A");
    cmd(&mut sim, "C", "REPLICAOF A");
    run_to_phase(&mut sim, Phase::Snapshot);
    cmd(&mut sim, "A", "SET during bgsave");
    sim.settle().unwrap();
    let t = sim.trace().to_vec();
    let starts = t
        .iter()
        .filter(|e| matches!(e.kind, Kind::BgsaveStarted { .. }))
        .count();
    let attached = find_after(&t, 0, "attach", |e| {
        is(
            e,
            "A",
            |k| matches!(k, Kind::BgsaveAttached { to } if to == "B"),
        )
    });
    assert_eq!(t[attached].replica.as_deref(), Some("C"));
    assert_eq!(starts, 1, "{}", dump(&t));
    assert_eq!(cmd(&mut sim, "C", "GET during"), Frame::bulk("bgsave"));
    let off = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    assert_eq!(
        info_i64(&mut sim, "C", "replication", "slave_repl_offset"),
        off
    );
}
