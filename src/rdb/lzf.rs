//! LZF, the compression Redis applies to long strings in RDB files.
//!
//! The compressor is a port of Redis's `lzf_c.c` (liblzf 3.6), built the
//! way Redis builds it: `HLOG 16`, `VERY_FAST`, no `ULTRA_FAST`. Matching its
//! hash function, match search and output-length checks step for step is
//! what makes our compressed bytes, and so our RDB files, the same as a
//! real server's.
//!
//! One deliberate difference: Redis does not clear the hash table between
//! calls (`INIT_HTAB 0`), so a slot may hold a stale pointer from an earlier
//! string, and on rare occasions that yields a different (equally valid)
//! back reference. We behave as if the table were always clear, without
//! paying to clear it: slots hold positions in a coordinate system that moves
//! forward with every call, so anything older than the current input reads
//! as empty.
//!
//! The decompressor is `lzf_d.c` with every bound checked: corrupt input is
//! an error, never a read or write outside the buffers.

/// log2 of the hash table size.
const HLOG: u32 = 16;
/// Hash table slots.
const HSIZE: usize = 1 << HLOG;
/// Longest literal run one control byte can announce.
const MAX_LIT: usize = 1 << 5;
/// Farthest a back reference can reach.
const MAX_OFF: usize = 1 << 13;
/// Longest back reference.
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// An LZF compressor that keeps its hash table and output buffer between
/// calls, so compressing many strings allocates nothing after the first.
#[derive(Clone, Debug, Default)]
pub struct Compressor {
    /// Hash slot → `base + position` of the latest 3-byte sequence seen.
    table: Vec<u32>,
    /// The table coordinate of position 0 of the current input. Slots at or
    /// below it belong to earlier inputs (or to position 0, which liblzf
    /// never references either) and count as empty.
    base: u32,
    /// The compressed bytes of the latest call.
    out: Vec<u8>,
}

/// liblzf's `IDX` under `VERY_FAST`.
#[inline]
fn slot(hval: u32) -> usize {
    ((hval >> (3 * 8 - HLOG)).wrapping_sub(hval.wrapping_mul(5)) & (HSIZE as u32 - 1)) as usize
}

impl Compressor {
    /// A compressor; its 256 KiB table is allocated on first use.
    pub fn new() -> Compressor {
        Compressor::default()
    }

    /// Compresses `input` into at most `out_len` bytes, like
    /// `lzf_compress(in, len, out, out_len)`. `None` when the output would
    /// not fit (the caller then stores the string verbatim).
    pub fn compress(&mut self, input: &[u8], out_len: usize) -> Option<&[u8]> {
        if input.is_empty() || out_len == 0 || input.len() >= (1 << 31) {
            return None;
        }
        self.prepare(input.len());
        let ok = self.run(input, out_len);
        // Move the coordinate system past this input so that its slots read
        // as empty for the next one.
        self.base += input.len() as u32 + 1;
        ok.then_some(self.out.as_slice())
    }

    /// Makes sure the table exists and that `base + len` cannot overflow.
    fn prepare(&mut self, len: usize) {
        if self.table.is_empty() {
            self.table = vec![0; HSIZE];
        }
        if u64::from(self.base) + len as u64 + 1 >= u64::from(u32::MAX) {
            self.table.fill(0);
            self.base = 0;
        }
        self.out.clear();
    }

