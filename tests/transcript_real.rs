//! `replscope transcript` against real redis-server 7.0.15: the bytes a
//! real replica sends its master in the handshake, captured by a test
//! listener playing the master, equal the bytes of the simulator's
//! replica in its transcript (the listening port and the replica's own
//! replication ID, which differ by nature, normalised).
//!
//! This is how the test found that the page's claim "a fresh replica sends
//! PSYNC with its own ID" needs its condition: that holds for a master
//! told REPLICAOF at run time (the simulator's case, and this test's); a
//! server started with `replicaof` in its configuration asks `PSYNC ? -1`.

mod support;

use replscope::repl::Sim;
use replscope::resp::{encode_command, parse_command};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};
use support::RealRedis;

/// The first `n` commands of `bytes` as RESP again, with the port of
/// `REPLCONF listening-port` and the ID of `PSYNC` replaced by names, and
/// whether those `n` commands were framed exactly as they re-encode (so
/// comparing the results compares the bytes).
fn normalised(mut bytes: &[u8], n: usize) -> (Vec<u8>, bool) {
    let (mut out, mut canonical) = (Vec::new(), true);
    for _ in 0..n {
        let Some((mut argv, used)) = parse_command(bytes) else {
            break;
        };
        canonical &= encode_command(&argv) == bytes[..used];
        bytes = &bytes[used..];
        match argv.first().map(Vec::as_slice) {
            Some(b"REPLCONF") if argv.get(1).map(Vec::as_slice) == Some(b"listening-port") => {
                argv[2] = b"<port>".to_vec();
            }
            Some(b"PSYNC") if argv.get(1).is_some_and(|id| id.len() == 40) => {
                argv[1] = b"<own replid>".to_vec();
            }
            _ => {}
        }
        out.extend(encode_command(&argv));
    }
    (out, canonical)
}

/// How many whole commands `bytes` holds.
fn count(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some((_, used)) = parse_command(bytes) {
        bytes = &bytes[used..];
        n += 1;
    }
    n
}

/// Reads from `s` until `bytes` holds `n` whole commands or 10 s pass.
fn read_commands(s: &mut std::net::TcpStream, bytes: &mut Vec<u8>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 4096];
    while count(bytes) < n && Instant::now() < deadline {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => bytes.extend_from_slice(&buf[..k]),
            Err(_) => {}
        }
    }
}

#[test]
fn a_replica_handshake_is_byte_for_byte_real_redis() {
    support::require_redis();
    let fake_master = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = fake_master
        .local_addr()
        .expect("address")
        .port()
        .to_string();
    // Told REPLICAOF at run time, as the simulator's B is: a master turned
    // replica caches itself as its master and asks PSYNC <own replid>
    // <offset + 1>. (Started with `replicaof` in its config, it would ask
    // PSYNC ? -1.)
    let mut replica = RealRedis::start(&[]);
    replica.cmd(&["REPLICAOF", "127.0.0.1", &port]);
    let (mut s, _) = fake_master.accept().expect("the real replica connects");
    s.set_read_timeout(Some(Duration::from_millis(200))).ok();
    let mut real = Vec::new();
    read_commands(&mut s, &mut real, 1);
    s.write_all(b"+PONG\r\n").expect("write");
    read_commands(&mut s, &mut real, 3);
    s.write_all(b"+OK\r\n+OK\r\n").expect("write");
    read_commands(&mut s, &mut real, 4);

    let mut sim = Sim::new(0);
    sim.record_wire();
    let script =
        replscope::scenario::parse("node A\nnode B\nB> REPLICAOF A\nsettle\n").expect("parses");
    replscope::scenario::run(&script, &mut sim, &mut |_| {}).expect("runs");
    let conns = replscope::transcript::connection::connections(&sim, "B").expect("recording");
    let ours = &conns[0].to_master;

    assert_eq!(count(&real), 4, "{}", replscope::cli::repr(&real));
    let (real_bytes, real_canonical) = normalised(&real, 4);
    let (sim_bytes, sim_canonical) = normalised(ours, 4);
    assert!(
        real_canonical && sim_canonical,
        "framed as RESP arrays of bulk strings"
    );
    // Byte for byte: the same commands, framing, case and order.
    assert_eq!(
        replscope::cli::repr(&sim_bytes),
        replscope::cli::repr(&real_bytes)
    );
}

/// The master's side: a real 7.0.15 master's keepalive to a replica that
/// finished its sync is the lowercase `*1\r\n$4\r\nping\r\n`, and so is the
/// simulator's.
#[test]
fn the_master_keepalive_is_real_redis_lowercase_ping() {
    let mut master = RealRedis::start(&[
        "--repl-ping-replica-period",
        "1",
        "--repl-diskless-sync",
        "no",
    ]);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", master.port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_millis(200))).ok();
    // PSYNC is refused while replies are still pending: read them first.
    s.write_all(&encode_command(&["PING"])).expect("write");
    read_until(&mut s, b"+PONG\r\n");
    s.write_all(&encode_command(&["REPLCONF", "listening-port", "7999"]))
        .expect("write");
    s.write_all(&encode_command(&[
        "REPLCONF", "capa", "eof", "capa", "psync2",
    ]))
    .expect("write");
    read_until(&mut s, b"+OK\r\n+OK\r\n");
    s.write_all(&encode_command(&["PSYNC", "?", "-1"]))
        .expect("write");
    let ping = b"*1\r\n$4\r\nping\r\n";
    let (mut got, mut buf) = (Vec::new(), [0u8; 65536]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !got.windows(ping.len()).any(|w| w == ping) && Instant::now() < deadline {
        if let Ok(k) = s.read(&mut buf) {
            got.extend_from_slice(&buf[..k]);
        }
    }
    assert!(
        got.windows(ping.len()).any(|w| w == ping),
        "no keepalive in {}",
        replscope::cli::repr(&got)
    );
    assert!(!got
        .windows(ping.len())
        .any(|w| w.eq_ignore_ascii_case(ping) && w != ping));
    let _ = master.cmd(&["PING"]);

    let mut sim = Sim::new(0);
    sim.record_wire();
    let script = "node A\nnode B\nA> CONFIG SET repl-ping-replica-period 1\nB> REPLICAOF A\nsettle\nwait 1100\n";
    let script = replscope::scenario::parse(script).expect("parses");
    replscope::scenario::run(&script, &mut sim, &mut |_| {}).expect("runs");
    let conns = replscope::transcript::connection::connections(&sim, "B").expect("recording");
    assert!(
        conns[0].to_replica.ends_with(ping),
        "{}",
        replscope::cli::repr(&conns[0].to_replica)
    );
}

/// Reads from `s` until `want` has arrived (or 10 s pass).
fn read_until(s: &mut std::net::TcpStream, want: &[u8]) {
    let (mut got, mut buf) = (Vec::new(), [0u8; 1024]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !got.ends_with(want) && Instant::now() < deadline {
        if let Ok(k) = s.read(&mut buf) {
            got.extend_from_slice(&buf[..k]);
        }
    }
}
