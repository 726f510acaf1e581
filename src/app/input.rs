//! Keys, clicks and the landscape brush.
//!
//! Left click or drag on the sheet injects a current pulse into a disc of neurons (through the
//! core's `StimulusQueue`). In brush mode (`B`) a left drag paints landscape directions instead: the
//! stroke's direction, a direction chosen in the panel, or the generated landscape (erase). Painted
//! neurons get new connections (`SynapseBuckets::redraw`, then the partitioned buckets are rebuilt)
//! a few times per second while painting and when the stroke ends.
//! A ring under the cursor shows the radius; a click of any length (press and release within one
//! frame too) stimulates.
//! A fast drag paints (or stimulates) along the whole segment between two frames, not only at the
//! frames' cursor positions. With the E-I network a click stimulates the E neurons of the disc with
//! the Fig. 8 pulse (500 pA for 50 ms by default) and the brush paints the E sheet's directions,
//! whose E→E and E→I connections are redrawn (`EiNetwork::redraw`).
//! The live landscape, painting included, is saved as a landscape file beside a preset
//! ([`save_painting`]): the panel's "Save painting" and its preset "Save" both write it.
//! Keys: space pause, `.` step, `A` arrows, `B` brush, `I` the E-I network's I sheet, `R` record,
//! `S` screenshot, `H`/`?` help, `F` fit, `T` tile 3×3.

use std::f64::consts::TAU;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bevy::platform::time::Instant;

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;
use seqscape_core::model::landscape::Landscape;
use seqscape_core::model::network::Connectivity;
use seqscape_core::model::{LandscapeKind, LandscapeMap, Params, paint};
use seqscape_core::sim::ei::EiSim;
use seqscape_core::sim::{SimConnectivity, SimPool, SimState, Stimulus, StimulusQueue};

use super::camera::flat_view;
use super::camera::{ViewCamera, cursor_world};
use super::clock::SimClock;
use super::recorder::RecorderRequest;
use super::{AppSet, GeneratedLandscape, Notices, TorusPointer, ViewSettings, ViewShape};
use crate::output::landscape::write_landscape_npy;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Tool>();
    app.init_resource::<PendingRedraw>();
    app.add_systems(
        Update,
        (follow_network, keys, pointer.run_if(not(resource_exists::<super::play::Playing>)), redraw_painted)
            .chain()
            .in_set(AppSet::Input),
    );
    app.add_systems(
        Update,
        cursor_ring
            .run_if(flat_view)
            .run_if(not(resource_exists::<super::play::Playing>))
            .run_if(|tour: Option<Res<super::tour::TourPlayer>>| tour.is_none_or(|t| !t.playing()))
            .in_set(AppSet::Display),
    );
}

/// What a left drag does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolMode {
    Stimulus,
    Brush,
}

/// Where the brush takes its direction from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrushDirection {
    /// The direction of the stroke.
    Stroke,
    /// The angle chosen in the panel.
    Fixed,
    /// Back to the generated landscape.
    Erase,
}

/// The interaction tools and their settings (all clamped where they are used).
#[derive(Resource, Debug, Clone)]
pub struct Tool {
    pub mode: ToolMode,
    /// Stimulus disc radius, in grid cells of the full-scale sheet (scaled with n).
    pub stim_radius: f64,
    pub stim_amplitude_pa: f64,
    pub stim_duration_ms: f64,
    /// Brush radius, in grid cells of the full-scale sheet (scaled with n).
    pub brush_radius: f64,
    pub brush_direction: BrushDirection,
    /// The panel's brush direction, degrees from +x toward +y.
    pub brush_angle_deg: f64,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            mode: ToolMode::Stimulus,
            stim_radius: 5.0,
            stim_amplitude_pa: 2000.0,
            stim_duration_ms: 10.0,
            brush_radius: 4.0,
            brush_direction: BrushDirection::Stroke,
            brush_angle_deg: 0.0,
        }
    }
}

