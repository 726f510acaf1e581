//! Tests of the tour's schema, validation and scene driving.

use super::*;

#[test]
fn the_bundled_tour_parses_and_every_scene_validates() {
    let tour = Tour::bundled().unwrap();
    assert!(tour.scenes.len() >= 7, "{} scenes", tour.scenes.len());
    for s in &tour.scenes {
        assert!((10.0..=20.0).contains(&s.duration_s), "{}: {} s", s.caption, s.duration_s);
        assert!(!s.caption.is_empty());
    }
    let views: Vec<SceneView> = tour.scenes.iter().map(|s| s.view).collect();
    assert!(views.contains(&SceneView::Torus) && views.contains(&SceneView::Sheet));
    assert!(tour.scenes.iter().any(|s| !s.strokes.is_empty()), "a painted scene");
    assert!(tour.scenes.iter().any(|s| matches!(s.model, Model::Ei(_)) && !s.stimuli.is_empty()), "a click");
}

/// Activity on the ring in `bins` angular bins (around `centre`, within `band` of `radius`).
fn ring_profile(trace: &[f32], n: usize, centre: (f64, f64), radius: f64, band: f64, bins: usize) -> Vec<f64> {
    let mut p = vec![0.0; bins];
    for (i, &v) in trace.iter().enumerate() {
        let (x, y) = ((i % n) as f64 + 0.5 - centre.0, (i / n) as f64 + 0.5 - centre.1);
        if (x.hypot(y) - radius).abs() <= band {
            let a = y.atan2(x).rem_euclid(std::f64::consts::TAU);
            p[((a / std::f64::consts::TAU * bins as f64) as usize).min(bins - 1)] += f64::from(v);
        }
    }
    p
}

/// The rotation (in bins, -bins/2..bins/2) that best maps profile `a` onto `b`.
fn best_shift(a: &[f64], b: &[f64]) -> i64 {
    let k = a.len() as i64;
    let (ma, mb) = (a.iter().sum::<f64>() / k as f64, b.iter().sum::<f64>() / k as f64);
    (-8..=8)
        .max_by(|&s, &t| {
            let c = |s: i64| -> f64 {
                (0..k).map(|i| (a[i as usize] - ma) * (b[(i + s).rem_euclid(k) as usize] - mb)).sum()
            };
            c(s).total_cmp(&c(t))
        })
        .unwrap_or(0)
}

/// Degrees the activity on the ring turns per second (counter-clockwise positive), from the
/// best rotation between profiles `dt_s` apart, and the ring's share of the sheet's activity.
fn ring_turning(scene: &Scene, centre: (f64, f64), radius: f64, band: f64) -> (f64, f64) {
    let mut run = run::SceneRun::start(scene, 2, false).unwrap();
    let n = run.n();
    let bins = 72;
    let dt_s = 0.02;
    let mut prev: Option<Vec<f64>> = None;
    let (mut turned, mut share, mut count) = (0.0, 0.0, 0.0);
    let steps = (scene.duration_s / dt_s) as usize;
    for k in 1..=steps {
        run.advance_to(k as f64 * dt_s);
        let p = ring_profile(run.trace(), n, centre, radius, band, bins);
        let total: f64 = run.trace().iter().map(|&v| f64::from(v)).sum();
        if let Some(q) = prev.as_ref().filter(|_| k as f64 * dt_s >= 1.0) {
            turned += best_shift(q, &p) as f64 * 360.0 / bins as f64;
            share += p.iter().sum::<f64>() / total.max(1e-9);
            count += 1.0;
        }
        prev = Some(p);
    }
    (turned / (count * dt_s), share / count)
}

