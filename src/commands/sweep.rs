//! `seqscape sweep`: the paper's sweeps of the shift R (Fig. 5) and of the Perlin size (Fig. 6),
//! one run folder and sequence analysis per value, with `sweep.png`, `sweep.svg` and `sweep.json`.
//! The analysis follows the authors' recipe unless `--recipe torus` is given, with eps 3 for the
//! shift sweep (Fig. 5) and 4 for the Perlin-size sweep (Fig. 6); the figure and `sweep.json` both
//! read every number from the runs' summaries. `sweep ei-input` is the E-I network's Fig. 8: per
//! background (μ, σ), one spontaneous and one stimulated run, analysed by the authors-wrap recipe
//! (td 4 ms, eps 4), their clusters per second, evoked probability, reaction time and lifespan.

use std::path::{Path, PathBuf};

use clap::Args;
use seqscape_core::analysis::{
    AnalysisError, DbscanParams, EvokedProtocol, EvokedSummary, MeanMedian, Recipe, analyze_recipe, evoked_sequences,
};
use seqscape_core::model::ei::{EiParams, run_ei};
use seqscape_core::model::params::show_number;
use seqscape_core::model::{LandscapeKind, Params};
use seqscape_core::sim::BatchRun;

use crate::commands::analyze::{analyze_and_write, evoked_line, summary_line};
use crate::commands::common::prepare_out_dir;
use crate::commands::ei::{NetworkArg, NetworkArgs, rates_hz as ei_rates_hz, write_ei_run};
use crate::commands::run::{simulate, write_run};
use crate::error::UserError;
use crate::figures::ei_sweep_figure::{
    EI_RASTER_WINDOW_MS, EiRaster, EiSweepCell, EiSweepFigure, write_ei_sweep_figure,
};
use crate::figures::sweep_figure::{SweepEntry, SweepKind, write_sweep_figure};
use crate::options::{DEFAULT_EPS, DbscanArgs, FIG8_EPS, ModelArgs};
use crate::output::atomic::write_bytes_atomic;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[value(rename_all = "kebab-case")]
pub enum SweepWhat {
    /// Shift R for homogeneous and Perlin landscapes (Fig. 5).
    Shift,
    /// Perlin size, with the homogeneous and random landscapes as the two ends (Fig. 6).
    PerlinSize,
    /// The E-I network's background mean and σ (Fig. 8): spontaneous and evoked sequences.
    EiInput,
}

/// The model options of `sweep`, where `--mu` and `--sigma` also take the ranges of `sweep
/// ei-input` (start:stop:step or a,b,c); the other sweeps take one number each.
#[derive(Debug, Clone)]
pub struct SweepModelArgs {
    pub model: ModelArgs,
    pub mu: Option<String>,
    pub sigma: Option<String>,
}

impl clap::FromArgMatches for SweepModelArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut m.clone())
    }

    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        // Taken out first, so that the model options see no --mu or --sigma of their own.
        let mu = m.remove_one::<String>("mu");
        let sigma = m.remove_one::<String>("sigma");
        Ok(Self { model: ModelArgs::from_arg_matches_mut(m)?, mu, sigma })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Args for SweepModelArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        ModelArgs::augment_args(cmd)
            .mut_arg("mu", |a| {
                a.value_parser(clap::value_parser!(String)).help(
                    "Mean background current, pA; sweep ei-input: the values swept, start:stop:step \
                     (inclusive) or a,b,c (default 0:500:50)",
                )
            })
            .mut_arg("sigma", |a| {
                a.value_parser(clap::value_parser!(String)).help(
                    "σ of the background current, pA; sweep ei-input: the values swept, start:stop:step \
                     (inclusive) or a,b,c (default 0:500:50)",
                )
            })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl SweepModelArgs {
    /// The model options with `--mu` and `--sigma` as single numbers (the shift and Perlin-size
    /// sweeps).
    fn single(&self) -> Result<ModelArgs, UserError> {
        let one = |name: &str, v: &Option<String>| -> Result<Option<f64>, UserError> {
            v.as_deref()
                .map(|s| {
                    s.trim().parse::<f64>().map_err(|_| {
                        UserError(format!(
                            "invalid --{name} '{s}' for this sweep: expected one number in pA (ranges are for sweep ei-input)"
                        ))
                    })
                })
                .transpose()
        };
        let mut m = self.model.clone();
        m.mu = one("mu", &self.mu)?;
        m.sigma = one("sigma", &self.sigma)?;
        Ok(m)
    }
}

