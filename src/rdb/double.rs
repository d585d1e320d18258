//! Sorted-set scores as text, the way Redis 7.0 writes them into a listpack
//! and reads them back.
//!
//! A listpack sorted set stores each score as a listpack element. Redis
//! 7.0's `zzlInsertAt` stores a score that is a whole number (within
//! ±2^62) as a listpack integer (`double2ll`), and any other score as the
//! text of `d2string`, which is `printf("%.17g")` (or `inf` / `-inf`),
//! written by [`crate::num::write_g17`], the same text ZSCORE replies.
//! Reading goes through `strtod`. This module holds the two decisions
//! that are the RDB's own: which scores become integers, and how text
//! scores are read back.

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

/// Parses a score stored as text (`strtod` on a listpack or ziplist
/// element, `%lg` in the old type-3 sorted set). Accepts what Rust's float
/// parser accepts, with the same results ([`crate::num::float_parse`]),
/// which covers everything Redis writes (`inf`, `-inf`, `%.17g`); `None`
/// for anything else.
pub fn parse_score(text: &[u8]) -> Option<f64> {
    crate::num::float_parse::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn parses_what_redis_writes() {
        assert_eq!(parse_score(b"0.10000000000000001"), Some(0.1));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"5e+18"), Some(5e18));
        assert_eq!(parse_score(b"x"), None);
    }
}
