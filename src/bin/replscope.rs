//! The headless scenario runner: `replscope run FILE [--json] [--trace FILE]`.

fn main() {
    eprintln!("usage: replscope run FILE [--json] [--trace FILE]");
    std::process::exit(2);
}
