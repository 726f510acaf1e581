//! The paper's Fig. 2 b/c as one figure, PNG and SVG from the same `plotters` drawing code.
//!
//! Fig. 2 layout, about 1500 x 600 pixels:
//! * top row (b): one in-degree map per landscape (grid row `y = 0` at the
//!   bottom, square cells, shared viridis scale from 0.5 to 1.5 times the
//!   out-degree) with a shared colour bar, then the in-degree histograms
//!   (step lines, probability density, one colour per landscape, legend);
//! * bottom row (c): the firing-rate distributions (24 log-spaced bins from
//!   1 to 64 Hz, four per octave, drawn on a log2 axis labelled 1, 2, 4, ...,
//!   64 Hz; the density is per Hz over the neurons inside that range, as
//!   `matplotlib.pyplot.hist(..., density=True)` gives), then one map of the
//!   per-neuron mean rate per landscape on a shared log colour scale (1-64 Hz).
//!
//! Maps are pixel grids: in the PNG they are copied into the bitmap with
//! nearest-neighbour scaling, in the SVG they are embedded as base64 PNG
//! `<image>` elements, which keeps the SVG small for 100 x 100 grids.

use std::fmt::Write as _;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::plot::{
    DrawResult, SERIES, centered, decimals_for, encode_png_rgb, ensure_font, font, format_tick, nice_ticks,
    png_data_uri, text_style, write_png_and_svg,
};
use crate::output::OutputError;
use crate::output::atomic::check_target;
use crate::output::colormap::Colormap;
use crate::output::raster::{Rect, for_each_scaled};

/// One landscape's data for Fig. 2.
#[derive(Debug, Clone, PartialEq)]
pub struct Fig2Panel {
    /// Landscape name, used as the panel title and legend entry.
    pub landscape: String,
    /// Side length of the n x n torus.
    pub n: usize,
    /// In-degree per neuron, `n * n` values, row-major (`[y * n + x]`).
    pub in_degree: Vec<i32>,
    /// Mean firing rate per neuron in Hz over the analysed window, `n * n` values.
    pub rates_hz: Vec<f64>,
    /// Out-degree of every neuron (sets the in-degree colour scale).
    pub out_degree: usize,
}

/// Figure size in pixels.
pub const FIG2_SIZE: (u32, u32) = (1500, 600);

/// Octaves covered by the rate axis (1 Hz to 2^6 = 64 Hz).
const RATE_OCTAVES: f64 = 6.0;
/// Rate histogram bins per octave.
const RATE_BINS_PER_OCTAVE: usize = 4;

const MAP_COLORMAP: Colormap = Colormap::Viridis;

/// Pixel positions of the parts of Fig. 2.
#[derive(Debug, Clone)]
pub struct Fig2Layout {
    pub in_degree_maps: Vec<Rect>,
    pub in_degree_bar: Rect,
    pub in_degree_hist: Rect,
    pub rate_hist: Rect,
    pub rate_maps: Vec<Rect>,
    pub rate_bar: Rect,
}

/// Layout of Fig. 2 for `panels` landscapes.
pub fn fig2_layout(panels: usize) -> Fig2Layout {
    let p = panels.max(1) as i32;
    let gap = 16;
    // Top row: maps from x = 40 up to about x = 830, the colour bar, then
    // the histogram.
    let s1 = 220.min((770 - (p - 1) * gap) / p);
    let top1 = 50;
    let in_degree_maps: Vec<Rect> =
        (0..p).map(|i| Rect::new(40 + i * (s1 + gap), top1, s1 as u32, s1 as u32)).collect();
    let right1 = 40 + p * s1 + (p - 1) * gap;
    let in_degree_bar = Rect::new(right1 + 18, top1, 14, s1 as u32);
    let hist_x = in_degree_bar.right() + 75;
    let in_degree_hist = Rect::new(hist_x, 15, (1485 - hist_x).min(640) as u32, 275);
    // Bottom row: histogram on the left, maps and colour bar on the right.
    let rate_hist = Rect::new(15, 315, 560, 275);
    let s2 = 220.min((730 - (p - 1) * gap) / p);
    let top2 = 350;
    let rate_maps: Vec<Rect> = (0..p).map(|i| Rect::new(640 + i * (s2 + gap), top2, s2 as u32, s2 as u32)).collect();
    let right2 = 640 + p * s2 + (p - 1) * gap;
    let rate_bar = Rect::new(right2 + 18, top2, 14, s2 as u32);
    Fig2Layout { in_degree_maps, in_degree_bar, in_degree_hist, rate_hist, rate_maps, rate_bar }
}

