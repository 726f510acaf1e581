//! DBSCAN clustering of spikes in (time, x, y) space.
//!
//! Every spike is a point `(t / td, x, y)` where `(x, y)` is the position of
//! its neuron on the `n x n` grid. Two spikes are neighbours when their
//! Euclidean distance is at most `eps`; with `wrap` the x and y differences are
//! taken on the torus (`dx = min(|dx|, n - |dx|)`), so a bump crossing the edge
//! of the sheet stays one cluster. A spike with at least `min_samples`
//! neighbours (itself included) is a core point; clusters are the connected
//! components of core points, and non-core spikes within `eps` of a core point
//! (border points) join the first cluster that reaches them in the standard
//! sequential algorithm of Ester et al. (1996), i.e. the cluster whose
//! earliest core spike comes first. All other spikes are noise (label `-1`).
//! Clusters are numbered `0, 1, ...` in order of their earliest spike.
//!
//! Neighbours are found through a grid index with cells at least `eps` wide
//! in every dimension, so each query only looks at the 27 surrounding cells;
//! neighbour lists are never stored, which keeps memory linear in the number
//! of spikes even for dense bumps.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{AnalysisError, check_spikes};

/// Parameters of the spike DBSCAN.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DbscanParams {
    /// Time scale in ms: one unit of the clustering space in the time axis.
    pub td_ms: f64,
    /// Neighbourhood radius in clustering-space units (grid cells, `td_ms`).
    pub eps: f64,
    /// Minimum number of neighbours (the point itself included) of a core point.
    pub min_samples: usize,
    /// Periodic x and y distances on the torus (`false`: raw grid coordinates).
    pub wrap: bool,
}

impl Default for DbscanParams {
    fn default() -> Self {
        Self { td_ms: 20.0, eps: 3.0, min_samples: 20, wrap: true }
    }
}

/// The most cells the grid index may have along one axis (2^20): it bounds how small `eps` and
/// `td_ms` may be for a given sheet and time span.
pub const MAX_GRID_CELLS_PER_AXIS: u64 = 1 << 20;

impl DbscanParams {
    /// Checks [`DbscanParams::validate`] and that the grid index for spikes spanning `span_ms` on an
    /// `n x n` sheet has at most [`MAX_GRID_CELLS_PER_AXIS`] cells along each axis: `n / eps` across
    /// the sheet and `span_ms / (td_ms * eps)` along time.
    pub fn check_grid(&self, n: usize, span_ms: f64) -> Result<(), AnalysisError> {
        self.validate()?;
        let max = MAX_GRID_CELLS_PER_AXIS as f64;
        if n as f64 / self.eps > max {
            return Err(AnalysisError::EpsTooSmall { eps: self.eps, n, min_eps: n as f64 / max });
        }
        if span_ms / self.td_ms / self.eps > max {
            let min_td_ms = span_ms / self.eps / max;
            return Err(AnalysisError::TimeScaleTooSmall { td_ms: self.td_ms, eps: self.eps, span_ms, min_td_ms });
        }
        Ok(())
    }

    /// Returns an error naming the first invalid parameter.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(AnalysisError::InvalidEps { eps: self.eps });
        }
        if !(self.td_ms.is_finite() && self.td_ms > 0.0) {
            return Err(AnalysisError::InvalidTimeScale { td_ms: self.td_ms });
        }
        if self.min_samples == 0 {
            return Err(AnalysisError::ZeroMinSamples);
        }
        Ok(())
    }
}

/// Full DBSCAN result: cluster labels and core flags per spike.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbscanOutput {
    /// Cluster label per spike, `-1` for noise; clusters are numbered in
    /// order of their earliest spike.
    pub labels: Vec<i32>,
    /// Whether the spike is a core point.
    pub core: Vec<bool>,
    /// Number of clusters.
    pub n_clusters: usize,
}

/// Clusters spikes with DBSCAN and returns one label per spike (`-1` = noise).
pub fn dbscan(i: &[u32], t_ms: &[f64], n: usize, params: &DbscanParams) -> Result<Vec<i32>, AnalysisError> {
    dbscan_detailed(i, t_ms, n, params).map(|out| out.labels)
}

