//! Per-replica sync timelines, read off the trace: which steps of its
//! latest sync a replica went through, and when.
//!
//! Every trace event names the replica it concerns and the sync [`Phase`]
//! it belongs to. A sync starts when the replica's link state machine
//! starts over (`repl_state` → `connect`); then each event of a later phase
//! (snapshot, transfer, load, replay, streaming) is the start of that step.
//! Events of an earlier phase within one sync (the replica reading
//! `+FULLRESYNC` after the master already started sending the RDB) do not
//! move the timeline back, and bookkeeping events (state changes, ACKs)
//! do not move it forward: they are labelled with the state's usual phase
//! (`connected` is streaming) even when the replica is still waiting for
//! its buffered writes. After reading the trace, each replica's current
//! phase as the simulator sees it ([`World::sync_phase`]) is taken in too,
//! for a step no event announces (streaming with no write yet). Such a step
//! begins at the latest event of the steps before it (the last replayed
//! write), not at the moment the page looked: the page looks once per
//! animation frame, so that moment depends on the playback speed, while
//! the event's time is the same however time was sliced.
//!
//! The page's sync panel lights the steps from this, so a step that lasted
//! no virtual time at all (the load) is still shown as passed — sampling
//! the view once per animation frame would miss it.

use crate::repl::World;
use crate::sim::trace::{Event, Kind, Phase};
use serde::Serialize;

/// One step reached: its phase and the first event that showed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct SyncStep {
    /// The step.
    pub phase: Phase,
    /// Virtual time it began.
    pub time_ms: u64,
    /// The trace event that began it.
    pub seq: u64,
}

/// The latest sync of one replica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Timeline {
    /// The replica.
    pub replica: String,
    /// `full` once a snapshot, transfer or load was seen; `partial` once
    /// the replica went from the handshake straight to replaying the
    /// backlog; empty while undecided.
    pub kind: &'static str,
    /// The steps reached, in order.
    pub steps: Vec<SyncStep>,
    /// RDB payload bytes received so far (from the replica's chunk events).
    pub rdb_received: u64,
    /// RDB payload size (0 before the master started sending one).
    pub rdb_total: u64,
    /// Virtual time of the latest event of a step already reached: where
    /// a step that no event announces begins (see [`Timelines::sample`]).
    #[serde(skip)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(skip))]
    settled_ms: u64,
}

impl Timeline {
    fn new(replica: &str, step: SyncStep) -> Timeline {
        Timeline {
            replica: replica.to_string(),
            kind: "",
            rdb_received: 0,
            rdb_total: 0,
            settled_ms: step.time_ms,
            steps: vec![step],
        }
    }

    fn last_phase(&self) -> Phase {
        self.steps.last().map_or(Phase::None, |s| s.phase)
    }

    /// Follows the RDB payload: its size when the master starts sending
    /// it, then what the replica has read of it.
    fn absorb_rdb(&mut self, kind: &Kind) {
        match kind {
            Kind::RdbSendStarted { bytes, .. } => (self.rdb_received, self.rdb_total) = (0, *bytes),
            Kind::RdbChunk {
                received, total, ..
            } => (self.rdb_received, self.rdb_total) = (*received, *total),
            _ => {}
        }
    }

    /// Takes in one event about this replica.
    fn absorb(&mut self, mut step: SyncStep) {
        if step.phase <= self.last_phase() {
            self.settled_ms = self.settled_ms.max(step.time_ms);
            return;
        }
        // A replica is online from the moment it applied the last write
        // of its replay (or, with nothing to replay, from the flush or
        // +CONTINUE that began it), not from the next write it streams.
        if step.phase == Phase::Streaming && self.last_phase() == Phase::Replay {
            step.time_ms = self.settled_ms;
        }
        self.settled_ms = step.time_ms;
        if self.kind.is_empty() {
            self.kind = match step.phase {
                Phase::Snapshot | Phase::Transfer | Phase::Load => "full",
                Phase::Replay | Phase::Streaming => "partial",
                Phase::None | Phase::Handshake => "",
            };
        }
        self.steps.push(step);
    }
}

