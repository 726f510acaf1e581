//! The two analysis recipes on the command line: the sweep and `analyze` report the same summary
//! for the same run, the sweep's defaults follow the paper (the authors' recipe, eps 3 for the
//! shift sweep and 4 for the Perlin-size sweep), and a bad recipe is one line and exit code 2.

use std::path::Path;

mod common;
use common::{bin, fresh_path, run_ok};

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn sweep_json_and_analyze_with_the_authors_recipe_agree_on_every_run() {
    let dir = fresh_path("shift");
    let d = dir.to_str().unwrap();
    let model = ["--scale-down", "4", "--duration-ms", "1500", "--seed", "2"];
    run_ok(&[&["sweep", "shift", "--values", "2", "--out", d][..], &model].concat());
    let sweep = json(&dir.join("sweep.json"));
    assert_eq!(sweep["recipe"], "authors");
    let runs = sweep["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for run in runs {
        let s = &run["summary"];
        assert_eq!(s["recipe"], "authors");
        assert_eq!(s["dbscan"]["eps"], 3.0);
        assert_eq!(s["wrap"], false);
        assert!(s["mean_rate_hz"].as_f64().unwrap() > 0.5, "{s}");
        // A 1.5 s run after the warm-up: counting windows start every 100 ms before its last second.
        assert_eq!(s["sequences_per_window"]["values"].as_array().unwrap().len(), 5);
        assert!(s["speed_paper_units"]["median"].is_number(), "{s}");
        let folder = dir.join(run["folder"].as_str().unwrap());
        run_ok(&["analyze", folder.to_str().unwrap(), "--recipe", "AUTHORS"]);
        let analyzed = json(&folder.join("sequences.json"));
        assert_eq!(&analyzed["summary"], s, "{}", run["folder"]);
        // The torus recipe on the same spikes names itself and wraps.
        run_ok(&["analyze", folder.to_str().unwrap()]);
        let torus = json(&folder.join("sequences.json"));
        assert_eq!((&torus["summary"]["recipe"], &torus["summary"]["wrap"]), (&"torus".into(), &true.into()));
    }
    // The Perlin-size sweep uses eps 4, and analyze gives the same with --eps 4.
    run_ok(&[&["sweep", "perlin-size", "--values", "3", "--no-ends", "--out", d][..], &model].concat());
    let sweep = json(&dir.join("sweep.json"));
    let s = &sweep["runs"][0]["summary"];
    assert_eq!(s["dbscan"]["eps"], 4.0);
    let folder = dir.join(sweep["runs"][0]["folder"].as_str().unwrap());
    run_ok(&["analyze", folder.to_str().unwrap(), "--recipe", "authors", "--eps", "4"]);
    assert_eq!(&json(&folder.join("sequences.json"))["summary"], s);
    assert!(image::open(dir.join("sweep.png")).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_recipe_is_one_line_naming_the_accepted_ones() {
    let dir = fresh_path("bad");
    let d = dir.to_str().unwrap();
    for args in [
        vec!["analyze", d, "--recipe", "nest"],
        vec!["sweep", "shift", "--values", "1", "--recipe", "torus2", "--out", d],
        vec!["figure", "--recipe", "paper", "--out", d],
    ] {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("torus") && stderr.contains("authors"), "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("'{}'", args[args.iter().position(|a| *a == "--recipe").unwrap() + 1])));
    }
    assert!(!dir.exists());
}
