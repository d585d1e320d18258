//! The differential tester: seeded random replication scripts (see
//! `differential_support::gen` for what they do and how timing is kept out
//! of them), each run twice on real redis-server 7.0.15 processes (through
//! the conformance harness, with its cut-able proxies) and once on the
//! simulator; every reply must agree (`compare::Mode::Differential`).
//!
//! - A seed whose two real runs disagree with each other is left out and
//!   counted: real Redis was racy there, so it says nothing about the
//!   simulator.
//! - Any other difference fails the run, printing the script (minimised for
//!   the first few failing seeds) and how to rerun it.
//!
//! Runs:
//! - `cargo test --test differential` — [`SHORT_SEEDS`] seeds;
//! - `make soak` runs `DIFF_SEEDS=1000 cargo test --release --test
//!   differential -- --ignored diff_long --nocapture` after the simulator soak;
//! - one seed, printed, judged and minimised:
//!   `DIFF_SEED=N cargo test --test differential -- --ignored diff_one --nocapture`.
//!
//! - a script file, judged: `DIFF_FILE=path cargo test --test differential --
//!   --ignored diff_file --nocapture`.
//!
//! Other knobs: `DIFF_FROM` (first seed), `DIFF_THREADS` (seeds at once,
//! default 12), `DIFF_MINIMISE` (how many failing seeds a sweep minimises,
//! default 2), `DIFF_MINIMISE_SECS` (each one's budget, default 300).

mod conformance_support;
mod differential_support;
mod schedule;
mod support;

use conformance_support::compare::Mismatch;
use differential_support::gen::generate;
use differential_support::minimise::{makes_a_loop, minimise};
use differential_support::{judge, verb, Verdict};
use replscope::scenario::parse;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seeds in the short run inside `cargo test`.
const SHORT_SEEDS: u64 = 30;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn rerun(seed: u64) -> String {
    format!("DIFF_SEED={seed} cargo test --test differential -- --ignored diff_one --nocapture")
}

/// The figures of a sweep.
#[derive(Default)]
struct Tally {
    clean: u64,
    /// Seed and why, for seeds where real Redis disagreed with itself.
    unstable: Vec<(u64, String)>,
    /// Seed and its first differences.
    differs: Vec<(u64, Vec<Mismatch>)>,
}

/// Judges `seeds` on `DIFF_THREADS` threads.
fn sweep(seeds: std::ops::Range<u64>) -> Tally {
    let threads = env_u64("DIFF_THREADS").unwrap_or(12).max(1);
    let queue = Mutex::new(seeds.rev().collect::<Vec<u64>>());
    let tally = Mutex::new(Tally::default());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some(seed) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let text = generate(seed).text();
                    let verdict = judge(&text, true);
                    let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
                    match verdict {
                        Verdict::Clean => t.clean += 1,
                        Verdict::RealUnstable(why) => t.unstable.push((seed, why)),
                        Verdict::Differs(ms) => {
                            eprintln!("seed {seed} DIFFERS: {}", ms[0].message);
                            t.differs.push((seed, ms));
                        }
                    }
                }
            });
        }
    });
    tally.into_inner().unwrap_or_default()
}

/// Runs a sweep, prints its figures and every failing seed (the first
/// `DIFF_MINIMISE` minimised), and fails if any seed differed.
fn sweep_and_report(seeds: std::ops::Range<u64>) {
    support::require_redis();
    let started = Instant::now();
    let total = seeds.end - seeds.start;
    let mut t = sweep(seeds);
    t.differs.sort_by_key(|(s, _)| *s);
    t.unstable.sort_by_key(|(s, _)| *s);
    let to_minimise = env_u64("DIFF_MINIMISE").unwrap_or(2) as usize;
    for (i, (seed, diffs)) in t.differs.iter().enumerate() {
        eprintln!("\n=== seed {seed} differs from real Redis:");
        for d in diffs {
            eprintln!("  line {}: {}", d.line, d.message);
        }
        if i < to_minimise {
            print_minimised(*seed, &verb(&diffs[0]));
        }
        eprintln!("  rerun: {}", rerun(*seed));
    }
    for (seed, why) in &t.unstable {
        eprintln!("left out: seed {seed}, real Redis disagreed with itself: {why}");
    }
    eprintln!(
        "differential: {total} seeds in {:.1} s: {} clean, {} left out (real Redis disagreed \
         with itself), {} differ",
        started.elapsed().as_secs_f64(),
        t.clean,
        t.unstable.len(),
        t.differs.len()
    );
    let failed: Vec<u64> = t.differs.iter().map(|(s, _)| *s).collect();
    assert!(
        failed.is_empty(),
        "seeds differ from real Redis: {failed:?}"
    );
}

