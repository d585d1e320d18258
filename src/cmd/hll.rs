//! The HyperLogLog structure of `hyperloglog.c`, byte for byte: a string
//! with the 16-byte header (`HYLL`, the encoding, three unused bytes, the
//! cached cardinality little-endian with its top bit as "stale") and either
//! the sparse opcodes (ZERO `00xxxxxx`, XZERO `01xxxxxx xxxxxxxx`, VAL
//! `1vvvvvxx`) or 16384 dense 6-bit registers.
//!
//! Every function mirrors the C one it is named after, including the
//! sparse update's in-place split and its five-opcode merge window, so
//! that the same adds leave the same bytes as real Redis (a learner's
//! `GET` of an HLL key, and the RDB, show them). The commands are in
//! [`super::hyperloglog`].

/// `HLL_P`: 2^14 registers.
const P: u32 = 14;
/// `HLL_Q`: the hash bits left for the run of zeros.
const Q: usize = 64 - P as usize;
/// `HLL_REGISTERS`.
pub const REGISTERS: usize = 1 << P;
/// `HLL_HDR_SIZE`.
pub const HDR_SIZE: usize = 16;
/// `HLL_DENSE_SIZE`: header plus 16384 six-bit registers.
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * 6).div_ceil(8);
/// `HLL_DENSE`, `HLL_SPARSE`: the encoding byte.
pub const DENSE: u8 = 0;
pub const SPARSE: u8 = 1;
/// Redis's default `hll-sparse-max-bytes`.
const SPARSE_MAX_BYTES: usize = 3000;
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
const ZERO_MAX_LEN: usize = 64;
const XZERO_MAX_LEN: usize = 16384;

/// A sparse or dense representation was found inconsistent.
#[derive(Debug, PartialEq, Eq)]
pub struct Corrupt;

/// `MurmurHash64A`, endian-neutral as Redis modified it.
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> 47;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, b) in rest.iter().enumerate() {
            h ^= u64::from(*b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 47;
    h = h.wrapping_mul(M);
    h ^ (h >> 47)
}

/// `hllPatLen`: (register index, length of the `000..1` pattern).
fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, 0xadc8_3b19);
    let index = (hash as usize) & (REGISTERS - 1);
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// `createHLLObject`: an empty sparse HLL (one XZERO per 16384 registers).
pub fn create() -> Vec<u8> {
    let mut v = vec![0u8; HDR_SIZE];
    v[..4].copy_from_slice(b"HYLL");
    v[4] = SPARSE;
    let mut aux = REGISTERS;
    while aux > 0 {
        let x = aux.min(XZERO_MAX_LEN);
        push_xzero(&mut v, x);
        aux -= x;
    }
    v
}

fn push_xzero(v: &mut Vec<u8>, len: usize) {
    let l = len - 1;
    v.push((l >> 8) as u8 | 0x40);
    v.push((l & 0xff) as u8);
}

fn push_zero_run(v: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        push_xzero(v, len);
    } else {
        v.push((len - 1) as u8);
    }
}

fn val_op(value: u8, len: usize) -> u8 {
    ((value - 1) << 2 | (len - 1) as u8) | 0x80
}

/// One sparse opcode at the start of `p`: (registers covered, value,
/// bytes). ZERO and XZERO have value 0.
fn opcode(p: &[u8]) -> (usize, u8, usize) {
    let b = p[0];
    if b & 0xc0 == 0 {
        (usize::from(b & 0x3f) + 1, 0, 1)
    } else if b & 0x80 == 0 {
        let low = p.get(1).copied().unwrap_or(0);
        ((usize::from(b & 0x3f) << 8 | usize::from(low)) + 1, 0, 2)
    } else {
        (usize::from(b & 3) + 1, ((b >> 2) & 0x1f) + 1, 1)
    }
}

/// `HLL_DENSE_GET_REGISTER` over the register bytes.
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let (byte, fb) = (i * 6 / 8, (i * 6) & 7);
    let b0 = u16::from(regs[byte]);
    let b1 = u16::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & 63) as u8
}

/// `HLL_DENSE_SET_REGISTER`.
fn dense_set_register(regs: &mut [u8], i: usize, val: u8) {
    let (byte, fb) = (i * 6 / 8, (i * 6) & 7);
    let v = u16::from(val);
    regs[byte] &= !((63u16 << fb) as u8);
    regs[byte] |= (v << fb) as u8;
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 &= !((63u16 >> (8 - fb)) as u8);
        *b1 |= (v >> (8 - fb)) as u8;
    }
}

