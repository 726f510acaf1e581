//! Challenges in the window (`seqscape play`, or the panel's "Play"): the level's network built
//! on a task (the window keeps running the old network meanwhile) and swapped in, its start and goal discs and walls drawn, the left drag paints directions at the cost of ink
//! (a stroke beyond the budget is refused with a notice), `L` or Enter launches the sequence from
//! the start, `Backspace` retries the level, `N` goes to the next one. The core's [`Challenge`]
//! follows the launched sequence on the E sheet's trace; a small window shows the level, ink left,
//! the timer, the outcome, the score and the best score, kept in the user's data folder. The
//! simulation pauses at the outcome; Retry or Next runs it again.

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy::window::PrimaryWindow;
use bevy_egui::egui::{self, Color32};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, input::EguiWantsInput};
use seqscape_core::game::headless::{level_params, stroke_cover, wall_ids};
use seqscape_core::game::{Challenge, Level, Phase};
use seqscape_core::model::ei::{EiNetwork, ei_thread_pool};
use seqscape_core::sim::ei::{EiSim, insert_ei_network};
use seqscape_core::sim::{ActivityBins, SimConnectivity, SimPool, SimSet, SimState, SimTick, StimulusQueue};

use super::camera::{ViewCamera, cursor_world};
use super::clock::SimClock;
use super::{AppSet, GeneratedLandscape, Notices};
use crate::levels::{self, BestScores};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Play>();
    app.add_systems(Update, (enter, keys, paint).chain().in_set(AppSet::Input));
    follow_every_tick(app);
    app.add_systems(Update, (follow, draw).chain().in_set(AppSet::Display));
    app.add_systems(EguiPrimaryContextPass, hud);
}

/// A level to play from the start: its number among the shipped levels, and strokes to paint and
/// launch at once (`seqscape play --paint`).
#[derive(Clone, Debug)]
pub struct PlayStart {
    pub level: Level,
    pub number: Option<usize>,
    pub strokes: Vec<Vec<(f64, f64)>>,
    pub brush: f64,
}

/// Play mode: the level asked for and the one being played.
#[derive(Resource, Default)]
pub struct Play {
    /// A level to (re)start at the next frame.
    pub request: Option<PlayStart>,
    pub active: Option<Active>,
    /// A button pressed in the challenge's window, done at the next frame's input.
    pub action: Option<Action>,
    /// The level whose network is being built (off the main thread, so the window keeps running).
    building: Option<(PlayStart, Task<Result<EiNetwork, String>>)>,
}

impl Play {
    /// Whether a level's network is being built.
    pub fn building(&self) -> bool {
        self.building.is_some()
    }
}

/// What the player asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Launch,
    Retry,
    Next,
}

/// The level being played.
pub struct Active {
    pub number: Option<usize>,
    pub challenge: Challenge,
    /// The best score before this try.
    pub best: Option<levels::Best>,
    /// Whether this try's win was offered to the best scores.
    recorded: bool,
    /// The brush radius, E-grid units.
    pub brush: f64,
}

/// Present while a level is played: the sheet's own click and brush tools are off.
#[derive(Resource)]
pub struct Playing;

/// Starts shipped level `number` (from the panel's "Play").
pub fn request_level(play: &mut Play, number: usize, notices: &mut Notices) {
    match levels::shipped(number) {
        Ok(level) => play.request = Some(PlayStart { level, number: Some(number), strokes: Vec::new(), brush: 5.0 }),
        Err(e) => notices.push(e.0),
    }
}

/// Builds the requested level's network (walls silenced, warmed up) on a task, and swaps it and
/// its challenge in when it is ready.
fn enter(world: &mut World) {
    if let Some(start) = world.resource_mut::<Play>().request.take() {
        let threads = world.resource::<SimPool>().0.current_num_threads();
        let level = start.level.clone();
        let task = AsyncComputeTaskPool::get().spawn(async move { level_network(&level, threads) });
        world.resource_mut::<Notices>().push(format!("building {}…", start.level.name));
        world.resource_mut::<Play>().building = Some((start, task));
        return;
    }
    let ready = {
        let mut play = world.resource_mut::<Play>();
        let Some((_, task)) = play.building.as_mut() else { return };
        match check_ready(task) {
            Some(result) => play.building.take().map(|(start, _)| (start, result)),
            None => None,
        }
    };
    let Some((start, built)) = ready else { return };
    let net = match built {
        Ok(net) => net,
        Err(e) => {
            world.resource_mut::<Notices>().push(format!("cannot play {}: {e}", start.level.name));
            return;
        }
    };
    let challenge = swap_in(world, &start, net);
    let best = levels::data_dir().and_then(|d| BestScores::load(&d).levels.get(&start.level.name).copied());
    world.resource_mut::<Play>().active =
        Some(Active { number: start.number, challenge, best, recorded: false, brush: start.brush });
    world.insert_resource(Playing);
    // Levels are played on the flat sheet, where the brush and the level's discs are drawn.
    {
        let mut settings = world.resource_mut::<super::ViewSettings>();
        settings.shape = super::ViewShape::Sheet;
    }
    world.resource_mut::<super::camera::ViewCamera>().fit_requested = true;
    let mut clock = world.resource_mut::<SimClock>();
    clock.paused = false;
    clock.speed = 0.2;
    clock.restart();
    if !start.strokes.is_empty() {
        launch(world);
    }
}

