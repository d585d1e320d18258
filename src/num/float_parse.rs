//! Decimal text to `f64`, correctly rounded, without core's `dec2flt`.
//!
//! Redis reads doubles with `strtod` (scores, range bounds, RDB scores
//! stored as text), and glibc's `strtod` is correctly rounded: it returns
//! the double nearest to the exact decimal value, ties to even. Rust's
//! `f64::from_str` is correctly rounded too, and the crate used it. We
//! parse ourselves for the download's sake (issue #5): `f64::from_str`
//! links core's `dec2flt`, whose table of 128-bit powers of five (about
//! 11 KiB) barely compresses. The exact big-integer arithmetic INCRBYFLOAT
//! already needs (`num/big.rs`) does the same job; with it the page's
//! wasm is about 13 KB smaller gzipped (table and code).
//!
//! [`parse`] accepts exactly what `str::parse::<f64>` accepts and returns
//! the same bits (the tests compare the two on random inputs), so every
//! caller keeps its own Redis rules on top, unchanged:
//!
//! - an optional sign, then `inf`, `infinity` or `nan` in any case, or
//!   `digits[.digits][e[+-]digits]` where either side of the point may be
//!   empty but not both (`1.`, `.5`, `1E+05`); nothing else, no spaces,
//!   no hexadecimal;
//! - overflow gives ±infinity and underflow ±0, as IEEE rounding does.
//!
//! Three paths, from the quickest:
//!
//! 1. Clinger's fast path: when the digits form an integer up to 2^53 and
//!    the power of ten is at most 22 either way, both are exact doubles
//!    and one multiplication or division rounds correctly (`1.5`, `0.25`).
//! 2. Digits that fit a `u64` (19, or 20 below 2^64) and a moderate
//!    exponent: the exact value fits 128-bit integers. This is `%.17g`
//!    text such as `0.10000000000000001`, which Redis writes for every
//!    score it prints or saves.
//! 3. Anything else: the value `n × 10^e` becomes a fraction of big
//!    integers, divided to 66 bits with a sticky bit.
//!
//! Paths 2 and 3 round once, to 53 bits (fewer for subnormals), the same
//! way (`round_to_f64`).

use super::big::{quotient_bits, shr_round_even, Big};

/// Significant digits taken exactly; later ones only matter as "some
/// nonzero digit follows". A tie between two doubles has at most 767
/// significant digits, so no rounding boundary can fall between a number
/// cut after 800 digits and the same number with a `1` appended in place
/// of the rest: both round alike.
const MAX_DIGITS: usize = 800;

/// The powers of ten a double holds exactly (5^22 < 2^53).
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Every integer up to this one is an exact double.
const EXACT_INT: u64 = 1 << 53;

/// Parses `s` exactly as `str::parse::<f64>` does; `None` where that
/// returns an error.
pub fn parse(s: &[u8]) -> Option<f64> {
    let (neg, body) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let v = match special(body) {
        Some(v) => v,
        None => unsigned(body)?,
    };
    Some(if neg { -v } else { v })
}

