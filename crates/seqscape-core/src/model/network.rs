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
use super::neurons::{CHUNK, NeuronBlock, Propagators};
use super::noise::Background;
use super::normal::{Wide, wide};
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

    /// # Panics
    /// If a bucket of `buckets` is not sorted.
    pub fn from_parts(landscape: Landscape, buckets: SynapseBuckets, partitions: &[PartLayout]) -> Connectivity {
        assert!(buckets.is_sorted(), "synapse buckets must be sorted");
        let parts = partitions.par_iter().map(|l| buckets.restrict(l)).collect();
        Connectivity { landscape, buckets, parts }
    }

    pub fn in_degree(&self) -> Vec<u32> {
        self.buckets.in_degree(self.landscape.direction.len())
    }
}

/// Splits the n×n sheet into `count` stripes of whole rows.
pub fn partition_rows(n: usize, count: usize) -> Vec<PartLayout> {
    PartLayout::all(n, count)
}

/// Integrates `steps` steps from `first_step` for one partition; appends its spikes to `spikes` (in
/// chunk order: [`integrate`] sorts them).
///
/// The loop runs chunk by chunk and, inside a chunk, step by step: a block is at most one delay long,
/// so every input of its steps is already in the ring and a chunk's state stays in the L1 cache for
/// the whole block instead of streaming the partition through memory once per step.
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
    let wide = wide();
    let len = nb.len();
    let rows: Vec<usize> = (0..steps as u64).map(|j| ring.slot(first_step + j) * ring.width).collect();
    let mut from = 0;
    while from < len {
        let to = (from + CHUNK).min(len);
        // A fold instead of `any`: no early exit, so the scan vectorises.
        let stim = nb.stim_steps[from..to].iter().fold(0, |a, &s| a | s) != 0;
        for (j, &row) in rows.iter().enumerate() {
            let k = first_step + j as u64;
            background.draw(p, k, &mut nb.i_noise[from..to], &mut nb.streams, from);
            let chunk = Chunk {
                u: &mut nb.u[from..to],
                g: &mut nb.g[from..to],
                h: &mut nb.h[from..to],
                i_noise: &nb.i_noise[from..to],
                i_stim: &nb.i_stim[from..to],
                arrivals: &mut ring.counts[row + from..row + to],
            };
            let crossed =
                if stim { update_chunk::<true>(prop, chunk, wide) } else { update_chunk::<false>(prop, chunk, wide) };
            // Refractory neurons stay at the reset potential.
            let u = &mut nb.u;
            nb.refractory[from / CHUNK].retain_mut(|(l, left)| {
                u[*l as usize] = prop.reset_rel;
                *left -= 1;
                *left > 0
            });
            if crossed {
                fire(prop, nb, from, to, k, spikes);
            }
            if stim {
                for (s, i_s) in nb.stim_steps[from..to].iter_mut().zip(&mut nb.i_stim[from..to]) {
                    if *s > 0 {
                        *s -= 1;
                        if *s == 0 {
                            *i_s = 0.0;
                        }
                    }
                }
            }
        }
        from = to;
    }
}

/// The threshold of one step for neurons `from..to`: each potential at or above it is reset, made
/// refractory and recorded as a spike in step `k`.
fn fire(prop: &Propagators, nb: &mut NeuronBlock, from: usize, to: usize, k: u64, spikes: &mut Vec<Spike>) {
    for l in from..to {
        if nb.u[l] >= prop.theta_rel {
            nb.u[l] = prop.reset_rel;
            if prop.refractory_steps > 0 {
                nb.refractory[from / CHUNK].push((l as u32, prop.refractory_steps));
            }
            spikes.push(Spike { step: k, id: nb.layout.global(l) as u32 });
        }
    }
}

/// One chunk's state and this step's arrivals, all of the same length.
struct Chunk<'a> {
    u: &'a mut [f64],
    g: &'a mut [f64],
    h: &'a mut [f64],
    i_noise: &'a [f64],
    i_stim: &'a [f64],
    arrivals: &'a mut [f32],
}

