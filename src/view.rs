//! view: to be written.
