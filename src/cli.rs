//! The command line: the subcommands, and every error as one line and exit code 2.

use clap::{Parser, Subcommand};

use crate::commands;
use crate::error::UserError;

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
    Run(commands::run::RunArgs),
    /// Reproduce the paper's Fig. 2 (b, c) for every landscape, with the activity animation.
    Figure(commands::figure::FigureArgs),
    /// Measure build time, simulation speed and memory.
    Bench(commands::bench::BenchArgs),
    /// Open the interactive window (also what 'seqscape' without a command does).
    #[cfg(feature = "window")]
    App(commands::app::AppArgs),
    /// Challenges: route a launched sequence to the goal by painting the landscape (--check: no window).
    Play(commands::play::PlayArgs),
    /// Record a GIF or MP4 of the activity without a window (--tour: the guided tour).
    Record(commands::record::RecordArgs),
    /// Play the guided tour in the window, scene after scene, until a key is pressed.
    #[cfg(feature = "window")]
    Tour(commands::tour::TourArgs),
    /// Detect and track sequences in a run folder (DBSCAN on spikes as points (t/td, x, y)).
    Analyze(commands::analyze::AnalyzeArgs),
    /// The paper's sweeps: shift R (Fig. 5), Perlin size (Fig. 6) or the E-I background (Fig. 8), with
    /// sequence statistics.
    Sweep(commands::sweep::SweepArgs),
    /// Write the network for another engine: 'export nest' (network.npz and a PyNEST 3 script).
    Export(commands::export::ExportArgs),
}

/// A clap error as one line: its message and the details clap prints below it (the missing
/// arguments, the accepted values), without the usage and help hints.
pub fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .collect();
    let line = parts.join(" ");
    let line = line.trim_start_matches("error: ").to_string();
    if line.is_empty() { "invalid command line".into() } else { line }
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
            eprintln!("error: {} (see 'seqscape --help')", one_line(&e));
            return 2;
        }
    };
    let result = match cli.command {
        Some(Command::Run(a)) => commands::run::run(a),
        Some(Command::Figure(a)) => commands::figure::figure(a),
        Some(Command::Bench(a)) => commands::bench::bench(a),
        #[cfg(feature = "window")]
        Some(Command::App(a)) => commands::app::app(a),
        Some(Command::Play(a)) => commands::play::play(a),
        Some(Command::Record(a)) => commands::record::record(a),
        #[cfg(feature = "window")]
        Some(Command::Tour(a)) => commands::tour::tour(a),
        Some(Command::Analyze(a)) => commands::analyze::analyze(a),
        Some(Command::Sweep(a)) => commands::sweep::sweep(a),
        Some(Command::Export(a)) => commands::export::export(a),
        None => commands::default_command(),
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
