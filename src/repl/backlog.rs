//! The replication backlog: the last `repl-backlog-size` bytes of the
//! replication stream, addressed by replication offset.
//!
//! A master (and every replica, so it can serve PSYNC after a promotion)
//! keeps the most recent bytes it streamed. A reconnecting replica that asks
//! for offset `o` can continue (`+CONTINUE`) when `first_byte_offset <= o <=
//! first_byte_offset + histlen`, i.e. when every byte it lacks is still here.
//! [`Backlog::covers`] is that rule's one home: the PSYNC decision reads
//! it, and so does anything that shows whether a replica could continue.
//!
//! # Blocks, as in Redis 7.0
//!
//! Redis 7.0 keeps the stream in a list of blocks shared by the backlog and
//! the replicas' output buffers (`feedReplicationBuffer`), and trims the
//! backlog by whole blocks only (`incrementalTrimReplicationBacklog`), so
//! `repl_backlog_histlen` runs above `repl-backlog-size` by up to a block,
//! and a PSYNC a few kilobytes older than the configured size still
//! continues. The simulator keeps the same blocks, with the same sizes:
//!
//! - a block is allocated for at least [`BLOCK_MIN`] bytes (at most
//!   `repl-backlog-size / 16` above that), plus the 40-byte block header,
//!   and takes over jemalloc's rounding of that allocation: 16,384 bytes
//!   make a 20,440-byte block;
//! - bytes fill the last block before a new one is made; the first block
//!   goes while the backlog would still hold more than `repl-backlog-size`
//!   without it, never the last one. Redis tries that when it adds a
//!   block, on a new `repl-backlog-size`, and before every sleep of its
//!   event loop (`beforeSleep`), so in effect after everything it does:
//!   here after every feed and after every command (a CONFIG SET).
//!
//! Not modelled: a replica whose output still references the first block
//! keeps it from being trimmed (its bytes are on the simulated wire at
//! once, so none would for long).

use std::collections::VecDeque;

/// Where a replica's offset falls against the backlog ([`Backlog::covers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Every byte after the offset is held: `+CONTINUE` can serve it.
    Covered,
    /// The offset is older than the first byte held (lack of backlog).
    Before,
    /// The offset is past the last byte streamed.
    After,
}

impl Coverage {
    /// True for [`Coverage::Covered`].
    pub fn is_covered(self) -> bool {
        self == Coverage::Covered
    }
}

/// `PROTO_REPLY_CHUNK_BYTES`: the smallest allocation for a block.
pub const BLOCK_MIN: u64 = 16 * 1024;
/// `sizeof(replBufBlock)`: the header allocated with each block.
const BLOCK_HEADER: u64 = 40;

/// The recent stream bytes and the blocks they sit in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlog {
    bytes: VecDeque<u8>,
    /// Replication offset of the first byte held.
    first: i64,
    /// Capacity of each block, oldest first; every block but the last is
    /// full.
    blocks: VecDeque<u64>,
}

/// What jemalloc hands out for `n` bytes: the next of its four size
/// classes per doubling (the classes at and above 16 KiB; smaller
/// allocations do not happen here).
fn jemalloc_usable(n: u64) -> u64 {
    if n <= BLOCK_MIN {
        return n.next_power_of_two();
    }
    let step = (n - 1).next_power_of_two() / 8;
    n.div_ceil(step) * step
}

/// The capacity of a new block for `len` bytes still to store.
fn block_capacity(len: u64, limit: u64) -> u64 {
    let most = (limit / 16).max(BLOCK_MIN);
    let size = len.max(BLOCK_MIN).min(most);
    jemalloc_usable(size + BLOCK_HEADER) - BLOCK_HEADER
}

impl Backlog {
    /// An empty backlog after `master_repl_offset`: its first byte will be
    /// the next one streamed (`createReplicationBacklog`).
    pub fn new(master_repl_offset: i64) -> Backlog {
        Backlog {
            bytes: VecDeque::new(),
            first: master_repl_offset + 1,
            blocks: VecDeque::new(),
        }
    }

    /// `repl_backlog_first_byte_offset`.
    pub fn first_byte_offset(&self) -> i64 {
        self.first
    }

