//! Bitmap commands (`bitops.c`): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
//! BITFIELD and BITFIELD_RO.
//!
//! A bitmap is an ordinary string: bit 0 is the most significant bit of the
//! first byte, and a write past the end zero-pads the string first
//! (`lookupStringForBitCommand`). So the RDB holds bitmaps exactly as it
//! holds any string, and nothing here touches the encoder.
//!
//! Propagation, as 7.0 does it: every write goes as sent, and only when it
//! changed something (`server.dirty`): SETBIT of a bit already at that value
//! sends nothing, nor does a BITFIELD whose operations all left their bits
//! unchanged or failed under `OVERFLOW FAIL` — even if it created or grew
//! the string, which then stays in the keyspace, unpropagated, exactly as
//! in Redis. BITOP sends itself when it stored a result or deleted the
//! destination.
//!
//! Differences from Redis: strings are rewritten rather than edited in
//! place (see [`crate::db::Sds`]), which changes nothing visible.

use super::reply::{err, int_arg, is, SYNTAX, WRONGTYPE};
use super::Ctx;
use crate::db::{Sds, Value};
use crate::resp::Frame;
use crate::server::ClientKind;

/// Redis's default `proto-max-bulk-len`: bit offsets must address a byte
/// below it.
const PROTO_MAX_BULK_LEN: u64 = 512 * 1024 * 1024;
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const BAD_BIT: &str = "ERR bit is not an integer or out of range";
const BAD_TYPE: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/// `getBitOffsetFromArgument`: a bit offset, or with `hash_bits` set the
/// `#N` form meaning N times that width (BITFIELD). The master's stream is
/// exempt from the size limit (`mustObeyClient`).
pub(super) fn bit_offset(ctx: &Ctx, arg: &[u8], hash_bits: Option<u32>) -> Result<u64, Frame> {
    let (digits, mul) = match (arg.first(), hash_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], i64::from(bits)),
        _ => (arg, 1),
    };
    let n = crate::num::parse_i64(digits)
        .ok_or_else(|| err(BAD_OFFSET))?
        .wrapping_mul(mul);
    let obey = ctx.client.kind == ClientKind::Master;
    if n < 0 || (!obey && (n as u64 >> 3) >= PROTO_MAX_BULK_LEN) {
        return Err(err(BAD_OFFSET));
    }
    Ok(n as u64)
}

/// `getBitfieldTypeFromArgument`: `i1`..`i64` or `u1`..`u63`, as
/// (signed, bits).
pub(super) fn bitfield_type(arg: &[u8]) -> Result<(bool, u32), Frame> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(err(BAD_TYPE)),
    };
    match crate::num::parse_i64(&arg[1..]) {
        Some(n) if n >= 1 && n <= if signed { 64 } else { 63 } => Ok((signed, n as u32)),
        _ => Err(err(BAD_TYPE)),
    }
}

/// `lookupStringForBitCommand`: the string at `key`, zero-padded so that
/// bit `maxbit` exists, and whether it was created or grew ("dirty").
pub(super) fn string_for_bit(
    ctx: &mut Ctx,
    key: &[u8],
    maxbit: u64,
) -> Result<(Vec<u8>, bool), Frame> {
    let need = (maxbit >> 3) as usize + 1;
    let mut v = match ctx.lookup_write(key) {
        None => return Ok((vec![0; need], true)),
        Some(Value::Str(s)) => s.to_vec(),
        Some(_) => return Err(err(WRONGTYPE)),
    };
    let grew = v.len() < need;
    if grew {
        v.resize(need, 0);
    }
    Ok((v, grew))
}

/// Stores a modified bitmap, keeping the key's TTL as an in-place edit does.
pub(super) fn store_bits(ctx: &mut Ctx, key: &[u8], bits: Vec<u8>) {
    ctx.db()
        .insert(Sds::new(key), Value::Str(Sds::from(bits)), true);
}

/// SETBIT key offset value
pub fn setbit(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let offset = match bit_offset(ctx, &argv[2], None) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let on = match crate::num::parse_i64(&argv[3]) {
        Some(b @ (0 | 1)) => b == 1,
        _ => return err(BAD_BIT),
    };
    let (mut v, dirty) = match string_for_bit(ctx, &argv[1], offset) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let (byte, mask) = ((offset >> 3) as usize, 0x80u8 >> (offset & 7));
    let was = v[byte] & mask != 0;
    if dirty || was != on {
        if on {
            v[byte] |= mask;
        } else {
            v[byte] &= !mask;
        }
        store_bits(ctx, &argv[1], v);
        ctx.propagate_as_sent();
    }
    Frame::Integer(i64::from(was))
}

