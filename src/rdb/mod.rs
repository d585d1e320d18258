//! rdb: to be written.
