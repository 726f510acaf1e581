//! The E-I network's Fig. 8 from `seqscape sweep ei-input`: (a, b) rasters of the E sheet in two
//! stimulated runs with the evoked clusters coloured, and heat maps over the background mean μ
//! (rows) and σ (columns) of (c) spontaneous clusters per second, (d) the evoked probability, (e)
//! the reaction time and (f) the lifespan of evoked clusters (means, as the authors plot them,
//! with their colour ranges; values above the range take the top colour, NaN is grey).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use seqscape_core::analysis::MeanMedian;

use super::plot::{DrawResult, centered, ensure_font, font, format_tick, text_style, write_png_and_svg};
use crate::output::OutputError;
use crate::output::atomic::check_target;
use crate::output::colormap::{Colormap, NAN_COLOR};

/// Figure size in pixels.
pub const EI_SWEEP_FIGURE_SIZE: (u32, u32) = (1600, 820);
/// The time window of the raster panels, ms from the start of the warm-up (the authors' 1900–2400).
pub const EI_RASTER_WINDOW_MS: (f64, f64) = (1900.0, 2400.0);
/// Every how many spikes outside evoked clusters a raster draws (the authors' `step`).
pub const RASTER_STEP: usize = 5;

/// One background of the sweep and what it gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EiSweepCell {
    pub mu_pa: f64,
    pub sigma_pa: f64,
    pub rate_e_hz: f64,
    pub rate_i_hz: f64,
    pub spontaneous_clusters_per_s: f64,
    pub evoked_probability: f64,
    pub reaction_time_ms: MeanMedian,
    pub lifespan_ms: MeanMedian,
}

/// The E spikes of a stimulated run inside [`EI_RASTER_WINDOW_MS`]: (time, E id, in an evoked
/// cluster).
#[derive(Debug, Clone, PartialEq)]
pub struct EiRaster {
    pub mu_pa: f64,
    pub sigma_pa: f64,
    pub n_neurons: usize,
    pub spikes: Vec<(f64, u32, bool)>,
}

/// Everything the figure draws: the values of μ (rows) and σ (columns), one cell per (μ, σ) in
/// row-major order (μ outer), and the rasters there are.
pub struct EiSweepFigure<'a> {
    pub mus: &'a [f64],
    pub sigmas: &'a [f64],
    pub cells: &'a [EiSweepCell],
    pub rasters: &'a [EiRaster],
    pub pulses: u32,
}

/// A heat map: its title, colour-bar range and value per cell.
struct HeatMap {
    label: &'static str,
    title: &'static str,
    vmax: f64,
    value: fn(&EiSweepCell) -> f64,
}

const HEAT_MAPS: [HeatMap; 4] = [
    HeatMap { label: "c", title: "Spontaneous clusters per s", vmax: 100.0, value: |c| c.spontaneous_clusters_per_s },
    HeatMap { label: "d", title: "Evoked probability", vmax: 1.0, value: |c| c.evoked_probability },
    HeatMap { label: "e", title: "Reaction time [ms] (mean)", vmax: 30.0, value: |c| c.reaction_time_ms.mean },
    HeatMap { label: "f", title: "Lifespan [ms] (mean)", vmax: 100.0, value: |c| c.lifespan_ms.mean },
];

/// Colours of the evoked clusters in panels a and b (matplotlib's C3 and C1, as the authors').
const EVOKED_COLORS: [RGBColor; 2] = [RGBColor(214, 39, 40), RGBColor(255, 127, 14)];
const SPONTANEOUS_COLOR: RGBColor = RGBColor(190, 190, 190);

fn heat_color(v: f64, vmax: f64) -> RGBColor {
    let [r, g, b] =
        if v.is_nan() { NAN_COLOR } else { Colormap::Viridis.rgb_scaled(v.min(vmax) as f32, 0.0, vmax as f32) };
    RGBColor(r, g, b)
}

/// Every k-th index of `len` values, so that at most about 6 are labelled.
fn tick_indices(len: usize) -> Vec<usize> {
    let every = len.div_ceil(6).max(1);
    (0..len).filter(|k| k % every == 0).collect()
}

