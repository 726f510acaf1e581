//! The sequence-analysis figure of one run (PNG, about 1400 x 500 pixels):
//!
//! * (a) a spike raster like the paper's Fig. 3: time in s against the
//!   neuron's x position on the grid; noise spikes are light grey single
//!   pixels, the spikes of every cluster (sequence) are 2 x 2 dots in a colour
//!   of a qualitative palette ([`CLUSTER_COLORS`], cycled by cluster label).
//!   At most [`MAX_RASTER_POINTS`] spikes are drawn; beyond that every k-th
//!   spike is taken. The dots are painted straight into the pixel buffer;
//! * (b) the histogram of the per-step speeds of all centroid tracks in the
//!   paper's units (`TrackStep::speed_paper_units`: the displacement over one
//!   10 ms track step divided by 25 ms, so a bump moving at 200 grid/s reads
//!   80), with the median of `SequenceSummary::speed_paper_units` marked;
//! * (c) the histogram of the step directions (`SequenceSummary::
//!   direction_histogram`, degrees from +x toward +y) as bars over 0-360 deg,
//!   with the displacement-weighted mean direction marked.
//!
//! The header names the run and gives the number of clusters, clusters per
//! second, track steps, the DBSCAN parameters and whether distances wrap
//! around the torus. Without clusters the histograms are empty and say
//! "no sequences". The PNG is written atomically.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use seqscape_core::analysis::SequenceReport;

use crate::output::OutputError;
use crate::output::atomic::{check_target, write_bytes_atomic};
use super::plot::{DrawResult, centered, encode_png_rgb, ensure_font, font, format_tick, text_style};
use crate::output::raster::Rect;

/// Figure size in pixels.
pub const SEQUENCES_FIGURE_SIZE: (u32, u32) = (1400, 500);

/// Most spikes drawn in the raster; longer recordings are subsampled evenly.
pub const MAX_RASTER_POINTS: usize = 200_000;

/// The raster shows at most this much of the analysed window (the paper's Fig. 3 shows about 1 s).
pub const RASTER_SPAN_MS: f64 = 1000.0;

/// Cluster colours (matplotlib's tab10 without its grey), cycled by label.
pub const CLUSTER_COLORS: [[u8; 3]; 9] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [188, 189, 34],
    [23, 190, 207],
];

/// Colour of noise spikes in the raster.
pub const NOISE_COLOR: [u8; 3] = [205, 205, 205];

/// Axis title of speeds in the paper's units (see the module docs).
pub const SPEED_AXIS_LABEL: &str = "Speed [grid/s, paper units: step / 25 ms]";

/// Number of bins of the speed histogram.
const SPEED_BINS: usize = 30;

const BAR_COLOR: RGBColor = RGBColor(31, 119, 180);
const MARK_COLOR: RGBColor = RGBColor(214, 39, 40);

/// Pixel positions of the parts of the sequences figure.
#[derive(Debug, Clone, Copy)]
pub struct SequencesLayout {
    /// Plotting area of the raster (the dots are painted inside it).
    pub raster: Rect,
    /// Whole area (axes included) of the speed histogram.
    pub speed: Rect,
    /// Whole area (axes included) of the direction histogram.
    pub direction: Rect,
}

/// Layout of the sequences figure.
pub fn sequences_layout() -> SequencesLayout {
    SequencesLayout {
        raster: Rect::new(85, 72, 610, 368),
        speed: Rect::new(730, 58, 335, 437),
        direction: Rect::new(1060, 58, 335, 437),
    }
}

/// Everything the figure draws, checked and computed once.
struct SeqData<'a> {
    title: String,
    info: String,
    t0_s: f64,
    t1_s: f64,
    n: usize,
    /// Per-step speeds in paper units (finite values only).
    speeds: Vec<f64>,
    speed_median: f64,
    dir_edges: Vec<f64>,
    dir_counts: Vec<usize>,
    dir_mean: f64,
    dir_r: f64,
    ids: &'a [u32],
    t_ms: &'a [f64],
    labels: &'a [i32],
}

