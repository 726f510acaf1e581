//! Parameter-sweep figures of the sequence statistics (PNG and SVG from the
//! same drawing code, about 1400 x 450 pixels), after the paper's Fig. 5 and
//! Fig. 6:
//!
//! * [`SweepKind::Shift`] (Fig. 5): speed distributions per shift `R`. The
//!   x axis holds the distinct `x` values (shifts) in increasing order, with
//!   the tick label of the first entry at each shift; entries of the same
//!   `landscape` form one group with one colour, and the groups' boxes stand
//!   side by side at every shift. Panels: (a) speed, (b) sequences per 1 s
//!   window, (c) change of direction.
//! * [`SweepKind::PerlinSize`] (Fig. 6): one category per entry, in the
//!   given order (e.g. homogeneous, 3, 5, 10, 20, 50, random), coloured by
//!   landscape. Panels: (a) sequences per 1 s window, (b) speed, (c) change
//!   of direction.
//!
//! Every distribution is a box plot: box from the 25th to the 75th
//! percentile, a line at the median, whiskers from the 5th to the 95th
//! percentile (numpy's linear interpolation; NaNs are ignored). An empty
//! distribution draws no box. In the sequences panel a black cross marks
//! each entry's overall `clusters_per_s`. A legend of the landscapes heads
//! the figure. Both files are written atomically; on an error neither is
//! left behind.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use seqscape_core::analysis::sequences::percentile;

use crate::output::OutputError;
use crate::output::atomic::check_target;
use super::plot::{
    DrawResult, SERIES, centered, decimals_for, encode_png_rgb, ensure_font, font, format_tick, text_style,
    write_png_and_svg,
};
use crate::output::raster::Rect;
use super::sequences_figure::SPEED_AXIS_LABEL;

/// Figure size in pixels.
pub const SWEEP_FIGURE_SIZE: (u32, u32) = (1400, 450);

/// Group colours: the landscapes' colours of the other figures.
const GROUP_COLORS: [RGBColor; 8] = SERIES;

/// The statistics of one point of a parameter sweep.
#[derive(Debug, Clone)]
pub struct SweepEntry {
    /// Tick label on the x axis, e.g. "3" or "homogeneous".
    pub label: String,
    /// Parameter value (the shift `R` for [`SweepKind::Shift`]; not used for
    /// positions by [`SweepKind::PerlinSize`], whose categories follow the
    /// order of the entries).
    pub x: f64,
    /// Landscape name; entries with the same name share a colour.
    pub landscape: String,
    /// Per-step speeds in the paper's units (`TrackStep::speed_paper_units`).
    pub speeds_paper_units: Vec<f64>,
    /// Number of sequences in each 1 s window.
    pub sequences_per_window: Vec<f64>,
    /// Change of direction between successive track steps, in degrees.
    pub direction_change_deg: Vec<f64>,
    /// Clusters per second over the whole analysed window.
    pub clusters_per_s: f64,
}

/// Which sweep the figure shows; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepKind {
    /// Fig. 5: statistics per shift `R`, grouped by landscape.
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

/// One box: centre and width on the categorical axis, colour group, stats.
struct PlacedBox {
    centre: f64,
    width: f64,
    group: usize,
    stats: Option<BoxStats>,
}

struct PanelData {
    y_desc: &'static str,
    ymax: f64,
    /// Fixed tick step (direction changes use 45 degrees).
    y_step: Option<f64>,
    boxes: Vec<PlacedBox>,
    /// `clusters_per_s` markers `(x, value)`.
    markers: Vec<(f64, f64)>,
}

struct SweepData {
    title: &'static str,
    x_desc: &'static str,
    categories: Vec<String>,
    groups: Vec<String>,
    panels: Vec<PanelData>,
}

#[derive(Clone, Copy)]
enum Metric {
    Speed,
    Sequences,
    DirectionChange,
}

impl Metric {
    fn values(self, e: &SweepEntry) -> &[f64] {
        match self {
            Metric::Speed => &e.speeds_paper_units,
            Metric::Sequences => &e.sequences_per_window,
            Metric::DirectionChange => &e.direction_change_deg,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Metric::Speed => SPEED_AXIS_LABEL,
            Metric::Sequences => "Sequences per 1 s window",
            Metric::DirectionChange => "Change of direction [deg]",
        }
    }
}

