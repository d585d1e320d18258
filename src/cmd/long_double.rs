//! INCRBYFLOAT's arithmetic: an x87 80-bit `long double`, in software.
//!
//! Redis parses both operands with `strtold`, adds them as `long double`
//! (64-bit mantissa on x86-64) and prints the sum with `%.17Lf`, trailing
//! zeros removed. The extra precision is visible: `0.1 + 0.2` prints as
//! `0.3` (a `double` would give `0.30000000000000004`), and
//! `0.3 + 1e10` prints as `10000000000.29999999981373549`. Since the
//! printed value is also what replicas receive (`SET k <value> KEEPTTL`),
//! the simulator reproduces it bit for bit: correctly rounded parsing,
//! round-to-nearest-even addition, exact decimal printing.
//!
//! The exponent range is treated as unbounded except that magnitudes the
//! real type cannot hold (about 1.19e4932) are rejected as overflow, and
//! subnormal results are not modelled.

use std::cmp::Ordering;

/// An extended-precision number: `(-1)^neg × mant × 2^exp`, with `mant`
/// normalised (top bit set) unless the value is zero.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongDouble {
    neg: bool,
    mant: u64,
    exp: i64,
    inf: bool,
}

/// Largest binary exponent (of the leading bit) an x87 long double holds.
const MAX_EXP: i64 = 16383;
/// Smallest normal binary exponent of the leading bit.
const MIN_EXP: i64 = -16382;
/// `string2ld` refuses strings this long (MAX_LONG_DOUBLE_CHARS).
const MAX_CHARS: usize = 5 * 1024;

impl LongDouble {
    const ZERO: LongDouble = LongDouble {
        neg: false,
        mant: 0,
        exp: 0,
        inf: false,
    };

    /// Parses like Redis's `string2ld` (strtold, whole string, no leading
    /// space, no NaN, no overflow or underflow).
    pub fn parse(b: &[u8]) -> Option<LongDouble> {
        if b.is_empty() || b.len() >= MAX_CHARS || b[0].is_ascii_whitespace() || b[0] == 0x0b {
            return None;
        }
        let (neg, body) = match b[0] {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        let mut v = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            LongDouble {
                inf: true,
                ..LongDouble::ZERO
            }
        } else if body.len() > 2 && body[..2].eq_ignore_ascii_case(b"0x") {
            parse_hex(&body[2..])?
        } else {
            parse_decimal(body)?
        };
        v.neg = neg;
        Some(v)
    }

    /// True for ±infinity (NaN never arises: inf - inf is reported as not finite too).
    pub fn is_finite(&self) -> bool {
        !self.inf
    }

    /// `self + other`, rounded to nearest even; `None` when the result is
    /// NaN (inf - inf), infinite results come back as `inf`.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        if self.inf || other.inf {
            if self.inf && other.inf && self.neg != other.neg {
                return None;
            }
            return Some(if self.inf { self } else { other });
        }
        if other.mant == 0 {
            return Some(if self.mant == 0 {
                zero_sum(self, other)
            } else {
                self
            });
        }
        if self.mant == 0 {
            return Some(other);
        }
        let (big, small) = if (self.exp, self.mant) >= (other.exp, other.mant) {
            (self, other)
        } else {
            (other, self)
        };
        // 62 guard bits below the mantissa; the smaller operand is aligned
        // to the bigger one and whatever falls off becomes a sticky bit.
        let a = (big.mant as u128) << 62;
        let shift = (big.exp - small.exp) as u128;
        let b_full = (small.mant as u128) << 62;
        let (b, lost) = if shift >= 127 {
            (0, true)
        } else {
            let s = shift as u32;
            (b_full >> s, b_full & ((1u128 << s) - 1) != 0)
        };
        let b = b | u128::from(lost);
        let (sum, neg) = if big.neg == small.neg {
            (a + b, big.neg)
        } else {
            match a.cmp(&b) {
                Ordering::Equal => return Some(LongDouble::ZERO),
                Ordering::Greater => (a - b, big.neg),
                Ordering::Less => (b - a, small.neg),
            }
        };
        Some(round_u128(sum, big.exp - 62, neg))
    }

    /// `%.17Lf` with trailing zeros (and a bare point) removed, `-0` as `0`:
    /// Redis's `ld2string(..., LD_STR_HUMAN)`.
    pub fn to_human(self) -> String {
        if self.inf {
            return if self.neg {
                "-inf".into()
            } else {
                "inf".into()
            };
        }
        let digits = scaled_decimal(self.mant, self.exp, 17);
        let padded = format!("{digits:0>18}");
        let (int_part, frac) = padded.split_at(padded.len() - 17);
        let frac = frac.trim_end_matches('0');
        let mut s = String::with_capacity(padded.len() + 2);
        if self.neg {
            s.push('-');
        }
        s.push_str(int_part);
        if !frac.is_empty() {
            s.push('.');
            s.push_str(frac);
        }
        if s == "-0" {
            s = "0".into();
        }
        s
    }
}

