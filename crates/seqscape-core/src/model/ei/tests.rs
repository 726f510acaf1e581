//! Tests of the E-I network: projections, stimulus protocol, determinism.

use super::connectivity::draw_projection;
use super::*;
use crate::model::LandscapeKind;
use crate::model::landscape::lattice_step;

fn torus_delta(a: i64, b: i64, n: i64) -> i64 {
    let d = (b - a).rem_euclid(n);
    if d > n / 2 { d - n } else { d }
}

/// For every source of `proj`, its targets as torus offsets (dx, dy) from the source's position
/// rescaled onto the target grid.
fn offsets(p: &EiParams, conn: &EiConnectivity, proj: Projection) -> Vec<Vec<(i64, i64)>> {
    let (ns, nt) = (p.side(proj.source()), p.side(proj.target()));
    let ne = conn.n_e_neurons;
    let (src0, tgt0) =
        (if proj.source() == Population::E { 0 } else { ne }, if proj.target() == Population::E { 0 } else { ne });
    (0..ns * ns)
        .map(|s| {
            let sx = ((s % ns) * nt / ns) as i64;
            let sy = ((s / ns) * nt / ns) as i64;
            conn.targets_of(src0 + s)
                .iter()
                .map(|&t| t as usize)
                .filter(|&t| (tgt0..tgt0 + nt * nt).contains(&t))
                .map(|t| {
                    let t = t - tgt0;
                    let n = nt as i64;
                    (torus_delta(sx, (t % nt) as i64, n), torus_delta(sy, (t / nt) as i64, n))
                })
                .collect()
        })
        .collect()
}

#[test]
fn full_scale_parameters_are_the_authors() {
    let p = EiParams::new(LandscapeKind::Perlin, 1).unwrap();
    p.validate().unwrap();
    assert_eq!((p.n_e, p.n_i), (120, 60));
    let degrees: Vec<usize> = Projection::ALL.iter().map(|&q| p.out_degree(q)).collect();
    assert_eq!(degrees, vec![720, 180, 720, 180]);
    let widths: Vec<f64> = Projection::ALL.iter().map(|&q| p.sigma(q)).collect();
    assert_eq!(widths, vec![9.0, 4.0, 12.0, 6.0]);
    assert_eq!((p.weight_pa(Population::E), p.weight_pa(Population::I)), (10.0, -80.0));
    assert_eq!((p.background(Population::E), p.background(Population::I)), ((350.0, 100.0), (350.0, 100.0)));
    assert_eq!((p.duration_ms, p.stimulus.pulses), (5000.0, 0));
    let s = EiParams::new(LandscapeKind::Perlin, 3).unwrap();
    assert_eq!((s.n_e, s.n_i, s.out_degree(Projection::EE), s.out_degree(Projection::EI)), (40, 20, 80, 20));
    // Scale-down keeps the total input per neuron.
    assert!((s.weight_pa(Population::E) * 80.0 - 10.0 * 720.0).abs() < 1e-9);
}

#[test]
fn projections_have_their_out_degrees_and_no_self_connections() {
    let p = EiParams::new(LandscapeKind::Perlin, 3).unwrap();
    let conn = EiConnectivity::build(&p);
    let ne = conn.n_e_neurons;
    assert_eq!(conn.n_sources(), p.n_total());
    let (mut dropped_ee, mut dropped_ii) = (0, 0);
    for s in 0..p.n_total() {
        let t = conn.targets_of(s);
        assert!(t.is_sorted());
        let to_e = t.iter().filter(|&&x| (x as usize) < ne).count();
        let to_i = t.len() - to_e;
        assert!(t.iter().all(|&x| x as usize != s), "source {s} connects to itself");
        if s < ne {
            assert_eq!(to_i, p.out_degree(Projection::EI));
            assert!(to_e <= p.out_degree(Projection::EE));
            dropped_ee += p.out_degree(Projection::EE) - to_e;
        } else {
            assert_eq!(to_e, p.out_degree(Projection::IE));
            assert!(to_i <= p.out_degree(Projection::II));
            dropped_ii += p.out_degree(Projection::II) - to_i;
        }
    }
    // With the gap of 1 a target lands on its own source only through the shift: rare (about 2 % at
    // this scale's σ = 3).
    assert!(dropped_ee > 0 && dropped_ee < ne * p.out_degree(Projection::EE) / 25, "{dropped_ee}");
    assert!(dropped_ii < (p.n_total() - ne) * p.out_degree(Projection::II) / 50, "{dropped_ii}");
    let in_degree = conn.in_degree_ee();
    let total: u64 = in_degree.iter().map(|&d| u64::from(d)).sum();
    assert_eq!(total as usize, ne * p.out_degree(Projection::EE) - dropped_ee);
}

