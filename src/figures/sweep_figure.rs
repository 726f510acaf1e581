//! Parameter-sweep figures after the paper's Figs. 5 and 6 (PNG and SVG from the same drawing code,
//! about 1400 x 450 pixels). Every number comes from the runs' [`SequenceSummary`]s, the same that
//! `sweep.json` holds:
//!
//! * [`SweepKind::Shift`] (Fig. 5): (a) the velocity distributions per shift `R` of the
//!   homogeneous landscape, (b) the same for the Perlin landscape (the summaries'
//!   `speed_histogram`, as probabilities over 0–160 grid points/s in the paper's units, one line per
//!   shift), (c) box plots of the sequences per 1 s window per shift, side by side per landscape.
//! * [`SweepKind::PerlinSize`] (Fig. 6): (a) box plots of the sequences per 1 s window (Fig. 6b),
//!   one per entry in the given order (e.g. homogeneous, 3, 5, 10, 20, 50, random), (b) the velocity
//!   distributions (Fig. 6c), (c) the polar histogram of the signed direction change between
//!   successive steps (Fig. 6d, 0 upward, +90° to the left), one line per entry.
//!
//! A box spans the 25th to 75th percentile with a line at the median and whiskers from the 5th to
//! the 95th percentile (numpy's linear interpolation; NaNs ignored); an empty distribution draws
//! no box or line. Both files are written atomically; on an error neither is left behind.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use seqscape_core::analysis::SequenceSummary;
use seqscape_core::analysis::sequences::percentile;

use super::plot::{
    DrawResult, SERIES, centered, decimals_for, ensure_font, font, format_tick, text_style, write_png_and_svg,
};
use crate::output::OutputError;
use crate::output::atomic::check_target;
use crate::output::raster::Rect;

/// Figure size in pixels.
pub const SWEEP_FIGURE_SIZE: (u32, u32) = (1400, 450);

/// Axis title of the velocity distributions.
pub const VELOCITY_AXIS_LABEL: &str = "Velocity [grid points / s] (step / 25 ms)";

/// Series colours (matplotlib's default cycle).
const COLORS: [RGBColor; 8] = SERIES;

/// One point of a parameter sweep: its place on the axis and its run's summary.
#[derive(Debug, Clone)]
pub struct SweepEntry {
    /// Tick label, e.g. "3" or "homogeneous".
    pub label: String,
    /// Parameter value (the shift `R` for [`SweepKind::Shift`]; the Perlin-size figure follows the
    /// order of the entries).
    pub x: f64,
    /// Landscape name.
    pub landscape: String,
    /// The run's sequence summary.
    pub summary: SequenceSummary,
}

/// Which sweep the figure shows; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepKind {
    /// Fig. 5: statistics per shift `R`, for each landscape.
    Shift,
    /// Fig. 6: statistics per Perlin size, homogeneous and random at the ends.
    PerlinSize,
}

/// The three plotted areas (axes included) of the sweep figure.
pub fn sweep_layout() -> [Rect; 3] {
    let (w, top, h) = (458, 52, 392);
    [0, 1, 2].map(|k| Rect::new(8 + k * (w as i32 + 4), top, w, h))
}

/// Box-plot statistics of one distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    pub p5: f64,
    pub q25: f64,
    pub median: f64,
    pub q75: f64,
    pub p95: f64,
}

/// Box-plot statistics of the finite values of `values`; `None` without any.
pub fn box_stats(values: &[f64]) -> Option<BoxStats> {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| percentile(&v, q);
    Some(BoxStats { p5: at(0.05), q25: at(0.25), median: at(0.5), q75: at(0.75), p95: at(0.95) })
}

/// Normalised histogram `(bin centre, probability)`; empty when nothing was counted.
pub fn probabilities(edges: &[f64], counts: &[usize]) -> Vec<(f64, f64)> {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Vec::new();
    }
    counts.iter().enumerate().map(|(k, &c)| ((edges[k] + edges[k + 1]) / 2.0, c as f64 / total as f64)).collect()
}

/// One box: centre and width on the categorical axis, colour, stats.
struct PlacedBox {
    centre: f64,
    width: f64,
    color: usize,
    stats: Option<BoxStats>,
}

/// One line of a distribution panel.
struct Series {
    color: usize,
    points: Vec<(f64, f64)>,
}

enum Panel {
    Boxes { x_desc: String, categories: Vec<String>, ymax: f64, boxes: Vec<PlacedBox> },
    Lines { title: String, ymax: f64, series: Vec<Series> },
    Polar { rmax: f64, series: Vec<Series> },
}

