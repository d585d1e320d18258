//! Differential test of the sorted-set ranges and algebra and of the
//! multi-key pops: ZRANGESTORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT,
//! ZUNION/ZINTER/ZDIFF and their STORE forms, ZINTERCARD, SINTERCARD,
//! LMPOP, ZMPOP and LPOS. The same script goes to a real redis-server
//! 7.0.15 and to our [`Server`], and every reply must be identical (line
//! modes as in [`support::differential`]): argument parsing order,
//! WRONGTYPE, syntax errors, score formatting, edge cases of each option.
//!
//! [`Server`]: replscope::server::Server

mod support;

/// ZRANGESTORE and the by-lex commands.
const RANGE_SCRIPT: &str = r#"
zadd z 1 a 2 b 3 c 4 d 5 e
zrangestore dst z 0 -1
zrange dst 0 -1 withscores
zrangestore dst z 1 2
zrange dst 0 -1 withscores
zrangestore dst z 2 4 byscore
zrange dst 0 -1 withscores
zrangestore dst z (2 +inf byscore limit 1 2
zrange dst 0 -1 withscores
zrangestore dst z 4 1 byscore rev
zrange dst 0 -1 withscores
zrangestore dst z 0 0 rev
zrange dst 0 -1 withscores
zrangestore dst z [b [d bylex
zrange dst 0 -1 withscores
zrangestore dst z + - bylex rev limit 0 2
zrange dst 0 -1 withscores
zrangestore dst z 10 20
exists dst
zrangestore dst z 10 20
zrangestore dst nokey 0 -1
zrangestore dst z 0 -1 withscores
zrangestore dst z 0 -1 limit 0 1
zrangestore dst z 0 -1 limit 0 -1
zrangestore dst z 0 -1 bylex
zrangestore dst z a b byscore
zrangestore dst z x 1
zrangestore dst z 0 -1 foo
zrangestore dst z 0
set str x
zrangestore dst str 0 -1
zrangestore str z 0 1
type str
ttl str
set ttldst v ex 100
zrangestore ttldst z 0 0
ttl ttldst
zrangestore z z 1 2
zrange z 0 -1 withscores
zadd lex 0 a 0 b 0 c 0 d 0 e 0 f 0 g
zrangebylex lex - +
zrangebylex lex [b [d
zrangebylex lex (b (d
zrangebylex lex (b +
zrangebylex lex - (c
zrangebylex lex [aa [e
zrangebylex lex - + limit 2 3
zrangebylex lex - + limit 2 -1
zrangebylex lex - + limit -1 3
zrangebylex lex - + limit 10 3
zrangebylex lex - + limit 0 0
zrangebylex lex + -
zrangebylex lex b d
zrangebylex lex [b
zrangebylex lex [b [d withscores
zrangebylex lex [b [d limit 1
zrangebylex lex [b [d limit x 1
zrangebylex lex [b [d rev
zrangebylex nokey - +
zrangebylex nokey x y
zrangebylex str - +
zrevrangebylex lex + -
zrevrangebylex lex [d [b
zrevrangebylex lex (e - limit 1 2
zrevrangebylex lex - +
zrevrangebylex lex [b [d
zrevrangebylex lex + - byscore
zrange lex [b [e bylex
zrange lex [e [b bylex rev limit 1 1
zrange lex [b [e bylex withscores
zlexcount lex - +
zlexcount lex [b [d
zlexcount lex (b (d
zlexcount lex + -
zlexcount lex b d
zlexcount nokey - +
zlexcount nokey a b
zlexcount str - +
zlexcount lex [ [
zlexcount lex ( +
zrange z 0 -1 limit 1 -1
zrange z 0 -1 limit 1 2
zrange z 0 -1 byscore limit 1 2
zrange z -inf +inf byscore limit 1 2 withscores
"#;

/// ZUNION/ZINTER/ZDIFF, their STORE forms, ZINTERCARD and SINTERCARD.
const ALGEBRA_SCRIPT: &str = r#"
zadd za 1 a 2 b 3 c
zadd zb 10 b 20 c 30 d
zadd zc 100 c 200 e
sadd sa a c x
sadd si 1 2 3
set str v
rpush lst a
zunion 2 za zb
zunion 2 za zb withscores
zunion 3 za zb zc withscores
zunion 2 za zb weights 2 3 withscores
zunion 2 za zb aggregate min withscores
zunion 2 za zb aggregate max withscores
zunion 2 za zb weights 1 -1 aggregate sum withscores
zunion 2 za sa withscores
zunion 2 za nokey withscores
zunion 1 nokey
zunion 2 za za withscores
zinter 2 za zb withscores
zinter 3 za zb zc withscores
zinter 2 za zb weights 2 3 aggregate max withscores
zinter 2 za sa withscores
zinter 2 za nokey withscores
zinter 2 sa si withscores
zdiff 2 za zb withscores
zdiff 2 zb za
zdiff 3 zc za zb withscores
zdiff 2 sa za withscores
zdiff 1 nokey
zdiff 2 nokey za
zintercard 2 za zb
zintercard 3 za zb zc
zintercard 2 za zb limit 1
zintercard 2 za zb limit 0
zintercard 2 za zb limit -1
zintercard 2 za zb limit x
zintercard 2 za zb limit
zintercard 2 za zb withscores
zintercard 1 nokey
zintercard 0 za
zunion 0 za
zunion -1 za
zunion x za
zunion 3 za zb
zunion 2 za str
zunion 2 za lst weights 1
zunion 2 za zb weights 1
zunion 2 za zb weights 1 x
zunion 2 za zb weights 1 nan
zunion 2 za zb weights 1 2 3
zunion 2 za zb aggregate
zunion 2 za zb aggregate avg
zunion 2 za zb foo
zdiff 2 za zb weights 1 2
zdiff 2 za zb aggregate sum
zadd zinf 1 a inf b -inf c
zunion 2 zinf zinf withscores
zunion 2 zinf zinf weights 1 -1 withscores
zunion 1 zinf weights 0 withscores
zinter 2 zinf zinf weights 1 -1 withscores
zinter 2 zinf zinf weights 0 1 withscores
zinter 2 zinf zinf weights 1 0 withscores
zunion 2 za zb weights 0.1 0.2 withscores
zadd zzero 0 a -0 b 0 c
zunion 1 zzero weights -1 withscores
zinter 1 zzero weights -1 withscores
zdiff 1 zzero withscores
zunion 2 za zb weights 1e300 1e300 withscores
zunionstore out 2 za zb
zrange out 0 -1 withscores
zunionstore out 2 za zb weights 2 1 aggregate min
zrange out 0 -1 withscores
zinterstore out 2 za zb
zrange out 0 -1 withscores
zinterstore out 2 za zc aggregate max
zrange out 0 -1 withscores
zdiffstore out 2 za zb
zrange out 0 -1 withscores
zinterstore out 2 za nokey
exists out
zinterstore out 2 za nokey
zunionstore out 1 nokey
zdiffstore out 2 za za
zunionstore out 2 za zb withscores
zunionstore out 0 za
zunionstore out 2 za
zunionstore str 2 za zb
type str
set ttlout v ex 100
zunionstore ttlout 1 za
ttl ttlout
zunionstore za 2 za zb
zrange za 0 -1 withscores
zinterstore out2 2 sa si
exists out2
zunionstore out2 2 sa si
zrange out2 0 -1 withscores
sintercard 2 sa si
sadd sb a x y
sintercard 2 sa sb
sintercard 2 sa sb limit 1
sintercard 2 sa sb limit 0
sintercard 2 sa sb limit 5
sintercard 1 sa
sintercard 2 sa nokey
sintercard 2 nokey str
sintercard 2 sa str
sintercard 0 sa
sintercard -1 sa
sintercard x sa
sintercard 3 sa sb
sintercard 2 sa sb limit -1
sintercard 2 sa sb limit x
sintercard 2 sa sb limit
sintercard 2 sa sb foo 1
sintercard 1 za
"#;

/// LMPOP, ZMPOP and LPOS, and ZPOPMIN/ZPOPMAX's count of 0.
const POP_SCRIPT: &str = r#"
rpush l1 a b c d e
rpush l2 x y
set str v
zadd z1 1 a 2 b 3 c
zadd z2 5 x 6 y
lmpop 1 l1 left
lmpop 1 l1 right
lmpop 2 nokey l1 left count 2
lrange l1 0 -1
lmpop 2 l1 l2 right count 10
exists l1
lmpop 2 nokey l2 LEFT COUNT 1
lmpop 1 nokey left
lmpop 2 nokey nokey2 right count 3
lmpop 2 nokey str left
lmpop 2 l2 str left
lmpop 2 str l2 left
lmpop 0 l2 left
lmpop -1 l2 left
lmpop x l2 left
lmpop 3 l2 left
lmpop 1 l2 middle
lmpop 1 l2 left count 0
lmpop 1 l2 left count -1
lmpop 1 l2 left count x
lmpop 1 l2 left count
lmpop 1 l2 left count 1 count 1
lmpop 1 l2 left foo
lmpop 2 l2 left
lrange l2 0 -1
zmpop 1 z1 min
zmpop 1 z1 max
zadd z1 1 a 3 c 4 d
zmpop 2 nokey z1 min count 2
zrange z1 0 -1 withscores
zmpop 2 z1 z2 max count 10
exists z1
zmpop 1 nokey min
zmpop 2 nokey str max
zmpop 2 str z2 max
zmpop 0 z2 min
zmpop x z2 min
zmpop 3 z2 min
zmpop 1 z2 left
zmpop 1 z2 min count 0
zmpop 1 z2 min count x
zmpop 1 z2 min count
zmpop 1 z2 min count 1 count 1
zmpop 1 z2 MIN COUNT 1 foo
zadd zinf -inf a inf b 1.5 c
zmpop 1 zinf max count 2
zmpop 1 zinf min
zadd zp 1 a
zpopmin zp 0
zpopmin str 0
zpopmax nokey 0
zpopmin zp -1
rpush p a b c a b c a b c
lpos p a
lpos p b
lpos p z
lpos p a rank 2
lpos p a rank 3
lpos p a rank 4
lpos p a rank -1
lpos p a rank -2
lpos p a rank -4
lpos p a count 0
lpos p a count 2
lpos p a count 10
lpos p z count 2
lpos p a rank 2 count 0
lpos p a rank -1 count 2
lpos p a rank -2 count 0
lpos p a maxlen 1
lpos p b maxlen 1
lpos p b maxlen 2
lpos p a count 0 maxlen 4
lpos p a rank -1 count 0 maxlen 3
lpos p a rank -1 maxlen 2
lpos p a maxlen 0
lpos p a maxlen 100 count 0
lpos p a rank 0
lpos p a rank x
lpos p a count -1
lpos p a count x
lpos p a maxlen -1
lpos p a maxlen x
lpos p a rank
lpos p a count
lpos p a foo 1
lpos p a rank 1 rank 2
lpos nokey a
lpos nokey a count 1
lpos nokey a rank 0
lpos str a
lpos str a count 1
rpush nums 1 2 3 1
lpos nums 1 count 0
lpos nums 01
"#;

/// HSCAN/SSCAN/ZSCAN of small (listpack, intset) values, which real Redis
/// returns whole with cursor 0, and the deterministic cases of ZRANDMEMBER
/// and HRANDFIELD: errors, missing keys, counts covering the value, and
/// single-element values; random picks are sent but not compared.
const SCAN_RAND_SCRIPT: &str = r#"
hset h f1 v1 f2 v2 f3 v3 other x
hdel h f2
hset h f2 again
sadd si 5 3 10 -1
sadd ss a
zadd z 2 b 1 a 1.5 c inf d
set str v
hscan h 0
hscan h 0 match f*
hscan h 0 match *3 count 100
hscan h 17
hscan h 0 count 1
hscan h 0 count 0
hscan h 0 count x
hscan h 0 type hash
hscan h 0 match
hscan h 0 foo bar
hscan h x
hscan h -1
hscan h +3
hscan h " 1"
hscan h ""
hscan h -
hscan h 1a
hscan h 99999999999999999999
hscan nokey 0
hscan nokey 0 count 0
hscan nokey x
hscan str 0
hscan si 0
sscan si 0
sscan si 0 match 1*
sscan ss 0
sscan nokey 0
sscan str 0
sscan h 0
zscan z 0
zscan z 0 match [ab]
zscan z 5 count 2
zscan nokey 0
zscan str 0
zscan z 0 count -1
zrandmember z 4
zrandmember z 10
zrandmember z 4 withscores
zrandmember z 100 WITHSCORES
zrandmember z 0
zrandmember z 0 withscores
zrandmember nokey
zrandmember nokey 5
zrandmember nokey 5 withscores
zrandmember str
zrandmember str 1
zrandmember z x
zrandmember z 1 foo
zrandmember z 1 withscores x
zrandmember z -9223372036854775808
zrandmember z 9223372036854775807 withscores
zrandmember z 4611686018427387903 withscores
zrandmember nokey 4611686018427387904 withscores
zrandmember nokey x withscores
zadd one 7 m
zrandmember one
zrandmember one -3
zrandmember one -3 withscores
zrandmember one 1 withscores
?zrandmember z
?zrandmember z 2
?zrandmember z -5 withscores
hrandfield h 4
hrandfield h 10 withvalues
hrandfield h 0
hrandfield nokey
hrandfield nokey 2
hrandfield str
hrandfield str 2
hrandfield h x
hrandfield h 1 withscores
hrandfield h -9223372036854775808
hrandfield h 9223372036854775807 withvalues
hset hone f v
hrandfield hone
hrandfield hone -2 withvalues
?hrandfield h
?hrandfield h 2 withvalues
?hrandfield h -6
srandmember si -9223372036854775808
srandmember si 10
"#;

/// OBJECT's subcommands and the encodings of freshly built values, with
/// the size limits' edges generated by [`encoding_edges_script`].
const OBJECT_SCRIPT: &str = r#"
set i 12345
set shared 9999
set notshared 10000
set neg -5
set lead 0123
set big 12345678901234567890
set e "short string"
set r "a string that is longer than forty-four bytes, so raw"
set e44 "12345678901234567890123456789012345678901234"
set r45 "123456789012345678901234567890123456789012345"
rpush l a b
hset h f v
sadd si 1 2 3
sadd ss a b
zadd z 1 a
hset hlong f "a value longer than sixty-four bytes, which makes a hash a table!!"
zadd zlong 1 "a member longer than sixty-four bytes, which makes a zset a skiplist"
object encoding i
object encoding shared
object encoding neg
object encoding lead
object encoding big
object encoding e
object encoding r
object encoding e44
object encoding r45
object encoding l
object encoding h
object encoding si
object encoding ss
object encoding z
object encoding hlong
object encoding zlong
object encoding nokey
object refcount i
object refcount shared
object refcount notshared
object refcount neg
object refcount e
object refcount l
object refcount nokey
object idletime i
object idletime nokey
object freq i
object freq nokey
object help
object help x
object encoding
object encoding a b
object foo k
object
OBJECT ENCODING i
set px v px 1
sleep 5
object encoding px
"#;

/// Values at and just past each size limit of the compact encodings.
fn encoding_edges_script() -> String {
    let mut s = String::new();
    let fields = |n: usize, pre: &str| -> String {
        (0..n)
            .map(|i| format!("{pre}{i} v"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let members = |n: usize| -> String {
        (0..n)
            .map(|i| format!("{i} m{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ints = |n: usize| -> String { (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(" ") };
    s += &format!("hset h512 {}\nobject encoding h512\n", fields(512, "f"));
    s += &format!("hset h513 {}\nobject encoding h513\n", fields(513, "f"));
    s += &format!("zadd z128 {}\nobject encoding z128\n", members(128));
    s += &format!("zadd z129 {}\nobject encoding z129\n", members(129));
    s += &format!("sadd s512 {}\nobject encoding s512\n", ints(512));
    s += &format!("sadd s513 {}\nobject encoding s513\n", ints(513));
    s += "sadd s512 x\nobject encoding s512\n";
    s += "zunionstore zu 2 z128 z129\nobject encoding zu\n";
    s += "zrangestore zr z129 0 9\nobject encoding zr\n";
    s += "zrangestore zr z129 0 200\nobject encoding zr\n";
    s += "sinterstore si2 s512 s513\nobject encoding si2\n";
    s
}

/// SORT and SORT_RO with every option, BY and GET patterns included.
const SORT_SCRIPT: &str = r#"
rpush l 3 1 2 10 -5 1.5
rpush la banana apple cherry Apple 10 9
sadd s 5 3 9 1
sadd sa x b a
zadd z 1 c 2 a 3 b
set w_3 30
set w_1 10
set w_2 20
set w_10 5
set w_-5 x
hset h_3 f c
hset h_1 f a
hset h_2 f b
set str v
sort l
sort l desc
sort l asc limit 1 2
sort l limit 0 0
sort l limit -5 2
sort l limit 2 -1
sort l limit 100 5
sort l limit 1
sort l limit x 1
sort la
sort la alpha
sort la alpha desc
sort la alpha limit 1 3
sort s
sort s desc
sort sa alpha
sort z
sort z alpha
sort z by nosort
sort z by nosort desc
sort z by nosort limit 1 1
sort z by nosort desc limit 1 5
sort l by nosort
sort l by nosort desc
sort l by nosort desc limit 1 2
sort s by nosort
sort l by w_*
sort l by w_* desc
sort l by w_* alpha
sort l by w_* get #
sort l by w_* get # get w_* get h_*->f
sort l get h_*->f get nokey_* get #
sort l get h_*->
sort l get h_*->nofield
sort l get w_*->f
sort l get constant
sort l by h_*->f alpha
sort l by h_*->f
sort l by w_* limit 1 2
sort nokey
sort nokey store dst
exists dst
sort str
sort str by nosort
sort l foo
sort l by
sort l get
sort l store
sort la
sort_ro l
sort_ro l desc limit 0 3
sort_ro l by w_* get #
sort_ro l store dst
sort_ro str
sort l store dst
lrange dst 0 -1
sort l by w_* get w_* store dst
lrange dst 0 -1
sort l get h_*->f store dst
lrange dst 0 -1
sort s by nosort store dst
lrange dst 0 -1
sort sa by nosort desc store dst
lrange dst 0 -1
set dsttl v ex 100
sort l store dsttl
ttl dsttl
sort nokey store dsttl
exists dsttl
sort la store dst
rpush blanks "" " 2" "1e2" "0x10"
sort blanks
set w_a " 7"
set w_b ""
rpush lb a b
sort lb by w_*
"#;

#[test]
fn sort_matches_real_redis() {
    support::differential::compare_script(SORT_SCRIPT, 80);
}

#[test]
fn object_subcommands_match_real_redis() {
    let script = format!("{OBJECT_SCRIPT}{}", encoding_edges_script());
    support::differential::compare_script(&script, 60);
}

#[test]
fn element_scans_and_random_picks_match_real_redis() {
    support::differential::compare_script(SCAN_RAND_SCRIPT, 80);
}

/// ZRANDMEMBER and HRANDFIELD on our server alone, for what a random
/// reply must still satisfy: the count, distinct elements for a positive
/// count, repeats allowed for a negative one, every element a member, and
/// the scores or values that belong to it.
#[test]
fn random_picks_keep_counts_and_membership() {
    use replscope::resp::Frame;
    use replscope::server::{Client, Server};
    let mut server = Server::new("0".repeat(40), support::unix_now_ms());
    let mut client = Client::normal();
    let mut run = |line: &str| {
        let argv = replscope::cli::split_args(line).expect("test line");
        support::differential::run_ours(&mut server, &mut client, argv)
    };
    run("zadd z 1 a 2 b 3 c 4 d 5 e");
    run("hset h a 1 b 2 c 3 d 4 e 5");
    let bulk = |f: &Frame| match f {
        Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not a bulk string: {other:?}"),
    };
    for cmd in ["zrandmember z", "hrandfield h"] {
        for (count, with) in [
            (3i64, false),
            (3, true),
            (-12, false),
            (-12, true),
            (4, true),
        ] {
            let word = if cmd.starts_with('z') {
                "withscores"
            } else {
                "withvalues"
            };
            let line = format!("{cmd} {count} {}", if with { word } else { "" });
            let Frame::Array(items) = run(line.trim()) else {
                panic!("{line}: not an array");
            };
            let step = if with { 2 } else { 1 };
            assert_eq!(items.len(), count.unsigned_abs() as usize * step, "{line}");
            let names: Vec<String> = items.iter().step_by(step).map(bulk).collect();
            for (i, n) in names.iter().enumerate() {
                assert!(
                    ["a", "b", "c", "d", "e"].contains(&n.as_str()),
                    "{line}: {n}"
                );
                if with {
                    let expected = (n.as_bytes()[0] - b'a' + 1).to_string();
                    assert_eq!(bulk(&items[i * 2 + 1]), expected, "{line}");
                }
            }
            let mut distinct = names.clone();
            distinct.sort();
            distinct.dedup();
            if count > 0 {
                assert_eq!(distinct.len(), names.len(), "{line}: repeats {names:?}");
            }
        }
        let Frame::Bulk(one) = run(cmd) else {
            panic!("{cmd}: not a bulk string");
        };
        assert!(b"abcde".contains(&one[0]) && one.len() == 1, "{cmd}");
    }
}

#[test]
fn multi_key_pops_and_lpos_match_real_redis() {
    support::differential::compare_script(POP_SCRIPT, 100);
}

#[test]
fn zset_ranges_and_lex_match_real_redis() {
    support::differential::compare_script(RANGE_SCRIPT, 80);
}

#[test]
fn zset_and_set_algebra_match_real_redis() {
    support::differential::compare_script(ALGEBRA_SCRIPT, 110);
}

/// HDEL keeps the other fields in order in a listpack hash, which in 7.0
/// holds up to 512 fields (`hash-max-listpack-entries`), not 128.
#[test]
fn hdel_keeps_a_listpack_hash_in_order() {
    let fields: String = (0..300).map(|i| format!(" f{i} v{i}")).collect();
    let script = format!(
        "hset h{fields}\nhdel h f0 f7 f150\nhkeys h\nobject encoding h\nhset small a 1 b 2 c 3\nhdel small a\nhkeys small\n"
    );
    support::differential::compare_script(&script, 7);
}
