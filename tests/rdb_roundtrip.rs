//! RDB encode and decode without a real server: generated keyspaces make
//! the round trip, the checksum catches damage, every truncation and every
//! flipped byte is an error (never a panic), the older encodings a 7.0
//! server still loads decode, and the error messages name what and where.

mod rdb_support;

use rdb_support::{assert_same, random_keyspace};
use replscope::db::{FastHash, Keyspace, Map, Sds, Value, ZSet};
use replscope::rdb::{self, Aux};
use std::collections::VecDeque;

fn aux() -> Aux {
    Aux {
        ctime: 1_700_000_000,
        used_mem: 1_234_567,
        repl_stream_db: 3,
        repl_id: "8f3b1c6d2e9a4b7c0d5e1f2a3b4c5d6e7f8a9b0c".to_string(),
        repl_offset: 987_654_321_012,
        ..Aux::default()
    }
}

/// A v10 file with `body` between the magic and the EOF opcode, and a
/// correct checksum.
fn file(body: &[u8]) -> Vec<u8> {
    let mut f = b"REDIS0010".to_vec();
    f.extend_from_slice(body);
    f.push(0xFF);
    let crc = rdb::crc64(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

/// A small file with one key of each type, expiries and two databases.
fn small_file() -> Vec<u8> {
    let mut ks = Keyspace::new();
    let db0 = &mut ks.dbs[0];
    db0.insert(Sds::from("s"), Value::Str(Sds::from("hello")), false);
    db0.insert(Sds::from("n"), Value::Str(Sds::from("-300")), false);
    db0.insert(
        Sds::from("l"),
        Value::List(Box::new(["a", "1"].map(Sds::from).into())),
        false,
    );
    db0.set_expire(b"l", 1_700_000_000_123);
    let mut h = Map::default();
    h.insert(Sds::from("f"), Sds::from("v"));
    ks.dbs[2].insert(Sds::from("h"), Value::Hash(Box::new(h)), false);
    ks.dbs[2].insert(
        Sds::from("set"),
        Value::Set(Box::new(["3", "x"].map(Sds::from).into_iter().collect())),
        false,
    );
    let mut z = ZSet::new();
    z.insert(Sds::from("m"), 1.5);
    ks.dbs[2].insert(Sds::from("z"), Value::ZSet(Box::new(z)), false);
    rdb::encode(&ks, &Aux::default(), 0)
}

#[test]
fn generated_keyspaces_round_trip() {
    for seed in 0..80 {
        let ks = random_keyspace(seed, 1_700_000_000_000);
        let bytes = rdb::encode(&ks, &aux(), 0);
        let (back, back_aux) = rdb::decode(&bytes).unwrap_or_else(|e| {
            panic!("seed {seed}: {e} (rerun: generated_keyspaces_round_trip, seed {seed})")
        });
        assert_same(&ks, &back, seed);
        assert_eq!(back_aux, aux());
        // Decoding keeps file order, so encoding again gives the same bytes.
        assert_eq!(
            rdb::encode(&back, &aux(), 0),
            bytes,
            "seed {seed}: re-encoding differs"
        );
    }
}

#[test]
fn containers_past_every_size_limit_round_trip() {
    let mut ks = Keyspace::new();
    let db = &mut ks.dbs[5];
    let list: VecDeque<Sds> = (0..20_000)
        .map(|i| Sds::from(format!("element-{i}")))
        .collect();
    db.insert(Sds::from("list"), Value::List(Box::new(list)), false);
    let huge: VecDeque<Sds> = [Sds::from(vec![b'q'; 100_000]), Sds::from("x")].into();
    db.insert(
        Sds::from("huge-element"),
        Value::List(Box::new(huge)),
        false,
    );
    let hash: Map<Sds, Sds> = (0..513)
        .map(|i| (Sds::from(format!("f{i}")), Sds::from(i.to_string())))
        .collect();
    db.insert(Sds::from("hash-513"), Value::Hash(Box::new(hash)), false);
    let mut long_value = Map::with_hasher(FastHash::default());
    long_value.insert(Sds::from("f"), Sds::from(vec![b'v'; 65]));
    db.insert(
        Sds::from("hash-65b"),
        Value::Hash(Box::new(long_value)),
        false,
    );
    let ints: Vec<Sds> = (0..513)
        .map(|i| Sds::from((i * 1_000_003 - 77).to_string()))
        .collect();
    db.insert(
        Sds::from("set-513"),
        Value::Set(Box::new(ints.iter().cloned().collect())),
        false,
    );
    db.insert(
        Sds::from("set-512"),
        Value::Set(Box::new(ints[..512].iter().cloned().collect())),
        false,
    );
    let mut z = ZSet::new();
    for i in 0..129 {
        z.insert(Sds::from(format!("m{i}")), f64::from(i) / 3.0);
    }
    db.insert(Sds::from("zset-129"), Value::ZSet(Box::new(z)), false);
    let mut z = ZSet::new();
    z.insert(Sds::from(vec![b'm'; 65]), 1.0);
    db.insert(Sds::from("zset-65b"), Value::ZSet(Box::new(z)), false);
    let bytes = rdb::encode(&ks, &aux(), 0);
    let (back, _) = rdb::decode(&bytes).unwrap();
    assert_same(&ks, &back, 0);
}

/// The signature and the first two AUX fields every file we write starts with.
fn file_start() -> Vec<u8> {
    let mut start = b"REDIS0010".to_vec();
    start.extend_from_slice(b"\xfa\x09redis-ver\x067.0.15");
    start.extend_from_slice(b"\xfa\x0aredis-bits\xc0\x40");
    start
}

#[test]
fn empty_keyspace_gives_the_minimal_file() {
    let bytes = rdb::encode(&Keyspace::new(), &Aux::default(), 0);
    let mut expected = file_start();
    expected.extend_from_slice(b"\xfa\x05ctime\xc0\x00");
    expected.extend_from_slice(b"\xfa\x08used-mem\xc0\x00");
    expected.extend_from_slice(b"\xfa\x08aof-base\xc0\x00");
    expected.push(0xFF);
    let crc = rdb::crc64(&expected);
    expected.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(bytes, expected);
}

#[test]
fn aux_fields_come_in_redis_order_with_integer_encodings() {
    let bytes = rdb::encode(&Keyspace::new(), &aux(), 0);
    let mut expected = file_start();
    expected.extend_from_slice(b"\xfa\x05ctime\xc2\x00\xf1\x53\x65");
    expected.extend_from_slice(b"\xfa\x08used-mem\xc2\x87\xd6\x12\x00");
    expected.extend_from_slice(b"\xfa\x0erepl-stream-db\xc0\x03");
    expected.extend_from_slice(b"\xfa\x07repl-id\x288f3b1c6d2e9a4b7c0d5e1f2a3b4c5d6e7f8a9b0c");
    expected.extend_from_slice(b"\xfa\x0brepl-offset\x0c987654321012");
    expected.extend_from_slice(b"\xfa\x08aof-base\xc0\x00");
    assert_eq!(&bytes[..bytes.len() - 9], &expected[..]);
    assert_eq!(rdb::decode(&bytes).unwrap().1, aux());
}

#[test]
fn keys_values_and_expiries_have_the_exact_bytes() {
    let bytes = small_file();
    let start = bytes.windows(2).position(|w| w == [0xFE, 0x00]).unwrap();
    #[rustfmt::skip]
    let expected: Vec<u8> = [
        &[0xFE, 0x00, 0xFB, 0x03, 0x01][..],
        &[0x00, 0x01, b's', 0x05, b'h', b'e', b'l', b'l', b'o'],
        &[0x00, 0x01, b'n', 0xC1, 0xD4, 0xFE],
        &[0xFC], &1_700_000_000_123i64.to_le_bytes(),
        // quicklist2: one node, PACKED, a 12-byte listpack ["a", 1].
        &[0x12, 0x01, b'l', 0x01, 0x02, 0x0C, 0x0C, 0, 0, 0, 0x02, 0, 0x81, b'a', 0x02, 0x01, 0x01, 0xFF],
        &[0xFE, 0x02, 0xFB, 0x03, 0x00],
        // hash listpack ["f", "v"].
        &[0x10, 0x01, b'h', 0x0D, 0x0D, 0, 0, 0, 0x02, 0, 0x81, b'f', 0x02, 0x81, b'v', 0x02, 0xFF],
        // "x" is not an integer, so a plain set.
        &[0x02, 0x03, b's', b'e', b't', 0x02, 0xC0, 0x03, 0x01, b'x'],
        // zset listpack ["m", "1.5"].
        &[0x11, 0x01, b'z', 0x0F, 0x0F, 0, 0, 0, 0x02, 0, 0x81, b'm', 0x02, 0x83, b'1', b'.', b'5', 0x04, 0xFF],
        &[0xFF],
    ].concat();
    assert_eq!(&bytes[start..bytes.len() - 8], &expected[..]);
}

#[test]
fn crc64_matches_the_catalogue_check_value() {
    assert_eq!(rdb::crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
}

#[test]
fn a_flipped_byte_in_a_value_is_a_checksum_error_at_the_trailer() {
    let mut bytes = small_file();
    let at = bytes.windows(5).position(|w| w == b"hello").unwrap();
    bytes[at] = b'j';
    let err = rdb::decode(&bytes).unwrap_err();
    assert_eq!(err.offset, bytes.len() - 8);
    assert!(
        err.to_string().starts_with(&format!(
            "RDB error at byte {}: checksum mismatch",
            bytes.len() - 8
        )),
        "{err}"
    );
}

#[test]
fn every_flipped_bit_is_detected_without_panicking() {
    let good = small_file();
    for i in 0..good.len() {
        for bit in [0x01u8, 0x80] {
            let mut bytes = good.clone();
            bytes[i] ^= bit;
            assert!(
                rdb::decode(&bytes).is_err(),
                "flipping bit {bit:#x} of byte {i} went unnoticed"
            );
        }
    }
}

#[test]
fn truncation_at_every_byte_is_an_error() {
    let good = small_file();
    for cut in 0..good.len() {
        let err = rdb::decode(&good[..cut]).unwrap_err();
        assert!(
            err.offset <= cut,
            "cut {cut}: error offset {} past the end",
            err.offset
        );
    }
    assert!(rdb::decode(&good).is_ok());
}

#[test]
fn a_zero_checksum_is_not_checked() {
    let mut bytes = small_file();
    let n = bytes.len();
    bytes[n - 8..].fill(0);
    assert!(rdb::decode(&bytes).is_ok());
}

#[test]
fn errors_name_what_and_where() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"REDIS0011\xff".to_vec(), "RDB error at byte 5: can't handle RDB format version 11 (Redis 7.0 reads versions 1 to 10)"),
        (b"RIDES0010\xff".to_vec(), "RDB error at byte 0: wrong signature: not an RDB file (it does not start with \"REDIS\")"),
        (b"REDIS00x0\xff".to_vec(), "RDB error at byte 5: invalid RDB version \"00x0\""),
        (file(b"\xfe\x00\x63\x01k\x01v"), "RDB error at byte 11: unknown value type 99"),
        (file(b"\xfe\x00\x0f\x01k"), "RDB error at byte 11: stream values (type 15) are not supported: replscope has no streams"),
        (file(b"\xfe\x10"), "RDB error at byte 9: SELECTDB 16: the file needs more than the 16 databases a server has"),
        (file(b"\xf7\x01\x02\x03"), "RDB error at byte 9: module auxiliary data (opcode 0xF7) is not supported: replscope has no modules"),
        (file(b"\x00\x01k\x01a\x00\x01k\x01b"), "RDB error at byte 14: duplicate key \"k\" in db 0"),
        (b"REDIS0010\x00\x01k\x05ab".to_vec(), "RDB error at byte 13: unexpected end of file reading a string value (5 bytes needed, 2 left)"),
        (file(b"\x02\x01s\x02\x01a\x01a"), "RDB error at byte 15: duplicate set member \"a\""),
        (file(b"\x0b\x01s\x08\x02\x00\x00\x00\x00\x00\x00\x00"), "RDB error at byte 12: set intset: intset is empty"),
        (file(b"\x10\x01h\x07\x07\x00\x00\x00\x01\x00\xff"), "RDB error at byte 12: hash listpack: listpack header says 1 elements but it holds 0"),
        (file(b"\x12\x01l\x01\x03\x01x"), "RDB error at byte 13: quicklist node container 3 is neither 1 (plain) nor 2 (packed)"),
    ];
    for (bytes, expected) in cases {
        assert_eq!(rdb::decode(&bytes).unwrap_err().to_string(), expected);
    }
}