struct SweepData {
    title: &'static str,
    legend: Vec<(usize, String)>,
    panels: Vec<Panel>,
}

fn velocity_series(color: usize, s: &SequenceSummary) -> Series {
    let h = &s.speed_histogram;
    Series { color, points: probabilities(&h.bin_edges_paper_units, &h.counts) }
}

fn lines_panel(title: String, series: Vec<Series>) -> Panel {
    let top = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    Panel::Lines { title, ymax: if top > 0.0 { top * 1.1 } else { 1.0 }, series }
}

fn boxes_panel(x_desc: &str, categories: Vec<String>, boxes: Vec<PlacedBox>) -> Panel {
    let top = boxes.iter().filter_map(|b| b.stats.map(|s| s.p95)).fold(0.0, f64::max);
    Panel::Boxes { x_desc: x_desc.into(), categories, ymax: if top > 0.0 { top * 1.1 } else { 1.0 }, boxes }
}

fn prepare(kind: SweepKind, entries: &[SweepEntry]) -> Result<SweepData, OutputError> {
    if entries.is_empty() {
        return Err(OutputError::invalid("the sweep figure needs at least one sweep entry; run the sweep first"));
    }
    let counts = |e: &SweepEntry| box_stats(&e.summary.sequences_per_window.values);
    match kind {
        SweepKind::Shift => {
            if let Some(e) = entries.iter().find(|e| !e.x.is_finite()) {
                return Err(OutputError::invalid(format!(
                    "sweep entry '{}' ({}) has the shift {}; give every entry a finite shift",
                    e.label, e.landscape, e.x
                )));
            }
            let mut xs: Vec<f64> = entries.iter().map(|e| e.x).collect();
            xs.sort_unstable_by(f64::total_cmp);
            xs.dedup();
            let mut landscapes: Vec<String> = Vec::new();
            for e in entries {
                if !landscapes.contains(&e.landscape) {
                    landscapes.push(e.landscape.clone());
                }
            }
            let shift_index = |e: &SweepEntry| xs.iter().position(|&x| x == e.x).unwrap_or(0);
            let mut panels: Vec<Panel> = landscapes
                .iter()
                .take(2)
                .map(|l| {
                    let mut of: Vec<&SweepEntry> = entries.iter().filter(|e| e.landscape == *l).collect();
                    of.sort_by(|a, b| a.x.total_cmp(&b.x));
                    let series = of.iter().map(|e| velocity_series(shift_index(e), &e.summary));
                    lines_panel(format!("{l} (shift R)"), series.collect())
                })
                .collect();
            let g = landscapes.len() as f64;
            let slot = 0.8 / g;
            let boxes = entries
                .iter()
                .map(|e| {
                    let grp = landscapes.iter().position(|l| *l == e.landscape).unwrap_or(0);
                    PlacedBox {
                        centre: shift_index(e) as f64 + (grp as f64 - (g - 1.0) / 2.0) * slot,
                        width: (slot * 0.8).min(0.55),
                        color: grp,
                        stats: counts(e),
                    }
                })
                .collect();
            let categories = xs
                .iter()
                .map(|&x| entries.iter().find(|e| e.x == x).map_or_else(|| format_tick(x), |e| e.label.clone()))
                .collect();
            panels.push(boxes_panel("Shift R (boxes: landscapes in legend order)", categories, boxes));
            let legend = xs.iter().enumerate().map(|(k, &x)| (k, format!("R = {}", format_tick(x)))).collect();
            Ok(SweepData { title: "Velocity and sequences vs shift of the connectivity (Fig. 5)", legend, panels })
        }
        SweepKind::PerlinSize => {
            let boxes = entries
                .iter()
                .enumerate()
                .map(|(k, e)| PlacedBox { centre: k as f64, width: 0.6, color: k, stats: counts(e) })
                .collect();
            let categories = entries.iter().map(|e| e.label.clone()).collect();
            let series = |e: (usize, &SweepEntry)| velocity_series(e.0, &e.1.summary);
            let polar: Vec<Series> = entries
                .iter()
                .enumerate()
                .map(|(k, e)| {
                    let h = &e.summary.direction_change_histogram;
                    let points = h
                        .counts
                        .iter()
                        .enumerate()
                        .map(|(b, &c)| ((h.bin_edges_deg[b] + h.bin_edges_deg[b + 1]) / 2.0, c as f64));
                    Series { color: k, points: points.collect() }
                })
                .collect();
            let rmax = polar.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max).max(1.0);
            let panels = vec![
                boxes_panel("Perlin size", categories, boxes),
                lines_panel("Velocity".into(), entries.iter().enumerate().map(series).collect()),
                Panel::Polar { rmax, series: polar },
            ];
            let legend = entries.iter().enumerate().map(|(k, e)| (k, e.label.clone())).collect();
            Ok(SweepData { title: "Sequences, velocity and direction change vs Perlin size (Fig. 6)", legend, panels })
        }
    }
}

