//! The WebAssembly boundary: the only file with `#[wasm_bindgen]`.
//!
//! The page holds one [`Playground`] handle and calls small methods on it;
//! everything it shows comes from serde snapshots. No replication logic
//! lives on the JavaScript side.

use wasm_bindgen::prelude::*;

/// The page's handle on a simulated world.
#[wasm_bindgen]
pub struct Playground {
    seed: u64,
}

#[wasm_bindgen]
impl Playground {
    /// A new, empty world whose randomness all comes from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground { seed }
    }

    /// The seed this world was created with.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}
