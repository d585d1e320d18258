//! Transactions (`multi.c`): MULTI, EXEC, DISCARD.
//!
//! Queueing happens in [`super::process`]; here EXEC runs the queue as one
//! unit, so all its writes (and the DELs of expired keys its commands
//! touch) propagate together and are wrapped in MULTI/EXEC only when there
//! is more than one — a transaction with a single write goes out bare, and
//! one with none sends nothing, as Redis 7.0 does. WATCH is not simulated.
//!
//! A queued command the node runs (INFO, ROLE, WAIT, REPLICAOF) stops the
//! queue: [`Exec::step`] hands it out as [`Outcome::Exec`], the node runs
//! it with its real semantics (WAIT does not block inside EXEC, as in
//! 7.0), gives the reply back, and steps on. The writes stay in the one
//! unit, so they still propagate together after the last command.

use super::reply::err;
use super::{lookup, record_call, CommandSpec, Ctx};
use crate::resp::Frame;
use crate::server::{Client, Exec, Outcome, Server};

/// MULTI
pub fn multi(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    if ctx.client.multi.is_some() {
        return err("ERR MULTI calls can not be nested");
    }
    ctx.client.multi = Some(Vec::new());
    ctx.client.multi_dirty = false;
    Frame::ok()
}

/// Leaves MULTI state, dropping the queue.
pub fn discard_transaction(client: &mut Client) {
    client.multi = None;
    client.multi_dirty = false;
}

/// DISCARD
pub fn discard(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    if ctx.client.multi.is_none() {
        return err("ERR DISCARD without MULTI");
    }
    discard_transaction(ctx.client);
    Frame::ok()
}

/// EXEC: refuses without MULTI or after a queueing error, otherwise runs
/// the queue as one unit ([`Exec::step`]).
pub fn exec(server: &mut Server, client: &mut Client, spec: &CommandSpec, now_ms: i64) -> Outcome {
    let refused = match client.multi.take() {
        None => Err(err("ERR EXEC without MULTI")),
        Some(_) if client.multi_dirty => Err(err(
            "EXECABORT Transaction discarded because of previous errors.",
        )),
        Some(queue) => Ok(queue),
    };
    discard_transaction(client);
    match refused {
        Ok(queue) => Exec {
            replies: Vec::with_capacity(queue.len()),
            queue: queue.into(),
            propagate: Vec::new(),
        }
        .step(server, client, now_ms),
        Err(reply) => {
            record_call(server, spec, &reply);
            Outcome::reply(reply)
        }
    }
}

impl Exec {
    /// Runs queued commands until one is the node's to run
    /// ([`Outcome::Exec`]) or the queue is done ([`Outcome::Done`], with
    /// the unit's writes, and EXEC itself counted as a call).
    pub fn step(mut self, server: &mut Server, client: &mut Client, now_ms: i64) -> Outcome {
        let mut ctx = Ctx::new(server, client, now_ms);
        ctx.propagate = std::mem::take(&mut self.propagate);
        while let Some(argv) = self.queue.pop_front() {
            // Every queued command passed lookup when it was queued.
            let Some(spec) = argv.first().and_then(|n| lookup(n)) else {
                self.replies.push(err("ERR unknown command"));
                continue;
            };
            if spec.flags.repl {
                self.propagate = std::mem::take(&mut ctx.propagate);
                return Outcome::Exec { exec: self, argv };
            }
            let reply = ctx.call(spec, argv);
            self.replies.push(reply);
        }
        let propagate = ctx.finish_unit();
        let reply = Frame::Array(self.replies);
        if let Some(spec) = lookup(b"exec") {
            record_call(server, spec, &reply);
        }
        Outcome::Done { reply, propagate }
    }
}
