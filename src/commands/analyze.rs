//! `seqscape analyze`: DBSCAN clusters, their centroid tracks and the summary statistics of a run
//! folder. The summary and the per-cluster table go to `sequences.json`; the per-spike labels and
//! the track points and steps, which grow with the run, go to `sequences.npz`; `sequences.png`
//! draws them. `figure` and `sweep` write the same files through [`analyze_and_write`]. The recipe
//! (`--recipe torus|authors|authors-wrap`, default torus; for an E-I run with pulses authors-wrap,
//! the authors' Fig. 8 analysis) decides how clusters, tracks and counts are made; the summary
//! names it. For the E sheet of an E-I run with pulses, `sequences.json` also holds the evoked
//! sequences (`evoked`: probability, reaction time, lifespan; `seqscape_core::analysis::evoked`).

use std::path::{Path, PathBuf};

use clap::Args;
use seqscape_core::analysis::{
    DbscanParams, EvokedProtocol, EvokedSummary, Recipe, SequenceReport, analyze_recipe, evoked_sequences,
};
use seqscape_core::model::params::show_number;

use crate::error::UserError;
use crate::figures::sequences_figure::write_sequences_figure;
use crate::options::{DEFAULT_EPS, DbscanArgs};
use crate::output::atomic::write_bytes_atomic;
use crate::output::npy::{NpyArray, read_npy, read_npz, read_spikes, write_npz};

/// Options of `seqscape analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// A folder written by 'seqscape run' (or holding spikes.npz and params.json of the same form).
    pub dir: PathBuf,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Start of the analysed window, ms (default: the end of the warm-up).
    #[arg(long, allow_hyphen_values = true)]
    pub from_ms: Option<f64>,
    /// End of the analysed window, ms (default: the end of the run).
    #[arg(long, allow_hyphen_values = true)]
    pub to_ms: Option<f64>,
    /// For a run of the E-I network: the population to analyse, e or i (default e).
    #[arg(long, ignore_case = true)]
    pub population: Option<Population>,
}

/// The populations of the E-I network.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    /// The excitatory sheet.
    E,
    /// The inhibitory sheet.
    I,
}

/// Largest grid side `analyze` reads from `params.json`.
pub const MAX_N: u64 = 4096;
/// Longest run `analyze` reads from `params.json` (warm-up plus duration), ms.
pub const MAX_RUN_MS: f64 = 3.6e6;

/// The per-spike and per-track arrays of a report, as the columns of `sequences.npz`.
fn report_arrays(report: &SequenceReport) -> Result<Vec<(&'static str, NpyArray)>, UserError> {
    let points = report.tracks.iter().flat_map(|t| t.points.iter().map(move |p| (t.cluster, p)));
    let steps = report.tracks.iter().flat_map(|t| t.steps.iter().map(move |s| (t.cluster, s)));
    let col_u32 = |v: Vec<u32>| NpyArray::from_vec(v);
    let col_f64 = |v: Vec<f64>| NpyArray::from_vec(v);
    Ok(vec![
        ("spike_offset", col_u32(vec![report.spike_range.start as u32])),
        ("label", NpyArray::from_vec(report.labels.clone())),
        ("point_cluster", col_u32(points.clone().map(|(c, _)| c as u32).collect())),
        ("point_track", col_u32(points.clone().map(|(_, p)| p.track as u32).collect())),
        ("point_t_ms", col_f64(points.clone().map(|(_, p)| p.t_ms).collect())),
        ("point_x", col_f64(points.clone().map(|(_, p)| p.x).collect())),
        ("point_y", col_f64(points.clone().map(|(_, p)| p.y).collect())),
        ("point_n_spikes", col_u32(points.map(|(_, p)| p.n_spikes as u32).collect())),
        ("step_cluster", col_u32(steps.clone().map(|(c, _)| c as u32).collect())),
        ("step_track", col_u32(steps.clone().map(|(_, s)| s.track as u32).collect())),
        ("step_t_ms", col_f64(steps.clone().map(|(_, s)| s.t_ms).collect())),
        ("step_dx", col_f64(steps.clone().map(|(_, s)| s.dx).collect())),
        ("step_dy", col_f64(steps.clone().map(|(_, s)| s.dy).collect())),
        ("step_direction_deg", col_f64(steps.clone().map(|(_, s)| s.direction_deg).collect())),
        ("step_speed_grid_per_s", col_f64(steps.clone().map(|(_, s)| s.speed_grid_per_s).collect())),
        ("step_speed_paper_units", col_f64(steps.map(|(_, s)| s.speed_paper_units).collect())),
    ])
}

