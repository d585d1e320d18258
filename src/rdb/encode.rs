//! Writing a keyspace as an RDB v10 file, in the encodings Redis 7.0.15
//! would choose (see the module docs of [`crate::rdb`]).
//!
//! This runs at BGSAVE time over possibly a million keys, so the encoder
//! writes straight into one output buffer and keeps its scratch buffers
//! (listpacks under construction, intset members, LZF state) across keys:
//! after warm-up, encoding a key allocates nothing.

use super::double::double_to_int;
use super::length::{encode_int, write_len, ENC_LZF};
use super::listpack::Writer;
use super::lzf::Compressor;
use super::*;
use crate::db::{encoding, Db, FastHash, Map, Sds, Value, ZSet};
use crate::num::fmt_i64;
use crate::num::write_g17;
use crate::resp::parse_int;
use indexmap::IndexSet;
use std::collections::VecDeque;

/// `list-max-listpack-size -2`: a quicklist node's listpack stays within 8 KiB.
const LIST_NODE_MAX_BYTES: usize = 8192;
/// quicklist's `SIZE_ESTIMATE_OVERHEAD`: what it assumes one more entry
/// adds to a listpack besides the element's bytes.
const LIST_ENTRY_OVERHEAD: usize = 8;
/// Elements this large get a node of their own (`packed_threshold`, 1 GiB).
const LIST_PLAIN_THRESHOLD: usize = 1 << 30;
/// Quicklist node container: one element stored as is.
const CONTAINER_PLAIN: u64 = 1;
/// Quicklist node container: a listpack.
const CONTAINER_PACKED: u64 = 2;
/// Encodes `ks` as a complete RDB file.
///
/// `now_ms` is the virtual time of the snapshot. It does not filter keys:
/// like Redis 7.0, the file keeps keys whose expiry has passed and leaves
/// dropping them to whoever loads it (see [`remove_expired`]). The time in
/// the file is `aux.ctime`.
pub fn encode(ks: &Keyspace, aux: &Aux, now_ms: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(estimated_size(ks));
    encode_into(&mut out, ks, aux, now_ms);
    out
}

/// Like [`encode`], appending to `out` (so a caller can reuse one buffer
/// across snapshots). The checksum covers only the appended file.
pub fn encode_into(out: &mut Vec<u8>, ks: &Keyspace, aux: &Aux, _now_ms: i64) {
    let start = out.len();
    let mut enc = Encoder {
        out,
        lzf: Compressor::new(),
        blob: Vec::new(),
        ints: Vec::new(),
        text: Vec::new(),
    };
    enc.out.extend_from_slice(b"REDIS0010");
    enc.aux(aux);
    for (index, db) in ks.dbs.iter().enumerate() {
        enc.db(index, db);
    }
    enc.out.push(OP_EOF);
    let crc = crc64(&enc.out[start..]);
    enc.out.extend_from_slice(&crc.to_le_bytes());
}

/// A first guess at the file size, so the buffer rarely regrows.
fn estimated_size(ks: &Keyspace) -> usize {
    256 + ks.key_count() * 32
}

/// The output buffer and the scratch state reused from key to key.
struct Encoder<'o> {
    out: &'o mut Vec<u8>,
    lzf: Compressor,
    /// Listpacks and intsets under construction.
    blob: Vec<u8>,
    /// A set's members as integers, for the intset check.
    ints: Vec<i64>,
    /// A score's text form.
    text: Vec<u8>,
}

/// `rdbSaveRawString`: an integer form for short canonical integers, LZF
/// for longer strings when it saves at least 4 bytes, else verbatim.
fn write_string(out: &mut Vec<u8>, lzf: &mut Compressor, s: &[u8]) {
    if s.len() <= 11 && matches!(s.first(), Some(b'-' | b'0'..=b'9')) {
        if let Some(v) = parse_int(s) {
            let mut buf = [0u8; 5];
            let n = encode_int(v, &mut buf);
            if n > 0 {
                out.extend_from_slice(&buf[..n]);
                return;
            }
        }
    }
    if s.len() > 20 {
        if let Some(packed) = lzf.compress(s, s.len() - 4) {
            out.push(0xC0 | ENC_LZF);
            write_len(out, packed.len() as u64);
            write_len(out, s.len() as u64);
            out.extend_from_slice(packed);
            return;
        }
    }
    write_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// True for a list, hash, set or sorted set with no elements: real Redis
/// never has one, so such keys are left out of the file.
fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::Str(_) => false,
        Value::List(l) => l.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
    }
}

