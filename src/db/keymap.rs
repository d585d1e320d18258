//! [`KeyMap`]: the table behind each database's keys (and their expiry
//! times) — an insertion-ordered map from [`Sds`] to a value, built to cost
//! as few bytes per key as possible.
//!
//! It has the shape of an `IndexMap` (a dense `Vec` of entries in insertion
//! order plus a hash table of indices into it) and the same method names,
//! but keeps less per key: `IndexMap` stores each entry's 8-byte hash and an
//! 8-byte index per slot, and grows its entry vector to match the index
//! table's capacity (up to 1.75× the keys). Here an entry is just
//! `(key, value)`, a slot is a `u32` index (plus hashbrown's control byte),
//! hashes are recomputed when the table grows, and the entry vector grows
//! by a quarter of its size at a time. A million `DEBUG POPULATE` keys take about
//! 60 bytes each, against about 88 in real Redis 7.0 (its `used_memory`).
//!
//! Iteration order is insertion order, changed only by removals: a
//! `swap_remove` moves the last entry into the hole (O(1)), a `shift_remove`
//! closes it up (O(n), for callers that need the order kept).

mod bulk;

use super::{FastHash, Sds};
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// An insertion-ordered map keyed by [`Sds`], compact per key. Positions
/// are stored as `u32`: one map holds at most 4,294,967,295 entries.
#[derive(Clone)]
pub struct KeyMap<V> {
    entries: Vec<(Sds, V)>,
    table: HashTable<u32>,
}

