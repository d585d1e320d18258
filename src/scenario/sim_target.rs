//! The simulator as a script [`Target`]: each script step is one `Sim`
//! call, so running a script records exactly the input log the page would
//! record for the same clicks (and exporting it prints the script back).

use super::{LinkChange, Target};
use crate::resp::Frame;
use crate::sim::Sim;

impl Target for Sim {
    fn add_node(&mut self, name: &str) -> Result<(), String> {
        Sim::add_node(self, name).map_err(|e| e.to_string())
    }

    fn remove_node(&mut self, name: &str) -> Result<(), String> {
        Sim::remove_node(self, name).map_err(|e| e.to_string())
    }

    fn command(&mut self, node: &str, argv: &[Vec<u8>]) -> Result<Frame, String> {
        Sim::command(self, node, argv.to_vec()).map_err(|e| e.to_string())
    }

    fn link(&mut self, a: &str, b: &str, change: LinkChange) -> Result<(), String> {
        let done = match change {
            LinkChange::Down => self.link_down(a, b),
            LinkChange::DownOneWay => self.link_down_one_way(a, b),
            LinkChange::Up => self.link_up(a, b),
            LinkChange::LatencyMs(ms) => self.set_latency_ms(a, b, ms),
            LinkChange::BandwidthBytesPerS(bps) => self.set_bandwidth(a, b, bps),
        };
        done.map_err(|e| e.to_string())
    }

    fn wait(&mut self, ms: u64) -> Result<(), String> {
        self.run_for(ms);
        Ok(())
    }

    fn settle(&mut self) -> Result<(), String> {
        Sim::settle(self).map_err(|e| format!("settle: {e}"))
    }

    fn step_events(&mut self, n: u64) -> Result<(), String> {
        // Stepping past the end of all activity is not an error: the world
        // is simply quiet.
        for _ in 0..n {
            if !self.step() {
                break;
            }
        }
        Ok(())
    }

    fn phase(&mut self, max_ms: u64) -> Result<(), String> {
        self.run_until_phase_change(max_ms);
        Ok(())
    }

    fn resync(&mut self, node: &str, legacy: bool) -> Result<(), String> {
        match Sim::resync(self, node, legacy) {
            Ok(true) => Ok(()),
            Ok(false) => Err(format!("resync: '{node}' is not a replica")),
            Err(e) => Err(e.to_string()),
        }
    }
}
