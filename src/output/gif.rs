//! Animated GIF output. [`GifRecorder`] streams frames into a temporary file
//! next to the destination and renames it into place in
//! [`GifRecorder::finish`]; a recorder dropped without `finish` removes its
//! temporary file. The animation repeats forever.
//!
//! Frames made of a fixed set of colours (colour-mapped activity plus a few
//! greys for text) should use [`GifRecorder::new_with_palette`]: pixels are
//! then mapped to the global palette by exact lookup, which is fast and
//! lossless. Frames with other colours are quantised per frame instead.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::atomic::AtomicFile;
use super::raster::Canvas;

/// NeuQuant speed used for frames that do not fit the palette (1 best .. 30 fastest).
const QUANTISE_SPEED: i32 = 10;

/// GIF delay (hundredths of a second) closest to `fps` frames per second;
/// at least 2, since viewers slow down shorter delays.
pub fn delay_for_fps(fps: f32) -> u16 {
    if fps.is_nan() || fps <= 0.0 {
        return 10;
    }
    (100.0 / fps).round().clamp(2.0, 65535.0) as u16
}

/// Replaces every pixel of `rgba` by the nearest colour of `palette`
/// (squared RGB distance), so that frames built from it hit the palette exactly.
pub fn snap_to_palette(rgba: &mut [u8], palette: &[[u8; 3]]) {
    if palette.is_empty() {
        return;
    }
    let mut cache: HashMap<[u8; 3], [u8; 3]> = HashMap::new();
    for px in rgba.chunks_exact_mut(4) {
        let c = [px[0], px[1], px[2]];
        let snapped = *cache.entry(c).or_insert_with(|| {
            *palette.iter().min_by_key(|p| (0..3).map(|k| (p[k] as i32 - c[k] as i32).pow(2)).sum::<i32>()).unwrap()
        });
        px[..3].copy_from_slice(&snapped);
        px[3] = 255;
    }
}

/// Streams frames to an animated GIF; see the module docs.
pub struct GifRecorder {
    encoder: Option<gif::Encoder<BufWriter<File>>>,
    file: Option<AtomicFile>,
    path: PathBuf,
    width: u16,
    height: u16,
    delay_cs: u16,
    palette: Option<HashMap<[u8; 3], u8>>,
    palette_len: usize,
    frames: usize,
    scratch: Vec<u8>,
}

impl std::fmt::Debug for GifRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GifRecorder")
            .field("path", &self.path)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("frames", &self.frames)
            .finish()
    }
}

fn dim(path: &Path, what: &str, v: usize) -> Result<u16, OutputError> {
    match u16::try_from(v) {
        Ok(d) if d > 0 => Ok(d),
        _ => Err(OutputError::invalid(format!(
            "GIF {} has {what} {v}; it must be between 1 and 65535 pixels",
            path.display()
        ))),
    }
}

fn gif_error(path: &Path, e: gif::EncodingError) -> OutputError {
    match e {
        gif::EncodingError::Io(io) => OutputError::io(path, "write", io),
        other => OutputError::Encode { path: path.to_path_buf(), format: "GIF", message: other.to_string() },
    }
}

impl GifRecorder {
    /// A recorder that quantises every frame on its own (any colours).
    /// `delay_cs` is the time per frame in hundredths of a second.
    pub fn new(path: &Path, width: usize, height: usize, delay_cs: u16) -> Result<GifRecorder, OutputError> {
        GifRecorder::open(path, width, height, delay_cs, None)
    }

