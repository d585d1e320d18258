//! Reading bytes someone pasted: a hex dump (`xxd`, `hexdump -C`, or bare
//! hex pairs) or text with the escapes redis-cli and most logs use
//! (`\r`, `\n`, `\t`, `\\`, `\"`, `\xHH`). Text with real line breaks and
//! no escaped ones is read as RESP lines, each ending in CRLF, since that
//! is how people paste what they saw on a terminal.

use std::fmt;

/// Pasted text that is neither a hex dump nor readable text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasteError {
    /// 1-based line of the problem.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for PasteError {}

/// The bytes of a paste.
pub fn bytes_of(text: &str) -> Result<Vec<u8>, PasteError> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if !lines.is_empty() && lines.iter().all(|l| hex_line(l).is_some()) {
        return Ok(lines
            .iter()
            .flat_map(|l| hex_line(l).unwrap_or_default())
            .collect());
    }
    let escaped = text.contains("\\r\\n");
    let mut out = Vec::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        unescape(line, n + 1, &mut out)?;
        if !escaped && n + 1 < text.split('\n').count() {
            out.extend_from_slice(b"\r\n");
        }
    }
    Ok(out)
}

/// One line of a hex dump: an optional offset (`00000010:` or
/// `00000010 `), then hex in pairs or groups of two pairs up to the text
/// column (`|` in `hexdump -C`, any other word in `xxd`). `None` if it is
/// not one.
fn hex_line(line: &str) -> Option<Vec<u8>> {
    let line = line.trim_end();
    let body = match line.split_once(':') {
        Some((offset, rest)) if is_hex(offset.trim()) => rest,
        _ => match line.split_once(' ') {
            Some((offset, rest)) if offset.len() >= 6 && is_hex(offset) => rest,
            _ => line,
        },
    };
    let body = body.split('|').next().unwrap_or("");
    let mut out = Vec::new();
    // Hex in groups of one or two bytes, up to the first word that is not
    // (xxd's text column).
    for group in body.split_whitespace() {
        if !is_hex(group) || !(group.len() == 2 || group.len() == 4) {
            break;
        }
        for pair in group.as_bytes().chunks(2) {
            let pair = std::str::from_utf8(pair).ok()?;
            out.push(u8::from_str_radix(pair, 16).ok()?);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Appends `line` with its escapes read.
fn unescape(line: &str, n: usize, out: &mut Vec<u8>) -> Result<(), PasteError> {
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let b = match chars.next() {
            Some('r') => b'\r',
            Some('n') => b'\n',
            Some('t') => b'\t',
            Some('\\') => b'\\',
            Some('"') => b'"',
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                u8::from_str_radix(&hex, 16).map_err(|_| PasteError {
                    line: n,
                    message: format!("\\x must be followed by two hex digits, not '{hex}'"),
                })?
            }
            other => {
                return Err(PasteError {
                    line: n,
                    message: format!(
                        "unknown escape '\\{}' (known: \\r \\n \\t \\\\ \\\" \\xHH)",
                        other.map_or(String::new(), String::from)
                    ),
                })
            }
        };
        out.push(b);
    }
    Ok(())
}
