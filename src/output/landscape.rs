//! Landscapes read from files and pictures, and the brush's painting written as one.
//!
//! A landscape file is what `seqscape run` writes as `landscape.npy`: a float32 `.npy` array of
//! shape (n, n) for the n×n sheet, row y holding neurons `y·n + x`, each value the direction in
//! radians in [0, 2π) from +x toward +y, NaN for an unshifted neuron.
//!
//! A picture (PNG) is read by hue, as HSV: hue 0° (red) is the direction 0 (+x), and the direction
//! goes round with the hue (yellow 60°, green 120°, cyan 180°, blue 240°, magenta 300°). A pixel
//! whose saturation or value is below [`MIN_SATURATION`] / [`MIN_VALUE`] (grey, white or dark), or
//! whose alpha is below one half, is unshifted. The picture is shown as the window shows the sheet:
//! its top row is the sheet's top (y = n − 1, since y points up on the screen) and its left column
//! x = 0, so a picture looks the same as the arrows drawn over it. It is resampled to n×n by area:
//! each neuron covers a rectangle of pixels (at least the one pixel under its centre); the neuron is
//! unshifted when fewer than half of them are coloured, and otherwise points along the mean of the
//! coloured pixels' hue vectors (unshifted if they cancel).

use std::f64::consts::TAU;
use std::path::Path;

use image::ImageReader;
use seqscape_core::model::LandscapeMap;

use super::OutputError;
use super::npy::{NpyArray, NpyData, read_npy, shape_text, write_npy};

/// Pixels with a lower HSV saturation (0-1) are grey: unshifted.
pub const MIN_SATURATION: f64 = 0.25;
/// Pixels with a lower HSV value (0-1) are dark: unshifted.
pub const MIN_VALUE: f64 = 0.25;

/// What a landscape file must hold, for an n×n sheet.
pub fn npy_accepted(n: usize) -> String {
    format!(
        "expected a float32 .npy array of shape ({n}, {n}) for the {n}×{n} sheet, radians in [0, 2π) or NaN (unshifted), as 'seqscape run' writes landscape.npy"
    )
}

/// What a landscape picture must be.
pub const IMAGE_ACCEPTED: &str =
    "expected a PNG picture whose hue is the direction (red = +x), grey or dark pixels unshifted";

/// Reads the directions of an n×n landscape file; the error is the problem, without the path.
pub fn read_landscape_npy(path: &Path, n: usize) -> Result<Vec<f32>, String> {
    let array = read_npy(path).map_err(|e| match e {
        OutputError::Io { source, .. } => format!("cannot read it ({source})"),
        OutputError::Format { problem, .. } => format!("not a .npy file ({problem})"),
        other => other.to_string(),
    })?;
    let found = format!("{} of shape {}", array.dtype_name(), shape_text(array.shape()));
    if array.shape() != [n, n] {
        return Err(format!("it holds {found}"));
    }
    let NpyData::F32(direction) = array.data() else {
        return Err(format!("it holds {found}"));
    };
    if let Some(k) = direction.iter().position(|&a| !seqscape_core::model::params::is_direction(a)) {
        return Err(format!("it holds {} at row {}, column {}", direction[k], k / n, k % n));
    }
    Ok(direction.clone())
}

