//! Sequences: spike clusters with centroid tracks, speeds and directions.
//!
//! [`analyze`] selects the spikes of a time window, clusters them with
//! [`dbscan`](super::dbscan) and describes every cluster (a *sequence* in the
//! sense of Spreizer et al. 2019) by its lifetime, size and centroid track.
//! The track is sampled in windows of [`TRACK_WINDOW_MS`] stepped by
//! [`TRACK_STEP_MS`] from the cluster's core spikes (border spikes can be
//! background spikes up to `eps` away, which would only blur the centroid);
//! with `wrap` the centroid per axis is the circular mean on the torus and
//! steps use the minimal image, otherwise plain means and differences. Each step between adjacent windows gives a displacement,
//! a direction (degrees from +x toward +y, in `[0, 360)`), `speed_grid_per_s`
//! (displacement / 10 ms) and `speed_paper_units` (the same displacement per
//! 25 ms). The [`SequenceSummary`] pools these over all clusters.

use std::f64::consts::TAU;
use std::ops::Range;

use serde::Serialize;

use super::dbscan::{DbscanParams, dbscan_detailed};
use super::{AnalysisError, MAX_WINDOW_MS, check_spikes, circular_mean, finite_or_null, min_image};

/// Length of the windows in which a cluster's centroid is measured.
pub const TRACK_WINDOW_MS: f64 = 25.0;
/// Step between successive centroid windows.
pub const TRACK_STEP_MS: f64 = 10.0;
/// Windows with fewer cluster spikes than this give no centroid.
pub const TRACK_MIN_SPIKES: usize = 5;
/// Time over which `speed_paper_units` expresses the per-step displacement.
pub const PAPER_SPEED_WINDOW_MS: f64 = 25.0;
/// Window in which sequences are counted for `sequences_per_window`.
pub const COUNT_WINDOW_MS: f64 = 1000.0;
/// Step of the counting windows.
pub const COUNT_STEP_MS: f64 = 100.0;
/// Number of bins of the direction histogram.
pub const DIRECTION_BINS: usize = 16;

/// Median and quartiles (numpy's linear interpolation); NaN (JSON `null`)
/// when there are no values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quartiles {
    #[serde(serialize_with = "finite_or_null")]
    pub median: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub q25: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub q75: f64,
}

/// Median and quartiles of `values`, sorting them in place; NaNs are ignored.
pub fn quartiles(values: &mut [f64]) -> Quartiles {
    values.sort_unstable_by(f64::total_cmp);
    // total_cmp puts negative NaNs first and positive NaNs last.
    let start = values.iter().position(|v| !v.is_nan()).unwrap_or(values.len());
    let end = values.iter().rposition(|v| !v.is_nan()).map_or(start, |k| k + 1);
    let v = &values[start..end];
    Quartiles { median: percentile(v, 0.5), q25: percentile(v, 0.25), q75: percentile(v, 0.75) }
}

/// The `q` quantile (0..=1) of sorted values, by numpy's linear interpolation; NaN when empty.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// One cluster of spikes (a sequence).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterInfo {
    /// Cluster label, as in [`SequenceReport::labels`].
    pub id: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    pub lifetime_ms: f64,
    pub n_spikes: usize,
    /// Number of distinct neurons that spiked in the cluster.
    pub n_neurons: usize,
    /// Median over the cluster's track steps (null without steps).
    #[serde(serialize_with = "finite_or_null")]
    pub speed_grid_per_s_median: f64,
    /// Displacement-weighted circular mean of the step directions.
    #[serde(serialize_with = "finite_or_null")]
    pub direction_mean_deg: f64,
}

/// Centroid of a cluster's core spikes in one track window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    /// Mean time of the spikes in the window.
    pub t_ms: f64,
    /// Start of the window (it spans [`TRACK_WINDOW_MS`]).
    pub window_start_ms: f64,
    pub x: f64,
    pub y: f64,
    /// Core spikes of the cluster in the window.
    pub n_spikes: usize,
}

