//! The browser build: the same window, in the page's canvas.
//!
//! [`main`] reads the page's URL parameters into the window's options (the command line's own
//! parser checks them, so `?seed=abc` is refused with the command line's message), reports any it
//! cannot use on the page and starts with the defaults in their place, then opens the window in
//! the canvas `#seqscape` (the window's `page` plugin reports its state to the page). Presets are
//! bundled into the binary ([`BUNDLED_PRESETS`]).

use crate::commands::app::{AppArgs, window_config};
use crate::error::UserError;

/// The preset files in `assets/presets`, by name, bundled for the browser (which has no folders).
pub const BUNDLED_PRESETS: &[(&str, &str)] = &[
    ("demo", include_str!("../assets/presets/demo.toml")),
    ("fig2-perlin", include_str!("../assets/presets/fig2-perlin.toml")),
    ("fig2-random", include_str!("../assets/presets/fig2-random.toml")),
    ("fig2-symmetric", include_str!("../assets/presets/fig2-symmetric.toml")),
    ("fig2-homogeneous", include_str!("../assets/presets/fig2-homogeneous.toml")),
];

/// The URL parameters the page understands, each with the command-line option it stands for.
/// `view` is `sheet` or `tiled`; `arrows` is `on` or `off`.
pub const URL_PARAMETERS: &[(&str, &str)] = &[
    ("preset", "--preset"),
    ("landscape", "--landscape"),
    ("seed", "--seed"),
    ("scale-down", "--scale-down"),
    ("speed", "--speed"),
    ("colormap", "--colormap"),
    ("view", ""),
    ("arrows", ""),
];

/// The window's options from a URL query (`?preset=paper&landscape=perlin&seed=3`), and one
/// message for each parameter that was left out because it is unknown or its value is not
/// accepted (the window then starts with that option's default).
pub fn config_from_query(query: &str) -> (crate::app::WindowConfig, Vec<String>) {
    let mut problems = Vec::new();
    let mut accepted: Vec<(String, String)> = Vec::new();
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key), decode(value));
        if !URL_PARAMETERS.iter().any(|(k, _)| *k == key) {
            let known: Vec<&str> = URL_PARAMETERS.iter().map(|(k, _)| *k).collect();
            problems.push(format!("unknown URL parameter '{key}': expected one of {}", known.join(", ")));
            continue;
        }
        // Each parameter on its own first, so that one bad value does not spoil the others.
        match config_for(std::slice::from_ref(&(key.clone(), value.clone()))) {
            Ok(_) => accepted.push((key, value)),
            Err(e) => problems.push(format!("URL parameter {key}={value}: {}", e.0)),
        }
    }
    match config_for(&accepted) {
        Ok(config) => (config, problems),
        Err(e) => {
            problems.push(format!("URL parameters together: {}; starting with the defaults", e.0));
            (config_for(&[]).expect("the defaults are valid"), problems)
        }
    }
}

/// The configuration for accepted `(parameter, value)` pairs.
fn config_for(pairs: &[(String, String)]) -> Result<crate::app::WindowConfig, UserError> {
    use clap::Parser;

    #[derive(Parser)]
    struct Page {
        #[command(flatten)]
        args: AppArgs,
    }

    let mut argv = vec!["seqscape".to_string()];
    let mut bundled = None;
    let mut view_tiled = None;
    let mut arrows = None;
    for (key, value) in pairs {
        match key.as_str() {
            "preset" if BUNDLED_PRESETS.iter().any(|(name, _)| name == value) => bundled = Some(value.clone()),
            "view" => match value.as_str() {
                "sheet" => view_tiled = Some(false),
                "tiled" => view_tiled = Some(true),
                _ => return Err(UserError(format!("invalid view '{value}': expected sheet or tiled"))),
            },
            "arrows" => match value.as_str() {
                "on" => arrows = Some(true),
                "off" => arrows = Some(false),
                _ => return Err(UserError(format!("invalid arrows '{value}': expected on or off"))),
            },
            _ => {
                let option = URL_PARAMETERS.iter().find(|(k, _)| k == key).map_or("", |(_, o)| *o);
                argv.push(option.to_string());
                argv.push(value.clone());
            }
        }
    }
    let page = Page::try_parse_from(&argv).map_err(|e| UserError(first_line(&e.to_string())))?;
    let mut config = window_config(&page.args)?;
    if let Some(name) = bundled {
        let text = BUNDLED_PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap_or_default();
        let mut p = crate::presets::from_toml(text, &name).map_err(UserError)?;
        if let Some(l) = &page.args.landscape {
            p.landscape = crate::options::landscape(l)?;
        }
        if let Some(seed) = page.args.model.seed {
            p.seed = seed;
        }
        if let Some(s) = page.args.model.scale_down {
            p = crate::presets::rescale(&p, s).map_err(|e| UserError(e.to_string()))?;
        }
        p.validate().map_err(|e| UserError(e.to_string()))?;
        config.params = p;
    }
    if let Some(t) = view_tiled {
        config.view.tiled = t;
    }
    if let Some(a) = arrows {
        config.view.arrows = a;
    }
    // One thread: the page has no others.
    config.options.threads = 1;
    Ok(config)
}

