//! The torus in 3-D (`V`, `--view torus`): the sheet is a torus, so it is shown as one. A donut
//! mesh (x around the ring, y around the tube) carries the activity texture, shaded by one
//! directional light over a floor of emission, so the light gives it its shape and bumps glow in
//! the shade too. An orbit camera: drag (right or middle button anywhere, left button off the
//! donut) to turn it, the wheel to zoom, `F` to frame it; it turns slowly by itself while nobody
//! touches it and the simulation runs. `E` raises the surface where the activity is (relief).
//! The landscape arrows and the sequences' trails lie on the surface when they are shown. Clicks on the donut reach the sheet through [`pick`], which
//! `input` uses to stimulate and paint there as on the flat view.
//!
//! The 3-D scene lives on its own render layer, drawn by its own camera before the 2-D camera
//! (which keeps the panel and overlays and stops clearing the frame while the torus shows), so the
//! flat view's sprites and gizmos never appear in it and the other way round.

use std::f32::consts::TAU;

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::RenderLayers;
use bevy::camera::{ClearColorConfig, Viewport};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;
use seqscape_core::sim::ei::InhibitoryBins;
use seqscape_core::sim::{ActivityBins, SimConnectivity, SimState};

use super::arrows::{ARROW_COLOR, ARROW_FRACTION, block_side};
use super::camera::ViewCamera;
use super::clock::SimClock;
use super::tracking::{LiveTracking, TRAIL_COLOR, recent_trails};
use super::view::ActivityImage;
use super::{AppSet, GeneratedLandscape, Orbit, TorusPointer, ViewSettings, ViewShape};
use crate::output::frames::block_arrows_painted;

pub(super) fn plugin(app: &mut App) {
    bevy::asset::embedded_asset!(app, "donut.wgsl");
    app.add_plugins(MaterialPlugin::<DonutMaterial>::default());
    app.init_resource::<Orbit>();
    app.init_resource::<Relief>();
    app.init_gizmo_group::<TorusGizmos>();
    // After `view` made the activity texture.
    app.add_systems(PostStartup, spawn);
    app.init_resource::<TorusPointer>();
    app.add_systems(Update, (keys, orbit, point).chain().in_set(AppSet::Input).before(super::input::pointer));
    app.add_systems(Update, (switch, place_camera, raise, draw_arrows, draw_trails).chain().in_set(AppSet::Display));
}

/// The ring's radius (world units); the camera's distance is in these.
pub const RING_RADIUS: f32 = 1.0;
/// The tube's radius.
pub const TUBE_RADIUS: f32 = 0.4;
/// Quads around the ring and around the tube.
const RING_SEGMENTS: usize = 200;
const TUBE_SEGMENTS: usize = 80;
/// How far the relief lifts the most active point, world units.
const RELIEF_HEIGHT: f32 = 0.12;
/// Auto-rotation after this long without input, at this rate.
const IDLE_SECONDS: f32 = 3.0;
const AUTO_DEG_PER_S: f32 = 6.0;

/// The render layer of the 3-D scene.
const LAYER: usize = 1;

/// Whether the activity raises the surface (`E`).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct Relief(pub bool);

/// The donut's material: the activity texture, shaded by one directional light over a floor of
/// emission (`donut.wgsl`). Bevy's standard material does the same with ten times the shader
/// work per pixel, which a software renderer cannot afford at full window size.
#[derive(Asset, TypePath, AsBindGroup, Debug, Clone)]
pub struct DonutMaterial {
    #[texture(0)]
    #[sampler(1)]
    pub activity: Handle<Image>,
    /// xyz: unit vector towards the light; w: the emission floor.
    #[uniform(2)]
    pub light: Vec4,
}

impl Material for DonutMaterial {
    fn fragment_shader() -> ShaderRef {
        "embedded://seqscape/app/donut.wgsl".into()
    }
}

/// Towards the light (world space, fixed: the camera orbits under it) and the emission floor.
fn light() -> Vec4 {
    Vec3::new(0.45, 0.8, 0.4).normalize().extend(0.5)
}

/// The 3-D camera, the donut and the light.
#[derive(Component)]
pub struct TorusCamera;
#[derive(Component)]
struct Donut;

/// The gizmo group of the arrows on the donut (drawn only by the 3-D camera).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct TorusGizmos;

