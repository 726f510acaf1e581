//! The E-I network of the paper's Figs. 3 e–f and 8, after the authors' `sequence_EI_networks*.py`:
//! an excitatory sheet (120×120) and an inhibitory sheet (60×60) on the same torus, the I network's
//! LIF neurons with alpha currents, four Gaussian projections of which only E→E is shifted along the
//! landscape, per-neuron 1-ms background noise and the Fig. 8 stimulus pulses.
//!
//! - [`params`]: [`EiParams`], the populations, projections and stimulus protocol.
//! - [`connectivity`]: the projections and the stimulated site.
//! - [`network`]: the state and exact step of both populations.
//! - [`run`]: a batch run with every spike and its population.

pub mod connectivity;
pub mod network;
pub mod params;
pub mod run;

#[cfg(test)]
mod tests;

pub use connectivity::{EiConnectivity, stimulus_targets};
pub use network::{EiNetwork, EiSpike, ei_thread_pool};
pub use params::{EiParams, Population, Projection, Stimulus};
pub use run::{EiRun, run_ei};
