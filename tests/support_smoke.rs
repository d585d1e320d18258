//! The real-server harness itself works: a redis-server 7.0.15 starts, answers,
//! and reports its version.

mod support;

use replscope::resp::Frame;

#[test]
fn real_redis_starts_and_answers() {
    let mut r = support::RealRedis::start(&[]);
    assert_eq!(r.cmd(&["PING"]), Frame::Simple("PONG".into()));
    assert_eq!(
        r.info_field("server", "redis_version").as_deref(),
        Some("7.0.15")
    );
}
