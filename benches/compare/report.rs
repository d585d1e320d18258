//! The comparison table: one row per measurement, the real server's figure,
//! ours natively and in wasm, and the ratios, printed to stdout and saved
//! (with a description of the machine) to `bench/results/compare.txt`.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

/// What a row measures, which decides how its ratio reads.
#[derive(Clone, Copy)]
enum Unit {
    /// Seconds; the ratio is how many times faster we are (real / ours).
    Time,
    /// Operations per second; the ratio is ours / real.
    Rate,
    /// Bytes per key; the ratio is how many times less we use (real / ours).
    Bytes,
}

/// One measurement, on both sides.
pub struct Row {
    name: String,
    unit: Unit,
    real: f64,
    native: f64,
    wasm: Option<f64>,
}

impl Row {
    /// A duration (lower is better).
    pub fn time(name: &str, real: Duration, native: Duration, wasm: Option<Duration>) -> Row {
        Row {
            name: name.to_string(),
            unit: Unit::Time,
            real: real.as_secs_f64(),
            native: native.as_secs_f64(),
            wasm: wasm.map(|d| d.as_secs_f64()),
        }
    }

    /// A throughput (higher is better).
    pub fn rate(name: &str, real: f64, native: f64, wasm: Option<f64>) -> Row {
        Row {
            name: name.to_string(),
            unit: Unit::Rate,
            real,
            native,
            wasm,
        }
    }

    /// A size (lower is better).
    pub fn bytes(name: &str, real: f64, native: f64, wasm: Option<f64>) -> Row {
        Row {
            name: name.to_string(),
            unit: Unit::Bytes,
            real,
            native,
            wasm,
        }
    }

    fn show(&self, v: f64) -> String {
        match self.unit {
            Unit::Time if v < 1.0 => format!("{:.1} ms", v * 1000.0),
            Unit::Time => format!("{v:.3} s"),
            Unit::Rate => format!("{v:.0}/s"),
            Unit::Bytes => format!("{v:.1} B"),
        }
    }

    /// "4.2x faster", "6.1x", "1.3x less".
    fn ratio(&self, ours: f64) -> String {
        let r = match self.unit {
            Unit::Time | Unit::Bytes => self.real / ours,
            Unit::Rate => ours / self.real,
        };
        let word = match self.unit {
            Unit::Time => "faster",
            Unit::Rate => "the rate",
            Unit::Bytes => "smaller",
        };
        format!("{r:.2}x {word}")
    }
}

/// Rows and notes collected during a run.
pub struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report {
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a row and prints it at once (a full run takes minutes).
    pub fn row(&mut self, row: Row) {
        eprintln!("  {}", self.line(&row));
        self.rows.push(row);
    }

    /// Adds a line printed under the table.
    pub fn note(&mut self, note: &str) {
        if !note.is_empty() {
            self.notes.push(note.to_string());
        }
    }

    fn line(&self, r: &Row) -> String {
        let (wasm, wasm_ratio) = match r.wasm {
            Some(w) => (r.show(w), r.ratio(w)),
            None => ("-".to_string(), "-".to_string()),
        };
        format!(
            "| {} | {} | {} | {} | {} | {} |",
            r.name,
            r.show(r.real),
            r.show(r.native),
            r.ratio(r.native),
            wasm,
            wasm_ratio
        )
    }

    /// Prints the machine, the table and the notes, and saves them.
    pub fn finish(self) {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "replscope vs redis-server 7.0.15 (cargo bench --bench compare)\n"
        );
        let _ = writeln!(out, "{}", machine());
        let _ = writeln!(out, "| measurement | real Redis | replscope native | native vs real | replscope wasm (Node) | wasm vs real |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for r in &self.rows {
            let _ = writeln!(out, "{}", self.line(r));
        }
        for n in &self.notes {
            let _ = writeln!(out, "\n- {n}");
        }
        print!("{out}");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/results");
        let path = dir.join("compare.txt");
        match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &out)) {
            Ok(()) => eprintln!("saved {}", path.display()),
            Err(e) => eprintln!("could not save {}: {e}", path.display()),
        }
    }
}

/// CPU, cores, memory, kernel and tool versions, for the README.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!(
        "machine: {cpu}, {cores} cores, {mem_gib:.0} GiB RAM; {}; {}; {}; node {}\n",
        first_line("uname", &["-sr"]),
        first_line("rustc", &["--version"]),
        first_line("redis-server", &["--version"]),
        first_line("node", &["--version"]),
    )
}

fn first_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| format!("{cmd}: not found"))
}
