//! The egui side panel, in collapsible sections that fit a 1000×700 window: the population-rate
//! plot and the simulation controls (pause, step, reset, speed), the live physics (μ, σ, J, τs), the
//! network (landscape, Perlin size, direction, shift, scale-down, seed: rebuilt off the main thread
//! when changed), the view, the tools, sequence tracking, presets (found next to the binary, in the
//! working folder and in the config folder) and recording. Every value is clamped to a range the
//! model accepts; ranges that span decades are logarithmic.
//!
//! The network section switches between the I network and the E-I network; with the E-I network
//! the live physics are μ and σ of each population and the click's stimulus (amplitude and
//! duration), and "Playground" loads the calm E-I preset in one click. A rebuild that would drop
//! painted directions (a new grid size, or the E-I network) asks first. "Save painting" writes the
//! live landscape as `NAME-landscape.npy` beside the preset path `NAME.toml`, and saving a preset
//! of a painted or file landscape writes it there too and names it (`landscape_file`).

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Stroke};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use seqscape_core::model::ei::EiParams;
use seqscape_core::model::{LandscapeKind, Params, Preset, ShiftMode};
use seqscape_core::sim::ei::EiSim;
use seqscape_core::sim::{ActivityBins, SimConnectivity, SimState};

use super::camera::ViewCamera;
use super::clock::{MAX_SPEED, MIN_SPEED, SimClock};
use super::input::{BrushDirection, Tool, ToolMode, painting_path, save_painting};
use super::rebuild::{Rebuild, RebuildKind};
use super::recorder::{Recorder, RecorderRequest};
use super::tour::TourPlayer;
use super::tracking::LiveTracking;
use super::{AppSet, GeneratedLandscape, Notices, PanelPeek, ViewSettings, ViewShape};
use crate::output::colormap::Colormap;
use crate::presets::{self, Model};

/// Width of the panel in logical pixels.
pub const PANEL_WIDTH: f32 = 310.0;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, init);
    app.add_systems(EguiPrimaryContextPass, panel);
    app.add_systems(Update, erase_painted.in_set(AppSet::Input));
}

/// The panel's own state: the network being edited and the preset file field.
#[derive(Resource)]
pub struct PanelState {
    /// Parameters of the next network; differs from the running one while a rebuild is pending.
    pub draft: Params,
    pub dirty: bool,
    pub preset_path: String,
    pub shipped: Vec<PathBuf>,
    pub erase_requested: bool,
    /// The next network is the E-I network, built from `ei_draft`.
    pub network_ei: bool,
    pub ei_draft: EiParams,
    /// A pending rebuild would drop painted directions: waiting for the user's yes or no.
    pub confirm_drop: bool,
}

impl PanelState {
    /// The network the panel will build next.
    pub fn next_model(&self) -> Model {
        if self.network_ei { Model::Ei(self.ei_draft.clone()) } else { Model::I(self.draft.clone()) }
    }

    /// Makes `model` the next network.
    pub fn set_next(&mut self, model: Model) {
        match model {
            Model::I(p) => {
                self.draft = p;
                self.network_ei = false;
            }
            Model::Ei(p) => {
                self.ei_draft = p;
                self.network_ei = true;
            }
        }
        self.dirty = true;
    }
}

/// Folders searched for preset files, in order: next to the binary (and, for a binary inside a
/// source tree's `target/`, the tree's `assets/presets`), the working folder, and the user's
/// config folder (`$XDG_CONFIG_HOME/seqscape/presets`, else `~/.config/seqscape/presets`).
pub fn preset_dirs(exe: Option<&Path>, cwd: &Path, config: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(bin) = exe.and_then(Path::parent) {
        dirs.push(bin.join("presets"));
        dirs.push(bin.join("assets/presets"));
        dirs.push(bin.join("../share/seqscape/presets"));
        for up in bin.ancestors().skip(1).take(3) {
            dirs.push(up.join("assets/presets"));
        }
    }
    dirs.push(cwd.join("presets"));
    dirs.push(cwd.join("assets/presets"));
    if let Some(c) = config {
        dirs.push(c.join("seqscape/presets"));
    }
    dirs
}

/// The `.toml` files of every preset folder; a name found earlier hides later ones.
pub fn find_presets(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .collect();
        files.sort();
        for f in files {
            if !found.iter().any(|g| g.file_name() == f.file_name()) {
                found.push(f);
            }
        }
    }
    found
}

