//! The commands around replication: WAIT with GETACK (37 bytes), the
//! min-replicas, read-only and stale-data gates, ROLE, REPLICAOF replies,
//! repl-timeout, PING counted in offsets, the backlog TTL.

mod sim_util;

use replscope::repl::Sim;
use replscope::resp::Frame;
use replscope::sim::trace::Kind;
use sim_util::*;

fn pair(seed: u64) -> Sim {
    let mut sim = Sim::new(seed);
    for n in ["A", "B"] {
        sim.add_node(n).unwrap();
        cmd(&mut sim, n, "CONFIG SET repl-diskless-sync-delay 0");
    }
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.settle().unwrap();
    sim
}

#[test]
fn wait_blocks_sends_getack_and_succeeds_37_bytes_behind() {
    let mut sim = pair(1);
    cmd(&mut sim, "A", "SET foo bar");
    let woff = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    assert_eq!(woff, 54);
    let mark = sim.next_seq();
    assert_eq!(cmd(&mut sim, "A", "WAIT 1 1000"), Frame::Integer(1));
    let t = sim.trace_since(mark);
    let blocked = find_after(&t, 0, "blocked", |e| {
        matches!(
            &e.kind,
            Kind::WaitBlocked {
                numreplicas: 1,
                offset: 54,
                timeout_ms: 1000
            }
        )
    });
    let getack = find_after(
        &t,
        blocked,
        "GETACK",
        |e| matches!(&e.kind, Kind::Propagate { command, bytes: 37, offset: 91, .. } if command == "REPLCONF GETACK *"),
    );
    // The ACK the GETACK triggers does not include the GETACK's own bytes.
    let ack = find_after(&t, getack, "ACK", |e| {
        &*e.node == "A" && matches!(&e.kind, Kind::AckReceived { offset: 54 })
    });
    find_after(&t, ack, "done", |e| {
        matches!(&e.kind, Kind::WaitDone { acked: 1 })
    });
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "master_repl_offset"),
        woff + 37
    );
    sim.settle().unwrap();
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        woff + 37
    );
}

#[test]
fn wait_times_out_in_virtual_time_and_is_refused_on_replicas() {
    let mut sim = pair(2);
    sim.link_down("A", "B").unwrap();
    cmd(&mut sim, "A", "SET k v");
    let t0 = sim.now_ms();
    assert_eq!(cmd(&mut sim, "A", "WAIT 1 250"), Frame::Integer(0));
    assert_eq!(sim.now_ms() - t0, 250);
    assert_eq!(cmd(&mut sim, "A", "WAIT 0 0"), Frame::Integer(0));
    assert_eq!(
        cmd(&mut sim, "A", "WAIT 1 -1"),
        Frame::err("ERR timeout is negative")
    );
    assert_eq!(
        cmd(&mut sim, "A", "WAIT x 1"),
        Frame::err("ERR value is not an integer or out of range")
    );
    let Frame::Error(e) = cmd(&mut sim, "B", "WAIT 1 1") else {
        panic!("WAIT on a replica must fail");
    };
    assert!(e.starts_with("ERR WAIT cannot be used with replica instances."));
}

#[test]
fn min_replicas_to_write_refuses_without_good_replicas() {
    let mut sim = pair(3);
    cmd(&mut sim, "A", "CONFIG SET min-replicas-to-write 1");
    cmd(&mut sim, "A", "CONFIG SET min-replicas-max-lag 2");
    sim.run_for(1_000);
    assert_eq!(cmd(&mut sim, "A", "SET k v"), Frame::ok());
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "min_slaves_good_slaves"),
        1
    );
    sim.link_down_one_way("B", "A").unwrap();
    sim.run_for(4_000);
    assert_eq!(
        cmd(&mut sim, "A", "SET k v2"),
        Frame::err("NOREPLICAS Not enough good replicas to write.")
    );
    assert_eq!(cmd(&mut sim, "A", "GET k"), Frame::bulk("v"));
    sim.link_up("A", "B").unwrap();
    sim.run_for(2_000);
    assert_eq!(cmd(&mut sim, "A", "SET k v3"), Frame::ok());
}

#[test]
fn replica_is_read_only_and_can_refuse_stale_reads() {
    let mut sim = pair(4);
    assert_eq!(
        cmd(&mut sim, "B", "SET k v"),
        Frame::err("READONLY You can't write against a read only replica.")
    );
    cmd(&mut sim, "A", "SET k v");
    sim.settle().unwrap();
    sim.link_down("A", "B").unwrap();
    assert_eq!(cmd(&mut sim, "B", "GET k"), Frame::bulk("v"));
    cmd(&mut sim, "B", "CONFIG SET replica-serve-stale-data no");
    assert_eq!(
        cmd(&mut sim, "B", "GET k"),
        Frame::err(
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
        )
    );
    // A writable replica's own writes stay local and do not move its offset.
    cmd(&mut sim, "B", "CONFIG SET replica-read-only no");
    let off = info_i64(&mut sim, "B", "replication", "master_repl_offset");
    sim.link_up("A", "B").unwrap();
    sim.settle().unwrap();
    assert_eq!(cmd(&mut sim, "B", "SET local 1"), Frame::ok());
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "master_repl_offset"),
        off
    );
    assert_eq!(cmd(&mut sim, "A", "GET local"), Frame::Null);
}

