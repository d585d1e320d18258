//! BITFIELD and BITFIELD_RO (`bitfieldGeneric` in `bitops.c`): integers of
//! 1 to 64 bits (unsigned up to 63) at any bit offset of a string, read,
//! set or incremented under the WRAP, SAT or FAIL overflow rule.
//!
//! All operations are parsed before any runs, so a bad argument anywhere
//! fails the whole command. Writes first zero-pad the string up to the
//! farthest bit any of them touches. The command is propagated as sent
//! when at least one operation changed its bits, or wrote into a string it
//! had to create or grow (see [`super::bitmap`]).

use super::bitmap::{bit_offset, bitfield_type, store_bits, string_for_bit};
use super::reply::{err, int_arg, is, SYNTAX};
use super::Ctx;
use crate::resp::Frame;

/// What to do when a value does not fit (`BFOVERFLOW_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// One parsed operation (`struct bitfieldOp`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum OpCode {
    Get,
    Set,
    IncrBy,
}

struct Op {
    code: OpCode,
    offset: u64,
    value: i64,
    overflow: Overflow,
    signed: bool,
    bits: u32,
}

/// BITFIELD key [GET type offset | SET type offset value |
/// INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ...
pub fn bitfield(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, false).unwrap_or_else(|e| e)
}

/// BITFIELD_RO key [GET type offset ...]
pub fn bitfield_ro(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, true).unwrap_or_else(|e| e)
}

/// Parses every operation, in `bitfieldGeneric`'s order of checks.
fn parse_ops(ctx: &Ctx, argv: &[Vec<u8>]) -> Result<Vec<Op>, Frame> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < argv.len() {
        let rem = argv.len() - j - 1;
        let sub = &argv[j];
        let code = if is(sub, "get") && rem >= 2 {
            OpCode::Get
        } else if is(sub, "set") && rem >= 3 {
            OpCode::Set
        } else if is(sub, "incrby") && rem >= 3 {
            OpCode::IncrBy
        } else if is(sub, "overflow") && rem >= 1 {
            let w = &argv[j + 1];
            overflow = match () {
                _ if is(w, "wrap") => Overflow::Wrap,
                _ if is(w, "sat") => Overflow::Sat,
                _ if is(w, "fail") => Overflow::Fail,
                _ => return Err(err("ERR Invalid OVERFLOW type specified")),
            };
            j += 2;
            continue;
        } else {
            return Err(err(SYNTAX));
        };
        let (signed, bits) = bitfield_type(&argv[j + 1])?;
        let offset = bit_offset(ctx, &argv[j + 2], Some(bits))?;
        let value = match code {
            OpCode::Get => 0,
            _ => int_arg(&argv[j + 3])?,
        };
        ops.push(Op {
            code,
            offset,
            value,
            overflow,
            signed,
            bits,
        });
        j += if code == OpCode::Get { 3 } else { 4 };
    }
    Ok(ops)
}

fn generic(ctx: &mut Ctx, argv: &[Vec<u8>], readonly_cmd: bool) -> Result<Frame, Frame> {
    let ops = parse_ops(ctx, argv)?;
    let key = argv[1].as_slice();
    let highest = ops
        .iter()
        .filter(|o| o.code != OpCode::Get)
        .map(|o| o.offset + u64::from(o.bits) - 1)
        .max();
    let Some(highest) = highest else {
        let s = ctx.read_str(key)?.map(|s| s.to_vec()).unwrap_or_default();
        return Ok(Frame::Array(ops.iter().map(|o| get(&s, o)).collect()));
    };
    if readonly_cmd {
        return Err(err("ERR BITFIELD_RO only supports the GET subcommand"));
    }
    let (mut s, dirty) = string_for_bit(ctx, key, highest)?;
    let mut changes = 0;
    let replies = ops
        .iter()
        .map(|o| {
            if o.code == OpCode::Get {
                return get(&s, o);
            }
            match write(&mut s, o) {
                Some((reply, old, new)) => {
                    changes += usize::from(dirty || old != new);
                    Frame::Integer(reply)
                }
                None => Frame::Null,
            }
        })
        .collect();
    if dirty || changes > 0 {
        store_bits(ctx, key, s);
    }
    if changes > 0 {
        ctx.propagate_as_sent();
    }
    Ok(Frame::Array(replies))
}

/// GET: reads past the end of the string as zeros.
fn get(s: &[u8], o: &Op) -> Frame {
    let v = get_unsigned(s, o.offset, o.bits);
    Frame::Integer(if o.signed {
        sign_extend(v, o.bits)
    } else {
        v as i64
    })
}

