//! The headless scenario runner: `replscope run FILE [--json] [--trace FILE] [--seed N]`.
fn main() {
    eprintln!("usage: replscope run FILE [--json] [--trace FILE] [--seed N]");
    std::process::exit(2);
}