/// The E-I network's stimulus radius in cells per 100 (3 grid points on the 120 × 120 E sheet,
/// about 30 neurons, as many as the authors' 50 Gaussian draws reach at full strength).
pub const EI_STIM_RADIUS: f64 = 2.5;

impl Tool {
    /// The stimulus of the E-I network's Fig. 8 pulse (amplitude and duration from its
    /// parameters), into a disc of about 50 E neurons like the authors' stimulated site.
    pub fn ei_stimulus(&mut self, amplitude_pa: f64, duration_ms: f64) {
        self.stim_radius = EI_STIM_RADIUS;
        self.stim_amplitude_pa = amplitude_pa;
        self.stim_duration_ms = duration_ms;
        self.mode = ToolMode::Stimulus;
    }

    /// The I network's stimulus: a strong short pulse.
    pub fn i_stimulus(&mut self) {
        let d = Tool::default();
        self.stim_radius = d.stim_radius;
        self.stim_amplitude_pa = d.stim_amplitude_pa;
        self.stim_duration_ms = d.stim_duration_ms;
    }
}

/// The stimulus defaults follow the network: the Fig. 8 pulse for the E-I network, a short
/// strong pulse for the I network.
fn follow_network(
    ei: Option<Res<EiSim>>,
    mut tool: ResMut<Tool>,
    mut settings: ResMut<ViewSettings>,
    mut was_ei: Local<Option<bool>>,
) {
    let now = ei.is_some();
    if *was_ei == Some(now) {
        return;
    }
    *was_ei = Some(now);
    match ei {
        Some(ei) => tool.ei_stimulus(ei.params.stimulus.amplitude_pa, ei.params.stimulus.duration_ms),
        None => {
            tool.i_stimulus();
            settings.show_i = false;
        }
    }
}

/// Neurons painted since the last redraw of their connections.
#[derive(Resource, Default, Debug)]
pub struct PendingRedraw {
    pub sources: Vec<usize>,
    pub since: Option<Instant>,
    pub stroke_active: bool,
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    mut clock: ResMut<SimClock>,
    mut settings: ResMut<ViewSettings>,
    mut tool: ResMut<Tool>,
    mut view: ResMut<ViewCamera>,
    mut requests: MessageWriter<RecorderRequest>,
    ei: Option<Res<EiSim>>,
    mut notices: ResMut<Notices>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    for key in keys.get_just_pressed() {
        match key {
            KeyCode::Space => clock.paused = !clock.paused,
            KeyCode::Period | KeyCode::NumpadDecimal => {
                clock.paused = true;
                clock.step_requests += 1;
            }
            KeyCode::KeyA => settings.arrows = !settings.arrows,
            KeyCode::KeyB => {
                tool.mode = if tool.mode == ToolMode::Brush { ToolMode::Stimulus } else { ToolMode::Brush };
            }
            KeyCode::KeyI if ei.is_some() => settings.show_i = !settings.show_i,
            KeyCode::KeyR => {
                requests.write(RecorderRequest::ToggleRecording);
            }
            KeyCode::KeyS => {
                requests.write(RecorderRequest::Screenshot);
            }
            // `?` is shift + slash on most layouts.
            KeyCode::KeyH | KeyCode::F1 | KeyCode::Slash => settings.help = !settings.help,
            KeyCode::KeyF => view.fit_requested = true,
            KeyCode::KeyT => settings.tiled = !settings.tiled,
            KeyCode::KeyV if !cfg!(feature = "torus") => {
                notices.push("the torus view is part of the desktop build");
            }
            _ => {}
        }
    }
}

/// The grid cell (wrapped onto the torus) under a world point.
fn cell_of(p: Vec2, n: usize) -> (f64, f64) {
    let n = n as f64;
    ((f64::from(p.x)).rem_euclid(n), (f64::from(p.y)).rem_euclid(n))
}

