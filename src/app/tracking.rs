//! Live sequence tracking in the window: the core's [`Tracking`] follows the bumps of
//! `ActivityBins.trace` every frame in which simulated time advanced; its travelling sequences are
//! drawn as smoothed gizmo polylines over the last [`TRAIL_DRAW_MS`] (split where they wrap around
//! the torus, repeated in the 3×3 tiling).

use bevy::prelude::*;
use seqscape_core::analysis::linker::{TRAIL_DRAW_MS, Tracking, smoothed_trail};
use seqscape_core::analysis::live::{TrailPoint, split_trail};
use seqscape_core::sim::{ActivityBins, SimState};

use super::camera::flat_view;
use super::{AppSet, ViewSettings};

pub(super) fn plugin(app: &mut App) {
    app.init_gizmo_group::<TrailGizmos>();
    app.add_systems(Startup, configure);
    app.add_systems(Update, (update, draw.run_if(flat_view)).chain().in_set(AppSet::Display));
}

/// The gizmo group of the sequence trails.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct TrailGizmos;

/// The window's tracker.
#[derive(Resource, Deref, DerefMut)]
pub struct LiveTracking(pub Tracking);

fn configure(mut commands: Commands, mut store: ResMut<GizmoConfigStore>, state: Res<SimState>) {
    let (config, _) = store.config_mut::<TrailGizmos>();
    config.line.width = 2.5;
    commands.insert_resource(LiveTracking(Tracking::new(state.params.n)));
}

fn update(mut tracking: ResMut<LiveTracking>, bins: Res<ActivityBins>, state: Res<SimState>) {
    let n = state.params.n;
    if tracking.n != n {
        tracking.0 = Tracking::new(n);
    }
    tracking.update(&bins.trace, state.t_ms());
}

/// The trails' colour.
pub const TRAIL_COLOR: Color = Color::srgba(1.0, 0.35, 0.2, 0.9);

/// Each travelling sequence's last [`TRAIL_DRAW_MS`] of smoothed trail, split where it wraps
/// around the torus, and its head.
pub fn recent_trails(tracking: &Tracking) -> Vec<(Vec<Vec<TrailPoint>>, Option<TrailPoint>)> {
    let n = tracking.n;
    tracking
        .travelling()
        .map(|track| {
            let mut smooth = smoothed_trail(track, n);
            let t_end = smooth.last().map_or(0.0, |p| p.t_ms);
            smooth.retain(|p| p.t_ms >= t_end - TRAIL_DRAW_MS);
            (split_trail(&smooth, n), smooth.last().copied())
        })
        .collect()
}

fn draw(mut gizmos: Gizmos<TrailGizmos>, tracking: Res<LiveTracking>, settings: Res<ViewSettings>) {
    if !settings.trails {
        return;
    }
    let n = tracking.n;
    let range = if settings.tiled { -1..=1 } else { 0..=0 };
    for (segments, head) in recent_trails(&tracking) {
        for segment in segments.iter().filter(|s| s.len() >= 2) {
            for oy in range.clone() {
                for ox in range.clone() {
                    let shift = Vec2::new(ox as f32, oy as f32) * n as f32 + Vec2::splat(0.5);
                    gizmos.linestrip_2d(segment.iter().map(|p| Vec2::new(p.x, p.y) + shift), TRAIL_COLOR);
                }
            }
        }
        if let Some(p) = head {
            gizmos.circle_2d(Vec2::new(p.x, p.y) + Vec2::splat(0.5), 1.0, TRAIL_COLOR);
        }
    }
}