/// One axis of the grid index.
#[derive(Debug, Clone, Copy)]
struct Axis {
    /// Cell width (at least `eps`).
    width: f64,
    /// Number of cells.
    cells: u64,
    /// Periodic axis: cells wrap around.
    periodic: bool,
}

impl Axis {
    fn periodic(len: f64, eps: f64) -> Self {
        // At least eps wide cells that tile the ring exactly.
        let cells = ((len / eps).floor() as u64).clamp(1, len.max(1.0) as u64);
        Self { width: len / cells as f64, cells, periodic: true }
    }

    fn open(max_coord: f64, eps: f64) -> Self {
        let cells = (max_coord / eps).floor() as u64 + 1;
        Self { width: eps, cells, periodic: false }
    }

    #[inline]
    fn cell(&self, v: f64) -> u64 {
        ((v / self.width).floor().max(0.0) as u64).min(self.cells - 1)
    }

    /// Pushes the cells that can hold points within `eps` of cell `c`.
    fn neighbours(&self, c: u64, out: &mut Vec<u64>) {
        out.clear();
        if self.periodic {
            if self.cells < 3 {
                out.extend(0..self.cells);
            } else {
                out.push((c + self.cells - 1) % self.cells);
                out.push(c);
                out.push((c + 1) % self.cells);
            }
        } else {
            out.extend(c.saturating_sub(1)..=(c + 1).min(self.cells - 1));
        }
    }
}

/// Spikes reordered by grid cell, with per-cell neighbour lists.
struct GridIndex {
    /// Points in cell order: scaled time, x, y.
    pts: Vec<[f64; 3]>,
    /// Original spike index of every reordered point.
    orig: Vec<u32>,
    /// Cell of every reordered point.
    cell_of: Vec<u32>,
    /// Point range of every cell: `cell_start[c]..cell_start[c + 1]`.
    cell_start: Vec<u32>,
    /// Neighbour cells of cell `c`: `nb_cells[nb_start[c]..nb_start[c + 1]]`.
    nb_start: Vec<u32>,
    nb_cells: Vec<u32>,
}

impl GridIndex {
    fn build(i: &[u32], t_ms: &[f64], n: usize, params: &DbscanParams) -> Self {
        let nf = n as f64;
        let eps = params.eps;
        let t0 = t_ms.iter().copied().fold(f64::INFINITY, f64::min);
        let raw: Vec<[f64; 3]> = i
            .iter()
            .zip(t_ms)
            .map(|(&id, &t)| {
                let id = id as usize;
                [(t - t0) / params.td_ms, (id % n) as f64, (id / n) as f64]
            })
            .collect();
        let t_max = raw.iter().map(|p| p[0]).fold(0.0, f64::max);
        let axes = [
            Axis::open(t_max, eps),
            if params.wrap { Axis::periodic(nf, eps) } else { Axis::open(nf - 1.0, eps) },
            if params.wrap { Axis::periodic(nf, eps) } else { Axis::open(nf - 1.0, eps) },
        ];
        let keys: Vec<[u64; 3]> =
            raw.iter().map(|p| [axes[0].cell(p[0]), axes[1].cell(p[1]), axes[2].cell(p[2])]).collect();

        let mut order: Vec<u32> = (0..raw.len() as u32).collect();
        order.sort_unstable_by_key(|&k| (keys[k as usize], k));

        let mut pts = Vec::with_capacity(raw.len());
        let mut cell_of = Vec::with_capacity(raw.len());
        let mut cell_start = Vec::new();
        let mut cell_keys: Vec<[u64; 3]> = Vec::new();
        for (pos, &k) in order.iter().enumerate() {
            let kk = keys[k as usize];
            if cell_keys.last() != Some(&kk) {
                cell_keys.push(kk);
                cell_start.push(pos as u32);
            }
            pts.push(raw[k as usize]);
            cell_of.push((cell_keys.len() - 1) as u32);
        }
        cell_start.push(order.len() as u32);

        let lookup = CellLookup::new(&cell_keys, [axes[0].cells, axes[1].cells, axes[2].cells]);
        let mut nb_start = Vec::with_capacity(cell_keys.len() + 1);
        let mut nb_cells = Vec::new();
        let (mut ct, mut cx, mut cy) = (Vec::new(), Vec::new(), Vec::new());
        for k in &cell_keys {
            nb_start.push(nb_cells.len() as u32);
            axes[0].neighbours(k[0], &mut ct);
            axes[1].neighbours(k[1], &mut cx);
            axes[2].neighbours(k[2], &mut cy);
            for &a in &ct {
                for &b in &cx {
                    for &c in &cy {
                        if let Some(cell) = lookup.get([a, b, c]) {
                            nb_cells.push(cell);
                        }
                    }
                }
            }
        }
        nb_start.push(nb_cells.len() as u32);
        Self { pts, orig: order, cell_of, cell_start, nb_start, nb_cells }
    }