/// Movement of a centroid between two adjacent track windows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackStep {
    /// Midpoint between the two window centres.
    pub t_ms: f64,
    pub dx: f64,
    pub dy: f64,
    pub displacement: f64,
    /// Direction from +x toward +y in `[0, 360)`.
    pub direction_deg: f64,
    pub speed_grid_per_s: f64,
    pub speed_paper_units: f64,
}

/// Centroid track of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterTrack {
    pub cluster: usize,
    pub points: Vec<TrackPoint>,
    pub steps: Vec<TrackStep>,
}

/// Direction histogram: `counts[k]` steps with direction in
/// `[bin_edges_deg[k], bin_edges_deg[k + 1])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectionHistogram {
    pub bin_edges_deg: Vec<f64>,
    pub counts: Vec<usize>,
}

/// Population statistics of the sequences in the analysed window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequenceSummary {
    pub from_ms: f64,
    pub to_ms: f64,
    pub n_spikes: usize,
    pub n_noise_spikes: usize,
    pub n_clusters: usize,
    pub clusters_per_s: f64,
    /// Distinct clusters with spikes in each 1 s window stepped by 100 ms.
    pub sequences_per_window: Quartiles,
    pub n_count_windows: usize,
    pub lifetime_ms: Quartiles,
    /// Number of track steps pooled in the speed and direction statistics.
    pub n_steps: usize,
    pub speed_grid_per_s: Quartiles,
    pub speed_paper_units: Quartiles,
    #[serde(serialize_with = "finite_or_null")]
    pub direction_mean_deg: f64,
    /// Length of the displacement-weighted mean direction vector (0..1).
    #[serde(serialize_with = "finite_or_null")]
    pub direction_resultant_length: f64,
    pub direction_histogram: DirectionHistogram,
    /// Absolute change of direction between successive steps, in `[0, 180]`.
    pub direction_change_deg: Quartiles,
    pub wrap: bool,
    pub dbscan: DbscanParams,
    pub track_window_ms: f64,
    pub track_step_ms: f64,
    pub track_min_spikes: usize,
}

/// Result of [`analyze`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequenceReport {
    /// Index range of the analysed spikes in the input slices.
    pub spike_range: Range<usize>,
    pub clusters: Vec<ClusterInfo>,
    pub tracks: Vec<ClusterTrack>,
    pub summary: SequenceSummary,
    /// Cluster label per analysed spike (`-1` = noise), aligned with
    /// `spike_range`.
    #[serde(skip)]
    pub labels: Vec<i32>,
}

