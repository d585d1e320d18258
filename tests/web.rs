//! Runs in a real browser under `wasm-pack test --headless --chrome`: the
//! wasm build of the core answers with the same bytes as natively, and the
//! page's `Playground` handle hands out plain JavaScript snapshots.

#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use replscope::wasm::Playground;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `obj[key]`, or `undefined`.
fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The node called `name` in a view.
fn node(view: &JsValue, name: &str) -> JsValue {
    let nodes = js_sys::Array::from(&get(view, "nodes"));
    nodes
        .iter()
        .find(|n| get(n, "name").as_string().as_deref() == Some(name))
        .unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn resp_bytes_are_identical_in_wasm() {
    let bytes = replscope::resp::encode_command(&["set", "foo", "bar"]);
    assert_eq!(bytes, b"*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n");
}

#[wasm_bindgen_test]
fn the_default_world_is_a_plain_object_snapshot_at_its_first_moment() {
    let pg = Playground::default_world(7);
    assert_eq!(pg.seed(), 7);
    let view = pg.view().expect("a view");
    assert!(
        view.is_object() && !view.is_instance_of::<js_sys::Map>(),
        "maps become plain objects"
    );
    let b = node(&view, "B");
    assert_eq!(get(&b, "role").as_string().as_deref(), Some("slave"));
    assert_eq!(
        get(&b, "sync_phase").as_string().as_deref(),
        Some("handshake")
    );
    assert_eq!(get(&view, "time_ms").as_f64(), Some(0.0));
    assert!(get(&b, "last_psync").is_null(), "B has not asked yet");
    assert!(
        get(&node(&view, "A"), "slave_repl_offset").is_null(),
        "None is null"
    );
    let page = pg.page().expect("page state");
    let loads = js_sys::Array::from(&get(&page, "loads"));
    assert_eq!(get(&loads.get(0), "per_s").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn the_console_replies_like_redis_cli_and_errors_throw() {
    let mut pg = Playground::new(1);
    pg.add_node("A").expect("add");
    let ok = pg
        .console("A", "SET greeting \"hello world\"")
        .expect("runs");
    assert_eq!(get(&ok, "text").as_string().as_deref(), Some("OK"));
    assert_eq!(get(&ok, "error").as_bool(), Some(false));
    let got = pg.console("A", "GET greeting").expect("runs");
    assert_eq!(
        get(&got, "text").as_string().as_deref(),
        Some("\"hello world\"")
    );
    let bad = pg.console("A", "INCR greeting").expect("runs");
    assert_eq!(
        get(&bad, "text").as_string().as_deref(),
        Some("(error) ERR value is not an integer or out of range")
    );
    assert_eq!(get(&bad, "error").as_bool(), Some(true));
    assert!(pg.console("Z", "PING").is_err(), "an unknown node throws");
    assert!(pg.add_node("A").is_err(), "a duplicate name throws");
}

#[wasm_bindgen_test]
fn time_moves_steps_back_and_scripts_round_trip() {
    let mut pg = Playground::default_world(3);
    let hash = |pg: &Playground| get(&pg.view().expect("view"), "trace_hash").as_string();
    let before = hash(&pg);
    assert!(pg.step());
    pg.advance(250);
    assert_ne!(hash(&pg), before);
    assert!(pg.step_back());
    assert!(pg.step_back());
    assert_eq!(hash(&pg), before);
    let script = pg.export_script();
    let mut again = Playground::new(3);
    let report = again.run_script(&script).expect("the export parses");
    assert!(get(&report, "error").is_null());
    assert_eq!(hash(&again), before);
    assert!(
        again.run_script("node A\nresync A\n").is_ok(),
        "a run error is reported, not thrown"
    );
    assert!(again.run_script("bogus").is_err(), "a parse error throws");
    let shared = Playground::parse_share(&pg.share_fragment()).expect("a good link");
    assert_eq!(get(&shared, "seed").as_f64(), Some(3.0));
    assert!(Playground::parse_share("seed=x").is_err());
}

#[wasm_bindgen_test]
fn events_keys_and_diff_come_out_as_arrays_and_listings() {
    let pg = Playground::default_world(5);
    let events = js_sys::Array::from(&pg.events(0.0, 5, true).expect("events"));
    assert_eq!(events.length(), 5);
    assert!(
        get(&events.get(0), "type").is_string(),
        "the kind is flattened in as `type`"
    );
    let keys = pg.keys("A", "user:*", 3).expect("keys");
    assert_eq!(js_sys::Array::from(&get(&keys, "rows")).length(), 3);
    assert!(get(&keys, "total").as_f64().unwrap_or(0.0) > 1000.0);
    let diff = pg.diff("A", "B", 10).expect("diff");
    assert!(
        get(&diff, "total").as_f64().unwrap_or(0.0) > 0.0,
        "B has not loaded yet"
    );
    assert!(pg.keys("nope", "*", 1).is_err());
}
