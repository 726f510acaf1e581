//! Shared pieces of the figures: the bundled font (registered by the output layer), tick values and
//! labels, text styles, the landscapes' line colours, PNG encoding (`image`), pixel grids embedded
//! in SVG as base64 PNG data (`base64`), and writing a PNG and SVG pair atomically.

use std::fs;
use std::path::Path;

use base64::Engine as _;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::output::OutputError;
use crate::output::atomic::write_bytes_atomic;

pub use crate::output::raster::{FONT_FAMILY, ensure_font};

/// "Nice" tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering
/// `[lo, hi]`, at most about `max_count` of them, all inside the range.
pub fn nice_ticks(lo: f64, hi: f64, max_count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max_count == 0 {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let raw = (hi - lo) / max_count.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil();
    let mut ticks = Vec::new();
    let mut k = first;
    loop {
        let v = k * step;
        if v > hi + step * 1e-9 {
            break;
        }
        // Avoid "-0" and accumulated rounding noise.
        let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
        ticks.push(v);
        k += 1.0;
    }
    ticks
}

/// Formats a tick value without trailing zeros ("16", "0.5", "2.5").
pub fn format_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Line colours per landscape (matplotlib's default cycle), shared by every figure.
pub(super) const SERIES: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Result of a drawing step; the message becomes an [`OutputError::Encode`].
pub(super) type DrawResult = Result<(), String>;

pub(super) fn font(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size as f64, FontStyle::Normal)
}

pub(super) fn text_style(size: u32, pos: Pos) -> TextStyle<'static> {
    TextStyle::from(font(size)).color(&BLACK).pos(pos)
}

pub(super) fn centered(size: u32) -> TextStyle<'static> {
    text_style(size, Pos::new(HPos::Center, VPos::Center))
}

/// Decimal places for tick labels of a linear axis from 0 to `max`.
pub(super) fn decimals_for(max: f64) -> usize {
    if max.is_nan() || max <= 0.0 {
        return 1;
    }
    let step = max / 5.0;
    (1.0 - step.log10().floor()).clamp(0.0, 6.0) as usize
}

/// A PNG of `(w, h)` pixels: `draw` draws with plotters on a white RGB buffer, `paint` then writes
/// pixels straight into that buffer (maps and rasters, row-major, 3 bytes a pixel), and the buffer
/// is encoded.
pub(super) fn render_png(
    (w, h): (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> DrawResult,
    paint: impl FnOnce(&mut [u8]),
) -> Result<Vec<u8>, String> {
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root)?;
    }
    paint(&mut buf);
    encode_png_rgb(&buf, w, h)
}

pub(super) fn encode_png_rgb(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// `data:` URI of PNG bytes, for an SVG `<image>`.
pub(super) fn png_data_uri(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

/// Renders a figure as PNG and SVG and writes both, or neither: each file goes through a temporary
/// name, and the PNG is removed again if the SVG cannot be written.
pub(super) fn write_png_and_svg(
    png: &Path,
    svg: &Path,
    render_png: impl FnOnce() -> Result<Vec<u8>, String>,
    render_svg: impl FnOnce() -> Result<String, String>,
) -> Result<(), OutputError> {
    let png_bytes = render_png().map_err(|message| OutputError::Encode {
        path: png.to_path_buf(),
        format: "PNG figure",
        message,
    })?;
    let svg_text = render_svg().map_err(|message| OutputError::Encode {
        path: svg.to_path_buf(),
        format: "SVG figure",
        message,
    })?;
    write_bytes_atomic(png, &png_bytes)?;
    if let Err(err) = write_bytes_atomic(svg, svg_text.as_bytes()) {
        let _ = fs::remove_file(png);
        return Err(err);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_range() {
        assert_eq!(nice_ticks(0.0, 64.0, 5), vec![0.0, 20.0, 40.0, 60.0]);
        assert_eq!(nice_ticks(50.0, 150.0, 5), vec![60.0, 80.0, 100.0, 120.0, 140.0]);
        assert_eq!(nice_ticks(500.0, 1500.0, 5), vec![600.0, 800.0, 1000.0, 1200.0, 1400.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(nice_ticks(1.0, 1.0, 4).len() == 1);
    }

    #[test]
    fn tick_format() {
        assert_eq!(format_tick(16.0), "16");
        assert_eq!(format_tick(0.5), "0.5");
        assert_eq!(format_tick(2.25), "2.25");
    }

    #[test]
    fn font_registers() {
        ensure_font().unwrap();
        ensure_font().unwrap();
    }

    #[test]
    fn data_uri_is_standard_base64() {
        assert_eq!(png_data_uri(b"Man"), "data:image/png;base64,TWFu");
        assert_eq!(png_data_uri(b"M"), "data:image/png;base64,TQ==");
    }
}
