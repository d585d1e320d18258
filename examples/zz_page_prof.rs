use replscope::playground::Playground;
use std::time::Instant;
fn main() {
    let mut pg = Playground::new(1);
    let names: Vec<String> = (1..=31).map(|i| format!("R{i}")).collect();
    let mut script = String::from("node A\n");
    for n in &names { script += &format!("node {n}\n"); }
    script += "A> DEBUG POPULATE 1000 user\n";
    for n in &names { script += &format!("{n}> REPLICAOF A\n"); }
    script += "settle\n";
    let r = pg.run_script(&script).unwrap();
    assert!(r.error.is_none());
    pg.set_load("A", 2000).unwrap();
    let mut ds = vec![];
    for i in 0..1200 {
        let t = Instant::now();
        pg.advance(16);
        let v = pg.view();
        let p = pg.page();
        let e = pg.events(pg.sim().next_seq().saturating_sub(2000), 150, false);
        std::hint::black_box((v, p, e));
        ds.push((t.elapsed().as_secs_f64() * 1000.0, i));
    }
    let mut s: Vec<f64> = ds.iter().map(|d| d.0).collect();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("median {:.2} p95 {:.2} max {:.2}", s[600], s[1140], s[1199]);
    let slow: Vec<usize> = ds.iter().filter(|d| d.0 > s[1140]).map(|d| d.1 % 16).collect();
    println!("slow frames mod 16: {:?}", slow);
    let t = Instant::now();
    let w = pg.sim().world().clone();
    println!("world clone {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    std::hint::black_box(w);
    let t = Instant::now();
    for _ in 0..100 { std::hint::black_box(pg.view()); }
    println!("view {:.3} ms", t.elapsed().as_secs_f64() * 10.0);
}
#[allow(dead_code)]
fn unused() {}
