//! Reading an RDB file into a new keyspace: the header and version check,
//! the opcode loop of `rdbLoadRio`, the AUX fields, and the checksum.
//!
//! Decoding builds a fresh [`Keyspace`] and returns it only when the whole
//! file, checksum included, is good; the caller swaps it in, so a failed
//! load never leaves a half-loaded keyspace behind.
//!
//! The same loop tells a [`Visit`] where each item of the file starts and
//! ends, so the RDB inspector (`super::inspect`) reads files exactly as a
//! load does; the plain load passes `()`, which compiles to nothing.

use super::decode_value::read_value;
use super::reader::Reader;
use super::*;
use crate::db::DB_COUNT;
use crate::resp::parse_int;

/// Decodes a complete RDB file.
///
/// Keys whose expiry has already passed are kept, as a replica keeps them;
/// a master loading a file should then call [`remove_expired`]. Trailing
/// bytes after the checksum are ignored, as Redis ignores them when it
/// loads a file. Unknown AUX fields are ignored, as the format requires.
pub fn decode(bytes: &[u8]) -> Result<(Keyspace, Aux), RdbError> {
    let (mut ks, aux) = decode_with(bytes, Index::Bulk, &mut ())?;
    if ks.dbs.iter_mut().all(|d| d.dict.index_pending().is_ok()) {
        return Ok((ks, aux));
    }
    // A duplicate key: decode again, indexing key by key, to report it at
    // its exact offset (an error path, so the second pass costs nothing
    // that matters).
    decode_with(bytes, Index::KeyByKey, &mut ())
}

/// Decodes a file key by key, telling `visit` where every item starts and
/// ends (the inspector's reading).
pub(super) fn decode_visiting(
    bytes: &[u8],
    visit: &mut impl Visit,
) -> Result<(Keyspace, Aux), RdbError> {
    decode_with(bytes, Index::KeyByKey, visit)
}

/// One item of an RDB file, as the load loop meets it.
pub(super) enum Item<'a> {
    /// `REDIS` and the four-digit version.
    Header { version: u32 },
    /// An AUX field (an integer-encoded or compressed string is read out
    /// of its bytes, hence owned).
    Aux {
        name: std::borrow::Cow<'a, [u8]>,
        value: std::borrow::Cow<'a, [u8]>,
    },
    /// SELECTDB.
    SelectDb { db: usize },
    /// RESIZEDB.
    ResizeDb { keys: u64, expires: u64 },
    /// The expiry of the next key, in Unix ms (either opcode).
    Expiry { at_ms: i64 },
    /// An LRU idle time or LFU frequency hint for the next key.
    Hint { opcode: u8 },
    /// A function library (skipped).
    Function,
    /// A key and its value: `value_at` is where the value starts.
    Key {
        db: usize,
        rdb_type: u8,
        key: &'a [u8],
        value_at: usize,
        expire_ms: Option<i64>,
        empty: bool,
    },
    /// The EOF opcode.
    Eof,
    /// The trailing CRC-64 (files of version 5 and later).
    Checksum { stored: u64, computed: u64 },
}

