//! The interactive window: the activity on a textured quad, landscape arrows, an egui panel,
//! stimulus clicks and a landscape brush, GIF/MP4 recording and screenshots.
//!
//! The simulation is the core's network (the I network, or the E-I network with `--network ei`)
//! and [`SimSystemsPlugin`] with [`EiSystemsPlugin`], built before the window opens;
//! this module only drives it (speed, pause, step),
//! shows it and edits it. One plugin per file:
//! [`clock`] runs the ticks, [`rebuild`] swaps in networks built off the main thread, [`view`]
//! uploads the activity texture, [`camera`] pans/zooms/fits, [`arrows`] and [`tracking`] draw
//! gizmos, [`input`] handles keys, clicks and the brush, [`recorder`] writes videos and
//! screenshots, [`panel`] and [`hud`] are the egui parts, [`tour`] plays the guided tour.

mod arrows;
mod camera;
pub mod clock;
mod hud;
mod immersive;
mod input;
pub mod page;
mod panel;
mod play;
mod rebuild;
mod recorder;
#[cfg(feature = "torus")]
mod torus;
pub mod tour;
mod tracking;
mod view;

use bevy::platform::time::Instant;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use bevy::log::{Level, LogPlugin};
use bevy::prelude::*;
use bevy::window::{ExitCondition, WindowResolution};
use bevy_egui::EguiPlugin;
use seqscape_core::model::Landscape;
use seqscape_core::model::ei::{EiNetwork, ei_thread_pool};
use seqscape_core::model::network::Network;
use seqscape_core::sim::ei::{EiSim, EiSystemsPlugin, insert_ei_network};
use seqscape_core::sim::{NetworkParts, SimPool, SimState, SimSystemsPlugin, build_network, insert_network, run_ticks};

use crate::error::UserError;
use crate::output::colormap::Colormap;
use crate::presets::Model;
pub use play::PlayStart;

/// Everything the window starts with, checked by the `app` command.
#[derive(Debug, Clone)]
pub struct WindowConfig {
    /// The network: the I network's parameters or the E-I network's.
    pub model: Model,
    pub options: LaunchOptions,
    pub view: ViewSettings,
    /// Window size in logical pixels.
    pub size: (u32, u32),
    /// A challenge level to open in play mode.
    pub play: Option<PlayStart>,
}

/// The ordered phases of a frame in `Update`.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSet {
    /// Network swaps, keys, clicks and brush strokes.
    Input,
    /// Simulated ticks for this frame.
    Simulate,
    /// Texture upload, gizmos, recording.
    Display,
}

/// Start-up choices that do not belong to the model.
#[derive(Resource, Clone, Debug)]
pub struct LaunchOptions {
    pub threads: usize,
    /// Simulated seconds per wall second; `None`: as fast as possible; 0: paused.
    pub speed: Option<f64>,
    pub frames: Option<u64>,
    pub screenshot: Option<PathBuf>,
    /// The file of the first recording; numbered files in `record_dir` after it.
    pub record_to: Option<PathBuf>,
    /// The folder of numbered recordings and screenshots.
    pub record_dir: PathBuf,
    pub record_at_start: bool,
    /// Record the whole window, panel included.
    pub record_panel: bool,
}

/// How the sheet is shown.
#[derive(Resource, Clone, Debug)]
pub struct ViewSettings {
    pub colormap: Colormap,
    /// Trace value at the top of the colour map.
    pub trace_max: f32,
    pub arrows: bool,
    pub tiled: bool,
    pub trails: bool,
    pub help: bool,
    /// E-I network: show the I sheet (60×60, stretched over the same torus) instead of the E sheet.
    pub show_i: bool,
    /// The flat sheet or the torus in 3-D.
    pub shape: ViewShape,
    /// Immersive: the view fills the screen, the panel hides until the pointer reaches the left
    /// edge or `Tab` is pressed.
    pub immersive: bool,
}

/// The torus view's orbit camera: angles in degrees, distance in units of the ring's radius
/// (the donut's tube has radius 0.4 of it). The tour sets it per scene; the mouse moves it.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct Orbit {
    /// Around the donut's axis.
    pub yaw_deg: f32,
    /// Above the donut's plane.
    pub pitch_deg: f32,
    pub distance: f32,
    /// Turn slowly while nobody moves the camera.
    pub auto_rotate: bool,
}

impl Default for Orbit {
    fn default() -> Self {
        Orbit { yaw_deg: 90.0, pitch_deg: 38.0, distance: 4.4, auto_rotate: true }
    }
}

