//! Shrinking a differing script: drop actions (whole generator actions, so
//! a MULTI block or a cut with its settle goes as one) while the script
//! still differs from real Redis in the same command, halving the chunk
//! size as in delta debugging, within a time budget. A candidate that
//! would make a replication loop (dropping a re-pointing can) is skipped.

use super::gen::Generated;
use super::{judge, verb, Verdict};
use replscope::scenario::{parse, Action, Input, Script};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The smallest script found and how many actions it kept.
pub struct Minimised {
    /// The script text.
    pub text: String,
    /// Actions kept, of how many.
    pub kept: (usize, usize),
    /// True when the time budget ran out first.
    pub out_of_time: bool,
}

/// Minimises `generated`, whose first difference was in `first_verb`.
pub fn minimise(generated: &Generated, first_verb: &str, budget: Duration) -> Minimised {
    let start = Instant::now();
    let total = generated.actions.len();
    let mut keep = vec![true; total];
    let mut chunk = total.div_ceil(2).max(1);
    let mut out_of_time = false;
    'outer: loop {
        let mut at = 0;
        loop {
            let kept: Vec<usize> = (0..total).filter(|&i| keep[i]).collect();
            if at >= kept.len() {
                break;
            }
            if start.elapsed() > budget {
                out_of_time = true;
                break 'outer;
            }
            let mut candidate = keep.clone();
            for &i in kept.iter().skip(at).take(chunk) {
                candidate[i] = false;
            }
            if still_differs(&generated.text_with(&candidate), first_verb) {
                keep = candidate;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    Minimised {
        text: generated.text_with(&keep),
        kept: (keep.iter().filter(|k| **k).count(), total),
        out_of_time,
    }
}

fn still_differs(text: &str, first_verb: &str) -> bool {
    let Ok(script) = parse(text) else {
        return false;
    };
    if makes_a_loop(&script) {
        return false;
    }
    match judge(text, false) {
        Verdict::Differs(ms) => ms.first().is_some_and(|m| verb(m) == first_verb),
        _ => false,
    }
}

/// True when the script's `REPLICAOF` lines ever make a replication loop.
pub fn makes_a_loop(script: &Script) -> bool {
    let mut master: BTreeMap<String, String> = BTreeMap::new();
    for step in &script.steps {
        let Action::Input(Input::Command { node, argv }) = &step.action else {
            continue;
        };
        let is_replicaof = argv.first().is_some_and(|w| {
            w.eq_ignore_ascii_case(b"replicaof") || w.eq_ignore_ascii_case(b"slaveof")
        });
        if !is_replicaof || argv.len() < 2 {
            continue;
        }
        let target = String::from_utf8_lossy(&argv[1]).into_owned();
        if target.eq_ignore_ascii_case("no") {
            master.remove(node);
            continue;
        }
        master.insert(node.clone(), target);
        let mut at = node.clone();
        for _ in 0..=master.len() {
            match master.get(&at) {
                Some(m) if m == node => return true,
                Some(m) => at = m.clone(),
                None => break,
            }
        }
    }
    false
}
