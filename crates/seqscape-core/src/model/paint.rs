//! Painting the connectivity landscape: which neurons a brush disc covers on the torus, the discs
//! along a stroke, the stroke's direction, and redrawing the painted neurons' connections. The
//! window's brush, the tour's scripted strokes and the challenge levels all paint through here.

use std::f64::consts::{PI, TAU};

use super::connectivity::PartLayout;
use super::landscape::lattice_angle;
use super::network::{Connectivity, partition_rows};
use super::params::{Params, ShiftMode};

/// The neurons (`y·n + x`) whose cell centres lie within `radius` of `centre` on the n×n torus.
/// `centre` is in grid units (cell x spans [x, x+1)).
pub fn disc(n: usize, (cx, cy): (f64, f64), radius: f64) -> Vec<usize> {
    let mut ids = Vec::new();
    if n == 0 || !cx.is_finite() || !cy.is_finite() || !radius.is_finite() || radius < 0.0 {
        return ids;
    }
    let nf = n as f64;
    let r = radius.min(nf).ceil() as i64;
    let nn = n as i64;
    for dy in -r..=r {
        for dx in -r..=r {
            let (x, y) = ((cx.floor() as i64 + dx).rem_euclid(nn), (cy.floor() as i64 + dy).rem_euclid(nn));
            let (fx, fy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
            let (fx, fy) = (fx - (fx / nf).round() * nf, fy - (fy / nf).round() * nf);
            if fx * fx + fy * fy <= radius * radius {
                ids.push((y * nn + x) as usize);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Points from `from` (excluded unless it is `to`) to `to` at most half a radius apart, so that
/// discs of `radius` around them cover the whole segment.
pub fn stroke_points(from: (f64, f64), to: (f64, f64), radius: f64) -> Vec<(f64, f64)> {
    let len = (to.0 - from.0).hypot(to.1 - from.1);
    let step = (radius * 0.5).max(0.25);
    let count = ((len / step).ceil() as usize).clamp(1, 4096);
    (1..=count)
        .map(|k| {
            let s = k as f64 / count as f64;
            (from.0 + (to.0 - from.0) * s, from.1 + (to.1 - from.1) * s)
        })
        .collect()
}

/// The direction of the segment `from` → `to` in radians in [0, 2π), measured from +x toward +y.
pub fn stroke_angle(from: (f64, f64), to: (f64, f64)) -> f64 {
    (to.1 - from.1).atan2(to.0 - from.0).rem_euclid(TAU)
}

/// The angle the network can express: one of the 8 lattice directions with the lattice shift,
/// the angle itself with the continuous one.
pub fn snap(p: &Params, angle: f64) -> f64 {
    if p.shift_mode == ShiftMode::Lattice { lattice_angle(angle) } else { angle.rem_euclid(2.0 * PI) }
}

/// Sets `direction` (NaN: unshifted) for every neuron in `ids`; returns the neurons whose direction
/// changed, whose connections then need [`redraw`].
pub fn set_directions(direction: &mut [f32], ids: &[usize], angle: f32) -> Vec<usize> {
    ids.iter()
        .copied()
        .filter(|&id| {
            let old = direction[id];
            direction[id] = angle;
            old.to_bits() != angle.to_bits()
        })
        .collect()
}

/// New connections for `sources` after their directions changed in `conn.landscape`, and the
/// partitioned buckets rebuilt (run it inside the simulation's thread pool).
pub fn redraw(conn: &mut Connectivity, params: &Params, sources: &[usize]) {
    let partitions: Vec<PartLayout> = partition_rows(params.n, conn.parts.len().max(1));
    conn.buckets.redraw(params, &conn.landscape, sources);
    let buckets = std::mem::take(&mut conn.buckets);
    let landscape = std::mem::replace(&mut conn.landscape, super::Landscape { n: 0, direction: Vec::new() });
    *conn = Connectivity::from_parts(landscape, buckets, &partitions);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disc_wraps_and_counts_like_the_area() {
        let ids = disc(20, (0.5, 0.5), 3.0);
        // The cells within 3 of a cell centre: 29 (the Gauss circle count for r = 3).
        assert_eq!(ids.len(), 29);
        assert!(ids.contains(&(19 * 20 + 19)), "wraps across both edges");
        assert!(ids.contains(&3) && !ids.contains(&4));
        assert!(disc(20, (f64::NAN, 1.0), 3.0).is_empty());
    }

    #[test]
    fn stroke_discs_cover_the_segment() {
        let pts = stroke_points((1.0, 1.0), (9.0, 5.0), 2.0);
        assert_eq!(*pts.last().unwrap(), (9.0, 5.0));
        let mut prev = (1.0, 1.0);
        for p in pts {
            assert!((p.0 - prev.0).hypot(p.1 - prev.1) <= 1.0 + 1e-9);
            prev = p;
        }
        // Every point of the segment lies within half a radius of a painted point.
        let (from, to) = ((2.0, 3.0), (40.0, 20.0));
        let pts = stroke_points(from, to, 3.0);
        for k in 0..=200 {
            let s = k as f64 / 200.0;
            let q = (from.0 + (to.0 - from.0) * s, from.1 + (to.1 - from.1) * s);
            let nearest = pts.iter().chain([&from]).map(|p| (p.0 - q.0).hypot(p.1 - q.1)).fold(f64::MAX, f64::min);
            assert!(nearest <= 1.5 + 1e-9, "a gap at {q:?}: {nearest}");
        }
        assert_eq!(stroke_points(to, to, 3.0), vec![to]);
        assert!((stroke_angle((0.0, 0.0), (0.0, -1.0)) - 1.5 * PI).abs() < 1e-12);
    }

    #[test]
    fn set_directions_reports_only_changes() {
        let mut d = vec![f32::NAN, 1.0, 2.0];
        assert_eq!(set_directions(&mut d, &[0, 1, 2], 1.0), vec![0, 2]);
        assert_eq!(d, vec![1.0, 1.0, 1.0]);
    }
}
