//! RESP2, the wire format every byte of replication travels in.
//!
//! Redis speaks RESP between clients and servers *and* between a master and
//! its replicas: the replication stream is nothing but RESP arrays of the
//! commands the master executed, and a replica's offset is the count of those
//! bytes. So the encoder here must be byte-exact (`*3\r\n$3\r\nset\r\n...`),
//! and the decoder must be incremental: a link delivers bytes in arbitrary
//! chunks, and a partial frame is "need more", never an error.
//!
//! Differences from real Redis: only RESP2 (what replication uses); the
//! decoder accepts RESP frames only, while inline commands typed by a person
//! go through [`crate::cli::split_args`] instead.

use std::fmt;

/// Upper bound on a bulk string we accept from the wire: Redis's default
/// `proto-max-bulk-len` (512 MB). A longer length is a protocol error rather
/// than an allocation attempt.
pub const MAX_BULK_LEN: usize = 512 * 1024 * 1024;

/// Upper bound on the element count of one array, like Redis's 1024*1024*1024
/// multibulk limit, but lower: a simulated client never needs more.
pub const MAX_ARRAY_LEN: usize = 16 * 1024 * 1024;

/// One RESP2 value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `+OK\r\n`
    Simple(String),
    /// `-ERR message\r\n`; the text includes the error code (`ERR`, `WRONGTYPE`, ...).
    Error(String),
    /// `:42\r\n`
    Integer(i64),
    /// `$3\r\nfoo\r\n`
    Bulk(Vec<u8>),
    /// `$-1\r\n`, the nil bulk string.
    Null,
    /// `*-1\r\n`, the nil array (EXEC after a failed WATCH, blocking timeouts).
    NullArray,
    /// `*N\r\n` followed by N frames.
    Array(Vec<Frame>),
}

impl Frame {
    /// `+OK`, the most common reply.
    pub fn ok() -> Frame {
        Frame::Simple("OK".to_string())
    }

    /// An error reply; `msg` must start with its code, e.g. `ERR syntax error`.
    pub fn err(msg: impl Into<String>) -> Frame {
        Frame::Error(msg.into())
    }

    /// A bulk string from anything byte-like.
    pub fn bulk(b: impl AsRef<[u8]>) -> Frame {
        Frame::Bulk(b.as_ref().to_vec())
    }

    /// True for `-...` replies.
    pub fn is_error(&self) -> bool {
        matches!(self, Frame::Error(_))
    }

    /// Appends the exact RESP2 bytes of this frame to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Simple(s) => line(out, b'+', s.as_bytes()),
            Frame::Error(s) => line(out, b'-', s.as_bytes()),
            Frame::Integer(n) => line(out, b':', n.to_string().as_bytes()),
            Frame::Bulk(b) => encode_bulk(out, b),
            Frame::Null => out.extend_from_slice(b"$-1\r\n"),
            Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
            Frame::Array(items) => {
                line(out, b'*', items.len().to_string().as_bytes());
                for item in items {
                    item.encode_into(out);
                }
            }
        }
    }

    /// The exact RESP2 bytes of this frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
}

fn line(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n");
}

fn encode_bulk(out: &mut Vec<u8>, b: &[u8]) {
    line(out, b'$', b.len().to_string().as_bytes());
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

/// Encodes a command as Redis propagates it: an array of bulk strings.
/// `encode_command(&[b"set", b"foo", b"bar"])` is the 31 bytes
/// `*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n`.
pub fn encode_command<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + argv.iter().map(|a| a.as_ref().len() + 8).sum::<usize>());
    encode_command_into(&mut out, argv);
    out
}

/// Like [`encode_command`], appending to `out` (the hot path of propagation).
pub fn encode_command_into<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    line(out, b'*', argv.len().to_string().as_bytes());
    for a in argv {
        encode_bulk(out, a.as_ref());
    }
}

/// A malformed frame: the stream cannot be resynchronised after this, so a
/// connection that sees one is closed (as Redis does with a protocol error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// Byte offset into the parsed slice where the problem was found.
    pub offset: usize,
    /// What was wrong, in words.
    pub message: String,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Protocol error at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for ProtocolError {}

