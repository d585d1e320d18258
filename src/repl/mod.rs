//! repl: to be written.
