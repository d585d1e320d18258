//! The five value types and their in-memory shapes.
//!
//! Real Redis switches encodings by size (listpack, intset, quicklist,
//! hashtable, skiplist); the simulator keeps one shape per type and only
//! reproduces the encodings where they are visible: in reply order (a small
//! hash answers HGETALL in insertion order, an all-integer set answers
//! SMEMBERS sorted) and in the RDB file, which `crate::rdb` writes and reads
//! in the encodings real Redis 7.0 uses.

use super::{FastHash, Map, Sds};
use indexmap::IndexSet;
use std::collections::{BTreeSet, VecDeque};

/// One value in the keyspace. Large variants are boxed so a plain string key
/// costs no more than it must.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string (Redis also stores integers this way).
    Str(Sds),
    /// A list, head first.
    List(Box<VecDeque<Sds>>),
    /// A hash, fields in insertion order.
    Hash(Box<Map<Sds, Sds>>),
    /// A set, members in insertion order.
    Set(Box<IndexSet<Sds, FastHash>>),
    /// A sorted set.
    ZSet(Box<ZSet>),
}

impl Value {
    /// The name TYPE answers with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// Heap bytes owned by this value beyond its own inline size (boxes,
    /// tables at capacity, long strings), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        const SDS: usize = std::mem::size_of::<Sds>();
        // Per-slot cost of an IndexMap/IndexSet beyond the entry itself:
        // the stored hash, the index and a control byte.
        const SLOT: usize = 8 + std::mem::size_of::<usize>() + 1;
        match self {
            Value::Str(s) => s.heap_bytes(),
            Value::List(l) => {
                std::mem::size_of::<VecDeque<Sds>>()
                    + l.capacity() * SDS
                    + l.iter().map(Sds::heap_bytes).sum::<usize>()
            }
            Value::Hash(h) => {
                std::mem::size_of::<Map<Sds, Sds>>()
                    + h.capacity() * (2 * SDS + SLOT)
                    + h.iter()
                        .map(|(k, v)| k.heap_bytes() + v.heap_bytes())
                        .sum::<usize>()
            }
            Value::Set(s) => {
                std::mem::size_of::<IndexSet<Sds, FastHash>>()
                    + s.capacity() * (SDS + SLOT)
                    + s.iter().map(Sds::heap_bytes).sum::<usize>()
            }
            Value::ZSet(z) => z.heap_bytes(),
        }
    }
}

/// A sorted set: members with scores, ordered by (score, member) as Redis's
/// skiplist orders them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZSet {
    scores: Map<Sds, f64>,
    ordered: BTreeSet<(Score, Sds)>,
}

/// A score with a total order (scores are never NaN: ZADD rejects NaN).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score(pub f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Score) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Score) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl ZSet {
    /// An empty sorted set.
    pub fn new() -> ZSet {
        ZSet::default()
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }

    /// Adds or updates `member`; returns true if it was new.
    pub fn insert(&mut self, member: Sds, score: f64) -> bool {
        // Redis stores -0.0 as 0 in its skiplist ordering; normalise so the
        // total order agrees with Redis's numeric comparison.
        let score = if score == 0.0 { 0.0 } else { score };
        match self.scores.insert(member.clone(), score) {
            Some(old) => {
                self.ordered.remove(&(Score(old), member.clone()));
                self.ordered.insert((Score(score), member));
                false
            }
            None => {
                self.ordered.insert((Score(score), member));
                true
            }
        }
    }

    /// Removes `member`; returns true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self.scores.swap_remove_entry(member) {
            Some((m, s)) => {
                self.ordered.remove(&(Score(s), m));
                true
            }
            None => false,
        }
    }

    /// Heap bytes: the member→score map and the ordered tree (a B-tree node
    /// holds up to 11 entries; about two thirds full on average).
    pub fn heap_bytes(&self) -> usize {
        const SDS: usize = std::mem::size_of::<Sds>();
        let members: usize = self.scores.keys().map(Sds::heap_bytes).sum();
        std::mem::size_of::<ZSet>()
            + self.scores.capacity() * (SDS + 8 + 17)
            + self.ordered.len() * (SDS + 8) * 3 / 2
            + 2 * members
    }

    /// Members with scores, lowest score first (ties by member bytes).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Sds, f64)> + ExactSizeIterator {
        self.ordered.iter().map(|(s, m)| (m, s.0))
    }
}
