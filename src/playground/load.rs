//! The write load: N writes per second of *virtual* time on a node, the
//! page's "write load" control.
//!
//! A load is a pure function of its start time and rate: write number `k`
//! (counting from 1) happens at `start_ms + ceil(k * 1000 / per_s)`. So the
//! writes land at the same virtual times however the page slices time into
//! animation frames, and a replay (step back, an exported script) puts them
//! exactly where they were. Each write is `SET load:<k mod 100> <k>`: a
//! small, bounded set of keys whose values keep changing, which makes a
//! lagging replica's stale values visible in the keyspace diff.
//!
//! Real Redis has no such thing; it stands for a client application
//! writing at a steady pace (`redis-benchmark -t set` at a fixed rate).

use crate::sim::TimedCommand;
use serde::Serialize;

/// The highest rate the control accepts, writes per virtual second.
pub const MAX_PER_S: u32 = 10_000;

/// How many distinct keys a load writes to.
const KEYS: u64 = 100;

/// A steady stream of writes on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Load {
    /// The node whose console runs the writes.
    pub node: String,
    /// Writes per virtual second.
    pub per_s: u32,
    /// Virtual time the load was switched on.
    pub start_ms: u64,
    /// Number of the next write (the first is 1).
    pub next: u64,
}

impl Load {
    /// A load switched on at `now_ms`.
    pub fn new(node: &str, per_s: u32, now_ms: u64) -> Load {
        Load {
            node: node.to_string(),
            per_s,
            start_ms: now_ms,
            next: 1,
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

    /// Takes the next write, as a command timed relative to `now_ms`, and
    /// moves past it.
    fn take(&mut self, now_ms: u64) -> TimedCommand {
        let command = TimedCommand {
            after_ms: self.next_ms().saturating_sub(now_ms),
            node: self.node.clone(),
            argv: Load::argv(self.next),
        };
        self.next += 1;
        command
    }
}

/// True when `command` (as the trace shows a console command) is a load
/// write, `SET load:<n> <k>`.
pub fn is_load_write(command: &str) -> bool {
    let mut words = command.split(' ');
    let digits =
        |w: Option<&str>| w.is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
    words.next() == Some("SET")
        && digits(words.next().and_then(|k| k.strip_prefix("load:")))
        && digits(words.next())
        && words.next().is_none()
}

/// The writes of every load due in `(now_ms, now_ms + ms]`, in time order
/// (ties keep the loads' order, so the result is deterministic).
pub fn due(loads: &mut [Load], now_ms: u64, ms: u64) -> Vec<TimedCommand> {
    let end = now_ms.saturating_add(ms);
    let mut out = Vec::new();
    // Each load's writes come in time order already, so merging them is
    // taking the earliest next write until none is due; `min_by_key` picks
    // the first of equals, the tie order. (A merge rather than a sort: a
    // stable sort's code is several kilobytes of the page's wasm module.)
    while let Some(load) = loads
        .iter_mut()
        .filter(|l| l.next_ms() <= end)
        .min_by_key(|l| l.next_ms())
    {
        out.push(load.take(now_ms));
    }
    out
}

/// The earliest next write of any load.
pub fn next_ms(loads: &[Load]) -> Option<u64> {
    loads.iter().map(Load::next_ms).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_land_at_the_same_times_however_time_is_sliced() {
        let mut whole = vec![Load::new("A", 3, 100)];
        let all: Vec<u64> = due(&mut whole, 100, 2000)
            .iter()
            .map(|c| 100 + c.after_ms)
            .collect();
        assert_eq!(all, vec![434, 767, 1100, 1434, 1767, 2100]);
        let mut sliced = vec![Load::new("A", 3, 100)];
        let mut times = Vec::new();
        let mut now = 100;
        for ms in [16, 500, 1, 333, 1150] {
            times.extend(due(&mut sliced, now, ms).iter().map(|c| now + c.after_ms));
            now += ms;
        }
        assert_eq!(times, all);
    }

    #[test]
    fn two_loads_interleave_in_time_order() {
        let mut loads = vec![Load::new("A", 1, 0), Load::new("C", 2, 0)];
        let got: Vec<(u64, String, Vec<Vec<u8>>)> = due(&mut loads, 0, 1000)
            .into_iter()
            .map(|c| (c.after_ms, c.node, c.argv))
            .collect();
        let set = |k: &str, v: &str| {
            vec![
                b"SET".to_vec(),
                k.as_bytes().to_vec(),
                v.as_bytes().to_vec(),
            ]
        };
        assert_eq!(
            got,
            vec![
                (500, "C".to_string(), set("load:1", "1")),
                (1000, "A".to_string(), set("load:1", "1")),
                (1000, "C".to_string(), set("load:2", "2")),
            ]
        );
        assert_eq!(next_ms(&loads), Some(1500));
    }

    #[test]
    fn load_writes_are_recognised_by_their_shape() {
        assert!(is_load_write("SET load:7 107"));
        assert!(!is_load_write("SET load:7 107 EX 5"));
        assert!(!is_load_write("SET load:x 1"));
        assert!(!is_load_write("GET load:7"));
    }

    #[test]
    fn keys_wrap_after_a_hundred() {
        assert_eq!(Load::argv(101)[1], b"load:1".to_vec());
        assert_eq!(Load::argv(101)[2], b"101".to_vec());
    }
}
