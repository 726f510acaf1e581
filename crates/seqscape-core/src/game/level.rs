//! A challenge level: the start and goal discs, the walls, the landscape to repaint, the ink budget
//! and the time limit, read from TOML and checked against the E sheet.
//!
//! Every problem is reported as one line that names the file, the field and what is accepted.

use serde::Deserialize;

use crate::model::LandscapeKind;
use crate::model::ei::params::FULL_N_E;

/// Side of the E sheet every level is played on.
pub const SHEET: usize = FULL_N_E;
/// Largest start or goal radius, E-grid units.
pub const MAX_RADIUS: f64 = 20.0;
/// Shortest and longest time limit, simulated ms.
pub const TIME_LIMIT_MS: (f64, f64) = (50.0, 2000.0);

/// A disc on the E sheet, E-grid units (cell x spans [x, x+1)).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disc {
    pub x: f64,
    pub y: f64,
    pub radius: f64,
}

impl Disc {
    /// Whether `(px, py)` lies within the disc, measured on the torus of side `n`.
    pub fn contains(&self, n: usize, (px, py): (f64, f64)) -> bool {
        torus_distance(n, (self.x, self.y), (px, py)) <= self.radius
    }
}

/// The distance of two points on the torus of side `n`.
pub fn torus_distance(n: usize, a: (f64, f64), b: (f64, f64)) -> f64 {
    let n = n as f64;
    let wrap = |d: f64| d - n * (d / n).round();
    wrap(a.0 - b.0).hypot(wrap(a.1 - b.1))
}

/// A wall: the rectangle of E cells `x..x+width`, `y..y+height` (wrapping around the torus edge);
/// the E and I neurons inside it are silenced.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wall {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

impl Wall {
    /// Whether the point `(px, py)` (E-grid units) lies inside the wall.
    pub fn contains(&self, n: usize, (px, py): (f64, f64)) -> bool {
        let nf = n as f64;
        let dx = (px - self.x as f64).rem_euclid(nf);
        let dy = (py - self.y as f64).rem_euclid(nf);
        dx < self.width as f64 && dy < self.height as f64
    }
}

/// One level, as its file gives it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    pub hint: String,
    /// The landscape the player starts from.
    pub landscape: LandscapeKind,
    /// The direction of a homogeneous landscape, degrees (lattice directions: multiples of 45).
    #[serde(default)]
    pub direction_deg: f64,
    /// The master seed of the level's network.
    pub seed: u64,
    /// Neurons the player may repaint.
    pub ink: usize,
    /// Simulated time from the launch within which the sequence must reach the goal.
    pub time_limit_ms: f64,
    pub start: Disc,
    pub goal: Disc,
    #[serde(default)]
    pub walls: Vec<Wall>,
}

/// A level file that cannot be played: one line naming the file, the field and what is accepted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: {field}: {problem}; accepted: {accepted}")]
pub struct LevelError {
    pub file: String,
    pub field: String,
    pub problem: String,
    pub accepted: String,
}

/// The fields of a level file and what each accepts.
const FIELDS: &[(&str, &str)] = &[
    ("name", "a text"),
    ("hint", "a text"),
    ("landscape", "one of \"symmetric\", \"random\", \"perlin\", \"homogeneous\""),
    ("direction_deg", "a multiple of 45 from 0 to 315 (optional; homogeneous landscapes)"),
    ("seed", "an integer from 0 to 2^63"),
    ("ink", "an integer from 0 to 14400 (neurons repainted)"),
    ("time_limit_ms", "a time from 50 to 2000 ms"),
    ("start", "a table with x, y, radius"),
    ("goal", "a table with x, y, radius"),
    ("walls", "an array of tables with x, y, width, height (optional)"),
];
const DISC_FIELDS: &[(&str, &str)] = &[
    ("x", "a number from 0 to 120 (exclusive)"),
    ("y", "a number from 0 to 120 (exclusive)"),
    ("radius", "a number from 1 to 20"),
];
const WALL_FIELDS: &[(&str, &str)] = &[
    ("x", "an integer from 0 to 119"),
    ("y", "an integer from 0 to 119"),
    ("width", "an integer from 1 to 120"),
    ("height", "an integer from 1 to 120"),
];

