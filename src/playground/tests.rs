//! The playground's behaviour as the page uses it, natively.

use super::*;
use crate::sim::trace::{Kind, Phase};

fn node<'a>(v: &'a View, name: &str) -> &'a crate::view::NodeView {
    v.nodes
        .iter()
        .find(|n| n.name == name)
        .expect("node exists")
}

fn phases_of(pg: &Playground, replica: &str) -> (Vec<Phase>, &'static str) {
    let t = pg
        .page()
        .timelines
        .into_iter()
        .find(|t| t.replica == replica)
        .expect("timeline");
    (t.steps.iter().map(|s| s.phase).collect(), t.kind)
}

/// Advances in animation-frame slices until `done` or `max_ms` passed.
fn play_until(pg: &mut Playground, max_ms: u64, done: impl Fn(&Playground) -> bool) -> bool {
    let end = pg.sim().now_ms() + max_ms;
    while pg.sim().now_ms() < end {
        if done(pg) {
            return true;
        }
        pg.advance(16);
    }
    done(pg)
}

fn online(pg: &Playground, replica: &str) -> bool {
    node(&pg.view(), replica).sync_phase == Phase::Streaming
}

fn psync_of(pg: &Playground, replica: &str) -> (String, String) {
    let p = node(&pg.view(), replica)
        .last_psync
        .clone()
        .expect("a PSYNC decision");
    (p.result, p.reason)
}

#[test]
fn the_default_world_starts_before_b_connects_and_goes_through_every_full_sync_step() {
    let mut pg = Playground::default_world(1);
    let v = pg.view();
    assert_eq!(v.time_ms, 0);
    assert_eq!(node(&v, "B").sync_phase, Phase::Handshake);
    assert_eq!(node(&v, "B").repl_state, "connecting");
    assert!(node(&v, "B").last_psync.is_none(), "B has not asked yet");
    assert_eq!(node(&v, "B").role, "slave");
    assert!(!pg.page().can_step_back, "the setup is not undoable");
    assert!(play_until(&mut pg, 30_000, |pg| online(pg, "B")));
    use Phase::*;
    assert_eq!(
        phases_of(&pg, "B"),
        (
            vec![Handshake, Snapshot, Transfer, Load, Replay, Streaming],
            "full"
        )
    );
    let (result, _) = psync_of(&pg, "B");
    assert_eq!(result, "fullresync");
    pg.set_load("A", 0).expect("load off");
    pg.advance(500);
    let v = pg.view();
    assert_eq!(
        node(&v, "B").slave_repl_offset,
        Some(node(&v, "A").master_repl_offset)
    );
}

#[test]
fn a_set_typed_on_the_master_is_readable_on_the_replica() {
    let mut pg = Playground::default_world(2);
    assert!(play_until(&mut pg, 30_000, |pg| online(pg, "B")));
    let ok = pg.console("A", "SET city \"New York\"").expect("runs");
    assert_eq!(
        ok,
        ConsoleReply {
            text: "OK".into(),
            error: false
        }
    );
    pg.advance(200);
    assert_eq!(
        pg.console("B", "GET city").expect("runs").text,
        "\"New York\""
    );
    let ro = pg.console("B", "SET x 1").expect("runs");
    assert_eq!(
        ro.text,
        "(error) READONLY You can't write against a read only replica."
    );
    assert!(ro.error);
    assert_eq!(
        pg.console("A", "SET \"a").expect("runs").text,
        "Invalid argument(s)"
    );
    assert_eq!(
        pg.console("Z", "PING"),
        Err(PlaygroundError("no node named 'Z'".into()))
    );
    let info = pg.console("B", "INFO replication").expect("runs").text;
    assert!(
        info.starts_with("# Replication\nrole:slave\nmaster_host:A\n"),
        "INFO is printed raw: {info:?}"
    );
}

