//! Shared reply texts and argument parsers, so every command words its
//! errors exactly as Redis 7.0 does (`shared.*` objects in `server.c`).

use crate::num;
use crate::resp::Frame;

/// `shared.wrongtypeerr`.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
/// `shared.syntaxerr`.
pub const SYNTAX: &str = "ERR syntax error";
/// Integer argument that does not parse or does not fit.
pub const NOT_INT: &str = "ERR value is not an integer or out of range";
/// Float argument that does not parse.
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
/// `getPositiveLongFromObjectOrReply`'s default message.
pub const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";
/// INCR family overflow.
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
/// `shared.nokeyerr`.
pub const NO_KEY: &str = "ERR no such key";

/// `+OK`.
pub fn ok() -> Frame {
    Frame::ok()
}

/// An error reply from a static text.
pub fn err(msg: &str) -> Frame {
    Frame::Error(msg.to_string())
}

/// `addReplyErrorArity`: `wrong number of arguments for '<name>' command`.
pub fn arity_err(name: &str) -> Frame {
    Frame::Error(format!(
        "ERR wrong number of arguments for '{name}' command"
    ))
}

/// `addReplyErrorExpireTime`: `invalid expire time in '<name>' command`.
pub fn expire_time_err(name: &str) -> Frame {
    Frame::Error(format!("ERR invalid expire time in '{name}' command"))
}

/// An integer argument (`getLongLongFromObjectOrReply`).
pub fn int_arg(b: &[u8]) -> Result<i64, Frame> {
    num::parse_i64(b).ok_or_else(|| err(NOT_INT))
}

/// A non-negative integer argument (`getPositiveLongFromObjectOrReply`:
/// anything else, even a non-number, is "out of range, must be positive").
pub fn positive_arg(b: &[u8]) -> Result<i64, Frame> {
    num::parse_i64(b)
        .filter(|n| *n >= 0)
        .ok_or_else(|| err(NOT_POSITIVE))
}

/// An integer argument of at least `min`, with one message for anything
/// else (`getRangeLongFromObjectOrReply` with a message of its own, as
/// "numkeys should be greater than 0" or "COUNT can't be negative").
pub fn long_at_least(b: &[u8], min: i64, msg: &str) -> Result<i64, Frame> {
    num::parse_i64(b)
        .filter(|n| *n >= min)
        .ok_or_else(|| err(msg))
}

/// A float argument (`getDoubleFromObjectOrReply`).
pub fn float_arg(b: &[u8]) -> Result<f64, Frame> {
    num::parse_f64(b).ok_or_else(|| err(NOT_FLOAT))
}

/// An array of bulk strings.
pub fn bulk_array<I, B>(items: I) -> Frame
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    Frame::Array(items.into_iter().map(Frame::bulk).collect())
}

/// Case-insensitive comparison of an argument with an option name.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// `addReplyHelp`: Redis's first line, the command's own lines, and the
/// closing HELP entry, as status replies.
pub fn help(command: &str, lines: &[&str]) -> Frame {
    let first = format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    let all = std::iter::once(first)
        .chain(lines.iter().map(|l| l.to_string()))
        .chain(["HELP".to_string(), "    Prints this help.".to_string()]);
    Frame::Array(all.map(Frame::Simple).collect())
}
