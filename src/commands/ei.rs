//! `--network i|ei` and the options of the E-I network, shared by `run` and `bench`: the choice of
//! network, the E-I backgrounds and pulses, the E-I parameters from the model options, and the E-I
//! run folder (`spikes.npz` with `pop`, maps on the E grid, `params.json` with both grids).

use std::path::Path;

use clap::Args;
use seqscape_core::model::LandscapeKind;
use seqscape_core::model::ei::{EiParams, EiRun, Population, Projection, run_ei};

use crate::commands::common::{DERIVED_FILES, with_progress};
use crate::error::UserError;
use crate::options::{LandscapeFileArgs, ModelArgs};
use crate::output::atomic::write_bytes_atomic;
use crate::output::npy::{NpyArray, write_npy, write_npz};

/// Which network to simulate.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkArg {
    /// The inhibitory network (Figs. 2, 5, 6).
    #[default]
    I,
    /// The excitatory-inhibitory network (Figs. 3 e-f, 8): E 120x120, I 60x60.
    Ei,
}

impl NetworkArg {
    pub fn name(self) -> &'static str {
        match self {
            NetworkArg::I => "i",
            NetworkArg::Ei => "ei",
        }
    }
}

/// The network and the options of the E-I network.
#[derive(Args, Debug, Clone, Default)]
pub struct NetworkArgs {
    /// Network: i (inhibitory, the default) or ei (excitatory-inhibitory; --mu and --sigma then set
    /// the background of both populations, default 350 and 100 pA).
    #[arg(long, value_enum, ignore_case = true, default_value_t = NetworkArg::I)]
    pub network: NetworkArg,
    /// E-I network: mean background of the E population, pA (default --mu or 350).
    #[arg(long, allow_hyphen_values = true)]
    pub mu_e: Option<f64>,
    /// E-I network: background σ of the E population, pA (default --sigma or 100).
    #[arg(long, allow_hyphen_values = true)]
    pub sigma_e: Option<f64>,
    /// E-I network: mean background of the I population, pA (default --mu or 350).
    #[arg(long, allow_hyphen_values = true)]
    pub mu_i: Option<f64>,
    /// E-I network: background σ of the I population, pA (default --sigma or 100).
    #[arg(long, allow_hyphen_values = true)]
    pub sigma_i: Option<f64>,
    /// E-I network: stimulus pulses (500 pA for 50 ms, then 450 ms without, from the end of the
    /// warm-up, into about 50 E neurons around the centre), 0-100000; the run lasts as long as the
    /// pulses unless --duration-ms is given (default 0: a spontaneous 5 s run).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub pulses: Option<u32>,
}

impl NetworkArgs {
    pub fn is_ei(&self) -> bool {
        self.network == NetworkArg::Ei
    }

    /// With `--network i`: an error naming the first E-I-only option given.
    pub fn check_i_only(&self) -> Result<(), UserError> {
        let given = [
            ("--mu-e", self.mu_e.is_some()),
            ("--sigma-e", self.sigma_e.is_some()),
            ("--mu-i", self.mu_i.is_some()),
            ("--sigma-i", self.sigma_i.is_some()),
            ("--pulses", self.pulses.is_some()),
        ];
        match given.into_iter().find(|&(_, set)| set) {
            Some((name, _)) if !self.is_ei() => Err(UserError(format!(
                "invalid {name} with --network {}: expected --network ei (--network takes i or ei)",
                self.network.name()
            ))),
            _ => Ok(()),
        }
    }

