//! Landscape arrows in their own gizmo group: thin and semi-transparent so that the activity stays
//! readable, one per k×k block, k chosen from the zoom so that arrows stay about 40 pixels apart,
//! drawn on every visible copy of the sheet; a block the brush painted shows the painted direction.
//! The block size divides the sheet where it can, so that no partial block at an edge puts two
//! arrows next to each other across the seam of the 3×3 tiling, and an arrow spans 60 % of its
//! block, so that neighbours never touch. `A` toggles.

use bevy::prelude::*;
use seqscape_core::sim::{SimConnectivity, SimState};

use super::camera::flat_view;
use super::{AppSet, GeneratedLandscape, ViewSettings};
use crate::output::frames::block_arrows_painted;

pub(super) fn plugin(app: &mut App) {
    app.init_gizmo_group::<ArrowGizmos>();
    app.add_systems(Startup, configure);
    app.add_systems(Update, (sync_enabled, draw.run_if(flat_view)).chain().in_set(AppSet::Display));
}

/// The gizmo group of the landscape arrows.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct ArrowGizmos;

/// The arrows' colour: white (outside the perceptual colour maps), half transparent.
pub const ARROW_COLOR: Color = Color::srgba(1.0, 1.0, 1.0, 0.5);

/// Arrow length as a fraction of the block side.
pub const ARROW_FRACTION: f32 = 0.6;

/// The block side for arrows about `target` cells apart on an `n`-cell sheet: the divisor of `n`
/// nearest to `target` between ¾ and 1½ times it, else `target` (clamped to 1..=n).
pub fn block_side(n: usize, target: usize) -> usize {
    let n = n.max(1);
    let target = target.clamp(1, n);
    let (lo, hi) = ((target * 3).div_ceil(4).max(1), (target * 3 / 2).min(n));
    (lo..=hi).filter(|k| n.is_multiple_of(*k)).min_by_key(|&k| k.abs_diff(target)).unwrap_or(target)
}

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
    let scale = super::camera::ortho_scale(&camera);
    let cell_px = 1.0 / scale.max(1.0e-4);
    let k = block_side(n, (40.0 / cell_px).ceil() as usize);
    let len = ARROW_FRACTION * k as f32;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_divide_the_sheet_where_they_can() {
        assert_eq!(block_side(120, 7), 6);
        assert_eq!(block_side(120, 21), 20);
        assert_eq!(block_side(100, 3), 4);
        assert_eq!(block_side(50, 6), 5);
        // A prime side has no divisor near the target: the target itself.
        assert_eq!(block_side(97, 10), 10);
        assert_eq!(block_side(50, 500), 50);
        assert_eq!(block_side(50, 0), 1);
        for n in [20, 50, 97, 100, 120, 300] {
            for t in 1..=n {
                let k = block_side(n, t);
                assert!(4 * k >= 3 * t && 2 * k <= 3 * t, "n {n}, target {t}: {k}");
            }
        }
    }
}
