//! Text → [`Script`]: one line at a time, with the line and column of the
//! first problem.
//!
//! Command text after `A>` follows redis-cli's quoting (`sdssplitargs`,
//! through [`crate::cli::split_args`]). A `#` that starts a word outside
//! quotes begins a comment, so `SET k "#1"` must quote an argument that
//! starts with `#`. On an `expect` line the first unquoted word that
//! starts with `=>` (or `~>`) ends the command; after it, the expected reply runs to the end of
//! the line or to a later ` #` comment outside double quotes (redis-cli prints
//! bulk strings in double quotes, and error texts contain unbalanced single
//! quotes such as `can't`, so only double quotes count there).

use super::{Action, Command, LinkChange, Match, Script, ScriptError, Step};
use crate::sim::Input;

/// The longest `wait`: one virtual day. Longer is surely a typo.
const MAX_WAIT_MS: u64 = 86_400_000;
/// How long `phase` runs at most when no limit is written (10 minutes, the
/// same limit as `settle`).
const DEFAULT_PHASE_MS: u64 = 600_000;
/// The most events one `step` line may ask for.
const MAX_STEP_EVENTS: u64 = 1_000_000;
/// Node names: the simulator's own limit.
const MAX_NODE_NAME: usize = 64;
/// How many nodes a script may declare: the simulator's own limit.
const MAX_NODES: usize = crate::sim::MAX_NODES;

/// Parses a whole script. Nodes must be declared (`node A`) before a line
/// names them; `REPLICAOF X` must name a declared node (or be `NO ONE`);
/// `REPLICAOF host port` may name any host (one that is not a node does
/// not answer, as an unreachable host would not).
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    let mut parser = Parser::default();
    for (index, raw) in text.lines().enumerate() {
        let line = Line {
            no: index + 1,
            text: raw,
        };
        if let Some(action) = parser.line(&line)? {
            parser.steps.push(Step {
                line: line.no,
                action,
            });
        }
    }
    Ok(Script {
        steps: parser.steps,
    })
}

/// Parsing state: the steps so far and the nodes declared so far.
#[derive(Default)]
struct Parser {
    steps: Vec<Step>,
    nodes: Vec<String>,
}

/// One source line and its number, for error positions.
struct Line<'a> {
    no: usize,
    text: &'a str,
}

impl Line<'_> {
    /// An error at byte offset `at` of this line.
    fn err(&self, at: usize, message: impl Into<String>) -> ScriptError {
        let at = at.min(self.text.len());
        let column = self.text.get(..at).map_or(at, |s| s.chars().count()) + 1;
        ScriptError {
            line: self.no,
            column,
            message: message.into(),
        }
    }
}

/// A whitespace-separated word and its byte offset in the line.
#[derive(Clone, Copy)]
struct Word<'a> {
    at: usize,
    text: &'a str,
}

/// The plain words of a directive line, up to a `#` comment.
fn plain_words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push(Word {
                    at: s,
                    text: &text[s..i],
                });
                start = None;
            }
            (false, None) if c == '#' => break,
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    words
}

impl Parser {
    /// Parses one line; `None` for blank and comment-only lines.
    fn line(&mut self, line: &Line) -> Result<Option<Action>, ScriptError> {
        let words = plain_words(line.text);
        let Some(first) = words.first().copied() else {
            return Ok(None);
        };
        if let Some(gt) = first.text.find('>') {
            let command = self.command(line, first.at, first.at + gt)?;
            let Command { node, argv } = command;
            return Ok(Some(Action::Input(Input::Command { node, argv })));
        }
        let args = &words[1..];
        let action = match first.text {
            "node" => self.node(line, first, args)?,
            "remove" => self.remove(line, first, args)?,
            "wait" => Action::Input(Input::RunFor {
                ms: number(line, first, args, None, MAX_WAIT_MS)?,
            }),
            "settle" => no_more(line, args, Action::Input(Input::Settle))?,
            "step" => Action::Input(Input::Steps {
                n: number(line, first, args, Some(1), MAX_STEP_EVENTS)?,
            }),
            "phase" => Action::Input(Input::RunUntilPhaseChange {
                max_ms: number(line, first, args, Some(DEFAULT_PHASE_MS), MAX_WAIT_MS)?,
            }),
            "link" => self.link(line, first, args)?,
            "expect" => self.expect(line, first)?,
            "resync" => self.resync(line, first, args)?,
            "load" => self.load(line, first, args)?,
            other => {
                return Err(line.err(
                    first.at,
                    format!(
                        "unknown directive '{other}' (expected node, wait, settle, link, expect, \
                         step, phase, resync, load, remove node, or NODE> command)"
                    ),
                ))
            }
        };
        Ok(Some(action))
    }

