//! Live sequence tracking: the core's `BumpTracker` follows the bumps of `ActivityBins.trace`
//! every frame in which simulated time advanced; their trails are gizmo polylines (split where they
//! wrap around the torus) and the panel shows how many there are and their median speed.

use bevy::prelude::*;
use seqscape_core::analysis::live::BumpTracker;
use seqscape_core::sim::{ActivityBins, SimState};

use super::{AppSet, ViewSettings};

pub(super) fn plugin(app: &mut App) {
    app.init_gizmo_group::<TrailGizmos>();
    app.add_systems(Startup, configure);
    app.add_systems(Update, (update, draw).chain().in_set(AppSet::Display));
}

/// The gizmo group of the sequence trails.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct TrailGizmos;

/// The tracker and its latest figures.
#[derive(Resource)]
pub struct Tracking {
    pub tracker: BumpTracker,
    pub n: usize,
    last_t_ms: f64,
    pub count: usize,
    pub median_speed: Option<f32>,
}

fn configure(mut commands: Commands, mut store: ResMut<GizmoConfigStore>, state: Res<SimState>) {
    let (config, _) = store.config_mut::<TrailGizmos>();
    config.line.width = 3.0;
    let n = state.params.n;
    commands.insert_resource(Tracking {
        tracker: BumpTracker::new(n),
        n,
        last_t_ms: f64::NAN,
        count: 0,
        median_speed: None,
    });
}

fn update(mut tracking: ResMut<Tracking>, bins: Res<ActivityBins>, state: Res<SimState>) {
    let n = state.params.n;
    if tracking.n != n {
        *tracking = Tracking { tracker: BumpTracker::new(n), n, last_t_ms: f64::NAN, count: 0, median_speed: None };
    }
    let t = state.t_ms();
    if tracking.last_t_ms == t {
        return;
    }
    if tracking.last_t_ms > t {
        tracking.tracker.clear();
    }
    tracking.last_t_ms = t;
    if tracking.tracker.update(&bins.trace, t).is_ok() {
        tracking.count = tracking.tracker.count();
        tracking.median_speed = tracking.tracker.median_speed_grid_per_s();
    }
}

fn draw(mut gizmos: Gizmos<TrailGizmos>, tracking: Res<Tracking>, settings: Res<ViewSettings>) {
    if !settings.trails {
        return;
    }
    let n = tracking.n;
    let range = if settings.tiled { -1..=1 } else { 0..=0 };
    let colour = Color::srgb(1.0, 0.35, 0.2);
    for track in tracking.tracker.tracks() {
        for segment in track.trail_segments(n) {
            if segment.len() < 2 {
                continue;
            }
            for oy in range.clone() {
                for ox in range.clone() {
                    let shift = Vec2::new(ox as f32 + 0.0, oy as f32) * n as f32 + Vec2::splat(0.5);
                    gizmos.linestrip_2d(segment.iter().map(|p| Vec2::new(p.x, p.y) + shift), colour);
                }
            }
        }
        if let Some(p) = track.position() {
            gizmos.circle_2d(Vec2::new(p.x, p.y) + Vec2::splat(0.5), 1.0, colour);
        }
    }
}
