#![cfg(feature = "window")]
//! Black-box tests of the window and of `seqscape record`, as a user runs them: the real binary
//! under Xvfb with Mesa's software Vulkan (lavapipe), then the pixels of its screenshot and the
//! frames of its videos. A missing display stack is a failure, not a skip: `scripts/test.sh`
//! installs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seqscape::output::colormap::Colormap;

mod common;
use common::{Kill, Xvfb, bin, gif_frames, scratch, words};

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
}

/// Runs the binary under `xvfb-run` with a 1280×800 screen.
fn under_xvfb(args: &[&str]) -> Output {
    assert!(
        on_path("xvfb-run"),
        "xvfb-run is missing: install xvfb and xauth (scripts/test.sh does: apt-get install xvfb xauth mesa-vulkan-drivers libvulkan1)"
    );
    let icds = std::fs::read_dir("/usr/share/vulkan/icd.d")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect::<Vec<_>>());
    assert!(
        icds.is_ok_and(|names| names.iter().any(|n| n.to_string_lossy().starts_with("lvp"))),
        "Mesa's software Vulkan driver (lavapipe) is missing: install mesa-vulkan-drivers and libvulkan1 (scripts/test.sh does)"
    );
    let xdg = std::env::temp_dir().join(format!("seqscape-xdg-{}", std::process::id()));
    std::fs::create_dir_all(&xdg).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&xdg, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", env!("CARGO_BIN_EXE_seqscape")])
        .args(args)
        .env("XDG_RUNTIME_DIR", &xdg)
        .output()
        .expect("xvfb-run runs")
}