pub(super) fn pointer(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Transform, &Projection), With<Camera2d>>,
    buttons: Res<ButtonInput<MouseButton>>,
    wants: Res<EguiWantsInput>,
    view: Res<ViewCamera>,
    tool: Res<Tool>,
    state: Res<SimState>,
    mut queue: ResMut<StimulusQueue>,
    mut conn: ResMut<SimConnectivity>,
    generated: Option<ResMut<GeneratedLandscape>>,
    mut pending: ResMut<PendingRedraw>,
    settings: Res<ViewSettings>,
    on_torus: Option<Res<TorusPointer>>,
    mut stroke: Local<Option<(Vec2, Instant)>>,
) {
    // A press and release within one frame is a click too.
    let left = buttons.pressed(MouseButton::Left) || buttons.just_pressed(MouseButton::Left);
    if !left {
        *stroke = None;
        pending.stroke_active = false;
        return;
    }
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    if buttons.just_pressed(MouseButton::Left) && (cursor.x < view.panel_px || wants.wants_any_pointer_input()) {
        return;
    }
    if stroke.is_none() && !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let n = state.params.n;
    let world = if settings.shape == ViewShape::Torus {
        // On the donut: the sheet point under the cursor, unwrapped next to the stroke's last point
        // so that a stroke across the seam does not jump across the sheet.
        let Some(p) = on_torus.and_then(|t| t.0) else {
            return;
        };
        match *stroke {
            Some((prev, _)) => {
                let nf = n as f32;
                prev + (p - prev - ((p - prev) / nf).round() * nf)
            }
            None => p,
        }
    } else {
        cursor_world(cursor, &window, *camera)
    };
    let grid = n as f64 / 100.0;
    let (cx, cy) = cell_of(world, n);
    let now = Instant::now();
    match tool.mode {
        ToolMode::Stimulus => {
            let radius = (tool.stim_radius * grid).clamp(0.5, n as f64 / 2.0);
            let fire = match *stroke {
                None => true,
                Some((p, t)) => world.distance(p) as f64 >= radius || now - t >= Duration::from_millis(60),
            };
            if fire {
                queue.0.push(Stimulus {
                    x: cx,
                    y: cy,
                    radius,
                    amplitude_pa: tool.stim_amplitude_pa.clamp(-10_000.0, 10_000.0),
                    duration_ms: tool.stim_duration_ms.clamp(0.1, 1000.0),
                });
                *stroke = Some((world, now));
            }
        }
        ToolMode::Brush => {
            let Some(mut generated) = generated else {
                return;
            };
            let angle = match tool.brush_direction {
                BrushDirection::Stroke => match *stroke {
                    Some((p, _)) if world.distance(p) >= 0.3 => {
                        let d = world - p;
                        Some(f64::from(d.y.atan2(d.x)).rem_euclid(TAU))
                    }
                    Some(_) => return,
                    None => {
                        *stroke = Some((world, now));
                        return;
                    }
                },
                BrushDirection::Fixed => Some(tool.brush_angle_deg.to_radians().rem_euclid(TAU)),
                BrushDirection::Erase => None,
            };
            let angle = angle.map(|a| paint::snap(&state.params, a));
            let radius = (tool.brush_radius * grid).clamp(0.5, n as f64 / 2.0);
            // Between two frames the cursor may have moved far: paint discs along the segment.
            let from = stroke.map_or(world, |(p, _)| p);
            let (from, to) = ((f64::from(from.x), f64::from(from.y)), (f64::from(world.x), f64::from(world.y)));
            for point in paint::stroke_points(from, to, radius) {
                let centre = (point.0.rem_euclid(n as f64), point.1.rem_euclid(n as f64));
                paint_disc(&mut conn.0, &mut generated, n, centre, radius, angle, &mut pending.sources);
            }
            pending.since.get_or_insert(now);
            pending.stroke_active = true;
            *stroke = Some((world, now));
        }
    }
}

