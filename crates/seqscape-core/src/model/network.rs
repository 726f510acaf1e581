//! The whole network and its step: integrate every neuron over a block of steps, then deliver the
//! block's spikes into the delay ring.
//!
//! A block may be at most one delay long: a spike emitted in step `k` arrives in step `k + D`, which
//! is never inside the block that emitted it, so the neurons of different partitions can be
//! integrated independently for the whole block and the spikes delivered afterwards. The results do
//! not depend on the block size, the number of partitions or the thread count.

use std::sync::Arc;

use rayon::prelude::*;

use super::connectivity::{PartBuckets, PartLayout, SynapseBuckets};
use super::delay::RingBlock;
use super::landscape::Landscape;
use super::neurons::{NeuronBlock, Propagators};
use super::noise::Background;
use super::params::{ParamError, Params};

pub use super::delay::DelayRing;
pub use super::neurons::Neurons;
pub use super::noise::noise_at;

/// A spike: the step in which it was emitted and the neuron id (`y·n + x`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spike {
    pub step: u64,
    pub id: u32,
}

impl Spike {
    /// Spike time in ms from the start of the warm-up, stamped at the end of its step (as NEST).
    pub fn t_ms(&self, dt_ms: f64) -> f64 {
        (self.step + 1) as f64 * dt_ms
    }
}

/// The landscape and the synapse buckets, whole and split by target partition.
#[derive(Clone, Debug)]
pub struct Connectivity {
    pub landscape: Landscape,
    pub buckets: SynapseBuckets,
    /// Per partition: the buckets restricted to the partition's targets (local ids).
    pub parts: Vec<PartBuckets>,
}

impl Connectivity {
    pub fn build(p: &Params, partitions: &[PartLayout]) -> Connectivity {
        let landscape = Landscape::generate(p);
        let buckets = SynapseBuckets::build(p, &landscape);
        Connectivity::from_parts(landscape, buckets, partitions)
    }

    pub fn from_parts(landscape: Landscape, buckets: SynapseBuckets, partitions: &[PartLayout]) -> Connectivity {
        let parts = partitions.par_iter().map(|l| buckets.restrict(l)).collect();
        Connectivity { landscape, buckets, parts }
    }

    pub fn in_degree(&self) -> Vec<u32> {
        self.buckets.in_degree(self.landscape.direction.len())
    }
}

/// Splits the n×n sheet into `count` partitions of interleaved rows.
pub fn partition_rows(n: usize, count: usize) -> Vec<PartLayout> {
    PartLayout::all(n, count)
}

/// Integrates `steps` steps from `first_step` for one partition; appends its spikes to `spikes`.
pub fn integrate_block(
    p: &Params,
    prop: &Propagators,
    nb: &mut NeuronBlock,
    ring: &mut RingBlock,
    first_step: u64,
    steps: usize,
    spikes: &mut Vec<Spike>,
) {
    let background = Background::new(p);
    let mut stim_active = nb.stim_steps.iter().any(|&s| s > 0);
    let wide = wide_update();
    let mut crossed = Vec::with_capacity(nb.u.len().div_ceil(CHUNK));
    for k in first_step..first_step + steps as u64 {
        background.draw(p, k, &mut nb.i_noise, &mut nb.rng);
        let row = ring.row_mut(k);
        if stim_active {
            update_neurons::<true>(prop, nb, row, k, spikes, &mut crossed, wide);
        } else {
            update_neurons::<false>(prop, nb, row, k, spikes, &mut crossed, wide);
        }
        if stim_active {
            stim_active = false;
            for (s, i_s) in nb.stim_steps.iter_mut().zip(nb.i_stim.iter_mut()) {
                if *s > 0 {
                    *s -= 1;
                    if *s == 0 {
                        *i_s = 0.0;
                    } else {
                        stim_active = true;
                    }
                }
            }
        }
    }
}

/// Neurons per chunk of the update: small enough that the threshold scan after a crossing is cheap.
const CHUNK: usize = 256;