fn read_png(path: &Path) -> image::RgbImage {
    image::open(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

fn dist(a: [u8; 3], b: [u8; 3]) -> i32 {
    (0..3).map(|k| (i32::from(a[k]) - i32::from(b[k])).abs()).sum()
}

fn is_arrow_white(c: [u8; 3]) -> bool {
    c.iter().all(|&v| v >= 230)
}

/// Pixels of the sheet area right of the panel (the view fits the 50×50 sheet into it).
fn sheet_pixels(img: &image::RgbImage) -> Vec<[u8; 3]> {
    let (w, h) = img.dimensions();
    let mut out = Vec::new();
    for y in (h / 10..h * 9 / 10).step_by(2) {
        for x in (w * 42 / 100..w * 95 / 100).step_by(2) {
            out.push(img.get_pixel(x, y).0);
        }
    }
    out
}

/// Whether a colour is off every colour of `lut` (by more than `tol`).
fn off_map(c: [u8; 3], lut: &[[u8; 3]], tol: i32) -> bool {
    lut.iter().all(|&l| dist(c, l) > tol)
}

/// Whether a colour is the panel's dark fill (egui's grey 27).
fn is_panel_fill(c: [u8; 3]) -> bool {
    dist(c, [27, 27, 27]) <= 12
}

#[test]
fn the_window_shows_activity_arrows_and_the_panel() {
    let scratch_dir = scratch("shot");
    let dir = scratch_dir.path();
    let with = dir.join("with-arrows.png");
    let without = dir.join("without-arrows.png");
    // An existing file is never overwritten: the recording gets the next free number.
    let taken = dir.join("closed-while-recording.gif");
    std::fs::write(&taken, b"keep me").unwrap();
    let record_args = ["--record", "--record-to", taken.to_str().unwrap()];
    for (path, extra) in [(&with, &record_args[..]), (&without, &["--no-arrows"][..])] {
        let mut args = vec!["app", "--scale-down", "2", "--threads", "2", "--frames", "40"];
        args.extend(["--screenshot", path.to_str().unwrap()]);
        args.extend(extra);
        let out = under_xvfb(&args);
        assert!(out.status.success(), "app {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        assert!(path.is_file(), "no screenshot at {}", path.display());
    }
    assert_eq!(std::fs::read(&taken).unwrap(), b"keep me", "an existing file was overwritten");
    // The app exited while recording: the GIF is complete, and shows the sheet view as on screen
    // (right of the 310-pixel panel, the caption over it), without the panel.
    let recording = dir.join("closed-while-recording-0001.gif");
    let (w, h, frames) = gif_frames(&recording);
    assert_eq!((w, h), (690, 700), "the sheet view of a 1000×700 window");
    assert!(!frames.is_empty(), "the recording has no frames");
    let lut = Colormap::Viridis.lut();
    let first = &frames[0];
    let px = |x: usize, y: usize| {
        let i = (y * w + x) * 4;
        [first[i], first[i + 1], first[i + 2]]
    };
    let (mut on_map, mut total) = (0, 0);
    for y in (100..600).step_by(7) {
        for x in (100..600).step_by(7) {
            total += 1;
            on_map += usize::from(!off_map(px(x, y), &lut, 24));
        }
    }
    assert!(on_map * 2 > total, "the recorded frame shows the activity ({on_map} of {total} samples)");
    let caption = (0..300).flat_map(|x| (4..16).map(move |y| (x, y))).filter(|&(x, y)| px(x, y)[0] > 200).count();
    assert!(caption > 20, "the caption's text is in the recording ({caption} light pixels)");

    let img = read_png(&with);
    assert_eq!(img.dimensions(), (1000, 700), "the window is 1000×700 by default");

    // The panel: egui's dark panel fill (grey 27) over most of the left strip, with lighter text.
    let mut fill = 0;
    let mut text = 0;
    let mut total = 0;
    for y in (0..700).step_by(3) {
        for x in (4..300).step_by(3) {
            let c = img.get_pixel(x, y).0;
            total += 1;
            if is_panel_fill(c) {
                fill += 1;
            }
            if c.iter().all(|&v| v > 120) {
                text += 1;
            }
        }
    }
    assert!(fill * 2 > total, "the panel background covers {fill} of {total} samples");
    assert!(text > 30, "the panel shows text ({text} light samples)");

    // The activity: viridis colours, varied, where the sheet is.
    let sheet = sheet_pixels(&read_png(&without));
    let mut levels = std::collections::HashSet::new();
    let mut on_map = 0;
    for &c in &sheet {
        let (best, d) = lut.iter().enumerate().map(|(i, &l)| (i, dist(c, l))).min_by_key(|p| p.1).unwrap();
        if d <= 9 {
            on_map += 1;
            levels.insert(best / 8);
        }
    }
    assert!(on_map * 10 > sheet.len() * 9, "only {on_map} of {} sheet samples are viridis colours", sheet.len());
    assert!(levels.len() >= 6, "the activity shows only {} distinct colour-map levels", levels.len());

    // The arrows: thin, half-transparent strokes that lift the colours off the map, but never
    // cover them with solid white.
    let with_sheet = sheet_pixels(&img);
    let is_lifted = |c: [u8; 3]| off_map(c, &lut, 24) && c[0].abs_diff(c[1]) < 60;
    let lifted = with_sheet.iter().filter(|&&c| is_lifted(c)).count();
    let lifted_without = sheet.iter().filter(|&&c| is_lifted(c)).count();
    assert!(lifted > 3 * lifted_without + 100, "{lifted} arrow-like samples with arrows, {lifted_without} without");
    let solid = with_sheet.iter().filter(|&&c| is_arrow_white(c)).count();
    assert!(lifted > 150, "only {lifted} arrow samples over the sheet");
    assert!(lifted * 8 < with_sheet.len(), "arrows cover {lifted} of {} samples", with_sheet.len());
    assert!(solid * 50 < lifted.max(1) * 10, "{solid} solid white samples: the arrows are not translucent");
}

/// The RGB pixel at (x, y) of an RGBA frame `w` wide.
fn at(frame: &[u8], w: usize, x: usize, y: usize) -> [u8; 3] {
    let i = (y * w + x) * 4;
    [frame[i], frame[i + 1], frame[i + 2]]
}

/// The fraction of sampled pixels of the region that equal the pixel `(dx, dy)` further on.
fn self_match(frame: &[u8], w: usize, region: (usize, usize, usize, usize), (dx, dy): (usize, usize)) -> f64 {
    let (x0, y0, x1, y1) = region;
    let (mut same, mut total) = (0, 0);
    for y in (y0..y1).step_by(3) {
        for x in (x0..x1).step_by(3) {
            total += 1;
            same += usize::from(dist(at(frame, w, x, y), at(frame, w, x + dx, y + dy)) <= 6);
        }
    }
    same as f64 / total.max(1) as f64
}

/// The best match of the region with itself shifted by 100 to 340 pixels along x (or y).
fn best_period(frame: &[u8], w: usize, region: (usize, usize, usize, usize), along_x: bool) -> (usize, f64) {
    (100..340)
        .map(|d| (d, self_match(frame, w, region, if along_x { (d, 0) } else { (0, d) })))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[test]
fn recording_with_the_panel_captures_the_whole_window_and_the_tiling() {
    let scratch_dir = scratch("record-panel");
    let dir = scratch_dir.path();
    let gif = dir.join("x.gif");
    // The judged command: full scale, 300 frames, recording with the panel from the start.
    let args = ["app", "--frames", "300", "--record", "--record-panel", "--record-to", gif.to_str().unwrap()];
    let out = under_xvfb(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "app {args:?} failed: {err}");
    assert!(err.contains("saved") && err.contains("x.gif"), "the saved file is reported: {err}");
    let (w, h, frames) = gif_frames(&gif);
    assert_eq!((w, h), (1000, 700), "whole-window frames");
    assert!(frames.len() >= 10, "only {} frames", frames.len());
    for (i, f) in frames.iter().enumerate() {
        let (mut fill, mut total) = (0, 0);
        for y in (200..700).step_by(5) {
            for x in (4..300).step_by(5) {
                total += 1;
                fill += usize::from(is_panel_fill(at(f, 1000, x, y)));
            }
        }
        assert!(fill * 2 > total, "frame {i} has no panel ({fill} of {total} samples)");
    }

    // The sheet view tiled 3×3: the recorded frames repeat with the sheet's period in x and y.
    let tiled = dir.join("tiled.gif");
    let args = ["app", "--scale-down", "2", "--tiled", "--frames", "60", "--record", "--record-to"];
    let out = under_xvfb(&[&args[..], &[tiled.to_str().unwrap(), "--no-arrows"]].concat());
    assert!(out.status.success(), "tiled: {}", String::from_utf8_lossy(&out.stderr));
    let (w, h, frames) = gif_frames(&tiled);
    assert_eq!((w, h), (690, 700));
    let last = frames.last().unwrap();
    let region = (40, 40, 300, 300);
    let (px, mx) = best_period(last, w, region, true);
    let (py, my) = best_period(last, w, region, false);
    assert!(mx > 0.9 && my > 0.9, "no 3×3 tiling: best periods {px} px ({mx:.2}), {py} px ({my:.2})");
    assert!(px.abs_diff(py) <= 2, "square tiles: {px} × {py} px");
    // Without tiling nothing repeats at that period.
    let plain = dir.join("plain.gif");
    let args = ["app", "--scale-down", "2", "--frames", "60", "--record", "--no-arrows", "--record-to"];
    let out = under_xvfb(&[&args[..], &[plain.to_str().unwrap()]].concat());
    assert!(out.status.success(), "plain: {}", String::from_utf8_lossy(&out.stderr));
    let (w, _, frames) = gif_frames(&plain);
    let m = self_match(frames.last().unwrap(), w, region, (px, 0));
    assert!(m < 0.7, "an untiled sheet matches itself {m:.2} at {px} px");
}

#[test]
fn unwritable_output_paths_fail_in_one_line_before_the_window_opens() {
    // /proc takes no new files, even from root.
    let cases: [&[&str]; 3] = [
        &["app", "--frames", "100000", "--screenshot", "/proc/seqscape-shot.png"],
        &["app", "--record", "--record-to", "/proc/seqscape.gif"],
        &["app", "--record-dir", "/proc"],
    ];
    for args in cases {
        let start = std::time::Instant::now();
        let out = under_xvfb(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?} should print one line: {err}");
        assert!(err.contains("/proc"), "{args:?}: {err}");
        assert!(start.elapsed().as_secs() < 20, "{args:?} took {:?}: frames ran first", start.elapsed());
    }
}

#[test]
fn record_writes_gif_frames_in_the_colour_map_with_arrows() {
    let scratch_dir = scratch("gif");
    let dir = scratch_dir.path();
    let with = dir.join("a.gif");
    let out = bin()
        .args([
            "record",
            "--scale-down",
            "4",
            "--seconds",
            "0.5",
            "--arrows",
            "--threads",
            "1",
            "--out",
            with.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (w, h, frames) = gif_frames(&with);
    assert_eq!(frames.len(), 20, "0.5 s at 25 ms per frame");
    assert_eq!((w, h), (26 * 15, 26 * 15), "n = 26 at scale-down 4, 15 pixels per neuron");
    let lut = Colormap::Viridis.lut();
    let mut levels = std::collections::HashSet::new();
    let mut white = 0;
    for f in &frames {
        for px in f.chunks(4).step_by(7) {
            let c = [px[0], px[1], px[2]];
            if is_arrow_white(c) {
                white += 1;
                continue;
            }
            let (best, d) = lut.iter().enumerate().map(|(i, &l)| (i, dist(c, l))).min_by_key(|p| p.1).unwrap();
            if d <= 6 {
                levels.insert(best / 8);
            }
        }
    }
    assert!(levels.len() >= 6, "frames show {} colour-map levels", levels.len());
    assert!(white > 100, "arrows: {white} white samples");

    // Another map, no arrows, at another frame rate and frame time: magma colours and no white.
    let plain = dir.join("b.gif");
    let out = bin()
        .args([
            "record",
            "--preset",
            "assets/presets/demo.toml",
            "--scale-down",
            "5",
            "--seconds",
            "0.2",
            "--colormap",
            "magma",
        ])
        .args(["--fps", "10", "--ms-per-frame", "50", "--out", plain.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (w, h, frames) = gif_frames(&plain);
    assert_eq!((frames.len(), w, h), (4, 400, 400));
    let magma = Colormap::Magma.lut();
    for f in &frames {
        for px in f.chunks(4).step_by(11) {
            let c = [px[0], px[1], px[2]];
            assert!(magma.iter().any(|&l| dist(c, l) <= 6), "{c:?} is not a magma colour");
        }
    }
}

#[test]
fn record_writes_mp4_with_ffmpeg() {
    assert!(on_path("ffmpeg"), "ffmpeg is missing: scripts/test.sh installs it (apt-get install ffmpeg)");
    let scratch_dir = scratch("mp4");
    let dir = scratch_dir.path();
    let path = dir.join("a.mp4");
    let out = bin()
        .args(["record", "--scale-down", "5", "--seconds", "0.2", "--arrows", "--out", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 1000 && &bytes[4..8] == b"ftyp", "not an MP4 file");
    let leftovers: Vec<_> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

fn fails_with_one_line(args: &[&str], env_remove: &[&str], expect: &str) {
    let mut cmd = bin();
    cmd.args(args);
    for k in env_remove {
        cmd.env_remove(k);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{args:?} should print one line: {err}");
    assert!(err.contains(expect), "{args:?}: '{err}' should mention '{expect}'");
}

#[test]
fn bad_input_gives_one_line_exit_2_and_writes_nothing() {
    let scratch_dir = scratch("bad");
    let dir = scratch_dir.path();
    let missing = dir.join("no/such/folder/a.gif");
    let gif = dir.join("a.gif");
    let g = gif.to_str().unwrap();
    fails_with_one_line(&["record", "--seconds", "1", "--out", missing.to_str().unwrap()], &[], "folder");
    fails_with_one_line(&["record", "--seconds", "1", "--colormap", "rainbow", "--out", g], &[], "rainbow");
    fails_with_one_line(
        &["record", "--seconds", "1", "--out", dir.join("a.avi").to_str().unwrap()],
        &[],
        ".gif or .mp4",
    );
    fails_with_one_line(&["record", "--seconds", "0", "--out", g], &[], "seconds");
    fails_with_one_line(&["record", "--seconds", "1", "--fps", "0", "--out", g], &[], "fps");
    fails_with_one_line(
        &["record", "--seconds", "1", "--preset", dir.join("none.toml").to_str().unwrap(), "--out", g],
        &[],
        "none.toml",
    );
    fails_with_one_line(&["app", "--frames", "0"], &[], "frames");
    fails_with_one_line(&["app", "--colormap", "rainbow"], &[], "rainbow");
    fails_with_one_line(
        &["app", "--frames", "5", "--screenshot", missing.with_extension("png").to_str().unwrap()],
        &[],
        "folder",
    );
    fails_with_one_line(&["app", "--record-to", missing.to_str().unwrap()], &[], "folder");
    fails_with_one_line(&["app", "--network", "ei", "--pulses", "3"], &[], "--pulses");
    fails_with_one_line(&["app", "--network", "ei", "--j-pa", "5"], &[], "--j-pa");
    fails_with_one_line(&["app", "--mu-e", "100"], &[], "--network ei");
    fails_with_one_line(&["app", "--network", "ej"], &[], "ei");
    let presets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets");
    let (demo, playground) = (presets.join("demo.toml"), presets.join("playground.toml"));
    fails_with_one_line(&["app", "--network", "ei", "--preset", demo.to_str().unwrap()], &[], "E-I preset");
    fails_with_one_line(&["app", "--preset", playground.to_str().unwrap(), "--scale-down", "3"], &[], "scale_down");
    fails_with_one_line(&["app", "--scale-down", "2"], &["DISPLAY", "WAYLAND_DISPLAY"], "seqscape record");
    fails_with_one_line(&[], &["DISPLAY", "WAYLAND_DISPLAY"], "seqscape figure");
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "bad input wrote {left:?}");
}

#[test]
fn a_missing_vulkan_driver_is_one_line_and_exit_2() {
    assert!(on_path("xvfb-run"), "xvfb-run is missing: install xvfb and xauth (scripts/test.sh does)");
    let xdg = std::env::temp_dir().join(format!("seqscape-xdg-novk-{}", std::process::id()));
    std::fs::create_dir_all(&xdg).unwrap();
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", env!("CARGO_BIN_EXE_seqscape")])
        .args(["app", "--scale-down", "4", "--frames", "5"])
        .env("XDG_RUNTIME_DIR", &xdg)
        .env("VK_ICD_FILENAMES", "/nonexistent/seqscape-no-driver.json")
        .env_remove("VK_DRIVER_FILES")
        .output()
        .expect("xvfb-run runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("Vulkan") && err.contains("mesa-vulkan-drivers"), "{err}");
}

/// Waits up to `limit_s` for `pred` on the app's log; the log so far either way.
fn wait_for_log(log: &Path, limit_s: u64, pred: impl Fn(&str) -> bool) -> (bool, String) {
    let start = std::time::Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if pred(&text) {
            return (true, text);
        }
        if start.elapsed().as_secs() > limit_s {
            return (false, text);
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn every_panel_control_driven_through_its_range_leaves_the_window_alive() {
    drive_every_control(&["app", "--scale-down", "2", "--threads", "1"]);
}

#[test]
fn every_panel_control_of_the_ei_network_driven_through_its_range_leaves_the_window_alive() {
    drive_every_control(&["app", "--network", "ei", "--scale-down", "2", "--threads", "1"]);
}

/// Drives every row of the panel and every key of the window opened with `args`.
fn drive_every_control(args: &[&str]) {
    assert!(on_path("xdotool"), "xdotool is missing: scripts/test.sh installs it (apt-get install xdotool)");
    let scratch_dir = scratch("controls");
    let dir = scratch_dir.path();
    let x = Xvfb::start();
    let log = dir.join("app.log");
    let mut app = x.seqscape(dir, &log).args(args).spawn().unwrap();
    let app = Kill(&mut app);
    let wid = x.window_id(60);
    std::thread::sleep(std::time::Duration::from_secs(4));
    x.xdotool(&["windowfocus".into(), "--sync".into(), wid.clone()], 10);

    // Every row of the panel: drag from the left end to the right end and back (each slider
    // through its whole range), then click the row's start and middle (buttons, check boxes,
    // section headers, combo boxes and their entries), then Escape.
    for y in (6..696).step_by(7) {
        let row = format!(
            "mousemove 28 {y} mousedown 1 sleep 0.04 mousemove 80 {y} sleep 0.04 mousemove 140 {y} sleep 0.04 \
             mousemove 28 {y} sleep 0.04 mouseup 1 sleep 0.04 mousemove 60 {y} click 1 sleep 0.04 \
             mousemove 190 {y} click 1 sleep 0.04 key Escape sleep 0.03"
        );
        x.xdotool(&words(&row), 30);
    }
    // The sheet: clicks, a brush stroke, wheel zoom, a right-drag pan, and every key.
    let sheet = "mousemove 650 350 click 1 sleep 0.1 key b sleep 0.1 mousedown 1 mousemove 700 400 sleep 0.1 \
                 mousemove 760 420 mouseup 1 key b sleep 0.1 click 4 click 4 click 5 sleep 0.1 mousedown 3 \
                 mousemove 600 300 sleep 0.1 mouseup 3 key space sleep 0.1 key space key period key a key a key t \
                 key t key f key h key h key question key question key i sleep 0.1 key i key s sleep 0.3";
    x.xdotool(&words(sheet), 30);
    // The torus view and immersive mode: V, a click and a stroke on the donut, a drag off it and a
    // right drag to turn it, the wheel, F, E (relief) on and off, F11 with the panel brought back
    // by the left edge and by Tab, then both back.
    let torus = "key v sleep 0.5 mousemove 655 560 click 1 sleep 0.1 key b mousedown 1 mousemove 700 560 sleep 0.1 \
                 mousemove 760 540 mouseup 1 key b mousemove 330 20 mousedown 1 mousemove 400 60 sleep 0.1 \
                 mouseup 1 mousedown 3 mousemove 500 300 sleep 0.1 mouseup 3 click 4 click 5 key f key e \
                 sleep 0.2 key e key F11 sleep 0.5 mousemove 2 300 sleep 0.3 mousemove 700 300 sleep 0.2 \
                 key Tab sleep 0.2 key Tab key F11 sleep 0.5 key v sleep 0.3";
    x.xdotool(&words(torus), 30);
    assert!(app.0.try_wait().unwrap().is_none(), "the app quit: {}", std::fs::read_to_string(&log).unwrap());

    // Still alive: a recording starts and stops on R (or reports why it cannot).
    let before = std::fs::read_to_string(&log).unwrap_or_default().len();
    x.xdotool(&words("mousemove 650 350 click 1 sleep 0.2 key r sleep 1.5 key r"), 30);
    let (alive, text) = wait_for_log(&log, 120, |t| {
        let new = &t[before.min(t.len())..];
        new.contains("saved") || new.contains("recording failed") || new.contains("cannot")
    });
    assert!(!text.contains("panicked"), "the app panicked: {text}");
    assert!(alive, "the window stopped answering after its controls were driven: {text}");
    assert!(app.0.try_wait().unwrap().is_none(), "the app quit: {text}");
}

#[test]
fn stopping_a_recording_with_the_panel_neither_freezes_nor_overwrites() {
    assert!(on_path("xdotool"), "xdotool is missing: scripts/test.sh installs it (apt-get install xdotool)");
    let scratch_dir = scratch("stop-panel");
    let dir = scratch_dir.path();
    let x = Xvfb::start();
    let log = dir.join("app.log");
    let mut child = x
        .seqscape(dir, &log)
        .args(["app", "--scale-down", "2", "--threads", "1", "--record", "--record-panel"])
        .spawn()
        .unwrap();
    let app = Kill(&mut child);
    let wid = x.window_id(60);
    std::thread::sleep(std::time::Duration::from_secs(5));
    x.xdotool(&["windowfocus".into(), "--sync".into(), wid], 10);
    // Stop, start again, stop again: two files, each reported, and the window answers throughout.
    for round in 1..=2 {
        x.xdotool(&words("mousemove 650 350 key r"), 10);
        let name = format!("seqscape-{round:04}.gif");
        let (saved, text) = wait_for_log(&log, 60, |t| t.lines().any(|l| l.contains("saved") && l.contains(&name)));
        assert!(saved, "stopping recording {round} did not finish {name} within 60 s: {text}");
        if round == 1 {
            x.xdotool(&words("key r sleep 3"), 10);
        }
    }
    assert!(app.0.try_wait().unwrap().is_none(), "the app quit: {}", std::fs::read_to_string(&log).unwrap());
    for round in 1..=2 {
        let (w, h, frames) = gif_frames(&dir.join(format!("seqscape-{round:04}.gif")));
        assert_eq!((w, h), (1000, 700), "recording {round} has the whole window");
        assert!(!frames.is_empty());
    }
}

/// A window of the binary on its own X server, paused, with its log; killed when dropped.
struct PausedWindow {
    x: Xvfb,
    child: std::process::Child,
    log: PathBuf,
}

impl PausedWindow {
    fn open(dir: &Path, args: &[&str]) -> PausedWindow {
        assert!(on_path("xdotool"), "xdotool is missing: scripts/test.sh installs it (apt-get install xdotool)");
        let x = Xvfb::start();
        let log = dir.join("app.log");
        let child = x
            .seqscape(dir, &log)
            .args(["app", "--speed", "paused", "--no-arrows", "--threads", "1"])
            .args(args)
            .spawn()
            .unwrap();
        let w = PausedWindow { x, child, log };
        let wid = w.x.window_id(120);
        std::thread::sleep(std::time::Duration::from_secs(3));
        w.x.xdotool(&["windowmove".into(), wid.clone(), "0".into(), "0".into()], 10);
        w.x.xdotool(&["windowfocus".into(), "--sync".into(), wid], 10);
        w
    }

    /// `ticks` single ticks (1 ms each), one key press per frame.
    fn step(&self, ticks: usize) {
        for _ in 0..ticks {
            self.x.xdotool(&words("key period sleep 0.12"), 10);
        }
    }

    /// Saves a screenshot of the sheet view (`S`) and reads it.
    fn shot(&self, dir: &Path, k: usize) -> image::RgbImage {
        self.x.xdotool(&words("key s"), 10);
        let name = format!("seqscape-{k:04}.png");
        let (saved, text) =
            wait_for_log(&self.log, 60, |t| t.lines().any(|l| l.contains("saved") && l.contains(&name)));
        assert!(saved, "no screenshot {name}: {text}");
        read_png(&dir.join(name))
    }
}

impl Drop for PausedWindow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Positions (image pixels) of the sheet view's active texels: off the colour map's lowest tenth
/// (and off white, the cursor ring).
fn active_pixels(img: &image::RgbImage, lut: &[[u8; 3]]) -> Vec<(f64, f64)> {
    let (w, h) = img.dimensions();
    let mut out = Vec::new();
    for y in (30..h).step_by(2) {
        for x in (0..w).step_by(2) {
            let c = img.get_pixel(x, y).0;
            if !is_arrow_white(c) && off_map(c, &lut[..26], 40) && !off_map(c, lut, 40) {
                out.push((f64::from(x), f64::from(y)));
            }
        }
    }
    out
}

/// The click's position in the sheet view's screenshot: the window's (650, 350) right of the
/// 310-pixel panel.
const CLICK: (f64, f64) = (340.0, 350.0);

fn mean_distance(points: &[(f64, f64)], to: (f64, f64)) -> f64 {
    points.iter().map(|p| (p.0 - to.0).hypot(p.1 - to.1)).sum::<f64>() / points.len().max(1) as f64
}

#[test]
fn a_click_on_the_ei_window_raises_e_activity_under_the_cursor() {
    let scratch_dir = scratch("ei-click");
    let dir = scratch_dir.path();
    // No background and no warm-up: the sheet is dark until the click.
    let w = PausedWindow::open(
        dir,
        &["--network", "ei", "--scale-down", "2", "--mu", "0", "--sigma", "0", "--warmup-ms", "0"],
    );
    let lut = Colormap::Viridis.lut();
    w.step(2);
    let before = active_pixels(&w.shot(dir, 1), &lut);
    w.x.xdotool(&words("mousemove 650 350 sleep 0.2 click 1 sleep 0.2"), 10);
    // From rest, 500 pA reaches the threshold after 10 ms · ln 4 ≈ 14 ms.
    w.step(20);
    let after = active_pixels(&w.shot(dir, 2), &lut);
    let near = after.iter().filter(|p| (p.0 - CLICK.0).hypot(p.1 - CLICK.1) < 60.0).count();
    assert!(before.len() < 10, "the sheet is dark before the click ({} active pixels)", before.len());
    assert!(near > 30, "the E neurons under the click fire ({near} active pixels near it, {} in all)", after.len());
    assert!(near * 2 > after.len(), "the activity is at the click ({near} of {})", after.len());
}

#[test]
fn the_playground_preset_loads_and_a_click_launches_a_sequence_that_moves_away() {
    let scratch_dir = scratch("playground");
    let dir = scratch_dir.path();
    let preset = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets/playground.toml");
    let w = PausedWindow::open(dir, &["--preset", preset.to_str().unwrap()]);
    let lut = Colormap::Viridis.lut();
    let quiet = active_pixels(&w.shot(dir, 1), &lut);
    w.x.xdotool(&words("mousemove 650 350 sleep 0.2 click 1 sleep 0.2"), 10);
    w.step(10);
    let start = active_pixels(&w.shot(dir, 2), &lut);
    w.step(40);
    let later = active_pixels(&w.shot(dir, 3), &lut);
    assert!(quiet.len() < 10, "the playground is quiet before the click ({} active pixels)", quiet.len());
    assert!(
        start.len() > 20 && later.len() > 20,
        "a sequence runs ({} then {} active pixels)",
        start.len(),
        later.len()
    );
    let (d0, d1) = (mean_distance(&start, CLICK), mean_distance(&later, CLICK));
    assert!(d1 > d0 + 30.0, "the activity moves away from the click: {d0:.0} px, then {d1:.0} px");
}

/// Whether a pixel differs from the window's clear colour (0.06, 0.06, 0.08).
fn off_background(c: [u8; 3]) -> bool {
    dist(c, [15, 15, 20]) > 30
}

/// For each row of the free area right of the panel: the first and last column off the background.
fn row_extents(img: &image::RgbImage, left: u32) -> Vec<Option<(u32, u32)>> {
    let (w, h) = img.dimensions();
    (0..h)
        .map(|y| {
            let xs: Vec<u32> = (left..w).filter(|&x| off_background(img.get_pixel(x, y).0)).collect();
            Some((*xs.first()?, *xs.last()?))
        })
        .collect()
}

#[test]
fn the_torus_view_shows_the_activity_on_a_lit_curved_shape() {
    let scratch_dir = scratch("torus");
    let shot = scratch_dir.path().join("torus.png");
    let out = under_xvfb(&[
        "app",
        "--view",
        "torus",
        "--no-arrows",
        "--scale-down",
        "4",
        "--frames",
        "60",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let img = read_png(&shot);
    let (w, h) = img.dimensions();
    // The caption bar covers the top rows; look below it.
    let extents = row_extents(&img, 320);
    let rows: Vec<(u32, (u32, u32))> =
        extents.iter().enumerate().skip(40).filter_map(|(y, e)| e.map(|e| (y as u32, e))).collect();
    assert!(rows.len() as u32 > h / 3, "the donut fills a good part of the view ({} rows)", rows.len());
    let width = |e: (u32, u32)| e.1 - e.0;
    let widest = rows.iter().map(|&(_, e)| width(e)).max().unwrap();
    let (top, bottom) = (rows.first().unwrap().0, rows.last().unwrap().0);
    let near_top = rows.iter().find(|&&(y, _)| y >= top + (bottom - top) / 10).unwrap().1;
    assert!(
        width(near_top) * 10 < widest * 8,
        "curved, not a rectangle: {} px wide near the top, {widest} px at the widest",
        width(near_top)
    );
    // The hole: background in the middle of a row that has donut on both sides.
    let middle = (top + bottom) / 2;
    let hole = (middle.saturating_sub(40)..middle + 40).any(|y| {
        let cx = (320 + w) / 2;
        !off_background(img.get_pixel(cx, y).0)
            && (320..cx).any(|x| off_background(img.get_pixel(x, y).0))
            && (cx..w).any(|x| off_background(img.get_pixel(x, y).0))
    });
    assert!(hole, "a hole in the middle of the donut");
    // Colour map on it: quiet cells are viridis' dark purple (blue over green), shaded by the light
    // (their brightness spreads), and active cells are green to yellow.
    let mut quiet = Vec::new();
    let mut active = 0;
    for &(y, (a, b)) in &rows {
        for x in (a..=b).step_by(2) {
            let c = img.get_pixel(x, y).0;
            if !off_background(c) {
                continue;
            }
            if c[1] > 110 && c[1] > c[2] {
                active += 1;
            } else if c[2] > c[1] {
                quiet.push(u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]));
            }
        }
    }
    quiet.sort_unstable();
    assert!(quiet.len() > 2000, "the quiet surface is the colour map's dark purple ({} pixels)", quiet.len());
    let (lo, hi) = (quiet[quiet.len() / 20], quiet[quiet.len() * 19 / 20]);
    assert!(hi > lo + 40, "lit: the quiet surface's brightness varies with the light ({lo}..{hi})");
    assert!(active > 20, "active cells glow in the colour map's green and yellow ({active} pixels)");
}

#[test]
fn a_click_on_the_torus_stimulates_the_sheet_point_under_it_and_v_switches_back() {
    let scratch_dir = scratch("torus-click");
    let dir = scratch_dir.path();
    // No background and no warm-up: the donut is dark until the click.
    let w = PausedWindow::open(
        dir,
        &["--view", "torus", "--network", "ei", "--scale-down", "2", "--mu", "0", "--sigma", "0", "--warmup-ms", "0"],
    );
    let bright = |img: &image::RgbImage| -> Vec<(f64, f64)> {
        let (iw, ih) = img.dimensions();
        let mut out = Vec::new();
        for y in (30..ih).step_by(2) {
            for x in (0..iw).step_by(2) {
                let c = img.get_pixel(x, y).0;
                if c[1] > 110 && c[1] > c[2] && !is_arrow_white(c) {
                    out.push((f64::from(x), f64::from(y)));
                }
            }
        }
        out
    };
    w.step(2);
    // The donut appears once its pipeline is compiled, which takes a while on a busy machine.
    let mut k = 1;
    let mut first = w.shot(dir, k);
    while !off_background(first.get_pixel(345, 560).0) && k < 20 {
        std::thread::sleep(std::time::Duration::from_secs(1));
        k += 1;
        first = w.shot(dir, k);
    }
    let before = bright(&first);
    // The front of the donut, below the hole: the window's (655, 560), the shot's (345, 560).
    let click = (345.0, 560.0);
    assert!(off_background(first.get_pixel(345, 560).0), "the click lands on the donut");
    w.x.xdotool(&words("mousemove 655 560 sleep 0.2 click 1 sleep 0.2"), 10);
    w.step(20);
    let after = bright(&w.shot(dir, k + 1));
    let near = after.iter().filter(|p| (p.0 - click.0).hypot(p.1 - click.1) < 60.0).count();
    assert!(before.len() < 10, "the donut is dark before the click ({} bright pixels)", before.len());
    assert!(near > 15, "the E neurons under the click fire ({near} bright pixels near it, {} in all)", after.len());
    assert!(near * 2 > after.len(), "the activity is at the click ({near} of {})", after.len());
    // V: back to the flat sheet, which fills the view without a hole.
    w.x.xdotool(&words("key v sleep 0.5"), 10);
    w.step(1);
    let flat = w.shot(dir, k + 2);
    let (fw, fh) = flat.dimensions();
    assert!(off_background(flat.get_pixel(fw / 2, fh / 2).0), "the flat sheet covers the middle of the view");
    // Immersive: Tab pins the panel and unpins it, and the keys still reach the view after it
    // (S saves another screenshot).
    w.x.xdotool(&words("mousemove 700 300 key F11 sleep 0.5 key Tab sleep 0.3 key Tab sleep 0.3"), 10);
    w.shot(dir, k + 3);
}

#[test]
fn a_level_played_in_the_window_with_its_route_painted_is_won_and_its_best_score_kept() {
    let scratch_dir = scratch("play");
    let dir = scratch_dir.path();
    let shot = dir.join("won.png");
    let data = dir.join("data");
    let args =
        ["play", "--level", "1", "--paint", "18.5,60.5 92.5,60.5", "--brush", "6", "--frames", "200", "--screenshot"];
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", env!("CARGO_BIN_EXE_seqscape")])
        .args(args)
        .arg(&shot)
        .env("SEQSCAPE_DATA_DIR", &data)
        .env("XDG_RUNTIME_DIR", dir)
        .output()
        .expect("xvfb-run runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Corridor: won in"), "the window reports the win: {err}");
    let best = std::fs::read_to_string(data.join("best-scores.toml")).expect("the best score is kept");
    assert!(best.contains("Corridor") && best.contains("points"), "{best}");
    let img = read_png(&shot);
    // The goal disc is drawn in gold and the WIN text in green somewhere in the window.
    let gold = img.pixels().filter(|p| dist(p.0, [255, 204, 51]) < 60).count();
    assert!(gold > 20, "{gold} gold pixels");
}

#[test]
fn a_route_dragged_with_the_mouse_and_launched_with_l_wins_level_1() {
    assert!(on_path("xdotool"), "xdotool is missing: scripts/test.sh installs it (apt-get install xdotool)");
    let scratch_dir = scratch("play-drag");
    let dir = scratch_dir.path();
    let x = Xvfb::start();
    let log = dir.join("app.log");
    let mut child = x
        .seqscape(dir, &log)
        .args(["play", "--level", "1", "--brush", "6"])
        .env("SEQSCAPE_DATA_DIR", dir.join("data"))
        .spawn()
        .unwrap();
    let wid = x.window_id(120);
    std::thread::sleep(std::time::Duration::from_secs(3));
    x.xdotool(&["windowmove".into(), wid.clone(), "0".into(), "0".into()], 10);
    x.xdotool(&["windowfocus".into(), "--sync".into(), wid], 10);
    // The 120×120 E sheet fitted right of the 310-pixel panel of the 1000×700 window: grid (gx, gy)
    // is at window (655 + 5.617·(gx − 60), 350 − 5.617·(gy − 60)). Level 1's corridor runs along
    // y = 60.5 from the start at x = 18.5 to the goal at x = 92.5: a held drag along it, in steps.
    let px = |gx: f64| (655.0 + 5.617 * (gx - 60.0)).round() as i64;
    let y = (350.0 - 5.617 * 0.5_f64).round() as i64;
    let mut drag = format!("mousemove {} {y} sleep 0.3 mousedown 1 sleep 0.2", px(18.5));
    for k in 1..=20 {
        let gx = 18.5 + (92.5 - 18.5) * f64::from(k) / 20.0;
        drag.push_str(&format!(" mousemove {} {y} sleep 0.08", px(gx)));
    }
    drag.push_str(" sleep 0.2 mouseup 1 sleep 0.5 key l");
    x.xdotool(&words(&drag), 60);
    let (won, text) = wait_for_log(&log, 90, |t| t.contains("Corridor: won in"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(won, "the dragged route wins level 1: {text}");
    let ink: Vec<u32> = text
        .lines()
        .filter(|l| l.contains("won in"))
        .flat_map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|w| w[1] == "ink:")
                .map(|w| w[0].parse().unwrap_or(0))
                .collect::<Vec<u32>>()
        })
        .collect();
    assert!(ink.iter().all(|&i| i > 200 && i <= 1000), "the route cost ink within the budget: {ink:?} ({text})");
}
