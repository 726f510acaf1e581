//! Sheets larger than the paper's: a partition holds more than 2¹⁶ neurons at one thread, the
//! connection profile and out-degree stay, and the spikes do not depend on the thread count.

use seqscape_core::model::network::thread_pool;
use seqscape_core::model::{Landscape, LandscapeKind, Network, Params, Preset, SynapseBuckets};

/// The paper preset on a 260×260 torus (67 600 neurons: more than a u16 index reaches).
fn large(landscape: LandscapeKind) -> Params {
    Params::new(Preset::Paper, landscape, 1).unwrap().with_grid(260).unwrap()
}

#[test]
fn grid_keeps_the_out_degree_and_scales_the_perlin_size() {
    let p = large(LandscapeKind::Perlin);
    assert_eq!((p.n, p.out_degree, p.theta, p.j_pa), (260, 1000, 3.0, -10.0));
    assert_eq!(p.perlin_size, 8.0);
    let q = Params::new(Preset::Paper, LandscapeKind::Perlin, 1).unwrap().with_grid(300).unwrap();
    assert_eq!(q.perlin_size, 9.0);
    for bad in [19, 1001] {
        let err = Params::new(Preset::Paper, LandscapeKind::Perlin, 1).unwrap().with_grid(bad).unwrap_err();
        assert_eq!(err.to_string(), format!("invalid grid '{bad}': expected an integer from 20 to 1000"));
    }
    assert!(Params::new(Preset::Paper, LandscapeKind::Perlin, 2).unwrap().with_grid(200).is_err());
}

#[test]
fn mean_in_degree_is_out_degree_less_self_connections_on_a_large_grid() {
    let p = large(LandscapeKind::Homogeneous);
    let landscape = Landscape::generate(&p);
    let b = SynapseBuckets::build(&p, &landscape);
    let neurons = p.n_neurons();
    let removed = neurons * p.out_degree - b.n_synapses();
    assert!((removed as f64) < 0.02 * (neurons * p.out_degree) as f64, "removed {removed}");
    let in_degree = b.in_degree(neurons);
    let total: u64 = in_degree.iter().map(|&d| u64::from(d)).sum();
    assert_eq!(total as usize, b.n_synapses());
    let mean = total as f64 / neurons as f64;
    assert!((mean - (p.out_degree as f64 - removed as f64 / neurons as f64)).abs() < 1e-9);
    // The far end of the sheet receives as much as the start: nothing wraps at 2¹⁶.
    let half = neurons / 2;
    let mean_of = |r: std::ops::Range<usize>| {
        let len = r.len() as f64;
        in_degree[r].iter().map(|&d| f64::from(d)).sum::<f64>() / len
    };
    assert!((mean_of(0..half) - mean_of(half..neurons)).abs() < 5.0);
    assert!(in_degree[u16::MAX as usize + 1..].iter().all(|&d| d > 0));
}

#[test]
fn spikes_on_a_large_grid_are_identical_at_any_thread_count() {
    let mut p = large(LandscapeKind::Perlin);
    p.warmup_ms = 100.0;
    p.duration_ms = 60.0;
    p.seed = 5;
    let run = |threads: usize| -> Vec<(u64, u32)> {
        let mut net = Network::build(p.clone(), thread_pool(threads)).unwrap();
        net.advance(p.total_steps(), 10).into_iter().map(|s| (s.step, s.id)).collect()
    };
    let one = run(1);
    assert!(one.len() > 10_000, "the sheet is active: {} spikes", one.len());
    assert!(one.iter().any(|&(_, id)| id > u32::from(u16::MAX)), "spikes beyond id 65535");
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
}