/// `inf`, `infinity` and `nan`, in any case.
fn special(body: &[u8]) -> Option<f64> {
    let is = |word: &[u8]| body.eq_ignore_ascii_case(word);
    if is(b"inf") || is(b"infinity") {
        Some(f64::INFINITY)
    } else if is(b"nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

/// An unsigned decimal number, correctly rounded.
fn unsigned(body: &[u8]) -> Option<f64> {
    let d = split_decimal(body)?;
    let quick = d
        .small()
        .and_then(|(w, e10)| clinger(w, e10).or_else(|| from_u128(w, e10)));
    Some(quick.unwrap_or_else(|| d.exact()))
}

/// Clinger's fast path: an exact integer times or divided by an exact
/// power of ten, rounded once by the hardware.
fn clinger(w: u64, e10: i64) -> Option<f64> {
    if w > EXACT_INT {
        return None;
    }
    let pow10 = *EXACT_POW10.get(usize::try_from(e10.unsigned_abs()).ok()?)?;
    let w = w as f64;
    Some(if e10 < 0 { w / pow10 } else { w * pow10 })
}

/// `w × 10^e10` exactly in 64- and 128-bit integers, when they suffice: a
/// product below 2^128, or a quotient by `5^k` (`10^-k = 5^-k × 2^-k`)
/// with `k ≤ 26`, so that `5^k < 2^61`.
fn from_u128(w: u64, e10: i64) -> Option<f64> {
    if w == 0 {
        return Some(0.0);
    }
    if e10 >= 0 {
        let n = 10u128
            .checked_pow(u32::try_from(e10).ok()?)?
            .checked_mul(u128::from(w))?;
        // An exact integer, widened to the 66 bits `round_to_f64` expects.
        let shift = n.leading_zeros().saturating_sub(62);
        return Some(round_to_f64(n << shift, -i64::from(shift)));
    }
    let k = u32::try_from(e10.unsigned_abs())
        .ok()
        .filter(|k| *k <= 26)?;
    let den = 5u64.pow(k);
    // A 66- or 67-bit quotient, as `quotient_bits` makes it.
    let shift = 66 + den.ilog2() - w.ilog2();
    let (q, exact) = div_shifted(w, shift, den);
    Some(round_to_f64(q | u128::from(!exact), -i64::from(shift + k)))
}

/// `(w << shift) / den` and whether it divides exactly, by long division
/// in 64-bit steps (a 128-bit division would link 1 KB of compiler
/// runtime into the wasm): the remainder stays below `den`, so each step
/// can bring down `den.leading_zeros()` more bits, at least 3 here.
fn div_shifted(w: u64, shift: u32, den: u64) -> (u128, bool) {
    let step = den.leading_zeros();
    let (mut q, mut r) = (u128::from(w / den), w % den);
    let mut left = shift;
    while left > 0 {
        let bits = step.min(left);
        r <<= bits;
        q = (q << bits) | u128::from(r / den);
        r %= den;
        left -= bits;
    }
    (q, r == 0)
}

/// A decimal number `int.frac × 10^exp` whose syntax has been checked:
/// `int` and `frac` are ASCII digits, not both empty.
pub(super) struct Decimal<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
}

/// Checks and splits `digits[.digits][e[+-]digits]` (no sign).
pub(super) fn split_decimal(s: &[u8]) -> Option<Decimal<'_>> {
    let (int, frac, exp) = split_number(s, b"eE")?;
    if !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    let exp = match exp {
        Some(x) => parse_exp(x)?,
        None => 0,
    };
    Some(Decimal { int, frac, exp })
}

impl Decimal<'_> {
    /// The digits as a `u64` and the power of ten that scales them, when
    /// they fit (19 significant digits, more if they are small).
    fn small(&self) -> Option<(u64, i64)> {
        let mut w: u64 = 0;
        for &c in self.int.iter().chain(self.frac) {
            w = w.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
        }
        let e10 = self.exp.checked_sub(i64::try_from(self.frac.len()).ok()?)?;
        Some((w, e10))
    }

    /// Any input: the exact value, rounded once.
    fn exact(&self) -> f64 {
        let (n, e10) = self.to_big(MAX_DIGITS);
        from_pow10(n, e10)
    }

    /// The digits as one integer `n` and the power of ten that scales it,
    /// `value = n × 10^e10`. After `max` significant digits the rest is
    /// replaced by a single `1` when any of it is nonzero (see
    /// [`MAX_DIGITS`]); `usize::MAX` keeps every digit.
    pub(super) fn to_big(&self, max: usize) -> (Big, i64) {
        let mut n = Big::zero();
        let (mut kept, mut dropped, mut sticky) = (0usize, 0i64, false);
        for &c in self.int.iter().chain(self.frac) {
            let digit = c - b'0';
            if kept < max {
                n.mul_add(10, u32::from(digit));
                kept += usize::from(!n.is_zero());
            } else {
                dropped += 1;
                sticky |= digit != 0;
            }
        }
        let mut e10 = self.exp - self.frac.len() as i64 + dropped;
        if sticky {
            n.mul_add(10, 1);
            e10 -= 1;
        }
        (n, e10)
    }
}

