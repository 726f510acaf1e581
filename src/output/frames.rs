//! Activity frames drawn on the CPU from the simulation itself: the activity trace through a
//! colour map (the 256-colour activity palette of [`Colormap::activity_palette`]) with landscape
//! arrows on top, one per k×k block. Shared by `seqscape record` and the window's recorder.

use std::f32::consts::TAU;

use seqscape_core::model::Landscape;

use super::colormap::{Colormap, PALETTE_LEVELS};
use super::raster::Canvas;

/// The arrows' colour: white, outside every perceptual map's range.
pub const ARROW_RGB: [u8; 3] = [255, 255, 255];
/// Trace value shown at the top of the colour map by default.
pub const DEFAULT_TRACE_MAX: f32 = 1.5;

/// Side of the landscape blocks that get one arrow each, for about 14 arrows across the sheet.
pub fn arrow_block(n: usize) -> usize {
    n.div_ceil(14).max(1)
}

/// One arrow per `k`×`k` block (grid units, y up, cell `(x, y)` spans `[x, x+1)×[y, y+1)`): the
/// block's centre and the circular mean of its shifted neurons' directions. Blocks without shifted
/// neurons, or whose directions cancel, get none.
pub fn block_arrows(landscape: &Landscape, k: usize) -> Vec<([f32; 2], f32)> {
    block_arrows_painted(landscape, k, None)
}

/// As [`block_arrows`]; where a block holds neurons marked in `painted` (the window's brush), its
/// arrow is the mean of those alone, so a freshly painted block shows the painted direction rather
/// than a blend of old and new.
pub fn block_arrows_painted(landscape: &Landscape, k: usize, painted: Option<&[bool]>) -> Vec<([f32; 2], f32)> {
    let n = landscape.n;
    let k = k.clamp(1, n.max(1));
    let painted = painted.filter(|p| p.len() == n * n);
    let mut out = Vec::new();
    for by in (0..n).step_by(k) {
        for bx in (0..n).step_by(k) {
            let cells = || (by..(by + k).min(n)).flat_map(move |y| (bx..(bx + k).min(n)).map(move |x| y * n + x));
            let any_painted = painted.is_some_and(|p| cells().any(|i| p[i]));
            let (mut sx, mut sy, mut count) = (0f32, 0f32, 0usize);
            for i in cells() {
                let a = landscape.direction[i];
                if a.is_finite() && (!any_painted || painted.is_some_and(|p| p[i])) {
                    sx += a.cos();
                    sy += a.sin();
                    count += 1;
                }
            }
            if count == 0 || (sx * sx + sy * sy).sqrt() < 0.05 * count as f32 {
                continue;
            }
            let (w, h) = ((bx + k).min(n) - bx, (by + k).min(n) - by);
            let centre = [bx as f32 + w as f32 / 2.0, by as f32 + h as f32 / 2.0];
            out.push((centre, sy.atan2(sx).rem_euclid(TAU)));
        }
    }
    out
}

/// Draws colour-mapped activity frames, optionally with arrows. Frames are palette indices (at
/// most 256 colours: the colour map, then greys), so GIFs store them without quantising.
#[derive(Clone, Debug)]
pub struct FrameRenderer {
    pub n: usize,
    pub cell_px: usize,
    pub colormap: Colormap,
    pub arrows: bool,
    pub trace_max: f32,
    palette: Vec<[u8; 3]>,
    /// The arrow pixels of the landscape they were drawn for.
    arrow_mask: Option<(Vec<f32>, Vec<u32>)>,
}

/// Palette index of the arrows' white (the last grey).
const WHITE_INDEX: u8 = 255;

impl FrameRenderer {
    /// Frames of about 400 pixels across for an `n`×`n` sheet.
    pub fn new(n: usize, colormap: Colormap, arrows: bool) -> FrameRenderer {
        let cell_px = (400 / n.max(1)).max(1);
        let palette = colormap.activity_palette();
        FrameRenderer { n, cell_px, colormap, arrows, trace_max: DEFAULT_TRACE_MAX, palette, arrow_mask: None }
    }

