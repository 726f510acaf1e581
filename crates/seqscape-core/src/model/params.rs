//! Parameters of the I-network, the two presets (`paper`, `seed`) and their validation.
//!
//! The `paper` preset follows the authors' NEST code (Spreizer, Aertsen & Kumar 2019); the `seed`
//! preset reproduces the constants of the Brian2 example the project started from. Scale-down `s`
//! shrinks the sheet to `n = 100/s` and the out-degree to `1000/s²` (both rounded to even numbers),
//! scales the Gamma scale θ by `1/s` and, in the paper preset, keeps the total inhibition by setting
//! `J = −10 nA / out-degree`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Which published set of constants a network starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The authors' NEST code: 2 ms refractory, 1 ms delay, 8-direction lattice shift, 1 ms noise.
    Paper,
    /// The Brian2 example: 5 ms refractory, no delay, continuous shift, white noise.
    Seed,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Paper, Preset::Seed];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Paper => "paper",
            Preset::Seed => "seed",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, ParamError> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| ParamError::new("preset", name, "one of: paper, seed"))
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The connectivity landscape: the direction in which each neuron's connections are shifted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum LandscapeKind {
    /// No shift at all.
    Symmetric,
    /// An independent uniformly random direction per neuron.
    Random,
    /// Rank-equalised Perlin noise that tiles the torus.
    Perlin,
    /// The same direction everywhere.
    Homogeneous,
    /// Directions given rather than generated: a landscape file or picture ([`LandscapeMap`]).
    File,
}

impl LandscapeKind {
    /// The generated landscapes (the file landscape needs its directions and is not among them).
    pub const ALL: [LandscapeKind; 4] =
        [LandscapeKind::Symmetric, LandscapeKind::Random, LandscapeKind::Perlin, LandscapeKind::Homogeneous];

    pub fn name(self) -> &'static str {
        match self {
            LandscapeKind::Symmetric => "symmetric",
            LandscapeKind::Random => "random",
            LandscapeKind::Perlin => "perlin",
            LandscapeKind::Homogeneous => "homogeneous",
            LandscapeKind::File => "file",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, ParamError> {
        LandscapeKind::ALL
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or_else(|| ParamError::new("landscape", name, "one of: symmetric, random, perlin, homogeneous"))
    }
}

impl fmt::Display for LandscapeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the shift moves a neuron's targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShiftMode {
    /// After rounding, all targets move `R` lattice steps `(±1, 0, ±1)` along one of 8 directions.
    Lattice,
    /// The offset `R·(cos φ, sin φ)` is added before rounding.
    Continuous,
}

/// How the background current is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoiseKind {
    /// Each neuron its own current `μ + σ·ξ`, held for `noise_dt_ms` (NEST's noise_generator).
    Piecewise,
    /// White noise `μ + σ·sqrt(noise_dt_ms)·ξ(t)`, integrated with Euler–Maruyama.
    White,
}

