//! The conformance harness: run one scenario on real redis-server 7.0.15
//! processes and on the simulator, and compare every reply.

pub mod compare;
pub mod proxy;
pub mod real;