#[test]
fn distances_follow_the_gaussian_profiles_with_the_gap() {
    let p = EiParams::new(LandscapeKind::Symmetric, 2).unwrap();
    let conn = EiConnectivity::build(&p);
    for proj in Projection::ALL {
        let (sigma, gap) = (p.sigma(proj), p.gap);
        let all: Vec<(i64, i64)> = offsets(&p, &conn, proj).into_iter().flatten().collect();
        let count = all.len() as f64;
        let r2 = all.iter().map(|&(x, y)| (x * x + y * y) as f64).sum::<f64>() / count;
        // r = ±(σ|z| + gap): E r² = σ² + 2σ·gap·√(2/π) + gap²; rounding each axis adds 1/12 per axis.
        let expected = sigma * sigma + 2.0 * sigma * gap * (2.0 / std::f64::consts::PI).sqrt() + gap * gap + 1.0 / 6.0;
        assert!((r2 / expected - 1.0).abs() < 0.04, "{}: mean r² {r2}, expected {expected}", proj.name());
        let inside = all.iter().filter(|&&(x, y)| ((x * x + y * y) as f64).sqrt() <= sigma + gap).count() as f64;
        // P(|z| ≤ 1) = 0.683, blurred by the rounding.
        assert!((inside / count - 0.683).abs() < 0.06, "{}: {} within σ + gap", proj.name(), inside / count);
    }
}

#[test]
fn only_e_to_e_is_shifted_one_step_along_the_landscape() {
    let mut p = EiParams::new(LandscapeKind::Homogeneous, 2).unwrap();
    p.direction_deg = 135.0;
    let conn = EiConnectivity::build(&p);
    for proj in Projection::ALL {
        let all: Vec<(i64, i64)> = offsets(&p, &conn, proj).into_iter().flatten().collect();
        let c = all.len() as f64;
        let mx = all.iter().map(|&(x, _)| x as f64).sum::<f64>() / c;
        let my = all.iter().map(|&(_, y)| y as f64).sum::<f64>() / c;
        let (ex, ey) = if proj == Projection::EE { (-1.0, 1.0) } else { (0.0, 0.0) };
        assert!((mx - ex).abs() < 0.03 && (my - ey).abs() < 0.03, "{}: centre of mass ({mx}, {my})", proj.name());
    }
    // Perlin: every E source's E→E targets move one lattice step along its own direction.
    let p = EiParams::new(LandscapeKind::Perlin, 2).unwrap();
    let conn = EiConnectivity::build(&p);
    let per_source = offsets(&p, &conn, Projection::EE);
    let (mut along, mut across) = (0.0, 0.0);
    for (s, t) in per_source.iter().enumerate() {
        let (dx, dy) = lattice_step(conn.landscape.angle(s).unwrap());
        let (mx, my) = t.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x as f64, b + y as f64));
        let (mx, my) = (mx / t.len() as f64, my / t.len() as f64);
        let len2 = (dx * dx + dy * dy) as f64;
        along += (mx * dx as f64 + my * dy as f64) / len2;
        across += (my * dx as f64 - mx * dy as f64) / len2;
    }
    let count = per_source.len() as f64;
    assert!((along / count - 1.0).abs() < 0.03 && (across / count).abs() < 0.03, "{along} {across}");
    // The landscape is on the E grid, eight equal-count directions.
    assert_eq!(conn.landscape.n, p.n_e);
    let mut levels = [0usize; 8];
    for s in 0..p.n_neurons(Population::E) {
        let (dx, dy) = lattice_step(conn.landscape.angle(s).unwrap());
        let d = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
            .iter()
            .position(|&q| q == (dx, dy))
            .unwrap();
        levels[d] += 1;
    }
    assert!(levels.iter().all(|&c| c.abs_diff(p.n_neurons(Population::E) / 8) <= 1), "{levels:?}");
}

#[test]
fn a_projection_is_redrawn_identically_from_its_stream() {
    let p = EiParams::new(LandscapeKind::Random, 3).unwrap();
    let conn = EiConnectivity::build(&p);
    let ne = conn.n_e_neurons;
    let mut a = Vec::new();
    draw_projection(&p, &conn.landscape, Projection::IE, 17, &mut a);
    draw_projection(&p, &conn.landscape, Projection::II, 17, &mut a);
    for t in &mut a[p.out_degree(Projection::IE)..] {
        *t += ne as u32;
    }
    a.sort_unstable();
    assert_eq!(a, conn.targets_of(ne + 17));
    assert_eq!(conn, EiConnectivity::build(&p));
}