/// Analyses spikes in [from_ms, to_ms) by `recipe` and writes `sequences.json`, `sequences.npz` and
/// `sequences.png` into `dir`; with a stimulus `protocol`, also the evoked sequences.
pub fn analyze_and_write(
    dir: &Path,
    i: &[u32],
    t_ms: &[f64],
    n: usize,
    window: (f64, f64),
    recipe: Recipe,
    dbscan: &DbscanParams,
    title: &str,
    protocol: Option<&EvokedProtocol>,
) -> Result<(SequenceReport, Option<EvokedSummary>), UserError> {
    let report = analyze_recipe(recipe, i, t_ms, n, window.0, window.1, dbscan)?;
    let r = report.spike_range.clone();
    let evoked = protocol.map(|p| evoked_sequences(&report.labels, &i[r.clone()], &t_ms[r.clone()], n, p));
    let mut json = serde_json::json!({
        "program": "seqscape",
        "version": env!("CARGO_PKG_VERSION"),
        "n": n,
        "summary": report.summary,
        "clusters": report.clusters,
        "arrays": {
            "file": "sequences.npz",
            "label": "cluster of each analysed spike (-1: noise); spike k of the window is spike spike_offset + k of spikes.npz",
            "point_*": "centroid track points: cluster, track within the cluster, mean spike time t_ms, x, y, spikes behind the centroid",
            "step_*": "track steps: cluster, track, t_ms, dx, dy, direction_deg, speed_grid_per_s (displacement / 10 ms), speed_paper_units (displacement / 25 ms)",
        },
    });
    if let (Some(e), Some(map)) = (&evoked, json.as_object_mut()) {
        map.insert("evoked".into(), serde_json::to_value(e)?);
    }
    let arrays = report_arrays(&report)?;
    let named: Vec<(&str, &NpyArray)> = arrays.iter().map(|(k, v)| (*k, v)).collect();
    write_npz(&dir.join("sequences.npz"), &named)?;
    write_bytes_atomic(&dir.join("sequences.json"), serde_json::to_string_pretty(&json)?.as_bytes())?;
    write_sequences_figure(&report, &i[r.clone()], &t_ms[r], n, title, &dir.join("sequences.png"))?;
    Ok((report, evoked))
}

/// One line summarising the evoked sequences.
pub fn evoked_line(e: &EvokedSummary) -> String {
    let ms = |v: f64| if v.is_finite() { format!("{v:.1} ms") } else { "-".to_string() };
    format!(
        "evoked sequences: {} after {} pulses (probability {:.2}), reaction time mean {} median {}, lifespan mean {} median {}",
        e.n_evoked,
        e.pulses,
        e.evoked_probability,
        ms(e.reaction_time_ms.mean),
        ms(e.reaction_time_ms.median),
        ms(e.lifespan_ms.mean),
        ms(e.lifespan_ms.median),
    )
}

/// One line summarising a report.
pub fn summary_line(report: &SequenceReport) -> String {
    let s = &report.summary;
    format!(
        "{} recipe: {} clusters ({:.2}/s, {} wrap), {:.1} [{:.1}, {:.1}] sequences per 1 s window, speed {:.1} grid/s ({:.2} in the paper's units, step / 25 ms), direction {:.0}° (R = {:.2})",
        s.recipe.name(),
        s.n_clusters,
        s.clusters_per_s,
        if s.wrap { "with" } else { "without" },
        s.sequences_per_window.median,
        s.sequences_per_window.q25,
        s.sequences_per_window.q75,
        s.speed_grid_per_s.median,
        s.speed_paper_units.median,
        s.direction_mean_deg,
        s.direction_resultant_length,
    )
}

