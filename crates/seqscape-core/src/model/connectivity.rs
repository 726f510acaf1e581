//! Connectivity: per-source "synapse buckets" in CSR form, drawn as the authors do.
//!
//! Each source draws `out_degree` targets at angle α ~ U(−π, π) and distance r ~ ±Gamma(k, θ)
//! (half negative, half positive), pushed away from zero by the gap. [`Params::shift_mode`] (the one
//! field the landscape reads too) decides the shift: with [`ShiftMode::Lattice`] (paper preset) the
//! target is rounded onto the lattice and then moved `R` lattice steps along the source's landscape
//! direction; with [`ShiftMode::Continuous`] (seed preset) the offset `R·(cos φ, sin φ)` is added
//! before rounding.
//! Self-connections are dropped, multapses kept. Every source draws from its own random stream, so
//! one source can be redrawn alone (the window's landscape brush) and the build parallelises
//! without changing the result. Each source's targets are stored sorted, once: a partition of the
//! sheet (a stripe of whole rows, contiguous ids) finds its share of a bucket as one contiguous
//! slice, so the network keeps four bytes per synapse at any size.

use rand::RngExt;
use rand_distr::{Distribution, Gamma};
use rayon::prelude::*;
use std::f64::consts::PI;

use super::landscape::{Landscape, lattice_step};
use super::params::{Params, ShiftMode};
use super::rng::{Purpose, stream};

/// Outgoing connections of every source in CSR form: the targets of source `s` are
/// `targets[offsets[s]..offsets[s + 1]]`, sorted ascending.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SynapseBuckets {
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
}

/// Draws the targets of `source` into `out` (cleared first), sorted ascending.
pub fn draw_targets(p: &Params, landscape: &Landscape, source: usize, out: &mut Vec<u32>) {
    out.clear();
    let n = p.n as i64;
    let (sx, sy) = ((source % p.n) as i64, (source / p.n) as i64);
    let mut rng = stream(p.seed, Purpose::Connections, source as u64);
    let gamma = Gamma::new(p.kappa, p.theta).expect("kappa and theta are validated positive");
    let half = p.out_degree / 2;
    let angle = landscape.angle(source);
    let (lattice_dx, lattice_dy) = match (p.shift_mode, angle) {
        (ShiftMode::Lattice, Some(phi)) => {
            let (dx, dy) = lattice_step(phi);
            let r = p.shift.round() as i64;
            (dx * r, dy * r)
        }
        _ => (0, 0),
    };
    let (cont_dx, cont_dy) = match (p.shift_mode, angle) {
        (ShiftMode::Continuous, Some(phi)) => (p.shift * phi.cos(), p.shift * phi.sin()),
        _ => (0.0, 0.0),
    };
    for k in 0..p.out_degree {
        let alpha = rng.random_range(-PI..PI);
        let mut r: f64 = gamma.sample(&mut rng);
        if k < half {
            r = -r;
        }
        if r < 0.0 {
            r -= p.gap;
        } else if r > 0.0 {
            r += p.gap;
        }
        let (x, y) = (r * alpha.cos() + cont_dx, r * alpha.sin() + cont_dy);
        if p.shift_mode == ShiftMode::Continuous && x * x + y * y < 1e-6 {
            continue;
        }
        let tx = (sx + x.round_ties_even() as i64 + lattice_dx).rem_euclid(n);
        let ty = (sy + y.round_ties_even() as i64 + lattice_dy).rem_euclid(n);
        let target = (ty * n + tx) as usize;
        if target != source {
            out.push(target as u32);
        }
    }
    out.sort_unstable();
}

