#!/usr/bin/env python3
"""Runs a network exported by `seqscape export nest` in NEST 3.

The network is read from `network.npz` beside this script: every synapse (`source`, `target` as
ids y*n + x, `weight_pa`, `delay_ms`) and the grid side `n`. The parameters below are the ones
seqscape used. NEST builds the same network: `iaf_psc_alpha` neurons, one `noise_generator`
whose current (mean + std * xi, drawn anew for every neuron every `noise_dt_ms`) drives them all,
and the warm-up protocol (the first half of the warm-up at mean 0 and `warmup_sigma_pa`, then the
run's mean and standard deviation for the rest of the warm-up and the duration).

It writes `spikes.npz` (`i` uint32 ids, `t_ms` float64 ms from the start of the warm-up) and
`params.json` in seqscape's format into `--out` (default: `nest/` beside this script), so
`seqscape analyze DIR` reads them like seqscape's own run.

    pip install nest-simulator          # NEST 3 from the package registry (without MPI)
    python run_nest.py [--out DIR] [--threads K]
    mpirun -np K python run_nest.py     # with an MPI-enabled NEST build; ranks' spikes are merged
"""

import argparse
import json
import os
import time

import numpy as np
import nest

PARAMS = json.loads(r"""@PARAMS_JSON@""")
HERE = os.path.dirname(os.path.abspath(__file__))


def merge_ranks(out, rank, size):
    """Rank 0 merges the ranks' spike files into spikes.npz, sorted by time, then by id."""
    if size > 1:
        nest.SyncProcesses()
    if rank != 0:
        return None
    parts = [np.load(os.path.join(out, f"spikes-rank{r}.npz")) for r in range(size)]
    i = np.concatenate([p["i"] for p in parts]).astype(np.uint32)
    t = np.concatenate([p["t_ms"] for p in parts]).astype(np.float64)
    order = np.lexsort((i, t))
    tmp = os.path.join(out, ".spikes.npz.tmp.npz")
    np.savez(tmp, i=i[order], t_ms=t[order])
    os.replace(tmp, os.path.join(out, "spikes.npz"))
    for r in range(size):
        os.remove(os.path.join(out, f"spikes-rank{r}.npz"))
    return len(i)


def main():
    parser = argparse.ArgumentParser(description="Run a network exported by seqscape in NEST 3.")
    parser.add_argument("--out", default=os.path.join(HERE, "nest"), help="output folder (default: nest/ here)")
    parser.add_argument("--threads", type=int, default=1, help="threads per MPI process (default 1)")
    args = parser.parse_args()
    p = PARAMS
    net = np.load(os.path.join(HERE, "network.npz"))
    n = int(net["n"])
    if n != p["n"]:
        raise SystemExit(f"network.npz has n = {n} but the script was written for n = {p['n']}")
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
    neurons = nest.Create("iaf_psc_alpha", n * n, params={
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
    noise = nest.Create("noise_generator", params={
        "mean": 0.0, "std": p["warmup_sigma_pa"], "dt": p["noise_dt_ms"],
    })
    nest.Connect(noise, neurons)
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
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    build_s = time.time() - started

    started = time.time()
    half = p["warmup_ms"] / 2.0
    nest.Simulate(half)
    noise.set({"mean": p["mu_pa"], "std": p["sigma_pa"]})
    nest.Simulate(p["warmup_ms"] - half + p["duration_ms"])
    sim_s = time.time() - started

    events = recorder.get("events")
    np.savez(
        os.path.join(args.out, f"spikes-rank{rank}.npz"),
        i=(np.asarray(events["senders"]) - first).astype(np.uint32),
        t_ms=np.asarray(events["times"], dtype=np.float64),
    )
    count = merge_ranks(args.out, rank, size)
    if rank == 0:
        meta = dict(p, program="nest", version=nest.__version__, processes=size, threads=args.threads,
                    build_s=build_s, sim_wall_s=sim_s)
        with open(os.path.join(args.out, "params.json"), "w") as f:
            json.dump(meta, f, indent=2)
        print(f"NEST {nest.__version__}: {count} spikes from {n * n} neurons, "
              f"build {build_s:.1f} s, simulation {sim_s:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
