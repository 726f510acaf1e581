//! Tests of [`super`].

use super::*;

#[test]
fn arrows_follow_the_landscape_and_skip_unshifted_blocks() {
    let n = 10;
    let mut direction = vec![f32::NAN; n * n];
    for y in 0..5 {
        for x in 0..5 {
            direction[y * n + x] = std::f32::consts::FRAC_PI_2;
        }
    }
    let arrows = block_arrows(&Landscape { n, direction }, 5);
    assert_eq!(arrows.len(), 1);
    assert_eq!(arrows[0].0, [2.5, 2.5]);
    assert!((arrows[0].1 - std::f32::consts::FRAC_PI_2).abs() < 1e-5);
}

#[test]
fn frames_use_the_palette_and_put_row_zero_at_the_bottom() {
    let n = 20;
    let mut r = FrameRenderer::new(n, Colormap::Viridis, true);
    let mut trace = vec![0.0; n * n];
    trace[0] = 10.0; // bottom-left neuron at full scale
    let l = Landscape { n, direction: vec![0.0; n * n] };
    let c = r.render(&trace, Some(&l));
    let (w, h) = r.size();
    assert_eq!((w, h), (400, 400));
    let px = |x: usize, y: usize| {
        let i = (y * w + x) * 4;
        [c.rgba[i], c.rgba[i + 1], c.rgba[i + 2]]
    };
    assert_eq!(px(1, h - 2), r.color(10.0));
    assert_eq!(px(1, 1), r.color(0.0));
    assert!(c.rgba.chunks(4).any(|p| p[..3] == ARROW_RGB));
    assert!(c.rgba.chunks(4).all(|p| r.palette().contains(&[p[0], p[1], p[2]])));
}

#[test]
fn a_painted_block_shows_its_painted_direction() {
    // A 4×4 sheet, one 4×4 block: 12 neurons at 0 rad, 4 painted at π/2.
    let mut direction = vec![0.0f32; 16];
    let mut painted = vec![false; 16];
    for i in [5, 6, 9, 10] {
        direction[i] = std::f32::consts::FRAC_PI_2;
        painted[i] = true;
    }
    let l = Landscape { n: 4, direction };
    let blended = block_arrows(&l, 4);
    assert_eq!(blended.len(), 1);
    assert!(blended[0].1 > 0.1 && blended[0].1 < 0.5, "a blend of old and new: {}", blended[0].1);
    let shown = block_arrows_painted(&l, 4, Some(&painted));
    assert!((shown[0].1 - std::f32::consts::FRAC_PI_2).abs() < 1e-6, "{}", shown[0].1);
    // Without painted neurons in a block, the plain mean.
    assert_eq!(block_arrows_painted(&l, 4, Some(&[false; 16])), blended);
}
