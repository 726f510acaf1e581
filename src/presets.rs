//! Preset files: every parameter of a network as TOML, next to the built-in `paper` and `seed`.
//!
//! A file may hold only some keys: `preset`, `landscape` and `scale_down` pick the base
//! ([`Params::new`]), every other key overrides the base's value. The window saves complete files;
//! `--preset FILE` and the window's "Load" read both kinds.
//!
//! `landscape_file = "painting.npy"` gives the landscape as a file (a `.npy` landscape file, or a
//! `.png` picture read by hue; see [`crate::output::landscape`]), resolved relative to the preset
//! file's folder; it stands for `landscape = "file"`. A saved preset whose landscape came from a
//! file names that file; the window saves a painted landscape beside the preset and names it.
//!
//! `network = "ei"` makes a file an E-I preset: its other keys are those of [`EiParams`]
//! (`landscape`, `scale_down`, `mu_e_pa`, `sigma_e_pa`, `mu_i_pa`, `sigma_i_pa`, a `[stimulus]`
//! table, …), each overriding the authors' E-I network ([`EiParams::new`]).

use std::path::{Path, PathBuf};

use seqscape_core::model::ei::EiParams;
use seqscape_core::model::{LandscapeKind, LandscapeMap, ParamError, Params, Preset};

use crate::output::atomic::write_bytes_atomic;
use crate::output::landscape::{is_picture, load_map};

/// The preset key that names a landscape file or picture.
pub const LANDSCAPE_FILE_KEY: &str = "landscape_file";

/// Whether a `--preset` value names a file rather than a built-in preset.
pub fn is_file(name: &str) -> bool {
    Preset::from_name(name).is_err() && (name.ends_with(".toml") || Path::new(name).is_file())
}

/// The `landscape_file = "…"` line of a file landscape (empty for a generated one).
fn landscape_file_line(kind: LandscapeKind, map: Option<&LandscapeMap>) -> String {
    match (kind, map) {
        (LandscapeKind::File, Some(map)) => {
            format!("{LANDSCAPE_FILE_KEY} = {}\n", toml::Value::String(map.path.clone()))
        }
        _ => String::new(),
    }
}

/// The parameters as a complete TOML document; a file landscape is named by its path.
pub fn to_toml(p: &Params) -> Result<String, String> {
    let q = Params { landscape_map: None, ..p.clone() };
    let body = toml::to_string(&q).map_err(|e| format!("cannot write the parameters as TOML: {e}"))?;
    let file = landscape_file_line(p.landscape, p.landscape_map.as_ref());
    Ok(format!("# seqscape preset: the parameters of one network (see `seqscape --help`).\n{file}{body}"))
}

/// Removes `landscape_file` (and the `landscape = "file"` it stands for) from a preset's table;
/// the file it names, relative to `dir` (the preset's folder) unless absolute.
fn take_landscape_file(table: &mut toml::Table, origin: &str, dir: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let Some(value) = table.remove(LANDSCAPE_FILE_KEY) else {
        if table.get("landscape").and_then(toml::Value::as_str) == Some("file") {
            return Err(format!(
                "{origin}: landscape = \"file\" without {LANDSCAPE_FILE_KEY}: expected {LANDSCAPE_FILE_KEY} = \"FILE.npy\" (or a .png picture)"
            ));
        }
        return Ok(None);
    };
    let toml::Value::String(name) = value else {
        return Err(format!(
            "{origin}: invalid {LANDSCAPE_FILE_KEY} {value}: expected the name of a .npy landscape file or .png picture"
        ));
    };
    match table.get("landscape") {
        None => {}
        Some(toml::Value::String(s)) if s == "file" => {
            table.remove("landscape");
        }
        Some(v) => {
            return Err(format!(
                "{origin}: invalid landscape {v} with {LANDSCAPE_FILE_KEY}: expected one of them (landscape_file stands for landscape = \"file\")"
            ));
        }
    }
    let path = Path::new(&name);
    Ok(Some(match dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }))
}

/// The landscape of an n×n sheet from a preset's `landscape_file`.
fn preset_map(path: &Path, origin: &str, n: usize) -> Result<LandscapeMap, String> {
    load_map(path, is_picture(path), &format!("{LANDSCAPE_FILE_KEY} of {origin}"), n)
}

