//! seqscape: the command line, outputs and (with the `window` feature) the window around
//! [`seqscape_core`].

pub mod cli;
pub mod commands;
pub mod output;

pub use seqscape_core as core;
