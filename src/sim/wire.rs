//! The wire log: every byte each connection carried, both ways, in the
//! order it arrived, for the implementer's transcript (`replscope
//! transcript`). It records bytes and who sent them to whom, nothing
//! about what they mean.
//!
//! It is off unless asked for ([`WireLog`] lives in the world as an
//! `Option`), because a world is copied at every checkpoint and a log of
//! every byte would make those copies grow with the session. When on, it
//! is part of the world, so stepping back rewinds it too. Each direction
//! keeps at most [`MAX_BYTES_PER_DIRECTION`] bytes; past that it says it
//! was cut.

use crate::net::{ConnId, NodeId};

/// The most bytes one direction of one connection keeps.
pub const MAX_BYTES_PER_DIRECTION: usize = 64 << 20;

/// Every connection's bytes, in the order the connections were accepted.
#[derive(Clone, Debug, Default)]
pub struct WireLog {
    /// The connections, oldest first.
    pub conns: Vec<ConnLog>,
}

/// One connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnLog {
    /// Its id.
    pub conn: ConnId,
    /// The node that connected.
    pub client: NodeId,
    /// The node that accepted.
    pub server: NodeId,
    /// When it was accepted (virtual ms).
    pub opened_ms: u64,
    /// Everything the client sent that arrived, whole.
    pub to_server: Vec<u8>,
    /// Everything the server sent that arrived, whole.
    pub to_client: Vec<u8>,
    /// The pieces in arrival order: (virtual ms, toward the server?, bytes).
    pub chunks: Vec<Chunk>,
    /// A direction passed [`MAX_BYTES_PER_DIRECTION`] and was cut.
    pub cut_short: bool,
}

/// One delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// When it arrived.
    pub time_ms: u64,
    /// Client to server (true) or server to client.
    pub to_server: bool,
    /// Where it starts in its direction's stream.
    pub start: usize,
    /// How many bytes.
    pub len: usize,
}

impl WireLog {
    /// A connection accepted: `client` connected to `server`.
    pub fn opened(&mut self, conn: ConnId, client: NodeId, server: NodeId, now_ms: u64) {
        self.conns.push(ConnLog {
            conn,
            client,
            server,
            opened_ms: now_ms,
            to_server: Vec::new(),
            to_client: Vec::new(),
            chunks: Vec::new(),
            cut_short: false,
        });
    }

    /// Bytes of `conn` arrived at node `to`.
    pub fn arrived(&mut self, conn: ConnId, to: NodeId, bytes: &[u8], now_ms: u64) {
        let Some(c) = self.conns.iter_mut().rev().find(|c| c.conn == conn) else {
            return;
        };
        let to_server = to == c.server;
        let stream = if to_server {
            &mut c.to_server
        } else {
            &mut c.to_client
        };
        let room = MAX_BYTES_PER_DIRECTION.saturating_sub(stream.len());
        let kept = bytes.len().min(room);
        c.cut_short |= kept < bytes.len();
        if kept == 0 {
            return;
        }
        c.chunks.push(Chunk {
            time_ms: now_ms,
            to_server,
            start: stream.len(),
            len: kept,
        });
        stream.extend_from_slice(&bytes[..kept]);
    }
}
