//! The fixed-timestep systems, in order: input, integrate, propagate, record.

use bevy::prelude::*;

use super::resources::*;
use crate::model::Propagators;
use crate::model::network;

/// Follows parameter changes and injects queued stimuli.
pub fn apply_input(mut state: ResMut<SimState>, mut neurons: ResMut<SimNeurons>, mut queue: ResMut<StimulusQueue>) {
    if state.params_changed {
        state.prop = Propagators::new(&state.params);
        state.params_changed = false;
    }
    for s in queue.0.drain(..) {
        neurons.inject_disc(&state.params, s.x, s.y, s.radius, s.amplitude_pa, s.duration_ms);
    }
}

/// Integrates every neuron over one block of steps.
pub fn integrate(
    state: Res<SimState>,
    pool: Res<SimPool>,
    mut neurons: ResMut<SimNeurons>,
    mut ring: ResMut<SimDelayRing>,
    mut spikes: ResMut<StepSpikes>,
) {
    let steps = state.tick_steps(ring.delay_steps);
    if steps == 0 {
        spikes.0.clear();
        return;
    }
    spikes.0 =
        pool.install(|| network::integrate(&state.params, &state.prop, &mut neurons.0, &mut ring.0, state.step, steps));
}

/// Delivers the block's spikes into the delay ring and advances the clock.
pub fn propagate(
    mut state: ResMut<SimState>,
    pool: Res<SimPool>,
    conn: Res<SimConnectivity>,
    mut ring: ResMut<SimDelayRing>,
    spikes: Res<StepSpikes>,
) {
    let steps = state.tick_steps(ring.delay_steps);
    pool.install(|| network::propagate(&spikes.0, &conn.0, &mut ring.0));
    state.step += steps as u64;
}

/// Records spikes and updates the activity bins.
pub fn record(
    state: Res<SimState>,
    spikes: Res<StepSpikes>,
    mut record: ResMut<SpikeRecord>,
    mut bins: ResMut<ActivityBins>,
) {
    let dt = state.params.dt_ms;
    if record.enabled {
        for s in &spikes.0 {
            record.i.push(s.id);
            record.t_ms.push(s.t_ms(dt));
        }
    }
    let tick_ms = state.block_steps as f64 * dt;
    bins.add(&spikes.0, tick_ms, state.t_ms());
}

/// Run condition: there is a network and its clock has not reached the end of a batch run.
pub fn not_finished(state: Option<Res<SimState>>) -> bool {
    state.is_some_and(|s| !s.finished())
}
