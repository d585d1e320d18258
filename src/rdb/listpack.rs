//! Listpacks: the compact encoding Redis 7.0 uses for small hashes, small
//! sorted sets, and every node of a list's quicklist. In an RDB file a
//! listpack is stored whole, as one string.
//!
//! Layout: a 4-byte little-endian total size, a 2-byte element count
//! (65535 = "count them"), the elements, and a `0xFF` terminator. Each
//! element is an encoding byte (with the length or the integer), the data,
//! and a "backlen" (the element's size, 7 bits a byte, written so it can be
//! read backwards). A string that is a canonical integer is always stored
//! as an integer, in the smallest of the 7/13/16/24/32/64-bit forms, as
//! `lpEncodeGetType` does.
//!
//! The writer builds listpacks inside a caller's buffer so the encoder
//! never allocates per key; the reader validates everything (sizes,
//! backlens, count, terminator), as Redis's deep integrity check does.

use crate::db::Sds;
use crate::resp::parse_int;

/// Size of the header: total bytes (u32) and element count (u16).
pub const HEADER_SIZE: usize = 6;
/// The terminator byte.
const EOF: u8 = 0xFF;
/// The header's count value meaning "unknown, count the elements".
const COUNT_UNKNOWN: u16 = u16::MAX;

/// A listpack under construction at the end of a byte buffer.
#[derive(Debug)]
pub struct Writer {
    start: usize,
    count: usize,
}

impl Writer {
    /// Starts a listpack at the end of `buf` (reserving its header).
    pub fn begin(buf: &mut Vec<u8>) -> Writer {
        let start = buf.len();
        buf.extend_from_slice(&[0; HEADER_SIZE]);
        Writer { start, count: 0 }
    }

    /// The listpack's size in bytes if it were finished now (`lpBytes`).
    pub fn bytes(&self, buf: &[u8]) -> usize {
        buf.len() - self.start + 1
    }

    /// Appends an element, as an integer when it is a canonical one.
    pub fn append(&mut self, buf: &mut Vec<u8>, ele: &[u8]) {
        match parse_int(ele) {
            Some(v) => self.append_int(buf, v),
            None => self.append_str(buf, ele),
        }
    }

    /// Appends an integer element in its smallest encoding.
    pub fn append_int(&mut self, buf: &mut Vec<u8>, v: i64) {
        let mut enc = [0u8; 9];
        let len = encode_int(v, &mut enc);
        buf.extend_from_slice(&enc[..len]);
        push_backlen(buf, len);
        self.count += 1;
    }

    /// Appends a string element (6-, 12- or 32-bit length form).
    fn append_str(&mut self, buf: &mut Vec<u8>, s: &[u8]) {
        let len = s.len();
        let header = if len < 64 {
            buf.push(0x80 | len as u8);
            1
        } else if len < 4096 {
            buf.extend_from_slice(&[0xE0 | (len >> 8) as u8, len as u8]);
            2
        } else {
            buf.push(0xF0);
            buf.extend_from_slice(&(len as u32).to_le_bytes());
            5
        };
        buf.extend_from_slice(s);
        push_backlen(buf, header + len);
        self.count += 1;
    }

    /// Writes the terminator and the header.
    pub fn finish(self, buf: &mut Vec<u8>) {
        buf.push(EOF);
        let total = (buf.len() - self.start) as u32;
        let count = u16::try_from(self.count).unwrap_or(COUNT_UNKNOWN);
        if let Some(h) = buf.get_mut(self.start..self.start + HEADER_SIZE) {
            h[..4].copy_from_slice(&total.to_le_bytes());
            h[4..].copy_from_slice(&count.to_le_bytes());
        }
    }
}

/// `lpEncodeGetType`'s integer forms; returns the encoded length.
fn encode_int(v: i64, enc: &mut [u8; 9]) -> usize {
    if (0..=127).contains(&v) {
        enc[0] = v as u8;
        1
    } else if (-4096..=4095).contains(&v) {
        let u = (v as u64) & 0x1FFF;
        enc[0] = 0xC0 | (u >> 8) as u8;
        enc[1] = u as u8;
        2
    } else if (-32768..=32767).contains(&v) {
        enc[0] = 0xF1;
        enc[1..3].copy_from_slice(&(v as i16).to_le_bytes());
        3
    } else if (-8_388_608..=8_388_607).contains(&v) {
        enc[0] = 0xF2;
        enc[1..4].copy_from_slice(&(v as i32).to_le_bytes()[..3]);
        4
    } else if let Ok(v32) = i32::try_from(v) {
        enc[0] = 0xF3;
        enc[1..5].copy_from_slice(&v32.to_le_bytes());
        5
    } else {
        enc[0] = 0xF4;
        enc[1..9].copy_from_slice(&v.to_le_bytes());
        9
    }
}

