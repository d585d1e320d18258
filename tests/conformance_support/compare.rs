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
//!
//! The differential tester ([`Mode::Differential`]) compares more: the
//! keys and expires of every db in INFO keyspace, and the master's view of
//! each replica (its state, by node name, sorted by
//! name since real Redis lists replicas in the order they happened to
//! connect). ROLE's replicas are sorted by name for the same reason, and a
//! positive TTL or PTTL counts only as positive: the two sides' clocks
//! run at different speeds, and the generator only sets expiry times far
//! beyond the end of a run.

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
/// INFO fields only the conformance suite compares: its scenarios fix when
/// each replica asks, while the differential tester's random schedules let
/// two replicas ask within one fork's window or not, and real Redis then
/// forks once or twice (`total_forks`) by timing alone (it disagreed with
/// itself on seed 28 of 30). See the differential tester's KNOWN.md.
const CONFORMANCE_ONLY_FIELDS: &[&str] = &["total_forks"];
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

/// How much two runs must agree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The conformance suite's comparison (see the module docs).
    Conformance,
    /// The differential tester's: also keys per db, the replicas' states,
    /// ROLE's replicas in name order, and TTLs by sign.
    Differential,
}

/// Turns one side's replies into comparable text: renames replication ids
/// in order of appearance and ports into node names.
pub struct Normalizer {
    ids: Vec<String>,
    ports: BTreeMap<u16, String>,
    /// Per node (the `A` of `A> ...`), the names of the commands queued
    /// since its MULTI, so each element of EXEC's reply is read as its own.
    queued: BTreeMap<String, Vec<Vec<u8>>>,
    mode: Mode,
}

impl Normalizer {
    /// A normalizer for a side whose ports map to these node names.
    pub fn new(ports: BTreeMap<u16, String>) -> Normalizer {
        Normalizer::with_mode(ports, Mode::Conformance)
    }

    /// A normalizer comparing as much as `mode` asks.
    pub fn with_mode(ports: BTreeMap<u16, String>, mode: Mode) -> Normalizer {
        Normalizer {
            ids: Vec::new(),
            ports,
            queued: BTreeMap::new(),
            mode,
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
        let differential = self.mode == Mode::Differential;
        if name.eq_ignore_ascii_case(b"info") {
            if let Frame::Bulk(text) = reply {
                return self.info(&String::from_utf8_lossy(text));
            }
        }
        if name.eq_ignore_ascii_case(b"role") {
            return cli::render(&self.role(reply), false);
        }
        let is_ttl = name.eq_ignore_ascii_case(b"ttl") || name.eq_ignore_ascii_case(b"pttl");
        if differential && is_ttl && matches!(reply, Frame::Integer(n) if *n > 0) {
            return "(integer) positive".into();
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
        if self.mode == Mode::Conformance {
            for name in CONFORMANCE_ONLY_FIELDS {
                if let Some(v) = fields.get(name) {
                    out.push(format!("{name}:{v}"));
                }
            }
        }
        for name in ID_FIELDS {
            if let Some(v) = fields.get(name) {
                out.push(format!("{name}:{}", self.id(v)));
            }
        }
        if self.mode == Mode::Differential {
            out.extend(self.replica_states(&fields));
            out.extend(keys_per_db(&fields));
        }
        format!("INFO {{{}}}", out.join(" "))
    }

    /// `replicas:<B>=online,<C>=wait_bgsave` from a master's
    /// `slaveN:ip=...,port=...,state=...,offset=...,lag=...` lines, by name.
    /// The acknowledged offset is left out: the simulator's `settle` does
    /// not wait for the once-a-second acknowledgement, the real one does
    /// (ROLE shows it, read after the acknowledgements have come in).
    fn replica_states(&self, fields: &BTreeMap<&str, &str>) -> Option<String> {
        let mut replicas: Vec<String> = fields
            .iter()
            .filter(|(k, _)| {
                k.strip_prefix("slave")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
            })
            .map(|(_, v)| {
                let part = |name: &str| {
                    v.split(',')
                        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                        .unwrap_or("?")
                };
                let name = cli::render(&self.port_name(part("port").as_bytes()), false);
                format!("{}={}", name.trim_matches('"'), part("state"))
            })
            .collect();
        replicas.sort();
        (!replicas.is_empty()).then(|| format!("replicas:{}", replicas.join(",")))
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

    /// ROLE with hosts as `<host>` and ports as `<node name>` (and, in
    /// [`Mode::Differential`], the replicas in name order).
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
                    if self.mode == Mode::Differential {
                        replicas.sort_by_key(|r| cli::render(r, false));
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
    /// The command (`A> INFO replication`), empty when the runs ended differently.
    pub command: String,
    /// Each side's normalized reply (empty when the runs ended differently).
    pub sides: (String, String),
}

/// `db0:keys=3,expires=1` for every db INFO keyspace lists (`avg_ttl`
/// depends on the clock and is left out).
fn keys_per_db(fields: &BTreeMap<&str, &str>) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| {
            k.strip_prefix("db")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        })
        .map(|(k, v)| {
            let kept: Vec<&str> = v
                .split(',')
                .filter(|kv| kv.starts_with("keys=") || kv.starts_with("expires="))
                .collect();
            format!("{k}:{}", kept.join(","))
        })
        .collect()
}

/// Compares two transcripts; every difference is reported.
pub fn compare(
    real: &Transcript,
    real_ports: BTreeMap<u16, String>,
    sim: &Transcript,
    sim_ports: BTreeMap<u16, String>,
) -> Vec<Mismatch> {
    compare_with(real, real_ports, sim, sim_ports, Mode::Conformance)
}

/// Compares two transcripts as `mode` asks; every difference is reported.
/// `real` and `sim` name the sides in the messages only: the differential
/// tester also compares two real runs with it.
pub fn compare_with(
    real: &Transcript,
    real_ports: BTreeMap<u16, String>,
    sim: &Transcript,
    sim_ports: BTreeMap<u16, String>,
    mode: Mode,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut rn = Normalizer::with_mode(real_ports, mode);
    let mut sn = Normalizer::with_mode(sim_ports, mode);
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
                command: r.command.clone(),
                sides: (a, b),
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
            command: String::new(),
            sides: Default::default(),
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
