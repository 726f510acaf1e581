//! Atomic file output: bytes are written to a hidden temporary file next to the
//! destination (`.name.tmp-<pid>-<k>`) and renamed onto the destination only
//! after everything was written and flushed. On any error, or if the writer is
//! dropped before committing, the temporary file is removed, so a destination
//! path never holds a half-written file.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::OutputError;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary path used while `target` is being written.
pub fn temp_path_for(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".to_string());
    let k = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = format!(".{name}.tmp-{}-{k}", std::process::id());
    match target.parent() {
        Some(parent) => parent.join(tmp),
        None => PathBuf::from(tmp),
    }
}

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
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    if parent.is_dir() { Ok(()) } else { Err(OutputError::MissingFolder { path: target.to_path_buf() }) }
}

/// A file being written under a temporary name; see the module docs.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `target` and returns it together with a
    /// buffered writer on it.
    pub fn create(target: &Path) -> Result<(AtomicFile, BufWriter<File>), OutputError> {
        check_target(target)?;
        let temp = temp_path_for(target);
        let file = File::create(&temp).map_err(|e| OutputError::io(target, "create", e))?;
        let guard = AtomicFile { target: target.to_path_buf(), temp, committed: false };
        Ok((guard, BufWriter::with_capacity(1 << 16, file)))
    }

    /// Destination path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Temporary path currently being written.
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Flushes `writer`, syncs it and renames the temporary file onto the target.
    pub fn commit(mut self, writer: BufWriter<File>) -> Result<PathBuf, OutputError> {
        let file = writer.into_inner().map_err(|e| OutputError::io(&self.target, "write", e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::io(&self.target, "write", e))?;
        drop(file);
        fs::rename(&self.temp, &self.target)
            .map_err(|e| OutputError::io(&self.target, "rename a temporary file onto", e))?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `path` atomically: `f` fills the buffered writer of a temporary file,
/// which is renamed onto `path` when `f` succeeds and removed when it fails.
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
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic(path, |w| w.write_all(bytes).map_err(|e| OutputError::io(path, "write", e)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh empty folder under the system temporary folder.
    pub(crate) fn scratch_dir(tag: &str) -> PathBuf {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seqscape-output-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub(crate) fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_renames() {
        let dir = scratch_dir("atomic");
        let p = dir.join("a.txt");
        write_bytes_atomic(&p, b"hello").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"hello");
        write_bytes_atomic(&p, b"again").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"again");
        assert_eq!(entries(&dir), vec!["a.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn failure_removes_temporary_and_keeps_old_file() {
        let dir = scratch_dir("atomic-fail");
        let p = dir.join("a.txt");
        write_bytes_atomic(&p, b"old").unwrap();
        let r: Result<(), _> = write_atomic(&p, |w| {
            w.write_all(b"partial").unwrap();
            Err(OutputError::invalid("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(&dir), vec!["a.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_folder_is_reported() {
        let dir = scratch_dir("atomic-missing");
        let p = dir.join("nope").join("a.txt");
        let e = write_bytes_atomic(&p, b"x").unwrap_err();
        assert!(matches!(e, OutputError::MissingFolder { .. }));
        assert!(e.to_string().contains(&p.display().to_string()));
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn dropped_guard_removes_temporary() {
        let dir = scratch_dir("atomic-drop");
        let p = dir.join("a.bin");
        {
            let (guard, mut w) = AtomicFile::create(&p).unwrap();
            w.write_all(b"abc").unwrap();
            w.flush().unwrap();
            assert!(guard.temp().exists());
        }
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }
}