fn prepare<'a>(
    report: &'a SequenceReport,
    i: &'a [u32],
    t_ms: &'a [f64],
    n: usize,
    title: &str,
) -> Result<SeqData<'a>, OutputError> {
    if n == 0 {
        return Err(OutputError::invalid("the grid side length n is 0; pass the network's side length"));
    }
    if i.len() != t_ms.len() || i.len() != report.labels.len() {
        return Err(OutputError::invalid(format!(
            "the sequences figure needs one neuron id and one time per analysed spike: got {} ids, {} times and {} labels; slice the spikes with the report's spike_range",
            i.len(),
            t_ms.len(),
            report.labels.len()
        )));
    }
    let cells = n as u64 * n as u64;
    if let Some(k) = i.iter().position(|&id| u64::from(id) >= cells) {
        return Err(OutputError::invalid(format!(
            "spike {k} has neuron id {}, outside the {n} x {n} grid; check that n matches the recording",
            i[k]
        )));
    }
    let s = &report.summary;
    let (mut t0, mut t1) = (s.from_ms, s.to_ms);
    if !(t0.is_finite() && t1.is_finite() && t1 > t0) {
        let finite = t_ms.iter().copied().filter(|t| t.is_finite());
        t0 = finite.clone().fold(f64::INFINITY, f64::min);
        t1 = finite.fold(f64::NEG_INFINITY, f64::max);
        if !(t0.is_finite() && t1.is_finite()) {
            (t0, t1) = (0.0, 1.0);
        }
        if t1 <= t0 {
            t1 = t0 + 1.0;
        }
    }
    let speeds: Vec<f64> = report
        .tracks
        .iter()
        .flat_map(|tr| tr.steps.iter().map(|st| st.speed_paper_units))
        .filter(|v| v.is_finite())
        .collect();
    let h = &s.direction_histogram;
    let (dir_edges, dir_counts) = if h.counts.is_empty() || h.bin_edges_deg.len() != h.counts.len() + 1 {
        ((0..=16).map(|k| k as f64 * 22.5).collect(), vec![0; 16])
    } else {
        (h.bin_edges_deg.clone(), h.counts.clone())
    };
    let d = &s.dbscan;
    let info = format!(
        "{} clusters in {} s ({:.2} clusters/s), {} track steps, {} spikes ({} noise); DBSCAN eps = {}, td = {} ms, min_samples = {}; wrap {}",
        s.n_clusters,
        format_tick((t1 - t0) / 1000.0),
        s.clusters_per_s,
        s.n_steps,
        s.n_spikes,
        s.n_noise_spikes,
        format_tick(d.eps),
        format_tick(d.td_ms),
        d.min_samples,
        if s.wrap { "on" } else { "off" }
    );
    let t1 = t1.min(t0 + RASTER_SPAN_MS);
    Ok(SeqData {
        title: title.to_string(),
        info,
        t0_s: t0 / 1000.0,
        t1_s: t1 / 1000.0,
        n,
        speeds,
        speed_median: s.speed_paper_units.median,
        dir_edges,
        dir_counts,
        dir_mean: s.direction_mean_deg,
        dir_r: s.direction_resultant_length,
        ids: i,
        t_ms,
        labels: &report.labels,
    })
}

/// Histogram of `values` in `bins` equal bins over `[0, hi]`.
fn histogram(values: &[f64], hi: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0usize; bins];
    for &v in values {
        if v >= 0.0 && v <= hi {
            let k = ((v / hi * bins as f64) as usize).min(bins - 1);
            counts[k] += 1;
        }
    }
    counts
}

fn draw_no_data<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, at: (i32, i32)) -> DrawResult {
    root.draw(&Text::new("no sequences", at, centered(16))).map_err(|e| e.to_string())
}

