//! Tests of [`super`].

use super::*;

fn luminance(c: [u8; 3]) -> f64 {
    let lin = |u: u8| {
        let s = u as f64 / 255.0;
        if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter().zip(b).all(|(&x, y)| (x as i32 - y as i32).abs() <= tol)
}

/// Published values: matplotlib's `_cm_listed.py` tables (viridis, magma, inferno, plasma) and
/// the cividis paper's end points (Nuñez, Anderton & Renslow 2018).
#[test]
fn viridis_endpoints() {
    let c = Colormap::Viridis;
    assert!(close(c.rgb(0.0), [68, 1, 84], 1), "{:?}", c.rgb(0.0));
    assert!(close(c.rgb(1.0), [253, 231, 37], 1), "{:?}", c.rgb(1.0));
    assert!(close(c.rgb(0.5), [33, 145, 140], 2), "{:?}", c.rgb(0.5));
    assert_eq!(c.rgb(-3.0), c.rgb(0.0));
    assert_eq!(c.rgb(7.0), c.rgb(1.0));
    assert_eq!(c.rgb(f32::NAN), NAN_COLOR);
    assert_eq!(c.lut()[0], c.rgb(0.0));
    assert_eq!(c.lut()[255], c.rgb(1.0));
    let p = c.activity_palette();
    assert_eq!((p.len(), p[0], p[239], p[240], p[255]), (256, c.rgb(0.0), c.rgb(1.0), [0; 3], [255; 3]));
}

#[test]
fn other_endpoints() {
    assert!(close(Colormap::Magma.rgb(0.0), [0, 0, 4], 1));
    assert!(close(Colormap::Magma.rgb(1.0), [252, 253, 191], 1));
    assert!(close(Colormap::Inferno.rgb(1.0), [252, 255, 164], 1));
    assert!(close(Colormap::Plasma.rgb(0.0), [13, 8, 135], 1));
    assert!(close(Colormap::Plasma.rgb(1.0), [240, 249, 33], 1));
    assert!(close(Colormap::Cividis.rgb(0.0), [0, 32, 77], 5));
    assert!(close(Colormap::Cividis.rgb(1.0), [253, 233, 69], 5));
    assert_eq!(Colormap::Gray.rgb(0.0), [0, 0, 0]);
    assert_eq!(Colormap::Gray.rgb(1.0), [255, 255, 255]);
}

#[test]
fn sequential_maps_increase_in_luminance() {
    for map in Colormap::ALL.iter().filter(|m| !m.is_cyclic()) {
        let mut prev = -1.0;
        for i in 0..=64 {
            let y = luminance(map.rgb(i as f32 / 64.0));
            assert!(y >= prev - 1e-3, "{map}: luminance drops at {i}/64");
            prev = y;
        }
        assert!(luminance(map.rgb(1.0)) > luminance(map.rgb(0.0)) + 0.5, "{map}");
    }
}

#[test]
fn hsv_is_cyclic_and_colourful() {
    let c = Colormap::Hsv;
    assert_eq!(c.rgb(0.0), c.rgb(1.0));
    assert_eq!(c.rgb(0.0), [255, 0, 0]);
    assert!(close(c.rgb(1.0 / 3.0), [0, 255, 0], 1));
    assert!(close(c.rgb(2.0 / 3.0), [0, 0, 255], 1));
}

#[test]
fn names_round_trip_and_errors_list_choices() {
    for (name, map) in Colormap::names().iter().zip(Colormap::ALL) {
        assert_eq!(Colormap::from_name(name).unwrap(), map);
        assert_eq!(map.name(), *name);
        assert_eq!(name.parse::<Colormap>().unwrap(), map);
    }
    assert_eq!(Colormap::from_name("Grey").unwrap(), Colormap::Gray);
    assert_eq!(Colormap::from_name(" VIRIDIS ").unwrap(), Colormap::Viridis);
    assert_eq!(Colormap::default(), Colormap::Viridis);
    let e = Colormap::from_name("jet").unwrap_err().to_string();
    assert!(e.contains("'jet'"));
    for n in Colormap::names() {
        assert!(e.contains(n), "{e}");
    }
}

#[test]
fn scaled_and_samples() {
    let c = Colormap::Viridis;
    assert_eq!(c.rgb_scaled(32.0, 0.0, 64.0), c.rgb(0.5));
    assert_eq!(c.rgb_scaled(1.0, 1.0, 1.0), c.rgb(0.5));
    let s = c.samples(5);
    assert_eq!(s.len(), 5);
    assert_eq!(s[0], c.rgb(0.0));
    assert_eq!(s[4], c.rgb(1.0));
}
