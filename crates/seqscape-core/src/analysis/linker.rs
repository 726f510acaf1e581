//! Live sequences: [`BumpTracker`] finds the bumps of an activity trace, and [`Linker`] links
//! them into sequences by predicted position: each sequence's next position is its last plus its
//! velocity times the elapsed time, and a bump joins it only within a gate around that prediction
//! (nearest pairs first), so trails never jump across the sheet. Only travelling sequences count:
//! a track whose net displacement over its trail (at least [`MIN_SPAN_MS`] long) is less than one
//! grid point per 25 ms ([`MIN_TRAVEL_GRID_PER_S`]) is a stationary bump, gets no trail and is left
//! out of the count, the median speed and the direction. [`Tracking`] holds both and the figures;
//! the window and `seqscape record` draw its trails ([`smoothed_trail`], the last
//! [`TRAIL_DRAW_MS`]).

use super::live::{BumpTracker, TrailPoint};

/// Slowest mean speed of a travelling sequence: one grid point per 25 ms.
pub const MIN_TRAVEL_GRID_PER_S: f32 = 40.0;
/// Shortest trail judged (simulated ms); younger tracks are not counted yet.
pub const MIN_SPAN_MS: f64 = 100.0;

/// Simulated time of trail drawn behind each sequence.
pub const TRAIL_DRAW_MS: f64 = 200.0;

/// One linked sequence: its recent positions (wrapped to the torus) and velocity.
#[derive(Debug, Clone)]
pub struct Sequence {
    trail: std::collections::VecDeque<TrailPoint>,
    /// Smoothed velocity, grid points per s.
    velocity: Option<(f32, f32)>,
    last_seen_ms: f64,
}

impl Sequence {
    pub fn trail(&self) -> impl ExactSizeIterator<Item = &TrailPoint> + Clone {
        self.trail.iter()
    }
}

/// Links bumps into sequences by predicted position within a gate.
#[derive(Debug, Clone)]
pub struct Linker {
    n: usize,
    tracks: Vec<Sequence>,
}

/// Gate around a prediction: this many grid points, plus [`GATE_PER_MS`] per ms since the last
/// sighting (more for a sequence without a velocity yet).
const GATE_GRID: f32 = 2.5;
const GATE_PER_MS: f32 = 0.02;
const GATE_NEW_PER_MS: f32 = 0.1;
/// Sequences unseen this long are dropped; trails keep this many points.
const RETIRE_MS: f64 = 80.0;
const TRAIL_POINTS: usize = 48;

impl Linker {
    pub fn new(n: usize) -> Linker {
        Linker { n, tracks: Vec::new() }
    }

    pub fn clear(&mut self) {
        self.tracks.clear();
    }

    pub fn sequences(&self) -> &[Sequence] {
        &self.tracks
    }

