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
//!
//! The decimal syntax and the exact arithmetic (big integers, one rounding
//! to nearest even) are shared with the `double` parser:
//! [`super::float_parse`] and `num/big.rs`.

use std::cmp::Ordering;

use super::big::{quotient_bits, shr_round_even, Big};
use super::float_parse::{parse_exp, split_decimal, split_number};

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
    let exp = exp + i64::from(drop);
    match u64::try_from(shr_round_even(v, drop)) {
        Ok(mant) => finish(mant, exp, neg),
        // All ones rounded up: 2^64, one bit more than the mantissa holds.
        Err(_) => finish(1 << 63, exp + 1, neg),
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

/// Decimal `digits[.digits][e[+-]N]`, correctly rounded. Every digit
/// counts: the string is at most [`MAX_CHARS`] long.
fn parse_decimal(s: &[u8]) -> Option<LongDouble> {
    let (n, e10) = split_decimal(s)?.to_big(usize::MAX);
    from_ratio_pow10(n, e10)
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
fn from_ratio(num: Big, den: Big, e2: i64) -> LongDouble {
    let (q, e) = quotient_bits(num, den);
    round_u128(q, e2 + e, false)
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
