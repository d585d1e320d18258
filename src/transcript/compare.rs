//! "Compare with my server": bytes someone's own server sent, pasted as
//! text or as a hex dump, against the bytes real Redis 7.0 sends at the
//! same point, and the first byte where they part — with what 7.0 sends
//! there and, where the difference is a well-known one, why.
//!
//! The known differences are the ones implementers of replication
//! usually meet (see the module's tests for each): the replica's
//! `REPLCONF capa eof capa psync2`, a fresh replica's `PSYNC <replid>
//! <offset>` rather than `PSYNC ? -1`, the master's lowercase `ping`
//! keepalive and its capitalised `REPLCONF GETACK *`, the RDB's `$EOF:`
//! framing in a diskless sync, and the RDB payload sent with no CRLF after
//! it. The explanation is read from the bytes 7.0 sends, never from a
//! guess about the other program.

use crate::cli::repr;
use std::fmt;

/// How far apart two byte streams are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// Byte for byte the same, this long.
    Same { bytes: usize },
    /// The first byte that differs (or where one stream ends early).
    Differ(Difference),
}

/// The first difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Its offset in both streams (everything before it is equal).
    pub offset: usize,
    /// The command or reply 7.0 sends at that point, whole, as redis-cli
    /// quotes bytes (`"*1\r\n$4\r\nping\r\n"`).
    pub expected: String,
    /// The same stretch of the pasted bytes.
    pub got: String,
    /// Why, when the difference is a known one.
    pub why: Option<&'static str>,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Comparison::Same { bytes } => write!(f, "the same {bytes} bytes as real Redis 7.0"),
            Comparison::Differ(d) => {
                write!(
                    f,
                    "first difference at byte {}: real Redis 7.0 sends {}, yours {}",
                    d.offset, d.expected, d.got
                )?;
                match d.why {
                    Some(why) => write!(f, ". {why}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Compares `got` with `expected` (what real 7.0 sends).
pub fn compare(expected: &[u8], got: &[u8]) -> Comparison {
    let same = expected.iter().zip(got).take_while(|(a, b)| a == b).count();
    if same == expected.len() && same == got.len() {
        return Comparison::Same { bytes: same };
    }
    let (start, end) = frame_around(expected, same);
    let expected_frame = &expected[start..end];
    // The same stretch of theirs, at least up to the differing byte.
    let got_from = start.min(got.len());
    let got_frame = &got[got_from..end.max(same + 1).min(got.len()).max(got_from)];
    Comparison::Differ(Difference {
        offset: same,
        expected: if expected_frame.is_empty() {
            "nothing more".into()
        } else {
            repr(expected_frame)
        },
        got: if got_frame.is_empty() {
            "nothing more".into()
        } else {
            repr(got_frame)
        },
        why: known(expected_frame, got_frame, &expected[..start]),
    })
}

/// The RESP frame of `bytes` that holds offset `at`: from the start of the
/// line-led item it belongs to (`*`, `+`, `-`, `:`, `$`) to its end. Bytes
/// that are not RESP (an RDB payload) give the 64 bytes around `at`.
fn frame_around(bytes: &[u8], at: usize) -> (usize, usize) {
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(end) = frame_end(bytes, pos) else {
            break;
        };
        if at < end {
            return (pos, end);
        }
        pos = end;
    }
    let start = at.saturating_sub(16).max(pos.min(at));
    (start, (at + 48).min(bytes.len()))
}

/// The end of the RESP item starting at `pos`, if it is one (an RDB bulk
/// `$<len>\r\n<bytes>` has no CRLF after it, as Redis sends it).
fn frame_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let line_end = |from: usize| {
        bytes[from..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map(|i| from + i + 2)
    };
    let after = line_end(pos)?;
    let header = &bytes[pos + 1..after - 2];
    let count = || std::str::from_utf8(header).ok()?.parse::<i64>().ok();
    match bytes[pos] {
        b'+' | b'-' | b':' => Some(after),
        b'$' if header.starts_with(b"EOF:") => Some(after),
        b'$' => {
            let n = usize::try_from(count()?).ok()?;
            let end = after + n;
            // A bulk string in a command ends with CRLF; the RDB does not.
            Some(
                if bytes.get(end..end + 2) == Some(b"\r\n") {
                    end + 2
                } else {
                    end
                }
                .min(bytes.len()),
            )
        }
        b'*' => {
            let mut end = after;
            for _ in 0..count()?.max(0) {
                end = frame_end(bytes, end)?;
            }
            Some(end)
        }
        _ => None,
    }
}

/// The known difference, if `got` differs from `expected` in a way that
/// implementers of replication often meet. `before` is what came earlier.
fn known(expected: &[u8], got: &[u8], before: &[u8]) -> Option<&'static str> {
    let lower = |b: &[u8]| b.to_ascii_lowercase();
    let has = |b: &[u8], s: &str| b.windows(s.len()).any(|w| w == s.as_bytes());
    if got.starts_with(b"\r\n") && ends_rdb(before) {
        return Some("the RDB payload ($<length>\\r\\n<bytes>) is not followed by a CRLF");
    }
    if expected == b"*1\r\n$4\r\nping\r\n" && expected.eq_ignore_ascii_case(got) {
        return Some(
            "the master's keepalive every repl-ping-replica-period is a lowercase ping \
             (replicationCron builds it from the shared \"ping\" string); it counts in the offsets, 14 bytes",
        );
    }
    if has(expected, "REPLCONF\r\n$6\r\nGETACK") && lower(expected) == lower(got) {
        return Some("the master asks for acknowledgements with REPLCONF GETACK * in capitals");
    }
    if has(expected, "capa\r\n$3\r\neof\r\n") && !has(got, "eof") {
        return Some(
            "a 7.0 replica announces REPLCONF capa eof capa psync2: eof lets the master stream a \
             diskless RDB framed by $EOF:<mark>",
        );
    }
    if has(expected, "PSYNC") && has(got, "PSYNC\r\n$1\r\n?\r\n$2\r\n-1") {
        return Some(
            "a master told REPLICAOF at run time caches itself as its master and sends PSYNC \
             with its own replication ID and offset + 1, not PSYNC ? -1 (which a server started \
             with replicaof in its configuration sends); the master answers +FULLRESYNC either way",
        );
    }
    if expected.starts_with(b"$EOF:") && got.starts_with(b"$") {
        return Some(
            "in a diskless sync the RDB is framed as $EOF:<40 random characters>\\r\\n, the RDB, \
             and the same 40 characters: its length is not known in advance",
        );
    }
    if lower(expected) == lower(got) {
        return Some("the same command in another letter case: Redis sends these names exactly so");
    }
    None
}

/// Whether `before` ends with a whole `$<len>\r\n<RDB>` payload.
fn ends_rdb(before: &[u8]) -> bool {
    let mut pos = 0;
    let mut last_is_rdb = false;
    while pos < before.len() {
        let Some(end) = frame_end(before, pos) else {
            return false;
        };
        last_is_rdb = before[pos] == b'$' && before[pos..end].windows(5).any(|w| w == b"REDIS");
        pos = end;
    }
    last_is_rdb
}
