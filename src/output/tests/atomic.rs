//! Tests of [`super`].

use super::*;
use std::fs;

/// The names in `dir`, sorted.
pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn writes_and_renames() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.txt");
    write_bytes_atomic(&p, b"hello").unwrap();
    write_bytes_atomic(&p, b"again").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"again");
    assert_eq!(entries(dir.path()), vec!["a.txt"]);
}

#[test]
fn failure_removes_temporary_and_keeps_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.txt");
    write_bytes_atomic(&p, b"old").unwrap();
    let r: Result<(), _> = write_atomic(&p, |w| {
        w.write_all(b"partial").unwrap();
        Err(OutputError::invalid("boom"))
    });
    assert!(r.is_err());
    assert_eq!(fs::read(&p).unwrap(), b"old");
    assert_eq!(entries(dir.path()), vec!["a.txt"]);
}

#[test]
fn missing_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope").join("a.txt");
    let e = write_bytes_atomic(&p, b"x").unwrap_err();
    assert!(matches!(e, OutputError::MissingFolder { .. }));
    assert!(e.to_string().contains(&p.display().to_string()));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn dropped_guard_removes_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.bin");
    {
        let (guard, mut w) = AtomicFile::create(&p).unwrap();
        w.write_all(b"abc").unwrap();
        w.flush().unwrap();
        assert!(guard.temp().exists());
        assert!(guard.temp().file_name().unwrap().to_string_lossy().starts_with(".a.bin."));
    }
    assert!(entries(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn finished_files_get_the_mode_of_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"x").unwrap();
    let ours = dir.path().join("ours");
    write_bytes_atomic(&ours, b"x").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&ours), mode(&plain));
}