#[test]
fn cut_write_heal_continues_and_a_small_backlog_forces_a_full_resync() {
    let mut pg = Playground::default_world(3);
    pg.set_load("A", 0).expect("load off");
    assert!(play_until(&mut pg, 30_000, |pg| online(pg, "B")));
    pg.link("A", "B", LinkChange::Down).expect("cut");
    pg.console("A", "SET during cut").expect("write");
    pg.link("A", "B", LinkChange::Up).expect("heal");
    assert!(play_until(&mut pg, 10_000, |pg| online(pg, "B")
        && psync_of(pg, "B").0 == "continue"));
    let (_, reason) = psync_of(&pg, "B");
    assert!(reason.contains("inside the backlog"), "{reason}");
    assert_eq!(phases_of(&pg, "B").1, "partial");

    pg.console("A", "CONFIG SET repl-backlog-size 16384")
        .expect("config");
    pg.link("A", "B", LinkChange::Down).expect("cut");
    // 40 KB: the backlog trims by whole 20,440-byte blocks, as Redis 7.0.
    let big = "x".repeat(1000);
    for i in 0..40 {
        pg.console("A", &format!("SET big:{i} {big}"))
            .expect("write");
    }
    pg.link("A", "B", LinkChange::Up).expect("heal");
    assert!(play_until(&mut pg, 30_000, |pg| psync_of(pg, "B").0
        == "fullresync"
        && online(pg, "B")));
    let (_, reason) = psync_of(&pg, "B");
    assert!(reason.contains("backlog"), "{reason}");
    assert_eq!(phases_of(&pg, "B").1, "full");
}

#[test]
fn a_cascade_and_a_promotion() {
    let mut pg = Playground::default_world(4);
    pg.add_node("C").expect("add");
    assert_eq!(pg.console("C", "REPLICAOF B").expect("runs").text, "OK");
    assert!(play_until(&mut pg, 60_000, |pg| online(pg, "B") && online(pg, "C")));
    pg.console("A", "SET chained yes").expect("write");
    pg.advance(500);
    assert_eq!(
        pg.console("C", "GET chained").expect("runs").text,
        "\"yes\""
    );
    assert_eq!(
        pg.console("B", "REPLICAOF NO ONE").expect("runs").text,
        "OK"
    );
    pg.advance(100);
    let v = pg.view();
    assert_eq!(
        (node(&v, "B").role.as_str(), node(&v, "C").master.as_deref()),
        ("master", Some("B"))
    );
    assert_eq!(pg.console("B", "SET promoted 1").expect("runs").text, "OK");
    assert_eq!(
        pg.console("Z", "REPLICAOF B").err().map(|e| e.0),
        Some("no node named 'Z'".into())
    );
}

#[test]
fn step_back_undoes_whole_actions_exactly() {
    let mut pg = Playground::default_world(5);
    let before = (pg.view().trace_hash, pg.sim().now_ms(), pg.page().loads);
    pg.console("A", "SET undo me").expect("write");
    for _ in 0..10 {
        pg.advance(16);
    }
    assert!(pg.step());
    assert!(pg.step_back(), "undo the step");
    assert!(pg.step_back(), "undo the frames (one action)");
    assert!(pg.step_back(), "undo the SET");
    assert_eq!(
        (pg.view().trace_hash, pg.sim().now_ms(), pg.page().loads),
        before
    );
    assert_eq!(
        pg.console("A", "EXISTS undo").expect("runs").text,
        "(integer) 0"
    );
    assert!(pg.step_back());
    assert!(!pg.step_back(), "nothing older than the default world");
}

#[test]
fn playing_keeps_one_input_per_second_and_exports_the_same_world() {
    let mut pg = Playground::default_world(11);
    let inputs = pg.sim().input_count();
    for _ in 0..120 {
        pg.advance(16);
    }
    // 1,920 ms of frames: two actions of at most a second each.
    assert_eq!(pg.sim().input_count(), inputs + 2);
    let mut again = Playground::new(11);
    assert_eq!(
        again.run_script(&pg.export_script()).map(|r| r.error),
        Ok(None)
    );
    assert_eq!(again.view().trace_hash, pg.view().trace_hash);
    assert!(pg.step_back());
    assert_eq!(
        pg.sim().now_ms(),
        again.sim().now_ms() - 912,
        "the second stretch, 57 frames, undone"
    );
}

