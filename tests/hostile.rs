//! Hostile input, as found by trying to break the command line: every case gets one line on
//! stderr naming the value (and what is accepted), exit code 2, and leaves no file behind; no
//! panic, no hang, no runaway allocation.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;
use common::{bin, run_ok};

/// Every file under `dir`, sorted, with its size and modification time.
fn listing(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                out.extend(listing(&e.path()));
            } else {
                out.push((e.path(), m.len(), m.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs `args`, expects exit 2 with one line on stderr containing every word of `words`, and
/// `watch` unchanged.
fn refused(args: &[&str], words: &[&str], watch: &Path) {
    let before = listing(watch);
    let out = bin().args(args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line, got {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for w in words {
        assert!(stderr.to_lowercase().contains(&w.to_lowercase()), "{args:?}: '{}' should name '{w}'", stderr.trim());
    }
    assert_eq!(listing(watch), before, "{args:?} changed files under {}", watch.display());
}

/// A small finished run (scale-down 4, homogeneous, 600 ms after the warm-up), made once.
fn run_folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("run");
        run_ok(&[
            "run",
            "--landscape",
            "homogeneous",
            "--scale-down",
            "4",
            "--duration-ms",
            "600",
            "--threads",
            "1",
            "--out",
            d.to_str().unwrap(),
        ]);
        dir
    })
    .path()
}

/// A copy of the run folder whose `params.json` has `key` set to the JSON text `value`.
fn with_param(key: &str, value: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["spikes.npz", "landscape.npy", "in_degree.npy"] {
        std::fs::copy(run_folder().join("run").join(name), dir.path().join(name)).unwrap();
    }
    let text = std::fs::read_to_string(run_folder().join("run/params.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[key] = serde_json::from_str(value).unwrap();
    std::fs::write(dir.path().join("params.json"), v.to_string()).unwrap();
    dir
}

#[test]
fn analysis_parameters_that_would_overflow_or_hang_are_refused() {
    let run = run_folder().join("run");
    let d = run.to_str().unwrap();
    refused(&["analyze", d, "--eps", "1e-20"], &["eps"], &run);
    refused(&["analyze", d, "--td-ms", "1e-20"], &["td"], &run);
    refused(&["analyze", d, "--eps", "0"], &["eps"], &run);
    refused(&["analyze", d, "--eps", "-inf"], &["eps"], &run);
    refused(&["analyze", d, "--to-ms", "1e308"], &["to-ms '1e308'", "ms"], &run);
    refused(&["analyze", d, "--from-ms", "-1"], &["from-ms"], &run);
    refused(&["analyze", d, "--min-samples", "0"], &["min-samples", "1..=100000"], &run);
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("fig");
    refused(
        &["figure", "--scale-down", "5", "--eps", "1e-20", "--out", out.to_str().unwrap()],
        &["eps"],
        scratch.path(),
    );
    assert!(!out.exists());
}

#[test]
fn a_bad_params_json_is_refused_before_reading_spikes() {
    for (key, value, words) in [
        ("duration_ms", "1e300", &["duration_ms"][..]),
        ("n", "65536", &["n", "4096"][..]),
        ("n", "20.5", &["n", "integer"][..]),
        ("n", "\"25\"", &["n"][..]),
        ("n", "30", &["landscape.npy", "n = 30"][..]),
        ("n", "10", &["landscape.npy"][..]),
    ] {
        let dir = with_param(key, value);
        refused(&["analyze", dir.path().to_str().unwrap()], words, dir.path());
    }
}

#[test]
fn a_network_too_large_to_build_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join("huge.toml");
    std::fs::write(&preset, "scale_down = 5\nn = 256\nout_degree = 100000\n").unwrap();
    let out = dir.path().join("out");
    let started = std::time::Instant::now();
    refused(
        &["run", "--landscape", "perlin", "--preset", preset.to_str().unwrap(), "--out", out.to_str().unwrap()],
        &["out-degree", "100000", "32768"],
        dir.path(),
    );
    assert!(started.elapsed().as_secs_f64() < 5.0, "refused only after {:?}", started.elapsed());
    assert!(!out.exists());
}

#[test]
fn outputs_are_checked_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fig");
    refused(
        &["figure", "--scale-down", "5", "--duration-ms", "0", "--out", out.to_str().unwrap()],
        &["duration-ms"],
        dir.path(),
    );
    assert!(!out.exists());
    let gif = format!("{}/r.gif/", dir.path().display());
    let started = std::time::Instant::now();
    refused(&["record", "--seconds", "30", "--out", &gif], &["r.gif"], dir.path());
    assert!(started.elapsed().as_secs_f64() < 5.0, "refused only after {:?}", started.elapsed());
}

#[test]
fn command_line_mistakes_name_what_is_wrong_and_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = out.to_str().unwrap();
    refused(&["run"], &["--landscape", "--out"], dir.path());
    refused(&["sweep", "angle", "--values", "1"], &["angle", "shift", "perlin-size"], dir.path());
    refused(&["run", "--landscape", "perlin", "--scale-down", "-1", "--out", o], &["-1", "1..=5"], dir.path());
    refused(&["run", "--landscape", "perlin", "--duration-ms", "-inf", "--out", o], &["duration", "-inf"], dir.path());
    refused(
        &["run", "--landscape", "perlin", "--seed", "-3", "--out", o],
        &["seed", "18446744073709551615"],
        dir.path(),
    );
    refused(
        &["run", "--landscape", "flat", "--out", o],
        &["flat", "symmetric, random, perlin, homogeneous"],
        dir.path(),
    );
    refused(&["record", "--seconds", "1", "--colormap", "jet", "--out", o], &["jet", "viridis"], dir.path());
    refused(&["sweep", "shift", "--values", "1,1", "--out", o], &["1,1", "more than once"], dir.path());
    refused(&["export", "nest", "--preset", "seed", "--out", o], &["export nest", "--preset paper"], dir.path());
    refused(&["export", "brian", "--out", o], &["brian", "nest"], dir.path());
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let under = blocker.join("out");
    refused(&["export", "nest", "--scale-down", "5", "--out", under.to_str().unwrap()], &["output"], dir.path());
    assert!(!out.exists());
}

#[test]
fn bad_landscape_files_and_pictures_name_the_file_and_what_is_accepted() {
    use seqscape::output::npy::{NpyArray, write_npy};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = out.to_str().unwrap();
    let save = |name: &str, array: NpyArray| {
        let path = dir.path().join(name);
        write_npy(&path, &array).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Scale-down 4: a 26×26 sheet (the E-I network's E sheet: 30×30).
    let n = 26;
    let mut big = vec![0.5f32; n * n];
    big[3 * n + 4] = 7.0;
    let mut tau = vec![0.5f32; n * n];
    tau[5] = std::f64::consts::TAU as f32 + 1e-3;
    let mut negative = vec![0.5f32; n * n];
    negative[1] = -0.25;
    let cases = [
        (
            save("shape.npy", NpyArray::from_2d(n, n + 1, vec![0.5f32; n * (n + 1)]).unwrap()),
            "float32 of shape (26, 27)",
        ),
        (save("flat.npy", NpyArray::from_vec(vec![0.5f32; n * n])), "shape (676,)"),
        (save("f64.npy", NpyArray::from_2d(n, n, vec![0.5f64; n * n]).unwrap()), "float64"),
        (save("int.npy", NpyArray::from_2d(n, n, vec![1i64; n * n]).unwrap()), "int64"),
        (save("big.npy", NpyArray::from_2d(n, n, big).unwrap()), "7 at row 3, column 4"),
        (save("tau.npy", NpyArray::from_2d(n, n, tau).unwrap()), "row 0, column 5"),
        (save("negative.npy", NpyArray::from_2d(n, n, negative).unwrap()), "-0.25 at row 0, column 1"),
    ];
    let text = dir.path().join("text.npy");
    std::fs::write(&text, "not an array").unwrap();
    let missing = dir.path().join("missing.npy");
    let accepted = ["float32", "(26, 26)", "[0, 2π)", "NaN"];
    let file_cases = cases.iter().map(|(f, what)| (f.clone(), *what)).chain([
        (text.to_str().unwrap().to_string(), "not a .npy"),
        (missing.to_str().unwrap().to_string(), "cannot read"),
    ]);
    for (file, what) in file_cases {
        let mut words = vec!["--landscape-file", file.as_str(), what];
        words.extend(accepted);
        let run = ["run", "--scale-down", "4", "--duration-ms", "100", "--landscape-file", &file, "--out", o];
        refused(&run, &words, dir.path());
        refused(&["figure", "--scale-down", "4", "--landscape-file", &file, "--out", o], &words, dir.path());
    }
    // The E-I network's E sheet, the recorder and the window: the same line before anything opens.
    let (shape, _) = &cases[0];
    refused(
        &["run", "--network", "ei", "--scale-down", "4", "--landscape-file", shape, "--out", o],
        &["--landscape-file", shape, "(30, 30)"],
        dir.path(),
    );
    let video = dir.path().join("v.gif");
    let v = video.to_str().unwrap();
    refused(
        &["record", "--seconds", "1", "--scale-down", "4", "--landscape-file", shape, "--out", v],
        &[shape],
        dir.path(),
    );
    refused(
        &["app", "--scale-down", "4", "--landscape-file", shape, "--frames", "1"],
        &[shape, "(26, 26)"],
        dir.path(),
    );
    // Pictures: not a PNG, a truncated PNG, a missing file.
    let junk = dir.path().join("junk.png");
    std::fs::write(&junk, "not a picture").unwrap();
    let truncated = dir.path().join("truncated.png");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(40, 40, image::Rgb([200, 10, 10]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&truncated, &png[..png.len() / 2]).unwrap();
    let gone = dir.path().join("gone.png");
    for picture in [&junk, &truncated, &gone] {
        let p = picture.to_str().unwrap();
        refused(
            &["run", "--scale-down", "4", "--landscape-image", p, "--out", o],
            &["--landscape-image", p, "PNG", "hue"],
            dir.path(),
        );
    }
    // A preset naming a bad landscape file names the key, the preset and the file.
    let preset = dir.path().join("p.toml");
    std::fs::write(&preset, "scale_down = 4\nlandscape_file = \"big.npy\"\n").unwrap();
    let pr = preset.to_str().unwrap();
    refused(&["run", "--preset", pr, "--out", o], &["landscape_file", pr, "big.npy", "row 3, column 4"], dir.path());
    // Both a landscape and a file: one of them.
    refused(
        &["run", "--landscape", "perlin", "--landscape-file", &cases[0].0, "--out", o],
        &["--landscape", "--landscape-file"],
        dir.path(),
    );
    assert!(!out.exists() && !video.exists());
}

#[test]
fn names_are_matched_in_any_letter_case() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    run_ok(&[
        "run",
        "--landscape",
        "Homogeneous",
        "--preset",
        "PAPER",
        "--scale-down",
        "5",
        "--duration-ms",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    let params: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("params.json")).unwrap()).unwrap();
    assert_eq!((params["landscape"].as_str(), params["preset"].as_str()), (Some("homogeneous"), Some("paper")));
    let gif = dir.path().join("x.gif");
    run_ok(&[
        "record",
        "--scale-down",
        "5",
        "--seconds",
        "0.1",
        "--colormap",
        "Magma",
        "--landscape",
        "PERLIN",
        "--out",
        gif.to_str().unwrap(),
    ]);
    assert!(gif.is_file());
}

#[test]
fn a_new_run_in_an_old_folder_leaves_no_stale_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = |seconds: &str| {
        run_ok(&["run", "--landscape", "homogeneous", "--scale-down", "4", "--duration-ms", seconds, "--out", d]);
    };
    run("1200");
    run_ok(&["analyze", d, "--min-samples", "5"]);
    assert!(dir.path().join("sequences.json").is_file() && dir.path().join("sequences.npz").is_file());
    run("300");
    for name in ["sequences.json", "sequences.png", "sequences.npz"] {
        assert!(!dir.path().join(name).exists(), "{name} of the earlier run is still there");
    }
}

/// Runs a Python snippet with NumPy; a missing python3 or NumPy fails with how to install them.
fn python(code: &str) {
    let out = Command::new("python3").args(["-c", code]).output().unwrap_or_else(|e| {
        panic!("python3 is needed for this test ({e}): install it with 'apt-get install python3 python3-numpy'")
    });
    assert!(
        out.status.success(),
        "python3 failed (NumPy missing? 'apt-get install python3-numpy'): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies the run folder and rewrites its spikes with NumPy as `ids` and `times` (NumPy type names),
/// compressed, with an extra array the analysis does not use.
fn numpy_copy(ids: &str, times: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["spikes.npz", "params.json", "landscape.npy"] {
        std::fs::copy(run_folder().join("run").join(name), dir.path().join(name)).unwrap();
    }
    python(&format!(
        "import numpy as np; s = np.load('{0}/spikes.npz'); \
         np.savez_compressed('{0}/spikes.npz', i=s['i'].astype(np.{ids}), t_ms=s['t_ms'].astype(np.{times}), \
         note=np.array(['from numpy']), flags=np.ones(3, dtype=bool))",
        dir.path().display()
    ));
    dir
}

/// The summary of `analyze DIR --min-samples 5`.
fn analysed(dir: &Path) -> serde_json::Value {
    run_ok(&["analyze", dir.to_str().unwrap(), "--min-samples", "5"]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("sequences.json")).unwrap()).unwrap();
    v["summary"].clone()
}

#[test]
fn a_numpy_written_folder_is_analysed_like_our_own() {
    let ours = tempfile::tempdir().unwrap();
    for name in ["spikes.npz", "params.json", "landscape.npy"] {
        std::fs::copy(run_folder().join("run").join(name), ours.path().join(name)).unwrap();
    }
    let reference = analysed(ours.path());
    assert!(reference["n_spikes"].as_u64().unwrap() > 100, "{reference}");
    // What NumPy users write: int64 ids (NumPy's default integer), compressed: the same analysis.
    for ids in ["int64", "int32", "uint16"] {
        assert_eq!(analysed(numpy_copy(ids, "float64").path()), reference, "ids as {ids}");
    }
    // float32 times move spikes on a 10 ms track boundary by a rounding error: the same spikes and
    // clusters.
    let single = analysed(numpy_copy("int64", "float32").path());
    assert_eq!((&single["n_spikes"], &single["n_clusters"]), (&reference["n_spikes"], &reference["n_clusters"]));
}
