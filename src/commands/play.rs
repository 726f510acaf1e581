//! `seqscape play`: a route-the-sequence challenge level in the window, or checked (and, with
//! `--paint`, played) without one. `--paint` paints strokes before the launch, so that a level's
//! author can try a route: `seqscape play --level my.toml --check --paint "20,60 90,60"`.

use std::path::PathBuf;

use clap::Args;
use seqscape_core::game::{Phase, Session};

use crate::error::UserError;
use crate::levels;

/// Options of `seqscape play`.
#[derive(Args, Debug, Clone)]
pub struct PlayArgs {
    /// The level: a shipped level's number (1 to 5) or a level file (.toml).
    #[arg(long, default_value = "1")]
    pub level: String,
    /// Check the level without a window and exit: 0 if it is playable, 2 with the problem on one
    /// line. With --paint, also play it headless and print the outcome.
    #[arg(long)]
    pub check: bool,
    /// Strokes painted before the launch: points "x,y" (E-grid units, 0 to 120) separated by
    /// spaces, strokes separated by ';'. In the window they are painted and the sequence launched.
    #[arg(long)]
    pub paint: Option<String>,
    /// Brush radius of --paint, E-grid units (1 to 20).
    #[arg(long, default_value_t = 5.0)]
    pub brush: f64,
    /// Run this many frames, then exit (after saving --screenshot, if given).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub frames: Option<u64>,
    /// With --frames: save a PNG of the whole window before exiting.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Window size in logical pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1000x700")]
    pub window: String,
}

/// Strokes parsed from `--paint`.
pub fn parse_strokes(text: &str) -> Result<Vec<Vec<(f64, f64)>>, UserError> {
    let bad = |what: &str| {
        UserError(format!(
            "invalid --paint '{text}': {what}; expected points \"x,y\" from 0 to 120 separated by spaces, strokes by ';'"
        ))
    };
    let mut strokes = Vec::new();
    for stroke in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let mut points = Vec::new();
        for p in stroke.split_whitespace() {
            let (x, y) = p.split_once(',').ok_or_else(|| bad(&format!("'{p}' is not x,y")))?;
            let (x, y): (f64, f64) = (x.parse().map_err(|_| bad(x))?, y.parse().map_err(|_| bad(y))?);
            // Points may lie past the edge by up to a sheet so that a stroke can cross it.
            if !(x.is_finite() && y.is_finite() && (-120.0..=240.0).contains(&x) && (-120.0..=240.0).contains(&y)) {
                return Err(bad(&format!("'{p}' is off the sheet")));
            }
            points.push((x, y));
        }
        if points.len() < 2 {
            return Err(bad(&format!("the stroke '{stroke}' has fewer than two points")));
        }
        strokes.push(points);
    }
    Ok(strokes)
}

/// Runs `seqscape play`.
pub fn play(args: PlayArgs) -> Result<(), UserError> {
    let (level, number) = levels::resolve(&args.level)?;
    let strokes = args.paint.as_deref().map(parse_strokes).transpose()?.unwrap_or_default();
    if !(args.brush.is_finite() && (1.0..=20.0).contains(&args.brush)) {
        return Err(UserError(format!("invalid --brush {}: expected a radius from 1 to 20", args.brush)));
    }
    if args.check {
        println!(
            "{}: playable: \"{}\" (ink {}, time limit {} ms, {} walls)",
            args.level,
            level.name,
            level.ink,
            level.time_limit_ms,
            level.walls.len()
        );
        if args.paint.is_some() {
            let mut s = Session::new(level, 0)?;
            for stroke in &strokes {
                s.paint_stroke(stroke, args.brush).map_err(|e| UserError(format!("invalid --paint: {e}")))?;
            }
            let ink = s.challenge.ink_used();
            match s.play_out() {
                Phase::Won(score) => println!(
                    "won in {:.0} ms with {ink} of {} ink: {} points",
                    score.time_ms, s.challenge.level.ink, score.points
                ),
                Phase::Lost(why) => println!("lost: {} (ink {ink} of {})", why.text(), s.challenge.level.ink),
                _ => {}
            }
        }
        return Ok(());
    }
    open_window(args, level, number, strokes)
}

#[cfg(feature = "window")]
fn open_window(
    args: PlayArgs,
    level: seqscape_core::game::Level,
    number: Option<usize>,
    strokes: Vec<Vec<(f64, f64)>>,
) -> Result<(), UserError> {
    let mut app_args = crate::commands::app::default_args()?;
    app_args.frames = args.frames;
    app_args.screenshot = args.screenshot;
    app_args.window = args.window;
    let mut config = crate::commands::app::window_config(&app_args)?;
    config.model = crate::presets::Model::Ei(seqscape_core::game::headless::level_params(&level));
    config.play = Some(crate::app::PlayStart { level, number, strokes, brush: args.brush });
    crate::app::run(config)
}

#[cfg(not(feature = "window"))]
fn open_window(
    _: PlayArgs,
    _: seqscape_core::game::Level,
    _: Option<usize>,
    _: Vec<Vec<(f64, f64)>>,
) -> Result<(), UserError> {
    Err(UserError("this seqscape was built without the window; use 'seqscape play --check'".into()))
}