fn draw_boxes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: Rect,
    x_desc: &str,
    categories: &[String],
    ymax: f64,
    boxes: &[PlacedBox],
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let area = root.clone().shrink((r.x, r.y), (r.w as i32, r.h as i32));
    let k = categories.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(48)
        .y_label_area_size(62)
        .build_cartesian_2d(-0.5..k - 0.5, 0.0..ymax)
        .map_err(e)?;
    let dec = decimals_for(ymax);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_desc)
        .y_desc("Sequences per 1 s window")
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| {
            if (v - v.round()).abs() < 1e-9 { format_tick(*v) } else { format!("{v:.dec$}") }
        })
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    for (c, label) in categories.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(c as f64, 0.0));
        root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK.stroke_width(1))).map_err(e)?;
        root.draw(&Text::new(label.clone(), (px, py + 8), text_style(12, Pos::new(HPos::Center, VPos::Top))))
            .map_err(e)?;
    }
    for b in boxes {
        let Some(s) = b.stats else { continue };
        let c = COLORS[b.color % COLORS.len()];
        let (x0, x1, xc) = (b.centre - b.width / 2.0, b.centre + b.width / 2.0, b.centre);
        let cap = b.width / 4.0;
        let whisker = c.stroke_width(2);
        let lines = [
            vec![(xc, s.p5), (xc, s.q25)],
            vec![(xc, s.q75), (xc, s.p95)],
            vec![(xc - cap, s.p5), (xc + cap, s.p5)],
            vec![(xc - cap, s.p95), (xc + cap, s.p95)],
        ];
        chart.draw_series(lines.into_iter().map(|pts| PathElement::new(pts, whisker))).map_err(e)?;
        chart
            .draw_series([
                Rectangle::new([(x0, s.q25), (x1, s.q75)], c.mix(0.35).filled()),
                Rectangle::new([(x0, s.q25), (x1, s.q75)], c.stroke_width(2)),
            ])
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(x0, s.median), (x1, s.median)], BLACK.stroke_width(2))))
            .map_err(e)?;
    }
    if boxes.iter().all(|b| b.stats.is_none()) {
        root.draw(&Text::new("no data", chart.backend_coord(&((k - 1.0) / 2.0, ymax / 2.0)), centered(16)))
            .map_err(e)?;
    }
    Ok(())
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: Rect,
    title: &str,
    ymax: f64,
    series: &[Series],
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let area = root.clone().shrink((r.x, r.y), (r.w as i32, r.h as i32));
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .caption(title, font(14))
        .x_label_area_size(48)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..160.0, 0.0..ymax)
        .map_err(e)?;
    let dec = decimals_for(ymax);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(VELOCITY_AXIS_LABEL)
        .y_desc("Probability")
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format!("{v:.dec$}"))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    for s in series.iter().filter(|s| !s.points.is_empty()) {
        let c = COLORS[s.color % COLORS.len()];
        chart.draw_series(LineSeries::new(s.points.clone(), c.stroke_width(2))).map_err(e)?;
    }
    if series.iter().all(|s| s.points.is_empty()) {
        root.draw(&Text::new("no data", chart.backend_coord(&(80.0, ymax / 2.0)), centered(16))).map_err(e)?;
    }
    Ok(())
}

