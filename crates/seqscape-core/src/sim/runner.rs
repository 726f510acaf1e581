//! [`Runner`]: the one headless driver of the simulation. It builds the network before any plugin
//! sees it (so invalid parameters are an error, never a panic), schedules it with
//! [`SimSystemsPlugin`] in an app without window or renderer, and ticks it as fast as the machine
//! goes, always on a worker of the simulation's own pool so that each block's parallel phases start
//! without a cross-thread hand-off.

use std::sync::Arc;
use web_time::Instant;

use bevy::prelude::*;

use super::batch::BatchRun;
use super::plugin::{SimSystemsPlugin, build_network, insert_network, run_ticks};
use super::resources::*;
use crate::model::network::Network;
use crate::model::{ParamError, Params};

/// A headless simulation: an app holding the network's resources, advanced in fixed ticks of
/// [`SimState::block_steps`] steps.
pub struct Runner {
    app: App,
    pool: Arc<rayon::ThreadPool>,
    build_s: f64,
    sim_s: f64,
}

impl Runner {
    /// Validates `params` and builds the network on a pool of `threads` workers (0: all cores). The
    /// runner records every spike and stops at the end of warm-up + duration; see
    /// [`Runner::set_record`] and [`Runner::set_stop_at_end`].
    pub fn new(params: Params, threads: usize) -> Result<Runner, ParamError> {
        let t0 = Instant::now();
        let (net, pool) = build_network(params, threads)?;
        let mut runner = Runner::from_network(net, pool);
        runner.build_s = t0.elapsed().as_secs_f64();
        Ok(runner)
    }

    /// A runner around an already built network and its pool.
    pub fn from_network(net: Network, pool: Arc<rayon::ThreadPool>) -> Runner {
        let t0 = Instant::now();
        let mut app = App::new();
        app.insert_resource(SpikeRecord { enabled: true, ..Default::default() });
        let mut parts = NetworkParts::from_network(net);
        parts.state.stop_at_end = true;
        insert_network(app.world_mut(), parts, pool.clone());
        app.add_plugins(SimSystemsPlugin);
        Runner { app, pool, build_s: t0.elapsed().as_secs_f64(), sim_s: 0.0 }
    }

    /// Whether every spike is appended to [`SpikeRecord`] (on by default).
    pub fn set_record(&mut self, on: bool) {
        self.app.world_mut().resource_mut::<SpikeRecord>().enabled = on;
    }

    /// Whether [`ActivityBins::trace`] is kept (on by default; the population rate is counted
    /// either way).
    pub fn set_trace(&mut self, on: bool) {
        self.app.world_mut().resource_mut::<ActivityBins>().trace_on = on;
    }

    /// Whether the clock stops at the end of warm-up + duration (on by default); off, it runs on.
    pub fn set_stop_at_end(&mut self, on: bool) {
        self.app.world_mut().resource_mut::<SimState>().stop_at_end = on;
    }

    pub fn params(&self) -> &Params {
        &self.state().params
    }

    fn state(&self) -> &SimState {
        self.app.world().resource::<SimState>()
    }

    /// The next step to integrate.
    pub fn step(&self) -> u64 {
        self.state().step
    }

    /// Simulated time so far, ms from the start of the warm-up.
    pub fn t_ms(&self) -> f64 {
        self.state().t_ms()
    }

    /// Simulated ms per tick.
    pub fn tick_ms(&self) -> f64 {
        let s = self.state();
        s.block_steps as f64 * s.params.dt_ms
    }

    /// Whether the clock has reached the end (only when stopping at the end).
    pub fn finished(&self) -> bool {
        self.state().finished()
    }

    /// Runs `ticks` fixed ticks (ticks after the end do nothing when stopping at the end).
    pub fn tick(&mut self, ticks: u64) {
        let t0 = Instant::now();
        let world = self.app.world_mut();
        self.pool.install(|| run_ticks(world, ticks));
        self.sim_s += t0.elapsed().as_secs_f64();
    }

    /// Ticks until the clock reaches `step` (whole ticks, so it may pass it by less than one tick).
    fn run_until_step(&mut self, step: u64) {
        let s = self.state();
        let ticks = step.saturating_sub(s.step).div_ceil(s.block_steps.max(1) as u64);
        self.tick(ticks);
    }

    /// Runs the warm-up (the first `warmup_ms`).
    pub fn warm_up(&mut self) {
        let step = self.params().warmup_steps();
        self.run_until_step(step);
    }

    /// Ticks until the simulated time reaches `t_ms`.
    pub fn run_until_ms(&mut self, t_ms: f64) {
        let step = (t_ms / self.params().dt_ms).round().max(0.0) as u64;
        self.run_until_step(step);
    }

