use replscope::sim::Sim;
use std::time::Instant;

#[test]
fn perf() {
    let mut sim = Sim::new(1);
    sim.add_node("M").unwrap();
    sim.add_node("R0").unwrap();
    sim.set_latency_ms("M", "R0", 0).unwrap();
    sim.command("M", vec![b"CONFIG".to_vec(), b"SET".to_vec(), b"repl-diskless-sync-delay".to_vec(), b"0".to_vec()]).unwrap();
    sim.command("R0", vec![b"REPLICAOF".to_vec(), b"M".to_vec()]).unwrap();
    sim.settle().unwrap();
    let t = Instant::now();
    let n = 200_000u64;
    for i in 0..n {
        let argv = vec![b"SET".to_vec(), format!("key:{:012}", i).into_bytes(), b"VXK".to_vec()];
        sim.command("M", argv).unwrap();
        if (i + 1) % 32 == 0 { sim.settle().unwrap(); }
    }
    sim.settle().unwrap();
    let el = t.elapsed();
    eprintln!("propagation: {:.0} sets/s", n as f64 / el.as_secs_f64());
}

#[test]
fn perf_full() {
    let mut sim = Sim::new(1);
    sim.add_node("M").unwrap();
    sim.add_node("R0").unwrap();
    sim.set_latency_ms("M", "R0", 0).unwrap();
    sim.command("M", vec![b"CONFIG".to_vec(), b"SET".to_vec(), b"repl-diskless-sync-delay".to_vec(), b"0".to_vec()]).unwrap();
    sim.command("M", vec![b"DEBUG".to_vec(), b"POPULATE".to_vec(), b"1000000".to_vec()]).unwrap();
    let t = Instant::now();
    sim.command("R0", vec![b"REPLICAOF".to_vec(), b"M".to_vec()]).unwrap();
    sim.settle().unwrap();
    eprintln!("full sync 1M keys: {:?}", t.elapsed());
}