/// Reads a picture as the directions of an n×n sheet (see the module docs); the error is the
/// problem, without the path.
pub fn read_landscape_image(path: &Path, n: usize) -> Result<Vec<f32>, String> {
    let reader = ImageReader::open(path).map_err(|e| format!("cannot read it ({e})"))?;
    let reader = reader.with_guessed_format().map_err(|e| format!("cannot read it ({e})"))?;
    let picture = reader.decode().map_err(|e| format!("not a readable picture ({e})"))?.to_rgba8();
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    if w == 0 || h == 0 {
        return Err("the picture is empty".to_string());
    }
    // Per pixel: the unit hue vector, or None where the pixel is unshifted.
    let hue: Vec<Option<(f64, f64)>> =
        picture.pixels().map(|p| pixel_direction(p.0).map(|a| (a.cos(), a.sin()))).collect();
    let span = |k: usize, pixels: usize| {
        let from = k * pixels / n;
        let to = ((k + 1) * pixels / n).max(from + 1).min(pixels);
        from.min(pixels - 1)..to
    };
    let mut direction = vec![f32::NAN; n * n];
    for y in 0..n {
        // The picture's top row is the sheet's top, y = n − 1.
        let rows = span(n - 1 - y, h);
        for x in 0..n {
            let cols = span(x, w);
            let (mut sx, mut sy, mut coloured, mut all) = (0.0, 0.0, 0usize, 0usize);
            for r in rows.clone() {
                for c in cols.clone() {
                    all += 1;
                    if let Some((cx, cy)) = hue[r * w + c] {
                        sx += cx;
                        sy += cy;
                        coloured += 1;
                    }
                }
            }
            if 2 * coloured >= all && sx.hypot(sy) > 1e-6 * coloured as f64 {
                let a = sy.atan2(sx).rem_euclid(TAU) as f32;
                // A float32 just below 2π rounds to it: the full turn is 0.
                direction[y * n + x] = if a >= std::f32::consts::TAU { 0.0 } else { a };
            }
        }
    }
    Ok(direction)
}

/// The direction of one RGBA pixel (its HSV hue in radians), or None where it is unshifted.
pub fn pixel_direction([r, g, b, a]: [u8; 4]) -> Option<f64> {
    if a < 128 {
        return None;
    }
    let (r, g, b) = (f64::from(r) / 255.0, f64::from(g) / 255.0, f64::from(b) / 255.0);
    let max = r.max(g).max(b);
    let delta = max - r.min(g).min(b);
    if max < MIN_VALUE || delta < MIN_SATURATION * max {
        return None;
    }
    let sector = if max == r {
        ((g - b) / delta).rem_euclid(6.0)
    } else if max == g {
        (b - r) / delta + 2.0
    } else {
        (r - g) / delta + 4.0
    };
    Some((sector * TAU / 6.0).rem_euclid(TAU))
}

