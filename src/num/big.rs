//! Exact binary arithmetic for turning decimal text into binary floats.
//!
//! Two parsers need a correctly rounded decimal → binary conversion:
//! INCRBYFLOAT's 80-bit `long double` ([`super::long_double`], 64-bit
//! mantissa) and every other float Redis reads with `strtod`
//! ([`super::float_parse`], an IEEE double, 53-bit mantissa). Both write the
//! decimal as an exact fraction `num / den` of big integers, take the
//! quotient to a few more bits than they keep, and round once, to nearest
//! even ([`quotient_bits`], [`shr_round_even`]). Only the final precision
//! and the exponent range differ, so the arithmetic lives here, once.
//!
//! Rounding the exact value once is what glibc's `strtod`/`strtold` and
//! Rust's `f64::from_str` do, so the results are theirs, bit for bit. That
//! the double parser can reuse this code instead of linking core's
//! `dec2flt` (whose 11 KiB table of powers of five barely compresses)
//! keeps the page's wasm download about 13 KB smaller gzipped (issue #5).

use std::cmp::Ordering;

/// `num / den` as a truncated binary quotient `q` of 66 or 67 bits and the
/// power of two that scales it back: `num / den ≈ q × 2^e`. Whether the
/// division left a remainder is OR-ed into bit 0 (the sticky bit), so
/// rounding `q` to 64 bits or fewer with [`shr_round_even`] rounds the
/// exact fraction: at least two bits are dropped, and the one that decides
/// a tie is never the sticky one.
pub(super) fn quotient_bits(mut num: Big, mut den: Big) -> (u128, i64) {
    // Scale so the quotient has 66 bits: 64 kept, a round bit, a guard.
    let shift = 66 - (num.bits() as i64 - den.bits() as i64);
    if shift > 0 {
        num.shl(shift as usize);
    } else {
        den.shl((-shift) as usize);
    }
    let (q, exact) = num.div_small_quotient(&den);
    (q | u128::from(!exact), -shift)
}

/// `v / 2^drop` rounded to the nearest integer, ties to even. The result
/// may carry into one more bit than `v >> drop` has (all ones round up).
pub(super) fn shr_round_even(v: u128, drop: u32) -> u128 {
    match drop {
        0 => v,
        // `v < 2^128 ≤ 2^(drop - 1)`: less than half a unit.
        129.. => 0,
        _ => {
            let half = 1u128 << (drop - 1);
            let mask = half | (half - 1);
            // At 128 nothing is kept: `checked_shr` gives `None`.
            let kept = v.checked_shr(drop).unwrap_or(0);
            let rest = v & mask;
            let up = rest > half || (rest == half && kept & 1 == 1);
            kept + u128::from(up)
        }
    }
}

/// A little unsigned big integer (base 2^32, least significant limb first),
/// just enough for exact decimal ↔ binary conversion.
#[derive(Clone, Debug)]
pub(super) struct Big(Vec<u32>);

impl Big {
    pub(super) fn zero() -> Big {
        Big(Vec::new())
    }

    pub(super) fn one() -> Big {
        Big(vec![1])
    }

    pub(super) fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn is_odd(&self) -> bool {
        self.0.first().is_some_and(|l| l & 1 == 1)
    }