/// Detects and measures the sequences among the spikes in `[from_ms, to_ms)`.
///
/// `i` and `t_ms` are parallel slices sorted by time; `n` is the side of the
/// torus. Returns an error for invalid parameters, bad spike data or an empty
/// window.
pub fn analyze(
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    from_ms: f64,
    to_ms: f64,
    params: &DbscanParams,
) -> Result<SequenceReport, AnalysisError> {
    params.validate()?;
    check_spikes(i, t_ms, n)?;
    if !(from_ms.is_finite() && to_ms.is_finite() && to_ms > from_ms) {
        return Err(AnalysisError::InvalidWindow { from_ms, to_ms });
    }
    if to_ms - from_ms > MAX_WINDOW_MS {
        return Err(AnalysisError::WindowTooLong { from_ms, to_ms });
    }
    if let Some(k) = t_ms.windows(2).position(|w| w[1] < w[0]) {
        return Err(AnalysisError::UnsortedTimes { index: k + 1 });
    }
    let start = t_ms.partition_point(|&t| t < from_ms);
    let end = t_ms.partition_point(|&t| t < to_ms);
    if start >= end {
        return Err(AnalysisError::NoSpikesInWindow { from_ms, to_ms });
    }
    let (ids, times) = (&i[start..end], &t_ms[start..end]);
    let out = dbscan_detailed(ids, times, n, params)?;
    let (labels, core) = (out.labels, out.core);
    let n_clusters = out.n_clusters;

    // Members of every cluster, in time order.
    let mut member_start = vec![0usize; n_clusters + 1];
    for &l in &labels {
        if l >= 0 {
            member_start[l as usize + 1] += 1;
        }
    }
    for c in 0..n_clusters {
        member_start[c + 1] += member_start[c];
    }
    let mut fill = member_start.clone();
    let mut members = vec![0usize; member_start[n_clusters]];
    for (k, &l) in labels.iter().enumerate() {
        if l >= 0 {
            members[fill[l as usize]] = k;
            fill[l as usize] += 1;
        }
    }

    let geometry = Geometry { n: n as f64, wrap: params.wrap };
    let mut clusters = Vec::with_capacity(n_clusters);
    let mut tracks = Vec::with_capacity(n_clusters);
    let mut seen_neuron = vec![u32::MAX; n * n];
    let mut all_speeds = Vec::new();
    let mut all_directions = Vec::new();
    let mut direction_changes = Vec::new();
    for c in 0..n_clusters {
        let m = &members[member_start[c]..member_start[c + 1]];
        let start_ms = times[m[0]];
        let end_ms = times[m[m.len() - 1]];
        let mut n_neurons = 0;
        for &k in m {
            let id = ids[k] as usize;
            if seen_neuron[id] != c as u32 {
                seen_neuron[id] = c as u32;
                n_neurons += 1;
            }
        }
        let core_members: Vec<usize> = m.iter().copied().filter(|&k| core[k]).collect();
        let track = cluster_track(c, &core_members, ids, times, &geometry);
        let mut speeds: Vec<f64> = track.steps.iter().map(|s| s.speed_grid_per_s).collect();
        let dirs: Vec<(f64, f64)> = track.steps.iter().map(|s| (s.direction_deg, s.displacement)).collect();
        let (direction_mean_deg, _) = weighted_circular_mean_deg(&dirs);
        clusters.push(ClusterInfo {
            id: c,
            start_ms,
            end_ms,
            lifetime_ms: end_ms - start_ms,
            n_spikes: m.len(),
            n_neurons,
            speed_grid_per_s_median: quartiles(&mut speeds).median,
            direction_mean_deg,
        });
        all_speeds.extend(track.steps.iter().map(|s| s.speed_grid_per_s));
        all_directions.extend(dirs);
        direction_changes.extend(direction_changes_deg(&track.steps));
        tracks.push(track);
    }

    let (direction_mean_deg, direction_resultant_length) = weighted_circular_mean_deg(&all_directions);
    let mut paper: Vec<f64> = all_speeds.iter().map(|s| s * TRACK_STEP_MS / PAPER_SPEED_WINDOW_MS).collect();
    let mut lifetimes: Vec<f64> = clusters.iter().map(|c| c.lifetime_ms).collect();
    let mut per_window = sequences_per_window(&labels, times, n_clusters, from_ms, to_ms);
    let summary = SequenceSummary {
        from_ms,
        to_ms,
        n_spikes: labels.len(),
        n_noise_spikes: labels.iter().filter(|&&l| l < 0).count(),
        n_clusters,
        clusters_per_s: n_clusters as f64 / ((to_ms - from_ms) / 1000.0),
        n_count_windows: per_window.len(),
        sequences_per_window: quartiles(&mut per_window),
        lifetime_ms: quartiles(&mut lifetimes),
        n_steps: all_speeds.len(),
        speed_grid_per_s: quartiles(&mut all_speeds),
        speed_paper_units: quartiles(&mut paper),
        direction_mean_deg,
        direction_resultant_length,
        direction_histogram: direction_histogram(&all_directions),
        direction_change_deg: quartiles(&mut direction_changes),
        wrap: params.wrap,
        dbscan: *params,
        track_window_ms: TRACK_WINDOW_MS,
        track_step_ms: TRACK_STEP_MS,
        track_min_spikes: TRACK_MIN_SPIKES,
    };
    Ok(SequenceReport { spike_range: start..end, clusters, tracks, summary, labels })
}

/// Grid geometry for centroids and displacements.
struct Geometry {
    n: f64,
    wrap: bool,
}