fn hash(key: &[u8]) -> u64 {
    FastHash::default().hash_one(key)
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            entries: Vec::new(),
            table: HashTable::new(),
        }
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for KeyMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> KeyMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries the map can hold before its entry vector grows.
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// Bytes allocated: the entry vector and the index table.
    pub fn allocated_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(Sds, V)>() + self.table.allocation_size()
    }

    fn index_of(&self, key: &[u8]) -> Option<usize> {
        self.find_hashed(hash(key), key)
    }

    /// The value at `key`.
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.index_of(key)
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The value at `key`, mutably.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        let i = self.index_of(key)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// The stored key and its value.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&Sds, &V)> {
        self.index_of(key)
            .and_then(|i| self.entries.get(i))
            .map(|(k, v)| (k, v))
    }

    /// The entry at position `i` in iteration order.
    pub fn get_index(&self, i: usize) -> Option<(&Sds, &V)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    /// Position of `key` in iteration order.
    pub fn get_index_of(&self, key: &[u8]) -> Option<usize> {
        self.index_of(key)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.index_of(key).is_some()
    }

    /// Inserts or replaces; a replaced value keeps its position (and the
    /// old key object). Returns the old value.
    pub fn insert(&mut self, key: Sds, value: V) -> Option<V> {
        self.insert_full(key, value).1
    }

    /// Like [`KeyMap::insert`], also returning the entry's position.
    pub fn insert_full(&mut self, key: Sds, value: V) -> (usize, Option<V>) {
        match self.slot_for(&key) {
            Ok(i) => {
                let old = self
                    .entries
                    .get_mut(i)
                    .map(|slot| std::mem::replace(&mut slot.1, value));
                (i, old)
            }
            Err(i) => {
                self.push_entry(key, value);
                (i, None)
            }
        }
    }

    /// Inserts only if `key` is absent; returns whether it was inserted.
    /// DEBUG POPULATE's inner loop.
    pub fn insert_new(&mut self, key: Sds, value: V) -> bool {
        match self.slot_for(&key) {
            Ok(_) => false,
            Err(_) => {
                self.push_entry(key, value);
                true
            }
        }
    }

    /// One probe of the table for `key`: `Ok(position)` when present;
    /// otherwise claims a slot for position `len()` and returns `Err(len())`,
    /// and the caller must push the entry. Loading a snapshot inserts
    /// millions of keys, each costing a few cache misses per probe, so a
    /// lookup followed by a separate insert would nearly double the time.
    fn slot_for(&mut self, key: &[u8]) -> Result<usize, usize> {
        let i = self.entries.len();
        let entries = &self.entries;
        let found = self.table.entry(
            hash(key),
            |&j| {
                entries
                    .get(j as usize)
                    .is_some_and(|(k, _)| k.as_bytes() == key)
            },
            |&j| entries.get(j as usize).map_or(0, |(k, _)| hash(k)),
        );
        match found {
            hashbrown::hash_table::Entry::Occupied(e) => Ok(*e.get() as usize),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(i as u32);
                Err(i)
            }
        }
    }

    /// Appends an entry whose slot [`KeyMap::slot_for`] claimed. The vector
    /// grows by a quarter (not double) to keep the slack per key small; a
    /// large vector grows in place (mremap), so this is cheap.
    fn push_entry(&mut self, key: Sds, value: V) {
        let i = self.entries.len();
        if i == self.entries.capacity() {
            self.entries.reserve_exact((i / 4).max(8));
        }
        self.entries.push((key, value));
    }

    fn find_hashed(&self, h: u64, key: &[u8]) -> Option<usize> {
        let entries = &self.entries;
        self.table
            .find(h, |&i| {
                entries
                    .get(i as usize)
                    .is_some_and(|(k, _)| k.as_bytes() == key)
            })
            .map(|&i| i as usize)
    }

    /// Removes `key`, moving the last entry into its place.
    pub fn swap_remove(&mut self, key: &[u8]) -> Option<V> {
        self.swap_remove_entry(key).map(|(_, v)| v)
    }

    /// Finds `key`'s slot in the hash table and removes it, returning the
    /// entry index it held; the entry itself is still in `entries`.
    fn take_slot(&mut self, key: &[u8]) -> Option<u32> {
        let entries = &self.entries;
        let found = self
            .table
            .find_entry(hash(key), |&i| {
                entries
                    .get(i as usize)
                    .is_some_and(|(k, _)| k.as_bytes() == key)
            })
            .ok()?;
        Some(found.remove().0)
    }

    /// Removes `key` and returns it with its value, moving the last entry
    /// into its place.
    pub fn swap_remove_entry(&mut self, key: &[u8]) -> Option<(Sds, V)> {
        let i = self.take_slot(key)? as usize;
        let last = self.entries.len().checked_sub(1)?;
        if i != last {
            // The last entry moves to `i`: repoint its slot.
            let moved_hash = self.entries.get(last).map_or(0, |(k, _)| hash(k));
            if let Some(slot) = self.table.find_mut(moved_hash, |&j| j as usize == last) {
                *slot = i as u32;
            }
        }
        Some(self.entries.swap_remove(i))
    }

    /// Removes `key`, shifting later entries down to keep the order (O(n)).
    pub fn shift_remove(&mut self, key: &[u8]) -> Option<V> {
        let i = self.take_slot(key)?;
        for slot in self.table.iter_mut() {
            if *slot > i {
                *slot -= 1;
            }
        }
        Some(self.entries.remove(i as usize).1)
    }

    /// Keeps only the entries for which `keep` is true, in order (O(n)).
    pub fn retain(&mut self, mut keep: impl FnMut(&Sds, &mut V) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.entries.len() != before {
            self.rebuild_table();
        }
    }

    fn rebuild_table(&mut self) {
        self.table.clear();
        let entries = &self.entries;
        for (i, (k, _)) in entries.iter().enumerate() {
            self.table.insert_unique(hash(k), i as u32, |&j| {
                entries.get(j as usize).map_or(0, |(k, _)| hash(k))
            });
        }
    }

    /// Makes room for `additional` more entries.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve_exact(additional);
        let entries = &self.entries;
        self.table.reserve(additional, |&j| {
            entries.get(j as usize).map_or(0, |(k, _)| hash(k))
        });
    }

    /// Releases unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        let entries = &self.entries;
        self.table
            .shrink_to_fit(|&j| entries.get(j as usize).map_or(0, |(k, _)| hash(k)));
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.table.clear();
    }

    /// Entries in order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter(self.entries.iter())
    }

    /// Entries in order, values mutable.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&Sds, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Sds> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// Iterator over `(&key, &value)` in order.
