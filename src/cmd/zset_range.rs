//! The ZRANGE family of `t_zset.c`: ranges by rank, by score and by lex
//! (ZRANGE with BYSCORE/BYLEX/REV/LIMIT/WITHSCORES, ZREVRANGE,
//! ZRANGEBYSCORE, ZREVRANGEBYSCORE), ZCOUNT and ZREMRANGEBYSCORE/RANK/LEX.
//!
//! The range is parsed before the key is looked up, as in
//! `zrangeGenericCommand`, so a malformed bound is reported even for a
//! missing key. Members are walked in (score, member) order, the order of
//! both of Redis's encodings.

use super::reply::{err, int_arg, is, SYNTAX};
use super::Ctx;
use crate::db::{Sds, ZSet};
use crate::num::float_parse;
use crate::num::{self, fmt_g17};
use crate::resp::Frame;

/// One end of a BYSCORE range: a value and whether it is excluded (`(`).
#[derive(Clone, Copy)]
struct ScoreBound {
    value: f64,
    exclusive: bool,
}

/// `zslParseRange` for one end: `(` for exclusive, strtod for the rest
/// (leading spaces and an empty string, read as 0, are accepted as strtod
/// accepts them; NaN is not).
fn parse_score_bound(b: &[u8]) -> Option<ScoreBound> {
    let (exclusive, body) = match b.first() {
        Some(b'(') => (true, &b[1..]),
        _ => (false, b),
    };
    let text = std::str::from_utf8(body).ok()?.trim_start();
    let value = if text.is_empty() {
        0.0
    } else {
        num::parse_f64(text.as_bytes())
            .or_else(|| float_parse::parse(text.as_bytes()).filter(|v| v.is_infinite()))?
    };
    Some(ScoreBound { value, exclusive })
}

impl ScoreBound {
    fn above_min(&self, s: f64) -> bool {
        if self.exclusive {
            s > self.value
        } else {
            s >= self.value
        }
    }

    fn below_max(&self, s: f64) -> bool {
        if self.exclusive {
            s < self.value
        } else {
            s <= self.value
        }
    }
}

/// One end of a BYLEX range.
#[derive(Clone, Copy)]
enum LexBound<'a> {
    Min,
    Max,
    Inclusive(&'a [u8]),
    Exclusive(&'a [u8]),
}

fn parse_lex_bound(b: &[u8]) -> Option<LexBound<'_>> {
    match b.first() {
        Some(b'-') if b.len() == 1 => Some(LexBound::Min),
        Some(b'+') if b.len() == 1 => Some(LexBound::Max),
        Some(b'[') => Some(LexBound::Inclusive(&b[1..])),
        Some(b'(') => Some(LexBound::Exclusive(&b[1..])),
        _ => None,
    }
}

fn lex_above_min(bound: LexBound, m: &[u8]) -> bool {
    match bound {
        LexBound::Min => true,
        LexBound::Max => false,
        LexBound::Inclusive(v) => m >= v,
        LexBound::Exclusive(v) => m > v,
    }
}

fn lex_below_max(bound: LexBound, m: &[u8]) -> bool {
    match bound {
        LexBound::Min => false,
        LexBound::Max => true,
        LexBound::Inclusive(v) => m <= v,
        LexBound::Exclusive(v) => m < v,
    }
}

/// How a ZRANGE-family call selects members.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

/// Parsed options of the ZRANGE family.
struct RangeOptions {
    kind: RangeType,
    reverse: bool,
    withscores: bool,
    /// LIMIT's offset and count; `(0, -1)` when not given.
    limit: (i64, i64),
}

/// Where a ZRANGE-family call finds its arguments and what it may accept.
#[derive(Clone, Copy)]
struct RangeCall {
    /// Index of the source key: 1, or 2 for ZRANGESTORE.
    key_at: usize,
    /// ZRANGESTORE: WITHSCORES is not an option, the result is stored.
    store: bool,
    /// The range type imposed by the command name (`Auto` for ZRANGE).
    kind: RangeType,
    /// The direction imposed by the command name, `None` for ZRANGE's
    /// own REV option.
    fixed_rev: Option<bool>,
}

