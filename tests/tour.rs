//! Black-box tests of the guided tour: bad tour files are one line and exit 2, `record --tour`
//! writes every scene with its caption (the sheet, and the lit torus in 3-D), and `seqscape
//! tour` plays in the window under Xvfb until a key ends it.

use std::path::Path;
use std::process::Output;

use seqscape::output::colormap::Colormap;

mod common;
#[cfg(feature = "window")]
use common::{Kill, Xvfb, gif_frames, words};
use common::{bin, scratch};

/// A small I network (26×26) and a small E-I network, as preset files in `dir`.
fn write_presets(dir: &Path) {
    let i = "preset = \"paper\"\nlandscape = \"symmetric\"\nscale_down = 4\nseed = 1\nwarmup_ms = 100.0\n";
    std::fs::write(dir.join("small.toml"), i).unwrap();
    let perlin = "preset = \"paper\"\nlandscape = \"perlin\"\nscale_down = 4\nseed = 2\nwarmup_ms = 100.0\n";
    std::fs::write(dir.join("perlin.toml"), perlin).unwrap();
}

const SMALL_TOUR: &str = r#"
[[scene]]
caption = "Scene one: a painted stroke"
preset = "small.toml"
view = "sheet"
duration_s = 1.2
arrows = true

[[scene.stroke]]
at_s = 0
points = [[2, 12], [22, 12]]
radius = 3
direction = "along"

[[scene.stimulus]]
at_s = 0.5
x = 12
y = 12

[[scene]]
caption = "Scene two: the torus"
preset = "perlin.toml"
view = "torus"
camera = { yaw_deg = 0, pitch_deg = 60, distance = 3.2 }
duration_s = 1.0
"#;

