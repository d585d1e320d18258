//! Every shipped lesson passes `replscope lesson check`, in the order the
//! page lists them, and the command fails with the step and line of a
//! claim that does not hold.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The shipped lessons, sorted by file name (the page's order).
fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the lessons/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "lesson"))
        .collect();
    files.sort();
    files
}

fn replscope(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_replscope"))
        .args(args)
        .output()
        .expect("run replscope")
}

#[test]
fn the_twelve_lessons_ship_in_order() {
    let ids: Vec<String> = shipped()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "01-full-sync",
            "02-incremental-sync",
            "03-partial-or-full",
            "04-replica-asks-full-sync",
            "05-cascades",
            "06-failover-psync2",
            "07-diskless-sync",
            "08-output-buffer-loop",
            "09-wait-min-replicas",
            "10-stale-data",
            "11-master-restart-empty",
            "12-timeouts",
        ]
    );
}

#[test]
fn every_shipped_lesson_passes_the_check() {
    for file in shipped() {
        let path = file.to_str().unwrap();
        let out = replscope(&["lesson", "check", path]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with(&format!("{path}: ok, ")), "{stdout}");
    }
}

#[test]
fn a_false_claim_exits_non_zero_naming_step_and_line() {
    let text = std::fs::read_to_string(&shipped()[1]).unwrap();
    // Lesson 2, step 2 claims SET k v moves the offset to 81.
    let line = text
        .lines()
        .position(|l| l == "expect A> INFO replication ~> master_repl_offset:81")
        .unwrap()
        + 1;
    let wrong = text.replace("master_repl_offset:81", "master_repl_offset:83");
    let dir = std::env::temp_dir().join(format!("replscope-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.lesson");
    std::fs::write(&file, wrong).unwrap();
    let out = replscope(&["lesson", "check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("step 2, line {line}: ")),
        "{stderr}"
    );
    assert!(stderr.contains("master_repl_offset:83"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
    let missing = replscope(&["lesson", "check", "/nonexistent.lesson"]);
    assert_eq!(missing.status.code(), Some(2));
}

/// A step's "run until" is one `step N` input of the session, not one
/// input per event: the exported session stays short and replays it.
#[test]
fn a_run_until_is_one_input() {
    let text = std::fs::read_to_string(&shipped()[0]).expect("lesson 1");
    let lesson = replscope::lesson::parse("01-full-sync", &text).expect("parses");
    let (mut player, sim) = replscope::lesson::Player::open(lesson).expect("opens");
    let sim = player.go_to(sim, 3).expect("reaches step 3");
    let steps: Vec<u64> = sim
        .inputs()
        .iter()
        .filter_map(|i| match i {
            replscope::sim::Input::Steps { n } => Some(*n),
            _ => None,
        })
        .collect();
    assert!(!steps.is_empty(), "lesson 1 runs until events");
    assert!(steps.iter().any(|&n| n > 1), "{steps:?}");
    assert!(
        steps.len() <= 6,
        "one input per run until, not per event: {steps:?}"
    );
}