#[test]
fn stimulus_pulses_follow_the_protocol() {
    let p = EiParams::new(LandscapeKind::Perlin, 1).unwrap().with_pulses(20);
    p.validate().unwrap();
    assert_eq!(p.duration_ms, 10_000.0);
    let steps = p.pulse_steps();
    assert_eq!(steps.len(), 20);
    // Onset right after the 500 ms warm-up, every 500 ms; the current arrives after the 1 ms delay
    // and is taken up at the end of that step; it lasts 50 ms.
    for (k, &(a, b)) in steps.iter().enumerate() {
        assert_eq!(a, 5000 + 5000 * k as u64 + 11);
        assert_eq!(b - a, 500);
    }
    assert_eq!(p.pulse_onset_ms(19), 500.0 + 19.0 * 500.0);
    let stim = stimulus_targets(&p);
    assert!(stim.len() > 30 && stim.len() <= 50, "{} distinct targets", stim.len());
    let (cx, cy) = (60.0, 60.0);
    let mean_r2 = stim.iter().map(|&s| ((s % 120) as f64 - cx).powi(2) + ((s / 120) as f64 - cy).powi(2)).sum::<f64>()
        / stim.len() as f64;
    assert!(mean_r2 < 4.0 * 4.0 * 2.5, "stimulated neurons lie around (60, 60): mean r² {mean_r2}");
}

#[test]
fn an_uncoupled_noiseless_network_fires_only_in_the_stimulus_pulses() {
    let mut p = EiParams::new(LandscapeKind::Perlin, 3).unwrap().with_pulses(3);
    p.warmup_ms = 100.0;
    p.stimulus.duration_ms = 50.0;
    p.stimulus.pause_ms = 150.0;
    p.duration_ms = 600.0;
    p.warmup_sigma_pa = 0.0;
    (p.mu_e_pa, p.sigma_e_pa, p.mu_i_pa, p.sigma_i_pa) = (0.0, 0.0, 0.0, 0.0);
    p.j_e_pa = 0.0;
    let run = run_ei(p.clone(), 1, |_, _| {}).unwrap();
    assert_eq!(run.pulse_onsets_ms, vec![100.0, 300.0, 500.0]);
    assert!(!run.i.is_empty());
    assert!(run.pop.iter().all(|&x| x == 0));
    assert!(run.i.iter().all(|i| run.stimulated.contains(i)));
    // 500 pA into 250 pF with τm = 10 ms: V − E_L = 20 (1 − e^(−t/τm)) mV reaches 15 mV after
    // 10·ln 4 = 13.86 ms; the current starts 1.1 ms after the onset, the spike is stamped at the
    // end of its step.
    let first_offset = 1.1 + 10.0 * 4f64.ln();
    for &onset in &run.pulse_onsets_ms {
        let pulse: Vec<f64> =
            run.t_ms.iter().copied().filter(|&t| t > onset && t < onset + p.stimulus.period_ms()).collect();
        let first = pulse[0];
        assert!((first - onset - first_offset).abs() < 0.11, "first spike {} ms after the onset", first - onset);
        assert!(pulse.iter().all(|&t| t <= onset + 1.1 + 50.0), "spikes after the pulse");
        // Every stimulated neuron fires at the same times.
        assert_eq!(pulse.iter().filter(|&&t| t == first).count(), run.stimulated.len());
    }
}

#[test]
fn spikes_are_identical_at_one_and_two_threads() {
    let mut p = EiParams::new(LandscapeKind::Perlin, 3).unwrap().with_pulses(1);
    p.warmup_ms = 100.0;
    p.seed = 5;
    let a = run_ei(p.clone(), 1, |_, _| {}).unwrap();
    let b = run_ei(p, 2, |_, _| {}).unwrap();
    assert!(a.i.len() > 200, "{} spikes", a.i.len());
    assert!(a.pop.contains(&0) && a.pop.contains(&1));
    assert_eq!((a.threads, b.threads), (1, 2));
    assert_eq!(a.pop, b.pop);
    assert_eq!(a.i, b.i);
    assert_eq!(a.t_ms, b.t_ms);
    assert_eq!(a.in_degree_ee, b.in_degree_ee);
    assert!(a.t_ms.is_sorted());
}