pub struct Iter<'a, V>(std::slice::Iter<'a, (Sds, V)>);

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Sds, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<V> DoubleEndedIterator for Iter<'_, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<'a, V> IntoIterator for &'a KeyMap<V> {
    type Item = (&'a Sds, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

/// `map[key]`, for tests: panics when the key is missing, like `IndexMap`.
impl<V> std::ops::Index<&[u8]> for KeyMap<V> {
    type Output = V;

    fn index(&self, key: &[u8]) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("KeyMap: no key {}", crate::cli::repr(key)),
        }
    }
}

impl<V> FromIterator<(Sds, V)> for KeyMap<V> {
    fn from_iter<I: IntoIterator<Item = (Sds, V)>>(iter: I) -> Self {
        let mut m = KeyMap::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(m: &KeyMap<i32>) -> Vec<String> {
        m.keys()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect()
    }

    #[test]
    fn an_entry_is_just_key_and_value() {
        // 24-byte Sds + 24-byte Value: no stored hash, no padding.
        assert_eq!(std::mem::size_of::<(Sds, crate::db::Value)>(), 48);
        let mut m = KeyMap::new();
        m.reserve(1000);
        for i in 0..1000 {
            assert!(m.insert_new(Sds::from(format!("key:{i}")), i));
        }
        assert!(!m.insert_new(Sds::from("key:1"), 0));
        assert_eq!(m.get(b"key:1"), Some(&1));
        assert_eq!(m.capacity(), 1000);
    }

    #[test]
    fn keeps_insertion_order_and_finds_everything() {
        let mut m = KeyMap::new();
        for i in 0..1000 {
            assert_eq!(m.insert(Sds::from(format!("key:{i}")), i), None);
        }
        assert_eq!(m.insert(Sds::from("key:5"), -5), Some(5));
        assert_eq!(m.len(), 1000);
        assert_eq!(
            m.get_index(5).map(|(k, v)| (k.to_vec(), *v)),
            Some((b"key:5".to_vec(), -5))
        );
        assert!((0..1000).all(|i| m.contains_key(format!("key:{i}").as_bytes())));
        assert_eq!(m.get(b"nokey"), None);
        assert_eq!(m[&b"key:7"[..]], 7);
    }

    #[test]
    fn removals_keep_every_index_right() {
        let mut m: KeyMap<i32> = ["a", "b", "c", "d", "e"]
            .iter()
            .zip(0..)
            .map(|(k, v)| (Sds::from(*k), v))
            .collect();
        assert_eq!(m.swap_remove(b"b"), Some(1));
        assert_eq!(keys(&m), ["a", "e", "c", "d"]);
        assert_eq!(m.get(b"e"), Some(&4));
        assert_eq!(m.shift_remove(b"a"), Some(0));
        assert_eq!(keys(&m), ["e", "c", "d"]);
        assert_eq!(
            (m.get(b"e"), m.get(b"c"), m.get(b"d")),
            (Some(&4), Some(&2), Some(&3))
        );
        assert_eq!(m.swap_remove(b"d"), Some(3));
        assert_eq!(m.swap_remove(b"zz"), None);
        m.retain(|k, _| k.as_bytes() != b"e");
        assert_eq!(keys(&m), ["c"]);
        assert_eq!(m.get_index_of(b"c"), Some(0));
        m.insert(Sds::from("f"), 9);
        assert_eq!(m.insert_full(Sds::from("f"), 10), (1, Some(9)));
        m.clear();
        assert!(m.is_empty() && m.get(b"c").is_none());
    }
}
