//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP for the settings in
//! [`crate::config::Config`], with Redis 7.0's names, aliases (`slave-*`),
//! value formats and error texts.
//!
//! - GET takes several patterns; a pattern without glob characters is an
//!   exact, case-insensitive lookup that answers under the name as typed;
//!   a glob matches names and aliases case-insensitively. Real Redis lists
//!   matches in hash-table order; here they follow the table below.
//! - SET takes several `name value` pairs and applies all or none.
//!   `repl-backlog-size` below 16384 is stored (and shown) as 16384.
//! - Only the settings that change what the simulator does exist; any
//!   other name is an unknown option (real Redis knows ~200).

use super::reply::{self, err, is};
use super::{glob, Ctx};
use crate::config::{Config, OutputBufferLimit, MIN_BACKLOG_SIZE};
use crate::resp::Frame;

/// How a setting is parsed and printed.
enum Kind {
    /// `yes` / `no`.
    Bool(fn(&Config) -> bool, fn(&mut Config) -> &mut bool),
    /// An integer in `min..=max`; `memory` accepts units (`1mb`).
    Int {
        get: fn(&Config) -> u64,
        set: fn(&mut Config) -> &mut u64,
        min: u64,
        max: u64,
        memory: bool,
    },
    /// `port`, a u16.
    Port,
    /// `repl-diskless-load`.
    DisklessLoad,
    /// `client-output-buffer-limit`.
    OutputLimits,
}

/// One setting: its name, its old `slave-*` alias, its kind.
struct Param {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
}

const INT_MAX: u64 = i32::MAX as u64;
const LLONG_MAX: u64 = i64::MAX as u64;

macro_rules! int {
    ($name:expr, $alias:expr, $field:ident, $min:expr, $max:expr, $memory:expr) => {
        Param {
            name: $name,
            alias: $alias,
            kind: Kind::Int {
                get: |c| c.$field,
                set: |c| &mut c.$field,
                min: $min,
                max: $max,
                memory: $memory,
            },
        }
    };
}

macro_rules! boolean {
    ($name:expr, $alias:expr, $field:ident) => {
        Param {
            name: $name,
            alias: $alias,
            kind: Kind::Bool(|c| c.$field, |c| &mut c.$field),
        }
    };
}

/// Every setting CONFIG knows.
static PARAMS: &[Param] = &[
    Param {
        name: "port",
        alias: None,
        kind: Kind::Port,
    },
    int!(
        "repl-backlog-size",
        None,
        repl_backlog_size,
        1,
        LLONG_MAX,
        true
    ),
    int!(
        "repl-backlog-ttl",
        None,
        repl_backlog_ttl,
        0,
        LLONG_MAX,
        false
    ),
    int!(
        "repl-ping-replica-period",
        Some("repl-ping-slave-period"),
        repl_ping_replica_period,
        1,
        INT_MAX,
        false
    ),
    int!("repl-timeout", None, repl_timeout, 1, INT_MAX, false),
    boolean!("repl-diskless-sync", None, repl_diskless_sync),
    int!(
        "repl-diskless-sync-delay",
        None,
        repl_diskless_sync_delay,
        0,
        INT_MAX,
        false
    ),
    int!(
        "repl-diskless-sync-max-replicas",
        None,
        repl_diskless_sync_max_replicas,
        0,
        INT_MAX,
        false
    ),
    Param {
        name: "repl-diskless-load",
        alias: None,
        kind: Kind::DisklessLoad,
    },
    int!(
        "min-replicas-to-write",
        Some("min-slaves-to-write"),
        min_replicas_to_write,
        0,
        INT_MAX,
        false
    ),
    int!(
        "min-replicas-max-lag",
        Some("min-slaves-max-lag"),
        min_replicas_max_lag,
        0,
        INT_MAX,
        false
    ),
    boolean!(
        "replica-read-only",
        Some("slave-read-only"),
        replica_read_only
    ),
    boolean!(
        "replica-serve-stale-data",
        Some("slave-serve-stale-data"),
        replica_serve_stale_data
    ),
    int!(
        "replica-priority",
        Some("slave-priority"),
        replica_priority,
        0,
        INT_MAX,
        false
    ),
    Param {
        name: "client-output-buffer-limit",
        alias: None,
        kind: Kind::OutputLimits,
    },
];

