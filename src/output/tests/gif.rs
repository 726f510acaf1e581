//! Tests of [`super`].

use super::*;
use crate::output::atomic::tests::entries;
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
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
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
    assert_eq!(entries(dir).len(), 1); // only the temporary so far
    assert!(!p.exists());
    assert_eq!(rec.finish().unwrap(), p);
    assert_eq!(entries(dir), vec!["a.gif"]);

    let (dw, dh, got, delays) = decode(&p);
    assert_eq!((dw, dh), (w, h));
    assert_eq!(got.len(), 4);
    assert_eq!(&got[..3], &frames[..]);
    assert!(delays.iter().all(|&d| d == 4));
    let c = lut[(w + 5) % 256];
    assert_eq!(&got[3][(w + 5) * 4..(w + 5) * 4 + 3], &c);
}

#[test]
fn off_palette_and_plain_frames_are_quantised() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
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
}

#[test]
fn drop_without_finish_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let p = dir.join("a.gif");
    {
        let mut rec = GifRecorder::new(&p, 4, 4, 10).unwrap();
        rec.push_rgba(&[255u8; 64]).unwrap();
    }
    assert!(entries(dir).is_empty());
}

#[test]
fn bad_input_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let missing = dir.join("no-such-folder").join("a.gif");
    let e = GifRecorder::new(&missing, 4, 4, 10).err().unwrap();
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
    assert!(entries(dir).is_empty());
}

#[test]
fn delays() {
    assert_eq!(delay_for_fps(10.0), 10);
    assert_eq!(delay_for_fps(40.0), 3);
    assert_eq!(delay_for_fps(100.0), 2);
    assert_eq!(delay_for_fps(0.0), 10);
}