    #[inline]
    fn cell_range(&self, c: usize) -> Range<usize> {
        self.cell_start[c] as usize..self.cell_start[c + 1] as usize
    }

    #[inline]
    fn neighbour_cells(&self, c: usize) -> &[u32] {
        &self.nb_cells[self.nb_start[c] as usize..self.nb_start[c + 1] as usize]
    }

    /// Calls `f(q)` for every point `q` within `eps` of point `p` (itself
    /// included); stops early when `f` returns `false`.
    #[inline]
    fn for_neighbours(&self, p: usize, metric: &Metric, mut f: impl FnMut(usize) -> bool) {
        let a = self.pts[p];
        let c = self.cell_of[p] as usize;
        for &nc in &self.nb_cells[self.nb_start[c] as usize..self.nb_start[c + 1] as usize] {
            let nc = nc as usize;
            let range = self.cell_start[nc] as usize..self.cell_start[nc + 1] as usize;
            for (q, b) in self.pts[range.clone()].iter().enumerate() {
                if metric.within(&a, b) && !f(range.start + q) {
                    return;
                }
            }
        }
    }
}

/// Maps cell coordinates to cell indices: a dense table when the grid is
/// small compared with the data, a hash map otherwise.
enum CellLookup {
    Dense { table: Vec<u32>, dims: [u64; 3] },
    Sparse(HashMap<[u64; 3], u32>),
}

impl CellLookup {
    fn new(cell_keys: &[[u64; 3]], dims: [u64; 3]) -> Self {
        let total = dims[0].checked_mul(dims[1]).and_then(|v| v.checked_mul(dims[2]));
        let budget = (4 * cell_keys.len() as u64).max(1 << 22);
        match total {
            Some(total) if total <= budget => {
                let mut table = vec![u32::MAX; total as usize];
                for (c, k) in cell_keys.iter().enumerate() {
                    table[((k[0] * dims[1] + k[1]) * dims[2] + k[2]) as usize] = c as u32;
                }
                Self::Dense { table, dims }
            }
            _ => Self::Sparse(cell_keys.iter().enumerate().map(|(c, &k)| (k, c as u32)).collect()),
        }
    }

    #[inline]
    fn get(&self, k: [u64; 3]) -> Option<u32> {
        match self {
            Self::Dense { table, dims } => {
                let c = table[((k[0] * dims[1] + k[1]) * dims[2] + k[2]) as usize];
                (c != u32::MAX).then_some(c)
            }
            Self::Sparse(map) => map.get(&k).copied(),
        }
    }
}

/// Distance test in clustering space.
struct Metric {
    eps2: f64,
    /// Ring length for periodic x/y, or `None` for plain coordinates.
    ring: Option<f64>,
}

impl Metric {
    #[inline]
    fn within(&self, a: &[f64; 3], b: &[f64; 3]) -> bool {
        let dt = a[0] - b[0];
        let mut dx = (a[1] - b[1]).abs();
        let mut dy = (a[2] - b[2]).abs();
        if let Some(n) = self.ring {
            dx = dx.min(n - dx);
            dy = dy.min(n - dy);
        }
        dt * dt + dx * dx + dy * dy <= self.eps2
    }
}