fn draw_polar<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: Rect, rmax: f64, series: &[Series]) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let size = (r.w.min(r.h) as i32 - 70).max(40);
    let (cx, cy) = (r.x + r.w as i32 / 2, r.y + 30 + size / 2);
    let scale = size as f64 / 2.0 / rmax;
    // 0 upward, positive changes to the left (the paper's theta offset of 90 degrees).
    let at = |deg: f64, radius: f64| {
        let (s, c) = deg.to_radians().sin_cos();
        (cx - (radius * scale * s).round() as i32, cy - (radius * scale * c).round() as i32)
    };
    let grey = RGBColor(190, 190, 190);
    for f in [0.5, 1.0] {
        let ring: Vec<(i32, i32)> = (0..=72).map(|k| at(k as f64 * 5.0, rmax * f)).collect();
        root.draw(&PathElement::new(ring, grey.stroke_width(1))).map_err(e)?;
    }
    for (deg, label) in [(0.0, "0"), (90.0, "+90°"), (180.0, "180°"), (-90.0, "−90°")] {
        root.draw(&PathElement::new(vec![(cx, cy), at(deg, rmax)], grey.stroke_width(1))).map_err(e)?;
        root.draw(&Text::new(label, at(deg, rmax * 1.12), centered(12))).map_err(e)?;
    }
    for s in series.iter().filter(|s| s.points.iter().any(|p| p.1 > 0.0)) {
        let c = COLORS[s.color % COLORS.len()];
        let mut pts: Vec<(i32, i32)> = s.points.iter().map(|&(deg, v)| at(deg, v)).collect();
        pts.push(pts[0]);
        root.draw(&PathElement::new(pts, c.stroke_width(2))).map_err(e)?;
    }
    root.draw(&Text::new(
        "Direction change between steps (radius: count)",
        (r.x + r.w as i32 / 2, r.bottom() - 12),
        centered(14),
    ))
    .map_err(e)?;
    Ok(())
}

fn draw_sweep<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &SweepData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, _) = SWEEP_FIGURE_SIZE;
    root.draw(&Text::new(d.title, (w as i32 / 2, 14), centered(18))).map_err(e)?;
    let widths: Vec<i32> =
        d.legend.iter().map(|(_, s)| font(13).box_size(s).map(|b| b.0 as i32).unwrap_or(80)).collect();
    let total: i32 = widths.iter().map(|w| w + 40).sum();
    let mut x = w as i32 / 2 - total / 2;
    let y = 38;
    for ((c, s), tw) in d.legend.iter().zip(&widths) {
        let c = COLORS[c % COLORS.len()];
        root.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled())).map_err(e)?;
        root.draw(&Text::new(s.clone(), (x + 20, y), text_style(13, Pos::new(HPos::Left, VPos::Center)))).map_err(e)?;
        x += tw + 40;
    }
    let letter = text_style(20, Pos::new(HPos::Left, VPos::Top));
    for ((p, r), s) in d.panels.iter().zip(sweep_layout()).zip(["a", "b", "c"]) {
        root.draw(&Text::new(s, (r.x, r.y - 4), letter.clone())).map_err(e)?;
        match p {
            Panel::Boxes { x_desc, categories, ymax, boxes } => draw_boxes(root, r, x_desc, categories, *ymax, boxes)?,
            Panel::Lines { title, ymax, series } => draw_lines(root, r, title, *ymax, series)?,
            Panel::Polar { rmax, series } => draw_polar(root, r, *rmax, series)?,
        }
    }
    root.present().map_err(e)?;
    Ok(())
}

fn render_png(d: &SweepData) -> Result<Vec<u8>, String> {
    super::plot::render_png(SWEEP_FIGURE_SIZE, |root| draw_sweep(root, d), |_| {})
}

fn render_svg(d: &SweepData) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SWEEP_FIGURE_SIZE).into_drawing_area();
        draw_sweep(&root, d)?;
    }
    if !svg.trim_end().ends_with("</svg>") {
        return Err("the SVG backend produced no closing tag".to_string());
    }
    Ok(svg)
}

