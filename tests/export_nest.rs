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

/// Per-population mean rates (Hz) after the warm-up of an E-I folder's spikes.
fn ei_rates(dir: &Path, neurons: [usize; 2], warmup_ms: f64, duration_ms: f64) -> [f64; 2] {
    let npz = read_npz(&dir.join("spikes.npz")).unwrap();
    let (pop, t) = (npz.get_as::<u8>("pop").unwrap(), npz.get_as::<f64>("t_ms").unwrap());
    let mut counts = [0.0; 2];
    for (&p, &t) in pop.iter().zip(t) {
        if t > warmup_ms {
            counts[usize::from(p)] += 1.0;
        }
    }
    [0, 1].map(|k| counts[k] / neurons[k] as f64 / (duration_ms / 1000.0))
}

#[test]
fn an_exported_ei_network_runs_in_nest_with_seqscapes_rates() {
    let python = nest_python();
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    let ours = dir.path().join("ours");
    let common = ["--network", "ei", "--scale-down", "2", "--landscape", "perlin", "--pulses", "4", "--seed", "3"];
    seqscape(&[&["export", "nest"][..], &common, &["--out", export.to_str().unwrap()]].concat());
    seqscape(&[&["run"][..], &common, &["--threads", "1", "--out", ours.to_str().unwrap()]].concat());

    // The network file: every synapse of the run, both populations, as NEST reads it.
    let net = read_npz(&export.join("network.npz")).unwrap();
    let (n_e, n_i) = (net.get_as::<i64>("n_e").unwrap()[0] as usize, net.get_as::<i64>("n_i").unwrap()[0] as usize);
    assert_eq!((n_e, n_i), (60, 30));
    let (ne, ni) = (n_e * n_e, n_i * n_i);
    let (source, target) = (net.get_as::<u32>("source").unwrap(), net.get_as::<u32>("target").unwrap());
    let weight = net.get_as::<f32>("weight_pa").unwrap();
    assert_eq!((source.len(), weight.len()), (target.len(), target.len()));
    assert!(source.windows(2).all(|w| w[0] <= w[1]) && target.iter().all(|&t| (t as usize) < ne + ni));
    assert!(source.iter().zip(target).all(|(s, t)| s != t), "no self-connections");
    // Every source sends p·N_target connections per projection, less the dropped self-connections.
    let (from_e, from_i) = (source.iter().filter(|&&s| (s as usize) < ne).count(), source.len());
    assert!(from_e <= ne * (180 + 45) && from_e > ne * (180 + 45) * 95 / 100, "{from_e} synapses from E");
    assert!(from_i - from_e <= ni * (180 + 45) && from_i - from_e > ni * (180 + 45) * 95 / 100);
    // E sources excite with J_E, I sources inhibit with −g·J_E (scaled up as the out-degrees shrink).
    let params: serde_json::Value = serde_json::from_slice(&std::fs::read(ours.join("params.json")).unwrap()).unwrap();
    let (j_e, g) = (params["j_e_pa"].as_f64().unwrap(), params["g"].as_f64().unwrap());
    assert!(j_e > 0.0 && g > 0.0);
    for (&s, &w) in source.iter().zip(weight) {
        assert_eq!(f64::from(w), if (s as usize) < ne { j_e } else { -g * j_e }, "weight of source {s}");
    }
    assert!(net.get_as::<f32>("delay_ms").unwrap().iter().all(|&d| d == 1.0));
    // The E→E in-degree is the run's in_degree.npy; the stimulated neurons are the run's.
    let mut in_degree = vec![0i32; ne];
    for (&s, &t) in source.iter().zip(target) {
        if (s as usize) < ne && (t as usize) < ne {
            in_degree[t as usize] += 1;
        }
    }
    let own_in_degree = seqscape::output::npy::read_npy(&ours.join("in_degree.npy")).unwrap();
    assert_eq!(own_in_degree.as_i32().unwrap(), &in_degree[..]);
    let stimulated: Vec<u32> =
        params["stimulated_e"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
    assert!(!stimulated.is_empty());
    assert_eq!(net.get_as::<u32>("stimulated").unwrap(), &stimulated[..]);

    let out = Command::new(&python)
        .arg(export.join("run_nest_ei.py"))
        .args(["--out", export.join("nest").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "run_nest_ei.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let (warmup_ms, duration_ms) = (500.0, 2000.0);
    let nest = ei_rates(&export.join("nest"), [ne, ni], warmup_ms, duration_ms);
    let own = ei_rates(&ours, [ne, ni], warmup_ms, duration_ms);
    for (k, name) in ["E", "I"].iter().enumerate() {
        assert!(own[k] > 1.0, "seqscape's {name} population is active: {} Hz", own[k]);
        assert!(
            (nest[k] - own[k]).abs() < 0.15 * own[k],
            "mean {name} rate: NEST {:.2} Hz, seqscape {:.2} Hz",
            nest[k],
            own[k]
        );
    }
    // seqscape reads NEST's folder like its own, pulses included.
    let nest_params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(export.join("nest/params.json")).unwrap()).unwrap();
    assert_eq!(nest_params["pulse_onsets_ms"], params["pulse_onsets_ms"]);
    seqscape(&["analyze", export.join("nest").to_str().unwrap()]);
    assert!(export.join("nest/sequences.json").is_file());
}