    /// Links the bumps found at `t_ms`.
    pub fn update(&mut self, bumps: &[(f32, f32)], t_ms: f64) {
        let nf = self.n as f32;
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        for (ti, t) in self.tracks.iter().enumerate() {
            let Some(last) = t.trail.back() else { continue };
            let dt_ms = (t_ms - last.t_ms).max(0.0) as f32;
            let (px, py, gate) = match t.velocity {
                Some((vx, vy)) => {
                    (last.x + vx * dt_ms / 1000.0, last.y + vy * dt_ms / 1000.0, GATE_GRID + GATE_PER_MS * dt_ms)
                }
                None => (last.x, last.y, GATE_GRID + GATE_NEW_PER_MS * dt_ms),
            };
            for (bi, &(bx, by)) in bumps.iter().enumerate() {
                let d = wrap(bx - px, nf).hypot(wrap(by - py, nf));
                if d <= gate {
                    pairs.push((d, ti, bi));
                }
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut track_used, mut bump_used) = (vec![false; self.tracks.len()], vec![false; bumps.len()]);
        for (_, ti, bi) in pairs {
            if track_used[ti] || bump_used[bi] {
                continue;
            }
            track_used[ti] = true;
            bump_used[bi] = true;
            let t = &mut self.tracks[ti];
            let (bx, by) = bumps[bi];
            if let Some(last) = t.trail.back().copied() {
                let dt_s = ((t_ms - last.t_ms) / 1000.0) as f32;
                if dt_s > 0.0 {
                    let v = (wrap(bx - last.x, nf) / dt_s, wrap(by - last.y, nf) / dt_s);
                    t.velocity = Some(match t.velocity {
                        Some((vx, vy)) => (0.5 * vx + 0.5 * v.0, 0.5 * vy + 0.5 * v.1),
                        None => v,
                    });
                }
            }
            t.trail.push_back(TrailPoint { x: bx, y: by, t_ms });
            while t.trail.len() > TRAIL_POINTS {
                t.trail.pop_front();
            }
            t.last_seen_ms = t_ms;
        }
        for (bi, &(x, y)) in bumps.iter().enumerate() {
            if !bump_used[bi] {
                let trail = std::iter::once(TrailPoint { x, y, t_ms }).collect();
                self.tracks.push(Sequence { trail, velocity: None, last_seen_ms: t_ms });
            }
        }
        self.tracks.retain(|t| t_ms - t.last_seen_ms <= RETIRE_MS);
    }
}

/// The tracker and its latest figures (travelling sequences only).
#[derive(Debug, Clone)]
pub struct Tracking {
    pub tracker: BumpTracker,
    pub linker: Linker,
    pub n: usize,
    last_t_ms: f64,
    /// Bumps found now, travelling or not.
    pub bumps: usize,
    /// Travelling sequences now.
    pub count: usize,
    /// Median over travelling sequences of their mean speed (grid points per s).
    pub median_speed: Option<f32>,
    /// Circular mean direction of the travelling sequences (degrees from +x toward +y).
    pub direction_deg: Option<f32>,
}

impl Tracking {
    pub fn new(n: usize) -> Tracking {
        Tracking {
            tracker: BumpTracker::new(n),
            linker: Linker::new(n),
            n,
            last_t_ms: f64::NAN,
            bumps: 0,
            count: 0,
            median_speed: None,
            direction_deg: None,
        }
    }

    /// Follows the bumps of `trace` at simulated time `t_ms` and updates the figures.
    pub fn update(&mut self, trace: &[f32], t_ms: f64) {
        if self.last_t_ms == t_ms {
            return;
        }
        if self.last_t_ms > t_ms {
            self.tracker.clear();
            self.linker.clear();
        }
        self.last_t_ms = t_ms;
        if self.tracker.update(trace, t_ms).is_err() {
            return;
        }
        let bumps: Vec<(f32, f32)> = self.tracker.bumps().iter().map(|b| (b.x, b.y)).collect();
        self.linker.update(&bumps, t_ms);
        let n = self.n;
        let moving: Vec<(f32, f32)> = self.linker.sequences().iter().filter_map(|t| travel(t, n)).collect();
        self.bumps = bumps.len();
        self.count = moving.len();
        let mut speeds: Vec<f32> = moving.iter().map(|v| v.0.hypot(v.1)).collect();
        speeds.sort_unstable_by(f32::total_cmp);
        self.median_speed = match speeds.len() {
            0 => None,
            l if l % 2 == 1 => Some(speeds[l / 2]),
            l => Some((speeds[l / 2 - 1] + speeds[l / 2]) / 2.0),
        };
        let (sx, sy) = moving.iter().fold((0.0f32, 0.0f32), |(sx, sy), (vx, vy)| {
            let s = vx.hypot(*vy).max(1e-6);
            (sx + vx / s, sy + vy / s)
        });
        self.direction_deg = (!moving.is_empty()).then(|| sy.atan2(sx).to_degrees().rem_euclid(360.0));
    }

