//! Conformance: every scenario in `tests/conformance/*.scen` runs on real
//! redis-server 7.0.15 processes and on the simulator, and every reply must
//! agree (see `conformance_support::compare` for what "agree" means for INFO
//! and ROLE). `expect` lines in the scenarios must hold on real Redis too, so
//! each file also pins what real Redis answers.
//!
//! The scenarios run in parallel threads (they mostly wait on real servers).
//! Set `CONFORMANCE_ONLY=substring` to run only matching files, and
//! `CONFORMANCE_SHOW=1` to print each side's replies as compared.

mod conformance_support;
mod support;

use conformance_support::compare::{compare, record, Transcript};
use conformance_support::real::RealWorld;
use replscope::repl::Sim;
use replscope::scenario::{parse, Script};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Scenarios where the simulator is known to disagree with real Redis, with
/// the reason. They are run and reported, but do not fail the suite; one
/// that starts passing fails it, so the list stays true.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// How many scenarios run at once.
const PARALLEL: usize = 6;

/// The result of one scenario file.
struct Outcome {
    file: String,
    problems: Vec<String>,
    /// The compared replies, when `CONFORMANCE_SHOW` is set.
    shown: String,
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let only = std::env::var("CONFORMANCE_ONLY").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "scen"))
        .filter(|p| p.to_string_lossy().contains(&only))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs one file on both sides and lists every problem.
fn check_file(path: &Path) -> Outcome {
    let file = file_name(path);
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let script = match parse(&text) {
        Ok(s) => s,
        Err(e) => {
            return Outcome {
                file,
                problems: vec![format!("does not parse: {e}")],
                shown: String::new(),
            }
        }
    };
    let mut problems = Vec::new();
    let (real, real_ports) = run_real(&script);
    let (sim, sim_ports) = run_sim(&script);
    let mut shown = String::new();
    if std::env::var("CONFORMANCE_SHOW").is_ok() {
        shown.push_str(&show("real", &real, real_ports.clone()));
        shown.push_str(&show("sim", &sim, sim_ports.clone()));
    }
    // The scenario's own expectations must hold on real Redis: they pin
    // what real Redis answers, whatever the simulator does.
    for f in &real.expect_failures {
        problems.push(format!("real Redis: {f}"));
    }
    if let Some(e) = &real.error {
        problems.push(format!("real Redis stopped at {e}"));
    }
    // And on the simulator: an expectation is a claim about Redis, so a
    // simulator that breaks it is wrong even where the compared fields
    // happen to agree.
    for f in &sim.expect_failures {
        problems.push(format!("simulator: {f}"));
    }
    for m in compare(&real, real_ports, &sim, sim_ports) {
        problems.push(format!("line {}: {}", m.line, m.message));
    }
    Outcome {
        file,
        problems,
        shown,
    }
}

/// One side's replies, normalized as the comparison sees them.
fn show(side: &str, t: &Transcript, ports: BTreeMap<u16, String>) -> String {
    let mut norm = conformance_support::compare::Normalizer::new(ports);
    let mut out = format!("  --- {side}\n");
    for e in &t.entries {
        let text = replscope::scenario::one_line(&norm.normalize(e));
        out.push_str(&format!("  {:>3} {}\n      {}\n", e.line, e.command, text));
    }
    if let Some(e) = &t.error {
        out.push_str(&format!("  stopped: {e}\n"));
    }
    out
}

/// Runs the script on a fresh simulator (seed 0), returning the ports its
/// nodes report (to read ROLE back as node names).
fn run_sim(script: &Script) -> (Transcript, BTreeMap<u16, String>) {
    let mut sim = Sim::new(0);
    let transcript = record(script, &mut sim);
    let ports = sim
        .node_names()
        .into_iter()
        .filter_map(|n| sim.node(&n).map(|node| (node.server.config.port, n)))
        .collect();
    (transcript, ports)
}

fn run_real(script: &Script) -> (Transcript, BTreeMap<u16, String>) {
    let mut world = RealWorld::default();
    let transcript = record(script, &mut world);
    let ports = world.port_names();
    (transcript, ports)
}

/// Runs `files` on `PARALLEL` threads.
fn run_all(files: Vec<PathBuf>) -> Vec<Outcome> {
    let queue = Mutex::new(files);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some(path) = next else { break };
                let outcome = check_file(&path);
                if let Ok(mut r) = results.lock() {
                    r.push(outcome);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.file.cmp(&b.file));
    results
}

