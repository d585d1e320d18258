//! Intsets: how Redis stores a small set whose members are all integers
//! (at most `set-max-intset-entries`, 512 by default). In an RDB file the
//! intset is stored whole, as one string.
//!
//! Layout: the element width in bytes (u32 little-endian: 2, 4 or 8, the
//! smallest that holds every member), the element count (u32), then the
//! members in ascending order, little-endian.

/// Appends the intset of `sorted` (ascending, no duplicates) to `buf`.
pub fn write(sorted: &[i64], buf: &mut Vec<u8>) {
    let min = sorted.first().copied().unwrap_or(0);
    let max = sorted.last().copied().unwrap_or(0);
    let fits = |lo: i64, hi: i64| min >= lo && max <= hi;
    let width: usize = if fits(i16::MIN.into(), i16::MAX.into()) {
        2
    } else if fits(i32::MIN.into(), i32::MAX.into()) {
        4
    } else {
        8
    };
    buf.reserve(8 + width * sorted.len());
    buf.extend_from_slice(&(width as u32).to_le_bytes());
    buf.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
    for &v in sorted {
        buf.extend_from_slice(&v.to_le_bytes()[..width]);
    }
}

/// Reads an intset, checking it as `intsetValidateIntegrity` does (deep):
/// a known width, a size that matches the count, at least one member, and
/// members strictly ascending.
pub fn parse(blob: &[u8]) -> Result<Vec<i64>, String> {
    let header = blob.get(..8).ok_or("intset shorter than its header")?;
    let width = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let count = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    if !matches!(width, 2 | 4 | 8) {
        return Err(format!("intset has invalid element width {width}"));
    }
    let body = &blob[8..];
    if count.checked_mul(width) != Some(body.len()) {
        return Err(format!(
            "intset of {count} × {width}-byte members does not fill its {} bytes",
            blob.len()
        ));
    }
    if count == 0 {
        return Err("intset is empty".to_string());
    }
    let values: Vec<i64> = body.chunks_exact(width).map(read_member).collect();
    if values.windows(2).any(|w| w[0] >= w[1]) {
        return Err("intset members are not strictly ascending".to_string());
    }
    Ok(values)
}

/// One little-endian member of 2, 4 or 8 bytes, sign-extended.
fn read_member(bytes: &[u8]) -> i64 {
    let mut raw = [0u8; 8];
    raw[..bytes.len()].copy_from_slice(bytes);
    let shift = 64 - 8 * bytes.len() as u32;
    (i64::from_le_bytes(raw) << shift) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(values: &[i64]) -> Vec<u8> {
        let mut buf = Vec::new();
        write(values, &mut buf);
        buf
    }

    #[test]
    fn picks_the_smallest_width_and_round_trips() {
        assert_eq!(blob(&[-1, 2]), [2, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 2, 0]);
        assert_eq!(blob(&[1, 40000])[..4], [4, 0, 0, 0]);
        assert_eq!(blob(&[i64::MIN, 0])[..4], [8, 0, 0, 0]);
        for set in [vec![-5, 0, 7], vec![-40000, 3], vec![i64::MIN, i64::MAX]] {
            assert_eq!(parse(&blob(&set)).unwrap(), set);
        }
    }

    #[test]
    fn rejects_corrupt_intsets() {
        assert!(parse(&[2, 0, 0]).unwrap_err().contains("header"));
        assert!(parse(&[3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0])
            .unwrap_err()
            .contains("width 3"));
        assert!(parse(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0])
            .unwrap_err()
            .contains("does not fill"));
        assert_eq!(
            parse(&[2, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(),
            "intset is empty"
        );
        assert!(parse(&blob(&[1, 1])).unwrap_err().contains("ascending"));
    }
}
