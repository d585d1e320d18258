//! Connections: TCP-like byte streams over a link, opened by a client
//! node to a server node, accepted after one latency, connected after a
//! round trip, closed by either end (a FIN that travels behind the bytes
//! already written) or at both ends at once by a cut.

use super::transmit::Segment;
use super::Links;
use crate::net::{ConnId, NodeId, Payload};
use crate::sim::queue::{Ev, Queue};

/// A connection between two nodes.
#[derive(Clone, Debug)]
pub struct Conn {
    /// The node that opened it.
    pub client: NodeId,
    /// The node it connects to.
    pub server: NodeId,
    /// The client has not closed it (and was not told it closed).
    pub client_open: bool,
    /// The server has accepted it and not closed it.
    pub server_open: bool,
    /// The server has accepted it.
    pub accepted: bool,
    /// The client has been told it is connected.
    pub connected: bool,
}

/// Who must be told that a connection closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    /// The node to tell.
    pub node: NodeId,
    /// The connection.
    pub conn: ConnId,
}

impl Links {
    /// Starts a connection from `client` to `server`: the server accepts it
    /// after one latency, the client learns it is connected after a round
    /// trip. A link cut both ways fails it at once; a link cut one way
    /// lets it open, and holds its bytes in the cut direction (see the
    /// module doc of `links`, "Cuts").
    pub fn connect<T>(
        &mut self,
        q: &mut Queue<T>,
        now: u64,
        conn: ConnId,
        client: NodeId,
        server: Option<NodeId>,
    ) {
        let Some(server) = server else {
            let error = "Name or service not known".to_string();
            q.push(
                now,
                Ev::ConnectFailed {
                    conn,
                    node: client,
                    error,
                },
            );
            return;
        };
        // A node told to replicate from itself would talk to itself over a
        // loopback link the simulator does not model; the connection is
        // refused instead, so it keeps retrying, never in sync, as a real
        // self-replicating Redis does (it only ever gets -NOMASTERLINK).
        let link = self.get_mut(client, server);
        let latency = link.latency_ms;
        let failed = if client == server {
            Some((now + 2 * latency, "Connection refused"))
        } else if link.is_cut_both_ways() {
            Some((now, "Connection reset by peer"))
        } else {
            None
        };
        if let Some((at, error)) = failed {
            let error = error.to_string();
            q.push(
                at,
                Ev::ConnectFailed {
                    conn,
                    node: client,
                    error,
                },
            );
            return;
        }
        let c = Conn {
            client,
            server,
            client_open: true,
            server_open: false,
            accepted: false,
            connected: false,
        };
        self.conns.insert(conn, c);
        q.push(now + latency, Ev::Accept { conn });
        q.push(now + 2 * latency, Ev::Connected { conn });
    }

    /// The server side accepts: true if the connection still exists.
    pub fn accept(&mut self, conn: ConnId) -> Option<(NodeId, NodeId)> {
        let c = self.conns.get_mut(&conn)?;
        if !c.client_open {
            return None;
        }
        c.accepted = true;
        c.server_open = true;
        Some((c.client, c.server))
    }

    /// The peer of `node` on `conn`.
    pub fn peer(&self, conn: ConnId, node: NodeId) -> Option<NodeId> {
        let c = self.conns.get(&conn)?;
        Some(if c.client == node { c.server } else { c.client })
    }

    /// The client side learns it is connected: true if it still is open.
    pub fn connected(&mut self, conn: ConnId) -> Option<NodeId> {
        let c = self.conns.get_mut(&conn).filter(|c| c.client_open)?;
        c.connected = true;
        Some(c.client)
    }

    /// True while a connection is being opened (not yet accepted, or its
    /// client not yet told) or a close is on its way (a FIN queued or in
    /// flight): what `settle` waits for besides the bytes.
    pub fn opening_or_closing(&self) -> bool {
        let opening = self
            .conns
            .values()
            .any(|c| c.client_open && (!c.accepted || !c.connected));
        opening
            || self.links.values().any(|l| {
                // A close held by a one-way cut waits for the link like
                // the bytes before it: nothing settle can wait for.
                l.dirs.iter().any(|d| {
                    d.up && (d.queue.iter().any(|s| s.fin) || d.flights.iter().any(|f| f.fin))
                })
            })
    }

    /// True when `node`'s end of `conn` is open.
    pub fn is_open_at(&self, conn: ConnId, node: NodeId) -> bool {
        self.conns.get(&conn).is_some_and(|c| {
            (c.client == node && c.client_open) || (c.server == node && c.server_open)
        })
    }

    /// `from` closes its end of `conn`: the peer sees the close after the
    /// bytes already written (a FIN).
    pub fn close<T>(&mut self, q: &mut Queue<T>, now: u64, conn: ConnId, from: NodeId) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.client == from {
            c.client_open = false;
        } else {
            c.server_open = false;
        }
        let peer_open = if c.client == from {
            c.accepted && c.server_open
        } else {
            c.client_open
        };
        if !peer_open {
            self.conns.remove(&conn);
            return;
        }
        self.drop_queued(q, now, conn, from);
        let seg = Segment {
            conn,
            bytes: Vec::new(),
            sent: 0,
            payload: Payload::Command,
            notify: None,
            fin: true,
            progress_base: 0,
            progress_total: 0,
        };
        self.enqueue(q, now, from, seg);
    }

    /// Closes every connection between `a` and `b` at both ends now.
    pub fn close_all_between(&mut self, a: NodeId, b: NodeId) -> Vec<Closure> {
        let ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| (c.client, c.server) == (a, b) || (c.client, c.server) == (b, a))
            .map(|(id, _)| *id)
            .collect();
        let mut told = Vec::new();
        for id in ids {
            if let Some(c) = self.conns.remove(&id) {
                if c.client_open {
                    told.push(Closure {
                        node: c.client,
                        conn: id,
                    });
                }
                if c.server_open {
                    told.push(Closure {
                        node: c.server,
                        conn: id,
                    });
                }
            }
        }
        told
    }

    /// A FIN reached `node`: its end is closed too. True if it was open.
    pub fn fin_arrived(&mut self, conn: ConnId, node: NodeId) -> bool {
        let Some(c) = self.conns.get_mut(&conn) else {
            return false;
        };
        let was_open = if c.client == node {
            std::mem::replace(&mut c.client_open, false)
        } else {
            std::mem::replace(&mut c.server_open, false)
        };
        if !c.client_open && !c.server_open {
            self.conns.remove(&conn);
        }
        was_open
    }

    /// Forgets every link and connection of `node`; returns the peers to tell.
    pub fn remove_node(&mut self, node: NodeId) -> Vec<Closure> {
        let peers: Vec<NodeId> = self
            .conns
            .values()
            .filter_map(|c| {
                (c.client == node)
                    .then_some(c.server)
                    .or((c.server == node).then_some(c.client))
            })
            .collect();
        let mut told = Vec::new();
        for p in peers {
            told.extend(self.close_all_between(node, p));
        }
        self.links.retain(|k, _| k.0 != node && k.1 != node);
        told.retain(|c| c.node != node);
        told
    }
}
