//! Batch runs: the [`SimPlugin`] in an app without window or renderer, ticked as fast as the
//! machine goes. `seqscape run`, `figure`, `bench` and the tests all simulate through here.

use std::time::Instant;

use bevy::prelude::*;

use super::plugin::{SimPlugin, run_ticks};
use super::resources::*;
use crate::analysis;
use crate::model::{ParamError, Params};

/// What a batch run produced.
#[derive(Clone, Debug)]
pub struct BatchRun {
    pub params: Params,
    /// Spike ids (`y·n + x`) and times (ms from the start of the warm-up), in time order.
    pub i: Vec<u32>,
    pub t_ms: Vec<f64>,
    /// Incoming connections per neuron, `y·n + x`.
    pub in_degree: Vec<u32>,
    /// Landscape direction per neuron in radians [0, 2π), NaN where unshifted.
    pub landscape: Vec<f32>,
    pub n_synapses: usize,
    /// Synaptic events delivered (spikes × their out-degree).
    pub synaptic_events: u64,
    /// Seconds spent building the network, and simulating it.
    pub build_s: f64,
    pub sim_s: f64,
    pub threads: usize,
}

/// Simulates warm-up + duration; `progress(done_ms, total_ms)` is called every simulated 100 ms.
pub fn run_batch(params: Params, threads: usize, mut progress: impl FnMut(f64, f64)) -> Result<BatchRun, ParamError> {
    params.validate()?;
    let t0 = Instant::now();
    let mut app = App::new();
    app.add_plugins(SimPlugin { params: params.clone(), threads, record: true, stop_at_end: true });
    let build_s = t0.elapsed().as_secs_f64();
    let (total_steps, block) = {
        let s = app.world().resource::<SimState>();
        (s.params.total_steps(), s.block_steps as u64)
    };
    let ticks = total_steps.div_ceil(block);
    let ticks_per_report = ((100.0 / params.dt_ms) as u64 / block).max(1);
    let pool = app.world().resource::<SimPool>().0.clone();
    let t1 = Instant::now();
    let mut done = 0;
    while done < ticks {
        let now = ticks_per_report.min(ticks - done);
        // Tick on a worker of the pool itself, so that each block's parallel phases start without a
        // cross-thread hand-off.
        let world = app.world_mut();
        pool.install(|| run_ticks(world, now));
        done += now;
        progress((done * block).min(total_steps) as f64 * params.dt_ms, total_steps as f64 * params.dt_ms);
    }
    let sim_s = t1.elapsed().as_secs_f64();
    let world = app.world_mut();
    let conn = world.resource::<SimConnectivity>();
    let in_degree = conn.in_degree();
    let landscape = conn.landscape.direction.clone();
    let n_synapses = conn.buckets.n_synapses();
    let threads = world.resource::<SimPool>().current_num_threads();
    let record = std::mem::take(&mut *world.resource_mut::<SpikeRecord>());
    let conn = world.resource::<SimConnectivity>();
    let synaptic_events = record.i.iter().map(|&i| conn.buckets.targets_of(i as usize).len() as u64).sum();
    Ok(BatchRun {
        params,
        i: record.i,
        t_ms: record.t_ms,
        in_degree,
        landscape,
        n_synapses,
        synaptic_events,
        build_s,
        sim_s,
        threads,
    })
}

impl BatchRun {
    /// Firing rate of every neuron (Hz) over [from_ms, to_ms): [`analysis::rates_hz`].
    pub fn rates_hz(&self, from_ms: f64, to_ms: f64) -> Vec<f64> {
        analysis::rates_hz(&self.i, &self.t_ms, self.params.n_neurons(), from_ms, to_ms)
    }

    /// Per-neuron rates (Hz) in consecutive bins of `bin_ms` over [from_ms, to_ms):
    /// [`analysis::rate_frames`].
    pub fn rate_frames(&self, from_ms: f64, to_ms: f64, bin_ms: f64) -> Vec<Vec<f32>> {
        analysis::rate_frames(&self.i, &self.t_ms, self.params.n_neurons(), from_ms, to_ms, bin_ms)
    }

    /// The analysed window after the warm-up: [warm-up, warm-up + duration].
    pub fn window_ms(&self) -> (f64, f64) {
        (self.params.warmup_ms, self.params.warmup_ms + self.params.duration_ms)
    }
}
