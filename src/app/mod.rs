//! The interactive window: the activity on a textured quad, landscape arrows, an egui panel,
//! stimulus clicks and a landscape brush, GIF/MP4 recording and screenshots.
//!
//! The simulation is the core's [`SimPlugin`]; this module only drives it (speed, pause, step),
//! shows it and edits it. One plugin per file:
//! [`clock`] runs the ticks, [`rebuild`] swaps in networks built off the main thread, [`view`]
//! uploads the activity texture, [`camera`] pans/zooms/fits, [`arrows`] and [`tracking`] draw
//! gizmos, [`input`] handles keys, clicks and the brush, [`recorder`] writes videos and
//! screenshots, [`panel`] and [`hud`] are the egui parts.

mod arrows;
mod camera;
mod clock;
mod hud;
mod input;
mod panel;
mod rebuild;
mod recorder;
mod tracking;
mod view;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bevy::log::{Level, LogPlugin};
use bevy::prelude::*;
use bevy::window::{ExitCondition, WindowResolution};
use bevy_egui::EguiPlugin;
use clap::{Args, Parser};
use seqscape_core::model::{Landscape, LandscapeKind, Params};
use seqscape_core::sim::{SimPlugin, SimPool, SimState, run_ticks};

use crate::cli::{ModelArgs, UserError};
use crate::frame::{DEFAULT_TRACE_MAX, VideoFormat};
use crate::output::atomic::check_target;
use crate::output::colormap::Colormap;

/// Options of `seqscape app` (and of `seqscape` without a command).
#[derive(Args, Debug, Clone)]
pub struct AppArgs {
    /// Landscape: symmetric, random, perlin or homogeneous (default: perlin, or the preset file's).
    #[arg(long)]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Run this many frames, then exit (after saving --screenshot, if given).
    #[arg(long)]
    pub frames: Option<u64>,
    /// With --frames: save a PNG of the whole window (panel included) before exiting.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Colour map: viridis, magma, inferno, plasma, cividis, gray or hsv.
    #[arg(long, default_value = "viridis")]
    pub colormap: String,
    /// File that 'R' records to (.gif, or .mp4 with ffmpeg on the PATH).
    #[arg(long, default_value = "seqscape-recording.gif")]
    pub record_to: PathBuf,
    /// Start recording to --record-to as soon as the window opens.
    #[arg(long)]
    pub record: bool,
    /// Start with the torus tiled 3×3.
    #[arg(long)]
    pub tiled: bool,
    /// Start with the landscape arrows hidden.
    #[arg(long)]
    pub no_arrows: bool,
    /// Simulation speed in simulated seconds per wall second (0.01 to 20), or "max", or "paused".
    #[arg(long, default_value = "1")]
    pub speed: String,
    /// Window size in logical pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1000x700")]
    pub window: String,
}

#[derive(Parser)]
struct DefaultApp {
    #[command(flatten)]
    args: AppArgs,
}

/// What `seqscape` without a command does: open the window with the defaults.
pub fn run_default() -> Result<(), UserError> {
    let parsed = DefaultApp::try_parse_from(["seqscape"]).map_err(|e| UserError(e.to_string()))?;
    run(parsed.args)
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
    pub record_to: PathBuf,
    pub record_at_start: bool,
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

fn parse_window(text: &str) -> Result<(u32, u32), UserError> {
    let bad = || UserError(format!("invalid window '{text}': expected WIDTHxHEIGHT, e.g. 1000x700 (200 to 8192 each)"));
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.trim().parse().map_err(|_| bad())?, h.trim().parse().map_err(|_| bad())?);
    if !(200..=8192).contains(&w) || !(200..=8192).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

/// Checks that an X display can be reached (the window needs one; Wayland runs it through XWayland).
/// Whether a Vulkan loader and at least one driver are installed (the renderer needs both; Mesa's
/// software driver will do).
fn check_vulkan() -> Result<(), String> {
    const FIX: &str = "install libvulkan1 and a driver, e.g. 'apt-get install libvulkan1 mesa-vulkan-drivers'";
    let lib_dirs =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];
    if !lib_dirs.iter().any(|d| Path::new(d).join("libvulkan.so.1").exists()) {
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

fn check_png_target(path: &Path) -> Result<(), UserError> {
    if !path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        return Err(UserError(format!(
            "cannot save the screenshot {}: the file name must end in .png",
            path.display()
        )));
    }
    check_target(path).map_err(|e| UserError(e.to_string()))
}

/// Runs `seqscape app`.
pub fn run(args: AppArgs) -> Result<(), UserError> {
    let colormap = Colormap::from_name(&args.colormap)?;
    if args.frames == Some(0) {
        return Err(UserError("invalid frames '0': expected at least 1".into()));
    }
    if let Some(shot) = &args.screenshot {
        if args.frames.is_none() {
            return Err(UserError(
                "--screenshot needs --frames N (for a screenshot at any time, press S in the window)".into(),
            ));
        }
        check_png_target(shot)?;
    }
    VideoFormat::from_path(&args.record_to).map_err(UserError)?;
    check_target(&args.record_to).map_err(|e| UserError(e.to_string()))?;
    let (w, h) = parse_window(&args.window)?;
    let speed = match args.speed.trim() {
        "max" => None,
        "paused" | "pause" => Some(0.0),
        text => match text.parse::<f64>() {
            Ok(v) if (clock::MIN_SPEED..=clock::MAX_SPEED).contains(&v) => Some(v),
            _ => {
                return Err(UserError(format!(
                    "invalid speed '{text}': expected {} to {}, 'max' or 'paused'",
                    clock::MIN_SPEED,
                    clock::MAX_SPEED
                )));
            }
        },
    };
    let landscape = args.landscape.as_deref().map(LandscapeKind::from_name).transpose()?;
    let params = args.model.params_for(landscape)?;
    // Leave a core to the renderer unless the user chose.
    let threads = match args.model.threads()? {
        0 => std::thread::available_parallelism().map_or(1, |c| c.get().saturating_sub(1).max(1)),
        t => t,
    };
    if let Err(why) = check_display().and_then(|()| check_vulkan()) {
        return Err(UserError(format!(
            "cannot open a window: {why}; without a display use 'seqscape figure' for pictures or 'seqscape record' for videos"
        )));
    }
    let options = LaunchOptions {
        threads,
        speed,
        frames: args.frames,
        screenshot: args.screenshot.clone(),
        record_to: args.record_to.clone(),
        record_at_start: args.record,
    };
    let view = ViewSettings {
        colormap,
        trace_max: DEFAULT_TRACE_MAX,
        arrows: !args.no_arrows,
        tiled: args.tiled,
        trails: true,
        help: false,
    };
    let exit = build_app(params, options, view, (w, h)).run();
    match exit {
        AppExit::Success => Ok(()),
        AppExit::Error(code) => {
            Err(UserError(format!("the window closed with an error (code {code}); see the messages above")))
        }
    }
}

fn build_app(params: Params, options: LaunchOptions, view: ViewSettings, (w, h): (u32, u32)) -> App {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "seqscape — From space to time".into(),
                    resolution: WindowResolution::new(w, h),
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
    // The simulation is driven by `clock`, not by Bevy's fixed-timestep loop.
    app.insert_resource(Time::<Fixed>::from_seconds(1.0e9));
    app.add_plugins(SimPlugin { params: params.clone(), threads: options.threads, record: false, stop_at_end: false });
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
    app
}