/// One step for every neuron of a block: the linear dynamics in vectorisable chunks, the refractory
/// clamp for the few neurons that need it, then the threshold only in chunks where some potential
/// reached it.
fn update_neurons<const STIM: bool>(
    prop: &Propagators,
    nb: &mut NeuronBlock,
    row: &mut [f32],
    k: u64,
    spikes: &mut Vec<Spike>,
    crossed: &mut Vec<bool>,
    wide: bool,
) {
    let len = nb.u.len();
    crossed.clear();
    let mut from = 0;
    while from < len {
        let to = (from + CHUNK).min(len);
        crossed.push(update_slices::<STIM>(
            prop,
            &mut nb.u[from..to],
            &mut nb.g[from..to],
            &mut nb.h[from..to],
            &nb.i_noise[from..to],
            &nb.i_stim[from..to],
            &mut row[from..to],
            wide,
        ));
        from = to;
    }
    // Refractory neurons stay at the reset potential.
    let reset = prop.reset_rel;
    let u = &mut nb.u;
    nb.refractory.retain_mut(|(l, left)| {
        u[*l as usize] = reset;
        *left -= 1;
        *left > 0
    });
    for (c, &hit) in crossed.iter().enumerate() {
        if hit {
            for l in c * CHUNK..((c + 1) * CHUNK).min(len) {
                if nb.u[l] >= prop.theta_rel {
                    nb.u[l] = reset;
                    if prop.refractory_steps > 0 {
                        nb.refractory.push((l as u32, prop.refractory_steps));
                    }
                    spikes.push(Spike { step: k, id: nb.layout.global(l) as u32 });
                }
            }
        }
    }
}

/// The linear part of one step for a chunk (no threshold, no refractoriness): every potential and
/// alpha state advances with the exact propagators and takes this step's arrivals, which are
/// cleared. Returns whether any potential reached the threshold. `wide` selects the AVX2 build of
/// the same code where the processor has it.
#[inline]
fn update_slices<const STIM: bool>(
    prop: &Propagators,
    u: &mut [f64],
    g: &mut [f64],
    h: &mut [f64],
    i_noise: &[f64],
    i_stim: &[f64],
    row: &mut [f32],
    wide: bool,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    if wide {
        // SAFETY: `wide` is only set after `is_x86_feature_detected!("avx2")` returned true.
        return unsafe { update_slices_avx2::<STIM>(prop, u, g, h, i_noise, i_stim, row) };
    }
    let _ = wide;
    update_slices_body::<STIM>(prop, u, g, h, i_noise, i_stim, row)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_slices_avx2<const STIM: bool>(
    prop: &Propagators,
    u: &mut [f64],
    g: &mut [f64],
    h: &mut [f64],
    i_noise: &[f64],
    i_stim: &[f64],
    row: &mut [f32],
) -> bool {
    update_slices_body::<STIM>(prop, u, g, h, i_noise, i_stim, row)
}

/// Whether the wide (AVX2) update can run here.
fn wide_update() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[inline(always)]
fn update_slices_body<const STIM: bool>(
    prop: &Propagators,
    u: &mut [f64],
    g: &mut [f64],
    h: &mut [f64],
    i_noise: &[f64],
    i_stim: &[f64],
    row: &mut [f32],
) -> bool {
    let len = u.len();
    let (g, h, i_noise, row) = (&mut g[..len], &mut h[..len], &i_noise[..len], &mut row[..len]);
    let i_stim = if STIM { &i_stim[..len] } else { i_stim };
    let Propagators { p11, p21, p22, p30, p31, p32, p33, h_jump, theta_rel, .. } = *prop;
    let mut crossed = 0u64;
    for i in 0..len {
        let (uu, gg, hh) = (u[i], g[i], h[i]);
        let i_ext = if STIM { i_noise[i] + i_stim[i] } else { i_noise[i] };
        let v = p33 * uu + p30 * i_ext + p31 * hh + p32 * gg;
        g[i] = p22 * gg + p21 * hh;
        h[i] = p11 * hh + h_jump * f64::from(row[i]);
        row[i] = 0.0;
        u[i] = v;
        crossed |= u64::from(v >= theta_rel);
    }
    crossed != 0
}

/// Integrates every partition for `steps` steps in parallel; returns the spikes sorted by (step, id).
pub fn integrate(
    p: &Params,
    prop: &Propagators,
    neurons: &mut Neurons,
    ring: &mut DelayRing,
    first_step: u64,
    steps: usize,
) -> Vec<Spike> {
    let per_part: Vec<Vec<Spike>> = neurons
        .blocks
        .par_iter_mut()
        .zip(ring.blocks.par_iter_mut())
        .map(|(nb, rb)| {
            let mut s = Vec::new();
            integrate_block(p, prop, nb, rb, first_step, steps, &mut s);
            s
        })
        .collect();
    let mut spikes: Vec<Spike> = per_part.into_iter().flatten().collect();
    spikes.sort_unstable();
    spikes
}

/// Delivers `spikes` into the delay ring: each target's counter for step `spike.step + D` grows by
/// one per synapse (multapses count several times).
pub fn propagate(spikes: &[Spike], conn: &Connectivity, ring: &mut DelayRing) {
    let delay = ring.delay_steps;
    ring.blocks.par_iter_mut().zip(conn.parts.par_iter()).for_each(|(rb, b)| {
        for (k, s) in spikes.iter().enumerate() {
            if let Some(next) = spikes.get(k + 2) {
                prefetch(b.targets_of(next.id as usize));
            }
            let row = rb.row_mut(s.step + delay);
            let targets = b.targets_of(s.id as usize);
            // Buckets are sorted (`PartBuckets` is only built by `restrict`), so checking the last
            // target bounds them all: once per spike instead of once per synapse.
            assert!(targets.last().is_none_or(|&t| usize::from(t) < row.len()));
            for &t in targets {
                // SAFETY: every target is at most the last one, which is below `row.len()`.
                unsafe { *row.get_unchecked_mut(usize::from(t)) += 1.0 };
            }
        }
    });
}

/// Asks the cache for the first lines of a bucket that will be read soon.
#[inline(always)]
fn prefetch(targets: &[u16]) {
    #[cfg(target_arch = "x86_64")]
    for chunk in targets.chunks(32).take(4) {
        // SAFETY: prefetching is a hint; the address lies inside a live slice.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(chunk.as_ptr().cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = targets;
}

/// A complete network with its own thread pool: the model's one-stop API (the ECS layer holds the
/// same parts as separate resources).
pub struct Network {
    pub params: Params,
    pub prop: Propagators,
    pub conn: Connectivity,
    pub neurons: Neurons,
    pub ring: DelayRing,
    /// The next step to integrate.
    pub step: u64,
    pub pool: Arc<rayon::ThreadPool>,
}

/// Builds a rayon pool with `threads` workers (0: all cores).
pub fn thread_pool(threads: usize) -> Arc<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("seqscape-sim-{i}"));
    if threads > 0 {
        b = b.num_threads(threads);
    }
    Arc::new(b.build().unwrap_or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("one thread")))
}

