//! The sequence-analysis figure of one run (PNG, about 1400 x 500 pixels):
//!
//! * (a) the paper's Fig. 3 b: the spikes of the neurons of a 20 x 20 patch (the
//!   grid's corner `x, y < 20`, one row per neuron, `y·20 + x`) over 1-4 s of the run (the
//!   analysed window where it does not reach that far), and Fig. 3 c: 250 neurons drawn at
//!   random (the same for every run of a grid size) sorted by the time of their peak activity
//!   (spike counts in 5 ms bins smoothed with a 21-bin Hanning window). Spikes of clusters of at
//!   least [`BIG_CLUSTER_SPIKES`] spikes are 2 x 2 dots in a colour of a qualitative palette
//!   ([`CLUSTER_COLORS`], cycled by cluster label); all other spikes are light grey pixels. The
//!   dots are painted straight into the pixel buffer;
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

use super::plot::{DrawResult, centered, ensure_font, font, format_tick, text_style};
use crate::output::OutputError;
use crate::output::atomic::{check_target, write_bytes_atomic};
use crate::output::raster::Rect;

/// Figure size in pixels.
pub const SEQUENCES_FIGURE_SIZE: (u32, u32) = (1400, 640);

/// The rasters' time span, ms from the start of the run (the paper's Fig. 3 b, c for the I network).
pub const RASTER_SPAN_MS: (f64, f64) = (1000.0, 4000.0);

/// Side of the patch of Fig. 3 b.
pub const PATCH_SIDE: usize = 20;

/// Neurons of Fig. 3 c.
pub const SORTED_NEURONS: usize = 250;

/// Clusters of at least this many spikes get a colour in the rasters; the rest are grey.
pub const BIG_CLUSTER_SPIKES: usize = 100;

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
    /// Plotting area of the patch raster, Fig. 3 b (the dots are painted inside it).
    pub raster: Rect,
    /// Plotting area of the raster of neurons sorted by peak time, Fig. 3 c.
    pub sorted: Rect,
    /// Whole area (axes included) of the speed histogram.
    pub speed: Rect,
    /// Whole area (axes included) of the direction histogram.
    pub direction: Rect,
}

/// Layout of the sequences figure.
pub fn sequences_layout() -> SequencesLayout {
    SequencesLayout {
        raster: Rect::new(85, 72, 610, 230),
        sorted: Rect::new(85, 350, 610, 230),
        speed: Rect::new(730, 58, 335, 577),
        direction: Rect::new(1060, 58, 335, 577),
    }
}

/// Everything the figure draws, checked and computed once.
struct SeqData<'a> {
    title: String,
    info: String,
    t0_s: f64,
    t1_s: f64,
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
    /// Whether a cluster label is coloured (at least [`BIG_CLUSTER_SPIKES`] spikes).
    big: Vec<bool>,
    /// Row of each neuron in the patch raster and in the sorted raster (`u32::MAX`: not shown).
    patch_row: Vec<u32>,
    patch_rows: usize,
    sorted_row: Vec<u32>,
    sorted_rows: usize,
}

/// The rows of the patch raster: neuron `y·n + x` with `x, y < side` is row `y·side + x`.
fn patch_rows(n: usize) -> (Vec<u32>, usize) {
    let side = n.min(PATCH_SIDE);
    let mut row = vec![u32::MAX; n * n];
    for y in 0..side {
        for x in 0..side {
            row[y * n + x] = (y * side + x) as u32;
        }
    }
    (row, side * side)
}

/// `count` distinct neurons of an `n`×`n` grid, drawn with a fixed stream (the same for every run).
fn random_neurons(n: usize, count: usize) -> Vec<usize> {
    let mut ids: Vec<usize> = (0..n * n).collect();
    let count = count.min(ids.len());
    for k in 0..count {
        let j = k + (seqscape_core::model::rng::splitmix64(0x5EED_F163 + k as u64) % (ids.len() - k) as u64) as usize;
        ids.swap(k, j);
    }
    ids.truncate(count);
    ids
}

