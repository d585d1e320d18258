//! Ziplists, read only: the compact encoding before listpacks. Redis 7.0
//! no longer writes them, but it loads them from older dumps (RDB types 10
//! list, 12 sorted set, 13 hash, and the nodes of type-14 quicklists), so
//! we read them too.
//!
//! Layout: total bytes (u32 LE), offset of the last entry (u32 LE), entry
//! count (u16 LE, 65535 = "count them"), entries, `0xFF`. Each entry is the
//! previous entry's size (1 byte, or `0xFE` + u32), an encoding (string
//! with a 6/14/32-bit length, or an integer of 8/16/24/32/64 bits, or a
//! 4-bit immediate 0..12), then the data. We check all of it, like Redis's
//! deep `ziplistValidateIntegrity`.

use super::listpack::Elem;

/// Header size: zlbytes, zltail, zllen.
const HEADER_SIZE: usize = 10;
/// The terminator.
const END: u8 = 0xFF;

/// Checks a ziplist and returns its elements.
pub fn parse(blob: &[u8]) -> Result<Vec<Elem<'_>>, String> {
    let header = blob
        .get(..HEADER_SIZE)
        .ok_or("ziplist shorter than its header")?;
    let total = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let tail = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    let declared = u16::from_le_bytes([header[8], header[9]]);
    if total != blob.len() {
        return Err(format!(
            "ziplist header says {total} bytes but the blob has {}",
            blob.len()
        ));
    }
    let mut elems = Vec::with_capacity(usize::from(declared).min(blob.len()));
    let (mut pos, mut prev_len, mut last_start) = (HEADER_SIZE, 0usize, HEADER_SIZE);
    loop {
        match blob.get(pos) {
            None => return Err("ziplist has no terminator".to_string()),
            Some(&END) if pos + 1 == blob.len() => break,
            Some(&END) => {
                return Err(format!(
                    "ziplist terminator at byte {pos} is not the last byte"
                ))
            }
            Some(_) => {}
        }
        let (elem, prev, next) = read_entry(blob, pos)
            .map_err(|e| format!("ziplist entry {} at byte {pos}: {e}", elems.len()))?;
        if prev != prev_len {
            return Err(format!(
                "ziplist entry {} at byte {pos}: prevlen {prev} should be {prev_len}",
                elems.len()
            ));
        }
        elems.push(elem);
        (last_start, prev_len, pos) = (pos, next - pos, next);
    }
    if tail != last_start {
        return Err(format!("ziplist tail offset {tail} should be {last_start}"));
    }
    if declared != u16::MAX && usize::from(declared) != elems.len() {
        return Err(format!(
            "ziplist header says {declared} entries but it holds {}",
            elems.len()
        ));
    }
    Ok(elems)
}

/// Reads the entry at `pos`: its element, its prevlen field, and the
/// position after it.
fn read_entry(blob: &[u8], pos: usize) -> Result<(Elem<'_>, usize, usize), String> {
    let b = |i: usize| blob.get(pos + i).copied().ok_or("entry cut short");
    let (prev, mut at) = match b(0)? {
        0xFE => (u32::from_le_bytes([b(1)?, b(2)?, b(3)?, b(4)?]) as usize, 5),
        n => (usize::from(n), 1),
    };
    let enc = b(at)?;
    let (data_len, int_width) = match enc >> 6 {
        0 => ((usize::from(enc & 0x3F), 1), None),
        1 => (
            ((usize::from(enc & 0x3F) << 8) | usize::from(b(at + 1)?), 2),
            None,
        ),
        2 if enc == 0x80 => (
            (
                u32::from_be_bytes([b(at + 1)?, b(at + 2)?, b(at + 3)?, b(at + 4)?]) as usize,
                5,
            ),
            None,
        ),
        2 => return Err(format!("invalid string encoding 0x{enc:02x}")),
        _ => ((0, 1), Some(int_width(enc)?)),
    };
    let (len, header) = data_len;
    at += header;
    let elem = match int_width {
        None => {
            let end = (pos + at).checked_add(len).ok_or("string too long")?;
            let s = blob.get(pos + at..end).ok_or("string goes past the end")?;
            at += len;
            Elem::Str(s)
        }
        Some(0) => Elem::Int(i64::from(enc & 0x0F) - 1),
        Some(width) => {
            let raw = blob
                .get(pos + at..pos + at + width)
                .ok_or("integer goes past the end")?;
            at += width;
            Elem::Int(sign_extended(raw))
        }
    };
    Ok((elem, prev, pos + at))
}

/// Bytes of integer data for an integer encoding byte (0 = immediate).
fn int_width(enc: u8) -> Result<usize, String> {
    Ok(match enc {
        0xC0 => 2,
        0xD0 => 4,
        0xE0 => 8,
        0xF0 => 3,
        0xFE => 1,
        0xF1..=0xFD => 0,
        _ => return Err(format!("invalid integer encoding 0x{enc:02x}")),
    })
}

/// A little-endian two's-complement integer of 1 to 8 bytes.
fn sign_extended(raw: &[u8]) -> i64 {
    let mut buf = [0u8; 8];
    buf[..raw.len()].copy_from_slice(raw);
    let shift = 64 - 8 * raw.len() as u32;
    (i64::from_le_bytes(buf) << shift) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ziplist as Redis 6 wrote it for RPUSH l hello 7 -300 70000 5000000000.
    fn sample() -> Vec<u8> {
        let entries: Vec<Vec<u8>> = vec![
            vec![0x00, 0x05, b'h', b'e', b'l', b'l', b'o'],
            vec![0x07, 0xF8],
            vec![0x02, 0xC0, 0xD4, 0xFE],
            vec![0x04, 0xF0, 0x70, 0x11, 0x01],
            vec![0x05, 0xE0, 0x00, 0xF2, 0x05, 0x2A, 0x01, 0x00, 0x00, 0x00],
        ];
        let body: Vec<u8> = entries.concat();
        let total = (HEADER_SIZE + body.len() + 1) as u32;
        let tail = (HEADER_SIZE + body.len() - entries[4].len()) as u32;
        [
            &total.to_le_bytes()[..],
            &tail.to_le_bytes(),
            &[5, 0],
            &body,
            &[END],
        ]
        .concat()
    }

    #[test]
    fn reads_strings_and_every_integer_form() {
        let zl = sample();
        assert_eq!(
            parse(&zl).unwrap(),
            vec![
                Elem::Str(b"hello"),
                Elem::Int(7),
                Elem::Int(-300),
                Elem::Int(70000),
                Elem::Int(5_000_000_000)
            ]
        );
    }

    #[test]
    fn rejects_corruption_and_truncation() {
        let zl = sample();
        let mut bad_prev = zl.clone();
        bad_prev[17] = 3;
        assert!(parse(&bad_prev)
            .unwrap_err()
            .contains("prevlen 3 should be 7"));
        let mut bad_tail = zl.clone();
        bad_tail[4] += 1;
        assert!(parse(&bad_tail).unwrap_err().contains("tail offset"));
        let mut bad_count = zl.clone();
        bad_count[8] = 4;
        assert!(parse(&bad_count).unwrap_err().contains("4 entries"));
        for cut in 0..zl.len() {
            assert!(parse(&zl[..cut]).is_err());
        }
    }
}
