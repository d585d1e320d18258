//! [`super::parse`] against the standard library's `str::parse::<f64>`:
//! pinned bits for the hard cases, then properties over random doubles
//! printed every way Rust prints them, random digit strings, inputs on
//! either side of (and exactly on) the midpoint between two doubles, and
//! random short strings for the syntax. Native only: proptest does not
//! build for wasm32.

use proptest::prelude::*;

use super::parse;
use crate::num::big::Big;

/// The bits `parse` gives for `s`.
fn bits(s: &str) -> Option<u64> {
    parse(s.as_bytes()).map(f64::to_bits)
}

const MAX: u64 = 0x7fef_ffff_ffff_ffff;
const INF: u64 = 0x7ff0_0000_0000_0000;
const NEG_ZERO: u64 = 0x8000_0000_0000_0000;

#[test]
fn ties_go_to_even() {
    // 2^53 + 1 lies halfway between 2^53 and 2^53 + 2.
    assert_eq!(bits("9007199254740993"), Some(0x4340_0000_0000_0000));
    assert_eq!(bits("9007199254740995"), Some(0x4340_0000_0000_0002));
    assert_eq!(
        bits("9007199254740993.0000000000000000000001"),
        Some(0x4340_0000_0000_0001)
    );
    // The same tie decided by a digit far past the 800 kept exactly.
    let zeros = "0".repeat(900);
    assert_eq!(
        bits(&format!("9007199254740993{zeros}e-900")),
        Some(0x4340_0000_0000_0000)
    );
    assert_eq!(
        bits(&format!("9007199254740993{zeros}1e-901")),
        Some(0x4340_0000_0000_0001)
    );
}

#[test]
fn subnormals_and_the_normal_boundary() {
    assert_eq!(bits("2.2250738585072011e-308"), Some(0x000f_ffff_ffff_ffff));
    assert_eq!(bits("2.2250738585072012e-308"), Some(0x0010_0000_0000_0000));
    assert_eq!(bits("2.2250738585072014e-308"), Some(0x0010_0000_0000_0000));
    assert_eq!(bits("4.9e-324"), Some(1));
    assert_eq!(bits("5e-324"), Some(1));
    assert_eq!(bits("2.4703282292062328e-324"), Some(1));
    assert_eq!(bits("2.4703282292062327e-324"), Some(0));
    // Exactly half the smallest subnormal (2^-1075) ties to the even 0.
    let half = midpoint(0.0);
    assert_eq!(bits(&half), Some(0));
    assert_eq!(bits(&above(&half)), Some(1));
    assert_eq!(bits("1e-400"), Some(0));
    assert_eq!(bits("-1e-400"), Some(NEG_ZERO));
}

#[test]
fn the_top_of_the_range_and_overflow() {
    assert_eq!(bits("1.7976931348623157e308"), Some(MAX));
    assert_eq!(bits("1.7976931348623158e308"), Some(MAX));
    assert_eq!(bits("1.7976931348623159e308"), Some(INF));
    // Halfway between MAX and 2^1024 rounds to even, which is 2^1024: inf.
    let top = midpoint(f64::MAX);
    assert_eq!(bits(&top), Some(INF));
    assert_eq!(bits(&below(&top)), Some(MAX));
    assert_eq!(bits("1e309"), Some(INF));
    assert_eq!(bits("-1e309"), Some(f64::NEG_INFINITY.to_bits()));
    assert_eq!(bits("8.988465674311579e307"), Some(0x7fdf_ffff_ffff_ffff));
}

#[test]
fn long_digit_strings() {
    let thirds = format!("0.{}", "3".repeat(799));
    assert_eq!(bits(&thirds), Some(0x3fd5_5555_5555_5555));
    let one = format!("1{}e-799", "0".repeat(799));
    assert_eq!(bits(&one), Some(1.0f64.to_bits()));
    let tiny = format!("0.{}1", "0".repeat(5000));
    assert_eq!(bits(&tiny), Some(0));
}

