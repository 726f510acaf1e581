//! Recording and screenshots: what the window shows.
//!
//! `R` (or the panel, or `--record`) records the window itself to a GIF (or an MP4 with `ffmpeg`):
//! the sheet view as it is on screen — zoom, pan, 3×3 tiling, trails, arrows and the pinned caption
//! — cropped right of the panel, or the whole window with "include panel". Frames are captured at
//! the recording's frame rate and handed to a writer thread through a bounded queue; when the
//! encoder falls behind a frame is dropped (and counted), the window never waits. Stopping closes
//! the queue and the writer finishes the file in the background. Files are numbered
//! (`seqscape-0001.gif`, …) in the recording folder and never overwritten; `--record-to FILE` names
//! the first one. `S` saves a PNG the same way (honouring "include panel"). With `--frames N` the
//! app exits after N frames, once the `--screenshot` is written and any recording is finished.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bevy::platform::time::Instant;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::PrimaryWindow;

use super::camera::ViewCamera;
use super::{AppSet, LaunchOptions, Notices};
use crate::output::atomic::write_bytes_atomic;
use crate::output::video::{VideoFormat, VideoWriter, check_video_target};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<RecorderRequest>();
    app.add_systems(Startup, (init, record_at_start).chain());
    app.add_systems(Update, (handle_requests, capture, reap, count_frames, shoot).chain().in_set(AppSet::Display));
    app.add_systems(Last, finish_on_exit.after(bevy::window::exit_on_primary_closed));
}

/// Frames waiting for the writer; beyond this, captured frames are dropped.
const QUEUE_FRAMES: usize = 6;

/// What the keys and the panel ask of the recorder.
#[derive(Message, Clone, Debug)]
pub enum RecorderRequest {
    ToggleRecording,
    Screenshot,
}

/// A captured window image and the part of it to keep (physical pixels from the left).
struct Captured {
    image: Image,
    crop_left: u32,
}

/// The writer's end of the queue, shared with screenshot observers still in flight; emptied when
/// the recording stops, so that late frames are dropped and the writer sees the end of the queue.
type Slot = Arc<Mutex<Option<SyncSender<Captured>>>>;

struct Active {
    slot: Slot,
    worker: JoinHandle<Result<(PathBuf, usize), String>>,
    dropped: Arc<AtomicU64>,
    path: PathBuf,
    with_panel: bool,
    next_capture: Instant,
}

impl Active {
    fn close(&self) {
        if let Ok(mut s) = self.slot.lock() {
            *s = None;
        }
    }

    /// Waits for the writer (only once its queue is closed) and describes the outcome.
    fn join(self) -> String {
        let dropped = self.dropped.load(Ordering::Relaxed);
        match self.worker.join() {
            Ok(Ok((path, frames))) => {
                let dropped =
                    if dropped > 0 { format!(", {dropped} dropped: the encoder fell behind") } else { "".into() };
                format!("saved {} ({frames} frames{dropped})", path.display())
            }
            Ok(Err(e)) => format!("recording failed: {e}"),
            Err(_) => format!("the recorder of {} stopped unexpectedly", self.path.display()),
        }
    }
}

/// Recording settings (edited in the panel), the recording in progress and those finishing.
#[derive(Resource)]
pub struct Recorder {
    /// The folder of numbered recordings and screenshots.
    pub dir: String,
    /// The file the first recording goes to (`--record-to`); numbered files after it.
    pub first: Option<PathBuf>,
    /// Record MP4 (with ffmpeg) instead of GIF.
    pub mp4: bool,
    /// Capture the whole window, panel included, instead of the sheet view.
    pub with_panel: bool,
    /// Frames per second captured and played back.
    pub fps: f32,
    /// Files written so far (absolute paths), newest last.
    pub saved: Vec<PathBuf>,
    active: Option<Active>,
    finishing: Vec<Active>,
    /// Frames counted for `--frames`.
    frames: u64,
    exit_pending: Option<u64>,
}

impl Recorder {
    /// The file being recorded and whether the panel is in it.
    pub fn recording(&self) -> Option<(&Path, bool)> {
        self.active.as_ref().map(|a| (a.path.as_path(), a.with_panel))
    }

    /// Frames dropped so far by the recording in progress.
    pub fn dropped(&self) -> u64 {
        self.active.as_ref().map_or(0, |a| a.dropped.load(Ordering::Relaxed))
    }

    /// Recordings whose files are still being written.
    pub fn finishing(&self) -> usize {
        self.finishing.len()
    }

    fn in_use(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.saved.clone();
        v.extend(self.active.iter().chain(&self.finishing).map(|a| a.path.clone()));
        v
    }
}