fn draw_heat_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    d: &EiSweepFigure,
    map: &HeatMap,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (ns, nm) = (d.sigmas.len(), d.mus.len());
    let area = root.clone().shrink((x, y), (w - 60, h));
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .caption(format!("{}   {}", map.label, map.title), font(15))
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..ns as f64 - 0.5, -0.5..nm as f64 - 0.5)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Input σ [pA]")
        .y_desc("Input μ [pA]")
        .x_labels(0)
        .y_labels(0)
        .axis_desc_style(font(13))
        .draw()
        .map_err(e)?;
    let cells = d.cells.iter().enumerate().map(|(k, c)| {
        let (row, col) = ((k / ns) as f64, (k % ns) as f64);
        Rectangle::new([(col - 0.5, row - 0.5), (col + 0.5, row + 0.5)], heat_color((map.value)(c), map.vmax).filled())
    });
    chart.draw_series(cells).map_err(e)?;
    for k in tick_indices(ns) {
        let (px, py) = chart.backend_coord(&(k as f64, -0.5));
        root.draw(&Text::new(
            format_tick(d.sigmas[k]),
            (px, py + 4),
            text_style(11, Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
    }
    for k in tick_indices(nm) {
        let (px, py) = chart.backend_coord(&(-0.5, k as f64));
        root.draw(&Text::new(format_tick(d.mus[k]), (px - 4, py), text_style(11, Pos::new(HPos::Right, VPos::Center))))
            .map_err(e)?;
    }
    // The raster backgrounds, ringed.
    for (r, color) in d.rasters.iter().zip(EVOKED_COLORS) {
        let (Some(col), Some(row)) =
            (d.sigmas.iter().position(|&s| s == r.sigma_pa), d.mus.iter().position(|&m| m == r.mu_pa))
        else {
            continue;
        };
        let (col, row) = (col as f64, row as f64);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(col - 0.45, row - 0.45), (col + 0.45, row + 0.45)],
                color.stroke_width(2),
            )))
            .map_err(e)?;
    }
    // Colour bar.
    let (top, bottom) = (chart.backend_coord(&(0.0, nm as f64 - 0.5)).1, chart.backend_coord(&(0.0, -0.5)).1);
    let bx = x + w - 52;
    let steps = 64;
    for s in 0..steps {
        let v = map.vmax * (s as f64 + 0.5) / steps as f64;
        let y0 = bottom - ((bottom - top) as f64 * (s + 1) as f64 / steps as f64).round() as i32;
        let y1 = bottom - ((bottom - top) as f64 * s as f64 / steps as f64).round() as i32;
        root.draw(&Rectangle::new([(bx, y0), (bx + 12, y1)], heat_color(v, map.vmax).filled())).map_err(e)?;
    }
    for f in [0.0, 0.5, 1.0] {
        let y = bottom - ((bottom - top) as f64 * f).round() as i32;
        let label = if f == 1.0 { format!("≥{}", format_tick(map.vmax)) } else { format_tick(map.vmax * f) };
        root.draw(&Text::new(label, (bx + 15, y), text_style(11, Pos::new(HPos::Left, VPos::Center)))).map_err(e)?;
    }
    Ok(())
}

fn draw_raster<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    label: &str,
    raster: Option<&EiRaster>,
    wanted: (f64, f64),
    color: RGBColor,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let area = root.clone().shrink((x, y), (w, h));
    let n = raster.map_or(14_400, |r| r.n_neurons) as f64;
    let title =
        format!("{label}   stimulated run at μ = {} pA, σ = {} pA", format_tick(wanted.0), format_tick(wanted.1));
    let (lo, hi) = EI_RASTER_WINDOW_MS;
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .caption(title, font(15))
        .x_label_area_size(40)
        .y_label_area_size(62)
        .build_cartesian_2d(lo..hi, 0.0..n)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Time [ms]")
        .y_desc("E neuron id")
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format_tick(*v))
        .label_style(font(11))
        .axis_desc_style(font(13))
        .draw()
        .map_err(e)?;
    let Some(r) = raster else {
        let at = chart.backend_coord(&((lo + hi) / 2.0, n / 2.0));
        root.draw(&Text::new("not in the sweep (add this μ and σ)", at, centered(14))).map_err(e)?;
        return Ok(());
    };
    let spontaneous = r.spikes.iter().filter(|s| !s.2).step_by(RASTER_STEP).map(|&(t, id, _)| (t, id as f64 + 0.5));
    chart.draw_series(spontaneous.map(|p| Pixel::new(p, SPONTANEOUS_COLOR))).map_err(e)?;
    let evoked = r.spikes.iter().filter(|s| s.2).map(|&(t, id, _)| (t, id as f64 + 0.5));
    chart.draw_series(evoked.map(|p| Circle::new(p, 1, color.filled()))).map_err(e)?;
    Ok(())
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &EiSweepFigure) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, h) = (EI_SWEEP_FIGURE_SIZE.0 as i32, EI_SWEEP_FIGURE_SIZE.1 as i32);
    let title = format!(
        "E-I network, Perlin landscape: spontaneous runs and {} stimulus pulses per background (authors-wrap recipe)",
        d.pulses
    );
    root.draw(&Text::new(title, (w / 2, 14), centered(17))).map_err(e)?;
    let top = 30;
    let raster_h = (h - top) * 9 / 20;
    for (k, (&wanted, color)) in [(150.0, 250.0), (250.0, 350.0)].iter().zip(EVOKED_COLORS).enumerate() {
        let raster = d.rasters.iter().find(|r| (r.mu_pa, r.sigma_pa) == wanted);
        let label = ["a", "b"][k];
        draw_raster(root, (k as i32 * w / 2, top, w / 2, raster_h), label, raster, wanted, color)?;
    }
    let y = top + raster_h + 10;
    for (k, map) in HEAT_MAPS.iter().enumerate() {
        draw_heat_map(root, (k as i32 * w / 4, y, w / 4, h - y), d, map)?;
    }
    Ok(())
}

