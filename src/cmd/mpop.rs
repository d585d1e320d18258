//! The argument shape LMPOP and ZMPOP share (`lmpopGenericCommand`,
//! `zmpopGenericCommand` in 7.0.15): `numkeys key [key ...] <where>
//! [COUNT count]`, read in Redis's order with Redis's messages. The
//! blocking forms put a timeout before numkeys, hence `numkeys_at`.

use super::reply::{err, is, long_at_least, SYNTAX};
use crate::resp::Frame;

/// A parsed multi-key pop.
pub struct MpopArgs<'a> {
    /// The keys, in the order they are tried.
    pub keys: &'a [Vec<u8>],
    /// True for the second `where` word (RIGHT, MAX).
    pub second_end: bool,
    /// How many elements to pop at most (1 without COUNT).
    pub count: usize,
}

/// Parses `numkeys key ... <where> [COUNT n]` from `numkeys_at`; `ends`
/// are the two `where` words (`["left", "right"]`, `["min", "max"]`).
pub fn parse<'a>(
    argv: &'a [Vec<u8>],
    numkeys_at: usize,
    ends: [&str; 2],
) -> Result<MpopArgs<'a>, Frame> {
    let numkeys = long_at_least(&argv[numkeys_at], 1, "ERR numkeys should be greater than 0")?;
    let where_at = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(numkeys_at + 1))
        .filter(|at| *at < argv.len())
        .ok_or_else(|| err(SYNTAX))?;
    let second_end = match &argv[where_at] {
        w if is(w, ends[0]) => false,
        w if is(w, ends[1]) => true,
        _ => return Err(err(SYNTAX)),
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < argv.len() {
        if count.is_none() && is(&argv[j], "count") && j + 1 < argv.len() {
            let n = long_at_least(&argv[j + 1], 1, "ERR count should be greater than 0")?;
            count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            j += 2;
        } else {
            return Err(err(SYNTAX));
        }
    }
    Ok(MpopArgs {
        keys: &argv[numkeys_at + 1..where_at],
        second_end,
        count: count.unwrap_or(1),
    })
}
