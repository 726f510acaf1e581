//! The rules of a challenge, free of any network: ink accounting while the player paints, the
//! launch, following the launched sequence and the outcome with its score.
//!
//! Ink is the number of E neurons whose direction differs from the level's own landscape, so a
//! stroke that paints a neuron back refunds it. The launch pulses the start disc. The launched
//! sequence is followed on the E sheet's decaying spike trace as a set of active cells (trace at
//! least [`ACTIVE_TRACE`], connected on the torus across gaps of up to [`LINK_CELLS`] cells, pieces
//! of at least [`MIN_CELLS`]): first the
//! pieces that touch the start disc after the launch, then at every update the pieces that overlap
//! the cells followed at the previous one. A sequence moves by less than a cell per update while
//! its trail decays over tens of ms, so the launched activity stays followed wherever it travels,
//! splits or grows, and activity born elsewhere never counts unless it runs into it. The level is
//! won when a followed cell lies in the goal disc within the time limit, and lost when the followed
//! activity dies out, when none appears, or at the limit.

use super::level::{Level, SHEET};

/// The launch pulse: [`LAUNCH_AMPLITUDE_PA`] for [`LAUNCH_DURATION_MS`] into the E neurons of the
/// start disc.
pub const LAUNCH_AMPLITUDE_PA: f64 = 500.0;
pub const LAUNCH_DURATION_MS: f64 = 50.0;
/// Cells whose spike trace is at least this are active (one spike within the last ~30 ms).
pub const ACTIVE_TRACE: f32 = 0.3;
/// Active cells at most this far apart (in x and y, on the torus) belong to one piece.
pub const LINK_CELLS: isize = 2;
/// Smaller connected pieces of active cells are ignored.
pub const MIN_CELLS: usize = 3;
/// How long after the launch (ms) the launched activity must have appeared.
pub const APPEAR_WITHIN_MS: f64 = LAUNCH_DURATION_MS + 20.0;

/// Where the challenge stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// The player paints; nothing is launched yet.
    Painting,
    /// Launched at `launch_ms`; `seen` once the launched activity appeared.
    Running {
        launch_ms: f64,
        seen: bool,
    },
    Won(Score),
    Lost(LostReason),
}

/// Why a level was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostReason {
    /// No bump appeared in the start disc after the launch.
    NoSequence,
    /// The launched sequence died before it reached the goal.
    Died,
    /// The time limit passed.
    TimeUp,
}

impl LostReason {
    pub fn text(self) -> &'static str {
        match self {
            LostReason::NoSequence => "no sequence left the start",
            LostReason::Died => "the sequence died out",
            LostReason::TimeUp => "time is up",
        }
    }
}

/// A won level's time from the launch, the ink used and the score: up to 1000 points for the
/// time left and up to 1000 for the ink left (a level with no ink gives its 1000 for free).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub time_ms: f64,
    pub ink_used: usize,
    pub points: u32,
}

impl Score {
    pub fn new(level: &Level, time_ms: f64, ink_used: usize) -> Score {
        let time_part = (1.0 - time_ms / level.time_limit_ms).clamp(0.0, 1.0);
        let ink_part = if level.ink == 0 { 1.0 } else { 1.0 - ink_used as f64 / level.ink as f64 };
        let points = (1000.0 * time_part + 1000.0 * ink_part.clamp(0.0, 1.0)).round() as u32;
        Score { time_ms, ink_used, points }
    }
}

/// Painting was refused: it would use more ink than is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaintRefused {
    #[error("not enough ink: the stroke needs {needed}, {left} left")]
    NoInk { needed: usize, left: usize },
    #[error("painting is over once the sequence is launched")]
    Launched,
}

/// The rules of one level being played.
#[derive(Clone, Debug)]
pub struct Challenge {
    pub level: Level,
    /// The level's own landscape (E sheet directions), against which ink is counted.
    original: Vec<f32>,
    ink_used: usize,
    phase: Phase,
    /// The cells of the followed sequence at the latest update, sorted.
    followed: Vec<usize>,
    /// Scratch: component label per cell.
    label: Vec<u32>,
}

