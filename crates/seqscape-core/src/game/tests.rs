//! Tests of the challenge levels: parsing, ink accounting, the launched sequence, and every level
//! in `assets/levels` solvable with its known solution and lost with nothing painted.

use super::*;

fn level(text: &str) -> Level {
    Level::parse(text, "test.toml").unwrap()
}

const OPEN: &str = r#"
name = "open"
hint = ""
landscape = "homogeneous"
direction_deg = 0
seed = 4
ink = 2000
time_limit_ms = 400
start = { x = 20.5, y = 60.5, radius = 4 }
goal = { x = 100.5, y = 60.5, radius = 6 }
"#;

/// The level files shipped in `assets/levels`, in order.
fn shipped() -> Vec<(String, Level)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/levels");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|f| (f.file_name().unwrap().to_string_lossy().into_owned(), Level::load(&f).unwrap()))
        .collect()
}

/// A known solution per shipped level: strokes (E-grid points) and the brush radius.
fn solution(file: &str) -> (Vec<Vec<(f64, f64)>>, f64) {
    match &file[..2] {
        "01" => (vec![vec![(18.5, 60.5), (92.5, 60.5)]], 6.0),
        "02" => (vec![vec![(20.5, 18.5), (20.5, 90.5), (84.5, 90.5)]], 5.0),
        "03" => (vec![vec![(25.5, 60.5), (55.5, 30.5), (70.5, 30.5), (95.5, 55.5)]], 5.0),
        "04" => (vec![vec![(28.5, 60.5), (88.5, 60.5)]], 6.0),
        "05" => (vec![vec![(100.5, 90.5), (140.5, 50.5), (140.5, 28.5)]], 6.0),
        other => panic!("no known solution for level {other}"),
    }
}

fn play(level: &Level, strokes: &[Vec<(f64, f64)>], radius: f64) -> (Phase, usize) {
    let mut s = Session::new(level.clone(), 0).unwrap();
    for stroke in strokes {
        s.paint_stroke(stroke, radius).unwrap();
    }
    let phase = s.play_out();
    (phase, s.challenge.ink_used())
}

#[test]
fn every_level_is_won_with_its_solution_and_lost_unpainted() {
    let levels = shipped();
    assert!(levels.len() >= 5, "at least five levels ship");
    for (file, level) in &levels {
        let (strokes, radius) = solution(file);
        let (won, ink) = play(level, &strokes, radius);
        eprintln!("{file}: solution {won:?} (ink {ink} of {})", level.ink);
        assert!(matches!(won, Phase::Won(_)), "{file}: the known solution gives {won:?}");
        let (lost, _) = play(level, &[], radius);
        eprintln!("{file}: unpainted {lost:?}");
        assert!(matches!(lost, Phase::Lost(_)), "{file}: the level's own landscape gives {lost:?}");
    }
}

#[test]
fn ink_is_counted_against_the_levels_own_landscape_and_refused_beyond_the_budget() {
    let mut text = OPEN.replace("ink = 2000", "ink = 60");
    text += "walls = [{ x = 50, y = 50, width = 10, height = 10 }]\n";
    let lv = level(&text);
    let n = level::SHEET;
    let original = vec![0.0f32; n * n];
    let mut c = Challenge::new(lv, original.clone());
    let mut dir = original.clone();
    let east = 0.0f32;
    let north = std::f32::consts::FRAC_PI_2;
    // Painting the direction a neuron already has costs nothing.
    assert_eq!(c.paint(&mut dir, &[0, 1, 2], east).unwrap(), Vec::<usize>::new());
    assert_eq!(c.ink_used(), 0);
    let ids: Vec<usize> = (0..40).collect();
    assert_eq!(c.paint(&mut dir, &ids, north).unwrap().len(), 40);
    assert_eq!((c.ink_used(), c.ink_left()), (40, 20));
    // Repainting with another new direction costs nothing more; painting back refunds.
    c.paint(&mut dir, &ids[..10], std::f32::consts::PI).unwrap();
    assert_eq!(c.ink_used(), 40);
    c.paint(&mut dir, &ids[..10], east).unwrap();
    assert_eq!(c.ink_used(), 30);
    // Beyond the budget the whole stroke is refused and nothing changes.
    let more: Vec<usize> = (100..140).collect();
    assert_eq!(c.paint(&mut dir, &more, north), Err(PaintRefused::NoInk { needed: 40, left: 30 }));
    assert!(more.iter().all(|&i| dir[i] == east) && c.ink_used() == 30);
    // Wall neurons are not painted and cost nothing.
    let wall: Vec<usize> = (50..60).map(|x| 55 * n + x).collect();
    assert!(c.paint(&mut dir, &wall, north).unwrap().is_empty());
    assert_eq!(c.ink_used(), 30);
    // After the launch painting is over.
    assert!(c.launch(0.0).is_some());
    assert_eq!(c.paint(&mut dir, &[500], north), Err(PaintRefused::Launched));
    assert!(c.launch(1.0).is_none(), "one launch per try");
}