    /// `node A`.
    fn node(&mut self, line: &Line, first: Word, args: &[Word]) -> Result<Action, ScriptError> {
        let Some(name) = args.first() else {
            return Err(line.err(
                first.at + first.text.len(),
                "missing node name after 'node'",
            ));
        };
        check_name(line, *name)?;
        if self.nodes.iter().any(|n| n == name.text) {
            return Err(line.err(name.at, format!("node '{}' is already declared", name.text)));
        }
        if self.nodes.len() >= MAX_NODES {
            return Err(line.err(name.at, format!("too many nodes (at most {MAX_NODES})")));
        }
        let action = no_more(
            line,
            &args[1..],
            Action::Input(Input::AddNode {
                name: name.text.to_string(),
            }),
        )?;
        self.nodes.push(name.text.to_string());
        Ok(action)
    }

    /// `remove node A`.
    fn remove(&mut self, line: &Line, first: Word, args: &[Word]) -> Result<Action, ScriptError> {
        match args {
            [kw, name, rest @ ..] if kw.text == "node" => {
                let name = self.known(line, *name)?;
                let action = no_more(
                    line,
                    rest,
                    Action::Input(Input::RemoveNode { name: name.clone() }),
                )?;
                self.nodes.retain(|n| *n != name);
                Ok(action)
            }
            _ => Err(line.err(first.at, "expected 'remove node NAME'")),
        }
    }

    /// `resync B` / `resync B legacy`.
    fn resync(&self, line: &Line, first: Word, args: &[Word]) -> Result<Action, ScriptError> {
        let Some(name) = args.first() else {
            return Err(line.err(
                first.at + first.text.len(),
                "missing node name after 'resync'",
            ));
        };
        let node = self.known(line, *name)?;
        let (legacy, rest) = match &args[1..] {
            [w, rest @ ..] if w.text == "legacy" => (true, rest),
            rest => (false, rest),
        };
        no_more(line, rest, Action::Input(Input::Resync { node, legacy }))
    }

    /// `load A 200`: A writes 200 times a virtual second (0 stops it).
    fn load(&self, line: &Line, first: Word, args: &[Word]) -> Result<Action, ScriptError> {
        let [name, rate, rest @ ..] = args else {
            return Err(line.err(
                first.at + first.text.len(),
                "expected 'load NODE WRITES_PER_S'",
            ));
        };
        let node = self.known(line, *name)?;
        let max = u64::from(crate::repl::write_load::MAX_PER_S);
        let per_s = parse_u64(line, *rate, max)? as u32;
        no_more(line, rest, Action::Input(Input::Load { node, per_s }))
    }

    /// `link A B down|down oneway|up|latency MS|bandwidth N|bandwidth unlimited`.
    fn link(&self, line: &Line, first: Word, args: &[Word]) -> Result<Action, ScriptError> {
        let usage = "expected 'link A B down|up|latency MS|bandwidth BYTES_PER_S'";
        let [a, b, what, rest @ ..] = args else {
            return Err(line.err(first.at + first.text.len(), usage));
        };
        let a_name = self.known(line, *a)?;
        let b_name = self.known(line, *b)?;
        if a_name == b_name {
            return Err(line.err(b.at, "a link joins two different nodes"));
        }
        let (change, rest) = match (what.text, rest) {
            ("down", [w, rest @ ..]) if w.text == "oneway" => (LinkChange::DownOneWay, rest),
            ("down", rest) => (LinkChange::Down, rest),
            ("up", rest) => (LinkChange::Up, rest),
            ("latency", [ms, rest @ ..]) => (
                LinkChange::LatencyMs(parse_u64(line, *ms, MAX_WAIT_MS)?),
                rest,
            ),
            ("bandwidth", [n, rest @ ..]) if n.text == "unlimited" => {
                (LinkChange::BandwidthBytesPerS(None), rest)
            }
            ("bandwidth", [n, rest @ ..]) => {
                let bps = parse_u64(line, *n, u64::MAX)?;
                if bps == 0 {
                    return Err(line.err(
                        n.at,
                        "bandwidth must be at least 1 byte per second (or 'unlimited')",
                    ));
                }
                (LinkChange::BandwidthBytesPerS(Some(bps)), rest)
            }
            ("latency" | "bandwidth", []) => {
                let end = what.at + what.text.len();
                return Err(line.err(end, format!("missing value after '{}'", what.text)));
            }
            _ => {
                return Err(line.err(
                    what.at,
                    format!("unknown link change '{}': {usage}", what.text),
                ))
            }
        };
        no_more(
            line,
            rest,
            Action::Input(Input::Link {
                a: a_name,
                b: b_name,
                change,
            }),
        )
    }

