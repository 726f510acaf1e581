//! Real-time bump tracking on an activity map of the torus.
//!
//! [`BumpTracker::update`] takes an `n x n` map of recent activity (row-major,
//! `activity[y * n + x]`, e.g. spikes decaying over ~25 ms), finds the bumps
//! (connected cells above a threshold, on the torus, 8- or 4-connected), and
//! links them frame to frame into tracks by the nearest centroid within a
//! maximum jump (minimal image on the torus). Tracks keep a trail of recent
//! positions for drawing; [`split_trail`] cuts a trail where it wraps around
//! the edge so that a polyline never crosses the whole sheet.

use std::collections::VecDeque;
use std::f64::consts::TAU;

use super::{AnalysisError, check_grid};

/// Detection and linking parameters of the [`BumpTracker`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BumpTrackerParams {
    /// Cells above `max(threshold_floor, threshold_fraction * max)` belong to bumps.
    pub threshold_fraction: f32,
    /// Absolute lower bound of the threshold (activity units).
    pub threshold_floor: f32,
    /// Components with fewer cells are dropped.
    pub min_cells: usize,
    /// 8-connected components (`false`: 4-connected).
    pub eight_connected: bool,
    /// Largest centroid jump (grid units) between two updates of one track.
    pub max_jump: f32,
    /// Tracks unseen for longer than this are retired.
    pub retire_after_ms: f64,
    /// A track counts once it has been seen in this many updates.
    pub min_hits: usize,
    /// Number of trail points kept per track.
    pub trail_len: usize,
    /// Time span of the trail used for the speed estimate.
    pub speed_window_ms: f64,
}

impl Default for BumpTrackerParams {
    fn default() -> Self {
        Self {
            threshold_fraction: 0.4,
            threshold_floor: 0.1,
            min_cells: 4,
            eight_connected: true,
            max_jump: 10.0,
            retire_after_ms: 50.0,
            min_hits: 3,
            trail_len: 64,
            speed_window_ms: 50.0,
        }
    }
}

/// A bump found in the latest update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bump {
    /// Activity-weighted circular-mean centroid, in `[0, n)`.
    pub x: f32,
    pub y: f32,
    /// Summed activity of the bump's cells.
    pub mass: f32,
    pub peak: f32,
    pub n_cells: usize,
    /// Id of the track this bump was linked to.
    pub track_id: u64,
}

/// One trail position of a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrailPoint {
    /// Position on the torus, in `[0, n)`.
    pub x: f32,
    pub y: f32,
    pub t_ms: f64,
}

/// A tracked bump (a live sequence).
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub id: u64,
    pub born_ms: f64,
    pub last_seen_ms: f64,
    /// Number of updates in which the track was seen.
    pub hits: usize,
    trail: VecDeque<TrailPoint>,
    velocity_grid_per_s: Option<(f32, f32)>,
}

impl Track {
    /// Recent positions, oldest first (wrapped to the torus).
    pub fn trail(&self) -> impl ExactSizeIterator<Item = &TrailPoint> + Clone {
        self.trail.iter()
    }

    /// Latest position.
    pub fn position(&self) -> Option<TrailPoint> {
        self.trail.back().copied()
    }

    /// Velocity over the recent trail (grid units per s), once two points exist.
    pub fn velocity_grid_per_s(&self) -> Option<(f32, f32)> {
        self.velocity_grid_per_s
    }

    /// Speed over the recent trail (grid units per s).
    pub fn speed_grid_per_s(&self) -> Option<f32> {
        self.velocity_grid_per_s.map(|(vx, vy)| vx.hypot(vy))
    }

    /// Trail split into pieces that do not cross the torus edge.
    pub fn trail_segments(&self, n: usize) -> Vec<Vec<TrailPoint>> {
        split_trail(self.trail.iter(), n)
    }