impl SynapseBuckets {
    /// Draws every source's connections, in parallel on the current rayon pool, into one array of
    /// `out_degree` slots per source that is then compacted in place: the build needs no memory
    /// beyond the finished buckets.
    pub fn build(p: &Params, landscape: &Landscape) -> SynapseBuckets {
        let count = p.n_neurons();
        let degree = p.out_degree;
        let chunk = 256;
        let mut targets = vec![0u32; count * degree];
        let degree = degree.max(1);
        let mut lens = vec![0usize; count];
        targets.par_chunks_mut(chunk * degree).zip(lens.par_chunks_mut(chunk)).enumerate().for_each(
            |(c, (slots, lens))| {
                let mut buf = Vec::with_capacity(degree);
                for (j, len) in lens.iter_mut().enumerate() {
                    draw_targets(p, landscape, c * chunk + j, &mut buf);
                    slots[j * degree..j * degree + buf.len()].copy_from_slice(&buf);
                    *len = buf.len();
                }
            },
        );
        let mut offsets = Vec::with_capacity(count + 1);
        offsets.push(0);
        let mut end = 0;
        for (s, &len) in lens.iter().enumerate() {
            targets.copy_within(s * degree..s * degree + len, end);
            end += len;
            offsets.push(end);
        }
        targets.truncate(end);
        targets.shrink_to_fit();
        SynapseBuckets { offsets, targets }
    }

    pub fn n_sources(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn n_synapses(&self) -> usize {
        self.targets.len()
    }

    pub fn targets_of(&self, source: usize) -> &[u32] {
        &self.targets[self.offsets[source]..self.offsets[source + 1]]
    }

    /// Incoming connections per neuron (multapses counted).
    pub fn in_degree(&self, n_neurons: usize) -> Vec<u32> {
        let mut d = vec![0u32; n_neurons];
        for &t in &self.targets {
            d[t as usize] += 1;
        }
        d
    }

    /// Redraws the connections of `sources` (e.g. after their landscape direction changed).
    pub fn redraw(&mut self, p: &Params, landscape: &Landscape, sources: &[usize]) {
        let mut fresh: Vec<Option<Vec<u32>>> = vec![None; self.n_sources()];
        let mut buf = Vec::new();
        for &s in sources {
            if s < fresh.len() {
                draw_targets(p, landscape, s, &mut buf);
                fresh[s] = Some(buf.clone());
            }
        }
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut targets = Vec::with_capacity(self.targets.len());
        offsets.push(0);
        for (s, f) in fresh.iter().enumerate() {
            match f {
                Some(t) => targets.extend_from_slice(t),
                None => targets.extend_from_slice(self.targets_of(s)),
            }
            offsets.push(targets.len());
        }
        *self = SynapseBuckets { offsets, targets };
    }

    /// Whether every source's targets are sorted, as [`SynapseBuckets::restrict`] needs.
    pub fn is_sorted(&self) -> bool {
        (0..self.n_sources()).into_par_iter().all(|s| self.targets_of(s).is_sorted())
    }

    /// Where each source's targets inside one partition lie in [`SynapseBuckets::targets`]. The
    /// buckets must be sorted (they are built so; see [`SynapseBuckets::is_sorted`]).
    pub fn restrict(&self, part: &PartLayout) -> PartBuckets {
        let (lo, hi) = part.id_range();
        let sources = self.n_sources();
        let (mut begin, mut end) = (Vec::with_capacity(sources), Vec::with_capacity(sources));
        let mut packed = Packed::fits(part).then(|| Packed::new(hi - lo, sources));
        for s in 0..sources {
            let t = self.targets_of(s);
            let a = t.partition_point(|&x| (x as usize) < lo);
            let b = a + t[a..].partition_point(|&x| (x as usize) < hi);
            begin.push((self.offsets[s] + a) as u32);
            end.push((self.offsets[s] + b) as u32);
            if let Some(p) = packed.as_mut() {
                p.push_source(&t[a..b], lo);
            }
        }
        if let Some(p) = packed.as_mut() {
            p.words.shrink_to_fit();
        }
        PartBuckets { first_id: lo, begin, end, packed }
    }
}

/// A partition of the sheet: the stripe of rows `index·n/count .. (index + 1)·n/count`, so its ids
/// are contiguous. There are several stripes per worker: the pool balances the stripes a bump
/// crowds against the quiet ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartLayout {
    pub index: usize,
    pub count: usize,
    pub n: usize,
}

impl PartLayout {
    /// The `count` partitions of an n×n sheet.
    pub fn all(n: usize, count: usize) -> Vec<PartLayout> {
        let count = count.clamp(1, n.max(1));
        (0..count).map(|index| PartLayout { index, count, n }).collect()
    }

    /// The partition's rows, first and one past the last.
    pub fn rows(&self) -> (usize, usize) {
        (self.index * self.n / self.count, (self.index + 1) * self.n / self.count)
    }

