//! The E-I network as ECS resources, advanced by the same [`SimTick`] schedule and the same ordered
//! [`SimSet`]s as the I network: input (stimulus clicks) → integrate and propagate (one block of
//! [`EiNetwork::step_block`], whose partitions deliver their spikes in (step, id) order) → record
//! (the clock and the activity traces of both sheets).
//!
//! [`insert_ei_network`] puts the network in a world together with what the rest of the
//! simulation's readers expect of a network: [`SimState`] (the E sheet's neuron parameters and
//! the clock), [`ActivityBins`] of the E sheet, [`SimConnectivity`] with the E landscape (the
//! E-I synapses stay inside [`EiSim`]) and the pool. The I network's systems need
//! [`SimNeurons`], which an E-I world does not hold, so they stay idle.

use bevy::prelude::*;

use super::plugin::{SimSet, SimTick};
use super::resources::*;
use crate::model::ei::{EiNetwork, EiSpike};
use crate::model::network::{Connectivity, Spike, partition_rows};

/// The E-I network: both sheets' state, the four projections and the stimulus.
#[derive(Resource, Deref, DerefMut)]
pub struct EiSim(pub EiNetwork);

/// The spikes of the latest tick, E and I, in (step, global id) order.
#[derive(Resource, Clone, Debug, Default, Deref)]
pub struct EiStepSpikes(pub Vec<EiSpike>);

/// The I sheet's activity trace and population rate ([`ActivityBins`] holds the E sheet's).
#[derive(Resource, Clone, Debug, Deref, DerefMut)]
pub struct InhibitoryBins(pub ActivityBins);

/// Schedules the E-I systems in [`SimTick`]; they run while an [`EiSim`] is in the world.
pub struct EiSystemsPlugin;

impl Plugin for EiSystemsPlugin {
    fn build(&self, app: &mut App) {
        app.init_schedule(SimTick);
        app.add_systems(
            SimTick,
            (apply_stimuli.in_set(SimSet::Input), step_block.in_set(SimSet::Integrate), record.in_set(SimSet::Record))
                .chain()
                .run_if(resource_exists::<EiSim>.and_then(not_finished)),
        );
    }
}

fn not_finished(state: Option<Res<SimState>>) -> bool {
    state.is_some_and(|s| !s.finished())
}

/// Inserts (or replaces) the E-I network in `world` and removes an I network's state.
pub fn insert_ei_network(world: &mut World, net: EiNetwork) {
    let n = net.params.n_e;
    let mut state = SimState::new(net.params.neuron_params());
    state.step = net.step;
    let landscape = net.conn.landscape.clone();
    let empty = crate::model::connectivity::SynapseBuckets { offsets: vec![0; n * n + 1], targets: Vec::new() };
    world.remove_resource::<SimNeurons>();
    world.remove_resource::<SimDelayRing>();
    world.insert_resource(SimConnectivity(Connectivity::from_parts(landscape, empty, &partition_rows(n, 1))));
    world.insert_resource(SimPool(net.pool.clone()));
    world.insert_resource(state);
    world.insert_resource(StepSpikes::default());
    world.insert_resource(EiStepSpikes::default());
    let mut bins = ActivityBins::new(n);
    bins.open_start_ms = net.t_ms();
    world.insert_resource(bins);
    let mut i_bins = ActivityBins::new(net.params.n_i);
    i_bins.open_start_ms = net.t_ms();
    world.insert_resource(InhibitoryBins(i_bins));
    world.init_resource::<StimulusQueue>();
    let enabled = world.get_resource::<SpikeRecord>().is_some_and(|r| r.enabled);
    world.insert_resource(SpikeRecord { enabled, ..Default::default() });
    world.insert_resource(EiSim(net));
}

/// Removes the E-I network's resources (before an I network is inserted).
pub fn remove_ei_network(world: &mut World) -> Option<EiNetwork> {
    world.remove_resource::<EiStepSpikes>();
    world.remove_resource::<InhibitoryBins>();
    world.remove_resource::<EiSim>().map(|s| s.0)
}

/// Turns queued clicks into stimulus pulses: the E neurons in each click's disc receive the
/// click's current from the next step for the click's duration. A click while a pulse is still on
/// adds its disc; otherwise it replaces the stimulated set. The amplitude is the latest click's.
pub fn apply_stimuli(mut sim: ResMut<EiSim>, mut queue: ResMut<StimulusQueue>) {
    for s in queue.0.drain(..) {
        sim.stimulate((s.x, s.y), s.radius, s.amplitude_pa, s.duration_ms);
    }
}

/// Integrates both sheets over one block and delivers its spikes.
pub fn step_block(state: Res<SimState>, mut sim: ResMut<EiSim>, mut spikes: ResMut<EiStepSpikes>) {
    let steps = state.tick_steps(sim.params.delay_steps() as u64);
    spikes.0 = if steps == 0 { Vec::new() } else { sim.step_block(steps) };
}