/// The level's network on a pool of its own with `threads` workers: its walls silenced and its
/// warm-up run.
fn level_network(level: &Level, threads: usize) -> Result<EiNetwork, String> {
    let params = level_params(level);
    let walls = wall_ids(level, &params);
    let mut net = EiNetwork::build(params, ei_thread_pool(threads)).map_err(|e| e.to_string())?;
    net.silence(&walls);
    let warm = net.params.warmup_steps().saturating_sub(net.step);
    net.advance(warm);
    Ok(net)
}

/// Swaps in the level network `net` with `start`'s strokes painted; returns the challenge that
/// follows it.
fn swap_in(world: &mut World, start: &PlayStart, net: EiNetwork) -> Challenge {
    insert_ei_network(world, net);
    let landscape = world.resource::<SimConnectivity>().landscape.clone();
    world.insert_resource(GeneratedLandscape::new(landscape.clone()));
    let mut challenge = Challenge::new(start.level.clone(), landscape.direction);
    if let Some(mut sim) = world.get_resource_mut::<EiSim>() {
        for stroke in &start.strokes {
            for w in stroke.windows(2) {
                let (ids, angle) = stroke_cover(sim.params.n_e, w[0], w[1], start.brush);
                if let Ok(changed) = challenge.paint(&mut sim.conn.landscape.direction, &ids, angle) {
                    sim.redraw(&changed);
                }
            }
        }
        let painted = sim.conn.landscape.clone();
        world.resource_mut::<SimConnectivity>().0.landscape = painted;
    }
    challenge
}

/// Launches the sequence from the start disc.
fn launch(world: &mut World) {
    let t_ms = world.resource::<SimState>().t_ms();
    let Some(l) = world.resource_mut::<Play>().active.as_mut().and_then(|a| a.challenge.launch(t_ms)) else {
        return;
    };
    world.resource_mut::<StimulusQueue>().0.push(seqscape_core::sim::Stimulus {
        x: l.centre.0,
        y: l.centre.1,
        radius: l.radius,
        amplitude_pa: l.amplitude_pa,
        duration_ms: l.duration_ms,
    });
}

fn keys(world: &mut World) {
    if world.get_resource::<Playing>().is_none() || world.resource::<Play>().building() {
        return;
    }
    let mut action = world.resource_mut::<Play>().action.take();
    let wants = world.get_resource::<EguiWantsInput>().is_some_and(|w| w.wants_any_keyboard_input());
    if let Some(keys) = world.get_resource::<ButtonInput<KeyCode>>().filter(|_| !wants) {
        if keys.just_pressed(KeyCode::KeyL) || keys.just_pressed(KeyCode::Enter) {
            action = Some(Action::Launch);
        } else if keys.just_pressed(KeyCode::Backspace) {
            action = Some(Action::Retry);
        } else if keys.just_pressed(KeyCode::KeyN) {
            action = Some(Action::Next);
        }
    }
    match action {
        Some(Action::Launch) => launch(world),
        Some(a) => retry_or_next(world, a == Action::Next),
        None => {}
    }
}

/// Restarts the level, or goes to the next shipped one.
fn retry_or_next(world: &mut World, next: bool) {
    let Some(a) = world.resource::<Play>().active.as_ref() else { return };
    let (level, number, brush) = (a.challenge.level.clone(), a.number, a.brush);
    let start = match (next, number) {
        (true, Some(k)) => match levels::shipped(k % levels::LEVELS.len() + 1) {
            Ok(level) => PlayStart { level, number: Some(k % levels::LEVELS.len() + 1), strokes: Vec::new(), brush },
            Err(_) => return,
        },
        _ => PlayStart { level, number, strokes: Vec::new(), brush },
    };
    world.resource_mut::<Play>().request = Some(start);
}