#[test]
fn expired_keys_are_kept_until_the_caller_removes_them() {
    let mut ks = Keyspace::new();
    ks.dbs[0].insert(Sds::from("old"), Value::Str(Sds::from("1")), false);
    ks.dbs[0].set_expire(b"old", 1_000);
    ks.dbs[0].insert(Sds::from("new"), Value::Str(Sds::from("2")), false);
    ks.dbs[0].set_expire(b"new", 9_000);
    let (mut back, _) = rdb::decode(&rdb::encode(&ks, &Aux::default(), 5_000)).unwrap();
    assert_eq!(back.dbs[0].len(), 2);
    assert_eq!(rdb::remove_expired(&mut back, 5_000), 1);
    assert_eq!(
        back.dbs[0].dict.keys().collect::<Vec<_>>(),
        [&Sds::from("new")]
    );
    assert_eq!(back.dbs[0].expire_at(b"new"), Some(9_000));
}

#[test]
fn empty_containers_are_left_out_and_skipped() {
    let mut ks = Keyspace::new();
    ks.dbs[0].insert(Sds::from("empty"), Value::List(Box::default()), false);
    ks.dbs[0].set_expire(b"empty", 5);
    ks.dbs[0].insert(Sds::from("s"), Value::Str(Sds::from("x")), false);
    let bytes = rdb::encode(&ks, &Aux::default(), 0);
    let at = bytes.windows(2).position(|w| w == [0xFE, 0x00]).unwrap();
    assert_eq!(&bytes[at..at + 5], &[0xFE, 0x00, 0xFB, 0x01, 0x00]);
    // A real file may still carry an empty key (old Redis bug #8453): skipped.
    let (back, _) = rdb::decode(&file(b"\x01\x01e\x00\x00\x01s\x01x")).unwrap();
    assert_eq!(
        back.dbs[0].dict.keys().collect::<Vec<_>>(),
        [&Sds::from("s")]
    );
}

