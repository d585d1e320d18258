//! The one condition grammar, used by `until:` (how far a step runs) and by
//! `check:` (whether a task is done).
//!
//! ```text
//! condition := clause ("and" clause)*
//! clause    := ["not"] atom
//! atom      := "phase" NODE PHASE            the sync phase of replica NODE
//!            | "info" NODE FIELD OP VALUE     a field of NODE's INFO replication
//!            | "psync" NODE RESULT            the last PSYNC answer to replica NODE
//!            | "link" A B ("up" | "down")     whether bytes can cross from A to B
//!            | "event" KIND ["on" NODE]       a trace event since the step began
//! PHASE     := none | handshake | snapshot | transfer | load | replay | streaming
//! RESULT    := continue | fullresync
//! OP        := = | != | < | <= | > | >=     (<, >: both sides read as integers)
//! ```
//!
//! `event` kinds are the trace's own names (`psync_decision`, `bgsave_started`,
//! `output_buffer_limit`, `keepalive`, `ack_received`, ...), the `type` of an
//! event in `replscope run --trace`. Reading a condition never changes the
//! world: every query goes through [`super::world`]'s read-only accessors.

use super::world;
use crate::repl::Sim;
use crate::sim::trace::Phase;

/// A parsed condition: clauses that must all hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    clauses: Vec<(bool, Atom)>,
}

/// One thing to look at.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    Phase {
        node: String,
        phase: Phase,
    },
    Info {
        node: String,
        field: String,
        op: Op,
        value: String,
    },
    Psync {
        node: String,
        result: String,
    },
    Link {
        from: String,
        to: String,
        up: bool,
    },
    Event {
        kind: String,
        node: Option<String>,
    },
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Every sync phase by its name in the trace and the view.
const PHASES: [(&str, Phase); 7] = [
    ("none", Phase::None),
    ("handshake", Phase::Handshake),
    ("snapshot", Phase::Snapshot),
    ("transfer", Phase::Transfer),
    ("load", Phase::Load),
    ("replay", Phase::Replay),
    ("streaming", Phase::Streaming),
];

impl Condition {
    /// Reads a condition; the error says what was expected.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Err("empty condition".into());
        }
        let clauses = words
            .split(|w| *w == "and")
            .map(|clause| match clause {
                ["not", rest @ ..] => Ok((true, atom(rest)?)),
                _ => Ok((false, atom(clause)?)),
            })
            .collect::<Result<_, String>>()?;
        Ok(Condition { clauses })
    }

    /// Whether every clause holds in `sim`; `since` is the trace sequence
    /// number where the step began (for `event`).
    pub fn holds(&self, sim: &Sim, since: u64) -> bool {
        self.clauses
            .iter()
            .all(|(negated, a)| a.holds(sim, since) != *negated)
    }

    /// The nodes the condition names, to check them against the lesson.
    pub fn nodes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for (_, a) in &self.clauses {
            match a {
                Atom::Phase { node, .. } | Atom::Info { node, .. } | Atom::Psync { node, .. } => {
                    out.push(node.as_str())
                }
                Atom::Link { from, to, .. } => out.extend([from.as_str(), to.as_str()]),
                Atom::Event { node, .. } => out.extend(node.as_deref()),
            }
        }
        out
    }
}

/// One atom from its words.
fn atom(words: &[&str]) -> Result<Atom, String> {
    let owned = |s: &str| s.to_string();
    match words {
        ["phase", node, phase] => {
            let phase = PHASES
                .iter()
                .find(|(n, _)| n == phase)
                .map(|(_, p)| *p)
                .ok_or_else(|| format!("unknown phase '{phase}' (expected one of {})", names()))?;
            Ok(Atom::Phase {
                node: owned(node),
                phase,
            })
        }
        ["info", node, field, op, value] => Ok(Atom::Info {
            node: owned(node),
            field: owned(field),
            op: parse_op(op)?,
            value: owned(value),
        }),
        ["psync", node, result @ ("continue" | "fullresync")] => Ok(Atom::Psync {
            node: owned(node),
            result: owned(result),
        }),
        ["link", from, to, state @ ("up" | "down")] => Ok(Atom::Link {
            from: owned(from),
            to: owned(to),
            up: *state == "up",
        }),
        ["event", kind] => Ok(Atom::Event {
            kind: owned(kind),
            node: None,
        }),
        ["event", kind, "on", node] => Ok(Atom::Event {
            kind: owned(kind),
            node: Some(owned(node)),
        }),
        _ => Err(format!(
            "cannot read '{}': expected phase NODE PHASE, info NODE FIELD OP VALUE, \
             psync NODE continue|fullresync, link A B up|down or event KIND [on NODE]",
            words.join(" ")
        )),
    }
}

fn names() -> String {
    let n: Vec<&str> = PHASES.iter().map(|(n, _)| *n).collect();
    n.join(", ")
}

fn parse_op(op: &str) -> Result<Op, String> {
    Ok(match op {
        "=" => Op::Eq,
        "!=" => Op::Ne,
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        _ => {
            return Err(format!(
                "unknown comparison '{op}' (expected = != < <= > >=)"
            ))
        }
    })
}

impl Op {
    /// Compares a field's value with the written one; an ordering needs
    /// both to be integers, equality compares the text.
    fn accepts(self, actual: &str, wanted: &str) -> bool {
        let ordered = |f: fn(&i64, &i64) -> bool| match (actual.parse(), wanted.parse()) {
            (Ok(a), Ok(w)) => f(&a, &w),
            _ => false,
        };
        match self {
            Op::Eq => actual == wanted,
            Op::Ne => actual != wanted,
            Op::Lt => ordered(i64::lt),
            Op::Le => ordered(i64::le),
            Op::Gt => ordered(i64::gt),
            Op::Ge => ordered(i64::ge),
        }
    }
}

impl Atom {
    fn holds(&self, sim: &Sim, since: u64) -> bool {
        match self {
            Atom::Phase { node, phase } => world::sync_phase(sim, node) == Some(*phase),
            Atom::Info {
                node,
                field,
                op,
                value,
            } => world::info_field(sim, node, field).is_some_and(|v| op.accepts(&v, value)),
            Atom::Psync { node, result } => {
                world::last_psync(sim, node).is_some_and(|(r, _)| r == *result)
            }
            Atom::Link { from, to, up } => world::link_up(sim, from, to) == Some(*up),
            Atom::Event { kind, node } => world::event_since(sim, since, kind, node.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_atom_and_says_what_is_wrong() {
        let c = Condition::parse("phase B load and not link A B down").unwrap();
        assert_eq!(c.nodes(), vec!["B", "A", "B"]);
        assert!(Condition::parse("info B master_link_status = up").is_ok());
        assert!(Condition::parse("event psync_decision on A").is_ok());
        let e = Condition::parse("phase B loading").unwrap_err();
        assert_eq!(
            e,
            "unknown phase 'loading' (expected one of none, handshake, snapshot, \
             transfer, load, replay, streaming)"
        );
        assert_eq!(
            Condition::parse("info B x ~ 1").unwrap_err(),
            "unknown comparison '~' (expected = != < <= > >=)"
        );
        assert!(Condition::parse("").is_err());
        assert!(Condition::parse("psync B maybe").is_err());
    }

    #[test]
    fn orderings_need_integers() {
        assert!(Op::Ge.accepts("14", "14"));
        assert!(!Op::Gt.accepts("14", "14"));
        assert!(!Op::Lt.accepts("up", "3"));
        assert!(Op::Ne.accepts("down", "up"));
    }
}
