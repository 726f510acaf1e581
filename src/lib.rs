//! seqscape: the command line, outputs and (with the `window` feature) the window around
//! [`seqscape_core`].
//!
//! Layers, each importing only those below it: [`cli`] and [`web`] (the browser's entry) → [`commands`] → [`app`] (the window),
//! [`figures`] → [`tour`] → [`options`], [`presets`] → [`output`] → [`error`] and the core.

#[cfg(feature = "window")]
pub mod app;
pub mod cli;
pub mod commands;
pub mod error;
pub mod figures;
pub mod levels;
pub mod options;
pub mod output;
pub mod presets;
pub mod tour;
#[cfg(feature = "window")]
pub mod web;

pub use seqscape_core as core;
