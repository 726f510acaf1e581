//! The physics, free of Bevy: parameters and presets, landscapes, connectivity, neuron state, the
//! delay ring, background noise and the step.

pub mod connectivity;
pub mod delay;
pub mod ei;
pub mod landscape;
pub mod network;
pub mod neurons;
pub mod noise;
pub mod normal;
pub mod paint;
pub mod params;
pub mod rng;

#[cfg(test)]
mod tests;

pub use connectivity::SynapseBuckets;
pub use delay::DelayRing;
pub use landscape::Landscape;
pub use network::{Connectivity, Network, Spike};
pub use neurons::{Neurons, Propagators};
pub use params::{LandscapeKind, LandscapeMap, NoiseKind, ParamError, Params, Preset, ShiftMode};
