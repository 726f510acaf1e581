//! The four projections of the E-I network, drawn as the authors' `lcrn_gauss_targets` draws them,
//! and the stimulated site.
//!
//! A source at (x, y) on its own grid sits at (⌊x·n_t/n_s⌋, ⌊y·n_t/n_s⌋) on the target grid; each
//! of its `p·N_target` connections (with replacement, multapses kept) goes at angle α ~ U(−π, π)
//! and distance r = σ·N(0, 1), pushed away from zero by the gap, rounded onto the target lattice
//! per axis on the torus. E→E targets then move `shift` lattice steps along the source's landscape
//! direction (on the E grid); the other three projections are unshifted. Self-connections are dropped
//! within a population (E→E after the shift, I→I). Every (projection, source) pair draws from its
//! own random stream, so the build parallelises without changing the result.
//!
//! The network keeps all neurons in one id space, E first (`0..n_e²`) then I (`n_e²..`): a
//! source's bucket holds the global ids of its targets in both populations, sorted, so a
//! partition (a stripe of whole rows of one sheet, contiguous ids) finds its share as one slice.

use std::f64::consts::PI;

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::params::{EiParams, Population, Projection};
use crate::model::landscape::{Landscape, lattice_step};
use crate::model::rng::{Purpose, stream};

/// The random-stream index of `proj`'s connections from `source` (above every I-network source id).
fn connection_key(proj: Projection, source: usize) -> u64 {
    ((16 + proj.index()) << 32) | source as u64
}

/// The random-stream index of the stimulus draws.
const STIMULUS_KEY: u64 = 32 << 32;

/// Appends the targets of `source` (an id on the source grid) in `proj` to `out`, as ids on the
/// target grid, in drawing order.
pub fn draw_projection(p: &EiParams, landscape: &Landscape, proj: Projection, source: usize, out: &mut Vec<u32>) {
    let (ns, nt) = (p.side(proj.source()), p.side(proj.target()));
    let scale = nt as f64 / ns as f64;
    let sx = ((source % ns) as f64 * scale) as i64;
    let sy = ((source / ns) as f64 * scale) as i64;
    let (dx, dy) = match (proj, landscape.angle(source)) {
        (Projection::EE, Some(phi)) => {
            let (dx, dy) = lattice_step(phi);
            let r = p.shift.round() as i64;
            (dx * r, dy * r)
        }
        _ => (0, 0),
    };
    let sigma = p.sigma(proj);
    let nt = nt as i64;
    let mut rng = stream(p.seed, Purpose::Connections, connection_key(proj, source));
    for _ in 0..p.out_degree(proj) {
        let alpha = rng.random_range(-PI..PI);
        let z: f64 = StandardNormal.sample(&mut rng);
        let mut r = sigma * z;
        if r > 0.0 {
            r += p.gap;
        } else if r < 0.0 {
            r -= p.gap;
        }
        let tx = (sx + (r * alpha.cos()).round_ties_even() as i64 + dx).rem_euclid(nt);
        let ty = (sy + (r * alpha.sin()).round_ties_even() as i64 + dy).rem_euclid(nt);
        let target = (ty * nt + tx) as usize;
        if proj.recurrent() && target == source {
            continue;
        }
        out.push(target as u32);
    }
}

