//! Recording a run and comparing two runs reply by reply.
//!
//! Data replies must be equal exactly. INFO replies are compared on the
//! replication fields only (role, offsets, connected_slaves, link status,
//! sync counters) plus the *equality pattern* of replication ids: ids are
//! random, so each side's ids are renamed `id1`, `id2`, ... in order of first
//! appearance over the whole run (forty zeros stay `zeros`), and the renamed
//! values must agree. ROLE replies name hosts and ports, which differ between
//! real servers (and their proxies) and simulated ones, so ports are read
//! back as node names first. EXEC's reply is compared element by element,
//! each as the reply of the command that was queued for it.

use replscope::cli;
use replscope::resp::Frame;
use replscope::scenario::{run, ExpectFailure, RunError, Script, Target};
use std::collections::BTreeMap;

/// INFO fields compared by value.
const INFO_FIELDS: &[&str] = &[
    "role",
    "master_link_status",
    "connected_slaves",
    "master_repl_offset",
    "slave_repl_offset",
    "second_repl_offset",
    "sync_full",
    "sync_partial_ok",
    "sync_partial_err",
];
/// INFO fields compared by equality pattern.
const ID_FIELDS: &[&str] = &["master_replid", "master_replid2"];
/// The "no id" replid.
const ZERO_ID: &str = "0000000000000000000000000000000000000000";

/// One command and its reply.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Script line.
    pub line: usize,
    /// `A> SET foo bar`.
    pub command: String,
    /// The command name, to know how to compare the reply.
    pub name: Vec<u8>,
    /// The reply.
    pub reply: Frame,
}

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Transcript {
    /// Every command's reply, in order.
    pub entries: Vec<Entry>,
    /// `expect` lines that failed.
    pub expect_failures: Vec<ExpectFailure>,
    /// The step that stopped the run, if one did.
    pub error: Option<RunError>,
}

/// Runs `script` on `target`, recording every reply.
pub fn record<T: Target>(script: &Script, target: &mut T) -> Transcript {
    let mut t = Transcript::default();
    let result = run(script, target, &mut |r| {
        t.entries.push(Entry {
            line: r.line,
            command: format!("{}> {}", r.command.node, r.command.line()),
            name: r.command.argv.first().cloned().unwrap_or_default(),
            reply: r.reply.clone(),
        })
    });
    match result {
        Ok(summary) => t.expect_failures = summary.failures,
        Err(e) => t.error = Some(e),
    }
    t
}

/// Turns one side's replies into comparable text: renames replication ids
/// in order of appearance and ports into node names.
pub struct Normalizer {
    ids: Vec<String>,
    ports: BTreeMap<u16, String>,
    /// Per node (the `A` of `A> ...`), the names of the commands queued
    /// since its MULTI, so each element of EXEC's reply is read as its own.
    queued: BTreeMap<String, Vec<Vec<u8>>>,
}

impl Normalizer {
    /// A normalizer for a side whose ports map to these node names.
    pub fn new(ports: BTreeMap<u16, String>) -> Normalizer {
        Normalizer {
            ids: Vec::new(),
            ports,
            queued: BTreeMap::new(),
        }
    }