/// GETBIT key offset
pub fn getbit(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let offset = match bit_offset(ctx, &argv[2], None) {
        Ok(o) => o,
        Err(e) => return e,
    };
    match ctx.read_str(&argv[1]) {
        Ok(s) => {
            let byte = s.and_then(|s| s.get((offset >> 3) as usize)).copied();
            Frame::Integer(i64::from(byte.unwrap_or(0) & (0x80 >> (offset & 7)) != 0))
        }
        Err(e) => e,
    }
}

/// The operation of BITOP.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]
pub fn bitop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let op = match &argv[1] {
        a if is(a, "and") => BitOp::And,
        a if is(a, "or") => BitOp::Or,
        a if is(a, "xor") => BitOp::Xor,
        a if is(a, "not") => BitOp::Not,
        _ => return err(SYNTAX),
    };
    if op == BitOp::Not && argv.len() != 4 {
        return err("ERR BITOP NOT must be called with a single source key.");
    }
    let mut sources = Vec::with_capacity(argv.len() - 3);
    for key in &argv[3..] {
        match ctx.read_str(key) {
            Ok(s) => sources.push(s.map(|s| s.to_vec()).unwrap_or_default()),
            Err(e) => return e,
        }
    }
    let result = bitop_result(op, &sources);
    let target = argv[2].as_slice();
    let len = result.len() as i64;
    if result.is_empty() {
        if ctx.db().remove(target).is_some() {
            ctx.propagate_as_sent();
        }
    } else {
        ctx.expire_if_needed(target, true);
        ctx.db()
            .insert(Sds::new(target), Value::Str(Sds::from(result)), false);
        ctx.propagate_as_sent();
    }
    Frame::Integer(len)
}

/// The bytes BITOP stores: as long as the longest source, shorter ones read
/// as zero-padded.
fn bitop_result(op: BitOp, sources: &[Vec<u8>]) -> Vec<u8> {
    let maxlen = sources.iter().map(Vec::len).max().unwrap_or(0);
    let at = |s: &Vec<u8>, j: usize| s.get(j).copied().unwrap_or(0);
    (0..maxlen)
        .map(|j| {
            let first = at(&sources[0], j);
            sources[1..]
                .iter()
                .fold(
                    if op == BitOp::Not { !first } else { first },
                    |acc, s| match op {
                        BitOp::And => acc & at(s, j),
                        BitOp::Or => acc | at(s, j),
                        BitOp::Xor => acc ^ at(s, j),
                        BitOp::Not => acc,
                    },
                )
        })
        .collect()
}

/// A BITCOUNT/BITPOS range resolved to bytes: `start..=end` plus the masks
/// of the bits of the first and last byte that lie outside a BIT range.
struct ByteRange {
    start: i64,
    end: i64,
    first_neg_mask: u8,
    last_neg_mask: u8,
}

