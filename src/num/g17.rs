//! `%.17g`, the way Redis 7.0 prints a double (`d2string`): in replies
//! (ZSCORE, ZINCRBY, WITHSCORES) and as the text of a sorted-set score
//! in an RDB listpack. One implementation serves both, so a score reads
//! the same in a reply and in a snapshot.

/// [`write_g17`] as a `String`, for replies.
pub fn fmt_g17(d: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_g17(d, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// `d2string`: `inf`, `-inf`, `nan`, `0`, `-0`, or `%.17g`. Appends to
/// `out` (the RDB writes a text score this way, without a `String`).
pub fn write_g17(score: f64, out: &mut Vec<u8>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn g(v: f64) -> String {
        let mut out = Vec::new();
        write_g17(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn doubles_print_like_printf_g17() {
        assert_eq!(fmt_g17(0.1), "0.10000000000000001");
        assert_eq!(fmt_g17(1e30), "1e+30");
        assert_eq!(fmt_g17(3.0), "3");
        assert_eq!(fmt_g17(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(fmt_g17(0.30000000000000004), "0.30000000000000004");
        assert_eq!(fmt_g17(-2.5), "-2.5");
        assert_eq!(fmt_g17(f64::INFINITY), "inf");
        assert_eq!(fmt_g17(1e16), "10000000000000000");
        assert_eq!(fmt_g17(1e17), "1e+17");
        assert_eq!(fmt_g17(0.0001), "0.0001");
        assert_eq!(fmt_g17(123456789.125), "123456789.125");
    }

    #[test]
    fn rdb_text_scores_match_printf_g17() {
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
}