fn print_minimised(seed: u64, first_verb: &str) {
    let budget = Duration::from_secs(env_u64("DIFF_MINIMISE_SECS").unwrap_or(300));
    let m = minimise(&generate(seed), first_verb, budget);
    let note = if m.out_of_time {
        " (time budget ran out)"
    } else {
        ""
    };
    eprintln!(
        "--- seed {seed} minimised to {} of {} actions{note}:\n{}---",
        m.kept.0, m.kept.1, m.text
    );
}

/// The short run, inside `cargo test`.
#[test]
fn diff_short() {
    sweep_and_report(0..SHORT_SEEDS);
}

/// The long run (`make soak`): `DIFF_SEEDS` seeds (default 1,000) from
/// `DIFF_FROM` (default 0).
#[test]
#[ignore = "long: run with `make soak`"]
fn diff_long() {
    let count = env_u64("DIFF_SEEDS").unwrap_or(1000);
    let from = env_u64("DIFF_FROM").unwrap_or(0);
    sweep_and_report(from..from + count);
}

/// One seed (`DIFF_SEED`): prints its script, judges it, minimises it if
/// it differs.
#[test]
#[ignore = "run one seed: DIFF_SEED=N"]
fn diff_one() {
    let Some(seed) = env_u64("DIFF_SEED") else {
        eprintln!("set DIFF_SEED=N to run one seed");
        return;
    };
    let generated = generate(seed);
    println!("{}", generated.text());
    match judge(&generated.text(), true) {
        Verdict::Clean => eprintln!("seed {seed}: clean"),
        Verdict::RealUnstable(why) => eprintln!("seed {seed}: left out, {why}"),
        Verdict::Differs(ms) => {
            for m in &ms {
                eprintln!("line {}: {}", m.line, m.message);
            }
            print_minimised(seed, &verb(&ms[0]));
            panic!("seed {seed} differs from real Redis");
        }
    }
}

/// Every generated script parses, never makes a replication loop, and is
/// the same script when generated again; sizes stay in the brief's ranges.
#[test]
fn generator_makes_valid_loop_free_scripts() {
    for seed in 0..2000 {
        let g = generate(seed);
        let text = g.text();
        let script = parse(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        assert!(!makes_a_loop(&script), "seed {seed} makes a loop:\n{text}");
        assert_eq!(text, generate(seed).text(), "seed {seed}");
        assert!((30..=100).contains(&g.actions.len()), "seed {seed}");
        let nodes = g.header.iter().filter(|l| l.starts_with("node ")).count();
        assert!((2..=6).contains(&nodes), "seed {seed}: {nodes} nodes");
    }
}

/// The loop check itself catches a loop, also through a cascade.
#[test]
fn loop_check_catches_loops() {
    let script = |body: &str| parse(&format!("node A\nnode B\nnode C\n{body}")).expect("parses");
    assert!(!makes_a_loop(&script("B> REPLICAOF A\nC> REPLICAOF B\n")));
    assert!(makes_a_loop(&script(
        "B> REPLICAOF A\nC> REPLICAOF B\nA> REPLICAOF C\n"
    )));
    assert!(!makes_a_loop(&script(
        "B> REPLICAOF A\nB> REPLICAOF NO ONE\nA> REPLICAOF B\n"
    )));
}

/// Judges a script file (`DIFF_FILE`), a minimised one or one written by
/// hand, and prints every difference.
#[test]
#[ignore = "judge one script file: DIFF_FILE=path"]
fn diff_file() {
    let Ok(path) = std::env::var("DIFF_FILE") else {
        eprintln!("set DIFF_FILE=path to judge a script file");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match judge(&text, true) {
        Verdict::Clean => eprintln!("{path}: clean"),
        Verdict::RealUnstable(why) => eprintln!("{path}: left out, {why}"),
        Verdict::Differs(ms) => {
            for m in &ms {
                eprintln!("line {}: {}", m.line, m.message);
            }
            panic!("{path} differs from real Redis");
        }
    }
}

/// Prints the script of `DIFF_SEED` without running it.
#[test]
#[ignore = "print one seed's script: DIFF_SEED=N"]
fn diff_print() {
    if let Some(seed) = env_u64("DIFF_SEED") {
        print!("{}", generate(seed).text());
    }
}