/// What `analyze` needs from a run folder's `params.json`, checked.
struct RunInfo {
    n: usize,
    /// For an E-I run: the population analysed (0 = E, 1 = I), whose grid `n` is.
    population: Option<u8>,
    warmup_ms: f64,
    duration_ms: f64,
    title: String,
    /// For the E sheet of an E-I run with pulses: the stimulus.
    protocol: Option<EvokedProtocol>,
}

fn read_run_info(path: &Path, population: u8) -> Result<RunInfo, UserError> {
    let fix = "rewrite it with 'seqscape run'";
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)
        .map_err(|e| UserError(format!("cannot read '{}': {e}; {fix}", path.display())))?;
    let number = |name: &str| {
        value[name].as_f64().ok_or_else(|| UserError(format!("'{}' lacks the number '{name}'; {fix}", path.display())))
    };
    // An E-I run: the population's own grid (E by default).
    let ei = value["network"].as_str() == Some("ei");
    let population = ei.then_some(population);
    let n_key = match population {
        Some(0) => "n_e",
        Some(_) => "n_i",
        None => "n",
    };
    let n = match value[n_key].as_u64() {
        Some(n) if (2..=MAX_N).contains(&n) => n as usize,
        _ => {
            return Err(UserError(format!(
                "invalid {n_key} '{}' in '{}': expected an integer from 2 to {MAX_N}",
                value[n_key],
                path.display()
            )));
        }
    };
    let times = [("warmup_ms", number("warmup_ms")?), ("duration_ms", number("duration_ms")?)];
    for (name, v) in times {
        if !(v.is_finite() && (0.0..=MAX_RUN_MS).contains(&v)) {
            return Err(UserError(format!(
                "invalid {name} '{}' in '{}': expected 0 to {MAX_RUN_MS} ms",
                show_number(v),
                path.display()
            )));
        }
    }
    let title = value["landscape"].as_str().unwrap_or("run").to_string();
    let title = match population {
        Some(0) => format!("{title}, E-I network, E"),
        Some(_) => format!("{title}, E-I network, I"),
        None => title,
    };
    // The stimulus: its onsets and period, around the centre E neuron (n_e / 2, n_e / 2).
    let onsets: Vec<f64> = value["pulse_onsets_ms"]
        .as_array()
        .map_or(Vec::new(), |v| v.iter().filter_map(serde_json::Value::as_f64).collect());
    let protocol = if population == Some(0) && !onsets.is_empty() {
        let stimulus = &value["stimulus"];
        let period = stimulus["duration_ms"].as_f64().zip(stimulus["pause_ms"].as_f64()).map(|(a, b)| a + b);
        let period = period.filter(|p| p.is_finite() && *p > 0.0).ok_or_else(|| {
            UserError(format!(
                "'{}' has pulse onsets but no stimulus duration_ms and pause_ms (a positive period); {fix}",
                path.display()
            ))
        })?;
        if onsets.iter().any(|t| !t.is_finite()) || onsets.windows(2).any(|w| w[1] < w[0]) {
            return Err(UserError(format!(
                "invalid pulse_onsets_ms in '{}': expected ascending times; {fix}",
                path.display()
            )));
        }
        let c = (n / 2) as u32;
        Some(EvokedProtocol::new(onsets, period, c, c))
    } else {
        None
    };
    Ok(RunInfo { n, population, warmup_ms: times[0].1, duration_ms: times[1].1, title, protocol })
}

