//! The wasm column: runs `bench/wasm/run.mjs` under Node on the
//! `--target nodejs` build of `bench/wasm` and reads its results, one JSON
//! object per line: `{"key":"full_sync:1000000:1","ms":812.5}` or
//! `{"key":"memory:1000000","value":71.3}`.
//!
//! It runs before the native measurements, in its own process, so the two
//! never compete for the CPU or the memory.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Results by key, and a note for the report.
pub struct Results {
    values: BTreeMap<String, f64>,
    /// Why the column is empty, or how it was produced.
    pub note: String,
}

impl Results {
    /// A timing in milliseconds, as a duration.
    pub fn time(&self, key: &str) -> Option<Duration> {
        self.values
            .get(key)
            .map(|ms| Duration::from_secs_f64(ms / 1000.0))
    }

    /// A plain value.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.values.get(key).copied()
    }
}

/// Runs the Node benchmark with `sizes` (JSON) if `REPLSCOPE_WASM_PKG` names a built package.
pub fn run(sizes: &str) -> Results {
    let empty = |note: &str| Results {
        values: BTreeMap::new(),
        note: note.to_string(),
    };
    let Ok(pkg) = std::env::var("REPLSCOPE_WASM_PKG") else {
        return empty("wasm column not measured: run `make bench`, which builds bench/wasm and sets REPLSCOPE_WASM_PKG");
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/wasm/run.mjs");
    eprintln!("measuring: wasm under Node ({pkg})");
    let output = match Command::new("node")
        .arg(&script)
        .arg(&pkg)
        .arg(sizes)
        .output()
    {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!("{}", String::from_utf8_lossy(&o.stderr));
            return empty("wasm benchmark failed (see stderr above)");
        }
        Err(e) => return empty(&format!("wasm benchmark not run: node: {e}")),
    };
    let mut values = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let key = v["key"].as_str().unwrap_or_default().to_string();
        if let Some(x) = v["ms"].as_f64().or_else(|| v["value"].as_f64()) {
            values.insert(key, x);
        }
    }
    Results {
        values,
        note:
            "wasm: release build of bench/wasm (same workload code) under Node, `--target nodejs`"
                .into(),
    }
}
