//! Round trips of the NumPy files through NumPy itself: what seqscape writes, NumPy reads with the
//! right dtypes and shapes, and what NumPy users write (`savez`, `savez_compressed`, any integer
//! ids, float32 times, extra arrays) seqscape reads, or refuses in one line.
//!
//! Needs `python3` with NumPy (`apt-get install python3-numpy`, as `scripts/test.sh` does).

use std::path::Path;
use std::process::Command;

use seqscape::output::npy::{NpyArray, read_npy, read_spikes, write_npy, write_npz};

/// A Python interpreter that has NumPy; panics with the way to install it otherwise.
fn python() -> &'static str {
    for exe in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(exe).args(["-c", "import numpy"]).output().is_ok_and(|o| o.status.success());
        if ok {
            return exe;
        }
    }
    panic!(
        "these tests need python3 with NumPy: install it with 'apt-get install python3-numpy' (scripts/test.sh does)"
    );
}

/// Runs `script` in the folder `dir`; panics with Python's error output when it fails.
fn run_python(dir: &Path, script: &str) {
    let out = Command::new(python()).arg("-c").arg(script).current_dir(dir).output().expect("python3 runs");
    assert!(out.status.success(), "python failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn numpy_reads_what_seqscape_writes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (i, t) = (NpyArray::from_vec(vec![3u32, 0, 399]), NpyArray::from_vec(vec![0.1f64, 0.2, 1e6]));
    write_npz(&d.join("spikes.npz"), &[("i", &i), ("t_ms", &t)]).unwrap();
    let n = 3;
    write_npy(&d.join("in_degree.npy"), &NpyArray::from_2d(n, n, (0..9).map(|k| k - 4).collect::<Vec<i32>>()).unwrap())
        .unwrap();
    let landscape = vec![f32::NAN, 0.5, 6.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.0];
    write_npy(&d.join("landscape.npy"), &NpyArray::from_2d(n, n, landscape).unwrap()).unwrap();
    run_python(
        d,
        r#"
import numpy as np
z = np.load("spikes.npz")
assert sorted(z.files) == ["i", "t_ms"], z.files
assert z["i"].dtype == np.uint32 and z["i"].shape == (3,), (z["i"].dtype, z["i"].shape)
assert z["t_ms"].dtype == np.float64 and z["t_ms"].tolist() == [0.1, 0.2, 1e6]
assert z["i"].tolist() == [3, 0, 399]
d = np.load("in_degree.npy")
assert d.dtype == np.int32 and d.shape == (3, 3) and d[0, 1] == -3 and d[2, 2] == 4, d
l = np.load("landscape.npy")
assert l.dtype == np.float32 and l.shape == (3, 3) and np.isnan(l[0, 0]) and l[0, 2] == 6.0, l
"#,
    );
}

#[test]
fn seqscape_reads_what_numpy_users_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_python(
        d,
        r#"
import numpy as np
t = np.array([0.5, 1.0, 2.5])
np.savez("int64.npz", i=np.array([5, 0, 7]), t_ms=t)
np.savez_compressed("compressed.npz", i=np.array([5, 0, 7], dtype=np.int32), t_ms=t.astype(np.float32))
np.savez("extra.npz", label=np.array(["a", "bc"]), i=np.array([5, 0, 7], dtype=np.uint16), flags=np.array([True]), t_ms=t)
np.savez("column.npz", i=np.array([[5], [0], [7]], dtype=np.uint32), t_ms=t[:, None])
np.savez_compressed("large.npz", i=np.arange(100000) % 400, t_ms=np.linspace(0, 1000, 100000))
np.savez("negative.npz", i=np.array([5, -1, 7]), t_ms=t)
np.savez("huge.npz", i=np.array([5, 2**32, 7]), t_ms=t)
np.savez("lengths.npz", i=np.array([5, 0]), t_ms=t)
np.savez("nan.npz", i=np.array([5, 0, 7]), t_ms=np.array([0.5, np.inf, 1.0]))
np.savez("scalar.npz", i=np.array(5), t_ms=np.array(0.5))
np.savez("float_ids.npz", i=t, t_ms=t)
np.savez("matrix.npz", i=np.zeros((3, 2), dtype=np.int64), t_ms=t)
np.savez("no_times.npz", i=np.array([5, 0, 7]))
np.savez("string_times.npz", i=np.array([5, 0, 7]), t_ms=np.array(["a", "b", "c"]))
np.save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
np.save("c_order.npy", np.arange(6, dtype=np.float32).reshape(2, 3))
"#,
    );
    let expected = (vec![5u32, 0, 7], vec![0.5, 1.0, 2.5]);
    for name in ["int64", "compressed", "extra", "column"] {
        assert_eq!(read_spikes(&d.join(format!("{name}.npz"))).unwrap(), expected, "{name}");
    }
    let (i, t) = read_spikes(&d.join("large.npz")).unwrap();
    assert_eq!((i.len(), i[401], t[99_999]), (100_000, 1, 1000.0));

    for (name, needles) in [
        ("negative", &["'i' (int64, shape (3,))", "-1 at index 1", "integer array"][..]),
        ("huge", &["4294967296 at index 1"]),
        ("lengths", &["2 ids but 't_ms' holds 3"]),
        ("nan", &["'t_ms' (float64, shape (3,))", "inf at index 1", "finite"]),
        ("scalar", &["'i' (int64, shape ())", "0-d scalar"]),
        ("float_ids", &["'i' (float64, shape (3,)) has the wrong dtype"]),
        ("matrix", &["shape (3, 2)", "more than one column"]),
        ("no_times", &["no array named 't_ms'", "it holds: i"]),
        ("string_times", &["'t_ms'", "<U1", "float64 or float32"]),
    ] {
        let path = d.join(format!("{name}.npz"));
        let e = read_spikes(&path).unwrap_err().to_string();
        assert!(!e.contains('\n') && e.contains(&path.display().to_string()), "{name}: {e}");
        for needle in needles {
            assert!(e.contains(needle), "{name}: '{needle}' not in: {e}");
        }
    }

    let c = read_npy(&d.join("c_order.npy")).unwrap();
    assert_eq!((c.shape(), c.as_f32().unwrap()[4]), (&[2, 3][..], 4.0));
    let e = read_npy(&d.join("fortran.npy")).unwrap_err().to_string();
    assert!(e.contains("Fortran order") && e.contains("ascontiguousarray"), "{e}");
}
