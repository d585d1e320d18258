//! What the two seeded schedule generators share: the soak's (random fault
//! schedules run on the simulator alone, `tests/soak.rs`) and the
//! differential tester's (random scripts run on real redis-server and on
//! the simulator, `tests/differential.rs`).
//!
//! - [`Choices`]: the schedule's own randomness, a SplitMix64 stream seeded
//!   with the seed, so a seed always makes the same schedule (the
//!   simulator's randomness is separate: `Sim::new(seed)`).
//! - [`Topology`]: whose replica each node is, as the schedule believes,
//!   and the rule that keeps it a forest: a node is never pointed at itself
//!   or at one of its own sub-replicas, since a replication loop never
//!   settles in real Redis either.

#![allow(dead_code)]

/// SplitMix64: the schedule's choices (not the simulator's RNG).
pub struct Choices(pub u64);

impl Choices {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// One of `items`, or `None` when there are none.
    pub fn pick_index(&mut self, items: &[usize]) -> Option<usize> {
        (!items.is_empty()).then(|| items[self.below(items.len() as u64) as usize])
    }
}

/// A replication forest over nodes `0..n`.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    /// `master[i]`: the index of node i's master, if it is a replica.
    pub master: Vec<Option<usize>>,
}

impl Topology {
    /// `n` masters, no replicas.
    pub fn new(n: usize) -> Topology {
        Topology {
            master: vec![None; n],
        }
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.master.len()
    }

    /// True when `other` replicates, directly or through others, from `node`
    /// (a cycle, which this type never makes, counts as below).
    pub fn is_below(&self, other: usize, node: usize) -> bool {
        let mut at = self.master[other];
        let mut hops = 0;
        while let Some(m) = at {
            if m == node || hops > self.len() {
                return true;
            }
            at = self.master[m];
            hops += 1;
        }
        false
    }

    /// The nodes `node` may be pointed at without making a loop.
    pub fn allowed_masters(&self, node: usize) -> Vec<usize> {
        (0..self.len())
            .filter(|&m| m != node && !self.is_below(m, node))
            .collect()
    }

    /// Points `node` at `master` (`None`: promotes it). False, and no
    /// change, when that would make a loop.
    pub fn set_master(&mut self, node: usize, master: Option<usize>) -> bool {
        if let Some(m) = master {
            if m == node || self.is_below(m, node) {
                return false;
            }
        }
        self.master[node] = master;
        true
    }

    /// The nodes that are masters (replicate from no one).
    pub fn masters(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.master[i].is_none())
            .collect()
    }

    /// The nodes that are replicas.
    pub fn replicas(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.master[i].is_some())
            .collect()
    }
}