/// Options of `seqscape sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// What to sweep: shift, perlin-size or ei-input.
    #[arg(ignore_case = true)]
    pub what: SweepWhat,
    /// Shift and Perlin-size sweeps: values, separated by commas (e.g. 0,1,2 or 3,5,10,20,50).
    #[arg(long, allow_hyphen_values = true)]
    pub values: Option<String>,
    /// Leave out the homogeneous and random ends of the Perlin-size sweep.
    #[arg(long)]
    pub no_ends: bool,
    /// sweep ei-input: stimulus pulses of each stimulated run, 1-1000 (default 20, the paper's 10 s).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pulses: Option<u32>,
    #[command(flatten)]
    pub model: SweepModelArgs,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Output folder.
    #[arg(long, default_value = "seqscape-sweep")]
    pub out: PathBuf,
}

/// DBSCAN eps of the Perlin-size sweep (the authors' Fig. 6).
pub const PERLIN_SIZE_EPS: f64 = 4.0;

/// One configuration of a sweep.
struct SweepJob {
    landscape: LandscapeKind,
    label: String,
    x: f64,
    params: Params,
}

fn sweep_jobs(args: &SweepArgs, model: &ModelArgs) -> Result<(SweepKind, Vec<SweepJob>), UserError> {
    let Some(values) = &args.values else {
        return Err(UserError(format!(
            "missing --values for sweep {}: expected numbers separated by commas, e.g. 0,1,2",
            if args.what == SweepWhat::Shift { "shift" } else { "perlin-size" }
        )));
    };
    let values: Vec<f64> =
        values.split(',').map(|v| v.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
            UserError(format!("invalid values '{values}': expected numbers separated by commas, e.g. 0,1,2"))
        })?;
    if values.is_empty() {
        return Err(UserError("invalid values '': expected numbers separated by commas".into()));
    }
    for (k, v) in values.iter().enumerate() {
        if values[..k].contains(v) {
            return Err(UserError(format!(
                "invalid values '{}': {v} appears more than once",
                args.values.as_deref().unwrap_or("")
            )));
        }
    }
    let make = |landscape: LandscapeKind, model: &ModelArgs| model.params(landscape);
    let mut jobs = Vec::new();
    let kind = match args.what {
        SweepWhat::EiInput => return Err(UserError("sweep ei-input has runs of its own".into())),
        SweepWhat::Shift => {
            for landscape in [LandscapeKind::Homogeneous, LandscapeKind::Perlin] {
                for &v in &values {
                    let mut m = model.clone();
                    m.shift = Some(v);
                    jobs.push(SweepJob { landscape, label: format!("{v}"), x: v, params: make(landscape, &m)? });
                }
            }
            SweepKind::Shift
        }
        SweepWhat::PerlinSize => {
            let mut x = 0.0;
            if !args.no_ends {
                jobs.push(SweepJob {
                    landscape: LandscapeKind::Homogeneous,
                    label: "homogeneous".into(),
                    x,
                    params: make(LandscapeKind::Homogeneous, model)?,
                });
                x += 1.0;
            }
            for &v in &values {
                let mut m = model.clone();
                m.perlin_size = Some(v);
                jobs.push(SweepJob {
                    landscape: LandscapeKind::Perlin,
                    label: format!("{v}"),
                    x,
                    params: make(LandscapeKind::Perlin, &m)?,
                });
                x += 1.0;
            }
            if !args.no_ends {
                jobs.push(SweepJob {
                    landscape: LandscapeKind::Random,
                    label: "random".into(),
                    x,
                    params: make(LandscapeKind::Random, model)?,
                });
            }
            SweepKind::PerlinSize
        }
    };
    Ok((kind, jobs))
}

