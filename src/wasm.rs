//! The WebAssembly boundary: the only file with `#[wasm_bindgen]`.
//!
//! The page holds one [`Playground`] handle and calls small methods on it;
//! everything it shows comes from serde snapshots (`View`, `PageState`,
//! trace events, key listings) handed over as plain JavaScript objects
//! (maps as objects, `None` as `null`). Anything a user can get wrong (an
//! unknown node, a bad script) comes back as a thrown `Error` with a
//! message to show. The logic lives in `crate::playground`, which the
//! native tests exercise; this file only translates.
//!
//! A snapshot crosses as one JSON string that the browser's `JSON.parse`
//! turns into objects: one call across the boundary per snapshot instead
//! of one per field (what `serde-wasm-bindgen` does). That is for the
//! download: serde_json's writer is one small piece of code, where
//! building objects field by field took glue for every field type (the
//! module is 3 KB smaller gzipped). It is not faster: a 32-node `view()`
//! takes about 0.45 ms against 0.34 ms before (JSON.parse is 0.09 ms of
//! it), a small part of a 16.7 ms frame. Snapshots hold no floating-point
//! numbers, so no float formatting comes along either.

use crate::playground::trace_query::{self, TraceFilter};
use crate::playground::{self, share, Playground as Inner};
use crate::scenario::LinkChange;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a snapshot into a plain JavaScript value.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    // serde_json only writes valid JSON; a failure here would be a bug in it.
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("a snapshot is not valid JSON"))
}

/// A user mistake as a JavaScript `Error`.
fn user_error(e: playground::PlaygroundError) -> JsError {
    JsError::new(&e.0)
}

/// The page's handle on a simulated world.
#[wasm_bindgen]
pub struct Playground {
    inner: Inner,
}

