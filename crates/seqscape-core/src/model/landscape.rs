//! Connectivity landscapes: the direction each neuron's outgoing connections are shifted along.
//!
//! Directions are radians in [0, 2π) measured from +x toward +y (135° is the lattice step (−1, +1));
//! NaN marks an unshifted neuron. [`Params::shift_mode`] decides whether they are the 8 lattice
//! directions (as [`ShiftMode::Lattice`] moves targets) or continuous angles. The Perlin landscape samples 4-D Perlin noise on the torus
//! embedding (cos, sin) × (cos, sin), so it tiles the sheet exactly, and is rank-equalised so that
//! every direction level holds the same number of neurons (within one).

use std::f64::consts::{PI, TAU};

use noise::{NoiseFn, Perlin};
use rand::RngExt;

use super::params::{LandscapeKind, Params, ShiftMode};
use super::rng::{Purpose, stream, stream_key};

/// One direction per neuron (`y·n + x`), NaN where the neuron is not shifted.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    pub n: usize,
    pub direction: Vec<f32>,
}

impl Landscape {
    /// Builds the landscape the parameters ask for.
    pub fn generate(p: &Params) -> Landscape {
        let n = p.n;
        let count = n * n;
        let lattice = p.shift_mode == ShiftMode::Lattice;
        let direction: Vec<f32> = match p.landscape {
            LandscapeKind::Symmetric => vec![f32::NAN; count],
            LandscapeKind::Homogeneous => {
                let mut phi = p.direction_deg.to_radians().rem_euclid(TAU);
                if lattice {
                    phi = lattice_angle(phi);
                }
                vec![phi as f32; count]
            }
            LandscapeKind::Random => {
                let mut rng = stream(p.seed, Purpose::Landscape, 0);
                (0..count)
                    .map(|_| {
                        if lattice {
                            (rng.random_range(0..8u32) as f64 * PI / 4.0) as f32
                        } else {
                            rng.random_range(0.0..TAU) as f32
                        }
                    })
                    .collect()
            }
            LandscapeKind::Perlin => {
                let field = perlin_field(n, p.perlin_size, p.seed);
                let levels = p.perlin_levels;
                let ranks = rank_levels(&field, levels);
                ranks
                    .into_iter()
                    .map(|l| {
                        if lattice {
                            (l as f64 * TAU / levels as f64) as f32
                        } else {
                            // The seed spreads its levels over [0, 2π] inclusive.
                            ((l as f64 * TAU / (levels - 1) as f64).rem_euclid(TAU)) as f32
                        }
                    })
                    .collect()
            }
        };
        Landscape { n, direction }
    }

    /// The direction of neuron `id`, if it is shifted.
    pub fn angle(&self, id: usize) -> Option<f64> {
        let a = self.direction[id];
        if a.is_nan() { None } else { Some(f64::from(a)) }
    }
}

/// Rounds an angle to the nearest of the 8 lattice directions d·45°.
pub fn lattice_angle(phi: f64) -> f64 {
    ((phi / (PI / 4.0)).round().rem_euclid(8.0)) * PI / 4.0
}

/// The lattice step (dx, dy) ∈ {−1, 0, 1}² of a direction d·45°: diagonals are √2 long.
pub fn lattice_step(phi: f64) -> (i64, i64) {
    let d = (phi / (PI / 4.0)).round() as i64;
    const STEPS: [(i64, i64); 8] = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)];
    STEPS[d.rem_euclid(8) as usize]
}

/// Perlin noise on the n×n torus with `size` noise cells across the grid, tiling exactly.
pub fn perlin_field(n: usize, size: f64, seed: u64) -> Vec<f64> {
    let perlin = Perlin::new(stream_key(seed, Purpose::Perlin, 0) as u32);
    let radius = size / TAU;
    let ring: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let a = TAU * k as f64 / n as f64;
            (radius * a.cos(), radius * a.sin())
        })
        .collect();
    let mut field = Vec::with_capacity(n * n);
    for &(cy, sy) in &ring {
        for &(cx, sx) in &ring {
            field.push(perlin.get([cx, sx, cy, sy]));
        }
    }
    field
}

