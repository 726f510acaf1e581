//! Ctrl-C during a recording: the process exits promptly with code 130 and leaves no temporary
//! file behind (nor an `ffmpeg` writing one).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Starts a long recording to `file`, waits until its temporary file is being written, sends
/// SIGINT and checks the exit code and the folder.
fn interrupt_recording(file: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_seqscape"))
        .args(["record", "--landscape", "perlin", "--scale-down", "4", "--seconds", "600", "--threads", "1"])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    let mut seen = 0;
    while seen < 3 {
        assert!(start.elapsed() < Duration::from_secs(120), "no temporary file appeared in {:?}", names(dir.path()));
        assert!(child.try_wait().unwrap().is_none(), "the recording ended early");
        seen = if names(dir.path()).iter().any(|n| n.ends_with(".tmp")) { seen + 1 } else { 0 };
        std::thread::sleep(Duration::from_millis(200));
    }
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(kill.success());
    let sent = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(10), "still running 10 s after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(names(dir.path()).is_empty(), "left behind: {:?}", names(dir.path()));
}

#[test]
fn ctrl_c_during_a_gif_recording_leaves_nothing() {
    interrupt_recording("activity.gif");
}

#[test]
fn ctrl_c_during_an_mp4_recording_stops_ffmpeg_and_leaves_nothing() {
    let ffmpeg = Command::new("ffmpeg").arg("-version").output().is_ok_and(|o| o.status.success());
    assert!(ffmpeg, "this test needs ffmpeg: install it with 'apt-get install ffmpeg' (scripts/test.sh does)");
    interrupt_recording("activity.mp4");
}
