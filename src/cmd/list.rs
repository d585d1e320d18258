//! List commands (`t_list.c`). A list is a `VecDeque`, head first; real
//! Redis uses a quicklist of listpacks, which only the RDB file shows.
//! Every list write propagates as sent, and only when it changed the list
//! (RPOPLPUSH and LMOVE included: only their blocking forms are rewritten),
//! except LMPOP, which propagates as the LPOP or RPOP with a count that
//! it amounts to.

use super::reply::{err, int_arg, is, long_at_least, positive_arg, NO_KEY, SYNTAX};
use super::{mpop, Ctx};
use crate::db::Sds;
use crate::resp::Frame;
use std::collections::VecDeque;

type List = VecDeque<Sds>;

/// Which end of the list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Head,
    Tail,
}

fn push(ctx: &mut Ctx, argv: &[Vec<u8>], end: End, only_existing: bool) -> Frame {
    let key = argv[1].as_slice();
    let list = if only_existing {
        match ctx.write::<List>(key) {
            Ok(Some(l)) => l,
            Ok(None) => return Frame::Integer(0),
            Err(e) => return e,
        }
    } else {
        match ctx.write_or_create::<List>(key) {
            Ok(l) => l,
            Err(e) => return e,
        }
    };
    for v in &argv[2..] {
        match end {
            End::Head => list.push_front(Sds::new(v)),
            End::Tail => list.push_back(Sds::new(v)),
        }
    }
    let len = list.len() as i64;
    ctx.propagate_as_sent();
    Frame::Integer(len)
}

/// LPUSH key element [element ...]
pub fn lpush(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    push(ctx, argv, End::Head, false)
}

/// RPUSH key element [element ...]
pub fn rpush(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    push(ctx, argv, End::Tail, false)
}

/// LPUSHX key element [element ...]
pub fn lpushx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    push(ctx, argv, End::Head, true)
}

/// RPUSHX key element [element ...]
pub fn rpushx(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    push(ctx, argv, End::Tail, true)
}

/// `popGenericCommand`: LPOP/RPOP key [count].
fn pop(ctx: &mut Ctx, argv: &[Vec<u8>], end: End) -> Frame {
    if argv.len() > 3 {
        let name = if end == End::Head { "lpop" } else { "rpop" };
        return super::reply::arity_err(name);
    }
    let count = match argv.get(2).map(|c| positive_arg(c)) {
        Some(Ok(n)) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        Some(Err(e)) => return e,
        None => None,
    };
    let key = argv[1].as_slice();
    let list = match ctx.write::<List>(key) {
        Ok(Some(l)) => l,
        Ok(None) => {
            return if count.is_some() {
                Frame::NullArray
            } else {
                Frame::Null
            }
        }
        Err(e) => return e,
    };
    let take = |l: &mut List| match end {
        End::Head => l.pop_front(),
        End::Tail => l.pop_back(),
    };
    let reply = match count {
        Some(0) => return Frame::Array(Vec::new()),
        Some(n) => Frame::Array(
            (0..n)
                .map_while(|_| take(list))
                .map(|v| Frame::bulk(&v))
                .collect(),
        ),
        None => take(list).map_or(Frame::Null, |v| Frame::bulk(&v)),
    };
    ctx.remove_if_empty::<List>(key);
    ctx.propagate_as_sent();
    reply
}

/// LPOP key [count]
pub fn lpop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    pop(ctx, argv, End::Head)
}

/// RPOP key [count]
pub fn rpop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    pop(ctx, argv, End::Tail)
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the
/// first key that exists (WRONGTYPE stops the search), replies `[key,
/// [element, ...]]` or a null array, and propagates as `LPOP|RPOP key
/// <popped>`, as `mpopGenericCommand` rewrites it.
pub fn lmpop(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let args = match mpop::parse(argv, 1, ["left", "right"]) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let (end, name): (End, &[u8]) = if args.second_end {
        (End::Tail, b"RPOP")
    } else {
        (End::Head, b"LPOP")
    };
    for key in args.keys {
        let list = match ctx.write::<List>(key) {
            Ok(Some(l)) => l,
            Ok(None) => continue,
            Err(e) => return e,
        };
        let popped: Vec<Frame> = (0..args.count)
            .map_while(|_| match end {
                End::Head => list.pop_front(),
                End::Tail => list.pop_back(),
            })
            .map(|v| Frame::bulk(&v))
            .collect();
        ctx.remove_if_empty::<List>(key);
        ctx.propagate(&[name, key, popped.len().to_string().as_bytes()]);
        return Frame::Array(vec![Frame::bulk(key), Frame::Array(popped)]);
    }
    Frame::NullArray
}