fn prepare(kind: SweepKind, entries: &[SweepEntry]) -> Result<SweepData, OutputError> {
    if entries.is_empty() {
        return Err(OutputError::invalid("the sweep figure needs at least one sweep entry; run the sweep first"));
    }
    // Colour groups by landscape, in order of first appearance.
    let mut groups: Vec<String> = Vec::new();
    let group_of: Vec<usize> = entries
        .iter()
        .map(|e| match groups.iter().position(|g| *g == e.landscape) {
            Some(k) => k,
            None => {
                groups.push(e.landscape.clone());
                groups.len() - 1
            }
        })
        .collect();
    // Position of every entry on the categorical axis.
    let mut categories: Vec<String> = Vec::new();
    let positions: Vec<(f64, f64)> = match kind {
        SweepKind::PerlinSize => {
            categories = entries.iter().map(|e| e.label.clone()).collect();
            (0..entries.len()).map(|k| (k as f64, 0.55)).collect()
        }
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
            for &x in &xs {
                let first = entries.iter().find(|e| e.x == x).map(|e| e.label.clone());
                categories.push(first.unwrap_or_else(|| format_tick(x)));
            }
            let g = groups.len() as f64;
            let slot = 0.8 / g;
            entries
                .iter()
                .zip(&group_of)
                .map(|(e, &grp)| {
                    let cat = xs.iter().position(|&x| x == e.x).unwrap_or(0) as f64;
                    (cat + (grp as f64 - (g - 1.0) / 2.0) * slot, (slot * 0.8).min(0.55))
                })
                .collect()
        }
    };
    let metrics = match kind {
        SweepKind::Shift => [Metric::Speed, Metric::Sequences, Metric::DirectionChange],
        SweepKind::PerlinSize => [Metric::Sequences, Metric::Speed, Metric::DirectionChange],
    };
    let panels = metrics
        .iter()
        .map(|&m| {
            let boxes: Vec<PlacedBox> = entries
                .iter()
                .zip(&positions)
                .zip(&group_of)
                .map(|((e, &(centre, width)), &group)| PlacedBox {
                    centre,
                    width,
                    group,
                    stats: box_stats(m.values(e)),
                })
                .collect();
            let markers: Vec<(f64, f64)> = match m {
                Metric::Sequences => entries
                    .iter()
                    .zip(&positions)
                    .filter(|(e, _)| e.clusters_per_s.is_finite())
                    .map(|(e, p)| (p.0, e.clusters_per_s))
                    .collect(),
                _ => Vec::new(),
            };
            let top = boxes
                .iter()
                .filter_map(|b| b.stats.map(|s| s.p95))
                .chain(markers.iter().map(|m| m.1))
                .fold(0.0, f64::max);
            let (ymax, y_step) = match m {
                Metric::DirectionChange => (180.0, Some(45.0)),
                _ if top > 0.0 => (top * 1.1, None),
                _ => (1.0, None),
            };
            PanelData { y_desc: m.label(), ymax, y_step, boxes, markers }
        })
        .collect();
    let (title, x_desc) = match kind {
        SweepKind::Shift => ("Sequence statistics vs shift of the connectivity", "Shift R"),
        SweepKind::PerlinSize => ("Sequence statistics vs Perlin size", "Perlin size"),
    };
    Ok(SweepData { title, x_desc, categories, groups, panels })
}