#[test]
fn role_and_replicaof_replies() {
    let mut sim = pair(5);
    cmd(&mut sim, "A", "SET k v");
    sim.settle().unwrap();
    let off = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    sim.run_for(1_000);
    let role = cmd(&mut sim, "A", "ROLE");
    let expect = Frame::Array(vec![
        Frame::bulk("master"),
        Frame::Integer(off),
        Frame::Array(vec![Frame::Array(vec![
            Frame::bulk("B"),
            Frame::bulk("6380"),
            Frame::bulk(off.to_string()),
        ])]),
    ]);
    assert_eq!(role, expect);
    let role = cmd(&mut sim, "B", "ROLE");
    let expect = Frame::Array(vec![
        Frame::bulk("slave"),
        Frame::bulk("A"),
        Frame::Integer(6379),
        Frame::bulk("connected"),
        Frame::Integer(off),
    ]);
    assert_eq!(role, expect);
    assert_eq!(
        cmd(&mut sim, "B", "REPLICAOF A 6379"),
        Frame::Simple("OK Already connected to specified master".into())
    );
    assert_eq!(cmd(&mut sim, "A", "REPLICAOF NO ONE"), Frame::ok());
    assert!(sim.command("B", argv("REPLICAOF nobody")).is_err());
    assert_eq!(info(&mut sim, "B", "replication", "master_host"), "A");
    assert_eq!(info_i64(&mut sim, "B", "replication", "master_port"), 6379);
}

#[test]
fn ping_every_ten_seconds_counts_in_offsets() {
    let mut sim = pair(6);
    let start = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    sim.run_for(20_000);
    sim.settle().unwrap();
    let end = info_i64(&mut sim, "A", "replication", "master_repl_offset");
    // Two PINGs of 14 bytes; a PING goes to the stream's current db, so no
    // SELECT precedes it.
    assert_eq!(end - start, 28);
    assert_eq!(
        info_i64(&mut sim, "B", "replication", "slave_repl_offset"),
        end
    );
}

#[test]
fn repl_timeout_drops_a_silent_master_and_replica() {
    let mut sim = pair(7);
    cmd(&mut sim, "A", "CONFIG SET repl-timeout 5");
    cmd(&mut sim, "B", "CONFIG SET repl-timeout 5");
    sim.link_down_one_way("A", "B").unwrap();
    sim.link_down_one_way("B", "A").unwrap();
    sim.run_for(8_000);
    let t = sim.trace().to_vec();
    find_after(&t, 0, "replica timeout", |e| {
        &*e.node == "B"
            && matches!(&e.kind, Kind::ConnClosed { reason, .. } if reason == "MASTER timeout: no data nor PING received...")
    });
    find_after(&t, 0, "master timeout", |e| {
        &*e.node == "A"
            && matches!(&e.kind, Kind::ConnClosed { reason, .. } if reason == "Disconnecting timedout replica (streaming sync)")
    });
    sim.link_up("A", "B").unwrap();
    sim.settle().unwrap();
    assert_eq!(info_i64(&mut sim, "A", "stats", "sync_partial_ok"), 1);
}

#[test]
fn backlog_ttl_frees_backlog_and_changes_replid() {
    let mut sim = pair(8);
    cmd(&mut sim, "A", "CONFIG SET repl-backlog-ttl 10");
    let id = info(&mut sim, "A", "replication", "master_replid");
    cmd(&mut sim, "B", "REPLICAOF NO ONE");
    sim.run_for(9_000);
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "repl_backlog_active"),
        1
    );
    sim.run_for(3_000);
    assert_eq!(
        info_i64(&mut sim, "A", "replication", "repl_backlog_active"),
        0
    );
    assert_ne!(info(&mut sim, "A", "replication", "master_replid"), id);
}

fn set_output_limit(sim: &mut Sim, limit: &str) {
    let argv = vec![
        b"CONFIG".to_vec(),
        b"SET".to_vec(),
        b"client-output-buffer-limit".to_vec(),
        limit.as_bytes().to_vec(),
    ];
    assert_eq!(sim.command("A", argv).unwrap(), Frame::ok());
}

/// A master with a 200 kB dataset behind a 50 kB/s link, so a full sync
/// takes about four seconds.
fn slow_sync_world(seed: u64) -> Sim {
    let mut sim = Sim::new(seed);
    for n in ["A", "B"] {
        sim.add_node(n).unwrap();
    }
    cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync-delay 0");
    for i in 0..20 {
        cmd(
            &mut sim,
            "A",
            &format!("SET k{i} {}", incompressible(10_000, i)),
        );
    }
    sim.set_bandwidth("A", "B", Some(50_000)).unwrap();
    sim
}