    /// The E-I parameters the model options and these options define for `landscape`.
    pub fn ei_params(&self, model: &ModelArgs, landscape: LandscapeKind) -> Result<EiParams, UserError> {
        let only_i = |option: &str, why: &str| {
            UserError(format!("invalid {option} with --network ei: expected --network i ({why})"))
        };
        if !model.preset.trim().eq_ignore_ascii_case("paper") {
            return Err(UserError(format!(
                "invalid --preset '{}' with --network ei: expected paper (the E-I network has the authors' constants)",
                model.preset
            )));
        }
        if model.grid.is_some() {
            return Err(only_i("--grid", "the E-I sheets are 120x120 and 60x60; --scale-down shrinks them"));
        }
        if model.j_pa.is_some() {
            return Err(only_i("--j-pa", "the E-I weights are J_E = 10 pA and J_I = -8 J_E"));
        }
        let mut p = EiParams::new(landscape, model.scale_down.unwrap_or(1))?;
        if let Some(pulses) = self.pulses {
            p = p.with_pulses(pulses);
        }
        if let Some(seed) = model.seed {
            p.seed = seed;
        }
        let set = |field: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut p.duration_ms, model.duration_ms);
        set(&mut p.warmup_ms, model.warmup_ms);
        set(&mut p.shift, model.shift);
        set(&mut p.perlin_size, model.perlin_size);
        set(&mut p.direction_deg, model.direction);
        set(&mut p.tau_s_ms, model.tau_s);
        set(&mut p.mu_e_pa, self.mu_e.or(model.mu));
        set(&mut p.mu_i_pa, self.mu_i.or(model.mu));
        set(&mut p.sigma_e_pa, self.sigma_e.or(model.sigma));
        set(&mut p.sigma_i_pa, self.sigma_i.or(model.sigma));
        p.validate()?;
        Ok(p)
    }
}

impl NetworkArgs {
    /// The E-I parameters with the E sheet's landscape from `file` when one is given, else
    /// `landscape` (default Perlin).
    pub fn ei_params_with(
        &self,
        model: &ModelArgs,
        landscape: Option<LandscapeKind>,
        file: &LandscapeFileArgs,
    ) -> Result<EiParams, UserError> {
        let mut p = self.ei_params(model, landscape.unwrap_or(LandscapeKind::Perlin))?;
        file.apply_ei(&mut p)?;
        Ok(p)
    }
}

/// Simulates the E-I network with a progress bar on a terminal.
pub fn simulate_ei(params: EiParams, threads: usize, label: &str) -> Result<EiRun, UserError> {
    with_progress(label, |progress| Ok(run_ei(params, threads, progress)?))
}

/// Every parameter of an E-I run, both grids, the projections and the stimulus, as JSON.
pub fn params_json_ei(run: &EiRun) -> Result<String, UserError> {
    let p = &run.params;
    let mut v = serde_json::to_value(p)?;
    if let Some(map) = v.as_object_mut() {
        map.insert("network".into(), "ei".into());
        map.insert("program".into(), "seqscape".into());
        map.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        let grid = |pop: Population| serde_json::json!({ "n": p.side(pop), "neurons": p.n_neurons(pop) });
        map.insert("grids".into(), serde_json::json!({ "E": grid(Population::E), "I": grid(Population::I) }));
        let projections: serde_json::Map<String, serde_json::Value> = Projection::ALL
            .iter()
            .map(|&q| {
                let info = serde_json::json!({
                    "out_degree": p.out_degree(q),
                    "sigma": p.sigma(q),
                    "weight_pa": p.weight_pa(q.source()),
                    "shifted": q == Projection::EE,
                });
                (q.name().to_string(), info)
            })
            .collect();
        map.insert("projections".into(), projections.into());
        map.insert("n_neurons".into(), p.n_total().into());
        map.insert("stimulated_e".into(), run.stimulated.clone().into());
        map.insert("pulse_onsets_ms".into(), run.pulse_onsets_ms.clone().into());
        map.insert("threads".into(), run.threads.into());
        map.insert(
            "spike_time_convention".into(),
            "ms from the start of the warm-up, end of the step; pop 0 = E, 1 = I; i = y*n + x on the population's grid"
                .into(),
        );
    }
    Ok(serde_json::to_string_pretty(&v)?)
}

