//! The transcript of a node's replication connections: for each one, in
//! the order it was opened, the replica and its master and every byte
//! that crossed it both ways, as the simulator delivered them (read from
//! the simulator's wire log, `sim::wire`). Every connection in the
//! simulator is a replica's connection to its master, so the node that
//! connected is the replica.

use crate::repl::Sim;
use serde::Serialize;

/// One replication connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Connection {
    /// Its number, counted from 1 in the order connections were opened.
    pub conn: usize,
    /// The node that accepted it.
    pub master: String,
    /// The node that connected.
    pub replica: String,
    /// When it was accepted, virtual ms.
    pub opened_ms: u64,
    /// Every byte the replica sent that arrived.
    #[serde(serialize_with = "base64")]
    pub to_master: Vec<u8>,
    /// Every byte the master sent that arrived.
    #[serde(serialize_with = "base64")]
    pub to_replica: Vec<u8>,
    /// The deliveries in arrival order.
    pub chunks: Vec<Piece>,
    /// The log stopped keeping bytes (a direction passed its cap).
    pub cut_short: bool,
}

/// One delivery: `len` bytes from `start` of one direction's stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub time_ms: u64,
    /// `to_master` or `to_replica`.
    pub direction: &'static str,
    pub start: usize,
    pub len: usize,
}

/// The connections `node` took part in, as replica or as master; `None`
/// when the simulator was not recording (`Sim::record_wire`).
pub fn connections(sim: &Sim, node: &str) -> Option<Vec<Connection>> {
    let wire = sim.wire()?;
    let name = |id| {
        sim.world()
            .nodes
            .get(&id)
            .map_or_else(|| format!("node {id}"), |n| n.name.clone())
    };
    let mut out = Vec::new();
    for (i, c) in wire.conns.iter().enumerate() {
        let (master, replica) = (name(c.server), name(c.client));
        if master != node && replica != node {
            continue;
        }
        let chunks = c
            .chunks
            .iter()
            .map(|p| Piece {
                time_ms: p.time_ms,
                direction: if p.to_server {
                    "to_master"
                } else {
                    "to_replica"
                },
                start: p.start,
                len: p.len,
            })
            .collect();
        out.push(Connection {
            conn: i + 1,
            master,
            replica,
            opened_ms: c.opened_ms,
            to_master: c.to_server.clone(),
            to_replica: c.to_client.clone(),
            chunks,
            cut_short: c.cut_short,
        });
    }
    Some(out)
}

/// Standard base64 with padding, as `base64 -d` reads it.
fn base64<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::base64::encode(bytes, crate::base64::STANDARD, true))
}

impl Connection {
    /// The transcript as text: one line per delivery, its bytes quoted as
    /// redis-cli quotes them (an RDB payload shortened to its start).
    pub fn text(&self) -> String {
        let mut out = format!(
            "conn {}: replica {} -> master {}, opened at {} ms{}\n",
            self.conn,
            self.replica,
            self.master,
            self.opened_ms,
            if self.cut_short { " (cut short)" } else { "" }
        );
        for p in &self.chunks {
            let (arrow, stream) = match p.direction {
                "to_master" => (
                    format!("{} -> {}", self.replica, self.master),
                    &self.to_master,
                ),
                _ => (
                    format!("{} -> {}", self.master, self.replica),
                    &self.to_replica,
                ),
            };
            let bytes = &stream[p.start..p.start + p.len];
            let shown = if bytes.len() > 200 && bytes.windows(5).any(|w| w == b"REDIS") {
                format!(
                    "{} … ({} bytes)",
                    crate::cli::repr(&bytes[..64]),
                    bytes.len()
                )
            } else {
                crate::cli::repr(bytes)
            };
            out.push_str(&format!("{:>8} ms  {arrow}  {shown}\n", p.time_ms));
        }
        out
    }
}
