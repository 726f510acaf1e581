//! Overlays on the sheet: the help window (`H`) with every shortcut, and a small badge showing
//! the tool and whether a recording is running.

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::ViewSettings;
use super::input::{Tool, ToolMode};
use super::panel::PANEL_WIDTH;
use super::recorder::Recorder;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, overlays);
}

const HELP: &[(&str, &str)] = &[
    ("left click / drag", "current pulse into a disc (brush mode: paint directions)"),
    ("right / middle drag", "pan"),
    ("wheel", "zoom about the cursor"),
    ("space", "pause / run"),
    (".", "one tick"),
    ("A", "landscape arrows"),
    ("B", "brush mode"),
    ("R", "record on / off"),
    ("S", "screenshot (PNG)"),
    ("T", "tile the torus 3×3"),
    ("F", "fit the view"),
    ("H", "this help"),
];

fn overlays(
    mut contexts: EguiContexts,
    mut settings: ResMut<ViewSettings>,
    tool: Res<Tool>,
    recorder: Res<Recorder>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if settings.help {
        let mut open = true;
        egui::Window::new("Keys and mouse").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            egui::Grid::new("help-grid").striped(true).show(ui, |ui| {
                for (key, what) in HELP {
                    ui.label(egui::RichText::new(*key).strong());
                    ui.label(*what);
                    ui.end_row();
                }
            });
        });
        settings.help = open;
    }
    let recording = recorder.recording().is_some();
    if recording || tool.mode == ToolMode::Brush {
        egui::Area::new("badge".into()).fixed_pos(egui::pos2(PANEL_WIDTH + 12.0, 8.0)).show(ctx, |ui| {
            if recording {
                ui.colored_label(Color32::from_rgb(255, 80, 80), "● REC");
            }
            if tool.mode == ToolMode::Brush {
                ui.colored_label(Color32::from_rgb(255, 220, 120), "brush");
            }
        });
    }
    Ok(())
}
