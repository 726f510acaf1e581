//! Physics tests of the whole step: analytic solutions, refractoriness, delay, determinism, and the
//! spatial signature of sequences.

use super::connectivity::SynapseBuckets;
use super::landscape::Landscape;
use super::network::{Connectivity, Network, partition_rows, thread_pool};
use super::params::{LandscapeKind, Params, Preset};

/// A tiny quiet network: constant current `mu`, no noise, no warm-up.
fn quiet(preset: Preset, mu: f64) -> Params {
    let mut p = Params::new(preset, LandscapeKind::Symmetric, 5).unwrap();
    p.mu_pa = mu;
    p.sigma_pa = 0.0;
    p.warmup_ms = 0.0;
    p
}

/// `p`'s network with hand-made connections: source 0 → each of `targets`.
fn wired(p: Params, targets: &[u32]) -> Network {
    let count = p.n_neurons();
    let mut offsets = vec![0usize; count + 1];
    for o in offsets.iter_mut().skip(1) {
        *o = targets.len();
    }
    let buckets = SynapseBuckets { offsets, targets: targets.to_vec() };
    let landscape = Landscape { n: p.n, direction: vec![f32::NAN; count] };
    let pool = thread_pool(1);
    let conn = Connectivity::from_parts(landscape, buckets, &partition_rows(p.n, 1));
    Network::assemble(p, conn, pool)
}

#[test]
fn membrane_under_constant_current_matches_the_analytic_solution() {
    let mu = 300.0; // asymptote 12 mV above rest: below threshold
    let p = quiet(Preset::Paper, mu);
    let mut net = wired(p.clone(), &[]);
    for k in 1..=1000u64 {
        let spikes = net.advance(1, 1);
        assert!(spikes.is_empty());
        let t = k as f64 * p.dt_ms;
        let expected = p.e_l_mv + mu * p.tau_m_ms / p.c_m_pf * (1.0 - (-t / p.tau_m_ms).exp());
        let v = net.neurons.potentials_mv(&p)[7];
        assert!((v - expected).abs() < 1e-9, "t = {t}: {v} vs {expected}");
    }
}

#[test]
fn alpha_current_peaks_at_j_tau_s_after_the_delay_and_drives_the_membrane_exactly() {
    for preset in [Preset::Paper, Preset::Seed] {
        let p = quiet(preset, 0.0);
        let target = 5u32;
        let mut net = wired(p.clone(), &[target, target]); // a multapse: two synapses
        // Make neuron 0 spike in step 0 with a strong, one-step pulse.
        net.neurons.inject_disc(&p, 0.0, 0.0, 0.1, 1.0e6, p.dt_ms);
        let first = net.advance(1, 1);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].id, 0);
        let d = p.delay_steps() as u64;
        let tau_steps = (p.tau_s_ms / p.dt_ms).round() as u64;
        let mut currents = Vec::new();
        let mut volts = Vec::new();
        let b = &net.neurons.blocks[0];
        currents.push(b.syn_current(target as usize, &net.prop));
        for _ in 0..(d + 3 * tau_steps) {
            net.advance(1, 1);
            let b = &net.neurons.blocks[0];
            currents.push(b.syn_current(target as usize, &net.prop));
            volts.push(b.u[target as usize]);
        }
        // Arrival at the end of step d: current is zero until then, peaks 2·J τs later.
        assert!(currents[..=d as usize].iter().all(|&c| c == 0.0));
        let (argmax, peak) = currents
            .iter()
            .enumerate()
            .fold((0, 0.0f64), |(bi, bv), (i, &c)| if c.abs() > bv.abs() { (i, c) } else { (bi, bv) });
        assert_eq!(argmax as u64, d + tau_steps, "{preset}");
        assert!((peak - 2.0 * p.j_pa).abs() < 1e-9 * p.j_pa.abs(), "{preset}: peak {peak}");

        // The membrane follows du/dt = −u/τm + J·g(t)/C with g(t) = 2e·(t/τs)·e^(−t/τs): integrate it
        // with fine RK4 and compare.
        let (tau_m, tau_s, c, j) = (p.tau_m_ms, p.tau_s_ms, p.c_m_pf, p.j_pa);
        let g = |t: f64| if t <= 0.0 { 0.0 } else { 2.0 * std::f64::consts::E * t / tau_s * (-t / tau_s).exp() };
        let f = |t: f64, u: f64| -u / tau_m + j * g(t) / c;
        let sub = 200;
        let h = p.dt_ms / sub as f64;
        let mut u = 0.0;
        for (k, &ours) in volts.iter().enumerate().skip(d as usize) {
            let t0 = (k as u64 - d) as f64 * p.dt_ms;
            for i in 0..sub {
                let t = t0 + i as f64 * h;
                let k1 = f(t, u);
                let k2 = f(t + h / 2.0, u + h / 2.0 * k1);
                let k3 = f(t + h / 2.0, u + h / 2.0 * k2);
                let k4 = f(t + h, u + h * k3);
                u += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
            }
            assert!((ours - u).abs() < 1e-9, "{preset} step {k}: {ours} vs {u}");
        }
        assert!(volts.iter().cloned().fold(0.0, f64::min) < -0.1, "inhibition hyperpolarises");
    }
}