/// Every parameter of a run. Build one with [`Params::new`], then override fields and call
/// [`Params::validate`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub preset: Preset,
    pub landscape: LandscapeKind,
    /// Scale-down factor s in 1..=5.
    pub scale_down: u32,
    /// Side of the square torus (neurons per row).
    pub n: usize,
    /// Connections drawn per neuron (multapses kept, self-connections dropped).
    pub out_degree: usize,
    /// Gamma shape k of the connection distance.
    pub kappa: f64,
    /// Gamma scale θ of the connection distance, in grid units.
    pub theta: f64,
    /// Distances are pushed away from zero by this gap, in grid units.
    pub gap: f64,
    /// Shift R in grid steps.
    pub shift: f64,
    /// Lattice or continuous shift: decides both the landscape's directions and how targets move.
    pub shift_mode: ShiftMode,
    /// Perlin period: noise cells across the grid.
    pub perlin_size: f64,
    /// Direction of the homogeneous landscape, degrees from +x toward +y.
    pub direction_deg: f64,
    /// Number of Perlin direction levels (paper: 8; seed: 2n).
    pub perlin_levels: usize,
    pub c_m_pf: f64,
    pub tau_m_ms: f64,
    pub e_l_mv: f64,
    pub v_th_mv: f64,
    pub v_reset_mv: f64,
    pub t_ref_ms: f64,
    pub tau_s_ms: f64,
    /// Peak of the alpha current of one synapse (negative: inhibitory).
    pub j_pa: f64,
    /// Synaptic delay; 0 means the spike acts from the next step.
    pub delay_ms: f64,
    pub dt_ms: f64,
    pub mu_pa: f64,
    pub sigma_pa: f64,
    pub noise: NoiseKind,
    pub noise_dt_ms: f64,
    /// First half of the warm-up: mean μ = 0 and this σ; second half: μ and σ.
    pub warmup_sigma_pa: f64,
    pub warmup_ms: f64,
    /// Simulated time after the warm-up.
    pub duration_ms: f64,
    /// The master seed every random stream is derived from.
    pub seed: u64,
    /// The directions of [`LandscapeKind::File`]: its path and checksum are written with the other
    /// parameters, the directions themselves are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landscape_map: Option<LandscapeMap>,
}

/// A landscape given as directions rather than generated from the parameters: read from a
/// landscape file or a picture. Directions are radians in [0, 2π) from +x toward +y, NaN for an
/// unshifted neuron, neuron `y·n + x`. The float32 rounding of 2π (6.2831855, just above 2π) is
/// accepted too, since casting an angle just below 2π to float32 gives it; it is the full turn.
///
/// With the lattice shift the landscape built from a map holds each direction rounded to the
/// nearest of the 8 lattice directions, as the brush paints ([`crate::model::paint::snap`]): the
/// lattice connectivity moves targets by that rounded step in any case, so the rounding changes no
/// connection and the landscape says what the network does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LandscapeMap {
    /// The file the directions came from, as named.
    pub path: String,
    /// FNV-1a over the directions' float32 bits ([`direction_checksum`]), 16 hex digits.
    pub checksum: String,
    /// Side of the square map.
    pub n: usize,
    /// One direction per neuron; parameter files name `path` instead.
    #[serde(skip)]
    pub direction: Arc<Vec<f32>>,
}