/// The left drag paints the stroke's direction under the brush, as long as ink is left.
fn paint(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Transform, &Projection), With<Camera2d>>,
    buttons: Res<ButtonInput<MouseButton>>,
    wants: Res<EguiWantsInput>,
    view: Res<ViewCamera>,
    mut play: ResMut<Play>,
    sim: Option<ResMut<EiSim>>,
    mut conn: ResMut<SimConnectivity>,
    mut notices: ResMut<Notices>,
    mut last: Local<Option<Vec2>>,
    mut refused: Local<bool>,
) {
    let building = play.building();
    let (Some(active), Some(mut sim)) = (play.active.as_mut(), sim) else { return };
    if !buttons.pressed(MouseButton::Left) || building {
        *last = None;
        *refused = false;
        return;
    }
    let Some(cursor) = window.cursor_position() else { return };
    if buttons.just_pressed(MouseButton::Left) && (cursor.x < view.panel_px || wants.wants_any_pointer_input()) {
        return;
    }
    if last.is_none() && !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let world = cursor_world(cursor, &window, *camera);
    let Some(from) = *last else {
        *last = Some(world);
        return;
    };
    if world.distance(from) < 0.5 {
        return;
    }
    let n = sim.params.n_e;
    let (a, b) = ((f64::from(from.x), f64::from(from.y)), (f64::from(world.x), f64::from(world.y)));
    let (ids, angle) = stroke_cover(n, a, b, active.brush);
    match active.challenge.paint(&mut sim.conn.landscape.direction, &ids, angle) {
        Ok(changed) => {
            sim.redraw(&changed);
            for id in changed {
                conn.0.landscape.direction[id] = angle;
            }
        }
        Err(e) if !*refused => {
            notices.push(e.to_string());
            *refused = true;
        }
        Err(_) => {}
    }
    *last = Some(world);
}

fn follow_every_tick(app: &mut App) {
    app.init_schedule(SimTick);
    app.add_systems(SimTick, observe.after(SimSet::Record).run_if(resource_exists::<Playing>));
}

/// Follows the launched sequence after each simulated tick (one synaptic delay), as the headless
/// game does every millisecond: a slow frame runs many ticks, and the sequence must not outrun
/// the follower between two looks.
fn observe(mut play: ResMut<Play>, bins: Option<Res<ActivityBins>>, state: Option<Res<SimState>>) {
    let (Some(active), Some(bins), Some(state)) = (play.active.as_mut(), bins, state) else { return };
    active.challenge.observe(&bins.trace, state.t_ms());
}

/// Shows the outcome, pauses the sheet there and keeps a won score.
fn follow(mut play: ResMut<Play>, mut clock: ResMut<SimClock>, mut notices: ResMut<Notices>) {
    let Some(active) = play.active.as_mut() else { return };
    // The sheet stops at the outcome, so that the player sees where the sequence went.
    if matches!(active.challenge.phase(), Phase::Won(_) | Phase::Lost(_)) && !active.recorded {
        clock.paused = true;
    }
    let name = active.challenge.level.name.clone();
    if let (Phase::Lost(why), false) = (active.challenge.phase(), active.recorded) {
        active.recorded = true;
        notices.push(format!("{name}: lost, {}", why.text()));
    }
    if let (Phase::Won(score), false) = (active.challenge.phase(), active.recorded) {
        active.recorded = true;
        notices.push(format!(
            "{name}: won in {:.0} ms with {} ink: {} points",
            score.time_ms, score.ink_used, score.points
        ));
        if let Some(dir) = levels::data_dir() {
            let mut best = BestScores::load(&dir);
            if best.offer(&active.challenge.level.name, &score)
                && let Err(e) = best.save(&dir)
            {
                notices.push(e);
            }
        }
    }
}

/// Start (green) and goal (gold) discs, walls (red) and the followed sequence's centre.
fn draw(mut gizmos: Gizmos, play: Res<Play>) {
    let Some(active) = play.active.as_ref() else { return };
    let level = &active.challenge.level;
    let n = levels_sheet();
    for ox in [-1.0, 0.0, 1.0] {
        for oy in [-1.0, 0.0, 1.0] {
            let shift = Vec2::new(ox, oy) * n;
            let s = level.start;
            gizmos.circle_2d(Vec2::new(s.x as f32, s.y as f32) + shift, s.radius as f32, Color::srgb(0.3, 1.0, 0.4));
            let g = level.goal;
            gizmos.circle_2d(Vec2::new(g.x as f32, g.y as f32) + shift, g.radius as f32, Color::srgb(1.0, 0.8, 0.2));
            gizmos.circle_2d(
                Vec2::new(g.x as f32, g.y as f32) + shift,
                g.radius as f32 * 0.6,
                Color::srgba(1.0, 0.8, 0.2, 0.5),
            );
            for w in &level.walls {
                let size = Vec2::new(w.width as f32, w.height as f32);
                let centre = Vec2::new(w.x as f32, w.y as f32) + size / 2.0 + shift;
                gizmos.rect_2d(Isometry2d::from_translation(centre), size, Color::srgb(0.95, 0.25, 0.25));
            }
        }
    }
    if let Some((x, y)) = active.challenge.followed_centre() {
        gizmos.circle_2d(Vec2::new(x as f32, y as f32), 2.0, Color::WHITE);
    }
}