/// The surface point of sheet point (x, y) on an n×n sheet, lifted by `lift` along the normal,
/// and the outward normal.
pub fn surface(n: f32, x: f32, y: f32, lift: f32) -> (Vec3, Vec3) {
    let theta = TAU * x / n;
    let phi = TAU * y / n;
    let normal = Vec3::new(phi.cos() * theta.cos(), phi.sin(), phi.cos() * theta.sin());
    let centre = Vec3::new(RING_RADIUS * theta.cos(), 0.0, RING_RADIUS * theta.sin());
    (centre + normal * (TUBE_RADIUS + lift), normal)
}

/// The sheet point (x, y in [0, n)) of a point on (or near) the donut's surface.
pub fn sheet_point(n: f32, p: Vec3) -> Vec2 {
    let theta = p.z.atan2(p.x).rem_euclid(TAU);
    let radial = Vec2::new(p.x, p.z).length() - RING_RADIUS;
    let phi = p.y.atan2(radial).rem_euclid(TAU);
    Vec2::new(n * theta / TAU, n * phi / TAU).clamp(Vec2::ZERO, Vec2::splat(n.next_down()))
}

/// Signed distance from `p` to the donut's surface.
fn distance(p: Vec3) -> f32 {
    Vec2::new(Vec2::new(p.x, p.z).length() - RING_RADIUS, p.y).length() - TUBE_RADIUS
}

/// The first point where a ray meets the donut, by sphere tracing (the distance bound never
/// oversteps the surface).
pub fn ray_hit(origin: Vec3, direction: Vec3) -> Option<Vec3> {
    let d = direction.try_normalize()?;
    let mut t = 0.0;
    for _ in 0..256 {
        let p = origin + d * t;
        let s = distance(p);
        if s < 1.0e-4 {
            return Some(p);
        }
        t += s;
        if t > 100.0 {
            break;
        }
    }
    None
}

/// The sheet point under a window position (logical pixels), if the position is on the donut.
pub fn pick(camera: &Camera, transform: &GlobalTransform, cursor: Vec2, n: usize) -> Option<Vec2> {
    let ray = camera.viewport_to_world(transform, cursor).ok()?;
    ray_hit(ray.origin, *ray.direction).map(|p| sheet_point(n as f32, p))
}

/// The donut: a grid of (ring + 1) × (tube + 1) vertices (the seam duplicated for the texture).
/// Texture v runs down the image, whose row 0 is the sheet's top row y = n − 1.
pub fn donut_mesh() -> Mesh {
    let (m, k) = (RING_SEGMENTS, TUBE_SEGMENTS);
    let mut positions = Vec::with_capacity((m + 1) * (k + 1));
    let mut normals = Vec::with_capacity(positions.capacity());
    let mut uvs = Vec::with_capacity(positions.capacity());
    for i in 0..=m {
        for j in 0..=k {
            let (u, v) = (i as f32 / m as f32, j as f32 / k as f32);
            let (p, nrm) = surface(1.0, u, v, 0.0);
            positions.push(p.to_array());
            normals.push(nrm.to_array());
            uvs.push([u, 1.0 - v]);
        }
    }
    let at = |i: usize, j: usize| (i * (k + 1) + j) as u32;
    let mut indices = Vec::with_capacity(m * k * 6);
    for i in 0..m {
        for j in 0..k {
            // Counter-clockwise seen from outside: (tube step) × (ring step) points outward.
            indices.extend([at(i, j), at(i, j + 1), at(i + 1, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1)]);
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD)
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
        .with_inserted_indices(Indices::U32(indices))
}

fn spawn(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<DonutMaterial>>,
    mut store: ResMut<GizmoConfigStore>,
    image: Res<ActivityImage>,
    settings: Res<ViewSettings>,
) {
    let layer = RenderLayers::layer(LAYER);
    let on = settings.shape == ViewShape::Torus;
    commands.spawn((
        Camera3d::default(),
        Camera { order: -1, is_active: on, ..default() },
        // The default tone mapping needs lookup tables this build leaves out; colours go out as mapped.
        Tonemapping::None,
        Msaa::Off,
        Transform::from_xyz(0.0, 2.0, 3.0).looking_at(Vec3::ZERO, Vec3::Y),
        layer.clone(),
        TorusCamera,
    ));
    let material = DonutMaterial { activity: image.handle.clone(), light: light() };
    commands.spawn((Mesh3d(meshes.add(donut_mesh())), MeshMaterial3d(materials.add(material)), layer.clone(), Donut));
    let (config, _) = store.config_mut::<TorusGizmos>();
    config.line.width = 1.0;
    config.render_layers = layer;
}

/// `V` switches sheet / torus; in the torus view `F` frames the donut and `E` toggles the relief.
fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    mut settings: ResMut<ViewSettings>,
    mut orbit: ResMut<Orbit>,
    mut relief: ResMut<Relief>,
    mut view: ResMut<ViewCamera>,
    playing: Option<Res<super::play::Playing>>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    for key in keys.get_just_pressed() {
        match key {
            // Levels are played on the flat sheet.
            KeyCode::KeyV if playing.is_none() => {
                settings.shape = match settings.shape {
                    ViewShape::Sheet => ViewShape::Torus,
                    ViewShape::Torus => ViewShape::Sheet,
                };
                view.fit_requested = true;
            }
            KeyCode::KeyF if settings.shape == ViewShape::Torus => {
                let d = Orbit::default();
                orbit.distance = d.distance;
                orbit.pitch_deg = d.pitch_deg;
            }
            KeyCode::KeyE if settings.shape == ViewShape::Torus => relief.0 = !relief.0,
            _ => {}
        }
    }
}