/// Parses one frame from the start of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of a frame (wait for more
/// bytes), `Ok(Some((frame, used)))` with the number of bytes consumed, or an
/// error for bytes that can never become a valid frame.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
    let mut pos = 0;
    match parse_at(buf, &mut pos, 0)? {
        Some(frame) => Ok(Some((frame, pos))),
        None => Ok(None),
    }
}

/// The common case of [`parse_frame`] for a command: one array of bulk
/// strings, returned as its arguments and the bytes used, without the
/// array of frames around them (the replication stream parses one command
/// per write). Each element is read by the same code as in [`parse_frame`].
/// `None` for anything else — another kind of frame, a malformed one, or
/// one not all there yet: the caller then asks [`parse_frame`], which says
/// which.
pub fn parse_command(buf: &[u8]) -> Option<(Vec<Vec<u8>>, usize)> {
    if buf.first() != Some(&b'*') {
        return None;
    }
    let (body, mut pos) = read_line(buf, 1)?;
    let n = usize::try_from(parse_int(body)?)
        .ok()
        .filter(|&n| n <= MAX_ARRAY_LEN)?;
    let mut argv = Vec::with_capacity(n.min(buf.len() / 4 + 1));
    for _ in 0..n {
        if buf.get(pos) != Some(&b'$') {
            return None;
        }
        match parse_at(buf, &mut pos, 1) {
            Ok(Some(Frame::Bulk(arg))) => argv.push(arg),
            _ => return None,
        }
    }
    Some((argv, pos))
}

/// Nesting limit, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 64;

fn parse_at(buf: &[u8], pos: &mut usize, depth: usize) -> Result<Option<Frame>, ProtocolError> {
    let start = *pos;
    let Some(&tag) = buf.get(start) else {
        return Ok(None);
    };
    let Some((body, next)) = read_line(buf, start + 1) else {
        return Ok(None);
    };
    let err = |message: String| ProtocolError {
        offset: start,
        message,
    };
    let frame = match tag {
        b'+' | b'-' => {
            let text = String::from_utf8_lossy(body).into_owned();
            *pos = next;
            if tag == b'+' {
                Frame::Simple(text)
            } else {
                Frame::Error(text)
            }
        }
        b':' => {
            let n = parse_int(body).ok_or_else(|| err("invalid integer".into()))?;
            *pos = next;
            Frame::Integer(n)
        }
        b'$' => return parse_bulk(buf, body, next, pos, err),
        b'*' => {
            let n = parse_int(body).ok_or_else(|| err("invalid multibulk length".into()))?;
            if n == -1 {
                *pos = next;
                return Ok(Some(Frame::NullArray));
            }
            if n < 0 || n as u64 > MAX_ARRAY_LEN as u64 {
                return Err(err("invalid multibulk length".into()));
            }
            if depth >= MAX_DEPTH {
                return Err(err("frames nested too deeply".into()));
            }
            *pos = next;
            // Capacity is bounded by what the buffer could possibly hold, so
            // a huge announced length costs nothing until its bytes arrive.
            let mut items = Vec::with_capacity((n as usize).min(buf.len() / 4 + 1));
            for _ in 0..n {
                match parse_at(buf, pos, depth + 1)? {
                    Some(f) => items.push(f),
                    None => {
                        *pos = start;
                        return Ok(None);
                    }
                }
            }
            Frame::Array(items)
        }
        other => {
            return Err(err(format!("unexpected type byte {:?}", other as char)));
        }
    };
    Ok(Some(frame))
}

