//! Commands: the table, `processCommand`'s checks, and dispatch to one file
//! per command family.
//!
//! Every command is a [`CommandSpec`] (name, arity in Redis's convention,
//! flags) plus a function `fn(&mut Ctx, &[Vec<u8>]) -> Frame`. A write
//! command records what it propagates through [`Ctx::propagate`], already
//! rewritten the way Redis 7.0 rewrites it; a write with no effect records
//! nothing.

use crate::resp::Frame;
use crate::server::{Client, Gate, Outcome, Propagated, Server};

/// Command flags that matter to the checks in [`process`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// May modify the keyspace (denied on read-only replicas, by min-replicas).
    pub write: bool,
    /// Served even while the master link is down with
    /// `replica-serve-stale-data no` (Redis's CMD_STALE).
    pub stale_ok: bool,
    /// Run by the node's replication layer ([`Outcome::Repl`]).
    pub repl: bool,
}

/// What a command looks like before it runs.
pub struct CommandSpec {
    /// Lower-case name.
    pub name: &'static str,
    /// Redis arity: `n` exactly n arguments (name included), `-n` at least n.
    pub arity: i32,
    /// Flags.
    pub flags: Flags,
    /// The implementation (unused for `repl` commands).
    pub run: fn(&mut Ctx, &[Vec<u8>]) -> Frame,
}

/// What a command implementation sees.
pub struct Ctx<'a> {
    /// The server.
    pub server: &'a mut Server,
    /// The calling client (its selected db).
    pub client: &'a mut Client,
    /// Virtual time, Unix milliseconds.
    pub now_ms: i64,
    /// The gate (INFO reads the replication section from it).
    pub gate: &'a Gate,
    /// Writes to propagate, in order.
    pub propagate: Vec<Propagated>,
}

impl Ctx<'_> {
    /// Records a write for the replication stream on the client's db.
    pub fn propagate<A: AsRef<[u8]>>(&mut self, argv: &[A]) {
        let db = self.client.db;
        self.propagate.push(Propagated::new(db, argv));
    }
}

const W: Flags = Flags {
    write: true,
    stale_ok: false,
    repl: false,
};
const R: Flags = Flags {
    write: false,
    stale_ok: false,
    repl: false,
};
const S: Flags = Flags {
    write: false,
    stale_ok: true,
    repl: false,
};
const REPL: Flags = Flags {
    write: false,
    stale_ok: true,
    repl: true,
};

fn not_here(_: &mut Ctx, _: &[Vec<u8>]) -> Frame {
    Frame::err("ERR this command is run by the replication layer")
}

/// The command table.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ping",
        arity: -1,
        flags: S,
        run: ping,
    },
    CommandSpec {
        name: "get",
        arity: 2,
        flags: R,
        run: get,
    },
    CommandSpec {
        name: "set",
        arity: -3,
        flags: W,
        run: set,
    },
    CommandSpec {
        name: "replicaof",
        arity: 3,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "slaveof",
        arity: 3,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "role",
        arity: 1,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "wait",
        arity: 3,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "replconf",
        arity: -1,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "psync",
        arity: -3,
        flags: REPL,
        run: not_here,
    },
    CommandSpec {
        name: "sync",
        arity: 1,
        flags: REPL,
        run: not_here,
    },
];

/// Finds a command by name, case-insensitively.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.name.as_bytes().eq_ignore_ascii_case(name))
}

/// `processCommand`: lookup, arity, the gate, MULTI queueing, then run.
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
        return Outcome::reply(Frame::err(format!(
            "ERR unknown command '{}', with args beginning with: ",
            String::from_utf8_lossy(name)
        )));
    };
    let n = argv.len() as i32;
    if (spec.arity > 0 && n != spec.arity) || (spec.arity < 0 && n < -spec.arity) {
        return Outcome::reply(Frame::err(format!(
            "ERR wrong number of arguments for '{}' command",
            spec.name
        )));
    }
    if spec.flags.repl {
        return Outcome::Repl(argv);
    }
    if client.kind != crate::server::ClientKind::Master && spec.flags.write {
        if let Some(e) = &gate.write_denied {
            return Outcome::reply(Frame::err(e.clone()));
        }
    }
    server.stats.total_commands_processed += 1;
    let mut ctx = Ctx {
        server,
        client,
        now_ms,
        gate,
        propagate: Vec::new(),
    };
    let reply = (spec.run)(&mut ctx, &argv);
    Outcome::Done {
        reply,
        propagate: ctx.propagate,
    }
}

fn ping(_: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    match argv.len() {
        1 => Frame::Simple("PONG".into()),
        2 => Frame::bulk(&argv[1]),
        _ => Frame::err("ERR wrong number of arguments for 'ping' command"),
    }
}

fn get(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let db = &ctx.server.keyspace.dbs[ctx.client.db];
    match db.dict.get(argv[1].as_slice()) {
        Some(crate::db::Value::Str(s)) => Frame::bulk(s),
        Some(_) => Frame::err("WRONGTYPE Operation against a key holding the wrong kind of value"),
        None => Frame::Null,
    }
}

fn set(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let db = &mut ctx.server.keyspace.dbs[ctx.client.db];
    db.insert(
        argv[1].as_slice().into(),
        crate::db::Value::Str(argv[2].as_slice().into()),
        false,
    );
    ctx.propagate(argv);
    Frame::ok()
}
