//! Node entry points for the wasm benchmark: thin `#[wasm_bindgen]`
//! wrappers around `benches/compare/workload.rs`, included by path so the
//! native and the wasm measurements run the same code. `run.mjs` times the
//! `run` calls with `performance.now()`; `prepare` is not timed.

#[path = "../../../benches/compare/workload.rs"]
#[allow(dead_code)]
mod workload;

use wasm_bindgen::prelude::*;

/// A prepared full-sync world (master populated, replicas idle).
#[wasm_bindgen]
pub struct FullSync(workload::FullSync);

#[wasm_bindgen]
impl FullSync {
    /// Builds the world: `keys` keys on the master, `replicas` idle nodes.
    pub fn prepare(keys: u64, replicas: usize) -> Result<FullSync, JsError> {
        workload::FullSync::prepare(keys, replicas)
            .map(FullSync)
            .map_err(|e| JsError::new(&e))
    }

    /// REPLICAOF on every replica, then settle; checks every key arrived.
    pub fn run(&mut self) -> Result<(), JsError> {
        self.0.run().map_err(|e| JsError::new(&e))
    }
}

/// A master with one synced replica.
#[wasm_bindgen]
pub struct Propagation(workload::Propagation);

#[wasm_bindgen]
impl Propagation {
    /// Builds and syncs the pair.
    pub fn prepare() -> Result<Propagation, JsError> {
        workload::Propagation::prepare()
            .map(Propagation)
            .map_err(|e| JsError::new(&e))
    }

    /// `sets` SETs on the master, delivered and applied on the replica.
    pub fn run(&mut self, sets: u64) -> Result<(), JsError> {
        self.0.run(sets).map_err(|e| JsError::new(&e))
    }
}

/// Bytes per key the wasm linear memory grew by while a fresh world ran
/// `DEBUG POPULATE keys` (an upper bound: linear memory only grows, in
/// 64 KiB pages, and includes the allocator's free space).
#[wasm_bindgen]
pub fn memory_bytes_per_key(keys: u64) -> Result<f64, JsError> {
    let before = linear_memory_bytes();
    let sim = workload::populated(keys).map_err(|e| JsError::new(&e))?;
    let after = linear_memory_bytes();
    drop(sim);
    Ok((after - before) as f64 / keys as f64)
}

fn linear_memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) * 65536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}
