//! The headless scenario runner: `replscope run FILE [--json] [--trace FILE] [--seed N]`.
//! (Waiting for the simulator; see the scenario engineer's work in progress.)
fn main() {
    eprintln!("usage: replscope run FILE [--json] [--trace FILE] [--seed N]");
    std::process::exit(2);
}