    /// The partition's ids, first and one past the last.
    pub fn id_range(&self) -> (usize, usize) {
        let (r0, r1) = self.rows();
        (r0 * self.n, r1 * self.n)
    }

    /// Number of neurons in the partition.
    pub fn len(&self) -> usize {
        let (lo, hi) = self.id_range();
        hi - lo
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Global id (`y·n + x`) of local neuron `l`.
    #[inline]
    pub fn global(&self, l: usize) -> usize {
        self.id_range().0 + l
    }

    /// Local index of global neuron `id`, if it belongs to this partition.
    #[inline]
    pub fn local(&self, id: usize) -> Option<usize> {
        let (lo, hi) = self.id_range();
        (lo..hi).contains(&id).then(|| id - lo)
    }
}

/// One partition's share of the synapse buckets: for each source, the range of
/// [`SynapseBuckets::targets`] that falls inside the partition (targets minus `first_id` are local
/// indices). Built by [`SynapseBuckets::restrict`]; valid until the buckets change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartBuckets {
    first_id: usize,
    begin: Vec<u32>,
    end: Vec<u32>,
    /// The same synapses packed for delivery, where the partition is small enough.
    packed: Option<Packed>,
}

/// One partition's synapses as the delivery reads them: per source, its distinct targets in the
/// partition as 16-bit words, the local index in the low `bits` bits and the number of synapses to
/// it less one above (a multapse of more synapses than the high bits hold takes several words).
///
/// About three in ten of the paper's synapses repeat a target of the same source. A word per
/// distinct target adds each multapse's count at once, and half the width of a global id makes
/// the delivery read a third of the bytes. The counts are small integers, which `f32` adds
/// exactly in any grouping, so the arrivals are the same as one addition per synapse.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Packed {
    bits: u32,
    offsets: Vec<u32>,
    words: Vec<u16>,
}

impl Packed {
    /// Partitions of up to 2¹⁴ neurons are packed: at least two bits are left for the count.
    pub const MAX_LEN: usize = 1 << 14;
    /// Sheets of up to 2¹⁸ neurons (512×512) are packed: the words add at most 2 bytes per
    /// synapse to the buckets' 4, which larger sheets keep for themselves.
    pub const MAX_SHEET: usize = 1 << 18;

    /// Whether the partition is packed.
    pub fn fits(part: &PartLayout) -> bool {
        (1..=Self::MAX_LEN).contains(&part.len()) && part.n * part.n <= Self::MAX_SHEET
    }

    fn new(len: usize, sources: usize) -> Packed {
        let bits = usize::BITS - (len - 1).max(1).leading_zeros();
        let mut offsets = Vec::with_capacity(sources + 1);
        offsets.push(0);
        Packed { bits, offsets, words: Vec::new() }
    }

    /// Appends the next source's targets (sorted global ids, all from `first` on).
    fn push_source(&mut self, targets: &[u32], first: usize) {
        let most = 1usize << (16 - self.bits);
        let mut k = 0;
        while k < targets.len() {
            let t = targets[k];
            let run = targets[k..].iter().take_while(|&&x| x == t).count();
            let local = t as usize - first;
            let mut left = run;
            while left > 0 {
                let c = left.min(most);
                self.words.push((local | (c - 1) << self.bits) as u16);
                left -= c;
            }
            k += run;
        }
        self.offsets.push(self.words.len() as u32);
    }

    /// Bits of the local index.
    #[inline]
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The words of `source`.
    #[inline]
    pub fn words_of(&self, source: usize) -> &[u16] {
        &self.words[self.offsets[source] as usize..self.offsets[source + 1] as usize]
    }

    /// Decodes a word: the local index and the number of synapses.
    #[inline(always)]
    pub fn decode(&self, word: u16) -> (usize, u16) {
        (usize::from(word & ((1 << self.bits) - 1)), (word >> self.bits) + 1)
    }
}

impl PartBuckets {
    /// The range of the targets of `source` inside the partition.
    #[inline]
    pub fn range(&self, source: usize) -> std::ops::Range<usize> {
        self.begin[source] as usize..self.end[source] as usize
    }

    /// The global id of the partition's local neuron 0.
    #[inline]
    pub fn first_id(&self) -> usize {
        self.first_id
    }

    pub fn n_synapses(&self) -> usize {
        self.begin.iter().zip(&self.end).map(|(&a, &b)| (b - a) as usize).sum()
    }