/// Events that record a state change or an acknowledgement: labelled with
/// the state's usual phase, which is not always the step the sync is in.
fn is_bookkeeping(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::ReplState { .. }
            | Kind::SlaveState { .. }
            | Kind::AckSent { .. }
            | Kind::AckReceived { .. }
            | Kind::CachedMaster { .. }
            | Kind::BacklogCreated { .. }
            | Kind::Keepalive
    )
}

/// Every replica's latest sync, and how far into the trace they are read.
#[derive(Clone, Debug, Default)]
pub struct Timelines {
    /// Sorted by replica name. A sorted `Vec` rather than a `BTreeMap`:
    /// there are at most `sim::MAX_NODES` of them, and every distinct
    /// `BTreeMap` type adds its own copy of the tree code to the page's
    /// wasm module.
    by_replica: Vec<Timeline>,
    /// The next trace sequence number to read.
    next_seq: u64,
}

impl Timelines {
    /// Reads the events of `trace` not read yet (`trace` is the simulator's
    /// held trace, ordered by `seq`).
    pub fn absorb(&mut self, trace: &[Event]) {
        let skip = trace.partition_point(|e| e.seq < self.next_seq);
        for e in &trace[skip..] {
            self.absorb_event(e);
        }
        if let Some(last) = trace.last() {
            self.next_seq = self.next_seq.max(last.seq + 1);
        }
    }

    fn absorb_event(&mut self, e: &Event) {
        let Some(replica) = e.replica.as_deref() else {
            return;
        };
        let starts = matches!(&e.kind, Kind::ReplState { to, .. } if to == "connect");
        if e.phase == Phase::None || (!starts && is_bookkeeping(&e.kind)) {
            return;
        }
        let step = SyncStep {
            phase: e.phase,
            time_ms: e.time_ms,
            seq: e.seq,
        };
        match self.find(replica) {
            Ok(i) if !starts => {
                let t = &mut self.by_replica[i];
                t.absorb(step);
                t.absorb_rdb(&e.kind);
            }
            Ok(i) => self.by_replica[i] = Timeline::new(replica, step),
            Err(i) => self.by_replica.insert(i, Timeline::new(replica, step)),
        }
    }

    /// Takes in each replica's current phase in `world` (see the module
    /// docs); `next_seq` is the trace's next sequence number.
    pub fn sample(&mut self, world: &World, next_seq: u64) {
        for n in world.nodes.values() {
            let phase = world.sync_phase(n);
            if phase == Phase::None {
                continue;
            }
            match self.find(&n.name) {
                Ok(i) => {
                    let t = &mut self.by_replica[i];
                    if phase > t.last_phase() {
                        let time_ms = t.settled_ms;
                        t.absorb(SyncStep {
                            phase,
                            time_ms,
                            seq: next_seq,
                        });
                    }
                }
                Err(i) => {
                    let step = SyncStep {
                        phase,
                        time_ms: world.now_ms,
                        seq: next_seq,
                    };
                    self.by_replica.insert(i, Timeline::new(&n.name, step));
                }
            }
        }
    }

    /// Forgets everything and reads `trace` again (after a step back
    /// rewound it, or a new world replaced the old).
    pub fn rebuild(&mut self, trace: &[Event]) {
        *self = Timelines::default();
        self.absorb(trace);
    }

    /// The timelines, by replica name.
    pub fn all(&self) -> Vec<Timeline> {
        self.by_replica.clone()
    }

    /// Where `replica`'s timeline is, or would go.
    fn find(&self, replica: &str) -> Result<usize, usize> {
        self.by_replica
            .binary_search_by(|t| t.replica.as_str().cmp(replica))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: u64, replica: &str, phase: Phase) -> Event {
        Event {
            seq,
            time_ms: seq * 10,
            node: "A".into(),
            replica: Some(replica.into()),
            phase,
            kind: Kind::Flush { keys: 0 },
            message: None,
        }
    }

