//! Options shared by several subcommands: the model options that define a network, the landscape
//! read from a file or picture, the DBSCAN options of the sequence analysis, and the parsers of
//! names (landscape, preset) that every command matches the same way, case-insensitively.

use std::path::{Path, PathBuf};

use clap::Args;
use seqscape_core::analysis::{DbscanParams, Recipe};
use seqscape_core::model::ei::EiParams;
use seqscape_core::model::{LandscapeKind, LandscapeMap, Params, Preset};

use crate::error::UserError;
use crate::output::landscape::load_map;
use crate::presets;

/// The accepted landscape names, for messages.
pub const LANDSCAPE_NAMES: &str = "symmetric, random, perlin, homogeneous";

/// A landscape by name, in any letter case.
pub fn landscape(name: &str) -> Result<LandscapeKind, UserError> {
    LandscapeKind::from_name(&name.trim().to_ascii_lowercase())
        .map_err(|_| UserError(format!("invalid landscape '{name}': expected one of: {LANDSCAPE_NAMES}")))
}

/// `all` or one landscape, in any letter case.
pub fn landscapes(name: &str) -> Result<Vec<LandscapeKind>, UserError> {
    if name.trim().eq_ignore_ascii_case("all") {
        return Ok(LandscapeKind::ALL.to_vec());
    }
    landscape(name)
        .map(|l| vec![l])
        .map_err(|_| UserError(format!("invalid landscape '{name}': expected one of: all, {LANDSCAPE_NAMES}")))
}

/// The master seed: any integer from 0 to 2⁶⁴ − 1.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("expected an integer from 0 to {}", u64::MAX))
}

/// Options that define the network.
#[derive(Args, Debug, Clone, Default)]
pub struct ModelArgs {
    /// Preset: paper (the authors' NEST code), seed (the Brian2 example) or a preset file (.toml).
    #[arg(long, default_value = "paper")]
    pub preset: String,
    /// Scale-down factor 1-5 (default: paper 1, seed 5).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=5))]
    pub scale_down: Option<u32>,
    /// Side of a larger full-scale sheet, 20-1000 neurons (default 100): the preset's out-degree and
    /// connection profile on a bigger torus, the Perlin size scaled with it. Not with --scale-down.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(20..=1000))]
    pub grid: Option<u32>,
    /// Simulated time after the 500 ms warm-up, ms (default: paper 10000, seed 3000).
    #[arg(long, allow_hyphen_values = true)]
    pub duration_ms: Option<f64>,
    /// Warm-up, ms (default 500).
    #[arg(long, allow_hyphen_values = true)]
    pub warmup_ms: Option<f64>,
    /// Master seed of every random stream (default 0, or the preset file's).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Worker threads, 1-256 (default: all cores).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: Option<u64>,
    /// Shift R in grid steps (default 1).
    #[arg(long, allow_hyphen_values = true)]
    pub shift: Option<f64>,
    /// Perlin noise cells across the grid (default: paper 3, seed 4).
    #[arg(long, allow_hyphen_values = true)]
    pub perlin_size: Option<f64>,
    /// Direction of the homogeneous landscape in degrees (default: paper 135, seed 30).
    #[arg(long, allow_hyphen_values = true)]
    pub direction: Option<f64>,
    /// Mean background current, pA (default 700).
    #[arg(long, allow_hyphen_values = true)]
    pub mu: Option<f64>,
    /// Standard deviation of the background current, pA (default 100).
    #[arg(long, allow_hyphen_values = true)]
    pub sigma: Option<f64>,
    /// Peak synaptic current J, pA (default: paper -10 nA / out-degree, seed -10·s).
    #[arg(long = "j-pa", allow_hyphen_values = true)]
    pub j_pa: Option<f64>,
    /// Synaptic time constant, ms (default 5).
    #[arg(long, allow_hyphen_values = true)]
    pub tau_s: Option<f64>,
}

impl ModelArgs {
    /// The parameters these options define for `landscape`.
    pub fn params(&self, landscape: LandscapeKind) -> Result<Params, UserError> {
        self.params_for(Some(landscape))
    }

