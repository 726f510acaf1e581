//! The egui side panel, in collapsible sections that fit a 1000×700 window: the population-rate
//! plot and the simulation controls (pause, step, reset, speed), the live physics (μ, σ, J, τs), the
//! network (landscape, Perlin size, direction, shift, scale-down, seed: rebuilt off the main thread
//! when changed), the view, the tools, sequence tracking, presets (found next to the binary, in the
//! working folder and in the config folder) and recording. Every value is clamped to a range the
//! model accepts; ranges that span decades are logarithmic.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Stroke};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use seqscape_core::model::{LandscapeKind, Params, Preset, ShiftMode};
use seqscape_core::sim::{ActivityBins, SimState};

use super::camera::ViewCamera;
use super::clock::{MAX_SPEED, MIN_SPEED, SimClock};
use super::input::{BrushDirection, Tool, ToolMode};
use super::rebuild::{Rebuild, RebuildKind};
use super::recorder::{Recorder, RecorderRequest};
use super::tracking::LiveTracking;
use super::{AppSet, GeneratedLandscape, Notices, ViewSettings};
use crate::output::colormap::Colormap;
use crate::presets;

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
    let exe = std::env::current_exe().ok();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    find_presets(&preset_dirs(exe.as_deref(), &cwd, config.as_deref()))
}

fn init(mut commands: Commands, state: Res<SimState>) {
    commands.insert_resource(PanelState {
        draft: state.params.clone(),
        dirty: false,
        preset_path: "seqscape-preset.toml".into(),
        shipped: shipped_presets(),
        erase_requested: false,
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
    misc: (Res<ActivityBins>, Res<LiveTracking>, Res<GeneratedLandscape>),
) -> Result {
    let (bins, tracking, generated) = misc;
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

            section(ui, "Network (rebuilt in the background)", true, |ui| {
                network_controls(ui, &mut panel);
                if let Some((f, what, secs)) = rebuild.status() {
                    ui.add(egui::ProgressBar::new(f).text(format!("{what} · {secs:.1} s")).animate(true));
                } else if panel.dirty {
                    ui.label("rebuild pending…");
                }
            });

            section(ui, "View", false, |ui| {
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
                let painted = generated.painted.iter().filter(|&&b| b).count();
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

            section(ui, "Presets", false, |ui| {
                ui.horizontal(|ui| {
                    for preset in Preset::ALL {
                        if ui.button(preset.name()).clicked()
                            && let Ok(p) = presets::switch_preset(&panel.draft, preset)
                        {
                            panel.draft = p;
                            panel.dirty = true;
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
                    if ui.button("Save").clicked() {
                        let path = PathBuf::from(panel.preset_path.trim());
                        match presets::save(&state.params, &path) {
                            Ok(()) => notices.push(format!("saved {}", path.display())),
                            Err(e) => notices.push(e),
                        }
                    }
                    if ui.button("Load").clicked() {
                        let path = PathBuf::from(panel.preset_path.trim());
                        load_into(&mut panel, &path, &mut notices);
                    }
                });
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
    view.panel_px = response.response.rect.width();

    let pointer_down = ctx.input(|i| i.pointer.any_down());
    if panel.dirty && !pointer_down && !rebuild.running() {
        panel.dirty = false;
        rebuild.wanted = Some(RebuildKind::Build(Box::new(panel.draft.clone())));
    }
    Ok(())
}

fn load_into(panel: &mut PanelState, path: &Path, notices: &mut Notices) {
    match presets::load(path) {
        Ok(p) => {
            notices.push(format!("loaded {}", path.display()));
            panel.draft = p;
            panel.dirty = true;
        }
        Err(e) => notices.push(e),
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
