//! Landscape arrows in their own gizmo group: thin and semi-transparent so that the activity stays
//! readable, one per k×k block, k chosen from the zoom so that arrows stay about 40 pixels apart,
//! drawn on every visible copy of the sheet; a block the brush painted shows the painted direction.
//! `A` toggles.

use bevy::prelude::*;
use seqscape_core::sim::{SimConnectivity, SimState};

use super::{AppSet, GeneratedLandscape, ViewSettings};
use crate::output::frames::block_arrows_painted;

pub(super) fn plugin(app: &mut App) {
    app.init_gizmo_group::<ArrowGizmos>();
    app.add_systems(Startup, configure);
    app.add_systems(Update, (sync_enabled, draw).chain().in_set(AppSet::Display));
}

/// The gizmo group of the landscape arrows.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct ArrowGizmos;

/// The arrows' colour: white (outside the perceptual colour maps), half transparent.
pub const ARROW_COLOR: Color = Color::srgba(1.0, 1.0, 1.0, 0.5);

fn configure(mut store: ResMut<GizmoConfigStore>) {
    let (config, _) = store.config_mut::<ArrowGizmos>();
    config.line.width = 1.0;
}

/// Turns the arrow group on and off with the view setting (`A`, the panel, `--no-arrows`).
fn sync_enabled(mut store: ResMut<GizmoConfigStore>, settings: Res<ViewSettings>) {
    let (config, _) = store.config_mut::<ArrowGizmos>();
    if config.enabled != settings.arrows {
        config.enabled = settings.arrows;
    }
}

fn draw(
    mut gizmos: Gizmos<ArrowGizmos>,
    settings: Res<ViewSettings>,
    conn: Res<SimConnectivity>,
    generated: Res<GeneratedLandscape>,
    state: Res<SimState>,
    camera: Single<&Projection, With<Camera2d>>,
) {
    if !settings.arrows {
        return;
    }
    let n = state.params.n;
    let scale = match *camera {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    let cell_px = 1.0 / scale.max(1.0e-4);
    let k = ((40.0 / cell_px).ceil() as usize).clamp(1, n.max(1));
    let len = 0.8 * k as f32;
    let arrows = block_arrows_painted(&conn.landscape, k, Some(&generated.painted));
    let range = if settings.tiled { -1..=1 } else { 0..=0 };
    for oy in range.clone() {
        for ox in range.clone() {
            let shift = Vec2::new(ox as f32, oy as f32) * n as f32;
            for &([cx, cy], a) in &arrows {
                let c = Vec2::new(cx, cy) + shift;
                let d = Vec2::from_angle(a) * len / 2.0;
                gizmos.arrow_2d(c - d, c + d, ARROW_COLOR).with_tip_length(len * 0.35);
            }
        }
    }
}