/// Runs `seqscape sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), UserError> {
    let eps = match args.what {
        SweepWhat::Shift => DEFAULT_EPS,
        SweepWhat::PerlinSize => PERLIN_SIZE_EPS,
        SweepWhat::EiInput => return sweep_ei_input(&args),
    };
    if args.pulses.is_some() {
        return Err(UserError(
            "invalid --pulses for this sweep: expected sweep ei-input (the E-I network's stimulus)".into(),
        ));
    }
    let model = args.model.single()?;
    let (recipe, dbscan) = args.dbscan.params(Recipe::Authors, eps)?;
    let threads = model.threads();
    let (kind, jobs) = sweep_jobs(&args, &model)?;
    for job in &jobs {
        dbscan.check_grid(job.params.n, job.params.duration_ms)?;
    }
    prepare_out_dir(&args.out)?;
    // Independent runs in parallel, one worker thread each: both cores stay busy without
    // synchronising inside a run.
    let workers = if threads > 0 { threads } else { std::thread::available_parallelism().map_or(1, |n| n.get()) };
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Outcome = Result<(SweepEntry, serde_json::Value), UserError>;
    let results: Vec<std::sync::Mutex<Option<Outcome>>> = jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(job) = jobs.get(k) else { break };
                    let outcome = run_sweep_job(job, &args.out, recipe, &dbscan);
                    if let Ok(mut slot) = results[k].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for slot in results {
        let outcome =
            slot.into_inner().ok().flatten().unwrap_or_else(|| Err(UserError("a sweep run did not finish".into())));
        let (entry, row) = outcome?;
        entries.push(entry);
        rows.push(row);
    }
    let json = serde_json::json!({
        "program": "seqscape",
        "version": env!("CARGO_PKG_VERSION"),
        "sweep": match kind { SweepKind::Shift => "shift", SweepKind::PerlinSize => "perlin-size", },
        "recipe": recipe,
        "dbscan": dbscan,
        "speed_formula": "speed_paper_units = |centroid displacement over a 10 ms step| / 25 ms (the unit of the paper's plots); speed_grid_per_s = the same displacement / 10 ms",
        "runs": rows,
    });
    write_sweep_figure(kind, &entries, &args.out.join("sweep.png"), &args.out.join("sweep.svg"))?;
    write_bytes_atomic(&args.out.join("sweep.json"), serde_json::to_string_pretty(&json)?.as_bytes())?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

fn run_sweep_job(
    job: &SweepJob,
    out: &Path,
    recipe: Recipe,
    dbscan: &DbscanParams,
) -> Result<(SweepEntry, serde_json::Value), UserError> {
    let name = if job.label == job.landscape.name() {
        job.label.clone()
    } else {
        format!("{}-{}", job.landscape.name(), job.label.replace(['/', ' '], "_"))
    };
    let dir: PathBuf = out.join(&name);
    prepare_out_dir(&dir)?;
    let run: BatchRun = simulate(job.params.clone(), 1, &name)?;
    write_run(&dir, &run)?;
    let (from, to) = run.window_ms();
    let report =
        analyze_and_write(&dir, &run.i, &run.t_ms, run.params.n, (from, to + 1e-6), recipe, dbscan, &name, None)?.0;
    eprintln!("{name}: {}", summary_line(&report));
    let entry = SweepEntry {
        label: job.label.clone(),
        x: job.x,
        landscape: job.landscape.name().to_string(),
        summary: report.summary.clone(),
    };
    let row = serde_json::json!({
        "landscape": job.landscape.name(),
        "label": job.label,
        "shift": job.params.shift,
        "perlin_size": job.params.perlin_size,
        "folder": name,
        "summary": report.summary,
    });
    Ok((entry, row))
}

/// The backgrounds `sweep ei-input` takes by default, pA: 0 to 500 in steps of 50 (Fig. 8).
pub const EI_INPUT_DEFAULT: &str = "0:500:50";
/// Pulses of each stimulated run of `sweep ei-input` by default (the paper's 10 s).
pub const EI_INPUT_PULSES: u32 = 20;
/// Most values one axis of `sweep ei-input` takes.
pub const EI_INPUT_MAX_VALUES: usize = 1000;
/// The backgrounds (μ, σ) whose stimulated runs Fig. 8 a–b draws as rasters, pA.
pub const EI_INPUT_RASTERS: [(f64, f64); 2] = [(150.0, 250.0), (250.0, 350.0)];

