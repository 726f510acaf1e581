//! The E-I network's state and step: both populations integrated exactly (the I network's
//! propagators with the synaptic state in pA), spikes delivered into per-partition delay rings as
//! summed weights.
//!
//! Every arrival adds its source population's weight (+J_E from E, −g·J_E from I) to its target's
//! slot; every partition delivers the spikes of a block in (step, id) order, so the sums do not
//! depend on the partitioning, and with one noise stream per neuron the spikes are identical at any
//! thread count. As in the I network a block
//! of at most one delay is integrated per partition, then its spikes are delivered.

use std::sync::Arc;

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::connectivity::{EiConnectivity, EiPart, EiPartBuckets, partitions, stimulus_targets};
use super::params::{EiParams, Population};
use crate::model::neurons::Propagators;
use crate::model::normal::{Wide, wide};
use crate::model::params::ParamError;
use crate::model::rng::{Purpose, StreamRng, stream};

/// A spike: its step and the neuron's global id (E: `0..n_e²`, I: `n_e²..`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EiSpike {
    pub step: u64,
    pub id: u32,
}

/// The random-stream index of a neuron's background noise (above every I-network neuron id).
fn noise_key(pop: Population, local: usize) -> u64 {
    ((16 + u64::from(pop.code())) << 32) | local as u64
}

/// Neurons per chunk of the step: a chunk's state stays in the L1 cache for a whole block.
const CHUNK: usize = 256;

/// The state of one partition: a stripe of one population's sheet.
#[derive(Clone, Debug)]
pub struct EiBlock {
    pub part: EiPart,
    /// Membrane potential relative to E_L, mV.
    pub u: Vec<f64>,
    /// Summed alpha state in pA (the current is `g`).
    pub g: Vec<f64>,
    pub h: Vec<f64>,
    /// Steps of refractoriness left (whole numbers).
    pub refractory: Vec<f64>,
    /// Background current currently held, pA.
    pub i_noise: Vec<f64>,
    /// 1 where the neuron receives the stimulus, else 0.
    pub stimulated: Vec<f64>,
    /// Silenced neurons (held at reset, never spike); empty when none is.
    pub silenced: Vec<bool>,
    pub rng: Vec<StreamRng>,
    /// Arriving weight (pA) per step slot and neuron: `slots` rows of `len`.
    pub ring: Vec<f32>,
    pub slots: usize,
}

impl EiBlock {
    fn new(p: &EiParams, part: EiPart, n_e_neurons: usize, stim: &[u32]) -> EiBlock {
        let len = part.len();
        let first_local = if part.pop == Population::E { part.lo } else { part.lo - n_e_neurons };
        let mut stimulated = vec![0.0; len];
        if part.pop == Population::E {
            for &s in stim {
                if (part.lo..part.hi).contains(&(s as usize)) {
                    stimulated[s as usize - part.lo] = 1.0;
                }
            }
        }
        let slots = 2 * p.delay_steps();
        EiBlock {
            part,
            u: vec![0.0; len],
            g: vec![0.0; len],
            h: vec![0.0; len],
            refractory: vec![0.0; len],
            i_noise: vec![0.0; len],
            stimulated,
            silenced: Vec::new(),
            rng: (0..len).map(|l| stream(p.seed, Purpose::Noise, noise_key(part.pop, first_local + l))).collect(),
            ring: vec![0.0; slots * len],
            slots,
        }
    }

    fn row(&self, step: u64) -> usize {
        (step % self.slots as u64) as usize * self.part.len()
    }
}

/// The per-step inputs every partition shares.
struct StepInputs<'a> {
    p: &'a EiParams,
    prop: &'a Propagators,
    pulses: &'a [(u64, u64)],
    noise_steps: u64,
    half_warmup: u64,
}

impl StepInputs<'_> {
    /// Background mean and σ of `pop` at `step`: first half of the warm-up μ = 0 and the warm-up σ.
    fn background(&self, pop: Population, step: u64) -> (f64, f64) {
        if step < self.half_warmup { (0.0, self.p.warmup_sigma_pa) } else { self.p.background(pop) }
    }

    /// The stimulus current at `step`, pA.
    fn stimulus(&self, step: u64) -> f64 {
        if self.pulses.iter().any(|&(a, b)| (a..b).contains(&step)) { self.p.stimulus.amplitude_pa } else { 0.0 }
    }
}

