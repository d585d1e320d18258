use replscope::resp::Frame;
use replscope::sim::Sim;

fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split_whitespace().map(|s| s.as_bytes().to_vec()).collect()
}

#[test]
fn smoke() {
    let mut sim = Sim::new(1);
    sim.add_node("A").unwrap();
    sim.add_node("B").unwrap();
    sim.command("A", argv("SET foo bar")).unwrap();
    sim.command("B", argv("REPLICAOF A")).unwrap();
    sim.settle().unwrap();
    assert_eq!(sim.command("B", argv("GET foo")).unwrap(), Frame::bulk("bar"));
    sim.command("A", argv("SET x 1")).unwrap();
    sim.settle().unwrap();
    for e in sim.trace() {
        println!("{:>6} {:>5} {} {:?} {:?} {:?}", e.seq, e.time_ms, e.node, e.replica, e.phase, e.kind);
    }
    assert_eq!(sim.command("B", argv("GET x")).unwrap(), Frame::bulk("1"));
}
