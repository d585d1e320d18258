//! INFO replication and ROLE, field for field as Redis 7.0.15 prints them
//! (`genRedisInfoString`'s replication section, `roleCommand`), and the
//! INFO command itself: the one place INFO's text is put together, for the
//! console, a connection and a transaction alike.
//!
//! `master_host` is the master's node name and `slaveN:ip=` the replica's
//! node name, where Redis shows addresses.

use super::{ReplState, SlaveState};
use crate::repl::node::{Cx, Node};
use crate::resp::Frame;
use std::fmt::Write;

impl Node {
    /// `INFO [section ...]`: the data side's sections with this node's
    /// replication section.
    pub fn info_command(&self, argv: &[Vec<u8>], cx: &Cx) -> Frame {
        let sections: Vec<&[u8]> = argv.iter().skip(1).map(Vec::as_slice).collect();
        let replication = self.info_replication(cx);
        let text = crate::cmd::info_text(&self.server, &sections, cx.unix_ms(), &replication);
        Frame::bulk(text)
    }

    /// The body of `# Replication` (lines joined by CRLF, no header).
    pub fn info_replication(&self, cx: &Cx) -> String {
        let mut lines: Vec<String> = Vec::with_capacity(24);
        let role = if self.repl.link.is_some() {
            "slave"
        } else {
            "master"
        };
        lines.push(format!("role:{role}"));
        if self.repl.link.is_some() {
            self.info_replica_lines(cx, &mut lines);
        }
        lines.push(format!("connected_slaves:{}", self.repl.slaves.len()));
        let config = &self.server.config;
        if config.min_replicas_to_write > 0 && config.min_replicas_max_lag > 0 {
            lines.push(format!("min_slaves_good_slaves:{}", self.repl.good_slaves));
        }
        self.info_slave_lines(cx, &mut lines);
        let r = &self.repl;
        let (first, histlen) = r
            .backlog
            .as_ref()
            .map_or((0, 0), |b| (b.first_byte_offset(), b.histlen()));
        lines.push("master_failover_state:no-failover".into());
        lines.push(format!("master_replid:{}", r.replid));
        lines.push(format!("master_replid2:{}", r.replid2));
        lines.push(format!("master_repl_offset:{}", r.master_repl_offset));
        lines.push(format!("second_repl_offset:{}", r.second_repl_offset));
        lines.push(format!(
            "repl_backlog_active:{}",
            u8::from(r.backlog.is_some())
        ));
        lines.push(format!("repl_backlog_size:{}", self.backlog_limit()));
        lines.push(format!("repl_backlog_first_byte_offset:{first}"));
        lines.push(format!("repl_backlog_histlen:{histlen}"));
        lines.join("\r\n")
    }

    /// The replica-only fields, from `master_host` to `replica_announced`.
    fn info_replica_lines(&self, cx: &Cx, lines: &mut Vec<String>) {
        let Some(link) = &self.repl.link else {
            return;
        };
        let now_s = cx.unix_s();
        let m = link.master.as_ref().or(link.cached.as_ref());
        let (reploff, read) = m.map_or((1, 1), |m| (m.reploff, m.read_reploff));
        let connected = link.state == ReplState::Connected;
        let last_io = link
            .master
            .as_ref()
            .map_or(-1, |m| now_s - m.lastinteraction_s);
        lines.push(format!("master_host:{}", link.host));
        lines.push(format!("master_port:{}", link.port));
        lines.push(format!(
            "master_link_status:{}",
            if connected { "up" } else { "down" }
        ));
        lines.push(format!("master_last_io_seconds_ago:{last_io}"));
        lines.push(format!(
            "master_sync_in_progress:{}",
            u8::from(link.state == ReplState::Transfer)
        ));
        lines.push(format!("slave_read_repl_offset:{read}"));
        lines.push(format!("slave_repl_offset:{reploff}"));
        if link.state == ReplState::Transfer {
            let t = &link.transfer;
            let size = t.size;
            let perc = if size > 0 {
                t.read as f64 / size as f64 * 100.0
            } else {
                0.0
            };
            lines.push(format!("master_sync_total_bytes:{size}"));
            lines.push(format!("master_sync_read_bytes:{}", t.read));
            lines.push(format!("master_sync_left_bytes:{}", size - t.read as i64));
            lines.push(format!("master_sync_perc:{perc:.2}"));
            lines.push(format!(
                "master_sync_last_io_seconds_ago:{}",
                now_s - link.transfer_lastio_s
            ));
        }
        if !connected {
            let down = if link.down_since_s != 0 {
                now_s - link.down_since_s
            } else {
                -1
            };
            lines.push(format!("master_link_down_since_seconds:{down}"));
        }
        let config = &self.server.config;
        lines.push(format!("slave_priority:{}", config.replica_priority));
        lines.push(format!(
            "slave_read_only:{}",
            u8::from(config.replica_read_only)
        ));
        lines.push("replica_announced:1".into());
    }

    /// `slaveN:ip=...,port=...,state=...,offset=...,lag=...`.
    fn info_slave_lines(&self, cx: &Cx, lines: &mut Vec<String>) {
        let now_s = cx.unix_s();
        for (i, conn) in self.repl.slaves.iter().enumerate() {
            let Some(peer) = self.peers.get(conn) else {
                continue;
            };
            let Some(s) = &peer.slave else {
                continue;
            };
            let lag = s.lag_s(now_s);
            let mut line = String::new();
            let _ = write!(
                line,
                "slave{i}:ip={},port={},state={},offset={},lag={lag}",
                peer.name,
                peer.listening_port,
                s.state.info_name(),
                s.ack_off
            );
            lines.push(line);
        }
    }

    /// ROLE.
    pub fn role(&self) -> Frame {
        match &self.repl.link {
            None => {
                let replicas = self
                    .repl
                    .slaves
                    .iter()
                    .filter_map(|c| self.peers.get(c))
                    .filter_map(|p| p.slave.as_ref().map(|s| (p, s)))
                    .filter(|(_, s)| s.state == SlaveState::Online)
                    .map(|(p, s)| {
                        Frame::Array(vec![
                            Frame::bulk(&p.name),
                            Frame::bulk(p.listening_port.to_string()),
                            Frame::bulk(s.ack_off.to_string()),
                        ])
                    })
                    .collect();
                Frame::Array(vec![
                    Frame::bulk("master"),
                    Frame::Integer(self.repl.master_repl_offset),
                    Frame::Array(replicas),
                ])
            }
            Some(link) => Frame::Array(vec![
                Frame::bulk("slave"),
                Frame::bulk(&link.host),
                Frame::Integer(i64::from(link.port)),
                Frame::bulk(link.state.role_name()),
                Frame::Integer(link.master.as_ref().map_or(-1, |m| m.reploff)),
            ]),
        }
    }
}
