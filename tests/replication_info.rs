//! INFO replication and ROLE against a real redis-server 7.0.15: the same
//! fields in the same order, for a master with a replica, a connected
//! replica and a replica whose link is down.

mod sim_util;
mod support;

use replscope::repl::Sim;
use replscope::resp::Frame;
use sim_util::*;
use support::RealRedis;

/// `field` names of an INFO replication text, in order, with the replica
/// lines (`slave0:`) collapsed to their name.
fn fields(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(':').next().map(str::to_string))
        .collect()
}

fn values(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.trim_end().split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn real_info(r: &mut RealRedis) -> String {
    match r.cmd(&["INFO", "replication"]) {
        Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        other => panic!("INFO: {other:?}"),
    }
}

fn sim_info(sim: &mut Sim, node: &str) -> String {
    match cmd(sim, node, "INFO replication") {
        Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        other => panic!("INFO: {other:?}"),
    }
}

fn wait_for(r: &mut RealRedis, field: &str, value: &str) {
    for _ in 0..200 {
        if r.info_field("replication", field).as_deref() == Some(value) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{field} never became {value}");
}

#[test]
fn info_replication_fields_match_real_redis() {
    let mut master = RealRedis::start(&["--repl-diskless-sync-delay", "0"]);
    let mut replica = RealRedis::start(&[]);
    let real_alone = real_info(&mut master);
    replica.cmd(&["REPLICAOF", "127.0.0.1", &master.port.to_string()]);
    let real_down = real_info(&mut replica);
    wait_for(&mut replica, "master_link_status", "up");
    master.cmd(&["SET", "foo", "bar"]);
    wait_for(&mut replica, "slave_repl_offset", "54");
    let (real_master, real_replica) = (real_info(&mut master), real_info(&mut replica));

    let mut sim = Sim::new(1);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync-delay 0");
    let sim_alone = sim_info(&mut sim, "A");
    cmd(&mut sim, "B", "REPLICAOF A");
    let sim_down = sim_info(&mut sim, "B");
    sim.settle().unwrap();
    cmd(&mut sim, "A", "SET foo bar");
    sim.settle().unwrap();
    // Let B's once-a-second ACK report the new offset.
    sim.run_for(1_000);
    let (sim_master, sim_replica) = (sim_info(&mut sim, "A"), sim_info(&mut sim, "B"));

    assert_eq!(fields(&sim_alone), fields(&real_alone));
    assert_eq!(fields(&sim_down), fields(&real_down));
    assert_eq!(fields(&sim_master), fields(&real_master));
    assert_eq!(fields(&sim_replica), fields(&real_replica));
    // Values that do not depend on ids, names, ports or timing agree too.
    for (sim_text, real_text) in [
        (&sim_master, &real_master),
        (&sim_replica, &real_replica),
        (&sim_down, &real_down),
    ] {
        let (s, r) = (values(sim_text), values(real_text));
        for ((sk, sv), (rk, rv)) in s.iter().zip(&r) {
            let varies = [
                "master_replid",
                "master_host",
                "master_port",
                "slave0",
                "master_last_io_seconds_ago",
            ];
            if !varies.contains(&sk.as_str()) {
                assert_eq!((sk, sv), (rk, rv), "sim:\n{sim_text}\nreal:\n{real_text}");
            }
        }
    }
    let slave0 = sim_master
        .lines()
        .find(|l| l.starts_with("slave0:"))
        .unwrap();
    assert!(
        slave0.starts_with("slave0:ip=B,port=6380,state=online,offset=54,lag="),
        "{slave0}"
    );
}

#[test]
fn role_has_the_real_shape() {
    let mut master = RealRedis::start(&["--repl-diskless-sync-delay", "0"]);
    let mut replica = RealRedis::start(&[]);
    let port = master.port.to_string();
    replica.cmd(&["REPLICAOF", "127.0.0.1", &port]);
    wait_for(&mut replica, "master_link_status", "up");
    wait_for(
        &mut master,
        "slave0",
        &format!(
            "ip=127.0.0.1,port={},state=online,offset=0,lag=0",
            replica.port
        ),
    );
    let real_master = master.cmd(&["ROLE"]);
    let real_replica = replica.cmd(&["ROLE"]);

    let mut sim = Sim::new(2);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    cmd(&mut sim, "A", "CONFIG SET repl-diskless-sync-delay 0");
    cmd(&mut sim, "B", "REPLICAOF A");
    sim.settle().unwrap();
    sim.run_for(1_000);
    let sim_master = cmd(&mut sim, "A", "ROLE");
    let sim_replica = cmd(&mut sim, "B", "ROLE");

    let host = Frame::bulk("127.0.0.1");
    let expect_master = Frame::Array(vec![
        Frame::bulk("master"),
        Frame::Integer(0),
        Frame::Array(vec![Frame::Array(vec![
            host.clone(),
            Frame::bulk(replica.port.to_string()),
            Frame::bulk("0"),
        ])]),
    ]);
    assert_eq!(real_master, expect_master);
    let expect_replica = Frame::Array(vec![
        Frame::bulk("slave"),
        host,
        Frame::Integer(i64::from(master.port)),
        Frame::bulk("connected"),
        Frame::Integer(0),
    ]);
    assert_eq!(real_replica, expect_replica);
    // The simulator names nodes where Redis shows addresses.
    let sim_expect_master = Frame::Array(vec![
        Frame::bulk("master"),
        Frame::Integer(0),
        Frame::Array(vec![Frame::Array(vec![
            Frame::bulk("B"),
            Frame::bulk("6380"),
            Frame::bulk("0"),
        ])]),
    ]);
    assert_eq!(sim_master, sim_expect_master);
    let sim_expect_replica = Frame::Array(vec![
        Frame::bulk("slave"),
        Frame::bulk("A"),
        Frame::Integer(6379),
        Frame::bulk("connected"),
        Frame::Integer(0),
    ]);
    assert_eq!(sim_replica, sim_expect_replica);
}