/// Advances the clock to the network's and adds the spikes to the traces of both sheets (and to
/// [`SpikeRecord`], global ids, when enabled).
pub fn record(
    mut state: ResMut<SimState>,
    sim: Res<EiSim>,
    spikes: Res<EiStepSpikes>,
    mut rec: ResMut<SpikeRecord>,
    mut e_bins: ResMut<ActivityBins>,
    mut i_bins: ResMut<InhibitoryBins>,
) {
    state.step = sim.step;
    let dt = sim.params.dt_ms;
    let ne = sim.conn.n_e_neurons as u32;
    if rec.enabled {
        for s in &spikes.0 {
            rec.i.push(s.id);
            rec.t_ms.push((s.step + 1) as f64 * dt);
        }
    }
    let (e, i): (Vec<Spike>, Vec<Spike>) = (
        spikes.0.iter().filter(|s| s.id < ne).map(|s| Spike { step: s.step, id: s.id }).collect(),
        spikes.0.iter().filter(|s| s.id >= ne).map(|s| Spike { step: s.step, id: s.id - ne }).collect(),
    );
    let tick_ms = state.block_steps as f64 * dt;
    let t_ms = state.t_ms();
    e_bins.add(&e, tick_ms, t_ms);
    i_bins.add(&i, tick_ms, t_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LandscapeKind;
    use crate::model::ei::network::in_disc;
    use crate::model::ei::{EiParams, ei_thread_pool};
    use crate::sim::{SimSystemsPlugin, run_ticks};

    fn app(p: EiParams, threads: usize) -> App {
        let mut app = App::new();
        app.add_plugins((SimSystemsPlugin, EiSystemsPlugin));
        app.insert_resource(SpikeRecord { enabled: true, ..Default::default() });
        let net = EiNetwork::build(p, ei_thread_pool(threads)).unwrap();
        insert_ei_network(app.world_mut(), net);
        app
    }

    fn quiet(landscape: LandscapeKind) -> EiParams {
        let mut p = EiParams::new(landscape, 3).unwrap();
        p.warmup_ms = 100.0;
        p.warmup_sigma_pa = 0.0;
        p.mu_e_pa = 0.0;
        p.mu_i_pa = 0.0;
        p.sigma_e_pa = 0.0;
        p.sigma_i_pa = 0.0;
        p.seed = 3;
        p
    }

    #[test]
    fn the_systems_reproduce_the_network_at_any_thread_count() {
        let mut p = EiParams::new(LandscapeKind::Perlin, 4).unwrap();
        p.warmup_ms = 100.0;
        p.seed = 9;
        let ticks = 1500; // 150 ms
        let mut a = app(p.clone(), 1);
        run_ticks(a.world_mut(), ticks);
        let mut b = app(p.clone(), 2);
        run_ticks(b.world_mut(), ticks);
        let (ra, rb) = (a.world().resource::<SpikeRecord>(), b.world().resource::<SpikeRecord>());
        assert!(ra.i.len() > 100, "the network fires ({} spikes)", ra.i.len());
        assert_eq!((&ra.i, &ra.t_ms), (&rb.i, &rb.t_ms));
        let mut net = EiNetwork::build(p, ei_thread_pool(1)).unwrap();
        let direct = net.advance(ticks * 10);
        assert_eq!(ra.i, direct.iter().map(|s| s.id).collect::<Vec<_>>());
        let state = a.world().resource::<SimState>();
        assert_eq!(state.step, ticks * 10);
        let e = a.world().resource::<ActivityBins>().total_spikes;
        let i = a.world().resource::<InhibitoryBins>().total_spikes;
        assert_eq!((e + i) as usize, ra.i.len());
        assert!(e > 0 && i > 0);
    }

    #[test]
    fn a_click_makes_the_e_neurons_around_it_fire() {
        let p = quiet(LandscapeKind::Symmetric);
        let n = p.n_e;
        let warm = p.warmup_steps() / 10;
        let mut a = app(p, 1);
        run_ticks(a.world_mut(), warm + 100);
        a.world_mut().resource_mut::<SpikeRecord>().i.clear();
        a.world_mut().resource_mut::<SpikeRecord>().t_ms.clear();
        let (cx, cy) = (10.0, 30.0);
        a.world_mut().resource_mut::<StimulusQueue>().0.push(Stimulus {
            x: cx,
            y: cy,
            radius: 2.0,
            amplitude_pa: 1500.0,
            duration_ms: 10.0,
        });
        run_ticks(a.world_mut(), 100);
        let rec = a.world().resource::<SpikeRecord>();
        let near = |id: u32| {
            let id = id as usize;
            id < n * n && in_disc(n, id % n, id / n, cx, cy, 2.0)
        };
        let in_disc_spikes = rec.i.iter().filter(|&&id| near(id)).count();
        assert!(in_disc_spikes >= 13, "the stimulated disc fires ({in_disc_spikes} spikes)");
        // The same run without the click stays silent.
        let mut b = app(quiet(LandscapeKind::Symmetric), 1);
        run_ticks(b.world_mut(), warm + 200);
        let rec_b = b.world().resource::<SpikeRecord>();
        let t0 = (warm + 100) as f64;
        let quiet_spikes = rec_b.i.iter().zip(&rec_b.t_ms).filter(|&(&id, &t)| t > t0 && near(id)).count();
        assert!(quiet_spikes == 0, "without a click {quiet_spikes}, with {in_disc_spikes}");
        // The pulse ends after its duration.
        let sim = a.world().resource::<EiSim>();
        assert!(sim.pulses.iter().all(|&(_, end)| end <= sim.step));
    }
}