/// `n × 10^e10` rounded to the nearest double, ties to even; too big is
/// infinity, too small is zero.
fn from_pow10(n: Big, e10: i64) -> f64 {
    if n.is_zero() {
        return 0.0;
    }
    // 2^(bits-1) ≤ n < 2^bits and 10^e > 2^(3e) settle the far ends
    // without big arithmetic: at least 2^1024 overflows, below 2^-1075
    // (half the smallest subnormal) is zero.
    let bits = n.bits() as i64;
    if e10 > 0 && bits - 1 + 3 * e10 >= 1024 {
        return f64::INFINITY;
    }
    if e10 < 0 && bits + 3 * e10 <= -1075 {
        return 0.0;
    }
    // Within those bounds |e10| < 1300, so the casts cannot truncate.
    let (num, den) = if e10 >= 0 {
        (n.mul_pow10(e10 as u32), Big::one())
    } else {
        (n, Big::one().mul_pow10(e10.unsigned_abs() as u32))
    };
    let (q, e2) = quotient_bits(num, den);
    round_to_f64(q, e2)
}

/// `q × 2^e2` (a 66- or 67-bit quotient with its sticky bit) rounded to a
/// double: 53 significant bits, fewer below the normal range, where the
/// last bit is fixed at 2^-1074.
fn round_to_f64(q: u128, e2: i64) -> f64 {
    let lead = e2 + 127 - i64::from(q.leading_zeros());
    let ulp = (lead - 52).max(-1074);
    // At least 13: q has 66 bits or more.
    let drop = u32::try_from(ulp - e2).unwrap_or(u32::MAX);
    let mant = shr_round_even(q, drop) as u64;
    // Biased exponent minus one, so that adding the mantissa with its
    // leading bit lands on the right field; a carry out of the mantissa
    // (2^53, or a subnormal rounding up to 2^52) moves into the exponent
    // as IEEE's layout intends. Never negative: ulp ≥ -1074.
    let field = (ulp + 1074) as u64;
    if field >= 2047 {
        return f64::INFINITY;
    }
    let bits = (field << 52) + mant;
    f64::from_bits(bits.min(f64::INFINITY.to_bits()))
}

/// A number's integer digits, fraction digits and exponent text.
type NumberParts<'a> = (&'a [u8], &'a [u8], Option<&'a [u8]>);

/// Splits `int[.frac][<mark>exp]`, where `<mark>` is one of `marks` (`eE`
/// for decimal, `pP` for hexadecimal); `None` when there are no digits.
pub(super) fn split_number<'a>(s: &'a [u8], marks: &[u8]) -> Option<NumberParts<'a>> {
    let (mant, exp_part) = match s.iter().position(|c| marks.contains(c)) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac) = match mant.iter().position(|c| *c == b'.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, &b""[..]),
    };
    (!int_part.is_empty() || !frac.is_empty()).then_some((int_part, frac, exp_part))
}

/// An exponent `[+-]digits`. Like Rust's parser, it stops growing once it
/// reaches 65536, far beyond any double or long double; only a string with
/// tens of thousands of digits could tell, and it then parses as in Rust.
pub(super) fn parse_exp(x: &[u8]) -> Option<i64> {
    let (neg, digits) = match x.first() {
        Some(b'-') => (true, &x[1..]),
        Some(b'+') => (false, &x[1..]),
        _ => (false, x),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if v < 0x10000 {
            v = v * 10 + i64::from(c - b'0');
        }
    }
    Some(if neg { -v } else { v })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