#[test]
fn invalid_values_name_the_parameter() {
    assert_eq!(EiParams::new(LandscapeKind::Perlin, 6).unwrap_err().name, "scale-down");
    let base = EiParams::new(LandscapeKind::Perlin, 1).unwrap();
    let cases: Vec<(&str, Box<dyn Fn(&mut EiParams)>)> = vec![
        ("mu-e", Box::new(|p| p.mu_e_pa = f64::NAN)),
        ("sigma-i", Box::new(|p| p.sigma_i_pa = -1.0)),
        ("pulses", Box::new(|p| p.stimulus.pulses = 1_000_000)),
        ("sigma E->I", Box::new(|p| p.sigma_ei = 0.0)),
        ("tau_m", Box::new(|p| p.tau_m_ms = -1.0)),
        ("duration", Box::new(|p| p.duration_ms = -5.0)),
    ];
    for (name, set) in cases {
        let mut p = base.clone();
        set(&mut p);
        assert_eq!(p.validate().unwrap_err().name, name);
    }
}

#[test]
fn painting_redraws_exactly_the_painted_e_sources_and_erasing_restores_the_network() {
    let p = EiParams::new(LandscapeKind::Perlin, 3).unwrap();
    let mut net = EiNetwork::build(p.clone(), ei_thread_pool(2)).unwrap();
    let before = net.conn.clone();
    let n = p.n_e;
    let ids = crate::model::paint::disc(n, (10.5, 20.5), 3.0);
    let saved: Vec<f32> = ids.iter().map(|&i| net.conn.landscape.direction[i]).collect();
    let angle = std::f32::consts::FRAC_PI_2;
    let changed = crate::model::paint::set_directions(&mut net.conn.landscape.direction, &ids, angle);
    assert!(!changed.is_empty());
    net.redraw(&changed);
    let ne = net.conn.n_e_neurons;
    for s in 0..net.conn.n_sources() {
        if changed.contains(&s) {
            // E→E targets moved one step along the new direction (+y); E→I kept.
            let old_e: Vec<u32> = before.targets_of(s).iter().copied().filter(|&t| (t as usize) < ne).collect();
            let new_e: Vec<u32> = net.conn.targets_of(s).iter().copied().filter(|&t| (t as usize) < ne).collect();
            assert_ne!(old_e, new_e, "source {s} redrawn");
            let old_i: Vec<u32> = before.targets_of(s).iter().copied().filter(|&t| (t as usize) >= ne).collect();
            let new_i: Vec<u32> = net.conn.targets_of(s).iter().copied().filter(|&t| (t as usize) >= ne).collect();
            assert_eq!(old_i, new_i);
        } else {
            assert_eq!(before.targets_of(s), net.conn.targets_of(s), "source {s} untouched");
        }
    }
    // Painting the old directions back restores the network.
    for (&i, &a) in ids.iter().zip(&saved) {
        net.conn.landscape.direction[i] = a;
    }
    net.redraw(&changed);
    assert_eq!(net.conn, before);
}

#[test]
fn silenced_neurons_never_spike_and_no_mask_changes_nothing() {
    let mut p = EiParams::new(LandscapeKind::Perlin, 4).unwrap();
    p.warmup_ms = 100.0;
    p.seed = 9;
    let steps = 2000;
    let mut free = EiNetwork::build(p.clone(), ei_thread_pool(2)).unwrap();
    let mut unmasked = EiNetwork::build(p.clone(), ei_thread_pool(2)).unwrap();
    unmasked.silence(&[]);
    let a = free.advance(steps);
    assert_eq!(a, unmasked.advance(steps));
    let firing: std::collections::BTreeSet<u32> = a.iter().map(|s| s.id).collect();
    let ne = p.n_neurons(Population::E);
    let silenced: Vec<usize> = firing.iter().map(|&i| i as usize).filter(|&i| i % 3 == 0).chain([ne, ne + 1]).collect();
    assert!(silenced.len() > 20, "{} firing neurons to silence", silenced.len());
    let mut masked = EiNetwork::build(p, ei_thread_pool(2)).unwrap();
    masked.silence(&silenced);
    assert_eq!(
        masked.silenced(),
        silenced.iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>()
    );
    let b = masked.advance(steps);
    assert!(!b.is_empty());
    assert!(b.iter().all(|s| !silenced.contains(&(s.id as usize))), "a silenced neuron spiked");
}
