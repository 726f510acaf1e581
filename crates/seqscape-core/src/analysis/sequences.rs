//! Sequences: spike clusters with centroid tracks, speeds and directions, by one of three recipes.
//!
//! [`analyze`] selects the spikes of a time window, clusters them with [`dbscan`](super::dbscan)
//! on points `(t / td, x, y)` and describes every cluster (a *sequence* in the sense of Spreizer et
//! al. 2019) by its lifetime, size and centroid tracks, sampled in windows of [`TRACK_WINDOW_MS`]
//! stepped by [`TRACK_STEP_MS`]. Every step between two centroids gives a displacement, a direction
//! (degrees from +x toward +y, in `[0, 360)`), `speed_grid_per_s` (displacement / 10 ms, the true
//! speed) and `speed_paper_units` (displacement / 25 ms, the unit of the paper's velocity plots).
//! The [`Recipe`] decides the rest:
//!
//! * [`Recipe::Torus`]: distances wrap around the torus (unless [`DbscanParams::wrap`] is off);
//!   the track uses the cluster's core spikes only. In every window these are split into
//!   spatially separate groups (spikes within [`GROUP_LINK_GRID`] grid units and
//!   [`GROUP_LINK_MS`] of each other, chained; then groups whose centroids lie within
//!   [`GROUP_MERGE_GRID`] of each other, chained, so the sparse spikes of one real bump make one
//!   group), each with its circular centroid (groups below [`GROUP_MIN_SHARE`] of the window's
//!   largest are left out); a group continues
//!   the track of the mutually nearest group of the window before when that is at most
//!   [`MAX_LINK_GRID`] away. So a lattice of bumps that DBSCAN chains into one giant cluster
//!   gives one track per bump instead of a centroid jumping between bumps. Sequences per window:
//!   distinct clusters with spikes in each 1 s window stepped by 100 ms inside the analysed window.
//! * [`Recipe::Authors`]: the authors' `identify_vectors` (repository
//!   `babsey/spatio-temporal-activity-sequence`): DBSCAN without wrap; for every cluster, the plain
//!   mean position of *all* its spikes in the windows `[s, s + 25)` for `s = floor(t_min) + 10 k`
//!   below `ceil(t_max) − 35`, where a window holds at least one spike; a step joins consecutive
//!   windows that exist. Sequences per window (Fig. 6b): distinct clusters with a centroid window
//!   starting inside each 1 s window, the windows starting at `from_ms` every 100 ms, before
//!   `to_ms − 1 s`. Their direction change is the raw difference of successive angles, which
//!   drops changes across ±180° from their histogram; here every change is wrapped to
//!   `(−180, 180]`.
//! * [`Recipe::AuthorsWrap`]: the authors' Fig. 8 analysis of the E-I network: their wrap-merged
//!   DBSCAN ([`detect_wrap`](super::wrap_merge::detect_wrap), two unwrapped passes, the second on
//!   ids moved by half the sheet, labels merged), then tracks and counts as [`Recipe::Authors`]
//!   (a merged cluster that crosses an edge gets a centroid jump there, as in their recipe).
//!
//! All recipes report the same [`SequenceSummary`]; it names its recipe.

use std::collections::HashMap;
use std::f64::consts::TAU;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::dbscan::{DbscanParams, dbscan_detailed};
use super::wrap_merge::detect_wrap;
use super::{AnalysisError, MAX_WINDOW_MS, check_spikes, circular_mean, finite_or_null, min_image};

/// Length of the windows in which a cluster's centroid is measured.
pub const TRACK_WINDOW_MS: f64 = 25.0;
/// Step between successive centroid windows.
pub const TRACK_STEP_MS: f64 = 10.0;
/// Torus recipe: windows (and groups) with fewer core spikes than this give no centroid.
pub const TRACK_MIN_SPIKES: usize = 5;
/// Time over which `speed_paper_units` expresses the per-step displacement.
pub const PAPER_SPEED_WINDOW_MS: f64 = 25.0;
/// Window in which sequences are counted for `sequences_per_window`.
pub const COUNT_WINDOW_MS: f64 = 1000.0;
/// Step of the counting windows.
pub const COUNT_STEP_MS: f64 = 100.0;
/// Number of bins of the direction histogram.
pub const DIRECTION_BINS: usize = 16;
/// Number of bins of the direction-change histogram over `(−180, 180]` (the authors' Fig. 6d: 50).
pub const DIRECTION_CHANGE_BINS: usize = 50;
/// Upper end of the speed histogram, paper units (the authors' Fig. 5: 0–160 grid points/s).
pub const SPEED_HISTOGRAM_MAX: f64 = 160.0;
/// Number of bins of the speed histogram (the authors': 50).
pub const SPEED_BINS: usize = 50;
/// Torus recipe: core spikes of one window at most this far apart (grid units, on the torus:
/// the 8 neighbouring cells) and [`GROUP_LINK_MS`] in time belong to the same group.
pub const GROUP_LINK_GRID: f64 = 1.5;
/// Torus recipe: time within which two spikes of one window can link into a group.
pub const GROUP_LINK_MS: f64 = 5.0;
/// Torus recipe: groups of one window whose centroids are at most this far apart (grid units)
/// are one group: a bump's spikes in a network are sparse and fall apart into fragments at the
/// link distance above, while separate bumps lie farther apart than this.
pub const GROUP_MERGE_GRID: f64 = 4.0;
/// Torus recipe: groups smaller than this share of the window's largest group are left out of the
/// tracks (the tail of a bump, a few spikes that fell apart from it).
pub const GROUP_MIN_SHARE: f64 = 0.25;
/// Torus recipe: farthest a group's centroid may move in one track step and continue its track
/// (grid units; 600 grid points/s).
pub const MAX_LINK_GRID: f64 = 6.0;