fn shipped_presets() -> Vec<PathBuf> {
    // The browser has no folders: the presets built into the binary, by name.
    if cfg!(target_arch = "wasm32") {
        return presets::BUNDLED.iter().map(|(name, _)| PathBuf::from(format!("{name}.toml"))).collect();
    }
    let exe = std::env::current_exe().ok();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    find_presets(&preset_dirs(exe.as_deref(), &cwd, config.as_deref()))
}

fn init(mut commands: Commands, state: Res<SimState>, ei: Option<Res<EiSim>>) {
    // A file landscape fits its own sheet only: the other network's draft starts from Perlin.
    let generated = |l: LandscapeKind| if l == LandscapeKind::File { LandscapeKind::Perlin } else { l };
    let (draft, ei_draft) = match &ei {
        Some(ei) => {
            let draft = Params::new(Preset::Paper, generated(ei.params.landscape), ei.params.scale_down)
                .unwrap_or_else(|_| state.params.clone());
            (draft, ei.params.clone())
        }
        None => {
            (state.params.clone(), EiParams::new(generated(state.params.landscape), 1).expect("scale-down 1 is valid"))
        }
    };
    commands.insert_resource(PanelState {
        draft,
        dirty: false,
        preset_path: "seqscape-preset.toml".into(),
        shipped: shipped_presets(),
        erase_requested: false,
        network_ei: ei.is_some(),
        ei_draft,
        confirm_drop: false,
    });
}

fn erase_painted(world: &mut World) {
    if std::mem::take(&mut world.resource_mut::<PanelState>().erase_requested) {
        super::input::erase_all(world);
    }
}

/// A slider on an `f64` field that never leaves `range` (NaN falls back to the low end).
fn slider(ui: &mut egui::Ui, value: &mut f64, range: std::ops::RangeInclusive<f64>, text: &str) -> bool {
    if !value.is_finite() {
        *value = *range.start();
    }
    let r = ui.add(egui::Slider::new(value, range.clone()).text(text).clamping(egui::SliderClamping::Always));
    *value = value.clamp(*range.start(), *range.end());
    r.changed()
}

/// [`slider`] on a logarithmic scale, for ranges that span decades.
fn log_slider(ui: &mut egui::Ui, value: &mut f64, range: std::ops::RangeInclusive<f64>, text: &str) -> bool {
    if !value.is_finite() {
        *value = *range.start();
    }
    let r = ui.add(
        egui::Slider::new(value, range.clone()).logarithmic(true).text(text).clamping(egui::SliderClamping::Always),
    );
    *value = value.clamp(*range.start(), *range.end());
    r.changed()
}

fn rate_plot(ui: &mut egui::Ui, bins: &ActivityBins) {
    let width = ui.available_width().max(100.0);
    let (response, painter) = ui.allocate_painter(egui::vec2(width, 90.0), egui::Sense::hover());
    let rect = response.rect;
    painter.rect_filled(rect, 3.0, Color32::from_gray(22));
    let shown = 200usize; // 5 s of 25 ms bins
    let points: Vec<(f64, f64)> = bins.rate_hz.iter().rev().take(shown).rev().copied().collect();
    let top = points.iter().map(|p| p.1).fold(5.0f64, f64::max) * 1.1;
    let font = egui::FontId::proportional(10.0);
    painter.text(
        rect.left_top() + egui::vec2(4.0, 2.0),
        egui::Align2::LEFT_TOP,
        format!("{top:.0} Hz"),
        font.clone(),
        Color32::GRAY,
    );
    painter.text(
        rect.left_bottom() + egui::vec2(4.0, -2.0),
        egui::Align2::LEFT_BOTTOM,
        "population rate, last 5 s",
        font,
        Color32::GRAY,
    );
    if points.len() < 2 {
        return;
    }
    let t_end = points[points.len() - 1].0;
    let t_span = bins.bin_ms * shown as f64;
    let line: Vec<egui::Pos2> = points
        .iter()
        .map(|&(t, r)| {
            let x = rect.right() - ((t_end - t) / t_span) as f32 * rect.width();
            let y = rect.bottom() - (r / top) as f32 * rect.height();
            egui::pos2(x, y)
        })
        .collect();
    painter.add(egui::Shape::line(line, Stroke::new(1.5, Color32::from_rgb(120, 200, 255))));
}

