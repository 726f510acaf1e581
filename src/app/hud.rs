//! Overlays on the sheet: the caption pinned to its top-left corner (landscape, simulated time,
//! real-time factor, population rate, frame rate — recordings show it too), a badge for the tool
//! and a running recording, first-run hints that fade after a few seconds, and the help window
//! (`H` or `?`) with every shortcut.

use bevy::platform::time::Instant;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use seqscape_core::sim::{ActivityBins, SimState};

use super::camera::ViewCamera;
use super::clock::SimClock;
use super::input::{Tool, ToolMode};
use super::panel::PANEL_WIDTH;
use super::recorder::Recorder;
use super::{PanelPeek, ViewSettings};

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
    ("B", "brush mode (I network)"),
    ("I", "E-I network: show the I sheet / the E sheet"),
    ("R", "record on / off (numbered files in the recording folder)"),
    ("S", "screenshot (PNG)"),
    ("T", "tile the torus 3×3"),
    ("V", "the torus in 3-D / the flat sheet"),
    ("drag off the donut / right drag", "torus view: turn it (it turns by itself when idle)"),
    ("E", "torus view: relief (activity raises the surface)"),
    ("F11", "immersive: full screen, panel hidden (left edge or Tab brings it back)"),
    ("F", "fit the view (torus view: frame the donut)"),
    ("H or ?", "this help"),
    ("L or Enter", "challenge: launch the sequence"),
    ("Backspace / N", "challenge: retry / next level"),
];

/// First-run hints, one line each; they fade out after [`HINT_SECONDS`].
const HINTS: &[&str] = &[
    "click the sheet: start a sequence",
    "B: paint landscape directions",
    "space: pause · R: record",
    "H or ?: all keys",
];
const HINT_SECONDS: f32 = 8.0;

/// The caption's text: what runs and how fast. `sheet` names the E-I network's sheet on view
/// (None for the I network); the rate is that sheet's.
pub fn caption(state: &SimState, clock: &SimClock, rate_hz: f64, sheet: Option<&str>) -> String {
    format!(
        "{} {} · t = {:.2} s · {:.2}× real time · {:.1} Hz · {:.0} fps",
        state.params.landscape.name(),
        sheet.map_or_else(|| state.params.preset.to_string(), |s| format!("E-I, {s} sheet")),
        state.t_ms() / 1000.0,
        clock.real_time_factor(),
        rate_hz,
        clock.fps
    )
}

fn overlays(
    mut contexts: EguiContexts,
    mut settings: ResMut<ViewSettings>,
    tool: Res<Tool>,
    recorder: Res<Recorder>,
    view: Res<ViewCamera>,
    state: Res<SimState>,
    clock: Res<SimClock>,
    bins: Res<ActivityBins>,
    ei: Option<Res<seqscape_core::sim::ei::InhibitoryBins>>,
    playing: Option<Res<super::play::Playing>>,
    tour: Option<Res<super::tour::TourPlayer>>,
    peek: Res<PanelPeek>,
    mut opened: Local<Option<Instant>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let opened = *opened.get_or_insert_with(Instant::now);
    // In immersive mode the panel floats over the view (which keeps the whole window): the
    // caption and hints move right of it while it shows.
    let floating = settings.immersive && peek.visible(&settings);
    let left = if floating { PANEL_WIDTH } else { view.panel_px } + 8.0;
    let (shown, sheet) = match &ei {
        Some(i) if settings.show_i => (&i.0, Some("I")),
        Some(_) => (&*bins, Some("E")),
        None => (&*bins, None),
    };
    let rate = shown.rate_hz.back().map_or(0.0, |b| b.1);
    egui::Area::new("caption".into()).fixed_pos(egui::pos2(left, 6.0)).interactable(false).show(ctx, |ui| {
        egui::Frame::new()
            .fill(Color32::from_black_alpha(210))
            .corner_radius(3.0)
            .inner_margin(egui::Margin::symmetric(6, 3))
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(caption(&state, &clock, rate, sheet)).color(Color32::from_gray(240)),
                    )
                    .extend(),
                );
                if settings.immersive {
                    ui.label(egui::RichText::new("F11: leave · Tab: panel").small().color(Color32::from_gray(170)));
                }
                let recording = recorder.recording().is_some();
                if recording || tool.mode == ToolMode::Brush {
                    ui.horizontal(|ui| {
                        if recording {
                            ui.colored_label(Color32::from_rgb(255, 80, 80), "REC");
                        }
                        if tool.mode == ToolMode::Brush {
                            ui.colored_label(Color32::from_rgb(255, 220, 120), "brush");
                        }
                    });
                }
            });
    });
    let age = opened.elapsed().as_secs_f32();
    // Level and tour have their own words for the sheet.
    let scripted = playing.is_some() || tour.is_some_and(|t| t.playing());
    if age < HINT_SECONDS + 2.0 && !settings.help && !settings.immersive && !scripted {
        let alpha = (1.0 - (age - HINT_SECONDS).max(0.0) / 2.0).clamp(0.0, 1.0);
        let bottom = ctx.content_rect().bottom() - 8.0;
        egui::Area::new("hints".into())
            .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(left, -(ctx.content_rect().height() - bottom)))
            .interactable(false)
            .show(ctx, |ui| {
                ui.set_opacity(alpha);
                egui::Frame::new().fill(Color32::from_black_alpha(160)).inner_margin(6).show(ui, |ui| {
                    for hint in HINTS {
                        ui.label(egui::RichText::new(*hint).color(Color32::from_gray(235)));
                    }
                });
            });
    }
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
    Ok(())
}