/// Parses the values of `--mu` or `--sigma` of `sweep ei-input`: `start:stop:step` (inclusive,
/// 0 ≤ start ≤ stop, step > 0) or `a,b,c` (each ≥ 0, distinct), in pA.
pub fn parse_pa_values(option: &str, text: &str) -> Result<Vec<f64>, UserError> {
    let accepted = "expected start:stop:step with 0 <= start <= stop and step > 0, or values a,b,c >= 0, in pA \
                    (e.g. 0:500:50)";
    let bad = || UserError(format!("invalid --{option} '{text}': {accepted}"));
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0 && *v <= 1.0e6);
    let values: Vec<f64> = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [a, b, c] = parts[..] else { return Err(bad()) };
        let (Some(start), Some(stop), Some(step)) = (number(a), number(b), number(c)) else { return Err(bad()) };
        if stop < start || step <= 0.0 {
            return Err(bad());
        }
        let count = ((stop - start) / step + 1e-9).floor() as usize + 1;
        if count > EI_INPUT_MAX_VALUES {
            return Err(UserError(format!(
                "invalid --{option} '{text}': {count} values, expected at most {EI_INPUT_MAX_VALUES}"
            )));
        }
        (0..count).map(|k| ((start + k as f64 * step) * 1e9).round() / 1e9).collect()
    } else {
        let values: Option<Vec<f64>> = text.split(',').map(number).collect();
        values.filter(|v| !v.is_empty()).ok_or_else(bad)?
    };
    for (k, v) in values.iter().enumerate() {
        if values[..k].contains(v) {
            return Err(UserError(format!("invalid --{option} '{text}': {v} appears more than once; {accepted}")));
        }
    }
    if values.len() > EI_INPUT_MAX_VALUES {
        return Err(UserError(format!("invalid --{option} '{text}': expected at most {EI_INPUT_MAX_VALUES} values")));
    }
    Ok(values)
}

/// One stimulated or spontaneous run of `sweep ei-input`.
struct EiJob {
    point: usize,
    stimulated: bool,
    params: EiParams,
}

/// What one run of `sweep ei-input` measured.
struct EiOutcome {
    rate_e_hz: f64,
    rate_i_hz: f64,
    /// Clusters per second of the analysed window (spontaneous runs).
    clusters_per_s: f64,
    n_clusters: usize,
    evoked: Option<EvokedSummary>,
    /// For the raster panels: the E spikes in the raster window and whether each is in an evoked
    /// cluster.
    raster: Option<EiRaster>,
}

fn point_folder(mu: f64, sigma: f64) -> String {
    format!("mu{}-sigma{}", show_number(mu), show_number(sigma))
}

