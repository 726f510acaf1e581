//! Black-box tests of the command line: run the binary, read the files it writes.

use std::path::Path;

use seqscape::output::npy::{read_npy, read_spikes};

mod common;
use common::{bin, fresh_path, gif_frames, run_ok};

/// The spikes of a run folder: (ids, times).
fn spikes(dir: &Path) -> (Vec<u32>, Vec<f64>) {
    read_spikes(&dir.join("spikes.npz")).unwrap()
}

#[test]
fn run_writes_spikes_in_degree_landscape_and_params_that_read_back() {
    let dir = fresh_path("run");
    let d = dir.to_str().unwrap();
    run_ok(&["run", "--preset", "seed", "--landscape", "perlin", "--duration-ms", "300", "--threads", "1", "--out", d]);
    let (i, t) = spikes(&dir);
    assert_eq!(i.len(), t.len());
    assert!(i.len() > 100, "{} spikes", i.len());
    assert!(i.iter().all(|&id| id < 400));
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "times are sorted");
    assert!(t.iter().all(|&x| x > 0.0 && x <= 800.0 + 1e-9));
    // Stamped at the end of a 0.1 ms step.
    assert!(t.iter().all(|&x| ((x / 0.1) - (x / 0.1).round()).abs() < 1e-6));

    let in_degree = read_npy(&dir.join("in_degree.npy")).unwrap();
    assert_eq!(in_degree.shape(), &[20, 20]);
    let deg = in_degree.as_i32().unwrap();
    let mean = deg.iter().map(|&d| f64::from(d)).sum::<f64>() / 400.0;
    assert!((mean - 40.0).abs() < 1e-9, "seed preset draws 40 targets per source, none on itself: {mean}");

    let landscape = read_npy(&dir.join("landscape.npy")).unwrap();
    assert_eq!(landscape.shape(), &[20, 20]);
    let dirs = landscape.as_f32().unwrap();
    assert!(dirs.iter().all(|&a| (0.0..std::f32::consts::TAU).contains(&a)));

    let params: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("params.json")).unwrap()).unwrap();
    assert_eq!(params["n"], 20);
    assert_eq!(params["dt_ms"], 0.1);
    assert_eq!(params["warmup_ms"], 500.0);
    assert_eq!(params["duration_ms"], 300.0);
    assert_eq!(params["preset"], "seed");
    assert_eq!(params["landscape"], "perlin");
    assert_eq!(params["seed"], 0);
    assert_eq!(params["version"], env!("CARGO_PKG_VERSION"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_seed_same_spikes_with_one_and_two_threads_and_symmetric_is_unshifted() {
    let a = fresh_path("t1");
    let b = fresh_path("t2");
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        run_ok(&[
            "run",
            "--landscape",
            "symmetric",
            "--scale-down",
            "4",
            "--duration-ms",
            "200",
            "--seed",
            "9",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
        ]);
    }
    let (sa, sb) = (spikes(&a), spikes(&b));
    assert!(!sa.0.is_empty());
    assert_eq!(sa, sb);
    let l = read_npy(&a.join("landscape.npy")).unwrap();
    assert!(l.as_f32().unwrap().iter().all(|x| x.is_nan()));
    for d in [a, b] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn bad_input_gives_one_line_exit_2_and_writes_nothing() {
    let dir = fresh_path("bad");
    let d = dir.to_str().unwrap();
    let blocker = fresh_path("blocker-file");
    std::fs::write(&blocker, b"x").unwrap();
    let under_file = blocker.join("out");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "--landscape", "flat", "--out", d], "landscape"),
        (vec!["run", "--landscape", "perlin", "--preset", "nest", "--out", d], "preset"),
        (vec!["run", "--landscape", "perlin", "--scale-down", "0", "--out", d], "scale-down"),
        (vec!["run", "--landscape", "perlin", "--scale-down", "6", "--out", d], "scale-down"),
        (vec!["run", "--landscape", "perlin", "--duration-ms", "-5", "--out", d], "duration"),
        (vec!["run", "--landscape", "perlin", "--duration-ms", "NaN", "--out", d], "duration"),
        (vec!["run", "--landscape", "perlin", "--threads", "0", "--out", d], "threads"),
        (
            vec!["run", "--landscape", "perlin", "--scale-down", "5", "--out", under_file.to_str().unwrap()],
            "output folder",
        ),
        (vec!["figure", "--landscape", "diagonal", "--out", d], "landscape"),
        (vec!["bench", "--scale-down", "9"], "scale-down"),
    ];
    for (args, word) in cases {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line, got {stderr}");
        assert!(stderr.contains(word), "{args:?}: '{stderr}' should name {word}");
        assert!(!stderr.contains("panicked"));
        assert!(!dir.exists(), "{args:?} left {d} behind");
    }
    assert!(!under_file.exists());
    let _ = std::fs::remove_file(&blocker);
}