/// Runs `seqscape analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result<(), UserError> {
    let dir = &args.dir;
    let params_path = dir.join("params.json");
    let spikes_path = dir.join("spikes.npz");
    if !spikes_path.is_file() || !params_path.is_file() {
        return Err(UserError(format!(
            "'{}' has no spikes.npz and params.json; point to a folder written by 'seqscape run --out DIR'",
            dir.display()
        )));
    }
    let wanted = match args.population {
        Some(Population::I) => 1,
        _ => 0,
    };
    let info = read_run_info(&params_path, wanted)?;
    // A stimulated E-I run is analysed as the authors' Fig. 8 unless a recipe is given.
    let default_recipe = if info.protocol.is_some() { Recipe::AuthorsWrap } else { Recipe::Torus };
    let (recipe, dbscan) = args.dbscan.params(default_recipe, DEFAULT_EPS)?;
    if args.population.is_some() && info.population.is_none() {
        return Err(UserError(format!(
            "invalid --population for '{}': it is a run of the I network; --population applies to runs of \
             --network ei",
            dir.display()
        )));
    }
    let end = info.warmup_ms + info.duration_ms;
    let from = args.from_ms.unwrap_or(info.warmup_ms);
    let to = args.to_ms.unwrap_or(end + 1e-6);
    for (name, v) in [("from-ms", from), ("to-ms", to)] {
        if !(v.is_finite() && (0.0..=end + 1e-6).contains(&v)) {
            return Err(UserError(format!(
                "invalid {name} '{}': expected 0 to {end} ms (the end of the run)",
                show_number(v)
            )));
        }
    }
    if to <= from {
        return Err(UserError(format!("empty time window [{from}, {to}) ms: pass --from-ms below --to-ms")));
    }
    let landscape_path = dir.join("landscape.npy");
    if landscape_path.is_file() && info.population != Some(1) {
        let shape = read_npy(&landscape_path)?.shape().to_vec();
        if shape != [info.n, info.n] {
            return Err(UserError(format!(
                "'{}' is {shape:?} but params.json says n = {}: expected an n×n landscape; rewrite the folder with 'seqscape run'",
                landscape_path.display(),
                info.n
            )));
        }
    }
    let (mut i, mut t) = read_spikes(&spikes_path)?;
    if let Some(wanted) = info.population {
        // An E-I run: the spikes of one population, on its own grid.
        let npz = read_npz(&spikes_path)?;
        let pop = npz.get_as::<u8>("pop")?;
        if pop.len() != i.len() {
            return Err(UserError(format!(
                "'{}' holds {} population labels for {} spikes: expected one 'pop' per spike",
                spikes_path.display(),
                pop.len(),
                i.len()
            )));
        }
        let keep: Vec<usize> = (0..i.len()).filter(|&k| pop[k] == wanted).collect();
        (i, t) = (keep.iter().map(|&k| i[k]).collect(), keep.iter().map(|&k| t[k]).collect());
    }
    if !t.windows(2).all(|w| w[0] <= w[1]) {
        // Spikes written by other tools need not be in time order; the analysis needs it.
        let mut order: Vec<usize> = (0..t.len()).collect();
        order.sort_by(|&a, &b| t[a].total_cmp(&t[b]));
        (i, t) = (order.iter().map(|&k| i[k]).collect(), order.iter().map(|&k| t[k]).collect());
    }
    let neurons = (info.n * info.n) as u64;
    if let Some(&bad) = i.iter().find(|&&id| u64::from(id) >= neurons) {
        return Err(UserError(format!(
            "invalid neuron id {bad} in '{}': expected 0 to {} for n = {} (id = y·n + x)",
            spikes_path.display(),
            neurons - 1,
            info.n
        )));
    }
    let (report, evoked) =
        analyze_and_write(dir, &i, &t, info.n, (from, to), recipe, &dbscan, &info.title, info.protocol.as_ref())?;
    eprintln!("{}: {}", dir.display(), summary_line(&report));
    if let Some(e) = &evoked {
        eprintln!("{}: {}", dir.display(), evoked_line(e));
    }
    Ok(())
}
