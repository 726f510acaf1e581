//! seqscape: the command line, outputs and (with the `window` feature) the window around
//! [`seqscape_core`].

pub mod app;
pub mod cli;
pub mod commands;
pub mod output;
pub mod presets;
pub mod record;
pub mod sequences;

pub use seqscape_core as core;