/// The stimulated E neurons: the distinct targets of `draws` Gaussian draws (σ = the stimulus
/// width, no gap) around the centre E neuron (n_e/2, n_e/2), sorted.
pub fn stimulus_targets(p: &EiParams) -> Vec<u32> {
    let n = p.n_e as i64;
    let c = n / 2;
    let mut rng = stream(p.seed, Purpose::Connections, STIMULUS_KEY);
    let mut ids: Vec<u32> = (0..p.stimulus.draws)
        .map(|_| {
            let alpha = rng.random_range(-PI..PI);
            let z: f64 = StandardNormal.sample(&mut rng);
            let r = p.stimulus.sigma * z;
            let x = (c + (r * alpha.cos()).round_ties_even() as i64).rem_euclid(n);
            let y = (c + (r * alpha.sin()).round_ties_even() as i64).rem_euclid(n);
            (y * n + x) as u32
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A contiguous range of global ids of one population: a stripe of whole rows of its sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EiPart {
    pub pop: Population,
    /// First global id and one past the last.
    pub lo: usize,
    pub hi: usize,
}

impl EiPart {
    pub fn len(&self) -> usize {
        self.hi - self.lo
    }

    pub fn is_empty(&self) -> bool {
        self.hi == self.lo
    }
}

/// Splits both sheets into stripes of whole rows: `per_thread` E stripes and half as many I stripes
/// (at least one) per worker.
pub fn partitions(p: &EiParams, threads: usize) -> Vec<EiPart> {
    let threads = threads.max(1);
    let mut parts = Vec::new();
    let mut first = 0;
    for (pop, count) in [(Population::E, 4 * threads), (Population::I, 2 * threads)] {
        let n = p.side(pop);
        let count = count.clamp(1, n);
        for k in 0..count {
            let (r0, r1) = (k * n / count, (k + 1) * n / count);
            parts.push(EiPart { pop, lo: first + r0 * n, hi: first + r1 * n });
        }
        first += n * n;
    }
    parts
}

/// Every source's targets in both populations, as global ids, in CSR form.
#[derive(Clone, Debug, PartialEq)]
pub struct EiConnectivity {
    /// The landscape of the E sheet (only E→E connections are shifted).
    pub landscape: Landscape,
    /// The targets of global source `s` are `targets[offsets[s]..offsets[s + 1]]`, sorted.
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    /// Number of E neurons: global ids below it are E, the rest I (id − n_e² on the I grid).
    pub n_e_neurons: usize,
}

/// The sorted global targets of global source `g` in every projection it sends.
fn draw_bucket(p: &EiParams, landscape: &Landscape, ne: usize, g: usize) -> Vec<u32> {
    let (pop, local) = if g < ne { (Population::E, g) } else { (Population::I, g - ne) };
    let mut out = Vec::new();
    for proj in Projection::ALL.into_iter().filter(|q| q.source() == pop) {
        let start = out.len();
        draw_projection(p, landscape, proj, local, &mut out);
        if proj.target() == Population::I {
            for t in &mut out[start..] {
                *t += ne as u32;
            }
        }
    }
    out.sort_unstable();
    out
}

impl EiConnectivity {
    /// Draws the landscape and all four projections, in parallel on the current rayon pool.
    pub fn build(p: &EiParams) -> EiConnectivity {
        let landscape = Landscape::generate(&p.neuron_params());
        let ne = p.n_neurons(Population::E);
        let total = p.n_total();
        let buckets: Vec<Vec<u32>> = (0..total).into_par_iter().map(|g| draw_bucket(p, &landscape, ne, g)).collect();
        let mut offsets = Vec::with_capacity(total + 1);
        offsets.push(0);
        let mut targets = Vec::with_capacity(buckets.iter().map(Vec::len).sum());
        for b in buckets {
            targets.extend_from_slice(&b);
            offsets.push(targets.len());
        }
        EiConnectivity { landscape, offsets, targets, n_e_neurons: ne }
    }

    /// Draws again the connections of the E neurons `sources` (E-grid ids) after their directions
    /// changed in [`EiConnectivity::landscape`], each from its own random streams as
    /// [`EiConnectivity::build`] draws it, so that restoring a direction restores its connections.
    /// Only E→E depends on the landscape; E→I is drawn again from its unchanged stream.
    pub fn redraw(&mut self, p: &EiParams, sources: &[usize]) {
        let ne = self.n_e_neurons;
        let mut fresh: Vec<(usize, Vec<u32>)> =
            sources.par_iter().filter(|&&s| s < ne).map(|&s| (s, draw_bucket(p, &self.landscape, ne, s))).collect();
        if fresh.is_empty() {
            return;
        }
        fresh.sort_unstable_by_key(|f| f.0);
        fresh.dedup_by_key(|f| f.0);
        let old_offsets = std::mem::take(&mut self.offsets);
        let old_targets = std::mem::take(&mut self.targets);
        let mut offsets = Vec::with_capacity(old_offsets.len());
        let mut targets = Vec::with_capacity(old_targets.len());
        offsets.push(0);
        let mut next = fresh.iter().peekable();
        for s in 0..old_offsets.len() - 1 {
            match next.peek() {
                Some((f, bucket)) if *f == s => {
                    targets.extend_from_slice(bucket);
                    next.next();
                }
                _ => targets.extend_from_slice(&old_targets[old_offsets[s]..old_offsets[s + 1]]),
            }
            offsets.push(targets.len());
        }
        self.offsets = offsets;
        self.targets = targets;
    }

    pub fn n_sources(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn n_synapses(&self) -> usize {
        self.targets.len()
    }

    /// The global ids of the targets of global source `s`, sorted.
    pub fn targets_of(&self, s: usize) -> &[u32] {
        &self.targets[self.offsets[s]..self.offsets[s + 1]]
    }

    /// The population of global id `g` and its id on that population's grid.
    pub fn split(&self, g: usize) -> (Population, usize) {
        if g < self.n_e_neurons { (Population::E, g) } else { (Population::I, g - self.n_e_neurons) }
    }

    /// E→E in-degree of every E neuron (multapses counted), E-grid ids.
    pub fn in_degree_ee(&self) -> Vec<u32> {
        let ne = self.n_e_neurons;
        let mut d = vec![0u32; ne];
        for s in 0..ne {
            for &t in self.targets_of(s) {
                if (t as usize) < ne {
                    d[t as usize] += 1;
                }
            }
        }
        d
    }

    /// Where each source's targets inside `part` lie in [`EiConnectivity::targets`].
    pub fn restrict(&self, part: &EiPart) -> EiPartBuckets {
        let sources = self.n_sources();
        let (mut begin, mut end) = (Vec::with_capacity(sources), Vec::with_capacity(sources));
        for s in 0..sources {
            let t = self.targets_of(s);
            let a = t.partition_point(|&x| (x as usize) < part.lo);
            let b = a + t[a..].partition_point(|&x| (x as usize) < part.hi);
            begin.push((self.offsets[s] + a) as u32);
            end.push((self.offsets[s] + b) as u32);
        }
        EiPartBuckets { begin, end }
    }
}

/// One partition's share of the buckets: for each global source, the range of
/// [`EiConnectivity::targets`] inside the partition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EiPartBuckets {
    begin: Vec<u32>,
    end: Vec<u32>,
}

impl EiPartBuckets {
    #[inline]
    pub fn range(&self, source: usize) -> std::ops::Range<usize> {
        self.begin[source] as usize..self.end[source] as usize
    }
}
