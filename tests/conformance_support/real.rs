//! The real side of a conformance run: one redis-server 7.0.15 per `node`,
//! a proxy per replication link, and `settle` as polling.
//!
//! Each node gets two connections: the console (the scenario's commands, so
//! SELECT and MULTI state carry over between lines exactly as on the
//! simulator's console client) and an admin connection for the harness's
//! own INFO polling, which must never land inside a scenario's MULTI.

use super::proxy::{LinkState, Proxy};
use crate::support::RealRedis;
use replscope::resp::{encode_command, Decoder, Frame};
use replscope::scenario::{Input, LinkChange, Target};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long `settle` polls before giving up. The simulator gives up after
/// 10 virtual minutes; real scenarios settle within a few seconds.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Polling interval of `settle`.
const SETTLE_POLL: Duration = Duration::from_millis(20);

/// One real node.
struct Node {
    server: RealRedis,
    admin: Conn,
}

/// A bare RESP connection for the harness's own queries.
struct Conn {
    stream: TcpStream,
    decoder: Decoder,
}

impl Conn {
    fn open(port: u16) -> Result<Conn, String> {
        let stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect {port}: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        Ok(Conn {
            stream,
            decoder: Decoder::new(),
        })
    }

    fn cmd(&mut self, argv: &[&str]) -> Result<Frame, String> {
        self.stream
            .write_all(&encode_command(argv))
            .map_err(|e| e.to_string())?;
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(f) = self.decoder.next_frame().map_err(|e| e.to_string())? {
                return Ok(f);
            }
            let n = self.stream.read(&mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed".into());
            }
            self.decoder.feed(&buf[..n]);
        }
    }
}

/// The world of real servers a scenario runs on.
#[derive(Default)]
pub struct RealWorld {
    nodes: BTreeMap<String, Node>,
    /// Link state per unordered pair of node names.
    links: BTreeMap<(String, String), Arc<LinkState>>,
    /// Proxy per (replica, master).
    proxies: BTreeMap<(String, String), Proxy>,
    /// Whose replica each node is, as far as the scenario has said.
    replica_of: BTreeMap<String, String>,
    /// `settle` does not wait for the master to have the replica's
    /// acknowledgement of its offset (sent once a second), only for the
    /// replica to have the master's offset: the simulator's `settle`.
    settle_without_acks: bool,
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

impl RealWorld {
    /// A world whose `settle` does not wait for the replicas' once-a-second
    /// acknowledgements (the differential tester's: it never compares the
    /// acknowledged offsets right after a settle, and saves a second each).
    pub fn settling_without_acks() -> RealWorld {
        let mut world = RealWorld::default();
        world.settle_without_acks = true;
        world
    }

    /// The real TCP port of each node (to read ROLE's ports back as names).
    pub fn port_names(&self) -> BTreeMap<u16, String> {
        let mut out: BTreeMap<u16, String> = self
            .nodes
            .iter()
            .map(|(name, n)| (n.server.port, name.clone()))
            .collect();
        for ((_, master), proxy) in &self.proxies {
            out.insert(proxy.port, master.clone());
        }
        out
    }

    fn link(&mut self, a: &str, b: &str) -> Arc<LinkState> {
        Arc::clone(self.links.entry(pair(a, b)).or_default())
    }

    /// `REPLICAOF <node> [port]` → `REPLICAOF 127.0.0.1 <proxy port>`.
    fn rewrite_replicaof(
        &mut self,
        replica: &str,
        argv: &[Vec<u8>],
    ) -> Option<(Vec<Vec<u8>>, Option<String>)> {
        let cmd = argv.first()?;
        if !(cmd.eq_ignore_ascii_case(b"replicaof") || cmd.eq_ignore_ascii_case(b"slaveof")) {
            return None;
        }
        let target = String::from_utf8_lossy(argv.get(1)?).into_owned();
        let master_port = self.nodes.get(&target)?.server.port;
        let link = self.link(replica, &target);
        let key = (replica.to_string(), target.clone());
        let port = self
            .proxies
            .entry(key)
            .or_insert_with(|| Proxy::start(replica, &target, master_port, link))
            .port;
        let rewritten = vec![
            cmd.clone(),
            b"127.0.0.1".to_vec(),
            port.to_string().into_bytes(),
        ];
        Some((rewritten, Some(target)))
    }

