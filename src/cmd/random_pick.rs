//! Random elements for SRANDMEMBER, ZRANDMEMBER and HRANDFIELD: the count
//! argument as `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)` reads
//! it, and which elements a count selects.
//!
//! Picks come from the server's seeded generator (Redis uses `random()`
//! and, for some counts, a dict it builds and samples), so which elements
//! are chosen differs from Redis; what matches is everything a client can
//! rely on: how many, whether they are distinct (a positive count) or may
//! repeat (a negative one), and that a count at least the size returns the
//! whole value in its encoding's order.

use super::reply::{err, int_arg, is, SYNTAX};
use super::Ctx;
use crate::resp::Frame;

/// Largest number of elements a negative count returns: a limit on the
/// reply the simulator will build (Redis has none).
pub const MAX_RANDOM_REPLY: u64 = 1 << 20;

/// A random index below `len` (0 when `len` is 0).
pub fn pick_in(ctx: &mut Ctx, len: usize) -> usize {
    (ctx.server.random_u64() % len.max(1) as u64) as usize
}

/// The count argument: `-LONG_MAX..=LONG_MAX`.
pub fn count_arg(arg: &[u8]) -> Result<i64, Frame> {
    match int_arg(arg)? {
        i64::MIN => Err(err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        )),
        n => Ok(n),
    }
}

/// ZRANDMEMBER's and HRANDFIELD's `[count [WITHSCORES|WITHVALUES]]`:
/// `None` without a count, else the count and whether `with` was given
/// (which halves the count's range, since the reply doubles).
pub fn count_and_with(argv: &[Vec<u8>], with: &str) -> Result<Option<(i64, bool)>, Frame> {
    let Some(arg) = argv.get(2) else {
        return Ok(None);
    };
    let count = count_arg(arg)?;
    if argv.len() > 4 || (argv.len() == 4 && !is(&argv[3], with)) {
        return Err(err(SYNTAX));
    }
    let with = argv.len() == 4;
    if with && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return Err(err("ERR value is out of range"));
    }
    Ok(Some((count, with)))
}

/// Indexes into a value of `len` elements for `count`: all of them in
/// order when a positive count covers the value, else `count` distinct
/// ones, or for a negative count `|count|` picks that may repeat.
pub fn random_indexes(ctx: &mut Ctx, len: usize, count: i64) -> Vec<usize> {
    if count >= 0 && count.unsigned_abs() >= len as u64 {
        return (0..len).collect();
    }
    if count >= 0 {
        let mut pool: Vec<usize> = (0..len).collect();
        return (0..count)
            .map(|_| {
                let i = pick_in(ctx, pool.len());
                pool.swap_remove(i)
            })
            .collect();
    }
    let n = count.unsigned_abs().min(MAX_RANDOM_REPLY);
    (0..n).map(|_| pick_in(ctx, len)).collect()
}

/// An element and its second half (score text, or field value).
pub type Pair = (Vec<u8>, Vec<u8>);

/// The reply of ZRANDMEMBER / HRANDFIELD for the elements of one value
/// (member and score text, or field and value) and the parsed count: a
/// single element as a bulk string, or a flat array with each element's
/// second half when WITHSCORES / WITHVALUES was given.
pub fn reply_pairs(ctx: &mut Ctx, pairs: &[Pair], count: Option<(i64, bool)>) -> Frame {
    let Some((count, with)) = count else {
        let i = pick_in(ctx, pairs.len());
        return pairs.get(i).map_or(Frame::Null, |(e, _)| Frame::bulk(e));
    };
    let mut out = Vec::new();
    for i in random_indexes(ctx, pairs.len(), count) {
        out.push(Frame::bulk(&pairs[i].0));
        if with {
            out.push(Frame::bulk(&pairs[i].1));
        }
    }
    Frame::Array(out)
}

/// ZRANDMEMBER and HRANDFIELD for the value at `argv[1]`, whose pairs
/// `pairs_of` lists (`None` for another type): the count is read before
/// the key is looked up, as in Redis.
pub fn rand_command(
    ctx: &mut Ctx,
    argv: &[Vec<u8>],
    with: &str,
    pairs_of: fn(&crate::db::Value) -> Option<Vec<Pair>>,
) -> Frame {
    let count = match count_and_with(argv, with) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let pairs = match ctx.lookup_read(&argv[1]) {
        None if count.is_some() => return Frame::Array(Vec::new()),
        None => return Frame::Null,
        Some(v) => match pairs_of(v) {
            Some(p) => p,
            None => return Frame::err(super::reply::WRONGTYPE),
        },
    };
    reply_pairs(ctx, &pairs, count)
}
