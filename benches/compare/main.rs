//! `cargo bench --bench compare`: replscope against a real redis-server
//! 7.0.15, measured side by side in one run, printed as one table of times
//! and ratios, and saved under `bench/results/`.
//!
//! What is compared (issue 6):
//! - full sync of 1,000,000 `DEBUG POPULATE` keys, master → replica,
//!   diskless, delay 0: real Redis timed from REPLICAOF to
//!   `master_link_status:up`, the simulator from REPLICAOF to `settle`
//!   returning (snapshot, transfer at unlimited bandwidth, flush, load,
//!   replay, online);
//! - propagation: real `redis-benchmark -P 32 -t set` with one online
//!   replica, against the simulator executing, encoding, delivering and
//!   applying the same SETs on its replica;
//! - memory: bytes per key for 1M keys (real `used_memory` growth; ours
//!   counted by a global allocator wrapper);
//! - scaling: full sync of 10k / 100k / 1M keys; fan-out of 100k keys to
//!   1 / 10 / 100 replicas.
//!
//! The wasm column comes from `bench/wasm/run.mjs` under Node, run on the
//! `--target nodejs` build of `bench/wasm` (the same workload code compiled
//! to wasm); `make bench` builds it and passes its directory in
//! `REPLSCOPE_WASM_PKG`. Without it the wasm column says "not built".
//!
//! `BENCH_QUICK=1` shrinks every size by 10x for a smoke run; `BENCH_RUNS`
//! sets the repetitions per measurement (default 3, the median is shown).
//! `BENCH_PROFILE=full_sync:KEYS` or `BENCH_PROFILE=propagation:SETS` runs
//! only that simulator workload, for a profiler:
//! `perf record -g target/release/deps/compare-* --bench` with the variable set.

#[path = "../../tests/support/mod.rs"]
mod support;

mod alloc;
mod real;
mod report;
mod wasm;
mod workload;

use report::{Report, Row};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// Sizes for one run of the whole comparison.
struct Sizes {
    full_sync_keys: u64,
    propagation_sets: u64,
    memory_keys: u64,
    scaling_keys: [u64; 3],
    fanout_keys: u64,
    fanout_replicas: [usize; 3],
    runs: usize,
}

impl Sizes {
    fn from_env() -> Sizes {
        let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
        let d = if quick { 10 } else { 1 };
        let runs = std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3);
        Sizes {
            full_sync_keys: 1_000_000 / d,
            propagation_sets: 1_000_000 / d,
            memory_keys: 1_000_000 / d,
            scaling_keys: [10_000 / d, 100_000 / d, 1_000_000 / d],
            fanout_keys: 100_000 / d,
            fanout_replicas: if quick { [1, 10, 20] } else { [1, 10, 100] },
            runs: runs.max(1),
        }
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    if let Ok(what) = std::env::var("BENCH_PROFILE") {
        profile(&what);
        return;
    }
    let sizes = Sizes::from_env();
    let mut report = Report::new();
    let wasm = wasm::run(&sizes_json(&sizes));
    report.note(&wasm.note);
    full_sync_rows(&sizes, &wasm, &mut report);
    propagation_row(&sizes, &wasm, &mut report);
    memory_row(&sizes, &wasm, &mut report);
    report.finish();
}

/// Runs one simulator workload alone and prints its time.
fn profile(what: &str) {
    let (name, n) = what.split_once(':').unwrap_or((what, "1000000"));
    let n: u64 = n.parse().unwrap_or(1_000_000);
    let took = match name {
        "full_sync" => sim_full_sync(n, 1),
        "propagation" => {
            let mut world =
                workload::Propagation::prepare().unwrap_or_else(|e| panic!("prepare: {e}"));
            let start = Instant::now();
            world
                .run(n)
                .unwrap_or_else(|e| panic!("simulated propagation: {e}"));
            start.elapsed()
        }
        other => panic!("BENCH_PROFILE: unknown workload {other} (full_sync:N or propagation:N)"),
    };
    println!("{name} {n}: {took:?}");
}