/// Integrates `steps` steps from `first` for one partition; appends its spikes.
fn integrate_block(inp: &StepInputs, b: &mut EiBlock, first: u64, steps: usize, spikes: &mut Vec<EiSpike>) {
    let len = b.part.len();
    let prop = inp.prop;
    let wide = wide();
    let rows: Vec<usize> = (0..steps as u64).map(|j| b.row(first + j)).collect();
    let stim: Vec<f64> = (0..steps as u64).map(|j| inp.stimulus(first + j)).collect();
    let mut from = 0;
    while from < len {
        let to = (from + CHUNK).min(len);
        for (j, &row) in rows.iter().enumerate() {
            let k = first + j as u64;
            if k.is_multiple_of(inp.noise_steps) {
                let (mu, sigma) = inp.background(b.part.pop, k);
                for (x, rng) in b.i_noise[from..to].iter_mut().zip(&mut b.rng[from..to]) {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = mu + sigma * z;
                }
            }
            let chunk = Chunk {
                u: &mut b.u[from..to],
                g: &mut b.g[from..to],
                h: &mut b.h[from..to],
                refractory: &mut b.refractory[from..to],
                i_noise: &b.i_noise[from..to],
                stimulated: &b.stimulated[from..to],
                arrivals: &mut b.ring[row + from..row + to],
            };
            let mut crossed = update_chunk(prop, chunk, stim[j], wide);
            if !b.silenced.is_empty() {
                for (u, _) in b.u[from..to].iter_mut().zip(&b.silenced[from..to]).filter(|(_, s)| **s) {
                    *u = prop.reset_rel;
                }
                crossed = b.u[from..to].iter().any(|&u| u >= prop.theta_rel);
            }
            if crossed {
                let ref_steps = f64::from(prop.refractory_steps);
                for l in from..to {
                    if b.u[l] >= prop.theta_rel {
                        b.u[l] = prop.reset_rel;
                        b.refractory[l] = ref_steps;
                        spikes.push(EiSpike { step: k, id: (b.part.lo + l) as u32 });
                    }
                }
            }
        }
        from = to;
    }
}

/// One chunk's state and this step's arrivals.
struct Chunk<'a> {
    u: &'a mut [f64],
    g: &'a mut [f64],
    h: &'a mut [f64],
    refractory: &'a mut [f64],
    i_noise: &'a [f64],
    stimulated: &'a [f64],
    arrivals: &'a mut [f32],
}

