//! `seqscape bench`: network build time, simulated seconds per wall second, spikes and synaptic
//! events per second, peak memory.

use clap::Args;

use crate::commands::common::peak_rss_mb;
use crate::commands::ei::{self, NetworkArgs};
use crate::commands::run::simulate;
use crate::error::UserError;
use crate::options::{ModelArgs, landscape};

/// Options of `seqscape bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Landscape (default perlin).
    #[arg(long, default_value = "perlin")]
    pub landscape: String,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `seqscape bench`.
pub fn bench(args: BenchArgs) -> Result<(), UserError> {
    let landscape = landscape(&args.landscape)?;
    if args.network.is_ei() {
        return ei::bench(args.network.ei_params(&args.model, landscape)?, args.model.threads(), args.json);
    }
    args.network.check_i_only()?;
    let params = args.model.params(landscape)?;
    let threads = args.model.threads();
    let run = simulate(params, threads, "bench")?;
    let sim_seconds = (run.params.warmup_ms + run.params.duration_ms) / 1000.0;
    let report = serde_json::json!({
        "preset": run.params.preset.name(),
        "landscape": landscape.name(),
        "n": run.params.n,
        "out_degree": run.params.out_degree,
        "threads": run.threads,
        "simulated_s": sim_seconds,
        "build_s": run.build_s,
        "sim_wall_s": run.sim_s,
        "sim_s_per_wall_s": sim_seconds / run.sim_s,
        "spikes": run.i.len(),
        "mean_rate_hz": run.i.len() as f64 / run.params.n_neurons() as f64 / sim_seconds,
        "spikes_per_wall_s": run.i.len() as f64 / run.sim_s,
        "synaptic_events_per_wall_s": run.synaptic_events as f64 / run.sim_s,
        "peak_rss_mb": peak_rss_mb(),
    });
    if args.json {
        println!("{report}");
    } else {
        println!(
            "network      {}x{} neurons, {} synapses, {} threads",
            run.params.n, run.params.n, run.n_synapses, run.threads
        );
        println!("build        {:.3} s", run.build_s);
        println!(
            "simulation   {:.2} simulated s per wall s ({:.2} s for {:.1} s)",
            sim_seconds / run.sim_s,
            run.sim_s,
            sim_seconds
        );
        println!(
            "spikes       {:.3e} per wall s ({} in total, {:.2} Hz mean)",
            run.i.len() as f64 / run.sim_s,
            run.i.len(),
            report["mean_rate_hz"].as_f64().unwrap_or(0.0)
        );
        println!("synaptic     {:.3e} events per wall s", run.synaptic_events as f64 / run.sim_s);
        if let Some(m) = peak_rss_mb() {
            println!("peak memory  {m:.0} MB");
        }
    }
    Ok(())
}
