//! scenario: to be written.