impl Encoder<'_> {
    /// `rdbSaveInfoAuxFields`, in its order.
    fn aux(&mut self, aux: &Aux) {
        self.aux_field("redis-ver", aux.redis_ver.as_bytes());
        self.aux_int("redis-bits", i64::from(aux.redis_bits));
        self.aux_int("ctime", aux.ctime);
        self.aux_int("used-mem", i64::try_from(aux.used_mem).unwrap_or(i64::MAX));
        if !aux.repl_id.is_empty() {
            self.aux_int("repl-stream-db", aux.repl_stream_db);
            self.aux_field("repl-id", aux.repl_id.as_bytes());
            self.aux_int("repl-offset", aux.repl_offset);
        }
        self.aux_int("aof-base", i64::from(aux.aof_base));
    }

    /// One AUX field with a string value.
    fn aux_field(&mut self, name: &str, value: &[u8]) {
        self.out.push(OP_AUX);
        write_string(self.out, &mut self.lzf, name.as_bytes());
        write_string(self.out, &mut self.lzf, value);
    }

    /// One AUX field with an integer value, written as its decimal text
    /// (which the string rules then store as an INT form when it fits).
    fn aux_int(&mut self, name: &str, value: i64) {
        let mut buf = [0u8; 20];
        let text = fmt_i64(value, &mut buf);
        self.aux_field(name, text);
    }

    /// `rdbSaveDb`: SELECTDB, RESIZEDB and every key of one database.
    fn db(&mut self, index: usize, db: &Db) {
        let (empty, empty_expiring) = empty_containers(db);
        let keys = db.dict.len() - empty;
        if keys == 0 {
            return;
        }
        self.out.push(OP_SELECTDB);
        write_len(self.out, index as u64);
        self.out.push(OP_RESIZEDB);
        write_len(self.out, keys as u64);
        write_len(
            self.out,
            db.expires.len().saturating_sub(empty_expiring) as u64,
        );
        let has_expires = !db.expires.is_empty();
        for (key, value) in &db.dict {
            if empty > 0 && is_empty_container(value) {
                continue;
            }
            if has_expires {
                if let Some(&at) = db.expires.get(key.as_bytes()) {
                    self.out.push(OP_EXPIRETIME_MS);
                    self.out.extend_from_slice(&at.to_le_bytes());
                }
            }
            self.key_value(key, value);
        }
    }

    /// Type, key and value of one key (`rdbSaveKeyValuePair` after the expiry).
    fn key_value(&mut self, key: &Sds, value: &Value) {
        match value {
            Value::Str(s) => {
                self.type_and_key(TYPE_STRING, key);
                write_string(self.out, &mut self.lzf, s);
            }
            Value::List(items) => {
                self.type_and_key(TYPE_LIST_QUICKLIST_2, key);
                self.quicklist(items);
            }
            Value::Hash(hash) => self.hash(key, hash),
            Value::Set(set) => self.set(key, set),
            Value::ZSet(zset) => self.zset(key, zset),
        }
    }

    /// The type byte and the key.
    fn type_and_key(&mut self, rdb_type: u8, key: &Sds) {
        self.out.push(rdb_type);
        write_string(self.out, &mut self.lzf, key);
    }

    /// Writes the blob built in `self.blob` as a string.
    fn write_blob(&mut self) {
        write_string(self.out, &mut self.lzf, &self.blob);
    }

    /// A list as a quicklist: listpack nodes filled the way `RPUSH` fills
    /// them (`_quicklistNodeAllowInsert`: a node takes another element while
    /// its size + the element + 8 stays within 8 KiB).
    fn quicklist(&mut self, items: &VecDeque<Sds>) {
        self.blob.clear();
        // (start, end, container) of each node inside `self.blob`.
        let mut nodes: Vec<(usize, usize, u64)> = Vec::new();
        let mut open: Option<(usize, Writer)> = None;
        for item in items {
            let fits = open.as_ref().is_some_and(|(_, w)| {
                item.len() < LIST_PLAIN_THRESHOLD
                    && w.bytes(&self.blob) + item.len() + LIST_ENTRY_OVERHEAD <= LIST_NODE_MAX_BYTES
            });
            if !fits {
                if let Some((start, w)) = open.take() {
                    w.finish(&mut self.blob);
                    nodes.push((start, self.blob.len(), CONTAINER_PACKED));
                }
                if item.len() >= LIST_PLAIN_THRESHOLD {
                    let start = self.blob.len();
                    self.blob.extend_from_slice(item);
                    nodes.push((start, self.blob.len(), CONTAINER_PLAIN));
                    continue;
                }
                let start = self.blob.len();
                open = Some((start, Writer::begin(&mut self.blob)));
            }
            if let Some((_, w)) = open.as_mut() {
                w.append(&mut self.blob, item);
            }
        }
        if let Some((start, w)) = open {
            w.finish(&mut self.blob);
            nodes.push((start, self.blob.len(), CONTAINER_PACKED));
        }
        write_len(self.out, nodes.len() as u64);
        for (start, end, container) in nodes {
            write_len(self.out, container);
            write_string(self.out, &mut self.lzf, &self.blob[start..end]);
        }
    }

    /// A hash: one listpack of field, value, … when small, else type 4.
    fn hash(&mut self, key: &Sds, hash: &Map<Sds, Sds>) {
        if encoding::hash_is_listpack(hash) {
            self.type_and_key(TYPE_HASH_LISTPACK, key);
            self.blob.clear();
            let mut w = Writer::begin(&mut self.blob);
            for (field, value) in hash {
                w.append(&mut self.blob, field);
                w.append(&mut self.blob, value);
            }
            w.finish(&mut self.blob);
            self.write_blob();
        } else {
            self.type_and_key(TYPE_HASH, key);
            write_len(self.out, hash.len() as u64);
            for (field, value) in hash {
                write_string(self.out, &mut self.lzf, field);
                write_string(self.out, &mut self.lzf, value);
            }
        }
    }

    /// A set: an intset when every member is an integer and there are at
    /// most 512, else type 2.
    fn set(&mut self, key: &Sds, set: &IndexSet<Sds, FastHash>) {
        self.ints.clear();
        let all_ints = set.len() <= encoding::SET_MAX_INTSET_ENTRIES
            && set.iter().all(|m| match parse_int(m) {
                Some(v) => {
                    self.ints.push(v);
                    true
                }
                None => false,
            });
        if all_ints {
            self.type_and_key(TYPE_SET_INTSET, key);
            self.ints.sort_unstable();
            self.blob.clear();
            intset::write(&self.ints, &mut self.blob);
            self.write_blob();
        } else {
            self.type_and_key(TYPE_SET, key);
            write_len(self.out, set.len() as u64);
            for member in set {
                write_string(self.out, &mut self.lzf, member);
            }
        }
    }

    /// A sorted set: a listpack of member, score, … in score order when
    /// small, else type 5 from the highest score down, as 7.0 saves its
    /// skiplist (so loading inserts at the head).
    fn zset(&mut self, key: &Sds, zset: &ZSet) {
        if encoding::zset_is_listpack(zset) {
            self.type_and_key(TYPE_ZSET_LISTPACK, key);
            self.blob.clear();
            let mut w = Writer::begin(&mut self.blob);
            for (member, score) in zset.iter() {
                w.append(&mut self.blob, member);
                match double_to_int(score) {
                    Some(v) => w.append_int(&mut self.blob, v),
                    None => {
                        self.text.clear();
                        write_g17(score, &mut self.text);
                        w.append(&mut self.blob, &self.text);
                    }
                }
            }
            w.finish(&mut self.blob);
            self.write_blob();
        } else {
            self.type_and_key(TYPE_ZSET_2, key);
            write_len(self.out, zset.len() as u64);
            for (member, score) in zset.iter().rev() {
                write_string(self.out, &mut self.lzf, member);
                self.out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

/// How many keys of `db` are empty containers, and how many of those have
/// an expiry (both are left out of the file and of RESIZEDB).
fn empty_containers(db: &Db) -> (usize, usize) {
    let mut empty = 0;
    let mut expiring = 0;
    for (key, value) in &db.dict {
        if is_empty_container(value) {
            empty += 1;
            expiring += usize::from(db.expires.contains_key(key.as_bytes()));
        }
    }
    (empty, expiring)
}