/// Drag to turn, wheel to zoom; turns by itself after a few idle seconds.
fn orbit(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<TorusCamera>>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    wants: Res<EguiWantsInput>,
    view: Res<ViewCamera>,
    settings: Res<ViewSettings>,
    state: Res<SimState>,
    time: Res<Time<Real>>,
    clock: Res<SimClock>,
    mut orbit: ResMut<Orbit>,
    mut turning: Local<bool>,
    mut last_input: Local<Option<Instant>>,
) {
    if settings.shape != ViewShape::Torus {
        *turning = false;
        return;
    }
    let idle = last_input.get_or_insert_with(Instant::now);
    let cursor = window.cursor_position();
    let over_panel = cursor.is_none_or(|c| c.x < view.panel_px) || wants.wants_any_pointer_input();
    if buttons.just_pressed(MouseButton::Left) {
        // A left press turns the donut only where it does not land on it (there it stimulates).
        let (cam, transform) = *camera;
        *turning = !over_panel && cursor.is_some_and(|c| pick(cam, transform, c, state.params.n).is_none());
    }
    if !buttons.pressed(MouseButton::Left) {
        *turning = false;
    }
    let dragging = *turning
        || (!over_panel || motion.delta != Vec2::ZERO)
            && (buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle));
    if dragging && motion.delta != Vec2::ZERO {
        orbit.yaw_deg = (orbit.yaw_deg + motion.delta.x * 0.4).rem_euclid(360.0);
        orbit.pitch_deg = (orbit.pitch_deg + motion.delta.y * 0.4).clamp(-85.0, 85.0);
        *idle = Instant::now();
    }
    if !over_panel && scroll.delta.y != 0.0 {
        let steps = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
        };
        orbit.distance = (orbit.distance * 1.12f32.powf(-steps)).clamp(1.0, 12.0);
        *idle = Instant::now();
    }
    if buttons.get_pressed().next().is_some() {
        *idle = Instant::now();
    }
    // A paused sheet holds still, so that what was clicked stays where it was.
    if orbit.auto_rotate && !clock.paused && idle.elapsed().as_secs_f32() > IDLE_SECONDS {
        orbit.yaw_deg = (orbit.yaw_deg + AUTO_DEG_PER_S * time.delta_secs()).rem_euclid(360.0);
    }
}

/// The sheet point under the cursor for `input`'s clicks and brush strokes.
fn point(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<TorusCamera>>,
    settings: Res<ViewSettings>,
    state: Res<SimState>,
    mut pointer: ResMut<TorusPointer>,
) {
    let (cam, transform) = *camera;
    let p = match window.cursor_position() {
        Some(c) if settings.shape == ViewShape::Torus && cam.is_active => pick(cam, transform, c, state.params.n),
        _ => None,
    };
    if pointer.0 != p {
        pointer.0 = p;
    }
}

