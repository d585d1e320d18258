//! Numbers as Redis reads and writes them as text, for the commands and
//! for the RDB alike (so neither owns the other's rules).
//!
//! - Integers follow `string2ll`: optional `-`, no `+`, no spaces, no leading
//!   zeros, fits in an `i64` ([`parse_i64`], from `crate::resp`).
//! - Doubles follow `strtod` as `getDoubleFromObject` wraps it: no leading
//!   space, the whole string consumed, `inf` allowed, `nan` and overflow
//!   rejected, hexadecimal floats (`0x1p3`) accepted ([`parse_f64`]).
//! - Doubles are printed with `%.17g` ([`fmt_g17`], `g17.rs`), which is what
//!   Redis 7.0 replies for ZSCORE, ZINCRBY and ZRANGE ... WITHSCORES and
//!   what an RDB stores as a text score.
//! - Decimal text becomes a correctly rounded double in [`float_parse`],
//!   on the exact big-integer arithmetic of `big.rs`.
//!
//! INCRBYFLOAT's 80-bit `long double` arithmetic lives in [`long_double`].

mod big;
pub mod float_parse;
mod g17;
pub mod long_double;

pub use crate::resp::parse_int as parse_i64;
pub use g17::{fmt_g17, write_g17};

/// Parses a double the way Redis's `getDoubleFromObject` does.
pub fn parse_f64(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    let first = *b.first()?;
    if first.is_ascii_whitespace() || first == 0x0b {
        return None;
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // Compare bytes, not a `str` slice: `body[..2]` panics when byte 2 falls
    // inside a multi-byte character (`ZADD z 1؞ m`, found by fuzzing).
    let v = if body.len() > 2 && body.as_bytes()[..2].eq_ignore_ascii_case(b"0x") {
        parse_hex_float(&body[2..])?
    } else {
        parse_dec_float(body)?
    };
    Some(if neg { -v } else { v })
}

/// A decimal float or `inf`/`infinity`, unsigned; rejects NaN, overflow to
/// infinity and underflow to zero (strtod's ERANGE cases).
fn parse_dec_float(body: &str) -> Option<f64> {
    let lower_is = |w: &str| body.eq_ignore_ascii_case(w);
    if lower_is("inf") || lower_is("infinity") {
        return Some(f64::INFINITY);
    }
    // `float_parse` (Rust's grammar) accepts the same decimals as strtod
    // apart from the words handled above; it must start with a digit or a
    // dot.
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v = float_parse::parse(body.as_bytes())?;
    if v.is_infinite() {
        return None;
    }
    if v == 0.0
        && body
            .bytes()
            .take_while(|c| *c != b'e' && *c != b'E')
            .any(|c| (b'1'..=b'9').contains(&c))
    {
        return None;
    }
    Some(v)
}

/// The part after `0x` of a C99 hexadecimal float: hex digits, an optional
/// fraction, an optional binary exponent `p[+-]N`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut e: i32 = -4 * i32::try_from(frac_part.len()).ok()?;
    if let Some(x) = exp {
        let digits = x.strip_prefix(['+', '-']).unwrap_or(x);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        e = e.checked_add(x.parse::<i32>().ok()?)?;
    }
    let v = v * 2f64.powi(e);
    v.is_finite().then_some(v)
}

/// Formats an integer into `buf`, returning the digits (no allocation).
pub fn fmt_i64(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_parse_like_strtod_in_redis() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"0x10"), Some(16.0));
        assert_eq!(parse_f64(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"0"), Some(0.0));
        assert_eq!(parse_f64(b"0e5"), Some(0.0));
        for bad in [
            &b"nan"[..],
            b" 1",
            b"1 ",
            b"",
            b"abc",
            b"1e999",
            b"1e-999",
            b"--1",
            b"0x",
        ] {
            assert_eq!(parse_f64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn integers_format_without_allocating() {
        let mut buf = [0u8; 20];
        assert_eq!(fmt_i64(0, &mut buf), b"0");
        assert_eq!(fmt_i64(-42, &mut buf), b"-42");
        assert_eq!(fmt_i64(i64::MIN, &mut buf), b"-9223372036854775808");
        assert_eq!(fmt_i64(i64::MAX, &mut buf), b"9223372036854775807");
    }
}