    pub(super) fn bits(&self) -> usize {
        match self.0.last() {
            Some(top) => self.0.len() * 32 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    /// `self = self × m + a`.
    pub(super) fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    pub(super) fn mul_pow10(mut self, mut p: u32) -> Big {
        while p >= 9 {
            self.mul_add(1_000_000_000, 0);
            p -= 9;
        }
        self.mul_add(10u32.pow(p), 0);
        self.trim();
        self
    }

    pub(super) fn shl(&mut self, n: usize) {
        let (limbs, bits) = (n / 32, (n % 32) as u32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (u64::from(*limb) << bits) | u64::from(carry);
                *limb = v as u32;
                carry = (v >> 32) as u32;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 && !self.is_zero() {
            self.0.splice(0..0, std::iter::repeat(0).take(limbs));
        }
    }

    /// `self >> n`, plus the highest dropped bit and whether any lower
    /// dropped bit was set.
    pub(super) fn shr_with_rest(&self, n: usize) -> (Big, bool, bool) {
        let round = n > 0 && self.bit(n - 1);
        let sticky = n > 1 && self.low_bits_nonzero(n - 1);
        let (limbs, bits) = (n / 32, (n % 32) as u32);
        let src = self.0.get(limbs..).unwrap_or(&[]);
        let mut out: Vec<u32> = src
            .iter()
            .enumerate()
            .map(|(i, &l)| {
                let next = src.get(i + 1).copied().unwrap_or(0);
                if bits == 0 {
                    l
                } else {
                    (l >> bits) | (next << (32 - bits))
                }
            })
            .collect();
        while out.last() == Some(&0) {
            out.pop();
        }
        (Big(out), round, sticky)
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// True when any of the lowest `n` bits is set.
    fn low_bits_nonzero(&self, n: usize) -> bool {
        let full = n / 32;
        if self.0.iter().take(full).any(|l| *l != 0) {
            return true;
        }
        let rem = n % 32;
        rem > 0
            && self
                .0
                .get(full)
                .is_some_and(|l| l & ((1u32 << rem) - 1) != 0)
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let o = i64::from(other.0.get(i).copied().unwrap_or(0));
            let mut v = i64::from(*limb) - o - borrow;
            borrow = i64::from(v < 0);
            if v < 0 {
                v += 1 << 32;
            }
            *limb = v as u32;
        }
        self.trim();
    }

    /// Quotient (known to fit in 68 bits) of `self / den`, and whether the
    /// division was exact. Restoring division, one quotient bit at a time.
    fn div_small_quotient(mut self, den: &Big) -> (u128, bool) {
        let mut q: u128 = 0;
        let top = self.bits().saturating_sub(den.bits());
        // `den << i` for i from `top` down, shifted in place: no copy per bit.
        let mut d = den.clone();
        d.shl(top);
        for i in (0..=top).rev() {
            if self.cmp(&d) != Ordering::Less {
                self.sub_assign(&d);
                if i < 128 {
                    q |= 1 << i;
                }
            }
            d.shr1();
        }
        (q, self.is_zero())
    }

    /// `self >>= 1`.
    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let low = *limb & 1;
            *limb = (*limb >> 1) | (carry << 31);
            carry = low;
        }
        self.trim();
    }

    pub(super) fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut limbs = self.0.clone();
        let mut chunks = Vec::new();
        while !limbs.is_empty() {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let v = (rem << 32) | u64::from(*limb);
                *limb = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
            chunks.push(rem as u32);
        }
        let mut s = String::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&c.to_string());
            } else {
                s.push_str(&format!("{c:09}"));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_nearest_even() {
        assert_eq!(shr_round_even(0b1011, 0), 0b1011);
        assert_eq!(shr_round_even(0b1010, 2), 0b10); // 2.5 → 2
        assert_eq!(shr_round_even(0b1110, 2), 0b100); // 3.5 → 4
        assert_eq!(shr_round_even(0b1011, 2), 0b11); // 2.75 → 3
        assert_eq!(shr_round_even(0b1001, 2), 0b10); // 2.25 → 2
        assert_eq!(shr_round_even(u128::MAX, 1), 1 << 127);
        assert_eq!(shr_round_even(1 << 127, 128), 0); // exactly half → even 0
        assert_eq!(shr_round_even((1 << 127) + 1, 128), 1);
        assert_eq!(shr_round_even(u128::MAX, 129), 0);
    }

    #[test]
    fn quotients_keep_66_bits_and_a_sticky_bit() {
        // 1/3 = 0.0101...b: 66 bits of it, inexact.
        let (q, e) = quotient_bits(Big::one(), Big::from_u64(3));
        assert_eq!(q >> 65, 1);
        assert_eq!(q & 1, 1);
        assert_eq!(e, -67);
        // 10/2 = 5 exactly: 101b followed by zeros (67 bits), sticky clear.
        let (q, e) = quotient_bits(Big::from_u64(10), Big::from_u64(2));
        assert_eq!((q, e), (5 << 64, -64));
    }
}