/// `dir/stem-0001.ext`, or the next number that is neither on disk nor in `taken`.
pub fn numbered(dir: &Path, stem: &str, ext: &str, taken: &[PathBuf]) -> PathBuf {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    (1u32..)
        .map(|i| dir.join(format!("{stem}-{i:04}.{ext}")))
        .find(|p| !p.exists() && !taken.contains(p))
        .unwrap_or_else(|| dir.join(format!("{stem}.{ext}")))
}

/// Where a new file goes: `first` if it is free, else the next numbered name (next to `first` and
/// with its stem when given, else `seqscape-NNNN.ext` in `dir`). Absolute, so the panel can show it.
pub fn next_target(dir: &Path, first: Option<&Path>, ext: &str, taken: &[PathBuf]) -> PathBuf {
    let first = first.map(|f| std::path::absolute(f).unwrap_or_else(|_| f.to_path_buf()));
    let path = match first.as_deref() {
        Some(f) if !f.exists() && !taken.iter().any(|t| t == f) => f.to_path_buf(),
        Some(f) => {
            let parent = f.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let stem = f.file_stem().map_or("seqscape".into(), |s| s.to_string_lossy().into_owned());
            numbered(parent, &stem, ext, taken)
        }
        None => numbered(dir, "seqscape", ext, taken),
    };
    std::path::absolute(&path).unwrap_or(path)
}

/// What a window capture is for; one capture can serve several.
enum Use {
    /// A frame of the running recording.
    Frame { slot: Slot, dropped: Arc<AtomicU64>, crop_left: u32 },
    /// A PNG screenshot (`S`).
    Png { path: PathBuf, crop_left: u32 },
    /// The `--screenshot` before exiting.
    ExitPng { path: PathBuf },
}

/// Window captures asked for this frame. Bevy takes one screenshot of a window per frame and
/// skips any other, so every consumer shares one capture. A capture arrives a few frames after it
/// is asked for (the GPU read-back), so up to [`MAX_IN_FLIGHT`] are under way at once: waiting for
/// each before asking for the next would halve the recording's frame rate.
#[derive(Resource, Default)]
struct Shots {
    wanted: Vec<Use>,
    in_flight: Arc<std::sync::atomic::AtomicU32>,
    /// Frames the capture in flight has waited; after many, it is given up.
    waited: u32,
}

impl Shots {
    fn wants_frame(&self) -> bool {
        self.wanted.iter().any(|u| matches!(u, Use::Frame { .. }))
    }
}

/// Set by the screenshot observer once the `--screenshot` file is written (or failed).
#[derive(Resource, Default)]
struct ExitScreenshot {
    done: Option<Result<(), String>>,
}

fn init(mut commands: Commands, options: Res<LaunchOptions>) {
    let mp4 = options.record_to.as_deref().is_some_and(|p| VideoFormat::from_path(p) == Ok(VideoFormat::Mp4));
    commands.insert_resource(Recorder {
        dir: options.record_dir.display().to_string(),
        first: options.record_to.clone(),
        mp4,
        with_panel: options.record_panel,
        fps: 15.0,
        saved: Vec::new(),
        active: None,
        finishing: Vec::new(),
        frames: 0,
        exit_pending: None,
    });
    commands.init_resource::<ExitScreenshot>();
    commands.init_resource::<Shots>();
}

fn record_at_start(options: Res<LaunchOptions>, mut requests: MessageWriter<RecorderRequest>) {
    if options.record_at_start {
        requests.write(RecorderRequest::ToggleRecording);
    }
}

/// The kept part of a captured window image as RGBA.
fn cropped_rgba(image: &Image, crop_left: u32) -> Option<image::RgbaImage> {
    let rgba = image.clone().try_into_dynamic().ok()?.to_rgba8();
    let (w, h) = rgba.dimensions();
    let left = crop_left.min(w.saturating_sub(16));
    if left == 0 {
        return Some(rgba);
    }
    Some(image::imageops::crop_imm(&rgba, left, 0, w - left, h).to_image())
}

/// Writes a captured window image (from `crop_left` on) as PNG, atomically.
fn save_png(image: &Image, crop_left: u32, path: &Path) -> Result<(), String> {
    let rgba = cropped_rgba(image, crop_left).ok_or("cannot read the screenshot")?;
    let rgb = image::DynamicImage::ImageRgba8(rgba).to_rgb8();
    let mut bytes = Vec::new();
    rgb.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode {}: {e}", path.display()))?;
    write_bytes_atomic(path, &bytes).map_err(|e| e.to_string())
}