/// The range conversion BITCOUNT and BITPOS share: negative indexes from
/// the end, clamping, then for BIT ranges the edge masks.
fn resolve_range(start: i64, end: i64, strlen: i64, isbit: bool) -> ByteRange {
    let totlen = if isbit { strlen << 3 } else { strlen };
    let (mut start, mut end) = (start, end);
    if start < 0 {
        start += totlen;
    }
    if end < 0 {
        end += totlen;
    }
    start = start.max(0);
    end = end.max(0).min(totlen - 1);
    let (mut first_neg_mask, mut last_neg_mask) = (0, 0);
    if isbit && start <= end {
        first_neg_mask = !((1u16 << (8 - (start & 7))) - 1) as u8;
        last_neg_mask = ((1u16 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    ByteRange {
        start,
        end,
        first_neg_mask,
        last_neg_mask,
    }
}

/// `BIT` or `BYTE` (syntax error otherwise): true for BIT.
fn bit_unit(arg: &[u8]) -> Result<bool, Frame> {
    if is(arg, "bit") {
        Ok(true)
    } else if is(arg, "byte") {
        Ok(false)
    } else {
        Err(err(SYNTAX))
    }
}

/// BITCOUNT key [start end [BYTE|BIT]]
pub fn bitcount(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let s = match ctx.read_str(&argv[1]) {
        Ok(Some(s)) => s.to_vec(),
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    match bitcount_of(&s, argv) {
        Ok(n) => Frame::Integer(n),
        Err(e) => e,
    }
}

fn bitcount_of(p: &[u8], argv: &[Vec<u8>]) -> Result<i64, Frame> {
    let r = match argv.len() {
        2 => resolve_range(0, p.len() as i64 - 1, p.len() as i64, false),
        4 | 5 => {
            let (start, end) = (int_arg(&argv[2])?, int_arg(&argv[3])?);
            if start < 0 && end < 0 && start > end {
                return Ok(0);
            }
            let isbit = match argv.get(4) {
                Some(a) => bit_unit(a)?,
                None => false,
            };
            resolve_range(start, end, p.len() as i64, isbit)
        }
        _ => return Err(err(SYNTAX)),
    };
    if r.start > r.end {
        return Ok(0);
    }
    let (start, end) = (r.start as usize, r.end as usize);
    let count: u32 = p[start..=end].iter().map(|b| b.count_ones()).sum();
    let outside =
        (p[start] & r.first_neg_mask).count_ones() + (p[end] & r.last_neg_mask).count_ones();
    Ok(i64::from(count - outside))
}

/// `redisBitpos`: the first bit equal to `bit` in `s`; past the end the
/// string reads as zeros, so looking for 0 in all ones gives `len * 8`,
/// and looking for 1 in all zeros gives -1.
fn first_bit(s: &[u8], bit: bool) -> i64 {
    let skip = if bit { 0 } else { 0xff };
    match s.iter().position(|&b| b != skip) {
        Some(i) => {
            let b = if bit { s[i] } else { !s[i] };
            (i as i64) * 8 + i64::from(b.leading_zeros())
        }
        None if bit => -1,
        None => s.len() as i64 * 8,
    }
}

/// BITPOS key bit [start [end [BYTE|BIT]]]
pub fn bitpos(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let bit = match int_arg(&argv[2]) {
        Ok(b @ (0 | 1)) => b == 1,
        Ok(_) => return err("ERR The bit argument must be 1 or 0."),
        Err(e) => return e,
    };
    let s = match ctx.read_str(&argv[1]) {
        Ok(Some(s)) => s.to_vec(),
        Ok(None) => return Frame::Integer(if bit { -1 } else { 0 }),
        Err(e) => return e,
    };
    match bitpos_of(&s, bit, argv) {
        Ok(n) => Frame::Integer(n),
        Err(e) => e,
    }
}

/// `bitposCommand` after the lookup, its edge-byte handling kept as is.
fn bitpos_of(p: &[u8], bit: bool, argv: &[Vec<u8>]) -> Result<i64, Frame> {
    let strlen = p.len() as i64;
    let (r, end_given) = match argv.len() {
        3 => (resolve_range(0, strlen - 1, strlen, false), false),
        4..=6 => {
            let start = int_arg(&argv[3])?;
            let isbit = match argv.get(5) {
                Some(a) => bit_unit(a)?,
                None => false,
            };
            let end = match argv.get(4) {
                Some(a) => int_arg(a)?,
                None if isbit => (strlen << 3) + 7,
                None => strlen - 1,
            };
            (resolve_range(start, end, strlen, isbit), argv.len() >= 5)
        }
        _ => return Err(err(SYNTAX)),
    };
    if r.start > r.end {
        return Ok(-1);
    }
    let (mut start, end) = (r.start as usize, r.end as usize);
    let mut bytes = end - start + 1;
    let edge = |byte: u8, neg: u8| if bit { byte & !neg } else { byte | neg };
    let pos = 'search: {
        if r.first_neg_mask != 0 {
            let mut c = edge(p[start], r.first_neg_mask);
            if r.last_neg_mask != 0 && bytes == 1 {
                c = edge(c, r.last_neg_mask);
            }
            let pos = first_bit(&[c], bit);
            if bytes == 1 || (pos != -1 && pos != 8) {
                break 'search pos;
            }
            start += 1;
            bytes -= 1;
        }
        let cur = bytes - usize::from(r.last_neg_mask != 0);
        if cur > 0 {
            let pos = first_bit(&p[start..start + cur], bit);
            if bytes == cur || (pos != -1 && pos != (cur as i64) << 3) {
                break 'search pos;
            }
            start += cur;
            bytes -= cur;
        }
        first_bit(&[edge(p[end], r.last_neg_mask)], bit)
    };
    if end_given && !bit && pos == (bytes as i64) << 3 {
        return Ok(-1);
    }
    Ok(if pos == -1 {
        -1
    } else {
        pos + ((start as i64) << 3)
    })
}
