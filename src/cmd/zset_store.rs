//! Sorted-set algebra (`zunionInterDiffGenericCommand` in `t_zset.c`):
//! ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with WEIGHTS,
//! AGGREGATE SUM|MIN|MAX, WITHSCORES and LIMIT.
//!
//! As in Redis, every input may be a sorted set or a plain set (whose
//! members count with score 1), and the keys' types are checked before the
//! options are read, so a WRONGTYPE comes before a syntax error. Union and
//! intersection visit their inputs from the smallest to the largest (a
//! stable sort by cardinality; Redis uses `qsort`, whose order for equal
//! sizes the C library decides), which fixes the order in which scores are
//! summed. A NaN from a weight times an infinite score, or from `inf` plus
//! `-inf`, becomes 0 exactly where Redis makes it 0.
//!
//! The STORE forms replace the destination (dropping its TTL) and
//! propagate as sent, or delete it when the result is empty, and then
//! propagate only if there was something to delete. A stored score of
//! `-0` (a weight of -1 on a score of 0) reads back as `0`, since our
//! sorted sets keep zero unsigned; Redis's skiplist keeps the sign.

use super::reply::{err, int_arg, is, long_at_least, SYNTAX, WRONGTYPE};
use super::Ctx;
use crate::db::{FastHash, Sds, Value, ZSet};
use crate::num::{self, fmt_g17};
use crate::resp::Frame;
use indexmap::{IndexMap, IndexSet};

/// Which operation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

/// `AGGREGATE` (`REDIS_AGGR_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// One input: its members with their scores (1 for a plain set) and its
/// weight. A missing key is an empty input.
struct Source {
    members: IndexMap<Sds, f64, FastHash>,
    weight: f64,
}

/// What the command is: where numkeys is, and which options it takes.
#[derive(Clone, Copy)]
struct Call {
    name: &'static str,
    op: Op,
    /// Index of numkeys: 2 for the STORE forms, 1 otherwise.
    numkeys_at: usize,
    store: bool,
    cardinality_only: bool,
}

/// Parsed options.
struct Options {
    aggregate: Aggregate,
    withscores: bool,
    /// ZINTERCARD's LIMIT; 0 means none.
    limit: u64,
}

/// `zuiNext`: the members of one key as (member, score) pairs.
fn read_source(ctx: &mut Ctx, key: &[u8]) -> Result<Source, Frame> {
    let members = match ctx.lookup_read(key) {
        None => IndexMap::default(),
        Some(Value::ZSet(z)) => z.iter().map(|(m, s)| (m.clone(), s)).collect(),
        Some(Value::Set(s)) => s.iter().map(|m| (m.clone(), 1.0)).collect(),
        Some(_) => return Err(err(WRONGTYPE)),
    };
    Ok(Source {
        members,
        weight: 1.0,
    })
}

/// numkeys, then the keys (type-checked), as Redis reads them.
fn read_sources(ctx: &mut Ctx, argv: &[Vec<u8>], call: Call) -> Result<Vec<Source>, Frame> {
    let setnum = int_arg(&argv[call.numkeys_at])?;
    if setnum < 1 {
        return Err(Frame::Error(format!(
            "ERR at least 1 input key is needed for '{}' command",
            call.name
        )));
    }
    let first = call.numkeys_at + 1;
    if setnum > (argv.len() - first) as i64 {
        return Err(err(SYNTAX));
    }
    let keys = &argv[first..first + setnum as usize];
    keys.iter().map(|k| read_source(ctx, k)).collect()
}

/// The words after the keys: WEIGHTS and AGGREGATE (not for ZDIFF nor
/// ZINTERCARD), WITHSCORES (replying forms only), LIMIT (ZINTERCARD).
fn parse_options(
    argv: &[Vec<u8>],
    mut j: usize,
    srcs: &mut [Source],
    call: Call,
) -> Result<Options, Frame> {
    let mut o = Options {
        aggregate: Aggregate::Sum,
        withscores: false,
        limit: 0,
    };
    let algebra = call.op != Op::Diff && !call.cardinality_only;
    while j < argv.len() {
        let (a, remaining) = (&argv[j], argv.len() - j);
        if algebra && remaining > srcs.len() && is(a, "weights") {
            for (i, src) in srcs.iter_mut().enumerate() {
                src.weight = num::parse_f64(&argv[j + 1 + i])
                    .ok_or_else(|| err("ERR weight value is not a float"))?;
            }
            j += 1 + srcs.len();
        } else if algebra && remaining >= 2 && is(a, "aggregate") {
            let w = &argv[j + 1];
            o.aggregate = match () {
                _ if is(w, "sum") => Aggregate::Sum,
                _ if is(w, "min") => Aggregate::Min,
                _ if is(w, "max") => Aggregate::Max,
                _ => return Err(err(SYNTAX)),
            };
            j += 2;
        } else if !call.store && !call.cardinality_only && is(a, "withscores") {
            o.withscores = true;
            j += 1;
        } else if call.cardinality_only && remaining >= 2 && is(a, "limit") {
            let n = long_at_least(&argv[j + 1], 0, "ERR LIMIT can't be negative")?;
            o.limit = n.unsigned_abs();
            j += 2;
        } else {
            return Err(err(SYNTAX));
        }
    }
    Ok(o)
}