/// A ziplist of `elems` (strings, or integers as 0xFE int8 / 0xC0 int16).
fn ziplist(elems: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev = 0usize;
    let mut tail = 10usize;
    for e in elems {
        let start = body.len();
        tail = 10 + start;
        body.push(prev as u8);
        match replscope::resp::parse_int(e) {
            Some(v) if (-128..128).contains(&v) => body.extend_from_slice(&[0xFE, v as u8]),
            Some(v) => {
                body.push(0xC0);
                body.extend_from_slice(&(v as i16).to_le_bytes());
            }
            None => {
                body.push(e.len() as u8);
                body.extend_from_slice(e);
            }
        }
        prev = body.len() - start;
    }
    let total = (10 + body.len() + 1) as u32;
    [
        &total.to_le_bytes()[..],
        &(tail as u32).to_le_bytes(),
        &(elems.len() as u16).to_le_bytes(),
        &body,
        &[0xFF],
    ]
    .concat()
}

/// A raw RDB string (6- or 14-bit length).
fn raw(s: &[u8]) -> Vec<u8> {
    let len: Vec<u8> = if s.len() < 64 {
        vec![s.len() as u8]
    } else {
        vec![0x40 | (s.len() >> 8) as u8, s.len() as u8]
    };
    [&len[..], s].concat()
}