fn draw_sequences<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &SeqData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let l = sequences_layout();
    let (w, _) = SEQUENCES_FIGURE_SIZE;
    root.fill(&WHITE).map_err(e)?;
    root.draw(&Text::new(d.title.clone(), (w as i32 / 2, 14), centered(18))).map_err(e)?;
    root.draw(&Text::new(d.info.clone(), (w as i32 / 2, 38), centered(13))).map_err(e)?;
    let letter = text_style(20, Pos::new(HPos::Left, VPos::Top));
    for (s, x) in [("a", 8), ("b", l.speed.x - 8), ("c", l.direction.x - 8)] {
        root.draw(&Text::new(s, (x, 52), letter.clone())).map_err(e)?;
    }

    // (a) Raster axes; the plotting area is exactly `l.raster`.
    let (xa, ya) = (48i32, 75i32);
    let r = l.raster;
    let area = root.clone().shrink((r.x - ya, r.y), (r.w as i32 + ya, r.h as i32 + xa));
    let mut chart = ChartBuilder::on(&area)
        .margin(0)
        .x_label_area_size(xa)
        .y_label_area_size(ya)
        .build_cartesian_2d(d.t0_s..d.t1_s, -0.5..d.n as f64 - 0.5)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Time [s] (first second of the window)")
        .y_desc("Neuron x position")
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format_tick(*v))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    root.draw(&Rectangle::new([(r.x - 1, r.y - 1), (r.right(), r.bottom())], BLACK.stroke_width(1))).map_err(e)?;

    // (b) Speed histogram.
    let area = root.clone().shrink((l.speed.x, l.speed.y), (l.speed.w as i32, l.speed.h as i32));
    // Up to the 99th percentile: a few centroid jumps would squeeze the distribution into one bin.
    let mut sorted = d.speeds.clone();
    sorted.sort_by(f64::total_cmp);
    let max_speed = sorted.get((sorted.len() * 99) / 100).or(sorted.last()).copied().unwrap_or(0.0);
    let hi = if max_speed > 0.0 { max_speed * 1.05 } else { 1.0 };
    let counts = histogram(&d.speeds, hi, SPEED_BINS);
    let cmax = counts.iter().copied().max().unwrap_or(0);
    let ymax = if cmax > 0 { cmax as f64 * 1.12 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(42)
        .y_label_area_size(58)
        .build_cartesian_2d(0.0..hi, 0.0..ymax)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(SPEED_AXIS_LABEL)
        .y_desc("Track steps")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format_tick(*v))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    let bw = hi / SPEED_BINS as f64;
    chart
        .draw_series(
            counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(k, &c)| {
                Rectangle::new([(k as f64 * bw, 0.0), ((k + 1) as f64 * bw, c as f64)], BAR_COLOR.filled())
            }),
        )
        .map_err(e)?;
    if d.speeds.is_empty() {
        draw_no_data(root, chart.backend_coord(&(hi / 2.0, ymax / 2.0)))?;
    } else if d.speed_median.is_finite() {
        let m = d.speed_median;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(m, 0.0), (m, ymax)], MARK_COLOR.stroke_width(2))))
            .map_err(e)?;
        let (px, py) = chart.backend_coord(&(m, ymax));
        let right = m < hi * 0.6;
        let pos = if right { HPos::Left } else { HPos::Right };
        let dx = if right { 5 } else { -5 };
        root.draw(&Text::new(
            format!("median {}", format_tick((m * 10.0).round() / 10.0)),
            (px + dx, py + 4),
            text_style(13, Pos::new(pos, VPos::Top)).color(&MARK_COLOR),
        ))
        .map_err(e)?;
    }

    // (c) Direction histogram.
    let area = root.clone().shrink((l.direction.x, l.direction.y), (l.direction.w as i32, l.direction.h as i32));
    let cmax = d.dir_counts.iter().copied().max().unwrap_or(0);
    let ymax = if cmax > 0 { cmax as f64 * 1.12 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(42)
        .y_label_area_size(58)
        .build_cartesian_2d(0.0..360.0, 0.0..ymax)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Direction [deg from +x toward +y]")
        .y_desc("Track steps")
        .x_labels(0)
        .y_labels(6)
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format_tick(*v))
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(e)?;
    for v in [0.0, 90.0, 180.0, 270.0, 360.0] {
        let (px, py) = chart.backend_coord(&(v, 0.0));
        root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK.stroke_width(1))).map_err(e)?;
        root.draw(&Text::new(format_tick(v), (px, py + 8), text_style(12, Pos::new(HPos::Center, VPos::Top))))
            .map_err(e)?;
    }
    chart
        .draw_series(
            d.dir_counts
                .iter()
                .zip(d.dir_edges.windows(2))
                .filter(|(c, _)| **c > 0)
                .map(|(&c, w)| Rectangle::new([(w[0], 0.0), (w[1], c as f64)], BAR_COLOR.filled())),
        )
        .map_err(e)?;
    if cmax == 0 {
        draw_no_data(root, chart.backend_coord(&(180.0, ymax / 2.0)))?;
    } else if d.dir_mean.is_finite() {
        let m = d.dir_mean;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(m, 0.0), (m, ymax)], MARK_COLOR.stroke_width(2))))
            .map_err(e)?;
        let (px, py) = chart.backend_coord(&(m, ymax));
        let right = m < 200.0;
        let pos = if right { HPos::Left } else { HPos::Right };
        let dx = if right { 5 } else { -5 };
        let r = if d.dir_r.is_finite() { format!(", R = {:.2}", d.dir_r) } else { String::new() };
        root.draw(&Text::new(
            format!("mean {:.0} deg{r}", m),
            (px + dx, py + 4),
            text_style(13, Pos::new(pos, VPos::Top)).color(&MARK_COLOR),
        ))
        .map_err(e)?;
    }
    root.present().map_err(e)?;
    Ok(())
}