/// Sum of two zeros: negative only if both are.
fn zero_sum(a: LongDouble, b: LongDouble) -> LongDouble {
    LongDouble {
        neg: a.neg && b.neg,
        ..LongDouble::ZERO
    }
}

/// Rounds `v × 2^exp` to a 64-bit mantissa, nearest even.
fn round_u128(v: u128, exp: i64, neg: bool) -> LongDouble {
    let bits = 128 - v.leading_zeros() as i64;
    if bits <= 64 {
        let shift = 64 - bits;
        return finish((v as u64) << shift, exp - shift, neg);
    }
    let drop = (bits - 64) as u32;
    let kept = (v >> drop) as u64;
    let rest = v & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    let up = rest > half || (rest == half && kept & 1 == 1);
    round_up(kept, exp + i64::from(drop), up, neg)
}

/// Applies a round-up decision to a full 64-bit mantissa.
fn round_up(kept: u64, exp: i64, up: bool, neg: bool) -> LongDouble {
    match (up, kept.checked_add(u64::from(up))) {
        (true, None) => finish(1 << 63, exp + 1, neg),
        (_, Some(m)) => finish(m, exp, neg),
        (false, None) => finish(kept, exp, neg),
    }
}

/// Builds the value, turning out-of-range exponents into inf or zero.
fn finish(mant: u64, exp: i64, neg: bool) -> LongDouble {
    let lead = exp + 63;
    if lead > MAX_EXP {
        return LongDouble {
            neg,
            inf: true,
            ..LongDouble::ZERO
        };
    }
    if lead < MIN_EXP {
        return LongDouble {
            neg,
            ..LongDouble::ZERO
        };
    }
    LongDouble {
        neg,
        mant,
        exp,
        inf: false,
    }
}

/// A number's integer digits, fraction digits and exponent text.
type NumberParts<'a> = (&'a [u8], &'a [u8], Option<&'a [u8]>);

/// Splits `int[.frac][<mark>exp]`, where `<mark>` is one of `marks` (`eE`
/// for decimal, `pP` for hexadecimal); `None` when there are no digits.
fn split_number<'a>(s: &'a [u8], marks: &[u8]) -> Option<NumberParts<'a>> {
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

/// Decimal `digits[.digits][e[+-]N]`, correctly rounded.
fn parse_decimal(s: &[u8]) -> Option<LongDouble> {
    let (int_part, frac, exp_part) = split_number(s, b"eE")?;
    let mut n = Big::zero();
    for &c in int_part.iter().chain(frac) {
        if !c.is_ascii_digit() {
            return None;
        }
        n.mul_add(10, u32::from(c - b'0'));
    }
    let mut e10 = -(frac.len() as i64);
    if let Some(x) = exp_part {
        e10 += parse_exp(x)?;
    }
    from_ratio_pow10(n, e10)
}

/// An exponent `[+-]digits`, clamped far beyond any meaningful range.
fn parse_exp(x: &[u8]) -> Option<i64> {
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
        v = (v * 10 + i64::from(c - b'0')).min(1_000_000);
    }
    Some(if neg { -v } else { v })
}

/// `n × 10^e10`, rounded; `None` on overflow or on a nonzero value that
/// underflows to zero (strtold's ERANGE).
fn from_ratio_pow10(n: Big, e10: i64) -> Option<LongDouble> {
    if n.is_zero() {
        return Some(LongDouble::ZERO);
    }
    // Far outside the long double range whatever the digits are.
    if e10 > 5000 || e10 < -(5000 + MAX_CHARS as i64) {
        return None;
    }
    let (num, den) = if e10 >= 0 {
        (n.mul_pow10(e10 as u32), Big::one())
    } else {
        (n, Big::one().mul_pow10((-e10) as u32))
    };
    let v = from_ratio(num, den, 0);
    (v.is_finite() && v.mant != 0).then_some(v)
}

