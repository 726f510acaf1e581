//! The guided tour: a scripted sequence of scenes, each a network (a preset), a view (the flat
//! sheet or the torus in 3-D), a caption, a duration and scripted stimuli and paint strokes. The
//! tour is data, `assets/tour.toml` (built into the binary), so anyone can write another:
//!
//! ```toml
//! [[scene]]
//! caption = "One sentence on the screen."
//! preset = "fig2-random"        # a bundled preset, or a file relative to the tour file
//! view = "sheet"                # or "torus"
//! duration_s = 12               # 1 to 60 (the bundled tour: 10 to 20)
//! speed = 1.0                   # simulated seconds per tour second, 0.02 to 4 (default 1)
//! arrows = false                # draw the landscape's arrows on the sheet
//! camera = { yaw_deg = 0, pitch_deg = 35, distance = 3.2 }   # the torus view's orbit
//!
//! [[scene.stimulus]]            # a current pulse into a disc (grid units of the scene's sheet)
//! at_s = 2.0
//! x = 60
//! y = 60
//! radius = 3                    # optional; amplitude_pa and duration_ms too
//!
//! [[scene.stroke]]              # paint landscape directions along a polyline (the E-I network: its E sheet)
//! at_s = 0
//! points = [[20, 50], [50, 80], [80, 50]]
//! radius = 4
//! direction = "along"           # along the stroke, an angle in degrees, or "erase"
//! ```
//!
//! [`Tour::load`] parses with unknown keys refused and validates every scene (positions on the
//! scene's sheet, times inside the scene, ranges); each error is one line naming the file, the
//! scene and the field. [`run::SceneRun`] drives one scene's simulation headless (`record --tour`);
//! the window's tour plays the same scenes on its own clock through [`Scene::events`] and
//! [`paint_stroke`].

pub mod run;

use std::path::{Path, PathBuf};

use seqscape_core::model::network::Connectivity;
use seqscape_core::model::{Landscape, Params, paint};
use seqscape_core::sim::Stimulus;
use serde::Deserialize;

use crate::presets::{self, Model};

/// The bundled tour's text.
pub const BUNDLED: &str = include_str!("../../assets/tour.toml");
/// The name the bundled tour goes by in messages.
pub const BUNDLED_NAME: &str = "assets/tour.toml";

/// Accepted scene lengths in seconds.
pub const DURATION_S: (f64, f64) = (1.0, 60.0);
/// Accepted speeds (simulated seconds per tour second).
pub const SPEED: (f64, f64) = (0.02, 4.0);

/// How a scene shows the sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SceneView {
    #[default]
    Sheet,
    Torus,
}

/// The torus view's orbit camera (degrees; distance in ring radii).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Camera {
    #[serde(default)]
    pub yaw_deg: f64,
    #[serde(default = "default_pitch")]
    pub pitch_deg: f64,
    #[serde(default = "default_distance")]
    pub distance: f64,
}

fn default_pitch() -> f64 {
    35.0
}

fn default_distance() -> f64 {
    3.2
}

impl Default for Camera {
    fn default() -> Self {
        Camera { yaw_deg: 0.0, pitch_deg: default_pitch(), distance: default_distance() }
    }
}

/// The direction a stroke paints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StrokeDirection {
    /// Each segment's own direction.
    Along,
    /// A fixed angle, radians from +x toward +y.
    Angle(f64),
    /// Back to the generated landscape.
    Erase,
}

/// A scripted paint stroke.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub at_s: f64,
    /// Grid units of the scene's sheet.
    pub points: Vec<(f64, f64)>,
    pub radius: f64,
    pub direction: StrokeDirection,
}

/// A scripted stimulus.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScriptedStimulus {
    pub at_s: f64,
    pub stimulus: Stimulus,
}

/// One scene, validated, with its network's parameters.
#[derive(Clone, Debug)]
pub struct Scene {
    pub caption: String,
    /// The preset's name as written in the tour file.
    pub preset: String,
    pub model: Model,
    pub view: SceneView,
    pub camera: Camera,
    pub duration_s: f64,
    pub speed: f64,
    pub arrows: bool,
    pub stimuli: Vec<ScriptedStimulus>,
    pub strokes: Vec<Stroke>,
}

/// A scripted event of a scene.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Stimulus(Stimulus),
    Stroke(Stroke),
}

