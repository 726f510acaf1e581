//! The simulation clock of the window: runs as many fixed ticks per frame as the chosen speed asks
//! for (slow motion to faster than real time), within a frame budget so that the window stays
//! responsive; "max" fills the budget every frame. Pause and single steps; measures the real-time
//! factor, the frame rate and, at exit, the longest frame.

use std::collections::VecDeque;
use std::time::Duration;

use bevy::platform::time::Instant;

use bevy::prelude::*;
use seqscape_core::sim::{SimPool, SimState, run_ticks};

use super::{AppSet, LaunchOptions, Notices, tick_ms};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SimClock>();
    app.add_systems(Startup, apply_launch_speed);
    app.add_systems(Update, drive.in_set(AppSet::Simulate));
    app.add_systems(Last, summary);
}

/// Slowest and fastest chosen speeds (simulated seconds per wall second).
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 20.0;

/// Speed, pause and stepping of the simulation, and what it achieves.
#[derive(Resource, Debug)]
pub struct SimClock {
    pub paused: bool,
    /// Simulated seconds per wall second, in [`MIN_SPEED`, `MAX_SPEED`].
    pub speed: f64,
    /// Run as many ticks as fit in the frame budget.
    pub max: bool,
    /// Single ticks asked for while paused.
    pub step_requests: u32,
    /// Wall time the simulation may use per frame.
    pub budget: Duration,
    /// Simulated ms owed to the chosen speed.
    debt_ms: f64,
    /// (wall instant, simulated ms) over the last second or so.
    history: VecDeque<(Instant, f64)>,
    /// Smoothed frames per second.
    pub fps: f64,
    last_frame: Option<Instant>,
}

impl Default for SimClock {
    fn default() -> Self {
        SimClock {
            paused: false,
            speed: 1.0,
            max: false,
            step_requests: 0,
            budget: Duration::from_millis(30),
            debt_ms: 0.0,
            history: VecDeque::new(),
            fps: 0.0,
            last_frame: None,
        }
    }
}

impl SimClock {
    /// Simulated seconds per wall second over the last second.
    pub fn real_time_factor(&self) -> f64 {
        match (self.history.front(), self.history.back()) {
            (Some(a), Some(b)) if b.0 > a.0 => (b.1 - a.1) / 1000.0 / (b.0 - a.0).as_secs_f64(),
            _ => 0.0,
        }
    }

    /// Forgets owed time and history (after a network swap).
    pub fn restart(&mut self) {
        self.debt_ms = 0.0;
        self.history.clear();
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = if speed.is_finite() { speed.clamp(MIN_SPEED, MAX_SPEED) } else { 1.0 };
    }
}

fn apply_launch_speed(mut clock: ResMut<SimClock>, options: Res<LaunchOptions>) {
    match options.speed {
        None => clock.max = true,
        Some(s) if s <= 0.0 => clock.paused = true,
        Some(s) => clock.set_speed(s),
    }
}

/// Frames and simulated time since the window opened, for the summary at exit.
#[derive(Default)]
pub struct RunSummary {
    start: Option<(Instant, f64)>,
    frames: u64,
    last: Option<Instant>,
    /// The longest frame after the first ones, and frames over 50 ms.
    longest: Duration,
    slow: u64,
}

/// Logs frames per second and the real-time factor over the whole run when the app exits.
pub(super) fn summary(
    mut exits: MessageReader<AppExit>,
    state: Res<SimState>,
    mut run: Local<RunSummary>,
    mut notices: ResMut<Notices>,
) {
    // The first frames compile pipelines: measure from frame 30 on.
    const SKIP: u64 = 30;
    let now = Instant::now();
    run.frames += 1;
    if run.frames <= SKIP {
        run.start = Some((now, state.t_ms()));
    } else if let Some(last) = run.last {
        let frame = now - last;
        run.longest = run.longest.max(frame);
        run.slow += u64::from(frame > Duration::from_millis(50));
    }
    run.last = Some(now);
    let (t0, sim0) = run.start.unwrap_or((now, state.t_ms()));
    if exits.read().count() > 0 && run.frames > SKIP {
        run.frames -= SKIP;
        let wall = (now - t0).as_secs_f64().max(1e-9);
        notices.push(format!(
            "{} frames in {wall:.1} s: {:.1} fps, {:.2} simulated s per wall s; longest frame {:.0} ms, {} over 50 ms",
            run.frames,
            run.frames as f64 / wall,
            (state.t_ms() - sim0) / 1000.0 / wall,
            run.longest.as_secs_f64() * 1000.0,
            run.slow
        ));
    }
}

/// Runs this frame's ticks.
fn drive(world: &mut World) {
    let now = Instant::now();
    let (tick, pool) = {
        let s = world.resource::<SimState>();
        (tick_ms(s), world.resource::<SimPool>().0.clone())
    };
    let wanted: u64 = {
        let mut clock = world.resource_mut::<SimClock>();
        let wall_ms = clock.last_frame.map_or(0.0, |t| (now - t).as_secs_f64() * 1000.0).min(250.0);
        if wall_ms > 0.0 {
            let fps = 1000.0 / wall_ms;
            clock.fps = if clock.fps > 0.0 { 0.9 * clock.fps + 0.1 * fps } else { fps };
        }
        clock.last_frame = Some(now);
        if clock.paused {
            clock.debt_ms = 0.0;
            std::mem::take(&mut clock.step_requests) as u64
        } else if clock.max {
            u64::MAX
        } else {
            clock.debt_ms += wall_ms * clock.speed;
            (clock.debt_ms / tick).floor() as u64
        }
    };
    let budget = world.resource::<SimClock>().budget;
    let mut done = 0u64;
    while done < wanted {
        let chunk = (wanted - done).min(4);
        pool.install(|| run_ticks(world, chunk));
        done += chunk;
        if now.elapsed() >= budget {
            break;
        }
    }
    let t_ms = world.resource::<SimState>().t_ms();
    let mut clock = world.resource_mut::<SimClock>();
    if !clock.paused && !clock.max {
        clock.debt_ms -= done as f64 * tick;
        if done < wanted {
            // Could not keep up: run as fast as possible instead of piling up debt.
            clock.debt_ms = clock.debt_ms.min(tick);
        }
    }
    clock.history.push_back((now, t_ms));
    while clock.history.len() > 2 && clock.history.front().is_some_and(|(t, _)| now - *t > Duration::from_millis(1500))
    {
        clock.history.pop_front();
    }
}
