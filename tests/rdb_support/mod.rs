//! Test data shared by the RDB tests: a small deterministic generator of
//! keyspaces that exercise every encoding decision, and a strict keyspace
//! comparison.

#![allow(dead_code)]

use replscope::db::{Keyspace, Map, Sds, Value, ZSet};

/// xorshift64*: a small deterministic generator for test data.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A string of one of the shapes the encoder treats differently.
pub fn random_string(rng: &mut Rng) -> Sds {
    match rng.below(10) {
        0 => Sds::EMPTY,
        1 => Sds::from((rng.below(2001) as i64 - 1000).to_string()),
        2 => Sds::from((rng.next() as i64).to_string()),
        3 => Sds::from(["007", "-0", "+1", " 1", "1e3", "12345678901"][rng.below(6)]),
        4 => {
            let n = rng.below(40);
            rng.bytes(n).into()
        }
        5 => Sds::from("ab".repeat(11 + rng.below(3000))),
        6 => {
            let n = 21 + rng.below(300);
            rng.bytes(n).into()
        }
        _ => Sds::from(format!("member:{}", rng.below(1000))),
    }
}

/// A value of random type; `big` pushes sizes past the listpack/intset limits.
pub fn random_value(rng: &mut Rng, big: bool) -> Value {
    let n = if big {
        100 + rng.below(700)
    } else {
        1 + rng.below(12)
    };
    match rng.below(5) {
        0 => Value::Str(random_string(rng)),
        1 => Value::List(Box::new((0..n * 4).map(|_| random_string(rng)).collect())),
        2 => {
            let mut h = Map::default();
            for _ in 0..n {
                h.insert(random_string(rng), random_string(rng));
            }
            Value::Hash(Box::new(h))
        }
        3 => {
            let ints = rng.below(2) == 0;
            let set = (0..n)
                .map(|_| {
                    if ints {
                        Sds::from((rng.next() as i64 >> rng.below(63)).to_string())
                    } else {
                        random_string(rng)
                    }
                })
                .collect();
            Value::Set(Box::new(set))
        }
        _ => {
            let mut z = ZSet::new();
            for _ in 0..n {
                let score = match rng.below(5) {
                    0 => rng.below(100) as f64,
                    1 => (rng.next() as i64) as f64 / 7.0,
                    2 => [f64::INFINITY, f64::NEG_INFINITY, 1e17, 5e18, -0.0][rng.below(5)],
                    _ => rng.below(1000) as f64 / 8.0 - 60.0,
                };
                z.insert(random_string(rng), score);
            }
            Value::ZSet(Box::new(z))
        }
    }
}

/// A keyspace over a few databases, with expiries within ±5000 s of
/// `expiry_base_ms` (so some are past when that is "now").
pub fn random_keyspace(seed: u64, expiry_base_ms: i64) -> Keyspace {
    let mut rng = Rng::new(seed);
    let mut ks = Keyspace::new();
    for _ in 0..1 + rng.below(3) {
        let db = &mut ks.dbs[rng.below(16)];
        for i in 0..rng.below(40) {
            let key = if i % 7 == 3 {
                Sds::from(i.to_string())
            } else {
                random_string(&mut rng)
            };
            let big = rng.below(8) == 0;
            db.insert(key.clone(), random_value(&mut rng, big), false);
            if rng.below(3) == 0 {
                db.set_expire(
                    &key,
                    expiry_base_ms + rng.below(10_000_000) as i64 - 5_000_000,
                );
            }
        }
    }
    ks
}

/// Asserts two keyspaces hold the same keys in the same order, the same
/// values (lists and hashes in the same order too) and the same expiries.
pub fn assert_same(a: &Keyspace, b: &Keyspace, seed: u64) {
    for (i, (da, db)) in a.dbs.iter().zip(&b.dbs).enumerate() {
        let keys_a: Vec<&Sds> = da.dict.keys().collect();
        let keys_b: Vec<&Sds> = db.dict.keys().collect();
        assert_eq!(keys_a, keys_b, "seed {seed}: keys of db {i}");
        for (key, va) in &da.dict {
            let vb = &db.dict[key.as_bytes()];
            assert_eq!(va, vb, "seed {seed}: value of {key:?} in db {i}");
            if let (Value::Hash(ha), Value::Hash(hb)) = (va, vb) {
                assert!(
                    ha.keys().eq(hb.keys()),
                    "seed {seed}: field order of {key:?}"
                );
            }
            assert_eq!(
                da.expire_at(key),
                db.expire_at(key),
                "seed {seed}: expiry of {key:?}"
            );
        }
    }
}

/// The bytes of one real 7.0.15 dump under `tests/fixtures/rdb/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rdb")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