/// The network of a preset: the I network's parameters or the E-I network's.
#[derive(Clone, Debug, PartialEq)]
pub enum Model {
    I(Params),
    Ei(EiParams),
}

fn parse_table(text: &str, origin: &str) -> Result<toml::Table, String> {
    toml::from_str(text).map_err(|e| {
        let msg = e.message().to_string();
        format!("{origin} is not a valid preset file: {msg}")
    })
}

/// Removes the `network` key; whether it names the E-I network.
fn take_network(table: &mut toml::Table, origin: &str) -> Result<bool, String> {
    match table.remove("network") {
        None => Ok(false),
        Some(toml::Value::String(s)) if s.eq_ignore_ascii_case("i") => Ok(false),
        Some(toml::Value::String(s)) if s.eq_ignore_ascii_case("ei") => Ok(true),
        Some(v) => Err(format!("{origin}: invalid network {v}: expected \"i\" or \"ei\"")),
    }
}

/// Parses a (possibly partial) preset of either network; a landscape file is found relative to
/// the working folder.
pub fn model_from_toml(text: &str, origin: &str) -> Result<Model, String> {
    model_from_toml_at(text, origin, None)
}

/// Parses a (possibly partial) preset of either network whose landscape file is found relative to
/// `dir` (the preset's folder).
pub fn model_from_toml_at(text: &str, origin: &str, dir: Option<&Path>) -> Result<Model, String> {
    let mut table = parse_table(text, origin)?;
    if take_network(&mut table, origin)? {
        ei_from_table(table, origin, dir).map(Model::Ei)
    } else {
        from_toml_at(text, origin, dir).map(Model::I)
    }
}

/// The preset files of `assets/presets`, by name, built into the binary for the browser (which has
/// no folders to search).
pub const BUNDLED: &[(&str, &str)] = &[
    ("playground", include_str!("../assets/presets/playground.toml")),
    ("demo", include_str!("../assets/presets/demo.toml")),
    ("fig2-perlin", include_str!("../assets/presets/fig2-perlin.toml")),
    ("fig2-random", include_str!("../assets/presets/fig2-random.toml")),
    ("fig2-symmetric", include_str!("../assets/presets/fig2-symmetric.toml")),
    ("fig2-homogeneous", include_str!("../assets/presets/fig2-homogeneous.toml")),
];