    /// The comparable form of one reply.
    pub fn normalize(&mut self, entry: &Entry) -> String {
        let node = entry.command.split("> ").next().unwrap_or("").to_string();
        let name = entry.name.to_ascii_lowercase();
        match (name.as_slice(), &entry.reply) {
            (b"multi", Frame::Simple(ok)) if ok == "OK" => {
                self.queued.insert(node, Vec::new());
            }
            (b"exec", Frame::Array(items)) => {
                let names = self.queued.remove(&node).unwrap_or_default();
                let parts: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, r)| self.reply_of(names.get(i).map_or(&[][..], |n| n), r))
                    .collect();
                return format!("EXEC [{}]", parts.join(" | "));
            }
            (b"exec" | b"discard", _) => {
                self.queued.remove(&node);
            }
            (_, Frame::Simple(q)) if q == "QUEUED" => {
                if let Some(queue) = self.queued.get_mut(&node) {
                    queue.push(name.clone());
                }
            }
            _ => {}
        }
        self.reply_of(&name, &entry.reply)
    }

    /// The comparable form of `reply`, the reply of command `name`.
    fn reply_of(&mut self, name: &[u8], reply: &Frame) -> String {
        if name.eq_ignore_ascii_case(b"info") {
            if let Frame::Bulk(text) = reply {
                return self.info(&String::from_utf8_lossy(text));
            }
        }
        if name.eq_ignore_ascii_case(b"role") {
            return cli::render(&self.role(reply), false);
        }
        cli::render(reply, false)
    }

    fn info(&mut self, text: &str) -> String {
        let fields: BTreeMap<&str, &str> = text
            .lines()
            .filter_map(|l| l.trim_end().split_once(':'))
            .collect();
        let mut out = Vec::new();
        for name in INFO_FIELDS {
            if let Some(v) = fields.get(name) {
                out.push(format!("{name}:{v}"));
            }
        }
        for name in ID_FIELDS {
            if let Some(v) = fields.get(name) {
                out.push(format!("{name}:{}", self.id(v)));
            }
        }
        format!("INFO {{{}}}", out.join(" "))
    }

    fn id(&mut self, id: &str) -> String {
        if id == ZERO_ID {
            return "zeros".into();
        }
        let index = match self.ids.iter().position(|x| x == id) {
            Some(i) => i,
            None => {
                self.ids.push(id.to_string());
                self.ids.len() - 1
            }
        };
        format!("id{}", index + 1)
    }

    fn port_name(&self, port: &[u8]) -> Frame {
        let name = std::str::from_utf8(port)
            .ok()
            .and_then(|p| p.parse::<u16>().ok())
            .and_then(|p| self.ports.get(&p));
        match name {
            Some(n) => Frame::bulk(format!("<{n}>")),
            None => Frame::bulk(format!("<unknown port {}>", String::from_utf8_lossy(port))),
        }
    }

    /// ROLE with hosts as `<host>` and ports as `<node name>`.
    fn role(&self, reply: &Frame) -> Frame {
        let Frame::Array(items) = reply else {
            return reply.clone();
        };
        let mut items = items.clone();
        let host = Frame::bulk("<host>");
        match items.first() {
            Some(Frame::Bulk(r)) if r == b"master" => {
                if let Some(Frame::Array(replicas)) = items.get_mut(2) {
                    for rep in replicas.iter_mut() {
                        if let Frame::Array(fields) = rep {
                            if let (Some(Frame::Bulk(port)), true) =
                                (fields.get(1).cloned(), fields.len() == 3)
                            {
                                fields[0] = host.clone();
                                fields[1] = self.port_name(&port);
                            }
                        }
                    }
                }
            }
            Some(Frame::Bulk(r)) if r == b"slave" && items.len() == 5 => {
                items[1] = host;
                if let Frame::Integer(port) = items[2] {
                    items[2] = self.port_name(port.to_string().as_bytes());
                }
            }
            _ => {}
        }
        Frame::Array(items)
    }
}

/// A reply that differs between the two sides.
#[derive(Debug)]
pub struct Mismatch {
    /// Script line.
    pub line: usize,
    /// What differed, with both sides.
    pub message: String,
}

/// Compares two transcripts; every difference is reported.
pub fn compare(
    real: &Transcript,
    real_ports: BTreeMap<u16, String>,
    sim: &Transcript,
    sim_ports: BTreeMap<u16, String>,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut rn = Normalizer::new(real_ports);
    let mut sn = Normalizer::new(sim_ports);
    for (r, s) in real.entries.iter().zip(&sim.entries) {
        let (a, b) = (rn.normalize(r), sn.normalize(s));
        if a != b {
            out.push(Mismatch {
                line: r.line,
                message: format!(
                    "{}\n      real: {}\n      sim:  {}",
                    r.command,
                    one_line(&a),
                    one_line(&b)
                ),
            });
        }
    }
    let stop_line = |t: &Transcript| t.error.as_ref().map(|e| e.line);
    if real.entries.len() != sim.entries.len() || stop_line(real) != stop_line(sim) {
        let line = real
            .error
            .as_ref()
            .or(sim.error.as_ref())
            .map_or(0, |e| e.line);
        out.push(Mismatch {
            line,
            message: format!(
                "runs ended differently: real ran {} commands ({}), sim ran {} ({})",
                real.entries.len(),
                ended(&real.error),
                sim.entries.len(),
                ended(&sim.error)
            ),
        });
    }
    out
}

fn ended(e: &Option<RunError>) -> String {
    e.as_ref()
        .map_or("completed".to_string(), |e| format!("stopped: {e}"))
}

fn one_line(s: &str) -> String {
    replscope::scenario::one_line(s)
}
