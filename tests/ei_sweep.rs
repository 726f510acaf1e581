//! Black-box tests of `seqscape sweep ei-input` (Fig. 8): its files agree with `seqscape analyze`
//! of the run folders it writes, and bad ranges are one line and exit code 2.

use std::path::Path;

mod common;
use common::{bin, run_ok};

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn sweep_ei_input_summaries_match_the_analysis_of_its_run_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let o = out.to_str().unwrap();
    let common = ["--scale-down", "3", "--duration-ms", "600", "--pulses", "2", "--threads", "2", "--out", o];
    let args = [&["sweep", "ei-input", "--mu", "150,300", "--sigma", "250:250:50"][..], &common].concat();
    let stderr = String::from_utf8_lossy(&run_ok(&args).stderr).to_string();
    assert!(stderr.contains("[4/4]"), "a progress line per run: {stderr}");
    let v = json(&out.join("sweep.json"));
    assert_eq!(v["sweep"], "ei-input");
    assert_eq!(v["recipe"], "authors-wrap");
    let runs = v["runs"].as_array().unwrap();
    let points: Vec<(f64, f64)> =
        runs.iter().map(|r| (r["mu_pa"].as_f64().unwrap(), r["sigma_pa"].as_f64().unwrap())).collect();
    assert_eq!(points, vec![(150.0, 250.0), (300.0, 250.0)]);
    for r in runs {
        let folder = out.join(r["folder"].as_str().unwrap());
        let s = &r["summary"];
        // The spontaneous run: clusters per second as `analyze --recipe authors-wrap` counts them.
        let spontaneous = folder.join("spontaneous");
        run_ok(&["analyze", spontaneous.to_str().unwrap(), "--recipe", "authors-wrap"]);
        let a = json(&spontaneous.join("sequences.json"));
        let duration_s = json(&spontaneous.join("params.json"))["duration_ms"].as_f64().unwrap() / 1000.0;
        let clusters = a["summary"]["n_clusters"].as_f64().unwrap();
        assert!((s["spontaneous_clusters_per_s"].as_f64().unwrap() - clusters / duration_s).abs() < 1e-9);
        let rate_e = a["summary"]["mean_rate_hz"].as_f64().unwrap();
        // (The analysis window also holds spikes stamped exactly at the end of the run.)
        assert!((s["rate_e_hz"].as_f64().unwrap() - rate_e).abs() <= 0.01 * rate_e, "{s} vs {rate_e}");
        assert!(s["rate_i_hz"].as_f64().unwrap() > 0.0);
        // The stimulated run: the evoked sequences as `analyze` reports them.
        let stimulated = folder.join("stimulated");
        run_ok(&["analyze", stimulated.to_str().unwrap()]);
        let e = &json(&stimulated.join("sequences.json"))["evoked"];
        assert_eq!(e["pulses"], 2);
        assert_eq!(s["evoked_probability"], e["evoked_probability"]);
        for key in ["reaction_time_ms", "lifespan_ms"] {
            assert_eq!(s[key]["mean"], e[key]["mean"], "{key}");
            assert_eq!(s[key]["median"], e[key]["median"], "{key}");
        }
    }
    let png = image::open(out.join("sweep.png")).unwrap();
    assert!(png.width() > 1000 && png.height() > 600);
    assert!(std::fs::read_to_string(out.join("sweep.svg")).unwrap().trim_end().ends_with("</svg>"));
}

fn refused(args: &[&str], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let all = [args, &["--out", out.to_str().unwrap()][..]].concat();
    let o = bin().args(&all).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{all:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{all:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{all:?}: '{n}' missing in {stderr}");
    }
    assert!(!out.exists(), "{all:?} left {}", out.display());
}

#[test]
fn bad_ranges_and_options_of_the_other_sweeps_are_one_line_and_exit_2() {
    let accepted = "start:stop:step";
    refused(&["sweep", "ei-input", "--mu", "500:0:50"], &["--mu", "500:0:50", accepted]);
    refused(&["sweep", "ei-input", "--sigma", "-50:100:50"], &["--sigma", "-50:100:50", accepted]);
    refused(&["sweep", "ei-input", "--mu", "0:500:0"], &["--mu", "0:500:0", accepted]);
    refused(&["sweep", "ei-input", "--mu", ""], &["--mu", accepted]);
    refused(&["sweep", "ei-input", "--sigma", "10,-5"], &["--sigma", "10,-5", accepted]);
    refused(&["sweep", "ei-input", "--mu", "100,100"], &["--mu", "more than once"]);
    refused(&["sweep", "ei-input", "--mu", "0:1e6:1"], &["--mu", "at most"]);
    refused(&["sweep", "ei-input", "--values", "1,2"], &["--values", "ei-input", "--mu"]);
    refused(&["sweep", "ei-input", "--grid", "200"], &["--grid", "--network i"]);
    refused(&["sweep", "ei-input", "--pulses", "0"], &["--pulses", "0"]);
    refused(&["sweep", "shift", "--values", "1", "--pulses", "3"], &["--pulses", "ei-input"]);
    refused(&["sweep", "shift", "--values", "1", "--mu", "0:500:50"], &["--mu", "0:500:50", "ei-input"]);
    refused(&["sweep", "perlin-size"], &["--values"]);
}