    /// Runs to the end of warm-up + duration; `progress(done_ms, total_ms)` is called every
    /// simulated 100 ms and at the end.
    pub fn run_to_end(&mut self, mut progress: impl FnMut(f64, f64)) {
        let (dt, total_steps, block) = {
            let s = self.state();
            (s.params.dt_ms, s.params.total_steps(), s.block_steps.max(1) as u64)
        };
        let ticks_per_report = ((100.0 / dt) as u64 / block).max(1);
        loop {
            let step = self.step();
            if step >= total_steps {
                break;
            }
            self.tick(ticks_per_report.min(total_steps.saturating_sub(step).div_ceil(block)));
            if self.step() == step {
                break;
            }
            progress(self.step().min(total_steps) as f64 * dt, total_steps as f64 * dt);
        }
    }

    pub fn world(&self) -> &World {
        self.app.world()
    }

    pub fn world_mut(&mut self) -> &mut World {
        self.app.world_mut()
    }

    /// The app itself, e.g. to add systems to the [`SimSet`](super::SimSet)s.
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// The recorded spikes with the network's in-degrees and landscape, and the timings.
    pub fn finish(mut self) -> BatchRun {
        let world = self.app.world_mut();
        let record = std::mem::take(&mut *world.resource_mut::<SpikeRecord>());
        let params = world.resource::<SimState>().params.clone();
        let conn = world.resource::<SimConnectivity>();
        let synaptic_events = record.i.iter().map(|&i| conn.buckets.targets_of(i as usize).len() as u64).sum();
        BatchRun {
            params,
            i: record.i,
            t_ms: record.t_ms,
            in_degree: conn.in_degree(),
            landscape: conn.landscape.direction.clone(),
            n_synapses: conn.buckets.n_synapses(),
            synaptic_events,
            build_s: self.build_s,
            sim_s: self.sim_s,
            threads: self.pool.current_num_threads(),
        }
    }
}

/// Simulates warm-up + duration with a [`Runner`] (recording the spikes, without the display's
/// trace); `progress(done_ms, total_ms)` is called every simulated 100 ms.
pub fn run_batch(params: Params, threads: usize, progress: impl FnMut(f64, f64)) -> Result<BatchRun, ParamError> {
    let mut runner = Runner::new(params, threads)?;
    runner.set_trace(false);
    runner.run_to_end(progress);
    Ok(runner.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LandscapeKind, Preset};

    fn params() -> Params {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Perlin, 5).unwrap();
        p.warmup_ms = 100.0;
        p.duration_ms = 150.0;
        p.seed = 2;
        p
    }

    #[test]
    fn warm_up_and_run_until_give_the_batch_run() {
        let p = params();
        let mut runner = Runner::new(p.clone(), 2).unwrap();
        runner.warm_up();
        assert_eq!(runner.step(), p.warmup_steps());
        runner.run_until_ms(180.0);
        assert!((runner.t_ms() - 180.0).abs() < 1e-9);
        runner.tick(1);
        assert!((runner.t_ms() - 180.0 - runner.tick_ms()).abs() < 1e-9);
        runner.run_until_ms(1.0e6);
        assert!(runner.finished());
        assert_eq!(runner.step(), p.total_steps());
        let trace_spikes = runner.world().resource::<ActivityBins>().total_spikes;
        let rate_bins = runner.world().resource::<ActivityBins>().rate_hz.clone();
        let runner_trace_max = runner.world().resource::<ActivityBins>().trace.iter().fold(0.0f32, |a, &b| a.max(b));
        let run = runner.finish();
        assert_eq!(run.i.len() as u64, trace_spikes);
        assert!(runner_trace_max > 0.5, "the runner keeps the trace: max {runner_trace_max}");
        let batch = run_batch(p.clone(), 1, |_, _| {}).unwrap();
        assert_eq!((run.i, run.t_ms), (batch.i, batch.t_ms));
        // Without the trace: the same spikes and rate bins, the trace left at zero.
        let mut quiet = Runner::new(p, 2).unwrap();
        quiet.set_trace(false);
        quiet.run_until_ms(1.0e6);
        let bins = quiet.world().resource::<ActivityBins>();
        assert!(bins.trace.iter().all(|&v| v == 0.0));
        assert_eq!(bins.total_spikes, trace_spikes);
        assert_eq!(bins.rate_hz, rate_bins);
        assert_eq!(run.in_degree, batch.in_degree);
    }

    #[test]
    fn a_runner_without_an_end_runs_on_and_can_stop_recording() {
        let mut runner = Runner::new(params(), 1).unwrap();
        runner.set_stop_at_end(false);
        runner.set_record(false);
        runner.run_until_ms(400.0);
        assert!(!runner.finished());
        assert!((runner.t_ms() - 400.0).abs() < 1e-9);
        assert!(runner.world().resource::<SpikeRecord>().i.is_empty());
        assert!(runner.world().resource::<ActivityBins>().total_spikes > 0);
    }

    #[test]
    fn invalid_parameters_are_an_error() {
        let mut p = params();
        p.tau_m_ms = -1.0;
        assert_eq!(Runner::new(p, 1).err().map(|e| e.name), Some("tau_m".to_string()));
    }
}