/// How sequences are tracked and counted; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recipe {
    /// Wrapped DBSCAN, core spikes, one track per spatially separate group.
    #[default]
    Torus,
    /// The authors' `identify_vectors`: DBSCAN without wrap, all spikes, one centroid per window.
    Authors,
    /// The authors' `detect_wrap` (Fig. 8): two unwrapped DBSCAN passes merged across the edges,
    /// then tracks and counts as [`Recipe::Authors`].
    AuthorsWrap,
}

impl Recipe {
    /// Every recipe.
    pub const ALL: [Recipe; 3] = [Recipe::Torus, Recipe::Authors, Recipe::AuthorsWrap];

    /// The recipe's name (`torus`, `authors`, `authors-wrap`).
    pub fn name(self) -> &'static str {
        match self {
            Recipe::Torus => "torus",
            Recipe::Authors => "authors",
            Recipe::AuthorsWrap => "authors-wrap",
        }
    }

    /// Whether tracks and counts follow the authors' `identify_vectors`.
    pub fn is_authors(self) -> bool {
        matches!(self, Recipe::Authors | Recipe::AuthorsWrap)
    }
}

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

/// Sequences counted in each counting window: the counts in window order and their quartiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowCounts {
    #[serde(serialize_with = "finite_or_null")]
    pub median: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub q25: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub q75: f64,
    /// One count per window, in time order.
    pub values: Vec<f64>,
}

impl WindowCounts {
    fn new(values: Vec<f64>) -> Self {
        let q = quartiles(&mut values.clone());
        Self { median: q.median, q25: q.q25, q75: q.q75, values }
    }
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
    /// Number of separate tracks of the cluster (the authors' recipe: at most 1).
    pub n_tracks: usize,
    /// Median over the cluster's track steps (null without steps).
    #[serde(serialize_with = "finite_or_null")]
    pub speed_grid_per_s_median: f64,
    /// Displacement-weighted circular mean of the step directions.
    #[serde(serialize_with = "finite_or_null")]
    pub direction_mean_deg: f64,
}

/// Centroid of a cluster's spikes (torus recipe: of one group of them) in one track window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    /// Track of the cluster the point belongs to (0, 1, ... in order of their first point).
    pub track: usize,
    /// Mean time of the spikes.
    pub t_ms: f64,
    /// Start of the window (it spans [`TRACK_WINDOW_MS`]).
    pub window_start_ms: f64,
    pub x: f64,
    pub y: f64,
    /// Spikes behind the centroid.
    pub n_spikes: usize,
}

/// Movement of a centroid between two track points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackStep {
    /// Track of the cluster the step belongs to.
    pub track: usize,
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

/// Centroid tracks of one cluster: points and steps ordered by track, then time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterTrack {
    pub cluster: usize,
    pub points: Vec<TrackPoint>,
    pub steps: Vec<TrackStep>,
}

/// Histogram: `counts[k]` values in `[bin_edges[k], bin_edges[k + 1])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectionHistogram {
    pub bin_edges_deg: Vec<f64>,
    pub counts: Vec<usize>,
}

/// Histogram of the step speeds in paper units over `[0, SPEED_HISTOGRAM_MAX)`; faster steps are
/// left out, as in the authors' plots (which normalise by the counted steps).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedHistogram {
    pub bin_edges_paper_units: Vec<f64>,
    pub counts: Vec<usize>,
}

/// Population statistics of the sequences in the analysed window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequenceSummary {
    pub recipe: Recipe,
    pub from_ms: f64,
    pub to_ms: f64,
    pub n_spikes: usize,
    pub n_noise_spikes: usize,
    /// Spikes per neuron per second in the analysed window.
    pub mean_rate_hz: f64,
    pub n_clusters: usize,
    pub clusters_per_s: f64,
    /// Sequences in each 1 s window stepped by 100 ms (the recipe decides which; module docs).
    pub sequences_per_window: WindowCounts,
    pub n_count_windows: usize,
    pub lifetime_ms: Quartiles,
    /// Number of tracks of all clusters.
    pub n_tracks: usize,
    /// Number of track steps pooled in the speed and direction statistics.
    pub n_steps: usize,
    /// Displacement / 10 ms (the true speed), grid points per second.
    pub speed_grid_per_s: Quartiles,
    /// Displacement / 25 ms, the paper's velocity.
    pub speed_paper_units: Quartiles,
    pub speed_histogram: SpeedHistogram,
    #[serde(serialize_with = "finite_or_null")]
    pub direction_mean_deg: f64,
    /// Length of the displacement-weighted mean direction vector (0..1).
    #[serde(serialize_with = "finite_or_null")]
    pub direction_resultant_length: f64,
    pub direction_histogram: DirectionHistogram,
    /// Absolute change of direction between successive steps of a track, in `[0, 180]`.
    pub direction_change_deg: Quartiles,
    /// Signed change of direction between successive steps, over `(−180, 180]`.
    pub direction_change_histogram: DirectionHistogram,
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
    /// Signed direction changes between successive steps of every track, `(−180, 180]`.
    #[serde(skip)]
    pub direction_changes_deg: Vec<f64>,
}

