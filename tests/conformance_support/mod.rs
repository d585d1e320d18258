//! The conformance harness: run one scenario on real redis-server 7.0.15
//! processes and on the simulator, and compare every reply. Shared by the
//! conformance suite and the differential tester, each of which uses only
//! part of it.

#![allow(dead_code)]

pub mod compare;
pub mod proxy;
pub mod real;
