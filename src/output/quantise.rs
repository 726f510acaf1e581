//! Frames of any colours as indices into one fixed palette, through a lookup table of the nearest
//! palette colour for every RGB value at 6 bits per channel. Built once, it maps a frame in a
//! table read per pixel, so a long GIF needs no per-frame quantisation.

/// Bits kept per channel.
const BITS: u32 = 6;
const SIDE: usize = 1 << BITS;

/// A fixed palette and its nearest-colour table.
pub struct Quantiser {
    palette: Vec<[u8; 3]>,
    table: Vec<u8>,
}

impl Quantiser {
    /// The table for `palette` (1 to 256 colours).
    pub fn new(palette: Vec<[u8; 3]>) -> Quantiser {
        let palette: Vec<[u8; 3]> = palette.into_iter().take(256).collect();
        let centre = |q: usize| ((q << (8 - BITS)) + (1 << (7 - BITS))) as i32;
        let mut table = vec![0u8; SIDE * SIDE * SIDE];
        for (i, slot) in table.iter_mut().enumerate() {
            let rgb = [centre(i >> (2 * BITS)), centre((i >> BITS) & (SIDE - 1)), centre(i & (SIDE - 1))];
            let mut best = (i32::MAX, 0u8);
            for (k, c) in palette.iter().enumerate() {
                let d: i32 = (0..3).map(|j| (rgb[j] - c[j] as i32).pow(2)).sum();
                if d < best.0 {
                    best = (d, k as u8);
                }
            }
            *slot = best.1;
        }
        Quantiser { palette, table }
    }

    pub fn palette(&self) -> &[[u8; 3]] {
        &self.palette
    }

    /// The palette index nearest `c`.
    pub fn index(&self, c: [u8; 3]) -> u8 {
        let s = 8 - BITS;
        let i = ((c[0] as usize >> s) << (2 * BITS)) | ((c[1] as usize >> s) << BITS) | (c[2] as usize >> s);
        self.table[i]
    }

    /// The indices of an RGBA frame.
    pub fn indices(&self, rgba: &[u8]) -> Vec<u8> {
        rgba.chunks_exact(4).map(|p| self.index([p[0], p[1], p[2]])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_maps_to_a_near_palette_colour() {
        let palette = vec![[0, 0, 0], [255, 255, 255], [200, 30, 30], [20, 40, 200]];
        let q = Quantiser::new(palette.clone());
        assert_eq!(q.index([0, 0, 0]), 0);
        assert_eq!(q.index([250, 250, 250]), 1);
        assert_eq!(q.index([190, 40, 20]), 2);
        assert_eq!(q.index([30, 30, 180]), 3);
        assert_eq!(q.indices(&[200, 30, 30, 255, 255, 255, 255, 255]), vec![2, 1]);
        assert_eq!(q.palette(), palette.as_slice());
    }
}
