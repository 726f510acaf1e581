//! The subcommands, one file each; every file owns its arguments. `run` also holds what the
//! other batch commands share: the output folder check, the simulation with its progress bar and
//! the run folder's files; `analyze` holds the analysis that `figure` and `sweep` write too.

pub mod analyze;
#[cfg(feature = "window")]
pub mod app;
pub mod bench;
pub mod common;
pub mod ei;
pub mod export;
pub mod figure;
pub mod play;
pub mod record;
pub mod run;
pub mod sweep;
pub mod tour;

use crate::error::UserError;

/// What `seqscape` without a command does: open the window with the defaults.
#[cfg(feature = "window")]
pub fn default_command() -> Result<(), UserError> {
    app::app_default()
}

/// What `seqscape` without a command does in a build without the window: say what to use instead.
#[cfg(not(feature = "window"))]
pub fn default_command() -> Result<(), UserError> {
    Err(UserError(
        "this seqscape was built without the window (cargo feature 'window'); use 'seqscape figure', \
         'seqscape record' or 'seqscape run' (see 'seqscape --help')"
            .into(),
    ))
}