    fn push(&mut self, p: TrailPoint, params: &BumpTrackerParams, n: f32) {
        self.trail.push_back(p);
        while self.trail.len() > params.trail_len.max(2) {
            self.trail.pop_front();
        }
        self.last_seen_ms = p.t_ms;
        self.hits += 1;
        // Net minimal-image displacement over the speed window.
        let (mut dx, mut dy, mut t0) = (0.0f32, 0.0f32, p.t_ms);
        let mut newer = p;
        for older in self.trail.iter().rev().skip(1) {
            if p.t_ms - older.t_ms > params.speed_window_ms {
                break;
            }
            dx += wrap_delta(newer.x - older.x, n);
            dy += wrap_delta(newer.y - older.y, n);
            t0 = older.t_ms;
            newer = *older;
        }
        let dt_s = ((p.t_ms - t0) / 1000.0) as f32;
        if dt_s > 0.0 {
            self.velocity_grid_per_s = Some((dx / dt_s, dy / dt_s));
        }
    }
}

#[inline]
fn wrap_delta(d: f32, n: f32) -> f32 {
    d - n * (d / n).round()
}

/// Splits a trail into runs between which the raw position jumps by more
/// than half the torus (i.e. where the bump wrapped around an edge).
pub fn split_trail<'a>(trail: impl IntoIterator<Item = &'a TrailPoint>, n: usize) -> Vec<Vec<TrailPoint>> {
    let half = n as f32 / 2.0;
    let mut segments: Vec<Vec<TrailPoint>> = Vec::new();
    let mut current: Vec<TrailPoint> = Vec::new();
    for &p in trail {
        if let Some(last) = current.last()
            && ((p.x - last.x).abs() > half || (p.y - last.y).abs() > half)
        {
            segments.push(std::mem::take(&mut current));
        }
        current.push(p);
    }
    if !current.is_empty() {
        segments.push(current);
    }
    segments
}

/// Finds bumps in activity maps and follows them over time.
#[derive(Debug, Clone)]
pub struct BumpTracker {
    n: usize,
    params: BumpTrackerParams,
    bumps: Vec<Bump>,
    tracks: Vec<Track>,
    next_id: u64,
    // Scratch buffers reused across updates.
    component: Vec<u32>,
    stack: Vec<u32>,
    cos_table: Vec<f64>,
    sin_table: Vec<f64>,
}

const UNSEEN: u32 = u32::MAX;
const BELOW: u32 = u32::MAX - 1;

impl BumpTracker {
    /// A tracker for an `n x n` torus with default parameters (with `n == 0`
    /// every update returns [`AnalysisError::EmptyGrid`]).
    pub fn new(n: usize) -> Self {
        Self::with_params(n, BumpTrackerParams::default())
    }

    /// A tracker with explicit parameters.
    pub fn with_params(n: usize, params: BumpTrackerParams) -> Self {
        let (sin_table, cos_table) = (0..n).map(|k| (TAU * k as f64 / n as f64).sin_cos()).unzip();
        Self {
            n,
            params,
            bumps: Vec::new(),
            tracks: Vec::new(),
            next_id: 0,
            component: vec![UNSEEN; n * n],
            stack: Vec::new(),
            cos_table,
            sin_table,
        }
    }

    pub fn params(&self) -> &BumpTrackerParams {
        &self.params
    }

    /// Bumps found in the latest update.
    pub fn bumps(&self) -> &[Bump] {
        &self.bumps
    }

    /// Live tracks seen in at least `min_hits` updates.
    pub fn tracks(&self) -> impl Iterator<Item = &Track> {
        let min_hits = self.params.min_hits;
        self.tracks.iter().filter(move |t| t.hits >= min_hits)
    }

    /// All live tracks, including those not yet seen `min_hits` times.
    pub fn all_tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// Current number of tracked sequences (tracks counted by [`Self::tracks`]).
    pub fn count(&self) -> usize {
        self.tracks().count()
    }

