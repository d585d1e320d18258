//! Partial resynchronisation: a cut within the backlog continues with
//! `+CONTINUE` and exact offset arithmetic; a cut longer than the backlog
//! falls back to `+FULLRESYNC` with the reason recorded; a promotion keeps
//! the old history as `replid2` so everybody continues (PSYNC2).

mod sim_util;

use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::sim::trace::{Kind, Phase};
use replscope::sim::SimError;
use sim_util::*;

/// Nodes with `repl-diskless-sync-delay 0`, so syncs start at once.
fn nodes(seed: u64, names: &[&str]) -> Sim {
    let mut sim = Sim::new(seed);
    for n in names {
        sim.add_node(n).unwrap();
        cmd(&mut sim, n, "CONFIG SET repl-diskless-sync-delay 0");
    }
    sim
}

fn replid(sim: &mut Sim, node: &str) -> String {
    info(sim, node, "replication", "master_replid")
}

#[test]
fn cut_within_backlog_continues_with_exact_offsets() {
    let mut sim = nodes(1, &["A", "B"]);
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "set foo bar");
    sim.settle().unwrap();
    // SELECT 0 is 23 bytes, `set foo bar` 31: the first write moves the offset to 54.
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "master_repl_offset"),
        54
    );
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        54
    );
    let id = replid(&mut sim, "A");

    sim.link_down("A", "B").unwrap();
    assert_eq!(
        info(&mut sim, "B", "replication", "master_link_status"),
        "down"
    );
    cmd(&mut sim, "A", "set k2 v2");
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "master_repl_offset"),
        83
    );
    let before = sim.next_seq() as usize;
    sim.link_up("A", "B").unwrap();
    sim.settle().unwrap();
    let t = sim.trace_since(before as u64);

    let want = format!("PSYNC {id} 55");
    let psync = find_after(
        &t,
        0,
        "PSYNC",
        |e| matches!(&e.kind, Kind::HandshakeSent { command } if *command == want),
    );
    let decision = find_after(&t, psync, "decision", |e| {
        matches!(&e.kind, Kind::PsyncDecision { result, reason, offset: 55, .. }
            if result == "continue" && reason == "the ID asked for is my replid; offset 55 is inside the backlog 1..84")
    });
    let cont = find_after(&t, decision, "+CONTINUE", |e| {
        matches!(
            &e.kind,
            Kind::Continue {
                offset: 55,
                backlog_bytes: 29,
                ..
            }
        )
    });
    let reply = format!("+CONTINUE {id}");
    find_after(
        &t,
        cont,
        "reply",
        |e| matches!(&e.kind, Kind::HandshakeReply { reply: r } if *r == reply),
    );
    find_after(&t, cont, "applied", |e| {
        &*e.node == "B"
            && e.phase == Phase::Replay
            && matches!(
                &e.kind,
                Kind::Applied {
                    offset: 83,
                    bytes: 29,
                    ..
                }
            )
    });
    assert_eq!(count(&t, |k| matches!(k, Kind::BgsaveStarted { .. })), 0);
    assert_eq!(cmd(&mut sim, "B", "GET k2"), Frame::bulk("v2"));
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        83
    );
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_partial_ok"), 1);
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 1);
    assert_eq!(replid(&mut sim, "B"), id);
}