    /// The travelling sequences.
    pub fn travelling(&self) -> impl Iterator<Item = &Sequence> {
        let n = self.n;
        self.linker.sequences().iter().filter(move |t| travel(t, n).is_some())
    }
}

fn wrap(d: f32, n: f32) -> f32 {
    d - n * (d / n).round()
}

/// The track's mean velocity over its trail (grid points per s), if it travels.
pub fn travel(track: &Sequence, n: usize) -> Option<(f32, f32)> {
    let trail = track.trail();
    if trail.len() < 4 {
        return None;
    }
    let (first, last) = (trail.clone().next()?, trail.clone().last()?);
    let span_ms = last.t_ms - first.t_ms;
    if span_ms < MIN_SPAN_MS {
        return None;
    }
    let nf = n as f32;
    let (mut dx, mut dy) = (0.0f32, 0.0f32);
    for (a, b) in trail.clone().zip(trail.skip(1)) {
        dx += wrap(b.x - a.x, nf);
        dy += wrap(b.y - a.y, nf);
    }
    let s = (span_ms / 1000.0) as f32;
    let (vx, vy) = (dx / s, dy / s);
    (vx.hypot(vy) >= MIN_TRAVEL_GRID_PER_S).then_some((vx, vy))
}

/// The trail smoothed by a three-point moving average (on the unwrapped path), wrapped back.
pub fn smoothed_trail(track: &Sequence, n: usize) -> Vec<TrailPoint> {
    let nf = n as f32;
    let mut path: Vec<TrailPoint> = Vec::with_capacity(track.trail().len());
    for p in track.trail() {
        match path.last() {
            Some(q) => {
                path.push(TrailPoint { x: q.x + wrap(p.x - q.x, nf), y: q.y + wrap(p.y - q.y, nf), t_ms: p.t_ms })
            }
            None => path.push(*p),
        }
    }
    (0..path.len())
        .map(|i| {
            let lo = i.saturating_sub(1);
            let hi = (i + 1).min(path.len() - 1);
            let k = (hi - lo + 1) as f32;
            let (x, y) = path[lo..=hi].iter().fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
            TrailPoint { x: (x / k).rem_euclid(nf), y: (y / k).rem_euclid(nf), t_ms: path[i].t_ms }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::model::{LandscapeKind, Params, Preset};
    use crate::sim::{ActivityBins, Runner};

    use super::*;

    /// Feeds the tracker a full-scale run every 40 simulated ms (a frame at 1× real time);
    /// returns the per-update (count, median speed, direction) after the first 300 ms.
    fn track_run(landscape: LandscapeKind, ms: f64) -> Vec<(usize, Option<f32>, Option<f32>)> {
        let params = Params::new(Preset::Paper, landscape, 1).unwrap();
        let mut runner = Runner::new(params, 2).unwrap();
        runner.warm_up();
        let start = runner.t_ms();
        let mut tracking = Tracking::new(runner.params().n);
        let mut out = Vec::new();
        let mut t = start;
        while t < start + ms {
            t += 40.0;
            runner.run_until_ms(t);
            let bins = runner.world().resource::<ActivityBins>();
            tracking.update(&bins.trace, runner.t_ms());
            if t > start + 300.0 {
                out.push((tracking.count, tracking.median_speed, tracking.direction_deg));
            }
        }
        out
    }

    #[test]
    fn homogeneous_sequences_travel_at_135_degrees_and_symmetric_bumps_do_not_travel() {
        let hom = track_run(LandscapeKind::Homogeneous, 2000.0);
        let mut speeds: Vec<f32> = hom.iter().filter_map(|h| h.1).collect();
        speeds.sort_unstable_by(f32::total_cmp);
        assert!(speeds.len() * 2 > hom.len(), "travelling sequences in only {} of {} updates", speeds.len(), hom.len());
        let median = speeds[speeds.len() / 2];
        eprintln!("homogeneous: median speed {median:.1} grid points/s over {} updates", speeds.len());
        // Full-scale homogeneous bumps move about 5 grid points per 40 ms along straight trails.
        assert!((80.0..=170.0).contains(&median), "median speed {median}");
        let dirs: Vec<f32> = hom.iter().filter_map(|h| h.2).collect();
        let off = dirs.iter().filter(|d| (**d - 135.0).abs() > 30.0).count();
        assert!(off * 5 < dirs.len(), "{off} of {} directions are more than 30° off 135°: {dirs:?}", dirs.len());

        let sym = track_run(LandscapeKind::Symmetric, 1500.0);
        let counted: usize = sym.iter().map(|s| s.0).sum();
        assert!(counted * 10 <= sym.len(), "a symmetric landscape reports travelling sequences: {sym:?}");
    }
}