/// Shows the scene the view asks for: the 3-D camera and the 2-D sheet take turns; the 2-D
/// camera keeps drawing the panel and overlays over the donut.
fn switch(
    settings: Res<ViewSettings>,
    mut cameras: Query<(&mut Camera, Has<TorusCamera>), Or<(With<TorusCamera>, With<Camera2d>)>>,
    mut shown: Local<Option<ViewShape>>,
) {
    if *shown == Some(settings.shape) && !settings.is_changed() {
        return;
    }
    *shown = Some(settings.shape);
    let torus = settings.shape == ViewShape::Torus;
    for (mut camera, is_torus) in &mut cameras {
        if is_torus {
            camera.is_active = torus;
        } else {
            camera.clear_color = if torus { ClearColorConfig::None } else { ClearColorConfig::Default };
        }
    }
}

/// The camera on its orbit, its viewport right of the panel.
fn place_camera(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Camera, &mut Transform), With<TorusCamera>>,
    orbit: Res<Orbit>,
    view: Res<ViewCamera>,
    settings: Res<ViewSettings>,
) {
    if settings.shape != ViewShape::Torus {
        return;
    }
    let (mut camera, mut transform) = camera.into_inner();
    let (yaw, pitch) = (orbit.yaw_deg.to_radians(), orbit.pitch_deg.to_radians().clamp(-1.5, 1.5));
    let eye = orbit.distance.max(0.5) * Vec3::new(pitch.cos() * yaw.cos(), pitch.sin(), pitch.cos() * yaw.sin());
    let t = Transform::from_translation(eye).looking_at(Vec3::ZERO, Vec3::Y);
    if *transform != t {
        *transform = t;
    }
    let scale = window.scale_factor();
    let (w, h) = (window.physical_width(), window.physical_height());
    let left = ((view.panel_px * scale).round() as u32).min(w.saturating_sub(16));
    let viewport = (w > 16 && h > 16).then(|| Viewport {
        physical_position: UVec2::new(left, 0),
        physical_size: UVec2::new(w - left, h),
        ..default()
    });
    let same = match (&camera.viewport, &viewport) {
        (Some(a), Some(b)) => a.physical_position == b.physical_position && a.physical_size == b.physical_size,
        (None, None) => true,
        _ => false,
    };
    if !same {
        camera.viewport = viewport;
    }
}

/// The relief: vertices lifted along their normal by the activity under them (and laid back flat
/// when it is switched off). The material is touched every frame so the new texture shows.
fn raise(
    settings: Res<ViewSettings>,
    relief: Res<Relief>,
    bins: Res<ActivityBins>,
    i_bins: Option<Res<InhibitoryBins>>,
    donut: Single<(&Mesh3d, &MeshMaterial3d<DonutMaterial>), With<Donut>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<DonutMaterial>>,
    mut raised: Local<bool>,
) {
    if settings.shape != ViewShape::Torus {
        return;
    }
    let (mesh, material) = *donut;
    // Marks the material changed, so it picks up this frame's texture.
    let _ = materials.get_mut(&material.0);
    if !relief.0 && !*raised {
        return;
    }
    let shown = match &i_bins {
        Some(i) if settings.show_i => &i.0,
        _ => &*bins,
    };
    let n = shown.n;
    if shown.trace.len() != n * n || n == 0 {
        return;
    }
    let Some(mut mesh) = meshes.get_mut(&mesh.0) else {
        return;
    };
    let Some(VertexAttributeValues::Float32x3(positions)) = mesh.attribute_mut(Mesh::ATTRIBUTE_POSITION) else {
        return;
    };
    let k = TUBE_SEGMENTS + 1;
    let max = settings.trace_max.max(1.0e-3);
    for (index, p) in positions.iter_mut().enumerate() {
        let (u, v) = ((index / k) as f32 / RING_SEGMENTS as f32, (index % k) as f32 / TUBE_SEGMENTS as f32);
        let (x, y) = (((u * n as f32) as usize).min(n - 1), ((v * n as f32) as usize).min(n - 1));
        let lift = if relief.0 { RELIEF_HEIGHT * (shown.trace[y * n + x] / max).clamp(0.0, 1.0) } else { 0.0 };
        *p = surface(1.0, u, v, lift).0.to_array();
    }
    *raised = relief.0;
}

