//! The one vocabulary of inputs: everything anyone can do to a world.
//!
//! The page's buttons, a script's lines, a lesson's actions and a share
//! link all speak [`Input`]: a script step is an input or an expectation
//! (`crate::scenario`), the page turns each click into one, and a share
//! link is the input log printed as a script. [`Sim::apply`](super::Sim::apply)
//! is the one entry point that carries an input out and logs it; the log is
//! what stepping back replays and what "export" prints.
//!
//! Some inputs only move bytes and time and the simulator carries them out
//! itself (nodes, links, steps, waits); the others mean something only to
//! what runs on the nodes (a console command, "settle", a forced resync, a
//! write load) and are handed to the nodes' [`Actor`](super::actor::Actor).

use serde::Serialize;

/// One user action, as recorded in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// `node A`: a node with the default configuration.
    AddNode { name: String },
    /// `remove node A`.
    RemoveNode { name: String },
    /// `A> <command>`: a command line on a node's console (REPLICAOF is
    /// logged resolved to a node name and port).
    Command { node: String, argv: Vec<Vec<u8>> },
    /// `link A B ...`: a change to the link between two nodes.
    Link {
        /// First node (for a one-way cut, the sender).
        a: String,
        /// Second node.
        b: String,
        /// The change.
        change: LinkChange,
    },
    /// `step [N]`: advance to the next visible event, `n` times.
    Steps { n: u64 },
    /// `wait <ms>`: advance virtual time.
    RunFor { ms: u64 },
    /// `phase [MS]`: run until a replica's sync phase changes.
    RunUntilPhaseChange { max_ms: u64 },
    /// `settle`: run until quiet.
    Settle,
    /// `resync B [legacy]`: a forced full sync on a replica (`PSYNC ? -1`,
    /// or legacy `SYNC`).
    Resync { node: String, legacy: bool },
    /// `load A 200`: node A writes `per_s` times a virtual second from now
    /// on (0 stops it). The writes are the node's own timer, inside the
    /// world, so they need no input each and replay exactly.
    Load { node: String, per_s: u32 },
}

/// A change to the link between two nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkChange {
    /// Cut both directions; open connections break.
    Down,
    /// Stop only the bytes from the first node to the second.
    DownOneWay,
    /// Heal the link in both directions.
    Up,
    /// One-way delivery delay in milliseconds.
    LatencyMs(u64),
    /// Bytes per second in each direction; `None` is unlimited.
    BandwidthBytesPerS(Option<u64>),
}

/// What carrying out an input gave back.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// It was done; nothing to report.
    Done,
    /// A console command's reply.
    Reply(crate::resp::Frame),
    /// A step or "until a phase changes": whether it got anywhere (false
    /// when nothing visible happened within its limit).
    Progress(bool),
}

impl Applied {
    /// The console reply, if this was one.
    pub fn reply(self) -> Option<crate::resp::Frame> {
        match self {
            Applied::Reply(f) => Some(f),
            _ => None,
        }
    }

    /// False only for a step or phase run that got nowhere.
    pub fn progressed(&self) -> bool {
        !matches!(self, Applied::Progress(false))
    }
}
