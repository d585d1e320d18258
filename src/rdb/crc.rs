//! The RDB trailer checksum: CRC-64/REDIS (Jones polynomial, reflected,
//! init 0, xorout 0), over every byte from the `REDIS` magic to the `0xFF`
//! end-of-file opcode inclusive.
//!
//! Real Redis computes it incrementally with its own slice-by-8 tables
//! (`crcspeed`); we hash the finished buffer once with the `crc` crate's
//! slice-by-16 table, which gives the same value and keeps pace with it.
//!
//! The table is built the first time a checksum is asked for, not at
//! compile time: its 32 KiB of random-looking numbers would otherwise sit
//! in the page's wasm module, where they do not compress (a sixth of the
//! whole download), and building them takes microseconds.

use crc::{Crc, Table, CRC_64_REDIS};
use std::sync::OnceLock;

/// The one shared CRC engine, built on first use.
static CRC64: OnceLock<Crc<u64, Table<16>>> = OnceLock::new();

/// CRC-64/REDIS of `bytes`.
pub fn crc64(bytes: &[u8]) -> u64 {
    CRC64
        .get_or_init(|| Crc::<u64, Table<16>>::new(&CRC_64_REDIS))
        .checksum(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_matches_the_catalogue() {
        assert_eq!(crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn empty_input_hashes_to_zero() {
        assert_eq!(crc64(b""), 0);
    }
}
