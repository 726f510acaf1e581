//! `seqscape run`: one network's spikes, in-degrees, landscape and parameters in a folder; and the
//! pieces the other batch commands share (the output folder check, the simulation with a progress
//! bar, the run folder's files).

use std::path::{Path, PathBuf};

use seqscape_core::model::Params;
use seqscape_core::sim::{BatchRun, run_batch};

use clap::Args;

use crate::commands::common::{DERIVED_FILES, prepare_out_dir, with_progress};
use crate::commands::ei::{self, NetworkArgs};
use crate::error::UserError;
use crate::options::{LANDSCAPE_NAMES, LandscapeFileArgs, ModelArgs, landscape};
use crate::output::atomic::write_bytes_atomic;
use crate::output::npy::{NpyArray, write_npy, write_npz};
use crate::presets;

/// Options of `seqscape run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Landscape: symmetric, random, perlin or homogeneous (or --landscape-file, --landscape-image,
    /// or the landscape of a preset file).
    #[arg(long, required_unless_present_any = ["landscape_file", "landscape_image", "preset"])]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub file: LandscapeFileArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// Simulates with a progress bar on a terminal.
pub fn simulate(params: Params, threads: usize, label: &str) -> Result<BatchRun, UserError> {
    with_progress(label, |progress| Ok(run_batch(params, threads, progress)?))
}

/// Every parameter of a run plus the program's name and version, as JSON.
pub fn params_json(p: &Params, threads: usize) -> Result<String, UserError> {
    let mut v = serde_json::to_value(p)?;
    if let Some(map) = v.as_object_mut() {
        map.insert("program".into(), "seqscape".into());
        map.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        map.insert("n_neurons".into(), p.n_neurons().into());
        map.insert("threads".into(), threads.into());
        map.insert("spike_time_convention".into(), "ms from the start of the warm-up, end of the step".into());
    }
    Ok(serde_json::to_string_pretty(&v)?)
}

/// Writes `spikes.npz`, `in_degree.npy`, `landscape.npy` and `params.json` into `dir`.
pub fn write_run(dir: &Path, run: &BatchRun) -> Result<(), UserError> {
    let n = run.params.n;
    let i = NpyArray::from_vec(run.i.clone());
    let t = NpyArray::from_vec(run.t_ms.clone());
    write_npz(&dir.join("spikes.npz"), &[("i", &i), ("t_ms", &t)])?;
    let in_degree: Vec<i32> = run.in_degree.iter().map(|&d| d as i32).collect();
    write_npy(&dir.join("in_degree.npy"), &NpyArray::from_2d(n, n, in_degree)?)?;
    write_npy(&dir.join("landscape.npy"), &NpyArray::from_2d(n, n, run.landscape.clone())?)?;
    write_bytes_atomic(&dir.join("params.json"), params_json(&run.params, run.threads)?.as_bytes())?;
    for name in DERIVED_FILES {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(UserError(format!("cannot remove the old {name} in '{}': {e}", dir.display())));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Runs `seqscape run`.
pub fn run(args: RunArgs) -> Result<(), UserError> {
    let landscape = args.landscape.as_deref().map(landscape).transpose()?;
    if landscape.is_none() && !args.file.given() && !presets::is_file(&args.model.preset) {
        return Err(UserError(format!(
            "missing --landscape with --preset {}: expected one of: {LANDSCAPE_NAMES} (or --landscape-file, --landscape-image, or a preset file)",
            args.model.preset
        )));
    }
    if args.network.is_ei() {
        let params = args.network.ei_params_with(&args.model, landscape, &args.file)?;
        return ei::run(params, args.model.threads(), &args.out);
    }
    args.network.check_i_only()?;
    let params = args.model.params_with(landscape, &args.file)?;
    let landscape = params.landscape;
    let threads = args.model.threads();
    prepare_out_dir(&args.out)?;
    let run = simulate(params, threads, landscape.name())?;
    write_run(&args.out, &run)?;
    eprintln!(
        "{}: {} spikes from {} neurons over {:.0} ms (build {:.2} s, simulation {:.2} s) -> {}",
        landscape,
        run.i.len(),
        run.params.n_neurons(),
        run.params.warmup_ms + run.params.duration_ms,
        run.build_s,
        run.sim_s,
        args.out.display()
    );
    Ok(())
}