const DISKLESS_LOAD: [&str; 3] = ["disabled", "on-empty-db", "swapdb"];

/// CONFIG subcommand ... (arity of each subcommand is checked by `process`)
pub fn config(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let sub = argv[1].as_slice();
    if is(sub, "get") {
        config_get(&ctx.server.config, &argv[2..])
    } else if is(sub, "set") {
        config_set(&mut ctx.server.config, &argv[2..])
    } else if is(sub, "resetstat") {
        ctx.server.stats = Default::default();
        reply::ok()
    } else if is(sub, "rewrite") {
        err("ERR The server is running without a config file")
    } else {
        help()
    }
}

fn help() -> Frame {
    super::reply::help(
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    )
}

fn find(name: &[u8]) -> Option<&'static Param> {
    PARAMS
        .iter()
        .find(|p| is(name, p.name) || p.alias.is_some_and(|a| is(name, a)))
}

fn is_glob(p: &[u8]) -> bool {
    p.iter().any(|c| matches!(c, b'*' | b'?' | b'['))
}

/// CONFIG GET pattern [pattern ...]
fn config_get(config: &Config, patterns: &[Vec<u8>]) -> Frame {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |name: String, value: String| {
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value));
        }
    };
    for pat in patterns {
        if !is_glob(pat) {
            if let Some(p) = find(pat) {
                push(
                    String::from_utf8_lossy(pat).into_owned(),
                    value_of(config, p),
                );
            }
            continue;
        }
        for p in PARAMS {
            for name in std::iter::once(p.name).chain(p.alias) {
                if glob::matches(pat, name.as_bytes(), true) {
                    push(name.to_string(), value_of(config, p));
                }
            }
        }
    }
    Frame::Array(
        out.into_iter()
            .flat_map(|(n, v)| [Frame::bulk(n), Frame::bulk(v)])
            .collect(),
    )
}

