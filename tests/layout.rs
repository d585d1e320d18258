//! The import rule of the simulator: `src/sim/` moves bytes and time and
//! must not know what runs on the nodes, so none of its files may name a
//! Redis module. The two uses still left (the node type the world holds,
//! the node's timers in the queue) are listed; each must still be true,
//! so the list shrinks as they go and cannot hide a new one.

use std::path::Path;

/// Modules `src/sim/` must not name.
const FORBIDDEN: &[&str] = &[
    "crate::repl",
    "crate::cmd",
    "crate::server",
    "crate::view",
    "crate::playground",
    "crate::node",
];

/// Uses not removed yet: (file under src/sim/, the text it still holds).
/// Empty: the nodes are actors behind `sim::Actor`, so nothing is left.
const NOT_YET: &[(&str, &str)] = &[];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/sim exists") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_simulator_names_no_redis_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    assert!(paths.len() >= 8, "found only {paths:?}");
    let mut found = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable source");
        let name = path.strip_prefix(&root).expect("under src/sim");
        let name = name.to_string_lossy().replace('\\', "/");
        for module in FORBIDDEN {
            if text.contains(module) {
                found.push((name.clone(), module.to_string()));
            }
        }
    }
    let allowed: Vec<(String, String)> = NOT_YET
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, allowed, "src/sim/ names Redis modules");
}
