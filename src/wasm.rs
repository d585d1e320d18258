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
//! Two ways across, chosen by measurement (`make bench`, the page
//! benchmark's boundary line; docs/ARCHITECTURE.md has the numbers):
//! - the per-frame snapshot (`view`) crosses as one JSON string that the
//!   browser's `JSON.parse` turns into objects: one call across the
//!   boundary per snapshot instead of one per field, which is what
//!   `serde-wasm-bindgen` does;
//! - every other structured value (page state, events, console replies,
//!   key listings, script reports, share links) is built in place by
//!   `serde-wasm-bindgen`, with no JSON text in between.
//!
//! Snapshots hold no floating-point numbers, so no float formatting comes
//! along either way. The TypeScript types of all these values are
//! generated from the Rust types (tests/ts_types.rs).

use crate::playground::trace_query::{self, TraceFilter};
use crate::playground::{self, share, Playground as Inner};
use crate::scenario::LinkChange;
use crate::view::EventView;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a structured value into a plain JavaScript value, field by
/// field (maps as objects, `None` as `null`, integers as numbers).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Converts the per-frame snapshot through one JSON string.
fn to_js_by_json<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
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
    /// The lesson being played, if any (see the lesson methods below).
    lesson: Option<crate::lesson::Player>,
}

#[wasm_bindgen]
impl Playground {
    /// A new, empty world whose randomness all comes from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground {
            inner: Inner::new(seed),
            lesson: None,
        }
    }

    /// The default world at t = 0: a master and a replica about to
    /// connect for its first full sync.
    pub fn default_world(seed: u64) -> Playground {
        console_error_panic_hook::set_once();
        Playground {
            inner: Inner::default_world(seed),
            lesson: None,
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

    /// A whole text as one URL parameter (a lesson link carrying a lesson
    /// that is not shipped with the page): see `share::pack_text`.
    pub fn pack_text(text: &str) -> String {
        share::pack_text(text)
    }

    /// Reads what [`Playground::pack_text`] wrote.
    pub fn unpack_text(packed: &str) -> Result<String, JsError> {
        share::unpack_text(packed).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The seed this world was created with.
    pub fn seed(&self) -> u64 {
        self.inner.sim().seed()
    }

    /// The world now (`View`, see `src/view.rs`).
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js_by_json(&self.inner.view())
    }

    /// The same snapshot built by `serde-wasm-bindgen`, for the page
    /// benchmark's comparison of the two ways across (not used by the page).
    pub fn view_object(&self) -> Result<JsValue, JsError> {
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
        let events = self.inner.events(since as u64, max as usize, stream);
        to_js(&events.into_iter().map(EventView::of).collect::<Vec<_>>())
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

    /// Node `node`'s dataset as the RDB file its BGSAVE would write now:
    /// on the simulator's clock, or with every time moved to
    /// `present_unix_ms` (see `playground::rdb`).
    pub fn rdb(&self, node: &str, present_unix_ms: Option<f64>) -> Result<Vec<u8>, JsError> {
        self.inner
            .rdb(node, present_unix_ms.map(|ms| ms as i64))
            .map_err(user_error)
    }

    /// An RDB file item by item (`rdb::inspect::Inspection`); a bad file
    /// is an error naming the byte.
    pub fn inspect_rdb(bytes: &[u8]) -> Result<JsValue, JsError> {
        let seen = crate::rdb::inspect::inspect(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&seen)
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

/// Lessons (`src/lesson/`). A lesson's world replaces this handle's world;
/// the console, links and time then act on it as usual, and the lesson
/// reads it to check the task. Step views cross as JSON like the snapshots.
#[wasm_bindgen]
impl Playground {
    /// A lesson's list entry without playing it: `{id, title, about, steps}`.
    pub fn lesson_summary(id: &str, text: &str) -> Result<JsValue, JsError> {
        let l = crate::lesson::parse(id, text).map_err(|e| JsError::new(&e.to_string()))?;
        #[derive(Serialize)]
        struct Summary<'a> {
            id: &'a str,
            title: &'a str,
            about: &'a str,
            steps: usize,
        }
        to_js(&Summary {
            id,
            title: &l.title,
            about: &l.about,
            steps: l.steps.len(),
        })
    }

    /// Opens a lesson at `step` (1-based) on a fresh world: the step view.
    pub fn lesson_open(&mut self, id: &str, text: &str, step: u32) -> Result<JsValue, JsError> {
        let lesson_error = |e: crate::lesson::LessonError| JsError::new(&e.to_string());
        let l = crate::lesson::parse(id, text).map_err(lesson_error)?;
        let (mut player, sim) = crate::lesson::Player::open(l).map_err(lesson_error)?;
        let target = (step.max(1) - 1) as usize;
        let sim = player.go_to(sim, target).map_err(lesson_error)?;
        self.inner = Inner::from_sim(sim);
        self.lesson = Some(player);
        self.lesson_state()
    }

    /// The next step (solving the task first if it is not done); the same
    /// view at the last step.
    pub fn lesson_next(&mut self) -> Result<JsValue, JsError> {
        let Some(player) = self.lesson.as_mut() else {
            return Err(JsError::new("no lesson is open"));
        };
        let next = player
            .next(self.inner.sim().clone())
            .map_err(|e| JsError::new(&e.to_string()))?;
        if let Some(sim) = next {
            self.inner = Inner::from_sim(sim);
        }
        self.lesson_state()
    }

    /// The previous step, exactly as it was first shown.
    pub fn lesson_previous(&mut self) -> Result<JsValue, JsError> {
        if let Some(sim) = self.lesson.as_mut().and_then(|p| p.previous()) {
            self.inner = Inner::from_sim(sim);
        }
        self.lesson_state()
    }

    /// The current step, its task checked against the world now; `null`
    /// when no lesson is open.
    pub fn lesson_state(&self) -> Result<JsValue, JsError> {
        match &self.lesson {
            Some(p) => to_js(&p.view(self.inner.sim())),
            None => Ok(JsValue::NULL),
        }
    }

    /// Leaves the lesson; the world stays as it is.
    pub fn lesson_close(&mut self) {
        self.lesson = None;
    }
}
