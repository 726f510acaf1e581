//! `seqscape figure`: the paper's Fig. 2 (b, c) for every landscape, the activity animation, and
//! each landscape's run folder with its sequence analysis. With `--network ei`, the same for the
//! E sheet of the E-I network (E→E in-degree, E rates), and each landscape's `sequences.png` is
//! Fig. 3 e–f: its E spikes coloured by cluster, analysed by the authors-wrap recipe with td 3 ms
//! and eps 3 (the authors' Fig. 3) unless given.

use std::path::PathBuf;

use clap::Args;
use seqscape_core::analysis::Recipe;
use seqscape_core::model::{LandscapeKind, Params};

use crate::commands::analyze::{analyze_and_write, summary_line};
use crate::commands::common::prepare_out_dir;
use crate::commands::ei::{self, NetworkArgs};
use crate::commands::run::{simulate, write_run};
use crate::error::UserError;
use crate::figures::activity_gif::write_activity_gif;
use crate::figures::fig2::{Fig2Panel, write_fig2};
use crate::options::{DEFAULT_EPS, DbscanArgs, FIG3_EI_TD_MS, LandscapeFileArgs, ModelArgs, landscapes};
use crate::output::colormap::Colormap;
use seqscape_core::analysis::{rate_frames, rates_hz};
use seqscape_core::model::ei::{EiParams, Population, Projection};

/// Options of `seqscape figure`.
#[derive(Args, Debug)]
pub struct FigureArgs {
    /// Landscape: all (default), symmetric, random, perlin or homogeneous; with --landscape-file or
    /// --landscape-image the figure shows that one landscape.
    #[arg(long, default_value = "all")]
    pub landscape: String,
    #[command(flatten)]
    pub file: LandscapeFileArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub dbscan: DbscanArgs,
    /// Output folder.
    #[arg(long, default_value = "seqscape-figure")]
    pub out: PathBuf,
}

/// Shortest simulated time after the warm-up that gives rate maps and an animation frame.
pub const MIN_DURATION_MS: f64 = 100.0;

/// Runs `seqscape figure`.
pub fn figure(args: FigureArgs) -> Result<(), UserError> {
    let kinds = if args.file.given() { vec![LandscapeKind::File] } else { landscapes(&args.landscape)? };
    if args.network.is_ei() {
        return figure_ei(&args, &kinds);
    }
    args.network.check_i_only()?;
    let threads = args.model.threads();
    let (recipe, dbscan) = args.dbscan.params(Recipe::Torus, DEFAULT_EPS)?;
    let all_params: Vec<Params> =
        kinds.iter().map(|&k| args.model.params_with(Some(k), &args.file)).collect::<Result<_, _>>()?;
    for p in &all_params {
        dbscan.check_grid(p.n, p.duration_ms)?;
    }
    if let Some(p) = all_params.iter().find(|p| p.duration_ms < MIN_DURATION_MS) {
        return Err(UserError(format!(
            "invalid duration-ms '{}': the figure needs at least {MIN_DURATION_MS} ms after the warm-up",
            p.duration_ms
        )));
    }
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
        match analyze_and_write(&dir, &run.i, &run.t_ms, run.params.n, (from, to + 1e-6), recipe, &dbscan, name, None)
            .map(|r| r.0)
        {
            Ok(report) => eprintln!("{name}: {}", summary_line(&report)),
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

/// `seqscape figure --network ei`: Fig. 2 for the E sheet, Fig. 3 e–f per landscape.
fn figure_ei(args: &FigureArgs, kinds: &[LandscapeKind]) -> Result<(), UserError> {
    let threads = args.model.threads();
    let (recipe, dbscan) = args.dbscan.params_with(Recipe::AuthorsWrap, FIG3_EI_TD_MS, DEFAULT_EPS)?;
    let all_params: Vec<EiParams> = kinds
        .iter()
        .map(|&k| args.network.ei_params_with(&args.model, Some(k), &args.file))
        .collect::<Result<_, _>>()?;
    for p in &all_params {
        dbscan.check_grid(p.n_e, p.duration_ms)?;
    }
    if let Some(p) = all_params.iter().find(|p| p.duration_ms < MIN_DURATION_MS) {
        return Err(UserError(format!(
            "invalid duration-ms '{}': the figure needs at least {MIN_DURATION_MS} ms after the warm-up",
            p.duration_ms
        )));
    }
    prepare_out_dir(&args.out)?;
    let mut panels = Vec::new();
    let mut frames = Vec::new();
    for params in all_params {
        let name = params.landscape.name();
        let dir: PathBuf = args.out.join(name);
        prepare_out_dir(&dir)?;
        let run = ei::simulate_ei(params, threads, &format!("ei {name}"))?;
        ei::write_ei_run(&dir, &run)?;
        let (from, to) = run.window_ms();
        let n = run.params.n_e;
        let e: Vec<usize> = (0..run.i.len()).filter(|&k| run.pop[k] == Population::E.code()).collect();
        let ids: Vec<u32> = e.iter().map(|&k| run.i[k]).collect();
        let times: Vec<f64> = e.iter().map(|&k| run.t_ms[k]).collect();
        let (rate_e, rate_i) = ei::rates_hz(&run);
        eprintln!(
            "ei {name}: {} spikes (E {rate_e:.2} Hz, I {rate_i:.2} Hz), simulated in {:.2} s",
            run.i.len(),
            run.sim_s
        );
        let title = format!("{name}, E-I network, E");
        match analyze_and_write(&dir, &ids, &times, n, (from, to + 1e-6), recipe, &dbscan, &title, None) {
            Ok((report, _)) => eprintln!("ei {name}: {}", summary_line(&report)),
            Err(e) => eprintln!("ei {name}: no sequence analysis: {}", e.0),
        }
        panels.push(Fig2Panel {
            landscape: format!("{name} (E-I, E)"),
            n,
            in_degree: run.in_degree_ee.iter().map(|&d| d as i32).collect(),
            rates_hz: rates_hz(&ids, &times, n * n, from, to),
            out_degree: run.params.out_degree(Projection::EE),
        });
        frames.push((format!("{name} (E)"), n, rate_frames(&ids, &times, n * n, from, to, 25.0)));
    }
    write_fig2(&panels, &args.out.join("fig2.png"), &args.out.join("fig2.svg"))?;
    write_activity_gif(&frames, 64.0, Colormap::Viridis, &args.out.join("activity.gif"))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