#[wasm_bindgen]
impl Playground {
    /// A new, empty world whose randomness all comes from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground {
            inner: Inner::new(seed),
        }
    }

    /// The default world: a master and a replica mid-way through its
    /// first full sync.
    pub fn default_world(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground {
            inner: Inner::default_world(seed),
        }
    }

    /// The default world's script, to show in the scenario box.
    pub fn default_script() -> String {
        playground::DEFAULT_SCRIPT.to_string()
    }

    /// Reads a share-link fragment: `{seed, script}`.
    pub fn parse_share(fragment: &str) -> Result<JsValue, JsError> {
        let shared = share::parse(fragment).map_err(|e| JsError::new(&e.to_string()))?;
        #[derive(Serialize)]
        struct Shared {
            seed: u64,
            script: String,
        }
        to_js(&Shared {
            seed: shared.seed,
            script: shared.script,
        })
    }

    /// The seed this world was created with.
    pub fn seed(&self) -> u64 {
        self.inner.sim().seed()
    }

    /// The world now (`View`, see `src/view.rs`).
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.view())
    }

    /// Loads, sync timelines, undo state (`PageState`).
    pub fn page(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.page())
    }

    /// Runs a console line on `node`: `{text, error}`.
    pub fn console(&mut self, node: &str, line: &str) -> Result<JsValue, JsError> {
        to_js(&self.inner.console(node, line).map_err(user_error)?)
    }

    /// Adds a node with the default configuration.
    pub fn add_node(&mut self, name: &str) -> Result<(), JsError> {
        self.inner.add_node(name).map_err(user_error)
    }

    /// Removes a node.
    pub fn remove_node(&mut self, name: &str) -> Result<(), JsError> {
        self.inner.remove_node(name).map_err(user_error)
    }

    /// Cuts (`up = false`) or heals the link between `a` and `b`.
    pub fn set_link_up(&mut self, a: &str, b: &str, up: bool) -> Result<(), JsError> {
        let change = if up { LinkChange::Up } else { LinkChange::Down };
        self.inner.link(a, b, change).map_err(user_error)
    }

    /// Sets the one-way latency of a link.
    pub fn set_latency_ms(&mut self, a: &str, b: &str, ms: u32) -> Result<(), JsError> {
        self.inner
            .link(a, b, LinkChange::LatencyMs(u64::from(ms)))
            .map_err(user_error)
    }

    /// Sets a link's bandwidth (`undefined` = unlimited).
    pub fn set_bandwidth(
        &mut self,
        a: &str,
        b: &str,
        bytes_per_s: Option<u32>,
    ) -> Result<(), JsError> {
        let change = LinkChange::BandwidthBytesPerS(bytes_per_s.map(u64::from));
        self.inner.link(a, b, change).map_err(user_error)
    }

    /// Forces a full sync on a replica.
    pub fn resync(&mut self, node: &str) -> Result<(), JsError> {
        self.inner.resync(node).map_err(user_error)
    }

    /// Sets the write load on a node, writes per virtual second (0 = off).
    pub fn set_load(&mut self, node: &str, per_s: u32) -> Result<(), JsError> {
        self.inner.set_load(node, per_s).map_err(user_error)
    }

    /// Advances virtual time (one animation frame).
    pub fn advance(&mut self, ms: u32) {
        self.inner.advance(u64::from(ms));
    }

    /// Steps to the next thing the trace shows.
    pub fn step(&mut self) -> bool {
        self.inner.step()
    }

    /// Runs until a replica's sync phase changes.
    pub fn next_phase(&mut self) -> bool {
        self.inner.next_phase()
    }

    /// Undoes the last action.
    pub fn step_back(&mut self) -> bool {
        self.inner.step_back()
    }

    /// The newest `max` trace events with `seq >= since` (without `stream`,
    /// leaving out propagated/applied writes, ACKs and the load's writes).
    pub fn events(&self, since: f64, max: u32, stream: bool) -> Result<JsValue, JsError> {
        to_js(&self.inner.events(since as u64, max as usize, stream))
    }

    /// A node's first `limit` keys matching the glob `pattern`: `{rows, total}`.
    pub fn keys(&self, node: &str, pattern: &str, limit: u32) -> Result<JsValue, JsError> {
        to_js(
            &self
                .inner
                .keys(node, pattern, limit as usize)
                .map_err(user_error)?,
        )
    }

    /// How a replica's keys differ from its master's: `{rows, total}`.
    pub fn diff(&self, master: &str, replica: &str, limit: u32) -> Result<JsValue, JsError> {
        to_js(
            &self
                .inner
                .diff(master, replica, limit as usize)
                .map_err(user_error)?,
        )
    }

    /// Runs a scenario script on a fresh world, which replaces this one.
    pub fn run_script(&mut self, text: &str) -> Result<JsValue, JsError> {
        to_js(&self.inner.run_script(text).map_err(user_error)?)
    }

    /// The session so far as a scenario script.
    pub fn export_script(&self) -> String {
        self.inner.export_script()
    }

    /// The share-link fragment for this session.
    pub fn share_fragment(&self) -> String {
        self.inner.share_fragment()
    }

    /// Moves the world to virtual time `ms` (the timeline scrubber):
    /// `{time_ms, undid_actions}`.
    pub fn seek(&mut self, ms: f64) -> Result<JsValue, JsError> {
        to_js(&self.inner.seek(ms.max(0.0) as u64))
    }

    /// The sequence numbers of the trace events with `seq >= since` that
    /// pass the event log's filter (a node or `""`, a text, the stream's
    /// routine events or not), oldest first.
    pub fn trace_seqs(&self, since: f64, node: &str, text: &str, stream: bool) -> Vec<f64> {
        let filter = TraceFilter::new(node, text, stream);
        trace_query::matching_seqs(self.inner.sim().trace(), since as u64, &filter)
            .into_iter()
            .map(|s| s as f64)
            .collect()
    }

    /// The trace events with these sequence numbers (those still held).
    pub fn trace_events_at(&self, seqs: &[f64]) -> Result<JsValue, JsError> {
        let seqs: Vec<u64> = seqs.iter().map(|&s| s as u64).collect();
        to_js(&trace_query::events_at(self.inner.sim().trace(), &seqs))
    }

    /// The newest `max` console commands run on `node` (trace events).
    pub fn console_lines(&self, node: &str, max: u32) -> Result<JsValue, JsError> {
        to_js(&trace_query::console_lines(
            self.inner.sim().trace(),
            node,
            max as usize,
        ))
    }

    /// Every event the trace holds, as JSON lines.
    pub fn trace_jsonl(&self) -> String {
        trace_query::jsonl(self.inner.sim().trace())
    }
}
