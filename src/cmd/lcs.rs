//! LCS (`lcsCommand` in `t_string.c`): the longest common subsequence of
//! two strings, as the string itself, its length (LEN), or the matching
//! ranges (IDX, optionally WITHMATCHLEN and MINMATCHLEN).
//!
//! The table is the same dynamic programme as Redis's, walked back the same
//! way, so when several subsequences are equally long the one reported is
//! Redis's. The memory limit is Redis's too: a table of more than
//! `proto-max-bulk-len` bytes (4 per cell) is refused.

use super::reply::{err, int_arg, is, SYNTAX};
use super::Ctx;
use crate::db::Value;
use crate::resp::Frame;

/// Redis's default `proto-max-bulk-len`, the bound on the table's bytes.
const PROTO_MAX_BULK_LEN: u64 = 512 * 1024 * 1024;

/// The options after the two keys.
#[derive(Default)]
struct LcsOptions {
    len: bool,
    idx: bool,
    with_match_len: bool,
    min_match_len: i64,
}

fn parse_options(args: &[Vec<u8>]) -> Result<LcsOptions, Frame> {
    let mut o = LcsOptions::default();
    let mut j = 0;
    while j < args.len() {
        let a = &args[j];
        if is(a, "idx") {
            o.idx = true;
        } else if is(a, "len") {
            o.len = true;
        } else if is(a, "withmatchlen") {
            o.with_match_len = true;
        } else if is(a, "minmatchlen") && j + 1 < args.len() {
            o.min_match_len = int_arg(&args[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(err(SYNTAX));
        }
        j += 1;
    }
    if o.len && o.idx {
        return Err(err(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    Ok(o)
}

/// A string operand: missing keys read as empty, other types refuse.
fn operand(ctx: &mut Ctx, key: &[u8]) -> Option<Vec<u8>> {
    match ctx.lookup_read(key) {
        None => Some(Vec::new()),
        Some(Value::Str(s)) => Some(s.to_vec()),
        Some(_) => None,
    }
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
pub fn lcs(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (a, b) = (operand(ctx, &argv[1]), operand(ctx, &argv[2]));
    let (Some(a), Some(b)) = (a, b) else {
        return err("ERR The specified keys must contain string values");
    };
    let o = match parse_options(&argv[3..]) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells * 4 > PROTO_MAX_BULK_LEN {
        return err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    let table = Table::build(&a, &b);
    let total = table.at(a.len(), b.len());
    if o.len {
        return Frame::Integer(i64::from(total));
    }
    let (subsequence, ranges) = table.walk_back(&a, &b, &o);
    if !o.idx {
        return Frame::Bulk(subsequence);
    }
    Frame::Array(vec![
        Frame::bulk("matches"),
        Frame::Array(ranges),
        Frame::bulk("len"),
        Frame::Integer(i64::from(total)),
    ])
}

/// `LCS(i,j)`: the LCS length of `a[..i]` and `b[..j]`.
struct Table {
    cells: Vec<u32>,
    width: usize,
}

impl Table {
    fn build(a: &[u8], b: &[u8]) -> Table {
        let width = b.len() + 1;
        let mut t = Table {
            cells: vec![0; (a.len() + 1) * width],
            width,
        };
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                t.cells[i * width + j] = if a[i - 1] == b[j - 1] {
                    t.at(i - 1, j - 1) + 1
                } else {
                    t.at(i - 1, j).max(t.at(i, j - 1))
                };
            }
        }
        t
    }

    fn at(&self, i: usize, j: usize) -> u32 {
        self.cells[i * self.width + j]
    }

    /// Redis's walk from the bottom-right corner: the subsequence, and the
    /// ranges (IDX's replies) from the end of the strings to the start.
    fn walk_back(&self, a: &[u8], b: &[u8], o: &LcsOptions) -> (Vec<u8>, Vec<Frame>) {
        let mut idx = self.at(a.len(), b.len()) as usize;
        let mut result = vec![0u8; idx];
        let mut ranges = Vec::new();
        let none = a.len();
        let (mut a_start, mut a_end, mut b_start, mut b_end) = (none, 0, 0, 0);
        let (mut i, mut j) = (a.len(), b.len());
        while i > 0 && j > 0 {
            let mut emit = false;
            if a[i - 1] == b[j - 1] {
                result[idx - 1] = a[i - 1];
                if a_start == none {
                    (a_start, a_end, b_start, b_end) = (i - 1, i - 1, j - 1, j - 1);
                } else if a_start == i && b_start == j {
                    a_start -= 1;
                    b_start -= 1;
                } else {
                    emit = true;
                }
                emit |= a_start == 0 || b_start == 0;
                idx -= 1;
                i -= 1;
                j -= 1;
            } else {
                if self.at(i - 1, j) > self.at(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                emit = a_start != none;
            }
            let match_len = a_end.wrapping_sub(a_start).wrapping_add(1);
            if emit {
                if o.min_match_len == 0 || match_len as i64 >= o.min_match_len {
                    ranges.push(range_reply(a_start, a_end, b_start, b_end, o, match_len));
                }
                a_start = none;
            }
        }
        (result, ranges)
    }
}

/// One IDX entry: `[[a_start, a_end], [b_start, b_end]]`, plus the match
/// length with WITHMATCHLEN.
fn range_reply(a0: usize, a1: usize, b0: usize, b1: usize, o: &LcsOptions, len: usize) -> Frame {
    let pair =
        |x: usize, y: usize| Frame::Array(vec![Frame::Integer(x as i64), Frame::Integer(y as i64)]);
    let mut entry = vec![pair(a0, a1), pair(b0, b1)];
    if o.with_match_len {
        entry.push(Frame::Integer(len as i64));
    }
    Frame::Array(entry)
}
