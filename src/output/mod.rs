//! Output layer: data files (`.npy` / `.npz`), landscape files and pictures, colour maps, activity frames, animated GIFs and
//! videos. Every file is written atomically: the bytes go to a temporary name in the destination
//! folder which is renamed into place only when writing succeeded, and removed on an error or an
//! interrupt. The figures drawn from runs live in [`crate::figures`], above this layer.

pub mod atomic;
pub mod colormap;
#[cfg(target_arch = "wasm32")]
pub mod download;
pub mod frames;
pub mod gif;
pub mod interrupt;
pub mod landscape;
pub mod npy;
pub mod quantise;
pub mod raster;
pub mod torus;
pub mod video;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use atomic::{AtomicFile, check_target, write_atomic, write_bytes_atomic};
pub use colormap::Colormap;
pub use frames::FrameRenderer;
pub use gif::GifRecorder;
pub use npy::{NpyArray, NpyElement, Npz, read_npy, read_npz, read_spikes, write_npy, write_npz};
pub use raster::{Canvas, FONT_FAMILY, ensure_font};
pub use video::{VideoWriter, check_video_target};

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

#[cfg(test)]
#[path = "tests/output.rs"]
mod tests;
