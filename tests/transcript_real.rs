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
use replscope::resp::parse_command;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};
use support::RealRedis;

/// The commands in `bytes`, each as its arguments, with the port of
/// `REPLCONF listening-port` and the ID of `PSYNC` replaced by names.
fn commands(mut bytes: &[u8]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    while let Some((argv, used)) = parse_command(bytes) {
        let mut argv: Vec<String> = argv
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        match argv.first().map(String::as_str) {
            Some("REPLCONF") if argv.get(1).map(String::as_str) == Some("listening-port") => {
                argv[2] = "<port>".into();
            }
            Some("PSYNC") if argv.get(1).is_some_and(|id| id.len() == 40) => {
                argv[1] = "<own replid>".into()
            }
            _ => {}
        }
        out.push(argv);
        bytes = &bytes[used..];
    }
    out
}

/// Reads from `s` until `bytes` holds `n` whole commands or 10 s pass.
fn read_commands(s: &mut std::net::TcpStream, bytes: &mut Vec<u8>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 4096];
    while commands(bytes).len() < n && Instant::now() < deadline {
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

    let real_commands = commands(&real);
    assert_eq!(real_commands.len(), 4, "{}", replscope::cli::repr(&real));
    assert_eq!(commands(ours)[..4], real_commands[..]);
    // Byte for byte once the two differing values are put back: the same
    // framing, the same case, the same order.
    let ours_len: usize = {
        let mut rest = ours.as_slice();
        (0..4)
            .map(|_| {
                let (_, used) = parse_command(rest).expect("a command");
                rest = &rest[used..];
                used
            })
            .sum()
    };
    let sim_port = "6380";
    let normalise = |b: &[u8], port: &str| {
        String::from_utf8_lossy(b).replace(
            &format!("${}\r\n{port}\r\n", port.len()),
            "$N\r\n<port>\r\n",
        )
    };
    let real_port = String::from_utf8_lossy(real.as_slice())
        .split("listening-port\r\n")
        .nth(1)
        .and_then(|r| r.split("\r\n").nth(1))
        .map(str::to_string)
        .expect("a listening-port");
    let replid = |b: &str| {
        b.split("PSYNC\r\n$40\r\n")
            .nth(1)
            .map(|r| r[..40].to_string())
    };
    let mut real_text = normalise(&real, &real_port);
    let mut sim_text = normalise(&ours[..ours_len], sim_port);
    for t in [&mut real_text, &mut sim_text] {
        if let Some(id) = replid(t) {
            *t = t.replace(&id, "<own replid>");
        }
    }
    assert_eq!(sim_text, real_text);
}