/// `lpEncodeBacklen`: the element size `l`, most significant 7 bits first,
/// every byte but the first with the high bit set.
fn push_backlen(buf: &mut Vec<u8>, l: usize) {
    let l = l as u64;
    let n = match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    };
    for i in (0..n).rev() {
        let part = ((l >> (7 * i)) & 127) as u8;
        buf.push(if i == n - 1 { part } else { part | 128 });
    }
}

/// One element read from a listpack or ziplist: the string bytes, or the
/// integer it was stored as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Elem<'a> {
    /// A string element.
    Str(&'a [u8]),
    /// An integer element (its string form is its decimal text).
    Int(i64),
}

impl Elem<'_> {
    /// The element as a keyspace string.
    pub fn to_sds(self) -> Sds {
        match self {
            Elem::Str(s) => Sds::new(s),
            Elem::Int(v) => crate::rdb::length::int_to_sds(v),
        }
    }
}

/// Checks a listpack's header and terminator and returns its elements.
pub fn parse(blob: &[u8]) -> Result<Vec<Elem<'_>>, String> {
    let header = blob
        .get(..HEADER_SIZE)
        .ok_or("listpack shorter than its header")?;
    let total = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    if total != blob.len() {
        return Err(format!(
            "listpack header says {total} bytes but the blob has {}",
            blob.len()
        ));
    }
    let declared = u16::from_le_bytes([header[4], header[5]]);
    let mut elems = Vec::with_capacity(usize::from(declared).min(blob.len()));
    let mut pos = HEADER_SIZE;
    loop {
        match blob.get(pos) {
            None => return Err("listpack has no terminator".to_string()),
            Some(&EOF) if pos + 1 == blob.len() => break,
            Some(&EOF) => {
                return Err(format!(
                    "listpack terminator at byte {pos} is not the last byte"
                ))
            }
            Some(_) => {}
        }
        let (elem, next) = read_elem(blob, pos)
            .map_err(|e| format!("listpack element {} at byte {pos}: {e}", elems.len()))?;
        elems.push(elem);
        pos = next;
    }
    if declared != COUNT_UNKNOWN && usize::from(declared) != elems.len() {
        return Err(format!(
            "listpack header says {declared} elements but it holds {}",
            elems.len()
        ));
    }
    Ok(elems)
}

/// Reads the element at `pos`; returns it and the position after its backlen.
fn read_elem(blob: &[u8], pos: usize) -> Result<(Elem<'_>, usize), String> {
    let b = |i: usize| blob.get(pos + i).copied().ok_or("element cut short");
    let first = b(0)?;
    let (header, data_len, elem_int) = match first {
        0x00..=0x7F => (1, 0, Some(i64::from(first))),
        0x80..=0xBF => (1, usize::from(first & 0x3F), None),
        0xC0..=0xDF => {
            let u = (u64::from(first & 0x1F) << 8) | u64::from(b(1)?);
            (2, 0, Some(sign_extend(u, 13)))
        }
        0xE0..=0xEF => (
            2,
            (usize::from(first & 0x0F) << 8) | usize::from(b(1)?),
            None,
        ),
        0xF0 => {
            let len = u32::from_le_bytes([b(1)?, b(2)?, b(3)?, b(4)?]);
            (
                5,
                usize::try_from(len).map_err(|_| "string too long")?,
                None,
            )
        }
        0xF1..=0xF4 => {
            let width = [2, 3, 4, 8][usize::from(first - 0xF1)];
            let mut u = 0u64;
            for i in 0..width {
                u |= u64::from(b(1 + i)?) << (8 * i);
            }
            (1 + width, 0, Some(sign_extend(u, 8 * width as u32)))
        }
        _ => return Err(format!("invalid encoding byte 0x{first:02x}")),
    };
    let entry_len = header + data_len;
    let end = pos.checked_add(entry_len).ok_or("string too long")?;
    let elem = match elem_int {
        Some(v) => Elem::Int(v),
        None => Elem::Str(
            blob.get(pos + header..end)
                .ok_or("string goes past the end")?,
        ),
    };
    let mut backlen = Vec::with_capacity(5);
    push_backlen(&mut backlen, entry_len);
    let stored = blob
        .get(end..end + backlen.len())
        .ok_or("backlen goes past the end")?;
    if stored != backlen.as_slice() {
        return Err("backlen does not match the element size".to_string());
    }
    Ok((elem, end + backlen.len()))
}