/// A `$<len>` bulk string whose header `len` ended at `next`: `Ok(None)`
/// until all of it and its CRLF have arrived; `$-1` is the null bulk.
fn parse_bulk(
    buf: &[u8],
    len: &[u8],
    next: usize,
    pos: &mut usize,
    err: impl Fn(String) -> ProtocolError,
) -> Result<Option<Frame>, ProtocolError> {
    let n = parse_int(len).ok_or_else(|| err("invalid bulk length".into()))?;
    if n == -1 {
        *pos = next;
        return Ok(Some(Frame::Null));
    }
    if n < 0 || n as u64 > MAX_BULK_LEN as u64 {
        return Err(err("invalid bulk length".into()));
    }
    let n = n as usize;
    if buf.len() < next + n + 2 {
        return Ok(None);
    }
    if &buf[next + n..next + n + 2] != b"\r\n" {
        return Err(err("bulk string not terminated by CRLF".into()));
    }
    *pos = next + n + 2;
    Ok(Some(Frame::Bulk(buf[next..next + n].to_vec())))
}

/// Finds the CRLF-terminated line starting at `from`; returns its body and the
/// index just past the CRLF.
fn read_line(buf: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(from..)?;
    let cr = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..cr], from + cr + 2))
}

/// The argv of a RESP frame, if it is an array of bulk strings (a
/// command that [`parse_command`] could not take in one piece, or a
/// propagated command shown in the trace).
pub fn frame_argv(frame: Frame) -> Option<Vec<Vec<u8>>> {
    match frame {
        Frame::Array(items) => items
            .into_iter()
            .map(|f| match f {
                Frame::Bulk(b) => Some(b),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Parses a signed decimal integer the way Redis's `string2ll` does: no
/// spaces, no leading `+`, no leading zeros.
pub fn parse_int(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    if s.is_empty() || s.starts_with('+') || s.len() > 20 {
        return None;
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty()
        || (digits.len() > 1 && digits.starts_with('0'))
        || digits == "0" && s.starts_with('-')
    {
        return None;
    }
    s.parse().ok()
}

/// An incremental decoder: feed it bytes as they arrive, take frames out.
#[derive(Clone, Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    pos: usize,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Appends bytes received from the connection.
    pub fn feed(&mut self, bytes: &[u8]) {
        // Drop consumed bytes before growing, so the buffer stays as small as
        // the unparsed tail.
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 64 * 1024 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// [`Decoder::feed`] taking the bytes by value: when nothing is
    /// pending they become the buffer as they are, so a large delivery (an
    /// RDB payload of many megabytes) is not copied.
    pub fn feed_owned(&mut self, bytes: Vec<u8>) {
        if self.pos == self.buf.len() {
            self.buf = bytes;
            self.pos = 0;
        } else {
            self.feed(&bytes);
        }
    }

    /// Takes every pending byte out of the decoder, leaving it empty;
    /// without a copy when nothing was consumed from the buffer yet.
    pub fn take_pending(&mut self) -> Vec<u8> {
        let rest = if self.pos == 0 {
            std::mem::take(&mut self.buf)
        } else {
            self.buf[self.pos..].to_vec()
        };
        self.buf.clear();
        self.pos = 0;
        rest
    }

    /// The next complete frame, `Ok(None)` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, ProtocolError> {
        match parse_frame(&self.buf[self.pos..]) {
            Ok(Some((frame, used))) => {
                self.pos += used;
                Ok(Some(frame))
            }
            Ok(None) => Ok(None),
            Err(mut e) => {
                e.offset += self.pos;
                Err(e)
            }
        }
    }

    /// Bytes received but not yet consumed as frames.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Consumes `n` raw bytes from the front (used by the replica to take
    /// RDB payload bytes that are not RESP frames).
    pub fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_like_frames_and_leave_the_rest_to_them() {
        let set = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n+";
        let argv = vec![b"SET".to_vec(), b"k".to_vec(), Vec::new()];
        assert_eq!(parse_command(set), Some((argv, set.len() - 1)));
        assert_eq!(parse_command(b"*0\r\n"), Some((Vec::new(), 4)));
        // Incomplete at every split point, and anything that is not an
        // array of bulk strings, goes to parse_frame.
        for cut in 0..set.len() - 1 {
            assert_eq!(parse_command(&set[..cut]), None, "cut at {cut}");
        }
        for other in [
            &b"+OK\r\n"[..],
            b"*1\r\n:1\r\n",
            b"*1\r\n$-1\r\n",
            b"*1\r\n$1\r\nab\r\n",
            b"*-1\r\n",
        ] {
            assert_eq!(parse_command(other), None, "{other:?}");
        }
    }

    #[test]
    fn commands_parse_as_parse_frame_reads_them_under_any_damage() {
        let as_frame = |b: &[u8]| match parse_frame(b) {
            Ok(Some((f, used))) => frame_argv(f).map(|argv| (argv, used)),
            _ => None,
        };
        let samples: [&[u8]; 3] = [
            b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n",
            b"*1\r\n*1\r\n$1\r\nx\r\n",
        ];
        for sample in samples {
            // Every prefix, and every single byte replaced by each of the
            // bytes the format gives meaning to.
            for cut in 0..=sample.len() {
                assert_eq!(parse_command(&sample[..cut]), as_frame(&sample[..cut]));
            }
            for i in 0..sample.len() {
                for b in *b"*$:+-\r\n0123-9x" {
                    let mut bad = sample.to_vec();
                    bad[i] = b;
                    assert_eq!(parse_command(&bad), as_frame(&bad), "{bad:?}");
                }
            }
        }
    }

    #[test]
    fn owned_feeds_and_takes_keep_the_byte_order() {
        let mut d = Decoder::new();
        d.feed_owned(b"+OK\r\n$3\r\nab".to_vec());
        assert_eq!(d.next_frame(), Ok(Some(Frame::Simple("OK".into()))));
        d.feed_owned(b"c\r\n:1".to_vec());
        assert_eq!(d.next_frame(), Ok(Some(Frame::Bulk(b"abc".to_vec()))));
        assert_eq!(d.take_pending(), b":1".to_vec());
        assert_eq!(d.pending(), b"");
        d.feed_owned(b"xyz".to_vec());
        assert_eq!(d.take_pending(), b"xyz".to_vec());
        assert_eq!(d.take_pending(), Vec::<u8>::new());
    }

    #[test]
    fn set_foo_bar_is_31_bytes() {
        let bytes = encode_command(&["set", "foo", "bar"]);
        assert_eq!(bytes, b"*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n");
        assert_eq!(bytes.len(), 31);
        assert_eq!(encode_command(&["SELECT", "0"]).len(), 23);
        assert_eq!(encode_command(&["PING"]).len(), 14);
        assert_eq!(encode_command(&["REPLCONF", "GETACK", "*"]).len(), 37);
    }

    #[test]
    fn frames_round_trip_byte_exact() {
        let f = Frame::Array(vec![
            Frame::Simple("OK".into()),
            Frame::Error("ERR x".into()),
            Frame::Integer(-7),
            Frame::bulk(""),
            Frame::Null,
            Frame::NullArray,
            Frame::Array(vec![]),
        ]);
        let bytes = f.encode();
        assert_eq!(
            bytes,
            b"*7\r\n+OK\r\n-ERR x\r\n:-7\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n".to_vec()
        );
        assert_eq!(parse_frame(&bytes).unwrap(), Some((f, bytes.len())));
    }

    #[test]
    fn partial_input_needs_more_at_every_split() {
        let bytes = encode_command(&["set", "foo", "hello world"]);
        for cut in 0..bytes.len() {
            assert_eq!(parse_frame(&bytes[..cut]).unwrap(), None, "cut at {cut}");
        }
        let mut d = Decoder::new();
        for b in &bytes {
            assert_eq!(d.next_frame().unwrap(), None);
            d.feed(std::slice::from_ref(b));
        }
        assert!(matches!(d.next_frame().unwrap(), Some(Frame::Array(a)) if a.len() == 3));
        assert!(d.pending().is_empty());
    }

    #[test]
    fn malformed_input_is_an_error_with_offset() {
        let e = parse_frame(b"*1\r\n$x\r\n").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(parse_frame(b"!oops\r\n").is_err());
        assert!(parse_frame(b"$3\r\nfooXX").is_err());
        assert!(parse_frame(b":01\r\n").is_err());
    }
}