/// LPOS's options (`lposCommand`): RANK (1-based, negative from the
/// tail), COUNT (0: every match) and MAXLEN (0: the whole list).
struct PosOptions {
    rank: i64,
    count: Option<usize>,
    maxlen: usize,
}

fn parse_pos_options(argv: &[Vec<u8>]) -> Result<PosOptions, Frame> {
    let mut o = PosOptions {
        rank: 1,
        count: None,
        maxlen: 0,
    };
    let mut j = 3;
    while j < argv.len() {
        let (opt, more) = (&argv[j], j + 1 < argv.len());
        if more && is(opt, "rank") {
            o.rank = int_arg(&argv[j + 1])?;
            if o.rank == 0 {
                return Err(err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
            }
        } else if more && is(opt, "count") {
            let n = long_at_least(&argv[j + 1], 0, "ERR COUNT can't be negative")?;
            o.count = Some(usize::try_from(n).unwrap_or(usize::MAX));
        } else if more && is(opt, "maxlen") {
            let n = long_at_least(&argv[j + 1], 0, "ERR MAXLEN can't be negative")?;
            o.maxlen = usize::try_from(n).unwrap_or(usize::MAX);
        } else {
            return Err(err(SYNTAX));
        }
        j += 2;
    }
    Ok(o)
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: the
/// index of the rank-th match (or of COUNT matches from there), looking
/// at no more than MAXLEN elements, from the head or, for a negative
/// rank, from the tail; indexes always count from the head.
pub fn lpos(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let o = match parse_pos_options(argv) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let list = match ctx.read::<List>(&argv[1]) {
        Ok(Some(l)) => l,
        Ok(None) if o.count.is_some() => return Frame::Array(Vec::new()),
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    // Redis negates the rank in a C long: the wrapping keeps LONG_MIN's
    // behaviour (it then matches from the first hit).
    let (from_tail, rank) = (o.rank < 0, o.rank.wrapping_abs());
    let len = list.len();
    let limit = if o.maxlen == 0 {
        len
    } else {
        o.maxlen.min(len)
    };
    let element = argv[2].as_slice();
    let mut found = Vec::new();
    let mut matches = 0i64;
    for index in 0..limit {
        let at = if from_tail { len - index - 1 } else { index };
        if list[at].as_bytes() != element {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        found.push(Frame::Integer(at as i64));
        match o.count {
            None => break,
            Some(c) if c != 0 && found.len() >= c => break,
            Some(_) => {}
        }
    }
    match o.count {
        Some(_) => Frame::Array(found),
        None => found.pop().unwrap_or(Frame::Null),
    }
}

/// Resolves LRANGE/LTRIM-style `start..=end` (negative from the tail) to
/// a half-open range, or `None` when it selects nothing.
fn resolve_range(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let end = if end < 0 { end + len } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize + 1))
}

/// LRANGE key start stop
pub fn lrange(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (start, end) = match (int_arg(&argv[2]), int_arg(&argv[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let list = match ctx.read::<List>(&argv[1]) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Array(Vec::new()),
        Err(e) => return e,
    };
    match resolve_range(list.len(), start, end) {
        Some((a, b)) => Frame::Array(list.range(a..b).map(Frame::bulk).collect()),
        None => Frame::Array(Vec::new()),
    }
}

/// LLEN key
pub fn llen(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match ctx.read::<List>(&argv[1]) {
        Ok(l) => Frame::Integer(l.map_or(0, |l| l.len() as i64)),
        Err(e) => e,
    }
}

/// Resolves a possibly negative index.
fn index_of(len: usize, index: i64) -> Option<usize> {
    let i = if index < 0 { index + len as i64 } else { index };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// LINDEX key index
pub fn lindex(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let index = match int_arg(&argv[2]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    match ctx.read::<List>(&argv[1]) {
        Ok(Some(l)) => index_of(l.len(), index)
            .and_then(|i| l.get(i))
            .map_or(Frame::Null, Frame::bulk),
        Ok(None) => Frame::Null,
        Err(e) => e,
    }
}

/// LSET key index element
pub fn lset(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let index = match int_arg(&argv[2]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let list = match ctx.write::<List>(&argv[1]) {
        Ok(Some(l)) => l,
        Ok(None) => return err(NO_KEY),
        Err(e) => return e,
    };
    let Some(slot) = index_of(list.len(), index).and_then(|i| list.get_mut(i)) else {
        return err("ERR index out of range");
    };
    *slot = Sds::new(&argv[3]);
    ctx.propagate_as_sent();
    Frame::ok()
}

/// LTRIM key start stop
pub fn ltrim(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (start, end) = match (int_arg(&argv[2]), int_arg(&argv[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let key = argv[1].as_slice();
    let list = match ctx.write::<List>(key) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::ok(),
        Err(e) => return e,
    };
    let before = list.len();
    match resolve_range(before, start, end) {
        Some((a, b)) => {
            list.truncate(b);
            list.drain(..a);
        }
        None => list.clear(),
    }
    let changed = list.len() != before;
    ctx.remove_if_empty::<List>(key);
    if changed {
        ctx.propagate_as_sent();
    }
    Frame::ok()
}

/// LREM key count element (count > 0 from the head, < 0 from the tail, 0 all)
pub fn lrem(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let count = match int_arg(&argv[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let key = argv[1].as_slice();
    let list = match ctx.write::<List>(key) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let target = argv[3].as_slice();
    let limit = if count == 0 {
        usize::MAX
    } else {
        count.unsigned_abs() as usize
    };
    let mut removed = 0usize;
    let mut keep = |v: &Sds| {
        let hit = removed < limit && v.as_bytes() == target;
        removed += usize::from(hit);
        !hit
    };
    let kept: List = if count < 0 {
        let mut rev: Vec<Sds> = list.drain(..).rev().filter(|v| keep(v)).collect();
        rev.reverse();
        rev.into()
    } else {
        list.drain(..).filter(|v| keep(v)).collect()
    };
    *list = kept;
    ctx.remove_if_empty::<List>(key);
    if removed > 0 {
        ctx.propagate_as_sent();
    }
    Frame::Integer(removed as i64)
}

/// `getListPositionFromObjectOrReply`: LEFT or RIGHT.
fn parse_end(b: &[u8]) -> Result<End, Frame> {
    if super::reply::is(b, "left") {
        Ok(End::Head)
    } else if super::reply::is(b, "right") {
        Ok(End::Tail)
    } else {
        Err(err(super::reply::SYNTAX))
    }
}

/// RPOPLPUSH source destination
pub fn rpoplpush(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    lmove_generic(ctx, &argv[1], &argv[2], End::Tail, End::Head)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
pub fn lmove(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match (parse_end(&argv[3]), parse_end(&argv[4])) {
        (Ok(from), Ok(to)) => lmove_generic(ctx, &argv[1], &argv[2], from, to),
        (Err(e), _) | (_, Err(e)) => e,
    }
}

/// `lmoveGenericCommand`: pops from `src`, pushes onto `dst` (which may be
/// the same list), both type-checked before anything moves.
fn lmove_generic(ctx: &mut Ctx, src: &[u8], dst: &[u8], from: End, to: End) -> Frame {
    match ctx.write::<List>(src) {
        Ok(Some(_)) => {}
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    }
    if let Err(e) = ctx.write::<List>(dst) {
        return e;
    }
    let popped = match ctx.write::<List>(src) {
        Ok(Some(l)) if from == End::Head => l.pop_front(),
        Ok(Some(l)) => l.pop_back(),
        _ => None,
    };
    let Some(v) = popped else {
        return Frame::Null;
    };
    let reply = Frame::bulk(&v);
    match ctx.write_or_create::<List>(dst) {
        Ok(l) if to == End::Head => l.push_front(v),
        Ok(l) => l.push_back(v),
        Err(e) => return e,
    }
    ctx.remove_if_empty::<List>(src);
    ctx.propagate_as_sent();
    reply
}

/// LINSERT key BEFORE|AFTER pivot element
pub fn linsert(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let after = if super::reply::is(&argv[2], "after") {
        true
    } else if super::reply::is(&argv[2], "before") {
        false
    } else {
        return err(super::reply::SYNTAX);
    };
    let list = match ctx.write::<List>(&argv[1]) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let Some(i) = list.iter().position(|v| v.as_bytes() == argv[3].as_slice()) else {
        return Frame::Integer(-1);
    };
    list.insert(i + usize::from(after), Sds::new(&argv[4]));
    let len = list.len() as i64;
    ctx.propagate_as_sent();
    Frame::Integer(len)
}

#[cfg(test)]
mod tests {
    use super::{index_of, resolve_range};

    #[test]
    fn ranges_resolve_like_lrange() {
        assert_eq!(resolve_range(5, 0, -1), Some((0, 5)));
        assert_eq!(resolve_range(5, -2, -1), Some((3, 5)));
        assert_eq!(resolve_range(5, -100, 1), Some((0, 2)));
        assert_eq!(resolve_range(5, 3, 1), None);
        assert_eq!(resolve_range(5, 5, 10), None);
        assert_eq!(resolve_range(0, 0, -1), None);
        assert_eq!(index_of(3, -1), Some(2));
        assert_eq!(index_of(3, 3), None);
        assert_eq!(index_of(3, -4), None);
    }
}
