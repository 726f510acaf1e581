//! Output layer: data files (`.npy` / `.npz`), colour maps, animated GIFs and
//! the Fig. 2 figure (PNG + SVG). Every file is written atomically: the bytes go
//! to a temporary name in the destination folder which is renamed into place
//! only when writing succeeded.

#![allow(dead_code)]

pub mod atomic;
pub mod colormap;
pub mod figure;
pub mod gif;
pub mod npy;
pub mod raster;
pub mod sequences_figure;
pub mod sweep_figure;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use atomic::{AtomicFile, write_atomic};
pub use colormap::Colormap;
pub use figure::{Fig2Panel, write_activity_gif, write_activity_gif_with_delay, write_fig2};
pub use gif::GifRecorder;
pub use npy::{NpyArray, NpyElement, Npz, read_npy, read_npz, write_npy, write_npz};
pub use raster::Canvas;

/// Everything that can go wrong while writing or reading an output file.
///
/// `Display` gives one line that names the problem, the file concerned and
/// what to do about it.
#[derive(Debug)]
pub enum OutputError {
    /// The folder that should hold `path` does not exist.
    MissingFolder { path: PathBuf },
    /// An I/O operation (`action`, e.g. "create", "read", "rename") failed on `path`.
    Io { path: PathBuf, action: &'static str, source: io::Error },
    /// `path` exists but is not a well-formed file of the expected format.
    Format { path: PathBuf, format: &'static str, problem: String },
    /// `path` is well formed but uses a feature this reader does not handle.
    Unsupported { path: PathBuf, problem: String, fix: String },
    /// An `.npz` archive lacks the array `name`.
    MissingArray { path: PathBuf, name: String, available: Vec<String> },
    /// The data to be written exceeds a limit of the file format.
    TooLarge { path: PathBuf, problem: String },
    /// An unknown colour-map name was asked for.
    UnknownColormap { name: String },
    /// The caller passed data that cannot be written (wrong length, empty, ...).
    InvalidInput { problem: String },
    /// An encoder (GIF, PNG, plotting) reported an error for `path`.
    Encode { path: PathBuf, format: &'static str, message: String },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::MissingFolder { path } => {
                let folder = path.parent().unwrap_or(Path::new("."));
                write!(
                    f,
                    "cannot write {}: the folder {} does not exist; create it first or choose another output path",
                    path.display(),
                    folder.display()
                )
            }
            OutputError::Io { path, action, source } => write!(
                f,
                "cannot {action} {}: {source}; check that the path is correct and that you have permission to {action} it",
                path.display()
            ),
            OutputError::Format { path, format, problem } => write!(
                f,
                "{} is not a valid {format} file ({problem}); regenerate it or point to the right file",
                path.display()
            ),
            OutputError::Unsupported { path, problem, fix } => {
                write!(f, "cannot read {}: {problem}; {fix}", path.display())
            }
            OutputError::MissingArray { path, name, available } => {
                let list = if available.is_empty() { "none".to_string() } else { available.join(", ") };
                write!(
                    f,
                    "{} has no array named '{name}' (it holds: {list}); use a file written by seqscape that contains '{name}'",
                    path.display()
                )
            }
            OutputError::TooLarge { path, problem } => {
                write!(f, "cannot write {}: {problem}; record a shorter run or fewer neurons", path.display())
            }
            OutputError::UnknownColormap { name } => {
                write!(f, "unknown colour map '{name}'; use one of: {}", Colormap::names().join(", "))
            }
            OutputError::InvalidInput { problem } => {
                write!(f, "invalid output data: {problem}")
            }
            OutputError::Encode { path, format, message } => write!(
                f,
                "cannot encode {format} for {}: {message}; check the free disk space and the input data",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl OutputError {
    pub(crate) fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        OutputError::Io { path: path.to_path_buf(), action, source }
    }

    pub(crate) fn invalid(problem: impl Into<String>) -> Self {
        OutputError::InvalidInput { problem: problem.into() }
    }
}

/// The font family name under which the bundled font is registered for plotters.
pub const FONT_FAMILY: &str = "sans-serif";

/// Registers the bundled Ubuntu Light font as plotters' `sans-serif` family.
/// Safe to call any number of times; only the first call does work.
pub fn ensure_font() -> Result<(), OutputError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            FONT_FAMILY,
            plotters::style::FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        )
        .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(OutputError::invalid(
            "the bundled Ubuntu Light font could not be loaded; rebuild seqscape from a clean checkout",
        ))
    }
}

/// "Nice" tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering
/// `[lo, hi]`, at most about `max_count` of them, all inside the range.
pub fn nice_ticks(lo: f64, hi: f64, max_count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max_count == 0 {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let raw = (hi - lo) / max_count.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil();
    let mut ticks = Vec::new();
    let mut k = first;
    loop {
        let v = k * step;
        if v > hi + step * 1e-9 {
            break;
        }
        // Avoid "-0" and accumulated rounding noise.
        let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
        ticks.push(v);
        k += 1.0;
    }
    ticks
}

/// Formats a tick value without trailing zeros ("16", "0.5", "2.5").
pub fn format_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_range() {
        assert_eq!(nice_ticks(0.0, 64.0, 5), vec![0.0, 20.0, 40.0, 60.0]);
        assert_eq!(nice_ticks(50.0, 150.0, 5), vec![60.0, 80.0, 100.0, 120.0, 140.0]);
        assert_eq!(nice_ticks(500.0, 1500.0, 5), vec![600.0, 800.0, 1000.0, 1200.0, 1400.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(nice_ticks(1.0, 1.0, 4).len() == 1);
    }

    #[test]
    fn tick_format() {
        assert_eq!(format_tick(16.0), "16");
        assert_eq!(format_tick(0.5), "0.5");
        assert_eq!(format_tick(2.25), "2.25");
    }

    #[test]
    fn errors_are_one_line_and_name_the_path() {
        let e = OutputError::MissingFolder { path: PathBuf::from("/nope/out.gif") };
        let s = e.to_string();
        assert!(s.contains("/nope/out.gif") && s.contains("/nope") && !s.contains('\n'));
        let e = OutputError::UnknownColormap { name: "jet".into() };
        assert!(e.to_string().contains("viridis"));
    }

    #[test]
    fn font_registers() {
        ensure_font().unwrap();
        ensure_font().unwrap();
    }
}
