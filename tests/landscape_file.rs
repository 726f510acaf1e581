//! Landscapes from files and pictures, as a user gives them: a run's `landscape.npy` read back
//! with `--landscape-file` reproduces its spikes exactly, a picture's hues become directions, and
//! a preset names its landscape file.

use std::f64::consts::PI;
use std::path::Path;
use std::process::Command;

use seqscape::output::npy::read_npy;

fn seqscape(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_seqscape")).args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn directions(path: &Path) -> Vec<f32> {
    read_npy(path).unwrap().as_f32().expect("float32 directions").to_vec()
}

fn params(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&bytes(&dir.join("params.json"))).unwrap()
}

#[test]
fn a_runs_landscape_read_back_reproduces_its_spikes() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &["--landscape", "perlin", "--seed", "7"],
        &["--landscape", "random", "--seed", "8"],
        &["--landscape", "random", "--preset", "seed", "--seed", "9"],
        &["--landscape", "perlin", "--network", "ei", "--seed", "10"],
    ];
    for (k, case) in cases.iter().enumerate() {
        let first = tmp.path().join(format!("first{k}"));
        let second = tmp.path().join(format!("second{k}"));
        let common = ["run", "--scale-down", "4", "--duration-ms", "400"];
        let mut args: Vec<&str> = common.to_vec();
        args.extend_from_slice(case);
        let a = first.to_str().unwrap();
        args.extend_from_slice(&["--out", a]);
        seqscape(&args);
        // The same options with the landscape from the file in place of --landscape.
        let file = first.join("landscape.npy");
        let mut again: Vec<&str> = common.to_vec();
        let mut rest = case.iter();
        while let Some(&arg) = rest.next() {
            if arg == "--landscape" {
                rest.next();
            } else {
                again.push(arg);
            }
        }
        again.extend_from_slice(&["--landscape-file", file.to_str().unwrap(), "--out", second.to_str().unwrap()]);
        seqscape(&again);
        let spikes = bytes(&first.join("spikes.npz"));
        assert!(spikes.len() > 10_000, "{case:?}: a run with spikes");
        assert!(spikes == bytes(&second.join("spikes.npz")), "{case:?}: the spikes differ");
        assert_eq!(bytes(&file), bytes(&second.join("landscape.npy")), "{case:?}");
        let p = params(&second);
        assert_eq!(p["landscape"], "file", "{case:?}");
        assert_eq!(p["landscape_map"]["path"], file.to_str().unwrap());
        assert_eq!(p["landscape_map"]["checksum"].as_str().map(str::len), Some(16));
    }
    // A different landscape file gives different spikes: the file is what the network is built from.
    let other = tmp.path().join("other");
    let file = tmp.path().join("second1/landscape.npy");
    let perlin_args = ["run", "--scale-down", "4", "--duration-ms", "400", "--seed", "7", "--landscape-file"];
    let mut args = perlin_args.to_vec();
    args.extend_from_slice(&[file.to_str().unwrap(), "--out", other.to_str().unwrap()]);
    seqscape(&args);
    assert!(bytes(&other.join("spikes.npz")) != bytes(&tmp.path().join("first0/spikes.npz")));
}

/// A picture of four quadrants (top-left red, top-right green, bottom-left blue, bottom-right
/// grey) with a black band across its middle.
fn quadrants(path: &Path, size: u32) {
    image::RgbImage::from_fn(size, size, |c, r| {
        let band = (size / 2 - 2..size / 2 + 2).contains(&r);
        image::Rgb(match (c < size / 2, r < size / 2) {
            _ if band => [0, 0, 0],
            (true, true) => [255, 0, 0],
            (false, true) => [0, 255, 0],
            (true, false) => [0, 0, 255],
            (false, false) => [128, 128, 128],
        })
    })
    .save(path)
    .unwrap();
}

#[test]
fn a_pictures_hues_are_the_landscape_with_its_top_row_at_the_top() {
    let tmp = tempfile::tempdir().unwrap();
    let picture = tmp.path().join("quadrants.png");
    quadrants(&picture, 78);
    let out = tmp.path().join("run");
    seqscape(&[
        "run",
        "--landscape-image",
        picture.to_str().unwrap(),
        "--preset",
        "seed",
        "--duration-ms",
        "100",
        "--out",
        out.to_str().unwrap(),
    ]);
    let n = 20;
    let d = directions(&out.join("landscape.npy"));
    assert_eq!(d.len(), n * n);
    let at = |x: usize, y: usize| d[y * n + x];
    let near = |a: f32, rad: f64| (f64::from(a) - rad).abs() < 1e-5;
    // y points up on the screen: the picture's top row is y = n − 1.
    for (x, y) in [(0, n - 1), (n / 2 - 2, n / 2 + 2)] {
        assert!(near(at(x, y), 0.0), "red at ({x}, {y}): {}", at(x, y));
        assert!(near(at(n - 1 - x, y), 2.0 * PI / 3.0), "green at ({}, {y}): {}", n - 1 - x, at(n - 1 - x, y));
        assert!(near(at(x, n - 1 - y), 4.0 * PI / 3.0), "blue at ({x}, {}): {}", n - 1 - y, at(x, n - 1 - y));
        assert!(at(n - 1 - x, n - 1 - y).is_nan(), "grey is unshifted");
    }
    // The black band across the middle: unshifted.
    assert!((0..n).all(|x| at(x, n / 2).is_nan() || at(x, n / 2 - 1).is_nan()));
    // The paper preset's lattice shift rounds every direction to the 8 lattice directions.
    let lattice = tmp.path().join("lattice");
    let tilted = tmp.path().join("tilted.png");
    image::RgbImage::from_pixel(10, 10, image::Rgb([255, 160, 0])).save(&tilted).unwrap();
    seqscape(&[
        "run",
        "--landscape-image",
        tilted.to_str().unwrap(),
        "--scale-down",
        "5",
        "--duration-ms",
        "100",
        "--out",
        lattice.to_str().unwrap(),
    ]);
    // Hue 37.6° is nearest 45°.
    assert!(directions(&lattice.join("landscape.npy")).iter().all(|&a| near(a, PI / 4.0)));
}

#[test]
fn a_preset_names_its_landscape_file_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    seqscape(&[
        "run",
        "--landscape",
        "random",
        "--scale-down",
        "4",
        "--duration-ms",
        "300",
        "--seed",
        "5",
        "--out",
        first.to_str().unwrap(),
    ]);
    let presets = tmp.path().join("presets");
    std::fs::create_dir(&presets).unwrap();
    std::fs::copy(first.join("landscape.npy"), presets.join("painting.npy")).unwrap();
    let preset = presets.join("mine.toml");
    std::fs::write(&preset, "scale_down = 4\nseed = 5\nduration_ms = 300.0\nlandscape_file = \"painting.npy\"\n")
        .unwrap();
    // Run from another working folder: the file is found beside the preset.
    let second = tmp.path().join("second");
    let out = Command::new(env!("CARGO_BIN_EXE_seqscape"))
        .current_dir(&first)
        .args(["run", "--preset", preset.to_str().unwrap(), "--out", second.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(bytes(&first.join("spikes.npz")) == bytes(&second.join("spikes.npz")));
    assert_eq!(params(&second)["landscape_map"]["path"], presets.join("painting.npy").to_str().unwrap());
}