#[test]
fn load_writes_do_not_depend_on_how_time_is_sliced() {
    let mut whole = Playground::default_world(6);
    let mut sliced = whole.clone();
    whole.set_load("A", 300).expect("load");
    sliced.set_load("A", 300).expect("load");
    whole.advance(2000);
    for ms in [1, 15, 16, 400, 3, 565, 1000] {
        sliced.advance(ms);
    }
    assert_eq!(whole.view().trace_hash, sliced.view().trace_hash);
    let sets = whole
        .sim()
        .trace()
        .iter()
        .filter(|e| matches!(&e.kind, Kind::LoadWrite { command, .. } if command.starts_with("SET load:")))
        .count();
    assert!(sets >= 600, "{sets} writes");
    assert_eq!(
        whole.set_load("A", 20_000),
        Err(PlaygroundError("at most 10000 writes per second".into()))
    );
}

#[test]
fn step_and_next_phase_with_a_load_running() {
    let mut pg = Playground::default_world(7);
    let seq = pg.sim().next_seq();
    assert!(pg.step());
    assert!(pg.sim().next_seq() > seq);
    let phase = node(&pg.view(), "B").sync_phase;
    assert!(pg.next_phase());
    assert_ne!(node(&pg.view(), "B").sync_phase, phase);
}

#[test]
fn an_exported_session_replays_to_the_same_trace() {
    let mut pg = Playground::default_world(8);
    pg.console("A", "SET \"two words\" \"#hash\"")
        .expect("write");
    pg.link("A", "B", LinkChange::LatencyMs(5))
        .expect("latency");
    pg.advance(700);
    pg.step();
    let script = pg.export_script();
    assert!(
        script.starts_with("# replscope session (seed 8)\nnode A\nnode B\n"),
        "{script}"
    );
    assert!(script.contains("\nload A 2\n"), "the load is one line");
    assert!(!script.contains("SET load:"), "its writes are not exported");
    let mut again = Playground::new(8);
    let report = again.run_script(&script).expect("parses");
    assert_eq!(report.error, None);
    assert_eq!(again.view().trace_hash, pg.view().trace_hash);

    let (shared, _) = Playground::from_share(&pg.share_fragment()).expect("a good link");
    assert_eq!(shared.view().trace_hash, pg.view().trace_hash);
}

#[test]
fn a_share_link_with_a_heavy_load_is_short_and_rebuilds_the_same_world() {
    let mut pg = Playground::default_world(9);
    pg.set_load("A", 1000).expect("load");
    for _ in 0..200 {
        pg.advance(16);
    }
    pg.step();
    let writes = |pg: &Playground| {
        let trace = pg.sim().trace();
        trace
            .iter()
            .filter(|e| matches!(e.kind, Kind::LoadWrite { .. }))
            .count()
    };
    assert!(writes(&pg) >= 3000, "{} writes", writes(&pg));
    let fragment = pg.share_fragment();
    assert!(fragment.len() < 1000, "{} characters", fragment.len());
    let (mut shared, report) = Playground::from_share(&fragment).expect("a good link");
    assert_eq!(report.error, None);
    assert_eq!(shared.view().trace_hash, pg.view().trace_hash);
    assert_eq!(shared.page().loads, pg.page().loads);
    // Playing on from both gives the same world: the load is in the link.
    for _ in 0..100 {
        pg.advance(16);
        shared.advance(16);
    }
    assert_eq!(shared.view().trace_hash, pg.view().trace_hash);
}

#[test]
fn stepping_back_over_a_load_stops_it() {
    let mut pg = Playground::default_world(10);
    let before = (pg.view().trace_hash, pg.page().loads);
    pg.set_load("A", 50).expect("load");
    assert_eq!(pg.page().loads.len(), 1);
    assert_eq!(pg.page().loads[0].per_s, 50);
    assert!(pg.step_back());
    assert_eq!((pg.view().trace_hash, pg.page().loads), before);
    assert!(pg.set_load("nobody", 5).is_err());
}