impl Geometry {
    fn centroid(&self, ids: impl Iterator<Item = u32>) -> (f64, f64, usize) {
        let n = self.n as usize;
        let (mut a, mut b, mut c, mut d, mut count) = (0.0, 0.0, 0.0, 0.0, 0usize);
        for id in ids {
            let (x, y) = ((id as usize % n) as f64, (id as usize / n) as f64);
            if self.wrap {
                let (sx, cx) = (TAU * x / self.n).sin_cos();
                let (sy, cy) = (TAU * y / self.n).sin_cos();
                a += cx;
                b += sx;
                c += cy;
                d += sy;
            } else {
                a += x;
                c += y;
            }
            count += 1;
        }
        if count == 0 {
            return (f64::NAN, f64::NAN, 0);
        }
        if self.wrap {
            (circular_mean(a, b, self.n), circular_mean(c, d, self.n), count)
        } else {
            (a / count as f64, c / count as f64, count)
        }
    }

    fn delta(&self, from: f64, to: f64) -> f64 {
        if self.wrap { min_image(to - from, self.n) } else { to - from }
    }
}

/// Centroid track of one cluster from its members (indices in time order).
fn cluster_track(cluster: usize, members: &[usize], ids: &[u32], times: &[f64], geo: &Geometry) -> ClusterTrack {
    let t: Vec<f64> = members.iter().map(|&k| times[k]).collect();
    let (start, end) = (t[0], t[t.len() - 1]);
    let extra = ((end - start - TRACK_WINDOW_MS) / TRACK_STEP_MS).ceil().max(0.0) as usize;
    let mut points = Vec::new();
    let mut window_of_point = Vec::new();
    for w in 0..=extra {
        let ws = start + w as f64 * TRACK_STEP_MS;
        let lo = t.partition_point(|&v| v < ws);
        let hi = t.partition_point(|&v| v <= ws + TRACK_WINDOW_MS);
        if hi - lo < TRACK_MIN_SPIKES {
            continue;
        }
        let (x, y, count) = geo.centroid(members[lo..hi].iter().map(|&k| ids[k]));
        let mean_t = t[lo..hi].iter().sum::<f64>() / count as f64;
        points.push(TrackPoint { t_ms: mean_t, window_start_ms: ws, x, y, n_spikes: count });
        window_of_point.push(w);
    }
    let mut steps = Vec::new();
    for k in 1..points.len() {
        if window_of_point[k] != window_of_point[k - 1] + 1 {
            continue;
        }
        let (a, b) = (points[k - 1], points[k]);
        let (dx, dy) = (geo.delta(a.x, b.x), geo.delta(a.y, b.y));
        let displacement = dx.hypot(dy);
        steps.push(TrackStep {
            t_ms: (a.window_start_ms + b.window_start_ms + TRACK_WINDOW_MS) / 2.0,
            dx,
            dy,
            displacement,
            direction_deg: dy.atan2(dx).to_degrees().rem_euclid(360.0) % 360.0,
            speed_grid_per_s: displacement / (TRACK_STEP_MS / 1000.0),
            speed_paper_units: displacement / (PAPER_SPEED_WINDOW_MS / 1000.0),
        });
    }
    ClusterTrack { cluster, points, steps }
}

/// Absolute direction changes between steps that follow each other directly.
fn direction_changes_deg(steps: &[TrackStep]) -> Vec<f64> {
    steps
        .windows(2)
        .filter(|w| (w[1].t_ms - w[0].t_ms - TRACK_STEP_MS).abs() < 1e-6 * TRACK_STEP_MS)
        .map(|w| {
            let d = (w[1].direction_deg - w[0].direction_deg).rem_euclid(360.0);
            if d > 180.0 { 360.0 - d } else { d }
        })
        .collect()
}

/// Circular mean (degrees in `[0, 360)`) and resultant length of directions
/// weighted by displacement; NaN for no weight.
fn weighted_circular_mean_deg(dirs: &[(f64, f64)]) -> (f64, f64) {
    let (mut c, mut s, mut w) = (0.0, 0.0, 0.0);
    for &(deg, weight) in dirs {
        let (sn, cs) = deg.to_radians().sin_cos();
        c += weight * cs;
        s += weight * sn;
        w += weight;
    }
    if w <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    (s.atan2(c).to_degrees().rem_euclid(360.0) % 360.0, (c.hypot(s) / w).min(1.0))
}