/// A collapsible section of the panel.
fn section(ui: &mut egui::Ui, title: &str, open: bool, body: impl FnOnce(&mut egui::Ui)) {
    egui::CollapsingHeader::new(egui::RichText::new(title).strong()).default_open(open).show(ui, body);
}

/// The J slider: the magnitude of the inhibitory peak current on a logarithmic scale from a tenth
/// to ten times the paper's value for this preset and scale-down (the range does not follow the
/// value, so a drag cannot run away). Returns whether J changed.
fn j_slider(ui: &mut egui::Ui, p: &mut Params) -> bool {
    let (lo, hi, paper) = j_range(p);
    let mut magnitude = (-p.j_pa).clamp(lo, hi);
    let mut changed = ui
        .add(
            egui::Slider::new(&mut magnitude, lo..=hi)
                .logarithmic(true)
                .prefix("−")
                .max_decimals(2)
                .clamping(egui::SliderClamping::Always)
                .text("J (pA)"),
        )
        .on_hover_text(format!("peak inhibitory current; the paper's value here is {paper:.2} pA"))
        .changed();
    if ui.small_button("paper J").clicked() {
        magnitude = -paper;
        changed = true;
    }
    if changed {
        p.j_pa = -magnitude.clamp(lo, hi);
    }
    changed
}

/// The J slider's magnitude range and the paper's (negative) J for `p`'s preset and scale-down.
pub fn j_range(p: &Params) -> (f64, f64, f64) {
    let paper = Params::new(p.preset, p.landscape, p.scale_down).map_or(-10.0, |d| d.j_pa);
    let m = (-paper).abs().max(1.0e-3);
    (m / 10.0, m * 10.0, -m)
}

fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<SimState>,
    mut clock: ResMut<SimClock>,
    mut settings: ResMut<ViewSettings>,
    mut panel: ResMut<PanelState>,
    mut rebuild: ResMut<Rebuild>,
    mut tool: ResMut<Tool>,
    mut view: ResMut<ViewCamera>,
    mut recorder: ResMut<Recorder>,
    mut requests: MessageWriter<RecorderRequest>,
    mut notices: ResMut<Notices>,
    misc: (Res<ActivityBins>, Res<LiveTracking>, Res<GeneratedLandscape>, Option<Res<SimConnectivity>>),
    mut ei: Option<ResMut<EiSim>>,
    peek: Res<PanelPeek>,
    mut tour: ResMut<TourPlayer>,
    mut play: ResMut<super::play::Play>,
) -> Result {
    if !peek.visible(&settings) {
        if view.panel_px != 0.0 {
            view.panel_px = 0.0;
        }
        return Ok(());
    }
    let (bins, tracking, generated, conn) = misc;
    let painted = generated.painted.iter().filter(|&&b| b).count();
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "seqscape-root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let response = egui::Panel::left("seqscape-panel").exact_size(PANEL_WIDTH).resizable(false).show(&mut root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("seqscape");
                if ui.small_button("help (H)").clicked() {
                    settings.help = !settings.help;
                }
            });
            rate_plot(ui, &bins);
            ui.horizontal(|ui| {
                if ui.button(if clock.paused { "▶ Run" } else { "⏸ Pause" }).clicked() {
                    clock.paused = !clock.paused;
                }
                if ui.button("Step").on_hover_text("one tick (.)").clicked() {
                    clock.paused = true;
                    clock.step_requests += 1;
                }
                if ui.add_enabled(!rebuild.running(), egui::Button::new("Reset")).clicked() {
                    rebuild.wanted = Some(RebuildKind::Reset);
                }
                let tour_button = egui::Button::new("Tour");
                if ui
                    .add_enabled(!tour.playing(), tour_button)
                    .on_hover_text("the guided tour; a key ends it")
                    .clicked()
                {
                    match crate::tour::Tour::bundled() {
                        Ok(t) => tour.wanted = Some(t),
                        Err(e) => notices.push(e),
                    }
                }
                ui.checkbox(&mut clock.max, "max speed");
            });
            let mut speed = clock.speed;
            ui.add_enabled_ui(!clock.max, |ui| {
                ui.add(
                    egui::Slider::new(&mut speed, MIN_SPEED..=MAX_SPEED)
                        .logarithmic(true)
                        .clamping(egui::SliderClamping::Always)
                        .text("× real time"),
                );
            });
            clock.set_speed(speed);

            if let Some(ei) = ei.as_mut() {
                section(ui, "Live physics (E-I network)", true, |ui| {
                    ei_physics(ui, &mut ei.0.params, &mut panel.ei_draft, &mut tool);
                });
            } else {
                section(ui, "Live physics", true, |ui| {
                    let mut p = state.params.clone();
                    let mut changed = false;
                    changed |= slider(ui, &mut p.mu_pa, 0.0..=2000.0, "μ (pA)");
                    changed |= slider(ui, &mut p.sigma_pa, 0.0..=1000.0, "σ (pA)");
                    changed |= j_slider(ui, &mut p);
                    changed |= log_slider(ui, &mut p.tau_s_ms, 0.5..=30.0, "τs (ms)");
                    if changed {
                        if p.validate().is_ok() {
                            panel.draft.mu_pa = p.mu_pa;
                            panel.draft.sigma_pa = p.sigma_pa;
                            panel.draft.j_pa = p.j_pa;
                            panel.draft.tau_s_ms = p.tau_s_ms;
                            state.params = p;
                            state.params_changed = true;
                        } else {
                            notices.push("that value is outside the model's range");
                        }
                    }
                });
            }

            section(ui, "Network (rebuilt in the background)", true, |ui| {
                ui.horizontal(|ui| {
                    let mut ei_next = panel.network_ei;
                    ui.radio_value(&mut ei_next, false, "I network");
                    ui.radio_value(&mut ei_next, true, "E-I network");
                    if ei_next != panel.network_ei {
                        panel.network_ei = ei_next;
                        panel.dirty = true;
                    }
                });
                if panel.network_ei {
                    ei_network_controls(ui, &mut panel);
                } else {
                    network_controls(ui, &mut panel);
                }
                if panel.confirm_drop {
                    ui.colored_label(
                        Color32::from_rgb(255, 200, 90),
                        format!("the new network drops the {painted} painted directions"),
                    );
                    ui.horizontal(|ui| {
                        if ui.button("Rebuild anyway").clicked() {
                            panel.confirm_drop = false;
                            rebuild.wanted = Some(rebuild_kind(&panel));
                            panel.dirty = false;
                        }
                        if ui.button("Keep the painted network").clicked() {
                            panel.confirm_drop = false;
                            panel.dirty = false;
                            panel.draft = state.params.clone();
                            panel.network_ei = false;
                        }
                    });
                }
                if let Some((f, what, secs)) = rebuild.status() {
                    ui.add(egui::ProgressBar::new(f).text(format!("{what} · {secs:.1} s")).animate(true));
                } else if panel.dirty {
                    ui.label("rebuild pending…");
                }
            });

            section(ui, "View", true, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut settings.shape, ViewShape::Sheet, "Sheet");
                    ui.add_enabled_ui(cfg!(feature = "torus"), |ui| {
                        ui.selectable_value(&mut settings.shape, ViewShape::Torus, "Torus 3-D (V)")
                            .on_hover_text("drag to turn, wheel to zoom, F to frame, E for relief");
                    });
                    ui.checkbox(&mut settings.immersive, "Immersive (F11)");
                });
                egui::ComboBox::from_label("colour map").selected_text(settings.colormap.name()).show_ui(ui, |ui| {
                    for c in Colormap::ALL {
                        ui.selectable_value(&mut settings.colormap, c, c.name());
                    }
                });
                let mut tmax = f64::from(settings.trace_max);
                log_slider(ui, &mut tmax, 0.1..=10.0, "colour scale top");
                settings.trace_max = tmax as f32;
                ui.horizontal(|ui| {
                    ui.checkbox(&mut settings.arrows, "arrows (A)");
                    ui.checkbox(&mut settings.tiled, "tile 3×3 (T)");
                });
                ui.add_enabled_ui(ei.is_some(), |ui| ui.checkbox(&mut settings.show_i, "E-I: show the I sheet (I)"));
                ui.horizontal(|ui| {
                    ui.checkbox(&mut settings.trails, "trails");
                    if ui.button("Fit (F)").clicked() {
                        view.fit_requested = true;
                    }
                });
            });

            section(ui, "Left drag on the sheet", false, |ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut tool.mode, ToolMode::Stimulus, "stimulus");
                    ui.radio_value(&mut tool.mode, ToolMode::Brush, "brush (B)");
                });
                match tool.mode {
                    ToolMode::Stimulus => {
                        slider(ui, &mut tool.stim_radius, 1.0..=25.0, "radius (cells/100)");
                        slider(ui, &mut tool.stim_amplitude_pa, 0.0..=5000.0, "current (pA)");
                        log_slider(ui, &mut tool.stim_duration_ms, 1.0..=100.0, "duration (ms)");
                    }
                    ToolMode::Brush => {
                        slider(ui, &mut tool.brush_radius, 1.0..=25.0, "radius (cells/100)");
                        ui.horizontal(|ui| {
                            ui.radio_value(&mut tool.brush_direction, BrushDirection::Stroke, "stroke");
                            ui.radio_value(&mut tool.brush_direction, BrushDirection::Fixed, "fixed");
                            ui.radio_value(&mut tool.brush_direction, BrushDirection::Erase, "erase");
                        });
                        if tool.brush_direction == BrushDirection::Fixed {
                            slider(ui, &mut tool.brush_angle_deg, 0.0..=360.0, "direction (°)");
                        }
                    }
                }
                if ui.add_enabled(painted > 0, egui::Button::new(format!("Erase painted ({painted})"))).clicked() {
                    panel.erase_requested = true;
                }
            });

            section(ui, "Sequences", false, |ui| {
                let speed = tracking.median_speed.map_or("–".to_string(), |s| format!("{s:.0} grid points/s"));
                let direction = tracking.direction_deg.map_or("–".to_string(), |d| format!("{d:.0}°"));
                ui.label(format!("travelling sequences: {} (of {} bumps)", tracking.count, tracking.bumps));
                ui.label(format!("median speed {speed} · mean direction {direction}"));
                ui.label(egui::RichText::new("a bump counts once it moves at least one grid point per 25 ms").small());
            });

            section(ui, "Presets", true, |ui| {
                let playground =
                    panel.shipped.iter().find(|f| f.file_stem().is_some_and(|s| s == "playground")).cloned();
                if let Some(file) = playground
                    && ui
                        .button("▶ Playground: a calm sheet, click to launch a sequence")
                        .on_hover_text(file.display().to_string())
                        .clicked()
                {
                    load_into(&mut panel, &file, &mut notices);
                }
                if ui.button("▶ Play: route a sequence to the goal").clicked() {
                    super::play::request_level(&mut play, 1, &mut notices);
                }
                ui.horizontal(|ui| {
                    for preset in Preset::ALL {
                        if ui.button(preset.name()).clicked()
                            && let Ok(p) = presets::switch_preset(&panel.draft, preset)
                        {
                            panel.set_next(Model::I(p));
                        }
                    }
                });
                let shipped = panel.shipped.clone();
                ui.horizontal_wrapped(|ui| {
                    for file in &shipped {
                        let name = file.file_stem().map_or(String::new(), |s| s.to_string_lossy().into_owned());
                        if ui.small_button(name).on_hover_text(file.display().to_string()).clicked() {
                            load_into(&mut panel, file, &mut notices);
                        }
                    }
                });
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut panel.preset_path).desired_width(150.0));
                    if ui.button("Save").on_hover_text("a painted landscape is saved beside it").clicked() {
                        let path = PathBuf::from(panel.preset_path.trim());
                        let running = match (&ei, &conn) {
                            // The E sheet's painting beside the preset, as for the I network.
                            (Some(ei), Some(conn)) if painted > 0 || ei.params.landscape == LandscapeKind::File => {
                                save_painting(&state.params, &conn.landscape, &path).map(|(_, p)| {
                                    Model::Ei(EiParams {
                                        landscape: p.landscape,
                                        landscape_map: p.landscape_map,
                                        ..ei.params.clone()
                                    })
                                })
                            }
                            (Some(ei), _) => Ok(Model::Ei(ei.params.clone())),
                            // The live landscape beside the preset, so that the preset keeps the painting.
                            (None, Some(conn)) if painted > 0 || state.params.landscape == LandscapeKind::File => {
                                save_painting(&state.params, &conn.landscape, &path).map(|(_, p)| Model::I(p))
                            }
                            (None, _) => Ok(Model::I(state.params.clone())),
                        };
                        match running.and_then(|running| presets::save_model(&running, &path)) {
                            Ok(()) => notices.push(format!("saved {}", path.display())),
                            Err(e) => notices.push(e),
                        }
                    }
                    if ui.button("Load").clicked() {
                        let path = PathBuf::from(panel.preset_path.trim());
                        load_into(&mut panel, &path, &mut notices);
                    }
                });
                let painting = painting_path(Path::new(panel.preset_path.trim()));
                let hover = format!("the landscape as painted, as {} (--landscape-file)", painting.display());
                if ui.button("Save painting").on_hover_text(hover).clicked() {
                    match &conn {
                        Some(conn) => match save_painting(&state.params, &conn.landscape, &painting) {
                            Ok((file, _)) => notices.push(format!("saved {}", file.display())),
                            Err(e) => notices.push(e),
                        },
                        None => notices.push("no network to save the landscape of"),
                    }
                }
                #[cfg(target_arch = "wasm32")]
                if ui.button("Copy link").on_hover_text("a link to this page with these settings").clicked() {
                    let running = match &ei {
                        Some(ei) => Model::Ei(ei.params.clone()),
                        None => Model::I(state.params.clone()),
                    };
                    match super::page::copy_link(&running, settings.tiled, settings.arrows) {
                        Ok(link) => notices.push(format!("copied {link}")),
                        Err(e) => notices.push(e),
                    }
                }
            });

            section(ui, "Recording", true, |ui| {
                let idle = recorder.recording().is_none();
                ui.horizontal(|ui| {
                    let label = if idle { "⏺ Record (R)" } else { "⏹ Stop (R)" };
                    if ui.button(label).clicked() {
                        requests.write(RecorderRequest::ToggleRecording);
                    }
                    if ui.button("Screenshot (S)").clicked() {
                        requests.write(RecorderRequest::Screenshot);
                    }
                });
                ui.add_enabled_ui(idle, |ui| {
                    ui.horizontal(|ui| {
                        ui.checkbox(&mut recorder.with_panel, "include panel");
                        ui.radio_value(&mut recorder.mp4, false, "GIF");
                        ui.radio_value(&mut recorder.mp4, true, "MP4");
                    });
                    ui.horizontal(|ui| {
                        ui.label("folder");
                        ui.add(egui::TextEdit::singleline(&mut recorder.dir).desired_width(200.0));
                    });
                });
                if let Some((path, _)) = recorder.recording() {
                    let dropped = recorder.dropped();
                    ui.colored_label(
                        Color32::from_rgb(255, 90, 90),
                        format!("recording {} ({dropped} frames dropped)", path.display()),
                    );
                }
                if recorder.finishing() > 0 {
                    ui.label(format!("writing {} file(s)…", recorder.finishing()));
                }
                if let Some(last) = recorder.saved.last() {
                    ui.label(egui::RichText::new(format!("last saved: {}", last.display())).small());
                    if let Some(folder) = last.parent() {
                        ui.label(egui::RichText::new(format!("open folder: xdg-open {}", folder.display())).small());
                    }
                }
            });

            ui.separator();
            for (text, at) in notices.0.iter().rev().take(4) {
                if at.elapsed().as_secs() < 20 {
                    ui.label(egui::RichText::new(text).small());
                }
            }
        });
    });
    // In immersive mode `Tab` pins and unpins the panel (`immersive`): it must not also hand egui's
    // keyboard focus to a widget, which would keep every later key from the view.
    if settings.immersive && ctx.input(|i| i.key_pressed(egui::Key::Tab)) {
        ctx.memory_mut(|m| m.stop_text_input());
    }
    // In immersive mode the panel floats over the view, which keeps the whole screen.
    let width = if settings.immersive { 0.0 } else { response.response.rect.width() };
    if view.panel_px != width {
        view.panel_px = width;
    }

    let pointer_down = ctx.input(|i| i.pointer.any_down());
    if panel.dirty && !pointer_down && !rebuild.running() && !panel.confirm_drop {
        // Painted directions survive only a rebuild of the I network on a grid of the same size.
        let drops = painted > 0 && (panel.network_ei || panel.draft.n != state.params.n);
        if drops {
            panel.confirm_drop = true;
        } else {
            panel.dirty = false;
            rebuild.wanted = Some(rebuild_kind(&panel));
        }
    }
    Ok(())
}

