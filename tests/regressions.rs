//! Inputs that once crashed replscope, found by the fuzz targets in
//! `fuzz/`; each stays here so the crash cannot come back. Every case names
//! the target that found it and asserts the reply real Redis 7.0.15 gives.

use replscope::cli::split_args;
use replscope::resp::Frame;
use replscope::server::{Client, Gate, Outcome, Server};

/// Runs console lines on a fresh server, returning the last reply.
fn run(lines: &[&str]) -> Frame {
    let mut server = Server::new("0".repeat(40), 1_700_000_000_000);
    let mut client = Client::normal();
    let mut last = Frame::Null;
    for line in lines {
        let argv = split_args(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        last = match server.process(&mut client, argv, 1_700_000_000_000, &Gate::default()) {
            Outcome::Done { reply, .. } => reply,
            Outcome::Repl(argv) | Outcome::Exec { argv, .. } => {
                panic!("{line}: handed to replication as {argv:?}")
            }
        };
    }
    last
}

/// fuzz target `command`: a float argument whose second byte starts a
/// multi-byte character made the `0x` prefix check slice a `str` inside
/// that character and panic (`src/num/mod.rs`).
#[test]
fn a_float_with_a_multibyte_character_is_not_a_valid_float() {
    let not_float = Frame::err("ERR value is not a valid float");
    assert_eq!(run(&["ZADD z 1\u{61e} b"]), not_float);
    assert_eq!(run(&["ZADD z 1 b", "ZINCRBY z 0x\u{61e} b"]), not_float);
    assert_eq!(run(&["ZADD z -1\u{61e} b"]), not_float);
    assert_eq!(run(&["INCRBYFLOAT f 1\u{61e}"]), not_float);
}