/// A ring under the cursor (over the sheet) showing the stimulus or brush radius.
fn cursor_ring(
    mut gizmos: Gizmos,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Transform, &Projection), With<Camera2d>>,
    wants: Res<EguiWantsInput>,
    view: Res<ViewCamera>,
    tool: Res<Tool>,
    state: Res<SimState>,
) {
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    if cursor.x < view.panel_px || wants.wants_any_pointer_input() {
        return;
    }
    let centre = cursor_world(cursor, &window, *camera);
    let n = state.params.n as f64;
    let (radius, colour) = match tool.mode {
        ToolMode::Stimulus => (tool.stim_radius, Color::srgba(1.0, 1.0, 1.0, 0.6)),
        ToolMode::Brush => (tool.brush_radius, Color::srgba(1.0, 0.85, 0.4, 0.8)),
    };
    let r = (radius * n / 100.0).clamp(0.5, n / 2.0) as f32;
    gizmos.circle_2d(centre, r, colour);
}

/// Sets the direction of every neuron within `radius` of `centre` (on the torus); `None` restores
/// the generated direction.
fn paint_disc(
    conn: &mut Connectivity,
    generated: &mut GeneratedLandscape,
    n: usize,
    centre: (f64, f64),
    radius: f64,
    angle: Option<f64>,
    sources: &mut Vec<usize>,
) {
    if conn.landscape.direction.len() != n * n || generated.landscape.direction.len() != n * n {
        return;
    }
    for id in paint::disc(n, centre, radius) {
        let new = match angle {
            Some(a) => a as f32,
            None => generated.landscape.direction[id],
        };
        generated.painted[id] = angle.is_some();
        sources.extend(paint::set_directions(&mut conn.landscape.direction, &[id], new));
    }
}

/// Redraws the connections of painted neurons: at most about five times a second while
/// painting, and when the stroke ends.
fn redraw_painted(
    mut pending: ResMut<PendingRedraw>,
    mut conn: ResMut<SimConnectivity>,
    state: Res<SimState>,
    pool: Res<SimPool>,
    ei: Option<ResMut<EiSim>>,
) {
    let Some(since) = pending.since else { return };
    if pending.stroke_active && since.elapsed() < Duration::from_millis(200) {
        return;
    }
    let mut sources = std::mem::take(&mut pending.sources);
    pending.since = None;
    sources.sort_unstable();
    sources.dedup();
    if sources.is_empty() {
        return;
    }
    match ei {
        Some(mut sim) => sim.repaint(&conn.landscape.direction, &sources),
        None => redraw(&mut conn.0, &state.params, &sources, &pool),
    }
}

/// New connections for `sources` after their directions changed, and the partitioned buckets.
pub fn redraw(conn: &mut Connectivity, params: &Params, sources: &[usize], pool: &SimPool) {
    pool.install(|| paint::redraw(conn, params, sources));
}

/// Restores the generated direction of every painted neuron and redraws their connections.
pub fn erase_all(world: &mut World) {
    let painted: Vec<usize> = {
        let g = world.resource::<GeneratedLandscape>();
        g.painted.iter().enumerate().filter(|(_, p)| **p).map(|(i, _)| i).collect()
    };
    if painted.is_empty() {
        return;
    }
    let generated = world.resource::<GeneratedLandscape>().landscape.clone();
    let params = world.resource::<SimState>().params.clone();
    let pool = world.resource::<SimPool>().clone();
    world.resource_scope(|world, mut conn: Mut<SimConnectivity>| {
        if conn.landscape.direction.len() != generated.direction.len() {
            return;
        }
        for &id in &painted {
            conn.landscape.direction[id] = generated.direction[id];
        }
        match world.get_resource_mut::<EiSim>() {
            Some(mut sim) => sim.repaint(&conn.landscape.direction, &painted),
            None => redraw(&mut conn.0, &params, &painted, &pool),
        }
    });
    world.resource_mut::<GeneratedLandscape>().painted.iter_mut().for_each(|p| *p = false);
    world.resource_mut::<Notices>().push(format!("erased the painted landscape ({} neurons)", painted.len()));
}