#[test]
fn zeros_keep_their_sign() {
    assert_eq!(bits("0"), Some(0));
    assert_eq!(bits("-0"), Some(NEG_ZERO));
    assert_eq!(bits("0e999999"), Some(0));
    assert_eq!(bits("-0.0e-999"), Some(NEG_ZERO));
    assert_eq!(bits("000.000"), Some(0));
}

#[test]
fn common_values_take_the_fast_path_exactly() {
    assert_eq!(bits("0.1"), Some(0x3fb9_9999_9999_999a));
    assert_eq!(bits("1e23"), Some(0x44b5_2d02_c7e1_4af6));
    assert_eq!(bits("1.5"), Some(1.5f64.to_bits()));
    assert_eq!(bits("-2.5e-3"), Some((-0.0025f64).to_bits()));
    assert_eq!(
        bits("123456789012345e-22"),
        Some(1.23456789012345e-8f64.to_bits())
    );
}

#[test]
fn up_to_19_digits_are_exact_in_128_bits() {
    // What Redis prints with %.17g.
    assert_eq!(bits("0.10000000000000001"), Some(0x3fb9_9999_9999_999a));
    assert_eq!(bits("1.4999999999999999e-07"), Some(0x3e84_21f5_f40d_8376));
    // Ties below the units: the doubles here are 0.5 apart.
    assert_eq!(bits("2251799813685248.25"), Some(0x4320_0000_0000_0000));
    assert_eq!(bits("2251799813685248.75"), Some(0x4320_0000_0000_0002));
    // u64::MAX still fits; one more goes the big-integer way.
    assert_eq!(bits("18446744073709551615"), Some(0x43f0_0000_0000_0000));
    assert_eq!(bits("18446744073709551616"), Some(0x43f0_0000_0000_0000));
    // 10^-26 is the last power divided in 128 bits, 10^-27 the first not.
    assert_eq!(bits("9999999999999999999e-26"), Some(0x3e7a_d7f2_9abc_af48));
    assert_eq!(bits("9999999999999999999e-27"), Some(0x3e45_798e_e230_8c3a));
    assert_eq!(bits("123456789012345678e-30"), Some(0x3d41_5fff_e541_dec4));
    // 3 × 2^-58 × 10^-20 above a tie whose lower neighbour (…c6) is even:
    // only the remainder of the division says "round up".
    assert_eq!(bits("6250676400837482799e-20"), Some(0x3fb0_0071_7b31_dbc7));
    assert_eq!(
        bits("11023453856425923561e-26"),
        Some(0x3e7d_9742_82cd_25b3)
    );
}

#[test]
fn exponents_saturate_as_in_rust() {
    // Rust stops adding exponent digits at 65536: "…e700005" counts as
    // e70000, and the 700001-digit fraction then puts it far below zero.
    let zeros = "0".repeat(700_000);
    assert_eq!(bits(&format!("0.{zeros}1e700005")), Some(0));
    let zeros = "0".repeat(70_000);
    assert_eq!(
        bits(&format!("0.{zeros}1e70005")),
        Some(10000.0f64.to_bits())
    );
}

#[test]
fn words_and_syntax() {
    assert_eq!(parse(b"inf"), Some(f64::INFINITY));
    assert_eq!(parse(b"+Infinity"), Some(f64::INFINITY));
    assert_eq!(parse(b"-INF"), Some(f64::NEG_INFINITY));
    assert!(parse(b"NaN").is_some_and(|v| v.is_nan() && v.is_sign_positive()));
    assert!(parse(b"-nan").is_some_and(|v| v.is_nan() && v.is_sign_negative()));
    for (text, v) in [
        ("1.", 1.0),
        (".5", 0.5),
        ("1e5", 1e5),
        ("1E+05", 1e5),
        ("+.5e-1", 0.05),
        ("1.e2", 100.0),
        ("007", 7.0),
    ] {
        assert_eq!(parse(text.as_bytes()), Some(v), "{text:?}");
    }
    for bad in [
        "",
        "+",
        "-",
        ".",
        "e5",
        ".e5",
        "1e",
        "1e+",
        " 1",
        "1 ",
        "0x10",
        "1.2.3",
        "1e5.5",
        "--1",
        "+-1",
        "1,5",
        "1_0",
        "infinit",
        "infinityy",
        "nana",
        "in",
        "١",
    ] {
        assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
    }
    assert_eq!(parse(b"1\xff"), None);
}

