//! Connectivity landscapes: the direction each neuron's outgoing connections are shifted along.
//!
//! Directions are radians in [0, 2π) measured from +x toward +y (135° is the lattice step (−1, +1));
//! NaN marks an unshifted neuron. [`Params::shift_mode`] decides whether they are the 8 lattice
//! directions (as [`ShiftMode::Lattice`] moves targets) or continuous angles.
//!
//! A file landscape ([`LandscapeKind::File`]) takes its directions from
//! [`Params::landscape_map`](super::params::Params::landscape_map), rounded to the lattice
//! directions with the lattice shift and otherwise as given, so that a run's `landscape.npy` read
//! back builds the same connections from the same random streams.
//!
//! The Perlin landscape is drawn as the authors draw it: one octave of 2-D Perlin gradient noise
//! whose lattice coordinates are taken modulo `size` (the `noise` package's
//! `pnoise2(x, y, repeatx=size, repeaty=size)`), so `size` noise cells span the grid and the field
//! tiles the torus exactly. It is sampled at x = k·size/n, k = 0 … n−1, in both axes (the authors'
//! `linspace(0, size, n)` repeats the edge row; these samples do not) and rank-equalised so that every
//! direction level holds the same number of neurons (within one). [`PeriodicPerlin`] is written here
//! rather than taken from the `noise` crate because that crate's Perlin has no period and its 2-D core
//! draws only the four diagonal gradients, where `pnoise2` draws from sixteen (the twelve cube edges
//! of improved Perlin noise projected onto the plane, four repeated); the gradient set shapes the
//! field's autocorrelation. Its permutation table is drawn from the master seed.

use std::f64::consts::{PI, TAU};

use rand::RngExt;

