//! [`Ctx`]: what a command implementation sees — the server, the calling
//! client, the virtual time — and the keyspace lookups every command uses.
//!
//! The lookups carry Redis's expiry rules (`expireIfNeeded` in `db.c`):
//! - on a master, touching a logically expired key deletes it, counts it in
//!   `expired_keys` and propagates `DEL key`. When the command that touched
//!   it then writes, the unit carries two writes and is wrapped in
//!   MULTI/EXEC, which is exactly the `MULTI, DEL, <write>, EXEC` real 7.0
//!   sends;
//! - on a replica, expired keys are hidden from ordinary clients but never
//!   deleted (the master's DEL will come), except by a write on a writable
//!   replica, which deletes without propagating;
//! - the master's own client on a replica sees expired keys as present, so
//!   the stream applies exactly as it did on the master.

use crate::db::{Db, FastHash, Map, Sds, Value, ZSet};
use crate::resp::Frame;
use crate::server::{Client, ClientKind, Propagated, Server};
use indexmap::IndexSet;
use std::collections::VecDeque;

use super::reply::WRONGTYPE;

/// What a command implementation sees.
pub struct Ctx<'a> {
    /// The server.
    pub server: &'a mut Server,
    /// The calling client (its selected db, its MULTI state).
    pub client: &'a mut Client,
    /// Virtual time, Unix milliseconds.
    pub now_ms: i64,
    /// Writes to propagate for the current unit, in order.
    pub propagate: Vec<Propagated>,
    /// Where the running command's own argv goes in `propagate`, when it
    /// propagates as sent (see [`Ctx::propagate_as_sent`]).
    pub(super) self_at: Option<usize>,
}

/// A container type that lives in one [`Value`] variant.
pub trait Kind: Sized {
    /// The variant's contents, if `v` is of this type.
    fn of(v: &Value) -> Option<&Self>;
    /// The variant's contents, mutably.
    fn of_mut(v: &mut Value) -> Option<&mut Self>;
    /// A new, empty value of this type.
    fn empty() -> Value;
    /// Number of elements (an empty container is deleted, as in Redis).
    fn count(&self) -> usize;
}