    /// The body of `lzf_compress`; false when the output does not fit.
    fn run(&mut self, input: &[u8], out_len: usize) -> bool {
        let in_len = input.len();
        let mut out = Output::start(&mut self.out);
        let mut ip = 0usize;
        let mut hval = (u32::from(input[0]) << 8) | u32::from(input.get(1).copied().unwrap_or(0));
        while ip + 2 < in_len {
            hval = (hval << 8) | u32::from(input[ip + 2]);
            let h = slot(hval);
            let stored = self.table[h];
            self.table[h] = self.base + ip as u32;
            let Some(r) = reference(input, self.base, stored, ip) else {
                if out.len() >= out_len {
                    return false;
                }
                out.literal(input[ip]);
                ip += 1;
                continue;
            };
            out.close_run();
            if out.len() + 3 + 1 >= out_len {
                return false;
            }
            let len = match_len(input, r, ip) - 2;
            out.backref(ip - r - 1, len);
            out.open_run();
            ip += len + 2;
            if ip + 2 >= in_len {
                break;
            }
            // VERY_FAST: hash the two positions just before the new ip.
            ip -= 2;
            hval = (u32::from(input[ip]) << 8) | u32::from(input[ip + 1]);
            for _ in 0..2 {
                hval = (hval << 8) | u32::from(input[ip + 2]);
                self.table[slot(hval)] = self.base + ip as u32;
                ip += 1;
            }
        }
        // At most three bytes can be missing here: two literals and a
        // control byte.
        if out.len() + 3 > out_len {
            return false;
        }
        for &b in input.get(ip..).unwrap_or_default() {
            out.literal(b);
        }
        out.close_run();
        true
    }
}

/// The compressed bytes being written and the literal run still open: its
/// control byte is reserved at `run` and filled in when the run ends.
struct Output<'a> {
    bytes: &'a mut Vec<u8>,
    lit: usize,
    run: usize,
}

impl Output<'_> {
    /// Opens the first literal run.
    fn start(bytes: &mut Vec<u8>) -> Output<'_> {
        bytes.push(0);
        Output {
            bytes,
            lit: 0,
            run: 0,
        }
    }

    /// Bytes written so far (liblzf's `op - out_data`).
    fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Appends a literal byte; a full run (32 bytes) is closed and a new one opened.
    fn literal(&mut self, b: u8) {
        self.lit += 1;
        self.bytes.push(b);
        if self.lit == MAX_LIT {
            self.close_run();
            self.open_run();
        }
    }

    /// Ends the literal run: writes its control byte, or takes back the
    /// reserved byte when the run is empty.
    fn close_run(&mut self) {
        if self.lit == 0 {
            self.bytes.pop();
        } else {
            self.bytes[self.run] = (self.lit - 1) as u8;
        }
    }

    /// Reserves the control byte of a new literal run.
    fn open_run(&mut self) {
        self.lit = 0;
        self.run = self.bytes.len();
        self.bytes.push(0);
    }

    /// A back reference copying `len + 2` bytes from `off + 1` bytes back.
    fn backref(&mut self, off: usize, len: usize) {
        if len < 7 {
            self.bytes.push(((off >> 8) + (len << 5)) as u8);
        } else {
            self.bytes.push(((off >> 8) + (7 << 5)) as u8);
            self.bytes.push((len - 7) as u8);
        }
        self.bytes.push(off as u8);
    }
}

/// The position a hash slot points to, if it is a usable match for `ip`:
/// in this input, after position 0, within reach, and starting with the
/// same three bytes. (liblzf 3.5 also refused matches in the last four
/// bytes; 3.6, which Redis ships, does not.)
#[inline]
fn reference(input: &[u8], base: u32, stored: u32, ip: usize) -> Option<usize> {
    if stored <= base {
        return None;
    }
    let r = (stored - base) as usize;
    let usable = r < ip && ip - r - 1 < MAX_OFF && input.get(r..r + 3) == input.get(ip..ip + 3);
    usable.then_some(r)
}