/// Whether the view (the frame's right half, right of any panel) shows the scene: at least a
/// tenth of its pixels differ from the background in its bottom-right corner. While pipelines
/// compile, the first frames show only the clear colour there.
fn shows_the_scene(frame: &image::RgbaImage) -> bool {
    let (w, h) = frame.dimensions();
    if w < 2 || h < 2 {
        return false;
    }
    let background = *frame.get_pixel(w - 1, h - 1);
    let (mut differ, mut total) = (0u64, 0u64);
    for y in (0..h).step_by(4) {
        for x in (w / 2..w).step_by(4) {
            total += 1;
            differ += u64::from(*frame.get_pixel(x, y) != background);
        }
    }
    differ * 10 >= total
}

/// Where the sheet view starts in the window's physical pixels.
fn sheet_left(window: &Window, view: &ViewCamera) -> u32 {
    (view.panel_px * window.scale_factor()).round().max(0.0) as u32
}

fn start_recording(path: &Path, with_panel: bool, fps: f32) -> Result<Active, String> {
    if cfg!(target_arch = "wasm32") {
        return Err("videos are not recorded in the browser (it has no writer thread): S saves a screenshot as \
                    a download, and 'seqscape record' or the native window record GIF and MP4"
            .into());
    }
    check_video_target(path)?;
    let (tx, rx) = sync_channel::<Captured>(QUEUE_FRAMES);
    let target = path.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("seqscape-recorder".into())
        .spawn(move || -> Result<(PathBuf, usize), String> {
            let mut video: Option<VideoWriter> = None;
            // The last frame that did not start the video: a recording stopped before the view
            // showed the scene still keeps what the window showed.
            let mut held: Option<image::RgbaImage> = None;
            let open = |frame: &image::RgbaImage| {
                // Even sizes: H.264 needs them.
                let (w, h) = (frame.width() as usize & !1, frame.height() as usize & !1);
                VideoWriter::open(&target, w, h, fps, None)
            };
            for Captured { image, crop_left } in rx {
                let Some(frame) = cropped_rgba(&image, crop_left) else { continue };
                let (w, h) = (frame.width() as usize, frame.height() as usize);
                if video.is_none() && !shows_the_scene(&frame) {
                    // The renderer's first frames (an empty view, maybe with the caption and
                    // panel already drawn) do not start the video.
                    held = Some(frame);
                    continue;
                }
                if video.is_none() {
                    video = Some(open(&frame)?);
                }
                let Some(v) = video.as_mut() else { continue };
                let (vw, vh) = v.size();
                if w < vw || h < vh {
                    // The window shrank: keep the recording's size, skip the frame.
                    continue;
                }
                let frame = if (w, h) == (vw, vh) {
                    frame.into_raw()
                } else {
                    image::imageops::crop_imm(&frame, 0, 0, vw as u32, vh as u32).to_image().into_raw()
                };
                v.push_rgba(&frame)?;
            }
            if let (None, Some(frame)) = (video.as_ref(), held) {
                let mut v = open(&frame)?;
                let (vw, vh) = v.size();
                v.push_rgba(&image::imageops::crop_imm(&frame, 0, 0, vw as u32, vh as u32).to_image().into_raw())?;
                video = Some(v);
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
        slot: Arc::new(Mutex::new(Some(tx))),
        worker,
        dropped: Arc::new(AtomicU64::new(0)),
        path: path.to_path_buf(),
        with_panel,
        next_capture: Instant::now(),
    })
}

/// Closes the recording's queue; the writer finishes the file in the background.
fn stop_recording(recorder: &mut Recorder, notices: &mut Notices) {
    if let Some(active) = recorder.active.take() {
        active.close();
        notices.push(format!("finishing {}", active.path.display()));
        recorder.finishing.push(active);
    }
}

fn handle_requests(
    mut shots: ResMut<Shots>,
    mut requests: MessageReader<RecorderRequest>,
    mut recorder: ResMut<Recorder>,
    mut notices: ResMut<Notices>,
    window: Single<&Window, With<PrimaryWindow>>,
    view: Res<ViewCamera>,
) {
    for request in requests.read() {
        let dir = PathBuf::from(recorder.dir.trim());
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        match request {
            RecorderRequest::ToggleRecording => {
                if recorder.active.is_some() {
                    stop_recording(&mut recorder, &mut notices);
                    continue;
                }
                let ext = if recorder.mp4 { "mp4" } else { "gif" };
                let first = recorder.first.take();
                let path = next_target(&dir, first.as_deref(), ext, &recorder.in_use());
                let fps = if recorder.fps.is_finite() { recorder.fps.clamp(1.0, 50.0) } else { 15.0 };
                match start_recording(&path, recorder.with_panel, fps) {
                    Ok(a) => {
                        notices.push(format!("recording to {}", path.display()));
                        recorder.active = Some(a);
                    }
                    Err(e) => notices.push(e),
                }
            }
            RecorderRequest::Screenshot => {
                let path = next_target(&dir, None, "png", &recorder.in_use());
                recorder.saved.push(path.clone());
                let crop_left = if recorder.with_panel { 0 } else { sheet_left(&window, &view) };
                shots.wanted.push(Use::Png { path, crop_left });
            }
        }
    }
}

/// Asks for a screenshot of the window whenever the recording is due a frame.
fn capture(
    mut shots: ResMut<Shots>,
    mut recorder: ResMut<Recorder>,
    window: Single<&Window, With<PrimaryWindow>>,
    view: Res<ViewCamera>,
    mut frames: Local<u64>,
) {
    let fps = if recorder.fps.is_finite() { recorder.fps.clamp(1.0, 50.0) } else { 15.0 };
    let Some(active) = recorder.active.as_mut() else {
        return;
    };
    let now = Instant::now();
    // Until the panel has been laid out and the first frames rendered, the window is not what the
    // user sees.
    *frames += 1;
    if view.panel_px <= 0.0 || *frames < 10 || now < active.next_capture || shots.wants_frame() {
        return;
    }
    let period = Duration::from_secs_f32(1.0 / fps);
    active.next_capture = (active.next_capture + period).max(now);
    let crop_left = if active.with_panel { 0 } else { sheet_left(&window, &view) };
    shots.wanted.push(Use::Frame { slot: active.slot.clone(), dropped: active.dropped.clone(), crop_left });
}

/// Hands a captured window image to a recording's writer, or drops (and counts) it when the
/// writer's queue is full.
fn send_frame(slot: &Slot, dropped: &AtomicU64, image: &Image, crop_left: u32) {
    let Ok(guard) = slot.lock() else { return };
    let Some(tx) = guard.as_ref() else { return };
    match tx.try_send(Captured { image: image.clone(), crop_left }) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
        // The writer stopped early; `reap` reports why.
        Err(TrySendError::Disconnected(_)) => {}
    }
}