    /// `expect A> CMD => EXPECTED` (or `~>`).
    fn expect(&self, line: &Line, first: Word) -> Result<Action, ScriptError> {
        let rest_at = first.at + first.text.len();
        let target = plain_words(&line.text[rest_at..]);
        let Some(node_word) = target.first() else {
            return Err(line.err(rest_at, "expected 'expect NODE> COMMAND => REPLY'"));
        };
        let start = rest_at + node_word.at;
        let Some(gt) = node_word.text.find('>') else {
            return Err(line.err(start, "expected 'NODE>' after 'expect'"));
        };
        let scan = scan_command(line, start + gt + 1, true)?;
        let Some((arrow_at, matching)) = scan.arrow else {
            return Err(line.err(scan.end, "missing '=>' and the expected reply"));
        };
        let command = self.command_from(line, start, start + gt, &scan)?;
        let after = arrow_at + 2;
        let expected = expected_text(&line.text[after..]).trim();
        if expected.is_empty() {
            return Err(line.err(after, "missing the expected reply after the arrow"));
        }
        Ok(Action::Expect {
            command,
            matching,
            expected: expected.to_string(),
        })
    }

    /// `A> COMMAND...` where the name spans `name_at..gt_at`.
    fn command(&self, line: &Line, name_at: usize, gt_at: usize) -> Result<Command, ScriptError> {
        let scan = scan_command(line, gt_at + 1, false)?;
        self.command_from(line, name_at, gt_at, &scan)
    }

    /// Builds a command from a scanned line, checking the node and REPLICAOF's target.
    fn command_from(
        &self,
        line: &Line,
        name_at: usize,
        gt_at: usize,
        scan: &Scan,
    ) -> Result<Command, ScriptError> {
        let name = Word {
            at: name_at,
            text: &line.text[name_at..gt_at],
        };
        if name.text.is_empty() {
            return Err(line.err(gt_at, "missing node name before '>'"));
        }
        let node = self.known(line, name)?;
        let Some(first_arg) = scan.words.first() else {
            return Err(line.err(gt_at + 1, format!("missing command after '{node}>'")));
        };
        let argv = crate::cli::split_args(&line.text[*first_arg..scan.end])
            .map_err(|e| line.err(*first_arg, e))?;
        self.check_replicaof(line, &argv, &scan.words)?;
        Ok(Command { node, argv })
    }

    /// `REPLICAOF X` must name a declared node; `NO ONE` and any host with
    /// a port are always fine.
    fn check_replicaof(
        &self,
        line: &Line,
        argv: &[Vec<u8>],
        at: &[usize],
    ) -> Result<(), ScriptError> {
        let is_replicaof = argv.first().is_some_and(|c| {
            c.eq_ignore_ascii_case(b"replicaof") || c.eq_ignore_ascii_case(b"slaveof")
        });
        let (Some(target), Some(target_at)) = (argv.get(1), at.get(1)) else {
            return Ok(());
        };
        let no_one = target.eq_ignore_ascii_case(b"no")
            && argv.get(2).is_some_and(|a| a.eq_ignore_ascii_case(b"one"));
        if !is_replicaof
            || no_one
            || argv.len() > 2
            || self.nodes.iter().any(|n| n.as_bytes() == target.as_slice())
        {
            return Ok(());
        }
        Err(line.err(
            *target_at,
            format!(
                "no node named '{}': REPLICAOF names a node declared with 'node NAME' (or NO ONE)",
                String::from_utf8_lossy(target)
            ),
        ))
    }

    /// A declared node's name, or an error at the word.
    fn known(&self, line: &Line, word: Word) -> Result<String, ScriptError> {
        if self.nodes.iter().any(|n| n == word.text) {
            Ok(word.text.to_string())
        } else {
            Err(line.err(
                word.at,
                format!(
                    "no node named '{}' (declare it first with 'node {}')",
                    word.text, word.text
                ),
            ))
        }
    }
}

/// Node names: 1 to 64 ASCII letters, digits, `_` or `-` (what the
/// simulator accepts).
fn check_name(line: &Line, word: Word) -> Result<(), ScriptError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-');
    if let Some((i, c)) = word.text.char_indices().find(|(_, c)| !ok_char(*c)) {
        return Err(line.err(
            word.at + i,
            format!("'{c}' is not allowed in a node name (use letters, digits, '_', '-')"),
        ));
    }
    if word.text.len() > MAX_NODE_NAME {
        return Err(line.err(
            word.at,
            format!("node names are at most {MAX_NODE_NAME} characters"),
        ));
    }
    Ok(())
}

