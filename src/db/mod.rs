//! The keyspace: sixteen databases of keys, each holding one of Redis's five
//! data types, with per-key expiry in virtual milliseconds.
//!
//! Each [`Db`] keeps two maps, as Redis does: the main dictionary and the
//! `expires` dictionary of keys that have a TTL. Both are [`KeyMap`]s
//! (insertion-ordered, compact per key), so iteration order (KEYS, SCAN, the
//! RDB snapshot) is the order of insertion, changed only by deletions, and
//! therefore the same on every run with the same inputs; real Redis
//! iterates in hash-table order, which is random per process.
//!
//! Expiry here is *logical*: [`Db::is_expired`] answers against a time the
//! caller passes (the simulator's virtual clock). Deleting expired keys, and
//! propagating the `DEL`, is the command layer's job, because only a master
//! does it; a replica only hides expired keys from reads.

pub mod encoding;
mod keymap;
mod sds;
mod value;

pub use keymap::KeyMap;
pub use sds::{Sds, INLINE_CAP};
pub use value::{Value, ZSet};

use indexmap::IndexMap;
use std::hash::BuildHasherDefault;

/// Number of databases, Redis's default `databases 16`.
pub const DB_COUNT: usize = 16;

/// The hasher for every map in the keyspace: FxHash-style, fast and with no
/// random seed, so runs are reproducible and wasm needs no entropy source.
pub type FastHash = BuildHasherDefault<FxHasher>;

/// A map with deterministic (insertion) iteration order and a fast hasher.
pub type Map<K, V> = IndexMap<K, V, FastHash>;

/// One database: the main dictionary and the expires dictionary.
#[derive(Clone, Debug, Default)]
pub struct Db {
    /// Every key and its value.
    pub dict: KeyMap<Value>,
    /// Absolute expiry time (Unix ms) of the keys that have one.
    pub expires: KeyMap<i64>,
}

impl Db {
    /// Number of keys, including logically expired ones not yet deleted
    /// (like Redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.dict.len()
    }

    /// True when the database holds no keys.
    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// The expiry time of `key`, if it has one.
    pub fn expire_at(&self, key: &[u8]) -> Option<i64> {
        self.expires.get(key).copied()
    }

    /// True when `key` has a TTL that has passed at `now_ms`.
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        self.expires.get(key).is_some_and(|&t| t <= now_ms)
    }

    /// Stores `value` at `key`, keeping or clearing the TTL as asked.
    pub fn insert(&mut self, key: Sds, value: Value, keep_ttl: bool) {
        if !keep_ttl && !self.expires.is_empty() {
            self.expires.swap_remove(key.as_bytes());
        }
        self.dict.insert(key, value);
    }

    /// Removes `key` and its TTL; returns the old value.
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        if !self.expires.is_empty() {
            self.expires.swap_remove(key);
        }
        self.dict.swap_remove(key)
    }

    /// Sets the absolute expiry of an existing key; false if it is missing.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        match self.dict.get_key_value(key) {
            Some((k, _)) => {
                self.expires.insert(k.clone(), at_ms);
                true
            }
            None => false,
        }
    }

    /// Empties the database.
    pub fn clear(&mut self) {
        self.dict.clear();
        self.expires.clear();
    }

    /// Bytes this database occupies: both tables as allocated plus what
    /// every key and value owns on the heap. An estimate in the spirit of
    /// Redis's `used_memory`, for INFO.
    pub fn memory_bytes(&self) -> usize {
        let heap: usize = self
            .dict
            .iter()
            .map(|(k, v)| k.heap_bytes() + v.heap_bytes())
            .sum();
        let expire_keys: usize = self.expires.keys().map(Sds::heap_bytes).sum();
        self.dict.allocated_bytes() + self.expires.allocated_bytes() + heap + expire_keys
    }
}

/// All sixteen databases of one node.
#[derive(Clone, Debug)]
pub struct Keyspace {
    /// Database `i` is `dbs[i]`.
    pub dbs: Vec<Db>,
}

impl Default for Keyspace {
    fn default() -> Keyspace {
        Keyspace {
            dbs: (0..DB_COUNT).map(|_| Db::default()).collect(),
        }
    }
}

impl Keyspace {
    /// An empty keyspace.
    pub fn new() -> Keyspace {
        Keyspace::default()
    }

    /// Total keys across all databases.
    pub fn key_count(&self) -> usize {
        self.dbs.iter().map(Db::len).sum()
    }

    /// Bytes used by all databases (see [`Db::memory_bytes`]).
    pub fn memory_bytes(&self) -> usize {
        self.dbs.iter().map(Db::memory_bytes).sum()
    }

    /// Empties every database (FLUSHALL, or a replica about to load an RDB).
    pub fn clear(&mut self) {
        self.dbs.iter_mut().for_each(Db::clear);
    }
}

/// The Fx hash (from rustc): one multiply and rotate per word. Not
/// collision-resistant, which a simulator of a few million keys can afford.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The last multiply leaves the low bits (which hashbrown uses to pick
        // a bucket) depending only on the low bits of the last word, which
        // barely vary across keys like "key:1234567": a million of them took
        // 8 s to insert. A folded 128-bit multiply (as foldhash does) mixes
        // every bit into every bit: 1 s, in any key order.
        let m = u128::from(self.hash) * u128::from(FX_SEED);
        (m as u64) ^ ((m >> 64) as u64)
    }
}
