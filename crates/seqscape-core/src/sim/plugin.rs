//! The simulation as Bevy plugins: [`SimSystemsPlugin`] schedules the systems in their own schedule,
//! [`SimTick`], around a network already in the world; [`SimPlugin`] builds the network from parameters first.
//! Headless runs go through [`Runner`](super::Runner), which builds the network outside any plugin
//! so that invalid parameters are an error value.

use std::sync::Arc;

use bevy::ecs::schedule::SingleThreadedExecutor;
use bevy::prelude::*;

use super::resources::*;
use super::systems;
use crate::model::network::{Network, thread_pool};
use crate::model::{ParamError, Params};

/// The schedule of one simulation tick (one block of steps). Whoever drives the clock runs it: the
/// headless [`Runner`](super::Runner) as fast as it can, the window as many times per frame as its
/// speed control asks (see [`run_ticks`]). It is not Bevy's `SimTick`, whose clock cannot run
/// "as fast as possible within a frame budget".
#[derive(bevy::ecs::schedule::ScheduleLabel, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimTick;

/// The ordered phases of one tick; other plugins may add their systems to these sets.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimSet {
    Input,
    Integrate,
    Propagate,
    Record,
}

/// Schedules the simulation in [`SimTick`] (input → integrate → propagate → record). The
/// network's resources come from [`insert_network`]; until they are there the systems do not run.
pub struct SimSystemsPlugin;

impl Plugin for SimSystemsPlugin {
    fn build(&self, app: &mut App) {
        app.init_schedule(SimTick);
        app.configure_sets(SimTick, (SimSet::Input, SimSet::Integrate, SimSet::Propagate, SimSet::Record).chain());
        app.add_systems(
            SimTick,
            (
                systems::apply_input.in_set(SimSet::Input),
                systems::integrate.in_set(SimSet::Integrate),
                systems::propagate.in_set(SimSet::Propagate),
                systems::record.in_set(SimSet::Record),
            )
                .chain()
                .run_if(systems::not_finished.and_then(resource_exists::<SimNeurons>)),
        );
        app.edit_schedule(SimTick, |s| {
            s.set_executor(SingleThreadedExecutor::new());
        });
    }
}

/// Builds the network for `params` and schedules the simulation (the window's entry point). It never
/// panics: with invalid parameters it inserts [`SimBuildError`] instead of the network, and the
/// systems stay idle. Validate first, or use [`Runner`](super::Runner) to get the error as a
/// value.
pub struct SimPlugin {
    pub params: Params,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Record every spike into [`SpikeRecord`].
    pub record: bool,
    /// Stop at the end of warm-up + duration.
    pub stop_at_end: bool,
}

/// Why [`SimPlugin`] could not build its network.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct SimBuildError(pub ParamError);

/// Validates `params` and builds the network on a pool of `threads` workers.
pub fn build_network(params: Params, threads: usize) -> Result<(Network, Arc<rayon::ThreadPool>), ParamError> {
    let pool = thread_pool(threads);
    let net = Network::build(params, pool.clone())?;
    Ok((net, pool))
}

/// Inserts (or replaces) the network's resources in `world`.
pub fn insert_network(world: &mut World, parts: NetworkParts, pool: Arc<rayon::ThreadPool>) {
    let n = parts.state.params.n;
    world.insert_resource(parts.state);
    world.insert_resource(parts.neurons);
    world.insert_resource(parts.conn);
    world.insert_resource(parts.ring);
    world.insert_resource(SimPool(pool));
    world.insert_resource(StepSpikes::default());
    world.insert_resource(ActivityBins::new(n));
    world.init_resource::<StimulusQueue>();
    let enabled = world.get_resource::<SpikeRecord>().is_some_and(|r| r.enabled);
    world.insert_resource(SpikeRecord { enabled, ..Default::default() });
}

