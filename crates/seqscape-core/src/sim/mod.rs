//! The Bevy ECS layer: the network lives in resources and advances in ordered fixed-timestep
//! systems (input → integrate → propagate → record). Headless runs go through [`Runner`], the window
//! through [`SimPlugin`]; both schedule the same [`SimSystemsPlugin`].

mod batch;
mod plugin;
mod resources;
mod runner;
mod systems;

pub use batch::{BatchRun, run_batch};
pub use plugin::{SimBuildError, SimPlugin, SimSet, SimSystemsPlugin, build_network, insert_network, run_ticks};
pub use resources::*;
pub use runner::Runner;