    /// Median over counted tracks of their recent speed, if any has one.
    pub fn median_speed_grid_per_s(&self) -> Option<f32> {
        let mut speeds: Vec<f32> = self.tracks().filter_map(Track::speed_grid_per_s).collect();
        if speeds.is_empty() {
            return None;
        }
        speeds.sort_unstable_by(f32::total_cmp);
        let m = speeds.len() / 2;
        Some(if speeds.len() % 2 == 1 { speeds[m] } else { (speeds[m - 1] + speeds[m]) / 2.0 })
    }

    /// Forgets all bumps and tracks.
    pub fn clear(&mut self) {
        self.bumps.clear();
        self.tracks.clear();
    }

    /// Finds the bumps in `activity` (row-major `n * n`) at time `t_ms` and
    /// updates the tracks.
    pub fn update(&mut self, activity: &[f32], t_ms: f64) -> Result<(), AnalysisError> {
        let n = self.n;
        check_grid(n)?;
        if activity.len() != n * n {
            return Err(AnalysisError::ActivityMapSize { expected: n * n, got: activity.len() });
        }
        if !t_ms.is_finite() {
            return Err(AnalysisError::NonFiniteTime { index: 0 });
        }
        self.detect(activity);
        self.link(t_ms);
        Ok(())
    }