/// Captures under way at once.
const MAX_IN_FLIGHT: u32 = 3;

/// Takes one screenshot of the window for everything that asked for one, unless
/// [`MAX_IN_FLIGHT`] captures are still under way.
fn shoot(mut commands: Commands, mut shots: ResMut<Shots>) {
    if shots.wanted.is_empty() {
        return;
    }
    if shots.in_flight.load(Ordering::Acquire) >= MAX_IN_FLIGHT {
        shots.waited += 1;
        if shots.waited < 120 {
            return;
        }
        // Lost (e.g. the window was minimised): ask again.
        shots.in_flight.store(0, Ordering::Release);
    }
    shots.waited = 0;
    shots.in_flight.fetch_add(1, Ordering::AcqRel);
    let uses = std::mem::take(&mut shots.wanted);
    let in_flight = shots.in_flight.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |shot: On<ScreenshotCaptured>, mut notices: ResMut<Notices>, mut exit_shot: ResMut<ExitScreenshot>| {
            let _ = in_flight.fetch_update(Ordering::AcqRel, Ordering::Acquire, |k| Some(k.saturating_sub(1)));
            for u in &uses {
                match u {
                    Use::Frame { slot, dropped, crop_left } => send_frame(slot, dropped, &shot.image, *crop_left),
                    Use::Png { path, crop_left } => match save_png(&shot.image, *crop_left, path) {
                        Ok(()) => notices.push(format!("saved {}", path.display())),
                        Err(e) => notices.push(e),
                    },
                    Use::ExitPng { path } => exit_shot.done = Some(save_png(&shot.image, 0, path)),
                }
            }
        },
    );
}

/// Reports finished files, and a writer that stopped early (e.g. a full disk).
fn reap(mut recorder: ResMut<Recorder>, mut notices: ResMut<Notices>) {
    if recorder.active.as_ref().is_some_and(|a| a.worker.is_finished()) {
        stop_recording(&mut recorder, &mut notices);
    }
    let mut i = 0;
    while i < recorder.finishing.len() {
        if recorder.finishing[i].worker.is_finished() {
            let done = recorder.finishing.swap_remove(i);
            let path = done.path.clone();
            let text = done.join();
            if text.starts_with("saved") {
                recorder.saved.push(path);
            }
            notices.push(text);
        } else {
            i += 1;
        }
    }
}

