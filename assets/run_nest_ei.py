#!/usr/bin/env python3
"""Runs an E-I network exported by `seqscape export nest --network ei` in NEST 3.

The network is read from `network.npz` beside this script: every synapse (`source`, `target` as
global ids, the E sheet's `y*n_e + x` first, then the I sheet's `n_e*n_e + y*n_i + x`,
`weight_pa`, `delay_ms`), the sides `n_e` and `n_i` and the `stimulated` E neurons. The parameters
below are the ones seqscape used. NEST builds the same network: `iaf_psc_alpha` neurons, one
`noise_generator` per population whose current (mean + std * xi, drawn anew for every neuron
every `noise_dt_ms`) drives it, the warm-up protocol (the first half of the warm-up at mean 0 and
`warmup_sigma_pa`, then each population's own mean and standard deviation for the rest of the
warm-up and the duration), and the stimulus pulses as a `dc_generator` into the stimulated E
neurons, switched on at each pulse onset for the pulse's duration.

It writes `spikes.npz` (`i` uint32 ids on the population's grid, `t_ms` float64 ms from the start
of the warm-up, `pop` uint8, 0 = E, 1 = I) and `params.json` in seqscape's format into `--out`
(default: `nest/` beside this script), so `seqscape analyze DIR` reads them like seqscape's own run.

    pip install nest-simulator          # NEST 3 from the package registry (without MPI)
    python run_nest_ei.py [--out DIR] [--threads K]
    mpirun -np K python run_nest_ei.py  # with an MPI-enabled NEST build; ranks' spikes are merged
"""

import argparse
import json
import os
import time

import numpy as np
import nest

PARAMS = json.loads(r"""@PARAMS_JSON@""")
HERE = os.path.dirname(os.path.abspath(__file__))


def merge_ranks(out, rank, size, n_e_neurons):
    """Rank 0 merges the ranks' spike files into spikes.npz, sorted by time, then by global id."""
    if size > 1:
        nest.SyncProcesses()
    if rank != 0:
        return None
    parts = [np.load(os.path.join(out, f"spikes-rank{r}.npz")) for r in range(size)]
    g = np.concatenate([p["g"] for p in parts]).astype(np.int64)
    t = np.concatenate([p["t_ms"] for p in parts]).astype(np.float64)
    order = np.lexsort((g, t))
    g, t = g[order], t[order]
    pop = (g >= n_e_neurons).astype(np.uint8)
    i = np.where(g < n_e_neurons, g, g - n_e_neurons).astype(np.uint32)
    tmp = os.path.join(out, ".spikes.npz.tmp.npz")
    np.savez(tmp, i=i, t_ms=t, pop=pop)
    os.replace(tmp, os.path.join(out, "spikes.npz"))
    for r in range(size):
        os.remove(os.path.join(out, f"spikes-rank{r}.npz"))
    return len(g)