/// A colour grid placed on the figure (`rgb[y * w + x]`, row 0 at the bottom).
struct GridImage {
    rect: Rect,
    w: usize,
    h: usize,
    rgb: Vec<[u8; 3]>,
}

/// Everything Fig. 2 draws, computed once for both backends.
struct Fig2Data {
    names: Vec<String>,
    vmin: f64,
    vmax: f64,
    degree_hists: Vec<Vec<(f64, f64)>>,
    degree_x: (f64, f64),
    degree_ymax: f64,
    rate_hists: Vec<Vec<(f64, f64)>>,
    rate_ymax: f64,
    images: Vec<GridImage>,
    layout: Fig2Layout,
}

/// Step-line outline of a histogram with the given bin edges and heights.
fn step_points(edges: &[f64], heights: &[f64]) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * heights.len() + 2);
    pts.push((edges[0], 0.0));
    for (i, &h) in heights.iter().enumerate() {
        pts.push((edges[i], h));
        pts.push((edges[i + 1], h));
    }
    pts.push((edges[heights.len()], 0.0));
    pts
}

/// Histogram with the given edges, normalised so that it integrates to 1
/// over the bins (values outside the edges are left out).
fn density(values: impl Iterator<Item = f64>, edges: &[f64]) -> Vec<f64> {
    let bins = edges.len() - 1;
    let mut counts = vec![0usize; bins];
    for v in values {
        if !(v >= edges[0] && v <= edges[bins]) {
            continue;
        }
        // Bins are [e_k, e_k+1), the last one closed.
        let k = edges.partition_point(|&e| e <= v).saturating_sub(1).min(bins - 1);
        counts[k] += 1;
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        return vec![0.0; bins];
    }
    counts.iter().zip(edges.windows(2)).map(|(&c, e)| c as f64 / (total as f64 * (e[1] - e[0]))).collect()
}

fn rate_to_unit(rate: f64) -> f32 {
    if rate.is_nan() { f32::NAN } else { (rate.max(1.0).log2() / RATE_OCTAVES).clamp(0.0, 1.0) as f32 }
}

