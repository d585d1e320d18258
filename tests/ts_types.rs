//! The page's TypeScript types, generated from the Rust types that cross
//! the wasm boundary, so they are written once.
//!
//! This test renders every such type with `ts-rs` into one file,
//! `www/src/generated/types.ts`, and fails when the committed file differs
//! (a Rust type changed and the page was not told). `UPDATE_TS=1 cargo test
//! --test ts_types` rewrites the file instead. The page's own
//! `www/src/types.ts` only re-exports these, never restates a field.
//!
//! Every integer is a TypeScript `number`: the boundary's values are all
//! below 2^53 (offsets, byte counts, virtual milliseconds), and the one
//! 64-bit hash crosses as a string.

#![cfg(not(target_arch = "wasm32"))]

use replscope::playground::keyspace::{DiffRow, KeyRow, Listing};
use replscope::playground::timeline::{SyncStep, Timeline};
use replscope::playground::{ConsoleReply, PageState, RunReport, TranscriptRow};
use replscope::rdb::inspect::{Inspection, Section, What};
use replscope::repl::write_load::Load;
use replscope::sim::links::Payload;
use replscope::sim::trace::{Event, Kind, Message, Phase};
use replscope::view::*;
use std::path::Path;
use ts_rs::{Config, TS};

/// Where the page reads the generated types from.
const GENERATED: &str = "www/src/generated/types.ts";

/// `export type Name = ...;` for `T`.
fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

/// The whole generated file.
fn generated() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<Phase>(&cfg),
        decl::<Payload>(&cfg),
        decl::<View>(&cfg),
        decl::<NodeView>(&cfg),
        decl::<DbView>(&cfg),
        decl::<ReplicaView>(&cfg),
        decl::<BacklogView>(&cfg),
        decl::<BgsaveView>(&cfg),
        decl::<PsyncView>(&cfg),
        decl::<TransferView>(&cfg),
        decl::<LinkView>(&cfg),
        decl::<MessageView>(&cfg),
        decl::<QueuedView>(&cfg),
        decl::<EventView>(&cfg),
        decl::<Event>(&cfg),
        decl::<Message>(&cfg),
        decl::<Kind>(&cfg),
        decl::<Load>(&cfg),
        decl::<Inspection>(&cfg),
        decl::<Section>(&cfg),
        decl::<What>(&cfg),
        decl::<SyncStep>(&cfg),
        decl::<Timeline>(&cfg),
        decl::<PageState>(&cfg),
        decl::<ConsoleReply>(&cfg),
        decl::<Listing<KeyRow>>(&cfg),
        decl::<KeyRow>(&cfg),
        decl::<DiffRow>(&cfg),
        decl::<TranscriptRow>(&cfg),
        decl::<RunReport>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by tests/ts_types.rs: do not edit.\n\
         // Regenerate with `UPDATE_TS=1 cargo test --test ts_types`.\n\n",
    );
    out.push_str(&decls.join("\n"));
    out
}

#[test]
fn generated_typescript_matches_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED);
    let want = generated();
    if std::env::var_os("UPDATE_TS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
        std::fs::write(&path, &want).expect("write the generated types");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{GENERATED} is out of date with the Rust types; regenerate it with \
         `UPDATE_TS=1 cargo test --test ts_types` and commit it"
    );
}
