//! node: to be written.
