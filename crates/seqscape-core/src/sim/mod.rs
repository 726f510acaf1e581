//! The Bevy ECS layer: the network lives in resources and advances in ordered fixed-timestep
//! systems (input → integrate → propagate → record). Headless runs and the window use the same
//! [`SimPlugin`].

mod batch;
mod plugin;
mod resources;
mod systems;

pub use batch::{BatchRun, run_batch};
pub use plugin::{SimPlugin, SimSet, build_network, insert_network, run_blocks, run_ticks};
pub use resources::*;