/// Paints the raster dots into `buf` (RGB, `width` pixels per row) inside
/// the layout's raster rectangle: noise first, clusters on top.
fn paint_raster(buf: &mut [u8], width: usize, d: &SeqData) {
    let r = sequences_layout().raster;
    let (rw, rh) = (r.w as f64, r.h as f64);
    let span = d.t1_s * 1000.0 - d.t0_s * 1000.0;
    let t0 = d.t0_s * 1000.0;
    let total = d.labels.len();
    let shown = d.t_ms.iter().filter(|&&t| t >= t0 && t <= t0 + span).count();
    let stride = shown.div_ceil(MAX_RASTER_POINTS).max(1);
    let mut put = |x: i32, y: i32, c: [u8; 3]| {
        if r.contains(x, y) {
            let k = (y as usize * width + x as usize) * 3;
            buf[k..k + 3].copy_from_slice(&c);
        }
    };
    let pixel = |k: usize| -> Option<(i32, i32)> {
        let t = d.t_ms[k];
        if !(t >= t0 && t <= t0 + span) {
            return None;
        }
        let px = (((t - t0) / span * rw) as i32).min(r.w as i32 - 1);
        let xcoord = (d.ids[k] as usize % d.n) as f64;
        let py = (((xcoord + 0.5) / d.n as f64 * rh) as i32).min(r.h as i32 - 1);
        Some((r.x + px, r.bottom() - 1 - py))
    };
    for k in (0..total).step_by(stride) {
        if d.labels[k] < 0
            && let Some((x, y)) = pixel(k)
        {
            put(x, y, NOISE_COLOR);
        }
    }
    for k in (0..total).step_by(stride) {
        let l = d.labels[k];
        if l >= 0
            && let Some((x, y)) = pixel(k)
        {
            let c = CLUSTER_COLORS[l as usize % CLUSTER_COLORS.len()];
            for (ox, oy) in [(0, 0), (1, 0), (0, -1), (1, -1)] {
                put(x + ox, y + oy, c);
            }
        }
    }
}

fn render_png(d: &SeqData) -> Result<Vec<u8>, String> {
    let (w, h) = SEQUENCES_FIGURE_SIZE;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_sequences(&root, d)?;
    }
    paint_raster(&mut buf, w as usize, d);
    encode_png_rgb(&buf, w, h)
}

