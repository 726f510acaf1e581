//! Animated GIF output through the `gif` crate. [`GifRecorder`] streams frames into a temporary
//! file next to the destination (see [`super::atomic`]) and renames it into place in
//! [`GifRecorder::finish`]; a recorder dropped without `finish` leaves nothing. The animation
//! repeats forever.
//!
//! Frames made of a fixed set of colours (colour-mapped activity plus a few greys) should use
//! [`GifRecorder::new_with_palette`]: they are stored losslessly as indices into the global
//! palette. Frames with other colours are quantised per frame by the crate (NeuQuant).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::atomic::AtomicFile;

/// NeuQuant speed used for frames that do not fit the palette (1 best .. 30 fastest).
const QUANTISE_SPEED: i32 = 10;

/// GIF delay (hundredths of a second) closest to `fps` frames per second; at least 2, since
/// viewers slow down shorter delays.
pub fn delay_for_fps(fps: f32) -> u16 {
    if fps.is_nan() || fps <= 0.0 {
        return 10;
    }
    (100.0 / fps).round().clamp(2.0, 65535.0) as u16
}

/// Streams frames to an animated GIF; see the module docs.
pub struct GifRecorder {
    encoder: gif::Encoder<BufWriter<File>>,
    file: AtomicFile,
    path: PathBuf,
    size: (u16, u16),
    delay_cs: u16,
    /// The global palette's index of each of its colours.
    lookup: Option<HashMap<[u8; 3], u8>>,
    colours: usize,
    frames: usize,
}

fn gif_error(path: &Path, e: gif::EncodingError) -> OutputError {
    match e {
        gif::EncodingError::Io(io) => OutputError::io(path, "write", io),
        other => OutputError::Encode { path: path.to_path_buf(), format: "GIF", message: other.to_string() },
    }
}

impl GifRecorder {
    /// A recorder that quantises every frame on its own (any colours). `delay_cs` is the time per
    /// frame in hundredths of a second.
    pub fn new(path: &Path, width: usize, height: usize, delay_cs: u16) -> Result<GifRecorder, OutputError> {
        GifRecorder::open(path, width, height, delay_cs, &[])
    }

    /// A recorder with a global palette of 1 to 256 colours; frames whose pixels all appear in it
    /// are stored losslessly.
    pub fn new_with_palette(
        path: &Path,
        width: usize,
        height: usize,
        delay_cs: u16,
        palette: &[[u8; 3]],
    ) -> Result<GifRecorder, OutputError> {
        if palette.is_empty() || palette.len() > 256 {
            return Err(OutputError::invalid(format!(
                "the palette for {} has {} colours; a GIF palette holds 1 to 256",
                path.display(),
                palette.len()
            )));
        }
        GifRecorder::open(path, width, height, delay_cs, palette)
    }

    fn open(path: &Path, w: usize, h: usize, delay_cs: u16, palette: &[[u8; 3]]) -> Result<GifRecorder, OutputError> {
        let size = match (u16::try_from(w), u16::try_from(h)) {
            (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
            _ => {
                return Err(OutputError::invalid(format!(
                    "GIF {} would be {w} x {h} pixels; each side must be 1 to 65535",
                    path.display()
                )));
            }
        };
        let (file, writer) = AtomicFile::create(path)?;
        let mut encoder =
            gif::Encoder::new(writer, size.0, size.1, palette.as_flattened()).map_err(|e| gif_error(path, e))?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(|e| gif_error(path, e))?;
        let lookup = (!palette.is_empty())
            .then(|| palette.iter().enumerate().rev().map(|(i, c)| (*c, i as u8)).collect::<HashMap<_, _>>());
        let colours = palette.len();
        Ok(GifRecorder { encoder, file, path: path.to_path_buf(), size, delay_cs, lookup, colours, frames: 0 })
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    fn check_len(&self, len: usize, per_pixel: usize) -> Result<(), OutputError> {
        let (w, h) = self.size;
        if len == w as usize * h as usize * per_pixel {
            return Ok(());
        }
        Err(OutputError::invalid(format!(
            "a frame for the {w} x {h} GIF {} cannot hold {len} bytes",
            self.path.display()
        )))
    }

    fn write(&mut self, mut frame: gif::Frame<'_>) -> Result<(), OutputError> {
        frame.delay = self.delay_cs;
        self.encoder.write_frame(&frame).map_err(|e| gif_error(&self.path, e))?;
        self.frames += 1;
        Ok(())
    }

    /// Appends a frame of `width * height` RGBA pixels (alpha is ignored).
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<(), OutputError> {
        self.check_len(rgba.len(), 4)?;
        let (w, h) = self.size;
        if let Some(lookup) = &self.lookup {
            let indices: Option<Vec<u8>> =
                rgba.chunks_exact(4).map(|p| lookup.get(&[p[0], p[1], p[2]]).copied()).collect();
            if let Some(indices) = indices {
                return self.write(gif::Frame::from_indexed_pixels(w, h, indices, None));
            }
        }
        let mut opaque = rgba.to_vec();
        opaque.chunks_exact_mut(4).for_each(|p| p[3] = 255);
        self.write(gif::Frame::from_rgba_speed(w, h, &mut opaque, QUANTISE_SPEED))
    }

    /// Appends a frame given as indices into the palette of [`GifRecorder::new_with_palette`],
    /// one byte per pixel.
    pub fn push_indexed(&mut self, indices: &[u8]) -> Result<(), OutputError> {
        self.check_len(indices.len(), 1)?;
        let colours = self.colours;
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= colours) {
            return Err(OutputError::invalid(format!(
                "palette index {bad} for {} is outside its {colours}-colour palette",
                self.path.display()
            )));
        }
        let (w, h) = self.size;
        self.write(gif::Frame::from_indexed_pixels(w, h, indices, None))
    }

    /// Completes the file and moves it to its destination; returns the path.
    pub fn finish(self) -> Result<PathBuf, OutputError> {
        let writer = self.encoder.into_inner().map_err(|e| gif_error(&self.path, e))?;
        self.file.commit(writer)
    }
}

#[cfg(test)]
#[path = "tests/gif.rs"]
pub(crate) mod tests;
