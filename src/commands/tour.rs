//! The guided tour: `seqscape record --tour` writes it as a video without a window (each scene
//! simulated headless by [`SceneRun`], drawn on the CPU: the sheet fitted into the frame, or the
//! torus in 3-D, with the scene's caption in a bar below), and `seqscape tour` plays it in the
//! window, looping until a key is pressed.

use std::path::Path;
#[cfg(feature = "window")]
use std::path::PathBuf;
use std::time::Instant;

#[cfg(feature = "window")]
use clap::Args;

use crate::error::UserError;
use crate::output::colormap::Colormap;
use crate::output::frames::FrameRenderer;
use crate::output::quantise::Quantiser;
use crate::output::raster::{Canvas, HAlign, Rect, font};
use crate::output::torus::{Orbit, draw_torus};
use crate::output::video::{VideoFormat, VideoWriter, check_video_target};
use crate::tour::run::SceneRun;
use crate::tour::{Scene, SceneView, Tour};

/// The default frame size of a recorded tour.
pub const DEFAULT_SIZE: (usize, usize) = (640, 360);
/// How fast the torus turns, degrees per second of the tour.
pub const TORUS_TURN_DEG_PER_S: f64 = 8.0;
/// Background around the sheet and the torus.
const BACKGROUND: [u8; 3] = [0, 0, 0];
/// The caption bar and its text.
const BAR_RGB: [u8; 3] = [34, 34, 34];
const CAPTION_RGB: [u8; 3] = [238, 238, 238];

/// The caption bar of a frame `w`×`h`: its height.
fn bar_height(h: usize) -> usize {
    (h / 9).max(20)
}

/// The caption bar with `caption` centred, at the largest size up to the bar's that fits the width.
fn caption_bar(w: usize, h: usize, caption: &str) -> Result<Canvas, UserError> {
    let mut bar = Canvas::new(w, bar_height(h), BAR_RGB);
    let mut size = (bar.h as f32 * 0.5).clamp(8.0, 40.0);
    while size > 8.0 {
        let fits =
            font(size).ok().and_then(|f| f.box_size(caption).ok()).is_some_and(|(tw, _)| (tw as usize) + 16 <= w);
        if fits {
            break;
        }
        size -= 1.0;
    }
    bar.text(w as i32 / 2, bar.h as i32 / 2, caption, size, CAPTION_RGB, HAlign::Center)?;
    Ok(bar)
}

/// The colours every tour frame is made of, for GIFs: the colour map at full brightness and at
/// four shades (the lit torus), and greys (caption, background).
fn tour_palette(colormap: Colormap) -> Vec<[u8; 3]> {
    let mut palette = colormap.samples(120);
    for shade in [0.85f32, 0.7, 0.55, 0.4] {
        palette.extend(colormap.samples(30).into_iter().map(|c| c.map(|v| (v as f32 * shade).round() as u8)));
    }
    palette.extend((0..16).map(|i| [(i * 17) as u8; 3]));
    palette
}

/// Draws one frame of `scene` at `scene_s` seconds.
fn draw_frame(
    frame: &mut Canvas,
    scene: &Scene,
    run: &SceneRun,
    renderer: &mut FrameRenderer,
    bar: &Canvas,
    scene_s: f64,
) {
    let (w, h) = (frame.w, frame.h);
    let area_h = h - bar.h;
    frame.rgba.chunks_exact_mut(4).for_each(|p| p.copy_from_slice(&[BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 255]));
    let n = run.n();
    match scene.view {
        SceneView::Sheet => {
            let sheet = renderer.render(run.trace(), Some(run.landscape()));
            let side = w.min(area_h);
            let (ox, oy) = ((w - side) / 2, (area_h - side) / 2);
            for y in 0..side {
                let sy = (y * sheet.h / side).min(sheet.h - 1);
                for x in 0..side {
                    let sx = (x * sheet.w / side).min(sheet.w - 1);
                    let s = (sy * sheet.w + sx) * 4;
                    let d = ((oy + y) * w + ox + x) * 4;
                    frame.rgba[d..d + 4].copy_from_slice(&sheet.rgba[s..s + 4]);
                }
            }
        }
        SceneView::Torus => {
            let cells: Vec<[u8; 3]> = run.trace().iter().map(|&v| renderer.color(v)).collect();
            let orbit = Orbit {
                yaw_deg: (scene.camera.yaw_deg + TORUS_TURN_DEG_PER_S * scene_s) as f32,
                pitch_deg: scene.camera.pitch_deg as f32,
                distance: scene.camera.distance as f32,
            };
            draw_torus(frame, Rect::new(0, 0, w as u32, area_h as u32), &cells, n, orbit, BACKGROUND);
        }
    }
    let at = area_h * w * 4;
    frame.rgba[at..].copy_from_slice(&bar.rgba);
}