/// `seqscape sweep ei-input`: Fig. 8.
fn sweep_ei_input(args: &SweepArgs) -> Result<(), UserError> {
    if args.values.is_some() || args.no_ends {
        let option = if args.values.is_some() { "--values" } else { "--no-ends" };
        return Err(UserError(format!(
            "invalid {option} with sweep ei-input: expected --mu and --sigma (start:stop:step or a,b,c, pA); \
             {option} is for sweep shift and sweep perlin-size"
        )));
    }
    let mus = parse_pa_values("mu", args.model.mu.as_deref().unwrap_or(EI_INPUT_DEFAULT))?;
    let sigmas = parse_pa_values("sigma", args.model.sigma.as_deref().unwrap_or(EI_INPUT_DEFAULT))?;
    let (recipe, dbscan) = args.dbscan.params(Recipe::AuthorsWrap, FIG8_EPS)?;
    let pulses = args.pulses.unwrap_or(EI_INPUT_PULSES);
    let mut model = args.model.model.clone();
    let threads = model.threads();
    let mut jobs = Vec::new();
    let mut points = Vec::new();
    for &mu in &mus {
        for &sigma in &sigmas {
            (model.mu, model.sigma) = (Some(mu), Some(sigma));
            let spontaneous = NetworkArgs { network: NetworkArg::Ei, ..NetworkArgs::default() };
            let spontaneous = spontaneous.ei_params(&model, LandscapeKind::Perlin)?;
            let stimulated = NetworkArgs { network: NetworkArg::Ei, pulses: Some(pulses), ..NetworkArgs::default() };
            let mut stimulated_model = model.clone();
            stimulated_model.duration_ms = None;
            let stimulated = stimulated.ei_params(&stimulated_model, LandscapeKind::Perlin)?;
            for p in [&spontaneous, &stimulated] {
                dbscan.check_grid(p.n_e, p.duration_ms)?;
            }
            let point = points.len();
            points.push((mu, sigma));
            jobs.push(EiJob { point, stimulated: false, params: spontaneous });
            jobs.push(EiJob { point, stimulated: true, params: stimulated });
        }
    }
    prepare_out_dir(&args.out)?;
    let workers = if threads > 0 { threads } else { std::thread::available_parallelism().map_or(1, |n| n.get()) };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let results: Vec<std::sync::Mutex<Option<Result<EiOutcome, UserError>>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let failed = std::sync::atomic::AtomicBool::new(false);
    eprintln!(
        "sweep ei-input: {} backgrounds x (spontaneous {} ms + {} pulses), {} workers",
        points.len(),
        show_number(jobs[0].params.duration_ms),
        pulses,
        workers.min(jobs.len())
    );
    std::thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    if failed.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(job) = jobs.get(k) else { break };
                    let (mu, sigma) = points[job.point];
                    let outcome = run_ei_job(job, (mu, sigma), &args.out, recipe, &dbscan);
                    let finished = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    match &outcome {
                        Ok(o) => eprintln!(
                            "[{finished}/{}] {:.0} s  mu {} sigma {} pA {}: E {:.2} Hz, I {:.2} Hz, {}",
                            jobs.len(),
                            started.elapsed().as_secs_f64(),
                            show_number(mu),
                            show_number(sigma),
                            if job.stimulated { "stimulated" } else { "spontaneous" },
                            o.rate_e_hz,
                            o.rate_i_hz,
                            match &o.evoked {
                                Some(e) => evoked_line(e),
                                None => format!("{:.2} clusters/s", o.clusters_per_s),
                            }
                        ),
                        Err(_) => failed.store(true, std::sync::atomic::Ordering::SeqCst),
                    }
                    if let Ok(mut slot) = results[k].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    let mut outcomes = Vec::with_capacity(jobs.len());
    for slot in results {
        let outcome =
            slot.into_inner().ok().flatten().unwrap_or_else(|| Err(UserError("a sweep run did not finish".into())));
        outcomes.push(outcome?);
    }
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut rasters = Vec::new();
    for (point, &(mu, sigma)) in points.iter().enumerate() {
        let spontaneous = &outcomes[2 * point];
        let stimulated = &outcomes[2 * point + 1];
        let evoked = stimulated.evoked.as_ref();
        let mean_median = |f: fn(&EvokedSummary) -> MeanMedian| {
            evoked.map(f).unwrap_or(MeanMedian { mean: f64::NAN, median: f64::NAN })
        };
        let cell = EiSweepCell {
            mu_pa: mu,
            sigma_pa: sigma,
            rate_e_hz: spontaneous.rate_e_hz,
            rate_i_hz: spontaneous.rate_i_hz,
            spontaneous_clusters_per_s: spontaneous.clusters_per_s,
            evoked_probability: evoked.map_or(f64::NAN, |e| e.evoked_probability),
            reaction_time_ms: mean_median(|e| e.reaction_time_ms),
            lifespan_ms: mean_median(|e| e.lifespan_ms),
        };
        rows.push(serde_json::json!({
            "mu_pa": mu,
            "sigma_pa": sigma,
            "folder": point_folder(mu, sigma),
            "summary": {
                "rate_e_hz": finite(cell.rate_e_hz),
                "rate_i_hz": finite(cell.rate_i_hz),
                "spontaneous_clusters_per_s": finite(cell.spontaneous_clusters_per_s),
                "spontaneous_clusters": spontaneous.n_clusters,
                "evoked_probability": finite(cell.evoked_probability),
                "evoked_clusters": evoked.map_or(0, |e| e.n_evoked),
                "pulses_with_evoked_fraction": finite(evoked.map_or(f64::NAN, |e| e.pulses_with_evoked_fraction)),
                "reaction_time_ms": { "mean": finite(cell.reaction_time_ms.mean), "median": finite(cell.reaction_time_ms.median) },
                "lifespan_ms": { "mean": finite(cell.lifespan_ms.mean), "median": finite(cell.lifespan_ms.median) },
                "stimulated_rate_e_hz": finite(stimulated.rate_e_hz),
                "stimulated_rate_i_hz": finite(stimulated.rate_i_hz),
            },
        }));
        cells.push(cell);
        if let Some(r) = &stimulated.raster {
            rasters.push(r.clone());
        }
    }
    let json = serde_json::json!({
        "program": "seqscape",
        "version": env!("CARGO_PKG_VERSION"),
        "sweep": "ei-input",
        "network": "ei",
        "recipe": recipe,
        "dbscan": dbscan,
        "mu_pa": mus,
        "sigma_pa": sigmas,
        "pulses": pulses,
        "spontaneous_duration_ms": jobs[0].params.duration_ms,
        "definitions": {
            "rate_e_hz, rate_i_hz": "mean rates of the spontaneous run after the warm-up",
            "spontaneous_clusters_per_s": "clusters of the E sheet (authors-wrap recipe) per second of the spontaneous run after the warm-up",
            "evoked_probability": "evoked clusters / pulses in the stimulated run (a cluster with a spike in the stimulated site's row and one in its column, a spike in a period's first 50 ms and none in its last 50 ms)",
            "reaction_time_ms": "first spike of an evoked cluster - the onset of its period",
            "lifespan_ms": "last - first spike of an evoked cluster",
        },
        "wall_s": started.elapsed().as_secs_f64(),
        "runs": rows,
    });
    let figure = EiSweepFigure { mus: &mus, sigmas: &sigmas, cells: &cells, rasters: &rasters, pulses };
    write_ei_sweep_figure(&figure, &args.out.join("sweep.png"), &args.out.join("sweep.svg"))?;
    write_bytes_atomic(&args.out.join("sweep.json"), serde_json::to_string_pretty(&json)?.as_bytes())?;
    eprintln!("wrote {} ({:.0} s)", args.out.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// A number for JSON: null when NaN or infinite.
fn finite(v: f64) -> serde_json::Value {
    if v.is_finite() { v.into() } else { serde_json::Value::Null }
}

/// Simulates, writes and analyses one run of `sweep ei-input`.
fn run_ei_job(
    job: &EiJob,
    (mu, sigma): (f64, f64),
    out: &Path,
    recipe: Recipe,
    dbscan: &DbscanParams,
) -> Result<EiOutcome, UserError> {
    let dir = out.join(point_folder(mu, sigma)).join(if job.stimulated { "stimulated" } else { "spontaneous" });
    prepare_out_dir(&dir)?;
    let run = run_ei(job.params.clone(), 1, |_, _| {})?;
    write_ei_run(&dir, &run)?;
    let (rate_e_hz, rate_i_hz) = ei_rates_hz(&run);
    let (from, to) = run.window_ms();
    // The E sheet's spikes, in time order (as recorded).
    let e: Vec<usize> = (0..run.i.len()).filter(|&k| run.pop[k] == 0).collect();
    let ids: Vec<u32> = e.iter().map(|&k| run.i[k]).collect();
    let times: Vec<f64> = e.iter().map(|&k| run.t_ms[k]).collect();
    let protocol = job.stimulated.then(|| EvokedProtocol::for_ei(&run.params));
    let n = run.params.n_e;
    let duration_s = (to - from) / 1000.0;
    let (summary, labels, range) = match analyze_recipe(recipe, &ids, &times, n, from, to + 1e-6, dbscan) {
        Ok(report) => (Some(report.summary), report.labels, report.spike_range),
        // No spike after the warm-up: no cluster (as the authors count it).
        Err(AnalysisError::NoSpikesInWindow { .. }) => (None, Vec::new(), 0..0),
        Err(e) => return Err(e.into()),
    };
    let evoked = protocol.as_ref().map(|p| evoked_sequences(&labels, &ids[range.clone()], &times[range.clone()], n, p));
    let n_clusters = summary.as_ref().map_or(0, |s| s.n_clusters);
    let json = serde_json::json!({
        "program": "seqscape",
        "version": env!("CARGO_PKG_VERSION"),
        "n": n,
        "summary": summary,
        "evoked": evoked,
    });
    write_bytes_atomic(&dir.join("sequences.json"), serde_json::to_string_pretty(&json)?.as_bytes())?;
    let raster = match &evoked {
        Some(ev) if EI_INPUT_RASTERS.contains(&(mu, sigma)) => {
            let mut in_evoked = vec![false; summary.as_ref().map_or(0, |s| s.n_clusters)];
            for c in &ev.clusters {
                in_evoked[c.cluster] = true;
            }
            let (lo, hi) = EI_RASTER_WINDOW_MS;
            let spikes: Vec<(f64, u32, bool)> = (range.start..range.end)
                .filter(|&k| times[k] >= lo && times[k] < hi)
                .map(|k| {
                    let l = labels[k - range.start];
                    (times[k], ids[k], l >= 0 && in_evoked[l as usize])
                })
                .collect();
            Some(EiRaster { mu_pa: mu, sigma_pa: sigma, n_neurons: n * n, spikes })
        }
        _ => None,
    };
    Ok(EiOutcome { rate_e_hz, rate_i_hz, clusters_per_s: n_clusters as f64 / duration_s, n_clusters, evoked, raster })
}
