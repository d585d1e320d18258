//! Differential test of the data commands beyond the five basic types'
//! first set: bitmaps (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
//! BITFIELD_RO), LCS, SUBSTR, TOUCH and HyperLogLogs (PFADD, PFCOUNT,
//! PFMERGE). The same script goes to a real
//! redis-server 7.0.15 and to our [`Server`], and every reply must be
//! identical (line modes as in [`support::differential`]), error paths
//! included: argument parsing order, WRONGTYPE, range edge cases.
//!
//! [`Server`]: replscope::server::Server

mod support;

const SCRIPT: &str = r#"
# ---- SETBIT / GETBIT
setbit b 7 1
setbit b 7 1
setbit b 7 0
setbit b 100 1
get b
strlen b
getbit b 100
getbit b 99
getbit b 100000
getbit nobits 5
setbit b -1 1
setbit b x 1
setbit b 1 2
setbit b 1 -1
setbit b 1 x
setbit b 4294967296 1
getbit b 4294967296
getbit b -1
setbit b 4294967295 x
set n 12
getbit n 2
getbit n 3
setbit n 6 1
get n
rpush blist a
setbit blist 0 1
getbit blist 0
setbit b2 0 0
get b2
set e ""
setbit e 3 0
get e
set ttlb abc ex 100
setbit ttlb 0 1
ttl ttlb
# ---- BITCOUNT
set s foobar
bitcount s
bitcount s 0 0
bitcount s 1 1
bitcount s 1 -1
bitcount s -2 -1
bitcount s -1 -2
bitcount s 5 100
bitcount s 100 200
bitcount s 0 -100
bitcount s 1 1 bit
bitcount s 5 30 bit
bitcount s 5 30 BYTE
bitcount s 0 -1 bit
bitcount s -9 -1 bit
bitcount s 9 8 bit
bitcount s 0 1 foo
bitcount s 0
bitcount s a 1
bitcount s 0 a
bitcount s 0 1 bit extra
bitcount nokey
bitcount nokey 0
bitcount nokey a b
bitcount blist
set ib 255
bitcount ib
# ---- BITPOS
set p "\xff\xf0\x00"
bitpos p 0
bitpos p 1
bitpos p 1 2
bitpos p 0 0 0
bitpos p 0 0 1
bitpos p 1 -1
bitpos p 0 -1
set ones "\xff\xff\xff"
bitpos ones 0
bitpos ones 0 0
bitpos ones 0 0 -1
bitpos ones 1 0 -1
bitpos ones 0 0 -1 bit
bitpos ones 0 2 20 bit
set z "\x00\x00\x00"
bitpos z 1
bitpos z 0
bitpos z 1 0 -1 bit
bitpos z 0 3 bit
bitpos z 0 23 bit
bitpos z 0 24 bit
bitpos p 1 7 15 bit
bitpos p 0 7 15 bit
bitpos p 0 4 11 bit
bitpos p 1 11 13 bit
bitpos p 0 1 1 bit
bitpos p 1 1 1 bit
bitpos p 1 2 6 bit
bitpos p 0 -4 -1 bit
bitpos p 1 -12 -5 bit
bitpos p 1 5 3
bitpos p 1 0 -1 foo
bitpos p 1 0 -1 bit x
bitpos p 2
bitpos p x
bitpos p 1 x
bitpos p 1 0 x
bitpos nokey 1
bitpos nokey 0
bitpos nokey 2
bitpos blist 1
set pe ""
bitpos pe 0
bitpos pe 1
bitpos pe 0 0 -1
# ---- BITOP
set k1 foobar
set k2 abcdef
set k3 "\x01\x02"
bitop and dest k1 k2
get dest
bitop or dest k1 k2 k3
get dest
bitop xor dest k1 k3
get dest
bitop not dest k1
get dest
bitop not dest k1 k2
bitop nand dest k1
bitop and dest nokey
exists dest
bitop and dest nokey
bitop or dest k1 nokey
get dest
bitop and dest k1 nokey
get dest
bitop and dest k1 blist
bitop xor dest nokey nokey2
set long1 "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
set long2 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij"
bitop and dest long1 long2
get dest
bitop or dest long1 long2
get dest
bitop xor dest long1 long2 k1
get dest
bitop not dest long2
get dest
set dttl x ex 100
bitop or dttl k1
ttl dttl
bitop Or dest k1 k1
bitop AND dest k1
get dest
# ---- BITFIELD
bitfield bf set u8 0 255
bitfield bf get u8 0
bitfield bf get i8 0
bitfield bf incrby u8 0 10
bitfield bf incrby u8 0 1 overflow sat incrby u8 0 300
bitfield bf overflow fail incrby u8 0 1
bitfield bf overflow wrap incrby i8 0 1
bitfield bf set i8 #1 -100 get i8 #1 get u8 8
bitfield bf overflow sat incrby i8 8 -100 incrby i8 8 300
bitfield bf overflow fail set i4 16 100 get i4 16
bitfield bf overflow fail set u4 16 16
bitfield bf set u4 16 -1
bitfield bf get u4 16
bitfield bf set i64 0 -1 get i64 0 get u63 1
bitfield bf incrby i64 0 -9223372036854775808
bitfield bf overflow sat incrby i64 0 -9223372036854775808
bitfield bf overflow sat incrby i64 0 -1
bitfield bf set i64 0 9223372036854775807 overflow wrap incrby i64 0 1
bitfield bf overflow sat set i64 0 9223372036854775807 incrby i64 0 1
bitfield bf set u63 0 9223372036854775807 overflow sat incrby u63 0 1
bitfield bf set u5 7 23 get u5 7 get i5 7
get bf
bitfield bf get u64 0
bitfield bf get u0 0
bitfield bf get i65 0
bitfield bf get x8 0
bitfield bf get u8
bitfield bf get u8 -1
bitfield bf get u8 #-1
bitfield bf get u8 x
bitfield bf set u8 0 x
bitfield bf overflow
bitfield bf overflow foo get u8 0
bitfield bf foo
bitfield bf get u8 0 set u8 0
bitfield bf
bitfield nokey get u8 0 get i16 5
exists nokey
bitfield bf get u8 4294967288
bitfield bf get u8 4294967289
bitfield bf get u8 #536870911
bitfield bf get u8 #536870912
bitfield blist get u8 0
bitfield blist set u8 0 1
bitfield newbf overflow fail incrby u2 100 5
exists newbf
strlen newbf
bitfield newbf2 set u8 0 0
get newbf2
bitfield bf set u8 0 1 set u8 0 1
bitfield bf incrby u8 0 0
bitfield_ro bf get u8 0 get i4 #3
bitfield_ro bf set u8 0 1
bitfield_ro bf get u8 0 incrby u8 0 1
bitfield_ro bf foo
bitfield_ro nokey get u8 0
bitfield_ro blist get u8 0
bitfield_ro bf
# ---- LCS
set ohmytext "ohmytext"
set mynewtext "mynewtext"
lcs ohmytext mynewtext
lcs ohmytext mynewtext len
lcs ohmytext mynewtext idx
lcs ohmytext mynewtext idx minmatchlen 4
lcs ohmytext mynewtext idx minmatchlen 4 withmatchlen
lcs ohmytext mynewtext idx withmatchlen
lcs ohmytext mynewtext withmatchlen
lcs ohmytext mynewtext idx minmatchlen -5
lcs ohmytext mynewtext len idx
lcs ohmytext mynewtext idx len
lcs ohmytext mynewtext minmatchlen
lcs ohmytext mynewtext minmatchlen x
lcs ohmytext mynewtext foo
lcs ohmytext nokey
lcs nokey nokey2 idx
lcs nokey nokey2 len
lcs ohmytext blist
lcs blist ohmytext foo
lcs ohmytext
set la "ACCGGTCGAGTGCGCGGAAGCCGGCCGAA"
set lb "GTCGTTCGGAATGCCGTTGCTCTGTAAA"
lcs la lb
lcs la lb idx withmatchlen
lcs la lb idx minmatchlen 2
lcs la la idx
lcs lb la
set num1 12345
set num2 1245
lcs num1 num2 idx withmatchlen
# ---- SUBSTR
set sub "Hello World"
substr sub 0 4
substr sub -5 -1
substr sub 5 1
substr nokey 0 1
substr sub x 1
substr sub 0
substr blist 0 1
# ---- TOUCH
touch sub
touch sub nokey sub blist
touch nokey
touch
set tt v px 50
sleep 80
touch tt
exists tt
"#;