fn prepare_fig2(panels: &[Fig2Panel]) -> Result<Fig2Data, OutputError> {
    if panels.is_empty() || panels.len() > 4 {
        return Err(OutputError::invalid(format!("Fig. 2 takes 1 to 4 landscapes but {} were given", panels.len())));
    }
    for p in panels {
        let cells = p.n * p.n;
        if p.n == 0 || p.in_degree.len() != cells || p.rates_hz.len() != cells {
            return Err(OutputError::invalid(format!(
                "landscape '{}' has n = {} but {} in-degrees and {} rates (need n * n = {cells} each)",
                p.landscape,
                p.n,
                p.in_degree.len(),
                p.rates_hz.len()
            )));
        }
    }
    let layout = fig2_layout(panels.len());

    // In-degree colour scale and histogram range.
    let lo = panels.iter().flat_map(|p| p.in_degree.iter()).min().copied().unwrap_or(0);
    let hi = panels.iter().flat_map(|p| p.in_degree.iter()).max().copied().unwrap_or(0);
    let kmin = panels.iter().map(|p| p.out_degree).min().unwrap_or(0) as f64;
    let kmax = panels.iter().map(|p| p.out_degree).max().unwrap_or(0) as f64;
    let (vmin, vmax) = if kmax > 0.0 {
        (0.5 * kmin, 1.5 * kmax)
    } else if hi > lo {
        (lo as f64, hi as f64)
    } else {
        (lo as f64 - 1.0, hi as f64 + 1.0)
    };
    let span = (hi - lo + 1) as f64;
    let width = (span / 40.0).ceil().max(1.0);
    let bins = (span / width).ceil() as usize;
    let edges: Vec<f64> = (0..=bins).map(|k| lo as f64 - 0.5 + k as f64 * width).collect();
    let degree_hists: Vec<Vec<(f64, f64)>> =
        panels.iter().map(|p| step_points(&edges, &density(p.in_degree.iter().map(|&v| v as f64), &edges))).collect();
    let degree_x = (vmin.min(edges[0]), vmax.max(edges[bins]));
    let degree_ymax = degree_hists.iter().flat_map(|h| h.iter().map(|p| p.1)).fold(0.0, f64::max);

    // Rate histograms in log2 coordinates.
    let nb = RATE_OCTAVES as usize * RATE_BINS_PER_OCTAVE;
    let log_edges: Vec<f64> = (0..=nb).map(|k| k as f64 / RATE_BINS_PER_OCTAVE as f64).collect();
    let hz_edges: Vec<f64> = log_edges.iter().map(|&e| e.exp2()).collect();
    let rate_hists: Vec<Vec<(f64, f64)>> =
        panels.iter().map(|p| step_points(&log_edges, &density(p.rates_hz.iter().copied(), &hz_edges))).collect();
    let rate_ymax = rate_hists.iter().flat_map(|h| h.iter().map(|p| p.1)).fold(0.0, f64::max);

    // Pixel grids.
    let mut images = Vec::new();
    for (p, rect) in panels.iter().zip(&layout.in_degree_maps) {
        let rgb = p.in_degree.iter().map(|&v| MAP_COLORMAP.rgb(((v as f64 - vmin) / (vmax - vmin)) as f32)).collect();
        images.push(GridImage { rect: *rect, w: p.n, h: p.n, rgb });
    }
    for (p, rect) in panels.iter().zip(&layout.rate_maps) {
        let rgb = p.rates_hz.iter().map(|&r| MAP_COLORMAP.rgb(rate_to_unit(r))).collect();
        images.push(GridImage { rect: *rect, w: p.n, h: p.n, rgb });
    }
    for bar in [layout.in_degree_bar, layout.rate_bar] {
        let rgb = MAP_COLORMAP.lut().to_vec();
        images.push(GridImage { rect: bar, w: 1, h: 256, rgb });
    }

    Ok(Fig2Data {
        names: panels.iter().map(|p| p.landscape.clone()).collect(),
        vmin,
        vmax,
        degree_hists,
        degree_x,
        degree_ymax,
        rate_hists,
        rate_ymax,
        images,
        layout,
    })
}

fn draw_frame<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: Rect) -> DrawResult {
    root.draw(&Rectangle::new([(r.x - 1, r.y - 1), (r.right(), r.bottom())], BLACK.stroke_width(1)))
        .map_err(|e| e.to_string())
}

fn draw_colorbar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bar: Rect,
    ticks: &[(f64, String)],
    label: &str,
) -> DrawResult {
    draw_frame(root, bar)?;
    let mut widest = 0i32;
    for (frac, text) in ticks {
        let y = bar.bottom() - 1 - (frac * (bar.h as f64 - 1.0)).round() as i32;
        root.draw(&PathElement::new(vec![(bar.right(), y), (bar.right() + 4, y)], BLACK.stroke_width(1)))
            .map_err(|e| e.to_string())?;
        root.draw(&Text::new(text.clone(), (bar.right() + 7, y), text_style(12, Pos::new(HPos::Left, VPos::Center))))
            .map_err(|e| e.to_string())?;
        let w = font(12).box_size(text).map(|b| b.0 as i32).unwrap_or(24);
        widest = widest.max(w);
    }
    let style = centered(14).transform(FontTransform::Rotate270);
    root.draw(&Text::new(label.to_string(), (bar.right() + 7 + widest + 14, bar.y + bar.h as i32 / 2), style))
        .map_err(|e| e.to_string())
}

