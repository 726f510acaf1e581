//! `seqscape export nest` end to end: the exported network run in NEST 3 gives the firing rates of
//! seqscape's own run of the same network. NEST comes from the package registry into a virtual
//! environment (`scripts/test.sh` installs it and sets `SEQSCAPE_NEST_PYTHON`).

use std::path::{Path, PathBuf};
use std::process::Command;

use seqscape::output::npy::{read_npz, read_spikes};

fn seqscape(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_seqscape")).args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The Python that has NEST: `SEQSCAPE_NEST_PYTHON`, or the virtual environment `scripts/test.sh`
/// makes.
fn nest_python() -> PathBuf {
    let python = std::env::var_os("SEQSCAPE_NEST_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cache/seqscape-nest/bin/python")
    });
    let ok = Command::new(&python).args(["-c", "import nest"]).output().is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "no NEST at {}: run ./scripts/test.sh (it installs nest-simulator into a virtual environment), or set \
         SEQSCAPE_NEST_PYTHON to a python with 'pip install nest-simulator'",
        python.display()
    );
    python
}

/// Per-neuron rates (Hz) after the warm-up of a folder's spikes.
fn rates(dir: &Path, neurons: usize, warmup_ms: f64, duration_ms: f64) -> Vec<f64> {
    let (i, t) = read_spikes(&dir.join("spikes.npz")).unwrap();
    let mut counts = vec![0.0; neurons];
    for (&id, &t) in i.iter().zip(&t) {
        if t > warmup_ms {
            counts[id as usize] += 1.0;
        }
    }
    counts.iter().map(|c| c / (duration_ms / 1000.0)).collect()
}

/// The two-sample Kolmogorov–Smirnov distance.
fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let mut d: f64 = 0.0;
    for &x in a.iter().chain(&b) {
        let fa = a.partition_point(|&v| v <= x) as f64 / a.len() as f64;
        let fb = b.partition_point(|&v| v <= x) as f64 / b.len() as f64;
        d = d.max((fa - fb).abs());
    }
    d
}

#[test]
fn ks_distance_of_known_samples() {
    assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
    assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
    assert!((ks_distance(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]) - 0.5).abs() < 1e-12);
}

#[test]
fn an_exported_network_runs_in_nest_with_seqscapes_rates() {
    let python = nest_python();
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    let ours = dir.path().join("ours");
    let (warmup_ms, duration_ms) = (500.0, 3000.0);
    let common = ["--scale-down", "4", "--landscape", "perlin", "--duration-ms", "3000", "--seed", "3"];
    seqscape(&[&["export", "nest"][..], &common, &["--out", export.to_str().unwrap()]].concat());
    seqscape(&[&["run"][..], &common, &["--threads", "1", "--out", ours.to_str().unwrap()]].concat());

    // The network file: every synapse of the run, as NEST reads it.
    let net = read_npz(&export.join("network.npz")).unwrap();
    let n = net.get_as::<i64>("n").unwrap()[0] as usize;
    let (source, target) = (net.get_as::<u32>("source").unwrap(), net.get_as::<u32>("target").unwrap());
    let in_degree = seqscape::output::npy::read_npy(&ours.join("in_degree.npy")).unwrap();
    assert_eq!(source.len(), target.len());
    assert_eq!(source.len() as i64, in_degree.as_i32().unwrap().iter().map(|&d| i64::from(d)).sum::<i64>());
    assert!(source.windows(2).all(|w| w[0] <= w[1]) && target.iter().all(|&t| (t as usize) < n * n));
    assert!(source.iter().zip(target).all(|(s, t)| s != t), "no self-connections");
    let params: serde_json::Value = serde_json::from_slice(&std::fs::read(ours.join("params.json")).unwrap()).unwrap();
    let j = params["j_pa"].as_f64().unwrap() as f32;
    assert!(net.get_as::<f32>("weight_pa").unwrap().iter().all(|&w| w == j));
    assert!(net.get_as::<f32>("delay_ms").unwrap().iter().all(|&d| d == 1.0));

    let out = Command::new(&python)
        .arg(export.join("run_nest.py"))
        .args(["--out", export.join("nest").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "run_nest.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let nest = rates(&export.join("nest"), n * n, warmup_ms, duration_ms);
    let own = rates(&ours, n * n, warmup_ms, duration_ms);
    let mean = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
    let (m_nest, m_own) = (mean(&nest), mean(&own));
    assert!(m_own > 1.0, "seqscape's run is active: {m_own} Hz");
    assert!((m_nest - m_own).abs() < 0.1 * m_own, "mean rate: NEST {m_nest:.2} Hz, seqscape {m_own:.2} Hz");
    let ks = ks_distance(&nest, &own);
    assert!(ks < 0.2, "rate distributions differ: KS distance {ks:.3}");
    // seqscape reads NEST's folder like its own.
    seqscape(&["analyze", export.join("nest").to_str().unwrap(), "--min-samples", "5"]);
    assert!(export.join("nest/sequences.json").is_file());
}