impl Challenge {
    /// A challenge on `level` whose network starts from the landscape `original`.
    pub fn new(level: Level, original: Vec<f32>) -> Challenge {
        Challenge { level, original, ink_used: 0, phase: Phase::Painting, followed: Vec::new(), label: Vec::new() }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn ink_used(&self) -> usize {
        self.ink_used
    }

    pub fn ink_left(&self) -> usize {
        self.level.ink.saturating_sub(self.ink_used)
    }

    /// The cells (E-grid ids) of the followed sequence at the latest update.
    pub fn followed(&self) -> &[usize] {
        &self.followed
    }

    /// Sets `angle` on the neurons `ids` of `direction` if the ink allows it (wall neurons are left
    /// as they are); returns the neurons whose direction changed, whose connections need redrawing.
    pub fn paint(&mut self, direction: &mut [f32], ids: &[usize], angle: f32) -> Result<Vec<usize>, PaintRefused> {
        if self.phase != Phase::Painting {
            return Err(PaintRefused::Launched);
        }
        let ids: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|&id| {
                let p = ((id % SHEET) as f64 + 0.5, (id / SHEET) as f64 + 0.5);
                !self.level.walls.iter().any(|w| w.contains(SHEET, p))
            })
            .collect();
        let differs = |a: f32, b: f32| a.to_bits() != b.to_bits();
        let mut delta: isize = 0;
        for &id in &ids {
            let (was, now) = (differs(direction[id], self.original[id]), differs(angle, self.original[id]));
            delta += isize::from(now) - isize::from(was);
        }
        let after = self.ink_used as isize + delta;
        if delta > 0 && after > self.level.ink as isize {
            return Err(PaintRefused::NoInk { needed: delta as usize, left: self.ink_left() });
        }
        self.ink_used = after.max(0) as usize;
        Ok(crate::model::paint::set_directions(direction, &ids, angle))
    }

    /// Starts the run at `t_ms`; returns the pulse's centre, radius, amplitude and duration for
    /// the network, or `None` if it was already launched.
    pub fn launch(&mut self, t_ms: f64) -> Option<Launch> {
        if self.phase != Phase::Painting {
            return None;
        }
        self.followed.clear();
        self.phase = Phase::Running { launch_ms: t_ms, seen: false };
        let s = self.level.start;
        Some(Launch {
            centre: (s.x - 0.5, s.y - 0.5),
            radius: s.radius,
            amplitude_pa: LAUNCH_AMPLITUDE_PA,
            duration_ms: LAUNCH_DURATION_MS,
        })
    }

    /// Follows the launched sequence in `trace` (the E sheet's decaying spike trace, `SHEET²`
    /// cells) at `t_ms`.
    pub fn observe(&mut self, trace: &[f32], t_ms: f64) {
        let Phase::Running { launch_ms, seen } = self.phase else { return };
        if trace.len() != SHEET * SHEET {
            return;
        }
        let elapsed = t_ms - launch_ms;
        let pieces = active_pieces(trace, &mut self.label);
        let start = self.level.start;
        let keep: Vec<bool> = if seen {
            let label = &self.label;
            let mut keep = vec![false; pieces.len()];
            for &c in &self.followed {
                if let Some(k) = label.get(c).filter(|&&l| (l as usize) < pieces.len()) {
                    keep[*k as usize] = true;
                }
            }
            keep
        } else {
            pieces.iter().map(|cells| cells.iter().any(|&c| start.contains(SHEET, cell_centre(c)))).collect()
        };
        self.followed = pieces.into_iter().zip(keep).filter(|(_, k)| *k).flat_map(|(cells, _)| cells).collect();
        self.followed.sort_unstable();
        let goal = self.level.goal;
        self.phase = if self.followed.iter().any(|&c| goal.contains(SHEET, cell_centre(c))) {
            Phase::Won(Score::new(&self.level, elapsed, self.ink_used))
        } else if self.followed.is_empty() && seen {
            Phase::Lost(LostReason::Died)
        } else if self.followed.is_empty() && elapsed > APPEAR_WITHIN_MS {
            Phase::Lost(LostReason::NoSequence)
        } else if elapsed >= self.level.time_limit_ms {
            Phase::Lost(LostReason::TimeUp)
        } else {
            Phase::Running { launch_ms, seen: seen || !self.followed.is_empty() }
        };
    }