/// How many partitions to split the sheet into for `threads` workers: one each (interleaved rows
/// already balance the work).
pub fn partition_count(n: usize, threads: usize) -> usize {
    threads.max(1).min(n)
}

impl Network {
    /// Validates `params` and builds the landscape, connections and state.
    pub fn build(params: Params, pool: Arc<rayon::ThreadPool>) -> Result<Network, ParamError> {
        params.validate()?;
        let partitions = partition_rows(params.n, partition_count(params.n, pool.current_num_threads()));
        let conn = pool.install(|| Connectivity::build(&params, &partitions));
        Ok(Network::assemble(params, conn, pool))
    }

    /// Fresh state around existing connectivity (partitioned for `pool`).
    pub fn assemble(params: Params, conn: Connectivity, pool: Arc<rayon::ThreadPool>) -> Network {
        let partitions = partition_rows(params.n, partition_count(params.n, pool.current_num_threads()));
        let conn = if conn.parts.len() == partitions.len() {
            conn
        } else {
            pool.install(|| Connectivity::from_parts(conn.landscape, conn.buckets, &partitions))
        };
        Network {
            prop: Propagators::new(&params),
            neurons: Neurons::new(&params, &partitions),
            ring: DelayRing::new(&params, &partitions),
            conn,
            step: 0,
            params,
            pool,
        }
    }

    /// Advances `steps` steps in blocks no longer than the delay; returns the spikes.
    pub fn advance(&mut self, steps: u64, block: usize) -> Vec<Spike> {
        let block = block.clamp(1, self.ring.delay_steps as usize) as u64;
        let end = self.step + steps;
        let mut all = Vec::new();
        while self.step < end {
            let b = block.min(end - self.step) as usize;
            all.extend(self.step_block(b));
        }
        all
    }

    /// One block of `steps` ≤ delay steps: integrate, then propagate.
    pub fn step_block(&mut self, steps: usize) -> Vec<Spike> {
        let steps = steps.clamp(1, self.ring.delay_steps as usize);
        let Network { params, prop, conn, neurons, ring, step, pool } = self;
        let spikes = pool.install(|| {
            let spikes = integrate(params, prop, neurons, ring, *step, steps);
            propagate(&spikes, conn, ring);
            spikes
        });
        *step += steps as u64;
        spikes
    }

    pub fn t_ms(&self) -> f64 {
        self.step as f64 * self.params.dt_ms
    }
}
