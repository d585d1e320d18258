//! Commands: `processCommand`'s checks, the execution of one unit, and the
//! propagation rules, with one file per command family.
//!
//! # The path of a command ([`process`])
//!
//! As in Redis 7.0's `processCommand`: look the name up (`unknown command`
//! with an excerpt of the arguments), check arity (and a subcommand's, for
//! CONFIG), refuse a `no-multi` command inside MULTI, apply replication's
//! [`Gate`] (`-NOREPLICAS`, `-READONLY`, `-MASTERDOWN`), queue the command
//! if the client is inside MULTI, otherwise run it — here, or in the node
//! for the commands that read or change replication state
//! ([`Outcome::Repl`]). Every command class meets the checks in that one
//! order, replication commands included (a stale replica answers WAIT
//! with `-MASTERDOWN`, not with WAIT's own error). Any rejection inside
//! MULTI marks the transaction so that EXEC answers `-EXECABORT`.
//!
//! # Propagation
//!
//! A unit (one command, or one EXEC with everything it runs) collects its
//! writes in order: the `DEL` of every expired key it touched, then what
//! each command propagates — its own argv moved as sent
//! ([`Ctx::propagate_as_sent`]) or a rewrite ([`Ctx::propagate`]); a write
//! with no effect records nothing. At the end, as `propagatePendingCommands`
//! does, more than one write is wrapped in `MULTI` … `EXEC` (MULTI tagged
//! with the first write's db, so the stream's SELECT comes before it, EXEC
//! with the last's). A replica propagates nothing of its own: it forwards
//! its master's bytes.
//!
//! # Differences from Redis
//!
//! DEBUG is always enabled (real 7.0 needs `enable-debug-command`). No
//! command meets a loading server (a simulated replica loads in one step),
//! and there is no WATCH, AUTH, ACL, maxmemory or cluster check.

mod bitfield;
mod bitmap;
mod config;
mod ctx;
mod elem_scan;
pub mod glob;
mod hash;
mod hll;
mod hyperloglog;
mod info;
mod keys;
mod lcs;
mod list;
mod mpop;
mod multi;
mod object;
mod random_pick;
mod reply;
mod server_cmds;
mod set;
mod sort;
mod string;
mod table;
mod zset;
mod zset_range;
mod zset_store;

pub use ctx::{Ctx, Kind};
pub use info::info_text;

pub use table::{index_of, lookup, CommandSpec, Flags, COMMANDS};

use crate::resp::Frame;
use crate::server::{Client, ClientKind, Gate, Outcome, Propagated, Server};

impl Server {
    /// Runs one command line from `client` at virtual time `now_ms`:
    /// `processCommand` ([`process`]).
    pub fn process(
        &mut self,
        client: &mut Client,
        argv: Vec<Vec<u8>>,
        now_ms: i64,
        gate: &Gate,
    ) -> Outcome {
        process(self, client, argv, now_ms, gate)
    }
}

/// `processCommand`, its checks in 7.0.15's order: the name, the arity,
/// `no-multi` inside MULTI, replication's gate (NOREPLICAS, READONLY,
/// MASTERDOWN), then queueing inside MULTI, and only then running it here
/// or handing it to the node.
pub fn process(
    server: &mut Server,
    client: &mut Client,
    argv: Vec<Vec<u8>>,
    now_ms: i64,
    gate: &Gate,
) -> Outcome {
    let Some(name) = argv.first() else {
        return Outcome::reply(Frame::err("ERR empty command"));
    };
    let Some(spec) = lookup(name) else {
        return reject(server, client, unknown_command(&argv));
    };
    if let Err(e) = check_arity(spec, &argv) {
        return reject_known(server, client, spec, e);
    }
    if spec.flags.no_multi && client.multi.is_some() {
        let e = Frame::err("ERR Command not allowed inside a transaction");
        return reject_known(server, client, spec, e);
    }
    if let Some(e) = gate_error(spec, client, gate) {
        if spec.name == "exec" && client.multi.is_some() {
            multi::discard_transaction(client);
            let msg = format!("EXECABORT Transaction discarded because of: {e}");
            return reject_known(server, client, spec, Frame::Error(msg));
        }
        return reject_known(server, client, spec, Frame::err(e));
    }
    if !spec.flags.multi_ctl {
        if let Some(queue) = client.multi.as_mut() {
            queue.push(argv);
            return Outcome::reply(Frame::Simple("QUEUED".into()));
        }
    }
    if spec.flags.repl {
        return Outcome::Repl(argv);
    }
    if spec.name == "exec" {
        return multi::exec(server, client, spec, now_ms);
    }
    let mut ctx = Ctx::new(server, client, now_ms);
    let reply = ctx.call(spec, argv);
    let propagate = ctx.finish_unit();
    Outcome::Done { reply, propagate }
}

/// `call()`'s accounting after a command ran: `total_commands_processed`,
/// the error counters and the command's own `calls` / `failed_calls`. The
/// one place for it, whether the command ran here or in the node.
pub fn record_call(server: &mut Server, spec: &CommandSpec, reply: &Frame) {
    server.stats.total_commands_processed += 1;
    server.stats.count_error(reply);
    if let Some(stat) = server.stats.command_stat(index_of(spec)) {
        stat.calls += 1;
        stat.failed_calls += u64::from(reply.is_error());
    }
}