/// The linear part of one step: potentials (held at reset while refractory) and alpha states
/// advance with the exact propagators and take this step's arrivals, which are cleared. Returns
/// whether any potential reached the threshold.
#[inline]
fn update_chunk(prop: &Propagators, c: Chunk, stim_pa: f64, wide: Wide) -> bool {
    match wide {
        // SAFETY: `Wide::Avx512` and `Wide::Avx2` are only chosen after the processor reported the
        // feature (`normal::wide`).
        #[cfg(target_arch = "x86_64")]
        Wide::Avx512 => unsafe { update_chunk_avx512(prop, c, stim_pa) },
        #[cfg(target_arch = "x86_64")]
        Wide::Avx2 => unsafe { update_chunk_avx2(prop, c, stim_pa) },
        _ => update_chunk_body(prop, c, stim_pa),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_chunk_avx2(prop: &Propagators, c: Chunk, stim_pa: f64) -> bool {
    update_chunk_body(prop, c, stim_pa)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn update_chunk_avx512(prop: &Propagators, c: Chunk, stim_pa: f64) -> bool {
    update_chunk_body(prop, c, stim_pa)
}

#[inline(always)]
fn update_chunk_body(prop: &Propagators, c: Chunk, stim_pa: f64) -> bool {
    let len = c.u.len();
    let (u, g, h, refractory) = (c.u, &mut c.g[..len], &mut c.h[..len], &mut c.refractory[..len]);
    let (i_noise, stimulated, arrivals) = (&c.i_noise[..len], &c.stimulated[..len], &mut c.arrivals[..len]);
    let Propagators { p11, p21, p22, p30, p31, p32, p33, h_jump, theta_rel, reset_rel, .. } = *prop;
    let mut crossed = false;
    for i in 0..len {
        let (uu, gg, hh, r) = (u[i], g[i], h[i], refractory[i]);
        let i_ext = i_noise[i] + stim_pa * stimulated[i];
        let v = p33 * uu + p30 * i_ext + p31 * hh + p32 * gg;
        g[i] = p22 * gg + p21 * hh;
        h[i] = p11 * hh + h_jump * f64::from(arrivals[i]);
        arrivals[i] = 0.0;
        let v = if r > 0.0 { reset_rel } else { v };
        refractory[i] = (r - 1.0).max(0.0);
        u[i] = v;
        crossed |= v >= theta_rel;
    }
    crossed
}

/// Delivers `spikes` into the partitions' rings: each target's slot for `step + D` grows by the
/// source population's weight, once per synapse.
fn propagate(
    spikes: &[EiSpike],
    conn: &EiConnectivity,
    weights: [f32; 2],
    delay: u64,
    blocks: &mut [EiBlock],
    parts: &[EiPartBuckets],
) {
    let targets = &conn.targets;
    let ne = conn.n_e_neurons;
    blocks.par_iter_mut().zip(parts.par_iter()).for_each(|(b, pb)| {
        let lo = b.part.lo;
        for (k, s) in spikes.iter().enumerate() {
            if let Some(next) = spikes.get(k + 2) {
                prefetch(&targets[pb.range(next.id as usize)]);
            }
            let row = b.row(s.step + delay);
            let w = weights[usize::from(s.id as usize >= ne)];
            let slot = &mut b.ring[row..row + b.part.len()];
            for &t in &targets[pb.range(s.id as usize)] {
                slot[t as usize - lo] += w;
            }
        }
    });
}

/// Asks the cache for the first lines of a bucket that will be read soon.
#[inline(always)]
fn prefetch(targets: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    for chunk in targets.chunks(16).take(4) {
        // SAFETY: prefetching is a hint; the address lies inside a live slice.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(chunk.as_ptr().cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = targets;
}

/// Whether neuron `(x, y)` of an `n`×`n` torus lies within `radius` of `(cx, cy)`.
pub fn in_disc(n: usize, x: usize, y: usize, cx: f64, cy: f64, radius: f64) -> bool {
    let n = n as f64;
    let wrap = |d: f64| {
        let d = d.rem_euclid(n);
        d.min(n - d)
    };
    let (dx, dy) = (wrap(x as f64 - cx), wrap(y as f64 - cy));
    dx * dx + dy * dy <= radius * radius
}

/// Builds a rayon pool with `threads` workers (0: all cores).
pub fn ei_thread_pool(threads: usize) -> Arc<rayon::ThreadPool> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::model::network::thread_pool(threads)
    }
    #[cfg(not(target_arch = "wasm32"))]
    crate::model::network::native_pool(threads, "seqscape-ei")
}

/// The E-I network with its own thread pool.
pub struct EiNetwork {
    pub params: EiParams,
    pub prop: Propagators,
    pub conn: EiConnectivity,
    /// The stimulated E neurons (E-grid ids).
    pub stimulated: Vec<u32>,
    /// Per pulse, the steps whose update carries the stimulus current: `[first, end)`.
    pub pulses: Vec<(u64, u64)>,
    pub blocks: Vec<EiBlock>,
    parts: Vec<EiPartBuckets>,
    /// The next step to integrate.
    pub step: u64,
    pub pool: Arc<rayon::ThreadPool>,
}

impl EiNetwork {
    /// Validates `params` and builds the landscape, the four projections and the state.
    pub fn build(params: EiParams, pool: Arc<rayon::ThreadPool>) -> Result<EiNetwork, ParamError> {
        params.validate()?;
        let layout = partitions(&params, pool.current_num_threads());
        let (conn, parts) = pool.install(|| {
            let conn = EiConnectivity::build(&params);
            let parts: Vec<EiPartBuckets> = layout.par_iter().map(|l| conn.restrict(l)).collect();
            (conn, parts)
        });
        let stimulated = if params.stimulus.pulses > 0 { stimulus_targets(&params) } else { Vec::new() };
        let ne = conn.n_e_neurons;
        let blocks = layout.iter().map(|&l| EiBlock::new(&params, l, ne, &stimulated)).collect();
        Ok(EiNetwork {
            prop: Propagators::new(&params.neuron_params()),
            pulses: params.pulse_steps(),
            conn,
            stimulated,
            blocks,
            parts,
            step: 0,
            params,
            pool,
        })
    }

    /// Advances `steps` steps in blocks of at most one delay; returns the spikes in (step, id) order.
    pub fn advance(&mut self, steps: u64) -> Vec<EiSpike> {
        let d = self.params.delay_steps() as u64;
        let end = self.step + steps;
        let mut all = Vec::new();
        while self.step < end {
            let b = d.min(end - self.step) as usize;
            all.extend(self.step_block(b));
        }
        all
    }

    /// One block of `steps` ≤ delay steps: integrate every partition, then deliver the spikes.
    pub fn step_block(&mut self, steps: usize) -> Vec<EiSpike> {
        let d = self.params.delay_steps();
        let steps = steps.clamp(1, d);
        let EiNetwork { params, prop, conn, pulses, blocks, parts, step, pool, .. } = self;
        let inputs = StepInputs {
            p: params,
            prop,
            pulses,
            noise_steps: params.noise_steps(),
            half_warmup: params.warmup_steps() / 2,
        };
        let weights = [params.weight_pa(Population::E) as f32, params.weight_pa(Population::I) as f32];
        let first = *step;
        let spikes = pool.install(|| {
            let per_part: Vec<Vec<EiSpike>> = blocks
                .par_iter_mut()
                .map(|b| {
                    let mut s = Vec::new();
                    integrate_block(&inputs, b, first, steps, &mut s);
                    s
                })
                .collect();
            let mut spikes: Vec<EiSpike> = per_part.into_iter().flatten().collect();
            spikes.sort_unstable();
            propagate(&spikes, conn, weights, d as u64, blocks, parts);
            spikes
        });
        *step += steps as u64;
        spikes
    }

    /// Redraws the connections of E neurons `sources` (E-grid ids) after their directions changed
    /// in `conn.landscape` (see [`EiConnectivity::redraw`]) and updates the partitions' shares.
    pub fn redraw(&mut self, sources: &[usize]) {
        if sources.is_empty() {
            return;
        }
        let EiNetwork { params, conn, blocks, parts, pool, .. } = self;
        pool.install(|| {
            conn.redraw(params, sources);
            *parts = blocks.par_iter().map(|b| conn.restrict(&b.part)).collect();
        });
    }

    /// Takes the directions of E neurons `sources` from `directions` (the E sheet's landscape as
    /// painted, n_e × n_e) and redraws their connections ([`EiNetwork::redraw`]).
    pub fn repaint(&mut self, directions: &[f32], sources: &[usize]) {
        let own = &mut self.conn.landscape.direction;
        if own.len() != directions.len() {
            return;
        }
        for &id in sources {
            own[id] = directions[id];
        }
        self.redraw(sources);
    }

    /// Silences the neurons `ids` (global ids: E `0..n_e²`, I above), or none with an empty list:
    /// they are held at reset and never spike; the others are unaffected.
    pub fn silence(&mut self, ids: &[usize]) {
        for b in &mut self.blocks {
            b.silenced.clear();
            let mine: Vec<usize> = ids.iter().copied().filter(|id| (b.part.lo..b.part.hi).contains(id)).collect();
            if !mine.is_empty() {
                b.silenced = vec![false; b.part.len()];
                for id in mine {
                    b.silenced[id - b.part.lo] = true;
                    b.u[id - b.part.lo] = self.prop.reset_rel;
                }
            }
        }
    }

    /// Global ids of the silenced neurons.
    pub fn silenced(&self) -> Vec<usize> {
        self.blocks
            .iter()
            .flat_map(|b| b.silenced.iter().enumerate().filter(|(_, s)| **s).map(move |(l, _)| b.part.lo + l))
            .collect()
    }

    /// A stimulus pulse into the E neurons within `radius` of `centre` (E-grid units, on the torus)
    /// from the next step for `duration_ms` at `amplitude_pa`. A pulse while another is still on
    /// adds its disc; otherwise it replaces the stimulated set. The amplitude is the latest one's.
    pub fn stimulate(&mut self, (cx, cy): (f64, f64), radius: f64, amplitude_pa: f64, duration_ms: f64) {
        let step = self.step;
        self.pulses.retain(|&(_, end)| end > step);
        if self.pulses.is_empty() {
            for b in self.blocks.iter_mut() {
                b.stimulated.iter_mut().for_each(|s| *s = 0.0);
            }
        }
        let n = self.params.n_e;
        for b in self.blocks.iter_mut().filter(|b| b.part.pop == Population::E) {
            for (l, flag) in b.stimulated.iter_mut().enumerate() {
                let id = b.part.lo + l;
                if in_disc(n, id % n, id / n, cx, cy, radius) {
                    *flag = 1.0;
                }
            }
        }
        self.params.stimulus.amplitude_pa = amplitude_pa;
        let len = ((duration_ms / self.params.dt_ms).round() as u64).max(1);
        self.pulses.push((step, step + len));
        self.stimulated = self
            .blocks
            .iter()
            .filter(|b| b.part.pop == Population::E)
            .flat_map(|b| {
                b.stimulated.iter().enumerate().filter(|&(_, &f)| f > 0.0).map(move |(l, _)| (b.part.lo + l) as u32)
            })
            .collect();
    }

    /// Membrane potentials (mV) of `pop`, in grid-id order.
    pub fn potentials_mv(&self, pop: Population) -> Vec<f64> {
        let mut v = Vec::with_capacity(self.params.n_neurons(pop));
        for b in self.blocks.iter().filter(|b| b.part.pop == pop) {
            v.extend(b.u.iter().map(|u| u + self.params.e_l_mv));
        }
        v
    }

    pub fn t_ms(&self) -> f64 {
        self.step as f64 * self.params.dt_ms
    }
}
