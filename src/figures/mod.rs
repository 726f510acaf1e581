//! The figures drawn from runs, with `plotters` (PNG and SVG from the same drawing code): the
//! paper's Fig. 2 ([`fig2`]), the sequence analysis of one run ([`sequences_figure`]), the sweeps
//! of Figs. 5 and 6 ([`sweep_figure`]), the E-I network's Fig. 8 ([`ei_sweep_figure`]), the activity animation ([`activity_gif`]), and the pieces
//! they share ([`plot`]). They write their files through [`crate::output`].

pub mod activity_gif;
pub mod ei_sweep_figure;
pub mod fig2;
pub mod plot;
pub mod sequences_figure;
pub mod sweep_figure;

pub use activity_gif::{write_activity_gif, write_activity_gif_with_delay};
pub use fig2::{Fig2Panel, write_fig2};
