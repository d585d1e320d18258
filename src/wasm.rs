//! The WebAssembly boundary: the only file with `#[wasm_bindgen]`.
//!
//! The page holds one [`Playground`] handle and calls small methods on it;
//! everything it shows comes from serde snapshots. No replication logic
//! lives on the JavaScript side.

use crate::resp::Frame;
use crate::server::{Client, Gate, Outcome, Server};
use wasm_bindgen::prelude::*;

/// The page's handle on a simulated world.
#[wasm_bindgen]
pub struct Playground {
    seed: u64,
    server: Server,
}

#[wasm_bindgen]
impl Playground {
    /// A new, empty world whose randomness all comes from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground { seed, server: Server::new(String::new(), 0) }
    }

    /// The seed this world was created with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// PING, answered by the core and rendered like redis-cli.
    pub fn ping(&mut self) -> String {
        let reply = match self.server.process(&mut Client::normal(), vec![b"PING".to_vec()], 0, &Gate::default()) {
            Outcome::Done { reply, .. } => reply,
            Outcome::Repl(_) => Frame::err("ERR unexpected"),
        };
        crate::cli::render(&reply, false)
    }
}