    /// Every node's full INFO, parsed into fields.
    fn infos(&mut self) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
        let mut out = BTreeMap::new();
        for (name, node) in &mut self.nodes {
            let Frame::Bulk(text) = node.admin.cmd(&["INFO"])? else {
                return Err(format!("INFO on {name} did not return text"));
            };
            out.insert(name.clone(), info_fields(&String::from_utf8_lossy(&text)));
        }
        Ok(out)
    }

    /// Why the world is not settled yet, or `None` when it is.
    fn unsettled(&mut self) -> Result<Option<String>, String> {
        let infos = self.infos()?;
        for (name, info) in &infos {
            if field(info, "rdb_bgsave_in_progress") != "0" {
                return Ok(Some(format!("{name}: BGSAVE in progress")));
            }
        }
        for (replica, master) in &self.replica_of {
            if self
                .links
                .get(&pair(replica, master))
                .is_some_and(|l| l.is_impaired())
            {
                continue;
            }
            let (Some(r), Some(m)) = (infos.get(replica), infos.get(master)) else {
                continue;
            };
            let Some(port) = self.nodes.get(replica).map(|n| n.server.port) else {
                continue;
            };
            if let Some(why) = replica_unsettled(r, m, port, !self.settle_without_acks) {
                return Ok(Some(format!("{replica} → {master}: {why}")));
            }
        }
        Ok(self.close_in_flight(&infos))
    }

    /// A master that still lists a node that left it (re-pointed or
    /// promoted): the replica's close has not reached it yet. The
    /// simulator's `settle` waits for a close in flight, so this one does
    /// too, except over a cut link, which may hold the close.
    fn close_in_flight(
        &self,
        infos: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Option<String> {
        for (master, info) in infos {
            for (name, node) in &self.nodes {
                let port_tag = format!("port={},", node.server.port);
                let listed = info.iter().any(|(k, v)| {
                    k.starts_with("slave")
                        && k[5..].bytes().all(|c| c.is_ascii_digit())
                        && v.contains(&port_tag)
                });
                let left = self.replica_of.get(name) != Some(master);
                let cut = self
                    .links
                    .get(&pair(name, master))
                    .is_some_and(|l| l.is_impaired());
                if listed && left && !cut {
                    return Some(format!("{master} still lists {name}, which left it"));
                }
            }
        }
        None
    }
}

/// A replica is settled when its link is up, it has applied everything its
/// master has, and the master lists it online with that offset acknowledged
/// (the acknowledgement only when `acked` is asked for).
fn replica_unsettled(
    r: &BTreeMap<String, String>,
    m: &BTreeMap<String, String>,
    port: u16,
    acked: bool,
) -> Option<String> {
    let master_offset = field(m, "master_repl_offset");
    if field(r, "master_link_status") != "up" {
        return Some("link not up".into());
    }
    if field(r, "slave_repl_offset") != master_offset {
        return Some(format!(
            "replica at {} but master at {master_offset}",
            field(r, "slave_repl_offset")
        ));
    }
    let port_tag = format!("port={port},");
    let entry = m.iter().find(|(k, v)| {
        k.starts_with("slave")
            && k[5..].bytes().all(|c| c.is_ascii_digit())
            && v.contains(&port_tag)
    });
    let Some((_, entry)) = entry else {
        return Some("master does not list the replica".into());
    };
    let online = entry.contains("state=online,");
    let acked = !acked || entry.contains(&format!("offset={master_offset},"));
    (!(online && acked)).then(|| format!("master sees {entry}"))
}

fn field<'a>(info: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    info.get(name).map_or("", String::as_str)
}