    /// A recorder with a global palette of at most 256 colours; frames whose
    /// pixels all appear in it are stored losslessly by exact lookup.
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
        GifRecorder::open(path, width, height, delay_cs, Some(palette))
    }

    fn open(
        path: &Path,
        width: usize,
        height: usize,
        delay_cs: u16,
        palette: Option<&[[u8; 3]]>,
    ) -> Result<GifRecorder, OutputError> {
        let w = dim(path, "width", width)?;
        let h = dim(path, "height", height)?;
        let (file, writer) = AtomicFile::create(path)?;
        let flat: Vec<u8> = palette.unwrap_or(&[]).iter().flat_map(|c| c.iter().copied()).collect();
        let mut encoder = gif::Encoder::new(writer, w, h, &flat).map_err(|e| gif_error(path, e))?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(|e| gif_error(path, e))?;
        let lookup = palette.map(|p| {
            let mut m = HashMap::with_capacity(p.len());
            for (i, c) in p.iter().enumerate() {
                m.entry(*c).or_insert(i as u8);
            }
            m
        });
        Ok(GifRecorder {
            encoder: Some(encoder),
            file: Some(file),
            path: path.to_path_buf(),
            width: w,
            height: h,
            delay_cs,
            palette: lookup,
            palette_len: palette.map_or(0, |p| p.len()),
            frames: 0,
            scratch: Vec::new(),
        })
    }

    pub fn width(&self) -> usize {
        self.width as usize
    }

    pub fn height(&self) -> usize {
        self.height as usize
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Destination path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn pixel_count(&self) -> usize {
        self.width as usize * self.height as usize
    }

    fn write(&mut self, frame: &gif::Frame<'_>) -> Result<(), OutputError> {
        let encoder = self.encoder.as_mut().expect("encoder present until finish");
        encoder.write_frame(frame).map_err(|e| gif_error(&self.path, e))?;
        self.frames += 1;
        Ok(())
    }

    /// Appends a frame of `width * height` RGBA pixels (alpha is ignored).
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<(), OutputError> {
        let n = self.pixel_count();
        if rgba.len() != n * 4 {
            return Err(OutputError::invalid(format!(
                "a frame for {} must hold {} RGBA bytes ({} x {} pixels) but has {}",
                self.path.display(),
                n * 4,
                self.width,
                self.height,
                rgba.len()
            )));
        }
        if let Some(lookup) = &self.palette {
            let mut indices = std::mem::take(&mut self.scratch);
            indices.clear();
            let mut last: Option<([u8; 3], u8)> = None;
            let mut complete = true;
            for px in rgba.chunks_exact(4) {
                let c = [px[0], px[1], px[2]];
                let idx = match last {
                    Some((lc, li)) if lc == c => li,
                    _ => match lookup.get(&c) {
                        Some(&i) => {
                            last = Some((c, i));
                            i
                        }
                        None => {
                            complete = false;
                            break;
                        }
                    },
                };
                indices.push(idx);
            }
            if complete {
                let mut frame = gif::Frame::from_indexed_pixels(self.width, self.height, indices, None);
                frame.delay = self.delay_cs;
                let result = self.write(&frame);
                if let std::borrow::Cow::Owned(v) = frame.buffer {
                    self.scratch = v;
                }
                return result;
            }
            self.scratch = indices;
        }
        let mut copy = rgba.to_vec();
        for px in copy.chunks_exact_mut(4) {
            px[3] = 255;
        }
        let mut frame = gif::Frame::from_rgba_speed(self.width, self.height, &mut copy, QUANTISE_SPEED);
        frame.delay = self.delay_cs;
        self.write(&frame)
    }

    /// Appends a canvas of the recorder's size.
    pub fn push_canvas(&mut self, canvas: &Canvas) -> Result<(), OutputError> {
        if canvas.w != self.width as usize || canvas.h != self.height as usize {
            return Err(OutputError::invalid(format!(
                "a {} x {} canvas cannot go into the {} x {} GIF {}",
                canvas.w,
                canvas.h,
                self.width,
                self.height,
                self.path.display()
            )));
        }
        self.push_rgba(&canvas.rgba)
    }

    /// Appends a frame given as indices into the palette of
    /// [`GifRecorder::new_with_palette`], one byte per pixel.
    pub fn push_indexed(&mut self, indices: &[u8]) -> Result<(), OutputError> {
        if self.palette.is_none() {
            return Err(OutputError::invalid(format!(
                "indexed frames for {} need a recorder made with new_with_palette",
                self.path.display()
            )));
        }
        if indices.len() != self.pixel_count() {
            return Err(OutputError::invalid(format!(
                "an indexed frame for {} must hold {} pixels but has {}",
                self.path.display(),
                self.pixel_count(),
                indices.len()
            )));
        }
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= self.palette_len) {
            return Err(OutputError::invalid(format!(
                "palette index {bad} for {} is outside the {}-colour palette",
                self.path.display(),
                self.palette_len
            )));
        }
        let mut frame = gif::Frame::from_indexed_pixels(self.width, self.height, indices.to_vec(), None);
        frame.delay = self.delay_cs;
        self.write(&frame)
    }

    /// Completes the file and moves it to its destination; returns the path.
    pub fn finish(mut self) -> Result<PathBuf, OutputError> {
        let encoder = self.encoder.take().expect("encoder present until finish");
        let writer = encoder.into_inner().map_err(|e| gif_error(&self.path, e))?;
        let file = self.file.take().expect("file present until finish");
        file.commit(writer)
    }
}

impl Drop for GifRecorder {
    fn drop(&mut self) {
        // Close the encoder before the temporary file is removed by `AtomicFile`.
        drop(self.encoder.take());
        drop(self.file.take());
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::output::atomic::tests::{entries, scratch_dir};
    use crate::output::colormap::Colormap;
    use std::fs;

    /// Decodes a GIF into (width, height, RGBA frames, delays).
    pub(crate) fn decode(path: &Path) -> (usize, usize, Vec<Vec<u8>>, Vec<u16>) {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut d = opts.read_info(fs::File::open(path).unwrap()).unwrap();
        let (w, h) = (d.width() as usize, d.height() as usize);
        let mut frames = Vec::new();
        let mut delays = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            assert_eq!((f.width as usize, f.height as usize), (w, h));
            frames.push(f.buffer.to_vec());
            delays.push(f.delay);
        }
        (w, h, frames, delays)
    }