    /// The packed synapses, where the partition and the sheet are small enough ([`Packed::fits`]).
    #[inline]
    pub fn packed(&self) -> Option<&Packed> {
        self.packed.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::{LandscapeKind, Preset};

    fn build(preset: Preset, landscape: LandscapeKind, s: u32) -> (Params, Landscape, SynapseBuckets) {
        let p = Params::new(preset, landscape, s).unwrap();
        let l = Landscape::generate(&p);
        let b = SynapseBuckets::build(&p, &l);
        (p, l, b)
    }

    fn torus_delta(a: i64, b: i64, n: i64) -> i64 {
        let d = (b - a).rem_euclid(n);
        if d > n / 2 { d - n } else { d }
    }

    #[test]
    fn mean_in_degree_is_out_degree_less_self_connections() {
        for landscape in LandscapeKind::ALL {
            let (p, _, b) = build(Preset::Paper, landscape, 2);
            let drawn = p.n_neurons() * p.out_degree;
            let removed = drawn - b.n_synapses();
            let in_deg = b.in_degree(p.n_neurons());
            let total: u64 = in_deg.iter().map(|&d| u64::from(d)).sum();
            assert_eq!(total as usize, b.n_synapses());
            let mean = total as f64 / p.n_neurons() as f64;
            assert!((mean - (p.out_degree as f64 - removed as f64 / p.n_neurons() as f64)).abs() < 1e-9);
            // With the gap of 1.1 a target lands on its source only through the shift: rare.
            assert!((removed as f64) < 0.02 * drawn as f64, "{landscape}: removed {removed}");
            for s in 0..p.n_neurons() {
                assert!(b.targets_of(s).iter().all(|&t| t as usize != s));
            }
        }
    }

    #[test]
    fn homogeneous_shift_moves_the_centre_of_mass_one_lattice_step() {
        let (p, _, b) = build(Preset::Paper, LandscapeKind::Homogeneous, 2);
        let n = p.n as i64;
        let (mut mx, mut my, mut c) = (0.0, 0.0, 0.0);
        for s in 0..p.n_neurons() {
            let (sx, sy) = ((s % p.n) as i64, (s / p.n) as i64);
            for &t in b.targets_of(s) {
                mx += torus_delta(sx, i64::from(t) % n, n) as f64;
                my += torus_delta(sy, i64::from(t) / n, n) as f64;
                c += 1.0;
            }
        }
        // 135°: the step (−1, +1).
        assert!((mx / c + 1.0).abs() < 0.02 && (my / c - 1.0).abs() < 0.02, "{} {}", mx / c, my / c);
        let (p0, _, b0) = build(Preset::Paper, LandscapeKind::Symmetric, 2);
        let (mut sx0, mut c0) = (0.0, 0.0);
        for s in 0..p0.n_neurons() {
            for &t in b0.targets_of(s) {
                sx0 += torus_delta((s % p0.n) as i64, i64::from(t) % n, n) as f64;
                c0 += 1.0;
            }
        }
        assert!((sx0 / c0).abs() < 0.02);
    }

    #[test]
    fn distances_follow_the_gamma_profile() {
        let (p, _, b) = build(Preset::Paper, LandscapeKind::Symmetric, 1);
        let n = p.n as i64;
        let mut mean_r = 0.0;
        let mut count = 0.0;
        for s in (0..p.n_neurons()).step_by(97) {
            for &t in b.targets_of(s) {
                let dx = torus_delta((s % p.n) as i64, i64::from(t) % n, n) as f64;
                let dy = torus_delta((s / p.n) as i64, i64::from(t) / n, n) as f64;
                let r = (dx * dx + dy * dy).sqrt();
                assert!(r >= 0.5);
                mean_r += r;
                count += 1.0;
            }
        }
        // E|r| = kθ + gap = 13.1, blurred a little by rounding onto the lattice.
        let mean_r = mean_r / count;
        assert!((mean_r - 13.1).abs() < 0.3, "mean distance {mean_r}");
    }

    #[test]
    fn redraw_is_identical_to_a_fresh_build_and_restrict_partitions() {
        let (p, mut l, mut b) = build(Preset::Paper, LandscapeKind::Perlin, 4);
        for s in [3usize, 40, 41] {
            l.direction[s] = 0.0;
        }
        b.redraw(&p, &l, &[3, 40, 41]);
        assert_eq!(b, SynapseBuckets::build(&p, &l));
        let parts = PartLayout::all(p.n, 3);
        assert_eq!(parts.iter().map(|l| l.len()).sum::<usize>(), p.n_neurons());
        for l in &parts {
            for i in 0..l.len() {
                assert_eq!(l.local(l.global(i)), Some(i));
            }
        }
        let restricted: Vec<PartBuckets> = parts.iter().map(|l| b.restrict(l)).collect();
        assert_eq!(restricted.iter().map(|r| r.n_synapses()).sum::<usize>(), b.n_synapses());
        for s in 0..p.n_neurons() {
            let mut merged: Vec<u32> = Vec::new();
            for (l, r) in parts.iter().zip(&restricted) {
                let inside = &b.targets[r.range(s)];
                assert!(inside.iter().all(|&t| l.local(t as usize).is_some()));
                merged.extend_from_slice(inside);
                // The packed words expand to the same targets, each once per synapse.
                let packed = r.packed().expect("a partition of this size is packed");
                let mut expanded = Vec::new();
                for &w in packed.words_of(s) {
                    let (local, count) = packed.decode(w);
                    expanded.extend(std::iter::repeat_n((local + r.first_id()) as u32, usize::from(count)));
                }
                assert_eq!(expanded, inside, "source {s}");
            }
            let mut orig = b.targets_of(s).to_vec();
            merged.sort_unstable();
            orig.sort_unstable();
            assert_eq!(merged, orig);
        }
    }

    #[test]
    fn seed_preset_adds_the_continuous_shift_before_rounding() {
        let (p, _, b) = build(Preset::Seed, LandscapeKind::Homogeneous, 2);
        let n = p.n as i64;
        let (mut mx, mut my, mut c) = (0.0, 0.0, 0.0);
        for s in 0..p.n_neurons() {
            for &t in b.targets_of(s) {
                mx += torus_delta((s % p.n) as i64, i64::from(t) % n, n) as f64;
                my += torus_delta((s / p.n) as i64, i64::from(t) / n, n) as f64;
                c += 1.0;
            }
        }
        let phi = std::f64::consts::PI / 6.0;
        assert!((mx / c - phi.cos()).abs() < 0.03 && (my / c - phi.sin()).abs() < 0.03, "{} {}", mx / c, my / c);
        assert_eq!(b.n_synapses(), p.n_neurons() * p.out_degree);
    }

    #[test]
    fn packed_words_split_multapses_beyond_their_count_bits_and_large_partitions_are_not_packed() {
        // A partition of 2¹⁴ neurons keeps two bits for the count: a multapse of 9 synapses takes
        // three words (4 + 4 + 1).
        let len = Packed::MAX_LEN;
        let mut p = Packed::new(len, 1);
        assert_eq!(p.bits(), 14);
        let first = 1000;
        let targets: Vec<u32> = [vec![1000; 9], vec![1001], vec![1000 + len as u32 - 1; 2]].concat();
        p.push_source(&targets, first);
        let decoded: Vec<(usize, u16)> = p.words_of(0).iter().map(|&w| p.decode(w)).collect();
        assert_eq!(decoded, vec![(0, 4), (0, 4), (0, 1), (1, 1), (len - 1, 2)]);
        // A 200×200 sheet in two stripes: 20 000 neurons each, delivered from the global ids; in
        // four, packed; a 600×600 sheet is not packed, however small its stripes.
        let buckets = SynapseBuckets { offsets: vec![0; 200 * 200 + 1], targets: Vec::new() };
        assert!(PartLayout::all(200, 2).iter().all(|l| buckets.restrict(l).packed().is_none()));
        assert!(PartLayout::all(200, 4).iter().all(|l| buckets.restrict(l).packed().is_some()));
        assert!(PartLayout::all(600, 600).iter().all(|l| !Packed::fits(l)));
        // A small one is packed with as few index bits as it needs.
        let small = SynapseBuckets { offsets: vec![0; 100 * 100 + 1], targets: Vec::new() };
        let part = small.restrict(&PartLayout::all(100, 8)[0]);
        assert_eq!(part.packed().map(Packed::bits), Some(11));
    }
}
