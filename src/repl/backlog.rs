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
//! # Difference from Redis 7.0
//!
//! Redis 7.0 keeps the backlog as a list of 16 KiB blocks shared with the
//! replicas' output buffers and frees whole blocks only, so `histlen` may
//! exceed `repl-backlog-size` by up to a block (more while a slow replica
//! still references old blocks). The simulator trims **exactly** to the
//! configured size after every write, which makes the offset arithmetic easy
//! to follow on the page; a PSYNC that real Redis would still accept by a
//! few kilobytes' margin is refused here.

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

/// The ring of recent stream bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlog {
    bytes: VecDeque<u8>,
    /// Replication offset of the first byte held.
    first: i64,
}

impl Backlog {
    /// An empty backlog after `master_repl_offset`: its first byte will be
    /// the next one streamed (`createReplicationBacklog`).
    pub fn new(master_repl_offset: i64) -> Backlog {
        Backlog {
            bytes: VecDeque::new(),
            first: master_repl_offset + 1,
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

    /// Appends stream bytes, then trims to `limit`; returns the bytes trimmed.
    pub fn feed(&mut self, data: &[u8], limit: u64) -> u64 {
        self.bytes.extend(data);
        self.trim(limit)
    }

    /// Drops the oldest bytes beyond `limit`; returns how many.
    pub fn trim(&mut self, limit: u64) -> u64 {
        let excess = (self.bytes.len() as u64).saturating_sub(limit);
        if excess > 0 {
            self.bytes.drain(..excess as usize);
            self.first += excess as i64;
        }
        excess
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
    fn trimming_is_exact() {
        let mut b = Backlog::new(1000);
        assert_eq!(b.feed(b"abcdef", 4), 2);
        assert_eq!((b.first_byte_offset(), b.histlen()), (1003, 4));
        assert_eq!(b.from_offset(1003), b"cdef".to_vec());
        assert_eq!(b.covers(1002), Coverage::Before);
        assert_eq!(b.covers(1007), Coverage::Covered);
    }
}
