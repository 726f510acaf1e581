//! `cargo bench -p seqscape-core`: simulation speed of the paper preset on every landscape, and each
//! phase's share of the run: the background noise, the rest of the integration (membrane, alpha
//! current, threshold) and the spike delivery.
//!
//! Environment: `SEQSCAPE_BENCH_MS` (simulated time after the warm-up, default 10000),
//! `SEQSCAPE_BENCH_THREADS` (default 0: all cores), `SEQSCAPE_BENCH_GRID` (sheet side, default 100),
//! `SEQSCAPE_BENCH_LANDSCAPE` (one landscape; default all four).

use std::time::Instant;

use seqscape_core::model::network::{integrate, propagate, thread_pool};
use seqscape_core::model::noise::Background;
use seqscape_core::model::{LandscapeKind, Network, Params, Preset};

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let duration_ms: f64 = env("SEQSCAPE_BENCH_MS").unwrap_or(10_000.0);
    let threads: usize = env("SEQSCAPE_BENCH_THREADS").unwrap_or(0);
    let grid: usize = env("SEQSCAPE_BENCH_GRID").unwrap_or(100);
    let only: Option<String> = env("SEQSCAPE_BENCH_LANDSCAPE");
    for landscape in LandscapeKind::ALL.into_iter().filter(|l| only.as_deref().is_none_or(|o| o == l.name())) {
        let mut p = Params::new(Preset::Paper, landscape, 1).expect("the paper preset is valid");
        if grid != p.n {
            p = p.with_grid(grid).expect("a grid side from 20 to 1000");
        }
        p.duration_ms = duration_ms;
        let t0 = Instant::now();
        let mut net = Network::build(p.clone(), thread_pool(threads)).expect("valid parameters");
        let build_s = t0.elapsed().as_secs_f64();
        let (mut integrate_s, mut propagate_s, mut spikes) = (0.0, 0.0, 0usize);
        let block = net.ring.delay_steps;
        let total = p.total_steps();
        // Inside the pool, as the runner ticks: no hand-off between threads per phase.
        let pool = net.pool.clone();
        pool.install(|| {
            while net.step < total {
                let steps = block.min(total - net.step) as usize;
                let Network { params, prop, conn, neurons, ring, step, .. } = &mut net;
                let t = Instant::now();
                let s = integrate(params, prop, neurons, ring, *step, steps);
                let t_mid = Instant::now();
                propagate(&s, conn, ring);
                propagate_s += t_mid.elapsed().as_secs_f64();
                integrate_s += (t_mid - t).as_secs_f64();
                spikes += s.len();
                *step += steps as u64;
            }
        });
        // The noise alone: the same draws on copies of the streams, on the same pool.
        let draws = total.div_ceil(p.noise_steps());
        let mut streams = net.neurons.clone();
        let background = Background::new(&p);
        let t = Instant::now();
        pool.install(|| {
            use rayon::prelude::*;
            streams.blocks.par_iter_mut().for_each(|b| {
                for d in 0..draws {
                    background.draw(&p, d * p.noise_steps(), &mut b.i_noise, &mut b.streams, 0);
                }
            })
        });
        let noise_s = t.elapsed().as_secs_f64();
        let run_s = integrate_s + propagate_s;
        let simulated_s = total as f64 * p.dt_ms / 1000.0;
        println!(
            "{:<12} {}x{}  build {:.2} s  {:.2} simulated s per wall s  {:.2} Hz  {} threads  \
             noise {:.0} %  integrate {:.0} %  propagate {:.0} %",
            landscape.name(),
            p.n,
            p.n,
            build_s,
            simulated_s / run_s,
            spikes as f64 / p.n_neurons() as f64 / simulated_s,
            net.pool.current_num_threads(),
            100.0 * noise_s / run_s,
            100.0 * (integrate_s - noise_s).max(0.0) / run_s,
            100.0 * propagate_s / run_s,
        );
    }
}