/// Step 1 of `zrangeGenericCommand`: the words after `key min max`.
fn parse_range_options(argv: &[Vec<u8>], call: RangeCall) -> Result<RangeOptions, Frame> {
    let mut o = RangeOptions {
        kind: call.kind,
        reverse: call.fixed_rev.unwrap_or(false),
        withscores: false,
        limit: (0, -1),
    };
    let mut j = call.key_at + 3;
    while let Some(a) = argv.get(j) {
        let left = argv.len() - j - 1;
        if !call.store && is(a, "withscores") {
            o.withscores = true;
        } else if is(a, "limit") && left >= 2 {
            o.limit = (int_arg(&argv[j + 1])?, int_arg(&argv[j + 2])?);
            j += 2;
        } else if call.fixed_rev.is_none() && !o.reverse && is(a, "rev") {
            o.reverse = true;
        } else if o.kind == RangeType::Auto && is(a, "bylex") {
            o.kind = RangeType::Lex;
        } else if o.kind == RangeType::Auto && is(a, "byscore") {
            o.kind = RangeType::Score;
        } else {
            return Err(err(SYNTAX));
        }
        j += 1;
    }
    if o.kind == RangeType::Auto {
        o.kind = RangeType::Rank;
    }
    // Redis tests the count it parsed against its default, so an explicit
    // `LIMIT x -1` passes with a rank range.
    if o.limit.1 != -1 && o.kind == RangeType::Rank {
        return Err(err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if o.withscores && o.kind == RangeType::Lex {
        return Err(err(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    Ok(o)
}

const fn call(kind: RangeType, fixed_rev: Option<bool>) -> RangeCall {
    RangeCall {
        key_at: 1,
        store: false,
        kind,
        fixed_rev,
    }
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub fn zrange(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Auto, None))
}

/// ZREVRANGE key start stop [WITHSCORES]
pub fn zrevrange(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Rank, Some(true)))
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub fn zrangebyscore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Score, Some(false)))
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub fn zrevrangebyscore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Score, Some(true)))
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub fn zrangebylex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Lex, Some(false)))
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub fn zrevrangebylex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zrange_generic(ctx, argv, call(RangeType::Lex, Some(true)))
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]:
/// propagated as sent when it stored something, or deleted a destination
/// because the range was empty (`zrangeResultFinalizeStore`).
pub fn zrangestore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let c = RangeCall {
        key_at: 2,
        store: true,
        ..call(RangeType::Auto, None)
    };
    zrange_generic(ctx, argv, c)
}

/// `zrangeGenericCommand`: options, then the range, then the key.
fn zrange_generic(ctx: &mut Ctx, argv: &[Vec<u8>], call: RangeCall) -> Frame {
    let o = match parse_range_options(argv, call) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (min_at, max_at) = (call.key_at + 1, call.key_at + 2);
    // BYSCORE and BYLEX ranges are given as max, min when reversed.
    let (lo, hi) = if o.reverse && o.kind != RangeType::Rank {
        (&argv[max_at], &argv[min_at])
    } else {
        (&argv[min_at], &argv[max_at])
    };
    let selected = match selection(o.kind, lo, hi) {
        Ok(sel) => sel,
        Err(e) => return e,
    };
    let z = match ctx.read::<ZSet>(&argv[call.key_at]) {
        Ok(z) => z,
        Err(e) => return e,
    };
    let items: Vec<(Sds, f64)> = z.map_or_else(Vec::new, |z| {
        select(z, selected, o.reverse, Some(o.limit))
            .into_iter()
            .map(|(m, s)| (m.clone(), s))
            .collect()
    });
    if call.store {
        return store_range(ctx, &argv[1], items);
    }
    let mut out = Vec::with_capacity(items.len() * if o.withscores { 2 } else { 1 });
    for (m, s) in items {
        out.push(Frame::bulk(&m));
        if o.withscores {
            out.push(Frame::bulk(fmt_g17(s)));
        }
    }
    Frame::Array(out)
}

/// Stores a ZRANGESTORE result (clearing the destination's TTL, as
/// `setKey` does), or deletes the destination when the result is empty.
fn store_range(ctx: &mut Ctx, dst: &[u8], items: Vec<(Sds, f64)>) -> Frame {
    let n = items.len() as i64;
    let mut result = ZSet::new();
    for (m, s) in items {
        result.insert(m, s);
    }
    super::zset_store::store_result(ctx, dst, result);
    Frame::Integer(n)
}

/// ZLEXCOUNT key min max
pub fn zlexcount(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (Some(min), Some(max)) = (parse_lex_bound(&argv[2]), parse_lex_bound(&argv[3])) else {
        return err("ERR min or max not valid string range item");
    };
    match ctx.read::<ZSet>(&argv[1]) {
        Ok(Some(z)) => Frame::Integer(
            z.iter()
                .filter(|(m, _)| lex_above_min(min, m) && lex_below_max(max, m))
                .count() as i64,
        ),
        Ok(None) => Frame::Integer(0),
        Err(e) => e,
    }
}