macro_rules! kind {
    ($ty:ty, $variant:ident, $new:expr) => {
        impl Kind for $ty {
            fn of(v: &Value) -> Option<&Self> {
                match v {
                    Value::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn of_mut(v: &mut Value) -> Option<&mut Self> {
                match v {
                    Value::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn empty() -> Value {
                Value::$variant(Box::new($new))
            }
            fn count(&self) -> usize {
                self.len()
            }
        }
    };
}

kind!(VecDeque<Sds>, List, VecDeque::new());
kind!(Map<Sds, Sds>, Hash, Map::default());
kind!(IndexSet<Sds, FastHash>, Set, IndexSet::default());
kind!(ZSet, ZSet, ZSet::new());

impl<'a> Ctx<'a> {
    /// A context for one unit (a command, or a whole EXEC).
    pub fn new(server: &'a mut Server, client: &'a mut Client, now_ms: i64) -> Self {
        Ctx {
            server,
            client,
            now_ms,
            propagate: Vec::new(),
            self_at: None,
        }
    }

    /// The client's selected database index, kept in range (SELECT only
    /// ever stores a valid one; clamping keeps a bad value from panicking).
    fn db_index(&self) -> usize {
        self.client
            .db
            .min(self.server.keyspace.dbs.len().saturating_sub(1))
    }

    /// The client's selected database.
    pub fn db(&mut self) -> &mut Db {
        let i = self.db_index();
        &mut self.server.keyspace.dbs[i]
    }

    /// Records a rewritten write for the replication stream on the client's db.
    pub fn propagate<A: AsRef<[u8]>>(&mut self, argv: &[A]) {
        let db = self.client.db;
        self.propagate.push(Propagated::new(db, argv));
    }

    /// Marks the running command to be propagated exactly as the client sent
    /// it, at this point in the unit's order (after any DEL of an expired key
    /// it touched). The argv is moved, not copied, when the command returns.
    pub fn propagate_as_sent(&mut self) {
        self.self_at = Some(self.propagate.len());
    }

    /// `expireIfNeeded`: true when `key` must be treated as missing. Deletes
    /// it (and propagates DEL) when this node may, see the module docs.
    /// `write` is true for lookups made to modify the key.
    pub fn expire_if_needed(&mut self, key: &[u8], write: bool) -> bool {
        let db = self.db_index();
        self.expire_if_needed_in(db, key, write)
    }

    /// [`Ctx::expire_if_needed`] in database `db` (COPY and MOVE look at a
    /// second database).
    pub fn expire_if_needed_in(&mut self, db_index: usize, key: &[u8], write: bool) -> bool {
        let Some(db) = self.server.keyspace.dbs.get_mut(db_index) else {
            return false;
        };
        if db.expires.is_empty() || !db.is_expired(key, self.now_ms) {
            return false;
        }
        if self.server.is_replica {
            if self.client.kind == ClientKind::Master {
                return false;
            }
            if !write {
                return true;
            }
        }
        db.remove(key);
        self.server.stats.expired_keys += 1;
        if !self.server.is_replica {
            self.propagate
                .push(Propagated::new(db_index, &[b"DEL", key]));
        }
        true
    }

    /// `lookupKeyRead`: the value at `key`, counting a keyspace hit or miss.
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<&Value> {
        let expired = self.expire_if_needed(key, false);
        let db_index = self.db_index();
        let server = &mut *self.server;
        let found = if expired {
            None
        } else {
            server.keyspace.dbs[db_index].dict.get(key)
        };
        if found.is_some() {
            server.stats.keyspace_hits += 1;
        } else {
            server.stats.keyspace_misses += 1;
        }
        found
    }

    /// `lookupKeyWrite`: the value at `key`, for modification.
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Value> {
        if self.expire_if_needed(key, true) {
            return None;
        }
        self.db().dict.get_mut(key)
    }

    /// A string value for reading; WRONGTYPE for other types.
    pub fn read_str(&mut self, key: &[u8]) -> Result<Option<&Sds>, Frame> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(Frame::err(WRONGTYPE)),
        }
    }

    /// A container for reading; WRONGTYPE for other types.
    pub fn read<T: Kind>(&mut self, key: &[u8]) -> Result<Option<&T>, Frame> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(v) => T::of(v).map(Some).ok_or_else(|| Frame::err(WRONGTYPE)),
        }
    }

    /// A container for modification; WRONGTYPE for other types.
    pub fn write<T: Kind>(&mut self, key: &[u8]) -> Result<Option<&mut T>, Frame> {
        match self.lookup_write(key) {
            None => Ok(None),
            Some(v) => T::of_mut(v).map(Some).ok_or_else(|| Frame::err(WRONGTYPE)),
        }
    }

    /// A container for modification, created empty when missing. The caller
    /// must add to it (an empty container must not stay in the keyspace).
    pub fn write_or_create<T: Kind>(&mut self, key: &[u8]) -> Result<&mut T, Frame> {
        let exists = self.lookup_write(key).is_some();
        let db = self.db();
        if !exists {
            db.dict.insert(Sds::new(key), T::empty());
        }
        match db.dict.get_mut(key) {
            Some(v) => T::of_mut(v).ok_or_else(|| Frame::err(WRONGTYPE)),
            None => Err(Frame::err(WRONGTYPE)),
        }
    }

    /// Deletes `key` if it holds an empty container (Redis never keeps one).
    pub fn remove_if_empty<T: Kind>(&mut self, key: &[u8]) {
        let db = self.db();
        if db
            .dict
            .get(key)
            .and_then(T::of)
            .is_some_and(|c| c.count() == 0)
        {
            db.remove(key);
        }
    }

    /// Whether `key` exists for a write (after expiring it if needed).
    pub fn exists_for_write(&mut self, key: &[u8]) -> bool {
        self.lookup_write(key).is_some()
    }
}
