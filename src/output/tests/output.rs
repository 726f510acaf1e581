//! Tests of [`super`].

use super::*;

#[test]
fn errors_are_one_line_and_name_the_path() {
    let e = OutputError::MissingFolder { path: PathBuf::from("/nope/out.gif") };
    let s = e.to_string();
    assert!(s.contains("/nope/out.gif") && s.contains("/nope") && !s.contains('\n'));
    let e = OutputError::UnknownColormap { name: "jet".into() };
    assert!(e.to_string().contains("viridis"));
}
