//! A level played without a window: the E-I network built from the level, its walls silenced,
//! strokes painted through the [`Challenge`]'s ink accounting, the launch and the run, with the E
//! sheet's decaying spike trace fed to the challenge every millisecond. Tests and `seqscape play
//! --check` drive levels through it; the window applies the same rules to its own simulation.

use super::challenge::{Challenge, Launch, PaintRefused, Phase};
use super::level::Level;
use crate::model::ParamError;
use crate::model::ei::{EiNetwork, EiParams, Population, ei_thread_pool};
use crate::model::landscape::lattice_angle;
use crate::model::paint::{disc, stroke_angle, stroke_points};

/// The quiet background of every level (both populations), pA: below the E-I network's
/// spontaneous threshold, so that only the launched sequence travels.
pub const MU_PA: f64 = 225.0;
pub const SIGMA_PA: f64 = 100.0;
/// Decay of the spike trace the sequence is followed on, ms (the window's `ActivityBins`).
pub const TRACE_DECAY_MS: f64 = 25.0;

/// The E-I parameters of `level`: full scale, the level's landscape and seed, the quiet background.
pub fn level_params(level: &Level) -> EiParams {
    let mut p = EiParams::new(level.landscape, 1).expect("scale-down 1 is valid");
    p.seed = level.seed;
    p.direction_deg = level.direction_deg;
    p.mu_e_pa = MU_PA;
    p.mu_i_pa = MU_PA;
    p.sigma_e_pa = SIGMA_PA;
    p.sigma_i_pa = SIGMA_PA;
    p.stimulus.amplitude_pa = super::challenge::LAUNCH_AMPLITUDE_PA;
    p.stimulus.duration_ms = super::challenge::LAUNCH_DURATION_MS;
    p.duration_ms = 1.0e6;
    p
}

/// Global ids (E first, then I) of the neurons inside the level's walls.
pub fn wall_ids(level: &Level, p: &EiParams) -> Vec<usize> {
    let (e, i) = level.wall_neurons(p.n_e, p.n_i);
    let ne = p.n_neurons(Population::E);
    e.into_iter().chain(i.into_iter().map(|i| i + ne)).collect()
}

/// The E neurons a brush of `radius` covers along the segment `from` → `to` (both ends
/// included), and the lattice direction of the segment.
pub fn stroke_cover(n: usize, from: (f64, f64), to: (f64, f64), radius: f64) -> (Vec<usize>, f32) {
    let mut ids = disc(n, from, radius);
    for p in stroke_points(from, to, radius) {
        ids.extend(disc(n, p, radius));
    }
    ids.sort_unstable();
    ids.dedup();
    (ids, lattice_angle(stroke_angle(from, to)) as f32)
}

/// A level being played headless.
pub struct Session {
    pub net: EiNetwork,
    pub challenge: Challenge,
    /// The E sheet's spike trace, decaying with [`TRACE_DECAY_MS`].
    pub trace: Vec<f32>,
}

impl Session {
    /// Builds the level's network with `threads` workers (0: all cores), silences its walls and
    /// runs the warm-up.
    pub fn new(level: Level, threads: usize) -> Result<Session, ParamError> {
        let p = level_params(&level);
        let walls = wall_ids(&level, &p);
        let mut net = EiNetwork::build(p, ei_thread_pool(threads))?;
        net.silence(&walls);
        let original = net.conn.landscape.direction.clone();
        let n = net.params.n_e;
        let mut s = Session { net, challenge: Challenge::new(level, original), trace: vec![0.0; n * n] };
        let warm = s.net.params.warmup_steps();
        s.net.advance(warm);
        Ok(s)
    }

    /// Paints a stroke through `points` (E-grid units) with a brush of `radius`; each segment takes
    /// its own lattice direction. Returns the ink left, or why the stroke was refused (the
    /// segments before the refused one stay painted).
    pub fn paint_stroke(&mut self, points: &[(f64, f64)], radius: f64) -> Result<usize, PaintRefused> {
        let n = self.net.params.n_e;
        for w in points.windows(2) {
            let (ids, angle) = stroke_cover(n, w[0], w[1], radius);
            let changed = self.challenge.paint(&mut self.net.conn.landscape.direction, &ids, angle)?;
            self.net.redraw(&changed);
        }
        Ok(self.challenge.ink_left())
    }

    /// Launches the sequence from the start disc.
    pub fn launch(&mut self) -> Option<Launch> {
        let l = self.challenge.launch(self.net.t_ms())?;
        self.net.stimulate(l.centre, l.radius, l.amplitude_pa, l.duration_ms);
        Some(l)
    }

    /// Advances one millisecond, updates the trace and lets the challenge follow the sequence.
    pub fn step_ms(&mut self) {
        let steps = (1.0 / self.net.params.dt_ms).round() as u64;
        let spikes = self.net.advance(steps);
        let k = (-1.0 / TRACE_DECAY_MS).exp() as f32;
        self.trace.iter_mut().for_each(|v| *v *= k);
        let ne = self.trace.len() as u32;
        for s in spikes.iter().filter(|s| s.id < ne) {
            self.trace[s.id as usize] += 1.0;
        }
        self.challenge.observe(&self.trace, self.net.t_ms());
    }

    /// Runs until the level is won or lost (launching first if the player has not).
    pub fn play_out(&mut self) -> Phase {
        self.launch();
        while matches!(self.challenge.phase(), Phase::Running { .. }) {
            self.step_ms();
        }
        self.challenge.phase()
    }
}