#[test]
fn output_buffer_hard_limit_makes_the_full_resync_loop() {
    let mut sim = slow_sync_world(9);
    set_output_limit(&mut sim, "replica 20000 10000 60");
    cmd(&mut sim, "B", "REPLICAOF A");
    // 8 kB of writes per second: the buffer passes 20 kB before the
    // 4-second transfer ends, every time.
    for i in 0..60 {
        for j in 0..4 {
            cmd(
                &mut sim,
                "A",
                &format!("SET w{} {}", i * 4 + j, incompressible(1000, i * 4 + j)),
            );
        }
        sim.run_for(500);
    }
    let t = sim.trace().to_vec();
    let drops = count(
        &t,
        |k| matches!(k, Kind::OutputBufferLimit { limit, .. } if limit == "hard"),
    );
    let syncs = count(&t, |k| matches!(k, Kind::BgsaveStarted { .. }));
    assert!(drops >= 3, "{drops} drops\n{}", dump(&t));
    assert!(syncs >= drops, "{syncs} BGSAVEs for {drops} drops");
    assert!(info_i64(&mut sim, "A", "stats", "sync_full") >= 4);
    // Once the writes stop, the next full sync succeeds.
    sim.settle().unwrap();
    assert_eq!(cmd(&mut sim, "B", "DBSIZE"), cmd(&mut sim, "A", "DBSIZE"));
}

#[test]
fn output_buffer_soft_limit_needs_time_above_it() {
    let mut sim = slow_sync_world(10);
    set_output_limit(&mut sim, "replica 0 5000 1");
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.run_for(100);
    for i in 0..8 {
        cmd(
            &mut sim,
            "A",
            &format!("SET w{i} {}", incompressible(1000, i)),
        );
    }
    sim.run_for(900);
    let t = sim.trace().to_vec();
    assert_eq!(
        count(&t, |k| matches!(k, Kind::OutputBufferLimit { .. })),
        0
    );
    sim.run_for(2_000);
    let t = sim.trace().to_vec();
    find_after(
        &t,
        0,
        "soft limit",
        |e| matches!(&e.kind, Kind::OutputBufferLimit { limit, .. } if limit == "soft"),
    );
}

/// Issue 11: `settle` waited for bytes but not for a close. After
/// `REPLICAOF NO ONE` the close of B's link is on its way to A; settle
/// must wait for it, so A no longer lists B (real Redis: gone at once).
#[test]
fn settle_waits_for_a_close_in_flight() {
    let mut sim = pair(11);
    cmd(&mut sim, "A", "CONFIG SET repl-ping-replica-period 3600");
    let mut slow = pair(12);
    slow.set_latency_ms("A", "B", 400).unwrap();
    for sim in [&mut sim, &mut slow] {
        assert_eq!(cmd(sim, "B", "REPLICAOF NO ONE"), Frame::ok());
        sim.settle().unwrap();
        let replication = info(sim, "A", "replication", "connected_slaves");
        assert_eq!(replication, "0");
        let role = cmd(sim, "A", "ROLE");
        let Frame::Array(items) = role else {
            panic!("ROLE is an array");
        };
        assert_eq!(items[2], Frame::Array(vec![]));
    }
}

/// Issue 11: a host that is no node is an unreachable master. Real Redis
/// 7.0.15 answers `+OK` (the host differs, whatever the port), then fails
/// to connect every second; INFO shows the host and port, the link down,
/// never up (`master_link_down_since_seconds:-1`), no sync in progress,
/// and ROLE `connect` with offset -1 (measured on redis-server 7.0.15).
#[test]
fn replicaof_an_unknown_host_answers_ok_and_never_connects() {
    let mut sim = pair(13);
    assert_eq!(cmd(&mut sim, "B", "REPLICAOF nosuchnode 6379"), Frame::ok());
    assert_eq!(cmd(&mut sim, "B", "REPLICAOF nosuchnode 1234"), Frame::ok());
    sim.run_for(2_500);
    let field = |sim: &mut Sim, f| info(sim, "B", "replication", f);
    assert_eq!(field(&mut sim, "master_host"), "nosuchnode");
    assert_eq!(field(&mut sim, "master_port"), "1234");
    assert_eq!(field(&mut sim, "master_link_status"), "down");
    assert_eq!(field(&mut sim, "master_sync_in_progress"), "0");
    assert_eq!(field(&mut sim, "master_last_io_seconds_ago"), "-1");
    assert_eq!(
        cmd(&mut sim, "B", "REPLICAOF nosuchnode 1234"),
        Frame::Simple("OK Already connected to specified master".into())
    );
    let failures = count(
        sim.trace(),
        |k| matches!(k, Kind::ConnectFailed { master, .. } if master == "nosuchnode"),
    );
    assert!(
        (2..=4).contains(&failures),
        "one attempt a second, got {failures}"
    );
    sim.settle().unwrap();
    assert_eq!(info(&mut sim, "A", "replication", "connected_slaves"), "0");
}