/// The rebuild of the panel's next network.
fn rebuild_kind(panel: &PanelState) -> RebuildKind {
    match panel.next_model() {
        Model::I(p) => RebuildKind::Build(Box::new(p)),
        Model::Ei(p) => RebuildKind::BuildEi(Box::new(p)),
    }
}

fn load_into(panel: &mut PanelState, path: &Path, notices: &mut Notices) {
    match presets::load_model(path) {
        Ok(model) => {
            notices.push(format!("loaded {}", path.display()));
            panel.set_next(model);
        }
        Err(e) => notices.push(e),
    }
}

/// Ranges of the E-I panel's controls.
pub const EI_MU_RANGE: std::ops::RangeInclusive<f64> = 0.0..=1000.0;
pub const EI_SIGMA_RANGE: std::ops::RangeInclusive<f64> = 0.0..=500.0;
pub const EI_STIM_AMPLITUDE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=2000.0;
pub const EI_STIM_DURATION_RANGE: std::ops::RangeInclusive<f64> = 1.0..=500.0;

/// The E-I network's live controls: μ and σ of each population (they act from the next 1-ms
/// noise draw) and the stimulus of a click. Values go to the running network and to the draft.
fn ei_physics(ui: &mut egui::Ui, live: &mut EiParams, draft: &mut EiParams, tool: &mut Tool) {
    let mut changed = false;
    changed |= slider(ui, &mut live.mu_e_pa, EI_MU_RANGE, "μ E (pA)");
    changed |= slider(ui, &mut live.sigma_e_pa, EI_SIGMA_RANGE, "σ E (pA)");
    changed |= slider(ui, &mut live.mu_i_pa, EI_MU_RANGE, "μ I (pA)");
    changed |= slider(ui, &mut live.sigma_i_pa, EI_SIGMA_RANGE, "σ I (pA)");
    ui.label(egui::RichText::new("a click stimulates the E neurons under the ring:").small());
    let mut amplitude = tool.stim_amplitude_pa;
    let mut duration = tool.stim_duration_ms;
    changed |= slider(ui, &mut amplitude, EI_STIM_AMPLITUDE_RANGE, "stimulus (pA)");
    changed |= log_slider(ui, &mut duration, EI_STIM_DURATION_RANGE, "stimulus (ms)");
    tool.stim_amplitude_pa = amplitude;
    tool.stim_duration_ms = duration;
    if ui.small_button("Fig. 8 pulse (500 pA, 50 ms)").clicked() {
        tool.stim_amplitude_pa = 500.0;
        tool.stim_duration_ms = 50.0;
        changed = true;
    }
    if changed {
        live.stimulus.amplitude_pa = tool.stim_amplitude_pa;
        live.stimulus.duration_ms = tool.stim_duration_ms;
        draft.mu_e_pa = live.mu_e_pa;
        draft.sigma_e_pa = live.sigma_e_pa;
        draft.mu_i_pa = live.mu_i_pa;
        draft.sigma_i_pa = live.sigma_i_pa;
        draft.stimulus.amplitude_pa = live.stimulus.amplitude_pa;
        draft.stimulus.duration_ms = live.stimulus.duration_ms;
    }
}

