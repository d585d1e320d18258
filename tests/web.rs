//! Runs in a real browser under `wasm-pack test --headless --chrome`: the
//! wasm build of the core answers commands with the same bytes as natively.

#![cfg(target_arch = "wasm32")]

use replscope::wasm::Playground;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn playground_answers_ping_in_the_browser() {
    let mut pg = Playground::new(7);
    assert_eq!(pg.seed(), 7);
    assert_eq!(pg.ping(), "PONG");
}

#[wasm_bindgen_test]
fn resp_bytes_are_identical_in_wasm() {
    let bytes = replscope::resp::encode_command(&["set", "foo", "bar"]);
    assert_eq!(bytes, b"*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n");
}