#[test]
fn backlog_overflow_forces_full_resync_with_reason() {
    let mut sim = nodes(2, &["A", "B"]);
    cmd(&mut sim, "A", "CONFIG SET repl-backlog-size 1000");
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "repl_backlog_size"),
        16384
    );
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET a 1");
    sim.settle().unwrap();
    let off = info_i64(&mut sim, "B", "replication", "slave_repl_offset");
    sim.link_down("A", "B").unwrap();
    // 40 KB: the backlog trims by whole 20,440-byte blocks (Redis 7.0).
    for i in 0..40 {
        cmd(
            &mut sim,
            "A",
            &format!("SET big{i} {}", incompressible(1000, i)),
        );
    }
    let master_off = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    let first = info_i64(
        &mut sim,
        "A",
        "replication",
        "repl_backlog_first_byte_offset",
    );
    // Whole blocks went: the backlog starts on a block boundary (it was
    // created at offset 0) and would hold 16,384 bytes or fewer without
    // its first block.
    let histlen = info_i64(&mut sim, "A", "replication", "repl_backlog_histlen");
    assert_eq!((first - 1) % 20_440, 0, "first byte {first}");
    assert!(histlen > 16_384 && histlen - 20_440 <= 16_384, "{histlen}");
    assert_eq!(first, master_off - histlen + 1);
    let before = sim.next_seq();
    sim.link_up("A", "B").unwrap();
    sim.settle().unwrap();
    let t = sim.trace_since(before);
    let reason = format!(
        "the ID asked for is my replid; offset {} is before the backlog {first}..{} (lack of backlog)",
        off + 1,
        master_off + 1
    );
    let d = find_after(
        &t,
        0,
        "decision",
        |e| matches!(&e.kind, Kind::PsyncDecision { result, reason: r, .. } if result == "fullresync" && *r == reason),
    );
    find_after(
        &t,
        d,
        "+FULLRESYNC",
        |e| matches!(&e.kind, Kind::FullResync { offset, .. } if *offset == master_off),
    );
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 2);
    // The first PSYNC (B offering its own history) and this one both failed.
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_partial_err"), 2);
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        master_off
    );
    assert_eq!(cmd(&mut sim, "B", "DBSIZE"), Frame::Integer(41));
}

#[test]
fn cascade_forwards_applied_bytes_with_equal_offsets() {
    let mut sim = nodes(3, &["A", "B", "C"]);
    cmd(&mut sim, "B", "REPLICAOF A");
    cmd(&mut sim, "C", "REPLICAOF B");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET x 1");
    cmd(&mut sim, "A", "SELECT 3");
    cmd(&mut sim, "A", "INCR counter");
    sim.settle().unwrap();
    let a = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    for n in ["B", "C"] {
        assert_eq!(
            info_i64(&mut sim, n, "replication", "master_repl_offset"),
            a,
            "{n}"
        );
        assert_eq!(
            info_i64(&mut sim, n, "replication", "slave_repl_offset"),
            a,
            "{n}"
        );
        assert_eq!(replid(&mut sim, n), replid(&mut sim, "A"));
    }
    cmd(&mut sim, "C", "SELECT 3");
    assert_eq!(cmd(&mut sim, "C", "GET counter"), Frame::bulk("1"));
}

#[test]
fn middle_replica_answers_nomasterlink_while_syncing() {
    let mut sim = nodes(4, &["A", "B", "C"]);
    sim.set_bandwidth("A", "B", Some(1_000)).unwrap();
    cmd(
        &mut sim,
        "A",
        &format!("SET k {}", incompressible(5_000, 1)),
    );
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.run_for(500);
    cmd(&mut sim, "C", "REPLICAOF B");
    sim.run_for(1_000);
    let t = sim.trace().to_vec();
    find_after(&t, 0, "-NOMASTERLINK", |e| {
        &*e.node == "C"
            && matches!(&e.kind, Kind::HandshakeReply { reply } if reply == "-NOMASTERLINK Can't SYNC while not connected with my master")
    });
    sim.settle().unwrap();
    assert_eq!(cmd(&mut sim, "C", "STRLEN k"), Frame::Integer(5_000));
}

#[test]
fn promotion_keeps_history_as_replid2_and_everybody_continues() {
    let mut sim = nodes(5, &["A", "B", "C"]);
    cmd(&mut sim, "B", "REPLICAOF A");
    cmd(&mut sim, "C", "REPLICAOF B");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET k v");
    sim.settle().unwrap();
    let old = replid(&mut sim, "A");
    let off = info_i64(&mut sim, "B", "replication", "master_repl_offset");
    let full_before = info_i64(&mut sim, "B", "stats", "sync_full");

    cmd(&mut sim, "B", "REPLICAOF NO ONE");
    let new = replid(&mut sim, "B");
    assert_ne!(new, old);
    assert_eq!(info(&mut sim, "B", "replication", "master_replid2"), old);
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "second_repl_offset"),
        off + 1
    );
    let mark = sim.next_seq();
    sim.settle().unwrap();
    cmd(&mut sim, "A", "REPLICAOF B");
    sim.settle().unwrap();
    let t = sim.trace_since(mark);

    // C (dropped by the promotion) and A (a master turned replica, offering
    // its own history) both ask for the old ID at off+1 and continue.
    for n in ["C", "A"] {
        let want = format!("PSYNC {old} {}", off + 1);
        find_after(&t, 0, "PSYNC", |e| {
            &*e.node == n && matches!(&e.kind, Kind::HandshakeSent { command } if *command == want)
        });
        let reply = format!("+CONTINUE {new}");
        find_after(&t, 0, "+CONTINUE", |e| {
            &*e.node == n && matches!(&e.kind, Kind::HandshakeReply { reply: r } if *r == reply)
        });
        assert_eq!(replid(&mut sim, n), new, "{n}");
        assert_eq!(
            info(&mut sim, n, "replication", "master_replid2"),
            old,
            "{n}"
        );
        assert_eq!(
            info_i64(&mut sim, n, "replication", "second_repl_offset"),
            off + 1,
            "{n}"
        );
    }
    assert_eq!(info_i64(&mut sim, "B", "stats", "sync_partial_ok"), 2);
    assert_eq!(info_i64(&mut sim, "B", "stats", "sync_full"), full_before);
    cmd(&mut sim, "B", "SET after promotion");
    sim.settle().unwrap();
    assert_eq!(cmd(&mut sim, "A", "GET after"), Frame::bulk("promotion"));
    assert_eq!(cmd(&mut sim, "C", "GET after"), Frame::bulk("promotion"));
}

