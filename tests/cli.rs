//! Black-box tests of the command line: run the binary, read the files it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seqscape::output::npy::{read_npy, read_spikes};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seqscape"))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seqscape-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run_ok(args: &[&str]) -> Output {
    let out = bin().args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The spikes of a run folder: (ids, times).
fn spikes(dir: &Path) -> (Vec<u32>, Vec<f64>) {
    read_spikes(&dir.join("spikes.npz")).unwrap()
}

#[test]
fn run_writes_spikes_in_degree_landscape_and_params_that_read_back() {
    let dir = scratch("run");
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
    let a = scratch("t1");
    let b = scratch("t2");
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
    let dir = scratch("bad");
    let d = dir.to_str().unwrap();
    let blocker = scratch("blocker-file");
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
    let dir = scratch("figure");
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
    let dir = scratch("analyze");
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
    let dir = scratch("sweep");
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
