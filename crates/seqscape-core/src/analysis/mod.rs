//! Sequence detection and tracking for the spiking activity of the torus network.
//!
//! Spreizer, Aertsen & Kumar (2019) describe activity *sequences*: bumps of
//! spiking that travel across the 2-D sheet of neurons. This module finds them
//! in two ways:
//!
//! * offline, from recorded spikes: [`dbscan`] groups spikes into clusters in
//!   (time, x, y) space and [`sequences`] turns every cluster into a sequence
//!   with centroid tracks, speeds and directions, plus a population
//!   [`SequenceSummary`], by one of three [`Recipe`]s (ours on the torus, the
//!   authors' `identify_vectors`, or the same after their wrap-merged DBSCAN,
//!   [`wrap_merge`], of the E-I network's Fig. 8);
//! * online, from an activity map: [`live::BumpTracker`] finds bumps in every
//!   frame and links them into tracks for display.
//!
//! [`evoked`] picks the stimulus-evoked sequences of Fig. 8 from the clusters.
//! [`rates`] turns recorded spikes into firing rates; [`testing`] generates
//! synthetic spike trains for tests.
//!
//! Neuron ids follow the model convention `id = y * n + x` on an `n x n`
//! torus. Spike data are two parallel slices, neuron ids and spike times in
//! ms, sorted by time.

pub mod dbscan;
pub mod evoked;
pub mod linker;
pub mod live;
pub mod rates;
pub mod sequences;
pub mod testing;
pub mod wrap_merge;

use crate::model::params::show_number;
use std::fmt;

/// The longest analysis window, ms (about 2.8 hours; a run lasts at most two hours).
pub const MAX_WINDOW_MS: f64 = 1.0e7;

pub use dbscan::{DbscanOutput, DbscanParams, MAX_GRID_CELLS_PER_AXIS, dbscan, dbscan_detailed};
pub use evoked::{EvokedCluster, EvokedProtocol, EvokedSummary, MeanMedian, evoked_sequences};
pub use live::{Bump, BumpTracker, BumpTrackerParams, Track, TrailPoint, split_trail};
pub use rates::{rate_frames, rates_hz};
pub use sequences::{
    ClusterInfo, ClusterTrack, DirectionHistogram, Quartiles, Recipe, SequenceReport, SequenceSummary, SpeedHistogram,
    TrackPoint, TrackStep, WindowCounts, analyze, analyze_recipe, quartiles,
};
/// Test support, re-exported at its former path; new code imports it from [`testing`].
#[doc(hidden)]
pub use testing::{SyntheticBump, synthesize_spikes};