/// The exact midpoint between `x` (finite, not negative) and the next
/// double up, in decimal: `(2m + 1) × 2^(e-1)` for `x = m × 2^e`.
fn midpoint(x: f64) -> String {
    let raw = x.to_bits();
    let (field, frac) = ((raw >> 52) as i64, raw & ((1 << 52) - 1));
    let (m, e) = if field == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), field - 1075)
    };
    let mut n = Big::from_u64(2 * m + 1);
    if e >= 1 {
        n.shl((e - 1) as usize);
        return n.to_decimal();
    }
    // 2^-k = 5^k × 10^-k.
    let k = 1 - e;
    for _ in 0..k {
        n.mul_add(5, 0);
    }
    format!("{}e-{k}", n.to_decimal())
}

/// A decimal a hair above `s` (`digits[e-k]`): a 1 appended far down.
fn above(s: &str) -> String {
    let (digits, k) = split_exp(s);
    format!("{digits}0000000001e-{}", k + 10)
}

/// A decimal a hair below `s`: one less in the last digit, then nines.
fn below(s: &str) -> String {
    let (digits, k) = split_exp(s);
    let mut d = digits.into_bytes();
    for c in d.iter_mut().rev() {
        if *c == b'0' {
            *c = b'9';
        } else {
            *c -= 1;
            break;
        }
    }
    format!("{}9999999999e-{}", String::from_utf8_lossy(&d), k + 10)
}