#[test]
fn a_bump_circles_the_painted_loop_the_way_it_was_painted() {
    let tour = Tour::bundled().unwrap();
    let scene = tour.scenes.iter().find(|s| !s.strokes.is_empty()).unwrap().clone();
    let (centre, radius, band) = ((50.0, 50.0), 30.0, scene.strokes[0].radius);
    let mut short = scene.clone();
    short.duration_s = 8.0;
    let (ccw, _) = ring_turning(&short, centre, radius, band);
    // The same ring painted the other way round, and not painted at all.
    let mut reversed = short.clone();
    reversed.strokes[0].points.reverse();
    let (cw, _) = ring_turning(&reversed, centre, radius, band);
    let mut plain = short.clone();
    plain.strokes.clear();
    let (still, _) = ring_turning(&plain, centre, radius, band);
    eprintln!("painted loop: {ccw:.1} deg/s counter-clockwise, {cw:.1} clockwise, {still:.1} unpainted");
    assert!(ccw > 30.0, "counter-clockwise painting turns the activity counter-clockwise: {ccw:.1} deg/s");
    assert!(cw < -30.0, "clockwise painting turns it clockwise: {cw:.1} deg/s");
    assert!(still.abs() < 10.0, "unpainted, the symmetric landscape's bumps stand still: {still:.1} deg/s");
}

fn small_scene(extra: &str) -> Scene {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("small.toml"),
        "preset = \"paper\"\nlandscape = \"symmetric\"\nscale_down = 4\nseed = 1\nwarmup_ms = 100.0\n",
    )
    .unwrap();
    let text = format!("[[scene]]\ncaption = \"a\"\npreset = \"small.toml\"\nduration_s = 2\n{extra}");
    let tour = Tour::parse(&text, "t.toml", Some(dir.path())).unwrap();
    tour.scenes[0].clone()
}

#[test]
fn a_scripted_stroke_paints_directions_along_it_and_redraws_the_connections() {
    let scene = small_scene(
        "[[scene.stroke]]\nat_s = 0.5\npoints = [[2, 12], [22, 12]]\nradius = 2\ndirection = \"along\"\n\
         [[scene.stroke]]\nat_s = 1.0\npoints = [[12, 9], [12, 15]]\nradius = 1\ndirection = \"erase\"\n",
    );
    let mut run = run::SceneRun::start(&scene, 1, false).unwrap();
    let n = run.n();
    assert!(n > 22, "a sheet of {n}");
    run.advance_to(0.4);
    assert!(run.landscape().direction.iter().all(|d| d.is_nan()), "symmetric: no shift before the stroke");
    let mid = 12 * n + 12;
    let before = run.connectivity().buckets.targets_of(mid).to_vec();
    run.advance_to(0.6);
    assert_ne!(run.connectivity().buckets.targets_of(mid), before.as_slice(), "the painted neuron's targets moved");
    let painted: Vec<usize> = (0..n * n).filter(|&i| run.painted()[i]).collect();
    assert!(painted.len() >= 60, "a band along the stroke: {} neurons", painted.len());
    for &i in &painted {
        let (x, y) = ((i % n) as f64 + 0.5, (i / n) as f64 + 0.5);
        assert!((y - 12.0).abs() <= 2.0 + 1e-9 && (0.0..=24.0).contains(&x), "({x}, {y}) is off the stroke");
        assert_eq!(run.landscape().direction[i], 0.0, "along +x");
    }
    // The erasing stroke restores the generated (unshifted) landscape where it passes.
    run.advance_to(1.1);
    let at = 12 * n + 12;
    assert!(run.landscape().direction[at].is_nan() && !run.painted()[at]);
    assert!(run.landscape().direction[12 * n + 4] == 0.0, "the rest stays painted");
}