fn direction_histogram(dirs: &[(f64, f64)]) -> DirectionHistogram {
    let width = 360.0 / DIRECTION_BINS as f64;
    let mut counts = vec![0usize; DIRECTION_BINS];
    for &(deg, _) in dirs {
        let bin = ((deg / width).floor() as usize).min(DIRECTION_BINS - 1);
        counts[bin] += 1;
    }
    DirectionHistogram { bin_edges_deg: (0..=DIRECTION_BINS).map(|k| k as f64 * width).collect(), counts }
}

/// Number of distinct clusters with spikes in each window of
/// [`COUNT_WINDOW_MS`] stepped by [`COUNT_STEP_MS`] inside `[from_ms, to_ms)`.
fn sequences_per_window(labels: &[i32], times: &[f64], n_clusters: usize, from_ms: f64, to_ms: f64) -> Vec<f64> {
    let mut stamp = vec![usize::MAX; n_clusters];
    let mut counts = Vec::new();
    let mut w = 0usize;
    loop {
        let ws = from_ms + w as f64 * COUNT_STEP_MS;
        if ws + COUNT_WINDOW_MS > to_ms + 1e-9 {
            break;
        }
        let lo = times.partition_point(|&t| t < ws);
        let hi = times.partition_point(|&t| t < ws + COUNT_WINDOW_MS);
        let mut count = 0;
        for &l in &labels[lo..hi] {
            if l >= 0 && stamp[l as usize] != w {
                stamp[l as usize] = w;
                count += 1;
            }
        }
        counts.push(count as f64);
        w += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{SyntheticBump, synthesize_spikes};

    const N: usize = 100;

    type Bump = SyntheticBump;

    fn synthesize(bumps: &[Bump], duration_ms: usize, p: f64, noise_hz: f64, seed: u64) -> (Vec<u32>, Vec<f64>) {
        synthesize_spikes(N, bumps, duration_ms as f64, p, noise_hz, seed)
    }

    fn angle_diff(a: f64, b: f64) -> f64 {
        let d = (a - b).rem_euclid(360.0);
        d.min(360.0 - d)
    }

    #[test]
    fn quartiles_interpolate_like_numpy() {
        let q = quartiles(&mut [4.0, 1.0, 3.0, 2.0]);
        assert_eq!((q.q25, q.median, q.q75), (1.75, 2.5, 3.25));
        let q = quartiles(&mut [5.0]);
        assert_eq!((q.q25, q.median, q.q75), (5.0, 5.0, 5.0));
        let q = quartiles(&mut [f64::NAN, 1.0, 3.0, -f64::NAN]);
        assert_eq!(q.median, 2.0);
        let q = quartiles(&mut []);
        assert!(q.median.is_nan() && q.q25.is_nan() && q.q75.is_nan());
    }

    #[test]
    fn one_moving_bump() {
        let bump =
            Bump { x0: 30.0, y0: 30.0, speed_grid_per_s: 200.0, direction_deg: 30.0, start_ms: 50.0, end_ms: 350.0 };
        let (i, t) = synthesize(&[bump], 400, 0.2, 2.0, 1);
        let report = analyze(&i, &t, N, 0.0, 400.0, &DbscanParams::default()).unwrap();
        let s = &report.summary;
        assert_eq!(s.n_clusters, 1, "clusters: {:?}", report.clusters);
        let c = &report.clusters[0];
        // Background spikes within eps (60 ms at td = 20 ms) of the bump can
        // join as border points, so the cluster may extend a little.
        assert!(c.start_ms > -10.0 && c.start_ms < 55.0, "{c:?}");
        assert!(c.end_ms > 345.0 && c.end_ms < 410.0, "{c:?}");
        assert!(c.n_neurons > 100, "a moving bump visits many neurons: {}", c.n_neurons);
        assert!((s.speed_grid_per_s.median - 200.0).abs() < 20.0, "speed {:?}", s.speed_grid_per_s);
        assert!((s.speed_paper_units.median - 80.0).abs() < 8.0, "paper speed {:?}", s.speed_paper_units);
        assert!(angle_diff(s.direction_mean_deg, 30.0) < 5.0, "direction {}", s.direction_mean_deg);
        assert!(s.direction_resultant_length > 0.9);
        assert!(s.direction_change_deg.median < 30.0);
        // The histogram peaks in the bin that holds 30 degrees.
        let h = &s.direction_histogram;
        assert_eq!(h.bin_edges_deg.len(), h.counts.len() + 1);
        let peak = (0..h.counts.len()).max_by_key(|&k| h.counts[k]).unwrap();
        assert_eq!(peak, 1);
        assert_eq!(h.counts.iter().sum::<usize>(), s.n_steps);
        // Bump spikes are clustered; background spikes mostly stay noise.
        let r = report.spike_range.clone();
        let in_disc = |k: usize| {
            let (cx, cy) = bump.centre(t[k]);
            let (x, y) = ((i[k] as usize % N) as f64, (i[k] as usize / N) as f64);
            t[k] >= bump.start_ms
                && t[k] < bump.end_ms
                && min_image(x - cx, N as f64).hypot(min_image(y - cy, N as f64)) <= 3.0
        };
        let disc: Vec<usize> = r.clone().filter(|&k| in_disc(k)).collect();
        let disc_clustered = disc.iter().filter(|&&k| report.labels[k - r.start] == 0).count();
        assert!(disc_clustered as f64 > 0.95 * disc.len() as f64, "{disc_clustered} of {}", disc.len());
        assert!(disc_clustered as f64 > 0.85 * c.n_spikes as f64, "{disc_clustered} of {}", c.n_spikes);
        assert!(s.n_noise_spikes > 5000, "background spikes: {}", s.n_noise_spikes);
        assert_eq!(report.labels.len(), report.spike_range.len());
        // While the bump is fully inside the windows, the track follows its centre.
        let track = &report.tracks[0];
        assert!(track.points.len() > 20);
        for p in track
            .points
            .iter()
            .filter(|p| p.window_start_ms >= bump.start_ms && p.window_start_ms + TRACK_WINDOW_MS <= bump.end_ms)
        {
            let (cx, cy) = bump.centre(p.t_ms);
            let dx = min_image(p.x - cx, N as f64);
            let dy = min_image(p.y - cy, N as f64);
            assert!(dx.hypot(dy) < 1.5, "centroid ({}, {}) vs true ({cx}, {cy}) at {}", p.x, p.y, p.t_ms);
        }
    }

    #[test]
    fn bump_crossing_the_edge() {
        // Moves from x = 85 through the x edge and the y edge (along 45 degrees).
        let bump =
            Bump { x0: 85.0, y0: 85.0, speed_grid_per_s: 150.0, direction_deg: 45.0, start_ms: 0.0, end_ms: 300.0 };
        let (i, t) = synthesize(&[bump], 300, 0.2, 1.0, 2);
        let wrapped = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams::default()).unwrap();
        assert_eq!(wrapped.summary.n_clusters, 1);
        let s = &wrapped.summary;
        assert!((s.speed_grid_per_s.median - 150.0).abs() < 15.0, "speed {:?}", s.speed_grid_per_s);
        assert!(angle_diff(s.direction_mean_deg, 45.0) < 5.0, "direction {}", s.direction_mean_deg);
        // Centroids are on the torus and follow the true centre.
        for p in wrapped.tracks[0].points.iter().filter(|p| p.window_start_ms + TRACK_WINDOW_MS <= bump.end_ms) {
            assert!((0.0..N as f64).contains(&p.x) && (0.0..N as f64).contains(&p.y));
            let (cx, cy) = bump.centre(p.t_ms);
            assert!(min_image(p.x - cx, N as f64).hypot(min_image(p.y - cy, N as f64)) < 1.5);
        }
        let open = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams { wrap: false, ..Default::default() }).unwrap();
        assert!(open.summary.n_clusters >= 2, "clusters without wrap: {}", open.summary.n_clusters);
        assert!(!open.summary.wrap && s.wrap);
    }

    #[test]
    fn two_bumps_in_different_directions() {
        let a = Bump { x0: 20.0, y0: 20.0, speed_grid_per_s: 200.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 200.0 };
        let b =
            Bump { x0: 70.0, y0: 70.0, speed_grid_per_s: 120.0, direction_deg: 200.0, start_ms: 20.0, end_ms: 250.0 };
        let (i, t) = synthesize(&[a, b], 300, 0.2, 1.0, 3);
        let report = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 2);
        // Cluster 0 starts first: it is bump a.
        let (ca, cb) = (&report.clusters[0], &report.clusters[1]);
        assert!(ca.start_ms < cb.start_ms);
        assert!(angle_diff(ca.direction_mean_deg, 0.0) < 5.0, "a: {ca:?}");
        assert!(angle_diff(cb.direction_mean_deg, 200.0) < 5.0, "b: {cb:?}");
        assert!((ca.speed_grid_per_s_median - 200.0).abs() < 20.0);
        assert!((cb.speed_grid_per_s_median - 120.0).abs() < 12.0);
        // No 1 s counting window fits in 300 ms: the count is undefined.
        assert_eq!(report.summary.n_count_windows, 0);
        assert!(report.summary.sequences_per_window.median.is_nan());
    }

    #[test]
    fn merging_bumps_form_one_cluster() {
        // Two bumps head toward each other and meet at (50, 50) at t = 150 ms;
        // from then on a single bump continues. Their spikes are density
        // connected through the merged bump, so DBSCAN yields one cluster.
        let a = Bump { x0: 35.0, y0: 50.0, speed_grid_per_s: 100.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 150.0 };
        let b =
            Bump { x0: 65.0, y0: 50.0, speed_grid_per_s: 100.0, direction_deg: 180.0, start_ms: 0.0, end_ms: 150.0 };
        let merged =
            Bump { x0: 50.0, y0: 50.0, speed_grid_per_s: 100.0, direction_deg: 90.0, start_ms: 150.0, end_ms: 300.0 };
        let (i, t) = synthesize(&[a, b, merged], 300, 0.2, 1.0, 4);
        let report = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 1);
        // Early spikes of both arms belong to the one cluster.
        let early_left = (0..i.len()).find(|&k| t[k] < 20.0 && report.labels[k] >= 0 && (i[k] as usize % N) < 45);
        let early_right = (0..i.len()).find(|&k| t[k] < 20.0 && report.labels[k] >= 0 && (i[k] as usize % N) > 55);
        assert!(early_left.is_some() && early_right.is_some());

        // Control: the same two arms without the merge stay two clusters.
        let a2 = Bump { end_ms: 90.0, ..a };
        let b2 = Bump { end_ms: 90.0, ..b };
        let (i, t) = synthesize(&[a2, b2], 200, 0.2, 1.0, 5);
        let report = analyze(&i, &t, N, 0.0, 200.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 2);
    }

    #[test]
    fn stationary_bump_has_near_zero_speed() {
        let bump = Bump { x0: 40.0, y0: 60.0, speed_grid_per_s: 0.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 300.0 };
        let (i, t) = synthesize(&[bump], 300, 0.2, 1.0, 6);
        let report = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 1);
        let speed = report.summary.speed_grid_per_s.median;
        assert!(speed < 20.0, "stationary speed {speed}");
        // A stationary bump has no preferred direction.
        assert!(report.summary.direction_resultant_length < 0.5);
        assert!(report.clusters[0].n_neurons < 60, "{}", report.clusters[0].n_neurons);
    }

    #[test]
    fn sequences_per_window_counts_distinct_clusters() {
        // Three 200 ms bumps at 0, 1000, 1500 ms in a 3 s recording.
        let mk = |x0: f64, start: f64| Bump {
            x0,
            y0: 50.0,
            speed_grid_per_s: 50.0,
            direction_deg: 90.0,
            start_ms: start,
            end_ms: start + 200.0,
        };
        let (i, t) = synthesize(&[mk(10.0, 0.0), mk(50.0, 1000.0), mk(80.0, 1500.0)], 3000, 0.2, 0.0, 7);
        let report = analyze(&i, &t, N, 0.0, 3000.0, &DbscanParams::default()).unwrap();
        let s = &report.summary;
        assert_eq!(s.n_clusters, 3);
        assert!((s.clusters_per_s - 1.0).abs() < 1e-12);
        // Windows start at 0, 100, ..., 2000 ms.
        assert_eq!(s.n_count_windows, 21);
        // Windows [w, w + 1000): both A and B at w = 100, B and C for
        // w = 600..=1100, none from w = 1700 on.
        let counts = sequences_per_window(&report.labels, &t, 3, 0.0, 3000.0);
        let expected = [1, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        assert_eq!(counts, expected.map(f64::from).to_vec());
        let q = s.sequences_per_window;
        assert_eq!((q.q25, q.median, q.q75), (1.0, 1.0, 2.0));
    }

    #[test]
    fn analysis_window_selects_spikes() {
        let bump =
            Bump { x0: 30.0, y0: 30.0, speed_grid_per_s: 100.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 400.0 };
        let (i, t) = synthesize(&[bump], 400, 0.2, 0.0, 8);
        let report = analyze(&i, &t, N, 100.0, 200.0, &DbscanParams::default()).unwrap();
        let r = report.spike_range.clone();
        assert!(t[r.start] >= 100.0 && t[r.start - 1] < 100.0);
        assert!(t[r.end - 1] < 200.0 && t[r.end] >= 200.0);
        assert_eq!(report.summary.n_clusters, 1);
        assert!(report.clusters[0].start_ms >= 100.0 && report.clusters[0].end_ms < 200.0);
    }

    #[test]
    fn error_cases() {
        let p = DbscanParams::default();
        let (i, t) = (vec![1u32, 2, 3], vec![1.0, 2.0, 3.0]);
        assert_eq!(
            analyze(&i, &t[..2], N, 0.0, 10.0, &p).unwrap_err(),
            AnalysisError::LengthMismatch { ids: 3, times: 2 }
        );
        assert_eq!(analyze(&i, &t, 0, 0.0, 10.0, &p).unwrap_err(), AnalysisError::EmptyGrid);
        assert!(matches!(analyze(&i, &t, N, 5.0, 5.0, &p), Err(AnalysisError::InvalidWindow { .. })));
        assert!(matches!(analyze(&i, &t, N, 0.0, f64::NAN, &p), Err(AnalysisError::InvalidWindow { .. })));
        assert!(matches!(analyze(&i, &t, N, 10.0, 20.0, &p), Err(AnalysisError::NoSpikesInWindow { .. })));
        assert!(matches!(analyze(&[], &[], N, 0.0, 20.0, &p), Err(AnalysisError::NoSpikesInWindow { .. })));
        assert!(matches!(
            analyze(&i, &[3.0, 2.0, 1.0], N, 0.0, 10.0, &p),
            Err(AnalysisError::UnsortedTimes { index: 1 })
        ));
        assert!(matches!(
            analyze(&[1, 2, 10_000], &t, N, 0.0, 10.0, &p),
            Err(AnalysisError::NeuronOutOfRange { index: 2, .. })
        ));
        for bad in [
            DbscanParams { eps: 0.0, ..p },
            DbscanParams { eps: f64::INFINITY, ..p },
            DbscanParams { td_ms: 0.0, ..p },
            DbscanParams { td_ms: f64::NAN, ..p },
            DbscanParams { min_samples: 0, ..p },
        ] {
            let err = analyze(&i, &t, N, 0.0, 10.0, &bad).unwrap_err();
            let line = err.to_string();
            assert!(!line.contains('\n') && line.len() > 20, "{line}");
        }
        for (from, to) in [(0.0, 1e308), (0.0, 1e300), (-1e300, 10.0), (0.0, MAX_WINDOW_MS + 1.0)] {
            let err = analyze(&i, &t, N, from, to, &p).unwrap_err();
            assert!(matches!(err, AnalysisError::WindowTooLong { .. }), "{err}");
            assert!(err.to_string().contains("at most 10000000 ms"), "{err}");
        }
        assert!(matches!(
            analyze(&i, &t, N, 0.0, 10.0, &DbscanParams { eps: 1e-20, ..p }),
            Err(AnalysisError::EpsTooSmall { .. })
        ));
        assert!(analyze(&i, &t, N, 0.0, MAX_WINDOW_MS, &p).is_ok());
        // Only noise: a valid report without clusters.
        let report = analyze(&i, &t, N, 0.0, 10.0, &p).unwrap();
        assert_eq!(report.summary.n_clusters, 0);
        assert!(report.summary.speed_grid_per_s.median.is_nan());
    }
}
