//! The guided tour in the window (`seqscape tour`, or the panel's "Tour" button): each scene's
//! network is built off the main thread by [`rebuild`](super::rebuild), then the scene sets the
//! clock's speed, the view's shape and the orbit camera, sends its scripted stimuli into the
//! [`StimulusQueue`] and paints its strokes at their times (measured on the simulated clock, so
//! they fall where `record --tour` puts them), and shows its caption. After the last scene the
//! tour starts again; any key or click ends it (and, started from the command line, closes the
//! window).

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use seqscape_core::sim::ei::EiSim;
use seqscape_core::sim::{SimConnectivity, SimPool, SimState, StimulusQueue};

use super::clock::SimClock;
use super::rebuild::{Rebuild, RebuildKind};
use super::{AppSet, GeneratedLandscape, LaunchOptions, Notices, Orbit, ViewSettings, ViewShape};
use crate::error::UserError;
use crate::presets::Model;
use crate::tour::{Event, SceneView, Tour, paint_stroke};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TourPlayer>();
    // The torus view's camera (kept if the view already made it).
    app.init_resource::<Orbit>();
    app.add_systems(Update, (begin, play, end_on_input).chain().in_set(AppSet::Input));
    app.add_systems(EguiPrimaryContextPass, caption);
}

/// The tour being played.
#[derive(Resource, Default)]
pub struct TourPlayer {
    /// A tour to start (the panel's button puts the bundled tour here).
    pub wanted: Option<Tour>,
    /// Close the window when the tour ends (`seqscape tour`).
    pub exit_on_end: bool,
    playing: Option<Playing>,
}

impl TourPlayer {
    pub fn playing(&self) -> bool {
        self.playing.is_some()
    }
}

struct Playing {
    tour: Tour,
    scene: usize,
    /// The scene whose network runs (and whose caption shows) while the next one is built.
    shown: usize,
    /// Waiting for the scene's network: the rebuild was asked for.
    building: bool,
    /// Simulated time at the scene's start, ms.
    t0_ms: f64,
    events: Vec<(f64, Event)>,
    next: usize,
}

/// How `seqscape tour` opens the window.
pub struct TourWindow {
    pub threads: usize,
    /// Logical pixels.
    pub size: (u32, u32),
    /// Exit after this many frames (saving `screenshot` first).
    pub frames: Option<u64>,
    pub screenshot: Option<std::path::PathBuf>,
}

/// Opens the window on the first scene's network and plays `tour` until a key is pressed.
pub fn open(tour: Tour, window: TourWindow) -> Result<(), UserError> {
    let TourWindow { threads, size, frames, screenshot } = window;
    let first = tour.scenes.first().ok_or_else(|| UserError(format!("{}: no scenes", tour.origin)))?;
    let model = first.model.clone();
    let options = LaunchOptions {
        threads,
        speed: Some(first.speed),
        frames,
        screenshot,
        record_to: None,
        record_dir: ".".into(),
        record_at_start: false,
        record_panel: false,
    };
    let view = ViewSettings {
        colormap: Default::default(),
        trace_max: crate::output::frames::DEFAULT_TRACE_MAX,
        arrows: first.arrows,
        tiled: false,
        trails: false,
        help: false,
        show_i: false,
        shape: ViewShape::Sheet,
        immersive: true,
    };
    let config = super::WindowConfig { model, options, view, size, play: None };
    super::run_with(config, move |app| {
        let mut player = app.world_mut().resource_mut::<TourPlayer>();
        player.wanted = Some(tour);
        player.exit_on_end = true;
    })
}

/// Asks for the network of scene `k`.
fn request_scene(playing: &mut Playing, rebuild: &mut Rebuild, generated: &mut GeneratedLandscape) {
    let scene = &playing.tour.scenes[playing.scene];
    // The next scene starts from its own landscape, not the painted one.
    generated.painted.iter_mut().for_each(|p| *p = false);
    rebuild.wanted = Some(match &scene.model {
        Model::I(p) => RebuildKind::Build(Box::new(p.clone())),
        Model::Ei(p) => RebuildKind::BuildEi(Box::new(p.clone())),
    });
    playing.building = true;
}

fn begin(
    mut player: ResMut<TourPlayer>,
    mut rebuild: ResMut<Rebuild>,
    mut generated: ResMut<GeneratedLandscape>,
    mut notices: ResMut<Notices>,
) {
    let Some(tour) = player.wanted.take() else {
        return;
    };
    notices.push(format!("tour: {} scenes, {:.0} s; any key or click ends it", tour.scenes.len(), tour.duration_s()));
    let mut playing = Playing { tour, scene: 0, shown: 0, building: false, t0_ms: 0.0, events: Vec::new(), next: 0 };
    request_scene(&mut playing, &mut rebuild, &mut generated);
    player.playing = Some(playing);
}

