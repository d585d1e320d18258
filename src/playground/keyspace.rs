//! The keyspace panel's data: a node's keys with short renderings of their
//! values, and a key-by-key diff of a replica against its master.
//!
//! Values are rendered the way redis-cli quotes them (`"hello"`, with
//! `\xHH` escapes), shortened for a table cell. Logically expired keys that
//! are not deleted yet are listed with a negative TTL, because that is what
//! is really in memory (a replica never deletes them itself: it waits for
//! its master's `DEL`).

use crate::cli::repr;
use crate::cmd::glob;
use crate::db::{Keyspace, Sds, Value};
use serde::Serialize;

/// Longest value rendering, in characters.
const VALUE_CHARS: usize = 80;

/// Longest key rendering, in characters.
const KEY_CHARS: usize = 120;

/// Elements shown of a container value.
const ELEMENTS: usize = 6;

/// Some rows of a longer list, and how long the whole list is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Listing<T> {
    /// The rows shown.
    pub rows: Vec<T>,
    /// How many there are in all.
    pub total: usize,
}

/// One key of a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct KeyRow {
    /// Database number.
    pub db: usize,
    /// The key, as redis-cli would quote it.
    pub key: String,
    /// TYPE's answer.
    pub kind: &'static str,
    /// A short rendering of the value.
    pub value: String,
    /// Milliseconds left to live (negative: expired, not deleted yet);
    /// `None` without a TTL.
    pub ttl_ms: Option<i64>,
}

/// The first `limit` keys matching the glob `pattern` (database order,
/// then insertion order), and how many keys there are in all.
pub fn rows(ks: &Keyspace, pattern: &str, now_unix_ms: i64, limit: usize) -> Listing<KeyRow> {
    let rows = ks
        .dbs
        .iter()
        .enumerate()
        .flat_map(|(db, d)| d.dict.iter().map(move |(k, v)| (db, d, k, v)))
        .filter(|(_, _, k, _)| glob::matches(pattern.as_bytes(), k.as_bytes(), false))
        .take(limit)
        .map(|(db, d, k, v)| KeyRow {
            db,
            key: shorten(repr(k.as_bytes()), KEY_CHARS),
            kind: v.type_name(),
            value: render_value(v),
            ttl_ms: d.expire_at(k.as_bytes()).map(|at| at - now_unix_ms),
        })
        .collect();
    Listing {
        rows,
        total: ks.key_count(),
    }
}

/// A value in a few words: `"bar"`, `["a", "b", … 10 elements]`.
pub fn render_value(v: &Value) -> String {
    let items: (Vec<String>, usize) = match v {
        Value::Str(s) => return shorten(repr(s.as_bytes()), VALUE_CHARS),
        Value::List(l) => (l.iter().take(ELEMENTS).map(q).collect(), l.len()),
        Value::Set(s) => (s.iter().take(ELEMENTS).map(q).collect(), s.len()),
        Value::Hash(h) => (
            h.iter()
                .take(ELEMENTS)
                .map(|(f, v)| format!("{}: {}", q(f), q(v)))
                .collect(),
            h.len(),
        ),
        Value::ZSet(z) => (
            z.iter()
                .take(ELEMENTS)
                .map(|(m, s)| format!("{} {s}", q(m)))
                .collect(),
            z.len(),
        ),
    };
    let (shown, len) = items;
    let more = if len > shown.len() {
        format!(", … {len} elements")
    } else {
        String::new()
    };
    shorten(format!("[{}{more}]", shown.join(", ")), VALUE_CHARS)
}

fn q(s: &Sds) -> String {
    repr(s.as_bytes())
}

/// Cuts `s` to `max` characters, marking the cut with `…`.
fn shorten(mut s: String, max: usize) -> String {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
        s.push('…');
    }
    s
}