    /// Frame width and height in pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.n * self.cell_px, self.n * self.cell_px)
    }

    /// The at most 256 colours every frame is made of.
    pub fn palette(&self) -> &[[u8; 3]] {
        &self.palette
    }

    /// The colour of a trace value.
    pub fn color(&self, v: f32) -> [u8; 3] {
        self.palette[self.level(v) as usize]
    }

    fn level(&self, v: f32) -> u8 {
        let u = if v.is_finite() { (v / self.trace_max).clamp(0.0, 1.0) } else { 0.0 };
        (u * (PALETTE_LEVELS - 1) as f32).round() as u8
    }

    /// The pixels covered by the arrows of `landscape` (drawn once per landscape).
    fn arrow_pixels(&mut self, landscape: &Landscape) -> &[u32] {
        let fresh = match &self.arrow_mask {
            Some((dirs, _)) => {
                dirs.len() != landscape.direction.len()
                    || dirs.iter().zip(&landscape.direction).any(|(a, b)| a.to_bits() != b.to_bits())
            }
            None => true,
        };
        if fresh {
            let (w, h) = self.size();
            let mut canvas = Canvas::new(w, h, [0, 0, 0]);
            let k = arrow_block(self.n);
            let px = self.cell_px as f32;
            let len = 0.8 * k as f32 * px;
            let width = (px * k as f32 / 12.0).clamp(1.2, 2.5);
            for ([cx, cy], a) in block_arrows(landscape, k) {
                let (dx, dy) = (a.cos() * len / 2.0, a.sin() * len / 2.0);
                let (x, y) = (cx * px, h as f32 - cy * px);
                canvas.arrow_with((x - dx, y + dy), (x + dx, y - dy), ARROW_RGB, width);
            }
            let mask =
                canvas.rgba.chunks_exact(4).enumerate().filter(|(_, p)| p[0] >= 128).map(|(i, _)| i as u32).collect();
            self.arrow_mask = Some((landscape.direction.clone(), mask));
        }
        self.arrow_mask.as_ref().map_or(&[], |(_, m)| m.as_slice())
    }

    /// Draws `trace` (`n`×`n`, `[y·n + x]`, row 0 at the bottom) and, when arrows are on, the
    /// arrows of `landscape`, as palette indices (row-major, top row first).
    pub fn render_indices(&mut self, trace: &[f32], landscape: Option<&Landscape>) -> Vec<u8> {
        let (w, h) = self.size();
        let mut out = vec![0u8; w * h];
        if trace.len() != self.n * self.n {
            return out;
        }
        let (n, c) = (self.n, self.cell_px);
        let mut row = vec![0u8; w];
        for y in 0..n {
            for (x, &v) in trace[y * n..(y + 1) * n].iter().enumerate() {
                row[x * c..(x + 1) * c].fill(self.level(v));
            }
            let top = (n - 1 - y) * c;
            for r in top..top + c {
                out[r * w..(r + 1) * w].copy_from_slice(&row);
            }
        }
        if self.arrows
            && let Some(l) = landscape.filter(|l| l.n == self.n)
        {
            for &i in self.arrow_pixels(l) {
                out[i as usize] = WHITE_INDEX;
            }
        }
        out
    }

    /// RGBA pixels of an index frame.
    pub fn to_rgba(&self, indices: &[u8]) -> Vec<u8> {
        let mut rgba = Vec::with_capacity(indices.len() * 4);
        for &i in indices {
            let c = self.palette[i as usize];
            rgba.extend_from_slice(&[c[0], c[1], c[2], 255]);
        }
        rgba
    }

    /// The frame as a canvas.
    pub fn render(&mut self, trace: &[f32], landscape: Option<&Landscape>) -> Canvas {
        let (w, h) = self.size();
        let indices = self.render_indices(trace, landscape);
        Canvas { w, h, rgba: self.to_rgba(&indices) }
    }
}

#[cfg(test)]
#[path = "tests/frames.rs"]
mod tests;