/// Whether `path` names a picture (`.png`) rather than a landscape file.
pub fn is_picture(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

/// The landscape of an n×n sheet from a landscape file, or from a picture when `picture`; the
/// error is one line naming `field` (the option or preset key), the file and what is accepted.
pub fn load_map(path: &Path, picture: bool, field: &str, n: usize) -> Result<LandscapeMap, String> {
    let direction = if picture {
        read_landscape_image(path, n).map_err(|problem| (problem, IMAGE_ACCEPTED.to_string()))
    } else {
        read_landscape_npy(path, n).map_err(|problem| (problem, npy_accepted(n)))
    };
    let direction = direction
        .map_err(|(problem, accepted)| format!("invalid {field} '{}': {problem}; {accepted}", path.display()))?;
    LandscapeMap::new(&path.display().to_string(), n, direction).map_err(|e| e.to_string())
}

/// Writes the directions of an n×n sheet as a landscape file (float32, shape (n, n)).
pub fn write_landscape_npy(path: &Path, n: usize, direction: &[f32]) -> Result<(), OutputError> {
    write_npy(path, &NpyArray::from_2d(n, n, direction.to_vec())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hues_are_directions_and_grey_or_dark_pixels_are_unshifted() {
        let close = |p: [u8; 4], deg: f64| {
            let a = pixel_direction(p).unwrap_or_else(|| panic!("{p:?} is coloured"));
            assert!((a - deg.to_radians()).abs() < 1e-9, "{p:?}: {} rad, expected {deg}°", a);
        };
        close([255, 0, 0, 255], 0.0);
        close([255, 255, 0, 255], 60.0);
        close([0, 200, 0, 255], 120.0);
        close([0, 255, 255, 255], 180.0);
        close([0, 0, 255, 255], 240.0);
        close([255, 0, 255, 255], 300.0);
        close([255, 0, 128, 255], 360.0 - 128.0 / 255.0 * 60.0);
        for unshifted in [[0, 0, 0, 255], [128, 128, 128, 255], [255, 255, 255, 255], [40, 0, 0, 255], [255, 0, 0, 0]] {
            assert_eq!(pixel_direction(unshifted), None, "{unshifted:?}");
        }
        assert!(pixel_direction([255, 200, 200, 255]).is_none(), "pale: saturation 0.22");
        assert_eq!(pixel_direction([255, 150, 150, 255]), Some(0.0));
    }

    /// A picture of four quadrants (top-left red, top-right green, bottom-left blue, bottom-right
    /// grey), w×h pixels.
    fn quadrants(w: u32, h: u32) -> image::RgbaImage {
        image::RgbaImage::from_fn(w, h, |c, r| {
            let colour = match (c < w / 2, r < h / 2) {
                (true, true) => [255, 0, 0, 255],
                (false, true) => [0, 255, 0, 255],
                (true, false) => [0, 0, 255, 255],
                (false, false) => [128, 128, 128, 255],
            };
            image::Rgba(colour)
        })
    }

    #[test]
    fn a_picture_is_resampled_with_its_top_row_at_the_top_of_the_sheet() {
        let dir = tempfile::tempdir().unwrap();
        for (w, h, n) in [(40, 40, 10), (7, 9, 20), (64, 32, 16)] {
            let path = dir.path().join(format!("q{w}x{h}.png"));
            quadrants(w, h).save(&path).unwrap();
            let d = read_landscape_image(&path, n).unwrap();
            let at = |x: usize, y: usize| d[y * n + x];
            let deg = |a: f32| f64::from(a).to_degrees();
            // Top of the sheet (y = n − 1) is the picture's top: red left, green right.
            assert!(deg(at(0, n - 1)).abs() < 1e-4, "{w}x{h}: {}", deg(at(0, n - 1)));
            assert!((deg(at(n - 1, n - 1)) - 120.0).abs() < 1e-4);
            // Bottom (y = 0): blue left, grey (unshifted) right.
            assert!((deg(at(0, 0)) - 240.0).abs() < 1e-4);
            assert!(at(n - 1, 0).is_nan());
            let unshifted = d.iter().filter(|a| a.is_nan()).count() as f64 / (n * n) as f64;
            assert!((unshifted - 0.25).abs() < 0.1, "{w}x{h}: {unshifted}");
        }
        // A neuron straddling red and green points between them, at yellow.
        let path = dir.path().join("two.png");
        image::RgbaImage::from_fn(2, 1, |c, _| image::Rgba(if c == 0 { [255, 0, 0, 255] } else { [0, 255, 0, 255] }))
            .save(&path)
            .unwrap();
        let d = read_landscape_image(&path, 1).unwrap();
        assert!((f64::from(d[0]).to_degrees() - 60.0).abs() < 1e-4);
    }

    #[test]
    fn bad_landscape_files_are_refused_with_what_they_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.npy");
        write_landscape_npy(&path, 3, &[0.5, f32::NAN, 1.0, 0.0, 6.25, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(read_landscape_npy(&path, 3).unwrap()[4], 6.25);
        assert!(read_landscape_npy(&path, 4).unwrap_err().contains("float32 of shape (3, 3)"));
        write_npy(&path, &NpyArray::from_2d(2, 2, vec![0.5f64; 4]).unwrap()).unwrap();
        assert!(read_landscape_npy(&path, 2).unwrap_err().contains("float64"));
        write_landscape_npy(&path, 2, &[0.5, 7.0, 0.0, 0.0]).unwrap();
        assert!(read_landscape_npy(&path, 2).unwrap_err().contains("7 at row 0, column 1"));
        std::fs::write(&path, b"not an array").unwrap();
        assert!(read_landscape_npy(&path, 2).unwrap_err().contains("not a .npy"));
        assert!(read_landscape_image(&path, 2).unwrap_err().contains("not a readable picture"));
        assert!(read_landscape_image(&dir.path().join("none.png"), 2).unwrap_err().contains("cannot read"));
    }
}
