//! `cargo bench -p seqscape-core`: full-scale simulation speed of the paper preset on every
//! landscape (the same measurement as `seqscape bench`, without the command line).

use seqscape_core::model::{LandscapeKind, Params, Preset};
use seqscape_core::sim::run_batch;

fn main() {
    let duration_ms: f64 = std::env::var("SEQSCAPE_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000.0);
    for landscape in LandscapeKind::ALL {
        let mut p = Params::new(Preset::Paper, landscape, 1).expect("the paper preset is valid");
        p.duration_ms = duration_ms;
        let run = run_batch(p.clone(), 0, |_, _| {}).expect("valid parameters");
        let simulated_s = (p.warmup_ms + p.duration_ms) / 1000.0;
        println!(
            "{:<12} build {:.3} s  {:.2} simulated s per wall s  {:.3e} spikes/s  {:.3e} synaptic events/s  ({:.2} Hz, {} threads)",
            landscape.name(),
            run.build_s,
            simulated_s / run.sim_s,
            run.i.len() as f64 / run.sim_s,
            run.synaptic_events as f64 / run.sim_s,
            run.i.len() as f64 / p.n_neurons() as f64 / simulated_s,
            run.threads,
        );
    }
}