/// Immersive mode's panel: hidden unless shown (pointer at the left edge) or pinned (`Tab`).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct PanelPeek {
    pub shown: bool,
    pub pinned: bool,
}

impl PanelPeek {
    /// Whether the panel is drawn under these view settings.
    pub fn visible(&self, settings: &ViewSettings) -> bool {
        !settings.immersive || self.shown || self.pinned
    }
}

/// In the torus view: the sheet point under the cursor, if the cursor is on the donut.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct TorusPointer(pub Option<Vec2>);

/// The shape the activity is shown on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ViewShape {
    /// The n×n sheet, flat (its edges wrap).
    #[default]
    Sheet,
    /// The sheet wrapped onto a donut: x around the ring, y around the tube.
    Torus,
}

/// The landscape as generated from the parameters (what the brush erases back to), and which
/// neurons the brush has painted.
#[derive(Resource, Clone, Debug)]
pub struct GeneratedLandscape {
    pub landscape: Landscape,
    pub painted: Vec<bool>,
}

impl GeneratedLandscape {
    pub fn new(landscape: Landscape) -> GeneratedLandscape {
        let painted = vec![false; landscape.direction.len()];
        GeneratedLandscape { landscape, painted }
    }
}

/// Short messages for the user (saved files, errors), newest last.
#[derive(Resource, Default, Debug)]
pub struct Notices(pub VecDeque<(String, Instant)>);

impl Notices {
    pub fn push(&mut self, text: impl Into<String>) {
        let text = text.into();
        info!("{text}");
        self.0.push_back((text, Instant::now()));
        while self.0.len() > 6 {
            self.0.pop_front();
        }
    }
}

/// A network built before the window opens or by a rebuild.
pub enum BuiltNetwork {
    I(Network),
    Ei(EiNetwork),
}

/// Whether the window runs the E-I network.
pub fn is_ei(world: &World) -> bool {
    world.contains_resource::<EiSim>()
}

/// Simulated time per fixed tick, in ms.
pub fn tick_ms(state: &SimState) -> f64 {
    state.block_steps as f64 * state.params.dt_ms
}

/// Runs the warm-up of a freshly inserted network, on the simulation's own pool.
pub fn warm_up(world: &mut World) {
    let (ticks, pool) = {
        let s = world.resource::<SimState>();
        let remaining = s.params.warmup_steps().saturating_sub(s.step);
        (remaining.div_ceil(s.block_steps.max(1) as u64), world.resource::<SimPool>().0.clone())
    };
    pool.install(|| run_ticks(world, ticks));
}

/// Whether a Vulkan loader and at least one driver are installed (the renderer needs both; Mesa's
/// software driver will do).
#[cfg(not(target_arch = "wasm32"))]
fn check_vulkan() -> Result<(), String> {
    const FIX: &str = "install libvulkan1 and a driver, e.g. 'apt-get install libvulkan1 mesa-vulkan-drivers'";
    let lib_dirs =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];
    if !lib_dirs.iter().any(|d| std::path::Path::new(d).join("libvulkan.so.1").exists()) {
        return Err(format!("no Vulkan loader (libvulkan.so.1) found; {FIX}"));
    }
    let listed: Vec<PathBuf> = ["VK_DRIVER_FILES", "VK_ICD_FILENAMES"]
        .iter()
        .filter_map(std::env::var_os)
        .flat_map(|v| std::env::split_paths(&v).collect::<Vec<_>>())
        .collect();
    let found = if listed.is_empty() {
        let mut dirs: Vec<PathBuf> =
            ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"].map(PathBuf::from).into();
        if let Some(data) = std::env::var_os("XDG_DATA_DIRS") {
            dirs.extend(std::env::split_paths(&data).map(|d| d.join("vulkan/icd.d")));
        }
        dirs.iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "json"))
    } else {
        listed.iter().any(|p| p.exists())
    };
    if found { Ok(()) } else { Err(format!("no Vulkan driver found; {FIX}")) }
}

