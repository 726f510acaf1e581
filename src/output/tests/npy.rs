//! Tests of [`super`].

use super::*;
use crate::output::atomic::tests::entries;

#[test]
fn npy_round_trips_through_npyz() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = [
        NpyArray::from_vec(vec![1u32, 2, 3]),
        NpyArray::from_2d(2, 3, vec![1i32, -2, 3, 4, 5, 6]).unwrap(),
        NpyArray::from_2d(1, 3, vec![f32::NAN, 1.5, -0.0]).unwrap(),
        NpyArray::from_vec(Vec::<f64>::new()),
    ];
    for (k, a) in arrays.iter().enumerate() {
        let p = dir.path().join(format!("{k}.npy"));
        write_npy(&p, a).unwrap();
        let b = read_npy(&p).unwrap();
        assert_eq!(b.shape(), a.shape());
        assert_eq!(format!("{b:?}"), format!("{a:?}"));
    }
    let e = NpyArray::from_2d(2, 2, vec![1u32]).unwrap_err().to_string();
    assert!(e.contains("(2, 2)"), "{e}");
}

#[test]
fn npz_round_trip_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("spikes.npz");
    let (i, t) = (NpyArray::from_vec(vec![3u32, 1, 4]), NpyArray::from_vec(vec![0.5f64, 1.0, 2.5]));
    write_npz(&p, &[("i", &i), ("t_ms", &t)]).unwrap();
    assert_eq!(entries(dir.path()), vec!["spikes.npz"]);
    let z = read_npz(&p).unwrap();
    assert_eq!(z.names(), vec!["i", "t_ms"]);
    assert_eq!(z.get_as::<u32>("i").unwrap(), &[3, 1, 4]);
    assert!(z.get_as::<f32>("i").unwrap_err().to_string().contains("uint32"));
    let e = z.get("rates").unwrap_err().to_string();
    assert!(e.contains("'rates'") && e.contains("t_ms") && e.contains("spikes.npz"), "{e}");
    assert_eq!(read_spikes(&p).unwrap(), (vec![3, 1, 4], vec![0.5, 1.0, 2.5]));

    assert!(write_npz(&dir.path().join("x.npz"), &[("a", &i), ("a", &t)]).is_err());
    let missing = dir.path().join("nope").join("x.npz");
    assert!(write_npz(&missing, &[("a", &i)]).unwrap_err().to_string().contains("nope"));
    std::fs::write(dir.path().join("text.npz"), "hello").unwrap();
    let e = read_npz(&dir.path().join("text.npz")).unwrap_err().to_string();
    assert!(e.contains("text.npz") && e.contains("ZIP"), "{e}");
    assert_eq!(entries(dir.path()), vec!["spikes.npz", "text.npz"]);
}

#[test]
fn spike_rules() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.npz");
    let check = |i: NpyArray, t: NpyArray| {
        write_npz(&p, &[("i", &i), ("t_ms", &t)]).unwrap();
        read_spikes(&p).map_err(|e| e.to_string())
    };
    let t2 = || NpyArray::from_vec(vec![1.0f32, 2.0]);
    assert_eq!(check(NpyArray::from_vec(vec![7i64, 0]), t2()).unwrap(), (vec![7, 0], vec![1.0, 2.0]));
    let column = NpyArray::from_2d(2, 1, vec![5u16, 6]).unwrap();
    assert_eq!(check(column, t2()).unwrap().0, vec![5, 6]);
    for (i, t, needle) in [
        (NpyArray::from_vec(vec![-1i64, 0]), t2(), "-1 at index 0"),
        (NpyArray::from_vec(vec![0i64, 1 << 32]), t2(), "at index 1"),
        (NpyArray::from_vec(vec![0.0f64, 1.0]), t2(), "'i' (float64, shape (2,)) has the wrong dtype"),
        (NpyArray::new(vec![], vec![1i64]).unwrap(), t2(), "0-d"),
        (NpyArray::from_2d(1, 2, vec![1i64, 2]).unwrap(), t2(), "more than one column"),
        (NpyArray::from_vec(vec![1u32]), t2(), "1 ids but 't_ms' holds 2"),
        (NpyArray::from_vec(vec![1u32, 2]), NpyArray::from_vec(vec![1.0, f64::NAN]), "NaN at index 1"),
        (NpyArray::from_vec(vec![1u32, 2]), NpyArray::from_vec(vec![1i32, 2]), "'t_ms' (int32"),
    ] {
        let e = check(i, t).unwrap_err();
        assert!(e.contains(needle) && e.contains("s.npz") && !e.contains('\n'), "{e}");
    }
}
