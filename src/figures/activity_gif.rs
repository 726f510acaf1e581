//! An animated GIF of population activity: one panel per landscape, a shared colour scale and
//! colour bar, every frame stored as indices into the 256-colour activity palette.

use std::path::{Path, PathBuf};

use super::plot::{ensure_font, format_tick, nice_ticks};
use crate::output::OutputError;
use crate::output::atomic::check_target;
use crate::output::colormap::{Colormap, PALETTE_LEVELS};
use crate::output::gif::GifRecorder;
use crate::output::raster::{Canvas, HAlign, Rect, for_each_scaled};

const GIF_TARGET_PX: usize = 200;
/// Default frame time: 4 hundredths of a second (25 frames per second).
pub const ACTIVITY_GIF_DELAY_CS: u16 = 4;

/// The index of the nearest palette colour (squared RGB distance) of every RGBA pixel.
fn nearest_indices(rgba: &[u8], palette: &[[u8; 3]]) -> Vec<u8> {
    let mut cache = std::collections::HashMap::new();
    let dist = |p: &[u8; 3], c: &[u8]| (0..3).map(|k| (p[k] as i32 - c[k] as i32).pow(2)).sum::<i32>();
    let nearest = |c: &[u8]| (0..palette.len()).min_by_key(|&i| dist(&palette[i], c)).unwrap_or(0) as u8;
    rgba.chunks_exact(4).map(|c| *cache.entry([c[0], c[1], c[2]]).or_insert_with(|| nearest(c))).collect()
}

/// Pixel positions of the parts of the activity GIF.
#[derive(Debug, Clone)]
pub struct ActivityLayout {
    pub width: usize,
    pub height: usize,
    pub panels: Vec<Rect>,
    pub bar: Rect,
}

/// Layout of the activity GIF for panels of the given grid sizes.
pub fn activity_layout(sizes: &[usize]) -> ActivityLayout {
    let (margin, title, gap) = (12i32, 30i32, 16i32);
    let mut x = margin;
    let mut panels = Vec::with_capacity(sizes.len());
    let mut tallest = 0i32;
    for &n in sizes {
        let n = n.max(1);
        let scale = ((GIF_TARGET_PX + n / 2) / n).max(1);
        let s = (n * scale) as i32;
        panels.push(Rect::new(x, margin + title, s as u32, s as u32));
        x += s + gap;
        tallest = tallest.max(s);
    }
    let bar = Rect::new(x, margin + title, 14, tallest as u32);
    let width = (bar.right() + 6 + 34 + margin) as usize;
    let height = (margin + title + tallest + margin) as usize;
    ActivityLayout { width, height, panels, bar }
}

/// Writes an animated GIF of population activity with the default frame time
/// ([`ACTIVITY_GIF_DELAY_CS`]); see [`write_activity_gif_with_delay`].
pub fn write_activity_gif(
    panels: &[(String, usize, Vec<Vec<f32>>)],
    vmax_hz: f32,
    colormap: Colormap,
    path: &Path,
) -> Result<PathBuf, OutputError> {
    write_activity_gif_with_delay(panels, vmax_hz, colormap, path, ACTIVITY_GIF_DELAY_CS)
}

