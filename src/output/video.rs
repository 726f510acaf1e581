//! Video files of activity frames: GIF through [`GifRecorder`], MP4 through an `ffmpeg` child
//! fed raw RGBA frames on its standard input (no Rust crate encodes H.264 without a C library, and
//! `ffmpeg` is what users have). The MP4 goes to a registered temporary file (see
//! [`super::interrupt`]) that is renamed into place when `ffmpeg` succeeds.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};

use tempfile::TempPath;

use super::atomic::temp_file_for;
use super::gif::{GifRecorder, delay_for_fps};
use super::interrupt::{Registered, register_child};

/// The video formats a recording can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoFormat {
    Gif,
    Mp4,
}

impl VideoFormat {
    /// The format named by the file's extension.
    pub fn from_path(path: &Path) -> Result<VideoFormat, String> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("gif") => Ok(VideoFormat::Gif),
            Some("mp4") => Ok(VideoFormat::Mp4),
            _ => Err(format!("cannot record to {}: the file name must end in .gif or .mp4", path.display())),
        }
    }
}

/// Whether `ffmpeg` can be run.
pub fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Checks a recording target before anything is simulated: its format, its folder, and for MP4
/// that `ffmpeg` is on the PATH.
pub fn check_video_target(path: &Path) -> Result<VideoFormat, String> {
    let format = VideoFormat::from_path(path)?;
    // Creating (and dropping) a temporary file checks the folder and that it is writable.
    temp_file_for(path).map_err(|e| e.to_string())?;
    if format == VideoFormat::Mp4 && !ffmpeg_available() {
        return Err(format!(
            "cannot record {}: MP4 needs 'ffmpeg' on the PATH (install it, or record a .gif)",
            path.display()
        ));
    }
    Ok(format)
}

/// An MP4 being written by `ffmpeg` from raw RGBA frames into a temporary file; the child and
/// the file are registered for clean-up on Ctrl-C.
struct Mp4Pipe {
    stdin: Option<ChildStdin>,
    child: Registered,
    temp: TempPath,
    target: PathBuf,
}

impl Mp4Pipe {
    fn open(path: &Path, w: usize, h: usize, fps: f32) -> Result<Mp4Pipe, String> {
        let (_, temp, _) = temp_file_for(path).map_err(|e| e.to_string())?;
        let mut child = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s"])
            .arg(format!("{w}x{h}"))
            .args(["-r", &fps.to_string(), "-i", "-", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"])
            .args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4"])
            .arg(&temp)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start ffmpeg for {}: {e}", path.display()))?;
        let stdin = child.stdin.take();
        let child = register_child(child, &temp);
        Ok(Mp4Pipe { stdin, child, temp, target: path.to_path_buf() })
    }

    fn push(&mut self, rgba: &[u8]) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("ffmpeg is closed")?;
        stdin.write_all(rgba).map_err(|e| format!("ffmpeg stopped while writing {}: {e}", self.target.display()))
    }

    fn finish(mut self) -> Result<PathBuf, String> {
        // In the browser files and pipes are stubs that need no closing.
        #[cfg_attr(target_arch = "wasm32", allow(clippy::drop_non_drop))]
        drop(self.stdin.take());
        let mut child = self.child.take_child().ok_or("ffmpeg is gone")?;
        let mut err = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        let status = child.wait().map_err(|e| format!("ffmpeg failed on {}: {e}", self.target.display()))?;
        if !status.success() {
            let line = err.lines().next().unwrap_or("no message");
            return Err(format!("ffmpeg could not write {}: {line}", self.target.display()));
        }
        self.temp
            .persist(&self.target)
            .map_err(|e| format!("cannot move the video to {}: {e}", self.target.display()))?;
        Ok(self.target)
    }
}

/// A video file being written, frame by frame; [`VideoWriter::finish`] moves it into place.
pub struct VideoWriter {
    sink: Sink,
    w: usize,
    h: usize,
    frames: usize,
    /// Size of the GIF's global palette (0: none).
    palette_len: usize,
}

enum Sink {
    Gif(Box<GifRecorder>),
    Mp4(Mp4Pipe),
}

impl VideoWriter {
    /// Opens `path` (format from its extension) for `w`×`h` frames at `fps`; a GIF whose frames
    /// use only `palette` stores them losslessly.
    pub fn open(path: &Path, w: usize, h: usize, fps: f32, palette: Option<&[[u8; 3]]>) -> Result<VideoWriter, String> {
        let sink = match VideoFormat::from_path(path)? {
            VideoFormat::Gif => {
                let delay = delay_for_fps(fps);
                let rec = match palette {
                    Some(p) => GifRecorder::new_with_palette(path, w, h, delay, p),
                    None => GifRecorder::new(path, w, h, delay),
                };
                Sink::Gif(Box::new(rec.map_err(|e| e.to_string())?))
            }
            VideoFormat::Mp4 => {
                if !ffmpeg_available() {
                    return Err(format!("cannot record {}: MP4 needs 'ffmpeg' on the PATH", path.display()));
                }
                Sink::Mp4(Mp4Pipe::open(path, w, h, fps)?)
            }
        };
        Ok(VideoWriter { sink, w, h, frames: 0, palette_len: palette.map_or(0, <[[u8; 3]]>::len) })
    }

    pub fn size(&self) -> (usize, usize) {
        (self.w, self.h)
    }

    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Appends a frame of the writer's size (RGBA).
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<(), String> {
        if rgba.len() != self.w * self.h * 4 {
            return Err(format!("a {}×{} video cannot take a frame of {} bytes", self.w, self.h, rgba.len()));
        }
        match &mut self.sink {
            Sink::Gif(g) => g.push_rgba(rgba).map_err(|e| e.to_string())?,
            Sink::Mp4(m) => m.push(rgba)?,
        }
        self.frames += 1;
        Ok(())
    }

    /// Appends a frame of palette indices (GIFs made with this palette store it as is).
    pub fn push_indexed(&mut self, indices: &[u8], palette: &[[u8; 3]]) -> Result<(), String> {
        if indices.len() != self.w * self.h {
            return Err(format!("a {}×{} video cannot take a frame of {} pixels", self.w, self.h, indices.len()));
        }
        match &mut self.sink {
            Sink::Gif(g) if self.palette_len == palette.len() => g.push_indexed(indices).map_err(|e| e.to_string())?,
            _ => {
                let mut rgba = Vec::with_capacity(indices.len() * 4);
                for &i in indices {
                    let c = palette.get(i as usize).copied().unwrap_or([0, 0, 0]);
                    rgba.extend_from_slice(&[c[0], c[1], c[2], 255]);
                }
                return self.push_rgba(&rgba);
            }
        }
        self.frames += 1;
        Ok(())
    }

    /// Completes the file; returns its path.
    pub fn finish(self) -> Result<PathBuf, String> {
        match self.sink {
            Sink::Gif(g) => g.finish().map_err(|e| e.to_string()),
            Sink::Mp4(m) => m.finish(),
        }
    }
}

#[cfg(test)]
#[path = "tests/video.rs"]
mod tests;
