//! Sorted-set scores as text, the way Redis 7.0 writes them into a listpack
//! and reads them back.
//!
//! A listpack sorted set stores each score as a listpack element. Redis
//! 7.0's `zzlInsertAt` stores a score that is a whole number (within
//! ±2^62) as a listpack integer (`double2ll`), and any other score as the
//! text of `d2string`, which is `printf("%.17g")` (or `inf` / `-inf`).
//! Reading goes through `strtod`. This module reproduces those three
//! functions so our listpacks carry the same bytes.

/// `double2ll`: the score as an integer when it is one exactly and lies
/// within ±`LLONG_MAX / 2` (Redis's guard against rounding at the edges).
pub fn double_to_int(score: f64) -> Option<i64> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if !(-LIMIT..=LIMIT).contains(&score) {
        return None;
    }
    let int = score as i64;
    (int as f64 == score).then_some(int)
}

/// `d2string` for a score `double_to_int` rejected: `inf`, `-inf`, or
/// `%.17g`. Appends to `out`.
pub fn format_score(score: f64, out: &mut Vec<u8>) {
    if score.is_infinite() {
        out.extend_from_slice(if score < 0.0 { b"-inf" } else { b"inf" });
    } else if score.is_nan() {
        out.extend_from_slice(b"nan");
    } else if score == 0.0 {
        out.extend_from_slice(if score.is_sign_negative() {
            b"-0"
        } else {
            b"0"
        });
    } else {
        format_g17(score, out);
    }
}

/// `printf("%.17g", v)` for a finite, non-zero `v`: 17 significant digits,
/// fixed notation when the decimal exponent is in -4..17, scientific
/// otherwise, trailing zeros removed.
fn format_g17(v: f64, out: &mut Vec<u8>) {
    // Rust's `{:.16e}` rounds exactly like glibc's printf: "d.dddddddddddddddde±x".
    let sci = format!("{:.16e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if v < 0.0 {
        out.push(b'-');
    }
    if (-4..17).contains(&exp) {
        fixed(&digits, exp, out);
    } else {
        scientific(&digits, exp, out);
    }
}

/// The fixed-notation branch of `%g`: `digits` (17 of them) placed around
/// the decimal point for exponent `exp`, trailing fractional zeros dropped.
fn fixed(digits: &[u8], exp: i32, out: &mut Vec<u8>) {
    let (int_part, frac): (Vec<u8>, Vec<u8>) = if exp >= 0 {
        let split = (exp as usize + 1).min(digits.len());
        (digits[..split].to_vec(), digits[split..].to_vec())
    } else {
        let mut frac = vec![b'0'; (-exp - 1) as usize];
        frac.extend_from_slice(digits);
        (b"0".to_vec(), frac)
    };
    out.extend_from_slice(&int_part);
    let frac = trim_zeros(&frac);
    if !frac.is_empty() {
        out.push(b'.');
        out.extend_from_slice(frac);
    }
}

/// The scientific branch of `%g`: `d.ddd` without trailing zeros, then
/// `e`, a sign, and at least two exponent digits.
fn scientific(digits: &[u8], exp: i32, out: &mut Vec<u8>) {
    out.extend_from_slice(&digits[..1]);
    let frac = trim_zeros(&digits[1..]);
    if !frac.is_empty() {
        out.push(b'.');
        out.extend_from_slice(frac);
    }
    out.extend_from_slice(
        format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()).as_bytes(),
    );
}

/// `bytes` without its trailing `'0'`s.
fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Parses a score stored as text (`strtod` on a listpack or ziplist
/// element, `%lg` in the old type-3 sorted set). Accepts what Rust's float
/// parser accepts, with the same results ([`crate::cmd::float_parse`]),
/// which covers everything Redis writes (`inf`, `-inf`, `%.17g`); `None`
/// for anything else.
pub fn parse_score(text: &[u8]) -> Option<f64> {
    crate::cmd::float_parse::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(v: f64) -> String {
        let mut out = Vec::new();
        format_score(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn whole_scores_become_integers_within_half_of_llong_max() {
        assert_eq!(double_to_int(3.0), Some(3));
        assert_eq!(double_to_int(-0.0), Some(0));
        assert_eq!(double_to_int(1e17), Some(100_000_000_000_000_000));
        assert_eq!(double_to_int((1u64 << 62) as f64), Some(1 << 62));
        assert_eq!(double_to_int(5e18), None);
        assert_eq!(double_to_int(1.5), None);
        assert_eq!(double_to_int(f64::INFINITY), None);
        assert_eq!(double_to_int(f64::NAN), None);
    }

    #[test]
    fn text_scores_match_printf_g17() {
        // Expected strings are what glibc's printf("%.17g") prints.
        assert_eq!(g(0.1), "0.10000000000000001");
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(-2.25), "-2.25");
        assert_eq!(g(1e-5), "1.0000000000000001e-05");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(5e18), "5e+18");
        assert_eq!(g(1.2345678901234567e300), "1.2345678901234567e+300");
        assert_eq!(g(123456.789), "123456.789");
        assert_eq!(g(1e16 + 0.5), "10000000000000000");
        assert_eq!(g(f64::INFINITY), "inf");
        assert_eq!(g(f64::NEG_INFINITY), "-inf");
        assert_eq!(g(5e-324), "4.9406564584124654e-324");
    }

    #[test]
    fn parses_what_redis_writes() {
        assert_eq!(parse_score(b"0.10000000000000001"), Some(0.1));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"5e+18"), Some(5e18));
        assert_eq!(parse_score(b"x"), None);
    }
}
