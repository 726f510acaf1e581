//! `seqscape sweep`: the paper's sweeps of the shift R (Fig. 5) and of the Perlin size (Fig. 6),
//! one run folder and sequence analysis per value, with `sweep.png`, `sweep.svg` and `sweep.json`.
//! The analysis follows the authors' recipe unless `--recipe torus` is given, with eps 3 for the
//! shift sweep (Fig. 5) and 4 for the Perlin-size sweep (Fig. 6); the figure and `sweep.json` both
//! read every number from the runs' summaries.

use std::path::{Path, PathBuf};

use clap::Args;
use seqscape_core::analysis::{DbscanParams, Recipe};
use seqscape_core::model::{LandscapeKind, Params};
use seqscape_core::sim::BatchRun;

use crate::commands::analyze::{analyze_and_write, summary_line};
use crate::commands::common::prepare_out_dir;
use crate::commands::run::{simulate, write_run};
use crate::error::UserError;
use crate::figures::sweep_figure::{SweepEntry, SweepKind, write_sweep_figure};
use crate::options::{DEFAULT_EPS, DbscanArgs, ModelArgs};
use crate::output::atomic::write_bytes_atomic;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[value(rename_all = "kebab-case")]
pub enum SweepWhat {
    /// Shift R for homogeneous and Perlin landscapes (Fig. 5).
    Shift,
    /// Perlin size, with the homogeneous and random landscapes as the two ends (Fig. 6).
    PerlinSize,
}

/// Options of `seqscape sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// What to sweep: shift or perlin-size.
    #[arg(ignore_case = true)]
    pub what: SweepWhat,
    /// Values, separated by commas (e.g. 0,1,2 or 3,5,10,20,50).
    #[arg(long, allow_hyphen_values = true)]
    pub values: String,
    /// Leave out the homogeneous and random ends of the Perlin-size sweep.
    #[arg(long)]
    pub no_ends: bool,
    #[command(flatten)]
    pub model: ModelArgs,
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

fn sweep_jobs(args: &SweepArgs) -> Result<(SweepKind, Vec<SweepJob>), UserError> {
    let values: Vec<f64> =
        args.values.split(',').map(|v| v.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
            UserError(format!("invalid values '{}': expected numbers separated by commas, e.g. 0,1,2", args.values))
        })?;
    if values.is_empty() {
        return Err(UserError("invalid values '': expected numbers separated by commas".into()));
    }
    for (k, v) in values.iter().enumerate() {
        if values[..k].contains(v) {
            return Err(UserError(format!("invalid values '{}': {v} appears more than once", args.values)));
        }
    }
    let make = |landscape: LandscapeKind, model: &ModelArgs| model.params(landscape);
    let mut jobs = Vec::new();
    let kind = match args.what {
        SweepWhat::Shift => {
            for landscape in [LandscapeKind::Homogeneous, LandscapeKind::Perlin] {
                for &v in &values {
                    let mut m = args.model.clone();
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
                    params: make(LandscapeKind::Homogeneous, &args.model)?,
                });
                x += 1.0;
            }
            for &v in &values {
                let mut m = args.model.clone();
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
                    params: make(LandscapeKind::Random, &args.model)?,
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
    };
    let (recipe, dbscan) = args.dbscan.params(Recipe::Authors, eps)?;
    let threads = args.model.threads();
    let (kind, jobs) = sweep_jobs(&args)?;
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
        "sweep": match kind { SweepKind::Shift => "shift", SweepKind::PerlinSize => "perlin-size" },
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