/// HyperLogLogs: replies, and GET of every HLL so its bytes (sparse
/// opcodes, dense registers, the cached cardinality in the header) must
/// be Redis's exactly.
const HLL_SCRIPT: &str = r#"
pfadd h a b c
pfadd h a
pfadd h
pfadd hnew
get hnew
get h
pfcount h
get h
pfcount h
pfadd h d
get h
pfcount h hnew
pfcount h nokey
pfcount nokey
pfcount nokey nokey2
pfadd h2 x y z a
pfmerge hm h h2
get hm
pfcount hm
pfmerge hm
pfmerge hm2 nokey
get hm2
pfmerge hm3
get hm3
set notahll abc
pfadd notahll a
pfcount notahll
pfcount h notahll
pfmerge hm notahll
pfmerge notahll h
rpush hl a
pfadd hl a
pfcount hl
pfmerge hl h
set fakehll "HYLL\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
pfadd fakehll a
set fakedense "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
pfcount fakedense
set badsparse "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xf0"
pfcount badsparse
pfadd badsparse a
set httl x
del httl
pfadd httl a
expire httl 100
pfadd httl b
ttl httl
"#;

/// PFADDs of a few hundred elements at a time, growing sparse HLLs past
/// `hll-sparse-max-bytes` into the dense encoding, with GETs and counts
/// between, and merges of sparse and dense.
fn hll_growth_script() -> String {
    let mut s = String::new();
    for round in 0..12 {
        let elements: Vec<String> = (0..250).map(|i| format!("m{round}:{i}")).collect();
        s += &format!(
            "pfadd grow {}\nget grow\npfcount grow\n",
            elements.join(" ")
        );
        if round == 1 {
            s += "pfmerge sparsecopy grow\nget sparsecopy\n";
        }
    }
    s += "pfadd grow m0:0\npfcount grow\nget grow\n";
    s += "pfmerge mixed sparsecopy grow\nget mixed\npfcount mixed\n";
    s += "pfmerge sparsecopy2 sparsecopy h\nget sparsecopy2\npfcount grow sparsecopy h\n";
    s += "pfadd dense2 a\npfmerge dense2 grow\nget dense2\npfcount dense2\n";
    s
}

#[test]
fn data_command_replies_match_real_redis() {
    support::differential::compare_script(SCRIPT, 250);
}

#[test]
fn hyperloglog_replies_and_bytes_match_real_redis() {
    let script = format!("{HLL_SCRIPT}{}", hll_growth_script());
    support::differential::compare_script(&script, 80);
}