impl PartialEq for LandscapeMap {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.n == other.n
            && self.direction.len() == other.direction.len()
            && self.direction.iter().zip(other.direction.iter()).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// Whether `a` is a landscape direction: NaN (unshifted) or radians in [0, 2π), the float32
/// rounding of 2π included (see [`LandscapeMap`]).
pub fn is_direction(a: f32) -> bool {
    a.is_nan() || (0.0..=std::f32::consts::TAU).contains(&a)
}

/// FNV-1a over the float32 bits of `direction`: tells landscapes apart.
pub fn direction_checksum(direction: &[f32]) -> u64 {
    direction
        .iter()
        .flat_map(|a| a.to_bits().to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

impl LandscapeMap {
    /// The map of an n×n sheet read from `path`; the error names the first direction out of range.
    pub fn new(path: &str, n: usize, direction: Vec<f32>) -> Result<LandscapeMap, ParamError> {
        if direction.len() != n * n {
            let expected = format!("{} directions for the {n}×{n} sheet", n * n);
            return Err(ParamError::new(
                "landscape file",
                format!("{path} with {} values", direction.len()),
                &expected,
            ));
        }
        if let Some(k) = direction.iter().position(|&a| !is_direction(a)) {
            let value = format!("{path}: {} at row {}, column {}", direction[k], k / n, k % n);
            return Err(ParamError::new("landscape file", value, "radians in [0, 2π) or NaN (unshifted)"));
        }
        let checksum = format!("{:016x}", direction_checksum(&direction));
        Ok(LandscapeMap { path: path.to_string(), checksum, n, direction: Arc::new(direction) })
    }

    /// Checks the map against an n×n sheet.
    pub fn validate(&self, n: usize) -> Result<(), ParamError> {
        if self.n != n || self.direction.len() != n * n {
            let value = format!("{} ({} directions, {}×{})", self.path, self.direction.len(), self.n, self.n);
            let expected = format!("an {n}×{n} landscape for the {n}×{n} sheet");
            return Err(ParamError::new("landscape file", value, &expected));
        }
        if let Some(k) = self.direction.iter().position(|&a| !is_direction(a)) {
            let value = format!("{}: {} at row {}, column {}", self.path, self.direction[k], k / n, k % n);
            return Err(ParamError::new("landscape file", value, "radians in [0, 2π) or NaN (unshifted)"));
        }
        Ok(())
    }
}

/// A parameter outside its accepted range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("invalid {name} '{value}': expected {expected}")]
pub struct ParamError {
    pub name: String,
    pub value: String,
    pub expected: String,
}

/// A number as a person reads it in a message: plain digits in the usual range, scientific notation
/// for very large or very small values (`1e300`, not three hundred digits).
pub fn show_number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-4..1e9).contains(&v.abs()) { format!("{v}") } else { format!("{v:e}") }
}

impl ParamError {
    pub fn new(name: &str, value: impl fmt::Display, expected: &str) -> Self {
        ParamError { name: name.to_string(), value: value.to_string(), expected: expected.to_string() }
    }
}

/// Rounds `base / scaler` to an even integer as the seed does (Python's `round`, ties to even,
/// then +1 if odd).
pub fn round_to_even(base: f64, scaler: f64) -> usize {
    let r = (base / scaler).round_ties_even() as i64;
    (if r % 2 != 0 { r + 1 } else { r }).max(0) as usize
}

/// Full-scale grid side and out-degree.
pub const FULL_N: f64 = 100.0;
pub const FULL_OUT_DEGREE: f64 = 1000.0;
/// Total inhibition per neuron in the paper preset: J·out-degree = −10 nA.
pub const TOTAL_J_PA: f64 = -10_000.0;
/// The longest warm-up, and the longest duration: one hour each, ms.
pub const MAX_TIME_MS: f64 = 3.6e6;
/// The most synapses a network may hold, n²·out-degree (2³¹: a partition's ranges are 32-bit).
pub const MAX_SYNAPSES: u64 = 1 << 31;
/// The accepted grid sides of [`Params::with_grid`].
pub const GRID_RANGE: std::ops::RangeInclusive<usize> = 20..=1000;
/// The largest sheet side [`Params::validate`] accepts.
pub const MAX_N: usize = 1000;
/// The most counters of the delay ring, 2·(delay steps)·n² (2²⁸ counters: 1 GiB).
pub const MAX_RING_COUNTERS: u64 = 1 << 28;

impl Params {
    /// The preset's parameters at scale-down `s` (1..=5).
    pub fn new(preset: Preset, landscape: LandscapeKind, scale_down: u32) -> Result<Self, ParamError> {
        if !(1..=5).contains(&scale_down) {
            return Err(ParamError::new("scale-down", scale_down, "an integer from 1 to 5"));
        }
        let s = f64::from(scale_down);
        let n = round_to_even(FULL_N, s);
        let out_degree = round_to_even(FULL_OUT_DEGREE, s * s);
        let common = Params {
            preset,
            landscape,
            scale_down,
            n,
            out_degree,
            kappa: 4.0,
            theta: 3.0 / s,
            gap: 1.1,
            shift: 1.0,
            shift_mode: ShiftMode::Lattice,
            perlin_size: 3.0,
            direction_deg: 135.0,
            perlin_levels: 8,
            c_m_pf: 250.0,
            tau_m_ms: 10.0,
            e_l_mv: -70.0,
            v_th_mv: -55.0,
            v_reset_mv: -70.0,
            t_ref_ms: 2.0,
            tau_s_ms: 5.0,
            j_pa: TOTAL_J_PA / out_degree as f64,
            delay_ms: 1.0,
            dt_ms: 0.1,
            mu_pa: 700.0,
            sigma_pa: 100.0,
            noise: NoiseKind::Piecewise,
            noise_dt_ms: 1.0,
            warmup_sigma_pa: 500.0,
            warmup_ms: 500.0,
            duration_ms: 10_000.0,
            seed: 0,
            landscape_map: None,
        };
        Ok(match preset {
            Preset::Paper => common,
            Preset::Seed => Params {
                gap: 3.0,
                shift_mode: ShiftMode::Continuous,
                perlin_size: 4.0,
                direction_deg: 30.0,
                perlin_levels: 2 * n,
                t_ref_ms: 5.0,
                j_pa: -10.0 * s,
                delay_ms: 0.0,
                noise: NoiseKind::White,
                duration_ms: 3000.0,
                ..common
            },
        })
    }