/// The text CONFIG GET shows for a setting.
fn value_of(c: &Config, p: &Param) -> String {
    match &p.kind {
        Kind::Bool(get, _) => yes_no(get(c)).to_string(),
        Kind::Int { get, .. } => get(c).to_string(),
        Kind::Port => c.port.to_string(),
        Kind::DisklessLoad => c.repl_diskless_load.clone(),
        Kind::OutputLimits => {
            let l = |o: &OutputBufferLimit| {
                format!("{} {} {}", o.hard_bytes, o.soft_bytes, o.soft_seconds)
            };
            format!(
                "normal {} slave {} pubsub {}",
                l(&c.normal_output_limit),
                l(&c.replica_output_limit),
                l(&c.pubsub_output_limit)
            )
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// CONFIG SET name value [name value ...], all or nothing.
fn config_set(config: &mut Config, args: &[Vec<u8>]) -> Frame {
    if args.len() % 2 == 1 {
        return err(super::reply::SYNTAX);
    }
    let mut chosen: Vec<&'static Param> = Vec::with_capacity(args.len() / 2);
    for pair in args.chunks_exact(2) {
        let Some(p) = find(&pair[0]) else {
            return Frame::Error(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                String::from_utf8_lossy(&pair[0])
            ));
        };
        if chosen.iter().any(|q| std::ptr::eq(*q, p)) {
            return set_failed(&pair[0], "duplicate parameter");
        }
        chosen.push(p);
    }
    let mut next = config.clone();
    for (pair, p) in args.chunks_exact(2).zip(chosen) {
        if let Err(e) = apply(&mut next, p, &pair[1]) {
            return set_failed(&pair[0], &e);
        }
    }
    *config = next;
    reply::ok()
}

fn set_failed(name: &[u8], why: &str) -> Frame {
    Frame::Error(format!(
        "ERR CONFIG SET failed (possibly related to argument '{}') - {why}",
        String::from_utf8_lossy(name)
    ))
}

/// Parses and stores one value.
fn apply(c: &mut Config, p: &Param, v: &[u8]) -> Result<(), String> {
    match &p.kind {
        Kind::Bool(_, set) => {
            *set(c) = parse_yes_no(v)?;
        }
        Kind::Int {
            set,
            min,
            max,
            memory,
            ..
        } => {
            let mut n = parse_number(v, *min, *max, *memory)?;
            if p.name == "repl-backlog-size" {
                n = n.max(MIN_BACKLOG_SIZE);
            }
            *set(c) = n;
        }
        Kind::Port => c.port = parse_number(v, 0, 65535, false)? as u16,
        Kind::DisklessLoad => {
            let Some(w) = DISKLESS_LOAD.iter().find(|w| is(v, w)) else {
                return Err(
                    "argument(s) must be one of the following: disabled, on-empty-db, swapdb"
                        .into(),
                );
            };
            c.repl_diskless_load = w.to_string();
        }
        Kind::OutputLimits => set_output_limits(c, v)?,
    }
    Ok(())
}

fn parse_yes_no(v: &[u8]) -> Result<bool, String> {
    if is(v, "yes") {
        Ok(true)
    } else if is(v, "no") {
        Ok(false)
    } else {
        Err("argument must be 'yes' or 'no'".into())
    }
}

/// An integer setting: plain (`string2ll`) or memory (`memtoull`, units).
fn parse_number(v: &[u8], min: u64, max: u64, memory: bool) -> Result<u64, String> {
    let n: i128 = if memory {
        i128::from(parse_memory(v).ok_or("argument must be a memory value")?)
    } else {
        i128::from(crate::num::parse_i64(v).ok_or("argument couldn't be parsed into an integer")?)
    };
    if n < i128::from(min) || n > i128::from(max) {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    Ok(n as u64)
}

/// `memtoull`: digits with an optional unit b, k, kb, m, mb, g, gb.
pub fn parse_memory(v: &[u8]) -> Option<u64> {
    let digits = v.iter().take_while(|c| c.is_ascii_digit()).count();
    let (num, unit) = v.split_at(digits);
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n: u64 = if num.is_empty() {
        0
    } else {
        std::str::from_utf8(num).ok()?.parse().ok()?
    };
    n.checked_mul(mul)
}

/// `client-output-buffer-limit <class> <hard> <soft> <seconds> ...`.
fn set_output_limits(c: &mut Config, v: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(v);
    let words = crate::cli::split_args(&text)
        .map_err(|_| "Wrong number of arguments in buffer limit configuration.")?;
    if words.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut next = c.clone();
    for w in words.chunks_exact(4) {
        let nums: Option<Vec<u64>> = w[1..].iter().map(|x| parse_memory(x)).collect();
        let slot = match w[0].to_ascii_lowercase().as_slice() {
            b"normal" => &mut next.normal_output_limit,
            b"slave" | b"replica" => &mut next.replica_output_limit,
            b"pubsub" => &mut next.pubsub_output_limit,
            _ => {
                return Err("Invalid client class specified in buffer limit configuration.".into())
            }
        };
        let Some([hard, soft, secs]) = nums.as_deref().and_then(|n| <[u64; 3]>::try_from(n).ok())
        else {
            return Err(
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.".into(),
            );
        };
        *slot = OutputBufferLimit {
            hard_bytes: hard,
            soft_bytes: soft,
            soft_seconds: secs,
        };
    }
    *c = next;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_memory;

    #[test]
    fn memory_units_follow_memtoull() {
        assert_eq!(parse_memory(b"1mb"), Some(1024 * 1024));
        assert_eq!(parse_memory(b"1M"), Some(1_000_000));
        assert_eq!(parse_memory(b"20000b"), Some(20000));
        assert_eq!(parse_memory(b"16384"), Some(16384));
        assert_eq!(parse_memory(b"-1"), None);
        assert_eq!(parse_memory(b"1x"), None);
    }
}