    /// `repl_backlog_histlen`: bytes held.
    pub fn histlen(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// Appends stream bytes (`feedReplicationBuffer`), then trims; returns
    /// the bytes trimmed.
    pub fn feed(&mut self, data: &[u8], limit: u64) -> u64 {
        let mut rest = data;
        while !rest.is_empty() {
            if self.room() == 0 {
                let capacity = block_capacity(rest.len() as u64, limit);
                self.blocks.push_back(capacity);
            }
            let (now, later) = rest.split_at(rest.len().min(self.room() as usize));
            self.bytes.extend(now);
            rest = later;
        }
        self.trim(limit)
    }

    /// Free bytes in the last block.
    fn room(&self) -> u64 {
        self.blocks.iter().sum::<u64>() - self.histlen()
    }

    /// `incrementalTrimReplicationBacklog`: drops whole blocks from the
    /// front while more than `limit` bytes would be left; returns the
    /// bytes trimmed.
    pub fn trim(&mut self, limit: u64) -> u64 {
        let mut trimmed = 0;
        while let Some(&first) = self.blocks.front() {
            let histlen = self.histlen();
            if histlen <= limit || self.blocks.len() <= 1 || histlen - first <= limit {
                break;
            }
            self.blocks.pop_front();
            self.bytes.drain(..first as usize);
            self.first += first as i64;
            trimmed += first;
        }
        trimmed
    }

    /// Whether a replica asking to continue from `offset` (the first byte
    /// it lacks) can be served: `first_byte_offset <= offset <=
    /// first_byte_offset + histlen` (`addReplyReplicationBacklog`'s test in
    /// `masterTryPartialResynchronization`).
    pub fn covers(&self, offset: i64) -> Coverage {
        if offset < self.first {
            Coverage::Before
        } else if offset > self.first + self.bytes.len() as i64 {
            Coverage::After
        } else {
            Coverage::Covered
        }
    }

    /// The bytes from `offset` to the end (empty when `offset` is not covered
    /// or is just past the end).
    pub fn from_offset(&self, offset: i64) -> Vec<u8> {
        if !self.covers(offset).is_covered() {
            return Vec::new();
        }
        let skip = (offset - self.first) as usize;
        self.bytes.range(skip..).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_the_bytes() {
        let mut b = Backlog::new(0);
        assert_eq!((b.first_byte_offset(), b.histlen()), (1, 0));
        assert_eq!(b.feed(b"0123456789", 100), 0);
        assert_eq!(b.covers(1), Coverage::Covered);
        assert_eq!(b.covers(11), Coverage::Covered);
        assert_eq!(b.covers(12), Coverage::After);
        assert_eq!(b.covers(0), Coverage::Before);
        assert_eq!(b.from_offset(8), b"789".to_vec());
        assert_eq!(b.from_offset(11), Vec::<u8>::new());
    }

    #[test]
    fn blocks_take_jemallocs_rounding() {
        assert_eq!(block_capacity(10, 16_384), 20_440);
        assert_eq!(block_capacity(100_000, 16_384), 20_440);
        // A 1 MB backlog allows blocks up to 64 KiB: 40,000 + 40 bytes
        // round up to 40,960.
        assert_eq!(block_capacity(40_000, 1 << 20), 40_920);
        assert_eq!(block_capacity(100_000, 1 << 20), 81_880);
    }

    #[test]
    fn trimming_goes_by_whole_blocks() {
        let mut b = Backlog::new(1000);
        // Two blocks of 20,440 (16,384 configured): 30,000 bytes trim
        // nothing, without the first block only 9,560 would be left.
        assert_eq!(b.feed(&[b'x'; 30_000], 16_384), 0);
        assert_eq!((b.first_byte_offset(), b.histlen()), (1001, 30_000));
        // 36,825 bytes still trim nothing (16,385 left without the first
        // block is just over the size: 16,384 left would not be).
        assert_eq!(b.feed(&[b'y'; 6_824], 16_384), 0);
        assert_eq!(b.feed(b"z", 16_384), 20_440);
        assert_eq!((b.first_byte_offset(), b.histlen()), (21_441, 16_385));
        assert_eq!(b.covers(21_440), Coverage::Before);
        assert_eq!(b.from_offset(37_825), b"z".to_vec());
    }

    #[test]
    fn a_smaller_size_trims_at_once() {
        let mut b = Backlog::new(0);
        for _ in 0..25 {
            b.feed(&[b'x'; 2_000], 1 << 20);
        }
        assert_eq!(b.trim(1 << 20), 0);
        // Blocks of 20,440, 20,440 and 9,120 bytes: only the first goes,
        // without the second too 9,120 < 16,384 would be left.
        assert_eq!(b.trim(16_384), 20_440);
        assert_eq!((b.first_byte_offset(), b.histlen()), (20_441, 29_560));
        assert_eq!(b.trim(16_384), 0);
    }
}