/// Stops the recording and waits for every writer (at exit: the files must be complete).
fn finish_all(recorder: &mut Recorder, notices: &mut Notices) {
    stop_recording(recorder, notices);
    for done in std::mem::take(&mut recorder.finishing) {
        let path = done.path.clone();
        let text = done.join();
        if text.starts_with("saved") {
            recorder.saved.push(path);
        }
        notices.push(text);
    }
}

/// `--frames N [--screenshot FILE]`: exit after N frames, once the screenshot is written.
fn count_frames(
    mut shots: ResMut<Shots>,
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
                shots.wanted.push(Use::ExitPng { path: path.clone() });
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
    if exits.read().count() > 0 && (recorder.active.is_some() || !recorder.finishing.is_empty()) {
        finish_all(&mut recorder, &mut notices);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_empty_view_with_only_a_caption_does_not_start_a_video() {
        let mut frame = image::RgbaImage::from_pixel(200, 100, image::Rgba([15, 15, 20, 255]));
        // A caption bar across the top.
        for y in 0..8 {
            for x in 0..200 {
                frame.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
            }
        }
        assert!(!super::shows_the_scene(&frame));
        // The sheet drawn over the middle.
        for y in 10..90 {
            for x in 60..180 {
                frame.put_pixel(x, y, image::Rgba([68, 1, 84, 255]));
            }
        }
        assert!(super::shows_the_scene(&frame));
    }

    use super::*;

    #[test]
    fn numbered_names_skip_existing_and_reserved_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(numbered(d, "seqscape", "gif", &[]), d.join("seqscape-0001.gif"));
        std::fs::write(d.join("seqscape-0001.gif"), b"x").unwrap();
        let taken = vec![d.join("seqscape-0002.gif")];
        assert_eq!(numbered(d, "seqscape", "gif", &taken), d.join("seqscape-0003.gif"));
        // A free --record-to name is used as is; a taken one gets its stem numbered.
        let first = d.join("x.gif");
        assert_eq!(next_target(d, Some(&first), "gif", &[]), first);
        std::fs::write(&first, b"x").unwrap();
        assert_eq!(next_target(d, Some(&first), "gif", &[]), d.join("x-0001.gif"));
        assert!(next_target(Path::new("."), None, "png", &[]).is_absolute());
        // A relative folder and the absolute paths already handed out name the same files.
        let here = next_target(Path::new("."), None, "png", &[]);
        assert_ne!(next_target(Path::new("."), None, "png", std::slice::from_ref(&here)), here);
    }

    /// Frames handed to the writer thread as the window's screenshots hand them.
    fn record(path: &Path, frames: Vec<image::RgbaImage>) -> String {
        let active = start_recording(path, true, 10.0).unwrap();
        for frame in frames {
            let image = Image::from_dynamic(
                image::DynamicImage::ImageRgba8(frame),
                true,
                bevy::asset::RenderAssetUsages::default(),
            );
            let tx = active.slot.lock().unwrap().clone().unwrap();
            tx.send(Captured { image, crop_left: 0 }).unwrap();
        }
        active.close();
        active.join()
    }

    #[test]
    fn a_video_starts_at_the_scene_and_one_stopped_before_it_keeps_the_last_frame() {
        let dir = tempfile::tempdir().unwrap();
        let empty = image::RgbaImage::from_pixel(64, 48, image::Rgba([15, 15, 20, 255]));
        let mut scene = empty.clone();
        for y in 4..44 {
            for x in 20..60 {
                scene.put_pixel(x, y, image::Rgba([68, 1, 84, 255]));
            }
        }
        let count = |path: &Path| {
            let mut decoder = gif::DecodeOptions::new().read_info(std::fs::File::open(path).unwrap()).unwrap();
            std::iter::from_fn(|| decoder.read_next_frame().unwrap().map(|_| ())).count()
        };
        // Two empty frames, then the scene twice: the video has the two scene frames.
        let a = dir.path().join("a.gif");
        let text = record(&a, vec![empty.clone(), empty.clone(), scene.clone(), scene]);
        assert!(text.starts_with("saved"), "{text}");
        assert_eq!(count(&a), 2);
        // Stopped before the scene showed: the last frame is kept, not "nothing was recorded".
        let b = dir.path().join("b.gif");
        let text = record(&b, vec![empty.clone(), empty]);
        assert!(text.starts_with("saved"), "{text}");
        assert_eq!(count(&b), 1);
        // No frame at all is still an error, and leaves no file.
        let c = dir.path().join("c.gif");
        let text = record(&c, Vec::new());
        assert!(text.contains("nothing was recorded"), "{text}");
        assert!(!c.exists());
    }
}