/// Rank-equalises `values` into `levels` bins of equal count (within one): level = ⌊rank·L/N⌋.
pub fn rank_levels(values: &[f64], levels: usize) -> Vec<usize> {
    let count = values.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut level = vec![0; count];
    for (rank, &id) in order.iter().enumerate() {
        level[id] = rank * levels / count;
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Preset;

    fn params(preset: Preset, landscape: LandscapeKind, s: u32) -> Params {
        Params::new(preset, landscape, s).unwrap()
    }

    #[test]
    fn perlin_directions_have_equal_counts() {
        for s in [1, 3, 4] {
            let p = params(Preset::Paper, LandscapeKind::Perlin, s);
            let l = Landscape::generate(&p);
            let mut counts = [0usize; 8];
            for id in 0..p.n_neurons() {
                let a = l.angle(id).unwrap();
                let d = (a / (PI / 4.0)).round() as usize;
                assert!((a - d as f64 * PI / 4.0).abs() < 1e-6);
                counts[d] += 1;
            }
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(hi - lo <= 1, "scale {s}: {counts:?}");
            assert_eq!(counts.iter().sum::<usize>(), p.n_neurons());
        }
    }

    #[test]
    fn perlin_field_tiles_the_torus() {
        let n = 40;
        let f = perlin_field(n, 3.0, 5);
        // A sample one cell beyond the edge equals the sample at the opposite edge: evaluate the
        // embedding at k = n directly and compare with k = 0.
        let perlin = Perlin::new(stream_key(5, Purpose::Perlin, 0) as u32);
        let r = 3.0 / TAU;
        for y in 0..n {
            let ay = TAU * y as f64 / n as f64;
            let wrapped = perlin.get([r * (TAU).cos(), r * (TAU).sin(), r * ay.cos(), r * ay.sin()]);
            assert!((wrapped - f[y * n]).abs() < 1e-9);
        }
        // Neighbours across the edge are as close as neighbours inside: the field is continuous.
        let step = |a: usize, b: usize| (f[a] - f[b]).abs();
        let across: f64 = (0..n).map(|y| step(y * n + n - 1, y * n)).sum::<f64>() / n as f64;
        let inside: f64 = (0..n).map(|y| step(y * n + n / 2, y * n + n / 2 + 1)).sum::<f64>() / n as f64;
        assert!(across < 3.0 * inside + 1e-3, "across {across} inside {inside}");
        // And it is not constant.
        let spread = f.iter().cloned().fold(f64::MIN, f64::max) - f.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 0.3);
    }

    #[test]
    fn perlin_size_sets_the_correlation_length() {
        // Larger size means more noise cells across the grid, so neighbouring directions decorrelate faster.
        let n = 60;
        let rough = |size: f64| {
            let f = perlin_field(n, size, 1);
            (0..n * n).map(|i| (f[i] - f[(i / n) * n + (i % n + 1) % n]).abs()).sum::<f64>()
        };
        assert!(rough(10.0) > 2.0 * rough(3.0));
    }

    #[test]
    fn seed_perlin_levels_double_zero() {
        let p = params(Preset::Seed, LandscapeKind::Perlin, 5);
        let l = Landscape::generate(&p);
        let zeros = l.direction.iter().filter(|&&a| a.abs() < 1e-6).count();
        let per_level = p.n_neurons() / p.perlin_levels;
        assert_eq!(zeros, 2 * per_level);
    }

    #[test]
    fn random_landscape_uses_the_eight_directions_uniformly() {
        let p = params(Preset::Paper, LandscapeKind::Random, 1);
        let l = Landscape::generate(&p);
        let mut counts = [0f64; 8];
        for id in 0..p.n_neurons() {
            counts[(l.angle(id).unwrap() / (PI / 4.0)).round() as usize] += 1.0;
        }
        let expected = p.n_neurons() as f64 / 8.0;
        let chi2: f64 = counts.iter().map(|c| (c - expected).powi(2) / expected).sum();
        assert!(chi2 < 24.3, "chi2 {chi2} counts {counts:?}"); // p = 0.001 at 7 dof
        let seed = Landscape::generate(&params(Preset::Seed, LandscapeKind::Random, 1));
        let distinct: std::collections::HashSet<u32> = seed.direction.iter().map(|a| a.to_bits()).collect();
        assert!(distinct.len() > 9000);
    }

    #[test]
    fn homogeneous_and_symmetric() {
        let mut p = params(Preset::Paper, LandscapeKind::Homogeneous, 2);
        p.direction_deg = 130.0;
        let l = Landscape::generate(&p);
        assert!(l.direction.iter().all(|&a| (f64::from(a) - 0.75 * PI).abs() < 1e-6));
        assert_eq!(lattice_step(0.75 * PI), (-1, 1));
        let s = Landscape::generate(&params(Preset::Seed, LandscapeKind::Homogeneous, 5));
        assert!((f64::from(s.direction[0]) - PI / 6.0).abs() < 1e-6);
        let sym = Landscape::generate(&params(Preset::Paper, LandscapeKind::Symmetric, 3));
        assert!(sym.direction.iter().all(|a| a.is_nan()));
    }

    #[test]
    fn the_shift_mode_not_the_preset_decides_lattice_directions() {
        let mut p = params(Preset::Paper, LandscapeKind::Random, 2);
        p.shift_mode = ShiftMode::Continuous;
        let l = Landscape::generate(&p);
        let off_lattice = l.direction.iter().filter(|&&a| (f64::from(a) - lattice_angle(f64::from(a))).abs() > 1e-3);
        assert!(off_lattice.count() > p.n_neurons() / 2);
        let mut s = params(Preset::Seed, LandscapeKind::Homogeneous, 5);
        s.shift_mode = ShiftMode::Lattice;
        let l = Landscape::generate(&s);
        assert!(l.direction.iter().all(|&a| (f64::from(a) - lattice_angle(f64::from(a))).abs() < 1e-6));
    }
}