    /// The parameters these options define; a preset file supplies the landscape when `landscape`
    /// is `None` (built-in presets default to Perlin).
    pub fn params_for(&self, landscape: Option<LandscapeKind>) -> Result<Params, UserError> {
        if let (Some(grid), Some(scale)) = (self.grid, self.scale_down) {
            return Err(UserError(format!(
                "invalid --grid {grid} with --scale-down {scale}: expected one of them (--grid is a full-scale sheet)"
            )));
        }
        let builtin = Preset::from_name(&self.preset.trim().to_ascii_lowercase());
        let mut p = match builtin {
            Ok(preset) => {
                let scale = self.scale_down.unwrap_or(Params::default_scale_down(preset));
                Params::new(preset, landscape.unwrap_or(LandscapeKind::Perlin), scale)?
            }
            Err(_) if presets::is_file(&self.preset) => {
                let mut p = presets::load_at_scale(Path::new(&self.preset), self.scale_down).map_err(UserError)?;
                if let Some(l) = landscape {
                    p.landscape = l;
                    p.landscape_map = None;
                }
                p
            }
            Err(_) => {
                return Err(UserError(format!(
                    "invalid preset '{}': expected paper, seed or an existing preset file (.toml)",
                    self.preset
                )));
            }
        };
        if let Some(grid) = self.grid {
            p = p.with_grid(grid as usize)?;
        }
        if let Some(seed) = self.seed {
            p.seed = seed;
        }
        let set = |field: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut p.duration_ms, self.duration_ms);
        set(&mut p.warmup_ms, self.warmup_ms);
        set(&mut p.shift, self.shift);
        set(&mut p.perlin_size, self.perlin_size);
        set(&mut p.direction_deg, self.direction);
        set(&mut p.mu_pa, self.mu);
        set(&mut p.sigma_pa, self.sigma);
        set(&mut p.j_pa, self.j_pa);
        set(&mut p.tau_s_ms, self.tau_s);
        p.validate()?;
        Ok(p)
    }

    /// The parameters these options define with the landscape of `file` when one is given, else
    /// as [`ModelArgs::params_for`].
    pub fn params_with(&self, landscape: Option<LandscapeKind>, file: &LandscapeFileArgs) -> Result<Params, UserError> {
        if !file.given() {
            return self.params_for(landscape);
        }
        let mut p = self.params_for(None)?;
        file.apply(&mut p)?;
        Ok(p)
    }

    /// Worker threads; 0 means all cores.
    pub fn threads(&self) -> usize {
        self.threads.map_or(0, |t| t as usize)
    }
}

/// A landscape given rather than generated: `--landscape-file` or `--landscape-image`, in place of
/// `--landscape` (see [`crate::output::landscape`] for what each accepts).
#[derive(Args, Debug, Clone, Default)]
pub struct LandscapeFileArgs {
    /// Landscape from a file: a float32 .npy array of shape (n, n), radians in [0, 2π) from +x
    /// toward +y, NaN unshifted (what 'run' writes as landscape.npy). Replaces --landscape; the
    /// lattice shift rounds its directions to the 8 lattice directions.
    #[arg(long, value_name = "FILE.npy", conflicts_with_all = ["landscape", "landscape_image"])]
    pub landscape_file: Option<PathBuf>,
    /// Landscape from a PNG picture: hue is the direction (red +x, green 120°, blue 240°), grey,
    /// white or dark pixels unshifted, the top row the top of the sheet, resampled to n×n.
    #[arg(long, value_name = "FILE.png", conflicts_with = "landscape")]
    pub landscape_image: Option<PathBuf>,
}

impl LandscapeFileArgs {
    pub fn given(&self) -> bool {
        self.landscape_file.is_some() || self.landscape_image.is_some()
    }

    /// The map of an n×n sheet, if a file or picture is given.
    pub fn map(&self, n: usize) -> Result<Option<LandscapeMap>, UserError> {
        let loaded = match (&self.landscape_file, &self.landscape_image) {
            (Some(file), _) => load_map(file, false, "--landscape-file", n),
            (None, Some(picture)) => load_map(picture, true, "--landscape-image", n),
            (None, None) => return Ok(None),
        };
        loaded.map(Some).map_err(UserError)
    }

    /// Puts the file's landscape into `p` (checked against its sheet), if one is given.
    pub fn apply(&self, p: &mut Params) -> Result<(), UserError> {
        if let Some(map) = self.map(p.n)? {
            p.landscape = LandscapeKind::File;
            p.landscape_map = Some(map);
            p.validate()?;
        }
        Ok(())
    }

    /// Puts the file's landscape onto the E sheet of `p`, if one is given.
    pub fn apply_ei(&self, p: &mut EiParams) -> Result<(), UserError> {
        if let Some(map) = self.map(p.n_e)? {
            p.landscape = LandscapeKind::File;
            p.landscape_map = Some(map);
            p.validate()?;
        }
        Ok(())
    }
}