#[test]
fn a_sequence_born_away_from_the_start_never_wins() {
    let (_, lv) = shipped().into_iter().next().unwrap();
    let goal = lv.goal;
    let mut s = Session::new(lv, 0).unwrap();
    s.launch();
    // A pulse right in the goal disc at the launch: its activity lies in the goal at once.
    s.net.stimulate((goal.x - 0.5, goal.y - 0.5), 4.0, 500.0, 50.0);
    let mut goal_active = false;
    while matches!(s.challenge.phase(), Phase::Running { .. }) {
        s.step_ms();
        goal_active |= (0..s.trace.len()).any(|c| {
            s.trace[c] >= 1.0 && goal.contains(level::SHEET, ((c % 120) as f64 + 0.5, (c / 120) as f64 + 0.5))
        });
    }
    assert!(goal_active, "the second pulse lights the goal");
    assert!(matches!(s.challenge.phase(), Phase::Lost(_)), "{:?}", s.challenge.phase());
}

#[test]
fn a_won_score_rewards_time_and_ink_left() {
    let lv = level(OPEN);
    let fast = Score::new(&lv, 100.0, 500);
    let slow = Score::new(&lv, 300.0, 500);
    let thrifty = Score::new(&lv, 100.0, 100);
    assert!(thrifty.points > fast.points && fast.points > slow.points);
    assert_eq!(Score::new(&lv, 0.0, 0).points, 2000);
}

fn parse_err(text: &str) -> String {
    let e = Level::parse(text, "bad.toml").unwrap_err().to_string();
    assert!(!e.contains('\n'), "one line: {e}");
    assert!(e.starts_with("bad.toml: "), "names the file: {e}");
    e
}

#[test]
fn bad_level_files_are_refused_with_one_line_naming_the_field() {
    let e = parse_err(&format!("{OPEN}colour = 3\n"));
    assert!(e.contains("colour") && e.contains("unknown") && e.contains("time_limit_ms"), "{e}");
    let e = parse_err(&OPEN.replace("ink = 2000\n", ""));
    assert!(e.contains("ink: missing") && e.contains("integer from 0 to 14400"), "{e}");
    let e = parse_err(&OPEN.replace("x = 100.5", "x = 130"));
    assert!(e.contains("goal.x") && e.contains("130") && e.contains("from 0 to 120"), "{e}");
    let e = parse_err(&OPEN.replace("radius = 4", "radius = 4, r = 2"));
    assert!(e.contains("start.r") && e.contains("unknown"), "{e}");
    let e = parse_err(&OPEN.replace("start = { x = 20.5, y = 60.5, radius = 4 }", "start = { x = 20.5, y = 60.5 }"));
    assert!(e.contains("start.radius: missing"), "{e}");
    let e = parse_err(&format!("{OPEN}walls = [{{ x = 10, y = 200, width = 5, height = 5 }}]\n"));
    assert!(e.contains("walls[0].y") && e.contains("0 to 119"), "{e}");
    let e = parse_err(&OPEN.replace("time_limit_ms = 400", "time_limit_ms = 1e9"));
    assert!(e.contains("time_limit_ms") && e.contains("50 to 2000"), "{e}");
    let e = parse_err(&OPEN.replace("ink = 2000", "ink = \"lots\""));
    assert!(e.contains("ink: \"lots\" has the wrong type") && e.contains("integer from 0"), "{e}");
    let e = parse_err(&OPEN.replace("ink = 2000", "ink = -3"));
    assert!(e.contains("ink: -3"), "{e}");
    let e = parse_err("name = ");
    assert!(e.contains("TOML"), "{e}");
    let e = parse_err(&OPEN.replace("x = 100.5", "x = 22.5"));
    assert!(e.contains("goal") && e.contains("overlaps"), "{e}");
}
