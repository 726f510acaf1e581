//! The network's state as ECS resources.

use std::sync::Arc;

use bevy::prelude::*;

use crate::model::network::{self, Connectivity, DelayRing, Neurons, Spike};
use crate::model::{Params, Propagators};

/// Parameters, their propagators and the simulation clock.
#[derive(Resource, Clone, Debug)]
pub struct SimState {
    pub params: Params,
    pub prop: Propagators,
    /// The next step to integrate.
    pub step: u64,
    /// Steps per fixed tick (at most one delay).
    pub block_steps: usize,
    /// Stop advancing at the end of warm-up + duration (batch runs); the window runs on.
    pub stop_at_end: bool,
    /// Set when `params` changed in a way the propagators must follow.
    pub params_changed: bool,
}

impl SimState {
    pub fn new(params: Params) -> SimState {
        let block_steps = params.delay_steps();
        SimState {
            prop: Propagators::new(&params),
            params,
            step: 0,
            block_steps,
            stop_at_end: false,
            params_changed: false,
        }
    }

    pub fn t_ms(&self) -> f64 {
        self.step as f64 * self.params.dt_ms
    }

    /// Steps the next tick advances: the block size, at most one delay, and in batch runs no
    /// further than the end.
    pub fn tick_steps(&self, delay_steps: u64) -> usize {
        let steps = self.block_steps.clamp(1, delay_steps as usize);
        if self.stop_at_end { steps.min(self.params.total_steps().saturating_sub(self.step) as usize) } else { steps }
    }

    pub fn finished(&self) -> bool {
        self.stop_at_end && self.step >= self.params.total_steps()
    }
}

/// The worker pool that integrates partitions and delivers spikes.
#[derive(Resource, Clone, Deref)]
pub struct SimPool(pub Arc<rayon::ThreadPool>);

/// Every neuron's state.
#[derive(Resource, Clone, Debug, Deref, DerefMut)]
pub struct SimNeurons(pub Neurons);

/// The landscape and the synapse buckets.
#[derive(Resource, Clone, Debug, Deref, DerefMut)]
pub struct SimConnectivity(pub Connectivity);

/// Arrival counts per step and neuron.
#[derive(Resource, Clone, Debug, Deref, DerefMut)]
pub struct SimDelayRing(pub DelayRing);

/// The spikes of the latest tick, sorted by (step, id).
#[derive(Resource, Clone, Debug, Default, Deref, DerefMut)]
pub struct StepSpikes(pub Vec<Spike>);

/// Current pulses waiting to be injected (window clicks, scripted stimuli).
#[derive(Resource, Clone, Debug, Default)]
pub struct StimulusQueue(pub Vec<Stimulus>);

/// A current pulse into a disc of neurons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stimulus {
    pub x: f64,
    pub y: f64,
    pub radius: f64,
    pub amplitude_pa: f64,
    pub duration_ms: f64,
}

/// Every spike so far as two parallel arrays (id, time in ms), when enabled.
#[derive(Resource, Clone, Debug, Default)]
pub struct SpikeRecord {
    pub enabled: bool,
    pub i: Vec<u32>,
    pub t_ms: Vec<f64>,
}

/// Activity for display and live statistics: a per-neuron trace of spikes decaying with
/// `decay_ms`, and the population rate in bins of `bin_ms`.
#[derive(Resource, Clone, Debug)]
pub struct ActivityBins {
    pub n: usize,
    pub decay_ms: f64,
    /// Decaying spike trace per neuron (1 right after a spike).
    pub trace: Vec<f32>,
    /// Whether the trace is kept (runs that only write spikes leave it at zero and skip its
    /// decay, a pass over every neuron per tick).
    pub trace_on: bool,
    pub bin_ms: f64,
    /// Spikes counted in the open bin.
    pub open_count: u64,
    pub open_start_ms: f64,
    /// Completed bins: (bin end in ms, population rate in Hz), the last `history` of them.
    pub rate_hz: std::collections::VecDeque<(f64, f64)>,
    pub history: usize,
    /// Spikes in total since the start.
    pub total_spikes: u64,
}

impl ActivityBins {
    pub fn new(n: usize) -> ActivityBins {
        ActivityBins {
            n,
            decay_ms: 25.0,
            trace: vec![0.0; n * n],
            trace_on: true,
            bin_ms: 25.0,
            open_count: 0,
            open_start_ms: 0.0,
            rate_hz: Default::default(),
            history: 400,
            total_spikes: 0,
        }
    }

    /// Adds a tick's spikes and advances the trace to `t_ms` (the end of the tick).
    pub fn add(&mut self, spikes: &[Spike], tick_ms: f64, t_ms: f64) {
        if self.trace_on {
            let k = (-(tick_ms / self.decay_ms)).exp() as f32;
            self.trace.iter_mut().for_each(|v| *v *= k);
            for s in spikes {
                if let Some(v) = self.trace.get_mut(s.id as usize) {
                    *v += 1.0;
                }
            }
        }
        self.open_count += spikes.len() as u64;
        self.total_spikes += spikes.len() as u64;
        while t_ms - self.open_start_ms >= self.bin_ms - 1e-9 {
            let neurons = (self.n * self.n) as f64;
            let rate = self.open_count as f64 / neurons / (self.bin_ms / 1000.0);
            self.open_start_ms += self.bin_ms;
            self.rate_hz.push_back((self.open_start_ms, rate));
            while self.rate_hz.len() > self.history {
                self.rate_hz.pop_front();
            }
            self.open_count = 0;
        }
    }
}

/// Builds the partitioned state for `params` on `pool` (used by the plugin and by rebuilds).
pub struct NetworkParts {
    pub state: SimState,
    pub neurons: SimNeurons,
    pub conn: SimConnectivity,
    pub ring: SimDelayRing,
}

impl NetworkParts {
    pub fn from_network(net: network::Network) -> NetworkParts {
        let mut state = SimState::new(net.params.clone());
        state.step = net.step;
        NetworkParts {
            state,
            neurons: SimNeurons(net.neurons),
            conn: SimConnectivity(net.conn),
            ring: SimDelayRing(net.ring),
        }
    }
}
