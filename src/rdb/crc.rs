//! The RDB trailer checksum: CRC-64/REDIS (Jones polynomial, reflected,
//! init 0, xorout 0), over every byte from the `REDIS` magic to the `0xFF`
//! end-of-file opcode inclusive.
//!
//! Real Redis computes it incrementally with its own slice-by-8 tables
//! (`crcspeed`); we hash the finished buffer once with the `crc` crate's
//! slice-by-16 table, which gives the same value and keeps pace with it.

use crc::{Crc, Table, CRC_64_REDIS};

/// The one shared CRC engine; its 32 KiB of tables are built at compile time.
static CRC64: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&CRC_64_REDIS);

/// CRC-64/REDIS of `bytes`.
pub fn crc64(bytes: &[u8]) -> u64 {
    CRC64.checksum(bytes)
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