#[test]
fn bench_reports_json() {
    let out = run_ok(&["bench", "--scale-down", "5", "--duration-ms", "200", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["build_s", "sim_s_per_wall_s", "spikes_per_wall_s", "synaptic_events_per_wall_s", "peak_rss_mb"] {
        assert!(v[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {}", v[key]);
    }
}

#[test]
fn figure_writes_fig2_and_the_activity_animation() {
    let dir = fresh_path("figure");
    run_ok(&["figure", "--preset", "seed", "--duration-ms", "250", "--out", dir.to_str().unwrap()]);
    for l in ["symmetric", "random", "perlin", "homogeneous"] {
        assert!(dir.join(l).join("spikes.npz").is_file(), "{l}");
    }
    let png = image::open(dir.join("fig2.png")).unwrap();
    assert!(png.width() > 800 && png.height() > 300);
    let svg = std::fs::read_to_string(dir.join("fig2.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("perlin"));
    let file = std::fs::File::open(dir.join("activity.gif")).unwrap();
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut dec = opts.read_info(file).unwrap();
    let mut frames = 0;
    while dec.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 10, "250 ms after the warm-up in 25 ms frames");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn analyze_finds_sequences_moving_along_a_homogeneous_landscape() {
    let dir = fresh_path("analyze");
    let d = dir.to_str().unwrap();
    run_ok(&["run", "--landscape", "homogeneous", "--scale-down", "2", "--duration-ms", "1500", "--out", d]);
    run_ok(&["analyze", d]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("sequences.json")).unwrap()).unwrap();
    let s = &v["summary"];
    assert!(s["n_clusters"].as_u64().unwrap() >= 3, "{s}");
    assert_eq!(s["wrap"], true);
    let dir_deg = s["direction_mean_deg"].as_f64().unwrap();
    assert!((dir_deg - 135.0).abs() < 15.0, "mean direction {dir_deg}");
    assert!(s["speed_grid_per_s"]["median"].as_f64().unwrap() > 10.0);
    assert!(v["clusters"].as_array().unwrap().len() as u64 == s["n_clusters"].as_u64().unwrap());
    let png = image::open(dir.join("sequences.png")).unwrap();
    assert!(png.width() > 600);
    // Without the wrap the same spikes split into at least as many clusters.
    run_ok(&["analyze", d, "--no-wrap"]);
    let w: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("sequences.json")).unwrap()).unwrap();
    assert_eq!(w["summary"]["wrap"], false);
    assert!(w["summary"]["n_clusters"].as_u64() >= s["n_clusters"].as_u64());

    for (args, word) in [
        (vec!["analyze", d, "--eps", "0"], "eps"),
        (vec!["analyze", d, "--eps", "-1"], "eps"),
        (vec!["analyze", d, "--from-ms", "900", "--to-ms", "800"], "window"),
        (vec!["analyze", d, "--from-ms", "1", "--to-ms", "2"], "no spikes"),
        (vec!["analyze", "/nonexistent/folder"], "spikes.npz"),
    ] {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(word), "{args:?}: '{stderr}' should name {word}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_writes_one_run_per_value_and_landscape() {
    let dir = fresh_path("sweep");
    run_ok(&[
        "sweep",
        "shift",
        "--values",
        "0,1",
        "--scale-down",
        "4",
        "--duration-ms",
        "400",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("sweep.json")).unwrap()).unwrap();
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let shifts: Vec<f64> = runs.iter().map(|r| r["shift"].as_f64().unwrap()).collect();
    assert_eq!(shifts, vec![0.0, 1.0, 0.0, 1.0]);
    assert_eq!(runs[0]["landscape"], "homogeneous");
    assert_eq!(runs[3]["landscape"], "perlin");
    for r in runs {
        assert!(dir.join(r["folder"].as_str().unwrap()).join("spikes.npz").is_file());
    }
    assert!(image::open(dir.join("sweep.png")).is_ok());
    assert!(std::fs::read_to_string(dir.join("sweep.svg")).unwrap().contains("<svg"));
    let bad = bin().args(["sweep", "shift", "--values", "a,b", "--out", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn record_draws_trails_caption_and_the_tiling_like_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("r.gif");
    let plain = dir.path().join("plain.gif");
    let common = ["record", "--landscape", "homogeneous", "--scale-down", "2", "--seconds", "0.6"];
    run_ok(
        &[&common[..], &["--trails", "--caption", "--tiled", "--size", "480x360"], &["--out", gif.to_str().unwrap()]]
            .concat(),
    );
    run_ok(&[&common[..], &["--out", plain.to_str().unwrap()]].concat());
    let (w, h, frames) = gif_frames(&gif);
    assert_eq!((w, h, frames.len()), (480, 360, 24));
    let last = frames.last().unwrap();
    let px = |x: usize, y: usize| &last[(y * w + x) * 4..(y * w + x) * 4 + 3];
    // Trails: orange, a colour no colour map has (viridis never pairs strong red with weak green).
    let orange = (0..h).flat_map(|y| (0..w).map(move |x| (x, y))).filter(|&(x, y)| {
        let c = px(x, y);
        c[0] > 200 && c[1] < 150 && c[2] < 120
    });
    assert!(orange.count() > 200, "trail pixels");
    // The caption: light grey text in the top band (the GIF's palette dims it a little), none below.
    let white = |y0: usize, y1: usize| {
        (y0..y1)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let c = px(x, y);
                let (lo, hi) = (c.iter().min().unwrap(), c.iter().max().unwrap());
                *lo > 140 && hi - lo < 40
            })
            .count()
    };
    assert!(white(0, 30) > 50, "caption pixels");
    assert_eq!(white(40, h), 0);
    // 3×3 tiling fitted into 480×360: a square view of 360 pixels, each tile 120 pixels; the
    // first frame (before any trail) repeats with the tile's period.
    let first = &frames[0];
    let (x0, tile) = (60, 120);
    let (mut same, mut total) = (0, 0);
    for y in 40..h {
        for x in x0..x0 + tile {
            let (a, b) = ((y * w + x) * 4, (y * w + x + tile) * 4);
            total += 1;
            if first[a..a + 3].iter().zip(&first[b..b + 3]).all(|(p, q)| p.abs_diff(*q) <= 24) {
                same += 1;
            }
        }
    }
    assert!(same * 10 > total * 9, "{same} of {total} pixels repeat one tile to the right");
    // Without the options: the sheet alone, without trail colours.
    let (pw, ph, pframes) = gif_frames(&plain);
    assert_eq!((pw, ph), (400, 400));
    let p = pframes.last().unwrap();
    assert_eq!(p.chunks_exact(4).filter(|c| c[0] > 200 && c[1] < 150 && c[2] < 120).count(), 0);
}

#[test]
fn record_refuses_a_bad_zoom_or_size_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.gif");
    for (args, word) in [(["--zoom", "0.5"], "zoom"), (["--size", "10x10"], "size"), (["--size", "wide"], "size")] {
        let o = bin()
            .args(["record", "--seconds", "30"])
            .args(args)
            .args(["--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(word), "{stderr}");
        assert!(!out.exists());
    }
}
