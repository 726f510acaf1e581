//! The delay ring: per time step, the number of spikes arriving at each neuron.
//!
//! Counts are whole numbers (stored as f32, exact below 2²⁴), so their sum does not depend on the order in which sources are delivered
//! (and hence not on the thread count). Slot `k mod L` holds the arrivals for step `k`; a slot is
//! cleared when its step consumes it.

use super::connectivity::PartLayout;
use super::params::Params;

/// Arrival counts for a contiguous range of neurons: `slots` rows of `width` counters.
#[derive(Clone, Debug)]
pub struct RingBlock {
    pub slots: usize,
    pub width: usize,
    pub counts: Vec<f32>,
}

impl RingBlock {
    pub fn new(slots: usize, width: usize) -> RingBlock {
        RingBlock { slots, width, counts: vec![0.0; slots * width] }
    }

    pub fn slot(&self, step: u64) -> usize {
        (step % self.slots as u64) as usize
    }

    pub fn row_mut(&mut self, step: u64) -> &mut [f32] {
        let s = self.slot(step) * self.width;
        &mut self.counts[s..s + self.width]
    }

    pub fn row(&self, step: u64) -> &[f32] {
        let s = self.slot(step) * self.width;
        &self.counts[s..s + self.width]
    }

    pub fn clear(&mut self) {
        self.counts.fill(0.0);
    }
}

/// The delay ring, one block per partition.
#[derive(Clone, Debug)]
pub struct DelayRing {
    pub delay_steps: u64,
    pub blocks: Vec<RingBlock>,
}

impl DelayRing {
    pub fn new(p: &Params, partitions: &[PartLayout]) -> DelayRing {
        let d = p.delay_steps();
        DelayRing { delay_steps: d as u64, blocks: partitions.iter().map(|l| RingBlock::new(2 * d, l.len())).collect() }
    }
}
