//! The RDB length encoding and the integer encodings of strings, on the
//! writing side (the reading side is [`super::reader`]).
//!
//! A length's first two bits say how it is stored: `00` six bits, `01`
//! fourteen bits (big-endian, with the next byte), `10` then `0x80` + u32
//! big-endian or `0x81` + u64 big-endian, and `11` a "special encoding"
//! instead of a length: 0 INT8, 1 INT16, 2 INT32 (little-endian), 3 LZF.

use crate::db::Sds;

/// Special encoding: an 8-bit signed integer follows.
pub const ENC_INT8: u8 = 0;
/// Special encoding: a 16-bit little-endian signed integer follows.
pub const ENC_INT16: u8 = 1;
/// Special encoding: a 32-bit little-endian signed integer follows.
pub const ENC_INT32: u8 = 2;
/// Special encoding: an LZF-compressed string follows.
pub const ENC_LZF: u8 = 3;
/// First byte of a 32-bit length.
pub const LEN_32BIT: u8 = 0x80;
/// First byte of a 64-bit length.
pub const LEN_64BIT: u8 = 0x81;

/// `rdbSaveLen`: appends `len` in the shortest form.
#[inline]
pub fn write_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if let Ok(len32) = u32::try_from(len) {
        out.push(LEN_32BIT);
        out.extend_from_slice(&len32.to_be_bytes());
    } else {
        out.push(LEN_64BIT);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// `rdbEncodeInteger`: the INT8/16/32 form of `v` in `buf`, returning its
/// length, or 0 when `v` does not fit in 32 bits.
#[inline]
pub fn encode_int(v: i64, buf: &mut [u8; 5]) -> usize {
    if let Ok(v8) = i8::try_from(v) {
        buf[0] = 0xC0 | ENC_INT8;
        buf[1] = v8 as u8;
        2
    } else if let Ok(v16) = i16::try_from(v) {
        buf[0] = 0xC0 | ENC_INT16;
        buf[1..3].copy_from_slice(&v16.to_le_bytes());
        3
    } else if let Ok(v32) = i32::try_from(v) {
        buf[0] = 0xC0 | ENC_INT32;
        buf[1..5].copy_from_slice(&v32.to_le_bytes());
        5
    } else {
        0
    }
}

/// The decimal text of `v` as a keyspace string.
pub fn int_to_sds(v: i64) -> Sds {
    let mut buf = [0u8; 20];
    Sds::new(crate::num::fmt_i64(v, &mut buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len_bytes(len: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_len(&mut out, len);
        out
    }

    #[test]
    fn lengths_use_the_shortest_form() {
        assert_eq!(len_bytes(0), [0x00]);
        assert_eq!(len_bytes(63), [0x3F]);
        assert_eq!(len_bytes(64), [0x40, 0x40]);
        assert_eq!(len_bytes(16383), [0x7F, 0xFF]);
        assert_eq!(len_bytes(16384), [0x80, 0, 0, 0x40, 0]);
        assert_eq!(
            len_bytes(u64::from(u32::MAX)),
            [0x80, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(len_bytes(1 << 32), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn integers_use_the_smallest_width() {
        let enc = |v: i64| {
            let mut buf = [0u8; 5];
            let n = encode_int(v, &mut buf);
            buf[..n].to_vec()
        };
        assert_eq!(enc(-128), [0xC0, 0x80]);
        assert_eq!(enc(128), [0xC1, 0x80, 0x00]);
        assert_eq!(enc(-32769), [0xC2, 0xFF, 0x7F, 0xFF, 0xFF]);
        assert!(enc(1 << 31).is_empty());
    }
}