/// The rows of the sorted raster: [`SORTED_NEURONS`] random neurons in the order of the time of
/// their peak activity in `[t0, t1)` ms (spike counts in 5 ms bins smoothed with a 21-bin Hanning
/// window); silent neurons last.
fn sorted_rows(n: usize, ids: &[u32], t_ms: &[f64], t0: f64, t1: f64) -> (Vec<u32>, usize) {
    const BIN_MS: f64 = 5.0;
    const WINDOW: usize = 21;
    let chosen = random_neurons(n, SORTED_NEURONS);
    let bins = (((t1 - t0) / BIN_MS).ceil() as usize).max(1);
    let mut slot = vec![u32::MAX; n * n];
    for (k, &id) in chosen.iter().enumerate() {
        slot[id] = k as u32;
    }
    let mut counts = vec![vec![0f64; bins]; chosen.len()];
    for (&id, &t) in ids.iter().zip(t_ms) {
        let k = slot[id as usize];
        if k != u32::MAX && t >= t0 && t < t1 {
            counts[k as usize][(((t - t0) / BIN_MS) as usize).min(bins - 1)] += 1.0;
        }
    }
    let hann: Vec<f64> =
        (0..WINDOW).map(|j| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * j as f64 / (WINDOW - 1) as f64).cos()).collect();
    let peak = |c: &[f64]| -> f64 {
        if c.iter().all(|&v| v == 0.0) {
            return f64::INFINITY;
        }
        let smooth = |b: usize| -> f64 {
            (0..WINDOW)
                .filter_map(|j| (b + j).checked_sub(WINDOW / 2).filter(|&i| i < c.len()).map(|i| hann[j] * c[i]))
                .sum()
        };
        (0..c.len()).map(|b| (smooth(b), b)).fold((f64::NEG_INFINITY, 0), |m, v| if v.0 > m.0 { v } else { m }).1 as f64
    };
    let mut order: Vec<(f64, usize)> = counts.iter().enumerate().map(|(k, c)| (peak(c), k)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut row = vec![u32::MAX; n * n];
    for (r, &(_, k)) in order.iter().enumerate() {
        row[chosen[k]] = r as u32;
    }
    (row, chosen.len())
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
    // Fig. 3's 1-4 s where the analysed window reaches it, else the first 3 s of the window.
    let (r0, r1) = (t0.max(RASTER_SPAN_MS.0), t1.min(RASTER_SPAN_MS.1));
    let (t0, t1) = if r1 - r0 >= 500.0 { (r0, r1) } else { (t0, t1.min(t0 + 3000.0)) };
    let mut sizes: Vec<usize> = Vec::new();
    for &l in &report.labels {
        if l >= 0 {
            let l = l as usize;
            if sizes.len() <= l {
                sizes.resize(l + 1, 0);
            }
            sizes[l] += 1;
        }
    }
    let big = sizes.iter().map(|&c| c >= BIG_CLUSTER_SPIKES).collect();
    let (patch_row, patch_rows) = patch_rows(n);
    let (sorted_row, sorted_rows) = sorted_rows(n, i, t_ms, t0, t1);
    Ok(SeqData {
        title: title.to_string(),
        info,
        t0_s: t0 / 1000.0,
        t1_s: t1 / 1000.0,
        speeds,
        speed_median: s.speed_paper_units.median,
        dir_edges,
        dir_counts,
        dir_mean: s.direction_mean_deg,
        dir_r: s.direction_resultant_length,
        ids: i,
        t_ms,
        labels: &report.labels,
        big,
        patch_row,
        patch_rows,
        sorted_row,
        sorted_rows,
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

    // (a) The two rasters' axes; their plotting areas are exactly `l.raster` and `l.sorted`.
    for (r, rows, ydesc, xdesc) in [
        (l.raster, d.patch_rows, "Neuron of a 20 x 20 patch", ""),
        (l.sorted, d.sorted_rows, "Neuron (by peak time)", "Time [s]"),
    ] {
        let (xa, ya) = (40i32, 75i32);
        let area = root.clone().shrink((r.x - ya, r.y), (r.w as i32 + ya, r.h as i32 + xa));
        let mut chart = ChartBuilder::on(&area)
            .margin(0)
            .x_label_area_size(xa)
            .y_label_area_size(ya)
            .build_cartesian_2d(d.t0_s..d.t1_s, 0.0..rows.max(1) as f64)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(xdesc)
            .y_desc(ydesc)
            .x_labels(8)
            .y_labels(5)
            .x_label_formatter(&|v| format_tick(*v))
            .y_label_formatter(&|v| format_tick(*v))
            .label_style(font(12))
            .axis_desc_style(font(14))
            .draw()
            .map_err(e)?;
        root.draw(&Rectangle::new([(r.x - 1, r.y - 1), (r.right(), r.bottom())], BLACK.stroke_width(1))).map_err(e)?;
    }

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

/// Paints the dots of both rasters into `buf` (RGB, `width` pixels per row) inside their
/// rectangles: grey spikes first, clusters on top.
fn paint_raster(buf: &mut [u8], width: usize, d: &SeqData) {
    let l = sequences_layout();
    let (t0, t1) = (d.t0_s * 1000.0, d.t1_s * 1000.0);
    for (r, rows, row_of) in [(l.raster, d.patch_rows, &d.patch_row), (l.sorted, d.sorted_rows, &d.sorted_row)] {
        let mut put = |x: i32, y: i32, c: [u8; 3]| {
            if r.contains(x, y) {
                let k = (y as usize * width + x as usize) * 3;
                buf[k..k + 3].copy_from_slice(&c);
            }
        };
        let pixel = |k: usize| -> Option<(i32, i32)> {
            let (t, row) = (d.t_ms[k], row_of[d.ids[k] as usize]);
            if !(t >= t0 && t < t1) || row == u32::MAX {
                return None;
            }
            let px = (((t - t0) / (t1 - t0) * r.w as f64) as i32).min(r.w as i32 - 1);
            let py = (((row as f64 + 0.5) / rows.max(1) as f64 * r.h as f64) as i32).min(r.h as i32 - 1);
            Some((r.x + px, r.bottom() - 1 - py))
        };
        let coloured = |k: usize| d.labels[k] >= 0 && d.big.get(d.labels[k] as usize).copied().unwrap_or(false);
        for k in 0..d.labels.len() {
            if !coloured(k)
                && let Some((x, y)) = pixel(k)
            {
                put(x, y, NOISE_COLOR);
            }
        }
        for k in 0..d.labels.len() {
            if coloured(k)
                && let Some((x, y)) = pixel(k)
            {
                let c = CLUSTER_COLORS[d.labels[k] as usize % CLUSTER_COLORS.len()];
                for (ox, oy) in [(0, 0), (1, 0), (0, -1), (1, -1)] {
                    put(x + ox, y + oy, c);
                }
            }
        }
    }
}

fn render_png(d: &SeqData) -> Result<Vec<u8>, String> {
    super::plot::render_png(
        SEQUENCES_FIGURE_SIZE,
        |root| draw_sequences(root, d),
        |buf| paint_raster(buf, SEQUENCES_FIGURE_SIZE.0 as usize, d),
    )
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

    /// Mean pixel (x, y) of colour `c` in `r`, and the count.
    fn centre_of(img: &image::RgbImage, r: Rect, c: [u8; 3]) -> (f64, f64, usize) {
        let (mut sx, mut sy, mut k) = (0.0, 0.0, 0usize);
        for x in r.x..r.right() {
            for y in r.y..r.bottom() {
                if img.get_pixel(x as u32, y as u32).0 == c {
                    (sx, sy, k) = (sx + x as f64, sy + y as f64, k + 1);
                }
            }
        }
        (sx / k.max(1) as f64, sy / k.max(1) as f64, k)
    }

    #[test]
    fn rasters_show_the_patch_and_neurons_sorted_by_peak_time() {
        let (i, t) = spikes();
        let report = analyze(&i, &t, N, 0.0, 600.0, &DbscanParams::default()).unwrap();
        assert_eq!(report.summary.n_clusters, 2, "{:?}", report.clusters);
        assert!(report.clusters.iter().all(|c| c.n_spikes >= BIG_CLUSTER_SPIKES), "{:?}", report.clusters);
        let r = report.spike_range.clone();
        let tmp = tempfile::tempdir().unwrap();
        let png = tmp.path().join("seq.png");
        write_sequences_figure(&report, &i[r.clone()], &t[r], N, "test run", &png).unwrap();
        assert_eq!(entries(tmp.path()), vec!["seq.png"]);
        let img = image::open(&png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), SEQUENCES_FIGURE_SIZE);
        let l = sequences_layout();
        // The patch (x, y < 20): the first bump starts in it at (5, 10); the second runs along
        // x = 30, outside it.
        let (px, _, first) = centre_of(&img, l.raster, CLUSTER_COLORS[0]);
        assert!(first > 50, "{first}");
        assert_eq!(centre_of(&img, l.raster, CLUSTER_COLORS[1]).2, 0);
        assert!(px < (l.raster.x + l.raster.w as i32 / 4) as f64, "the first bump leaves the patch early: {px}");
        assert!(centre_of(&img, l.raster, NOISE_COLOR).2 > 20);
        // Sorted by peak time: the first bump's neurons (20-220 ms) sit below the second's (300-500 ms).
        let (x0, y0, k0) = centre_of(&img, l.sorted, CLUSTER_COLORS[0]);
        let (x1, y1, k1) = centre_of(&img, l.sorted, CLUSTER_COLORS[1]);
        assert!(k0 > 20 && k1 > 20, "{k0} {k1}");
        assert!(x0 < x1 && y0 > y1, "first ({x0}, {y0}), second ({x1}, {y1})");
        // The speed histogram has bars.
        assert!(count_color(&img, l.speed, [31, 119, 180]) > 200);
    }

    #[test]
    fn small_clusters_and_noise_are_grey() {
        let (i, t) = spikes();
        let mut report = analyze(&i, &t, N, 0.0, 600.0, &DbscanParams::default()).unwrap();
        // Keep fewer than BIG_CLUSTER_SPIKES spikes in the second cluster.
        let mut kept = 0;
        for l in report.labels.iter_mut().filter(|l| **l == 1) {
            kept += 1;
            if kept >= BIG_CLUSTER_SPIKES {
                *l = -1;
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let png = tmp.path().join("seq.png");
        let r = report.spike_range.clone();
        write_sequences_figure(&report, &i[r.clone()], &t[r], N, "small", &png).unwrap();
        let img = image::open(&png).unwrap().to_rgb8();
        let l = sequences_layout();
        assert!(count_color(&img, l.sorted, CLUSTER_COLORS[0]) > 20);
        for raster in [l.raster, l.sorted] {
            assert!(count_color(&img, raster, NOISE_COLOR) > 20);
            assert_eq!(count_color(&img, raster, CLUSTER_COLORS[1]), 0);
        }
    }

    #[test]
    fn a_long_run_shows_one_to_four_seconds() {
        let n = 20usize;
        let count = 100_000usize;
        let i: Vec<u32> = (0..count).map(|k| (k * 7 % (n * n)) as u32).collect();
        let t: Vec<f64> = (0..count).map(|k| k as f64 * 0.1).collect();
        let mut report = analyze(&i[..2000], &t[..2000], n, 0.0, 200.0, &DbscanParams::default()).unwrap();
        report.labels = vec![-1; count];
        report.summary.from_ms = 500.0;
        report.summary.to_ms = 10_000.0;
        let data = prepare(&report, &i, &t, n, "long").unwrap();
        assert_eq!((data.t0_s, data.t1_s), (1.0, 4.0));
        assert_eq!((data.patch_rows, data.sorted_rows), (400, 250));
    }

    #[test]
    fn random_neurons_are_distinct_and_the_same_every_time() {
        let a = random_neurons(100, SORTED_NEURONS);
        assert_eq!(a, random_neurons(100, SORTED_NEURONS));
        let mut s = a.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), SORTED_NEURONS);
        assert_eq!(random_neurons(10, SORTED_NEURONS).len(), 100);
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
