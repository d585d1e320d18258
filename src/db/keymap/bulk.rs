//! Loading many keys at once: append them all, then index them in the
//! order of their buckets.
//!
//! A replica loading a snapshot of a million keys through
//! [`KeyMap::insert_full`] pays one random probe into a table of several
//! megabytes per key, a cache miss almost every time; that was most of the
//! simulator's full-sync time. Here the entries are appended first
//! ([`KeyMap::push_unindexed`], a sequential write), then
//! [`KeyMap::index_pending`] hashes them (a sequential read), sorts the
//! (hash, position) pairs by the bucket each hash starts probing at (a
//! radix sort), and inserts them in that order, so the table is written
//! front to back. Equal keys have equal hashes and so land in the same
//! bucket group, where they are compared: a duplicate is reported, not
//! silently kept, as a duplicate key in an RDB file is an error in Redis.
//!
//! Real Redis needs none of this: its `dictAdd` is a chained hash table
//! that is resized incrementally. The result here is the same table
//! [`KeyMap::insert_full`] would have built, in the same iteration order.

use super::{hash, KeyMap};
use crate::db::Sds;

/// Bits of the bucket number sorted per radix pass (2,048 counters).
const RADIX_BITS: u32 = 11;

impl<V> KeyMap<V> {
    /// Appends an entry without indexing it. Until [`KeyMap::index_pending`]
    /// runs, lookups do not see it: only a loader that indexes before
    /// anyone reads may use this.
    pub fn push_unindexed(&mut self, key: Sds, value: V) {
        self.push_entry(key, value);
    }

    /// Indexes every entry appended by [`KeyMap::push_unindexed`]. On a
    /// duplicate key, returns the position of its second occurrence and
    /// leaves the map unusable for lookups (the caller discards it).
    pub fn index_pending(&mut self) -> Result<(), usize> {
        let first = self.table.len();
        let pending = self.entries.len() - first;
        if pending == 0 {
            return Ok(());
        }
        let entries = &self.entries;
        let rehash = |&j: &u32| entries.get(j as usize).map_or(0, |(k, _)| hash(k));
        self.table.reserve(pending, rehash);
        let bits = bucket_bits(self.table.capacity());
        let mut order: Vec<(u64, u32)> = entries[first..]
            .iter()
            .zip(first as u32..)
            .map(|((k, _), i)| (hash(k), i))
            .collect();
        radix_sort_by_bucket(&mut order, bits);
        let mask = (1u64 << bits) - 1;
        let mut group_start = 0;
        for (n, &(h, i)) in order.iter().enumerate() {
            if n > 0 && order[n - 1].0 & mask != h & mask {
                group_start = n;
            }
            let same_key = |&(g, j): &(u64, u32)| {
                g == h && entries[j as usize].0.as_bytes() == entries[i as usize].0.as_bytes()
            };
            if let Some(&(_, j)) = order[group_start..n].iter().find(|p| same_key(p)) {
                return Err((i.max(j)) as usize);
            }
            self.table.insert_unique(h, i, rehash);
        }
        Ok(())
    }
}

/// log2 of the number of buckets of a hashbrown table with this capacity
/// (hashbrown keeps 1/8 of a large table empty, and small tables have
/// `capacity + 1` buckets), so `hash & ((1 << bits) - 1)` is the bucket
/// where a hash starts probing.
fn bucket_bits(capacity: usize) -> u32 {
    let buckets = if capacity < 8 {
        capacity + 1
    } else {
        capacity / 7 * 8
    };
    buckets.next_power_of_two().trailing_zeros()
}

/// A stable least-significant-digit radix sort of `(hash, position)` pairs
/// by the low `bits` bits of the hash: O(n) per pass, two passes for tables
/// of up to four million buckets.
fn radix_sort_by_bucket(items: &mut Vec<(u64, u32)>, bits: u32) {
    let mut spare = vec![(0u64, 0u32); items.len()];
    let mut shift = 0;
    while shift < bits {
        let width = RADIX_BITS.min(bits - shift);
        let digit = |h: u64| ((h >> shift) & ((1 << width) - 1)) as usize;
        let mut starts = vec![0usize; 1 << width];
        for &(h, _) in items.iter() {
            starts[digit(h)] += 1;
        }
        let mut sum = 0;
        for s in starts.iter_mut() {
            let count = *s;
            *s = sum;
            sum += count;
        }
        for &item in items.iter() {
            let d = digit(item.0);
            spare[starts[d]] = item;
            starts[d] += 1;
        }
        std::mem::swap(items, &mut spare);
        shift += width;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u32) -> Sds {
        Sds::from(format!("key:{i}"))
    }

    #[test]
    fn bulk_index_finds_what_insert_finds_in_the_same_order() {
        let mut bulk = KeyMap::new();
        let mut one_by_one = KeyMap::new();
        bulk.insert(key(999_999), 0);
        one_by_one.insert(key(999_999), 0);
        bulk.reserve(5000);
        for i in 0..5000 {
            bulk.push_unindexed(key(i), i);
            one_by_one.insert(key(i), i);
        }
        assert_eq!(bulk.index_pending(), Ok(()));
        assert_eq!(bulk.len(), 5001);
        assert!((0..5000).all(|i| bulk.get(key(i).as_bytes()) == Some(&i)));
        assert_eq!(bulk.get(b"key:999999"), Some(&0));
        assert_eq!(bulk.get(b"key:5000"), None);
        let order = |m: &KeyMap<u32>| m.keys().map(|k| k.to_vec()).collect::<Vec<_>>();
        assert_eq!(order(&bulk), order(&one_by_one));
        // The table keeps working after the bulk load: growth rehashes it.
        for i in 5000..20_000 {
            assert_eq!(bulk.insert(key(i), i), None);
        }
        assert!((0..20_000).all(|i| bulk.get(key(i).as_bytes()) == Some(&i)));
    }

    #[test]
    fn a_duplicate_is_reported_at_its_second_position() {
        let mut m = KeyMap::new();
        for i in 0..100 {
            m.push_unindexed(key(i), i);
        }
        m.push_unindexed(key(42), 7);
        m.push_unindexed(key(100), 100);
        assert_eq!(m.index_pending(), Err(100));
    }

    #[test]
    fn bucket_bits_match_hashbrown_tables() {
        for n in [0usize, 1, 3, 7, 8, 100, 1000, 1 << 20] {
            let mut m: KeyMap<u32> = KeyMap::new();
            m.reserve(n);
            let bits = bucket_bits(m.table.capacity());
            assert!(m.table.capacity() < (1usize << bits).max(2), "{n}");
            assert!(m.table.capacity() >= n, "{n}");
        }
    }

    #[test]
    fn radix_sort_is_stable_and_ordered_by_the_low_bits() {
        let mut items: Vec<(u64, u32)> = (0..5000u32)
            .map(|i| (u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15), i))
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(h, _)| h & 0x3FFFF);
        radix_sort_by_bucket(&mut items, 18);
        assert_eq!(items, expected);
    }
}
