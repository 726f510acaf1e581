//! Tests of [`super`].

use super::*;

#[test]
fn unknown_extensions_are_refused() {
    assert!(VideoFormat::from_path(Path::new("a.avi")).unwrap_err().contains(".gif or .mp4"));
    assert_eq!(VideoFormat::from_path(Path::new("a.GIF")).unwrap(), VideoFormat::Gif);
}
