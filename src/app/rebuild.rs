//! Rebuilding the network off the main thread: a new landscape, scale, seed, shift or preset draws
//! new connections (and warms the network up) on a thread pool of its own, so the simulation's pool
//! stays free and the window keeps running and drawing the old network; the finished network's
//! resources are swapped in at the start of a frame. The new network starts after its warm-up (the
//! panel says so). Painted directions are carried over when the grid keeps its size. A reset keeps
//! the connections (and any painted landscape) and only restarts the state. The E-I network is
//! rebuilt the same way (a reset draws it again from its parameters), and a rebuild may switch
//! between the two networks.

use bevy::platform::time::Instant;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use seqscape_core::model::Params;
use seqscape_core::model::ei::EiNetwork;
use seqscape_core::model::ei::EiParams;
use seqscape_core::model::landscape::Landscape;
use seqscape_core::model::network::{Connectivity, Network, partition_rows, thread_pool};
use seqscape_core::sim::ei::{EiSim, insert_ei_network, remove_ei_network};
use seqscape_core::sim::{
    ActivityBins, NetworkParts, SimConnectivity, SimDelayRing, SimNeurons, SimPool, insert_network,
};

use super::clock::SimClock;
use super::{AppSet, GeneratedLandscape, Notices};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Rebuild>();
    app.add_systems(Update, (start, finish).chain().in_set(AppSet::Input));
}

/// What a rebuild starts from.
#[derive(Clone, Debug)]
pub enum RebuildKind {
    /// New connections for these parameters.
    Build(Box<Params>),
    /// A new E-I network for these parameters.
    BuildEi(Box<EiParams>),
    /// Fresh state around the current connections.
    Reset,
}

/// The rebuild in progress and the one asked for next.
#[derive(Resource, Default)]
pub struct Rebuild {
    /// Asked for, not started yet (a newer request replaces an older one).
    pub wanted: Option<RebuildKind>,
    task: Option<Task<Result<Built, String>>>,
    /// Progress of the running rebuild: 0..=1000 (building: 0..500, warm-up: 500..1000).
    progress: Arc<AtomicU32>,
    started: Option<Instant>,
    what: String,
    /// The rebuilds' own pool, as many workers as the simulation's (so the partitions match).
    build_pool: Option<Arc<rayon::ThreadPool>>,
}

impl Rebuild {
    pub fn running(&self) -> bool {
        self.task.is_some()
    }

    /// Progress in [0, 1], what is being done, and the seconds it has taken so far.
    pub fn status(&self) -> Option<(f32, &str, f64)> {
        let t = self.started?;
        self.task.as_ref()?;
        Some((self.progress.load(Ordering::Relaxed) as f32 / 1000.0, &self.what, t.elapsed().as_secs_f64()))
    }
}

/// The I network or the E-I network, built and warmed up.
enum BuiltNet {
    I(Network),
    Ei(EiNetwork),
}

struct Built {
    net: BuiltNet,
    generated: Option<Landscape>,
    /// Which neurons keep a painted direction.
    painted: Option<Vec<bool>>,
}

/// Sets the painted directions on a freshly built network of the same size and redraws the
/// connections of those neurons.
fn repaint(net: &mut Network, painted: &[bool], directions: &[f32]) -> Vec<bool> {
    let n2 = net.params.n * net.params.n;
    if painted.len() != n2 || directions.len() != n2 || net.conn.landscape.direction.len() != n2 {
        return vec![false; n2];
    }
    let sources: Vec<usize> = (0..n2).filter(|&i| painted[i]).collect();
    if sources.is_empty() {
        return painted.to_vec();
    }
    for &i in &sources {
        net.conn.landscape.direction[i] = directions[i];
    }
    let partitions = partition_rows(net.params.n, net.conn.parts.len().max(1));
    let params = net.params.clone();
    let conn = &mut net.conn;
    net.pool.install(|| {
        conn.buckets.redraw(&params, &conn.landscape, &sources);
        let buckets = std::mem::take(&mut conn.buckets);
        let landscape = std::mem::replace(&mut conn.landscape, Landscape { n: 0, direction: Vec::new() });
        *conn = Connectivity::from_parts(landscape, buckets, &partitions);
    });
    painted.to_vec()
}

