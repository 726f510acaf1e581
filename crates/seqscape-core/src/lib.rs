//! seqscape-core: the spiking network of Spreizer, Aertsen & Kumar (2019), "From space to time".
//!
//! - [`model`]: the physics in plain Rust (parameters, landscapes, connectivity, exact integration).
//! - [`sim`]: the Bevy ECS layer: the network as resources, fixed-timestep systems.
//! - [`analysis`]: rates, in-degrees, sequences.
//! - [`game`]: route-the-sequence challenge levels.

pub mod analysis;
pub mod game;
pub mod model;
pub mod sim;