/// How many bytes match at `r` and `ip` (at least the 3 already compared),
/// replicating liblzf's loop exactly, including its unrolled first sixteen
/// comparisons, which may run past `maxlen` by design.
fn match_len(input: &[u8], r: usize, ip: usize) -> usize {
    let mut len = 2;
    let maxlen = (input.len() - ip - len).min(MAX_REF);
    if maxlen > 16 {
        for _ in 0..16 {
            len += 1;
            if input[r + len] != input[ip + len] {
                return len;
            }
        }
    }
    loop {
        len += 1;
        if !(len < maxlen && input[r + len] == input[ip + len]) {
            return len;
        }
    }
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes.
pub fn decompress(input: &[u8], out_len: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(out_len);
    let mut i = 0;
    while let Some(&ctrl) = input.get(i) {
        i += 1;
        let ctrl = usize::from(ctrl);
        if ctrl < 32 {
            let n = ctrl + 1;
            let lit = input
                .get(i..i + n)
                .ok_or("LZF literal run goes past the end of the data")?;
            if out.len() + n > out_len {
                return Err(format!(
                    "LZF data expands beyond the declared {out_len} bytes"
                ));
            }
            out.extend_from_slice(lit);
            i += n;
            continue;
        }
        let mut len = ctrl >> 5;
        if len == 7 {
            len += usize::from(*input.get(i).ok_or("LZF back reference is cut short")?);
            i += 1;
        }
        let low = usize::from(*input.get(i).ok_or("LZF back reference is cut short")?);
        i += 1;
        let back = ((ctrl & 0x1f) << 8) + low + 1;
        len += 2;
        if back > out.len() {
            return Err("LZF back reference points before the start".to_string());
        }
        if out.len() + len > out_len {
            return Err(format!(
                "LZF data expands beyond the declared {out_len} bytes"
            ));
        }
        copy_back(&mut out, back, len);
    }
    if out.len() != out_len {
        return Err(format!(
            "LZF data expands to {} bytes, not the declared {out_len}",
            out.len()
        ));
    }
    Ok(out)
}

/// Appends `len` bytes copied from `back` bytes behind the end; the ranges
/// may overlap (a run), so short distances copy byte by byte.
fn copy_back(out: &mut Vec<u8>, back: usize, len: usize) {
    let start = out.len() - back;
    if back >= len {
        out.extend_from_within(start..start + len);
    } else {
        for k in 0..len {
            let b = out[start + k];
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) -> Option<Vec<u8>> {
        let mut c = Compressor::new();
        let packed = c.compress(data, data.len().saturating_sub(4))?.to_vec();
        assert_eq!(decompress(&packed, data.len()).unwrap(), data);
        Some(packed)
    }

    #[test]
    fn compresses_a_run_like_liblzf() {
        // 30 × 'a', as a real 7.0.15 server stores it: two literals (position
        // 0 is never referenced), a 26-byte back reference at distance 1,
        // two trailing literals.
        let packed = round_trip(&[b'a'; 30]).unwrap();
        assert_eq!(
            packed,
            vec![0x01, b'a', b'a', 0xE0, 0x11, 0x00, 0x01, b'a', b'a']
        );
    }

    #[test]
    fn incompressible_input_gives_none() {
        let data: Vec<u8> = (0u8..=255).collect();
        assert!(round_trip(&data).is_none());
    }

    #[test]
    fn round_trips_varied_inputs_and_forgets_earlier_ones() {
        let mut c = Compressor::new();
        for n in [30usize, 64, 300, 5000, 70_000] {
            let data: Vec<u8> = (0..n)
                .map(|i| b"abcabcxyz"[i % 9] ^ ((i / 100) as u8 & 1))
                .collect();
            let packed = c.compress(&data, n - 4).unwrap().to_vec();
            assert_eq!(decompress(&packed, n).unwrap(), data);
            // A fresh compressor gives the same bytes: no state leaks between calls.
            assert_eq!(
                Compressor::new().compress(&data, n - 4).unwrap(),
                &packed[..]
            );
        }
    }

    #[test]
    fn corrupt_input_is_an_error() {
        assert!(decompress(&[0x05, b'a'], 6).is_err());
        assert!(decompress(&[0x00, b'a', 0x20, 0x05], 4).is_err());
        assert!(decompress(&[0x00, b'a', 0xE0], 40).is_err());
        assert!(decompress(&[0x00, b'a'], 2).is_err());
        assert!(decompress(&[0x01, b'a', b'b'], 1).is_err());
    }
}