fn draw_panel<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &SweepData, p: &PanelData, r: Rect) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let area = root.clone().shrink((r.x, r.y), (r.w as i32, r.h as i32));
    let k = d.categories.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(48)
        .y_label_area_size(62)
        .build_cartesian_2d(-0.5..k - 0.5, 0.0..p.ymax)
        .map_err(e)?;
    let dec = decimals_for(p.ymax);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(d.x_desc)
        .y_desc(p.y_desc)
        .x_labels(0)
        .y_labels(if p.y_step.is_some() { 0 } else { 6 })
        .y_label_formatter(&|v| {
            if (v - v.round()).abs() < 1e-9 { format_tick(*v) } else { format!("{v:.dec$}") }
        })
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    // Categorical x ticks.
    for (c, label) in d.categories.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(c as f64, 0.0));
        root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK.stroke_width(1))).map_err(e)?;
        root.draw(&Text::new(label.clone(), (px, py + 8), text_style(12, Pos::new(HPos::Center, VPos::Top))))
            .map_err(e)?;
    }
    // Fixed y ticks.
    if let Some(step) = p.y_step {
        let mut v = 0.0;
        while v <= p.ymax + 1e-9 {
            let (px, py) = chart.backend_coord(&(-0.5, v));
            root.draw(&PathElement::new(vec![(px - 5, py), (px, py)], BLACK.stroke_width(1))).map_err(e)?;
            root.draw(&Text::new(format_tick(v), (px - 8, py), text_style(12, Pos::new(HPos::Right, VPos::Center))))
                .map_err(e)?;
            v += step;
        }
    }
    // Boxes.
    for b in &p.boxes {
        let Some(s) = b.stats else { continue };
        let c = GROUP_COLORS[b.group % GROUP_COLORS.len()];
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
    if !p.markers.is_empty() {
        chart.draw_series(p.markers.iter().map(|&(x, y)| Cross::new((x, y), 5, BLACK.stroke_width(2)))).map_err(e)?;
    }
    if p.boxes.iter().all(|b| b.stats.is_none()) {
        root.draw(&Text::new("no data", chart.backend_coord(&((k - 1.0) / 2.0, p.ymax / 2.0)), centered(16)))
            .map_err(e)?;
    }
    Ok(())
}

fn draw_sweep<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &SweepData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, _) = SWEEP_FIGURE_SIZE;
    root.draw(&Text::new(d.title, (w as i32 / 2, 14), centered(18))).map_err(e)?;
    // Legend: one swatch per landscape, then the clusters/s marker.
    let mut items: Vec<(Option<RGBColor>, String)> =
        d.groups.iter().enumerate().map(|(k, g)| (Some(GROUP_COLORS[k % GROUP_COLORS.len()]), g.clone())).collect();
    items.push((None, "clusters/s (whole run)".to_string()));
    let widths: Vec<i32> = items.iter().map(|(_, s)| font(13).box_size(s).map(|b| b.0 as i32).unwrap_or(80)).collect();
    let total: i32 = widths.iter().map(|w| w + 40).sum();
    let mut x = w as i32 / 2 - total / 2;
    let y = 38;
    for ((c, s), tw) in items.iter().zip(&widths) {
        match c {
            Some(c) => root
                .draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.mix(0.35).filled()))
                .and_then(|_| root.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.stroke_width(2)))),
            None => root.draw(&Cross::new((x + 7, y), 5, BLACK.stroke_width(2))),
        }
        .map_err(e)?;
        root.draw(&Text::new(s.clone(), (x + 20, y), text_style(13, Pos::new(HPos::Left, VPos::Center)))).map_err(e)?;
        x += tw + 40;
    }
    let letter = text_style(20, Pos::new(HPos::Left, VPos::Top));
    for ((p, r), s) in d.panels.iter().zip(sweep_layout()).zip(["a", "b", "c"]) {
        root.draw(&Text::new(s, (r.x, r.y - 4), letter.clone())).map_err(e)?;
        draw_panel(root, d, p, r)?;
    }
    root.present().map_err(e)?;
    Ok(())
}

