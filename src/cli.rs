//! The command line: one function per subcommand, errors as one line and exit code 2.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use seqscape_core::model::{LandscapeKind, Params, Preset};

use crate::commands;

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
}

/// Options that define the network.
#[derive(Args, Debug, Clone, Default)]
pub struct ModelArgs {
    /// Preset: paper (the authors' NEST code) or seed (the Brian2 example).
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
    /// Master seed of every random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
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
        let preset = Preset::from_name(&self.preset)?;
        let scale = self.scale_down.unwrap_or(Params::default_scale_down(preset));
        let mut p = Params::new(preset, landscape, scale)?;
        p.seed = self.seed;
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
            Some(0) => Err(UserError("invalid threads '0': expected at least 1 (or leave it out for all cores)".into())),
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
        None => {
            eprintln!("error: no command given: use 'seqscape run', 'figure' or 'bench' (see 'seqscape --help')");
            Err(UserError(String::new()))
        }
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