/// Checks that an X display can be reached (the window needs one; Wayland runs it through XWayland).
#[cfg(not(target_arch = "wasm32"))]
fn check_display() -> Result<(), String> {
    let display = std::env::var("DISPLAY").unwrap_or_default();
    if display.is_empty() {
        return Err("no display (DISPLAY is not set)".into());
    }
    let (host, rest) =
        display.rsplit_once(':').ok_or_else(|| format!("DISPLAY '{display}' is not of the form [host]:N"))?;
    let number: u32 = rest
        .split('.')
        .next()
        .unwrap_or("")
        .parse()
        .map_err(|_| format!("DISPLAY '{display}' is not of the form [host]:N"))?;
    let reachable = if host.is_empty() || host == "unix" || host.starts_with('/') {
        let socket = if host.starts_with('/') {
            PathBuf::from(&display)
        } else {
            PathBuf::from(format!("/tmp/.X11-unix/X{number}"))
        };
        std::os::unix::net::UnixStream::connect(&socket).is_ok() || host.starts_with('/')
    } else {
        use std::net::ToSocketAddrs;
        let addr = format!("{host}:{}", 6000 + number);
        addr.to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).is_ok())
    };
    if reachable { Ok(()) } else { Err(format!("the display '{display}' cannot be reached")) }
}

/// Opens the window; returns when it is closed.
pub fn run(config: WindowConfig) -> Result<(), UserError> {
    run_with(config, |_| {})
}

/// Opens the window after `setup` has seen the app (e.g. to start the tour); returns when it is
/// closed.
pub fn run_with(config: WindowConfig, setup: impl FnOnce(&mut App)) -> Result<(), UserError> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(why) = check_display().and_then(|()| check_vulkan()) {
        return Err(UserError(format!(
            "cannot open a window: {why}; without a display use 'seqscape figure' for pictures or 'seqscape record' for videos"
        )));
    }
    // The network is built before the window opens, so a network that cannot be built is an error
    // here rather than in a plugin.
    let (net, pool) = match config.model {
        Model::I(params) => {
            let (net, pool) = build_network(params, config.options.threads)?;
            (BuiltNetwork::I(net), pool)
        }
        Model::Ei(params) => {
            let pool = ei_thread_pool(config.options.threads);
            (BuiltNetwork::Ei(EiNetwork::build(params, pool.clone())?), pool)
        }
    };
    let mut app = build_app(net, pool, config.options, config.view, config.size);
    setup(&mut app);
    app.world_mut().resource_mut::<play::Play>().request = config.play;
    let exit = app.run();
    match exit {
        AppExit::Success => Ok(()),
        AppExit::Error(code) => {
            Err(UserError(format!("the window closed with an error (code {code}); see the messages above")))
        }
    }
}