/// What wants to know where each item is: `(start, end, item)` with `end`
/// one past its last byte, in file order.
pub(super) trait Visit {
    fn item(&mut self, start: usize, end: usize, item: Item<'_>);
}

/// The plain load: no one is told anything.
impl Visit for () {
    #[inline(always)]
    fn item(&mut self, _: usize, _: usize, _: Item<'_>) {}
}

/// How [`read_key`] puts keys into their database.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Index {
    /// Append now, index the whole database at the end (see
    /// `KeyMap::index_pending`): the fast way to load millions of keys.
    Bulk,
    /// Insert each key as it is read, failing at the first duplicate.
    KeyByKey,
}

fn decode_with(
    bytes: &[u8],
    index: Index,
    visit: &mut impl Visit,
) -> Result<(Keyspace, Aux), RdbError> {
    let mut r = Reader::new(bytes);
    let version = read_header(&mut r)?;
    visit.item(0, r.pos(), Item::Header { version });
    let mut state = Loading {
        ks: Keyspace::new(),
        aux: Aux {
            redis_ver: String::new(),
            redis_bits: 0,
            ..Aux::default()
        },
        db: 0,
        expire: None,
    };
    loop {
        let at = r.pos();
        let opcode = r.u8("an opcode or value type")?;
        if !is_opcode(opcode) {
            let key = KeyAt {
                db: state.db,
                rdb_type: opcode,
                expire: state.expire.take(),
            };
            read_key(&mut r, &mut state.ks, key, index, visit)?;
            continue;
        }
        let item = read_opcode(&mut r, &mut state, opcode, at)?;
        visit.item(at, r.pos(), item);
        if opcode == OP_EOF {
            break;
        }
    }
    check_crc(&mut r, version, visit)?;
    Ok((state.ks, state.aux))
}

/// What the load loop carries from one item to the next.
struct Loading {
    ks: Keyspace,
    aux: Aux,
    /// The database SELECTDB last chose.
    db: usize,
    /// The expiry read for the next key.
    expire: Option<i64>,
}

/// Whether a byte in a value type's place is an opcode (0xF5 and up).
fn is_opcode(b: u8) -> bool {
    b >= OP_FUNCTION2
}

/// One opcode's item (`rdbLoadRio`'s `if (type == RDB_OPCODE_…)` chain).
fn read_opcode<'a>(
    r: &mut Reader<'a>,
    st: &mut Loading,
    opcode: u8,
    at: usize,
) -> Result<Item<'a>, RdbError> {
    Ok(match opcode {
        OP_EOF => Item::Eof,
        OP_SELECTDB => {
            st.db = read_select(r, at)?;
            Item::SelectDb { db: st.db }
        }
        OP_RESIZEDB => {
            let (keys, expires) = read_resize(r, &mut st.ks, st.db)?;
            Item::ResizeDb { keys, expires }
        }
        OP_EXPIRETIME_MS | OP_EXPIRETIME => {
            let at_ms = read_expiry(r, opcode)?;
            st.expire = Some(at_ms);
            Item::Expiry { at_ms }
        }
        OP_AUX => read_aux(r, &mut st.aux)?,
        OP_IDLE => {
            r.len("an LRU idle time")?;
            Item::Hint { opcode }
        }
        OP_FREQ => {
            r.u8("an LFU frequency")?;
            Item::Hint { opcode }
        }
        OP_FUNCTION2 => {
            r.string("a function library")?;
            Item::Function
        }
        OP_FUNCTION_PRE_GA => {
            skip_pre_ga_function(r)?;
            Item::Function
        }
        // OP_MODULE_AUX, the one opcode left.
        _ => {
            return Err(r.error_at(
                at,
                format!(
                    "module auxiliary data (opcode {OP_MODULE_AUX:#04X}) is not supported: \
                     replscope has no modules"
                ),
            ))
        }
    })
}

/// An expiry opcode's time, in Unix ms (the old opcode counts seconds).
fn read_expiry(r: &mut Reader, opcode: u8) -> Result<i64, RdbError> {
    if opcode == OP_EXPIRETIME_MS {
        return Ok(i64::from_le_bytes(r.array("an expiry time")?));
    }
    Ok(i64::from(i32::from_le_bytes(r.array("an expiry time")?)) * 1000)
}

/// The `REDIS` magic and the four-digit version; returns the version.
fn read_header(r: &mut Reader) -> Result<u32, RdbError> {
    let magic = r.take(9, "the REDIS signature and version")?;
    if &magic[..5] != b"REDIS" {
        return Err(r.error_at(
            0,
            "wrong signature: not an RDB file (it does not start with \"REDIS\")",
        ));
    }
    let digits = &magic[5..];
    let version = std::str::from_utf8(digits)
        .ok()
        .and_then(|s| s.parse::<u32>().ok());
    match version {
        Some(v) if (1..=RDB_VERSION).contains(&v) => Ok(v),
        Some(v) => Err(r.error_at(
            5,
            format!(
                "can't handle RDB format version {v} (Redis 7.0 reads versions 1 to {RDB_VERSION})"
            ),
        )),
        None => Err(r.error_at(
            5,
            format!("invalid RDB version {:?}", String::from_utf8_lossy(digits)),
        )),
    }
}

/// SELECTDB: the database index, which must exist.
fn read_select(r: &mut Reader, at: usize) -> Result<usize, RdbError> {
    let index = r.len("a database index")?;
    match usize::try_from(index) {
        Ok(i) if i < DB_COUNT => Ok(i),
        _ => Err(r.error_at(
            at,
            format!(
                "SELECTDB {index}: the file needs more than the {DB_COUNT} databases a server has"
            ),
        )),
    }
}

/// RESIZEDB: reserve room for the keys announced, but never more than the
/// rest of the file could hold (a key takes at least three bytes).
fn read_resize(r: &mut Reader, ks: &mut Keyspace, db: usize) -> Result<(u64, u64), RdbError> {
    let keys = r.len("the RESIZEDB key count")?;
    let expires = r.len("the RESIZEDB expires count")?;
    let cap = r.remaining() / 3;
    let clamp = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).min(cap);
    if let Some(d) = ks.dbs.get_mut(db) {
        d.dict.reserve(clamp(keys));
        d.expires.reserve(clamp(expires));
    }
    Ok((keys, expires))
}

