//! `seqscape app` (and `seqscape` without a command): checks the window's options and opens it.

use std::path::{Path, PathBuf};

use clap::{Args, Parser};

use crate::app::clock::{MAX_SPEED, MIN_SPEED};
use seqscape_core::model::LandscapeKind;
use seqscape_core::model::ei::EiParams;

use crate::app::{LaunchOptions, ViewSettings, ViewShape, WindowConfig};
use crate::commands::ei::NetworkArgs;
use crate::commands::record::COLORMAPS;
use crate::error::UserError;
use crate::options::{LandscapeFileArgs, ModelArgs, landscape};
use crate::output::atomic::check_target;
use crate::output::colormap::Colormap;
use crate::output::frames::DEFAULT_TRACE_MAX;
use crate::output::video::{VideoFormat, check_video_target};
use crate::presets::{self, Model};

/// Options of `seqscape app` (and of `seqscape` without a command).
#[derive(Args, Debug, Clone)]
pub struct AppArgs {
    /// Landscape: symmetric, random, perlin or homogeneous (default: perlin, or the preset file's).
    #[arg(long)]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub file: LandscapeFileArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Run this many frames, then exit (after saving --screenshot, if given).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub frames: Option<u64>,
    /// With --frames: save a PNG of the whole window (panel included) before exiting.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Colour map: viridis, magma, inferno, plasma, cividis, gray or hsv.
    #[arg(long, default_value = "viridis")]
    pub colormap: String,
    /// File of the first recording (.gif, or .mp4 with ffmpeg on the PATH); an existing file is
    /// never overwritten: the recording gets the next free number instead.
    #[arg(long)]
    pub record_to: Option<PathBuf>,
    /// Folder of the numbered recordings and screenshots (seqscape-0001.gif, …); default: the
    /// working folder.
    #[arg(long, default_value = ".")]
    pub record_dir: PathBuf,
    /// Start recording as soon as the window opens.
    #[arg(long)]
    pub record: bool,
    /// Record the whole window, panel included (default: the sheet view with its caption).
    #[arg(long)]
    pub record_panel: bool,
    /// Start with the torus tiled 3×3.
    #[arg(long)]
    pub tiled: bool,
    /// Start with the landscape arrows hidden.
    #[arg(long)]
    pub no_arrows: bool,
    /// Simulation speed in simulated seconds per wall second (0.01 to 20), or "max", or "paused".
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    pub speed: String,
    /// The view: sheet (flat) or torus (the sheet wrapped onto a donut in 3-D; `V` switches).
    #[arg(long, default_value = "sheet")]
    pub view: String,
    /// Immersive: fill the screen, hide the panel (it slides back at the left edge or with Tab;
    /// F11 leaves).
    #[arg(long)]
    pub fullscreen: bool,
    /// Window size in logical pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1000x700")]
    pub window: String,
}

#[derive(Parser)]
struct DefaultApp {
    #[command(flatten)]
    args: AppArgs,
}

/// The window's options at their defaults.
pub fn default_args() -> Result<AppArgs, UserError> {
    Ok(DefaultApp::try_parse_from(["seqscape"]).map_err(|e| UserError(e.to_string()))?.args)
}

/// What `seqscape` without a command does: open the window with the defaults.
pub fn app_default() -> Result<(), UserError> {
    let parsed = DefaultApp::try_parse_from(["seqscape"]).map_err(|e| UserError(e.to_string()))?;
    app(parsed.args)
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

fn parse_view(text: &str) -> Result<ViewShape, UserError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "sheet" | "flat" => Ok(ViewShape::Sheet),
        "torus" if cfg!(feature = "torus") => Ok(ViewShape::Torus),
        "torus" => Err(UserError("invalid view 'torus': this build has no 3-D view; expected: sheet".into())),
        _ => Err(UserError(format!("invalid view '{text}': expected sheet or torus"))),
    }
}

fn parse_speed(text: &str) -> Result<Option<f64>, UserError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "max" => Ok(None),
        "paused" | "pause" => Ok(Some(0.0)),
        t => match t.parse::<f64>() {
            Ok(v) if (MIN_SPEED..=MAX_SPEED).contains(&v) => Ok(Some(v)),
            _ => Err(UserError(format!(
                "invalid speed '{text}': expected {MIN_SPEED} to {MAX_SPEED}, 'max' or 'paused'"
            ))),
        },
    }
}

pub fn check_png_target(path: &Path) -> Result<(), UserError> {
    if !path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        return Err(UserError(format!(
            "cannot save the screenshot {}: the file name must end in .png",
            path.display()
        )));
    }
    check_target(path).map_err(|e| UserError(e.to_string()))?;
    check_writable(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")), "the screenshot")
}

/// Creates and removes a temporary file in `dir`: the only sure test that files can be written there.
fn check_writable(dir: &Path, what: &str) -> Result<(), UserError> {
    if !dir.is_dir() {
        return Err(UserError(format!("cannot save {what} in {}: no such folder", dir.display())));
    }
    tempfile::Builder::new()
        .prefix(".seqscape-check.")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| UserError(format!("cannot save {what} in {}: {e}", dir.display())))
}

/// Runs `seqscape app`.
pub fn app(args: AppArgs) -> Result<(), UserError> {
    crate::app::run(window_config(&args)?)
}

