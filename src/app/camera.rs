//! The 2-D camera: world units are grid cells, the sheet spans `[0, n]²` with y up. Right or
//! middle drag pans, the wheel zooms about the cursor, and the view fits the free part of the
//! window (right of the panel) at start, on resize, on a new sheet size, on tiling and with `F`.

use bevy::input::mouse::{AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::window::{PrimaryWindow, WindowResized};
use bevy_egui::PrimaryEguiContext;
use bevy_egui::input::EguiWantsInput;
use seqscape_core::sim::SimState;

use super::{AppSet, ViewSettings, ViewShape};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ViewCamera>();
    app.add_systems(Startup, spawn);
    app.add_systems(Update, (pan_zoom, fit).chain().in_set(AppSet::Input).run_if(flat_view));
}

/// Where the scene may be drawn and whether it should be fitted again.
#[derive(Resource, Debug)]
pub struct ViewCamera {
    /// Width of the panel on the left, logical pixels.
    pub panel_px: f32,
    pub fit_requested: bool,
    fitted_for: Option<(usize, bool, u32, u32, u32)>,
}

impl Default for ViewCamera {
    fn default() -> Self {
        ViewCamera { panel_px: 0.0, fit_requested: true, fitted_for: None }
    }
}

/// Whether the flat sheet is on view (the 2-D camera then pans, zooms and fits).
pub fn flat_view(settings: Res<ViewSettings>) -> bool {
    settings.shape == ViewShape::Sheet
}

fn spawn(mut commands: Commands) {
    // No multisampling: the sheet is nearest-filtered texels and arrows are thin lines, and on a
    // software renderer four samples per pixel cost most of the frame.
    // The panel and overlays are drawn by this camera (also over the torus view's 3-D camera).
    commands.spawn((Camera2d, Msaa::Off, Transform::from_xyz(50.0, 50.0, 0.0), PrimaryEguiContext));
}

/// The world point under a window position (logical pixels, origin top-left).
pub fn window_to_world(cursor: Vec2, window: &Window, camera: &Transform, scale: f32) -> Vec2 {
    let centre = Vec2::new(window.width(), window.height()) / 2.0;
    let d = (cursor - centre) * scale;
    camera.translation.truncate() + Vec2::new(d.x, -d.y)
}

/// The world point under `cursor` for the 2-D camera at `transform` with `projection`.
pub fn cursor_world(cursor: Vec2, window: &Window, (transform, projection): (&Transform, &Projection)) -> Vec2 {
    window_to_world(cursor, window, transform, ortho_scale(projection))
}

/// World units per pixel of an orthographic projection (1 for any other).
pub fn ortho_scale(projection: &Projection) -> f32 {
    match projection {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    }
}

fn set_scale(projection: &mut Projection, scale: f32) {
    if let Projection::Orthographic(o) = projection {
        o.scale = scale.clamp(1.0e-3, 10.0);
    }
}

fn pan_zoom(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Transform, &mut Projection), With<Camera2d>>,
    buttons: Res<ButtonInput<MouseButton>>,
    scroll: Res<AccumulatedMouseScroll>,
    wants: Res<EguiWantsInput>,
    view: Res<ViewCamera>,
    mut last: Local<Option<Vec2>>,
) {
    let (mut transform, mut projection) = camera.into_inner();
    let Some(cursor) = window.cursor_position() else {
        *last = None;
        return;
    };
    let over_panel = cursor.x < view.panel_px || wants.wants_any_pointer_input();
    let scale = ortho_scale(&projection);
    if buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle) {
        if let Some(prev) = *last {
            let d = (cursor - prev) * scale;
            transform.translation.x -= d.x;
            transform.translation.y += d.y;
        }
        *last = Some(cursor);
    } else {
        *last = None;
    }
    if !over_panel && scroll.delta.y != 0.0 {
        let steps = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
        };
        let new_scale = (scale * 1.15f32.powf(-steps)).clamp(1.0e-3, 10.0);
        let before = window_to_world(cursor, &window, &transform, scale);
        set_scale(&mut projection, new_scale);
        let after = window_to_world(cursor, &window, &transform, new_scale);
        transform.translation += (before - after).extend(0.0);
    }
}

fn fit(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Transform, &mut Projection), With<Camera2d>>,
    mut resized: MessageReader<WindowResized>,
    mut view: ResMut<ViewCamera>,
    settings: Res<ViewSettings>,
    state: Res<SimState>,
) {
    let n = state.params.n;
    let key = (n, settings.tiled, window.width() as u32, window.height() as u32, view.panel_px as u32);
    let resized = resized.read().count() > 0;
    if !(view.fit_requested || resized || view.fitted_for.map(|k| (k.0, k.1, k.4)) != Some((key.0, key.1, key.4))) {
        return;
    }
    view.fit_requested = false;
    view.fitted_for = Some(key);
    let (mut transform, mut projection) = camera.into_inner();
    let span = if settings.tiled { 3.0 * n as f32 } else { n as f32 };
    let free_w = (window.width() - view.panel_px).max(50.0);
    let free_h = window.height().max(50.0);
    let scale = (span / (free_w - 16.0).max(10.0)).max(span / (free_h - 16.0).max(10.0));
    set_scale(&mut projection, scale);
    let centre = Vec2::splat(n as f32 / 2.0);
    transform.translation.x = centre.x - view.panel_px / 2.0 * scale;
    transform.translation.y = centre.y;
}