/// One AUX field; the ones in [`Aux`] are kept, others skipped. Numbers are
/// read leniently, as Redis's `strtoll` does: text that is not a number is 0.
fn read_aux<'a>(r: &mut Reader<'a>, aux: &mut Aux) -> Result<Item<'a>, RdbError> {
    let name = r.string("an AUX field name")?;
    let value = r.string("an AUX field value")?;
    let int = || parse_int(&value).unwrap_or(0);
    let text = || String::from_utf8_lossy(&value).into_owned();
    match name.to_ascii_lowercase().as_slice() {
        b"redis-ver" => aux.redis_ver = text(),
        b"redis-bits" => aux.redis_bits = u32::try_from(int()).unwrap_or(0),
        b"ctime" => aux.ctime = int(),
        b"used-mem" => aux.used_mem = u64::try_from(int()).unwrap_or(0),
        b"repl-stream-db" => aux.repl_stream_db = int(),
        b"repl-id" => aux.repl_id = text(),
        b"repl-offset" => aux.repl_offset = int(),
        b"aof-base" => aux.aof_base = u8::from(int() != 0),
        _ => {}
    }
    Ok(Item::Aux { name, value })
}

/// Skips a function library in the 7.0 release-candidate format: name,
/// engine, optional description, code.
fn skip_pre_ga_function(r: &mut Reader) -> Result<(), RdbError> {
    r.string("a function library name")?;
    r.string("a function engine name")?;
    if r.len("a function description flag")? != 0 {
        r.string("a function description")?;
    }
    r.string("a function library")?;
    Ok(())
}

/// A key and its value, stored into database `db` with its expiry. Keys
/// whose value is empty are skipped, as Redis 7.0 skips them.
/// Where a key being read belongs: its database, type and expiry.
struct KeyAt {
    db: usize,
    rdb_type: u8,
    expire: Option<i64>,
}

fn read_key(
    r: &mut Reader,
    ks: &mut Keyspace,
    k: KeyAt,
    index: Index,
    visit: &mut impl Visit,
) -> Result<(), RdbError> {
    let KeyAt {
        db,
        rdb_type,
        expire,
    } = k;
    let at = r.pos() - 1;
    check_type(r, rdb_type, at)?;
    let key = r.sds("a key")?;
    let value_at = r.pos();
    let value = read_value(r, rdb_type)?;
    let item = Item::Key {
        db,
        rdb_type,
        key: key.as_bytes(),
        value_at,
        expire_ms: expire,
        empty: value.is_none(),
    };
    visit.item(at, r.pos(), item);
    let Some(value) = value else {
        return Ok(());
    };
    let Some(d) = ks.dbs.get_mut(db) else {
        return Err(r.error_at(at, format!("database {db} does not exist")));
    };
    if let Some(ms) = expire {
        d.expires.insert(key.clone(), ms);
    }
    if index == Index::Bulk {
        d.dict.push_unindexed(key, value);
        return Ok(());
    }
    let (position, old) = d.dict.insert_full(key, value);
    if old.is_some() {
        let name = d
            .dict
            .get_index(position)
            .map(|(k, _)| crate::cli::repr(k))
            .unwrap_or_default();
        return Err(r.error_at(at, format!("duplicate key {name} in db {db}")));
    }
    Ok(())
}

/// Rejects value types we cannot hold, before reading the key, so the
/// error points at the type byte.
fn check_type(r: &Reader, rdb_type: u8, at: usize) -> Result<(), RdbError> {
    let message = match rdb_type {
        TYPE_STRING..=TYPE_ZSET_2 | TYPE_LIST_ZIPLIST..=TYPE_LIST_QUICKLIST => return Ok(()),
        TYPE_HASH_LISTPACK..=TYPE_LIST_QUICKLIST_2 => return Ok(()),
        6 | 7 => {
            format!("module values (type {rdb_type}) are not supported: replscope has no modules")
        }
        9 => "zipmap hashes (type 9, Redis 2.4 and older) are not supported".to_string(),
        15 | 19 => {
            format!("stream values (type {rdb_type}) are not supported: replscope has no streams")
        }
        _ => format!("unknown value type {rdb_type}"),
    };
    Err(r.error_at(at, message))
}

/// The trailing checksum (files of version 5 and later): CRC-64 of
/// everything up to and including the EOF opcode; 0 means "not computed".
fn check_crc(r: &mut Reader, version: u32, visit: &mut impl Visit) -> Result<(), RdbError> {
    if version < 5 {
        return Ok(());
    }
    let body = r.consumed();
    let at = r.pos();
    let stored = u64::from_le_bytes(r.array("the checksum")?);
    let computed = crc64(body);
    visit.item(at, r.pos(), Item::Checksum { stored, computed });
    if stored != 0 && stored != computed {
        return Err(r.error_at(
            at,
            format!("checksum mismatch: the file says {stored:016x}, its content hashes to {computed:016x}"),
        ));
    }
    Ok(())
}
