//! Black-box tests of `--network ei` on `run` and `bench`: the run folder and bad input.

use seqscape::output::npy::{read_npy, read_npz};

mod common;
use common::{bin, fresh_path, gif_frames, run_ok};

/// The spikes of an E-I run folder: (pop, i, t_ms).
fn spikes(dir: &std::path::Path) -> (Vec<u8>, Vec<u32>, Vec<f64>) {
    let npz = read_npz(&dir.join("spikes.npz")).unwrap();
    (
        npz.get_as::<u8>("pop").unwrap().to_vec(),
        npz.get_as::<u32>("i").unwrap().to_vec(),
        npz.get_as::<f64>("t_ms").unwrap().to_vec(),
    )
}

#[test]
fn run_network_ei_writes_both_populations_and_maps_on_the_e_grid() {
    let dirs = [fresh_path("run1"), fresh_path("run2")];
    for (dir, threads) in dirs.iter().zip(["1", "2"]) {
        let d = dir.to_str().unwrap();
        let args = [
            "run",
            "--network",
            "EI",
            "--landscape",
            "perlin",
            "--scale-down",
            "3",
            "--warmup-ms",
            "100",
            "--duration-ms",
            "300",
            "--pulses",
            "1",
            "--seed",
            "3",
            "--threads",
            threads,
            "--out",
            d,
        ];
        run_ok(&args);
    }
    let (pop, i, t) = spikes(&dirs[0]);
    assert_eq!((pop.len(), i.len()), (t.len(), t.len()));
    assert!(pop.contains(&0) && pop.contains(&1), "both populations fire");
    assert!(pop.iter().zip(&i).all(|(&p, &id)| id < if p == 0 { 1600 } else { 400 }));
    assert!(t.is_sorted() && t.iter().all(|&x| x > 0.0 && x <= 400.0 + 1e-9));
    assert_eq!(spikes(&dirs[1]), (pop, i, t), "the same spikes at 1 and 2 threads");

    let in_degree = read_npy(&dirs[0].join("in_degree.npy")).unwrap();
    assert_eq!(in_degree.shape(), &[40, 40]);
    let mean = in_degree.as_i32().unwrap().iter().map(|&d| f64::from(d)).sum::<f64>() / 1600.0;
    assert!(mean > 75.0 && mean <= 80.0, "E->E in-degree {mean}");
    assert_eq!(read_npy(&dirs[0].join("landscape.npy")).unwrap().shape(), &[40, 40]);

    let params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("params.json")).unwrap()).unwrap();
    assert_eq!(params["network"], "ei");
    assert_eq!(params["grids"]["E"]["n"], 40);
    assert_eq!(params["grids"]["I"]["n"], 20);
    assert_eq!(params["projections"]["E->E"]["out_degree"], 80);
    assert_eq!(params["projections"]["I->E"]["weight_pa"], -720.0);
    assert_eq!(params["stimulus"]["pulses"], 1);
    assert_eq!(params["pulse_onsets_ms"][0], 100.0);
    assert!(!params["stimulated_e"].as_array().unwrap().is_empty());
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn bench_network_ei_reports_both_rates() {
    let out = run_ok(&[
        "bench",
        "--network",
        "ei",
        "--scale-down",
        "4",
        "--warmup-ms",
        "100",
        "--duration-ms",
        "200",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["network"], "ei");
    assert_eq!((v["n_e"].as_u64(), v["n_i"].as_u64()), (Some(30), Some(15)));
    assert!(v["rate_e_hz"].as_f64().unwrap() > 0.0 && v["rate_i_hz"].as_f64().unwrap() > 0.0, "{v}");
    assert!(v["sim_s_per_wall_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn options_of_one_network_used_with_the_other_are_one_line_and_exit_2() {
    let out_dir = fresh_path("bad");
    let d = out_dir.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", "--landscape", "perlin", "--mu-e", "300", "--out", d],
            "invalid --mu-e with --network i: expected --network ei",
        ),
        (
            vec!["run", "--landscape", "perlin", "--network", "i", "--sigma-i", "3", "--out", d],
            "invalid --sigma-i with --network i",
        ),
        (vec!["bench", "--pulses", "20"], "invalid --pulses with --network i"),
        (vec!["bench", "--network", "ie"], "ei"),
        (vec!["bench", "--network", "ei", "--grid", "200"], "--grid"),
        (vec!["bench", "--network", "ei", "--j-pa", "5"], "--j-pa"),
        (vec!["bench", "--network", "ei", "--preset", "seed"], "paper"),
        (vec!["bench", "--network", "ei", "--pulses", "-1"], "--pulses"),
        (vec!["bench", "--network", "ei", "--mu-e", "nan"], "mu-e"),
        (vec!["bench", "--network", "ei", "--sigma", "-5"], "sigma-e"),
    ];
    for (args, expect) in cases {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
    assert!(!out_dir.exists(), "nothing is written for bad input");
}

#[test]
fn analyze_reads_one_population_of_an_e_i_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    run_ok(&["run", "--network", "ei", "--landscape", "homogeneous", "--scale-down", "3", "--out", d]);
    let (pop, i, _) = spikes(dir.path());
    let summary = |args: &[&str]| {
        run_ok(&[&["analyze", d, "--min-samples", "5"][..], args].concat());
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("sequences.json")).unwrap()).unwrap();
        (v["n"].as_u64().unwrap(), v["summary"]["n_spikes"].as_u64().unwrap())
    };
    let params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("params.json")).unwrap()).unwrap();
    let (n_e, n_i) = (params["n_e"].as_u64().unwrap(), params["n_i"].as_u64().unwrap());
    // The analysed window: after the warm-up.
    let warmup = params["warmup_ms"].as_f64().unwrap();
    let (_, _, t) = spikes(dir.path());
    let count = |p: u8| (0..i.len()).filter(|&k| pop[k] == p && t[k] >= warmup).count() as u64;
    assert_eq!(summary(&[]), (n_e, count(0)), "E by default, on the E grid");
    assert_eq!(summary(&["--population", "I"]), (n_i, count(1)), "I on its own grid");
    // --population with a run of the I network: one line, exit 2.
    let other = tempfile::tempdir().unwrap();
    let o = other.path().to_str().unwrap();
    run_ok(&["run", "--landscape", "perlin", "--scale-down", "5", "--duration-ms", "200", "--out", o]);
    let out = bin().args(["analyze", o, "--population", "e"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--population") && stderr.contains("--network ei"), "{stderr}");
}

#[test]
fn analyze_reports_the_evoked_sequences_of_a_stimulated_e_i_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    run_ok(&["run", "--network", "ei", "--landscape", "perlin", "--pulses", "4", "--out", d]);
    let out = run_ok(&["analyze", d]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("evoked sequences"), "{stderr}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("sequences.json")).unwrap()).unwrap();
    let params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("params.json")).unwrap()).unwrap();
    // A stimulated run is analysed as Fig. 8 by default.
    assert_eq!(v["summary"]["recipe"], "authors-wrap");
    assert_eq!(
        (v["summary"]["dbscan"]["td_ms"].as_f64(), v["summary"]["dbscan"]["eps"].as_f64()),
        (Some(4.0), Some(4.0))
    );
    let e = &v["evoked"];
    assert_eq!(e["pulses"], 4);
    // The evoked clusters, recomputed from the per-spike labels by the definition.
    let n = params["n_e"].as_u64().unwrap() as u32;
    let onsets: Vec<f64> = params["pulse_onsets_ms"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let period = onsets[1] - onsets[0];
    let q = read_npz(&dir.path().join("sequences.npz")).unwrap();
    let labels = q.get_as::<i32>("label").unwrap().to_vec();
    let offset = q.get_as::<u32>("spike_offset").unwrap()[0] as usize;
    let (pop, i, t) = spikes(dir.path());
    let e_spikes: Vec<(u32, f64)> = (0..i.len()).filter(|&k| pop[k] == 0).map(|k| (i[k], t[k])).collect();
    let n_clusters = labels.iter().copied().max().unwrap_or(-1) + 1;
    let mut expected = Vec::new();
    for c in 0..n_clusters {
        let members: Vec<(u32, f64)> =
            labels.iter().enumerate().filter(|&(_, &l)| l == c).map(|(k, _)| e_spikes[offset + k]).collect();
        let phase = |t: f64| (t - onsets[0]).rem_euclid(period);
        let evoked = members.iter().any(|&(id, _)| id / n == n / 2)
            && members.iter().any(|&(id, _)| id % n == n / 2)
            && members.iter().any(|&(_, t)| phase(t) < 50.0)
            && !members.iter().any(|&(_, t)| phase(t) > period - 50.0);
        if evoked {
            let first = members.iter().map(|m| m.1).fold(f64::INFINITY, f64::min);
            expected.push((c as u64, phase(first)));
        }
    }
    let got: Vec<(u64, f64)> = e["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["cluster"].as_u64().unwrap(), c["reaction_time_ms"].as_f64().unwrap()))
        .collect();
    assert_eq!(got.len(), expected.len());
    for (g, x) in got.iter().zip(&expected) {
        assert!(g.0 == x.0 && (g.1 - x.1).abs() < 1e-9, "{got:?} vs {expected:?}");
    }
    assert!(!got.is_empty(), "the default background evokes sequences");
    let p = e["evoked_probability"].as_f64().unwrap();
    assert!((p - got.len() as f64 / 4.0).abs() < 1e-12);
    // An unstimulated run has no evoked section.
    let quiet = tempfile::tempdir().unwrap();
    let qd = quiet.path().to_str().unwrap();
    run_ok(&[
        "run",
        "--network",
        "ei",
        "--landscape",
        "perlin",
        "--scale-down",
        "3",
        "--duration-ms",
        "500",
        "--out",
        qd,
    ]);
    run_ok(&["analyze", qd, "--min-samples", "5"]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(quiet.path().join("sequences.json")).unwrap()).unwrap();
    assert!(v.get("evoked").is_none() && v["summary"]["recipe"] == "torus");
}

#[test]
fn record_network_ei_shows_the_e_sheet_lighting_up_where_the_stimulus_falls() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("ei.gif");
    // A quiet background (Fig. 8 a: μ 150, σ 250 pA), pulses at 500 and 1000 ms, 10 ms frames.
    let g = gif.to_str().unwrap();
    let args = ["record", "--network", "ei", "--mu", "150", "--sigma", "250", "--pulses", "2", "--seconds", "1"];
    run_ok(&[&args[..], &["--ms-per-frame", "10", "--out", g]].concat());
    let (w, h, frames) = gif_frames(&gif);
    assert_eq!(frames.len(), 100);
    // Lit pixels (brighter than the colour map's dark end) within 15 cells of the centre E neuron.
    let n = 120;
    let px = w / n;
    assert_eq!((w, h), (n * px, n * px), "one square of pixels per E neuron");
    let lit_near_centre = |f: &[u8]| {
        let mut count = 0;
        for cy in 45..75 {
            for cx in 45..75 {
                // Pictures draw y upward.
                let (x, y) = (cx * px + px / 2, (n - 1 - cy) * px + px / 2);
                let p = &f[(y * w + x) * 4..(y * w + x) * 4 + 3];
                count += usize::from(p.iter().map(|&c| u32::from(c)).sum::<u32>() > 300);
            }
        }
        count
    };
    // Frame k ends at 500 + 10 (k + 1) ms: 48 ends before the second onset, 52 30 ms after it.
    let (before, after) = (lit_near_centre(&frames[47]), lit_near_centre(&frames[51]));
    assert!(after > 20 && after > 5 * before.max(1), "lit cells near the centre: {before} before, {after} after");
    // --pulses belongs to the E-I network.
    let out = bin().args(["record", "--seconds", "1", "--pulses", "2", "--out", g]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pulses"));
}

#[test]
fn figure_network_ei_draws_the_e_sheet_and_its_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let args = ["figure", "--network", "ei", "--landscape", "homogeneous", "--scale-down", "3"];
    run_ok(&[&args[..], &["--duration-ms", "400", "--out", d]].concat());
    for f in ["fig2.png", "fig2.svg", "activity.gif", "homogeneous/sequences.png", "homogeneous/spikes.npz"] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let read =
        |f: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(dir.path().join(f)).unwrap()).unwrap() };
    let s = read("homogeneous/sequences.json");
    let params = read("homogeneous/params.json");
    assert_eq!(params["network"], "ei");
    assert_eq!(s["n"], params["n_e"], "the E sheet is analysed");
    assert_eq!(s["summary"]["recipe"], "authors-wrap");
    assert_eq!(s["summary"]["dbscan"]["td_ms"].as_f64(), Some(3.0));
    let out = bin().args(["figure", "--mu-e", "300", "--out", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--mu-e"));
}
