//! The differential tester: seeded random replication scripts (see
//! `differential_support::gen` for what they do and how timing is kept out
//! of them), each run twice on real redis-server 7.0.15 processes (through
//! the conformance harness, with its cut-able proxies) and once on the
//! simulator; every reply must agree (`compare::Mode::Differential`).
//!
//! - A seed whose two real runs disagree with each other is left out and
//!   counted: real Redis was racy there, so it says nothing about the
//!   simulator.
//! - A seed whose every difference is one of the known ones still being
//!   fixed elsewhere (`differential_support::known`, temporary) is counted
//!   under that filter's name.
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
//! Other knobs: `DIFF_FROM` (first seed), `DIFF_THREADS` (seeds at once,
//! default 12), `DIFF_MINIMISE` (how many failing seeds a sweep minimises,
//! default 2), `DIFF_MINIMISE_SECS` (each one's budget, default 300),
//! `DIFF_REPL_IN_MULTI=1` (replication commands inside MULTI blocks).

mod conformance_support;
mod differential_support;
mod schedule;
mod support;

use conformance_support::compare::Mismatch;
use differential_support::gen::{generate, Options};
use differential_support::minimise::{makes_a_loop, minimise};
use differential_support::{judge, known, verb, Verdict};
use replscope::scenario::parse;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seeds in the short run inside `cargo test`.
const SHORT_SEEDS: u64 = 30;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn options() -> Options {
    Options {
        repl_in_multi: std::env::var("DIFF_REPL_IN_MULTI").is_ok_and(|v| v == "1"),
    }
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
    /// Seeds per known filter.
    known: BTreeMap<&'static str, u64>,
    /// Seed and its first differences.
    differs: Vec<(u64, Vec<Mismatch>)>,
}

/// Judges `seeds` on `DIFF_THREADS` threads.
fn sweep(seeds: std::ops::Range<u64>) -> Tally {
    let threads = env_u64("DIFF_THREADS").unwrap_or(12).max(1);
    let queue = Mutex::new(seeds.rev().collect::<Vec<u64>>());
    let tally = Mutex::new(Tally {
        known: known::FILTERS.iter().map(|f| (*f, 0)).collect(),
        ..Tally::default()
    });
    let opts = options();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some(seed) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let text = generate(seed, opts).text();
                    let verdict = judge(&text, true);
                    let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
                    match verdict {
                        Verdict::Clean => t.clean += 1,
                        Verdict::RealUnstable(why) => t.unstable.push((seed, why)),
                        Verdict::Known(names) => {
                            for n in names {
                                *t.known.entry(n).or_default() += 1;
                            }
                        }
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
    let known: Vec<String> = t.known.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    eprintln!(
        "differential: {total} seeds in {:.1} s: {} clean, {} left out (real Redis disagreed \
         with itself), {} only known differences ({}), {} differ",
        started.elapsed().as_secs_f64(),
        t.clean,
        t.unstable.len(),
        t.known.values().sum::<u64>(),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        },
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
    let m = minimise(&generate(seed, options()), first_verb, budget);
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
    let generated = generate(seed, options());
    println!("{}", generated.text());
    match judge(&generated.text(), true) {
        Verdict::Clean => eprintln!("seed {seed}: clean"),
        Verdict::RealUnstable(why) => eprintln!("seed {seed}: left out, {why}"),
        Verdict::Known(names) => eprintln!("seed {seed}: only known differences: {names:?}"),
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
        let g = generate(seed, options());
        let text = g.text();
        let script = parse(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        assert!(!makes_a_loop(&script), "seed {seed} makes a loop:\n{text}");
        assert_eq!(text, generate(seed, options()).text(), "seed {seed}");
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

/// The temporary filters recognise exactly their difference: the same
/// replies elsewhere, or a further difference in the same reply, are not
/// filtered.
#[test]
fn known_filters_are_exact() {
    let script = parse(
        "node A\nnode B\nB> REPLICAOF A\nsettle\nB> REPLICAOF NO ONE\nsettle\nA> INFO replication\n\
         wait 100\nA> INFO replication\nB> WAIT 1 10\nB> ROLE\n",
    )
    .expect("parses");
    let m = |line: usize, command: &str, real: &str, sim: &str| Mismatch {
        line,
        message: String::new(),
        command: command.to_string(),
        sides: (real.to_string(), sim.to_string()),
    };
    let listed = "INFO {role:master connected_slaves:1 master_repl_offset:42 replicas:<B>=online}";
    let gone = "INFO {role:master connected_slaves:0 master_repl_offset:42}";
    let moved = "INFO {role:master connected_slaves:0 master_repl_offset:43}";
    let close = |line, real, sim| known::known(&script, &m(line, "A> INFO replication", real, sim));
    assert_eq!(close(7, gone, listed), Some(known::SETTLE_CLOSE_IN_FLIGHT));
    assert_eq!(close(7, moved, listed), None, "an offset differs too");
    assert_eq!(close(9, gone, listed), None, "time has passed since");
    let masterdown =
        "(error) MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    let wait_err = "(error) ERR WAIT cannot be used with replica instances. Please also note ...";
    let wait = |real, sim| known::known(&script, &m(10, "B> WAIT 1 10", real, sim));
    assert_eq!(
        wait(masterdown, wait_err),
        Some(known::WAIT_ON_STALE_REPLICA)
    );
    assert_eq!(wait(wait_err, masterdown), None);
    let role = |state: &str, offset: i64| {
        format!("1) \"slave\"\n2) \"<host>\"\n3) \"<A>\"\n4) \"{state}\"\n5) (integer) {offset}")
    };
    let roles = |real: &str, sim: &str| known::known(&script, &m(11, "B> ROLE", real, sim));
    let cut = Some(known::CUT_REPLICA_CONNECTING);
    assert_eq!(roles(&role("connect", -1), &role("connecting", -1)), cut);
    assert_eq!(roles(&role("handshake", -1), &role("connect", -1)), cut);
    assert_eq!(roles(&role("connected", 5), &role("connect", -1)), None);
    assert_eq!(roles(&role("connect", 5), &role("connecting", 6)), None);
}

/// Prints the script of `DIFF_SEED` without running it.
#[test]
#[ignore = "print one seed's script: DIFF_SEED=N"]
fn diff_print() {
    if let Some(seed) = env_u64("DIFF_SEED") {
        print!("{}", generate(seed, options()).text());
    }
}