/// Runs `ticks` fixed ticks of `world`'s simulation.
pub fn run_ticks(world: &mut World, ticks: u64) {
    for _ in 0..ticks {
        world.run_schedule(SimTick);
    }
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        match build_network(self.params.clone(), self.threads) {
            Ok((net, pool)) => {
                app.insert_resource(SpikeRecord { enabled: self.record, ..Default::default() });
                let mut parts = NetworkParts::from_network(net);
                parts.state.stop_at_end = self.stop_at_end;
                insert_network(app.world_mut(), parts, pool);
            }
            Err(e) => {
                app.insert_resource(SimBuildError(e));
            }
        }
        app.add_plugins(SimSystemsPlugin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LandscapeKind, Preset};

    fn headless(params: Params, threads: usize, block: usize) -> App {
        let mut app = App::new();
        app.add_plugins(SimPlugin { params, threads, record: true, stop_at_end: true });
        app.world_mut().resource_mut::<SimState>().block_steps = block;
        app
    }

    #[test]
    fn the_plugin_reproduces_the_model_and_stops_at_the_end() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Random, 4).unwrap();
        p.warmup_ms = 200.0;
        p.duration_ms = 300.0;
        p.seed = 5;
        let mut app = headless(p.clone(), 2, 10);
        run_ticks(app.world_mut(), 600); // more ticks than needed: the run condition stops at 500 ms
        let state = app.world().resource::<SimState>();
        assert_eq!(state.step, p.total_steps());
        let rec = app.world().resource::<SpikeRecord>();
        let mut net = Network::build(p.clone(), thread_pool(1)).unwrap();
        let spikes = net.advance(p.total_steps(), 1);
        assert!(!spikes.is_empty());
        assert_eq!(rec.i, spikes.iter().map(|s| s.id).collect::<Vec<_>>());
        assert_eq!(rec.t_ms, spikes.iter().map(|s| s.t_ms(p.dt_ms)).collect::<Vec<_>>());
        // Block size 3 gives the same spikes.
        let mut app3 = headless(p.clone(), 1, 3);
        run_ticks(app3.world_mut(), 2000);
        assert_eq!(app3.world().resource::<SpikeRecord>().i, rec.i);
        let bins = app.world().resource::<ActivityBins>();
        assert_eq!(bins.total_spikes as usize, rec.i.len());
        assert_eq!(bins.rate_hz.len(), 20);
    }

    #[test]
    fn a_stimulus_makes_the_disc_fire() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Symmetric, 5).unwrap();
        p.mu_pa = 0.0;
        p.sigma_pa = 0.0;
        p.warmup_ms = 0.0;
        p.duration_ms = 20.0;
        let mut app = headless(p.clone(), 1, 10);
        app.world_mut().resource_mut::<StimulusQueue>().0.push(Stimulus {
            x: 10.0,
            y: 0.0,
            radius: 2.0,
            amplitude_pa: 2000.0,
            duration_ms: 5.0,
        });
        run_ticks(app.world_mut(), 20);
        let rec = app.world().resource::<SpikeRecord>();
        assert!(!rec.i.is_empty());
        let n = p.n as i64;
        for &id in &rec.i {
            let (x, y) = (i64::from(id) % n, i64::from(id) / n);
            let dy = y.min(n - y);
            assert!((x - 10).pow(2) + dy * dy <= 4, "spike outside the disc at ({x}, {y})");
        }
        // 13 neurons within radius 2 on the lattice.
        let distinct: std::collections::HashSet<u32> = rec.i.iter().copied().collect();
        assert_eq!(distinct.len(), 13);
    }

    #[test]
    fn invalid_parameters_leave_the_plugin_idle_instead_of_panicking() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Random, 5).unwrap();
        p.dt_ms = 0.0;
        let mut app = App::new();
        app.add_plugins(SimPlugin { params: p, threads: 1, record: true, stop_at_end: true });
        assert_eq!(app.world().resource::<SimBuildError>().0.name, "dt");
        assert!(app.world().get_resource::<SimState>().is_none());
        run_ticks(app.world_mut(), 3);
    }
}
