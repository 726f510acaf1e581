//! The browser build: the same window, in the page's canvas.
//!
//! [`main`] reads the page's URL parameters into the window's options (the command line's own
//! parser checks them, so `?seed=abc` is refused with the command line's message), reports any it
//! cannot use on the page and starts with the defaults in their place, then opens the window in
//! the canvas `#seqscape` (the window's `page` plugin reports its state to the page). Presets are
//! bundled into the binary ([`crate::presets::BUNDLED`]).

use crate::commands::app::{AppArgs, window_config};
use crate::error::UserError;
use crate::presets::Model;

/// The scale-down of the page's default sheet (50×50): the largest sheet a page's one thread runs
/// in real time with a software renderer.
pub const WEB_SCALE_DOWN: u32 = 2;

/// The URL parameters the page understands, each with the command-line option it stands for.
/// `view` is `sheet` or `tiled`; `arrows` is `on` or `off`.
pub const URL_PARAMETERS: &[(&str, &str)] = &[
    ("preset", "--preset"),
    ("network", "--network"),
    ("mu", "--mu"),
    ("sigma", "--sigma"),
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
            "preset" if crate::presets::bundled(value).is_some() => bundled = Some(value.clone()),
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
        let text = crate::presets::bundled(&name).unwrap_or_default();
        let landscape = page.args.landscape.as_deref().map(crate::options::landscape).transpose()?;
        let seed = page.args.model.seed;
        config.model = match crate::presets::model_from_toml(text, &name).map_err(UserError)? {
            Model::I(mut p) => {
                p.landscape = landscape.unwrap_or(p.landscape);
                p.seed = seed.unwrap_or(p.seed);
                if let Some(s) = page.args.model.scale_down {
                    p = crate::presets::rescale(&p, s).map_err(|e| UserError(e.to_string()))?;
                }
                p.validate()?;
                Model::I(p)
            }
            Model::Ei(mut p) => {
                if let Some(s) = page.args.model.scale_down.filter(|&s| s != p.scale_down) {
                    return Err(UserError(format!(
                        "invalid scale-down {s} with the preset {name}: expected {}",
                        p.scale_down
                    )));
                }
                p.landscape = landscape.unwrap_or(p.landscape);
                p.seed = seed.unwrap_or(p.seed);
                p.validate()?;
                Model::Ei(p)
            }
        };
    } else if page.args.model.scale_down.is_none() && page.args.model.grid.is_none() && !page.args.network.is_ei() {
        // One thread of a page does not keep the full sheet in real time: the default is the
        // largest scale-down that does.
        if let Model::I(p) = &config.model {
            config.model = Model::I(crate::presets::rescale(p, WEB_SCALE_DOWN).map_err(|e| UserError(e.to_string()))?);
        }
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
    use crate::app::page::link_for;

    /// (landscape, seed, side of the shown sheet) of a configuration.
    fn summary(c: &crate::app::WindowConfig) -> (String, u64, usize) {
        match &c.model {
            Model::I(p) => (p.landscape.to_string(), p.seed, p.n),
            Model::Ei(p) => (p.landscape.to_string(), p.seed, p.side(seqscape_core::model::ei::Population::E)),
        }
    }

    #[test]
    fn url_parameters_set_the_options() {
        let (c, problems) = config_from_query("?preset=paper&landscape=homogeneous&seed=3&view=tiled&arrows=off");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(summary(&c), ("homogeneous".into(), 3, 100 / WEB_SCALE_DOWN as usize));
        assert!(c.view.tiled && !c.view.arrows);
        assert_eq!(c.options.threads, 1);
        let (full, _) = config_from_query("?scale-down=1");
        assert_eq!(summary(&full).2, 100);
    }

    #[test]
    fn bundled_presets_load_by_name() {
        let (c, problems) = config_from_query("?preset=demo&seed=9");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(summary(&c), ("perlin".into(), 9, 50));
        let (play, problems) = config_from_query("?preset=playground");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(matches!(play.model, Model::Ei(_)));
    }

    #[test]
    fn bad_parameters_are_named_and_left_out() {
        let (c, problems) = config_from_query("?seed=abc&landscape=random&colour=red&view=cube");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("seed=abc"), "{}", problems[0]);
        assert!(problems[1].contains("'colour'") && problems[1].contains("landscape"), "{}", problems[1]);
        assert!(problems[2].contains("sheet or tiled"), "{}", problems[2]);
        // The good one still applies; the bad ones fall back to the defaults.
        assert_eq!(summary(&c).0, "random");
        assert_eq!(summary(&c).1, summary(&config_for(&[]).unwrap()).1);
    }

    #[test]
    fn a_link_round_trips() {
        for query in ["?landscape=random&seed=4&scale-down=3&view=tiled", "?network=ei&mu=225&sigma=100&seed=5"] {
            let (c, problems) = config_from_query(query);
            assert!(problems.is_empty(), "{problems:?}");
            let link = link_for("http://127.0.0.1:8080/index.html?x=1", &c.model, c.view.tiled, c.view.arrows);
            assert!(link.starts_with("http://127.0.0.1:8080/index.html?"), "{link}");
            let (d, problems) = config_from_query(link.split_once('?').unwrap().1);
            assert!(problems.is_empty(), "{link}: {problems:?}");
            assert_eq!(summary(&d), summary(&c), "{link}");
            assert_eq!(d.view.tiled, c.view.tiled);
        }
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(decode("a%20b+c%2"), "a b c%2");
        assert_eq!(decode("%e2%86%92"), "→");
    }
}