fn start(
    mut rebuild: ResMut<Rebuild>,
    pool: Res<SimPool>,
    conn: Res<SimConnectivity>,
    state: Res<seqscape_core::sim::SimState>,
    generated: Res<GeneratedLandscape>,
    ei: Option<Res<EiSim>>,
    mut notices: ResMut<Notices>,
) {
    if rebuild.task.is_some() {
        return;
    }
    let Some(mut kind) = rebuild.wanted.take() else {
        return;
    };
    // The E-I network is reset by drawing it again from its own parameters.
    if let (RebuildKind::Reset, Some(ei)) = (&kind, &ei) {
        kind = RebuildKind::BuildEi(Box::new(ei.params.clone()));
    }
    let threads = pool.0.current_num_threads();
    let pool = match &rebuild.build_pool {
        Some(p) if p.current_num_threads() == threads => p.clone(),
        _ => {
            let p = thread_pool(threads);
            rebuild.build_pool = Some(p.clone());
            p
        }
    };
    let progress = Arc::new(AtomicU32::new(0));
    rebuild.progress = progress.clone();
    rebuild.started = Some(Instant::now());
    let (what, job): (String, Box<dyn FnOnce() -> Result<Built, String> + Send>) = match kind {
        RebuildKind::Build(params) => {
            let params = *params;
            if let Err(e) = params.validate() {
                rebuild.started = None;
                rebuild.what = format!("not rebuilt: {e}");
                return;
            }
            let what = format!("building {} {} n={} seed {}", params.preset, params.landscape, params.n, params.seed);
            let p = progress.clone();
            // Painted directions survive a rebuild that keeps the grid size.
            let painted_any = generated.painted.iter().any(|&b| b);
            let keep = (params.n == state.params.n && painted_any)
                .then(|| (generated.painted.clone(), conn.landscape.direction.clone()));
            if painted_any && keep.is_none() {
                notices.push(format!(
                    "the painted directions are dropped: the new grid is {0}×{0}, not {1}×{1}",
                    params.n, state.params.n
                ));
            }
            (
                what,
                Box::new(move || {
                    let mut net = Network::build(params, pool).map_err(|e| e.to_string())?;
                    let generated = Some(net.conn.landscape.clone());
                    let painted = keep.map(|(painted, directions)| repaint(&mut net, &painted, &directions));
                    p.store(500, Ordering::Relaxed);
                    warm(&mut net, &p);
                    Ok(Built { net: BuiltNet::I(net), generated, painted })
                }),
            )
        }
        RebuildKind::BuildEi(params) => {
            let mut params = *params;
            params.stimulus.pulses = 0;
            if let Err(e) = params.validate() {
                rebuild.started = None;
                rebuild.what = format!("not rebuilt: {e}");
                return;
            }
            let what = format!("building the E-I network {} n={} seed {}", params.landscape, params.n_e, params.seed);
            if generated.painted.iter().any(|&b| b) {
                notices.push("the painted directions are dropped: the E-I network is drawn from its landscape");
            }
            let p = progress.clone();
            (
                what,
                Box::new(move || {
                    let mut net = EiNetwork::build(params, pool).map_err(|e| e.to_string())?;
                    let generated = Some(net.conn.landscape.clone());
                    p.store(500, Ordering::Relaxed);
                    let total = net.params.warmup_steps();
                    let piece = ((10.0 / net.params.dt_ms) as u64).max(1);
                    while net.step < total {
                        net.advance(piece.min(total - net.step));
                        p.store(500 + (500 * net.step / total.max(1)) as u32, Ordering::Relaxed);
                    }
                    Ok(Built { net: BuiltNet::Ei(net), generated, painted: None })
                }),
            )
        }
        RebuildKind::Reset => {
            let conn: Connectivity = conn.0.clone();
            let params = state.params.clone();
            let painted = Some(generated.painted.clone());
            progress.store(500, Ordering::Relaxed);
            let p = progress.clone();
            (
                "resetting".to_string(),
                Box::new(move || {
                    let mut net = Network::assemble(params, conn, pool);
                    warm(&mut net, &p);
                    Ok(Built { net: BuiltNet::I(net), generated: None, painted })
                }),
            )
        }
    };
    rebuild.what = what;
    rebuild.task = Some(AsyncComputeTaskPool::get().spawn(async move { job() }));
}

/// Runs the warm-up in 10 ms pieces, reporting progress from 500 to 1000.
fn warm(net: &mut Network, progress: &AtomicU32) {
    let total = net.params.warmup_steps();
    let block = net.params.delay_steps();
    let piece = ((10.0 / net.params.dt_ms) as u64).max(1);
    while net.step < total {
        let steps = piece.min(total - net.step);
        net.advance(steps, block);
        progress.store(500 + (500 * net.step / total.max(1)) as u32, Ordering::Relaxed);
    }
}