/// The E-I network's rebuild controls on the draft; marks it dirty when anything changes.
fn ei_network_controls(ui: &mut egui::Ui, panel: &mut PanelState) {
    let mut d = panel.ei_draft.clone();
    egui::ComboBox::from_label("landscape").selected_text(d.landscape.name()).show_ui(ui, |ui| {
        for l in LandscapeKind::ALL {
            ui.selectable_value(&mut d.landscape, l, l.name());
        }
    });
    slider(ui, &mut d.perlin_size, 1.0..=(d.n_e as f64).min(30.0), "Perlin size");
    d.perlin_size = d.perlin_size.round();
    slider(ui, &mut d.direction_deg, 0.0..=360.0, "direction (°)");
    let mut r = d.shift.round();
    slider(ui, &mut r, 0.0..=5.0, "shift R of E-E (lattice steps)");
    d.shift = r.round();
    let mut scale = f64::from(d.scale_down);
    ui.add(egui::Slider::new(&mut scale, 1.0..=5.0).step_by(1.0).text("scale-down"));
    let scale = scale.round().clamp(1.0, 5.0) as u32;
    let mut seed = d.seed.min(1_000_000_000);
    ui.add(egui::DragValue::new(&mut seed).range(0..=1_000_000_000).prefix("seed "));
    d.seed = seed;
    if scale != d.scale_down
        && let Ok(mut q) = EiParams::new(d.landscape, scale)
    {
        // The user's choices carry over; the scale's own constants follow the new scale.
        q.seed = d.seed;
        (q.mu_e_pa, q.sigma_e_pa, q.mu_i_pa, q.sigma_i_pa) = (d.mu_e_pa, d.sigma_e_pa, d.mu_i_pa, d.sigma_i_pa);
        (q.shift, q.perlin_size, q.direction_deg) = (d.shift, d.perlin_size.min(q.n_e as f64), d.direction_deg);
        (q.stimulus.amplitude_pa, q.stimulus.duration_ms) = (d.stimulus.amplitude_pa, d.stimulus.duration_ms);
        (q.warmup_ms, q.duration_ms) = (d.warmup_ms, d.duration_ms);
        d = q;
    }
    ui.label(egui::RichText::new(format!("E {0}×{0}, I {1}×{1}", d.n_e, d.n_i)).small());
    if d != panel.ei_draft && d.validate().is_ok() {
        panel.ei_draft = d;
        panel.dirty = true;
    }
}