/// SET or INCRBY: `Some((reply, old bits, new bits))`, or `None` when the
/// value overflows under FAIL (nothing is written).
fn write(s: &mut [u8], o: &Op) -> Option<(i64, u64, u64)> {
    let old = get_unsigned(s, o.offset, o.bits);
    let (new, overflowed, reply_new) = if o.signed {
        let old = sign_extend(old, o.bits);
        let (base, incr) = match o.code {
            OpCode::IncrBy => (old, o.value),
            _ => (o.value, 0),
        };
        let (of, limit) = signed_overflow(base, incr, o.bits, o.overflow);
        (
            if of { limit } else { base.wrapping_add(incr) } as u64,
            of,
            o.code == OpCode::IncrBy,
        )
    } else {
        let (base, incr) = match o.code {
            OpCode::IncrBy => (old, o.value),
            _ => (o.value as u64, 0),
        };
        let (of, limit) = unsigned_overflow(base, incr, o.bits, o.overflow);
        (
            if of {
                limit
            } else {
                base.wrapping_add(incr as u64)
            },
            of,
            o.code == OpCode::IncrBy,
        )
    };
    if overflowed && o.overflow == Overflow::Fail {
        return None;
    }
    set_unsigned(s, o.offset, o.bits, new);
    let shown = |v: u64| {
        if o.signed {
            sign_extend(v, o.bits)
        } else {
            v as i64
        }
    };
    let reply = if reply_new { shown(new) } else { shown(old) };
    Some((reply, old, get_unsigned(s, o.offset, o.bits)))
}

/// `getUnsignedBitfield`, reading missing bytes as zero.
fn get_unsigned(s: &[u8], offset: u64, bits: u32) -> u64 {
    (offset..offset + u64::from(bits)).fold(0, |v, bit| {
        let byte = s.get((bit >> 3) as usize).copied().unwrap_or(0);
        (v << 1) | u64::from((byte >> (7 - (bit & 7))) & 1)
    })
}

/// `setUnsignedBitfield`: the low `bits` bits of `value`, most significant
/// first. The string was padded to hold them.
fn set_unsigned(s: &mut [u8], offset: u64, bits: u32, value: u64) {
    for j in 0..u64::from(bits) {
        let on = value >> (u64::from(bits) - 1 - j) & 1 == 1;
        let bit = offset + j;
        let mask = 0x80u8 >> (bit & 7);
        if let Some(b) = s.get_mut((bit >> 3) as usize) {
            *b = if on { *b | mask } else { *b & !mask };
        }
    }
}

/// Two's complement of a `bits`-wide field.
fn sign_extend(v: u64, bits: u32) -> i64 {
    if bits < 64 && v & (1 << (bits - 1)) != 0 {
        (v | (u64::MAX << bits)) as i64
    } else {
        v as i64
    }
}

/// `checkUnsignedBitfieldOverflow`: whether `value + incr` leaves
/// `0..2^bits`, and the value WRAP or SAT gives instead.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> (bool, u64) {
    let max = (1u64 << bits) - 1;
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = value.wrapping_neg() as i64;
    let wrapped = value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > maxincr) {
        (true, if ow == Overflow::Sat { max } else { wrapped })
    } else if incr < 0 && incr < minincr {
        (true, if ow == Overflow::Sat { 0 } else { wrapped })
    } else {
        (false, 0)
    }
}

/// `checkSignedBitfieldOverflow`: the same for `-2^(bits-1)..2^(bits-1)`.
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> (bool, i64) {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrapped = {
        let c = (value as u64).wrapping_add(incr as u64);
        let msb = 1u64 << (bits - 1);
        if bits == 64 {
            c
        } else if c & msb != 0 {
            c | (u64::MAX << bits)
        } else {
            c & !(u64::MAX << bits)
        }
    } as i64;
    let wide = bits != 64;
    if value > max || (wide && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        (true, if ow == Overflow::Sat { max } else { wrapped })
    } else if value < min || (wide && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
        (true, if ow == Overflow::Sat { min } else { wrapped })
    } else {
        (false, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_big_endian_across_bytes() {
        let mut s = vec![0u8; 2];
        set_unsigned(&mut s, 7, 5, 23);
        assert_eq!(s, [0b0000_0001, 0b0111_0000]);
        assert_eq!(get_unsigned(&s, 7, 5), 23);
        assert_eq!(sign_extend(get_unsigned(&s, 7, 5), 5), -9);
    }

    #[test]
    fn overflow_rules_match_bitops_c() {
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Wrap), (true, 4));
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Sat), (true, 255));
        assert_eq!(unsigned_overflow(5, -10, 8, Overflow::Sat), (true, 0));
        assert_eq!(signed_overflow(120, 10, 8, Overflow::Wrap), (true, -126));
        assert_eq!(signed_overflow(-120, -10, 8, Overflow::Sat), (true, -128));
        assert_eq!(
            signed_overflow(i64::MAX, 1, 64, Overflow::Wrap),
            (true, i64::MIN)
        );
        assert_eq!(signed_overflow(3, 4, 8, Overflow::Fail), (false, 0));
    }
}