    fn gradient_frame(w: usize, h: usize, lut: &[[u8; 3]; 256], shift: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(w * h * 4);
        for y in 0..h {
            for x in 0..w {
                let c = lut[(x + y + shift) % 256];
                v.extend_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        v
    }

    #[test]
    fn palette_frames_round_trip_exactly() {
        let dir = scratch_dir("gif-pal");
        let p = dir.join("a.gif");
        let lut = Colormap::Viridis.lut();
        let (w, h) = (37, 21);
        let mut rec = GifRecorder::new_with_palette(&p, w, h, 4, &lut).unwrap();
        let frames: Vec<Vec<u8>> = (0..3).map(|k| gradient_frame(w, h, &lut, 50 * k)).collect();
        for f in &frames {
            rec.push_rgba(f).unwrap();
        }
        let idx: Vec<u8> = (0..w * h).map(|i| (i % 256) as u8).collect();
        rec.push_indexed(&idx).unwrap();
        assert_eq!(rec.frames(), 4);
        assert_eq!(entries(&dir).len(), 1); // only the temporary so far
        assert!(!p.exists());
        assert_eq!(rec.finish().unwrap(), p);
        assert_eq!(entries(&dir), vec!["a.gif"]);

        let (dw, dh, got, delays) = decode(&p);
        assert_eq!((dw, dh), (w, h));
        assert_eq!(got.len(), 4);
        assert_eq!(&got[..3], &frames[..]);
        assert!(delays.iter().all(|&d| d == 4));
        let c = lut[(w + 5) % 256];
        assert_eq!(&got[3][(w + 5) * 4..(w + 5) * 4 + 3], &c);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn off_palette_and_plain_frames_are_quantised() {
        let dir = scratch_dir("gif-quant");
        let p = dir.join("b.gif");
        let (w, h) = (16, 8);
        let mut frame = vec![0u8; w * h * 4];
        for (i, px) in frame.chunks_exact_mut(4).enumerate() {
            let c = if i % w < w / 2 { [200, 30, 30] } else { [30, 30, 200] };
            px.copy_from_slice(&[c[0], c[1], c[2], 255]);
        }
        let mut rec = GifRecorder::new_with_palette(&p, w, h, 10, &[[0, 0, 0], [255, 255, 255]]).unwrap();
        rec.push_rgba(&frame).unwrap();
        rec.finish().unwrap();
        let (_, _, got, _) = decode(&p);
        let close = |a: &[u8], b: [u8; 3]| (0..3).all(|k| (a[k] as i32 - b[k] as i32).abs() <= 8);
        assert!(close(&got[0][0..3], [200, 30, 30]));
        assert!(close(&got[0][(w - 1) * 4..(w - 1) * 4 + 3], [30, 30, 200]));

        let q = dir.join("c.gif");
        let mut rec = GifRecorder::new(&q, w, h, delay_for_fps(25.0)).unwrap();
        rec.push_rgba(&frame).unwrap();
        rec.push_rgba(&frame).unwrap();
        rec.finish().unwrap();
        let (_, _, got, delays) = decode(&q);
        assert_eq!(got.len(), 2);
        assert_eq!(delays, vec![4, 4]);
        assert!(close(&got[1][0..3], [200, 30, 30]));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn drop_without_finish_leaves_nothing() {
        let dir = scratch_dir("gif-drop");
        let p = dir.join("a.gif");
        {
            let mut rec = GifRecorder::new(&p, 4, 4, 10).unwrap();
            rec.push_rgba(&[255u8; 64]).unwrap();
        }
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_input_is_reported() {
        let dir = scratch_dir("gif-bad");
        let missing = dir.join("no-such-folder").join("a.gif");
        let e = GifRecorder::new(&missing, 4, 4, 10).unwrap_err();
        assert!(e.to_string().contains(&missing.display().to_string()), "{e}");
        assert!(!dir.join("no-such-folder").exists());
        assert!(GifRecorder::new(&dir.join("z.gif"), 0, 4, 10).is_err());
        assert!(GifRecorder::new(&dir.join("z.gif"), 70000, 4, 10).is_err());
        let mut rec = GifRecorder::new_with_palette(&dir.join("a.gif"), 4, 4, 10, &[[0, 0, 0]]).unwrap();
        assert!(rec.push_rgba(&[0u8; 10]).is_err());
        assert!(rec.push_indexed(&[1u8; 16]).is_err());
        assert!(rec.push_indexed(&[0u8; 15]).is_err());
        drop(rec);
        let mut plain = GifRecorder::new(&dir.join("b.gif"), 4, 4, 10).unwrap();
        assert!(plain.push_indexed(&[0u8; 16]).is_err());
        drop(plain);
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn snapping_and_delays() {
        let mut px = vec![10u8, 10, 10, 255, 250, 240, 250, 0];
        snap_to_palette(&mut px, &[[0, 0, 0], [255, 255, 255]]);
        assert_eq!(px, vec![0, 0, 0, 255, 255, 255, 255, 255]);
        assert_eq!(delay_for_fps(10.0), 10);
        assert_eq!(delay_for_fps(40.0), 3);
        assert_eq!(delay_for_fps(100.0), 2);
        assert_eq!(delay_for_fps(0.0), 10);
    }
}
