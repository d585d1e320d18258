//! Fuzzes the RESP decoder, the parser every byte of replication goes
//! through: arbitrary bytes must never panic, and whatever parses must
//! (1) re-encode to exactly the bytes it consumed when it is in the
//! canonical form the encoder writes, and (2) decode the same way whether
//! the bytes arrive in one piece or split at an arbitrary point, because a
//! simulated link delivers bytes in chunks of any size; and (3) the
//! command fast path (`parse_command`) must read exactly what
//! `parse_frame` reads as an array of bulk strings.

#![no_main]

use libfuzzer_sys::fuzz_target;
use replscope::resp::frame_argv;
use replscope::resp::{parse_command, parse_frame, Decoder, Frame};

fuzz_target!(|data: &[u8]| {
    // The first byte picks where to split the rest into two deliveries.
    let Some((&split, bytes)) = data.split_first() else {
        return;
    };
    let whole = decode_all(bytes, bytes.len());
    let cut = usize::from(split) % (bytes.len() + 1);
    let chunked = decode_all(bytes, cut);
    assert_eq!(whole, chunked, "split at {cut} changed the decoding");

    // The command fast path agrees with the general parser whenever it
    // answers, and answers for every array of bulk strings.
    let command = parse_command(bytes);
    let as_frame = match parse_frame(bytes) {
        Ok(Some((frame, used))) => frame_argv(frame).map(|argv| (argv, used)),
        _ => None,
    };
    assert_eq!(command, as_frame, "parse_command disagrees with parse_frame");

    if let Ok(Some((frame, used))) = parse_frame(bytes) {
        let again = frame.encode();
        // Simple strings and errors are decoded lossily from invalid UTF-8,
        // so only frames without text can be required to round-trip exactly.
        if is_binary_safe(&frame) {
            assert_eq!(again, bytes[..used], "re-encoding differs");
        }
        assert_eq!(parse_frame(&again), Ok(Some((frame, again.len()))));
    }
});

/// Every frame the decoder yields when fed `bytes` in two pieces cut at
/// `cut`, and whether an error stopped it. (The error's offset is relative
/// to the decoder's buffer, which is compacted between feeds, so only its
/// presence is compared.)
fn decode_all(bytes: &[u8], cut: usize) -> (Vec<Frame>, bool) {
    let mut decoder = Decoder::new();
    let mut frames = Vec::new();
    let (first, second) = bytes.split_at(cut.min(bytes.len()));
    for piece in [first, second] {
        decoder.feed(piece);
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(_) => return (frames, true),
            }
        }
    }
    (frames, false)
}

/// True when the frame holds no text that lossy UTF-8 decoding could alter.
fn is_binary_safe(frame: &Frame) -> bool {
    match frame {
        Frame::Simple(_) | Frame::Error(_) => false,
        Frame::Array(items) => items.iter().all(is_binary_safe),
        _ => true,
    }
}