/// The sequence-analysis recipe on the command line (see `seqscape_core::analysis::sequences`).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[value(rename_all = "kebab-case")]
pub enum RecipeArg {
    /// Wrapped DBSCAN, core spikes, one track per spatially separate bump.
    Torus,
    /// The authors' identify_vectors: DBSCAN without wrap, one centroid of all spikes per window.
    Authors,
    /// The authors' detect_wrap (Fig. 8, E-I network): two unwrapped DBSCAN passes, the second on
    /// ids moved by half the sheet, merged across the edges; then as authors.
    AuthorsWrap,
}

impl From<RecipeArg> for Recipe {
    fn from(r: RecipeArg) -> Self {
        match r {
            RecipeArg::Torus => Recipe::Torus,
            RecipeArg::Authors => Recipe::Authors,
            RecipeArg::AuthorsWrap => Recipe::AuthorsWrap,
        }
    }
}

/// DBSCAN and recipe options shared by `analyze`, `figure` and `sweep`; each command picks its
/// own default recipe and eps.
#[derive(Args, Debug, Clone)]
pub struct DbscanArgs {
    /// Analysis recipe: torus, authors or authors-wrap (default: torus for analyze and figure,
    /// authors for sweep; authors-wrap with td 4 ms and eps 4 for sweep ei-input and for analyze of
    /// an E-I run with pulses (Fig. 8), with td 3 ms and eps 3 for figure --network ei (Fig. 3)).
    #[arg(long, ignore_case = true)]
    pub recipe: Option<RecipeArg>,
    /// Time scale: spikes are points (t/td, x, y) (default 20; authors-wrap: 4, as in Fig. 8).
    #[arg(long, allow_hyphen_values = true)]
    pub td_ms: Option<f64>,
    /// Neighbourhood radius in grid units (default 3; sweep perlin-size: 4, as in Fig. 6;
    /// authors-wrap: 4, as in Fig. 8).
    #[arg(long, allow_hyphen_values = true)]
    pub eps: Option<f64>,
    /// Points (the point itself included) within eps that make a core point, 1-100000.
    #[arg(long, default_value_t = 20, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub min_samples: u64,
    /// Torus recipe: do not wrap the torus in DBSCAN (the authors' recipe never wraps).
    #[arg(long)]
    pub no_wrap: bool,
}

/// The eps of Figs. 2, 3 and 5.
pub const DEFAULT_EPS: f64 = 3.0;
/// The DBSCAN time scale of Figs. 2, 3, 5 and 6, ms.
pub const DEFAULT_TD_MS: f64 = 20.0;
/// The DBSCAN time scale of the E-I network's sequences in the authors' Fig. 3 e–f, ms.
pub const FIG3_EI_TD_MS: f64 = 3.0;
/// The DBSCAN time scale and eps of the authors' Fig. 8 (`detect_wrap(..., td=4, eps=4)`).
pub const FIG8_TD_MS: f64 = 4.0;
pub const FIG8_EPS: f64 = 4.0;

impl DbscanArgs {
    /// The recipe and DBSCAN parameters, checked; `recipe` and `eps` are the command's defaults
    /// (the authors-wrap recipe has its own: td 4 ms, eps 4).
    pub fn params(&self, recipe: Recipe, eps: f64) -> Result<(Recipe, DbscanParams), UserError> {
        let chosen = self.recipe.map_or(recipe, Recipe::from);
        let (td_ms, eps) = if chosen == Recipe::AuthorsWrap { (FIG8_TD_MS, FIG8_EPS) } else { (DEFAULT_TD_MS, eps) };
        self.params_with(recipe, td_ms, eps)
    }

    /// The recipe and DBSCAN parameters, checked, with the command's own defaults of all three.
    pub fn params_with(&self, recipe: Recipe, td_ms: f64, eps: f64) -> Result<(Recipe, DbscanParams), UserError> {
        let recipe = self.recipe.map_or(recipe, Recipe::from);
        let p = DbscanParams {
            td_ms: self.td_ms.unwrap_or(td_ms),
            eps: self.eps.unwrap_or(eps),
            min_samples: self.min_samples as usize,
            wrap: !self.no_wrap && recipe == Recipe::Torus,
        };
        p.validate()?;
        Ok((recipe, p))
    }
}
