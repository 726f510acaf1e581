//! The interactive window: the activity on a textured quad, landscape arrows, an egui panel,
//! stimulus clicks and a landscape brush, GIF/MP4 recording and screenshots.
//!
//! The simulation is the core's network and [`SimSystemsPlugin`], built before the window opens;
//! this module only drives it (speed, pause, step),
//! shows it and edits it. One plugin per file:
//! [`clock`] runs the ticks, [`rebuild`] swaps in networks built off the main thread, [`view`]
//! uploads the activity texture, [`camera`] pans/zooms/fits, [`arrows`] and [`tracking`] draw
//! gizmos, [`input`] handles keys, clicks and the brush, [`recorder`] writes videos and
//! screenshots, [`panel`] and [`hud`] are the egui parts.

mod arrows;
mod camera;
pub mod clock;
mod hud;
mod input;
pub mod page;
mod panel;
mod rebuild;
mod recorder;
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
use seqscape_core::model::network::Network;
use seqscape_core::model::{Landscape, Params};
use seqscape_core::sim::{NetworkParts, SimPool, SimState, SimSystemsPlugin, build_network, insert_network, run_ticks};

use crate::error::UserError;
use crate::output::colormap::Colormap;

/// Everything the window starts with, checked by the `app` command.
#[derive(Debug, Clone)]
pub struct WindowConfig {
    pub params: Params,
    pub options: LaunchOptions,
    pub view: ViewSettings,
    /// Window size in logical pixels.
    pub size: (u32, u32),
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
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(why) = check_display().and_then(|()| check_vulkan()) {
        return Err(UserError(format!(
            "cannot open a window: {why}; without a display use 'seqscape figure' for pictures or 'seqscape record' for videos"
        )));
    }
    // The network is built before the window opens, so a network that cannot be built is an error
    // here rather than in a plugin.
    let (net, pool) = build_network(config.params, config.options.threads)?;
    let exit = build_app(net, pool, config.options, config.view, config.size).run();
    match exit {
        AppExit::Success => Ok(()),
        AppExit::Error(code) => {
            Err(UserError(format!("the window closed with an error (code {code}); see the messages above")))
        }
    }
}

fn build_app(
    net: Network,
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
    app.insert_resource(ClearColor(Color::srgb(0.06, 0.06, 0.08)));
    // The simulation's own schedule, `SimTick`, is run by `clock`.
    app.add_plugins(SimSystemsPlugin);
    insert_network(app.world_mut(), NetworkParts::from_network(net), pool);
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
    ));
    if cfg!(target_arch = "wasm32") {
        app.add_plugins(page::plugin);
    }
    app
}
