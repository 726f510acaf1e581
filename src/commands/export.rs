//! `seqscape export nest`: the network of a run as NEST, the engine that runs this model on
//! clusters, can build it. `DIR/network.npz` holds every synapse (`source`, `target` as ids
//! `y·n + x`, `weight_pa`, `delay_ms`), the `landscape` (radians, `[y, x]`) and `n`;
//! `DIR/run_nest.py` is a self-contained PyNEST 3 script with the parameters written into it that
//! builds exactly that network (`iaf_psc_alpha`, one `noise_generator` with the 1-ms noise, the
//! warm-up protocol), simulates the same time, and writes `spikes.npz` and `params.json` in
//! seqscape's format (the ranks' spikes merged under MPI), so `seqscape analyze` reads them.

use std::path::PathBuf;

use clap::Args;
use seqscape_core::model::{Landscape, NoiseKind, Params, SynapseBuckets};

use crate::commands::common::prepare_out_dir;
use crate::commands::run::params_json;
use crate::error::UserError;
use crate::options::{ModelArgs, landscape};
use crate::output::atomic::write_bytes_atomic;
use crate::output::npy::{NpyArray, write_npz};

/// The script, with `@PARAMS_JSON@` standing for the run's parameters.
const RUN_NEST_PY: &str = include_str!("../../assets/run_nest.py");

/// Engines a network can be exported to.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// NEST 3 (PyNEST), with or without MPI.
    Nest,
}

/// Options of `seqscape export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The engine: nest.
    #[arg(ignore_case = true)]
    pub engine: Engine,
    /// Landscape: symmetric, random, perlin or homogeneous (default: perlin, or the preset file's).
    #[arg(long)]
    pub landscape: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// Why NEST cannot run `p` as seqscape does, if it cannot.
fn nest_cannot_express(p: &Params) -> Option<String> {
    if p.noise != NoiseKind::Piecewise {
        return Some(format!(
            "invalid noise '{:?}' for export nest: NEST's noise_generator holds each draw for a time step of its own; \
             expected the paper preset's piecewise noise (--preset paper)",
            p.noise
        ));
    }
    if p.delay_ms < p.dt_ms {
        return Some(format!(
            "invalid delay '{} ms' for export nest: NEST's delays are at least one step; expected at least {} ms \
             (--preset paper)",
            p.delay_ms, p.dt_ms
        ));
    }
    None
}

/// The script for `p`: the template with the parameters as JSON.
pub fn run_nest_script(p: &Params) -> Result<String, UserError> {
    let json = params_json(p, 1)?;
    if json.contains("\"\"\"") {
        return Err(UserError("the parameters cannot be written into run_nest.py".into()));
    }
    Ok(RUN_NEST_PY.replace("@PARAMS_JSON@", &json))
}

/// Runs `seqscape export`.
pub fn export(args: ExportArgs) -> Result<(), UserError> {
    let landscape_kind = args.landscape.as_deref().map(landscape).transpose()?;
    let params = args.model.params_for(landscape_kind)?;
    if let Some(why) = nest_cannot_express(&params) {
        return Err(UserError(why));
    }
    let script = run_nest_script(&params)?;
    prepare_out_dir(&args.out)?;
    let started = std::time::Instant::now();
    let landscape = Landscape::generate(&params);
    let buckets = SynapseBuckets::build(&params, &landscape);
    let n_synapses = buckets.n_synapses();
    let mut source = Vec::with_capacity(n_synapses);
    for s in 0..buckets.n_sources() {
        source.extend(std::iter::repeat_n(s as u32, buckets.targets_of(s).len()));
    }
    let arrays = [
        ("source", NpyArray::from_vec(source)),
        ("target", NpyArray::from_vec(buckets.targets.clone())),
        ("weight_pa", NpyArray::from_vec(vec![params.j_pa as f32; n_synapses])),
        ("delay_ms", NpyArray::from_vec(vec![params.delay_ms as f32; n_synapses])),
        ("landscape", NpyArray::from_2d(params.n, params.n, landscape.direction.clone())?),
        ("n", NpyArray::new(Vec::new(), vec![params.n as i64])?),
    ];
    let named: Vec<(&str, &NpyArray)> = arrays.iter().map(|(k, v)| (*k, v)).collect();
    write_npz(&args.out.join("network.npz"), &named)?;
    write_bytes_atomic(&args.out.join("run_nest.py"), script.as_bytes())?;
    eprintln!(
        "{}: {} neurons, {n_synapses} synapses in {:.1} s -> {} (run: python {}/run_nest.py)",
        params.landscape,
        params.n_neurons(),
        started.elapsed().as_secs_f64(),
        args.out.display(),
        args.out.display()
    );
    Ok(())
}
