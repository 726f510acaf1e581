//! A small software rasteriser for animation frames: an RGBA canvas with
//! filled rectangles, nearest-neighbour scaled blits of colour grids (with the
//! grid's row `y = 0` drawn at the bottom when `flip_y` is set, as in the
//! paper's pictures), anti-aliased lines and arrows, and text in the bundled
//! Ubuntu Light font.
//!
//! Canvas coordinates are pixels with the origin at the top-left corner and
//! `y` growing downwards; everything is clipped to the canvas.

use plotters::style::{FontDesc, FontFamily, FontStyle};

use std::sync::OnceLock;

use super::OutputError;

/// The font family name under which the bundled font is registered for plotters.
pub const FONT_FAMILY: &str = "sans-serif";

/// Registers the bundled Ubuntu Light font as plotters' `sans-serif` family.
/// Safe to call any number of times; only the first call does work.
pub fn ensure_font() -> Result<(), OutputError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    // In the browser plotters draws text through the page's canvas, not a registered font.
    #[cfg(not(target_arch = "wasm32"))]
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            FONT_FAMILY,
            plotters::style::FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        )
        .is_ok()
    });
    #[cfg(target_arch = "wasm32")]
    let ok = *REGISTERED.get_or_init(|| false);
    if ok {
        Ok(())
    } else {
        Err(OutputError::invalid(
            "the bundled Ubuntu Light font could not be loaded; rebuild seqscape from a clean checkout",
        ))
    }
}

/// A rectangle in pixel coordinates (top-left corner, width, height).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    pub fn new(x: i32, y: i32, w: u32, h: u32) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> i32 {
        self.x + self.w as i32
    }

    pub fn bottom(&self) -> i32 {
        self.y + self.h as i32
    }

    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && y >= self.y && x < self.right() && y < self.bottom()
    }
}

/// Horizontal placement of text relative to the given x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// Calls `f(dst_index, src_index)` for every destination pixel of `rect`
/// (clipped to a `dst_w` x `dst_h` image) with the nearest source cell of a
/// `src_w` x `src_h` grid. With `flip_y`, source row 0 lands at the bottom.
pub fn for_each_scaled(
    dst_w: usize,
    dst_h: usize,
    rect: Rect,
    src_w: usize,
    src_h: usize,
    flip_y: bool,
    mut f: impl FnMut(usize, usize),
) {
    if src_w == 0 || src_h == 0 || rect.w == 0 || rect.h == 0 {
        return;
    }
    let x0 = rect.x.max(0) as usize;
    let x1 = (rect.right().max(0) as usize).min(dst_w);
    let y0 = rect.y.max(0) as usize;
    let y1 = (rect.bottom().max(0) as usize).min(dst_h);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let cols: Vec<usize> =
        (x0..x1).map(|x| ((x as i64 - rect.x as i64) as usize * src_w / rect.w as usize).min(src_w - 1)).collect();
    for y in y0..y1 {
        let r = ((y as i64 - rect.y as i64) as usize * src_h / rect.h as usize).min(src_h - 1);
        let sy = if flip_y { src_h - 1 - r } else { r };
        let src_row = sy * src_w;
        let dst_row = y * dst_w;
        for (x, &sx) in (x0..x1).zip(&cols) {
            f(dst_row + x, src_row + sx);
        }
    }
}

/// The font used for text, at `size` pixels.
pub fn font(size: f32) -> Result<FontDesc<'static>, OutputError> {
    ensure_font()?;
    Ok(FontDesc::new(FontFamily::Name(FONT_FAMILY), size as f64, FontStyle::Normal))
}

