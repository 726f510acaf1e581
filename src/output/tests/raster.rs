//! Tests of [`super`].

use super::*;

const W: [u8; 3] = [255, 255, 255];
const K: [u8; 3] = [0, 0, 0];

#[test]
fn blit_flips_rows_upward() {
    let mut c = Canvas::new(10, 10, W);
    // 2 x 2 grid: row 0 = red, green; row 1 = blue, black.
    let src = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [0, 0, 0]];
    c.blit_scaled_nearest(&src, 2, 2, Rect::new(1, 1, 8, 8), true);
    assert_eq!(c.get(1, 8), Some([255, 0, 0])); // bottom-left = grid (0, 0)
    assert_eq!(c.get(8, 8), Some([0, 255, 0]));
    assert_eq!(c.get(1, 1), Some([0, 0, 255])); // top-left = grid (0, 1)
    assert_eq!(c.get(0, 0), Some(W));
    assert_eq!(c.get(9, 9), Some(W));
    c.blit_scaled_nearest(&src, 2, 2, Rect::new(1, 1, 8, 8), false);
    assert_eq!(c.get(1, 1), Some([255, 0, 0]));
    // Partly outside: clipped, no panic.
    c.blit_scaled_nearest(&src, 2, 2, Rect::new(-5, 6, 20, 20), true);
}

#[test]
fn shapes_are_clipped_and_drawn() {
    let mut c = Canvas::new(20, 20, W);
    c.fill_rect(Rect::new(-5, -5, 10, 10), K);
    assert_eq!(c.get(0, 0), Some(K));
    assert_eq!(c.get(4, 4), Some(K));
    assert_eq!(c.get(5, 5), Some(W));
    c.line(0.0, 15.5, 19.0, 15.5, [255, 0, 0], 2.0);
    assert_eq!(c.get(10, 15), Some([255, 0, 0]));
    assert_eq!(c.get(10, 10), Some(W));
    c.line(-100.0, -100.0, 200.0, 300.0, K, 3.0);
    let mut d = Canvas::new(40, 40, W);
    d.arrow((5.0, 20.0), (35.0, 20.0), K);
    assert_eq!(d.get(20, 19).map(|p| p[0] < 128), Some(true));
    // The head's strokes reach above and below the shaft near the tip.
    let dark = |x: i32, y: i32| d.get(x, y).unwrap()[0] < 200;
    assert!((15..19).any(|y| dark(31, y)));
    assert!((21..25).any(|y| dark(31, y)));
    let mut e = Canvas::new(10, 10, W);
    e.frame_rect(Rect::new(2, 2, 5, 5), K);
    assert_eq!(e.get(1, 1), Some(K));
    assert_eq!(e.get(7, 7), Some(K));
    assert_eq!(e.get(4, 4), Some(W));
}

#[test]
fn text_leaves_ink_near_the_anchor() {
    let mut c = Canvas::new(120, 40, W);
    c.text(60, 20, "Hz 64", 16.0, K, HAlign::Center).unwrap();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for y in 0..40 {
        for x in 0..120 {
            if c.get(x, y).unwrap()[0] < 128 {
                xs.push(x);
                ys.push(y);
            }
        }
    }
    assert!(!xs.is_empty());
    let (xmin, xmax) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
    let (ymin, ymax) = (*ys.iter().min().unwrap(), *ys.iter().max().unwrap());
    assert!((xmin + xmax) / 2 - 60 <= 3 && 60 - (xmin + xmax) / 2 <= 3, "{xmin}..{xmax}");
    assert!(((ymin + ymax) / 2 - 20).abs() <= 2, "{ymin}..{ymax}");
}
