//! Recording and screenshots.
//!
//! `R` (or the panel) records to a GIF, or an MP4 when `ffmpeg` is on the PATH. By default the
//! frames are drawn on the CPU from the simulation (colour map and arrows, one frame per
//! `ms_per_frame` of simulated time, the same frames as `seqscape record`); with "include panel"
//! every rendered frame of the window is captured instead. Frames go to a writer thread; stopping,
//! or closing the window, finishes the file. `S` saves a PNG of the window. With `--frames N` the
//! app exits after N frames, once the `--screenshot` is written.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use seqscape_core::model::Landscape;
use seqscape_core::sim::{ActivityBins, SimConnectivity, SimState};

use super::{AppSet, LaunchOptions, Notices, ViewSettings};
use crate::output::atomic::write_bytes_atomic;
use crate::output::colormap::Colormap;
use crate::output::frames::FrameRenderer;
use crate::output::video::{VideoWriter, check_video_target};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<RecorderRequest>();
    app.add_systems(Startup, (init, record_at_start));
    app.add_systems(Update, (handle_requests, capture, count_frames).chain().in_set(AppSet::Display));
    app.add_systems(Last, finish_on_exit.after(bevy::window::exit_on_primary_closed));
}

/// What the keys and the panel ask of the recorder.
#[derive(Message, Clone, Debug)]
pub enum RecorderRequest {
    ToggleRecording,
    Screenshot,
}

/// A frame for the writer thread.
enum FrameMsg {
    Activity { trace: Vec<f32>, landscape: Option<Landscape> },
    Rgba { w: usize, h: usize, data: Vec<u8> },
}

struct Active {
    tx: Option<SyncSender<FrameMsg>>,
    worker: Option<JoinHandle<Result<(PathBuf, usize), String>>>,
    path: PathBuf,
    with_panel: bool,
    last_frame_t_ms: f64,
}

impl Active {
    fn finish(&mut self) -> Result<(PathBuf, usize), String> {
        drop(self.tx.take());
        match self.worker.take() {
            Some(w) => w.join().map_err(|_| format!("the recorder of {} stopped unexpectedly", self.path.display()))?,
            None => Err("already finished".into()),
        }
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        if self.worker.is_some() {
            let _ = self.finish();
        }
    }
}

/// Recording settings (edited in the panel) and the recording in progress.
#[derive(Resource)]
pub struct Recorder {
    /// Where the next recording goes (.gif or .mp4).
    pub path: String,
    /// Capture the whole window, panel included, instead of the CPU-drawn sheet.
    pub with_panel: bool,
    /// Simulated ms per frame of the CPU-drawn recording.
    pub ms_per_frame: f64,
    pub fps: f32,
    active: Option<Active>,
    screenshots: u32,
    /// Frames counted for `--frames`.
    frames: u64,
    exit_pending: Option<u64>,
}

impl Recorder {
    pub fn recording(&self) -> Option<(&Path, bool)> {
        self.active.as_ref().map(|a| (a.path.as_path(), a.with_panel))
    }
}

/// Set by the screenshot observer once the `--screenshot` file is written (or failed).
#[derive(Resource, Default)]
struct ExitScreenshot {
    done: Option<Result<(), String>>,
}

fn init(mut commands: Commands, options: Res<LaunchOptions>) {
    commands.insert_resource(Recorder {
        path: options.record_to.display().to_string(),
        with_panel: false,
        ms_per_frame: 25.0,
        fps: 25.0,
        active: None,
        screenshots: 0,
        frames: 0,
        exit_pending: None,
    });
    commands.init_resource::<ExitScreenshot>();
}

fn record_at_start(options: Res<LaunchOptions>, mut requests: MessageWriter<RecorderRequest>) {
    if options.record_at_start {
        requests.write(RecorderRequest::ToggleRecording);
    }
}

/// Writes a captured window image as PNG (atomically).
fn save_png(image: &Image, path: &Path) -> Result<(), String> {
    let rgb = image.clone().try_into_dynamic().map_err(|e| format!("cannot read the screenshot: {e}"))?.to_rgb8();
    let mut bytes = Vec::new();
    rgb.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode {}: {e}", path.display()))?;
    write_bytes_atomic(path, &bytes).map_err(|e| e.to_string())
}

fn rgba_of(image: &Image) -> Option<(usize, usize, Vec<u8>)> {
    let rgba = image.clone().try_into_dynamic().ok()?.to_rgba8();
    Some((rgba.width() as usize, rgba.height() as usize, rgba.into_raw()))
}

fn start_recording(
    path: &Path,
    with_panel: bool,
    colormap: Colormap,
    trace_max: f32,
    n: usize,
    fps: f32,
) -> Result<Active, String> {
    check_video_target(path)?;
    let (tx, rx) = sync_channel::<FrameMsg>(16);
    let target = path.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("seqscape-recorder".into())
        .spawn(move || -> Result<(PathBuf, usize), String> {
            let mut renderer = FrameRenderer::new(n, colormap, true);
            renderer.trace_max = trace_max;
            let mut video: Option<VideoWriter> = None;
            for msg in rx {
                let (w, h) = match &msg {
                    FrameMsg::Activity { .. } => renderer.size(),
                    FrameMsg::Rgba { w, h, .. } => (*w, *h),
                };
                if video.is_none() {
                    let palette = if with_panel { None } else { Some(renderer.palette()) };
                    video = Some(VideoWriter::open(&target, w, h, fps, palette)?);
                }
                let Some(v) = video.as_mut() else { continue };
                if v.size() != (w, h) {
                    continue;
                }
                match msg {
                    FrameMsg::Activity { trace, landscape } => {
                        renderer.arrows = landscape.is_some();
                        let frame = renderer.render_indices(&trace, landscape.as_ref());
                        v.push_indexed(&frame, renderer.palette())?;
                    }
                    FrameMsg::Rgba { data, .. } => v.push_rgba(&data)?,
                }
            }
            match video {
                Some(v) => {
                    let frames = v.frames();
                    Ok((v.finish()?, frames))
                }
                None => Err(format!("nothing was recorded to {}", target.display())),
            }
        })
        .map_err(|e| format!("cannot start the recorder: {e}"))?;
    Ok(Active {
        tx: Some(tx),
        worker: Some(worker),
        path: path.to_path_buf(),
        with_panel,
        last_frame_t_ms: f64::NEG_INFINITY,
    })
}