/// `hllDenseSet`: raises register `i` to `count`; true if it changed.
fn dense_set(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(regs, i) {
        dense_set_register(regs, i, count);
        true
    } else {
        false
    }
}

/// Calls `f(first register, run length, value)` for every sparse opcode;
/// returns the number of registers covered.
fn for_each_run(sparse: &[u8], mut f: impl FnMut(usize, usize, u8) -> bool) -> usize {
    let (mut i, mut p) = (0, 0);
    while p < sparse.len() {
        let (span, value, oplen) = opcode(&sparse[p..]);
        if !f(i, span, value) {
            break;
        }
        i += span;
        p += oplen;
    }
    i
}

/// `hllSparseToDense` (a dense HLL is left as it is).
pub fn sparse_to_dense(hll: &mut Vec<u8>) -> Result<(), Corrupt> {
    if hll[4] == DENSE {
        return Ok(());
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR_SIZE].copy_from_slice(&hll[..HDR_SIZE]);
    dense[4] = DENSE;
    let regs = &mut dense[HDR_SIZE..];
    let covered = for_each_run(&hll[HDR_SIZE..], |first, span, value| {
        if value == 0 {
            return true;
        }
        if first + span > REGISTERS {
            return false;
        }
        (first..first + span).for_each(|r| dense_set_register(regs, r, value));
        true
    });
    if covered != REGISTERS {
        return Err(Corrupt);
    }
    *hll = dense;
    Ok(())
}

/// Where register `index` lies in the sparse opcodes.
struct Found {
    p: usize,
    prev: Option<usize>,
    first: usize,
    span: usize,
}

fn find_opcode(hll: &[u8], index: usize) -> Result<Found, Corrupt> {
    let (mut p, mut prev, mut first, mut span) = (HDR_SIZE, None, 0, 0);
    while p < hll.len() {
        let (s, _, oplen) = opcode(&hll[p..]);
        span = s;
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= hll.len() {
        return Err(Corrupt);
    }
    Ok(Found {
        p,
        prev,
        first,
        span,
    })
}

/// `hllSparseSet`: raises register `index` to `count`, splitting the
/// opcode that covers it, promoting to dense when the value does not fit
/// a VAL opcode or the string would outgrow `hll-sparse-max-bytes`.
pub fn sparse_set(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(hll, index, count);
    }
    let f = find_opcode(hll, index)?;
    let (runlen, value, oplen) = opcode(&hll[f.p..]);
    if value > 0 && value >= count {
        return Ok(false);
    }
    if runlen == 1 && (value > 0 || oplen == 1) {
        hll[f.p] = val_op(count, 1);
    } else {
        let last = f.first + f.span - 1;
        let mut seq = Vec::with_capacity(5);
        if index != f.first {
            if value == 0 {
                push_zero_run(&mut seq, index - f.first);
            } else {
                seq.push(val_op(value, index - f.first));
            }
        }
        seq.push(val_op(count, 1));
        if index != last {
            if value == 0 {
                push_zero_run(&mut seq, last - index);
            } else {
                seq.push(val_op(value, last - index));
            }
        }
        if seq.len() > oplen && hll.len() + seq.len() - oplen > SPARSE_MAX_BYTES {
            return promote(hll, index, count);
        }
        hll.splice(f.p..f.p + oplen, seq);
    }
    merge_adjacent(hll, f.prev.unwrap_or(HDR_SIZE));
    invalidate_cache(hll);
    Ok(true)
}

/// Step 4 of `hllSparseSet`: merges adjacent VAL opcodes of equal value
/// within five opcodes from `p`.
fn merge_adjacent(hll: &mut Vec<u8>, mut p: usize) {
    let mut scan = 5;
    while p < hll.len() && scan > 0 {
        scan -= 1;
        let (len1, v1, oplen) = opcode(&hll[p..]);
        if v1 == 0 {
            p += oplen;
            continue;
        }
        if p + 1 < hll.len() && hll[p + 1] & 0x80 != 0 {
            let (len2, v2, _) = opcode(&hll[p + 1..]);
            if v1 == v2 && len1 + len2 <= VAL_MAX_LEN {
                hll[p + 1] = val_op(v1, len1 + len2);
                hll.remove(p);
                continue;
            }
        }
        p += 1;
    }
}

