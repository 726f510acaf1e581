//! Colour maps for activity and connectivity pictures: `viridis`, `magma`, `inferno`, `plasma`
//! and `cividis` come from `colorous` (the d3-scale-chromatic ports of the published tables);
//! `gray` is a linear black-to-white ramp and `hsv` a cyclic hue wheel for directions (angle / 2π
//! mapped to [0, 1]), both a few lines here since `colorous` has neither (its greys run from white
//! to grey-black, and its cyclic maps do not start at pure red).

use std::fmt;
use std::str::FromStr;

use super::OutputError;

/// A colour map from [0, 1] to sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Colormap {
    #[default]
    Viridis,
    Magma,
    Inferno,
    Plasma,
    Cividis,
    Gray,
    /// Cyclic: `rgb(0.0) == rgb(1.0)`.
    Hsv,
}

/// Colour-map levels of [`Colormap::activity_palette`]; the other 16 of its 256 colours are greys.
pub const PALETTE_LEVELS: usize = 240;

/// Colour used for NaN values.
pub const NAN_COLOR: [u8; 3] = [128, 128, 128];

const NAMES: &[&str] = &["viridis", "magma", "inferno", "plasma", "cividis", "gray", "hsv"];

impl Colormap {
    /// All maps, in the order of [`Colormap::names`].
    pub const ALL: [Colormap; 7] = [
        Colormap::Viridis,
        Colormap::Magma,
        Colormap::Inferno,
        Colormap::Plasma,
        Colormap::Cividis,
        Colormap::Gray,
        Colormap::Hsv,
    ];

    /// Accepted names, e.g. for command-line help.
    pub fn names() -> &'static [&'static str] {
        NAMES
    }

    /// Looks a map up by name (case-insensitive; `grey` is accepted for `gray`).
    pub fn from_name(name: &str) -> Result<Colormap, OutputError> {
        let lower = name.trim().to_ascii_lowercase();
        let lower = if lower == "grey" { "gray".to_string() } else { lower };
        NAMES
            .iter()
            .position(|n| *n == lower)
            .map(|i| Colormap::ALL[i])
            .ok_or_else(|| OutputError::UnknownColormap { name: name.to_string() })
    }

    pub fn name(&self) -> &'static str {
        NAMES[Colormap::ALL.iter().position(|c| c == self).unwrap_or(0)]
    }

    /// Whether the map wraps around (same colour at 0 and 1).
    pub fn is_cyclic(&self) -> bool {
        matches!(self, Colormap::Hsv)
    }

    /// Colour of `v`, clamped to [0, 1]; NaN gives [`NAN_COLOR`].
    pub fn rgb(&self, v: f32) -> [u8; 3] {
        if v.is_nan() {
            return NAN_COLOR;
        }
        let v = v.clamp(0.0, 1.0);
        let gradient = match self {
            Colormap::Viridis => colorous::VIRIDIS,
            Colormap::Magma => colorous::MAGMA,
            Colormap::Inferno => colorous::INFERNO,
            Colormap::Plasma => colorous::PLASMA,
            Colormap::Cividis => colorous::CIVIDIS,
            Colormap::Gray => {
                let g = (v * 255.0).round() as u8;
                return [g, g, g];
            }
            Colormap::Hsv => return hue_wheel(v),
        };
        gradient.eval_continuous(f64::from(v)).as_array()
    }

    /// Colour of `value` on a linear scale from `lo` to `hi`.
    pub fn rgb_scaled(&self, value: f32, lo: f32, hi: f32) -> [u8; 3] {
        let span = hi - lo;
        if value.is_nan() {
            NAN_COLOR
        } else if span > 0.0 {
            self.rgb((value - lo) / span)
        } else {
            self.rgb(0.5)
        }
    }

    /// 256 colours sampled evenly from 0 to 1.
    pub fn lut(&self) -> [[u8; 3]; 256] {
        let mut out = [[0u8; 3]; 256];
        for (i, c) in out.iter_mut().enumerate() {
            *c = self.rgb(i as f32 / 255.0);
        }
        out
    }

    /// The 256 colours of indexed activity frames: [`PALETTE_LEVELS`] samples of the map from 0 to 1,
    /// then 16 greys from black to white (text, arrows, NaN).
    pub fn activity_palette(&self) -> Vec<[u8; 3]> {
        let greys = 256 - PALETTE_LEVELS;
        let mut palette = self.samples(PALETTE_LEVELS);
        palette.extend((0..greys).map(|i| [(i * 255 / (greys - 1)) as u8; 3]));
        palette
    }

    /// `count` colours sampled evenly from 0 to 1 (both ends included).
    pub fn samples(&self, count: usize) -> Vec<[u8; 3]> {
        match count {
            0 => Vec::new(),
            1 => vec![self.rgb(0.5)],
            _ => (0..count).map(|i| self.rgb(i as f32 / (count - 1) as f32)).collect(),
        }
    }
}

impl fmt::Display for Colormap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Colormap {
    type Err = OutputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Colormap::from_name(s)
    }
}

fn hue_wheel(v: f32) -> [u8; 3] {
    let h = (v * 6.0) % 6.0;
    let x = 1.0 - ((h % 2.0) - 1.0).abs();
    let (r, g, b) = match h as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    [(r * 255.0f32).round() as u8, (g * 255.0f32).round() as u8, (b * 255.0f32).round() as u8]
}

#[cfg(test)]
#[path = "tests/colormap.rs"]
mod tests;
