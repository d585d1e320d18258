//! The write load: N writes per second of *virtual* time on a node, the
//! page's "write load" control and a script's `load A 200`.
//!
//! A load is the node's own timer, inside the world: setting it is one
//! input ([`crate::sim::Input::Load`]), and the writes need no input each.
//! So stepping, stepping back and share links work with a load running
//! exactly as without one: the log stays short (a share link carries one
//! line, not every write) and a replay puts every write where it was.
//!
//! A load is a pure function of its start time and rate: write number `k`
//! (counting from 1) happens at `start_ms + ceil(k * 1000 / per_s)`. Each
//! write is `SET load:<k mod 100> <k>`: a small, bounded set of keys whose
//! values keep changing, which makes a lagging replica's stale values
//! visible in the keyspace diff. The trace records each as a
//! [`Kind::LoadWrite`], so the page tells them from typed commands by
//! their kind, never by their text.
//!
//! Real Redis has no such thing; it stands for a client application
//! writing at a steady pace (`redis-benchmark -t set` at a fixed rate).
//! Its writes count as the console's for WAIT, as a client on the same
//! connection would.

use crate::repl::node::{Cx, Node, Timer};
use crate::server::Client;
use crate::sim::trace::{Kind, Phase};
use serde::Serialize;

/// The highest rate the control accepts, writes per virtual second.
pub const MAX_PER_S: u32 = 10_000;

/// How many distinct keys a load writes to.
const KEYS: u64 = 100;

/// A steady stream of writes on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Load {
    /// The node that writes.
    pub node: String,
    /// Writes per virtual second.
    pub per_s: u32,
    /// Virtual time the load was switched on.
    pub start_ms: u64,
    /// Number of the next write (the first is 1).
    pub next: u64,
    /// The generation of its timer (a new load invalidates the old one's).
    #[serde(skip)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(skip))]
    pub gen: u64,
}

impl Load {
    /// A load switched on at `now_ms`.
    pub fn new(node: &str, per_s: u32, now_ms: u64, gen: u64) -> Load {
        Load {
            node: node.to_string(),
            per_s,
            start_ms: now_ms,
            next: 1,
            gen,
        }
    }

    /// When write number `k` happens.
    pub fn time_of(&self, k: u64) -> u64 {
        let per_s = u64::from(self.per_s.max(1));
        self.start_ms
            .saturating_add(k.saturating_mul(1000).div_ceil(per_s))
    }

    /// When the next write happens.
    pub fn next_ms(&self) -> u64 {
        self.time_of(self.next)
    }

    /// The command of write number `k`.
    pub fn argv(k: u64) -> Vec<Vec<u8>> {
        vec![
            b"SET".to_vec(),
            format!("load:{}", k % KEYS).into_bytes(),
            k.to_string().into_bytes(),
        ]
    }
}

impl crate::repl::Sim {
    /// The write loads running, in node order.
    pub fn loads(&self) -> Vec<Load> {
        let nodes = self.world().nodes.values();
        nodes.filter_map(|n| n.load.clone()).collect()
    }
}

impl Node {
    /// Starts a load of `per_s` writes a virtual second from now, replacing
    /// any load running (0 stops it).
    pub fn set_load(&mut self, per_s: u32, cx: &mut Cx) {
        self.load = None;
        if per_s == 0 {
            return;
        }
        let gen = self.next_gen();
        let load = Load::new(&self.name, per_s, cx.now_ms, gen);
        cx.timer(load.next_ms(), Timer::LoadWrite { gen: load.gen });
        self.load = Some(load);
    }

    /// The load's timer: the next write, then the timer for the one after.
    pub fn load_write(&mut self, gen: u64, cx: &mut Cx) {
        let Some(load) = self.load.as_mut().filter(|l| l.gen == gen) else {
            return;
        };
        let argv = Load::argv(load.next);
        load.next += 1;
        cx.timer(load.next_ms(), Timer::LoadWrite { gen });
        let command = crate::repl::describe(&argv);
        let gate = self.gate();
        // Each write is a client of its own: a MULTI open on the console
        // does not swallow it.
        let mut client = Client::normal();
        let outcome = self.server.process(&mut client, argv, cx.unix_ms(), &gate);
        let reply = self.finish_command(None, &mut client, outcome, cx);
        let reply = reply.map_or_else(String::new, |r| crate::cli::render(&r, false));
        cx.trace(None, Phase::None, Kind::LoadWrite { command, reply });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_land_at_exact_virtual_times() {
        let load = Load::new("A", 3, 100, 1);
        let times: Vec<u64> = (1..=6).map(|k| load.time_of(k)).collect();
        assert_eq!(times, vec![434, 767, 1100, 1434, 1767, 2100]);
    }

    #[test]
    fn keys_wrap_after_a_hundred() {
        assert_eq!(Load::argv(101)[1], b"load:1".to_vec());
        assert_eq!(Load::argv(101)[2], b"101".to_vec());
    }
}
