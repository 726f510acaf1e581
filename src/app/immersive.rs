//! Immersive mode (`F11`, `--fullscreen`): the window fills the screen and the panel steps aside,
//! so the view has the whole screen; a one-line caption stays. The panel slides back while the
//! pointer is at the left edge (and stays while the pointer is over it), or with `Tab`, which
//! pins it until the next `Tab`.

use bevy::prelude::*;
use bevy::window::{MonitorSelection, PrimaryWindow, WindowMode};
use bevy_egui::input::EguiWantsInput;

use super::camera::ViewCamera;
use super::panel::PANEL_WIDTH;
use super::{AppSet, PanelPeek, ViewSettings};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PanelPeek>();
    app.add_systems(Update, (keys, peek, window_mode).chain().in_set(AppSet::Input));
}

/// Pixels from the left edge at which the hidden panel slides back.
const EDGE_PX: f32 = 6.0;

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    mut settings: ResMut<ViewSettings>,
    mut panel: ResMut<PanelPeek>,
    mut view: ResMut<ViewCamera>,
) {
    if keys.just_pressed(KeyCode::F11) {
        settings.immersive = !settings.immersive;
        panel.pinned = false;
        panel.shown = false;
        view.fit_requested = true;
    }
    if settings.immersive && keys.just_pressed(KeyCode::Tab) && !wants.wants_any_keyboard_input() {
        panel.pinned = !panel.pinned;
        panel.shown = panel.pinned;
    }
}

/// The hidden panel comes back at the left edge and goes when the pointer leaves it.
fn peek(window: Single<&Window, With<PrimaryWindow>>, settings: Res<ViewSettings>, mut panel: ResMut<PanelPeek>) {
    if !settings.immersive || panel.pinned {
        return;
    }
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    let shown = if panel.shown { cursor.x <= PANEL_WIDTH + 24.0 } else { cursor.x <= EDGE_PX };
    if panel.shown != shown {
        panel.shown = shown;
    }
}

fn window_mode(settings: Res<ViewSettings>, mut window: Single<&mut Window, With<PrimaryWindow>>) {
    if cfg!(target_arch = "wasm32") {
        return;
    }
    let mode = if settings.immersive {
        WindowMode::BorderlessFullscreen(MonitorSelection::Current)
    } else {
        WindowMode::Windowed
    };
    if window.mode != mode {
        window.mode = mode;
    }
}
