//! Fuzzes the scenario parser, which reads files people write and the
//! scripts shared in playground URLs. Any text must parse or give an error
//! with a line and column inside the text; a script that parses must print
//! back to text that parses to the same steps (the page's "export session"
//! depends on it).

#![no_main]

use libfuzzer_sys::fuzz_target;
use replscope::scenario::{parse, print, Action};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let script = match parse(text) {
        Ok(script) => script,
        Err(e) => {
            let lines = text.lines().count().max(1);
            assert!(
                e.line >= 1 && e.line <= lines,
                "error line {} of {lines}",
                e.line
            );
            assert!(e.column >= 1, "error column {}", e.column);
            assert!(!e.message.is_empty(), "empty error message");
            return;
        }
    };
    let printed = print(&script);
    let reparsed = match parse(&printed) {
        Ok(s) => s,
        Err(e) => panic!("printed script does not parse: {e}\n{printed}"),
    };
    let actions = |s: &replscope::scenario::Script| -> Vec<Action> {
        s.steps.iter().map(|step| step.action.clone()).collect()
    };
    assert_eq!(
        actions(&script),
        actions(&reparsed),
        "printing changed the script:\n{printed}"
    );
});

