//! The sheet wrapped onto a torus in 3-D, drawn on the CPU: x around the ring (radius 1), y around
//! the tube (radius 0.4), seen from an orbit camera. Each pixel's ray is sphere-traced against the
//! torus' distance function; a hit takes the colour of the sheet's cell under it, lit by a
//! Lambert term plus ambient light, so that bright (active) cells glow on the shaded donut. Rows
//! are drawn in parallel.

use rayon::prelude::*;

use super::raster::{Canvas, Rect};

/// Radius of the ring (the donut's centre line).
pub const RING_RADIUS: f32 = 1.0;
/// Radius of the tube.
pub const TUBE_RADIUS: f32 = 0.4;
/// Light that reaches every surface, as a fraction of full brightness.
const AMBIENT: f32 = 0.4;
/// Vertical field of view, degrees.
const FOV_DEG: f32 = 45.0;

/// Where the camera looks from: around the donut's axis, above its plane, and how far from its
/// centre (in ring radii).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Orbit {
    pub yaw_deg: f32,
    pub pitch_deg: f32,
    pub distance: f32,
}

type V3 = [f32; 3];

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
fn mul(a: V3, s: f32) -> V3 {
    [a[0] * s, a[1] * s, a[2] * s]
}
fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
fn norm(a: V3) -> V3 {
    let l = dot(a, a).sqrt().max(1e-12);
    mul(a, 1.0 / l)
}

/// Distance from `p` to the torus around the y axis.
fn sdf(p: V3) -> f32 {
    let q = (p[0] * p[0] + p[2] * p[2]).sqrt() - RING_RADIUS;
    (q * q + p[1] * p[1]).sqrt() - TUBE_RADIUS
}

/// The first hit of the ray `origin + t·dir` (unit `dir`) on the torus.
fn trace(origin: V3, dir: V3) -> Option<V3> {
    // Start where the ray enters the bounding sphere.
    let bound = RING_RADIUS + TUBE_RADIUS + 0.01;
    let b = dot(origin, dir);
    let c = dot(origin, origin) - bound * bound;
    let disc = b * b - c;
    if disc < 0.0 {
        return None;
    }
    let (t_in, t_out) = (-b - disc.sqrt(), -b + disc.sqrt());
    let mut t = t_in.max(0.0);
    for _ in 0..96 {
        let p = add(origin, mul(dir, t));
        let d = sdf(p);
        if d < 1e-4 {
            return Some(p);
        }
        t += d;
        if t > t_out {
            return None;
        }
    }
    None
}

/// Draws the `n`×`n` sheet of `cells` (colours, `[y·n + x]`, row 0 at the bottom) as a torus into
/// `area` of `canvas`; pixels of `area` off the torus get `background`.
pub fn draw_torus(canvas: &mut Canvas, area: Rect, cells: &[[u8; 3]], n: usize, orbit: Orbit, background: [u8; 3]) {
    if n == 0 || cells.len() < n * n || area.w == 0 || area.h == 0 {
        return;
    }
    let (yaw, pitch) = (orbit.yaw_deg.to_radians(), orbit.pitch_deg.to_radians());
    let eye = mul([pitch.cos() * yaw.sin(), pitch.sin(), pitch.cos() * yaw.cos()], orbit.distance);
    let forward = norm(mul(eye, -1.0));
    let right = norm(cross(forward, [0.0, 1.0, 0.0]));
    let up = cross(right, forward);
    // The light comes from above the camera's left shoulder.
    let light = norm(add(add(mul(eye, 1.0 / orbit.distance), mul(up, 0.9)), mul(right, -0.5)));
    let half_h = (FOV_DEG.to_radians() / 2.0).tan();
    let (aw, ah) = (area.w as f32, area.h as f32);
    let aspect = aw / ah;
    let tau = std::f32::consts::TAU;
    let (cw, x0, y0) = (canvas.w, area.x.max(0) as usize, area.y.max(0) as usize);
    let x1 = (area.right().max(0) as usize).min(canvas.w);
    let y1 = (area.bottom().max(0) as usize).min(canvas.h);
    canvas.rgba.par_chunks_mut(cw * 4).enumerate().filter(|(y, _)| (y0..y1).contains(y)).for_each(|(y, row)| {
        let sy = 1.0 - 2.0 * ((y - y0) as f32 + 0.5) / ah;
        for x in x0..x1 {
            let sx = (2.0 * ((x - x0) as f32 + 0.5) / aw - 1.0) * aspect;
            let dir = norm(add(forward, add(mul(right, sx * half_h), mul(up, sy * half_h))));
            let c = match trace(eye, dir) {
                None => background,
                Some(p) => {
                    let u = p[2].atan2(p[0]).rem_euclid(tau);
                    let ring = [u.cos() * RING_RADIUS, 0.0, u.sin() * RING_RADIUS];
                    let normal = norm(sub(p, ring));
                    let radial = (p[0] * p[0] + p[2] * p[2]).sqrt() - RING_RADIUS;
                    let v = p[1].atan2(radial).rem_euclid(tau);
                    let cx = ((u / tau * n as f32) as usize).min(n - 1);
                    let cy = ((v / tau * n as f32) as usize).min(n - 1);
                    let base = cells[cy * n + cx];
                    let light = AMBIENT + (1.0 - AMBIENT) * dot(normal, light).max(0.0);
                    base.map(|ch| (ch as f32 * light).round().min(255.0) as u8)
                }
            };
            row[x * 4..x * 4 + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_donut_has_a_dark_hole_and_lit_sheet_colours() {
        let n = 20;
        let cells: Vec<[u8; 3]> =
            (0..n * n).map(|i| if i % n < n / 2 { [250, 200, 0] } else { [0, 100, 250] }).collect();
        let mut canvas = Canvas::new(200, 160, [0, 0, 0]);
        let orbit = Orbit { yaw_deg: 0.0, pitch_deg: 60.0, distance: 3.2 };
        draw_torus(&mut canvas, Rect::new(0, 0, 200, 160), &cells, n, orbit, [10, 10, 10]);
        assert_eq!(canvas.get(100, 80), Some([10, 10, 10]), "the hole");
        assert_eq!(canvas.get(1, 1), Some([10, 10, 10]), "a corner");
        // Left and right of the hole: the ring, in one of the two sheet colours, shaded.
        let hue = |c: [u8; 3]| if c[0] > c[2] { "warm" } else { "cold" };
        let (left, right) = (canvas.get(40, 80).unwrap(), canvas.get(160, 80).unwrap());
        assert!(left != [10, 10, 10] && right != [10, 10, 10], "{left:?} {right:?}");
        // x = 0..n/2 is the half of the ring at u in [0, π): toward +z, the camera's side (the bottom
        // of the picture, seen from above) — left and right lie on both halves' border, so compare
        // the front and the back instead.
        let (front, back) = (canvas.get(100, 130).unwrap(), canvas.get(100, 35).unwrap());
        assert_eq!((hue(front), hue(back)), ("warm", "cold"), "front {front:?}, back {back:?}");
        // Shading: not every ring pixel has the same brightness.
        let ring: Vec<u32> = (0..200)
            .map(|x| canvas.get(x, 130).unwrap())
            .filter(|c| *c != [10, 10, 10])
            .map(|c| c.iter().map(|&v| v as u32).sum())
            .collect();
        assert!(ring.iter().max() > ring.iter().min(), "lit unevenly");
    }
}
