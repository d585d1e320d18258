//! The headless scenario runner.
//!
//! ```text
//! replscope run FILE [--json] [--trace FILE] [--seed N]
//! replscope lesson check FILE
//! ```
//!
//! `lesson check FILE` plays a lesson (`docs/LESSONS.md`) headless and
//! proves its claims: every step's `until:` is reached, every task is false
//! before its solution and true after. It exits 1 naming the step and the
//! line of the first claim that does not hold, 2 if the file cannot be read.
//!
//! Runs a scenario script (`-` reads it from stdin) on a fresh simulator and
//! prints each command and its reply the way redis-cli would (`A> SET foo
//! bar`, then `OK`). `--json` prints one JSON object per command instead:
//! `{"line":N,"node":"A","command":"SET foo bar","reply":R}`. `--trace FILE`
//! writes the simulator's trace as JSON lines. `--seed N` seeds the
//! simulator's RNG (default 0), which picks replication ids.
//!
//! Exit status: 0 when the script ran and every `expect` held; 1 when an
//! `expect` failed or a step could not be carried out (e.g. `settle` gave
//! up); 2 for a script that does not parse, a file that cannot be read, or
//! bad arguments.

use replscope::repl::Sim;
use replscope::scenario::{self, reply_json, StepReply};
use serde::Serialize;
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: replscope run FILE [--json] [--trace FILE] [--seed N]\
                     \n       replscope lesson check FILE\n\
                     \n  FILE          a scenario script, or - for stdin\
                     \n  --json        one JSON object per command instead of redis-cli output\
                     \n  --trace FILE  write the simulator's trace as JSON lines\
                     \n  --seed N      seed for the simulator's RNG (default 0)";

/// The parsed command line.
#[derive(Debug, Default)]
struct Options {
    file: String,
    json: bool,
    trace: Option<String>,
    seed: u64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [lesson, check, file] = args.as_slice() {
        if lesson == "lesson" && check == "check" {
            return ExitCode::from(lesson_check(file));
        }
    }
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("replscope: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    ExitCode::from(run(&options))
}

/// `lesson check FILE`: 0 when every claim holds, 1 naming the first that
/// does not, 2 when the file cannot be read.
fn lesson_check(file: &str) -> u8 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("replscope: cannot read {file}: {e}");
            return 2;
        }
    };
    let id = std::path::Path::new(file)
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
    match replscope::lesson::check(&id, &text) {
        Ok(r) => {
            println!(
                "{file}: ok, {} steps, {} tasks, {} virtual ms",
                r.steps, r.tasks, r.virtual_ms
            );
            0
        }
        Err(e) => {
            eprintln!("{file}: {e}");
            1
        }
    }
}

/// `run FILE` plus options, in any order after `run`.
fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some(other) => return Err(format!("unknown command '{other}'")),
        None => return Err("missing command".into()),
    }
    let mut options = Options::default();
    let mut file = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => options.json = true,
            "--trace" => {
                options.trace = Some(it.next().ok_or("--trace needs a file name")?.clone())
            }
            "--seed" => {
                let n = it.next().ok_or("--seed needs a number")?;
                options.seed = n
                    .parse()
                    .map_err(|_| format!("--seed: '{n}' is not a number"))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option '{flag}'")),
            name if file.is_none() => file = Some(name.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'")),
        }
    }
    options.file = file.ok_or("missing FILE")?;
    Ok(options)
}

/// Reads, parses and runs the script; returns the exit status.
fn run(options: &Options) -> u8 {
    let text = match read_script(&options.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("replscope: cannot read {}: {e}", options.file);
            return 2;
        }
    };
    let script = match scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}:{}:{}: {}", options.file, e.line, e.column, e.message);
            return 2;
        }
    };
    let mut sim = Sim::new(options.seed);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = scenario::run(&script, &mut sim, &mut |r| {
        print_reply(&mut out, r, options.json)
    });
    let _ = out.flush();
    let mut status = match result {
        Ok(summary) if summary.failures.is_empty() => 0,
        Ok(summary) => {
            for f in &summary.failures {
                eprintln!("{}: {f}", options.file);
            }
            1
        }
        Err(e) => {
            eprintln!("{}: {e}", options.file);
            1
        }
    };
    if let Some(path) = &options.trace {
        if let Err(e) = write_trace(&sim, path) {
            eprintln!("replscope: cannot write trace {path}: {e}");
            status = status.max(1);
        }
    }
    status
}

fn read_script(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

/// One `--json` line; the fields serialize in this order.
#[derive(Serialize)]
struct JsonLine<'a> {
    line: usize,
    node: &'a str,
    command: String,
    reply: serde_json::Value,
}

/// One command's output: redis-cli style, or one JSON line.
fn print_reply(out: &mut impl Write, r: &StepReply, json: bool) {
    // A closed stdout (`| head`) is not worth failing the run for.
    let _ = if json {
        let line = JsonLine {
            line: r.line,
            node: &r.command.node,
            command: r.command.line(),
            reply: reply_json(r.reply),
        };
        serde_json::to_writer(&mut *out, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        writeln!(
            out,
            "{}> {}\n{}",
            r.command.node,
            r.command.line(),
            r.rendered
        )
    };
}

/// The trace as JSON lines, one event per line.
fn write_trace(sim: &Sim, path: &str) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for event in sim.trace() {
        serde_json::to_writer(&mut out, event)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