fn stop_recording(recorder: &mut Recorder, notices: &mut Notices) {
    if let Some(mut active) = recorder.active.take() {
        match active.finish() {
            Ok((path, frames)) => notices.push(format!("saved {} ({frames} frames)", path.display())),
            Err(e) => notices.push(format!("recording failed: {e}")),
        }
    }
}

fn handle_requests(
    mut commands: Commands,
    mut requests: MessageReader<RecorderRequest>,
    mut recorder: ResMut<Recorder>,
    mut notices: ResMut<Notices>,
    settings: Res<ViewSettings>,
    state: Res<SimState>,
) {
    for request in requests.read() {
        match request {
            RecorderRequest::ToggleRecording => {
                if recorder.active.is_some() {
                    stop_recording(&mut recorder, &mut notices);
                } else {
                    let path = PathBuf::from(recorder.path.trim());
                    let fps = if recorder.fps.is_finite() { recorder.fps.clamp(1.0, 100.0) } else { 25.0 };
                    match start_recording(
                        &path,
                        recorder.with_panel,
                        settings.colormap,
                        settings.trace_max,
                        state.params.n,
                        fps,
                    ) {
                        Ok(a) => {
                            notices.push(format!("recording to {}", path.display()));
                            recorder.active = Some(a);
                        }
                        Err(e) => notices.push(e),
                    }
                }
            }
            RecorderRequest::Screenshot => {
                recorder.screenshots += 1;
                let path =
                    PathBuf::from(format!("seqscape-screenshot-{}-{}.png", std::process::id(), recorder.screenshots));
                commands.spawn(Screenshot::primary_window()).observe(
                    move |shot: On<ScreenshotCaptured>, mut notices: ResMut<Notices>| match save_png(&shot.image, &path)
                    {
                        Ok(()) => notices.push(format!("saved {}", path.display())),
                        Err(e) => notices.push(e),
                    },
                );
            }
        }
    }
}

fn capture(
    mut commands: Commands,
    mut recorder: ResMut<Recorder>,
    mut notices: ResMut<Notices>,
    state: Res<SimState>,
    bins: Res<ActivityBins>,
    conn: Res<SimConnectivity>,
    settings: Res<ViewSettings>,
) {
    let ms_per_frame =
        if recorder.ms_per_frame.is_finite() { recorder.ms_per_frame.clamp(0.1, 10_000.0) } else { 25.0 };
    let Some(active) = recorder.active.as_mut() else {
        return;
    };
    let Some(tx) = active.tx.clone() else { return };
    if active.with_panel {
        commands.spawn(Screenshot::primary_window()).observe(move |shot: On<ScreenshotCaptured>| {
            if let Some((w, h, data)) = rgba_of(&shot.image) {
                // Whole-window frames are quantised on the writer thread; skip a frame rather than
                // stall the window when it falls behind.
                let _ = tx.try_send(FrameMsg::Rgba { w, h, data });
            }
        });
        return;
    }
    let t = state.t_ms();
    if t < active.last_frame_t_ms {
        active.last_frame_t_ms = f64::NEG_INFINITY;
    }
    if t - active.last_frame_t_ms < ms_per_frame - 1e-9 {
        return;
    }
    active.last_frame_t_ms = t;
    let landscape = settings.arrows.then(|| conn.landscape.clone());
    if tx.send(FrameMsg::Activity { trace: bins.trace.clone(), landscape }).is_err() {
        // The writer stopped (e.g. the disk is full): report why.
        stop_recording(&mut recorder, &mut notices);
    }
}

/// `--frames N [--screenshot FILE]`: exit after N frames, once the screenshot is written.
fn count_frames(
    mut commands: Commands,
    mut recorder: ResMut<Recorder>,
    options: Res<LaunchOptions>,
    mut shot: ResMut<ExitScreenshot>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(frames) = options.frames else { return };
    recorder.frames += 1;
    let now = recorder.frames;
    if now == frames {
        match &options.screenshot {
            Some(path) => {
                let path = path.clone();
                commands.spawn(Screenshot::primary_window()).observe(
                    move |captured: On<ScreenshotCaptured>, mut shot: ResMut<ExitScreenshot>| {
                        shot.done = Some(save_png(&captured.image, &path));
                    },
                );
                recorder.exit_pending = Some(now);
            }
            None => {
                exit.write(AppExit::Success);
            }
        }
        return;
    }
    if let Some(since) = recorder.exit_pending {
        match shot.done.take() {
            Some(Ok(())) => {
                exit.write(AppExit::Success);
            }
            Some(Err(e)) => {
                error!("{e}");
                exit.write(AppExit::error());
            }
            None if now > since + 600 => {
                error!("the screenshot was not captured within 600 frames");
                exit.write(AppExit::error());
            }
            None => {}
        }
    }
}

fn finish_on_exit(mut exits: MessageReader<AppExit>, mut recorder: ResMut<Recorder>, mut notices: ResMut<Notices>) {
    if exits.read().count() > 0 && recorder.active.is_some() {
        stop_recording(&mut recorder, &mut notices);
    }
}