#[test]
fn older_encodings_that_7_0_still_loads_decode() {
    let body: Vec<u8> = [
        // Type 1 list, 0xFD (seconds) expiry, IDLE and FREQ hints.
        &[0xFD][..],
        &1_700_000_000i32.to_le_bytes(),
        &[0xF8, 0x05, 0xF9, 0x07],
        &[0x01, 0x02, b'l', b'1', 0x02, 0x01, b'a', 0xC0, 0x05],
        // Type 3 zset with text scores, including +inf.
        &[
            0x03, 0x02, b'z', b'3', 0x02, 0x01, b'a', 0x03, b'2', b'.', b'5', 0x01, b'b', 0xFE,
        ],
        // Type 10 list ziplist, 12 zset ziplist, 13 hash ziplist.
        &[0x0A, 0x03, b'l', b'1', b'0'],
        &raw(&ziplist(&[b"x", b"300"])),
        &[0x0C, 0x03, b'z', b'1', b'2'],
        &raw(&ziplist(&[b"m", b"7", b"n", b"0.5"])),
        &[0x0D, 0x03, b'h', b'1', b'3'],
        &raw(&ziplist(&[b"f", b"-2"])),
        // Type 14 quicklist of two ziplist nodes.
        &[0x0E, 0x03, b'l', b'1', b'4', 0x02],
        &raw(&ziplist(&[b"a"])),
        &raw(&ziplist(&[b"b", b"c"])),
        // A function library (skipped), then a type-18 list with a PLAIN node.
        &[0xF5],
        &raw(b"#!lua name=lib\nredis.register_function('f', function() return 1 end)"),
        &[0x12, 0x03, b'l', b'1', b'8', 0x01, 0x01],
        &raw(b"plain"),
    ]
    .concat();
    let (ks, _) = rdb::decode(&file(&body)).unwrap();
    let db = &ks.dbs[0];
    let list =
        |items: &[&str]| Value::List(Box::new(items.iter().map(|s| Sds::from(*s)).collect()));
    assert_eq!(db.dict[&b"l1"[..]], list(&["a", "5"]));
    assert_eq!(db.expire_at(b"l1"), Some(1_700_000_000_000));
    let Value::ZSet(z3) = &db.dict[&b"z3"[..]] else {
        panic!("z3 is not a zset")
    };
    assert_eq!(
        (z3.score(b"a"), z3.score(b"b")),
        (Some(2.5), Some(f64::INFINITY))
    );
    assert_eq!(db.dict[&b"l10"[..]], list(&["x", "300"]));
    let Value::ZSet(z12) = &db.dict[&b"z12"[..]] else {
        panic!("z12 is not a zset")
    };
    assert_eq!(
        z12.iter().map(|(m, s)| (m.to_vec(), s)).collect::<Vec<_>>(),
        [(b"n".to_vec(), 0.5), (b"m".to_vec(), 7.0)]
    );
    let Value::Hash(h13) = &db.dict[&b"h13"[..]] else {
        panic!("h13 is not a hash")
    };
    assert_eq!(h13.get(&b"f"[..]), Some(&Sds::from("-2")));
    assert_eq!(db.dict[&b"l14"[..]], list(&["a", "b", "c"]));
    assert_eq!(db.dict[&b"l18"[..]], list(&["plain"]));
}
