//! HyperLogLog commands (`hyperloglog.c`): PFADD, PFCOUNT, PFMERGE, on
//! the structure of [`super::hll`].
//!
//! An HLL is a string value, so it keeps its TTL when changed, shows its
//! bytes to GET, and is stored in the RDB as any other string.
//!
//! Propagation, as 7.0 does it, always as sent: PFADD when it created the
//! key or raised a register; PFMERGE always; and PFCOUNT of one key when it
//! recomputed the cardinality and wrote it into the header cache — a read
//! command that modifies its value, so real Redis propagates it (and a
//! replica applying it writes the same cache bytes).

use super::hll::{self, Corrupt};
use super::reply::{err, WRONGTYPE};
use super::Ctx;
use crate::db::{Sds, Value};
use crate::resp::Frame;

/// `isHLLObjectOrReply`'s error (Redis sends it with its own code).
const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
/// `invalid_hll_err`.
const INVALID: &str = "INVALIDOBJ Corrupted HLL object detected";

/// `isHLLObjectOrReply`: WRONGTYPE for other types, and the HLL error for
/// strings without a valid header (or a dense body of the wrong size).
fn check_hll(v: &Value) -> Result<Vec<u8>, Frame> {
    let Value::Str(s) = v else {
        return Err(err(WRONGTYPE));
    };
    let ok = s.len() >= hll::HDR_SIZE
        && &s[..4] == b"HYLL"
        && s[4] <= hll::SPARSE
        && (s[4] != hll::DENSE || s.len() == hll::DENSE_SIZE);
    if ok {
        Ok(s.to_vec())
    } else {
        Err(err(NOT_HLL))
    }
}

/// Stores an HLL, keeping the key's TTL (Redis edits it in place).
fn store(ctx: &mut Ctx, key: &[u8], hll: Vec<u8>) {
    ctx.db()
        .insert(Sds::new(key), Value::Str(Sds::from(hll)), true);
}

/// PFADD key [element ...]
pub fn pfadd(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let key = argv[1].as_slice();
    let (mut h, mut updated) = match ctx.lookup_write(key) {
        None => (hll::create(), true),
        Some(v) => match check_hll(v) {
            Ok(h) => (h, false),
            Err(e) => return e,
        },
    };
    for ele in &argv[2..] {
        match hll::add(&mut h, ele) {
            Ok(changed) => updated |= changed,
            Err(Corrupt) => {
                store(ctx, key, h);
                return err(INVALID);
            }
        }
    }
    if updated {
        hll::invalidate_cache(&mut h);
        store(ctx, key, h);
        ctx.propagate_as_sent();
    }
    Frame::Integer(i64::from(updated))
}

/// Every source's registers merged (`max[i] = MAX(...)`), and whether one
/// of them was dense. Missing keys count as empty HLLs.
fn merge_sources(ctx: &mut Ctx, keys: &[Vec<u8>]) -> Result<(Vec<u8>, bool), Frame> {
    let mut max = vec![0u8; hll::REGISTERS];
    let mut any_dense = false;
    for key in keys {
        let Some(v) = ctx.lookup_read(key) else {
            continue;
        };
        let h = check_hll(v)?;
        any_dense |= h[4] == hll::DENSE;
        hll::merge(&mut max, &h).map_err(|_| err(INVALID))?;
    }
    Ok((max, any_dense))
}

/// PFCOUNT key [key ...]
pub fn pfcount(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    if argv.len() > 2 {
        return match merge_sources(ctx, &argv[1..]) {
            Ok((max, _)) => Frame::Integer(hll::estimate(&hll::raw_histogram(&max)) as i64),
            Err(e) => e,
        };
    }
    let key = argv[1].as_slice();
    let mut h = match ctx.lookup_read(key).map(check_hll) {
        None => return Frame::Integer(0),
        Some(Ok(h)) => h,
        Some(Err(e)) => return e,
    };
    if let Some(card) = hll::cached(&h) {
        return Frame::Integer(card as i64);
    }
    let Ok(card) = hll::count(&h) else {
        return err(INVALID);
    };
    hll::set_cache(&mut h, card);
    store(ctx, key, h);
    ctx.propagate_as_sent();
    Frame::Integer(card as i64)
}

/// PFMERGE destkey [sourcekey ...]
pub fn pfmerge(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    let (max, any_dense) = match merge_sources(ctx, &argv[1..]) {
        Ok(m) => m,
        Err(e) => return e,
    };
    let key = argv[1].as_slice();
    let mut h = match ctx.lookup_write(key) {
        None => hll::create(),
        Some(Value::Str(s)) => s.to_vec(),
        Some(_) => return err(WRONGTYPE),
    };
    if any_dense && hll::sparse_to_dense(&mut h).is_err() {
        return err(INVALID);
    }
    for (i, m) in max.iter().enumerate() {
        if *m != 0 {
            // Errors cannot happen here: the destination was validated
            // as one of the sources, and Redis ignores them too.
            let _ = hll::set(&mut h, i, *m);
        }
    }
    hll::invalidate_cache(&mut h);
    store(ctx, key, h);
    ctx.propagate_as_sent();
    Frame::ok()
}