impl Scene {
    /// The side of the scene's sheet (the E sheet of the E-I network).
    pub fn n(&self) -> usize {
        match &self.model {
            Model::I(p) => p.n,
            Model::Ei(p) => p.n_e,
        }
    }

    /// The scene's events in time order (strokes first at equal times), with their times in
    /// seconds of the scene.
    pub fn events(&self) -> Vec<(f64, Event)> {
        let mut events: Vec<(f64, Event)> = self
            .strokes
            .iter()
            .map(|s| (s.at_s, Event::Stroke(s.clone())))
            .chain(self.stimuli.iter().map(|s| (s.at_s, Event::Stimulus(s.stimulus))))
            .collect();
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        events
    }

    /// Simulated milliseconds from the scene's start at `scene_s` seconds of the scene.
    pub fn sim_ms(&self, scene_s: f64) -> f64 {
        scene_s * self.speed * 1000.0
    }
}

/// A validated tour.
#[derive(Clone, Debug)]
pub struct Tour {
    /// Where it came from, for messages.
    pub origin: String,
    pub scenes: Vec<Scene>,
}

impl Tour {
    /// The bundled tour.
    pub fn bundled() -> Result<Tour, String> {
        Tour::parse(BUNDLED, BUNDLED_NAME, None)
    }