#[test]
fn scenarios_agree_with_real_redis() {
    support::require_redis();
    let files = scenario_files();
    if std::env::var("CONFORMANCE_ONLY").is_err() {
        // The issue asks for at least 20 scenarios covering the facts file.
        assert!(
            files.len() >= 20,
            "expected at least 20 scenarios, found {}",
            files.len()
        );
    }
    let mut report = String::new();
    let mut unexpected = 0;
    for outcome in run_all(files) {
        report.push_str(&outcome.shown);
        let known = KNOWN_FAILURES.iter().find(|(f, _)| *f == outcome.file);
        match (known, outcome.problems.is_empty()) {
            (None, true) => report.push_str(&format!("ok    {}\n", outcome.file)),
            (Some((_, why)), false) => {
                report.push_str(&format!("known {} ({why})\n", outcome.file));
                for p in &outcome.problems {
                    report.push_str(&format!("      {p}\n"));
                }
            }
            (Some(_), true) => {
                unexpected += 1;
                report.push_str(&format!(
                    "FIXED {}: passes now, remove it from KNOWN_FAILURES\n",
                    outcome.file
                ));
            }
            (None, false) => {
                unexpected += 1;
                report.push_str(&format!("FAIL  {}\n", outcome.file));
                for p in &outcome.problems {
                    report.push_str(&format!("      {p}\n"));
                }
            }
        }
    }
    println!("{report}");
    assert_eq!(unexpected, 0, "conformance failures:\n{report}");
}

/// The comparison itself must catch differences, or a passing suite would
/// mean nothing: offsets, sync counters, the replication-id pattern, data
/// replies, ROLE's ports read as node names, and a run that stops early.
#[test]
fn comparison_catches_differences() {
    use conformance_support::compare::Entry;
    use replscope::resp::Frame;
    let info = |id: &str, offset: u32| {
        Frame::bulk(format!(
            "# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=x,port=1,state=online\r\n\
             master_replid:{id}\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n\
             master_repl_offset:{offset}\r\nrepl_backlog_size:1048576\r\n"
        ))
    };
    let entry = |line: usize, name: &str, reply: Frame| Entry {
        line,
        command: format!("A> {name}"),
        name: name.as_bytes().to_vec(),
        reply,
    };
    let transcript = |entries: Vec<Entry>| Transcript {
        entries,
        ..Transcript::default()
    };
    let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
    let role = |port: &str| {
        Frame::Array(vec![
            Frame::bulk("master"),
            Frame::Integer(0),
            Frame::Array(vec![Frame::Array(vec![
                Frame::bulk("127.0.0.1"),
                Frame::bulk(port),
                Frame::bulk("0"),
            ])]),
        ])
    };
    let real = transcript(vec![
        entry(1, "INFO", info(&a, 10)),
        entry(2, "INFO", info(&a, 10)),
        entry(3, "INFO", info(&a, 10)),
        entry(4, "GET", Frame::bulk("v")),
        entry(5, "ROLE", role("7001")),
        entry(6, "ROLE", role("7001")),
    ]);
    let sim = transcript(vec![
        // Another id, same pattern: equal.
        entry(1, "INFO", info(&b, 10)),
        // A new id where real kept its id: the pattern differs.
        entry(2, "INFO", info(&c, 10)),
        entry(3, "INFO", info(&b, 11)),
        entry(4, "GET", Frame::bulk("w")),
        entry(5, "ROLE", role("6380")),
        entry(6, "ROLE", role("6379")),
    ]);
    let real_ports = BTreeMap::from([(7001, "B".to_string())]);
    let sim_ports = BTreeMap::from([(6379, "A".to_string()), (6380, "B".to_string())]);
    let lines: Vec<usize> = compare(&real, real_ports.clone(), &sim, sim_ports.clone())
        .iter()
        .map(|m| m.line)
        .collect();
    assert_eq!(lines, vec![2, 3, 4, 6]);

    let shorter = transcript(sim.entries[..1].to_vec());
    let mismatches = compare(&real, real_ports, &shorter, sim_ports);
    let last = mismatches.last().expect("a shorter run is a mismatch");
    assert_eq!(
        last.message,
        "runs ended differently: real ran 6 commands (completed), sim ran 1 (completed)"
    );
}
