//! Parameters of the E-I network (the paper's second model, Figs. 3 e–f and 8), after the authors'
//! `sequence_EI_networks.json` and `sequence_EI_networks_stim.json`.
//!
//! Scale-down `s` shrinks both sheets (E: 120/s, I: 60/s per side), so every out-degree
//! `p·N_target` shrinks by s², divides the connection widths by `s` and multiplies the weights by
//! s², so that the total input per neuron is kept.

use serde::{Deserialize, Serialize};

use crate::model::params::{LandscapeKind, LandscapeMap, MAX_TIME_MS, ParamError, Params, Preset, ShiftMode};

/// The two populations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Population {
    E,
    I,
}

impl Population {
    pub const ALL: [Population; 2] = [Population::E, Population::I];

    /// The code stored in `spikes.npz`'s `pop` (0 = E, 1 = I).
    pub fn code(self) -> u8 {
        match self {
            Population::E => 0,
            Population::I => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Population::E => "E",
            Population::I => "I",
        }
    }
}

/// The four projections, source → target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Projection {
    EE,
    EI,
    IE,
    II,
}

impl Projection {
    pub const ALL: [Projection; 4] = [Projection::EE, Projection::EI, Projection::IE, Projection::II];

    pub fn source(self) -> Population {
        match self {
            Projection::EE | Projection::EI => Population::E,
            Projection::IE | Projection::II => Population::I,
        }
    }

    pub fn target(self) -> Population {
        match self {
            Projection::EE | Projection::IE => Population::E,
            Projection::EI | Projection::II => Population::I,
        }
    }

    /// Within one population, where self-connections are dropped.
    pub fn recurrent(self) -> bool {
        self.source() == self.target()
    }

    pub fn name(self) -> &'static str {
        match self {
            Projection::EE => "E->E",
            Projection::EI => "E->I",
            Projection::IE => "I->E",
            Projection::II => "I->I",
        }
    }

    /// Index of the projection, part of its random streams' key.
    pub fn index(self) -> u64 {
        self as u64
    }
}

/// The stimulus of Fig. 8: `pulses` periods of `duration_ms` at `amplitude_pa` followed by
/// `pause_ms` without, from the end of the warm-up, into the distinct targets of `draws` Gaussian
/// draws (σ = `sigma` E-grid units) around the centre E neuron.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stimulus {
    /// Number of pulses; 0: a spontaneous run.
    pub pulses: u32,
    pub amplitude_pa: f64,
    pub duration_ms: f64,
    pub pause_ms: f64,
    /// Gaussian draws around the centre; their distinct targets are stimulated.
    pub draws: usize,
    /// Width of the draws in E-grid units.
    pub sigma: f64,
}

impl Stimulus {
    /// One pulse period: the pulse and its pause.
    pub fn period_ms(&self) -> f64 {
        self.duration_ms + self.pause_ms
    }
}

/// Every parameter of an E-I run. Build one with [`EiParams::new`], override fields, then call
/// [`EiParams::validate`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EiParams {
    pub landscape: LandscapeKind,
    /// Scale-down factor s in 1..=5.
    pub scale_down: u32,
    /// Sides of the E and I sheets (the same torus).
    pub n_e: usize,
    pub n_i: usize,
    /// Connection probability: each source draws p·N_target targets (with replacement).
    pub connection_probability: f64,
    /// Widths of the Gaussian radial profiles, in target-grid units.
    pub sigma_ee: f64,
    pub sigma_ei: f64,
    pub sigma_ie: f64,
    pub sigma_ii: f64,
    /// Distances are pushed away from zero by this gap (the authors' `selfcon = false`).
    pub gap: f64,
    /// Shift R of the E→E connections, in E-grid steps.
    pub shift: f64,
    pub perlin_size: f64,
    pub direction_deg: f64,
    pub perlin_levels: usize,
    pub c_m_pf: f64,
    pub tau_m_ms: f64,
    pub e_l_mv: f64,
    pub v_th_mv: f64,
    pub v_reset_mv: f64,
    pub t_ref_ms: f64,
    /// τs of both synapse types.
    pub tau_s_ms: f64,
    /// Peak of an excitatory alpha current, pA; inhibitory synapses peak at −g·J_E.
    pub j_e_pa: f64,
    pub g: f64,
    pub delay_ms: f64,
    pub dt_ms: f64,
    /// Background of the E and I neurons after the warm-up's first half.
    pub mu_e_pa: f64,
    pub sigma_e_pa: f64,
    pub mu_i_pa: f64,
    pub sigma_i_pa: f64,
    pub noise_dt_ms: f64,
    pub warmup_sigma_pa: f64,
    pub warmup_ms: f64,
    pub duration_ms: f64,
    pub stimulus: Stimulus,
    pub seed: u64,
    /// The E sheet's directions when `landscape` is [`LandscapeKind::File`] (n_e × n_e).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landscape_map: Option<LandscapeMap>,
}

/// Full-scale sides of the E and I sheets.
pub const FULL_N_E: usize = 120;
pub const FULL_N_I: usize = 60;

