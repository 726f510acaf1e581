//! The Bevy ECS layer: the network lives in resources and advances in ordered fixed-timestep
//! systems (input → integrate → propagate → record). Headless runs and the window use the same
//! [`SimPlugin`].

mod plugin;
mod resources;
mod systems;

pub use plugin::{SimPlugin, SimSet, build_network, insert_network, run_blocks};
pub use resources::*;