fn draw_fig2<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Fig2Data) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let l = &d.layout;
    let panel_letter = text_style(20, Pos::new(HPos::Left, VPos::Top));
    root.draw(&Text::new("b", (8, 8), panel_letter.clone())).map_err(e)?;
    root.draw(&Text::new("c", (8, 308), panel_letter)).map_err(e)?;

    // Map titles and frames.
    for (i, name) in d.names.iter().enumerate() {
        for r in [l.in_degree_maps[i], l.rate_maps[i]] {
            draw_frame(root, r)?;
            root.draw(&Text::new(name.clone(), (r.x + r.w as i32 / 2, r.y - 16), centered(16))).map_err(e)?;
        }
    }

    // In-degree colour bar.
    let span = d.vmax - d.vmin;
    let ticks: Vec<(f64, String)> =
        nice_ticks(d.vmin, d.vmax, 5).into_iter().map(|v| ((v - d.vmin) / span, format_tick(v))).collect();
    draw_colorbar(root, l.in_degree_bar, &ticks, "In-degree")?;

    // Rate colour bar (log scale).
    let ticks: Vec<(f64, String)> =
        (0..=RATE_OCTAVES as i32).map(|k| (k as f64 / RATE_OCTAVES, format!("{}", 1 << k))).collect();
    draw_colorbar(root, l.rate_bar, &ticks, "Firing rate [Hz]")?;

    // In-degree histograms.
    let area = root
        .clone()
        .shrink((l.in_degree_hist.x, l.in_degree_hist.y), (l.in_degree_hist.w as i32, l.in_degree_hist.h as i32));
    let ymax = if d.degree_ymax > 0.0 { d.degree_ymax * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d(d.degree_x.0..d.degree_x.1, 0.0..ymax)
        .map_err(e)?;
    let dec = decimals_for(ymax);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("In-degree")
        .y_desc("Probability density")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format!("{v:.dec$}"))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    draw_landscape_lines(&mut chart, &d.names, &d.degree_hists)?;

    // Rate histograms on a log2 axis.
    let area = root.clone().shrink((l.rate_hist.x, l.rate_hist.y), (l.rate_hist.w as i32, l.rate_hist.h as i32));
    let ymax = if d.rate_ymax > 0.0 { d.rate_ymax * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..RATE_OCTAVES, 0.0..ymax)
        .map_err(e)?;
    let dec = decimals_for(ymax);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Firing rate [Hz]")
        .y_desc("Probability density")
        .x_labels(RATE_OCTAVES as usize + 1)
        .y_labels(6)
        .x_label_formatter(&|v| format_tick(v.exp2()))
        .y_label_formatter(&|v| format!("{v:.dec$}"))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    draw_landscape_lines(&mut chart, &d.names, &d.rate_hists)?;
    root.present().map_err(e)?;
    Ok(())
}

fn render_png(d: &Fig2Data) -> Result<Vec<u8>, String> {
    let (w, h) = FIG2_SIZE;
    super::plot::render_png(
        FIG2_SIZE,
        |root| draw_fig2(root, d),
        |buf| {
            for img in &d.images {
                for_each_scaled(w as usize, h as usize, img.rect, img.w, img.h, true, |dst, src| {
                    buf[dst * 3..dst * 3 + 3].copy_from_slice(&img.rgb[src]);
                });
            }
        },
    )
}