/// The first line of a parser message, without clap's "error: " prefix.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim_start_matches("error: ").to_string()
}

/// Decodes `%XX` escapes and `+` (a space) of a URL query component.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(v)) => {
                out.push(v as u8);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A link to the page with `config`'s settings (what the panel's "copy link" copies), relative to
/// the page's address `base`.
pub fn link_for(base: &str, p: &seqscape_core::model::Params, tiled: bool, arrows: bool) -> String {
    let base = base.split('?').next().unwrap_or(base);
    let preset = p.preset.to_string();
    format!(
        "{base}?preset={preset}&landscape={}&seed={}&scale-down={}&view={}&arrows={}",
        p.landscape,
        p.seed,
        p.scale_down,
        if tiled { "tiled" } else { "sheet" },
        if arrows { "on" } else { "off" },
    )
}

/// The spikes of a short one-thread batch run (paper preset, Perlin landscape, scale-down 2, the
/// warm-up and `duration_ms`) as JSON: the count, the mean rate after the warm-up and an FNV-1a
/// hash of every spike's id and time bits. The page exports it so that a test can compare the
/// browser's arithmetic with a native run's.
pub fn spike_summary(seed: u32, duration_ms: f64) -> String {
    use seqscape_core::model::{LandscapeKind, Params, Preset};
    let run = Params::new(Preset::Paper, LandscapeKind::Perlin, 2).map_err(|e| e.to_string()).and_then(|mut p| {
        p.seed = u64::from(seed);
        p.duration_ms = duration_ms;
        seqscape_core::sim::run_batch(p, 1, |_, _| {}).map_err(|e| e.to_string())
    });
    match run {
        Ok(run) => {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for (&id, &t) in run.i.iter().zip(&run.t_ms) {
                for byte in id.to_le_bytes().into_iter().chain(t.to_bits().to_le_bytes()) {
                    hash ^= u64::from(byte);
                    hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            let warmup = run.params.warmup_ms;
            let after = run.t_ms.iter().filter(|&&t| t > warmup).count();
            let rate = after as f64 / run.params.n_neurons() as f64 / (duration_ms / 1000.0);
            serde_json::json!({ "spikes": run.i.len(), "hash": format!("{hash:016x}"), "rate_hz": rate }).to_string()
        }
        Err(e) => serde_json::json!({ "error": e }).to_string(),
    }
}

/// [`spike_summary`] for the page's scripts.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = spikeSummary)]
pub fn spike_summary_js(seed: u32, duration_ms: f64) -> String {
    spike_summary(seed, duration_ms)
}

/// The page's entry: options from the URL, problems shown on the page, then the window.
#[cfg(target_arch = "wasm32")]
pub fn main() {
    use crate::app::page;

    let (config, problems) = config_from_query(&page::query());
    page::show_problems(&problems);
    if let Err(e) = crate::app::run(config) {
        page::show_problems(&[e.0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parameters_set_the_options() {
        let (c, problems) = config_from_query("?preset=paper&landscape=homogeneous&seed=3&view=tiled&arrows=off");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.params.landscape.to_string(), "homogeneous");
        assert_eq!(c.params.seed, 3);
        assert!(c.view.tiled && !c.view.arrows);
        assert_eq!(c.options.threads, 1);
    }

    #[test]
    fn bundled_presets_load_by_name() {
        let (c, problems) = config_from_query("?preset=demo&seed=9");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((c.params.n, c.params.seed), (50, 9));
    }

    #[test]
    fn bad_parameters_are_named_and_left_out() {
        let (c, problems) = config_from_query("?seed=abc&landscape=perlin&colour=red&view=cube");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("seed=abc"), "{}", problems[0]);
        assert!(problems[1].contains("'colour'") && problems[1].contains("landscape"), "{}", problems[1]);
        assert!(problems[2].contains("sheet or tiled"), "{}", problems[2]);
        // The good one still applies; the bad ones fall back to the defaults.
        assert_eq!(c.params.landscape.to_string(), "perlin");
        assert_eq!(c.params.seed, config_for(&[]).unwrap().params.seed);
    }

    #[test]
    fn a_link_round_trips() {
        let (c, _) = config_from_query("?landscape=random&seed=4&scale-down=2&view=tiled");
        let link = link_for("http://127.0.0.1:8080/index.html?x=1", &c.params, c.view.tiled, c.view.arrows);
        assert!(link.starts_with("http://127.0.0.1:8080/index.html?preset="), "{link}");
        let (d, problems) = config_from_query(link.split_once('?').unwrap().1);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((d.params.landscape, d.params.seed, d.params.n), (c.params.landscape, 4, c.params.n));
        assert!(d.view.tiled);
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(decode("a%20b+c%2"), "a b c%2");
    }
}
