//! Atomic file output: bytes go to a hidden temporary file next to the destination (made by
//! `tempfile`, named `.name.XXXXXX.tmp`) which is renamed onto the destination only after
//! everything was written and flushed. On an error, when the writer is dropped before committing,
//! or on Ctrl-C (see [`super::interrupt`]) the temporary file is removed, so a destination path
//! never holds a half-written file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use super::OutputError;
use super::interrupt::{Registered, register_temp};

/// Checks that `target` names a file whose folder exists.
pub fn check_target(target: &Path) -> Result<(), OutputError> {
    if target.as_os_str().is_empty() || target.file_name().is_none() {
        return Err(OutputError::invalid(format!(
            "'{}' is not a file path; give a path that ends in a file name",
            target.display()
        )));
    }
    if target.is_dir() {
        return Err(OutputError::invalid(format!("{} is a folder; give a file name inside it", target.display())));
    }
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => {
            Err(OutputError::MissingFolder { path: target.to_path_buf() })
        }
        _ => Ok(()),
    }
}

/// Creates an empty temporary file in the folder of `target`, registered for removal on Ctrl-C.
pub fn temp_file_for(target: &Path) -> Result<(File, TempPath, Registered), OutputError> {
    check_target(target)?;
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Temporary files are private (0600) by default; the finished file gets the mode any new file
    // gets (0666 less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let temp = builder.tempfile_in(folder).map_err(|e| OutputError::io(target, "create", e))?;
    let (file, path) = temp.into_parts();
    let registered = register_temp(&path);
    Ok((file, path, registered))
}

/// A file being written under a temporary name; see the module docs.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: TempPath,
    _registered: Registered,
}

impl AtomicFile {
    /// Creates the temporary file for `target` and returns it together with a buffered writer on it.
    pub fn create(target: &Path) -> Result<(AtomicFile, BufWriter<File>), OutputError> {
        let (file, temp, registered) = temp_file_for(target)?;
        let guard = AtomicFile { target: target.to_path_buf(), temp, _registered: registered };
        Ok((guard, BufWriter::with_capacity(1 << 16, file)))
    }

    /// Temporary path currently being written.
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Flushes `writer`, syncs it and renames the temporary file onto the target.
    pub fn commit(self, writer: BufWriter<File>) -> Result<PathBuf, OutputError> {
        let file = writer.into_inner().map_err(|e| OutputError::io(&self.target, "write", e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::io(&self.target, "write", e))?;
        // In the browser files and pipes are stubs that need no closing.
        #[cfg_attr(target_arch = "wasm32", allow(clippy::drop_non_drop))]
        drop(file);
        self.temp
            .persist(&self.target)
            .map_err(|e| OutputError::io(&self.target, "rename a temporary file onto", e.error))?;
        Ok(self.target)
    }
}

/// Writes `path` atomically: `f` fills the buffered writer of a temporary file, which is renamed
/// onto `path` when `f` succeeds and removed when it fails.
pub fn write_atomic<T>(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> Result<T, OutputError>,
) -> Result<T, OutputError> {
    let (guard, mut writer) = AtomicFile::create(path)?;
    let value = f(&mut writer)?;
    writer.flush().map_err(|e| OutputError::io(path, "write", e))?;
    guard.commit(writer)?;
    Ok(value)
}

/// Writes a byte slice to `path` atomically.
/// In the browser, which has no files, the bytes are offered as a download named after the path's
/// file name instead.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    #[cfg(target_arch = "wasm32")]
    return super::download::offer(path, bytes);
    #[cfg(not(target_arch = "wasm32"))]
    write_atomic(path, |w| w.write_all(bytes).map_err(|e| OutputError::io(path, "write", e)))
}

#[cfg(test)]
#[path = "tests/atomic.rs"]
pub(crate) mod tests;