fn accepted_of(fields: &[(&str, &str)], name: &str) -> String {
    fields.iter().find(|f| f.0 == name).map_or_else(|| "see the level format".to_string(), |f| f.1.to_string())
}

fn names(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
}

impl Level {
    /// Parses and checks a level; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Level, LevelError> {
        let err = |field: &str, problem: String, accepted: String| LevelError {
            file: file.to_string(),
            field: field.to_string(),
            problem,
            accepted,
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            err("file", format!("not TOML ({})", e.message().replace('\n', " ")), "a TOML table".to_string())
        })?;
        check_keys(&table, "", FIELDS, &err)?;
        for disc in ["start", "goal"] {
            match table.get(disc) {
                Some(toml::Value::Table(t)) => check_keys(t, &format!("{disc}."), DISC_FIELDS, &err)?,
                Some(_) => return Err(err(disc, "not a table".into(), accepted_of(FIELDS, disc))),
                None => {}
            }
        }
        match table.get("walls") {
            Some(toml::Value::Array(walls)) => {
                for (k, w) in walls.iter().enumerate() {
                    let path = format!("walls[{k}]");
                    match w {
                        toml::Value::Table(t) => check_keys(t, &format!("{path}."), WALL_FIELDS, &err)?,
                        _ => return Err(err(&path, "not a table".into(), accepted_of(FIELDS, "walls"))),
                    }
                }
            }
            Some(_) => return Err(err("walls", "not an array".into(), accepted_of(FIELDS, "walls"))),
            None => {}
        }
        let level: Level = table.try_into().map_err(|e: toml::de::Error| {
            err("file", e.message().replace('\n', " "), format!("the fields {}", names(FIELDS)))
        })?;
        level.check(file)?;
        Ok(level)
    }

    /// Checks positions, radii, ink and time against the sheet.
    fn check(&self, file: &str) -> Result<(), LevelError> {
        let err = |field: &str, value: String, fields: &[(&str, &str)], key: &str| LevelError {
            file: file.to_string(),
            field: field.to_string(),
            problem: format!("{value} is out of range"),
            accepted: accepted_of(fields, key),
        };
        let n = SHEET as f64;
        for (name, d) in [("start", &self.start), ("goal", &self.goal)] {
            for (key, v, ok) in [
                ("x", d.x, d.x.is_finite() && (0.0..n).contains(&d.x)),
                ("y", d.y, d.y.is_finite() && (0.0..n).contains(&d.y)),
                ("radius", d.radius, d.radius.is_finite() && (1.0..=MAX_RADIUS).contains(&d.radius)),
            ] {
                if !ok {
                    return Err(err(&format!("{name}.{key}"), v.to_string(), DISC_FIELDS, key));
                }
            }
        }
        for (k, w) in self.walls.iter().enumerate() {
            for (key, v, ok) in [
                ("x", w.x, w.x < SHEET),
                ("y", w.y, w.y < SHEET),
                ("width", w.width, (1..=SHEET).contains(&w.width)),
                ("height", w.height, (1..=SHEET).contains(&w.height)),
            ] {
                if !ok {
                    return Err(err(&format!("walls[{k}].{key}"), v.to_string(), WALL_FIELDS, key));
                }
            }
            for (name, d) in [("start", &self.start), ("goal", &self.goal)] {
                if w.contains(SHEET, (d.x, d.y)) {
                    return Err(LevelError {
                        file: file.to_string(),
                        field: format!("walls[{k}]"),
                        problem: format!("covers the {name} disc's centre"),
                        accepted: "walls that leave the start and goal centres free".into(),
                    });
                }
            }
        }
        if self.ink > SHEET * SHEET {
            return Err(err("ink", self.ink.to_string(), FIELDS, "ink"));
        }
        let (lo, hi) = TIME_LIMIT_MS;
        if !(self.time_limit_ms.is_finite() && (lo..=hi).contains(&self.time_limit_ms)) {
            return Err(err("time_limit_ms", self.time_limit_ms.to_string(), FIELDS, "time_limit_ms"));
        }
        let d = self.direction_deg;
        if !(d.is_finite() && (0.0..360.0).contains(&d) && (d / 45.0).fract() == 0.0) {
            return Err(err("direction_deg", d.to_string(), FIELDS, "direction_deg"));
        }
        if self.seed > i64::MAX as u64 {
            return Err(err("seed", self.seed.to_string(), FIELDS, "seed"));
        }
        if torus_distance(SHEET, (self.start.x, self.start.y), (self.goal.x, self.goal.y))
            <= self.start.radius + self.goal.radius
        {
            return Err(LevelError {
                file: file.to_string(),
                field: "goal".into(),
                problem: "overlaps the start disc".into(),
                accepted: "a goal disc apart from the start disc".into(),
            });
        }
        Ok(())
    }

    /// Reads and checks a level file.
    pub fn load(path: &std::path::Path) -> Result<Level, LevelError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| LevelError {
            file: file.clone(),
            field: "file".into(),
            problem: format!("cannot be read ({e})"),
            accepted: "a readable UTF-8 TOML file".into(),
        })?;
        Level::parse(&text, &file)
    }

    /// The E neurons (E-grid ids) and I neurons (I-grid ids) whose cells lie inside a wall; an I
    /// neuron at (x, y) sits at (x·n_e/n_i, y·n_e/n_i) + half its cell on the E sheet.
    pub fn wall_neurons(&self, n_e: usize, n_i: usize) -> (Vec<usize>, Vec<usize>) {
        let scale = n_e as f64 / n_i as f64;
        let inside = |p: (f64, f64)| self.walls.iter().any(|w| w.contains(n_e, p));
        let e = (0..n_e * n_e).filter(|&id| inside(((id % n_e) as f64 + 0.5, (id / n_e) as f64 + 0.5))).collect();
        let i = (0..n_i * n_i)
            .filter(|&id| inside((((id % n_i) as f64 + 0.5) * scale, ((id / n_i) as f64 + 0.5) * scale)))
            .collect();
        (e, i)
    }
}