/// Interprets the low `bits` of `u` as a two's-complement number.
fn sign_extend(u: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((u << shift) as i64) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(items: &[&[u8]]) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut w = Writer::begin(&mut buf);
        for i in items {
            w.append(&mut buf, i);
        }
        w.finish(&mut buf);
        buf
    }

    #[test]
    fn encodes_strings_and_every_integer_width() {
        let lp = build(&[
            b"a",
            b"127",
            b"-1",
            b"4095",
            b"-4096",
            b"32767",
            b"8388607",
            b"2147483647",
            b"9223372036854775807",
            b"007",
        ]);
        #[rustfmt::skip]
        let expected: Vec<u8> = [
            &[0x33, 0, 0, 0, 10, 0][..],
            &[0x81, b'a', 2],
            &[0x7F, 1],
            &[0xDF, 0xFF, 2],
            &[0xCF, 0xFF, 2],
            &[0xD0, 0x00, 2],
            &[0xF1, 0xFF, 0x7F, 3],
            &[0xF2, 0xFF, 0xFF, 0x7F, 4],
            &[0xF3, 0xFF, 0xFF, 0xFF, 0x7F, 5],
            &[0xF4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 9],
            &[0x83, b'0', b'0', b'7', 4],
            &[0xFF],
        ].concat();
        assert_eq!(lp, expected);
        let back: Vec<Sds> = parse(&lp).unwrap().into_iter().map(Elem::to_sds).collect();
        let want: Vec<Sds> = [
            "a",
            "127",
            "-1",
            "4095",
            "-4096",
            "32767",
            "8388607",
            "2147483647",
            "9223372036854775807",
            "007",
        ]
        .into_iter()
        .map(Sds::from)
        .collect();
        assert_eq!(back, want);
    }

    #[test]
    fn long_strings_use_wider_lengths_and_backlens() {
        let s64 = vec![b'x'; 64];
        let s5000 = vec![b'y'; 5000];
        let lp = build(&[&s64, &s5000]);
        // 64 bytes need the 12-bit length form; the element is 66 bytes, so
        // its backlen is one byte. 5000 bytes need the 32-bit form, and the
        // 5005-byte element a two-byte backlen (39 × 128 + 13).
        assert_eq!(&lp[6..8], &[0xE0, 64]);
        assert_eq!(lp[8 + 64], 66);
        assert_eq!(&lp[73..78], &[0xF0, 0x88, 0x13, 0, 0]);
        assert_eq!(&lp[78 + 5000..78 + 5002], &[39, 13 | 128]);
        let elems = parse(&lp).unwrap();
        assert_eq!(elems, vec![Elem::Str(&s64), Elem::Str(&s5000)]);
    }

    #[test]
    fn corruption_is_reported() {
        let lp = build(&[b"hello", b"12"]);
        let mut bad_total = lp.clone();
        bad_total[0] += 1;
        assert!(parse(&bad_total).unwrap_err().contains("header says"));
        let mut bad_count = lp.clone();
        bad_count[4] = 3;
        assert!(parse(&bad_count).unwrap_err().contains("3 elements"));
        let mut bad_backlen = lp.clone();
        bad_backlen[12] = 9;
        assert!(parse(&bad_backlen).unwrap_err().contains("backlen"));
        let mut bad_enc = lp.clone();
        bad_enc[6] = 0xF7;
        assert!(parse(&bad_enc).unwrap_err().contains("invalid encoding"));
        for cut in 0..lp.len() {
            assert!(parse(&lp[..cut]).is_err());
        }
    }
}