/// Writes a sweep figure (see the module docs) as a PNG and an SVG file.
/// Fails, leaving neither file, for no entries, a non-finite shift or a
/// missing output folder.
pub fn write_sweep_figure(kind: SweepKind, entries: &[SweepEntry], png: &Path, svg: &Path) -> Result<(), OutputError> {
    check_target(png)?;
    check_target(svg)?;
    let data = prepare(kind, entries)?;
    ensure_font()?;
    write_png_and_svg(png, svg, || render_png(&data), || render_svg(&data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::atomic::tests::entries;
    use seqscape_core::analysis::testing::{SyntheticBump, synthesize_spikes};
    use seqscape_core::analysis::{DbscanParams, Recipe, analyze_recipe};
    use std::fs;

    fn summary(speed: f64, seed: u64) -> SequenceSummary {
        let bumps: Vec<SyntheticBump> = (0..3)
            .map(|k| SyntheticBump {
                x0: 15.0 + 30.0 * k as f64,
                y0: 20.0,
                speed_grid_per_s: speed,
                direction_deg: 90.0,
                start_ms: 100.0 * k as f64,
                end_ms: 100.0 * k as f64 + 900.0,
            })
            .collect();
        let (i, t) = synthesize_spikes(100, &bumps, 1500.0, 0.2, 1.0, seed);
        analyze_recipe(Recipe::Authors, &i, &t, 100, 0.0, 1500.0, &DbscanParams::default()).unwrap().summary
    }

    fn entry(label: &str, x: f64, landscape: &str, s: &SequenceSummary) -> SweepEntry {
        SweepEntry { label: label.into(), x, landscape: landscape.into(), summary: s.clone() }
    }

    fn count_color(img: &image::RgbImage, r: Rect, c: RGBColor) -> usize {
        (r.x..r.right())
            .flat_map(|x| (r.y..r.bottom()).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x as u32, y as u32).0 == [c.0, c.1, c.2])
            .count()
    }

    #[test]
    fn box_stats_and_probabilities() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        let s = box_stats(&v).unwrap();
        assert_eq!((s.p5, s.q25, s.median, s.q75, s.p95), (5.0, 25.0, 50.0, 75.0, 95.0));
        assert!(box_stats(&[]).is_none() && box_stats(&[f64::NAN]).is_none());
        assert_eq!(probabilities(&[0.0, 2.0, 4.0], &[1, 3]), vec![(1.0, 0.25), (3.0, 0.75)]);
        assert!(probabilities(&[0.0, 2.0], &[0]).is_empty());
    }

    #[test]
    fn shift_and_perlin_size_figures() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (slow, medium, fast) = (summary(60.0, 1), summary(120.0, 4), summary(200.0, 2));
        let mut list = Vec::new();
        for (r, s) in [(0.0, &slow), (1.0, &medium), (2.0, &fast)] {
            list.push(entry(&format_tick(r), r, "homogeneous", s));
            list.push(entry(&format_tick(r), r, "perlin", &slow));
        }
        let (png, svg) = (dir.join("fig5.png"), dir.join("fig5.svg"));
        write_sweep_figure(SweepKind::Shift, &list, &png, &svg).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SWEEP_FIGURE_SIZE);
        let [a, b, c] = sweep_layout();
        for (k, color) in COLORS[..3].iter().enumerate() {
            assert!(count_color(&img, a, *color) > 50, "shift {k} in panel a");
        }
        // Panel b: three equal Perlin curves, the last drawn on top; panel c: the boxes.
        assert!(count_color(&img, b, COLORS[2]) > 50, "panel b");
        assert!(count_color(&img, c, BLACK) > 20, "panel c");
        let text = fs::read_to_string(&svg).unwrap();
        for s in [VELOCITY_AXIS_LABEL, "Probability", "Sequences per 1 s window", "homogeneous", "R = 2"] {
            assert!(text.contains(s), "SVG lacks '{s}'");
        }

        let mut list = vec![entry("homogeneous", 0.0, "homogeneous", &fast)];
        for s in [3.0, 5.0, 10.0] {
            list.push(entry(&format_tick(s), s, "perlin", &slow));
        }
        list.push(entry("random", f64::NAN, "random", &slow));
        let (png, svg) = (dir.join("fig6.png"), dir.join("fig6.svg"));
        write_sweep_figure(SweepKind::PerlinSize, &list, &png, &svg).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        for r in sweep_layout() {
            assert!(count_color(&img, r, COLORS[0]) > 20);
        }
        assert!(count_color(&img, b, COLORS[4]) > 20, "the fifth velocity curve");
        let text = fs::read_to_string(&svg).unwrap();
        for s in ["Perlin size", "random", "Direction change", VELOCITY_AXIS_LABEL] {
            assert!(text.contains(s), "SVG lacks '{s}'");
        }
        assert_eq!(entries(dir), vec!["fig5.png", "fig5.svg", "fig6.png", "fig6.svg"]);
    }

    #[test]
    fn errors_leave_no_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let s = summary(60.0, 3);
        let list = vec![entry("0", 0.0, "perlin", &s)];
        let missing = dir.join("nope");
        let e = write_sweep_figure(SweepKind::Shift, &list, &missing.join("f.png"), &dir.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(write_sweep_figure(SweepKind::PerlinSize, &[], &dir.join("f.png"), &dir.join("f.svg")).is_err());
        let bad = vec![entry("x", f64::NAN, "perlin", &s)];
        assert!(write_sweep_figure(SweepKind::Shift, &bad, &dir.join("f.png"), &dir.join("f.svg")).is_err());
        assert!(entries(dir).is_empty());
    }
}