#[test]
fn refractory_period_clamps_the_membrane() {
    for (preset, t_ref_steps) in [(Preset::Paper, 20u64), (Preset::Seed, 50)] {
        let p = quiet(preset, 1.0e5); // strong enough to cross threshold in one step
        let mut net = wired(p.clone(), &[]);
        let mut times: Vec<u64> = Vec::new();
        for _ in 0..400 {
            let s = net.advance(1, 1);
            times.extend(s.iter().filter(|s| s.id == 3).map(|s| s.step));
            let v = net.neurons.potentials_mv(&p)[3];
            let r = net.neurons.blocks[0].refractory_left(3);
            if r > 0 {
                assert_eq!(v, p.v_reset_mv);
            }
        }
        assert!(times.len() > 5);
        for w in times.windows(2) {
            assert_eq!(w[1] - w[0], t_ref_steps + 1, "{preset}");
        }
    }
}

fn run_spikes(p: &Params, threads: usize, block: usize, steps: u64) -> Vec<(u64, u32)> {
    let mut net = Network::build(p.clone(), thread_pool(threads)).unwrap();
    net.advance(steps, block).into_iter().map(|s| (s.step, s.id)).collect()
}

#[test]
fn same_seed_gives_identical_spikes_at_any_thread_count_and_block_size() {
    let mut p = Params::new(Preset::Paper, LandscapeKind::Perlin, 4).unwrap();
    p.seed = 11;
    let steps = 7000;
    let a = run_spikes(&p, 1, 10, steps);
    assert!(a.len() > 1000, "the network is active: {} spikes", a.len());
    assert_eq!(a, run_spikes(&p, 2, 10, steps));
    assert_eq!(a, run_spikes(&p, 2, 1, steps));
    assert_eq!(a, run_spikes(&p, 3, 7, steps));
    p.seed = 12;
    assert_ne!(a, run_spikes(&p, 1, 10, steps));
    let mut s = Params::new(Preset::Seed, LandscapeKind::Random, 5).unwrap();
    s.seed = 3;
    assert_eq!(run_spikes(&s, 1, 1, 3000), run_spikes(&s, 2, 1, 3000));
}

/// Peak of the spatial cross-correlation of activity maps `lag_ms` apart, as a displacement (dx, dy).
fn correlation_peak(p: &Params, lag_ms: f64) -> (i64, i64) {
    let mut net = Network::build(p.clone(), thread_pool(2)).unwrap();
    let warm = p.warmup_steps();
    net.advance(warm, 10);
    let bin_ms = 10.0;
    let bin_steps = (bin_ms / p.dt_ms) as u64;
    let n = p.n;
    let mut maps: Vec<Vec<f64>> = Vec::new();
    for _ in 0..100 {
        let mut m = vec![0.0; n * n];
        for s in net.advance(bin_steps, 10) {
            m[s.id as usize] += 1.0;
        }
        let mean = m.iter().sum::<f64>() / m.len() as f64;
        m.iter_mut().for_each(|v| *v -= mean);
        maps.push(m);
    }
    let lag = (lag_ms / bin_ms) as usize;
    let r = 12i64;
    let mut best = (f64::MIN, (0, 0));
    for dy in -r..=r {
        for dx in -r..=r {
            let mut c = 0.0;
            for t in 0..maps.len() - lag {
                let (a, b) = (&maps[t], &maps[t + lag]);
                for y in 0..n {
                    let y2 = (y as i64 + dy).rem_euclid(n as i64) as usize;
                    for x in 0..n {
                        let x2 = (x as i64 + dx).rem_euclid(n as i64) as usize;
                        c += a[y * n + x] * b[y2 * n + x2];
                    }
                }
            }
            if c > best.0 {
                best = (c, (dx, dy));
            }
        }
    }
    best.1
}

#[test]
fn activity_moves_along_a_homogeneous_landscape_and_stays_put_without_one() {
    let mut p = Params::new(Preset::Paper, LandscapeKind::Homogeneous, 2).unwrap();
    p.direction_deg = 135.0;
    let (dx, dy) = correlation_peak(&p, 50.0);
    let angle = (dy as f64).atan2(dx as f64).to_degrees();
    assert!((dx * dx + dy * dy) >= 4, "homogeneous peak ({dx}, {dy}) should move");
    assert!((angle - 135.0).abs() <= 25.0, "homogeneous peak ({dx}, {dy}) at {angle}°");
    let q = Params::new(Preset::Paper, LandscapeKind::Symmetric, 2).unwrap();
    let (sx, sy) = correlation_peak(&q, 50.0);
    assert!(sx.abs() <= 1 && sy.abs() <= 1, "symmetric peak ({sx}, {sy}) should stay at zero");
}