/// The text of the bundled preset `name`.
pub fn bundled(name: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// Reads a preset file of either network (in the browser: the bundled preset of the file's name).
pub fn load_model(path: &Path) -> Result<Model, String> {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = path.file_stem().and_then(|s| bundled(&s.to_string_lossy())) {
        return model_from_toml(text, &path.display().to_string());
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the preset file {}: {e}", path.display()))?;
    model_from_toml_at(&text, &path.display().to_string(), path.parent())
}

fn ei_from_table(mut table: toml::Table, origin: &str, dir: Option<&Path>) -> Result<EiParams, String> {
    let file = take_landscape_file(&mut table, origin, dir)?;
    let landscape = match table.get("landscape") {
        _ if file.is_some() => LandscapeKind::File,
        None => LandscapeKind::Perlin,
        Some(toml::Value::String(name)) => LandscapeKind::from_name(name).map_err(|e| format!("{origin}: {e}"))?,
        Some(v) => return Err(format!("{origin}: 'landscape' must be a string, not {v}")),
    };
    let scale_down = match table.get("scale_down") {
        None => 1,
        Some(toml::Value::Integer(s)) if (1..=5).contains(s) => *s as u32,
        Some(v) => return Err(format!("{origin}: invalid scale_down '{v}': expected an integer from 1 to 5")),
    };
    let base = EiParams::new(landscape, scale_down).map_err(|e| format!("{origin}: {e}"))?;
    let mut merged =
        toml::Table::try_from(&base).map_err(|e| format!("cannot represent the parameters as TOML: {e}"))?;
    for (key, value) in table {
        match (merged.get_mut(&key), value) {
            (None, _) => {
                let known: Vec<&str> = merged.keys().map(String::as_str).collect();
                return Err(format!("{origin}: unknown key '{key}' (known keys: network, {})", known.join(", ")));
            }
            // A partial [stimulus] table overrides only the keys it holds.
            (Some(toml::Value::Table(old)), toml::Value::Table(new)) => old.extend(new),
            (Some(slot), value) => *slot = value,
        }
    }
    let mut p: EiParams = merged.try_into().map_err(|e: toml::de::Error| format!("{origin}: {}", e.message()))?;
    if let Some(file) = file {
        p.landscape_map = Some(preset_map(&file, origin, p.n_e)?);
    }
    p.validate().map_err(|e| format!("{origin}: {e}"))?;
    Ok(p)
}

/// The E-I parameters as a complete TOML document (`network = "ei"` first).
pub fn ei_to_toml(p: &EiParams) -> Result<String, String> {
    let q = EiParams { landscape_map: None, ..p.clone() };
    let body = toml::to_string(&q).map_err(|e| format!("cannot write the parameters as TOML: {e}"))?;
    let file = landscape_file_line(p.landscape, p.landscape_map.as_ref());
    Ok(format!(
        "# seqscape preset: the parameters of one E-I network (see `seqscape --help`).\nnetwork = \"ei\"\n{file}{body}"
    ))
}

/// Writes a complete preset file of either network (atomically).
pub fn save_model(model: &Model, path: &Path) -> Result<(), String> {
    let text = match model {
        Model::I(p) => to_toml(p)?,
        Model::Ei(p) => ei_to_toml(p)?,
    };
    write_bytes_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// Parses a (possibly partial) preset of the I network; `origin` names the source in errors, a
/// landscape file is found relative to the working folder.
pub fn from_toml(text: &str, origin: &str) -> Result<Params, String> {
    from_toml_at(text, origin, None)
}

/// Parses a (possibly partial) preset of the I network whose landscape file is found relative to
/// `dir` (the preset's folder).
pub fn from_toml_at(text: &str, origin: &str, dir: Option<&Path>) -> Result<Params, String> {
    let mut table = parse_table(text, origin)?;
    if take_network(&mut table, origin)? {
        return Err(format!("{origin} is an E-I preset (network = \"ei\"): expected an I-network preset here"));
    }
    let file = take_landscape_file(&mut table, origin, dir)?;
    let text_of = |key: &str| -> Result<Option<String>, String> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(format!("{origin}: '{key}' must be a string, not {v}")),
        }
    };
    let preset = match text_of("preset")? {
        Some(name) => Preset::from_name(&name).map_err(|e| format!("{origin}: {e}"))?,
        None => Preset::Paper,
    };
    let landscape = match text_of("landscape")? {
        _ if file.is_some() => LandscapeKind::File,
        Some(name) => LandscapeKind::from_name(&name).map_err(|e| format!("{origin}: {e}"))?,
        None => LandscapeKind::Perlin,
    };
    let scale_down = match table.get("scale_down") {
        None => Params::default_scale_down(preset),
        Some(toml::Value::Integer(s)) if (1..=5).contains(s) => *s as u32,
        Some(v) => {
            return Err(format!("{origin}: invalid scale_down '{v}': expected an integer from 1 to 5"));
        }
    };
    let base = Params::new(preset, landscape, scale_down).map_err(|e| format!("{origin}: {e}"))?;
    let mut merged =
        toml::Table::try_from(&base).map_err(|e| format!("cannot represent the parameters as TOML: {e}"))?;
    for (key, value) in table {
        if !merged.contains_key(&key) {
            let known: Vec<&str> = merged.keys().map(String::as_str).collect();
            return Err(format!("{origin}: unknown key '{key}' (known keys: {})", known.join(", ")));
        }
        merged.insert(key, value);
    }
    let mut p: Params = merged.try_into().map_err(|e: toml::de::Error| format!("{origin}: {}", e.message()))?;
    if let Some(file) = file {
        p.landscape_map = Some(preset_map(&file, origin, p.n)?);
    }
    p.validate().map_err(|e| format!("{origin}: {e}"))?;
    Ok(p)
}

/// Reads a preset file.
pub fn load(path: &Path) -> Result<Params, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the preset file {}: {e}", path.display()))?;
    from_toml_at(&text, &path.display().to_string(), path.parent())
}