fn render_png(d: &EiSweepFigure) -> Result<Vec<u8>, String> {
    super::plot::render_png(EI_SWEEP_FIGURE_SIZE, |root| draw(root, d), |_| {})
}

fn render_svg(d: &EiSweepFigure) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, EI_SWEEP_FIGURE_SIZE).into_drawing_area();
        draw(&root, d)?;
    }
    if !svg.trim_end().ends_with("</svg>") {
        return Err("the SVG backend produced no closing tag".to_string());
    }
    Ok(svg)
}

/// Draws Fig. 8 from the sweep's cells as `png` and `svg`.
pub fn write_ei_sweep_figure(d: &EiSweepFigure, png: &Path, svg: &Path) -> Result<(), OutputError> {
    check_target(png)?;
    check_target(svg)?;
    if d.cells.len() != d.mus.len() * d.sigmas.len() || d.cells.is_empty() {
        return Err(OutputError::invalid("the E-I sweep figure needs one cell per (μ, σ); run the sweep first"));
    }
    ensure_font()?;
    write_png_and_svg(png, svg, || render_png(d), || render_svg(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(mu_pa: f64, sigma_pa: f64, p: f64) -> EiSweepCell {
        let none = MeanMedian { mean: f64::NAN, median: f64::NAN };
        EiSweepCell {
            mu_pa,
            sigma_pa,
            rate_e_hz: 1.0,
            rate_i_hz: 1.0,
            spontaneous_clusters_per_s: 10.0,
            evoked_probability: p,
            reaction_time_ms: none,
            lifespan_ms: none,
        }
    }

    #[test]
    fn heat_colours_clamp_above_the_range_and_grey_out_nan() {
        assert_eq!(heat_color(250.0, 100.0), heat_color(100.0, 100.0));
        assert_ne!(heat_color(0.0, 1.0), heat_color(1.0, 1.0));
        let [r, g, b] = NAN_COLOR;
        assert_eq!(heat_color(f64::NAN, 1.0), RGBColor(r, g, b));
        assert_eq!(tick_indices(11), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(tick_indices(1), vec![0]);
    }

    #[test]
    fn figure_needs_one_cell_per_background_and_writes_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = (dir.path().join("s.png"), dir.path().join("s.svg"));
        let cells = [cell(0.0, 0.0, 1.0), cell(0.0, 50.0, 0.5)];
        let short = EiSweepFigure { mus: &[0.0, 50.0], sigmas: &[0.0, 50.0], cells: &cells, rasters: &[], pulses: 2 };
        assert!(write_ei_sweep_figure(&short, &png, &svg).is_err());
        assert!(!png.exists() && !svg.exists());
        let fig = EiSweepFigure { mus: &[0.0], sigmas: &[0.0, 50.0], cells: &cells, rasters: &[], pulses: 2 };
        write_ei_sweep_figure(&fig, &png, &svg).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), EI_SWEEP_FIGURE_SIZE);
        // Panel d holds the colours of probability 1 and 0.5.
        for p in [1.0, 0.5] {
            let c = heat_color(p, 1.0);
            assert!(img.pixels().any(|px| px.0 == [c.0, c.1, c.2]), "no pixel of probability {p}");
        }
        assert!(std::fs::read_to_string(&svg).unwrap().contains("Evoked probability"));
    }
}
