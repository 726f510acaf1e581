//! What a batch run produces: [`BatchRun`], the spikes and the network's maps of one warm-up +
//! duration, as [`run_batch`](super::run_batch) returns them. `seqscape run`, `figure`, `bench`
//! and the tests all simulate through it.

use crate::analysis;
use crate::model::Params;

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
