//! Sequences in simulated networks: a homogeneous landscape moves them along its direction, a
//! symmetric one leaves bumps without net drift, and correlated landscapes make many more of them.

use seqscape_core::analysis::{DbscanParams, SequenceReport, analyze};
use seqscape_core::model::{LandscapeKind, Params, Preset};
use seqscape_core::sim::run_batch;

fn simulate_and_analyze(landscape: LandscapeKind, duration_ms: f64) -> SequenceReport {
    let mut p = Params::new(Preset::Paper, landscape, 2).unwrap();
    p.duration_ms = duration_ms;
    p.seed = 3;
    let run = run_batch(p.clone(), 2, |_, _| {}).unwrap();
    let (from, to) = run.window_ms();
    analyze(&run.i, &run.t_ms, p.n, from, to + 1e-6, &DbscanParams::default()).unwrap()
}

/// Mean displacement per second of every track long enough to measure (grid units per s).
fn drift_per_track(report: &SequenceReport) -> Vec<(f64, f64)> {
    report
        .tracks
        .iter()
        .filter(|t| t.steps.len() >= 5)
        .map(|t| {
            let (dx, dy) = t.steps.iter().fold((0.0, 0.0), |(x, y), s| (x + s.dx, y + s.dy));
            let secs = t.steps.len() as f64 * 0.010;
            (dx / secs, dy / secs)
        })
        .collect()
}

#[test]
fn homogeneous_sequences_move_in_the_landscape_direction() {
    let report = simulate_and_analyze(LandscapeKind::Homogeneous, 2000.0);
    let s = &report.summary;
    assert!(s.n_clusters >= 3, "{} clusters", s.n_clusters);
    assert!((s.direction_mean_deg - 135.0).abs() < 10.0, "mean direction {}", s.direction_mean_deg);
    assert!(s.direction_resultant_length > 0.5, "coherent direction: {}", s.direction_resultant_length);
    let drifts = drift_per_track(&report);
    let mean_speed = drifts.iter().map(|(x, y)| x.hypot(*y)).sum::<f64>() / drifts.len() as f64;
    assert!(mean_speed > 20.0, "homogeneous tracks drift {mean_speed} grid/s");
}

#[test]
fn symmetric_bumps_do_not_drift_and_perlin_makes_more_sequences() {
    let sym = simulate_and_analyze(LandscapeKind::Symmetric, 2000.0);
    let drifts = drift_per_track(&sym);
    assert!(!drifts.is_empty(), "symmetric bumps are tracked");
    let mean_net = drifts.iter().map(|(x, y)| x.hypot(*y)).sum::<f64>() / drifts.len() as f64;
    let hom = drift_per_track(&simulate_and_analyze(LandscapeKind::Homogeneous, 2000.0));
    let hom_net = hom.iter().map(|(x, y)| x.hypot(*y)).sum::<f64>() / hom.len() as f64;
    assert!(mean_net < 0.3 * hom_net, "symmetric drift {mean_net} vs homogeneous {hom_net} grid/s");
    let perlin = simulate_and_analyze(LandscapeKind::Perlin, 2000.0);
    assert!(
        perlin.summary.clusters_per_s > 2.0 * sym.summary.clusters_per_s,
        "perlin {} vs symmetric {} clusters/s",
        perlin.summary.clusters_per_s,
        sym.summary.clusters_per_s
    );
}