/// The landscape file saved beside the preset `NAME.toml`: `NAME-landscape.npy`.
pub fn painting_path(preset: &Path) -> PathBuf {
    let stem = preset.file_stem().map_or_else(|| "seqscape".into(), |s| s.to_string_lossy().into_owned());
    preset.with_file_name(format!("{stem}-landscape.npy"))
}

/// Writes `landscape` (the live one, painting included) as a landscape file beside the preset path
/// `preset` ([`painting_path`]); returns the file and `params` with it as their landscape, named
/// relative to the preset, so that a preset saved from them keeps the painting.
pub fn save_painting(params: &Params, landscape: &Landscape, preset: &Path) -> Result<(PathBuf, Params), String> {
    let path = painting_path(preset);
    write_landscape_npy(&path, landscape.n, &landscape.direction).map_err(|e| e.to_string())?;
    let name = path.file_name().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let map = LandscapeMap::new(&name, landscape.n, landscape.direction.clone()).map_err(|e| e.to_string())?;
    let kept = Params { landscape: LandscapeKind::File, landscape_map: Some(map), ..params.clone() };
    Ok((path, kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use seqscape_core::model::network::{Network, thread_pool};
    use seqscape_core::model::{LandscapeKind, Params, Preset};

    #[test]
    fn painting_sets_directions_on_the_torus_and_redraws_their_connections() {
        let p = Params::new(Preset::Paper, LandscapeKind::Homogeneous, 5).unwrap();
        let pool = thread_pool(2);
        let net = Network::build(p.clone(), pool.clone()).unwrap();
        let mut conn = net.conn.clone();
        let mut generated = GeneratedLandscape::new(conn.landscape.clone());
        let n = p.n;
        let mut sources = Vec::new();
        // A disc of radius 1.5 around the corner cell (0, 0) wraps to the other edges.
        paint_disc(&mut conn, &mut generated, n, (0.5, 0.5), 1.5, Some(0.0), &mut sources);
        for id in [0, 1, n - 1, n, (n - 1) * n] {
            assert!(sources.contains(&id), "{id} was not painted");
            assert_eq!(conn.landscape.direction[id], 0.0);
            assert!(generated.painted[id]);
        }
        assert_eq!(sources.len(), 9);
        let before = conn.buckets.targets_of(0).to_vec();
        redraw(&mut conn, &p, &sources, &SimPool(pool.clone()));
        assert_eq!(conn.parts.len(), net.conn.parts.len());
        assert_ne!(conn.buckets.targets_of(0), before.as_slice(), "the painted neuron's targets moved");
        assert_eq!(conn.buckets.targets_of(n / 2 * n + n / 2), net.conn.buckets.targets_of(n / 2 * n + n / 2));
        // Erasing restores the generated direction and, redrawn, the original connections.
        let mut again = Vec::new();
        paint_disc(&mut conn, &mut generated, n, (0.5, 0.5), 1.5, None, &mut again);
        redraw(&mut conn, &p, &again, &SimPool(pool));
        assert_eq!(conn.landscape, net.conn.landscape);
        assert_eq!(conn.buckets, net.conn.buckets);
        assert!(generated.painted.iter().all(|&b| !b));
    }

    #[test]
    fn a_saved_painting_and_its_preset_rebuild_the_painted_network() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Perlin, 5).unwrap();
        p.seed = 4;
        let pool = thread_pool(2);
        let net = Network::build(p.clone(), pool.clone()).unwrap();
        let mut conn = net.conn.clone();
        let mut generated = GeneratedLandscape::new(conn.landscape.clone());
        let mut sources = Vec::new();
        paint_disc(&mut conn, &mut generated, p.n, (7.5, 9.5), 3.0, Some(paint::snap(&p, 2.0)), &mut sources);
        redraw(&mut conn, &p, &sources, &SimPool(pool.clone()));
        let dir = tempfile::tempdir().unwrap();
        let preset = dir.path().join("mine.toml");
        let (file, kept) = save_painting(&p, &conn.landscape, &preset).unwrap();
        assert_eq!(file, dir.path().join("mine-landscape.npy"));
        crate::presets::save(&kept, &preset).unwrap();
        let text = std::fs::read_to_string(&preset).unwrap();
        assert!(text.contains("landscape_file = \"mine-landscape.npy\""), "{text}");
        // Read back from another working folder: the file is found beside the preset.
        let loaded = crate::presets::load(&preset).unwrap();
        assert_eq!(loaded.landscape, LandscapeKind::File);
        let rebuilt = Network::build(loaded, pool).unwrap();
        assert_eq!(rebuilt.conn.landscape, conn.landscape);
        assert_eq!(rebuilt.conn.buckets, conn.buckets);
    }

    /// The brush on the E-I network: painting a disc of E neurons eastwards shifts their E targets
    /// east (the E→E connections are redrawn from the painted direction), and erasing restores
    /// the landscape and every connection exactly.
    #[test]
    fn the_brush_paints_the_e_sheet_of_the_ei_network_and_erasing_restores_it() {
        use seqscape_core::model::ei::{EiNetwork, EiParams, ei_thread_pool};
        use seqscape_core::sim::ei::insert_ei_network;

        let p = EiParams::new(LandscapeKind::Symmetric, 3).unwrap();
        let net = EiNetwork::build(p, ei_thread_pool(2)).unwrap();
        let generated_conn = net.conn.clone();
        let mut world = World::new();
        insert_ei_network(&mut world, net);
        let shown = world.resource::<SimConnectivity>().landscape.clone();
        world.insert_resource(GeneratedLandscape::new(shown));
        world.init_resource::<Notices>();
        let n = world.resource::<SimState>().params.n;
        let centre = (n as f64 / 2.0, n as f64 / 2.0);
        let mut sources = Vec::new();
        world.resource_scope(|world, mut conn: Mut<SimConnectivity>| {
            let mut generated = world.resource_mut::<GeneratedLandscape>();
            paint_disc(&mut conn.0, &mut generated, n, centre, 3.0, Some(0.0), &mut sources);
        });
        sources.sort_unstable();
        assert!(sources.len() >= 25, "a disc of radius 3 paints {} neurons", sources.len());
        let painted = world.resource::<SimConnectivity>().landscape.direction.clone();
        world.resource_mut::<EiSim>().repaint(&painted, &sources);

        // The painted sources' E targets lie east of them on average; unpainted ones are untouched.
        let ne = (n * n) as u32;
        let mean_dx = |conn: &seqscape_core::model::ei::EiConnectivity, s: usize| {
            let e: Vec<f64> = conn
                .targets_of(s)
                .iter()
                .filter(|&&t| t < ne)
                .map(|&t| {
                    let d = (t as usize % n) as f64 - (s % n) as f64;
                    (d + n as f64 / 2.0).rem_euclid(n as f64) - n as f64 / 2.0
                })
                .collect();
            e.iter().sum::<f64>() / e.len() as f64
        };
        {
            let sim = world.resource::<EiSim>();
            let east: f64 = sources.iter().map(|&s| mean_dx(&sim.conn, s)).sum::<f64>() / sources.len() as f64;
            let before: f64 = sources.iter().map(|&s| mean_dx(&generated_conn, s)).sum::<f64>() / sources.len() as f64;
            assert!(east > before + 0.5, "painted east: mean E-target offset {east:.2} (was {before:.2})");
            for &s in &sources {
                assert_eq!(sim.conn.landscape.direction[s], 0.0);
            }
            let far = 0;
            assert_eq!(sim.conn.targets_of(far), generated_conn.targets_of(far), "an unpainted source");
        }

        erase_all(&mut world);
        let sim = world.resource::<EiSim>();
        let bits = |d: &[f32]| d.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
        assert_eq!(bits(&sim.conn.landscape.direction), bits(&generated_conn.landscape.direction));
        for s in 0..generated_conn.n_sources() {
            assert_eq!(sim.conn.targets_of(s), generated_conn.targets_of(s), "source {s} after erasing");
        }
        assert!(world.resource::<GeneratedLandscape>().painted.iter().all(|&p| !p));
    }
}