    /// A full-scale network on an `n`×`n` torus: the preset's out-degree and connection profile,
    /// the Perlin size scaled with the grid so that its correlation length in grid points stays
    /// (paper: size 3 per 100 grid points), and in the seed preset 2n direction levels.
    pub fn with_grid(self, n: usize) -> Result<Self, ParamError> {
        if !GRID_RANGE.contains(&n) {
            return Err(ParamError::new("grid", n, "an integer from 20 to 1000"));
        }
        if self.scale_down != 1 {
            return Err(ParamError::new("grid", n, "a full-scale network (scale-down 1)"));
        }
        let levels_follow_n = self.perlin_levels == 2 * self.n;
        let perlin_size = (self.perlin_size * n as f64 / self.n as f64).round().max(1.0);
        let perlin_levels = if levels_follow_n { 2 * n } else { self.perlin_levels };
        Ok(Params { n, perlin_size, perlin_levels, ..self })
    }

    /// The preset's own default scale-down (paper: 1, seed: 5).
    pub fn default_scale_down(preset: Preset) -> u32 {
        match preset {
            Preset::Paper => 1,
            Preset::Seed => 5,
        }
    }

    pub fn n_neurons(&self) -> usize {
        self.n * self.n
    }

    /// Delay in whole time steps, at least one (a spike acts from the next step at the earliest).
    pub fn delay_steps(&self) -> usize {
        ((self.delay_ms / self.dt_ms).round() as usize).max(1)
    }

    pub fn refractory_steps(&self) -> u32 {
        (self.t_ref_ms / self.dt_ms).round() as u32
    }

    pub fn noise_steps(&self) -> u64 {
        ((self.noise_dt_ms / self.dt_ms).round() as u64).max(1)
    }

    pub fn warmup_steps(&self) -> u64 {
        (self.warmup_ms / self.dt_ms).round() as u64
    }

    pub fn total_steps(&self) -> u64 {
        ((self.warmup_ms + self.duration_ms) / self.dt_ms).round() as u64
    }