/// Keys whose value follows the scale-down (the rest are the user's physics and apply at any scale).
const SCALE_KEYS: [&str; 5] = ["scale_down", "n", "out_degree", "theta", "j_pa"];

/// Reads a preset file at another scale-down than its own: the scale-dependent constants follow
/// [`rescale`], every other key of the file applies as written. A file that sets `n`, `out_degree`
/// or `theta` to a value of its own cannot be rescaled: that conflict is an error.
pub fn load_at_scale(path: &Path, scale_down: Option<u32>) -> Result<Params, String> {
    let base = load(path)?;
    let Some(scale) = scale_down.filter(|&s| s != base.scale_down) else {
        return Ok(base);
    };
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the preset file {origin}: {e}"))?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| format!("{origin}: {}", e.message()))?;
    table.remove("network");
    table.remove(LANDSCAPE_FILE_KEY);
    let preset_base = Params::new(base.preset, base.landscape, base.scale_down).map_err(|e| e.to_string())?;
    let own = |key: &str, file: f64, preset: f64| table.contains_key(key) && file != preset;
    let custom: Vec<&str> = [
        ("n", own("n", base.n as f64, preset_base.n as f64)),
        ("out_degree", own("out_degree", base.out_degree as f64, preset_base.out_degree as f64)),
        ("theta", own("theta", base.theta, preset_base.theta)),
    ]
    .into_iter()
    .filter_map(|(k, c)| c.then_some(k))
    .collect();
    if !custom.is_empty() {
        return Err(format!(
            "{origin} sets {} for scale-down {}, which --scale-down {scale} would replace: leave out --scale-down or those keys",
            custom.join(", "),
            base.scale_down
        ));
    }
    let rescaled = rescale(&base, scale).map_err(|e| e.to_string())?;
    let mut merged =
        toml::Table::try_from(&rescaled).map_err(|e| format!("cannot represent the parameters as TOML: {e}"))?;
    for (key, value) in table {
        if !SCALE_KEYS.contains(&key.as_str()) {
            merged.insert(key, value);
        }
    }
    let mut p: Params = merged.try_into().map_err(|e: toml::de::Error| format!("{origin}: {}", e.message()))?;
    if let Some(map) = &base.landscape_map {
        // The file again, for the new sheet: a picture is resampled, a landscape file must fit.
        p.landscape = LandscapeKind::File;
        p.landscape_map = Some(preset_map(Path::new(&map.path), &origin, p.n)?);
    }
    p.validate().map_err(|e| format!("{origin} at scale-down {scale}: {e}"))?;
    Ok(p)
}

