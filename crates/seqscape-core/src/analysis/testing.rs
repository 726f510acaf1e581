//! Test support: deterministic synthetic spike trains of moving bumps, for tests of the analysis
//! here and in the crates that use it. Not part of the simulation.

use super::min_image;

/// A disc-shaped bump of activity moving at constant velocity, for
/// synthetic spike trains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticBump {
    pub x0: f64,
    pub y0: f64,
    pub speed_grid_per_s: f64,
    pub direction_deg: f64,
    pub start_ms: f64,
    pub end_ms: f64,
}

impl SyntheticBump {
    /// Centre at `t_ms` (unwrapped; take it modulo `n` for the torus).
    pub fn centre(&self, t_ms: f64) -> (f64, f64) {
        let d = self.speed_grid_per_s * (t_ms - self.start_ms) / 1000.0;
        let (s, c) = self.direction_deg.to_radians().sin_cos();
        (self.x0 + d * c, self.y0 + d * s)
    }
}

/// Deterministic synthetic spikes on an `n x n` torus, sorted by time: in
/// every 1 ms bin each neuron within 3 cells of a live bump's centre fires
/// with probability `p_spike`, and background spikes arrive uniformly at
/// `noise_hz` per neuron. Spike times are jittered inside their bin.
pub fn synthesize_spikes(
    n: usize,
    bumps: &[SyntheticBump],
    duration_ms: f64,
    p_spike: f64,
    noise_hz: f64,
    seed: u64,
) -> (Vec<u32>, Vec<f64>) {
    let mut rng = SplitMix64(seed);
    let radius = 3.0f64;
    let (nf, ni) = (n as f64, n as i64);
    let (mut i, mut t) = (Vec::new(), Vec::new());
    if n == 0 {
        return (i, t);
    }
    let noise_per_ms = noise_hz / 1000.0 * nf * nf;
    let mut ids: Vec<u32> = Vec::new();
    let mut ms = 0.0;
    while ms < duration_ms {
        ids.clear();
        for b in bumps.iter().filter(|b| ms >= b.start_ms && ms < b.end_ms) {
            let (cx, cy) = b.centre(ms);
            let r = radius as i64 + 1;
            for oy in -r..=r {
                for ox in -r..=r {
                    let x = (cx.round() as i64 + ox).rem_euclid(ni);
                    let y = (cy.round() as i64 + oy).rem_euclid(ni);
                    let dx = min_image(x as f64 - cx, nf);
                    let dy = min_image(y as f64 - cy, nf);
                    if dx * dx + dy * dy <= radius * radius && rng.unit() < p_spike {
                        ids.push((y * ni + x) as u32);
                    }
                }
            }
        }
        let mut k = noise_per_ms;
        while k > 0.0 {
            if rng.unit() < k.min(1.0) {
                ids.push((rng.next_u64() % (n * n) as u64) as u32);
            }
            k -= 1.0;
        }
        ids.sort_unstable();
        ids.dedup();
        let first = t.len();
        for &id in &ids {
            i.push(id);
            t.push(ms + rng.unit() * 0.9);
        }
        // Sort this bin by time (bins themselves are in order).
        let mut bin: Vec<(f64, u32)> = t[first..].iter().copied().zip(i[first..].iter().copied()).collect();
        bin.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (k, (tt, id)) in bin.into_iter().enumerate() {
            t[first + k] = tt;
            i[first + k] = id;
        }
        ms += 1.0;
    }
    (i, t)
}

/// Small deterministic generator (splitmix64) for the synthetic spike trains.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        let out = crate::model::rng::splitmix64(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }

    #[cfg(test)]
    pub(crate) fn below(&mut self, k: u64) -> u64 {
        self.next_u64() % k
    }

    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
