//! Fuzzes the RDB loader, which a replica runs on whatever bytes its master
//! sends and which the page runs on files people import. Arbitrary bytes
//! must decode to a keyspace or to an error, never a panic or a runaway
//! allocation; and anything that decodes must survive a round trip: the
//! encoder's output for it decodes again, and encoding that gives the very
//! same bytes (encoding is a function of the keyspace alone).

#![no_main]

use libfuzzer_sys::fuzz_target;
use replscope::rdb::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok((keyspace, aux)) = decode(data) else {
        return;
    };
    let first = encode(&keyspace, &aux, 0);
    let (again, aux_again) = match decode(&first) {
        Ok(decoded) => decoded,
        Err(e) => panic!("our own encoding does not decode: {e}"),
    };
    // Without a replication ID the encoder writes no replication fields at
    // all (like a standalone Redis), so a file that has `repl-stream-db` or
    // `repl-offset` but no `repl-id` loses them by design.
    let mut expected = aux.clone();
    if expected.repl_id.is_empty() {
        expected.repl_stream_db = aux_again.repl_stream_db;
        expected.repl_offset = aux_again.repl_offset;
    }
    assert_eq!(expected, aux_again, "aux fields changed in a round trip");
    assert_eq!(
        again.key_count(),
        keyspace.key_count(),
        "keys lost in a round trip"
    );
    assert_eq!(
        encode(&again, &aux_again, 0),
        first,
        "encoding is not stable"
    );
});
