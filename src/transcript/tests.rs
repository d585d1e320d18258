use super::compare::{compare, Comparison};
use super::paste::bytes_of;

/// What a 7.0.15 replica sends its master in a handshake (listening on
/// 6380), then its first PSYNC as a fresh replica.
fn handshake() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
    b.extend_from_slice(b"*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n");
    b.extend_from_slice(
        b"*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n",
    );
    b.extend_from_slice(b"*3\r\n$5\r\nPSYNC\r\n$40\r\n");
    b.extend_from_slice(&[b'a'; 40]);
    b.extend_from_slice(b"\r\n$1\r\n1\r\n");
    b
}

fn why(expected: &[u8], got: &[u8]) -> String {
    match compare(expected, got) {
        Comparison::Differ(d) => d.why.unwrap_or("").to_string(),
        Comparison::Same { .. } => panic!("no difference"),
    }
}

#[test]
fn the_same_bytes_are_the_same() {
    let b = handshake();
    assert_eq!(compare(&b, &b), Comparison::Same { bytes: b.len() });
}

#[test]
fn the_first_difference_names_the_frame_seven_sends() {
    let expected = handshake();
    let got = String::from_utf8(expected.clone())
        .unwrap()
        .replace("6380", "6381");
    let Comparison::Differ(d) = compare(&expected, got.as_bytes()) else {
        panic!("they differ");
    };
    // PING (14 bytes), then the REPLCONF up to the port's last digit.
    assert_eq!(d.offset, 14 + 46);
    assert_eq!(
        d.expected,
        "\"*3\\r\\n$8\\r\\nREPLCONF\\r\\n$14\\r\\nlistening-port\\r\\n$4\\r\\n6380\\r\\n\""
    );
    assert_eq!(
        d.got,
        "\"*3\\r\\n$8\\r\\nREPLCONF\\r\\n$14\\r\\nlistening-port\\r\\n$4\\r\\n6381\\r\\n\""
    );
    assert_eq!(d.why, None);
    let text = compare(&expected, &expected[..20]).to_string();
    assert!(
        text.starts_with("first difference at byte 20: real Redis 7.0 sends \"*3"),
        "{text}"
    );
    assert!(text.ends_with("yours \"*3\\r\\n$8\""), "{text}");
}

#[test]
fn the_well_known_differences_are_explained() {
    let expected = handshake();
    let s = String::from_utf8(expected.clone()).unwrap();
    let no_eof = s.replace(
        "*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa",
        "*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa",
    );
    assert!(why(&expected, no_eof.as_bytes()).contains("capa eof capa psync2"));
    let question = s.replace(
        &format!("$40\r\n{}\r\n$1\r\n1", "a".repeat(40)),
        "$1\r\n?\r\n$2\r\n-1",
    );
    assert!(why(&expected, question.as_bytes()).contains("not PSYNC ? -1"));

    // The master's side: +FULLRESYNC, the RDB with no CRLF after it, then
    // the keepalive.
    let mut master =
        b"+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n$20\r\nREDIS0010\xff0123456789"
            .to_vec();
    let rdb_end = master.len();
    master.extend_from_slice(b"*1\r\n$4\r\nping\r\n");
    let mut upper = master[..rdb_end].to_vec();
    upper.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
    assert!(why(&master, &upper).contains("lowercase ping"));
    let mut crlf = master[..rdb_end].to_vec();
    crlf.extend_from_slice(b"\r\n*1\r\n$4\r\nping\r\n");
    assert!(why(&master, &crlf).contains("not followed by a CRLF"));
    let eof = b"+FULLRESYNC x 0\r\n$EOF:aaaa\r\n".to_vec();
    assert!(why(&eof, b"+FULLRESYNC x 0\r\n$10\r\n").contains("$EOF:"));
}

#[test]
fn pastes_as_hex_dumps_or_text() {
    let want = b"*1\r\n$4\r\nping\r\n".to_vec();
    let xxd = "00000000: 2a31 0d0a 2434 0d0a 7069 6e67 0d0a       *1..$4..ping..\n";
    assert_eq!(bytes_of(xxd), Ok(want.clone()));
    let hexdump = "00000000  2a 31 0d 0a 24 34 0d 0a  70 69 6e 67 0d 0a        |*1..$4..ping..|\n";
    assert_eq!(bytes_of(hexdump), Ok(want.clone()));
    assert_eq!(
        bytes_of("2a 31 0d 0a 24 34 0d 0a 70 69 6e 67 0d 0a"),
        Ok(want.clone())
    );
    assert_eq!(bytes_of("*1\\r\\n$4\\r\\nping\\r\\n"), Ok(want.clone()));
    assert_eq!(bytes_of("*1\n$4\nping\n"), Ok(want.clone()));
    assert_eq!(bytes_of("\\x2a1\\r\\n"), Ok(b"*1\r\n".to_vec()));
    let e = bytes_of("ok\n\\q").unwrap_err();
    assert_eq!(
        (e.line, e.message.starts_with("unknown escape '\\q'")),
        (2, true),
        "{e}"
    );
    assert!(bytes_of("\\xZZ").is_err());
}

#[test]
fn a_transcript_holds_the_handshake_and_the_lowercase_keepalive() {
    let mut sim = crate::repl::Sim::new(0);
    sim.record_wire();
    let script = crate::scenario::parse(
        "node A\nnode B\nA> CONFIG SET repl-ping-replica-period 1\nA> CONFIG SET repl-diskless-sync-delay 0\nB> REPLICAOF A\nsettle\nwait 1100\n",
    )
    .expect("parses");
    crate::scenario::run(&script, &mut sim, &mut |_| {}).expect("runs");
    let conns = super::connection::connections(&sim, "B").expect("recording");
    assert_eq!(conns.len(), 1);
    let c = &conns[0];
    assert_eq!(
        (c.master.as_str(), c.replica.as_str(), c.conn),
        ("A", "B", 1)
    );
    assert!(c
        .to_master
        .starts_with(b"*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n"));
    assert!(c
        .to_replica
        .starts_with(b"+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC "));
    assert!(
        c.to_replica.ends_with(b"*1\r\n$4\r\nping\r\n"),
        "{}",
        crate::cli::repr(&c.to_replica)
    );
    // The pieces tile both streams.
    let total: usize = c.chunks.iter().map(|p| p.len).sum();
    assert_eq!(total, c.to_master.len() + c.to_replica.len());
    assert!(super::connection::connections(&crate::repl::Sim::new(0), "B").is_none());
}