fn build_app(
    net: BuiltNetwork,
    pool: Arc<rayon::ThreadPool>,
    options: LaunchOptions,
    view: ViewSettings,
    (w, h): (u32, u32),
) -> App {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "seqscape — From space to time".into(),
                    resolution: WindowResolution::new(w, h),
                    // In the browser: the page's canvas, following the page's size.
                    canvas: cfg!(target_arch = "wasm32").then(|| "#seqscape".to_string()),
                    fit_canvas_to_parent: true,
                    prevent_default_event_handling: true,
                    ..default()
                }),
                exit_condition: ExitCondition::OnPrimaryClosed,
                close_when_requested: true,
                ..default()
            })
            .set(LogPlugin {
                level: Level::WARN,
                filter: "warn,wgpu=error,naga=error,seqscape=info".into(),
                ..default()
            }),
    );
    app.add_plugins(EguiPlugin::default());
    // The 2-D camera carries the panel (see `camera`), also while the torus view's camera draws.
    app.insert_resource(bevy_egui::EguiGlobalSettings { auto_create_primary_context: false, ..default() });
    app.insert_resource(ClearColor(Color::srgb(0.06, 0.06, 0.08)));
    // The simulation's own schedule, `SimTick`, is run by `clock`.
    app.add_plugins((SimSystemsPlugin, EiSystemsPlugin));
    match net {
        BuiltNetwork::I(net) => insert_network(app.world_mut(), NetworkParts::from_network(net), pool),
        BuiltNetwork::Ei(net) => insert_ei_network(app.world_mut(), net),
    }
    warm_up(app.world_mut());
    let generated = app.world().resource::<seqscape_core::sim::SimConnectivity>().landscape.clone();
    app.insert_resource(GeneratedLandscape::new(generated));
    app.insert_resource(options);
    app.insert_resource(view);
    app.init_resource::<Notices>();
    app.configure_sets(Update, (AppSet::Input, AppSet::Simulate, AppSet::Display).chain());
    app.add_plugins((
        clock::plugin,
        rebuild::plugin,
        camera::plugin,
        view::plugin,
        arrows::plugin,
        tracking::plugin,
        input::plugin,
        recorder::plugin,
        panel::plugin,
        hud::plugin,
        immersive::plugin,
        tour::plugin,
        play::plugin,
    ));
    #[cfg(feature = "torus")]
    app.add_plugins(torus::plugin);
    if cfg!(target_arch = "wasm32") {
        app.add_plugins(page::plugin);
    }
    app
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use seqscape_core::sim::ei::InhibitoryBins;
    use seqscape_core::sim::{ActivityBins, SpikeRecord, Stimulus, StimulusQueue};

    use super::*;
    use crate::presets;

    /// An app with the window's simulation plugins around the E-I network of `model`, warmed up.
    fn ei_app(params: seqscape_core::model::ei::EiParams, threads: usize) -> App {
        let mut app = App::new();
        app.add_plugins((SimSystemsPlugin, EiSystemsPlugin));
        app.insert_resource(SpikeRecord { enabled: true, ..Default::default() });
        let net = EiNetwork::build(params, ei_thread_pool(threads)).unwrap();
        insert_ei_network(app.world_mut(), net);
        warm_up(app.world_mut());
        app
    }

    fn playground() -> seqscape_core::model::ei::EiParams {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets/playground.toml");
        match presets::load_model(&path).unwrap() {
            Model::Ei(p) => p,
            Model::I(_) => panic!("the playground is an E-I preset"),
        }
    }

    /// Circular mean position of E spikes (ids on an n×n torus) relative to (cx, cy), and their count.
    fn offset_from(ids: &[u32], n: usize, (cx, cy): (f64, f64)) -> (f64, usize) {
        let nf = n as f64;
        let wrap = |d: f64| (d + nf / 2.0).rem_euclid(nf) - nf / 2.0;
        let (mut sx, mut sy) = (0.0, 0.0);
        for &id in ids {
            sx += wrap((id as usize % n) as f64 - cx);
            sy += wrap((id as usize / n) as f64 - cy);
        }
        let k = ids.len().max(1) as f64;
        ((sx / k).hypot(sy / k), ids.len())
    }

    #[test]
    fn a_click_on_the_playground_launches_one_sequence_that_moves_away() {
        let p = playground();
        let n = p.n_e;
        let ne = (n * n) as u32;
        let mut app = ei_app(p, 2);
        // Quiet: no E spike in the first 300 ms after the warm-up.
        run_ticks(app.world_mut(), 300);
        let t0 = app.world().resource::<SimState>().t_ms();
        let t_warm = t0 - 300.0;
        let rec = app.world().resource::<SpikeRecord>();
        let quiet = rec.i.iter().zip(&rec.t_ms).filter(|&(&i, &t)| i < ne && t > t_warm).count();
        let site = (60.0, 60.0);
        app.world_mut().resource_mut::<StimulusQueue>().0.push(Stimulus {
            x: site.0,
            y: site.1,
            radius: input::EI_STIM_RADIUS * n as f64 / 100.0,
            amplitude_pa: 500.0,
            duration_ms: 50.0,
        });
        run_ticks(app.world_mut(), 600);
        let rec = app.world().resource::<SpikeRecord>();
        let window = |a: f64, b: f64| -> Vec<u32> {
            rec.i
                .iter()
                .zip(&rec.t_ms)
                .filter(|&(&i, &t)| i < ne && t > t0 + a && t <= t0 + b)
                .map(|(&i, _)| i)
                .collect()
        };
        let (d_start, k_start) = offset_from(&window(0.0, 10.0), n, site);
        let (d_later, k_later) = offset_from(&window(40.0, 90.0), n, site);
        assert!(quiet < 20, "quiet before the click: {quiet} E spikes in the 300 ms after the warm-up");
        assert!(k_start > 20, "the click fires the E neurons at the site ({k_start} spikes)");
        assert!(d_start < 4.0, "the first spikes are at the site ({d_start:.1} grid points away)");
        assert!(
            k_later > 50 && d_later > d_start + 5.0,
            "the activity moves away: {d_later:.1} grid points, {k_later} spikes"
        );
        // One sequence: it is over within 300 ms and the sheet is quiet again.
        assert!(window(300.0, 600.0).is_empty(), "the evoked activity dies out");
        assert!(app.world().resource::<ActivityBins>().total_spikes > 0);
        assert!(app.world().resource::<InhibitoryBins>().total_spikes > 0);
    }
}
