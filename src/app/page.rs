//! The browser page around the window: a few times a second the simulation's state goes into the
//! page's `#status` element as JSON (time, real-time factor, frames per second, the mean activity
//! and the activity around the last click), for the page's caption and for tests that drive a
//! browser; problems with the page's options go into `#problems`. Outside the browser nothing is
//! written.

use bevy::prelude::*;

use super::AppSet;
use super::clock::SimClock;
use crate::presets::Model;

/// Writes the simulation's state into the page's `#status` element.
pub fn plugin(app: &mut App) {
    app.init_resource::<PageStatus>();
    app.add_systems(Update, (note_stimuli.after(AppSet::Input).before(AppSet::Simulate), write_status).chain());
}

/// The last stimulus (sheet coordinates) and when the status was last written.
#[derive(Resource, Default)]
struct PageStatus {
    last_click: Option<(f64, f64)>,
    /// The highest activity around the last click since it.
    peak_near_click: f64,
    clicks: u64,
    last_write_ms: f64,
}

fn note_stimuli(queue: Res<seqscape_core::sim::StimulusQueue>, mut status: ResMut<PageStatus>) {
    if let Some(s) = queue.0.last() {
        if status.last_click != Some((s.x, s.y)) {
            status.peak_near_click = 0.0;
        }
        status.last_click = Some((s.x, s.y));
        status.clicks += 1;
    }
}

fn write_status(
    time: Res<Time<Real>>,
    clock: Res<SimClock>,
    state: Res<seqscape_core::sim::SimState>,
    bins: Res<seqscape_core::sim::ActivityBins>,
    conn: Option<Res<seqscape_core::sim::SimConnectivity>>,
    ei: Option<Res<seqscape_core::sim::ei::EiSim>>,
    mut status: ResMut<PageStatus>,
) {
    // The shown sheet: the I network's, or the E-I network's E sheet.
    let n = bins.n;
    let mean = |f: &dyn Fn(usize, usize) -> bool| {
        let (mut sum, mut count) = (0.0f64, 0usize);
        for (id, &t) in bins.trace.iter().enumerate() {
            if f(id % n.max(1), id / n.max(1)) {
                sum += f64::from(t);
                count += 1;
            }
        }
        if count > 0 { sum / count as f64 } else { 0.0 }
    };
    // Every frame: the activity around the last click and its peak since the click (a burst lasts
    // a few tens of ms, shorter than the time between reports).
    let near_click = status.last_click.map(|(cx, cy)| {
        let nf = n as f64;
        mean(&|x, y| {
            let dx = (x as f64 - cx).rem_euclid(nf);
            let dy = (y as f64 - cy).rem_euclid(nf);
            let (dx, dy) = (dx.min(nf - dx), dy.min(nf - dy));
            dx * dx + dy * dy <= 9.0
        })
    });
    if let Some(near) = near_click {
        status.peak_near_click = status.peak_near_click.max(near);
    }
    let now_ms = time.elapsed_secs_f64() * 1000.0;
    if now_ms - status.last_write_ms < 250.0 {
        return;
    }
    status.last_write_ms = now_ms;
    let (landscape, seed, network) = match (&ei, &conn) {
        (Some(ei), _) => (&ei.conn.landscape.direction, ei.params.seed, "ei"),
        (None, Some(conn)) => (&conn.landscape.direction, state.params.seed, "i"),
        (None, None) => return,
    };
    let sheet_mean = mean(&|_, _| true);
    let json = serde_json::json!({
        "t_ms": ei.as_ref().map_or(state.step as f64 * state.params.dt_ms, |e| e.t_ms()),
        "real_time_factor": clock.real_time_factor(),
        "fps": clock.fps,
        "n": n,
        "seed": seed,
        "network": network,
        "activity_mean": sheet_mean,
        "clicks": status.clicks,
        "last_click": status.last_click.map(|(x, y)| [x, y]),
        "activity_near_click": near_click,
        "activity_near_click_peak": status.last_click.map(|_| status.peak_near_click),
        "landscape_hash": format!("{:016x}", landscape_hash(landscape)),
    });
    dom::set_status(&json.to_string());
}

/// A link to the page with these settings (what the panel's "copy link" copies), from the page's
/// address `base`.
pub fn link_for(base: &str, model: &Model, tiled: bool, arrows: bool) -> String {
    let base = base.split('?').next().unwrap_or(base);
    let network = match model {
        Model::I(p) => format!("preset={}&scale-down={}", p.preset, p.scale_down),
        Model::Ei(p) => format!("network=ei&mu={}&sigma={}", p.mu_e_pa, p.sigma_e_pa),
    };
    let (landscape, seed) = match model {
        Model::I(p) => (p.landscape, p.seed),
        Model::Ei(p) => (p.landscape, p.seed),
    };
    format!(
        "{base}?{network}&landscape={landscape}&seed={seed}&view={}&arrows={}",
        if tiled { "tiled" } else { "sheet" },
        if arrows { "on" } else { "off" },
    )
}

/// Copies the link to the page with these settings to the clipboard; returns the link.
#[cfg(target_arch = "wasm32")]
pub fn copy_link(model: &Model, tiled: bool, arrows: bool) -> Result<String, String> {
    let window = web_sys::window().ok_or("no page")?;
    let base = window.location().href().map_err(|_| "the page has no address")?;
    let link = link_for(&base, model, tiled, arrows);
    // The promise settles later; a refusal (no permission) leaves the link in the message.
    let _ = window.navigator().clipboard().write_text(&link);
    Ok(link)
}

#[cfg(target_arch = "wasm32")]
pub use dom::{query, show_problems};

#[cfg(target_arch = "wasm32")]
mod dom {
    use wasm_bindgen::JsCast;

    fn element(id: &str) -> Option<web_sys::HtmlElement> {
        web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
    }

    pub fn set_status(text: &str) {
        if let Some(e) = element("status") {
            e.set_text_content(Some(text));
        }
    }

    /// Shows `lines` in the page's `#problems` box (hidden when there are none).
    pub fn show_problems(lines: &[String]) {
        if let Some(e) = element("problems") {
            e.set_text_content(Some(&lines.join("\n")));
            let _ = e.style().set_property("display", if lines.is_empty() { "none" } else { "block" });
        }
    }

    /// The page address's query, `?…` (empty without one).
    pub fn query() -> String {
        web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod dom {
    pub fn set_status(_text: &str) {}
}

/// FNV-1a over the landscape's direction bits: tells landscapes apart.
fn landscape_hash(direction: &[f32]) -> u64 {
    direction
        .iter()
        .flat_map(|d| d.to_bits().to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}