/// An RGBA image (row-major, 4 bytes per pixel, alpha kept at 255).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub w: usize,
    pub h: usize,
    pub rgba: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(w: usize, h: usize, background: [u8; 3]) -> Canvas {
        let mut rgba = Vec::with_capacity(w * h * 4);
        for _ in 0..w * h {
            rgba.extend_from_slice(&[background[0], background[1], background[2], 255]);
        }
        Canvas { w, h, rgba }
    }

    fn index(&self, x: i32, y: i32) -> Option<usize> {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            None
        } else {
            Some((y as usize * self.w + x as usize) * 4)
        }
    }

    /// Colour at (x, y), or `None` outside the canvas.
    pub fn get(&self, x: i32, y: i32) -> Option<[u8; 3]> {
        self.index(x, y).map(|i| [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]])
    }

    /// Sets one pixel (ignored outside the canvas).
    pub fn set(&mut self, x: i32, y: i32, c: [u8; 3]) {
        if let Some(i) = self.index(x, y) {
            self.rgba[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
        }
    }

    /// Mixes `c` into one pixel with opacity `alpha` in [0, 1].
    pub fn blend(&mut self, x: i32, y: i32, c: [u8; 3], alpha: f32) {
        let a = alpha.clamp(0.0, 1.0);
        if a <= 0.0 {
            return;
        }
        if let Some(i) = self.index(x, y) {
            for (dst, &src) in self.rgba[i..i + 3].iter_mut().zip(&c) {
                let old = *dst as f32;
                *dst = (old + (src as f32 - old) * a).round() as u8;
            }
        }
    }

    /// Fills a rectangle.
    pub fn fill_rect(&mut self, rect: Rect, c: [u8; 3]) {
        let x0 = rect.x.max(0);
        let x1 = rect.right().min(self.w as i32);
        let y0 = rect.y.max(0);
        let y1 = rect.bottom().min(self.h as i32);
        for y in y0..y1 {
            for x in x0..x1 {
                self.set(x, y, c);
            }
        }
    }

    /// Draws a one-pixel outline just outside `rect`.
    pub fn frame_rect(&mut self, rect: Rect, c: [u8; 3]) {
        let (l, t, r, b) = (rect.x - 1, rect.y - 1, rect.right(), rect.bottom());
        for x in l..=r {
            self.set(x, t, c);
            self.set(x, b, c);
        }
        for y in t..=b {
            self.set(l, y, c);
            self.set(r, y, c);
        }
    }

    /// Draws a `src_w` x `src_h` grid of colours (row-major, `src[y * src_w + x]`)
    /// scaled with nearest-neighbour filtering into `dst`. With `flip_y`, grid
    /// row 0 is drawn at the bottom of `dst` (y upward).
    pub fn blit_scaled_nearest(&mut self, src_rgb: &[[u8; 3]], src_w: usize, src_h: usize, dst: Rect, flip_y: bool) {
        if src_rgb.len() < src_w * src_h {
            return;
        }
        let rgba = &mut self.rgba;
        for_each_scaled(self.w, self.h, dst, src_w, src_h, flip_y, |d, s| {
            let c = src_rgb[s];
            rgba[d * 4..d * 4 + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
        });
    }

    /// An anti-aliased line of the given width with round ends.
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: [u8; 3], width: f32) {
        let half = (width.max(0.5)) / 2.0;
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len2 = dx * dx + dy * dy;
        let pad = half + 1.0;
        let xa = (x0.min(x1) - pad).floor() as i32;
        let xb = (x0.max(x1) + pad).ceil() as i32;
        let ya = (y0.min(y1) - pad).floor() as i32;
        let yb = (y0.max(y1) + pad).ceil() as i32;
        for y in ya.max(0)..=yb.min(self.h as i32 - 1) {
            for x in xa.max(0)..=xb.min(self.w as i32 - 1) {
                // Distance from the pixel centre to the segment.
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let t = if len2 > 0.0 { (((px - x0) * dx + (py - y0) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
                let (qx, qy) = (x0 + t * dx - px, y0 + t * dy - py);
                let d = (qx * qx + qy * qy).sqrt();
                let coverage = (half + 0.5 - d).clamp(0.0, 1.0);
                self.blend(x, y, c, coverage);
            }
        }
    }

    /// An arrow from `from` to `to` (line plus a two-stroke head at `to`), 1.5 px wide.
    pub fn arrow(&mut self, from: (f32, f32), to: (f32, f32), c: [u8; 3]) {
        self.arrow_with(from, to, c, 1.5);
    }

    /// An arrow of the given line width; the head scales with the width.
    pub fn arrow_with(&mut self, from: (f32, f32), to: (f32, f32), c: [u8; 3], width: f32) {
        self.line(from.0, from.1, to.0, to.1, c, width);
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len <= 0.0 {
            return;
        }
        let head = (4.0 * width).max(5.0).min(0.5 * len);
        let (ux, uy) = (dx / len, dy / len);
        let (s, co) = (0.45f32.sin(), 0.45f32.cos()); // about 26 degrees
        for sign in [-1.0f32, 1.0] {
            let rx = -(ux * co - sign * uy * s);
            let ry = -(sign * ux * s + uy * co);
            self.line(to.0, to.1, to.0 + rx * head, to.1 + ry * head, c, width);
        }
    }

    /// Draws `text` at `size` pixels; `x` is placed according to `align` and
    /// `y_center` is the vertical middle of capital letters.
    pub fn text(
        &mut self,
        x: i32,
        y_center: i32,
        text: &str,
        size: f32,
        c: [u8; 3],
        align: HAlign,
    ) -> Result<(), OutputError> {
        let f = font(size)?;
        let w =
            f.box_size(text).map_err(|e| OutputError::invalid(format!("cannot lay out text '{text}': {e}")))?.0 as i32;
        let left = match align {
            HAlign::Left => x,
            HAlign::Center => x - w / 2,
            HAlign::Right => x - w,
        };
        let top = y_center - (0.19 * size).round() as i32;
        let drawn = f.draw(text, (left, top), |px, py, a| {
            self.blend(px, py, c, a);
            Ok::<(), ()>(())
        });
        match drawn {
            Ok(_) => Ok(()),
            Err(e) => Err(OutputError::invalid(format!("cannot draw text '{text}': {e}"))),
        }
    }
}

#[cfg(test)]
#[path = "tests/raster.rs"]
mod tests;
