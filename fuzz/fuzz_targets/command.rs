//! Fuzzes the command path a console line takes: redis-cli argument
//! splitting, then `Server::process` — lookup, arity, MULTI queueing,
//! execution, propagation rewrites — for a sequence of lines on one client,
//! so MULTI/EXEC/DISCARD, SELECT and expiry interact across lines.
//!
//! The first byte chooses the client: a console client, or the master's
//! replication client (whose commands always run and which sees expired
//! keys). Virtual time advances a little per line, so TTLs expire mid-run,
//! and an active expiry cycle runs at the end.
//!
//! Commands that legitimately allocate in proportion to a number argument
//! (`DEBUG POPULATE 100000000`, `SETRANGE k 500000000 x`) are skipped when
//! that number is large: they are correct behaviour, but a fuzzer would
//! spend its time (and its memory limit) on them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use replscope::cli::split_args;
use replscope::server::{Client, Gate, Outcome, Server};

/// The most lines one input runs.
const MAX_LINES: usize = 64;
/// Largest number argument accepted for the commands in [`SIZED`].
const MAX_SIZE_ARG: i64 = 100_000;
/// Commands whose cost grows with a number argument.
const SIZED: &[&str] = &[
    "debug",
    "setrange",
    "setbit",
    "bitfield",
    "lpos",
    "srandmember",
    "zrandmember",
    "hrandfield",
    "spop",
];
/// A realistic Unix time for the virtual clock (2023-11-14).
const START_MS: i64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&who, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut server = Server::new("0".repeat(40), START_MS);
    let mut client = if who & 1 == 1 {
        Client::master()
    } else {
        Client::normal()
    };
    let mut now_ms = START_MS;
    for line in text.lines().take(MAX_LINES) {
        let Ok(argv) = split_args(line) else {
            continue;
        };
        if argv.is_empty() || too_big(&argv) {
            continue;
        }
        now_ms += i64::from(who >> 1) * 7;
        if let Outcome::Done { propagate, .. } =
            server.process(&mut client, argv, now_ms, &Gate::default())
        {
            assert!(
                propagate.iter().all(|p| !p.argv.is_empty()),
                "empty propagated command"
            );
        }
    }
});

/// True for a command in [`SIZED`] with a number argument above [`MAX_SIZE_ARG`].
fn too_big(argv: &[Vec<u8>]) -> bool {
    let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
    SIZED.contains(&name.as_str())
        && argv[1..].iter().any(|a| {
            std::str::from_utf8(a)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .is_some_and(|n| n.unsigned_abs() > MAX_SIZE_ARG as u64)
        })
}
