//! The headless scenario runner.
//!
//! ```text
//! replscope run FILE [--json] [--trace FILE] [--seed N]
//! replscope lesson check FILE
//! replscope transcript SCRIPT --node B [--json]
//! replscope rdb inspect FILE [--json]
//! replscope rdb save SCRIPT --node A -o FILE [--virtual-clock]
//! ```
//!
//! `transcript SCRIPT --node B` runs the script and prints every byte of
//! each replication connection B took part in (as replica or as master),
//! both ways in arrival order; `--json` prints one line per connection,
//! `{"conn":1,"master":"A","replica":"B","to_master":"<base64>",
//! "to_replica":"<base64>",...}`, the two streams whole.
//!
//! `rdb inspect FILE` lists an RDB file item by item with its byte ranges
//! (`replscope::rdb::inspect`): header, AUX fields, SELECTDB, RESIZEDB,
//! each key with its type, encoding and expiry, EOF, CRC-64; `--json`
//! prints the same as one JSON object. A file a real server would refuse
//! exits 1 with the byte offset of what is wrong.
//!
//! `rdb save SCRIPT --node A -o FILE` runs the script and writes node A's
//! dataset as its BGSAVE would. The simulator's clock starts in the past,
//! so by default every time in the file (ctime, expiries) is moved to the
//! present, and a real server loading it keeps each key's TTL;
//! `--virtual-clock` writes the simulator's own times. It says which.
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

use replscope::repl::snapshot::ExportClock;
use replscope::repl::Sim;
use replscope::scenario::{self, reply_json, StepReply};
use serde::Serialize;
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: replscope run FILE [--json] [--trace FILE] [--seed N]\
                     \n       replscope lesson check FILE\
                     \n       replscope transcript SCRIPT --node B [--json]\
                     \n       replscope rdb inspect FILE [--json]\
                     \n       replscope rdb save SCRIPT --node A -o FILE [--virtual-clock]\n\
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
    if args.first().map(String::as_str) == Some("transcript") {
        return ExitCode::from(report(transcript(&args[1..])));
    }
    if args.first().map(String::as_str) == Some("rdb") {
        return ExitCode::from(rdb_command(&args[1..]));
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

/// `rdb inspect …` and `rdb save …`: 0 done, 1 a bad file or a script
/// that failed, 2 bad arguments or a file that cannot be read or written.
fn rdb_command(args: &[String]) -> u8 {
    report(match args.first().map(String::as_str) {
        Some("inspect") => rdb_inspect(&args[1..]),
        Some("save") => rdb_save(&args[1..]),
        _ => Err((2, "rdb needs 'inspect' or 'save'".to_string())),
    })
}

/// The exit status of a subcommand, its message printed.
fn report(result: Result<(), Failure>) -> u8 {
    match result {
        Ok(()) => 0,
        Err((code, message)) => {
            eprintln!("replscope: {message}");
            if code == 2 {
                eprintln!("{USAGE}");
            }
            code
        }
    }
}

type Failure = (u8, String);

fn rdb_inspect(args: &[String]) -> Result<(), Failure> {
    let (file, json) = match args {
        [file] => (file, false),
        [file, flag] | [flag, file] if flag == "--json" => (file, true),
        _ => return Err((2, "rdb inspect needs FILE and optionally --json".into())),
    };
    let bytes = std::fs::read(file).map_err(|e| (2, format!("cannot read {file}: {e}")))?;
    let seen = replscope::rdb::inspect::inspect(&bytes).map_err(|e| (1, format!("{file}: {e}")))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = if json {
        serde_json::to_writer(&mut out, &seen)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        writeln!(
            out,
            "{file}: RDB version {}, {} bytes",
            seen.version, seen.bytes
        )
        .and_then(|()| seen.items.iter().try_for_each(|s| writeln!(out, "{s}")))
    };
    let _ = out.flush();
    Ok(())
}

fn rdb_save(args: &[String]) -> Result<(), Failure> {
    let (mut script, mut node, mut output, mut virtual_clock) = (None, None, None, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--node" => node = it.next(),
            "-o" => output = it.next(),
            "--virtual-clock" => virtual_clock = true,
            flag if flag.starts_with('-') && flag != "-" => {
                return Err((2, format!("unknown option '{flag}'")))
            }
            _ if script.is_none() => script = Some(arg),
            extra => return Err((2, format!("unexpected argument '{extra}'"))),
        }
    }
    let (Some(script), Some(node), Some(output)) = (script, node, output) else {
        return Err((2, "rdb save needs SCRIPT, --node NAME and -o FILE".into()));
    };
    let mut sim = Sim::new(0);
    run_quietly(script, &mut sim)?;
    let n = sim
        .node(node)
        .ok_or_else(|| (1, format!("{script} declares no node {node}")))?;
    let virtual_ms = replscope::net::unix_ms(sim.now_ms());
    let (clock, said) = if virtual_clock {
        (ExportClock::Virtual, "the simulator's clock")
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        (ExportClock::Present(now), "times moved to the present")
    };
    let bytes = n.export_rdb(virtual_ms, clock);
    std::fs::write(output, &bytes).map_err(|e| (2, format!("cannot write {output}: {e}")))?;
    println!("{output}: {node}'s dataset, {} bytes, {said}", bytes.len());
    Ok(())
}

/// Runs a script file on `sim`, printing nothing; a failed `expect` or
/// step is an error.
fn run_quietly(script: &str, sim: &mut Sim) -> Result<(), Failure> {
    let text = read_script(script).map_err(|e| (2, format!("cannot read {script}: {e}")))?;
    let parsed = scenario::parse(&text).map_err(|e| {
        (
            2,
            format!("{script}:{}:{}: {}", e.line, e.column, e.message),
        )
    })?;
    let summary =
        scenario::run(&parsed, sim, &mut |_| {}).map_err(|e| (1, format!("{script}: {e}")))?;
    match summary.failures.first() {
        Some(f) => Err((1, format!("{script}: {f}"))),
        None => Ok(()),
    }
}

/// `transcript SCRIPT --node B [--json]`.
fn transcript(args: &[String]) -> Result<(), Failure> {
    let (mut script, mut node, mut json) = (None, None, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--node" => node = it.next(),
            "--json" => json = true,
            flag if flag.starts_with('-') && flag != "-" => {
                return Err((2, format!("unknown option '{flag}'")))
            }
            _ if script.is_none() => script = Some(arg),
            extra => return Err((2, format!("unexpected argument '{extra}'"))),
        }
    }
    let (Some(script), Some(node)) = (script, node) else {
        return Err((2, "transcript needs SCRIPT and --node NAME".into()));
    };
    let mut sim = Sim::new(0);
    sim.record_wire();
    run_quietly(script, &mut sim)?;
    let conns = replscope::transcript::connection::connections(&sim, node).unwrap_or_default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for c in &conns {
        let _ = if json {
            serde_json::to_writer(&mut out, c)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        } else {
            write!(out, "{}", c.text())
        };
    }
    let _ = out.flush();
    Ok(())
}
