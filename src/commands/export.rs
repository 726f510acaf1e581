//! `seqscape export nest`: the network of a run as NEST, the engine that runs this model on
//! clusters, can build it. `DIR/network.npz` holds every synapse (`source`, `target` as ids
//! `y·n + x`, `weight_pa`, `delay_ms`), the `landscape` (radians, `[y, x]`) and `n`;
//! `DIR/run_nest.py` is a self-contained PyNEST 3 script with the parameters written into it that
//! builds exactly that network (`iaf_psc_alpha`, one `noise_generator` with the 1-ms noise, the
//! warm-up protocol), simulates the same time, and writes `spikes.npz` and `params.json` in
//! seqscape's format (the ranks' spikes merged under MPI), so `seqscape analyze` reads them.
//!
//! With `--network ei` the E-I network goes out the same way: `network.npz` holds every synapse of
//! the four projections as global ids (the E sheet's `y·n_e + x` first, then the I sheet's
//! `n_e² + y·n_i + x`) with its population's weight, the E sheet's `landscape`, `n_e`, `n_i` and the
//! `stimulated` E neurons; `DIR/run_nest_ei.py` builds it with one `noise_generator` per population,
//! the warm-up protocol and the stimulus pulses as a `dc_generator`, and writes `spikes.npz` with
//! `pop` as `seqscape run --network ei` does.

use std::path::PathBuf;

use clap::Args;
use seqscape_core::model::ei::{EiConnectivity, EiParams, Population, stimulus_targets};
use seqscape_core::model::{Landscape, LandscapeKind, NoiseKind, Params, SynapseBuckets};

use crate::commands::common::prepare_out_dir;
use crate::commands::ei::NetworkArgs;
use crate::commands::run::params_json;
use crate::error::UserError;
use crate::options::{ModelArgs, landscape};
use crate::output::atomic::write_bytes_atomic;
use crate::output::npy::{NpyArray, write_npz};

/// The script, with `@PARAMS_JSON@` standing for the run's parameters.
const RUN_NEST_PY: &str = include_str!("../../assets/run_nest.py");

/// The E-I network's script, with `@PARAMS_JSON@` standing for the run's parameters.
const RUN_NEST_EI_PY: &str = include_str!("../../assets/run_nest_ei.py");

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
    #[command(flatten)]
    pub network: NetworkArgs,
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
    fill_script(RUN_NEST_PY, &params_json(p, 1)?, "run_nest.py")
}

/// `template` with the parameters `json` written into it.
fn fill_script(template: &str, json: &str, name: &str) -> Result<String, UserError> {
    if json.contains("\"\"\"") {
        return Err(UserError(format!("the parameters cannot be written into {name}")));
    }
    Ok(template.replace("@PARAMS_JSON@", json))
}

/// The E-I script for `p`: every parameter, the stimulated E neurons and the pulse onsets (ms).
pub fn run_nest_ei_script(p: &EiParams, stimulated: &[u32]) -> Result<String, UserError> {
    let mut v = serde_json::to_value(p)?;
    if let Some(map) = v.as_object_mut() {
        map.insert("network".into(), "ei".into());
        map.insert("stimulated_e".into(), stimulated.to_vec().into());
        let onsets: Vec<f64> = (0..p.stimulus.pulses).map(|k| p.pulse_onset_ms(k)).collect();
        map.insert("pulse_onsets_ms".into(), onsets.into());
        map.insert(
            "spike_time_convention".into(),
            "ms from the start of the warm-up, end of the step; pop 0 = E, 1 = I; i = y*n + x on the population's grid"
                .into(),
        );
    }
    fill_script(RUN_NEST_EI_PY, &serde_json::to_string_pretty(&v)?, "run_nest_ei.py")
}

/// `seqscape export nest --network ei`: the E-I network's synapses and its script.
fn export_ei(params: EiParams, out: &std::path::Path) -> Result<(), UserError> {
    let stimulated = if params.stimulus.pulses > 0 { stimulus_targets(&params) } else { Vec::new() };
    let script = run_nest_ei_script(&params, &stimulated)?;
    prepare_out_dir(out)?;
    let started = std::time::Instant::now();
    let conn = EiConnectivity::build(&params);
    let n_synapses = conn.n_synapses();
    let mut source = Vec::with_capacity(n_synapses);
    let mut weight_pa = Vec::with_capacity(n_synapses);
    for s in 0..conn.n_sources() {
        let k = conn.targets_of(s).len();
        let w = params.weight_pa(conn.split(s).0) as f32;
        source.extend(std::iter::repeat_n(s as u32, k));
        weight_pa.extend(std::iter::repeat_n(w, k));
    }
    let n_e = params.side(Population::E);
    let arrays = [
        ("source", NpyArray::from_vec(source)),
        ("target", NpyArray::from_vec(conn.targets.clone())),
        ("weight_pa", NpyArray::from_vec(weight_pa)),
        ("delay_ms", NpyArray::from_vec(vec![params.delay_ms as f32; n_synapses])),
        ("landscape", NpyArray::from_2d(n_e, n_e, conn.landscape.direction.clone())?),
        ("n_e", NpyArray::new(Vec::new(), vec![n_e as i64])?),
        ("n_i", NpyArray::new(Vec::new(), vec![params.side(Population::I) as i64])?),
        ("stimulated", NpyArray::from_vec(stimulated)),
    ];
    let named: Vec<(&str, &NpyArray)> = arrays.iter().map(|(k, v)| (*k, v)).collect();
    write_npz(&out.join("network.npz"), &named)?;
    write_bytes_atomic(&out.join("run_nest_ei.py"), script.as_bytes())?;
    eprintln!(
        "ei {}: {} neurons, {n_synapses} synapses in {:.1} s -> {} (run: python {}/run_nest_ei.py)",
        params.landscape,
        params.n_total(),
        started.elapsed().as_secs_f64(),
        out.display(),
        out.display()
    );
    Ok(())
}

/// Runs `seqscape export`.
pub fn export(args: ExportArgs) -> Result<(), UserError> {
    let landscape_kind = args.landscape.as_deref().map(landscape).transpose()?;
    if args.network.is_ei() {
        let params = args.network.ei_params(&args.model, landscape_kind.unwrap_or(LandscapeKind::Perlin))?;
        return export_ei(params, &args.out);
    }
    args.network.check_i_only()?;
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