fn play(
    mut player: ResMut<TourPlayer>,
    mut rebuild: ResMut<Rebuild>,
    mut generated: ResMut<GeneratedLandscape>,
    state: Res<SimState>,
    mut clock: ResMut<SimClock>,
    mut view: ResMut<ViewSettings>,
    mut orbit: ResMut<Orbit>,
    mut queue: ResMut<StimulusQueue>,
    mut conn: ResMut<SimConnectivity>,
    pool: Res<SimPool>,
    mut ei: Option<ResMut<EiSim>>,
) {
    let Some(playing) = player.playing.as_mut() else {
        return;
    };
    if playing.building {
        if rebuild.wanted.is_some() || rebuild.running() {
            return;
        }
        // The scene's network is in: set the scene up.
        let scene = &playing.tour.scenes[playing.scene];
        playing.building = false;
        playing.shown = playing.scene;
        playing.t0_ms = state.t_ms();
        playing.events = scene.events();
        playing.next = 0;
        clock.set_speed(scene.speed);
        clock.max = false;
        clock.paused = false;
        view.shape = match scene.view {
            SceneView::Sheet => ViewShape::Sheet,
            SceneView::Torus => ViewShape::Torus,
        };
        view.arrows = scene.arrows;
        view.tiled = false;
        *orbit = Orbit {
            yaw_deg: scene.camera.yaw_deg as f32,
            pitch_deg: scene.camera.pitch_deg as f32,
            distance: scene.camera.distance as f32,
            auto_rotate: true,
        };
        return;
    }
    let scene = &playing.tour.scenes[playing.scene];
    let scene_s = (state.t_ms() - playing.t0_ms) / 1000.0 / scene.speed;
    while let Some((at_s, event)) = playing.events.get(playing.next) {
        if *at_s > scene_s {
            break;
        }
        match event {
            Event::Stimulus(s) => queue.0.push(*s),
            Event::Stroke(stroke) => {
                let GeneratedLandscape { landscape, painted } = &mut *generated;
                let sources = paint_stroke(&mut conn.0, landscape, painted, &state.params, stroke);
                match ei.as_mut() {
                    _ if sources.is_empty() => {}
                    Some(sim) => sim.repaint(&conn.landscape.direction, &sources),
                    None => pool.install(|| seqscape_core::model::paint::redraw(&mut conn.0, &state.params, &sources)),
                }
            }
        }
        playing.next += 1;
    }
    if scene_s >= scene.duration_s {
        playing.scene = (playing.scene + 1) % playing.tour.scenes.len();
        request_scene(playing, &mut rebuild, &mut generated);
    }
}

fn end_on_input(
    mut player: ResMut<TourPlayer>,
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    mut notices: ResMut<Notices>,
    mut exit: MessageWriter<AppExit>,
) {
    if player.playing.is_none()
        || (keys.get_just_pressed().next().is_none() && buttons.get_just_pressed().next().is_none())
    {
        return;
    }
    player.playing = None;
    notices.push("tour ended");
    if player.exit_on_end {
        exit.write(AppExit::Success);
    }
}

/// The scene's caption at the bottom of the window, and where the tour stands.
fn caption(mut contexts: EguiContexts, player: Res<TourPlayer>, rebuild: Res<Rebuild>) {
    let Some(playing) = player.playing.as_ref() else {
        return;
    };
    let Ok(ctx) = contexts.ctx_mut() else {
        return;
    };
    let scene = &playing.tour.scenes[playing.shown];
    let screen = ctx.content_rect();
    let status = if playing.building || rebuild.running() {
        format!("scene {}/{} · building the next network…", playing.shown + 1, playing.tour.scenes.len())
    } else {
        format!("scene {}/{} · any key or click ends the tour", playing.scene + 1, playing.tour.scenes.len())
    };
    egui::Area::new("tour caption".into())
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -24.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(Color32::from_rgba_unmultiplied(20, 20, 24, 220))
                .inner_margin(egui::Margin::symmetric(18, 10))
                .corner_radius(6.0)
                .show(ui, |ui| {
                    ui.set_max_width(screen.width() * 0.8);
                    ui.vertical_centered(|ui| {
                        ui.label(egui::RichText::new(&scene.caption).size(22.0).color(Color32::from_gray(240)));
                        ui.label(egui::RichText::new(status).size(13.0).color(Color32::from_gray(170)));
                    });
                });
        });
}