def main():
    parser = argparse.ArgumentParser(description="Run an E-I network exported by seqscape in NEST 3.")
    parser.add_argument("--out", default=os.path.join(HERE, "nest"), help="output folder (default: nest/ here)")
    parser.add_argument("--threads", type=int, default=1, help="threads per MPI process (default 1)")
    args = parser.parse_args()
    p = PARAMS
    net = np.load(os.path.join(HERE, "network.npz"))
    n_e, n_i = int(net["n_e"]), int(net["n_i"])
    if (n_e, n_i) != (p["n_e"], p["n_i"]):
        raise SystemExit(f"network.npz has n_e = {n_e}, n_i = {n_i} but the script was written for "
                         f"n_e = {p['n_e']}, n_i = {p['n_i']}")
    ne, ni = n_e * n_e, n_i * n_i
    rank, size = nest.Rank(), nest.NumProcesses()
    os.makedirs(args.out, exist_ok=True)

    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.WARNING
    else:
        nest.set_verbosity("M_WARNING")
    nest.SetKernelStatus({
        "resolution": p["dt_ms"],
        "local_num_threads": args.threads,
        "rng_seed": int(p["seed"]) % (2**31 - 2) + 1,
        "print_time": False,
    })
    neurons = nest.Create("iaf_psc_alpha", ne + ni, params={
        "C_m": p["c_m_pf"],
        "tau_m": p["tau_m_ms"],
        "E_L": p["e_l_mv"],
        "V_th": p["v_th_mv"],
        "V_reset": p["v_reset_mv"],
        "t_ref": p["t_ref_ms"],
        "tau_syn_ex": p["tau_s_ms"],
        "tau_syn_in": p["tau_s_ms"],
        "V_m": p["e_l_mv"],
        "I_e": 0.0,
    })
    e_sheet, i_sheet = neurons[:ne], neurons[ne:]
    noise = {}
    for name, sheet in (("e", e_sheet), ("i", i_sheet)):
        noise[name] = nest.Create("noise_generator", params={
            "mean": 0.0, "std": p["warmup_sigma_pa"], "dt": p["noise_dt_ms"],
        })
        nest.Connect(noise[name], sheet)
    first = neurons[0].global_id
    started = time.time()
    nest.Connect(
        net["source"].astype(np.int64) + first,
        net["target"].astype(np.int64) + first,
        "one_to_one",
        syn_spec={
            "synapse_model": "static_synapse",
            "weight": net["weight_pa"].astype(np.float64),
            "delay": net["delay_ms"].astype(np.float64),
        },
    )
    stimulated = net["stimulated"].astype(np.int64)
    stimulus = None
    if stimulated.size:
        stimulus = nest.Create("dc_generator", params={"amplitude": 0.0})
        nest.Connect(stimulus, nest.NodeCollection(sorted(int(first + s) for s in stimulated)))
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    build_s = time.time() - started

    # Every time the inputs change: the warm-up's half, each pulse's onset and end.
    end_ms = p["warmup_ms"] + p["duration_ms"]
    half = p["warmup_ms"] / 2.0
    events = [(half, "background", None)]
    for onset in p["pulse_onsets_ms"]:
        events.append((onset, "stimulus", p["stimulus"]["amplitude_pa"]))
        events.append((onset + p["stimulus"]["duration_ms"], "stimulus", 0.0))
    events = sorted((e for e in events if e[0] < end_ms), key=lambda e: e[0])

    started = time.time()
    now = 0.0
    for at, what, value in events:
        if at > now:
            nest.Simulate(at - now)
            now = at
        if what == "background":
            noise["e"].set({"mean": p["mu_e_pa"], "std": p["sigma_e_pa"]})
            noise["i"].set({"mean": p["mu_i_pa"], "std": p["sigma_i_pa"]})
        elif stimulus is not None:
            stimulus.set({"amplitude": value})
    if end_ms > now:
        nest.Simulate(end_ms - now)
    sim_s = time.time() - started

    ev = recorder.get("events")
    np.savez(
        os.path.join(args.out, f"spikes-rank{rank}.npz"),
        g=(np.asarray(ev["senders"]) - first).astype(np.int64),
        t_ms=np.asarray(ev["times"], dtype=np.float64),
    )
    count = merge_ranks(args.out, rank, size, ne)
    if rank == 0:
        meta = dict(p, program="nest", version=nest.__version__, processes=size, threads=args.threads,
                    build_s=build_s, sim_wall_s=sim_s)
        with open(os.path.join(args.out, "params.json"), "w") as f:
            json.dump(meta, f, indent=2)
        spikes = np.load(os.path.join(args.out, "spikes.npz"))
        after = spikes["t_ms"] >= p["warmup_ms"]
        seconds = p["duration_ms"] / 1000.0
        rate_e = np.sum(after & (spikes["pop"] == 0)) / ne / seconds
        rate_i = np.sum(after & (spikes["pop"] == 1)) / ni / seconds
        print(f"NEST {nest.__version__}: {count} spikes from {ne} E + {ni} I neurons, "
              f"rates E {rate_e:.3f} Hz, I {rate_i:.3f} Hz, "
              f"build {build_s:.1f} s, simulation {sim_s:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