/// The window's start-up configuration from its options, every output path checked.
pub fn window_config(args: &AppArgs) -> Result<WindowConfig, UserError> {
    let colormap = Colormap::from_name(&args.colormap.trim().to_ascii_lowercase())
        .map_err(|_| UserError(format!("invalid colormap '{}': expected one of: {COLORMAPS}", args.colormap)))?;
    if let Some(shot) = &args.screenshot {
        if args.frames.is_none() {
            return Err(UserError(
                "--screenshot needs --frames N (for a screenshot at any time, press S in the window)".into(),
            ));
        }
        check_png_target(shot)?;
    }
    // Every output path is checked before the network is built and the window opens.
    if let Some(to) = &args.record_to {
        VideoFormat::from_path(to).map_err(UserError)?;
        check_video_target(to).map_err(UserError)?;
    }
    // The browser has no folders: recordings are offered as downloads.
    #[cfg(not(target_arch = "wasm32"))]
    check_writable(&args.record_dir, "recordings")?;
    let size = parse_window(&args.window)?;
    let speed = parse_speed(&args.speed)?;
    let landscape = args.landscape.as_deref().map(landscape).transpose()?;
    let model = model_for(args, landscape)?;
    // Leave a core to the renderer unless the user chose.
    let threads = match args.model.threads() {
        0 => std::thread::available_parallelism().map_or(1, |c| c.get().saturating_sub(1).max(1)),
        t => t,
    };
    let options = LaunchOptions {
        threads,
        speed,
        frames: args.frames,
        screenshot: args.screenshot.clone(),
        record_to: args.record_to.clone(),
        record_dir: args.record_dir.clone(),
        record_at_start: args.record,
        record_panel: args.record_panel,
    };
    let view = ViewSettings {
        colormap,
        trace_max: DEFAULT_TRACE_MAX,
        arrows: !args.no_arrows,
        tiled: args.tiled,
        trails: true,
        help: false,
        show_i: false,
        shape: parse_view(&args.view)?,
        immersive: args.fullscreen,
    };
    Ok(WindowConfig { model, options, view, size, play: None })
}

/// The network the options and the preset (built in or a file, `network = "ei"` for the E-I
/// network) define.
fn model_for(args: &AppArgs, landscape: Option<LandscapeKind>) -> Result<Model, UserError> {
    let net = &args.network;
    net.check_i_only()?;
    if let Some(pulses) = net.pulses {
        return Err(UserError(format!(
            "invalid --pulses {pulses} with app: expected no --pulses (in the window a click on the sheet stimulates)"
        )));
    }
    let file = presets::is_file(&args.model.preset).then(|| Path::new(&args.model.preset));
    let from_file = match file {
        Some(path) => match presets::load_model(path).map_err(UserError)? {
            Model::Ei(p) => Some(p),
            Model::I(_) if net.is_ei() => {
                return Err(UserError(format!(
                    "invalid --preset {} with --network ei: expected an E-I preset file (network = \"ei\")",
                    path.display()
                )));
            }
            Model::I(_) => None,
        },
        None => None,
    };
    match from_file {
        Some(p) => {
            let mut p = ei_file_with_options(p, &args.model, net, landscape)?;
            args.file.apply_ei(&mut p)?;
            Ok(Model::Ei(p))
        }
        None if net.is_ei() => Ok(Model::Ei(net.ei_params_with(&args.model, landscape, &args.file)?)),
        None => Ok(Model::I(args.model.params_with(landscape, &args.file)?)),
    }
}

/// An E-I preset file's parameters with the command line's options on top.
fn ei_file_with_options(
    mut p: EiParams,
    model: &ModelArgs,
    net: &NetworkArgs,
    landscape: Option<LandscapeKind>,
) -> Result<EiParams, UserError> {
    let only_i = |option: &str| UserError(format!("invalid {option} with an E-I preset: expected --network i"));
    if model.grid.is_some() {
        return Err(only_i("--grid"));
    }
    if model.j_pa.is_some() {
        return Err(only_i("--j-pa"));
    }
    if let Some(s) = model.scale_down.filter(|&s| s != p.scale_down) {
        return Err(UserError(format!(
            "invalid --scale-down {s} with an E-I preset of scale_down {}: expected {} or set scale_down in the file",
            p.scale_down, p.scale_down
        )));
    }
    if let Some(l) = landscape {
        p.landscape = l;
        p.landscape_map = None;
    }
    if let Some(seed) = model.seed {
        p.seed = seed;
    }
    let set = |field: &mut f64, v: Option<f64>| {
        if let Some(v) = v {
            *field = v;
        }
    };
    set(&mut p.warmup_ms, model.warmup_ms);
    set(&mut p.duration_ms, model.duration_ms);
    set(&mut p.shift, model.shift);
    set(&mut p.perlin_size, model.perlin_size);
    set(&mut p.direction_deg, model.direction);
    set(&mut p.tau_s_ms, model.tau_s);
    set(&mut p.mu_e_pa, net.mu_e.or(model.mu));
    set(&mut p.mu_i_pa, net.mu_i.or(model.mu));
    set(&mut p.sigma_e_pa, net.sigma_e.or(model.sigma));
    set(&mut p.sigma_i_pa, net.sigma_i.or(model.sigma));
    p.validate()?;
    Ok(p)
}