/// A command refused before running: counted as an error reply, and inside
/// MULTI it dooms the transaction (`flagTransaction`).
fn reject(server: &mut Server, client: &mut Client, reply: Frame) -> Outcome {
    if client.multi.is_some() {
        client.multi_dirty = true;
    }
    server.stats.count_error(&reply);
    Outcome::reply(reply)
}

/// [`reject`] for a known command, also counted in its `rejected_calls`.
fn reject_known(
    server: &mut Server,
    client: &mut Client,
    spec: &CommandSpec,
    reply: Frame,
) -> Outcome {
    if let Some(stat) = server.stats.command_stat(index_of(spec)) {
        stat.rejected_calls += 1;
    }
    reject(server, client, reply)
}

/// `unknown command '<name>', with args beginning with: '<a>' '<b>' `, the
/// excerpt limited to about 128 bytes and CR/LF shown as spaces.
fn unknown_command(argv: &[Vec<u8>]) -> Frame {
    let name = argv.first().map(|n| &n[..n.len().min(128)]).unwrap_or(&[]);
    let mut args = Vec::new();
    for a in argv.iter().skip(1) {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(&a[..a.len().min(room)]);
        args.extend_from_slice(b"' ");
    }
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(name);
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&args);
    for c in msg.iter_mut() {
        if *c == b'\r' || *c == b'\n' {
            *c = b' ';
        }
    }
    Frame::Error(String::from_utf8_lossy(&msg).into_owned())
}

fn arity_ok(arity: i32, n: usize) -> bool {
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    (arity > 0 && n == arity) || (arity < 0 && n >= -arity)
}

/// Arity of the command, then of its subcommand (`config|get`).
fn check_arity(spec: &CommandSpec, argv: &[Vec<u8>]) -> Result<(), Frame> {
    if !arity_ok(spec.arity, argv.len()) {
        return Err(reply::arity_err(spec.name));
    }
    if spec.subcommands.is_empty() {
        return Ok(());
    }
    let sub = argv.get(1).map(Vec::as_slice).unwrap_or(&[]);
    match spec.subcommands.iter().find(|(n, _)| reply::is(sub, n)) {
        Some((n, arity)) if !arity_ok(*arity, argv.len()) => {
            Err(reply::arity_err(&format!("{}|{}", spec.name, n)))
        }
        Some(_) => Ok(()),
        None => Err(Frame::Error(format!(
            "ERR unknown subcommand '{}'. Try {} HELP.",
            String::from_utf8_lossy(&sub[..sub.len().min(128)]),
            spec.name.to_ascii_uppercase()
        ))),
    }
}

/// Replication's verdict, in `processCommand`'s order: NOREPLICAS and
/// READONLY for writes, then MASTERDOWN for commands that need fresh data.
/// EXEC counts as a write (or as stale-sensitive) when what it queued does.
fn gate_error<'g>(spec: &CommandSpec, client: &Client, gate: &'g Gate) -> Option<&'g str> {
    if client.kind == ClientKind::Master {
        return None;
    }
    let (mut write, mut deny_stale) = (spec.flags.write, !spec.flags.stale_ok);
    if spec.name == "exec" {
        for argv in client.multi.iter().flatten() {
            if let Some(q) = argv.first().and_then(|n| lookup(n)) {
                write |= q.flags.write;
                deny_stale |= !q.flags.stale_ok;
            }
        }
    }
    if write {
        if let Some(e) = &gate.write_denied {
            return Some(e);
        }
    }
    if deny_stale {
        if let Some(e) = &gate.stale_denied {
            return Some(e);
        }
    }
    None
}

impl Ctx<'_> {
    /// `call()`: runs one command, then moves its argv into the propagation
    /// list if it asked to be propagated as sent.
    pub fn call(&mut self, spec: &CommandSpec, argv: Vec<Vec<u8>>) -> Frame {
        let db = self.client.db;
        self.self_at = None;
        let reply = (spec.run)(self, &argv);
        if let Some(i) = self.self_at.take() {
            if self.server.is_replica {
                // A replica streams nothing of its own (it forwards its
                // master's bytes): only the count of changes is kept.
                self.server.stats.dirty += 1;
            } else {
                let at = i.min(self.propagate.len());
                self.propagate.insert(at, Propagated { db, argv });
            }
        }
        record_call(self.server, spec, &reply);
        reply
    }

    /// The unit's writes, MULTI/EXEC-wrapped when there is more than one.
    pub fn finish_unit(&mut self) -> Vec<Propagated> {
        let mut ops = std::mem::take(&mut self.propagate);
        self.server.stats.dirty += ops.len() as u64;
        if self.server.is_replica {
            return Vec::new();
        }
        wrap_multi(&mut ops);
        ops
    }
}

/// Wraps more than one write in MULTI/EXEC, as `propagatePendingCommands`.
pub fn wrap_multi(ops: &mut Vec<Propagated>) {
    if ops.len() < 2 {
        return;
    }
    let first = ops.first().map_or(0, |p| p.db);
    let last = ops.last().map_or(0, |p| p.db);
    ops.insert(0, Propagated::new(first, &["MULTI"]));
    ops.push(Propagated::new(last, &["EXEC"]));
}

#[cfg(test)]
mod tests;
