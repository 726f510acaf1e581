//! Leaky integrate-and-fire neurons with alpha-shaped synaptic currents, integrated exactly.
//!
//! Per neuron the state is the membrane potential relative to rest `u = V − E_L` and the summed alpha
//! state `(g, h)` of all its synapses (they share τs and J): `dg/dt = (h − g)/τs`, `dh/dt = −h/τs`,
//! `I_syn = J·g`; an arriving spike adds `e` to `h`, so one spike gives a current peaking at `J`
//! τs later. Between spikes the system is linear, so each step multiplies by exact propagators
//! (as NEST's `iaf_psc_alpha` does). The external current is constant within a step.

use super::connectivity::PartLayout;
use super::normal::NormalStreams;
use super::params::Params;
use super::rng::{Purpose, stream_key};

/// Exact one-step propagators of the linear neuron–synapse system.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Propagators {
    /// h ← p11·h
    pub p11: f64,
    /// g ← p22·g + p21·h
    pub p21: f64,
    pub p22: f64,
    /// u ← p33·u + p30·I_ext + p31·h + p32·g
    pub p30: f64,
    pub p31: f64,
    pub p32: f64,
    pub p33: f64,
    /// Threshold and reset relative to E_L.
    pub theta_rel: f64,
    pub reset_rel: f64,
    pub refractory_steps: u32,
    /// The jump of h per arriving spike (e, so the current peaks at J).
    pub h_jump: f64,
    pub j_pa: f64,
}

impl Propagators {
    pub fn new(p: &Params) -> Propagators {
        let dt = p.dt_ms;
        let a = 1.0 / p.tau_s_ms;
        let b = 1.0 / p.tau_m_ms;
        let c = b - a;
        let ea = (-a * dt).exp();
        let eb = (-b * dt).exp();
        let jc = p.j_pa / p.c_m_pf;
        let (p31, p32) = if (c * dt).abs() < 1e-6 {
            (jc * a * dt * dt * ea / 2.0, jc * dt * ea)
        } else {
            (jc * a * (ea * (c * dt - 1.0) + eb) / (c * c), jc * (ea - eb) / c)
        };
        Propagators {
            p11: ea,
            p21: a * dt * ea,
            p22: ea,
            p30: (1.0 - eb) / (b * p.c_m_pf),
            p31,
            p32,
            p33: eb,
            theta_rel: p.v_th_mv - p.e_l_mv,
            reset_rel: p.v_reset_mv - p.e_l_mv,
            refractory_steps: p.refractory_steps(),
            h_jump: std::f64::consts::E,
            j_pa: p.j_pa,
        }
    }
}

/// Neurons per chunk of the step: their state, noise and a block of arrivals stay in the L1 cache.
pub const CHUNK: usize = 256;

/// The state of a contiguous range of neurons (one partition of the sheet).
#[derive(Clone, Debug)]
pub struct NeuronBlock {
    /// Which neurons of the sheet this block holds.
    pub layout: PartLayout,
    /// Membrane potential relative to E_L, mV.
    pub u: Vec<f64>,
    /// Alpha state, in units where one spike's current peaks at g = 1.
    pub g: Vec<f64>,
    pub h: Vec<f64>,
    /// The refractory neurons of each chunk of [`CHUNK`] neurons: (local index, steps left). Few at
    /// any time, so they are clamped after the vectorised update instead of inside it.
    pub refractory: Vec<Vec<(u32, u32)>>,
    /// Background current currently held, pA.
    pub i_noise: Vec<f64>,
    /// Extra current from a stimulus, pA, and the steps it still lasts.
    pub i_stim: Vec<f64>,
    pub stim_steps: Vec<u32>,
    /// Each neuron's own background-noise stream.
    pub streams: NormalStreams,
}

impl NeuronBlock {
    pub fn len(&self) -> usize {
        self.u.len()
    }

    pub fn is_empty(&self) -> bool {
        self.u.is_empty()
    }

    /// Steps local neuron `l` still stays refractory.
    pub fn refractory_left(&self, l: usize) -> u32 {
        self.refractory[l / CHUNK].iter().find(|(i, _)| *i as usize == l).map_or(0, |&(_, left)| left)
    }

    /// Synaptic current of local neuron `i`, pA.
    pub fn syn_current(&self, i: usize, prop: &Propagators) -> f64 {
        prop.j_pa * self.g[i]
    }
}

/// Every neuron's state, one block per partition.
#[derive(Clone, Debug)]
pub struct Neurons {
    pub blocks: Vec<NeuronBlock>,
}

impl Neurons {
    pub fn new(p: &Params, partitions: &[PartLayout]) -> Neurons {
        let blocks = partitions
            .iter()
            .map(|layout| {
                let len = layout.len();
                NeuronBlock {
                    layout: *layout,
                    u: vec![0.0; len],
                    g: vec![0.0; len],
                    h: vec![0.0; len],
                    refractory: vec![Vec::new(); len.div_ceil(CHUNK)],
                    i_noise: vec![0.0; len],
                    i_stim: vec![0.0; len],
                    stim_steps: vec![0; len],
                    streams: NormalStreams::new(
                        (0..len).map(|l| stream_key(p.seed, Purpose::Noise, layout.global(l) as u64)),
                    ),
                }
            })
            .collect();
        Neurons { blocks }
    }

    /// Membrane potentials V (mV) of all neurons, in id order.
    pub fn potentials_mv(&self, p: &Params) -> Vec<f64> {
        let mut v = vec![0.0; p.n_neurons()];
        for b in &self.blocks {
            for (l, u) in b.u.iter().enumerate() {
                v[b.layout.global(l)] = u + p.e_l_mv;
            }
        }
        v
    }

    /// Injects `amplitude_pa` for `duration_ms` into every neuron within `radius` (grid units, on
    /// the torus) of `(cx, cy)`. Returns how many neurons were hit.
    pub fn inject_disc(
        &mut self,
        p: &Params,
        cx: f64,
        cy: f64,
        radius: f64,
        amplitude_pa: f64,
        duration_ms: f64,
    ) -> usize {
        let n = p.n as f64;
        let steps = (duration_ms / p.dt_ms).round().max(0.0) as u32;
        let mut hit = 0;
        for b in &mut self.blocks {
            for i in 0..b.len() {
                let id = b.layout.global(i);
                let (x, y) = ((id % p.n) as f64, (id / p.n) as f64);
                let dx = (x - cx).rem_euclid(n);
                let dy = (y - cy).rem_euclid(n);
                let (dx, dy) = (dx.min(n - dx), dy.min(n - dy));
                if dx * dx + dy * dy <= radius * radius {
                    b.i_stim[i] = if steps > 0 { amplitude_pa } else { 0.0 };
                    b.stim_steps[i] = steps;
                    hit += 1;
                }
            }
        }
        hit
    }
}
