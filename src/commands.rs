//! The batch subcommands: `run`, `figure` and `bench`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use seqscape_core::model::{LandscapeKind, Params};
use seqscape_core::sim::{BatchRun, run_batch};

use crate::cli::{BenchArgs, FigureArgs, RunArgs, UserError};
use crate::output::figure::{Fig2Panel, write_activity_gif, write_fig2};
use crate::output::npy::{NpyArray, write_npy, write_npz};
use crate::output::{atomic::write_bytes_atomic, colormap::Colormap};

/// Creates `dir` if needed and checks that files can be written into it, before any simulation.
pub fn prepare_out_dir(dir: &Path) -> Result<(), UserError> {
    let fail = |e: std::io::Error| {
        UserError(format!(
            "cannot write to output folder '{}': {e}; choose a writable folder with --out",
            dir.display()
        ))
    };
    if dir.exists() && !dir.is_dir() {
        return Err(UserError(format!(
            "output path '{}' exists and is not a folder; choose a folder with --out",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".seqscape-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A progress bar on a terminal (none in logs or CI).
fn progress_bar(label: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1000);
    let style = indicatif::ProgressStyle::with_template("{prefix:>12} [{bar:40}] {msg} ({eta})")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(label.to_string());
    Some(bar)
}

/// Simulates with a progress bar on a terminal.
pub fn simulate(params: Params, threads: usize, label: &str) -> Result<BatchRun, UserError> {
    let bar = progress_bar(label);
    let run = run_batch(params, threads, |done, total| {
        if let Some(b) = &bar {
            b.set_position((1000.0 * done / total) as u64);
            b.set_message(format!("{:.1} / {:.1} s", done / 1000.0, total / 1000.0));
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(run)
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
    Ok(())
}

pub fn run(args: RunArgs) -> Result<(), UserError> {
    let landscape = LandscapeKind::from_name(&args.landscape)?;
    let params = args.model.params(landscape)?;
    let threads = args.model.threads()?;
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

fn landscapes(name: &str) -> Result<Vec<LandscapeKind>, UserError> {
    if name == "all" {
        Ok(LandscapeKind::ALL.to_vec())
    } else {
        LandscapeKind::from_name(name).map(|l| vec![l]).map_err(|_| {
            UserError(format!(
                "invalid landscape '{name}': expected one of: all, symmetric, random, perlin, homogeneous"
            ))
        })
    }
}

pub fn figure(args: FigureArgs) -> Result<(), UserError> {
    let kinds = landscapes(&args.landscape)?;
    let threads = args.model.threads()?;
    let dbscan = args.dbscan.params()?;
    let all_params: Vec<Params> = kinds.iter().map(|&k| args.model.params(k)).collect::<Result<_, _>>()?;
    prepare_out_dir(&args.out)?;
    let mut panels = Vec::new();
    let mut frames = Vec::new();
    for params in all_params {
        let name = params.landscape.name();
        let dir: PathBuf = args.out.join(name);
        prepare_out_dir(&dir)?;
        let run = simulate(params, threads, name)?;
        write_run(&dir, &run)?;
        let (from, to) = run.window_ms();
        eprintln!("{name}: {} spikes, simulated in {:.2} s", run.i.len(), run.sim_s);
        match crate::sequences::analyze_and_write(
            &dir,
            &run.i,
            &run.t_ms,
            run.params.n,
            (from, to + 1e-6),
            &dbscan,
            name,
        ) {
            Ok(report) => eprintln!("{name}: {}", crate::sequences::summary_line(&report)),
            Err(e) => eprintln!("{name}: no sequence analysis: {}", e.0),
        }
        panels.push(Fig2Panel {
            landscape: name.to_string(),
            n: run.params.n,
            in_degree: run.in_degree.iter().map(|&d| d as i32).collect(),
            rates_hz: run.rates_hz(from, to),
            out_degree: run.params.out_degree,
        });
        frames.push((name.to_string(), run.params.n, run.rate_frames(from, to, 25.0)));
    }
    write_fig2(&panels, &args.out.join("fig2.png"), &args.out.join("fig2.svg"))?;
    write_activity_gif(&frames, 64.0, Colormap::Viridis, &args.out.join("activity.gif"))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

/// Peak resident memory of this process in MB (Linux), if known.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn bench(args: BenchArgs) -> Result<(), UserError> {
    let landscape = LandscapeKind::from_name(&args.landscape)?;
    let params = args.model.params(landscape)?;
    let threads = args.model.threads()?;
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