/// Writes the whole tour to `out` (.gif or .mp4) at `size` and `fps`.
pub fn record_tour(
    tour_file: Option<&Path>,
    out: &Path,
    size: Option<(usize, usize)>,
    fps: f64,
    colormap: Colormap,
    threads: usize,
) -> Result<(), UserError> {
    let tour = Tour::load_or_bundled(tour_file).map_err(UserError)?;
    let format = check_video_target(out).map_err(UserError)?;
    let (w, h) = size.unwrap_or(DEFAULT_SIZE);
    if h < 3 * bar_height(h) {
        return Err(UserError(format!("invalid size '{w}x{h}': a tour needs frames at least 60 pixels high")));
    }
    let t0 = Instant::now();
    let quantiser = (format == VideoFormat::Gif).then(|| Quantiser::new(tour_palette(colormap)));
    let mut video =
        VideoWriter::open(out, w, h, fps as f32, quantiser.as_ref().map(Quantiser::palette)).map_err(UserError)?;
    let mut frame = Canvas::new(w, h, BACKGROUND);
    let scenes = tour.scenes.len();
    for (k, scene) in tour.scenes.iter().enumerate() {
        let started = Instant::now();
        let mut run = SceneRun::start(scene, threads, false)
            .map_err(|e| UserError(format!("{}: scene {}: {e}", tour.origin, k + 1)))?;
        let mut renderer = FrameRenderer::new(run.n(), colormap, scene.arrows);
        let bar = caption_bar(w, h, &scene.caption)?;
        let frames = (scene.duration_s * fps).round().max(1.0) as usize;
        for f in 0..frames {
            let scene_s = (f + 1) as f64 / fps;
            run.advance_to(scene_s);
            draw_frame(&mut frame, scene, &run, &mut renderer, &bar, scene_s);
            match &quantiser {
                Some(q) => video.push_indexed(&q.indices(&frame.rgba), q.palette()),
                None => video.push_rgba(&frame.rgba),
            }
            .map_err(UserError)?;
        }
        eprintln!(
            "scene {}/{scenes} ({}, {:.0} s of tour, {:.2} s simulated): {:.1} s",
            k + 1,
            scene.preset,
            scene.duration_s,
            scene.sim_ms(scene.duration_s) / 1000.0,
            started.elapsed().as_secs_f64()
        );
    }
    let frames = video.frames();
    let path = video.finish().map_err(UserError)?;
    eprintln!(
        "wrote {} ({frames} frames of {w}×{h}, {scenes} scenes, {:.0} s of tour) in {:.1} s",
        path.display(),
        tour.duration_s(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Options of `seqscape tour`.
#[cfg(feature = "window")]
#[derive(Args, Debug, Clone)]
pub struct TourArgs {
    /// A tour file (default: the bundled tour, assets/tour.toml).
    #[arg(long)]
    pub tour: Option<PathBuf>,
    /// Worker threads of the simulation (0: all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Window size in logical pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720")]
    pub size: String,
    /// Run this many frames, then exit (after saving --screenshot, if given).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub frames: Option<u64>,
    /// With --frames: save a PNG of the window before exiting.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
}

/// Runs `seqscape tour`: the window, playing the tour until a key is pressed.
#[cfg(feature = "window")]
pub fn tour(args: TourArgs) -> Result<(), UserError> {
    let tour = Tour::load_or_bundled(args.tour.as_deref()).map_err(UserError)?;
    let size = crate::commands::common::parse_size(&args.size)?;
    if let Some(shot) = &args.screenshot {
        if args.frames.is_none() {
            return Err(UserError("--screenshot needs --frames N".into()));
        }
        crate::commands::app::check_png_target(shot)?;
    }
    let window = crate::app::tour::TourWindow {
        threads: args.threads,
        size: (size.0 as u32, size.1 as u32),
        frames: args.frames,
        screenshot: args.screenshot,
    };
    crate::app::tour::open(tour, window)
}