/// Reports the first key of `table` that the level format does not know, or the first it needs
/// that is missing.
fn check_keys(
    table: &toml::Table,
    prefix: &str,
    fields: &[(&str, &str)],
    err: &dyn Fn(&str, String, String) -> LevelError,
) -> Result<(), LevelError> {
    if let Some(k) = table.keys().find(|k| !fields.iter().any(|f| f.0 == k.as_str())) {
        return Err(err(&format!("{prefix}{k}"), "unknown field".into(), format!("the fields {}", names(fields))));
    }
    for (k, v) in table {
        let whole = ["seed", "ink", "width", "height"].contains(&k.as_str()) || prefix.starts_with("walls");
        let ok = match k.as_str() {
            "name" | "hint" | "landscape" => v.is_str(),
            "start" | "goal" => v.is_table(),
            "walls" => v.is_array(),
            _ if whole => v.as_integer().is_some_and(|i| i >= 0),
            _ => v.is_integer() || v.is_float(),
        };
        if !ok {
            let accepted = fields.iter().find(|f| f.0 == k.as_str()).map_or("", |f| f.1).to_string();
            return Err(err(&format!("{prefix}{k}"), format!("{v} has the wrong type"), accepted));
        }
    }
    let optional = ["direction_deg", "walls"];
    if let Some(f) = fields.iter().find(|f| !optional.contains(&f.0) && !table.contains_key(f.0)) {
        return Err(err(&format!("{prefix}{}", f.0), "missing".into(), f.1.to_string()));
    }
    Ok(())
}
