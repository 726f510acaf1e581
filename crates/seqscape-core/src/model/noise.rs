//! The background current: every neuron draws its own Gaussian current from its own stream, either
//! held for `noise_dt_ms` (NEST's `noise_generator`, the paper preset) or white noise redrawn every
//! step (the seed preset). During the first half of the warm-up the mean is zero and the warm-up σ
//! applies; afterwards μ and σ.

use super::normal::NormalStreams;
use super::params::{NoiseKind, Params};

/// Mean and standard deviation of the background current at `step` (warm-up: first half μ = 0 and
/// the warm-up σ, then μ and σ).
pub fn noise_at(p: &Params, step: u64) -> (f64, f64) {
    if step < p.warmup_steps() / 2 { (0.0, p.warmup_sigma_pa) } else { (p.mu_pa, p.sigma_pa) }
}

/// How a block draws its background current, with the per-run constants computed once.
#[derive(Clone, Copy, Debug)]
pub struct Background {
    kind: NoiseKind,
    /// Steps a piecewise-constant current is held.
    hold_steps: u64,
    /// σ scale of white noise per step: sqrt(noise_dt / dt).
    white_scale: f64,
}

impl Background {
    pub fn new(p: &Params) -> Background {
        Background { kind: p.noise, hold_steps: p.noise_steps(), white_scale: (p.noise_dt_ms / p.dt_ms).sqrt() }
    }

    /// Draws the current of step `step` into `i_noise`, one value from each neuron's own stream,
    /// streams `first..first + i_noise.len()` (piecewise noise only at the start of each hold).
    #[inline]
    pub fn draw(&self, p: &Params, step: u64, i_noise: &mut [f64], streams: &mut NormalStreams, first: usize) {
        let (mu, sigma) = noise_at(p, step);
        let scale = match self.kind {
            NoiseKind::Piecewise if !step.is_multiple_of(self.hold_steps) => return,
            NoiseKind::Piecewise => sigma,
            NoiseKind::White => sigma * self.white_scale,
        };
        streams.fill(first, i_noise, mu, scale);
    }
}