fn render_svg(d: &Fig2Data) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, FIG2_SIZE).into_drawing_area();
        draw_fig2(&root, d)?;
    }
    let mut images = String::new();
    for img in &d.images {
        // PNG rows run top to bottom: grid row h - 1 first.
        let mut rgb = Vec::with_capacity(img.w * img.h * 3);
        for y in (0..img.h).rev() {
            for x in 0..img.w {
                rgb.extend_from_slice(&img.rgb[y * img.w + x]);
            }
        }
        let png = encode_png_rgb(&rgb, img.w as u32, img.h as u32)?;
        let _ = writeln!(
            images,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" style="image-rendering:pixelated" xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="{}"/>"#,
            img.rect.x,
            img.rect.y,
            img.rect.w,
            img.rect.h,
            png_data_uri(&png)
        );
    }
    if !svg.trim_end().ends_with("</svg>") {
        return Err("the SVG backend produced no closing tag".to_string());
    }
    // Place the grids right after the white background so that the frames,
    // drawn later, stay on top of them; fall back to the end of the document.
    let at = svg
        .find("<rect")
        .and_then(|i| svg[i..].find("/>").map(|j| i + j + 2))
        .unwrap_or_else(|| svg.rfind("</svg>").unwrap_or(svg.len()));
    images.insert(0, '\n');
    svg.insert_str(at, images.trim_end());
    Ok(svg)
}

/// Writes Fig. 2 b/c for 1 to 4 landscapes as a PNG and an SVG file.
pub fn write_fig2(panels: &[Fig2Panel], png: &Path, svg: &Path) -> Result<(), OutputError> {
    check_target(png)?;
    check_target(svg)?;
    ensure_font()?;
    let data = prepare_fig2(panels)?;
    write_png_and_svg(png, svg, || render_png(&data), || render_svg(&data))
}