#[test]
fn scripts_report_their_errors() {
    let mut pg = Playground::new(1);
    let err = pg.run_script("node A\nbogus line\n").err().map(|e| e.0);
    assert_eq!(
        err.as_deref()
            .map(|e| e.starts_with("script error: line 2, column 1: unknown directive 'bogus'")),
        Some(true),
        "{err:?}"
    );
    let report = pg
        .run_script("node A\nexpect A> PING => PONG\nexpect A> GET k => \"v\"\nA> SET k v\n")
        .expect("parses");
    assert_eq!((report.expects, report.failed, report.error), (2, 1, None));
    assert_eq!(report.transcript[0].command, "A> PING");
    assert!(report.transcript[1].failure.is_some());
    assert_eq!(report.transcript[2].reply, "OK");
    assert_eq!(pg.view().nodes.len(), 1);
}

#[test]
fn keys_and_diff_show_what_a_replica_lacks() {
    let mut pg = Playground::default_world(9);
    pg.set_load("A", 0).expect("load off");
    assert!(play_until(&mut pg, 30_000, |pg| online(pg, "B")));
    pg.link("A", "B", LinkChange::Down).expect("cut");
    pg.console("A", "SET \"<img src=x onerror=alert(1)>\" v")
        .expect("write");
    pg.console("A", "SET greeting changed").expect("write");
    let keyspace::Listing { rows, total } = pg.diff("A", "B", 10).expect("nodes exist");
    let got: Vec<(&str, &str)> = rows.iter().map(|r| (r.key.as_str(), r.status)).collect();
    assert_eq!(
        got,
        vec![
            ("\"greeting\"", "stale"),
            ("\"<img src=x onerror=alert(1)>\"", "missing")
        ]
    );
    assert_eq!(total, 2);
    let keyspace::Listing {
        rows: keys,
        total: count,
    } = pg.keys("A", "*", 5).expect("node exists");
    assert_eq!(keys.len(), 5);
    assert_eq!(count, node(&pg.view(), "A").keys as usize);
}

#[test]
fn events_returns_the_newest_window() {
    let mut pg = Playground::default_world(10);
    pg.advance(6000);
    let next = pg.sim().next_seq();
    let last = pg.events(0, 3, true);
    assert_eq!(
        last.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![next - 3, next - 2, next - 1]
    );
    assert!(pg.events(next, 10, true).is_empty());
    let quiet = pg.events(0, 20, false);
    assert_eq!(quiet.len(), 20);
    assert!(quiet.iter().all(|e| !is_stream_event(e)));
    assert!(quiet.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(pg.events(0, 10_000, true).len() > pg.events(0, 10_000, false).len());
}

/// When each of B's sync steps began, once B is online.
fn step_times(pg: &Playground) -> Vec<(Phase, u64)> {
    let t = pg.page().timelines.into_iter().find(|t| t.replica == "B");
    t.expect("B's timeline")
        .steps
        .iter()
        .map(|s| (s.phase, s.time_ms))
        .collect()
}

#[test]
fn the_sync_steps_read_the_same_times_at_any_speed() {
    let mut by_frame = Vec::new();
    for frame_ms in [16, 1600, 5000] {
        let mut pg = Playground::default_world(1);
        let end = pg.sim().now_ms() + 60_000;
        while !online(&pg, "B") && pg.sim().now_ms() < end {
            pg.advance(frame_ms);
        }
        by_frame.push(step_times(&pg));
    }
    let mut phase_by_phase = Playground::default_world(1);
    while !online(&phase_by_phase, "B") {
        assert!(phase_by_phase.next_phase());
    }
    // Online begins with the last buffered write B applied: an event time.
    let last_replayed = phase_by_phase
        .sim()
        .trace()
        .iter()
        .rfind(|e| e.phase == Phase::Replay && matches!(e.kind, Kind::Applied { .. }))
        .map(|e| e.time_ms);
    let expected = step_times(&phase_by_phase);
    assert_eq!(expected.last().map(|s| s.1), last_replayed);
    assert_eq!(expected.last().map(|s| s.0), Some(Phase::Streaming));
    for (frame_ms, times) in [16, 1600, 5000].iter().zip(&by_frame) {
        assert_eq!(times, &expected, "played in frames of {frame_ms} ms");
    }
}