/// Union-find over point indices with path halving.
struct DisjointSets {
    parent: Vec<u32>,
}

impl DisjointSets {
    fn new(len: usize) -> Self {
        Self { parent: (0..len as u32).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let grand = self.parent[self.parent[x] as usize];
            self.parent[x] = grand;
            x = grand as usize;
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index as root: deterministic and shallow enough.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo as u32;
        }
    }
}

/// Clusters spikes with DBSCAN and returns labels and core flags.
///
/// Spikes need not be sorted. Returns an error for invalid parameters,
/// mismatched slices, neuron ids off the grid or non-finite times.
pub fn dbscan_detailed(
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    params: &DbscanParams,
) -> Result<DbscanOutput, AnalysisError> {
    params.validate()?;
    check_spikes(i, t_ms, n)?;
    let len = i.len();
    if len == 0 {
        return Ok(DbscanOutput::default());
    }
    let (t_min, t_max) = t_ms.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    params.check_grid(n, t_max - t_min)?;
    let grid = GridIndex::build(i, t_ms, n, params);
    let metric = Metric { eps2: params.eps * params.eps, ring: params.wrap.then_some(n as f64) };
    let min_samples = params.min_samples;

    // Core points (in grid order); counting stops once a point is core.
    let mut core = vec![false; len];
    let mut has_neighbour = vec![false; len];
    for (p, is_core) in core.iter_mut().enumerate() {
        let mut count = 0usize;
        grid.for_neighbours(p, &metric, |_| {
            count += 1;
            count < min_samples
        });
        *is_core = count >= min_samples;
        has_neighbour[p] = count > 1;
    }

    // Clusters: connected components of core points, joined cell pair by
    // cell pair. A pair whose core points already share one component needs
    // no distance tests, which skips most of the work inside dense bumps.
    let mut sets = DisjointSets::new(len);
    let n_cells = grid.cell_start.len() - 1;
    for a in 0..n_cells {
        let range_a = grid.cell_range(a);
        for &b in grid.neighbour_cells(a) {
            let b = b as usize;
            if b < a {
                continue;
            }
            let range_b = grid.cell_range(b);
            let mut common_root = None;
            let mut uniform = true;
            for p in range_a.clone().chain(range_b.clone()) {
                if core[p] {
                    let r = sets.find(p);
                    if *common_root.get_or_insert(r) != r {
                        uniform = false;
                        break;
                    }
                }
            }
            if uniform {
                continue;
            }
            for p in range_a.clone() {
                if !core[p] {
                    continue;
                }
                let mut rp = sets.find(p);
                let q_start = if a == b { p + 1 } else { range_b.start };
                for (off, _) in core[q_start..range_b.end].iter().enumerate().filter(|(_, c)| **c) {
                    let q = q_start + off;
                    if sets.find(q) != rp && metric.within(&grid.pts[p], &grid.pts[q]) {
                        sets.union(p, q);
                        rp = sets.find(p);
                    }
                }
            }
        }
    }

    // Rank of each component: its earliest core spike in input order, which
    // is the order in which the sequential algorithm would open the clusters.
    let mut first_core = vec![u32::MAX; len];
    for (p, _) in core.iter().enumerate().filter(|(_, c)| **c) {
        let r = sets.find(p);
        first_core[r] = first_core[r].min(grid.orig[p]);
    }

    // Component root per point (usize::MAX = noise); border points join the
    // reachable component that opens first.
    let mut root = vec![usize::MAX; len];
    for p in 0..len {
        if core[p] {
            root[p] = sets.find(p);
        } else if has_neighbour[p] {
            let mut best = usize::MAX;
            grid.for_neighbours(p, &metric, |q| {
                if core[q] {
                    let r = sets.find(q);
                    if best == usize::MAX || first_core[r] < first_core[best] {
                        best = r;
                    }
                }
                true
            });
            root[p] = best;
        }
    }

    // Number the clusters by their earliest spike (time, then input index).
    let mut earliest: HashMap<usize, (f64, u32)> = HashMap::new();
    for (p, &r) in root.iter().enumerate() {
        if r != usize::MAX {
            let o = grid.orig[p];
            let cand = (t_ms[o as usize], o);
            earliest
                .entry(r)
                .and_modify(|e| {
                    if cand.0 < e.0 || (cand.0 == e.0 && cand.1 < e.1) {
                        *e = cand;
                    }
                })
                .or_insert(cand);
        }
    }
    let mut ranked: Vec<(f64, u32, usize)> = earliest.into_iter().map(|(r, (t, o))| (t, o, r)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let label_of: HashMap<usize, i32> = ranked.iter().enumerate().map(|(k, &(_, _, r))| (r, k as i32)).collect();

    let mut labels = vec![-1i32; len];
    let mut core_out = vec![false; len];
    for p in 0..len {
        let o = grid.orig[p] as usize;
        core_out[o] = core[p];
        if root[p] != usize::MAX {
            labels[o] = label_of[&root[p]];
        }
    }
    Ok(DbscanOutput { labels, core: core_out, n_clusters: ranked.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::testing::SplitMix64 as SplitMix;

    fn dist2(i: &[u32], t: &[f64], n: usize, p: &DbscanParams, a: usize, b: usize) -> f64 {
        let (xa, ya) = ((i[a] as usize % n) as f64, (i[a] as usize / n) as f64);
        let (xb, yb) = ((i[b] as usize % n) as f64, (i[b] as usize / n) as f64);
        let mut dx = (xa - xb).abs();
        let mut dy = (ya - yb).abs();
        if p.wrap {
            dx = dx.min(n as f64 - dx);
            dy = dy.min(n as f64 - dy);
        }
        // Same scaling as the clustering space, so ties at exactly eps agree.
        let t0 = t.iter().copied().fold(f64::INFINITY, f64::min);
        let dt = (t[a] - t0) / p.td_ms - (t[b] - t0) / p.td_ms;
        dt * dt + dx * dx + dy * dy
    }

    /// Textbook sequential DBSCAN with all-pairs neighbourhoods.
    fn reference(i: &[u32], t: &[f64], n: usize, p: &DbscanParams) -> (Vec<i32>, Vec<bool>) {
        const UNSEEN: i32 = -2;
        let len = i.len();
        let region =
            |a: usize| -> Vec<usize> { (0..len).filter(|&b| dist2(i, t, n, p, a, b) <= p.eps * p.eps).collect() };
        let core: Vec<bool> = (0..len).map(|a| region(a).len() >= p.min_samples).collect();
        let mut labels = vec![UNSEEN; len];
        let mut cluster = 0;
        for a in 0..len {
            if labels[a] != UNSEEN {
                continue;
            }
            let nb = region(a);
            if nb.len() < p.min_samples {
                labels[a] = -1;
                continue;
            }
            labels[a] = cluster;
            let mut queue = nb;
            let mut k = 0;
            while k < queue.len() {
                let q = queue[k];
                k += 1;
                if labels[q] == -1 {
                    labels[q] = cluster;
                }
                if labels[q] != UNSEEN {
                    continue;
                }
                labels[q] = cluster;
                let nq = region(q);
                if nq.len() >= p.min_samples {
                    queue.extend(nq);
                }
            }
            cluster += 1;
        }
        (labels, core)
    }

    fn random_spikes(rng: &mut SplitMix, len: usize, n: usize, span_ms: f64) -> (Vec<u32>, Vec<f64>) {
        let mut t: Vec<f64> = (0..len)
            .map(|_| {
                // Integer ms times give exact ties and duplicates.
                if rng.below(2) == 0 { (rng.unit() * span_ms).floor() } else { rng.unit() * span_ms }
            })
            .collect();
        t.sort_by(f64::total_cmp);
        // Clumps make clusters: half the spikes sit near a few centres.
        let centres: Vec<(u64, u64)> = (0..3).map(|_| (rng.below(n as u64), rng.below(n as u64))).collect();
        let i = (0..len)
            .map(|_| {
                if rng.below(2) == 0 {
                    let (cx, cy) = centres[rng.below(3) as usize];
                    let x = (cx + rng.below(3)) % n as u64;
                    let y = (cy + rng.below(3)) % n as u64;
                    (y * n as u64 + x) as u32
                } else {
                    rng.below((n * n) as u64) as u32
                }
            })
            .collect();
        (i, t)
    }

    #[test]
    fn matches_brute_force_reference() {
        let mut rng = SplitMix(7);
        let mut clustered_cases = 0;
        let mut border_points = 0;
        for case in 0..60 {
            let n = [6usize, 10, 13, 20][case % 4];
            let len = 100 + rng.below(250) as usize;
            let span_ms = 100.0 + rng.unit() * 300.0;
            let (i, t) = random_spikes(&mut rng, len, n, span_ms);
            let params = DbscanParams {
                td_ms: [5.0, 20.0, 50.0][case % 3],
                eps: [1.0, 1.5, 2.5, 3.0, 4.2][case % 5],
                min_samples: 2 + rng.below(10) as usize,
                wrap: case % 2 == 0,
            };
            let out = dbscan_detailed(&i, &t, n, &params).unwrap();
            let (ref_labels, ref_core) = reference(&i, &t, n, &params);
            assert_eq!(out.core, ref_core, "core flags differ in case {case}");
            let mut forward: HashMap<i32, i32> = HashMap::new();
            let mut backward: HashMap<i32, i32> = HashMap::new();
            for k in 0..len {
                let (mine, theirs) = (out.labels[k], ref_labels[k]);
                assert_eq!(mine == -1, theirs == -1, "noise differs at spike {k} in case {case}");
                if mine == -1 {
                    continue;
                }
                if !ref_core[k] {
                    border_points += 1;
                    // A border point must sit in the cluster of a core neighbour.
                    let ok = (0..len).any(|q| {
                        ref_core[q]
                            && out.labels[q] == mine
                            && dist2(&i, &t, n, &params, k, q) <= params.eps * params.eps
                    });
                    assert!(ok, "border spike {k} has no core neighbour in its cluster (case {case})");
                }
                // Same partition up to renaming, border points included: both
                // give a border point to the cluster opened first.
                assert_eq!(*forward.entry(theirs).or_insert(mine), mine, "case {case}, spike {k}");
                assert_eq!(*backward.entry(mine).or_insert(theirs), theirs, "case {case}, spike {k}");
            }
            assert_eq!(out.n_clusters, forward.len());
            // Clusters are numbered by their earliest spike.
            let firsts: Vec<usize> =
                (0..out.n_clusters as i32).map(|c| out.labels.iter().position(|&l| l == c).unwrap()).collect();
            assert!(firsts.windows(2).all(|w| w[0] < w[1]), "cluster order in case {case}");
            if out.n_clusters > 1 {
                clustered_cases += 1;
            }
        }
        // The random cases must actually exercise clusters and border points.
        assert!(clustered_cases > 10, "only {clustered_cases} cases with several clusters");
        assert!(border_points > 20, "only {border_points} border points");
    }

    #[test]
    fn wrap_joins_points_across_the_edge() {
        // A column of spikes at x = 0 and x = 9 on a 10 x 10 grid, same times.
        let n = 10;
        let mut i = Vec::new();
        let mut t = Vec::new();
        for k in 0..10 {
            for &x in &[0u32, 9] {
                i.push(5 * n as u32 + x);
                t.push(k as f64);
            }
        }
        let mut params = DbscanParams { td_ms: 1.0, eps: 1.5, min_samples: 3, wrap: true };
        let wrapped = dbscan_detailed(&i, &t, n, &params).unwrap();
        assert_eq!(wrapped.n_clusters, 1);
        assert!(wrapped.labels.iter().all(|&l| l == 0));
        params.wrap = false;
        let open = dbscan_detailed(&i, &t, n, &params).unwrap();
        assert_eq!(open.n_clusters, 2);
        assert_eq!(open.labels[0], 0);
        assert_eq!(open.labels[1], 1);
    }

    #[test]
    fn min_samples_counts_the_point_itself() {
        // Two spikes at distance 1: with min_samples 2 both are core.
        let params = DbscanParams { td_ms: 1.0, eps: 1.0, min_samples: 2, wrap: false };
        let out = dbscan_detailed(&[0, 1], &[0.0, 0.0], 4, &params).unwrap();
        assert_eq!(out.labels, vec![0, 0]);
        assert_eq!(out.core, vec![true, true]);
        let params = DbscanParams { min_samples: 3, ..params };
        let out = dbscan_detailed(&[0, 1], &[0.0, 0.0], 4, &params).unwrap();
        assert_eq!(out.labels, vec![-1, -1]);
        // min_samples 1: every spike is its own core point.
        let params = DbscanParams { min_samples: 1, ..params };
        let out = dbscan_detailed(&[0, 3], &[0.0, 0.0], 4, &params).unwrap();
        assert_eq!(out.labels, vec![0, 1]);
    }

    #[test]
    fn rejects_bad_input() {
        let ok = DbscanParams::default();
        assert_eq!(dbscan(&[0], &[0.0, 1.0], 10, &ok), Err(AnalysisError::LengthMismatch { ids: 1, times: 2 }));
        assert_eq!(dbscan(&[0], &[0.0], 0, &ok), Err(AnalysisError::EmptyGrid));
        assert!(matches!(dbscan(&[100], &[0.0], 10, &ok), Err(AnalysisError::NeuronOutOfRange { .. })));
        assert!(matches!(dbscan(&[1], &[f64::NAN], 10, &ok), Err(AnalysisError::NonFiniteTime { index: 0 })));
        let bad = DbscanParams { eps: 0.0, ..ok };
        assert!(matches!(dbscan(&[1], &[0.0], 10, &bad), Err(AnalysisError::InvalidEps { .. })));
        let bad = DbscanParams { td_ms: -1.0, ..ok };
        assert!(matches!(dbscan(&[1], &[0.0], 10, &bad), Err(AnalysisError::InvalidTimeScale { .. })));
        let bad = DbscanParams { min_samples: 0, ..ok };
        assert_eq!(dbscan(&[1], &[0.0], 10, &bad), Err(AnalysisError::ZeroMinSamples));
        assert_eq!(dbscan(&[], &[], 10, &ok), Ok(vec![]));
    }

    #[test]
    fn a_grid_too_fine_is_an_error_naming_the_accepted_range() {
        let (i, t) = (vec![1u32, 2, 3], vec![0.0, 500.0, 1000.0]);
        let p = DbscanParams::default();
        for eps in [1e-20, 1e-5] {
            let err = dbscan(&i, &t, 100, &DbscanParams { eps, ..p }).unwrap_err();
            assert!(matches!(err, AnalysisError::EpsTooSmall { .. }), "{err}");
            assert!(err.to_string().contains("use eps >= 9.537e-5"), "{err}");
        }
        let err = dbscan(&i, &t, 100, &DbscanParams { td_ms: 1e-20, ..p }).unwrap_err();
        assert!(matches!(err, AnalysisError::TimeScaleTooSmall { .. }), "{err}");
        assert!(err.to_string().contains("td_ms >= 3.179e-4"), "{err}");
        let err = dbscan(&i, &t, 100, &DbscanParams { td_ms: 1e-300, eps: 1e-300, ..p }).unwrap_err();
        assert!(!err.to_string().contains('\n'));
        // At the edge of the range the grid is built and the spikes clustered.
        let labels = dbscan(&i, &t, 100, &DbscanParams { eps: 1e-4, td_ms: 10.0, min_samples: 1, ..p }).unwrap();
        assert_eq!(labels, vec![0, 1, 2]);
        assert!(dbscan(&i, &t, 100, &DbscanParams { eps: 1e-4, wrap: false, min_samples: 1, ..p }).is_ok());
    }
}