    fn detect(&mut self, activity: &[f32]) {
        let n = self.n;
        self.bumps.clear();
        let max = activity.iter().copied().filter(|v| v.is_finite()).fold(f32::NEG_INFINITY, f32::max);
        let threshold = self.params.threshold_floor.max(self.params.threshold_fraction * max);
        // No finite values leave max at -inf, below any threshold.
        if max < threshold {
            return;
        }
        for (c, &v) in self.component.iter_mut().zip(activity) {
            *c = if v >= threshold && v.is_finite() { UNSEEN } else { BELOW };
        }
        let offsets: &[(isize, isize)] = if self.params.eight_connected {
            &[(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
        } else {
            &[(0, -1), (-1, 0), (1, 0), (0, 1)]
        };
        let ni = n as isize;
        for seed in 0..n * n {
            if self.component[seed] != UNSEEN {
                continue;
            }
            let label = self.bumps.len() as u32;
            self.component[seed] = label;
            self.stack.clear();
            self.stack.push(seed as u32);
            let (mut cx, mut sx, mut cy, mut sy) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            let (mut mass, mut peak, mut cells) = (0.0f64, 0.0f32, 0usize);
            while let Some(cell) = self.stack.pop() {
                let cell = cell as usize;
                let (x, y) = (cell % n, cell / n);
                let w = activity[cell];
                let wf = f64::from(w);
                cx += wf * self.cos_table[x];
                sx += wf * self.sin_table[x];
                cy += wf * self.cos_table[y];
                sy += wf * self.sin_table[y];
                mass += wf;
                peak = peak.max(w);
                cells += 1;
                for &(ox, oy) in offsets {
                    let nx = (x as isize + ox).rem_euclid(ni) as usize;
                    let ny = (y as isize + oy).rem_euclid(ni) as usize;
                    let nb = ny * n + nx;
                    if self.component[nb] == UNSEEN {
                        self.component[nb] = label;
                        self.stack.push(nb as u32);
                    }
                }
            }
            if cells < self.params.min_cells {
                continue;
            }
            let nf = n as f64;
            self.bumps.push(Bump {
                x: super::circular_mean(cx, sx, nf) as f32,
                y: super::circular_mean(cy, sy, nf) as f32,
                mass: mass as f32,
                peak,
                n_cells: cells,
                track_id: u64::MAX,
            });
        }
    }

    fn link(&mut self, t_ms: f64) {
        let nf = self.n as f32;
        let max_jump2 = self.params.max_jump * self.params.max_jump;
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        for (ti, track) in self.tracks.iter().enumerate() {
            let Some(last) = track.trail.back() else {
                continue;
            };
            for (bi, b) in self.bumps.iter().enumerate() {
                let dx = wrap_delta(b.x - last.x, nf);
                let dy = wrap_delta(b.y - last.y, nf);
                let d2 = dx * dx + dy * dy;
                if d2 <= max_jump2 {
                    pairs.push((d2, ti, bi));
                }
            }
        }
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut track_taken = vec![false; self.tracks.len()];
        for (_, ti, bi) in pairs {
            if track_taken[ti] || self.bumps[bi].track_id != u64::MAX {
                continue;
            }
            track_taken[ti] = true;
            let b = &mut self.bumps[bi];
            b.track_id = self.tracks[ti].id;
            let p = TrailPoint { x: b.x, y: b.y, t_ms };
            self.tracks[ti].push(p, &self.params, nf);
        }
        for b in &mut self.bumps {
            if b.track_id != u64::MAX {
                continue;
            }
            b.track_id = self.next_id;
            let mut track = Track {
                id: self.next_id,
                born_ms: t_ms,
                last_seen_ms: t_ms,
                hits: 0,
                trail: VecDeque::new(),
                velocity_grid_per_s: None,
            };
            self.next_id += 1;
            track.push(TrailPoint { x: b.x, y: b.y, t_ms }, &self.params, nf);
            self.tracks.push(track);
        }
        let retire = self.params.retire_after_ms;
        self.tracks.retain(|t| t_ms - t.last_seen_ms <= retire);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 100;

    /// Adds a Gaussian bump of width `sigma` centred at `(cx, cy)` on the torus.
    fn add_gaussian(map: &mut [f32], cx: f64, cy: f64, sigma: f64, amp: f64) {
        let nf = N as f64;
        for y in 0..N {
            let dy = super::super::min_image(y as f64 - cy, nf);
            if dy.abs() > 4.0 * sigma {
                continue;
            }
            for x in 0..N {
                let dx = super::super::min_image(x as f64 - cx, nf);
                map[y * N + x] += (amp * (-(dx * dx + dy * dy) / (2.0 * sigma * sigma)).exp()) as f32;
            }
        }
    }

    fn background(t: usize) -> Vec<f32> {
        // Weak deterministic ripple below the threshold floor.
        (0..N * N).map(|k| 0.05 * (((k * 7919 + t * 31) % 97) as f32 / 97.0)).collect()
    }

    #[test]
    fn follows_a_moving_bump_across_the_edges() {
        let mut tracker = BumpTracker::new(N);
        let (speed, dir) = (150.0f64, 30f64.to_radians());
        let mut id = None;
        let mut crossed = false;
        for step in 0..100 {
            let t = step as f64 * 10.0;
            // Starts at (80, 90): crosses x = 100 and y = 100 within 1 s.
            let cx = (80.0 + speed * dir.cos() * t / 1000.0).rem_euclid(N as f64);
            let cy = (90.0 + speed * dir.sin() * t / 1000.0).rem_euclid(N as f64);
            let mut map = background(step);
            add_gaussian(&mut map, cx, cy, 2.0, 1.0);
            tracker.update(&map, t).unwrap();
            assert_eq!(tracker.bumps().len(), 1, "step {step}");
            let b = tracker.bumps()[0];
            let err = f64::from(wrap_delta(b.x - cx as f32, N as f32))
                .hypot(f64::from(wrap_delta(b.y - cy as f32, N as f32)));
            assert!(err < 0.2, "centroid off by {err} at step {step}");
            // Always the same track.
            assert_eq!(*id.get_or_insert(b.track_id), b.track_id);
            assert_eq!(tracker.all_tracks().len(), 1);
            if step >= 2 {
                assert_eq!(tracker.count(), 1);
                let v = tracker.median_speed_grid_per_s().unwrap();
                assert!((f64::from(v) - speed).abs() < 0.05 * speed, "speed {v} at step {step}");
                let (vx, vy) = tracker.tracks().next().unwrap().velocity_grid_per_s().unwrap();
                let angle = f64::from(vy).atan2(f64::from(vx)).to_degrees();
                assert!((angle - 30.0).abs() < 2.0, "direction {angle}");
            }
            let track = tracker.tracks().next();
            if let Some(track) = track
                && track.trail_segments(N).len() > 1
            {
                crossed = true;
                for seg in track.trail_segments(N) {
                    for w in seg.windows(2) {
                        assert!((w[1].x - w[0].x).abs() < 5.0 && (w[1].y - w[0].y).abs() < 5.0);
                    }
                }
            }
        }
        assert!(crossed, "the trail never wrapped around an edge");
    }

    #[test]
    fn two_bumps_are_two_tracks_and_vanishing_bumps_retire() {
        let mut tracker = BumpTracker::new(N);
        for step in 0..20 {
            let t = step as f64 * 10.0;
            let mut map = background(step);
            add_gaussian(&mut map, 20.0 + t * 0.1, 20.0, 2.0, 1.0);
            if step < 10 {
                add_gaussian(&mut map, 70.0, (70.0 - t * 0.1).rem_euclid(N as f64), 2.5, 0.8);
            }
            tracker.update(&map, t).unwrap();
            if (2..10).contains(&step) {
                assert_eq!(tracker.count(), 2, "step {step}");
                let mut ids: Vec<u64> = tracker.bumps().iter().map(|b| b.track_id).collect();
                ids.sort_unstable();
                assert_eq!(ids, vec![0, 1]);
            }
            // The second bump disappears at step 10 and is retired after 50 ms.
            if step >= 16 {
                assert_eq!(tracker.count(), 1, "step {step}");
            }
        }
        // Both bumps move at 100 grid/s.
        let v = tracker.median_speed_grid_per_s().unwrap();
        assert!((v - 100.0).abs() < 5.0, "{v}");
    }

    #[test]
    fn small_or_weak_spots_are_not_bumps() {
        let mut tracker = BumpTracker::new(N);
        let mut map = vec![0.0f32; N * N];
        map[5 * N + 5] = 1.0; // single cell: below min_cells
        tracker.update(&map, 0.0).unwrap();
        assert!(tracker.bumps().is_empty());
        let map = vec![0.05f32; N * N]; // below the floor
        tracker.update(&map, 10.0).unwrap();
        assert!(tracker.bumps().is_empty());
        assert_eq!(tracker.median_speed_grid_per_s(), None);
        assert_eq!(tracker.update(&[0.0; 3], 20.0), Err(AnalysisError::ActivityMapSize { expected: N * N, got: 3 }));
    }

    #[test]
    fn split_trail_breaks_at_the_edge() {
        let p = |x: f32, y: f32, t: f64| TrailPoint { x, y, t_ms: t };
        let trail = [p(97.0, 10.0, 0.0), p(99.0, 10.0, 1.0), p(1.0, 10.0, 2.0), p(3.0, 11.0, 3.0), p(3.0, 98.0, 4.0)];
        let segs = split_trail(&trail, 100);
        assert_eq!(segs.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 2, 1]);
        assert!(split_trail(&[], 100).is_empty());
    }

    #[test]
    fn update_is_fast() {
        let mut tracker = BumpTracker::new(N);
        let mut maps = Vec::new();
        for k in 0..10 {
            let mut map = background(k);
            for b in 0..5 {
                add_gaussian(&mut map, 10.0 + 20.0 * b as f64 + k as f64, 50.0, 2.5, 1.0);
            }
            maps.push(map);
        }
        let start = std::time::Instant::now();
        for step in 0..200 {
            tracker.update(&maps[step % 10], step as f64).unwrap();
        }
        let per_update = start.elapsed().as_secs_f64() / 200.0;
        // Generous bound for loaded machines; typically far below 1 ms.
        assert!(per_update < 5e-3, "update took {per_update} s");
    }
}