/// Everything that can make an analysis request invalid.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalysisError {
    /// The neuron-id and spike-time slices differ in length.
    LengthMismatch { ids: usize, times: usize },
    /// The grid side length `n` is zero.
    EmptyGrid,
    /// The grid is too large for `u32` neuron ids.
    GridTooLarge { n: usize },
    /// A neuron id does not fit on the `n x n` grid.
    NeuronOutOfRange { index: usize, id: u32, n_neurons: u64 },
    /// A spike time is NaN or infinite.
    NonFiniteTime { index: usize },
    /// Spike times decrease somewhere.
    UnsortedTimes { index: usize },
    /// The DBSCAN radius `eps` is not a positive finite number.
    InvalidEps { eps: f64 },
    /// The DBSCAN time scale `td_ms` is not a positive finite number.
    InvalidTimeScale { td_ms: f64 },
    /// `eps` is so small that the grid index would need more than
    /// [`MAX_GRID_CELLS_PER_AXIS`] cells across the sheet.
    EpsTooSmall { eps: f64, n: usize, min_eps: f64 },
    /// `td_ms · eps` is so small that the grid index would need more than
    /// [`MAX_GRID_CELLS_PER_AXIS`] cells along the spikes' time span.
    TimeScaleTooSmall { td_ms: f64, eps: f64, span_ms: f64, min_td_ms: f64 },
    /// `min_samples` is zero.
    ZeroMinSamples,
    /// The analysis window is empty or not finite.
    InvalidWindow { from_ms: f64, to_ms: f64 },
    /// The analysis window is longer than [`MAX_WINDOW_MS`].
    WindowTooLong { from_ms: f64, to_ms: f64 },
    /// No spike falls inside the analysis window.
    NoSpikesInWindow { from_ms: f64, to_ms: f64 },
    /// An activity map does not have `n * n` cells.
    ActivityMapSize { expected: usize, got: usize },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthMismatch { ids, times } => write!(
                f,
                "spike data mismatch: {ids} neuron ids but {times} spike times; pass parallel slices of equal length"
            ),
            Self::EmptyGrid => write!(f, "grid side length n is 0; use the network's side length (e.g. 100)"),
            Self::GridTooLarge { n } => {
                write!(f, "grid side length n = {n} gives more neurons than u32 ids can address; use a smaller grid")
            }
            Self::NeuronOutOfRange { index, id, n_neurons } => write!(
                f,
                "spike {index} has neuron id {id}, outside the grid of {n_neurons} neurons; check that n matches the recording"
            ),
            Self::NonFiniteTime { index } => {
                write!(f, "spike {index} has a NaN or infinite time; drop or fix that spike before the analysis")
            }
            Self::UnsortedTimes { index } => write!(
                f,
                "spike times are not sorted (spike {index} is earlier than the one before it); sort the spikes by time first"
            ),
            Self::InvalidEps { eps } => {
                write!(f, "DBSCAN eps = {eps} is not a positive finite number; use e.g. the default 3")
            }
            Self::InvalidTimeScale { td_ms } => {
                write!(f, "DBSCAN time scale td_ms = {td_ms} is not a positive finite number; use e.g. the default 20")
            }
            Self::EpsTooSmall { eps, n, min_eps } => write!(
                f,
                "DBSCAN eps = {} needs {:.3e} grid cells across the n = {n} sheet; use eps >= {min_eps:.3e} \
                 (at most {MAX_GRID_CELLS_PER_AXIS} cells per axis), e.g. the default 3",
                show_number(*eps),
                *n as f64 / eps
            ),
            Self::TimeScaleTooSmall { td_ms, eps, span_ms, min_td_ms } => write!(
                f,
                "DBSCAN time scale td_ms = {} with eps = {} needs {:.3e} grid cells along the {span_ms} ms of \
                 spikes; use td_ms >= {min_td_ms:.3e} (at most {MAX_GRID_CELLS_PER_AXIS} cells per axis), e.g. the \
                 default 20",
                show_number(*td_ms),
                show_number(*eps),
                span_ms / td_ms / eps
            ),
            Self::ZeroMinSamples => write!(f, "DBSCAN min_samples is 0; use at least 1 (the default is 20)"),
            Self::InvalidWindow { from_ms, to_ms } => write!(
                f,
                "analysis window [{from_ms}, {to_ms}) ms is empty or not finite; pass finite times with to_ms > from_ms"
            ),
            Self::WindowTooLong { from_ms, to_ms } => write!(
                f,
                "analysis window [{from_ms}, {to_ms}) ms is {} ms long; pass a window of at most {MAX_WINDOW_MS} ms",
                to_ms - from_ms
            ),
            Self::NoSpikesInWindow { from_ms, to_ms } => {
                write!(f, "no spikes in the analysis window [{from_ms}, {to_ms}) ms; widen the window or record longer")
            }
            Self::ActivityMapSize { expected, got } => write!(
                f,
                "activity map has {got} cells but the tracker's grid has {expected}; pass a row-major n * n map"
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

/// Checks the grid side length and returns the number of neurons.
pub(crate) fn check_grid(n: usize) -> Result<u64, AnalysisError> {
    if n == 0 {
        return Err(AnalysisError::EmptyGrid);
    }
    let n_neurons = (n as u64).checked_mul(n as u64).filter(|&v| v <= u64::from(u32::MAX) + 1);
    n_neurons.ok_or(AnalysisError::GridTooLarge { n })
}

/// Checks parallel spike slices: equal lengths, ids on the grid, finite times.
pub(crate) fn check_spikes(i: &[u32], t_ms: &[f64], n: usize) -> Result<(), AnalysisError> {
    if i.len() != t_ms.len() {
        return Err(AnalysisError::LengthMismatch { ids: i.len(), times: t_ms.len() });
    }
    let n_neurons = check_grid(n)?;
    if let Some(index) = i.iter().position(|&id| u64::from(id) >= n_neurons) {
        return Err(AnalysisError::NeuronOutOfRange { index, id: i[index], n_neurons });
    }
    if let Some(index) = t_ms.iter().position(|t| !t.is_finite()) {
        return Err(AnalysisError::NonFiniteTime { index });
    }
    Ok(())
}

/// Maps a coordinate difference to its minimal image on a ring of length `n`,
/// giving a value in `[-n/2, n/2]`.
#[inline]
pub(crate) fn min_image(d: f64, n: f64) -> f64 {
    d - n * (d / n).round()
}

/// Circular mean of positions on a ring of length `n`, from the sums of
/// `cos(2 pi x / n)` and `sin(2 pi x / n)`; the result lies in `[0, n)`.
#[inline]
pub(crate) fn circular_mean(sum_cos: f64, sum_sin: f64, n: f64) -> f64 {
    let angle = sum_sin.atan2(sum_cos);
    let x = angle / std::f64::consts::TAU * n;
    let x = x.rem_euclid(n);
    // rem_euclid can round up to exactly n for tiny negative inputs.
    if x >= n { 0.0 } else { x }
}

/// Serialises a float as `null` when it is NaN or infinite, so JSON stays valid
/// whatever the serialiser does with non-finite numbers.
pub(crate) fn finite_or_null<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() { s.serialize_some(v) } else { s.serialize_none() }
}