#[test]
fn forced_resync_and_legacy_sync_are_full_syncs() {
    let mut sim = nodes(6, &["A", "B"]);
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET k v");
    sim.settle().unwrap();
    let mark = sim.next_seq();
    sim.resync("B", false).expect("B is a replica");
    sim.settle().unwrap();
    let t = sim.trace_since(mark);
    find_after(
        &t,
        0,
        "PSYNC ? -1",
        |e| matches!(&e.kind, Kind::HandshakeSent { command } if command == "PSYNC ? -1"),
    );
    find_after(
        &t,
        0,
        "decision",
        |e| matches!(&e.kind, Kind::PsyncDecision { reason, .. } if reason == "the replica asked for a full resync (PSYNC ? -1)"),
    );
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 2);
    // `?` is a deliberate full sync: not a failed partial one.
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_partial_err"), 1);

    let mark = sim.next_seq();
    sim.resync("B", true).expect("B is a replica");
    sim.settle().unwrap();
    let t = sim.trace_since(mark);
    find_after(
        &t,
        0,
        "SYNC",
        |e| matches!(&e.kind, Kind::HandshakeSent { command } if command == "SYNC"),
    );
    assert_eq!(count(&t, |k| matches!(k, Kind::FullResync { .. })), 0);
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_full"), 3);
    assert_eq!(cmd(&mut sim, "B", "GET k"), Frame::bulk("v"));
    assert_eq!(
        sim.resync("A", false),
        Err(SimError::NotReplica("A".into())),
        "a master cannot resync"
    );
}

#[test]
fn middle_full_sync_drops_sub_replicas_which_resync_too() {
    let mut sim = nodes(7, &["A", "B", "C"]);
    cmd(&mut sim, "B", "REPLICAOF A");
    cmd(&mut sim, "C", "REPLICAOF B");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET k v");
    sim.settle().unwrap();
    let mark = sim.next_seq();
    // B full-syncs again while A keeps writing: C's history falls out of
    // B's fresh backlog.
    sim.resync("B", false).expect("B is a replica");
    cmd(&mut sim, "A", "SET k2 v2");
    sim.settle().unwrap();
    let t = sim.trace_since(mark);
    let dropped = find_after(&t, 0, "sub-replicas dropped", |e| {
        &*e.node == "B" && matches!(&e.kind, Kind::SubReplicasDropped { count: 1, .. })
    });
    let freed = find_after(&t, 0, "backlog freed", |e| {
        &*e.node == "B" && matches!(&e.kind, Kind::BacklogFreed { .. })
    });
    let flush = find_after(&t, 0, "flush", |e| {
        &*e.node == "B" && matches!(&e.kind, Kind::Flush { .. })
    });
    assert!(dropped < flush && freed < flush, "{}", dump(&t));
    find_after(&t, flush, "C full sync", |e| {
        &*e.node == "B"
            && e.replica.as_deref() == Some("C")
            && matches!(&e.kind, Kind::PsyncDecision { result, .. } if result == "fullresync")
    });
    assert_eq!(cmd(&mut sim, "C", "GET k2"), Frame::bulk("v2"));
    let a = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    assert_eq!(
        info_i64(&mut sim, "C", "replication", "slave_repl_offset"),
        a
    );
}
