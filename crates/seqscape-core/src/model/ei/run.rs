//! A batch run of the E-I network: warm-up + duration, every spike recorded with its population.

use web_time::Instant;

use super::network::{EiNetwork, ei_thread_pool};
use super::params::{EiParams, Population};
use crate::model::params::ParamError;

/// What an E-I batch run produced.
#[derive(Clone, Debug)]
pub struct EiRun {
    pub params: EiParams,
    /// Per spike, in time order: the population (0 = E, 1 = I), the id on its population's grid
    /// (`y·n + x`) and the time (ms from the start of the warm-up, end of the step).
    pub pop: Vec<u8>,
    pub i: Vec<u32>,
    pub t_ms: Vec<f64>,
    /// E→E in-degree of every E neuron (E-grid ids).
    pub in_degree_ee: Vec<u32>,
    /// Landscape direction of every E neuron, radians, NaN where unshifted.
    pub landscape: Vec<f32>,
    /// The stimulated E neurons and the onset of each pulse (ms).
    pub stimulated: Vec<u32>,
    pub pulse_onsets_ms: Vec<f64>,
    pub n_synapses: usize,
    /// Synaptic events delivered (spikes × their out-degree).
    pub synaptic_events: u64,
    pub build_s: f64,
    pub sim_s: f64,
    pub threads: usize,
}

impl EiRun {
    /// Mean firing rate of `pop` over [from_ms, to_ms), Hz.
    pub fn rate_hz(&self, pop: Population, from_ms: f64, to_ms: f64) -> f64 {
        let code = pop.code();
        let count = self.pop.iter().zip(&self.t_ms).filter(|&(&p, &t)| p == code && t >= from_ms && t < to_ms).count();
        count as f64 / self.params.n_neurons(pop) as f64 / ((to_ms - from_ms) / 1000.0)
    }

    /// The analysed window after the warm-up.
    pub fn window_ms(&self) -> (f64, f64) {
        (self.params.warmup_ms, self.params.warmup_ms + self.params.duration_ms)
    }
}

/// Simulates warm-up + duration on `threads` workers (0: all cores); `progress(done_ms, total_ms)`
/// is called every simulated 100 ms.
pub fn run_ei(params: EiParams, threads: usize, mut progress: impl FnMut(f64, f64)) -> Result<EiRun, ParamError> {
    let t0 = Instant::now();
    let mut net = EiNetwork::build(params, ei_thread_pool(threads))?;
    let build_s = t0.elapsed().as_secs_f64();
    let p = net.params.clone();
    let total = p.total_steps();
    let report = ((100.0 / p.dt_ms).round() as u64).max(1);
    let t1 = Instant::now();
    let (mut pop, mut ids, mut t_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut synaptic_events = 0u64;
    while net.step < total {
        let chunk = report.min(total - net.step);
        for s in net.advance(chunk) {
            let (population, local) = net.conn.split(s.id as usize);
            synaptic_events += net.conn.targets_of(s.id as usize).len() as u64;
            pop.push(population.code());
            ids.push(local as u32);
            t_ms.push((s.step + 1) as f64 * p.dt_ms);
        }
        progress(net.step as f64 * p.dt_ms, total as f64 * p.dt_ms);
    }
    let sim_s = t1.elapsed().as_secs_f64();
    Ok(EiRun {
        pulse_onsets_ms: (0..p.stimulus.pulses).map(|k| p.pulse_onset_ms(k)).collect(),
        in_degree_ee: net.conn.in_degree_ee(),
        landscape: net.conn.landscape.direction.clone(),
        stimulated: net.stimulated.clone(),
        n_synapses: net.conn.n_synapses(),
        threads: net.pool.current_num_threads(),
        params: p,
        pop,
        i: ids,
        t_ms,
        synaptic_events,
        build_s,
        sim_s,
    })
}
