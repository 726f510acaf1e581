//! One tour scene simulated headless: its network built and warmed up, the scripted strokes and
//! stimuli applied at their times, the clock advanced as the tour's time passes (times the scene's
//! speed). `record --tour` draws its frames from here.

use std::sync::Arc;

use bevy::prelude::*;
use seqscape_core::model::ei::{EiNetwork, ei_thread_pool};
use seqscape_core::model::{Landscape, paint};
use seqscape_core::sim::ei::{EiSim, EiSystemsPlugin, insert_ei_network};
use seqscape_core::sim::{
    ActivityBins, NetworkParts, SimConnectivity, SimState, SimSystemsPlugin, SpikeRecord, StimulusQueue, build_network,
    insert_network, run_ticks,
};

use super::{Event, Scene, paint_stroke};
use crate::presets::Model;

/// A scene's network on its way through the scene.
pub struct SceneRun {
    app: App,
    pool: Arc<rayon::ThreadPool>,
    events: Vec<(f64, Event)>,
    next: usize,
    /// Simulated time at the scene's start (after the warm-up), ms.
    t0_ms: f64,
    speed: f64,
    generated: Landscape,
    painted: Vec<bool>,
}

impl SceneRun {
    /// Builds and warms up the scene's network on `threads` workers (0: all cores); with `record`,
    /// every spike is kept in [`SpikeRecord`].
    pub fn start(scene: &Scene, threads: usize, record: bool) -> Result<SceneRun, String> {
        let mut app = App::new();
        app.add_plugins((SimSystemsPlugin, EiSystemsPlugin));
        app.insert_resource(SpikeRecord { enabled: record, ..Default::default() });
        let pool = match &scene.model {
            Model::I(p) => {
                let (net, pool) = build_network(p.clone(), threads).map_err(|e| e.to_string())?;
                insert_network(app.world_mut(), NetworkParts::from_network(net), pool.clone());
                pool
            }
            Model::Ei(p) => {
                let mut p = p.clone();
                // Only the tour's own stimuli.
                p.stimulus.pulses = 0;
                let pool = ei_thread_pool(threads);
                let net = EiNetwork::build(p, pool.clone()).map_err(|e| e.to_string())?;
                insert_ei_network(app.world_mut(), net);
                pool
            }
        };
        let world = app.world_mut();
        let (ticks, t_warm) = {
            let s = world.resource::<SimState>();
            let remaining = s.params.warmup_steps().saturating_sub(s.step);
            (remaining.div_ceil(s.block_steps.max(1) as u64), s.params.warmup_steps() as f64 * s.params.dt_ms)
        };
        pool.install(|| run_ticks(world, ticks));
        let t0_ms = world.resource::<SimState>().t_ms().max(t_warm);
        let generated = world.resource::<SimConnectivity>().landscape.clone();
        let painted = vec![false; generated.direction.len()];
        Ok(SceneRun { app, pool, events: scene.events(), next: 0, t0_ms, speed: scene.speed, generated, painted })
    }

    /// Simulated time, ms since the start of the warm-up.
    pub fn t_ms(&self) -> f64 {
        self.app.world().resource::<SimState>().t_ms()
    }

    /// Simulated time at the scene's start, ms.
    pub fn t0_ms(&self) -> f64 {
        self.t0_ms
    }

    fn run_until_ms(&mut self, t_ms: f64) {
        let world = self.app.world_mut();
        let (ticks, tick_ms) = {
            let s = world.resource::<SimState>();
            let tick_ms = s.block_steps.max(1) as f64 * s.params.dt_ms;
            (((t_ms - s.t_ms()) / tick_ms).round().max(0.0) as u64, tick_ms)
        };
        if ticks > 0 && tick_ms > 0.0 {
            self.pool.install(|| run_ticks(world, ticks));
        }
    }

    /// Advances to `scene_s` seconds into the scene, applying every event due on the way at its
    /// own time.
    pub fn advance_to(&mut self, scene_s: f64) {
        while let Some((at_s, event)) = self.events.get(self.next).cloned() {
            if at_s > scene_s {
                break;
            }
            self.run_until_ms(self.t0_ms + at_s * self.speed * 1000.0);
            self.apply(&event);
            self.next += 1;
        }
        self.run_until_ms(self.t0_ms + scene_s * self.speed * 1000.0);
    }

    fn apply(&mut self, event: &Event) {
        let world = self.app.world_mut();
        match event {
            Event::Stimulus(s) => world.resource_mut::<StimulusQueue>().0.push(*s),
            Event::Stroke(stroke) => {
                let params = world.resource::<SimState>().params.clone();
                let pool = self.pool.clone();
                let (generated, painted) = (&self.generated, &mut self.painted);
                world.resource_scope(|world, mut conn: Mut<SimConnectivity>| {
                    let sources = paint_stroke(&mut conn.0, generated, painted, &params, stroke);
                    if sources.is_empty() {
                        return;
                    }
                    match world.get_resource_mut::<EiSim>() {
                        Some(mut sim) => sim.repaint(&conn.landscape.direction, &sources),
                        None => pool.install(|| paint::redraw(&mut conn.0, &params, &sources)),
                    }
                });
            }
        }
    }

    /// The activity trace of the sheet (`[y·n + x]`, row 0 at the bottom).
    pub fn trace(&self) -> &[f32] {
        &self.app.world().resource::<ActivityBins>().trace
    }

    /// The landscape now (painted strokes included).
    pub fn landscape(&self) -> &Landscape {
        &self.app.world().resource::<SimConnectivity>().landscape
    }

    /// The E-I network, in a scene of the E-I network.
    pub fn ei(&self) -> Option<&EiNetwork> {
        self.app.world().get_resource::<EiSim>().map(|s| &s.0)
    }

    /// The landscape and the synapses now.
    pub fn connectivity(&self) -> &seqscape_core::model::network::Connectivity {
        &self.app.world().resource::<SimConnectivity>().0
    }

    /// Which neurons the strokes have painted.
    pub fn painted(&self) -> &[bool] {
        &self.painted
    }

    /// The spikes so far (when started with `record`): ids and times in ms.
    pub fn spikes(&self) -> (&[u32], &[f64]) {
        let r = self.app.world().resource::<SpikeRecord>();
        (&r.i, &r.t_ms)
    }

    /// The sheet's side.
    pub fn n(&self) -> usize {
        self.generated.n
    }
}
