//! Challenges: route-the-sequence levels on the E-I network. A level gives a start disc, a goal
//! disc, walls of silenced neurons, an ink budget and a time limit; the player repaints the
//! landscape, then launches one sequence from the start, which must reach the goal in time.
//!
//! - [`level`]: the level files and their checks.
//! - [`challenge`]: the rules (ink, launch, following the launched sequence, outcome, score).
//! - [`headless`]: a level played without a window, for tests and level authors.

pub mod challenge;
pub mod headless;
pub mod level;

#[cfg(test)]
mod tests;

pub use challenge::{Challenge, Launch, LostReason, PaintRefused, Phase, Score};
pub use headless::Session;
pub use level::{Level, LevelError};
