//! `--grid`: one line naming the accepted range and exit code 2 for a side outside 20–1000, and for
//! `--grid` together with `--scale-down`.

use std::process::Command;

fn refused(args: &[&str], words: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_seqscape")).args(args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for w in words {
        assert!(stderr.contains(w), "{args:?}: '{w}' missing from: {stderr}");
    }
}

#[test]
fn grid_outside_its_range_or_with_a_scale_down_is_refused_in_one_line() {
    for bad in ["19", "1001", "-5", "0", "abc", "300.5"] {
        refused(&["bench", "--grid", bad, "--duration-ms", "1"], &["--grid"]);
    }
    refused(&["bench", "--grid", "1001"], &["20..=1000"]);
    refused(&["bench", "--grid", "200", "--scale-down", "2"], &["--grid", "--scale-down"]);
}