/// Fails if anything but a comment follows the directive's arguments.
fn no_more(line: &Line, rest: &[Word], action: Action) -> Result<Action, ScriptError> {
    match rest.first() {
        None => Ok(action),
        Some(w) => Err(line.err(
            w.at,
            format!("unexpected '{}' at the end of the line", w.text),
        )),
    }
}

/// The one numeric argument of `wait` / `step` / `phase`, or its default.
fn number(
    line: &Line,
    first: Word,
    args: &[Word],
    default: Option<u64>,
    max: u64,
) -> Result<u64, ScriptError> {
    match (args, default) {
        ([], Some(d)) => Ok(d),
        ([], None) => Err(line.err(
            first.at + first.text.len(),
            format!("missing a number after '{}'", first.text),
        )),
        ([n, rest @ ..], _) => {
            let value = parse_u64(line, *n, max)?;
            no_more(line, rest, Action::Input(Input::Settle))?;
            Ok(value)
        }
    }
}

/// A decimal number no larger than `max`.
fn parse_u64(line: &Line, word: Word, max: u64) -> Result<u64, ScriptError> {
    let value = if word.text.bytes().all(|b| b.is_ascii_digit()) {
        word.text.parse::<u64>().ok()
    } else {
        None
    };
    match value {
        Some(v) if v <= max => Ok(v),
        Some(_) => Err(line.err(
            word.at,
            format!("'{}' is too large (at most {max})", word.text),
        )),
        None => Err(line.err(word.at, format!("'{}' is not a whole number", word.text))),
    }
}

/// Where a command's words lie, where it ends, and the arrow of an `expect`.
struct Scan {
    /// Byte offsets of each argument's first character.
    words: Vec<usize>,
    /// Byte offset where the command text ends (comment, arrow or line end).
    end: usize,
    /// The `=>` / `~>` word, if looked for and found.
    arrow: Option<(usize, Match)>,
}

/// Walks a command's words from `from` with sdssplitargs's quote rules,
/// stopping at a `#` comment word, or (for `expect`) at an arrow word.
fn scan_command(line: &Line, from: usize, find_arrow: bool) -> Result<Scan, ScriptError> {
    let b = line.text.as_bytes();
    let mut scan = Scan {
        words: Vec::new(),
        end: b.len(),
        arrow: None,
    };
    let mut i = from;
    loop {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        match (b.get(i), b.get(i + 1)) {
            (None, _) | (Some(b'#'), _) => {
                scan.end = i;
                return Ok(scan);
            }
            (Some(b'=' | b'~'), Some(b'>')) if find_arrow => {
                let matching = if b[i] == b'=' {
                    Match::Whole
                } else {
                    Match::Line
                };
                scan.arrow = Some((i, matching));
                scan.end = i;
                return Ok(scan);
            }
            _ => {}
        }
        scan.words.push(i);
        i = skip_word(line, i)?;
    }
}

/// The end of the word starting at `start` (sdssplitargs: a quote opens
/// anywhere in a word, and the closing quote must end the word).
fn skip_word(line: &Line, start: usize) -> Result<usize, ScriptError> {
    let b = line.text.as_bytes();
    let mut i = start;
    let mut open: Option<(u8, usize)> = None;
    loop {
        let c = b.get(i).copied();
        match (open, c) {
            (None, None) => return Ok(i),
            (None, Some(c)) if c.is_ascii_whitespace() => return Ok(i),
            (None, Some(q @ (b'"' | b'\''))) => open = Some((q, i)),
            (Some((q, at)), None) => {
                let kind = if q == b'"' { "double" } else { "single" };
                return Err(line.err(at, format!("unbalanced {kind} quotes")));
            }
            (Some((b'"', _)), Some(b'\\')) if i + 1 < b.len() => i += 1,
            (Some((b'\'', _)), Some(b'\\')) if b.get(i + 1) == Some(&b'\'') => i += 1,
            (Some((q, _)), Some(c)) if c == q => {
                if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                    return Err(line.err(i + 1, "a closing quote must be followed by a space"));
                }
                return Ok(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
}

/// The expected reply: up to a `#` that starts a later word outside double
/// quotes. The reply's own first word may start with `#`, since INFO lines
/// such as `# Replication` do; a comment needs something before it.
fn expected_text(text: &str) -> &str {
    let b = text.as_bytes();
    let first = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let mut in_quotes = false;
    let mut i = first;
    while i < b.len() {
        match b[i] {
            b'\\' if in_quotes => i += 1,
            b'"' => in_quotes = !in_quotes,
            b'#' if !in_quotes && i > first && b[i - 1].is_ascii_whitespace() => return &text[..i],
            _ => {}
        }
        i += 1;
    }
    text
}