/// Writes an animated GIF of population activity: one panel per landscape
/// `(title, n, frames)`, where each frame holds the rate in Hz of the `n * n`
/// neurons (`[y * n + x]`, row 0 drawn at the bottom). Panels are scaled up
/// to about 200 pixels and share one colour scale from 0 to `vmax_hz`, shown
/// by a colour bar. All panels must have the same number of frames.
pub fn write_activity_gif_with_delay(
    panels: &[(String, usize, Vec<Vec<f32>>)],
    vmax_hz: f32,
    colormap: Colormap,
    path: &Path,
    delay_cs: u16,
) -> Result<PathBuf, OutputError> {
    check_target(path)?;
    if panels.is_empty() {
        return Err(OutputError::invalid(format!("no landscapes to animate in {}", path.display())));
    }
    if !(vmax_hz > 0.0 && vmax_hz.is_finite()) {
        return Err(OutputError::invalid(format!(
            "the colour scale maximum for {} must be a positive number of Hz, not {vmax_hz}",
            path.display()
        )));
    }
    let frame_count = panels[0].2.len();
    for (name, n, frames) in panels {
        if *n == 0 || frames.is_empty() {
            return Err(OutputError::invalid(format!("landscape '{name}' has no frames or an empty grid (n = {n})")));
        }
        if frames.len() != frame_count {
            return Err(OutputError::invalid(format!(
                "landscape '{name}' has {} frames but '{}' has {frame_count}; record all landscapes for the same time",
                frames.len(),
                panels[0].0
            )));
        }
        if let Some((k, f)) = frames.iter().enumerate().find(|(_, f)| f.len() != n * n) {
            return Err(OutputError::invalid(format!(
                "frame {k} of landscape '{name}' has {} values; n = {n} needs {}",
                f.len(),
                n * n
            )));
        }
    }
    ensure_font()?;

    let sizes: Vec<usize> = panels.iter().map(|p| p.1).collect();
    let layout = activity_layout(&sizes);
    let palette = colormap.activity_palette();
    let nan_index = (PALETTE_LEVELS + 8) as u8;
    let level = |v: f32| -> u8 {
        if v.is_nan() { nan_index } else { ((v / vmax_hz).clamp(0.0, 1.0) * (PALETTE_LEVELS - 1) as f32).round() as u8 }
    };

    // Static parts: titles, frames, colour bar and its labels.
    let white = [255, 255, 255];
    let black = [0, 0, 0];
    let mut base = Canvas::new(layout.width, layout.height, white);
    for ((name, _, _), r) in panels.iter().zip(&layout.panels) {
        base.frame_rect(*r, black);
        base.text(r.x + r.w as i32 / 2, r.y - 14, name, 16.0, black, HAlign::Center)?;
    }
    let bar = layout.bar;
    let bar_levels: Vec<[u8; 3]> = (0..PALETTE_LEVELS).map(|i| palette[i]).collect();
    base.blit_scaled_nearest(&bar_levels, 1, PALETTE_LEVELS, bar, true);
    base.frame_rect(bar, black);
    for v in nice_ticks(0.0, vmax_hz as f64, 4) {
        let frac = v / vmax_hz as f64;
        let y = bar.bottom() - 1 - (frac * (bar.h as f64 - 1.0)).round() as i32;
        base.line(bar.right() as f32, y as f32 + 0.5, bar.right() as f32 + 4.0, y as f32 + 0.5, black, 1.0);
        base.text(bar.right() + 6, y, &format_tick(v), 11.0, black, HAlign::Left)?;
    }
    base.text(bar.x + bar.w as i32 / 2, bar.y - 14, "Hz", 12.0, black, HAlign::Center)?;
    let base_indices = nearest_indices(&base.rgba, &palette);

    let mut rec = GifRecorder::new_with_palette(path, layout.width, layout.height, delay_cs, &palette)?;
    let mut frame = base_indices.clone();
    for k in 0..frame_count {
        frame.copy_from_slice(&base_indices);
        for ((_, n, frames), r) in panels.iter().zip(&layout.panels) {
            let values = &frames[k];
            for_each_scaled(layout.width, layout.height, *r, *n, *n, true, |d, s| {
                frame[d] = level(values[s]);
            });
        }
        rec.push_indexed(&frame)?;
    }
    rec.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::atomic::tests::entries;

    #[test]
    fn activity_gif_follows_values() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("activity.gif");
        let n = 20;
        let frames_a: Vec<Vec<f32>> = (0..5).map(|k| vec![k as f32 * 16.0; n * n]).collect();
        // Second panel: rate grows with y (row 0 at the bottom).
        let frames_b: Vec<Vec<f32>> =
            (0..5).map(|_| (0..30 * 30).map(|i| if i / 30 < 15 { 0.0 } else { 64.0 }).collect()).collect();
        let panels = vec![("symmetric".to_string(), n, frames_a), ("perlin".to_string(), 30, frames_b)];
        let t = std::time::Instant::now();
        let out = write_activity_gif(&panels, 64.0, Colormap::Viridis, &path).unwrap();
        eprintln!("activity gif: {:?}", t.elapsed());
        assert_eq!(out, path);
        assert_eq!(entries(dir), vec!["activity.gif"]);
        let (w, h, frames, _) = crate::output::gif::tests::decode(&path);
        let layout = activity_layout(&[n, 30]);
        assert_eq!((w, h), (layout.width, layout.height));
        assert_eq!(frames.len(), 5);
        assert_eq!(layout.panels[0].w, 200);
        assert_eq!(layout.panels[1].w, 210);
        let px = |f: &Vec<u8>, x: i32, y: i32| {
            let i = (y as usize * w + x as usize) * 4;
            [f[i], f[i + 1], f[i + 2]]
        };
        let levels = Colormap::Viridis.samples(PALETTE_LEVELS);
        let r = layout.panels[0];
        for (k, f) in frames.iter().enumerate() {
            let expected = levels[((k as f32 * 16.0 / 64.0) * 239.0).round() as usize];
            assert_eq!(px(f, r.x + 50, r.y + 50), expected, "frame {k}");
        }
        let r = layout.panels[1];
        assert_eq!(px(&frames[0], r.x + 5, r.bottom() - 3), levels[0]);
        assert_eq!(px(&frames[0], r.x + 5, r.y + 3), levels[239]);

        // Errors: mismatched frame counts, bad vmax, missing folder.
        let mut uneven = panels.clone();
        uneven[1].2.pop();
        assert!(write_activity_gif(&uneven, 64.0, Colormap::Viridis, &dir.join("u.gif")).is_err());
        assert!(write_activity_gif(&panels, 0.0, Colormap::Viridis, &dir.join("u.gif")).is_err());
        let missing = dir.join("nope").join("a.gif");
        let e = write_activity_gif(&panels, 64.0, Colormap::Viridis, &missing).unwrap_err();
        assert!(e.to_string().contains(&missing.display().to_string()));
        assert_eq!(entries(dir), vec!["activity.gif"]);
    }
}
