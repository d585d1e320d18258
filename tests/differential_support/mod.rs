//! The differential tester's parts: the script generator ([`gen`]), the
//! minimiser ([`minimise`]), and here the judging of one script: run it on
//! real redis-server 7.0.15 and on the simulator and compare every reply
//! with `conformance_support::compare` in its differential mode; a script
//! that differs runs on real servers a second time, to tell a simulator
//! difference from real Redis disagreeing with itself.

pub mod gen;
pub mod minimise;

use crate::conformance_support::compare::{compare_with, record, Mismatch, Mode, Transcript};
use crate::conformance_support::real::RealWorld;
use replscope::repl::Sim;
use replscope::scenario::{parse, Script};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One run's replies and the ports its nodes had (to read ports as names).
pub struct Side {
    /// Every reply.
    pub transcript: Transcript,
    /// Port → node name.
    pub ports: BTreeMap<u16, String>,
}

/// What one script came to.
pub enum Verdict {
    /// Every reply agreed.
    Clean,
    /// Real Redis disagreed with itself (or a real run broke down): left out.
    RealUnstable(String),
    /// The simulator differs from real Redis.
    Differs(Vec<Mismatch>),
}

/// Runs `script` on the simulator (seed 0, as the conformance suite does).
pub fn run_sim(script: &Script) -> Side {
    let mut sim = Sim::new(0);
    let transcript = record(script, &mut sim);
    let ports = sim
        .node_names()
        .into_iter()
        .filter_map(|n| sim.node(&n).map(|node| (node.server.config.port, n)))
        .collect();
    Side { transcript, ports }
}

/// Runs `script` on fresh real servers; a panic in the harness (a server
/// that did not start) becomes a run that stopped.
pub fn run_real(script: &Script) -> Result<Side, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut world = RealWorld::settling_without_acks();
        let transcript = record(script, &mut world);
        let ports = world.port_names();
        Side { transcript, ports }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the real harness panicked".into())
    })
}

/// The differences between two sides.
pub fn differences(a: &Side, b: &Side) -> Vec<Mismatch> {
    compare_with(
        &a.transcript,
        a.ports.clone(),
        &b.transcript,
        b.ports.clone(),
        Mode::Differential,
    )
}

/// Judges one script: once on real servers and once on the simulator; if
/// they differ, a second real run decides whether real Redis agrees with
/// itself there (when `twice`).
pub fn judge(text: &str, twice: bool) -> Verdict {
    let script = match parse(text) {
        Ok(s) => s,
        Err(e) => return Verdict::Differs(vec![script_error(e.to_string())]),
    };
    let real = match run_real(&script) {
        Ok(r) => r,
        Err(e) => return Verdict::RealUnstable(format!("real run broke down: {e}")),
    };
    let sim = run_sim(&script);
    let all = differences(&real, &sim);
    if all.is_empty() {
        return Verdict::Clean;
    }
    if twice {
        match run_real(&script) {
            Err(e) => return Verdict::RealUnstable(format!("second real run broke down: {e}")),
            Ok(again) => {
                if let Some(m) = differences(&real, &again).first() {
                    return Verdict::RealUnstable(format!("line {}: {}", m.line, m.message));
                }
            }
        }
    }
    if let Some(e) = &real.transcript.error {
        return Verdict::RealUnstable(format!("real run stopped (twice) at {e}"));
    }
    Verdict::Differs(all)
}

fn script_error(message: String) -> Mismatch {
    Mismatch {
        line: 0,
        message: format!("the generated script does not parse: {message}"),
        command: String::new(),
        sides: Default::default(),
    }
}

/// The command word of a mismatch (`INFO`, `GET`), upper-cased; empty for
/// runs that ended differently.
pub fn verb(m: &Mismatch) -> String {
    m.command
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_ascii_uppercase()
}