/// How a replica's copy of a key differs from its master's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct DiffRow {
    /// Database number.
    pub db: usize,
    /// The key, quoted.
    pub key: String,
    /// `missing` (only the master has it), `stale` (the values differ) or
    /// `extra` (only the replica has it).
    pub status: &'static str,
    /// The master's value, if it has the key.
    pub master: Option<String>,
    /// The replica's value, if it has the key.
    pub replica: Option<String>,
}

/// The differences between a master's and a replica's keyspace: at most
/// `limit` rows, and the total count.
pub fn diff(master: &Keyspace, replica: &Keyspace, limit: usize) -> Listing<DiffRow> {
    let mut rows = Vec::new();
    let mut total = 0;
    let mut add = |row: DiffRow| {
        total += 1;
        if rows.len() < limit {
            rows.push(row);
        }
    };
    for (db, (m, r)) in master.dbs.iter().zip(&replica.dbs).enumerate() {
        for (k, mv) in &m.dict {
            let rv = r.dict.get(k.as_bytes());
            let status = match rv {
                None => "missing",
                Some(rv) if rv != mv => "stale",
                Some(_) => continue,
            };
            add(DiffRow {
                db,
                key: shorten(repr(k.as_bytes()), KEY_CHARS),
                status,
                master: Some(render_value(mv)),
                replica: rv.map(render_value),
            });
        }
        for (k, rv) in r
            .dict
            .iter()
            .filter(|(k, _)| !m.dict.contains_key(k.as_bytes()))
        {
            add(DiffRow {
                db,
                key: shorten(repr(k.as_bytes()), KEY_CHARS),
                status: "extra",
                master: None,
                replica: Some(render_value(rv)),
            });
        }
    }
    Listing { rows, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn ks(pairs: &[(&str, &str)]) -> Keyspace {
        let mut ks = Keyspace::new();
        for (k, v) in pairs {
            ks.dbs[0].insert(
                Sds::new(k.as_bytes()),
                Value::Str(Sds::new(v.as_bytes())),
                false,
            );
        }
        ks
    }

    #[test]
    fn rows_quote_keys_and_values_like_redis_cli() {
        let mut k = ks(&[("<img src=x>", "a b"), ("bin", "\x01\n")]);
        k.dbs[0].set_expire(b"bin", 1_500);
        let Listing { rows, total } = rows(&k, "*", 1_000, 10);
        assert_eq!(total, 2);
        assert_eq!(rows[0].key, "\"<img src=x>\"");
        assert_eq!(rows[0].value, "\"a b\"");
        assert_eq!(
            (rows[1].value.as_str(), rows[1].ttl_ms),
            ("\"\\x01\\n\"", Some(500))
        );
        let only = super::rows(&k, "<img*", 1_000, 10);
        assert_eq!((only.rows.len(), only.total), (1, 2));
    }

    #[test]
    fn containers_show_their_first_elements() {
        let list: VecDeque<Sds> = (0..8).map(|i| Sds::new(i.to_string().as_bytes())).collect();
        let shown = render_value(&Value::List(Box::new(list)));
        assert_eq!(
            shown,
            "[\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", … 8 elements]"
        );
        assert_eq!(shorten("abcdef".into(), 3), "abc…");
    }

    #[test]
    fn diff_finds_missing_stale_and_extra_keys() {
        let m = ks(&[("same", "1"), ("new", "2"), ("changed", "3")]);
        let r = ks(&[("same", "1"), ("changed", "old"), ("gone", "x")]);
        let Listing { rows, total } = diff(&m, &r, 10);
        let got: Vec<(&str, &str)> = rows.iter().map(|d| (d.key.as_str(), d.status)).collect();
        assert_eq!(
            got,
            vec![
                ("\"new\"", "missing"),
                ("\"changed\"", "stale"),
                ("\"gone\"", "extra")
            ]
        );
        assert_eq!(total, 3);
        assert_eq!(rows[1].replica.as_deref(), Some("\"old\""));
        assert_eq!(diff(&m, &r, 1).rows.len(), 1);
    }
}