/// One line per landscape in its colour, with the legend in the upper right.
fn draw_landscape_lines<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    names: &[String],
    lines: &[Vec<(f64, f64)>],
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    for (i, (name, pts)) in names.iter().zip(lines).enumerate() {
        let c = SERIES[i % SERIES.len()];
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font(13))
        .draw()
        .map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::atomic::tests::entries;
    use std::fs;

    fn panel(name: &str, n: usize, k: usize) -> Fig2Panel {
        let lo = k as f64 * 0.5;
        let hi = k as f64 * 1.5;
        // In-degree grows with y: row 0 (bottom) low, row n-1 (top) high.
        let in_degree = (0..n * n).map(|i| (lo + (hi - lo) * (i / n) as f64 / (n - 1) as f64).round() as i32).collect();
        // Rates grow with x from 1 to 64 Hz.
        let rates_hz = (0..n * n).map(|i| (6.0 * (i % n) as f64 / (n - 1) as f64).exp2()).collect();
        Fig2Panel { landscape: name.to_string(), n, in_degree, rates_hz, out_degree: k }
    }

    fn dist(a: [u8; 3], b: [u8; 3]) -> i32 {
        (0..3).map(|k| (a[k] as i32 - b[k] as i32).abs()).max().unwrap()
    }

    #[test]
    fn fig2_png_and_svg() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (png, svg) = (dir.join("fig2.png"), dir.join("fig2.svg"));
        let panels = vec![
            panel("symmetric", 100, 1000),
            panel("random", 100, 1000),
            panel("perlin", 100, 1000),
            panel("homogeneous", 100, 1000),
        ];
        let t = std::time::Instant::now();
        write_fig2(&panels, &png, &svg).unwrap();
        eprintln!("fig2 with 4 x 100 x 100: {:?}", t.elapsed());
        assert_eq!(entries(dir), vec!["fig2.png", "fig2.svg"]);

        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), FIG2_SIZE);
        let layout = fig2_layout(4);
        let at = |x: i32, y: i32| img.get_pixel(x as u32, y as u32).0;
        for r in &layout.in_degree_maps {
            let bottom = at(r.x + 2, r.bottom() - 2);
            let top = at(r.x + 2, r.y + 2);
            assert!(dist(bottom, Colormap::Viridis.rgb(0.0)) <= 10, "{bottom:?}");
            assert!(dist(top, Colormap::Viridis.rgb(1.0)) <= 10, "{top:?}");
        }
        for r in &layout.rate_maps {
            let left = at(r.x + 1, r.y + r.h as i32 / 2);
            let right = at(r.right() - 2, r.y + r.h as i32 / 2);
            assert!(dist(left, Colormap::Viridis.rgb(0.0)) <= 10, "{left:?}");
            assert!(dist(right, Colormap::Viridis.rgb(1.0)) <= 10, "{right:?}");
        }
        // The histogram panels hold coloured lines.
        let h = layout.rate_hist;
        let blue = (h.x..h.right())
            .flat_map(|x| (h.y..h.bottom()).map(move |y| (x, y)))
            .filter(|&(x, y)| dist(at(x, y), [31, 119, 180]) < 10)
            .count();
        assert!(blue > 50, "{blue}");

        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.trim_start().starts_with("<svg"));
        assert!(text.trim_end().ends_with("</svg>"));
        for p in &panels {
            assert!(text.contains(&p.landscape));
        }
        assert!(text.contains("Probability density") && text.contains("Firing rate [Hz]"));
        assert_eq!(text.matches("<image ").count(), 10);
        assert!(text.len() < 3_000_000, "SVG is {} bytes", text.len());
    }

    #[test]
    fn fig2_small_and_single() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (png, svg) = (dir.join("a.png"), dir.join("a.svg"));
        write_fig2(&[panel("random", 20, 100)], &png, &svg).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        let r = fig2_layout(1).in_degree_maps[0];
        let bottom = img.get_pixel(r.x as u32 + 2, r.bottom() as u32 - 2).0;
        let top = img.get_pixel(r.x as u32 + 2, r.y as u32 + 2).0;
        assert!(dist(bottom, top) > 100);
        // Silent neurons and a zero out-degree do not break the figure.
        let mut p = panel("homogeneous", 20, 0);
        p.rates_hz.iter_mut().for_each(|r| *r = 0.0);
        write_fig2(&[p], &png, &svg).unwrap();
    }

    #[test]
    fn fig2_errors_leave_no_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let missing = dir.join("nope");
        let e = write_fig2(&[panel("random", 20, 100)], &missing.join("f.png"), &dir.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = write_fig2(&[panel("random", 20, 100)], &dir.join("f.png"), &missing.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("f.svg"), "{e}");
        assert!(write_fig2(&[], &dir.join("f.png"), &dir.join("f.svg")).is_err());
        let mut bad = panel("random", 20, 100);
        bad.rates_hz.pop();
        let e = write_fig2(&[bad], &dir.join("f.png"), &dir.join("f.svg")).unwrap_err();
        assert!(e.to_string().contains("random"), "{e}");
        assert!(entries(dir).is_empty());
    }

    #[test]
    fn density_and_steps() {
        let edges = [0.0, 1.0, 2.0, 4.0];
        let d = density([0.5, 1.5, 1.5, 3.0, 4.0, 9.0].into_iter(), &edges);
        // 5 values in range; last bin is 2 wide.
        assert_eq!(d, vec![0.2, 0.4, 0.2]);
        let integral: f64 = d.iter().zip(edges.windows(2)).map(|(h, e)| h * (e[1] - e[0])).sum();
        assert!((integral - 1.0).abs() < 1e-12);
        let s = step_points(&edges, &d);
        assert_eq!(s.first(), Some(&(0.0, 0.0)));
        assert_eq!(s.last(), Some(&(4.0, 0.0)));
        assert_eq!(s.len(), 8);
    }
}