impl SequenceReport {
    /// Speeds in paper units of every track step.
    pub fn speeds_paper_units(&self) -> Vec<f64> {
        self.tracks.iter().flat_map(|t| t.steps.iter().map(|s| s.speed_paper_units)).collect()
    }
}

/// Detects and measures the sequences among the spikes in `[from_ms, to_ms)` by the torus recipe
/// (see [`analyze_recipe`]).
pub fn analyze(
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    from_ms: f64,
    to_ms: f64,
    params: &DbscanParams,
) -> Result<SequenceReport, AnalysisError> {
    analyze_recipe(Recipe::Torus, i, t_ms, n, from_ms, to_ms, params)
}

/// Detects and measures the sequences among the spikes in `[from_ms, to_ms)` by `recipe`.
///
/// `i` and `t_ms` are parallel slices sorted by time; `n` is the side of the torus. The authors'
/// recipes never wrap DBSCAN's distances (`params.wrap` is ignored; `authors-wrap` merges two
/// unwrapped passes instead). Returns an error for invalid parameters, bad
/// spike data or an empty window.
pub fn analyze_recipe(
    recipe: Recipe,
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    from_ms: f64,
    to_ms: f64,
    params: &DbscanParams,
) -> Result<SequenceReport, AnalysisError> {
    let params = &DbscanParams { wrap: params.wrap && recipe == Recipe::Torus, ..*params };
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
    let out = match recipe {
        Recipe::AuthorsWrap => detect_wrap(ids, times, n, params)?,
        _ => dbscan_detailed(ids, times, n, params)?,
    };
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
        let track = match recipe {
            Recipe::Torus => {
                let core_members: Vec<usize> = m.iter().copied().filter(|&k| core[k]).collect();
                torus_track(c, &core_members, ids, times, &geometry)
            }
            Recipe::Authors | Recipe::AuthorsWrap => authors_track(c, m, ids, times, n),
        };
        let mut speeds: Vec<f64> = track.steps.iter().map(|s| s.speed_grid_per_s).collect();
        let dirs: Vec<(f64, f64)> = track.steps.iter().map(|s| (s.direction_deg, s.displacement)).collect();
        let (direction_mean_deg, _) = weighted_circular_mean_deg(&dirs);
        let n_tracks = track.points.iter().map(|p| p.track + 1).max().unwrap_or(0);
        clusters.push(ClusterInfo {
            id: c,
            start_ms,
            end_ms,
            lifetime_ms: end_ms - start_ms,
            n_spikes: m.len(),
            n_neurons,
            n_tracks,
            speed_grid_per_s_median: quartiles(&mut speeds).median,
            direction_mean_deg,
        });
        all_speeds.extend(track.steps.iter().map(|s| s.speed_grid_per_s));
        all_directions.extend(dirs);
        direction_changes.extend(direction_changes_deg(recipe, &track.steps));
        tracks.push(track);
    }

    let (direction_mean_deg, direction_resultant_length) = weighted_circular_mean_deg(&all_directions);
    let mut paper: Vec<f64> = tracks.iter().flat_map(|t| t.steps.iter().map(|s| s.speed_paper_units)).collect();
    let speed_histogram = speed_histogram(&paper);
    let mut lifetimes: Vec<f64> = clusters.iter().map(|c| c.lifetime_ms).collect();
    let per_window = match recipe {
        Recipe::Torus => sequences_per_window(&labels, times, n_clusters, from_ms, to_ms),
        Recipe::Authors | Recipe::AuthorsWrap => authors_sequences_per_window(&tracks, from_ms, to_ms),
    };
    let mut abs_changes: Vec<f64> = direction_changes.iter().map(|d: &f64| d.abs()).collect();
    let duration_s = (to_ms - from_ms) / 1000.0;
    let summary = SequenceSummary {
        recipe,
        from_ms,
        to_ms,
        n_spikes: labels.len(),
        n_noise_spikes: labels.iter().filter(|&&l| l < 0).count(),
        mean_rate_hz: labels.len() as f64 / (n * n) as f64 / duration_s,
        n_clusters,
        clusters_per_s: n_clusters as f64 / duration_s,
        n_count_windows: per_window.len(),
        sequences_per_window: WindowCounts::new(per_window),
        lifetime_ms: quartiles(&mut lifetimes),
        n_tracks: clusters.iter().map(|c| c.n_tracks).sum(),
        n_steps: all_speeds.len(),
        speed_grid_per_s: quartiles(&mut all_speeds),
        speed_paper_units: quartiles(&mut paper),
        speed_histogram,
        direction_mean_deg,
        direction_resultant_length,
        direction_histogram: direction_histogram(&all_directions),
        direction_change_deg: quartiles(&mut abs_changes),
        direction_change_histogram: direction_change_histogram(&direction_changes),
        wrap: params.wrap,
        dbscan: *params,
        track_window_ms: TRACK_WINDOW_MS,
        track_step_ms: TRACK_STEP_MS,
        track_min_spikes: if recipe == Recipe::Torus { TRACK_MIN_SPIKES } else { 1 },
    };
    Ok(SequenceReport {
        spike_range: start..end,
        clusters,
        tracks,
        summary,
        labels,
        direction_changes_deg: direction_changes,
    })
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

    fn distance(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        self.delta(a.0, b.0).hypot(self.delta(a.1, b.1))
    }
}