/// Writes a complete preset file (atomically: a failed save leaves no partial file).
pub fn save(p: &Params, path: &Path) -> Result<(), String> {
    let text = to_toml(p)?;
    write_bytes_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// The same network at another scale-down: the scale-dependent constants follow the preset's rule,
/// the physics chosen by the user (μ, σ, τs, shift, landscape options, seed, times) is kept and J
/// keeps its ratio to the preset's value.
pub fn rescale(p: &Params, scale_down: u32) -> Result<Params, ParamError> {
    let old = Params::new(p.preset, p.landscape, p.scale_down)?;
    let mut q = Params::new(p.preset, p.landscape, scale_down)?;
    let j_ratio = if old.j_pa != 0.0 { p.j_pa / old.j_pa } else { 1.0 };
    q.j_pa *= j_ratio;
    carry_user_choices(p, &mut q);
    Ok(q)
}

/// The user's choices on top of another preset (at that preset's own scale and constants).
pub fn switch_preset(p: &Params, preset: Preset) -> Result<Params, ParamError> {
    let mut q = Params::new(preset, p.landscape, p.scale_down)?;
    q.seed = p.seed;
    q.warmup_ms = p.warmup_ms;
    Ok(q)
}

fn carry_user_choices(from: &Params, to: &mut Params) {
    to.seed = from.seed;
    to.mu_pa = from.mu_pa;
    to.sigma_pa = from.sigma_pa;
    to.tau_s_ms = from.tau_s_ms;
    to.shift = from.shift;
    to.perlin_size = from.perlin_size.min(to.n as f64);
    to.direction_deg = from.direction_deg;
    to.warmup_ms = from.warmup_ms;
    to.duration_ms = from.duration_ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_preset_reads_back_equal() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Homogeneous, 2).unwrap();
        p.mu_pa = 650.0;
        p.seed = 17;
        let text = to_toml(&p).unwrap();
        assert_eq!(from_toml(&text, "test").unwrap(), p);
    }

    #[test]
    fn a_partial_preset_starts_from_its_base() {
        let p = from_toml("preset = \"seed\"\nlandscape = \"random\"\nmu_pa = 600.0\n", "x").unwrap();
        let base = Params::new(Preset::Seed, LandscapeKind::Random, 5).unwrap();
        assert_eq!(p.mu_pa, 600.0);
        assert_eq!((p.n, p.j_pa, p.scale_down), (base.n, base.j_pa, 5));
    }

    #[test]
    fn bad_presets_name_the_problem() {
        assert!(from_toml("mu = 1.0", "f").unwrap_err().contains("unknown key 'mu'"));
        assert!(from_toml("scale_down = 9", "f").unwrap_err().contains("scale_down"));
        assert!(from_toml("tau_s_ms = -1.0", "f").unwrap_err().contains("tau_s"));
        assert!(from_toml("landscape = \"flat\"", "f").unwrap_err().contains("perlin"));
        assert!(from_toml("[[[", "f").unwrap_err().contains("not a valid preset"));
    }

    #[test]
    fn an_ei_preset_reads_back_equal_and_a_partial_one_starts_from_the_authors_network() {
        let mut p = EiParams::new(LandscapeKind::Homogeneous, 2).unwrap();
        p.mu_e_pa = 120.0;
        p.stimulus.amplitude_pa = 800.0;
        let text = ei_to_toml(&p).unwrap();
        assert_eq!(model_from_toml(&text, "t").unwrap(), Model::Ei(p));
        let q = model_from_toml("network = \"ei\"\nmu_i_pa = 50.0\n[stimulus]\nduration_ms = 20.0\n", "t").unwrap();
        let Model::Ei(q) = q else { panic!("an E-I preset") };
        let base = EiParams::new(LandscapeKind::Perlin, 1).unwrap();
        assert_eq!((q.n_e, q.mu_e_pa, q.mu_i_pa), (base.n_e, base.mu_e_pa, 50.0));
        assert_eq!((q.stimulus.duration_ms, q.stimulus.amplitude_pa), (20.0, base.stimulus.amplitude_pa));
        assert!(model_from_toml("network = \"x\"", "f").unwrap_err().contains("\"ei\""));
        assert!(model_from_toml("network = \"ei\"\nmu_pa = 1.0", "f").unwrap_err().contains("unknown key 'mu_pa'"));
        assert!(from_toml("network = \"ei\"", "f").unwrap_err().contains("E-I preset"));
        assert!(matches!(model_from_toml("network = \"i\"\nmu_pa = 600.0", "f"), Ok(Model::I(p)) if p.mu_pa == 600.0));
    }

    #[test]
    fn the_shipped_presets_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(files.iter().any(|f| f.ends_with("playground.toml")));
        for f in files {
            load_model(&f).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn rescaling_keeps_the_user_physics_and_total_inhibition() {
        let mut p = Params::new(Preset::Paper, LandscapeKind::Perlin, 1).unwrap();
        p.mu_pa = 720.0;
        p.j_pa *= 2.0;
        let q = rescale(&p, 2).unwrap();
        assert_eq!((q.n, q.mu_pa), (50, 720.0));
        assert!((q.j_pa * q.out_degree as f64 - 2.0 * p.j_pa / 2.0 * p.out_degree as f64).abs() < 1e-6);
    }

    #[test]
    fn a_preset_file_at_another_scale_keeps_its_own_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "t_ref_ms = 3.0\nc_m_pf = 200.0\nmu_pa = 650.0\n").unwrap();
        let p = load_at_scale(&path, Some(2)).unwrap();
        assert_eq!((p.scale_down, p.n, p.t_ref_ms, p.c_m_pf, p.mu_pa), (2, 50, 3.0, 200.0, 650.0));
        let base = Params::new(Preset::Paper, LandscapeKind::Perlin, 2).unwrap();
        assert_eq!((p.out_degree, p.theta, p.j_pa), (base.out_degree, base.theta, base.j_pa));
        // A file of its own network size cannot be rescaled.
        std::fs::write(&path, "n = 60\nt_ref_ms = 3.0\n").unwrap();
        let err = load_at_scale(&path, Some(2)).unwrap_err();
        assert!(err.contains("sets n") && err.contains("--scale-down 2"), "{err}");
        assert_eq!(load_at_scale(&path, None).unwrap().n, 60);
    }

    #[test]
    fn a_preset_with_a_landscape_file_reads_back_equal_from_beside_it() {
        use crate::output::landscape::write_landscape_npy;
        let dir = tempfile::tempdir().unwrap();
        let mut p = Params::new(Preset::Seed, LandscapeKind::Random, 5).unwrap();
        p.seed = 3;
        let mut direction = seqscape_core::model::Landscape::generate(&p).direction;
        direction[7] = f32::NAN;
        write_landscape_npy(&dir.path().join("painting.npy"), p.n, &direction).unwrap();
        p.landscape = LandscapeKind::File;
        p.landscape_map = Some(LandscapeMap::new("painting.npy", p.n, direction.clone()).unwrap());
        let path = dir.path().join("mine.toml");
        save(&p, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("landscape_file = \"painting.npy\"") && !text.contains("landscape_map"), "{text}");
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.landscape_map.as_ref().unwrap().path, dir.path().join("painting.npy").display().to_string());
        let dirs = loaded.landscape_map.as_ref().unwrap().direction.clone();
        assert!(dirs.iter().zip(&direction).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(Params { landscape_map: None, ..loaded.clone() }, Params { landscape_map: None, ..p.clone() });
        // The E-I network's E sheet, from a picture resampled to it, at two scales.
        let picture = dir.path().join("wave.png");
        image::RgbImage::from_fn(60, 60, |c, _| image::Rgb(if c < 30 { [0, 0, 255] } else { [40, 40, 40] }))
            .save(&picture)
            .unwrap();
        let ei_text = "network = \"ei\"\nscale_down = 4\nlandscape_file = \"wave.png\"\n";
        let ei_path = dir.path().join("ei.toml");
        std::fs::write(&ei_path, ei_text).unwrap();
        let Model::Ei(e) = load_model(&ei_path).unwrap() else { panic!("an E-I preset") };
        let map = e.landscape_map.as_ref().unwrap();
        assert_eq!((e.landscape, map.n), (LandscapeKind::File, e.n_e));
        assert!((f64::from(map.direction[0]) - 4.0 * std::f64::consts::PI / 3.0).abs() < 1e-5);
        assert!(map.direction[e.n_e - 1].is_nan());
        save_model(&Model::Ei(e.clone()), &ei_path).unwrap();
        assert_eq!(load_model(&ei_path).unwrap(), Model::Ei(e));
        // An I preset of a picture rescales by reading the picture again; a landscape file cannot.
        std::fs::write(&path, "scale_down = 4\nlandscape_file = \"wave.png\"\n").unwrap();
        assert_eq!(load_at_scale(&path, Some(5)).unwrap().landscape_map.unwrap().n, 20);
        std::fs::write(&path, "preset = \"seed\"\nlandscape_file = \"painting.npy\"\n").unwrap();
        let err = load_at_scale(&path, Some(4)).unwrap_err();
        assert!(err.contains("landscape_file") && err.contains("(26, 26)"), "{err}");
        // A landscape beside landscape_file, or "file" without it: refused.
        std::fs::write(&path, "landscape = \"perlin\"\nlandscape_file = \"painting.npy\"\n").unwrap();
        assert!(load(&path).unwrap_err().contains("one of them"));
        assert!(from_toml("landscape = \"file\"", "f").unwrap_err().contains("landscape_file"));
    }
}