fn render_png(d: &SweepData) -> Result<Vec<u8>, String> {
    let (w, h) = SWEEP_FIGURE_SIZE;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_sweep(&root, d)?;
    }
    encode_png_rgb(&buf, w, h)
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
    use std::fs;

    fn spread(centre: f64, count: usize) -> Vec<f64> {
        (0..count).map(|k| centre * (0.5 + k as f64 / count as f64)).collect()
    }

    fn entry(label: &str, x: f64, landscape: &str, speed: f64) -> SweepEntry {
        SweepEntry {
            label: label.to_string(),
            x,
            landscape: landscape.to_string(),
            speeds_paper_units: spread(speed, 200),
            sequences_per_window: spread(4.0, 50),
            direction_change_deg: spread(30.0, 100),
            clusters_per_s: 3.0,
        }
    }

    fn count_color(img: &image::RgbImage, r: Rect, c: RGBColor) -> usize {
        (r.x..r.right())
            .flat_map(|x| (r.y..r.bottom()).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x as u32, y as u32).0 == [c.0, c.1, c.2])
            .count()
    }

    #[test]
    fn box_stats_percentiles() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        let s = box_stats(&v).unwrap();
        assert_eq!((s.p5, s.q25, s.median, s.q75, s.p95), (5.0, 25.0, 50.0, 75.0, 95.0));
        assert!(box_stats(&[]).is_none());
        assert!(box_stats(&[f64::NAN]).is_none());
        let s = box_stats(&[2.0, f64::NAN]).unwrap();
        assert_eq!((s.p5, s.p95), (2.0, 2.0));
    }

    #[test]
    fn shift_figure() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (png, svg) = (dir.join("fig5.png"), dir.join("fig5.svg"));
        let mut list = Vec::new();
        for r in [0.0, 1.0, 2.0] {
            list.push(entry(&format_tick(r), r, "homogeneous", 10.0 + 20.0 * r));
            list.push(entry(&format_tick(r), r, "perlin", 30.0 + 10.0 * r));
        }
        // Unsorted input and one empty distribution.
        list.swap(0, 5);
        list[2].speeds_paper_units.clear();
        write_sweep_figure(SweepKind::Shift, &list, &png, &svg).unwrap();
        assert_eq!(entries(dir), vec!["fig5.png", "fig5.svg"]);
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SWEEP_FIGURE_SIZE);
        let speed = sweep_layout()[0];
        assert!(count_color(&img, speed, GROUP_COLORS[0]) > 100);
        assert!(count_color(&img, speed, GROUP_COLORS[1]) > 100);
        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"));
        for s in [
            "Shift R",
            SPEED_AXIS_LABEL,
            "Sequences per 1 s window",
            "Change of direction [deg]",
            "homogeneous",
            "perlin",
        ] {
            assert!(text.contains(s), "SVG lacks '{s}'");
        }
    }

    #[test]
    fn perlin_size_figure_with_empty_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (png, svg) = (dir.join("fig6.png"), dir.join("fig6.svg"));
        let mut list = vec![entry("homogeneous", 0.0, "homogeneous", 40.0)];
        for (k, s) in [3.0, 5.0, 10.0, 20.0, 50.0].into_iter().enumerate() {
            list.push(entry(&format_tick(s), s, "perlin", 20.0 + 5.0 * k as f64));
        }
        list.push(entry("random", f64::NAN, "random", 5.0));
        // Entirely empty statistics for one Perlin size.
        list[3].speeds_paper_units.clear();
        list[3].sequences_per_window.clear();
        list[3].direction_change_deg.clear();
        list[3].clusters_per_s = f64::NAN;
        write_sweep_figure(SweepKind::PerlinSize, &list, &png, &svg).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SWEEP_FIGURE_SIZE);
        for r in sweep_layout() {
            for c in &GROUP_COLORS[..3] {
                assert!(count_color(&img, r, *c) > 20);
            }
        }
        let text = fs::read_to_string(&svg).unwrap();
        for s in ["Perlin size", "random", "homogeneous", "50", SPEED_AXIS_LABEL] {
            assert!(text.contains(s), "SVG lacks '{s}'");
        }
        // All distributions empty: still a figure.
        for e in &mut list {
            e.speeds_paper_units.clear();
            e.sequences_per_window.clear();
            e.direction_change_deg.clear();
        }
        write_sweep_figure(SweepKind::PerlinSize, &list, &png, &svg).unwrap();
        write_sweep_figure(SweepKind::Shift, &list[..1], &png, &svg).unwrap();
        assert_eq!(entries(dir), vec!["fig6.png", "fig6.svg"]);
    }

    #[test]
    fn errors_leave_no_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let list = vec![entry("0", 0.0, "perlin", 10.0)];
        let missing = dir.join("nope");
        let e = write_sweep_figure(SweepKind::Shift, &list, &missing.join("f.png"), &dir.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = write_sweep_figure(SweepKind::Shift, &list, &dir.join("f.png"), &missing.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("f.svg"), "{e}");
        assert!(write_sweep_figure(SweepKind::PerlinSize, &[], &dir.join("f.png"), &dir.join("f.svg")).is_err());
        let bad = vec![entry("x", f64::NAN, "perlin", 10.0)];
        assert!(write_sweep_figure(SweepKind::Shift, &bad, &dir.join("f.png"), &dir.join("f.svg")).is_err());
        assert!(entries(dir).is_empty());
    }
}