impl EiParams {
    /// The authors' spontaneous network (μ = 350, σ = 100 pA, 5 s, no stimulus) at scale-down `s`.
    pub fn new(landscape: LandscapeKind, scale_down: u32) -> Result<EiParams, ParamError> {
        if !(1..=5).contains(&scale_down) {
            return Err(ParamError::new("scale-down", scale_down, "an integer from 1 to 5"));
        }
        let s = f64::from(scale_down);
        let base = Params::new(Preset::Paper, landscape, 1)?;
        Ok(EiParams {
            landscape,
            scale_down,
            n_e: FULL_N_E / scale_down as usize,
            n_i: FULL_N_I / scale_down as usize,
            connection_probability: 0.05,
            sigma_ee: 9.0 / s,
            // The authors' `stdE / 2` under Python 2: 9 // 2 = 4.
            sigma_ei: 4.0 / s,
            sigma_ie: 12.0 / s,
            sigma_ii: 6.0 / s,
            gap: 1.0,
            shift: 1.0,
            perlin_size: 3.0,
            direction_deg: base.direction_deg,
            perlin_levels: 8,
            c_m_pf: base.c_m_pf,
            tau_m_ms: base.tau_m_ms,
            e_l_mv: base.e_l_mv,
            v_th_mv: base.v_th_mv,
            v_reset_mv: base.v_reset_mv,
            t_ref_ms: base.t_ref_ms,
            tau_s_ms: base.tau_s_ms,
            j_e_pa: 10.0 * s * s,
            g: 8.0,
            delay_ms: base.delay_ms,
            dt_ms: base.dt_ms,
            mu_e_pa: 350.0,
            sigma_e_pa: 100.0,
            mu_i_pa: 350.0,
            sigma_i_pa: 100.0,
            noise_dt_ms: base.noise_dt_ms,
            warmup_sigma_pa: base.warmup_sigma_pa,
            warmup_ms: base.warmup_ms,
            duration_ms: 5000.0,
            stimulus: Stimulus {
                pulses: 0,
                amplitude_pa: 500.0,
                duration_ms: 50.0,
                pause_ms: 450.0,
                draws: 50,
                sigma: 4.0 / s,
            },
            seed: 0,
            landscape_map: None,
        })
    }

    /// Sets the number of pulses and makes the run exactly as long as they are.
    pub fn with_pulses(mut self, pulses: u32) -> EiParams {
        self.stimulus.pulses = pulses;
        if pulses > 0 {
            self.duration_ms = f64::from(pulses) * self.stimulus.period_ms();
        }
        self
    }

    pub fn side(&self, pop: Population) -> usize {
        match pop {
            Population::E => self.n_e,
            Population::I => self.n_i,
        }
    }

    pub fn n_neurons(&self, pop: Population) -> usize {
        self.side(pop) * self.side(pop)
    }

    /// E and I neurons together.
    pub fn n_total(&self) -> usize {
        self.n_neurons(Population::E) + self.n_neurons(Population::I)
    }

    /// Targets drawn per source of `proj`: ⌊p·N_target⌋ (the authors' `int(p * npop)`).
    pub fn out_degree(&self, proj: Projection) -> usize {
        (self.connection_probability * self.n_neurons(proj.target()) as f64 + 1e-9).floor() as usize
    }

    /// Width of the radial profile of `proj`, target-grid units.
    pub fn sigma(&self, proj: Projection) -> f64 {
        match proj {
            Projection::EE => self.sigma_ee,
            Projection::EI => self.sigma_ei,
            Projection::IE => self.sigma_ie,
            Projection::II => self.sigma_ii,
        }
    }

    /// Peak of one synapse's alpha current from a neuron of `pop`, pA.
    pub fn weight_pa(&self, pop: Population) -> f64 {
        match pop {
            Population::E => self.j_e_pa,
            Population::I => -self.g * self.j_e_pa,
        }
    }

    /// Background mean and σ of `pop` after the warm-up's first half, pA.
    pub fn background(&self, pop: Population) -> (f64, f64) {
        match pop {
            Population::E => (self.mu_e_pa, self.sigma_e_pa),
            Population::I => (self.mu_i_pa, self.sigma_i_pa),
        }
    }

    /// The I-network parameters that describe the E sheet's neurons and landscape, with `J = 1`
    /// so that the synaptic state is in pA: what [`Propagators`](crate::model::Propagators) and
    /// [`Landscape`](crate::model::Landscape) read.
    pub fn neuron_params(&self) -> Params {
        let base = Params::new(Preset::Paper, self.landscape, 1).expect("scale-down 1 is valid");
        Params {
            n: self.n_e,
            shift: self.shift,
            shift_mode: ShiftMode::Lattice,
            perlin_size: self.perlin_size,
            direction_deg: self.direction_deg,
            perlin_levels: self.perlin_levels,
            c_m_pf: self.c_m_pf,
            tau_m_ms: self.tau_m_ms,
            e_l_mv: self.e_l_mv,
            v_th_mv: self.v_th_mv,
            v_reset_mv: self.v_reset_mv,
            t_ref_ms: self.t_ref_ms,
            tau_s_ms: self.tau_s_ms,
            j_pa: 1.0,
            delay_ms: self.delay_ms,
            dt_ms: self.dt_ms,
            mu_pa: self.mu_e_pa,
            sigma_pa: self.sigma_e_pa,
            noise_dt_ms: self.noise_dt_ms,
            warmup_sigma_pa: self.warmup_sigma_pa,
            warmup_ms: self.warmup_ms,
            duration_ms: self.duration_ms,
            seed: self.seed,
            out_degree: 1,
            landscape_map: self.landscape_map.clone(),
            ..base
        }
    }

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