/// The members a ZRANGE-family call asks for.
enum Selection<'a> {
    Rank(i64, i64),
    Score(ScoreBound, ScoreBound),
    Lex(LexBound<'a>, LexBound<'a>),
}

/// Walks the set in the requested direction and applies the selection and
/// LIMIT (a negative offset selects nothing, a negative count means all).
fn select<'z>(
    z: &'z ZSet,
    sel: Selection,
    reverse: bool,
    limit: Option<(i64, i64)>,
) -> Vec<(&'z Sds, f64)> {
    let ordered: Box<dyn Iterator<Item = (&Sds, f64)>> = if reverse {
        Box::new(z.iter().rev())
    } else {
        Box::new(z.iter())
    };
    let (offset, count) = limit.unwrap_or((0, -1));
    if offset < 0 {
        return Vec::new();
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    match sel {
        Selection::Rank(start, end) => {
            let len = z.len() as i64;
            let start = if start < 0 {
                (start + len).max(0)
            } else {
                start
            };
            let end = if end < 0 { end + len } else { end };
            if start > end || start >= len {
                return Vec::new();
            }
            let end = end.min(len - 1);
            ordered
                .skip(start as usize)
                .take((end - start + 1) as usize)
                .collect()
        }
        Selection::Score(min, max) => ordered
            .filter(|(_, s)| min.above_min(*s) && max.below_max(*s))
            .skip(offset as usize)
            .take(count)
            .collect(),
        Selection::Lex(min, max) => ordered
            .filter(|(m, _)| lex_above_min(min, m) && lex_below_max(max, m))
            .skip(offset as usize)
            .take(count)
            .collect(),
    }
}

/// ZCOUNT key min max
pub fn zcount(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (Some(min), Some(max)) = (parse_score_bound(&argv[2]), parse_score_bound(&argv[3])) else {
        return err("ERR min or max is not a float");
    };
    match ctx.read::<ZSet>(&argv[1]) {
        Ok(Some(z)) => Frame::Integer(
            z.iter()
                .filter(|(_, s)| min.above_min(*s) && max.below_max(*s))
                .count() as i64,
        ),
        Ok(None) => Frame::Integer(0),
        Err(e) => e,
    }
}

/// Parses a `min max` pair as scores, lex bounds or ranks, with Redis's
/// error reply for each kind when a bound is malformed.
fn selection<'a>(kind: RangeType, lo: &'a [u8], hi: &'a [u8]) -> Result<Selection<'a>, Frame> {
    match kind {
        RangeType::Score => match (parse_score_bound(lo), parse_score_bound(hi)) {
            (Some(a), Some(b)) => Ok(Selection::Score(a, b)),
            _ => Err(err("ERR min or max is not a float")),
        },
        RangeType::Lex => match (parse_lex_bound(lo), parse_lex_bound(hi)) {
            (Some(a), Some(b)) => Ok(Selection::Lex(a, b)),
            _ => Err(err("ERR min or max not valid string range item")),
        },
        _ => match (int_arg(lo), int_arg(hi)) {
            (Ok(a), Ok(b)) => Ok(Selection::Rank(a, b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
    }
}

/// `zremrangeGenericCommand`: parses the range first, then removes the
/// selected members; propagates as sent when any went.
fn zremrange(ctx: &mut Ctx, argv: &[Vec<u8>], kind: RangeType) -> Frame {
    let (lo, hi) = (&argv[2], &argv[3]);
    let sel = match selection(kind, lo, hi) {
        Ok(sel) => sel,
        Err(e) => return e,
    };
    let key = argv[1].as_slice();
    let z = match ctx.write::<ZSet>(key) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let doomed: Vec<Sds> = select(z, sel, false, None)
        .into_iter()
        .map(|(m, _)| m.clone())
        .collect();
    for m in &doomed {
        z.remove(m);
    }
    ctx.remove_if_empty::<ZSet>(key);
    if !doomed.is_empty() {
        ctx.propagate_as_sent();
    }
    Frame::Integer(doomed.len() as i64)
}

/// ZREMRANGEBYSCORE key min max
pub fn zremrangebyscore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zremrange(ctx, argv, RangeType::Score)
}

/// ZREMRANGEBYRANK key start stop
pub fn zremrangebyrank(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zremrange(ctx, argv, RangeType::Rank)
}

/// ZREMRANGEBYLEX key min max
pub fn zremrangebylex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    zremrange(ctx, argv, RangeType::Lex)
}
