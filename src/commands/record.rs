//! `seqscape record`: a video of the activity without a window. The simulation runs headless
//! through the core's [`Runner`] (the one every batch command uses); after the warm-up, every `ms_per_frame` of simulated time one
//! frame is drawn from `ActivityBins.trace` (the colour map and arrows the window shows).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use seqscape_core::sim::{ActivityBins, Runner, SimConnectivity};

use crate::error::UserError;
use crate::options::{ModelArgs, landscape};
use crate::output::colormap::Colormap;
use crate::output::frames::FrameRenderer;
use crate::output::video::{VideoWriter, check_video_target};

/// Options of `seqscape record`.
#[derive(Args, Debug, Clone)]
pub struct RecordArgs {
    /// Landscape: symmetric, random, perlin or homogeneous (default: perlin, or the preset file's).
    #[arg(long)]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Simulated seconds to record after the warm-up.
    #[arg(long, allow_negative_numbers = true)]
    pub seconds: f64,
    /// Output file: .gif, or .mp4 (needs ffmpeg on the PATH).
    #[arg(long)]
    pub out: PathBuf,
    /// Draw the landscape arrows over the activity.
    #[arg(long)]
    pub arrows: bool,
    /// Colour map: viridis, magma, inferno, plasma, cividis, gray or hsv.
    #[arg(long, default_value = "viridis")]
    pub colormap: String,
    /// Frames per second of the video.
    #[arg(long, default_value_t = 25.0, allow_negative_numbers = true)]
    pub fps: f64,
    /// Simulated milliseconds per frame.
    #[arg(long, default_value_t = 25.0, allow_negative_numbers = true)]
    pub ms_per_frame: f64,
}

/// The colour maps' names, for messages.
pub const COLORMAPS: &str = "viridis, magma, inferno, plasma, cividis, gray, hsv";

/// A video path must name a file: not an existing folder, not a path ending in a separator.
pub fn check_out_file(path: &std::path::Path) -> Result<(), UserError> {
    let text = path.as_os_str().to_string_lossy();
    if text.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir() {
        return Err(UserError(format!(
            "invalid out '{text}': expected a file name ending in .gif or .mp4, not a folder"
        )));
    }
    Ok(())
}

/// Longest recording accepted, in simulated seconds.
const MAX_SECONDS: f64 = 3600.0;

/// Runs `seqscape record`.
pub fn record(args: RecordArgs) -> Result<(), UserError> {
    let colormap = Colormap::from_name(&args.colormap.trim().to_ascii_lowercase())
        .map_err(|_| UserError(format!("invalid colormap '{}': expected one of: {COLORMAPS}", args.colormap)))?;
    check_out_file(&args.out)?;
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= MAX_SECONDS) {
        return Err(UserError(format!(
            "invalid seconds '{}': expected a number above 0 and up to {MAX_SECONDS}",
            args.seconds
        )));
    }
    if !(args.fps.is_finite() && (1.0..=100.0).contains(&args.fps)) {
        return Err(UserError(format!("invalid fps '{}': expected 1 to 100 frames per second", args.fps)));
    }
    if !(args.ms_per_frame.is_finite() && (0.1..=10_000.0).contains(&args.ms_per_frame)) {
        return Err(UserError(format!("invalid ms-per-frame '{}': expected 0.1 to 10000 ms", args.ms_per_frame)));
    }
    let landscape = args.landscape.as_deref().map(landscape).transpose()?;
    let mut params = args.model.params_for(landscape)?;
    let threads = args.model.threads();
    check_video_target(&args.out).map_err(UserError)?;
    params.duration_ms = args.seconds * 1000.0;

    let t0 = Instant::now();
    let mut runner = Runner::new(params.clone(), threads)?;
    runner.set_record(false);
    runner.set_stop_at_end(false);
    runner.warm_up();
    let tick_ms = runner.tick_ms();
    let ticks_per_frame = (args.ms_per_frame / tick_ms).round().max(1.0) as u64;
    let frames = ((args.seconds * 1000.0) / (ticks_per_frame as f64 * tick_ms)).round().max(1.0) as usize;

    let mut renderer = FrameRenderer::new(params.n, colormap, args.arrows);
    let (w, h) = renderer.size();
    let mut video = VideoWriter::open(&args.out, w, h, args.fps as f32, Some(renderer.palette())).map_err(UserError)?;
    let landscape = runner.world().resource::<SimConnectivity>().landscape.clone();
    for _ in 0..frames {
        runner.tick(ticks_per_frame);
        let trace = &runner.world().resource::<ActivityBins>().trace;
        let frame = renderer.render_indices(trace, Some(&landscape));
        video.push_indexed(&frame, renderer.palette()).map_err(UserError)?;
    }
    let t_ms = runner.t_ms();
    let path = video.finish().map_err(UserError)?;
    eprintln!(
        "wrote {} ({frames} frames of {w}×{h}, {:.0} ms to {:.0} ms simulated) in {:.1} s",
        path.display(),
        params.warmup_ms,
        t_ms,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
