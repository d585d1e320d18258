//! What `redis-cli` does at both ends of a console line: split the typed line
//! into arguments, and print the reply.
//!
//! [`split_args`] follows Redis's `sdssplitargs` (double quotes with `\n`,
//! `\xHH` and friends, single quotes with only `\'`), and [`render`] follows
//! `redis-cli`'s TTY formatter (`(integer) 1`, `(nil)`, numbered nested
//! arrays, `"quoted"` bulk strings with `sdscatrepr` escapes). The console in
//! the page, the scenario runner and the tests all use these, so a reply reads
//! the same everywhere it is shown.

use crate::resp::Frame;

/// Splits a command line like `sdssplitargs`. Unbalanced quotes, or a closing
/// quote followed by something other than a space, is an error, which
/// redis-cli reports as `Invalid argument(s)`.
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let b = line.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Ok(args);
        }
        let mut cur = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            let c = b.get(i).copied();
            if in_dq {
                match c {
                    None => return Err("Invalid argument(s): unbalanced double quotes".into()),
                    Some(b'"') => {
                        i = after_closing_quote(b, i)?;
                        break;
                    }
                    Some(_) => i = push_quoted(b, i, &mut cur),
                }
            } else if in_sq {
                match c {
                    None => return Err("Invalid argument(s): unbalanced single quotes".into()),
                    Some(b'\\') if b.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        i = after_closing_quote(b, i)?;
                        break;
                    }
                    Some(other) => cur.push(other),
                }
            } else {
                match c {
                    None => break,
                    Some(c) if c.is_ascii_whitespace() => break,
                    Some(b'"') => in_dq = true,
                    Some(b'\'') => in_sq = true,
                    Some(other) => cur.push(other),
                }
            }
            i += 1;
        }
        args.push(cur);
    }
}

/// One character inside double quotes at `i`: `\xHH`, a backslash escape
/// (`\n`, `\r`, `\t`, `\b`, `\a`, or the next byte itself) or a plain
/// byte, as `sdssplitargs` reads it. Returns the index of the last byte used.
fn push_quoted(b: &[u8], i: usize, cur: &mut Vec<u8>) -> usize {
    if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && is_hex(b.get(i + 2)) && is_hex(b.get(i + 3))
    {
        cur.push(hex(b[i + 2]) * 16 + hex(b[i + 3]));
        return i + 3;
    }
    if b[i] == b'\\' && i + 1 < b.len() {
        cur.push(match b[i + 1] {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'b' => 8,
            b'a' => 7,
            other => other,
        });
        return i + 1;
    }
    cur.push(b[i]);
    i
}

/// Checks what follows a closing quote at `i` (sdssplitargs requires a space
/// or the end of the line) and returns the index just past the quote.
fn after_closing_quote(b: &[u8], i: usize) -> Result<usize, String> {
    if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
        return Err("Invalid argument(s): closing quote must be followed by a space".into());
    }
    Ok(i + 1)
}

fn is_hex(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_hexdigit())
}

fn hex(c: u8) -> u8 {
    (c as char).to_digit(16).unwrap_or(0) as u8
}

/// `sdscatrepr`: a double-quoted, escaped rendering of arbitrary bytes.
pub fn repr(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &c in bytes {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => s.push(c as char),
            c => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// Renders a reply as redis-cli prints it on a terminal, without the final
/// newline. redis-cli prints some commands' replies raw (INFO among them);
/// pass `raw` for those, see [`prints_raw`].
pub fn render(frame: &Frame, raw: bool) -> String {
    if raw {
        if let Frame::Bulk(b) = frame {
            return String::from_utf8_lossy(b)
                .trim_end_matches(['\r', '\n'])
                .replace("\r\n", "\n");
        }
    }
    let mut out = String::new();
    render_tty(frame, "", &mut out);
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Whether redis-cli switches to raw output for this command (it does so for
/// INFO and a few others whose replies are meant to be read as text).
pub fn prints_raw(command: &[u8]) -> bool {
    command.eq_ignore_ascii_case(b"info") || command.eq_ignore_ascii_case(b"lolwut")
}

fn render_tty(frame: &Frame, prefix: &str, out: &mut String) {
    match frame {
        Frame::Simple(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Frame::Error(e) => {
            out.push_str("(error) ");
            out.push_str(e);
            out.push('\n');
        }
        Frame::Integer(n) => out.push_str(&format!("(integer) {n}\n")),
        Frame::Bulk(b) => {
            out.push_str(&repr(b));
            out.push('\n');
        }
        Frame::Null | Frame::NullArray => out.push_str("(nil)\n"),
        Frame::Array(items) if items.is_empty() => out.push_str("(empty array)\n"),
        Frame::Array(items) => {
            let width = items.len().to_string().len();
            let nested = format!("{prefix}{}", " ".repeat(width + 2));
            for (i, item) in items.iter().enumerate() {
                let lead = if i == 0 { "" } else { prefix };
                out.push_str(&format!("{lead}{:>width$}) ", i + 1));
                render_tty(item, &nested, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_sdssplitargs() {
        let a = split_args(r#"SET foo "hello world" 'it\'s' "a\x41\n""#).unwrap();
        assert_eq!(
            a,
            vec![
                b"SET".to_vec(),
                b"foo".to_vec(),
                b"hello world".to_vec(),
                b"it's".to_vec(),
                b"aA\n".to_vec()
            ]
        );
        assert!(split_args(r#"SET "foo"bar"#).is_err());
        assert!(split_args(r#"SET "foo"#).is_err());
        assert_eq!(split_args("   ").unwrap(), Vec::<Vec<u8>>::new());
        assert_eq!(split_args(r#""""#).unwrap(), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn renders_like_redis_cli() {
        assert_eq!(render(&Frame::ok(), false), "OK");
        assert_eq!(render(&Frame::Integer(3), false), "(integer) 3");
        assert_eq!(render(&Frame::Null, false), "(nil)");
        assert_eq!(render(&Frame::err("ERR x"), false), "(error) ERR x");
        assert_eq!(render(&Frame::bulk("a\"b\n\x01"), false), r#""a\"b\n\x01""#);
        assert_eq!(render(&Frame::Array(vec![]), false), "(empty array)");
        let nested = Frame::Array(vec![
            Frame::bulk("master"),
            Frame::Integer(14),
            Frame::Array(vec![Frame::Array(vec![
                Frame::bulk("127.0.0.1"),
                Frame::bulk("6380"),
                Frame::bulk("14"),
            ])]),
        ]);
        assert_eq!(
            render(&nested, false),
            "1) \"master\"\n2) (integer) 14\n3) 1) 1) \"127.0.0.1\"\n      2) \"6380\"\n      3) \"14\""
        );
        let ten = Frame::Array((0..10).map(Frame::Integer).collect());
        assert!(render(&ten, false).starts_with(" 1) (integer) 0\n 2) (integer) 1"));
        assert_eq!(
            render(&Frame::bulk("# Server\r\nredis_version:7.0.15\r\n"), true),
            "# Server\nredis_version:7.0.15"
        );
    }
}