/// `zunionInterAggregate`.
fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => *target = if value < *target { value } else { *target },
        Aggregate::Max => *target = if value > *target { value } else { *target },
    }
}

/// A weighted score, NaN read as 0 (`inf * 0`).
fn weighted(src: &Source, score: f64) -> f64 {
    let s = src.weight * score;
    if s.is_nan() {
        0.0
    } else {
        s
    }
}

/// The intersection's members and scores, at most `limit` of them (0: all).
fn intersect(srcs: &[Source], how: Aggregate, limit: u64) -> Vec<(Sds, f64)> {
    let mut out = Vec::new();
    let Some((first, rest)) = srcs.split_first() else {
        return out;
    };
    for (m, s) in &first.members {
        let mut score = weighted(first, *s);
        let mut everywhere = true;
        for src in rest {
            // No NaN fix-up here: Redis applies it to the first input only.
            match src.members.get(m.as_bytes()).copied() {
                Some(v) => aggregate(&mut score, v * src.weight, how),
                None => {
                    everywhere = false;
                    break;
                }
            }
        }
        if everywhere {
            out.push((m.clone(), score));
            if limit > 0 && out.len() as u64 >= limit {
                break;
            }
        }
    }
    out
}

/// The union: first score seen, then aggregated in input order.
fn unite(srcs: &[Source], how: Aggregate) -> Vec<(Sds, f64)> {
    let mut acc: IndexMap<Sds, f64, FastHash> = IndexMap::default();
    for src in srcs {
        for (m, s) in &src.members {
            let score = weighted(src, *s);
            match acc.get_mut(m) {
                Some(t) => aggregate(t, score, how),
                None => {
                    acc.insert(m.clone(), score);
                }
            }
        }
    }
    acc.into_iter().collect()
}

/// The difference: the first input's members found in no other input.
fn difference(srcs: &[Source]) -> Vec<(Sds, f64)> {
    let Some((first, rest)) = srcs.split_first() else {
        return Vec::new();
    };
    let others: IndexSet<&[u8], FastHash> = rest
        .iter()
        .flat_map(|s| s.members.iter().map(|(m, _)| m.as_bytes()))
        .collect();
    first
        .members
        .iter()
        .filter(|(m, _)| !others.contains(m.as_bytes()))
        .map(|(m, s)| (m.clone(), *s))
        .collect()
}

/// `zunionInterDiffGenericCommand`.
fn generic(ctx: &mut Ctx, argv: &[Vec<u8>], call: Call) -> Frame {
    let mut srcs = match read_sources(ctx, argv, call) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let after_keys = call.numkeys_at + 1 + srcs.len();
    let o = match parse_options(argv, after_keys, &mut srcs, call) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if call.op != Op::Diff {
        srcs.sort_by_key(|s| s.members.len());
    }
    let members = match call.op {
        Op::Inter => intersect(&srcs, o.aggregate, o.limit),
        Op::Union => unite(&srcs, o.aggregate),
        Op::Diff => difference(&srcs),
    };
    if call.cardinality_only {
        return Frame::Integer(members.len() as i64);
    }
    if call.store {
        let mut result = ZSet::new();
        for (m, s) in members {
            result.insert(m, s);
        }
        let n = result.len() as i64;
        store_result(ctx, &argv[1], result);
        return Frame::Integer(n);
    }
    // The skiplist's order: by score as numbers (-0 equal to 0), then by
    // member bytes; each score printed as computed, so a weight of -1 on a
    // score of 0 prints `-0` as in Redis.
    let mut members = members;
    members.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
    });
    let mut out = Vec::new();
    for (m, s) in members {
        out.push(Frame::bulk(&m));
        if o.withscores {
            out.push(Frame::bulk(fmt_g17(s)));
        }
    }
    Frame::Array(out)
}

/// Writes a computed sorted set to `dst` as `setKey` does (any old value
/// and its TTL replaced), or deletes `dst` when the set is empty; either
/// change propagates the command as sent.
pub fn store_result(ctx: &mut Ctx, dst: &[u8], result: ZSet) {
    if result.is_empty() {
        if ctx.db().remove(dst).is_some() {
            ctx.propagate_as_sent();
        }
        return;
    }
    ctx.db()
        .insert(Sds::new(dst), Value::ZSet(Box::new(result)), false);
    ctx.propagate_as_sent();
}

const fn call(name: &'static str, op: Op, store: bool) -> Call {
    Call {
        name,
        op,
        numkeys_at: if store { 2 } else { 1 },
        store,
        cardinality_only: false,
    }
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
pub fn zunionstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zunionstore", Op::Union, true))
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
pub fn zinterstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zinterstore", Op::Inter, true))
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub fn zdiffstore(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zdiffstore", Op::Diff, true))
}

/// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zunion(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zunion", Op::Union, false))
}

/// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zinter(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zinter", Op::Inter, false))
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub fn zdiff(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    generic(ctx, argv, call("zdiff", Op::Diff, false))
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub fn zintercard(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let c = Call {
        cardinality_only: true,
        ..call("zintercard", Op::Inter, false)
    };
    generic(ctx, argv, c)
}