    fn start(seq: u64, replica: &str) -> Event {
        let kind = Kind::ReplState {
            from: "none".into(),
            to: "connect".into(),
        };
        Event {
            kind,
            ..ev(seq, replica, Phase::Handshake)
        }
    }

    fn phases(t: &Timelines, r: &str) -> (Vec<Phase>, &'static str) {
        let tl = t.find(r).ok().map(|i| &t.by_replica[i]);
        (
            tl.map(|t| t.steps.iter().map(|s| s.phase).collect())
                .unwrap_or_default(),
            tl.map_or("", |t| t.kind),
        )
    }

    #[test]
    fn a_full_sync_then_a_partial_one() {
        use Phase::*;
        let mut t = Timelines::default();
        let full = [
            Handshake, Snapshot, Transfer, Handshake, Snapshot, Transfer, Load, Replay, Streaming,
            Streaming,
        ];
        let mut trace = vec![start(0, "B")];
        trace.extend(
            full.iter()
                .enumerate()
                .map(|(i, p)| ev(i as u64 + 1, "B", *p)),
        );
        t.absorb(&trace[..4]);
        t.absorb(&trace);
        assert_eq!(
            phases(&t, "B"),
            (
                vec![Handshake, Snapshot, Transfer, Load, Replay, Streaming],
                "full"
            )
        );
        assert_eq!(
            t.all()[0].steps[2],
            SyncStep {
                phase: Transfer,
                time_ms: 30,
                seq: 3
            }
        );
        t.absorb(&[
            start(20, "B"),
            ev(21, "B", Handshake),
            ev(22, "B", Replay),
            ev(23, "B", Streaming),
        ]);
        assert_eq!(
            phases(&t, "B"),
            (vec![Handshake, Replay, Streaming], "partial")
        );
    }

    #[test]
    fn the_rdb_is_followed_from_its_size_to_its_last_chunk() {
        let mut t = Timelines::default();
        let sent = Event {
            kind: Kind::RdbSendStarted {
                bytes: 900,
                preamble: "$EOF:x".into(),
            },
            ..ev(2, "B", Phase::Transfer)
        };
        let chunk = Event {
            kind: Kind::RdbChunk {
                bytes: 300,
                received: 300,
                total: 850,
            },
            ..ev(3, "B", Phase::Transfer)
        };
        t.absorb(&[start(1, "B"), sent]);
        assert_eq!((t.all()[0].rdb_received, t.all()[0].rdb_total), (0, 900));
        t.absorb(&[chunk]);
        assert_eq!((t.all()[0].rdb_received, t.all()[0].rdb_total), (300, 850));
        t.absorb(&[start(4, "B")]);
        assert_eq!(t.all()[0].rdb_total, 0, "a new sync starts afresh");
    }

    #[test]
    fn bookkeeping_events_do_not_advance_a_sync() {
        use Phase::*;
        let mut t = Timelines::default();
        let ack = Event {
            kind: Kind::AckSent { offset: 1 },
            ..ev(2, "B", Streaming)
        };
        t.absorb(&[start(1, "B"), ack, ev(3, "B", Load)]);
        assert_eq!(phases(&t, "B"), (vec![Handshake, Load], "full"));
    }

    #[test]
    fn events_without_a_replica_or_phase_are_ignored_and_rebuild_starts_over() {
        use Phase::*;
        let mut t = Timelines::default();
        let mut e = ev(0, "B", Handshake);
        e.replica = Option::None;
        t.absorb(&[e, ev(1, "C", None), ev(2, "C", Handshake)]);
        assert_eq!(phases(&t, "C"), (vec![Handshake], ""));
        assert_eq!(t.all().len(), 1);
        t.rebuild(&[start(5, "D")]);
        assert_eq!(t.all().len(), 1);
        assert_eq!(t.all()[0].replica, "D");
    }
}
