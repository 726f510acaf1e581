//! The command line: one function per subcommand, errors as one line and exit code 2.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use seqscape_core::model::{LandscapeKind, Params, Preset};

use crate::{commands, sequences};

/// Simulate, show and record the spatio-temporal sequences of Spreizer, Aertsen & Kumar (2019).
#[derive(Parser, Debug)]
#[command(name = "seqscape", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate one network and write its spikes, in-degrees, landscape and parameters.
    Run(RunArgs),
    /// Reproduce the paper's Fig. 2 (b, c) for every landscape, with the activity animation.
    Figure(FigureArgs),
    /// Measure build time, simulation speed and memory.
    Bench(BenchArgs),
    /// Open the interactive window (also what 'seqscape' without a command does).
    App(crate::app::AppArgs),
    /// Record a GIF or MP4 of the activity without a window.
    Record(crate::record::RecordArgs),
    /// Detect and track sequences in a run folder (DBSCAN on spikes as points (t/td, x, y)).
    Analyze(AnalyzeArgs),
    /// The paper's sweeps: shift R (Fig. 5) or Perlin size (Fig. 6), with sequence statistics.
    Sweep(SweepArgs),
}

/// DBSCAN options shared by `analyze` and `sweep`.
#[derive(Args, Debug, Clone)]
pub struct DbscanArgs {
    /// Time scale: spikes are points (t/td, x, y).
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
    pub td_ms: f64,
    /// Neighbourhood radius in grid units.
    #[arg(long, default_value_t = 3.0, allow_negative_numbers = true)]
    pub eps: f64,
    /// Points (the point itself included) within eps that make a core point.
    #[arg(long, default_value_t = 20)]
    pub min_samples: usize,
    /// Do not wrap the torus (the authors' counting for Figs. 2, 5 and 6; roughly doubles the count).
    #[arg(long)]
    pub no_wrap: bool,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// A folder written by 'seqscape run'.
    pub dir: PathBuf,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Start of the analysed window, ms (default: the end of the warm-up).
    #[arg(long, allow_negative_numbers = true)]
    pub from_ms: Option<f64>,
    /// End of the analysed window, ms (default: the end of the run).
    #[arg(long, allow_negative_numbers = true)]
    pub to_ms: Option<f64>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepWhat {
    /// Shift R for homogeneous and Perlin landscapes (Fig. 5).
    Shift,
    /// Perlin size, with the homogeneous and random landscapes as the two ends (Fig. 6).
    PerlinSize,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// What to sweep: shift or perlin-size.
    pub what: SweepWhat,
    /// Values, separated by commas (e.g. 0,1,2 or 3,5,10,20,50).
    #[arg(long)]
    pub values: String,
    /// Leave out the homogeneous and random ends of the Perlin-size sweep.
    #[arg(long)]
    pub no_ends: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Output folder.
    #[arg(long, default_value = "seqscape-sweep")]
    pub out: PathBuf,
}

/// Options that define the network.
#[derive(Args, Debug, Clone, Default)]
pub struct ModelArgs {
    /// Preset: paper (the authors' NEST code), seed (the Brian2 example) or a preset file (.toml).
    #[arg(long, default_value = "paper")]
    pub preset: String,
    /// Scale-down factor 1-5 (default: paper 1, seed 5).
    #[arg(long)]
    pub scale_down: Option<u32>,
    /// Simulated time after the 500 ms warm-up, ms (default: paper 10000, seed 3000).
    #[arg(long, allow_negative_numbers = true)]
    pub duration_ms: Option<f64>,
    /// Warm-up, ms (default 500).
    #[arg(long, allow_negative_numbers = true)]
    pub warmup_ms: Option<f64>,
    /// Master seed of every random stream (default 0, or the preset file's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Shift R in grid steps (default 1).
    #[arg(long, allow_negative_numbers = true)]
    pub shift: Option<f64>,
    /// Perlin noise cells across the grid (default: paper 3, seed 4).
    #[arg(long, allow_negative_numbers = true)]
    pub perlin_size: Option<f64>,
    /// Direction of the homogeneous landscape in degrees (default: paper 135, seed 30).
    #[arg(long, allow_negative_numbers = true)]
    pub direction: Option<f64>,
    /// Mean background current, pA (default 700).
    #[arg(long, allow_negative_numbers = true)]
    pub mu: Option<f64>,
    /// Standard deviation of the background current, pA (default 100).
    #[arg(long, allow_negative_numbers = true)]
    pub sigma: Option<f64>,
    /// Peak synaptic current J, pA (default: paper -10 nA / out-degree, seed -10·s).
    #[arg(long = "j-pa", allow_negative_numbers = true)]
    pub j_pa: Option<f64>,
    /// Synaptic time constant, ms (default 5).
    #[arg(long, allow_negative_numbers = true)]
    pub tau_s: Option<f64>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Landscape: symmetric, random, perlin or homogeneous.
    #[arg(long)]
    pub landscape: String,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct FigureArgs {
    /// Landscape: all (default), symmetric, random, perlin or homogeneous.
    #[arg(long, default_value = "all")]
    pub landscape: String,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Output folder.
    #[arg(long, default_value = "seqscape-figure")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Landscape (default perlin).
    #[arg(long, default_value = "perlin")]
    pub landscape: String,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A user error: one line for stderr, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl<E: std::fmt::Display> From<E> for UserError {
    fn from(e: E) -> Self {
        UserError(e.to_string())
    }
}

impl ModelArgs {
    /// The parameters these options define for `landscape`.
    pub fn params(&self, landscape: LandscapeKind) -> Result<Params, UserError> {
        self.params_for(Some(landscape))
    }

    /// The parameters these options define; a preset file supplies the landscape when `landscape`
    /// is `None` (built-in presets default to Perlin).
    pub fn params_for(&self, landscape: Option<LandscapeKind>) -> Result<Params, UserError> {
        let mut p = if crate::presets::is_file(&self.preset) {
            let mut p = crate::presets::load(std::path::Path::new(&self.preset)).map_err(UserError)?;
            if let Some(l) = landscape {
                p.landscape = l;
            }
            if let Some(s) = self.scale_down.filter(|&s| s != p.scale_down) {
                p = crate::presets::rescale(&p, s)?;
            }
            p
        } else {
            let preset = Preset::from_name(&self.preset)?;
            let scale = self.scale_down.unwrap_or(Params::default_scale_down(preset));
            Params::new(preset, landscape.unwrap_or(LandscapeKind::Perlin), scale)?
        };
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

    pub fn threads(&self) -> Result<usize, UserError> {
        match self.threads {
            Some(0) => {
                Err(UserError("invalid threads '0': expected at least 1 (or leave it out for all cores)".into()))
            }
            Some(t) if t > 256 => Err(UserError(format!("invalid threads '{t}': expected 1 to 256"))),
            Some(t) => Ok(t),
            None => Ok(0),
        }
    }
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid command line").trim_start_matches("error: ");
            eprintln!("error: {line} (see 'seqscape --help')");
            return 2;
        }
    };
    let result = match cli.command {
        Some(Command::Run(a)) => commands::run(a),
        Some(Command::Figure(a)) => commands::figure(a),
        Some(Command::Bench(a)) => commands::bench(a),
        Some(Command::App(a)) => crate::app::run(a),
        Some(Command::Record(a)) => crate::record::record(a),
        Some(Command::Analyze(a)) => sequences::analyze_dir(a),
        Some(Command::Sweep(a)) => sequences::sweep(a),
        None => crate::app::run_default(),
    };
    match result {
        Ok(()) => 0,
        Err(UserError(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            2
        }
    }
}
