//! Transactions (`multi.c`): MULTI, EXEC, DISCARD.
//!
//! Queueing happens in [`super::process`]; here EXEC runs the queue as one
//! unit, so all its writes (and the DELs of expired keys its commands
//! touch) propagate together and are wrapped in MULTI/EXEC only when there
//! is more than one — a transaction with a single write goes out bare, and
//! one with none sends nothing, as Redis 7.0 does. WATCH is not simulated.

use super::reply::err;
use super::{lookup, Ctx};
use crate::resp::Frame;
use crate::server::Client;

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

/// EXEC
pub fn exec(ctx: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    let Some(queue) = ctx.client.multi.take() else {
        return err("ERR EXEC without MULTI");
    };
    if ctx.client.multi_dirty {
        discard_transaction(ctx.client);
        return err("EXECABORT Transaction discarded because of previous errors.");
    }
    discard_transaction(ctx.client);
    let mut replies = Vec::with_capacity(queue.len());
    for argv in queue {
        // Every queued command passed lookup when it was queued.
        let reply = match argv.first().and_then(|n| lookup(n)) {
            Some(spec) => ctx.call(spec, argv),
            None => err("ERR unknown command"),
        };
        replies.push(reply);
    }
    Frame::Array(replies)
}