/// In a scene of the E-I network a stroke paints the E sheet: the painted E neurons' directions
/// change in the network itself and their connections are drawn again from them.
#[test]
fn a_scripted_stroke_paints_the_e_sheet_of_an_ei_scene() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("small-ei.toml"),
        "network = \"ei\"\nlandscape = \"symmetric\"\nscale_down = 3\nseed = 1\nwarmup_ms = 100.0\n",
    )
    .unwrap();
    let text = "[[scene]]\ncaption = \"a\"\npreset = \"small-ei.toml\"\nduration_s = 2\n\
                [[scene.stroke]]\nat_s = 0.5\npoints = [[4, 20], [30, 20]]\nradius = 2\ndirection = \"along\"\n";
    let tour = Tour::parse(text, "t.toml", Some(dir.path())).unwrap();
    let mut run = run::SceneRun::start(&tour.scenes[0], 1, false).unwrap();
    let n = run.n();
    let mid = 20 * n + 16;
    run.advance_to(0.4);
    let ei = run.ei().expect("an E-I scene");
    assert!(ei.conn.landscape.direction[mid].is_nan(), "symmetric: no shift before the stroke");
    let before = ei.conn.targets_of(mid).to_vec();
    let untouched = ei.conn.targets_of(0).to_vec();
    run.advance_to(0.6);
    let ei = run.ei().unwrap();
    assert_eq!(ei.conn.landscape.direction[mid], 0.0, "painted along +x in the network");
    assert_eq!(run.landscape().direction[mid], 0.0, "and on the sheet shown");
    assert_ne!(ei.conn.targets_of(mid), before.as_slice(), "the painted E neuron's targets were drawn again");
    assert_eq!(ei.conn.targets_of(0), untouched.as_slice(), "an E neuron off the stroke keeps its targets");
}

#[test]
fn a_scripted_stimulus_makes_its_disc_fire() {
    let quiet = "[[scene.stimulus]]\nat_s = 1.0\nx = 6\ny = 18\nradius = 2\namplitude_pa = 3000\nduration_ms = 10\n";
    let count = |scene: &Scene| -> usize {
        let mut run = run::SceneRun::start(scene, 1, true).unwrap();
        run.advance_to(1.02);
        let (t0, n) = (run.t0_ms(), run.n());
        let (ids, times) = run.spikes();
        ids.iter()
            .zip(times)
            .filter(|&(&id, &t)| {
                let (x, y) = ((id as usize % n) as f64 + 0.5, (id as usize / n) as f64 + 0.5);
                t > t0 + 1000.0 && (x - 6.0).hypot(y - 18.0) <= 2.0
            })
            .count()
    };
    let with = count(&small_scene(quiet));
    let without = count(&small_scene(""));
    assert!(with >= 13 && with > 2 * without + 5, "the disc fires: {with} spikes with the pulse, {without} without");
}

#[test]
fn bad_scenes_are_one_line_naming_the_scene_and_field() {
    let bad = |extra: &str, words: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("[[scene]]\ncaption = \"a\"\npreset = \"fig2-random\"\nduration_s = 12\n{extra}");
        let e = Tour::parse(&text, "t.toml", Some(dir.path())).unwrap_err();
        assert_eq!(e.lines().count(), 1, "{e}");
        for w in words {
            assert!(e.contains(w), "'{w}' missing from: {e}");
        }
    };
    bad("view = \"cube\"", &["t.toml", "scene 1", "view", "\"sheet\" or \"torus\""]);
    bad("speed = 9", &["scene 1", "speed", "0.02 to 4"]);
    bad("colour = 1", &["scene 1", "colour", "accepted keys"]);
    bad("camera = { pitch_deg = 95 }", &["camera.pitch_deg", "-89 to 89"]);
    bad(
        "[[scene.stroke]]\nat_s = 0\npoints = [[1, 1]]\nradius = 2\ndirection = \"up\"",
        &["stroke 1.direction", "along"],
    );
    bad("[[scene.stimulus]]\nat_s = 12\nx = 1\ny = 1", &["stimulus 1.at_s", "inside the scene"]);
    bad("[[scene.stimulus]]\nat_s = 1\nx = 1\ny = 100", &["stimulus 1.y", "off the sheet", "0 to 100"]);
    assert!(Tour::parse("", "t.toml", None).unwrap_err().contains("at least one scene"));
}
