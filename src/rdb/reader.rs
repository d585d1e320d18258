//! A bounds-checked cursor over an RDB file: every read names what it was
//! reading, and running out of bytes, an impossible length or a corrupt
//! encoding becomes an [`RdbError`] at the offset where the item starts.
//!
//! Lengths read from the file are never trusted for allocation: a count
//! of elements is checked against the bytes that remain (every element
//! takes at least one), a string length against the bytes that remain,
//! and an LZF string's declared size against the most LZF can expand.

use super::length::{ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, LEN_32BIT, LEN_64BIT};
use super::lzf;
use super::RdbError;
use crate::db::Sds;
use crate::num::fmt_i64;
use std::borrow::Cow;

/// The most bytes one byte of LZF data can expand to: a 3-byte back
/// reference copies up to 264 bytes.
const LZF_MAX_RATIO: usize = 88;

/// A length field: a plain length, or the number of a special encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Len {
    Plain(u64),
    Special(u8),
}

/// A string's body in the encoding it was stored in.
enum Encoded<'a> {
    /// Plain bytes, borrowed from the file.
    Raw(&'a [u8]),
    /// An LZF string, decompressed.
    Lzf(Vec<u8>),
    /// An integer-encoded string.
    Int(i64),
}

/// The cursor.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    /// The current offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Everything read so far (for the checksum).
    pub fn consumed(&self) -> &'a [u8] {
        &self.bytes[..self.pos]
    }

    /// An error at `offset`.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> RdbError {
        RdbError {
            offset,
            message: message.into(),
        }
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], RdbError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(self.error_at(
                self.pos,
                format!(
                    "unexpected end of file reading {what} ({n} bytes needed, {} left)",
                    self.remaining()
                ),
            )),
        }
    }

    /// Takes one byte.
    pub fn u8(&mut self, what: &str) -> Result<u8, RdbError> {
        Ok(self.take(1, what)?[0])
    }

    /// Takes a fixed-size array.
    pub fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], RdbError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// Reads a length field (`rdbLoadLenByRef`).
    fn len_field(&mut self, what: &str) -> Result<Len, RdbError> {
        let first = self.u8(what)?;
        Ok(match first >> 6 {
            0 => Len::Plain(u64::from(first & 0x3F)),
            1 => Len::Plain(u64::from(first & 0x3F) << 8 | u64::from(self.u8(what)?)),
            3 => Len::Special(first & 0x3F),
            _ if first == LEN_32BIT => Len::Plain(u64::from(u32::from_be_bytes(self.array(what)?))),
            _ if first == LEN_64BIT => Len::Plain(u64::from_be_bytes(self.array(what)?)),
            _ => {
                return Err(self.error_at(
                    self.pos - 1,
                    format!("unknown length encoding 0x{first:02x} in {what}"),
                ))
            }
        })
    }

    /// Reads a plain length; a special encoding here is corruption.
    pub fn len(&mut self, what: &str) -> Result<u64, RdbError> {
        let at = self.pos;
        match self.len_field(what)? {
            Len::Plain(n) => Ok(n),
            Len::Special(e) => Err(self.error_at(
                at,
                format!("{what}: expected a length, found special encoding {e}"),
            )),
        }
    }

    /// Reads a count of items that each take at least `min_item_bytes`,
    /// rejecting counts the rest of the file cannot hold.
    pub fn count(&mut self, what: &str, min_item_bytes: usize) -> Result<usize, RdbError> {
        let at = self.pos;
        let n = self.len(what)?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(min_item_bytes) <= self.remaining());
        fits.ok_or_else(|| {
            self.error_at(
                at,
                format!(
                    "{what} {n} is more than the {} bytes left can hold",
                    self.remaining()
                ),
            )
        })
    }

    /// Reads a string in any of its encodings (`rdbGenericLoadStringObject`).
    /// Raw strings are borrowed from the file; integers and LZF strings are
    /// materialised.
    pub fn string(&mut self, what: &str) -> Result<Cow<'a, [u8]>, RdbError> {
        Ok(match self.encoded_string(what)? {
            Encoded::Raw(bytes) => Cow::Borrowed(bytes),
            Encoded::Lzf(bytes) => Cow::Owned(bytes),
            Encoded::Int(v) => Cow::Owned(fmt_i64(v, &mut [0u8; 20]).to_vec()),
        })
    }

    /// Reads a string as a keyspace string, without an intermediate
    /// allocation for raw and integer-encoded strings.
    pub fn sds(&mut self, what: &str) -> Result<Sds, RdbError> {
        Ok(match self.encoded_string(what)? {
            Encoded::Raw(bytes) => Sds::new(bytes),
            Encoded::Lzf(bytes) => Sds::from(bytes),
            Encoded::Int(v) => super::length::int_to_sds(v),
        })
    }

    /// A string as stored: its length field, then the bytes, an LZF body
    /// (decompressed here) or an INT8/16/32 body.
    fn encoded_string(&mut self, what: &str) -> Result<Encoded<'a>, RdbError> {
        let at = self.pos;
        match self.len_field(what)? {
            Len::Plain(n) => {
                let n = usize::try_from(n)
                    .map_err(|_| self.error_at(at, format!("{what}: length {n} too large")))?;
                self.take(n, what).map(Encoded::Raw)
            }
            Len::Special(ENC_LZF) => self.lzf(at, what).map(Encoded::Lzf),
            Len::Special(enc) => self.int(at, enc, what).map(Encoded::Int),
        }
    }

    /// The body of an INT8/16/32 string.
    fn int(&mut self, at: usize, enc: u8, what: &str) -> Result<i64, RdbError> {
        Ok(match enc {
            ENC_INT8 => i64::from(self.u8(what)? as i8),
            ENC_INT16 => i64::from(i16::from_le_bytes(self.array(what)?)),
            ENC_INT32 => i64::from(i32::from_le_bytes(self.array(what)?)),
            _ => return Err(self.error_at(at, format!("{what}: unknown string encoding {enc}"))),
        })
    }

    /// The body of an LZF string: compressed length, original length, data.
    fn lzf(&mut self, at: usize, what: &str) -> Result<Vec<u8>, RdbError> {
        let clen = self.len(what)?;
        let ulen = self.len(what)?;
        let clen_ok = usize::try_from(clen)
            .ok()
            .filter(|&c| c <= self.remaining());
        let Some(clen) = clen_ok else {
            return Err(self.error_at(
                at,
                format!("{what}: LZF compressed length {clen} is past the end of the file"),
            ));
        };
        let ulen_ok = usize::try_from(ulen)
            .ok()
            .filter(|&u| u <= clen.saturating_mul(LZF_MAX_RATIO));
        let Some(ulen) = ulen_ok else {
            return Err(self.error_at(
                at,
                format!("{what}: LZF length {ulen} cannot come from {clen} compressed bytes"),
            ));
        };
        let data = self.take(clen, what)?;
        lzf::decompress(data, ulen).map_err(|e| self.error_at(at, format!("{what}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_length_form() {
        let bytes = [
            0x3F, 0x7F, 0xFF, 0x80, 0, 1, 0, 0, 0x81, 0, 0, 0, 1, 0, 0, 0, 0,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.len("a").unwrap(), 63);
        assert_eq!(r.len("b").unwrap(), 16383);
        assert_eq!(r.len("c").unwrap(), 65536);
        assert_eq!(r.len("d").unwrap(), 1 << 32);
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn reads_integer_and_lzf_strings() {
        let bytes = [
            0xC0, 0xFE, 0xC1, 0x00, 0x80, 0xC2, 0, 0, 0, 0x80, 0xC3, 0x04, 0x06, 0x00, b'a', 0x60,
            0x00,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(&*r.string("s").unwrap(), b"-2");
        assert_eq!(&*r.sds("s").unwrap(), b"-32768");
        assert_eq!(&*r.sds("s").unwrap(), b"-2147483648");
        assert_eq!(&*r.sds("s").unwrap(), b"aaaaaa");
    }

    #[test]
    fn bad_input_is_an_error_at_its_offset() {
        let err = Reader::new(&[0x05, b'a']).string("key").unwrap_err();
        assert_eq!(err.offset, 1);
        assert_eq!(
            err.message,
            "unexpected end of file reading key (5 bytes needed, 1 left)"
        );
        let err = Reader::new(&[0xC4]).string("key").unwrap_err();
        assert_eq!(
            (err.offset, err.message.as_str()),
            (0, "key: unknown string encoding 4")
        );
        let err = Reader::new(&[0x90]).len("size").unwrap_err();
        assert_eq!(err.message, "unknown length encoding 0x90 in size");
        let err = Reader::new(&[0xC3, 0x00, 0x01]).string("v").unwrap_err();
        assert_eq!(
            err.message,
            "v: LZF length 1 cannot come from 0 compressed bytes"
        );
        let err = Reader::new(&[0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            .count("list length", 1)
            .unwrap_err();
        assert_eq!(
            err.message,
            "list length 18446744073709551615 is more than the 0 bytes left can hold"
        );
    }
}