    /// Onset of pulse `k`, ms from the start of the warm-up.
    pub fn pulse_onset_ms(&self, k: u32) -> f64 {
        self.warmup_ms + f64::from(k) * self.stimulus.period_ms()
    }

    /// The steps whose update carries the stimulus current: per pulse `[first, end)`. As NEST
    /// delivers a `dc_generator`'s current, through a connection with the synaptic delay and taken
    /// up at the end of the step it arrives in, the current acts from `onset + delay + dt`.
    pub fn pulse_steps(&self) -> Vec<(u64, u64)> {
        let d = self.delay_steps() as u64 + 1;
        let len = (self.stimulus.duration_ms / self.dt_ms).round() as u64;
        (0..self.stimulus.pulses)
            .map(|k| {
                let onset = (self.pulse_onset_ms(k) / self.dt_ms).round() as u64;
                (onset + d, onset + d + len)
            })
            .collect()
    }

    /// Checks every parameter; the error names the first one out of range and what is accepted.
    pub fn validate(&self) -> Result<(), ParamError> {
        fn finite_in(name: &str, v: f64, lo: f64, hi: f64, expected: &str) -> Result<(), ParamError> {
            if v.is_finite() && v >= lo && v <= hi { Ok(()) } else { Err(ParamError::new(name, v, expected)) }
        }
        if !(1..=5).contains(&self.scale_down) {
            return Err(ParamError::new("scale-down", self.scale_down, "an integer from 1 to 5"));
        }
        for (name, n) in [("n_e", self.n_e), ("n_i", self.n_i)] {
            if !(4..=1000).contains(&n) {
                return Err(ParamError::new(name, n, "a grid side from 4 to 1000"));
            }
        }
        finite_in("connection probability", self.connection_probability, 1e-6, 1.0, "a number in (0, 1]")?;
        for proj in Projection::ALL {
            let name = format!("sigma {}", proj.name());
            finite_in(&name, self.sigma(proj), 1e-3, 1000.0, "a width from 0.001 to 1000 grid units")?;
        }
        finite_in("gap", self.gap, 0.0, self.n_e as f64, "a finite number from 0 to n_e")?;
        finite_in("J_E", self.j_e_pa, -1.0e6, 1.0e6, "a current from -1e6 to 1e6 pA")?;
        finite_in("g", self.g, 0.0, 1000.0, "a number from 0 to 1000")?;
        for (mu_name, mu, sigma_name, sigma) in
            [("mu-e", self.mu_e_pa, "sigma-e", self.sigma_e_pa), ("mu-i", self.mu_i_pa, "sigma-i", self.sigma_i_pa)]
        {
            finite_in(mu_name, mu, -1.0e6, 1.0e6, "a current from -1e6 to 1e6 pA")?;
            finite_in(sigma_name, sigma, 0.0, 1.0e6, "a current from 0 to 1e6 pA")?;
        }
        let st = &self.stimulus;
        if st.pulses > 100_000 {
            return Err(ParamError::new("pulses", st.pulses, "an integer from 0 to 100000"));
        }
        finite_in("stimulus amplitude", st.amplitude_pa, -1.0e6, 1.0e6, "a current from -1e6 to 1e6 pA")?;
        finite_in("stimulus duration", st.duration_ms, 0.0, MAX_TIME_MS, "a time from 0 to 3.6e6 ms")?;
        finite_in("stimulus pause", st.pause_ms, 0.0, MAX_TIME_MS, "a time from 0 to 3.6e6 ms")?;
        if st.pulses > 0 && st.period_ms() <= 0.0 {
            return Err(ParamError::new("stimulus pause", st.pause_ms, "a pulse period above 0 ms"));
        }
        if !(1..=100_000).contains(&st.draws) {
            return Err(ParamError::new("stimulus draws", st.draws, "an integer from 1 to 100000"));
        }
        finite_in("stimulus sigma", st.sigma, 0.0, 1000.0, "a width from 0 to 1000 grid units")?;
        let synapses: u64 =
            Projection::ALL.iter().map(|&p| self.n_neurons(p.source()) as u64 * self.out_degree(p) as u64).sum();
        if synapses > crate::model::params::MAX_SYNAPSES {
            return Err(ParamError::new("connection probability", self.connection_probability, "fewer synapses"));
        }
        // The neuron constants, time step, delay, warm-up, duration and landscape as the I network
        // checks them.
        self.neuron_params().validate()
    }
}