/// The landscape arrows on the donut: one per block, as on the flat view, about 15 around the ring.
fn draw_arrows(
    mut gizmos: Gizmos<TorusGizmos>,
    settings: Res<ViewSettings>,
    conn: Res<SimConnectivity>,
    generated: Res<GeneratedLandscape>,
) {
    if settings.shape != ViewShape::Torus || !settings.arrows {
        return;
    }
    let n = conn.landscape.n;
    if n == 0 {
        return;
    }
    let k = block_side(n, n.div_ceil(15));
    let len = ARROW_FRACTION * k as f32;
    let nf = n as f32;
    let world_cell = TAU * RING_RADIUS / nf;
    for ([cx, cy], a) in block_arrows_painted(&conn.landscape, k, Some(&generated.painted)) {
        let d = Vec2::from_angle(a) * len / 2.0;
        let (start, _) = surface(nf, cx - d.x, cy - d.y, 0.01);
        let (end, _) = surface(nf, cx + d.x, cy + d.y, 0.01);
        gizmos.arrow(start, end, ARROW_COLOR).with_tip_length(len * world_cell * 0.35);
    }
}

/// The travelling sequences' trails on the donut, as on the flat view (split where they wrap).
fn draw_trails(mut gizmos: Gizmos<TorusGizmos>, settings: Res<ViewSettings>, tracking: Res<LiveTracking>) {
    if settings.shape != ViewShape::Torus || !settings.trails {
        return;
    }
    let nf = tracking.n as f32;
    for (segments, _) in recent_trails(&tracking) {
        for segment in segments.iter().filter(|s| s.len() >= 2) {
            gizmos.linestrip(segment.iter().map(|p| surface(nf, p.x + 0.5, p.y + 0.5, 0.015).0), TRAIL_COLOR);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_points_survive_the_trip_through_the_surface() {
        let n = 100.0;
        for &(x, y) in &[(0.5, 0.5), (25.0, 70.0), (99.4, 12.0), (50.0, 99.9), (73.3, 37.7)] {
            let (p, normal) = surface(n, x, y, 0.0);
            assert!(distance(p).abs() < 1.0e-5, "on the surface");
            assert!((normal.length() - 1.0).abs() < 1.0e-5);
            let back = sheet_point(n, p);
            assert!((back - Vec2::new(x, y)).length() < 1.0e-3, "({x}, {y}) came back as {back}");
        }
    }

    #[test]
    fn a_ray_from_outside_hits_the_near_side_first() {
        // Straight down the +x axis from far away: the outer equator, x = 0 and y = 0 on the sheet.
        let hit = ray_hit(Vec3::new(5.0, 0.0, 0.0), Vec3::NEG_X).unwrap();
        assert!((hit - Vec3::new(RING_RADIUS + TUBE_RADIUS, 0.0, 0.0)).length() < 1.0e-3);
        let p = sheet_point(100.0, hit);
        assert!(p.x < 0.01 || p.x > 99.99);
        // Down through the hole misses.
        assert!(ray_hit(Vec3::new(0.0, 5.0, 0.0), Vec3::NEG_Y).is_none());
        // From above onto the top of the tube at +z: a quarter of the way round the ring, y a quarter up.
        let top = ray_hit(Vec3::new(0.0, 5.0, RING_RADIUS), Vec3::NEG_Y).unwrap();
        let q = sheet_point(100.0, top);
        assert!((q - Vec2::new(25.0, 25.0)).length() < 0.05, "{q}");
    }

    #[test]
    fn the_mesh_faces_outward() {
        let mesh = donut_mesh();
        let Some(VertexAttributeValues::Float32x3(pos)) = mesh.attribute(Mesh::ATTRIBUTE_POSITION) else {
            panic!("positions")
        };
        let Some(Indices::U32(idx)) = mesh.indices() else { panic!("indices") };
        for tri in idx.chunks_exact(3).step_by(997) {
            let [a, b, c] = [0, 1, 2].map(|i| Vec3::from_array(pos[tri[i] as usize]));
            let centroid = (a + b + c) / 3.0;
            let radial = Vec3::new(centroid.x, 0.0, centroid.z).normalize() * RING_RADIUS;
            let outward = (centroid - radial).normalize();
            assert!((b - a).cross(c - a).dot(outward) > 0.0, "a triangle faces inward");
        }
    }
}