/// The sizes handed to the Node script, as JSON.
fn sizes_json(s: &Sizes) -> String {
    format!(
        "{{\"full_sync_keys\":{},\"propagation_sets\":{},\"memory_keys\":{},\"scaling_keys\":{:?},\"fanout_keys\":{},\"fanout_replicas\":{:?},\"runs\":{}}}",
        s.full_sync_keys, s.propagation_sets, s.memory_keys, s.scaling_keys, s.fanout_keys, s.fanout_replicas, s.runs
    )
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

/// Times one simulator full sync (prepare untimed).
fn sim_full_sync(keys: u64, replicas: usize) -> Duration {
    let mut world =
        workload::FullSync::prepare(keys, replicas).unwrap_or_else(|e| panic!("prepare: {e}"));
    let start = Instant::now();
    world
        .run()
        .unwrap_or_else(|e| panic!("simulated full sync: {e}"));
    let took = start.elapsed();
    drop(world);
    took
}

fn full_sync_rows(s: &Sizes, wasm: &wasm::Results, report: &mut Report) {
    let mut cases: Vec<(String, u64, usize)> = vec![(
        format!("full sync {} keys", human(s.full_sync_keys)),
        s.full_sync_keys,
        1,
    )];
    for &keys in &s.scaling_keys {
        if keys != s.full_sync_keys {
            cases.push((format!("scaling: full sync {} keys", human(keys)), keys, 1));
        }
    }
    for &n in &s.fanout_replicas {
        cases.push((
            format!("scaling: {} keys to {n} replica(s)", human(s.fanout_keys)),
            s.fanout_keys,
            n,
        ));
    }
    for (name, keys, replicas) in cases {
        eprintln!("measuring: {name}");
        let real = median(s.runs, || real::full_sync(keys, replicas));
        let native = median(s.runs, || sim_full_sync(keys, replicas));
        let key = format!("full_sync:{keys}:{replicas}");
        report.row(Row::time(&name, real, native, wasm.time(&key)));
    }
}

fn propagation_row(s: &Sizes, wasm: &wasm::Results, report: &mut Report) {
    let n = s.propagation_sets;
    eprintln!("measuring: propagation of {n} SETs");
    let real = (0..s.runs)
        .map(|_| real::propagation(n))
        .collect::<Vec<_>>();
    let mut bench_rps: Vec<f64> = real.iter().map(|r| r.benchmark_rps).collect();
    let mut e2e_rps: Vec<f64> = real.iter().map(|r| r.end_to_end_rps).collect();
    let native = median(s.runs, || {
        let mut world = workload::Propagation::prepare().unwrap_or_else(|e| panic!("prepare: {e}"));
        let start = Instant::now();
        world
            .run(n)
            .unwrap_or_else(|e| panic!("simulated propagation: {e}"));
        start.elapsed()
    });
    let native_rps = n as f64 / native.as_secs_f64();
    let wasm_rps = wasm
        .time(&format!("propagation:{n}"))
        .map(|t| n as f64 / t.as_secs_f64());
    let name = format!("propagation: {} SETs, 1 replica (SET/s)", human(n));
    report.row(Row::rate(
        &name,
        median_f64(&mut bench_rps),
        native_rps,
        wasm_rps,
    ));
    report.note(&format!(
        "real Redis end to end (until the replica's offset caught up): {:.0} SET/s",
        median_f64(&mut e2e_rps)
    ));
}

fn memory_row(s: &Sizes, wasm: &wasm::Results, report: &mut Report) {
    let keys = s.memory_keys;
    eprintln!("measuring: memory for {keys} keys");
    let real = real::bytes_per_key(keys);
    let (live_before, rss_before) = (alloc::live_bytes(), alloc::rss_bytes());
    let sim = workload::populated(keys).unwrap_or_else(|e| panic!("populate: {e}"));
    let (live_after, rss_after) = (alloc::live_bytes(), alloc::rss_bytes());
    drop(sim);
    let ours = (live_after - live_before) as f64 / keys as f64;
    let rss = rss_after.saturating_sub(rss_before) as f64 / keys as f64;
    let wasm_bpk = wasm.value(&format!("memory:{keys}"));
    report.row(Row::bytes(
        &format!("memory: bytes per key, {} keys", human(keys)),
        real,
        ours,
        wasm_bpk,
    ));
    report.note(&format!(
        "memory, ours: live heap bytes counted by the bench's global allocator; the process's \
         resident-set growth was {rss:.1} bytes/key (lower when pages freed by earlier \
         measurements are reused). wasm column: growth of the module's linear memory"
    ));
}

fn median_f64(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `1M`, `100k`, `10k`.
fn human(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}