/// `digits[e-k]` into its digits and `k` (0 when there is no exponent).
fn split_exp(s: &str) -> (String, i64) {
    match s.split_once("e-") {
        Some((d, k)) => (d.to_string(), k.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

/// `w × 10^-k` a hair (a few `10^-k`) off the midpoint of two doubles,
/// with `w < 2^64`: `w × 2^j = t × 5^k + r` for an odd 54-bit `t`, the
/// midpoint being `t × 2^-(j+k)`. For `k ≥ 6` only the division's
/// remainder tells it from the tie itself, and with `r = 3` the tie would
/// go down (`t ≡ 1 mod 4`: the lower neighbour is even) where the value
/// goes up. `pick` chooses `t` among those that fit.
fn near_tie(k: u32, pick: u64, r: i8) -> Option<String> {
    let five_k = 5u128.pow(k);
    let j = (128 - five_k.leading_zeros()).saturating_sub(10).max(3);
    let modulus = 1u128 << j;
    // The inverse of 5^k modulo 2^128 (Newton's iteration doubles the
    // correct bits each step), then the t with t × 5^k + r ≡ 0 mod 2^j.
    let mut inv = five_k;
    for _ in 0..7 {
        inv = inv.wrapping_mul(2u128.wrapping_sub(five_k.wrapping_mul(inv)));
    }
    let r_mod = (i128::from(r).rem_euclid(modulus as i128)) as u128;
    let base = (modulus - r_mod) * (inv % modulus) % modulus;
    let first = base + ((1u128 << 53) - base).div_ceil(modulus) * modulus;
    let choices = ((1u128 << 54) - first).div_ceil(modulus);
    let t = first + u128::from(pick) % choices * modulus;
    let scaled = (t * five_k).checked_add_signed(i128::from(r))?;
    let w = u64::try_from(scaled >> j).ok()?;
    Some(format!("{w}e-{k}"))
}

/// `parse` and the standard library agree on `s`: the same bits, or both
/// NaN with the same sign, or both an error.
fn same_as_std(s: &str) -> Result<(), TestCaseError> {
    let ours = parse(s.as_bytes());
    let std = s.parse::<f64>().ok();
    if let (Some(a), Some(b)) = (ours, std) {
        if a.is_nan() && b.is_nan() {
            prop_assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "{:?}", s);
            return Ok(());
        }
    }
    prop_assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{:?}", s);
    Ok(())
}

/// A finite, non-negative double from random bits.
fn finite_double() -> impl Strategy<Value = f64> {
    any::<u64>()
        .prop_map(|b| f64::from_bits(b & 0x7fff_ffff_ffff_ffff))
        .prop_filter("finite", |v| v.is_finite())
}

/// Digits `0-9` as a string, `len` of them.
fn digits(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..10, len)
        .prop_map(|d| d.iter().map(|&c| char::from(b'0' + c)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000), ..ProptestConfig::default() })]

    #[test]
    fn printed_doubles_parse_back_like_std(b in any::<u64>(), places in 0usize..40, sig in 0usize..800) {
        let x = f64::from_bits(b);
        for s in [format!("{x}"), format!("{x:e}"), format!("{x:.places$}"), format!("{x:.sig$e}"), format!("{x:?}")] {
            same_as_std(&s)?;
        }
    }

    #[test]
    fn digit_strings_with_exponents_parse_like_std(
        int in digits(0..30),
        frac in digits(0..30),
        exp in -400i64..400,
        lead in 0usize..20,
        trail in 0usize..20,
        form in 0u8..4,
    ) {
        let (z, t) = ("0".repeat(lead), "0".repeat(trail));
        let s = match form {
            0 => format!("{z}{int}.{frac}{t}e{exp}"),
            1 => format!("{z}{int}{t}E{exp:+}"),
            2 => format!("-.{frac}{t}"),
            _ => format!("{z}{int}.{frac}"),
        };
        same_as_std(&s)?;
    }

    #[test]
    fn long_digit_strings_parse_like_std(int in digits(0..1000), frac in digits(0..1000), exp in -1400i64..400) {
        same_as_std(&format!("{int}.{frac}e{exp}"))?;
    }

    #[test]
    fn midpoints_and_their_neighbours_parse_like_std(x in finite_double()) {
        let mid = midpoint(x);
        same_as_std(&mid)?;
        same_as_std(&above(&mid))?;
        same_as_std(&below(&mid))?;
    }

    #[test]
    fn nineteen_digit_numbers_parse_like_std(w in any::<u64>(), exp in -45i64..45, point in 0usize..21) {
        same_as_std(&format!("{w}e{exp}"))?;
        let digits = w.to_string();
        let (int, frac) = digits.split_at(point.min(digits.len()));
        same_as_std(&format!("{int}.{frac}e{exp}"))?;
    }

    #[test]
    fn near_ties_in_128_bits_parse_like_std(k in 1u32..=26, pick in any::<u64>(), r in prop::sample::select(vec![-3i8, -1, 1, 3])) {
        let s = near_tie(k, pick, r);
        prop_assert!(s.is_some(), "k = {}: no 64-bit numerator", k);
        same_as_std(&s.unwrap_or_default())?;
    }

    #[test]
    fn short_midpoints_parse_like_std(m in (1u64 << 52)..(1u64 << 53), k in 0i32..6) {
        // m × 2^-k has a midpoint of 17 to 19 digits: the 128-bit path's ties.
        let mid = midpoint(m as f64 / 2f64.powi(k));
        same_as_std(&mid)?;
        same_as_std(&above(&mid))?;
        same_as_std(&below(&mid))?;
    }

    #[test]
    fn short_strings_are_accepted_and_rejected_like_std(s in "[-+0-9.eEinfatyINFATY x]{0,10}") {
        same_as_std(&s)?;
    }
}
