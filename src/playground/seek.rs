//! Seeking to a moment of virtual time: the page's timeline scrubber.
//!
//! Going back is stepping back, action by action (the simulator restores a
//! checkpoint and replays the inputs since, see `sim::history`), until the
//! clock is at or before the moment asked for; the rest is a time advance,
//! a running write load's writes included (they are the node's timer). So
//! a seek lands on exactly the state that playing to that moment made,
//! down to the trace hash, and Back and Step work from there as anywhere.
//!
//! Going forward past the present is playing. A seek back past a console
//! command, a link change or any other action undoes it, like Back does;
//! [`Seek::undid_actions`] says so, and the page then forgets the later
//! part of its timeline, which a forward seek would no longer reproduce.

use super::Playground;
use serde::Serialize;

/// Where a seek landed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seek {
    /// The virtual time now (the moment asked for, unless the undo history
    /// does not reach that far back: then the earliest moment it reaches).
    pub time_ms: u64,
    /// True when going back undid an action other than a time advance.
    pub undid_actions: bool,
}

impl Playground {
    /// Moves the world to virtual time `to_ms` (see the module comment).
    pub fn seek(&mut self, to_ms: u64) -> Seek {
        let mut undid_actions = false;
        while self.sim.now_ms() > to_ms {
            let Some(mark) = self.marks.back() else {
                break;
            };
            undid_actions |= mark.advance_from.is_none();
            if !self.step_back() {
                break;
            }
        }
        let now = self.sim.now_ms();
        if to_ms > now {
            self.advance(to_ms - now);
        }
        Seek {
            time_ms: self.sim.now_ms(),
            undid_actions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn played() -> Playground {
        let mut pg = Playground::new(7);
        pg.run_script("node A\nnode B\nB> REPLICAOF A\n").unwrap();
        pg.set_load("A", 50).unwrap();
        for _ in 0..300 {
            pg.advance(16);
        }
        pg
    }

    #[test]
    fn seeking_back_lands_where_playing_did() {
        let mut a = played();
        let mut b = Playground::new(7);
        b.run_script("node A\nnode B\nB> REPLICAOF A\n").unwrap();
        b.set_load("A", 50).unwrap();
        b.advance(1234);
        let s = a.seek(1234);
        assert_eq!(
            s,
            Seek {
                time_ms: 1234,
                undid_actions: false
            }
        );
        assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
        let json = |pg: &Playground| serde_json::to_string(&pg.view()).unwrap();
        assert_eq!(json(&a), json(&b));
        // Forward again: the same as never having gone back.
        let c = played();
        a.seek(4800);
        assert_eq!(a.sim().trace_hash(), c.sim().trace_hash());
    }

    #[test]
    fn seeking_back_past_a_command_says_so() {
        let mut pg = played();
        pg.console("A", "SET k v").unwrap();
        pg.advance(500);
        let s = pg.seek(2000);
        assert!(s.undid_actions);
        assert_eq!(s.time_ms, 2000);
        assert_eq!(pg.console("A", "EXISTS k").unwrap().text, "(integer) 0");
    }

    #[test]
    fn seeking_before_the_undo_history_stops_at_its_start() {
        let mut pg = Playground::default_world(1);
        let start = pg.sim().now_ms();
        pg.advance(3000);
        let s = pg.seek(0);
        assert_eq!(s.time_ms, start);
        assert!(!s.undid_actions);
    }
}