use super::params::{LandscapeKind, Params, ShiftMode};
use super::rng::{Purpose, splitmix64, stream};

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
                // `Params::validate` admits integer sizes from 1 to n only.
                let size = (p.perlin_size.round().max(1.0) as usize).min(n);
                let field = perlin_field(n, size, p.seed);
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
            LandscapeKind::File => {
                let map = p.landscape_map.as_ref().expect("Params::validate admits a file landscape only with its map");
                assert_eq!(map.direction.len(), count, "Params::validate checks the map's size");
                map.direction
                    .iter()
                    .map(|&a| if lattice && !a.is_nan() { lattice_angle(f64::from(a)) as f32 } else { a })
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

/// The 2-D gradients of `pnoise2`: the x, y components of improved Perlin noise's sixteen 3-D
/// gradients (the twelve cube edges, four of them repeated), picked by a hash's low four bits.
const GRADIENTS: [(f64, f64); 16] = [
    (1.0, 1.0),
    (-1.0, 1.0),
    (1.0, -1.0),
    (-1.0, -1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, 1.0),
    (0.0, -1.0),
    (0.0, 1.0),
    (0.0, -1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, -1.0),
    (0.0, 1.0),
];

/// Classic 2-D Perlin gradient noise, periodic with `period` lattice cells along both axes.
#[derive(Clone, Debug)]
pub struct PeriodicPerlin {
    /// A permutation of 0..L, written twice so that `perm[perm[i] + j]` needs no wrap. L is 256 as in
    /// `pnoise2` up to period 256, beyond that the period rounded up to a multiple of 16, so that
    /// every lattice point of one period has its own entry and the gradients stay uniform.
    perm: Vec<u32>,
    period: usize,
}

impl PeriodicPerlin {
    /// Noise with period `period` ≥ 1 and a permutation table drawn from `seed`.
    pub fn new(period: usize, seed: u64) -> PeriodicPerlin {
        assert!(period >= 1, "Perlin period {period} < 1");
        let len = period.next_multiple_of(16).max(256);
        let mut rng = stream(seed, Purpose::Perlin, 0);
        let mut table: Vec<u32> = (0..len as u32).collect();
        for i in (1..len).rev() {
            table.swap(i, rng.random_range(0..=i));
        }
        let perm = table.iter().chain(&table).copied().collect();
        PeriodicPerlin { perm, period }
    }

    /// The noise at (x, y): zero on every lattice point, within ±1, and equal at x and x + period.
    pub fn get(&self, x: f64, y: f64) -> f64 {
        let (x0, y0) = (x.floor(), y.floor());
        let (u, v) = (x - x0, y - y0);
        let cell = |c: f64| (c as i64).rem_euclid(self.period as i64) as usize;
        let (i, j) = (cell(x0), cell(y0));
        let (i1, j1) = ((i + 1) % self.period, (j + 1) % self.period);
        let p = |k: usize| self.perm[k] as usize;
        let (a, b) = (p(i), p(i1));
        let grad = |hash: usize, dx: f64, dy: f64| {
            let (gx, gy) = GRADIENTS[p(hash) & 15];
            gx * dx + gy * dy
        };
        let (fu, fv) = (fade(u), fade(v));
        let bottom = lerp(fu, grad(p(a + j), u, v), grad(p(b + j), u - 1.0, v));
        let top = lerp(fu, grad(p(a + j1), u, v - 1.0), grad(p(b + j1), u - 1.0, v - 1.0));
        lerp(fv, bottom, top)
    }
}

/// Perlin's quintic fade 6t⁵ − 15t⁴ + 10t³.
fn fade(t: f64) -> f64 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

fn lerp(t: f64, a: f64, b: f64) -> f64 {
    a + t * (b - a)
}

/// Perlin noise on the n×n torus with `size` noise cells across the grid, sampled at
/// (x, y) = (k·size/n, l·size/n) for neuron `l·n + k`; it tiles exactly.
pub fn perlin_field(n: usize, size: usize, seed: u64) -> Vec<f64> {
    let perlin = PeriodicPerlin::new(size, seed);
    let at: Vec<f64> = (0..n).map(|k| (k * size) as f64 / n as f64).collect();
    let mut field = Vec::with_capacity(n * n);
    for &y in &at {
        for &x in &at {
            field.push(perlin.get(x, y));
        }
    }
    field
}

/// Rank-equalises `values` into `levels` bins of equal count (within one): level = ⌊rank·L/N⌋.
///
/// Equal values are ranked in a fixed scrambled order of their indices, not in index order: Perlin
/// noise is exactly zero on lattice points, and when n is a multiple of the size these are sampled,
/// so index order would split them into two median levels by row.
pub fn rank_levels(values: &[f64], levels: usize) -> Vec<usize> {
    let count = values.len();
    let mut order: Vec<(f64, u64, usize)> =
        values.iter().enumerate().map(|(id, &v)| (v, splitmix64(id as u64), id)).collect();
    // partial_cmp: −0 and +0 are one value. The values are never NaN.
    order.sort_unstable_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or_else(|| a.0.total_cmp(&b.0)).then(a.1.cmp(&b.1)));
    let order: Vec<usize> = order.into_iter().map(|(_, _, id)| id).collect();
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
        let size = 3;
        let f = perlin_field(n, size, 5);
        // The noise repeats after `size` cells, so the sample one step beyond the edge is the first one.
        let perlin = PeriodicPerlin::new(size, 5);
        for k in 0..n {
            let y = (k * size) as f64 / n as f64;
            assert_eq!(perlin.get(size as f64, y), f[k * n]);
            assert_eq!(perlin.get(y, size as f64), f[k]);
            assert!((perlin.get(y - size as f64, 2.7) - perlin.get(y, 2.7 + size as f64)).abs() < 1e-12);
        }
        // Neighbours across the edge are as close as neighbours inside: the field is continuous.
        let step = |a: usize, b: usize| (f[a] - f[b]).abs();
        let across: f64 = (0..n).map(|y| step(y * n + n - 1, y * n)).sum::<f64>() / n as f64;
        let inside: f64 = (0..n).map(|y| step(y * n + n / 2, y * n + n / 2 + 1)).sum::<f64>() / n as f64;
        assert!(across < 3.0 * inside + 1e-3, "across {across} inside {inside}");
        // It is zero on the lattice points, bounded, and not constant.
        assert_eq!(perlin.get(1.0, 2.0), 0.0);
        assert!(f.iter().all(|v| v.abs() <= 1.0));
        let spread = f.iter().cloned().fold(f64::MIN, f64::max) - f.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 0.3);
        // Periods beyond the 256-entry table of `pnoise2` tile as well.
        let wide = PeriodicPerlin::new(300, 5);
        assert!((wide.get(0.3, 299.6) - wide.get(300.3, -0.4)).abs() < 1e-12);
        assert!((0..300).any(|i| wide.get(i as f64 + 0.5, 0.5) != wide.get(i as f64 + 256.5, 0.5)));
        // The permutation table follows the seed.
        assert_ne!(perlin_field(n, size, 6), f);
        assert_eq!(perlin_field(n, size, 5), f);
    }

    #[test]
    fn perlin_size_sets_the_correlation_length() {
        // Larger size means more noise cells across the grid, so neighbouring directions decorrelate faster.
        let n = 60;
        let rough = |size: usize| {
            let f = perlin_field(n, size, 1);
            (0..n * n).map(|i| (f[i] - f[(i / n) * n + (i % n + 1) % n]).abs()).sum::<f64>()
        };
        assert!(rough(10) > 2.0 * rough(3));
    }

    /// mean(cos(φ(x) − φ(x + lag))) over the sheet with periodic wrap, averaged over both axes.
    fn direction_autocorrelation(l: &Landscape, lag: usize) -> f64 {
        let n = l.n;
        let phi = |x: usize, y: usize| f64::from(l.direction[(y % n) * n + x % n]);
        let mut sum = 0.0;
        for y in 0..n {
            for x in 0..n {
                sum += (phi(x, y) - phi(x + lag, y)).cos() + (phi(x, y) - phi(x, y + lag)).cos();
            }
        }
        sum / (2 * n * n) as f64
    }

    #[test]
    fn perlin_autocorrelation_matches_the_authors() {
        // The table is written by scripts/perlin_reference.py from the `noise` package's pnoise2,
        // equalised into 8 directions as the authors' NEST code does, means over bases 0..7.
        let table = include_str!("../../tests/data/perlin_autocorrelation.csv");
        let rows: Vec<(usize, usize, f64)> = table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("size"))
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                (c[0].parse().unwrap(), c[1].parse().unwrap(), c[2].parse().unwrap())
            })
            .collect();
        assert_eq!(rows.len(), 12);
        let mut failures = Vec::new();
        for size in [3, 5, 10, 20] {
            let maps: Vec<Landscape> = (0..8)
                .map(|seed| {
                    let mut p = params(Preset::Paper, LandscapeKind::Perlin, 1);
                    p.perlin_size = size as f64;
                    p.seed = seed;
                    Landscape::generate(&p)
                })
                .collect();
            assert_eq!(maps[0].n, 100);
            for &(_, lag, authors) in rows.iter().filter(|r| r.0 == size) {
                let ours = maps.iter().map(|l| direction_autocorrelation(l, lag)).sum::<f64>() / 8.0;
                if (ours - authors).abs() > 0.05 {
                    failures.push(format!("size {size} lag {lag}: ours {ours:.3}, authors {authors:.3}"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
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

    #[test]
    fn a_generated_landscape_read_back_as_a_map_builds_the_same_connections() {
        use crate::model::SynapseBuckets;
        use crate::model::params::LandscapeMap;
        for (preset, kind, shift_mode) in [
            (Preset::Paper, LandscapeKind::Perlin, ShiftMode::Lattice),
            (Preset::Paper, LandscapeKind::Random, ShiftMode::Continuous),
            (Preset::Seed, LandscapeKind::Random, ShiftMode::Continuous),
        ] {
            let mut p = params(preset, kind, 5);
            p.shift_mode = shift_mode;
            p.seed = 11;
            let generated = Landscape::generate(&p);
            let mut q = p.clone();
            q.landscape = LandscapeKind::File;
            q.landscape_map = Some(LandscapeMap::new("landscape.npy", p.n, generated.direction.clone()).unwrap());
            q.validate().unwrap();
            let read = Landscape::generate(&q);
            assert!(read.direction.iter().zip(&generated.direction).all(|(a, b)| a.to_bits() == b.to_bits()));
            assert_eq!(
                SynapseBuckets::build(&q, &read),
                SynapseBuckets::build(&p, &generated),
                "{kind} {shift_mode:?}"
            );
        }
    }

    #[test]
    fn a_map_is_rounded_to_the_lattice_only_with_the_lattice_shift() {
        use crate::model::params::LandscapeMap;
        let mut p = params(Preset::Paper, LandscapeKind::File, 5);
        let mut direction = vec![0.3f32; p.n_neurons()];
        direction[1] = f32::NAN;
        direction[2] = 6.1;
        p.landscape_map = Some(LandscapeMap::new("m.npy", p.n, direction).unwrap());
        p.validate().unwrap();
        let lattice = Landscape::generate(&p);
        assert_eq!((lattice.direction[0], lattice.direction[2]), (0.0, 0.0));
        assert!((f64::from(lattice.direction[3]) - 0.0).abs() < 1e-9 && lattice.direction[1].is_nan());
        p.shift_mode = ShiftMode::Continuous;
        let free = Landscape::generate(&p);
        assert_eq!((free.direction[0], free.direction[2]), (0.3, 6.1));
        // Out of range, the wrong size, or no map at all: refused, naming the field.
        assert!(LandscapeMap::new("m.npy", 2, vec![0.0, 1.0, 7.0, 0.0]).unwrap_err().to_string().contains("row 1"));
        assert!(LandscapeMap::new("m.npy", 2, vec![0.0, -0.1, 0.0, 0.0]).is_err());
        assert!(LandscapeMap::new("m.npy", 2, vec![0.0; 3]).is_err());
        let float32_tau = LandscapeMap::new("m.npy", 1, vec![std::f32::consts::TAU]);
        assert!(float32_tau.is_ok(), "a float32 cast of an angle just below 2π");
        let mut bigger = p.clone();
        bigger.n = p.n + 2;
        assert!(bigger.validate().unwrap_err().to_string().contains("landscape file"));
        p.landscape_map = None;
        assert!(p.validate().unwrap_err().to_string().contains("--landscape-file"));
    }
}
