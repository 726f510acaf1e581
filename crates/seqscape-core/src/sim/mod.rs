//! The Bevy ECS layer: the network lives in resources and advances in ordered systems of its own
//! schedule, [`SimTick`] (input → integrate → propagate → record). Headless runs go through
//! [`Runner`]; the window builds the network with [`build_network`], inserts it with
//! [`insert_network`] and runs the ticks from its clock; both schedule the same
//! [`SimSystemsPlugin`].

mod batch;
pub mod ei;
mod plugin;
mod resources;
mod runner;
mod systems;

pub use batch::BatchRun;
pub use plugin::{
    SimBuildError, SimPlugin, SimSet, SimSystemsPlugin, SimTick, build_network, insert_network, run_ticks,
};
pub use resources::*;
pub use runner::{Runner, run_batch};
