//! Black-box tests of `seqscape play` without a window: level files checked (one line, exit 2 for
//! a bad one), and a level played headless with a route painted from the command line.

use std::process::{Command, Output};

fn play(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seqscape")).arg("play").args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A copy of shipped level 1 with `edit` applied, in a temporary folder.
fn level_file(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/levels/01-corridor.toml")).unwrap();
    let path = dir.path().join("level.toml");
    std::fs::write(&path, edit(&src)).unwrap();
    (dir, path.to_str().unwrap().to_string())
}

fn refused(file: &str, words: &[&str]) {
    let out = play(&["--level", file, "--check"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(file), "names the file: {err}");
    for w in words {
        assert!(err.contains(w), "mentions {w}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_level_files_are_refused_with_one_line_and_exit_2() {
    let (_d, f) = level_file(|s| format!("{s}speed = 3\n"));
    refused(&f, &["speed", "unknown field", "time_limit_ms"]);
    let (_d, f) = level_file(|s| s.replace("ink = 1000\n", ""));
    refused(&f, &["ink", "missing", "0 to 14400"]);
    let (_d, f) = level_file(|s| s.replace("x = 90.5", "x = 190.5"));
    refused(&f, &["goal.x", "190.5", "0 to 120"]);
    let (_d, f) = level_file(|s| s.replace("radius = 6", "radius = 6, colour = 1"));
    refused(&f, &["goal.colour", "unknown field"]);
    let (_d, f) = level_file(|s| s.replace("ink = 1000", "ink = -4"));
    refused(&f, &["ink"]);
    refused("no-such-level.toml", &["cannot be read"]);
    let out = play(&["--level", "9", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected 1 to 5"), "{}", text(&out.stderr));
}

#[test]
fn check_accepts_every_shipped_level_and_plays_a_painted_route() {
    for k in 1..=5 {
        let out = play(&["--level", &k.to_string(), "--check"]);
        assert!(out.status.success(), "level {k}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("playable"));
    }
    let out = play(&["--level", "1", "--check", "--paint", "18.5,60.5 92.5,60.5", "--brush", "6"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("won in"), "{}", text(&out.stdout));
    let out = play(&["--level", "1", "--check", "--paint", "18.5,60.5 40.5,90.5"]);
    assert!(text(&out.stdout).contains("lost"), "{}", text(&out.stdout));
    let out = play(&["--level", "1", "--check", "--paint", "18.5,60.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("fewer than two points"), "{}", text(&out.stderr));
}