    /// Checks every parameter; the error names the first one out of range and what is accepted.
    pub fn validate(&self) -> Result<(), ParamError> {
        fn finite_in(name: &str, v: f64, lo: f64, hi: f64, expected: &str) -> Result<(), ParamError> {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(ParamError::new(name, show_number(v), expected))
            }
        }
        fn positive(name: &str, v: f64) -> Result<(), ParamError> {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(ParamError::new(name, show_number(v), "a finite number > 0"))
            }
        }
        if !(1..=5).contains(&self.scale_down) {
            return Err(ParamError::new("scale-down", self.scale_down, "an integer from 1 to 5"));
        }
        if !(4..=MAX_N).contains(&self.n) {
            return Err(ParamError::new("n", self.n, "a grid side from 4 to 1000"));
        }
        if self.out_degree == 0 || self.out_degree > 100_000 {
            return Err(ParamError::new("out-degree", self.out_degree, "an integer from 1 to 100000"));
        }
        positive("kappa", self.kappa)?;
        positive("theta", self.theta)?;
        finite_in("gap", self.gap, 0.0, self.n as f64, "a finite number from 0 to n")?;
        finite_in("shift", self.shift, 0.0, 10.0, "a number from 0 to 10 grid steps")?;
        if !(self.perlin_size.fract() == 0.0 && self.perlin_size >= 1.0 && self.perlin_size <= self.n as f64) {
            let expected = format!("an integer from 1 to n = {} (noise cells across the grid)", self.n);
            return Err(ParamError::new("perlin-size", show_number(self.perlin_size), &expected));
        }
        if self.perlin_levels < 2 {
            return Err(ParamError::new("perlin levels", self.perlin_levels, "at least 2"));
        }
        finite_in("direction", self.direction_deg, -360.0, 360.0, "degrees from -360 to 360")?;
        positive("C_m", self.c_m_pf)?;
        positive("tau_m", self.tau_m_ms)?;
        positive("tau_s", self.tau_s_ms)?;
        finite_in("E_L", self.e_l_mv, -200.0, 100.0, "a voltage from -200 to 100 mV")?;
        finite_in("V_reset", self.v_reset_mv, -200.0, 100.0, "a voltage from -200 to 100 mV")?;
        if !(self.v_th_mv.is_finite() && self.v_th_mv > self.v_reset_mv && self.v_th_mv > self.e_l_mv) {
            return Err(ParamError::new("V_th", self.v_th_mv, "a voltage above V_reset and E_L"));
        }
        finite_in("t_ref", self.t_ref_ms, 0.0, 1000.0, "a time from 0 to 1000 ms")?;
        finite_in("J", self.j_pa, -1.0e6, 1.0e6, "a current from -1e6 to 1e6 pA")?;
        finite_in("delay", self.delay_ms, 0.0, 100.0, "a time from 0 to 100 ms")?;
        finite_in("dt", self.dt_ms, 0.001, 1.0, "a time step from 0.001 to 1 ms")?;
        finite_in("mu", self.mu_pa, -1.0e6, 1.0e6, "a current from -1e6 to 1e6 pA")?;
        finite_in("sigma", self.sigma_pa, 0.0, 1.0e6, "a current from 0 to 1e6 pA")?;
        finite_in("warm-up sigma", self.warmup_sigma_pa, 0.0, 1.0e6, "a current from 0 to 1e6 pA")?;
        finite_in("noise dt", self.noise_dt_ms, self.dt_ms, 1000.0, "a time from dt to 1000 ms")?;
        finite_in("warm-up", self.warmup_ms, 0.0, MAX_TIME_MS, "a time from 0 to 3.6e6 ms (one hour)")?;
        finite_in("duration", self.duration_ms, 0.0, MAX_TIME_MS, "a time from 0 to 3.6e6 ms (one hour)")?;
        if self.landscape == LandscapeKind::File {
            match &self.landscape_map {
                Some(map) => map.validate(self.n)?,
                None => {
                    return Err(ParamError::new(
                        "landscape",
                        "file",
                        "a landscape file or picture (--landscape-file, --landscape-image, or landscape_file in a preset)",
                    ));
                }
            }
        }
        self.validate_size()
    }

    /// Checks the size of the network before anything is allocated: the synapses, the delay ring and,
    /// where the system tells, the memory available.
    fn validate_size(&self) -> Result<(), ParamError> {
        let neurons = self.n_neurons() as u64;
        if neurons * self.out_degree as u64 > MAX_SYNAPSES {
            let expected = format!(
                "at most {} for n = {} (n² × out-degree ≤ {MAX_SYNAPSES} synapses)",
                MAX_SYNAPSES / neurons,
                self.n
            );
            return Err(ParamError::new("out-degree", self.out_degree, &expected));
        }
        if self.ring_counters() > MAX_RING_COUNTERS {
            let max_steps = MAX_RING_COUNTERS / (2 * neurons);
            let expected = format!(
                "at most {} ms for n = {} and dt = {} ms (2 × delay steps × n² ≤ {MAX_RING_COUNTERS} counters)",
                max_steps as f64 * self.dt_ms,
                self.n,
                self.dt_ms
            );
            return Err(ParamError::new("delay", self.delay_ms, &expected));
        }
        let need = self.memory_estimate_bytes();
        if let Some(available) = available_memory_bytes()
            && need > available
        {
            let value = format!(
                "n = {}, out-degree = {}: {} synapses, needs about {:.1} GB",
                self.n,
                self.out_degree,
                neurons * self.out_degree as u64,
                need as f64 / 1e9
            );
            let expected = format!("a network that fits the {:.1} GB of memory available", available as f64 / 1e9);
            return Err(ParamError::new("network size", value, &expected));
        }
        Ok(())
    }

    /// Counters of the delay ring: two delays' worth of steps for every neuron.
    fn ring_counters(&self) -> u64 {
        2 * self.delay_steps() as u64 * self.n_neurons() as u64
    }

    /// Rough peak memory of building and running the network, bytes: 4 per synapse (the buckets,
    /// built in place) and 2 more on sheets whose partitions are packed for delivery
    /// ([`Packed::MAX_SHEET`](super::connectivity::Packed::MAX_SHEET)), 4 per ring counter, 300 per
    /// neuron (state, noise streams, the partitions' ranges) and the spikes recorded at up to 10 Hz
    /// (12 bytes each, twice for the record's growth).
    pub fn memory_estimate_bytes(&self) -> u64 {
        let neurons = self.n_neurons() as u64;
        let seconds = (self.warmup_ms + self.duration_ms) / 1000.0;
        let spikes = (neurons as f64 * 10.0 * seconds) as u64;
        let per_synapse = if self.n_neurons() <= super::connectivity::Packed::MAX_SHEET { 6 } else { 4 };
        neurons * self.out_degree as u64 * per_synapse + self.ring_counters() * 4 + neurons * 300 + spikes * 24
    }
}