    /// The centre of the followed sequence (E-grid units, circular mean on the torus), if any.
    pub fn followed_centre(&self) -> Option<(f64, f64)> {
        if self.followed.is_empty() {
            return None;
        }
        let n = SHEET as f64;
        let angle = |v: f64| v / n * std::f64::consts::TAU;
        let (mut cx, mut sx, mut cy, mut sy) = (0.0, 0.0, 0.0, 0.0);
        for &c in &self.followed {
            let (x, y) = cell_centre(c);
            cx += angle(x).cos();
            sx += angle(x).sin();
            cy += angle(y).cos();
            sy += angle(y).sin();
        }
        let back = |s: f64, c: f64| (s.atan2(c) / std::f64::consts::TAU * n).rem_euclid(n);
        Some((back(sx, cx), back(sy, cy)))
    }
}

/// The centre of E cell `id`, E-grid units.
fn cell_centre(id: usize) -> (f64, f64) {
    ((id % SHEET) as f64 + 0.5, (id / SHEET) as f64 + 0.5)
}

/// The pieces (on the torus, linked across gaps of up to [`LINK_CELLS`]) of active cells with at least [`MIN_CELLS`] cells;
/// `label` gets each cell's piece (`u32::MAX`: none).
fn active_pieces(trace: &[f32], label: &mut Vec<u32>) -> Vec<Vec<usize>> {
    const NONE: u32 = u32::MAX;
    let n = SHEET as isize;
    label.clear();
    label.resize(trace.len(), NONE);
    let mut pieces = Vec::new();
    let mut stack = Vec::new();
    for seed in 0..trace.len() {
        if trace[seed] < ACTIVE_TRACE || label[seed] != NONE {
            continue;
        }
        let id = pieces.len() as u32;
        let mut cells = vec![seed];
        label[seed] = id;
        stack.push(seed);
        while let Some(c) = stack.pop() {
            let (x, y) = ((c % SHEET) as isize, (c / SHEET) as isize);
            for (dx, dy) in (-LINK_CELLS..=LINK_CELLS).flat_map(|dy| (-LINK_CELLS..=LINK_CELLS).map(move |dx| (dx, dy)))
            {
                let nb = ((y + dy).rem_euclid(n) * n + (x + dx).rem_euclid(n)) as usize;
                if label[nb] == NONE && trace[nb] >= ACTIVE_TRACE {
                    label[nb] = id;
                    cells.push(nb);
                    stack.push(nb);
                }
            }
        }
        if cells.len() >= MIN_CELLS {
            pieces.push(cells);
        }
    }
    // A dropped small piece's cells keep an id that the next piece reuses: label again.
    label.iter_mut().for_each(|l| *l = NONE);
    for (k, cells) in pieces.iter().enumerate() {
        for &c in cells {
            label[c] = k as u32;
        }
    }
    pieces
}

/// The launch pulse the network must apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Launch {
    /// The centre in neuron coordinates (neuron (x, y) at (x, y)), as [`EiNetwork::stimulate`]
    /// takes it: the start disc's centre less half a cell.
    ///
    /// [`EiNetwork::stimulate`]: crate::model::ei::EiNetwork::stimulate
    pub centre: (f64, f64),
    pub radius: f64,
    pub amplitude_pa: f64,
    pub duration_ms: f64,
}