/// The linear part of one step for a chunk: every potential and alpha state advances with the exact
/// propagators and takes this step's arrivals, which are cleared (no threshold, no refractoriness).
/// Returns whether any potential reached the threshold. `wide` selects the AVX-512 or AVX2
/// build of the same code where the processor has it (the same arithmetic, no fused multiply-add, so
/// the results do not depend on the build).
#[inline]
fn update_chunk<const STIM: bool>(prop: &Propagators, c: Chunk, wide: Wide) -> bool {
    match wide {
        // SAFETY: `Wide::Avx512` and `Wide::Avx2` are only chosen after the processor reported the
        // feature (`normal::wide`).
        #[cfg(target_arch = "x86_64")]
        Wide::Avx512 => unsafe { update_chunk_avx512::<STIM>(prop, c) },
        #[cfg(target_arch = "x86_64")]
        Wide::Avx2 => unsafe { update_chunk_avx2::<STIM>(prop, c) },
        _ => update_chunk_body::<STIM>(prop, c),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_chunk_avx2<const STIM: bool>(prop: &Propagators, c: Chunk) -> bool {
    update_chunk_body::<STIM>(prop, c)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn update_chunk_avx512<const STIM: bool>(prop: &Propagators, c: Chunk) -> bool {
    update_chunk_body::<STIM>(prop, c)
}

#[inline(always)]
fn update_chunk_body<const STIM: bool>(prop: &Propagators, c: Chunk) -> bool {
    let len = c.u.len();
    let (u, g, h) = (c.u, &mut c.g[..len], &mut c.h[..len]);
    let (i_noise, arrivals) = (&c.i_noise[..len], &mut c.arrivals[..len]);
    let i_stim = if STIM { &c.i_stim[..len] } else { c.i_stim };
    let Propagators { p11, p21, p22, p30, p31, p32, p33, h_jump, theta_rel, .. } = *prop;
    let mut crossed = 0u64;
    for i in 0..len {
        let (uu, gg, hh) = (u[i], g[i], h[i]);
        let i_ext = if STIM { i_noise[i] + i_stim[i] } else { i_noise[i] };
        let v = p33 * uu + p30 * i_ext + p31 * hh + p32 * gg;
        g[i] = p22 * gg + p21 * hh;
        h[i] = p11 * hh + h_jump * f64::from(arrivals[i]);
        arrivals[i] = 0.0;
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
/// one per synapse (multapses count several times; a packed partition adds a multapse's count at once).
pub fn propagate(spikes: &[Spike], conn: &Connectivity, ring: &mut DelayRing) {
    let delay = ring.delay_steps;
    let targets = &conn.buckets.targets;
    ring.blocks.par_iter_mut().zip(conn.parts.par_iter()).for_each(|(rb, b)| {
        if let Some(packed) = b.packed() {
            for (k, s) in spikes.iter().enumerate() {
                if let Some(next) = spikes.get(k + 2) {
                    prefetch(packed.words_of(next.id as usize));
                }
                let row = rb.row_mut(s.step + delay);
                let words = packed.words_of(s.id as usize);
                debug_assert!(words.iter().all(|&w| packed.decode(w).0 < row.len()));
                let base = row.as_mut_ptr();
                for &w in words {
                    let (local, count) = packed.decode(w);
                    // SAFETY: a word's local index lies in the partition (`Packed::push_source`),
                    // whose row this is, so `base + local` lies in `row`.
                    unsafe { *base.add(local) += f32::from(count) };
                }
            }
            return;
        }
        let first = b.first_id();
        for (k, s) in spikes.iter().enumerate() {
            if let Some(next) = spikes.get(k + 2) {
                prefetch(&targets[b.range(next.id as usize)]);
            }
            let row = rb.row_mut(s.step + delay);
            let bucket = &targets[b.range(s.id as usize)];
            debug_assert!(bucket.iter().all(|&t| (first..first + row.len()).contains(&(t as usize))));
            // The row shifted so that a global id indexes it: `restrict` keeps only the targets in
            // the partition's ids, `first..first + row.len()`, so every access lands in the row.
            let base = row.as_mut_ptr().wrapping_sub(first);
            for &t in bucket {
                // SAFETY: `first <= t < first + row.len()` (above), so `base + t` lies in `row`.
                unsafe { *base.wrapping_add(t as usize) += 1.0 };
            }
        }
    });
}

/// Asks the cache for the first lines of a bucket that will be read soon.
#[inline(always)]
fn prefetch<T>(targets: &[T]) {
    #[cfg(target_arch = "x86_64")]
    for chunk in targets.chunks((64 / size_of::<T>()).max(1)).take(4) {
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
    #[cfg(target_arch = "wasm32")]
    {
        let _ = threads;
        page_pool()
    }
    #[cfg(not(target_arch = "wasm32"))]
    native_pool(threads, "seqscape-sim")
}

/// A pool of `threads` workers (0: all cores) named `name-i`; one worker if threads cannot be made.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_pool(threads: usize, name: &'static str) -> Arc<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new().thread_name(move |i| format!("{name}-{i}"));
    if threads > 0 {
        b = b.num_threads(threads);
    }
    Arc::new(b.build().unwrap_or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("one thread")))
}

/// In the browser the page has one thread and cannot start others: one pool whose only worker is
/// that thread, shared by every network (rayon runs the work inline).
#[cfg(target_arch = "wasm32")]
pub fn page_pool() -> Arc<rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Arc<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build()
                .expect("the page's thread joins its own pool"),
        )
    })
    .clone()
}

/// How many partitions to split the sheet into for `threads` workers: a few stripes each, so that
/// the pool can balance the stripes with many spikes to deliver against the quiet ones.
pub fn partition_count(n: usize, threads: usize) -> usize {
    (STRIPES_PER_THREAD * threads.max(1)).min(n)
}

/// Row stripes per worker.
const STRIPES_PER_THREAD: usize = 4;

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