/// A step from point `a` to point `b` of one track.
fn step_between(track: usize, a: &TrackPoint, b: &TrackPoint, geo: &Geometry) -> TrackStep {
    let (dx, dy) = (geo.delta(a.x, b.x), geo.delta(a.y, b.y));
    let displacement = dx.hypot(dy);
    TrackStep {
        track,
        t_ms: (a.window_start_ms + b.window_start_ms + TRACK_WINDOW_MS) / 2.0,
        dx,
        dy,
        displacement,
        direction_deg: dy.atan2(dx).to_degrees().rem_euclid(360.0) % 360.0,
        speed_grid_per_s: displacement / (TRACK_STEP_MS / 1000.0),
        speed_paper_units: displacement / (PAPER_SPEED_WINDOW_MS / 1000.0),
    }
}

/// Splits the spikes `window` (indices into `ids`/`times`, in time order) into groups: spikes at
/// most [`GROUP_LINK_GRID`] apart on the sheet and [`GROUP_LINK_MS`] apart in time are linked,
/// and groups are the linked components. Returns the group of every spike, numbered from 0.
fn spatial_groups(window: &[usize], ids: &[u32], times: &[f64], geo: &Geometry) -> (Vec<usize>, usize) {
    let n = geo.n as i64;
    let reach = GROUP_LINK_GRID.floor() as i64;
    let mut parent: Vec<usize> = (0..window.len()).collect();
    fn find(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    // Spikes by cell; each spike looks back at earlier spikes in the cells around it.
    let mut by_cell: HashMap<u32, Vec<usize>> = HashMap::with_capacity(window.len());
    for (a, &k) in window.iter().enumerate() {
        let id = ids[k];
        let (x, y) = (i64::from(id) % n, i64::from(id) / n);
        for oy in -reach..=reach {
            for ox in -reach..=reach {
                if ((ox * ox + oy * oy) as f64) > GROUP_LINK_GRID * GROUP_LINK_GRID {
                    continue;
                }
                let (cx, cy) = if geo.wrap {
                    ((x + ox).rem_euclid(n), (y + oy).rem_euclid(n))
                } else {
                    let (cx, cy) = (x + ox, y + oy);
                    if cx < 0 || cy < 0 || cx >= n || cy >= n {
                        continue;
                    }
                    (cx, cy)
                };
                let Some(list) = by_cell.get(&((cy * n + cx) as u32)) else { continue };
                for &b in list.iter().rev() {
                    if times[k] - times[window[b]] > GROUP_LINK_MS {
                        break;
                    }
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                }
            }
        }
        by_cell.entry(id).or_default().push(a);
    }
    let mut number = vec![usize::MAX; window.len()];
    let mut group = vec![0usize; window.len()];
    let mut n_groups = 0;
    for (a, g) in group.iter_mut().enumerate() {
        let r = find(&mut parent, a);
        if number[r] == usize::MAX {
            number[r] = n_groups;
            n_groups += 1;
        }
        *g = number[r];
    }
    (group, n_groups)
}

/// Merges the groups of one window whose centroids lie within [`GROUP_MERGE_GRID`] of each other
/// (single linkage over the groups' centroids).
fn merge_fragments(fragments: Vec<Vec<usize>>, ids: &[u32], geo: &Geometry) -> Vec<Vec<usize>> {
    let centres: Vec<(f64, f64)> = fragments
        .iter()
        .map(|f| {
            let (x, y, _) = geo.centroid(f.iter().map(|&k| ids[k]));
            (x, y)
        })
        .collect();
    let mut parent: Vec<usize> = (0..fragments.len()).collect();
    fn find(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    for a in 0..centres.len() {
        for b in a + 1..centres.len() {
            if geo.distance(centres[a], centres[b]) <= GROUP_MERGE_GRID {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let mut merged: Vec<Vec<usize>> = vec![Vec::new(); fragments.len()];
    for (a, f) in fragments.into_iter().enumerate() {
        let r = find(&mut parent, a);
        merged[r].extend(f);
    }
    merged.retain(|g| !g.is_empty());
    for g in &mut merged {
        g.sort_unstable();
    }
    merged
}

/// Torus recipe: tracks of one cluster from its core members (indices in time order).
fn torus_track(cluster: usize, members: &[usize], ids: &[u32], times: &[f64], geo: &Geometry) -> ClusterTrack {
    let t: Vec<f64> = members.iter().map(|&k| times[k]).collect();
    let (start, end) = (t[0], t[t.len() - 1]);
    let extra = ((end - start - TRACK_WINDOW_MS) / TRACK_STEP_MS).ceil().max(0.0) as usize;
    let mut points: Vec<TrackPoint> = Vec::new();
    let mut steps = Vec::new();
    // Points of the previous window that exists, with their window number.
    let mut previous: Vec<TrackPoint> = Vec::new();
    let mut previous_window = usize::MAX;
    let mut n_tracks = 0;
    for w in 0..=extra {
        let ws = start + w as f64 * TRACK_STEP_MS;
        let lo = t.partition_point(|&v| v < ws);
        let hi = t.partition_point(|&v| v <= ws + TRACK_WINDOW_MS);
        if hi - lo < TRACK_MIN_SPIKES {
            continue;
        }
        let window = &members[lo..hi];
        let (group, n_groups) = spatial_groups(window, ids, times, geo);
        let mut fragments: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
        for (&k, &g) in window.iter().zip(&group) {
            fragments[g].push(k);
        }
        let by_group = merge_fragments(fragments, ids, geo);
        let mut current = Vec::new();
        // Leftovers of a bump (a few spikes of its tail) are no bump of their own.
        let largest = by_group.iter().map(Vec::len).max().unwrap_or(0);
        let least = TRACK_MIN_SPIKES.max((GROUP_MIN_SHARE * largest as f64).ceil() as usize);
        for spikes in by_group.iter().filter(|s| s.len() >= least) {
            let (x, y, count) = geo.centroid(spikes.iter().map(|&k| ids[k]));
            let mean_t = spikes.iter().map(|&k| times[k]).sum::<f64>() / count as f64;
            current.push(TrackPoint { track: usize::MAX, t_ms: mean_t, window_start_ms: ws, x, y, n_spikes: count });
        }
        // Mutually nearest pairs within MAX_LINK_GRID continue a track.
        if previous_window != usize::MAX && w == previous_window + 1 {
            let nearest = |p: &TrackPoint, among: &[TrackPoint]| {
                among
                    .iter()
                    .enumerate()
                    .map(|(k, q)| (k, geo.distance((p.x, p.y), (q.x, q.y))))
                    .min_by(|a, b| a.1.total_cmp(&b.1))
            };
            for k in 0..current.len() {
                let Some((j, d)) = nearest(&current[k], &previous) else { continue };
                if d <= MAX_LINK_GRID && nearest(&previous[j], &current).map(|(kk, _)| kk) == Some(k) {
                    current[k].track = previous[j].track;
                    steps.push(step_between(previous[j].track, &previous[j], &current[k], geo));
                }
            }
        }
        for p in current.iter_mut().filter(|p| p.track == usize::MAX) {
            p.track = n_tracks;
            n_tracks += 1;
        }
        points.extend_from_slice(&current);
        previous = current;
        previous_window = w;
    }
    points.sort_by(|a, b| a.track.cmp(&b.track).then(a.window_start_ms.total_cmp(&b.window_start_ms)));
    steps.sort_by(|a, b| a.track.cmp(&b.track).then(a.t_ms.total_cmp(&b.t_ms)));
    ClusterTrack { cluster, points, steps }
}

/// The authors' recipe: one track of one cluster from all its members (indices in time order).
fn authors_track(cluster: usize, members: &[usize], ids: &[u32], times: &[f64], n: usize) -> ClusterTrack {
    let geo = Geometry { n: n as f64, wrap: false };
    let t: Vec<f64> = members.iter().map(|&k| times[k]).collect();
    let first = t[0].floor();
    let stop = t[t.len() - 1].ceil() - TRACK_WINDOW_MS - TRACK_STEP_MS;
    let n_windows = ((stop - first) / TRACK_STEP_MS).ceil().max(0.0) as usize;
    let mut points = Vec::new();
    for w in 0..n_windows {
        let ws = first + w as f64 * TRACK_STEP_MS;
        let lo = t.partition_point(|&v| v < ws);
        let hi = t.partition_point(|&v| v < ws + TRACK_WINDOW_MS);
        if hi == lo {
            continue;
        }
        let (x, y, count) = geo.centroid(members[lo..hi].iter().map(|&k| ids[k]));
        let mean_t = t[lo..hi].iter().sum::<f64>() / count as f64;
        points.push(TrackPoint { track: 0, t_ms: mean_t, window_start_ms: ws, x, y, n_spikes: count });
    }
    let steps = points.windows(2).map(|p| step_between(0, &p[0], &p[1], &geo)).collect();
    ClusterTrack { cluster, points, steps }
}

/// Signed direction changes in `(−180, 180]` between successive steps of one track: the torus
/// recipe takes steps that follow each other directly, the authors' any successive steps.
fn direction_changes_deg(recipe: Recipe, steps: &[TrackStep]) -> Vec<f64> {
    steps
        .windows(2)
        .filter(|w| w[0].track == w[1].track)
        .filter(|w| recipe.is_authors() || (w[1].t_ms - w[0].t_ms - TRACK_STEP_MS).abs() < 1e-6 * TRACK_STEP_MS)
        .map(|w| signed_angle_deg(w[1].direction_deg - w[0].direction_deg))
        .collect()
}

/// An angle difference wrapped to `(−180, 180]`.
fn signed_angle_deg(d: f64) -> f64 {
    let d = d.rem_euclid(360.0);
    if d > 180.0 { d - 360.0 } else { d }
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

fn direction_change_histogram(changes: &[f64]) -> DirectionHistogram {
    let width = 360.0 / DIRECTION_CHANGE_BINS as f64;
    let mut counts = vec![0usize; DIRECTION_CHANGE_BINS];
    for &d in changes.iter().filter(|d| d.is_finite()) {
        let bin = (((d + 180.0) / width).floor().max(0.0) as usize).min(DIRECTION_CHANGE_BINS - 1);
        counts[bin] += 1;
    }
    let bin_edges_deg = (0..=DIRECTION_CHANGE_BINS).map(|k| -180.0 + k as f64 * width).collect();
    DirectionHistogram { bin_edges_deg, counts }
}

fn speed_histogram(speeds: &[f64]) -> SpeedHistogram {
    let width = SPEED_HISTOGRAM_MAX / SPEED_BINS as f64;
    let mut counts = vec![0usize; SPEED_BINS];
    for &v in speeds.iter().filter(|v| v.is_finite() && (0.0..SPEED_HISTOGRAM_MAX).contains(*v)) {
        counts[((v / width).floor() as usize).min(SPEED_BINS - 1)] += 1;
    }
    SpeedHistogram { bin_edges_paper_units: (0..=SPEED_BINS).map(|k| k as f64 * width).collect(), counts }
}

/// Torus recipe: number of distinct clusters with spikes in each window of [`COUNT_WINDOW_MS`]
/// stepped by [`COUNT_STEP_MS`] inside `[from_ms, to_ms)`.
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

/// The authors' Fig. 6b: number of distinct clusters with a centroid window starting in each
/// window of [`COUNT_WINDOW_MS`], the windows starting at `from_ms` every [`COUNT_STEP_MS`] before
/// `to_ms − COUNT_WINDOW_MS` (a microsecond of slack, for ends given as `end + 1e-6`).
fn authors_sequences_per_window(tracks: &[ClusterTrack], from_ms: f64, to_ms: f64) -> Vec<f64> {
    let last_start = to_ms - COUNT_WINDOW_MS - 1e-3;
    let mut counts = Vec::new();
    let mut w = 0usize;
    loop {
        let ws = from_ms + w as f64 * COUNT_STEP_MS;
        if ws >= last_start {
            break;
        }
        let in_window = |p: &TrackPoint| p.window_start_ms >= ws && p.window_start_ms < ws + COUNT_WINDOW_MS;
        counts.push(tracks.iter().filter(|t| t.points.iter().any(in_window)).count() as f64);
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
        let q = &s.sequences_per_window;
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

    /// A square lattice of bumps `spacing` apart, all drifting at `speed` along `direction_deg`.
    fn lattice(spacing: usize, speed: f64, direction_deg: f64, end_ms: f64) -> Vec<Bump> {
        let mut bumps = Vec::new();
        for y in (0..N).step_by(spacing) {
            for x in (0..N).step_by(spacing) {
                let (x0, y0) = (x as f64 + 2.0, y as f64 + 3.0);
                bumps.push(Bump { x0, y0, speed_grid_per_s: speed, direction_deg, start_ms: 0.0, end_ms });
            }
        }
        bumps
    }

    #[test]
    fn torus_recipe_follows_every_bump_of_a_fast_drifting_lattice() {
        // A lattice of 100 bumps 10 apart: at the higher speeds a bump reaches the place of the one
        // ahead of it within DBSCAN's reach (eps = 3 time units of 20 ms), so the lattice chains
        // into a few clusters spanning the sheet, whose plain centroid jumps between bumps.
        for (k, speed) in [50.0, 100.0, 200.0, 300.0].into_iter().enumerate() {
            let bumps = lattice(10, speed, 30.0, 400.0);
            let (i, t) = synthesize(&bumps, 400, 0.2, 1.0, 20 + k as u64);
            let report = analyze(&i, &t, N, 0.0, 400.0, &DbscanParams::default()).unwrap();
            let s = &report.summary;
            if speed >= 200.0 {
                assert!(s.n_clusters < 20, "{speed} grid/s: the lattice chains, {} clusters", s.n_clusters);
            }
            assert!(
                (s.speed_grid_per_s.median - speed).abs() < 0.1 * speed + 5.0,
                "{speed} grid/s: median {:?}",
                s.speed_grid_per_s
            );
            assert!(s.speed_grid_per_s.q75 < 1.2 * speed + 10.0, "{speed} grid/s: {:?}", s.speed_grid_per_s);
            assert!((s.speed_paper_units.median - speed * 0.4).abs() < 0.04 * speed + 2.0);
            assert!(angle_diff(s.direction_mean_deg, 30.0) < 5.0, "{speed}: direction {}", s.direction_mean_deg);
            // About one track per bump, most about as long as the run.
            assert!((95..=130).contains(&s.n_tracks), "{speed} grid/s: {} tracks", s.n_tracks);
            assert!(s.direction_change_deg.median < 20.0, "{speed}: {:?}", s.direction_change_deg);
            let points: usize = report.tracks.iter().map(|t| t.points.len()).sum();
            assert!(points > 100 * 30, "{speed} grid/s: {points} track points");
        }
    }

    #[test]
    fn torus_recipe_follows_a_sparse_bump_as_one() {
        // About one spike per ms from the whole bump, as in the network: the bump's spikes of one
        // window fall apart into fragments at the link distance and are one group again.
        for (k, speed) in [60.0, 120.0].into_iter().enumerate() {
            let bump = Bump {
                x0: 20.0,
                y0: 30.0,
                speed_grid_per_s: speed,
                direction_deg: 135.0,
                start_ms: 0.0,
                end_ms: 600.0,
            };
            let (i, t) = synthesize(&[bump], 600, 0.035, 0.5, 40 + k as u64);
            let report = analyze(&i, &t, N, 0.0, 600.0, &DbscanParams::default()).unwrap();
            let s = &report.summary;
            assert!(
                (s.speed_grid_per_s.median - speed).abs() < 0.15 * speed,
                "{speed} grid/s: median {:?}",
                s.speed_grid_per_s
            );
            assert!(angle_diff(s.direction_mean_deg, 135.0) < 10.0, "{speed}: direction {}", s.direction_mean_deg);
            assert!(s.n_tracks <= 3, "{speed} grid/s: {} tracks", s.n_tracks);
        }
    }

    #[test]
    fn authors_recipe_measures_velocity_as_displacement_per_25_ms() {
        let bump =
            Bump { x0: 20.0, y0: 30.0, speed_grid_per_s: 200.0, direction_deg: 60.0, start_ms: 50.0, end_ms: 350.0 };
        let (i, t) = synthesize(&[bump], 400, 0.2, 0.0, 9);
        let report = analyze_recipe(Recipe::Authors, &i, &t, N, 0.0, 400.0, &DbscanParams::default()).unwrap();
        let s = &report.summary;
        assert_eq!((s.recipe, s.wrap, s.n_clusters), (Recipe::Authors, false, 1));
        // 2 grid points per 10 ms step: 80 in the paper's units (2 / 25 ms), 200 grid points/s.
        assert!((s.speed_paper_units.median - 80.0).abs() < 4.0, "{:?}", s.speed_paper_units);
        assert!((s.speed_grid_per_s.median - 200.0).abs() < 10.0, "{:?}", s.speed_grid_per_s);
        assert!(angle_diff(s.direction_mean_deg, 60.0) < 5.0);
        // Windows [s, s + 25) from floor(t_min) every 10 ms, below ceil(t_max) - 35; each centroid the
        // plain mean position of all the cluster's spikes in its window.
        let track = &report.tracks[0];
        let members: Vec<usize> = (0..i.len()).filter(|&k| report.labels[k] == 0).collect();
        let (t0, t1) = (t[members[0]].floor(), t[*members.last().unwrap()].ceil());
        let starts: Vec<f64> = track.points.iter().map(|p| p.window_start_ms).collect();
        let expected: Vec<f64> = (0..).map(|k| t0 + 10.0 * k as f64).take_while(|&s| s < t1 - 35.0).collect();
        assert_eq!(starts, expected);
        for p in &track.points {
            let inside: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&k| t[k] >= p.window_start_ms && t[k] < p.window_start_ms + 25.0)
                .collect();
            let mean = |f: &dyn Fn(u32) -> f64| inside.iter().map(|&k| f(i[k])).sum::<f64>() / inside.len() as f64;
            assert_eq!(p.n_spikes, inside.len());
            assert!((p.x - mean(&|id| (id as usize % N) as f64)).abs() < 1e-9);
            assert!((p.y - mean(&|id| (id as usize / N) as f64)).abs() < 1e-9);
        }
        assert_eq!(track.steps.len(), track.points.len() - 1);
        let step = &track.steps[3];
        assert!((step.speed_paper_units - step.displacement / 0.025).abs() < 1e-9);
        assert!((step.speed_grid_per_s - step.displacement / 0.010).abs() < 1e-9);
    }

    #[test]
    fn authors_recipe_does_not_wrap_and_keeps_short_clusters_without_track() {
        // Crossing the x edge splits the bump in two clusters, as in the authors' analysis.
        let bump =
            Bump { x0: 85.0, y0: 50.0, speed_grid_per_s: 150.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 300.0 };
        let (i, t) = synthesize(&[bump], 300, 0.2, 0.0, 10);
        let p = DbscanParams::default();
        assert_eq!(analyze_recipe(Recipe::Torus, &i, &t, N, 0.0, 300.0, &p).unwrap().summary.n_clusters, 1);
        let authors = analyze_recipe(Recipe::Authors, &i, &t, N, 0.0, 300.0, &p).unwrap();
        assert_eq!(authors.summary.n_clusters, 2);
        assert!(!authors.summary.dbscan.wrap);
        // No step jumps across the sheet.
        assert!(authors.tracks.iter().flat_map(|t| &t.steps).all(|s| s.displacement < 5.0));
        // A cluster shorter than 35 ms has no centroid window.
        let short =
            Bump { x0: 50.0, y0: 50.0, speed_grid_per_s: 0.0, direction_deg: 0.0, start_ms: 10.0, end_ms: 40.0 };
        let (i, t) = synthesize(&[short], 100, 0.3, 0.0, 11);
        let r = analyze_recipe(Recipe::Authors, &i, &t, N, 0.0, 100.0, &p).unwrap();
        assert_eq!(r.summary.n_clusters, 1);
        assert!(r.tracks[0].points.is_empty() && r.summary.n_tracks == 0);
    }

    #[test]
    fn authors_wrap_recipe_merges_a_bump_cut_by_the_edge() {
        let bump =
            Bump { x0: 85.0, y0: 50.0, speed_grid_per_s: 150.0, direction_deg: 0.0, start_ms: 0.0, end_ms: 300.0 };
        let (i, t) = synthesize(&[bump], 300, 0.2, 0.0, 10);
        let p = DbscanParams::default();
        assert_eq!(analyze_recipe(Recipe::Authors, &i, &t, N, 0.0, 300.0, &p).unwrap().summary.n_clusters, 2);
        let merged = analyze_recipe(Recipe::AuthorsWrap, &i, &t, N, 0.0, 300.0, &p).unwrap();
        assert_eq!((merged.summary.recipe, merged.summary.n_clusters), (Recipe::AuthorsWrap, 1));
        assert!(!merged.summary.dbscan.wrap);
        assert_eq!(merged.clusters[0].n_spikes, merged.labels.iter().filter(|&&l| l == 0).count());
    }

    #[test]
    fn authors_sequences_per_window_counts_clusters_with_a_centroid_in_each_window() {
        // Stationary bumps A 600-800, B 1600-1800, C 2200-2400 ms; analysed from 500 to 3500 ms.
        let mk = |x0: f64, start: f64| Bump {
            x0,
            y0: 50.0,
            speed_grid_per_s: 0.0,
            direction_deg: 0.0,
            start_ms: start,
            end_ms: start + 200.0,
        };
        let (i, t) = synthesize(&[mk(10.0, 600.0), mk(50.0, 1600.0), mk(80.0, 2200.0)], 3500, 0.2, 0.0, 12);
        let report =
            analyze_recipe(Recipe::Authors, &i, &t, N, 500.0, 3500.0 + 1e-6, &DbscanParams::default()).unwrap();
        let s = &report.summary;
        assert_eq!(s.n_clusters, 3);
        // Centroid windows start at 600..=760, 1600..=1760 and 2200..=2360 ms; counting windows
        // [w, w + 1000) start at 500, 600, ..., 2400 (before 3500 - 1000).
        let expected = [1, 1, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0];
        assert_eq!(s.sequences_per_window.values, expected.map(f64::from).to_vec());
        assert_eq!(s.n_count_windows, 20);
        assert_eq!((s.sequences_per_window.median, s.sequences_per_window.q75), (1.0, 2.0));
        // A 10 s run after a 500 ms warm-up has the authors' 90 windows.
        assert_eq!(authors_sequences_per_window(&report.tracks, 500.0, 10_500.0 + 1e-6).len(), 90);
        assert_eq!(authors_sequences_per_window(&report.tracks, 500.0, 10_500.0).len(), 90);
    }

    #[test]
    fn histograms_hold_every_counted_value() {
        let bump =
            Bump { x0: 30.0, y0: 30.0, speed_grid_per_s: 150.0, direction_deg: 100.0, start_ms: 0.0, end_ms: 400.0 };
        let (i, t) = synthesize(&[bump], 400, 0.2, 2.0, 13);
        for recipe in Recipe::ALL {
            let report = analyze_recipe(recipe, &i, &t, N, 0.0, 400.0, &DbscanParams::default()).unwrap();
            let s = &report.summary;
            assert_eq!(s.recipe, recipe);
            let in_range = report.speeds_paper_units().iter().filter(|&&v| v < SPEED_HISTOGRAM_MAX).count();
            assert_eq!(s.speed_histogram.counts.iter().sum::<usize>(), in_range);
            assert_eq!(s.direction_change_histogram.counts.iter().sum::<usize>(), report.direction_changes_deg.len());
            assert!(report.direction_changes_deg.iter().all(|d| (-180.0..=180.0).contains(d)));
            let expected_rate = s.n_spikes as f64 / (N * N) as f64 / 0.4;
            assert!((s.mean_rate_hz - expected_rate).abs() < 1e-9);
        }
    }
}
