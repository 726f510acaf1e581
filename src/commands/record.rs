//! `seqscape record`: a video of the activity without a window. The simulation runs headless
//! through the core's [`Runner`] (the one every batch command uses); after the warm-up, every `ms_per_frame` of simulated time one
//! frame is drawn from `ActivityBins.trace` (the colour map and arrows the window shows). With
//! `--network ei` the E-I network runs as a batch and its E sheet is replayed: the same trace (each
//! spike adds 1, decaying with 25 ms) drawn on the E grid with the E→E landscape; `--pulses` makes
//! the stimulus-evoked sequences visible.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use seqscape_core::analysis::linker::{TRAIL_DRAW_MS, Tracking, smoothed_trail};
use seqscape_core::analysis::live::split_trail;
use seqscape_core::model::ei::Population;
use seqscape_core::model::landscape::Landscape;
use seqscape_core::model::params::show_number;
use seqscape_core::sim::{ActivityBins, Runner, SimConnectivity};

use crate::commands::common::parse_size;
use crate::commands::ei::{NetworkArgs, simulate_ei};

use crate::error::UserError;
use crate::options::{LandscapeFileArgs, ModelArgs, landscape};
use crate::output::colormap::Colormap;
use crate::output::frames::FrameRenderer;
use crate::output::raster::{Canvas, HAlign, Rect};
use crate::output::video::{VideoWriter, check_video_target};

/// Options of `seqscape record`.
#[derive(Args, Debug, Clone)]
pub struct RecordArgs {
    /// Landscape: symmetric, random, perlin or homogeneous (default: perlin, or the preset file's).
    #[arg(long)]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub file: LandscapeFileArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Simulated seconds to record after the warm-up.
    #[arg(long, allow_negative_numbers = true, required_unless_present = "tour")]
    pub seconds: Option<f64>,
    /// Record the guided tour (the bundled one, or FILE) instead: every scene with its caption,
    /// 640x360 unless --size says otherwise.
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with_all = ["seconds", "landscape", "arrows", "trails", "caption", "tiled", "zoom", "ms_per_frame"])]
    pub tour: Option<Option<PathBuf>>,
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
    /// Draw the trails of the travelling sequences, as the window does.
    #[arg(long)]
    pub trails: bool,
    /// Write a caption (simulated time, landscape, preset) over the sheet.
    #[arg(long)]
    pub caption: bool,
    /// Show the torus tiled 3×3, as the window's T.
    #[arg(long)]
    pub tiled: bool,
    /// Zoom into the middle of the view, 1 to 8 (1: the whole view).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    pub zoom: f64,
    /// Frame size in pixels, WIDTHxHEIGHT (default: about 400 pixels per sheet); the view is fitted
    /// inside, centred on black.
    #[arg(long)]
    pub size: Option<String>,
}

/// The trails' colour (the window's).
const TRAIL_RGB: [u8; 3] = [255, 89, 51];
/// The caption's colour.
const CAPTION_RGB: [u8; 3] = [235, 235, 235];

/// How a frame is composed from the sheet, when it is more than the sheet itself.
struct View {
    tiled: bool,
    zoom: f64,
    size: (usize, usize),
    trails: Option<Tracking>,
    caption: Option<String>,
}