/// Preset-independent network controls on the draft; marks it dirty when anything changes.
fn network_controls(ui: &mut egui::Ui, panel: &mut PanelState) {
    let mut d = panel.draft.clone();
    egui::ComboBox::from_label("landscape").selected_text(d.landscape.name()).show_ui(ui, |ui| {
        for l in LandscapeKind::ALL {
            ui.selectable_value(&mut d.landscape, l, l.name());
        }
    });
    let n = d.n as f64;
    slider(ui, &mut d.perlin_size, 1.0..=n.min(30.0), "Perlin size");
    d.perlin_size = d.perlin_size.round();
    slider(ui, &mut d.direction_deg, 0.0..=360.0, "direction (°)");
    if d.shift_mode == ShiftMode::Lattice {
        let mut r = d.shift.round();
        slider(ui, &mut r, 0.0..=5.0, "shift R (lattice steps)");
        d.shift = r.round();
    } else {
        slider(ui, &mut d.shift, 0.0..=5.0, "shift R (grid units)");
    }
    let mut scale = f64::from(d.scale_down);
    ui.add(egui::Slider::new(&mut scale, 1.0..=5.0).step_by(1.0).text("scale-down"));
    let scale = scale.round().clamp(1.0, 5.0) as u32;
    let mut seed = d.seed.min(1_000_000_000);
    ui.add(egui::DragValue::new(&mut seed).range(0..=1_000_000_000).prefix("seed "));
    d.seed = seed;
    if scale != d.scale_down
        && let Ok(q) = presets::rescale(&d, scale)
    {
        d = q;
    }
    if d != panel.draft && d.validate().is_ok() {
        panel.draft = d;
        panel.dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_found_next_to_the_binary_in_the_working_folder_and_the_config_folder() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for (dir, file) in [("bin/presets", "a.toml"), ("work/presets", "b.toml"), ("cfg/seqscape/presets", "c.toml")] {
            std::fs::create_dir_all(r.join(dir)).unwrap();
            std::fs::write(r.join(dir).join(file), "preset = \"paper\"\n").unwrap();
        }
        std::fs::write(r.join("work/presets/a.toml"), "").unwrap();
        let dirs = preset_dirs(Some(&r.join("bin/seqscape")), &r.join("work"), Some(&r.join("cfg")));
        let found = find_presets(&dirs);
        let names: Vec<_> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.toml", "b.toml", "c.toml"]);
        assert!(found[0].starts_with(r.join("bin")), "the binary's folder comes first");
    }

    #[test]
    fn the_j_range_is_fixed_around_the_papers_value() {
        for scale in 1..=5 {
            let mut p = Params::new(Preset::Paper, LandscapeKind::Perlin, scale).unwrap();
            let (lo, hi, paper) = j_range(&p);
            assert!((paper - p.j_pa).abs() < 1e-9);
            assert!(lo < -paper && -paper < hi && hi / lo <= 100.0 + 1e-9);
            // The range does not follow the value.
            p.j_pa *= 5.0;
            assert_eq!(j_range(&p), (lo, hi, paper));
        }
    }
}