/// Hexadecimal float body after `0x`.
fn parse_hex(s: &[u8]) -> Option<LongDouble> {
    let (int_part, frac, exp_part) = split_number(s, b"pP")?;
    let mut n = Big::zero();
    for &c in int_part.iter().chain(frac) {
        n.mul_add(16, (c as char).to_digit(16)?);
    }
    let mut e2 = -4 * frac.len() as i64;
    if let Some(x) = exp_part {
        e2 += parse_exp(x)?;
    }
    if n.is_zero() {
        return Some(LongDouble::ZERO);
    }
    let v = from_ratio(n, Big::one(), e2);
    (v.is_finite() && v.mant != 0).then_some(v)
}

/// `num / den × 2^e2`, rounded to a 64-bit mantissa, nearest even.
fn from_ratio(mut num: Big, mut den: Big, e2: i64) -> LongDouble {
    // Scale so the quotient has 66 bits: 64 kept, a round bit, a guard.
    let shift = 66 - (num.bits() as i64 - den.bits() as i64);
    if shift > 0 {
        num.shl(shift as usize);
    } else {
        den.shl((-shift) as usize);
    }
    let (q, exact) = num.div_small_quotient(&den);
    round_u128(q | u128::from(!exact), e2 - shift, false)
}

/// The exact value `mant × 2^exp × 10^places`, rounded to an integer
/// (nearest, ties to even, as glibc's printf does), in decimal.
fn scaled_decimal(mant: u64, exp: i64, places: u32) -> String {
    let mut n = Big::from_u64(mant).mul_pow10(places);
    if exp >= 0 {
        n.shl(exp as usize);
        return n.to_decimal();
    }
    let drop = (-exp) as usize;
    let (mut q, round_bit, sticky) = n.shr_with_rest(drop);
    if round_bit && (sticky || q.is_odd()) {
        q.mul_add(1, 1);
    }
    q.to_decimal()
}

/// A little unsigned big integer (base 2^32, least significant limb first),
/// just enough for exact decimal ↔ binary conversion.
#[derive(Clone, Debug)]
struct Big(Vec<u32>);

impl Big {
    fn zero() -> Big {
        Big(Vec::new())
    }

    fn one() -> Big {
        Big(vec![1])
    }

    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn is_odd(&self) -> bool {
        self.0.first().is_some_and(|l| l & 1 == 1)
    }

    fn bits(&self) -> usize {
        match self.0.last() {
            Some(top) => self.0.len() * 32 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    /// `self = self × m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
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

    fn mul_pow10(mut self, mut p: u32) -> Big {
        while p >= 9 {
            self.mul_add(1_000_000_000, 0);
            p -= 9;
        }
        self.mul_add(10u32.pow(p), 0);
        self.trim();
        self
    }

    fn shl(&mut self, n: usize) {
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
    fn shr_with_rest(&self, n: usize) -> (Big, bool, bool) {
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
        for i in (0..=top).rev() {
            let mut d = den.clone();
            d.shl(i);
            if self.cmp(&d) != Ordering::Less {
                self.sub_assign(&d);
                if i < 128 {
                    q |= 1 << i;
                }
            }
        }
        (q, self.is_zero())
    }

    fn to_decimal(&self) -> String {
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
    use super::LongDouble;

    fn incr(a: &str, b: &str) -> String {
        let x = LongDouble::parse(a.as_bytes()).expect("a");
        let y = LongDouble::parse(b.as_bytes()).expect("b");
        x.checked_add(y).expect("sum").to_human()
    }

    #[test]
    fn sums_print_like_redis_7_0_15() {
        // Every expected value was read from a real redis-server 7.0.15.
        assert_eq!(incr("0.1", "0.2"), "0.3");
        assert_eq!(incr("0.3", "1e10"), "10000000000.29999999981373549");
        assert_eq!(
            incr("10000000000.29999999981373549", "1e30"),
            "1000000000000000000024696061952"
        );
        assert_eq!(incr("5", "-5"), "0");
        assert_eq!(incr("0", "1.5e-7"), "0.00000015");
        assert_eq!(incr("0x10", "1"), "17");
        assert_eq!(incr("1e3", "1"), "1001");
        assert_eq!(incr("+1", "1"), "2");
        assert_eq!(incr("1.5", "2"), "3.5");
        assert_eq!(incr("10.5", "0.1"), "10.6");
    }

    #[test]
    fn rejects_what_strtold_rejects() {
        for bad in [
            "", " 1", "1 ", "abc", "nan", "1e99999", "1e-99999", "0x", ".",
        ] {
            assert_eq!(LongDouble::parse(bad.as_bytes()), None, "{bad:?}");
        }
        let inf = LongDouble::parse(b"inf").unwrap();
        assert!(!inf.is_finite());
        let one = LongDouble::parse(b"1").unwrap();
        assert!(!one.checked_add(inf).unwrap().is_finite());
    }
}