fn levels_sheet() -> f32 {
    seqscape_core::game::level::SHEET as f32
}

/// The challenge's window: level, hint, ink, timer, outcome, score and best.
fn hud(mut contexts: EguiContexts, mut play: ResMut<Play>, state: Res<SimState>) -> Result {
    let Some(active) = play.active.as_ref() else { return Ok(()) };
    let ctx = contexts.ctx_mut()?;
    let c = &active.challenge;
    let level = &c.level;
    let (mut go, mut retry, mut next) = (false, false, false);
    egui::Window::new("Challenge")
        .anchor(egui::Align2::RIGHT_TOP, [-10.0, 10.0])
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            let title = active.number.map_or(level.name.clone(), |k| format!("Level {k}: {}", level.name));
            ui.heading(title);
            ui.label(egui::RichText::new(&level.hint).small());
            ui.add(egui::ProgressBar::new(c.ink_left() as f32 / level.ink.max(1) as f32).text(format!(
                "ink {} / {}",
                c.ink_left(),
                level.ink
            )));
            let elapsed = match c.phase() {
                Phase::Running { launch_ms, .. } => state.t_ms() - launch_ms,
                Phase::Won(s) => s.time_ms,
                _ => 0.0,
            };
            ui.label(format!("time {:.0} / {:.0} ms", elapsed.max(0.0), level.time_limit_ms));
            match c.phase() {
                Phase::Painting => {
                    ui.label("paint with the left drag, then launch (L)");
                }
                Phase::Running { .. } => {
                    ui.label("running…");
                }
                Phase::Won(s) => {
                    ui.label(egui::RichText::new("WIN").heading().color(Color32::from_rgb(90, 230, 110)));
                    ui.label(format!("score {} ({:.0} ms, ink {})", s.points, s.time_ms, s.ink_used));
                }
                Phase::Lost(why) => {
                    ui.label(egui::RichText::new("LOST").heading().color(Color32::from_rgb(240, 80, 80)));
                    ui.label(why.text());
                }
            }
            match active.best {
                Some(b) => ui.label(format!("best {} ({:.0} ms, ink {})", b.points, b.time_ms, b.ink_used)),
                None => ui.label("best: none yet"),
            };
            ui.horizontal(|ui| {
                go = ui.button("Launch (L)").clicked();
                retry = ui.button("Retry (Backspace)").clicked();
                next = ui.button("Next (N)").clicked();
            });
        });
    play.action = if go {
        Some(Action::Launch)
    } else if retry {
        Some(Action::Retry)
    } else if next {
        Some(Action::Next)
    } else {
        play.action
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use seqscape_core::game::headless::Session;
    use seqscape_core::sim::ei::EiSystemsPlugin;
    use seqscape_core::sim::{SimSystemsPlugin, run_ticks};

    use super::*;

    /// Level 1 with its corridor painted and launched, then simulated as one long frame (a
    /// machine under load): the follower runs with the simulation, not with the frames, so the
    /// level is won, at the time the headless game (which looks every millisecond) wins it.
    #[test]
    fn a_level_simulated_in_one_slow_frame_is_won_as_the_headless_game_wins_it() {
        let level = levels::shipped(1).unwrap();
        let route = vec![vec![(18.5, 60.5), (92.5, 60.5)]];
        let mut app = App::new();
        app.add_plugins((SimSystemsPlugin, EiSystemsPlugin));
        follow_every_tick(&mut app);
        app.init_resource::<Play>();
        app.init_resource::<Notices>();
        let start = PlayStart { level: level.clone(), number: Some(1), strokes: route.clone(), brush: 6.0 };
        let net = level_network(&level, 2).expect("level 1 builds");
        let challenge = swap_in(app.world_mut(), &start, net);
        app.world_mut().resource_mut::<Play>().active =
            Some(Active { number: Some(1), challenge, best: None, recorded: false, brush: 6.0 });
        app.world_mut().insert_resource(Playing);
        launch(app.world_mut());
        let limit = level.time_limit_ms;
        run_ticks(app.world_mut(), (limit + 50.0) as u64);
        let phase = app.world().resource::<Play>().active.as_ref().unwrap().challenge.phase();

        let mut headless = Session::new(level, 2).unwrap();
        headless.paint_stroke(&route[0], 6.0).unwrap();
        let reference = headless.play_out();
        let (Phase::Won(won), Phase::Won(expected)) = (phase, reference) else {
            panic!("both win level 1: the window's follower gives {phase:?}, the headless game {reference:?}");
        };
        assert!(
            (won.time_ms - expected.time_ms).abs() <= 0.1 * expected.time_ms + 2.0,
            "won at {} ms; the headless game at {} ms",
            won.time_ms,
            expected.time_ms
        );
        assert_eq!(won.ink_used, expected.ink_used, "the same route costs the same ink");
    }
}