fn record(dir: &Path, tour: &str, out: &str, extra: &[&str]) -> Output {
    std::fs::write(dir.join("tour.toml"), tour).unwrap();
    bin()
        .args(["record", "--tour", "tour.toml", "--out", out, "--fps", "10", "--threads", "2"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn bad_tour_files_are_one_line_naming_file_scene_and_field_and_exit_2() {
    let s = scratch("bad");
    let dir = s.path();
    write_presets(dir);
    let cases: [(&str, String, &[&str]); 7] = [
        ("unknown key", SMALL_TOUR.replace("arrows = true", "arrows = true\nzoom = 2"), &["zoom", "line"]),
        ("missing field", SMALL_TOUR.replace("duration_s = 1.0\n", ""), &["duration_s"]),
        (
            "stimulus off the sheet",
            SMALL_TOUR.replace("x = 12", "x = 40"),
            &["scene 1", "stimulus 1.x", "off the sheet", "0 to 26"],
        ),
        (
            "stroke off the sheet",
            SMALL_TOUR.replace("[22, 12]]", "[22, -3]]"),
            &["scene 1", "stroke 1.points[2].y", "0 to 26"],
        ),
        (
            "duration out of range",
            SMALL_TOUR.replace("duration_s = 1.0", "duration_s = 600"),
            &["scene 2", "duration_s", "1 to 60"],
        ),
        (
            "time outside the scene",
            SMALL_TOUR.replace("at_s = 0.5", "at_s = 5"),
            &["scene 1", "stimulus 1.at_s", "inside the scene"],
        ),
        (
            "unknown preset",
            SMALL_TOUR.replace("perlin.toml", "nowhere.toml"),
            &["scene 2", "preset", "nowhere.toml", "fig2-perlin"],
        ),
    ];
    for (what, text, words) in cases {
        let out = record(dir, &text, "bad.gif", &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{what}: one line: {err}");
        assert!(err.contains("tour.toml"), "{what}: names the file: {err}");
        for w in words {
            assert!(err.contains(w), "{what}: names '{w}': {err}");
        }
        assert!(!dir.join("bad.gif").exists(), "{what}: nothing written");
    }
    // A missing file, and --tour with options it does not take.
    let out = bin().args(["record", "--tour", "none.toml", "--out", "x.gif"]).current_dir(dir).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), err.trim().lines().count()), (Some(2), 1), "{err}");
    assert!(err.contains("none.toml"), "{err}");
    let out = bin().args(["record", "--tour", "--seconds", "2", "--out", "x.gif"]).current_dir(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

fn px(frame: &[u8], w: usize, x: usize, y: usize) -> [u8; 3] {
    let i = (y * w + x) * 4;
    [frame[i], frame[i + 1], frame[i + 2]]
}

/// Whether `c` is a colour of the map, shaded by a factor from 0.35 to 1.
fn shaded_map_colour(c: [u8; 3], lut: &[[u8; 3]]) -> bool {
    lut.iter().any(|m| {
        (35..=100).step_by(5).any(|k| (0..3).all(|j| (i32::from(c[j]) - i32::from(m[j]) * k / 100).abs() <= 14))
    })
}

#[test]
fn record_tour_writes_every_scene_with_its_caption_and_the_lit_torus() {
    let s = scratch("record");
    let dir = s.path();
    write_presets(dir);
    let out = record(dir, SMALL_TOUR, "tour.gif", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let (w, h, frames) = gif_frames(&dir.join("tour.gif"));
    assert_eq!((w, h), (640, 360), "the default size");
    assert_eq!(frames.len(), 12 + 10, "1.2 s and 1 s at 10 fps: {err}");
    let bar_top = h - h / 9;
    let lut = Colormap::Viridis.lut();
    for (k, f) in frames.iter().enumerate() {
        // The caption bar: its grey, and bright text in it.
        let bar: Vec<[u8; 3]> =
            (bar_top..h).flat_map(|y| (0..w).map(move |x| (x, y))).map(|(x, y)| px(f, w, x, y)).collect();
        let grey = bar.iter().filter(|c| **c == [34, 34, 34]).count();
        let text = bar.iter().filter(|c| c.iter().all(|&v| v >= 200)).count();
        assert!(grey > bar.len() / 2 && text > 150, "frame {k}: caption bar {grey} grey, {text} text pixels");
    }
    // The two captions differ: the text pixels of the first and the last frame are not the same.
    let text_mask = |f: &[u8]| -> Vec<bool> {
        (bar_top..h).flat_map(|y| (0..w).map(move |x| (x, y))).map(|(x, y)| px(f, w, x, y)[0] >= 200).collect()
    };
    assert_ne!(text_mask(&frames[0]), text_mask(&frames[frames.len() - 1]), "each scene has its own caption");
    // Scene one: the 26×26 sheet fitted (letterboxed) into the 640×320 area above the bar.
    let f = &frames[11];
    let area_h = bar_top;
    assert_eq!(px(f, w, 5, area_h / 2), [0, 0, 0], "letterbox left of the sheet");
    let (sx0, side) = ((w - area_h) / 2, area_h);
    let sheet_mapped = (0..side)
        .step_by(7)
        .flat_map(|y| (0..side).step_by(7).map(move |x| (x, y)))
        .filter(|&(x, y)| shaded_map_colour(px(f, w, sx0 + x, y), &lut))
        .count();
    assert!(sheet_mapped > (side / 7) * (side / 7) * 8 / 10, "the sheet in the colour map: {sheet_mapped}");
    // Scene two: the torus, lit, on a dark background with a dark hole.
    let f = &frames[frames.len() - 1];
    assert_eq!(px(f, w, 2, 2), [0, 0, 0], "top-left corner");
    assert_eq!(px(f, w, w - 3, 2), [0, 0, 0], "top-right corner");
    assert_eq!(px(f, w, w / 2, area_h / 2), [0, 0, 0], "the hole");
    let ring: Vec<[u8; 3]> = (0..w).map(|x| px(f, w, x, area_h / 2)).filter(|c| *c != [0, 0, 0]).collect();
    assert!(ring.len() > 100, "the ring crosses the middle row: {} pixels", ring.len());
    let mapped = ring.iter().filter(|c| shaded_map_colour(**c, &lut)).count();
    assert!(mapped * 10 >= ring.len() * 9, "the ring shows shaded colour-map colours: {mapped} of {}", ring.len());
    let brightness: Vec<u32> = ring.iter().map(|c| c.iter().map(|&v| u32::from(v)).sum()).collect();
    assert!(brightness.iter().max() > brightness.iter().min().map(|m| m + 20).as_ref(), "lit unevenly (curved)");
    // The ring is curved: its left and right edges on the middle row, and its top edge in the
    // middle column, lie on an ellipse rather than a rectangle.
    let left = (0..w).find(|&x| px(f, w, x, area_h / 2) != [0, 0, 0]).unwrap();
    let left_high = (0..w).find(|&x| px(f, w, x, area_h / 4) != [0, 0, 0]).unwrap_or(w);
    assert!(left_high > left + 10, "the outline curves in toward the top: {left} then {left_high}");
}

#[test]
fn record_tour_takes_a_size() {
    let s = scratch("size");
    let dir = s.path();
    write_presets(dir);
    let short = SMALL_TOUR.replace("duration_s = 1.2", "duration_s = 1").replace("at_s = 0.5", "at_s = 0.2");
    let out = record(dir, &short, "small.gif", &["--size", "320x200"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (w, h, frames) = gif_frames(&dir.join("small.gif"));
    assert_eq!((w, h, frames.len()), (320, 200, 20));
    let out = record(dir, &short, "bad.gif", &["--size", "640x40"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), err.trim().lines().count()), (Some(2), 1), "{err}");
    assert!(!dir.join("bad.gif").exists());
}

#[cfg(feature = "window")]
#[test]
fn a_bad_tour_file_stops_seqscape_tour_before_the_window_opens() {
    let s = scratch("window-bad");
    let dir = s.path();
    write_presets(dir);
    std::fs::write(dir.join("tour.toml"), SMALL_TOUR.replace("x = 12", "x = 99")).unwrap();
    let out = bin().args(["tour", "--tour", "tour.toml"]).current_dir(dir).env_remove("DISPLAY").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), err.trim().lines().count()), (Some(2), 1), "{err}");
    assert!(err.contains("tour.toml") && err.contains("stimulus 1.x"), "{err}");
}

#[cfg(feature = "window")]
#[test]
fn seqscape_tour_plays_its_scenes_in_a_loop_until_a_key_is_pressed() {
    let s = scratch("window");
    let dir = s.path();
    write_presets(dir);
    std::fs::write(dir.join("tour.toml"), SMALL_TOUR).unwrap();
    let x = Xvfb::start();
    let log = dir.join("tour.log");
    let mut app = x
        .seqscape(dir, &log)
        .args(["tour", "--tour", "tour.toml", "--threads", "1", "--size", "900x600"])
        .spawn()
        .unwrap();
    let app = Kill(&mut app);
    let wid = x.window_id(60);
    // Both scenes, then the first again: three networks built in turn.
    let start = std::time::Instant::now();
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.matches("network ready").count() >= 3 || start.elapsed().as_secs() > 90 {
            break text;
        }
        assert!(app.0.try_wait().unwrap().is_none(), "the tour stopped on its own: {text}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(text.contains("tour: 2 scenes"), "the tour started: {text}");
    let ready: Vec<&str> = text.lines().filter(|l| l.contains("network ready")).collect();
    assert!(ready.len() >= 3, "the tour moves on from scene to scene and loops: {text}");
    assert!(
        ready[0].contains("symmetric") && ready[1].contains("perlin") && ready[2].contains("symmetric"),
        "{ready:?}"
    );
    assert!(app.0.try_wait().unwrap().is_none(), "still playing: {text}");
    // Any key ends it and closes the window.
    x.xdotool(&words(&format!("windowfocus --sync {wid}")), 10);
    x.xdotool(&words("key q"), 10);
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = app.0.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed().as_secs() < 30, "a key did not end the tour");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{text}");
    assert!(text.contains("tour ended") && !text.contains("panicked"), "{text}");
}
