//! What the black-box tests share: the binary under test, a run that must succeed, folders of a
//! test's own; for the tests that open windows, an X server of a test's own, `xdotool` on it
//! with a time limit, the binary started on it with its log, and a guard that stops it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seqscape"))
}

/// Runs the binary with `args`; the test fails, with its error output, unless it succeeds.
pub fn run_ok(args: &[&str]) -> Output {
    let out = bin().args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A path of the test's own that does not exist yet (an output folder for the binary to create).
pub fn fresh_path(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seqscape-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_file(&d);
    d
}

/// The frames of a GIF as RGBA buffers, with the size; every frame covers the whole picture.
pub fn gif_frames(path: &Path) -> (usize, usize, Vec<Vec<u8>>) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut dec = opts.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let (w, h) = (dec.width() as usize, dec.height() as usize);
    let mut frames = Vec::new();
    while let Some(f) = dec.read_next_frame().unwrap() {
        assert_eq!((f.width as usize, f.height as usize), (w, h), "full frames");
        frames.push(f.buffer.to_vec());
    }
    (w, h, frames)
}

/// A folder of the test's own, removed when it is dropped, also when the test fails.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("seqscape-test-{name}-")).tempdir().unwrap()
}

/// An X server of a test's own (1280×800), for driving the window with `xdotool`; stopped when
/// dropped.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

/// At most this many X servers (each with a window rendering in software) run at once in one
/// test binary: more only starve each other of the machine's cores, until a window's frames come
/// so slowly that a timed interaction misses them.
const WINDOWS_AT_ONCE: usize = 4;

static RUNNING: (std::sync::Mutex<usize>, std::sync::Condvar) = (std::sync::Mutex::new(0), std::sync::Condvar::new());

fn take_a_window_slot() {
    let (count, freed) = &RUNNING;
    let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
    while *running >= WINDOWS_AT_ONCE {
        running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
    }
    *running += 1;
}

fn give_back_a_window_slot() {
    let (count, freed) = &RUNNING;
    let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
    *running = running.saturating_sub(1);
    freed.notify_one();
}

impl Xvfb {
    pub fn start() -> Xvfb {
        take_a_window_slot();
        // Tests of one binary run in parallel: each takes display numbers of its own, so that two
        // cannot both start on a display before either server's lock file appears.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let own = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for k in 0..40 {
            let n = 300 + (std::process::id() as usize * 13 + own * 41 + k) % 600;
            if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("Xvfb runs (apt-get install xvfb)");
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            for _ in 0..100 {
                if socket.exists() || child.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            if socket.exists() && child.try_wait().ok().flatten().is_none() {
                return Xvfb { child, display: format!(":{n}") };
            }
            let _ = child.kill();
        }
        give_back_a_window_slot();
        panic!("no free X display for Xvfb");
    }

    /// Runs `xdotool` with `args` on this display, killed after `limit_s`; returns its output.
    pub fn xdotool(&self, args: &[String], limit_s: u64) -> String {
        let mut child = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("xdotool runs (apt-get install xdotool)");
        let start = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed().as_secs() > limit_s {
                let _ = child.kill();
                panic!("xdotool {args:?} hung for {limit_s} s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let mut text = String::new();
        use std::io::Read;
        child.stdout.take().unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// The id of the window named seqscape, waiting up to `limit_s` for it to open.
    pub fn window_id(&self, limit_s: u64) -> String {
        let found = self.xdotool(&words("search --sync --name seqscape"), limit_s);
        found.lines().next().expect("the window opened").trim().to_string()
    }

    /// The binary on this display, in `dir` (also its runtime folder), its messages into `log`;
    /// add the arguments and spawn it.
    pub fn seqscape(&self, dir: &Path, log: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_seqscape"));
        command
            .current_dir(dir)
            .env("DISPLAY", &self.display)
            .env("XDG_RUNTIME_DIR", dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(log).unwrap());
        command
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        give_back_a_window_slot();
    }
}

/// Stops the process when dropped, also when the test fails.
pub struct Kill<'a>(pub &'a mut Child);

impl Drop for Kill<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The words of an `xdotool` command line.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}