/// Memory the system says is available (Linux: `MemAvailable`), bytes; `None` where unknown.
fn available_memory_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_down_follows_the_seed_rounding() {
        let sizes: Vec<(usize, usize)> = (1..=5)
            .map(|s| {
                let p = Params::new(Preset::Paper, LandscapeKind::Perlin, s).unwrap();
                (p.n, p.out_degree)
            })
            .collect();
        // 100/3 = 33 -> 34; 1000/9 = 111 -> 112; 1000/16 = 62.5 rounds to even 62.
        assert_eq!(sizes, vec![(100, 1000), (50, 250), (34, 112), (26, 62), (20, 40)]);
    }

    #[test]
    fn scale_down_keeps_total_inhibition_in_paper_but_not_in_seed() {
        for s in 1..=5 {
            let p = Params::new(Preset::Paper, LandscapeKind::Random, s).unwrap();
            assert!((p.j_pa * p.out_degree as f64 - TOTAL_J_PA).abs() < 1e-9);
            assert!((p.theta - 3.0 / f64::from(s)).abs() < 1e-12);
            assert_eq!(p.gap, 1.1);
            let q = Params::new(Preset::Seed, LandscapeKind::Random, s).unwrap();
            assert_eq!(q.j_pa, -10.0 * f64::from(s));
            assert_eq!(q.gap, 3.0);
        }
    }

    #[test]
    fn presets_differ_where_the_design_says() {
        let p = Params::new(Preset::Paper, LandscapeKind::Perlin, 1).unwrap();
        let s = Params::new(Preset::Seed, LandscapeKind::Perlin, 5).unwrap();
        assert_eq!((p.refractory_steps(), s.refractory_steps()), (20, 50));
        assert_eq!((p.delay_steps(), s.delay_steps()), (10, 1));
        assert_eq!((p.perlin_size, s.perlin_size), (3.0, 4.0));
        assert_eq!((p.duration_ms, s.duration_ms), (10_000.0, 3000.0));
        assert_eq!(p.noise, NoiseKind::Piecewise);
        assert_eq!(s.noise, NoiseKind::White);
        assert_eq!(s.perlin_levels, 40);
        p.validate().unwrap();
        s.validate().unwrap();
    }

    #[test]
    fn invalid_values_name_the_parameter() {
        assert_eq!(Params::new(Preset::Paper, LandscapeKind::Perlin, 0).unwrap_err().name, "scale-down");
        assert_eq!(Params::new(Preset::Paper, LandscapeKind::Perlin, 6).unwrap_err().name, "scale-down");
        let base = Params::new(Preset::Paper, LandscapeKind::Perlin, 2).unwrap();
        let cases: Vec<(&str, Box<dyn Fn(&mut Params)>)> = vec![
            ("duration", Box::new(|p| p.duration_ms = -1.0)),
            ("duration", Box::new(|p| p.duration_ms = f64::NAN)),
            ("warm-up", Box::new(|p| p.warmup_ms = f64::INFINITY)),
            ("tau_s", Box::new(|p| p.tau_s_ms = 0.0)),
            ("sigma", Box::new(|p| p.sigma_pa = -5.0)),
            ("shift", Box::new(|p| p.shift = -1.0)),
            ("perlin-size", Box::new(|p| p.perlin_size = 0.5)),
            ("perlin-size", Box::new(|p| p.perlin_size = 2.5)),
            ("V_th", Box::new(|p| p.v_th_mv = -80.0)),
            ("dt", Box::new(|p| p.dt_ms = 0.0)),
        ];
        for (name, set) in cases {
            let mut p = base.clone();
            set(&mut p);
            let err = p.validate().unwrap_err();
            assert_eq!(err.name, name, "{err}");
            assert!(err.to_string().contains("expected"), "{err}");
        }
        assert!(Preset::from_name("nest").unwrap_err().to_string().contains("paper, seed"));
        assert!(LandscapeKind::from_name("flat").unwrap_err().to_string().contains("perlin"));
    }

    #[test]
    fn oversized_networks_and_runs_are_refused_before_anything_is_built() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Random, 5).unwrap();
        p.n = 256;
        p.out_degree = 100_000;
        let t0 = std::time::Instant::now();
        let err = p.validate().unwrap_err();
        assert!(t0.elapsed().as_secs_f64() < 0.1);
        assert_eq!(err.name, "out-degree");
        assert_eq!(
            err.to_string(),
            "invalid out-degree '100000': expected at most 32768 for n = 256 (n² × out-degree ≤ 2147483648 synapses)"
        );
        let mut q = Params::new(Preset::Paper, LandscapeKind::Random, 5).unwrap();
        q.n = 256;
        q.dt_ms = 0.001;
        q.delay_ms = 100.0;
        q.noise_dt_ms = 1.0;
        let err = q.validate().unwrap_err();
        assert_eq!(err.name, "delay", "{err}");
        assert!(err.to_string().contains("at most 2.048 ms for n = 256 and dt = 0.001 ms"), "{err}");
        for (name, set) in [
            ("duration", Box::new(|p: &mut Params| p.duration_ms = 1e300) as Box<dyn Fn(&mut Params)>),
            ("duration", Box::new(|p: &mut Params| p.duration_ms = MAX_TIME_MS + 1.0)),
            ("warm-up", Box::new(|p: &mut Params| p.warmup_ms = 1e9)),
        ] {
            let mut r = Params::new(Preset::Paper, LandscapeKind::Random, 5).unwrap();
            set(&mut r);
            let err = r.validate().unwrap_err();
            assert_eq!(err.name, name);
            assert!(err.to_string().contains("3.6e6 ms"), "{err}");
        }
        let full = Params::new(Preset::Paper, LandscapeKind::Random, 1).unwrap();
        assert!(full.memory_estimate_bytes() < 200_000_000);
        full.validate().unwrap();
    }
}