fn promote(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    sparse_to_dense(hll)?;
    Ok(dense_set(&mut hll[HDR_SIZE..], index, count))
}

/// `HLL_INVALIDATE_CACHE`.
pub fn invalidate_cache(hll: &mut [u8]) {
    hll[15] |= 0x80;
}

/// `hllAdd`: adds one element; true if a register changed.
pub fn add(hll: &mut Vec<u8>, ele: &[u8]) -> Result<bool, Corrupt> {
    let (index, count) = pat_len(ele);
    set(hll, index, count)
}

/// Raises one register in whichever encoding `hll` has.
pub fn set(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    match hll[4] {
        DENSE => Ok(dense_set(&mut hll[HDR_SIZE..], index, count)),
        SPARSE => sparse_set(hll, index, count),
        _ => Err(Corrupt),
    }
}

/// `hllMerge`: `max[i] = MAX(max[i], register i)`.
pub fn merge(max: &mut [u8], hll: &[u8]) -> Result<(), Corrupt> {
    if hll[4] == DENSE {
        for (i, m) in max.iter_mut().enumerate() {
            *m = (*m).max(dense_get(&hll[HDR_SIZE..], i));
        }
        return Ok(());
    }
    let covered = for_each_run(&hll[HDR_SIZE..], |first, span, value| {
        if value == 0 {
            return true;
        }
        if first + span > REGISTERS {
            return false;
        }
        max[first..first + span]
            .iter_mut()
            .for_each(|m| *m = (*m).max(value));
        true
    });
    if covered == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// The register histogram of `hll` (`hllDenseRegHisto`,
/// `hllSparseRegHisto`); a sparse HLL not covering every register is
/// corrupt.
fn histogram(hll: &[u8]) -> Result<[u32; 64], Corrupt> {
    let mut h = [0u32; 64];
    if hll[4] == DENSE {
        for i in 0..REGISTERS {
            h[usize::from(dense_get(&hll[HDR_SIZE..], i))] += 1;
        }
        return Ok(h);
    }
    let covered = for_each_run(&hll[HDR_SIZE..], |_, span, value| {
        h[usize::from(value)] += span as u32;
        true
    });
    if covered == REGISTERS {
        Ok(h)
    } else {
        Err(Corrupt)
    }
}

/// The histogram of raw one-byte registers (multi-key PFCOUNT).
pub fn raw_histogram(registers: &[u8]) -> [u32; 64] {
    let mut h = [0u32; 64];
    registers.iter().for_each(|r| h[usize::from(*r & 63)] += 1);
    h
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

/// `hllCount`'s estimator (Ertl's), from a register histogram.
pub fn estimate(h: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(h[Q + 1])) / m);
    for j in (1..=Q).rev() {
        z += f64::from(h[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(h[0]) / m);
    (0.721_347_520_444_481_7 * m * m / z).round() as u64
}

/// `hllCount` of a sparse or dense HLL.
pub fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    histogram(hll).map(|h| estimate(&h))
}

/// Whether the cached cardinality is valid, and its value.
pub fn cached(hll: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(hll[8..16].try_into().ok()?);
    (hll[15] & 0x80 == 0).then_some(card)
}

/// Writes a fresh cardinality into the header (valid).
pub fn set_cache(hll: &mut [u8], card: u64) {
    hll[8..16].copy_from_slice(&card.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_hll_is_one_xzero_and_counts_zero() {
        let h = create();
        assert_eq!(h, b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
        assert_eq!(count(&h), Ok(0));
    }

    #[test]
    fn sparse_and_dense_agree_on_registers_and_count() {
        let mut sparse = create();
        for i in 0..500 {
            add(&mut sparse, format!("e{i}").as_bytes()).expect("valid");
        }
        assert_eq!(sparse[4], SPARSE);
        let mut dense = sparse.clone();
        sparse_to_dense(&mut dense).expect("valid");
        assert_eq!(dense.len(), DENSE_SIZE);
        let (mut a, mut b) = (vec![0u8; REGISTERS], vec![0u8; REGISTERS]);
        merge(&mut a, &sparse).expect("valid");
        merge(&mut b, &dense).expect("valid");
        assert_eq!(a, b);
        assert_eq!(count(&sparse), count(&dense));
    }
}