impl View {
    /// The frame: the sheet (tiled), the trails, zoomed about the middle and fitted into the frame
    /// size, then the caption.
    fn compose(&self, sheet: &Canvas, n: usize, t_ms: f64) -> Result<Canvas, UserError> {
        let reps = if self.tiled { 3 } else { 1 };
        let mut view = Canvas::new(sheet.w * reps, sheet.h * reps, [0, 0, 0]);
        for ty in 0..reps {
            for tx in 0..reps {
                for y in 0..sheet.h {
                    let src = &sheet.rgba[y * sheet.w * 4..(y + 1) * sheet.w * 4];
                    let at = ((ty * sheet.h + y) * view.w + tx * sheet.w) * 4;
                    view.rgba[at..at + sheet.w * 4].copy_from_slice(src);
                }
            }
        }
        // Zoom about the middle, then fit into the frame size.
        let (vw, vh) = (view.w as f64 / self.zoom, view.h as f64 / self.zoom);
        let (x0, y0) = ((view.w as f64 - vw) / 2.0, (view.h as f64 - vh) / 2.0);
        let (fw, fh) = self.size;
        let scale = (fw as f64 / vw).min(fh as f64 / vh);
        let (dw, dh) = (vw * scale, vh * scale);
        let (ox, oy) = ((fw as f64 - dw) / 2.0, (fh as f64 - dh) / 2.0);
        let mut frame = Canvas::new(fw, fh, [0, 0, 0]);
        for y in 0..fh {
            let sy = y0 + (y as f64 + 0.5 - oy) / scale;
            if sy < y0 || sy >= y0 + vh {
                continue;
            }
            for x in 0..fw {
                let sx = x0 + (x as f64 + 0.5 - ox) / scale;
                if sx < x0 || sx >= x0 + vw {
                    continue;
                }
                let s = ((sy as usize).min(view.h - 1) * view.w + (sx as usize).min(view.w - 1)) * 4;
                let d = (y * fw + x) * 4;
                frame.rgba[d..d + 4].copy_from_slice(&view.rgba[s..s + 4]);
            }
        }
        // Trails in frame pixels, so they stay 2.5 pixels wide at any scale.
        if let Some(tracking) = &self.trails {
            let px = sheet.w as f64 / n as f64;
            let shown = Rect::new(ox as i32, oy as i32, dw as u32, dh as u32);
            for track in tracking.travelling() {
                let mut smooth = smoothed_trail(track, n);
                let t_end = smooth.last().map_or(0.0, |p| p.t_ms);
                smooth.retain(|p| p.t_ms >= t_end - TRAIL_DRAW_MS);
                for segment in split_trail(&smooth, n) {
                    for ty in 0..reps {
                        for tx in 0..reps {
                            let at = |p: &seqscape_core::analysis::live::TrailPoint| {
                                let vx = ((tx * n) as f64 + f64::from(p.x) + 0.5) * px;
                                let vy = ((ty * n) as f64 + n as f64 - f64::from(p.y) - 0.5) * px;
                                ((ox + (vx - x0) * scale) as f32, (oy + (vy - y0) * scale) as f32)
                            };
                            for w in segment.windows(2) {
                                let (a, b) = (at(&w[0]), at(&w[1]));
                                if shown.contains(a.0 as i32, a.1 as i32) && shown.contains(b.0 as i32, b.1 as i32) {
                                    frame.line(a.0, a.1, b.0, b.1, TRAIL_RGB, 2.5);
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some(caption) = &self.caption {
            let size = (fh as f32 / 24.0).clamp(14.0, 24.0);
            let band = Rect::new(0, 0, fw as u32, (size * 1.8) as u32 + 4);
            for y in 0..band.h as usize {
                for x in 0..fw {
                    let d = (y * fw + x) * 4;
                    for c in &mut frame.rgba[d..d + 3] {
                        *c /= 3;
                    }
                }
            }
            let text = format!("{caption} · t = {:.2} s", t_ms / 1000.0);
            frame.text(8, (size * 0.9) as i32 + 4, &text, size, CAPTION_RGB, HAlign::Left)?;
        }
        Ok(frame)
    }
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
    if args.tour.is_some() {
        if !(args.fps.is_finite() && (1.0..=100.0).contains(&args.fps)) {
            return Err(UserError(format!("invalid fps '{}': expected 1 to 100 frames per second", args.fps)));
        }
        if args.network.is_ei() {
            return Err(UserError(
                "invalid --network ei with --tour: each scene of a tour names its own network in its preset".into(),
            ));
        }
        let size = args.size.as_deref().map(parse_size).transpose()?;
        return crate::commands::tour::record_tour(
            args.tour.as_ref().and_then(Option::as_deref),
            &args.out,
            size,
            args.fps,
            colormap,
            args.model.threads(),
        );
    }
    let seconds = args.seconds.unwrap_or(0.0);
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SECONDS) {
        return Err(UserError(format!(
            "invalid seconds '{seconds}': expected a number above 0 and up to {MAX_SECONDS}"
        )));
    }
    if !(args.fps.is_finite() && (1.0..=100.0).contains(&args.fps)) {
        return Err(UserError(format!("invalid fps '{}': expected 1 to 100 frames per second", args.fps)));
    }
    if !(args.ms_per_frame.is_finite() && (0.1..=10_000.0).contains(&args.ms_per_frame)) {
        return Err(UserError(format!("invalid ms-per-frame '{}': expected 0.1 to 10000 ms", args.ms_per_frame)));
    }
    if !(args.zoom.is_finite() && (1.0..=8.0).contains(&args.zoom)) {
        return Err(UserError(format!("invalid zoom '{}': expected 1 to 8", show_number(args.zoom))));
    }
    let size = args.size.as_deref().map(parse_size).transpose()?;
    let landscape = args.landscape.as_deref().map(landscape).transpose()?;
    let threads = args.model.threads();
    let t0 = Instant::now();
    let (mut source, n, caption, warmup_ms) = if args.network.is_ei() {
        let mut params = args.network.ei_params_with(&args.model, landscape, &args.file)?;
        params.duration_ms = seconds * 1000.0;
        params.validate()?;
        check_video_target(&args.out).map_err(UserError)?;
        let run = simulate_ei(params, threads, "record ei")?;
        let p = &run.params;
        let n = p.n_e;
        let caption = format!("seqscape · E-I network, E sheet · {}", p.landscape);
        let warmup_ms = p.warmup_ms;
        let e: Vec<usize> = (0..run.i.len()).filter(|&k| run.pop[k] == Population::E.code()).collect();
        let replay = Replay {
            ids: e.iter().map(|&k| run.i[k]).collect(),
            t_ms: e.iter().map(|&k| run.t_ms[k]).collect(),
            next: 0,
            t_now: warmup_ms,
            trace: vec![0.0; n * n],
            landscape: Landscape { n, direction: run.landscape.clone() },
        };
        (Source::Ei(Box::new(replay)), n, caption, warmup_ms)
    } else {
        args.network.check_i_only()?;
        let mut params = args.model.params_with(landscape, &args.file)?;
        check_video_target(&args.out).map_err(UserError)?;
        params.duration_ms = seconds * 1000.0;
        let mut runner = Runner::new(params.clone(), threads)?;
        runner.set_record(false);
        runner.set_stop_at_end(false);
        runner.warm_up();
        let landscape = runner.world().resource::<SimConnectivity>().landscape.clone();
        let caption = format!("seqscape · {} · {}", params.landscape, params.preset);
        (Source::I { runner: Box::new(runner), landscape }, params.n, caption, params.warmup_ms)
    };
    let frame_ms = source.frame_ms(args.ms_per_frame);
    let frames = ((seconds * 1000.0) / frame_ms).round().max(1.0) as usize;

    let mut renderer = FrameRenderer::new(n, colormap, args.arrows);
    let (sw, sh) = renderer.size();
    let composed = args.trails || args.caption || args.tiled || args.zoom != 1.0 || size.is_some();
    let mut view = composed.then(|| View {
        tiled: args.tiled,
        zoom: args.zoom,
        size: size.unwrap_or(if args.tiled { (sw * 3 / 2, sh * 3 / 2) } else { (sw, sh) }),
        trails: args.trails.then(|| Tracking::new(n)),
        caption: args.caption.then_some(caption),
    });
    let (w, h) = view.as_ref().map_or((sw, sh), |v| v.size);
    let palette = (!composed).then(|| renderer.palette().to_vec());
    let mut video = VideoWriter::open(&args.out, w, h, args.fps as f32, palette.as_deref()).map_err(UserError)?;
    for _ in 0..frames {
        let t_now = source.advance(frame_ms);
        let (trace, landscape) = source.frame();
        match view.as_mut() {
            None => {
                let frame = renderer.render_indices(trace, Some(landscape));
                video.push_indexed(&frame, renderer.palette()).map_err(UserError)?;
            }
            Some(v) => {
                if let Some(tracking) = v.trails.as_mut() {
                    tracking.update(trace, t_now);
                }
                let sheet = renderer.render(trace, Some(landscape));
                let frame = v.compose(&sheet, n, t_now)?;
                video.push_rgba(&frame.rgba).map_err(UserError)?;
            }
        }
    }
    let t_ms = source.t_ms();
    let path = video.finish().map_err(UserError)?;
    eprintln!(
        "wrote {} ({frames} frames of {w}×{h}, {:.0} ms to {:.0} ms simulated) in {:.1} s",
        path.display(),
        warmup_ms,
        t_ms,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Where the frames come from: the I network stepped live, or a replay of an E-I run's E sheet.
enum Source {
    I { runner: Box<Runner>, landscape: Landscape },
    Ei(Box<Replay>),
}

/// The E spikes of an E-I run, replayed into a decaying trace.
struct Replay {
    ids: Vec<u32>,
    t_ms: Vec<f64>,
    next: usize,
    t_now: f64,
    trace: Vec<f32>,
    landscape: Landscape,
}

/// Decay time of the replayed trace, ms (the window's `ActivityBins`).
const TRACE_DECAY_MS: f64 = 25.0;

impl Source {
    /// The simulated time between frames nearest `wanted_ms`.
    fn frame_ms(&self, wanted_ms: f64) -> f64 {
        match self {
            Source::I { runner, .. } => {
                let tick = runner.tick_ms();
                (wanted_ms / tick).round().max(1.0) * tick
            }
            Source::Ei(_) => wanted_ms,
        }
    }

    /// Advances by `ms` and returns the simulated time.
    fn advance(&mut self, ms: f64) -> f64 {
        match self {
            Source::I { runner, .. } => {
                runner.tick((ms / runner.tick_ms()).round().max(1.0) as u64);
                runner.t_ms()
            }
            Source::Ei(r) => {
                let end = r.t_now + ms;
                let k = (-(ms / TRACE_DECAY_MS)).exp() as f32;
                r.trace.iter_mut().for_each(|v| *v *= k);
                while r.next < r.t_ms.len() && r.t_ms[r.next] <= end {
                    let (id, t) = (r.ids[r.next] as usize, r.t_ms[r.next]);
                    if t > r.t_now
                        && let Some(v) = r.trace.get_mut(id)
                    {
                        *v += (-((end - t) / TRACE_DECAY_MS)).exp() as f32;
                    }
                    r.next += 1;
                }
                r.t_now = end;
                end
            }
        }
    }

    fn t_ms(&self) -> f64 {
        match self {
            Source::I { runner, .. } => runner.t_ms(),
            Source::Ei(r) => r.t_now,
        }
    }

    /// The trace to draw and the landscape under it.
    fn frame(&self) -> (&[f32], &Landscape) {
        match self {
            Source::I { runner, landscape } => (&runner.world().resource::<ActivityBins>().trace, landscape),
            Source::Ei(r) => (&r.trace, &r.landscape),
        }
    }
}