/// `name:value` lines of an INFO reply.
pub fn info_fields(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.trim_end().split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Target for RealWorld {
    fn apply(&mut self, input: &Input) -> Result<Option<Frame>, String> {
        let done = match input {
            Input::Command { node, argv } => return self.command(node, argv).map(Some),
            Input::AddNode { name } => self.add_node(name),
            Input::RemoveNode { name } => self.remove_node(name),
            Input::Link { a, b, change } => self.change_link(a, b, *change),
            Input::RunFor { ms } => {
                std::thread::sleep(Duration::from_millis(*ms));
                Ok(())
            }
            Input::Settle => self.settle(),
            Input::Steps { .. } => {
                Err("'step' needs the simulator: real servers have no event queue".into())
            }
            Input::RunUntilPhaseChange { .. } => {
                Err("'phase' needs the simulator: real servers have no sync phases".into())
            }
            Input::Resync { .. } => Err(
                "'resync' needs the simulator: a console cannot make a real replica resync".into(),
            ),
            Input::Load { .. } => {
                Err("'load' needs the simulator: real servers have no write load".into())
            }
        };
        done.map(|()| None)
    }
}

impl RealWorld {
    fn add_node(&mut self, name: &str) -> Result<(), String> {
        let server = RealRedis::start(&[]);
        let admin = Conn::open(server.port)?;
        // A node declared again after `remove node` is a restart: the
        // replicas' proxies now lead to the new process.
        for ((_, master), proxy) in &self.proxies {
            if master == name {
                proxy
                    .upstream
                    .store(server.port, std::sync::atomic::Ordering::SeqCst);
            }
        }
        self.nodes.insert(name.to_string(), Node { server, admin });
        Ok(())
    }

    fn remove_node(&mut self, name: &str) -> Result<(), String> {
        // Its replicas keep trying to reach it (as they would a crashed
        // master); its own replication settings go with it.
        self.replica_of.remove(name);
        self.nodes
            .remove(name)
            .map(drop)
            .ok_or_else(|| format!("no node named '{name}'"))
    }

    fn command(&mut self, node: &str, argv: &[Vec<u8>]) -> Result<Frame, String> {
        let rewrite = self.rewrite_replicaof(node, argv);
        let n = self
            .nodes
            .get_mut(node)
            .ok_or_else(|| format!("no node named '{node}'"))?;
        let reply = match &rewrite {
            Some((rewritten, _)) => n.server.cmd(rewritten),
            None => n.server.cmd(argv),
        };
        let is_replicaof = argv.first().is_some_and(|c| {
            c.eq_ignore_ascii_case(b"replicaof") || c.eq_ignore_ascii_case(b"slaveof")
        });
        if is_replicaof && !reply.is_error() {
            match rewrite {
                Some((_, Some(master))) => self.replica_of.insert(node.to_string(), master),
                _ => self.replica_of.remove(node),
            };
        }
        Ok(reply)
    }

    fn change_link(&mut self, a: &str, b: &str, change: LinkChange) -> Result<(), String> {
        let link = self.link(a, b);
        match change {
            LinkChange::Down => link.set_down(),
            LinkChange::DownOneWay => link.hold_from(a),
            LinkChange::Up => link.set_up(),
            // Not applied on the real side (see the proxy's docs).
            LinkChange::LatencyMs(_) | LinkChange::BandwidthBytesPerS(_) => {}
        }
        Ok(())
    }

    fn settle(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        loop {
            let why = match self.unsettled()? {
                None => return Ok(()),
                Some(why) => why,
            };
            if Instant::now() > deadline {
                return Err(format!(
                    "settle: not settled after {SETTLE_TIMEOUT:?}: {why}"
                ));
            }
            std::thread::sleep(SETTLE_POLL);
        }
    }
}

impl Drop for RealWorld {
    fn drop(&mut self) {
        for link in self.links.values() {
            link.close();
        }
        // The servers are killed by pid when their RealRedis handles drop.
    }
}