fn finish(world: &mut World) {
    let done = {
        let mut rebuild = world.resource_mut::<Rebuild>();
        let Some(task) = rebuild.task.as_mut() else {
            return;
        };
        let Some(result) = check_ready(task) else {
            return;
        };
        rebuild.task = None;
        rebuild.started = None;
        result
    };
    match done {
        Ok(Built { net, generated, painted }) => {
            // The simulation's own pool runs the new network; the build pool stays for the next.
            let pool = world.resource::<SimPool>().0.clone();
            let kept = painted.as_ref().map_or(0, |p| p.iter().filter(|&&b| b).count());
            // The old network's memory is returned on another thread.
            let old = (
                world.remove_resource::<SimConnectivity>(),
                world.remove_resource::<SimNeurons>(),
                world.remove_resource::<SimDelayRing>(),
                remove_ei_network(world),
            );
            std::thread::spawn(move || drop(old));
            let what = match net {
                BuiltNet::I(net) => {
                    let t_ms = net.t_ms();
                    let what = format!(
                        "network ready: {} {} n={}; the clock restarts after the warm-up, at {:.2} s{}",
                        net.params.preset,
                        net.params.landscape,
                        net.params.n,
                        t_ms / 1000.0,
                        if kept > 0 { format!("; {kept} painted neurons kept") } else { String::new() }
                    );
                    insert_network(world, NetworkParts::from_network(net), pool);
                    world.resource_mut::<ActivityBins>().open_start_ms = t_ms;
                    what
                }
                BuiltNet::Ei(mut net) => {
                    let what = format!(
                        "E-I network ready: {} E {}×{}, I {}×{}; the clock restarts after the warm-up, at {:.2} s",
                        net.params.landscape,
                        net.params.n_e,
                        net.params.n_e,
                        net.params.n_i,
                        net.params.n_i,
                        net.t_ms() / 1000.0
                    );
                    // The simulation's pool runs it from now on.
                    net.pool = pool;
                    insert_ei_network(world, net);
                    what
                }
            };
            if let Some(l) = generated {
                world.insert_resource(GeneratedLandscape::new(l));
            }
            let n2 = world.resource::<GeneratedLandscape>().painted.len();
            let mut g = world.resource_mut::<GeneratedLandscape>();
            match painted {
                Some(p) if p.len() == n2 => g.painted = p,
                _ => g.painted.iter_mut().for_each(|p| *p = false),
            }
            world.resource_mut::<SimClock>().restart();
            world.resource_mut::<Notices>().push(what);
        }
        Err(e) => world.resource_mut::<Notices>().push(format!("rebuild failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use seqscape_core::model::{LandscapeKind, Preset};
    use seqscape_core::sim::{SimState, SimSystemsPlugin, build_network};

    use super::*;
    use crate::app::{LaunchOptions, clock, warm_up};

    /// A headless app with the window's clock and rebuilds around a full-scale network.
    fn app_with(params: Params) -> App {
        let (net, pool) = build_network(params, 1).unwrap();
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, SimSystemsPlugin));
        insert_network(app.world_mut(), NetworkParts::from_network(net), pool);
        warm_up(app.world_mut());
        let generated = app.world().resource::<SimConnectivity>().landscape.clone();
        app.insert_resource(GeneratedLandscape::new(generated));
        app.insert_resource(LaunchOptions {
            threads: 1,
            speed: Some(1.0),
            frames: None,
            screenshot: None,
            record_to: None,
            record_dir: ".".into(),
            record_at_start: false,
            record_panel: false,
        });
        app.init_resource::<Notices>();
        app.configure_sets(Update, (AppSet::Input, AppSet::Simulate, AppSet::Display).chain());
        app.add_plugins((clock::plugin, plugin));
        app
    }

    #[test]
    fn the_old_network_keeps_running_while_a_full_scale_landscape_switch_rebuilds() {
        let params = Params::new(Preset::Paper, LandscapeKind::Perlin, 1).unwrap();
        let mut app = app_with(params.clone());
        for _ in 0..3 {
            app.update();
        }
        let mut homogeneous = params;
        homogeneous.landscape = LandscapeKind::Homogeneous;
        app.world_mut().resource_mut::<Rebuild>().wanted = Some(RebuildKind::Build(Box::new(homogeneous)));
        let start = Instant::now();
        let t0 = app.world().resource::<SimState>().t_ms();
        let (mut frames, mut longest, mut t_before_swap) = (0u32, Duration::ZERO, t0);
        loop {
            let frame = Instant::now();
            app.update();
            // The frame that swaps the networks in counts too.
            longest = longest.max(frame.elapsed());
            let swapped = app.world().resource::<SimState>().params.landscape == LandscapeKind::Homogeneous;
            if swapped {
                break;
            }
            frames += 1;
            t_before_swap = app.world().resource::<SimState>().t_ms();
            assert!(start.elapsed() < Duration::from_secs(120), "the rebuild did not finish within 120 s");
            std::thread::sleep(Duration::from_millis(2));
        }
        let built_in = start.elapsed();
        eprintln!(
            "rebuild: {frames} frames in {built_in:?}, longest {longest:?}, old network {t0:.0} → {t_before_swap:.0} ms"
        );
        // Frames kept coming and the old network kept running while the new one was built.
        assert!(frames >= 5, "only {frames} frames in the {built_in:?} of the rebuild");
        assert!(t_before_swap > t0 + 50.0, "the old network stood still: {t0} → {t_before_swap} ms");
        assert!(
            longest < Duration::from_millis(400),
            "a frame took {longest:?} during the rebuild ({frames} frames in {built_in:?})"
        );
        let ready = app.world().resource::<Notices>().0.iter().any(|(t, _)| t.contains("the clock restarts"));
        assert!(ready, "the swap is announced with the clock's restart");
    }
}
