//! The implementer's transcript: the bytes of replication connections as
//! real Redis 7.0 sends them, for people who write their own server and
//! want to check theirs against it.
//!
//! - [`connection`]: a node's replication connections, every byte both
//!   ways in arrival order (`replscope transcript`).
//! - [`compare`]: someone's bytes against 7.0's, the first byte that
//!   differs, what 7.0 sends there and, for the well-known differences,
//!   why.
//! - [`paste`]: reading those bytes from a paste (hex dump or escaped text).

pub mod compare;
pub mod connection;
pub mod paste;

#[cfg(test)]
mod tests;