/// Writes the sequence-analysis figure of `report` (see the module docs) as
/// a PNG. `i` and `t_ms` are the analysed spikes, i.e. the recording sliced
/// with `report.spike_range`, aligned with `report.labels`; `n` is the side
/// of the torus and `title` heads the figure.
pub fn write_sequences_figure(
    report: &SequenceReport,
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    title: &str,
    png: &Path,
) -> Result<(), OutputError> {
    check_target(png)?;
    let data = prepare(report, i, t_ms, n, title)?;
    ensure_font()?;
    let bytes = render_png(&data).map_err(|message| OutputError::Encode {
        path: png.to_path_buf(),
        format: "PNG figure",
        message,
    })?;
    write_bytes_atomic(png, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::atomic::tests::entries;
    use seqscape_core::analysis::{DbscanParams, SyntheticBump, analyze, synthesize_spikes};

    const N: usize = 40;

    fn bump(x0: f64, y0: f64, dir: f64, start_ms: f64) -> SyntheticBump {
        SyntheticBump { x0, y0, speed_grid_per_s: 150.0, direction_deg: dir, start_ms, end_ms: start_ms + 200.0 }
    }

    fn spikes() -> (Vec<u32>, Vec<f64>) {
        synthesize_spikes(N, &[bump(5.0, 10.0, 0.0, 20.0), bump(30.0, 30.0, 90.0, 300.0)], 600.0, 0.3, 2.0, 11)
    }

    fn count_color(img: &image::RgbImage, r: Rect, c: [u8; 3]) -> usize {
        (r.x..r.right())
            .flat_map(|x| (r.y..r.bottom()).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x as u32, y as u32).0 == c)
            .count()
    }

    #[test]
    fn raster_shows_clusters_in_their_colours() {
        let (i, t) = spikes();
        let report = analyze(&i, &t, N, 0.0, 600.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 2, "{:?}", report.clusters);
        let r = report.spike_range.clone();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let png = dir.join("seq.png");
        write_sequences_figure(&report, &i[r.clone()], &t[r], N, "test run", &png).unwrap();
        assert_eq!(entries(dir), vec!["seq.png"]);
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SEQUENCES_FIGURE_SIZE);
        let raster = sequences_layout().raster;
        let first = count_color(&img, raster, CLUSTER_COLORS[0]);
        let second = count_color(&img, raster, CLUSTER_COLORS[1]);
        let noise = count_color(&img, raster, NOISE_COLOR);
        assert!(first > 100 && second > 100 && noise > 50, "{first} {second} {noise}");
        // The first bump (x from 5 to 35, 20-220 ms) lies in the left third
        // of the time axis.
        let left = Rect::new(raster.x, raster.y, raster.w / 2, raster.h);
        assert_eq!(count_color(&img, left, CLUSTER_COLORS[0]), first);
        // The speed histogram has bars.
        let s = sequences_layout().speed;
        let bars = count_color(&img, s, [31, 119, 180]);
        assert!(bars > 200, "{bars}");
    }

    #[test]
    fn zero_clusters() {
        // Background noise only.
        let (i, t) = synthesize_spikes(N, &[], 300.0, 0.3, 2.0, 3);
        let report = analyze(&i, &t, N, 0.0, 300.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 0);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let png = dir.join("seq.png");
        let r = report.spike_range.clone();
        write_sequences_figure(&report, &i[r.clone()], &t[r], N, "noise", &png).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SEQUENCES_FIGURE_SIZE);
        let raster = sequences_layout().raster;
        assert!(count_color(&img, raster, NOISE_COLOR) > 50);
        for c in CLUSTER_COLORS {
            assert_eq!(count_color(&img, raster, c), 0, "{c:?}");
        }
    }

    #[test]
    fn subsamples_long_recordings() {
        // 250k noise spikes: fewer than MAX_RASTER_POINTS are drawn but the
        // figure still spans the whole time axis.
        let n = 20usize;
        let count = 250_000usize;
        let i: Vec<u32> = (0..count).map(|k| (k * 7 % (n * n)) as u32).collect();
        let t: Vec<f64> = (0..count).map(|k| k as f64 * 0.04).collect();
        let report = analyze(&i[..2000], &t[..2000], n, 0.0, 80.0, &DbscanParams::default()).unwrap();
        let mut report = report;
        report.labels = vec![-1; count];
        report.summary.from_ms = 0.0;
        report.summary.to_ms = 10_000.0;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let png = dir.join("big.png");
        write_sequences_figure(&report, &i, &t, n, "big", &png).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        let raster = sequences_layout().raster;
        let right = Rect::new(raster.right() - 20, raster.y, 20, raster.h);
        assert!(count_color(&img, right, NOISE_COLOR) > 20);
    }

    #[test]
    fn errors_leave_no_files() {
        let (i, t) = spikes();
        let report = analyze(&i, &t, N, 0.0, 600.0, &DbscanParams::default()).unwrap();
        let r = report.spike_range.clone();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let missing = dir.join("nope").join("a.png");
        let e = write_sequences_figure(&report, &i[r.clone()], &t[r.clone()], N, "x", &missing).unwrap_err();
        assert!(matches!(e, OutputError::MissingFolder { .. }), "{e}");
        // Spikes not aligned with the labels.
        let e = write_sequences_figure(&report, &i, &t[..i.len() - 1], N, "x", &dir.join("a.png")).unwrap_err();
        assert!(e.to_string().contains("spike_range"), "{e}");
        // Wrong grid size.
        let e = write_sequences_figure(&report, &i[r.clone()], &t[r], 10, "x", &dir.join("a.png")).unwrap_err();
        assert!(e.to_string().contains("10 x 10"), "{e}");
        assert!(entries(dir).is_empty());
    }

    #[test]
    fn histogram_bins() {
        assert_eq!(histogram(&[0.0, 0.5, 1.0, 2.0, -1.0], 1.0, 2), vec![1, 2]);
    }
}