    /// Reads and validates the tour file at `path`.
    pub fn load(path: &Path) -> Result<Tour, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read the tour file {}: {e}", path.display()))?;
        Tour::parse(&text, &path.display().to_string(), path.parent())
    }

    /// The tour at `path`, or the bundled one.
    pub fn load_or_bundled(path: Option<&Path>) -> Result<Tour, String> {
        match path {
            Some(p) => Tour::load(p),
            None => Tour::bundled(),
        }
    }

    /// Parses and validates a tour; preset files are looked up relative to `folder`.
    pub fn parse(text: &str, origin: &str, folder: Option<&Path>) -> Result<Tour, String> {
        let file: TourFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(String::new(), |s| {
                let before = &text[..s.start.min(text.len())];
                let scene = before.lines().filter(|l| l.trim_start().starts_with("[[scene]]")).count();
                let line = before.matches('\n').count() + 1;
                if scene > 0 { format!(": scene {scene} (line {line})") } else { format!(" (line {line})") }
            });
            let accepted = "accepted keys: caption, preset, view, duration_s, speed, arrows, camera, stimulus, stroke";
            format!("{origin}{at}: {} ({accepted}; see {BUNDLED_NAME})", e.message().trim().replace('\n', " "))
        })?;
        if file.scene.is_empty() {
            return Err(format!("{origin}: no [[scene]]: a tour needs at least one scene"));
        }
        let scenes = file
            .scene
            .into_iter()
            .enumerate()
            .map(|(k, s)| s.validate(origin, k + 1, folder))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Tour { origin: origin.to_string(), scenes })
    }

    /// The tour's length in seconds.
    pub fn duration_s(&self) -> f64 {
        self.scenes.iter().map(|s| s.duration_s).sum()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TourFile {
    #[serde(default)]
    scene: Vec<SceneFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SceneFile {
    caption: String,
    preset: String,
    #[serde(default)]
    view: Option<String>,
    duration_s: f64,
    #[serde(default)]
    speed: Option<f64>,
    #[serde(default)]
    arrows: bool,
    #[serde(default)]
    camera: Option<Camera>,
    #[serde(default)]
    stimulus: Vec<StimulusFile>,
    #[serde(default)]
    stroke: Vec<StrokeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StimulusFile {
    at_s: f64,
    x: f64,
    y: f64,
    radius: Option<f64>,
    amplitude_pa: Option<f64>,
    duration_ms: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrokeFile {
    at_s: f64,
    points: Vec<[f64; 2]>,
    radius: f64,
    direction: toml::Value,
}

/// Default stimulus of the I network (the window's click).
const I_STIMULUS: (f64, f64, f64) = (5.0, 2000.0, 10.0);

impl SceneFile {
    fn validate(self, origin: &str, k: usize, folder: Option<&Path>) -> Result<Scene, String> {
        let at = |field: &str| format!("{origin}: scene {k}: {field}");
        let in_range = |field: &str, v: f64, (lo, hi): (f64, f64), what: &str| -> Result<(), String> {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(format!("{} is {v}: expected {what}", at(field)))
            }
        };
        if self.caption.trim().is_empty() || self.caption.chars().count() > 160 {
            return Err(format!("{}: expected one sentence of 1 to 160 characters", at("caption")));
        }
        let model = scene_model(&self.preset, folder).map_err(|e| format!("{}: {e}", at("preset")))?;
        let view = match self.view.as_deref().map(str::trim) {
            None | Some("sheet") => SceneView::Sheet,
            Some("torus") => SceneView::Torus,
            Some(v) => return Err(format!("{} '{v}': expected \"sheet\" or \"torus\"", at("view"))),
        };
        let (lo, hi) = DURATION_S;
        in_range("duration_s", self.duration_s, DURATION_S, &format!("{lo} to {hi} seconds"))?;
        let speed = self.speed.unwrap_or(1.0);
        in_range("speed", speed, SPEED, &format!("{} to {} simulated seconds per second", SPEED.0, SPEED.1))?;
        let camera = self.camera.unwrap_or_default();
        in_range("camera.yaw_deg", camera.yaw_deg, (-360.0, 360.0), "-360 to 360 degrees")?;
        in_range("camera.pitch_deg", camera.pitch_deg, (-89.0, 89.0), "-89 to 89 degrees")?;
        in_range("camera.distance", camera.distance, (1.8, 10.0), "1.8 to 10 ring radii")?;
        let n = match &model {
            Model::I(p) => p.n,
            Model::Ei(p) => p.n_e,
        };
        let nf = n as f64;
        let sheet = format!("0 to {n} (below {n}: the {n}×{n} sheet of '{}')", self.preset);
        let time = format!("0 to {} s (inside the scene)", self.duration_s);
        let mut stimuli = Vec::new();
        for (j, s) in self.stimulus.iter().enumerate() {
            let f = |name: &str| format!("stimulus {}.{name}", j + 1);
            in_time(&at(&f("at_s")), s.at_s, self.duration_s, &time)?;
            on_sheet(&at(&f("x")), s.x, nf, &sheet)?;
            on_sheet(&at(&f("y")), s.y, nf, &sheet)?;
            let (radius, amplitude_pa, duration_ms) = match &model {
                Model::I(_) => (I_STIMULUS.0 * nf / 100.0, I_STIMULUS.1, I_STIMULUS.2),
                Model::Ei(p) => (2.5 * nf / 100.0, p.stimulus.amplitude_pa, p.stimulus.duration_ms),
            };
            let stimulus = Stimulus {
                x: s.x,
                y: s.y,
                radius: s.radius.unwrap_or(radius),
                amplitude_pa: s.amplitude_pa.unwrap_or(amplitude_pa),
                duration_ms: s.duration_ms.unwrap_or(duration_ms),
            };
            in_range(&f("radius"), stimulus.radius, (0.5, nf / 2.0), &format!("0.5 to {} grid points", nf / 2.0))?;
            in_range(&f("amplitude_pa"), stimulus.amplitude_pa, (-10_000.0, 10_000.0), "-10000 to 10000 pA")?;
            in_range(&f("duration_ms"), stimulus.duration_ms, (0.1, 1000.0), "0.1 to 1000 ms")?;
            stimuli.push(ScriptedStimulus { at_s: s.at_s, stimulus });
        }
        let mut strokes = Vec::new();
        for (j, s) in self.stroke.into_iter().enumerate() {
            let f = |name: &str| format!("stroke {}.{name}", j + 1);
            in_time(&at(&f("at_s")), s.at_s, self.duration_s, &time)?;
            if s.points.is_empty() || s.points.len() > 4096 {
                return Err(format!("{}: expected 1 to 4096 points [x, y]", at(&f("points"))));
            }
            for (i, p) in s.points.iter().enumerate() {
                on_sheet(&at(&f(&format!("points[{}].x", i + 1))), p[0], nf, &sheet)?;
                on_sheet(&at(&f(&format!("points[{}].y", i + 1))), p[1], nf, &sheet)?;
            }
            in_range(&f("radius"), s.radius, (0.5, nf / 2.0), &format!("0.5 to {} grid points", nf / 2.0))?;
            let accepted = "\"along\", \"erase\" or an angle in degrees (-360 to 360)";
            let direction = match &s.direction {
                toml::Value::String(t) if t.trim() == "along" => StrokeDirection::Along,
                toml::Value::String(t) if t.trim() == "erase" => StrokeDirection::Erase,
                toml::Value::Float(d) if d.is_finite() && d.abs() <= 360.0 => StrokeDirection::Angle(d.to_radians()),
                toml::Value::Integer(d) if d.abs() <= 360 => StrokeDirection::Angle((*d as f64).to_radians()),
                v => return Err(format!("{} is {v}: expected {accepted}", at(&f("direction")))),
            };
            strokes.push(Stroke {
                at_s: s.at_s,
                points: s.points.iter().map(|p| (p[0], p[1])).collect(),
                radius: s.radius,
                direction,
            });
        }
        Ok(Scene {
            caption: self.caption.trim().to_string(),
            preset: self.preset,
            model,
            view,
            camera,
            duration_s: self.duration_s,
            speed,
            arrows: self.arrows,
            stimuli,
            strokes,
        })
    }
}

fn in_time(field: &str, v: f64, duration_s: f64, accepted: &str) -> Result<(), String> {
    if v.is_finite() && v >= 0.0 && v < duration_s {
        Ok(())
    } else {
        Err(format!("{field} is {v}: expected {accepted}"))
    }
}

fn on_sheet(field: &str, v: f64, n: f64, accepted: &str) -> Result<(), String> {
    if v.is_finite() && v >= 0.0 && v < n {
        Ok(())
    } else {
        Err(format!("{field} is {v}: off the sheet; expected {accepted}"))
    }
}

/// The network of a scene's `preset`: a bundled preset's name, or a preset file (relative to the
/// tour file's folder).
fn scene_model(preset: &str, folder: Option<&Path>) -> Result<Model, String> {
    let name = preset.trim();
    if let Some(text) = presets::bundled(name) {
        return presets::model_from_toml(text, name);
    }
    let path = PathBuf::from(name);
    let path = match folder {
        Some(f) if path.is_relative() => f.join(path),
        _ => path,
    };
    if !path.is_file() {
        let names: Vec<&str> = presets::BUNDLED.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "'{name}' is neither a bundled preset ({}) nor a preset file ({} does not exist)",
            names.join(", "),
            path.display()
        ));
    }
    presets::load_model(&path)
}

/// Paints `stroke` into `conn.landscape` (`generated`: what "erase" restores), marks the painted
/// neurons in `painted`, and returns the neurons whose direction changed: redraw their connections
/// with [`paint::redraw`] inside the network's pool.
pub fn paint_stroke(
    conn: &mut Connectivity,
    generated: &Landscape,
    painted: &mut [bool],
    params: &Params,
    stroke: &Stroke,
) -> Vec<usize> {
    let n = params.n;
    let mut sources = Vec::new();
    if conn.landscape.direction.len() != n * n || generated.direction.len() != n * n || painted.len() != n * n {
        return sources;
    }
    let mut paint_at = |centre: (f64, f64), angle: Option<f64>| {
        let centre = (centre.0.rem_euclid(n as f64), centre.1.rem_euclid(n as f64));
        for id in paint::disc(n, centre, stroke.radius) {
            let new = angle.map_or(generated.direction[id], |a| a as f32);
            painted[id] = angle.is_some();
            sources.extend(paint::set_directions(&mut conn.landscape.direction, &[id], new));
        }
    };
    let angle_of = |from: (f64, f64), to: (f64, f64)| match stroke.direction {
        StrokeDirection::Along => Some(paint::snap(params, paint::stroke_angle(from, to))),
        StrokeDirection::Angle(a) => Some(paint::snap(params, a)),
        StrokeDirection::Erase => None,
    };
    let pts = &stroke.points;
    if pts.len() == 1 {
        let angle = match stroke.direction {
            StrokeDirection::Along => return sources,
            _ => angle_of(pts[0], pts[0]),
        };
        paint_at(pts[0], angle);
    }
    for (k, w) in pts.windows(2).enumerate() {
        let angle = angle_of(w[0], w[1]);
        if k == 0 {
            paint_at(w[0], angle);
        }
        for p in paint::stroke_points(w[0], w[1], stroke.radius) {
            paint_at(p, angle);
        }
    }
    sources.sort_unstable();
    sources.dedup();
    sources
}

#[cfg(test)]
mod tests;