/// Writes `spikes.npz` (`i`, `t_ms`, `pop`), `in_degree.npy` (E→E) and `landscape.npy` on the E
/// grid, and `params.json` into `dir`.
pub fn write_ei_run(dir: &Path, run: &EiRun) -> Result<(), UserError> {
    let n = run.params.n_e;
    let i = NpyArray::from_vec(run.i.clone());
    let t = NpyArray::from_vec(run.t_ms.clone());
    let pop = NpyArray::from_vec(run.pop.clone());
    write_npz(&dir.join("spikes.npz"), &[("i", &i), ("t_ms", &t), ("pop", &pop)])?;
    let in_degree: Vec<i32> = run.in_degree_ee.iter().map(|&d| d as i32).collect();
    write_npy(&dir.join("in_degree.npy"), &NpyArray::from_2d(n, n, in_degree)?)?;
    write_npy(&dir.join("landscape.npy"), &NpyArray::from_2d(n, n, run.landscape.clone())?)?;
    write_bytes_atomic(&dir.join("params.json"), params_json_ei(run)?.as_bytes())?;
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

/// Mean rates of E and I over the analysed window, Hz.
pub fn rates_hz(run: &EiRun) -> (f64, f64) {
    let (a, b) = run.window_ms();
    (run.rate_hz(Population::E, a, b), run.rate_hz(Population::I, a, b))
}

/// `seqscape run --network ei`: simulates and writes the run folder.
pub fn run(params: EiParams, threads: usize, out: &Path) -> Result<(), UserError> {
    crate::commands::common::prepare_out_dir(out)?;
    let label = format!("ei {}", params.landscape);
    let run = simulate_ei(params, threads, &label)?;
    write_ei_run(out, &run)?;
    let (rate_e, rate_i) = rates_hz(&run);
    // Rates are over the time after the warm-up; a run that ends with the warm-up has none.
    let hz = |r: f64| if r.is_finite() { format!("{r:.2} Hz") } else { "no time after the warm-up".to_string() };
    eprintln!(
        "ei {}: {} spikes (E {}, I {}) over {:.0} ms (build {:.2} s, simulation {:.2} s) -> {}",
        run.params.landscape,
        run.i.len(),
        hz(rate_e),
        hz(rate_i),
        run.params.warmup_ms + run.params.duration_ms,
        run.build_s,
        run.sim_s,
        out.display()
    );
    Ok(())
}

/// `seqscape bench --network ei`: build time, simulated seconds per wall second, the rates of E
/// and I, spikes and synaptic events per wall second, peak memory.
pub fn bench(params: EiParams, threads: usize, json: bool) -> Result<(), UserError> {
    let run = simulate_ei(params, threads, "bench ei")?;
    let p = &run.params;
    let sim_seconds = (p.warmup_ms + p.duration_ms) / 1000.0;
    let (rate_e, rate_i) = rates_hz(&run);
    let peak = crate::commands::common::peak_rss_mb();
    let report = serde_json::json!({
        "network": "ei",
        "landscape": p.landscape.name(),
        "n_e": p.n_e,
        "n_i": p.n_i,
        "synapses": run.n_synapses,
        "threads": run.threads,
        "simulated_s": sim_seconds,
        "build_s": run.build_s,
        "sim_wall_s": run.sim_s,
        "sim_s_per_wall_s": sim_seconds / run.sim_s,
        "spikes": run.i.len(),
        "rate_e_hz": rate_e,
        "rate_i_hz": rate_i,
        "spikes_per_wall_s": run.i.len() as f64 / run.sim_s,
        "synaptic_events_per_wall_s": run.synaptic_events as f64 / run.sim_s,
        "peak_rss_mb": peak,
    });
    if json {
        println!("{report}");
        return Ok(());
    }
    println!(
        "network      E {}x{} + I {}x{} neurons, {} synapses, {} threads",
        p.n_e, p.n_e, p.n_i, p.n_i, run.n_synapses, run.threads
    );
    println!("build        {:.3} s", run.build_s);
    println!(
        "simulation   {:.2} simulated s per wall s ({:.2} s for {:.1} s)",
        sim_seconds / run.sim_s,
        run.sim_s,
        sim_seconds
    );
    println!("rates        E {rate_e:.2} Hz, I {rate_i:.2} Hz (after the warm-up)");
    println!("spikes       {:.3e} per wall s ({} in total)", run.i.len() as f64 / run.sim_s, run.i.len());
    println!("synaptic     {:.3e} events per wall s", run.synaptic_events as f64 / run.sim_s);
    if let Some(m) = peak {
        println!("peak memory  {m:.0} MB");
    }
    Ok(())
}
