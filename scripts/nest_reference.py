#!/usr/bin/env python3
"""The authors' inhibitory network in NEST 3, for one condition, written in seqscape's run format.

This builds the network the way the authors' code does (repository
babsey/spatio-temporal-activity-sequence, scripts/simulation/sequence_I_networks.py and
scripts/lib/{lcrn_network,connectivity_landscape}.py), with its own random numbers, not
seqscape's: for every neuron, `ncon` targets at distances +-(Gamma(kappa, theta) + shift + 0.1)
in uniformly random directions, rounded to the grid and wrapped; the target ids then move by
`shift` steps along the neuron's landscape direction in flat id space (ids y*n + x, with the
authors' wrap of the flat index); self-connections dropped, multapses kept; weight J, delay 1 ms.
Neurons are `iaf_psc_alpha` (C 250 pF, tau_m 10 ms, E_L = V_reset = -70 mV, V_th -55 mV, t_ref
2 ms, tau_syn 5 ms); one noise_generator (dt 1 ms, independent for every neuron) gives std 500 pA
for the first half of the warm-up, then mean 700 pA and std 100 pA. Landscapes: homogeneous
(direction index 3, i.e. 135 degrees), random (numpy seed), Perlin_uniform (2-D Perlin noise of
the `noise` package, `pnoise2(x, y, repeatx=size, repeaty=size)` on linspace(0, size, n), ranked
into 8 equal-count directions) and symmetric.

It writes `spikes.npz` (`i` uint32 ids y*n + x, `t_ms` float64 ms from the start of the warm-up,
sorted by time) and `params.json` (`n`, `warmup_ms`, `duration_ms`, `landscape`, ...) into --out,
so that `seqscape analyze OUT --recipe authors` analyses it like a seqscape run folder.

    python -m venv venv && venv/bin/pip install nest-simulator numpy noise
    venv/bin/python scripts/nest_reference.py --landscape perlin --perlin-size 3 --out nest-perlin
    seqscape analyze nest-perlin --recipe authors

--scale-down s (1-5) shrinks the network as seqscape does: n = 100/s, ncon = 1000/s^2 (even),
theta = 3/s and J = -10 nA / ncon, so that the total inhibition stays the same.
"""

import argparse
import json
import os
import time

import numpy as np


def landscape_indices(kind, n, size, seed):
    """Direction index 0-7 (k * 45 degrees) per flat id, or None without shift (symmetric)."""
    if kind == "symmetric":
        return None
    if kind == "homogeneous":
        return np.full(n * n, 3, dtype=int)
    if kind == "random":
        np.random.seed(seed)
        return np.random.randint(8, size=n * n)
    if kind == "perlin":
        import noise

        xs = np.linspace(0, size, n)
        values = np.array([[noise.pnoise2(i, j, repeatx=size, repeaty=size) for j in xs] for i in xs]).ravel()
        order = np.argsort(values)
        per = n * n // 8
        out = np.zeros(n * n, dtype=int)
        for k in range(8):
            out[order[k * per:(k + 1) * per]] = k
        return out
    raise SystemExit(f"invalid landscape '{kind}': expected symmetric, homogeneous, random or perlin")


def connections(n, ncon, kappa, theta, shift, landscape):
    """Sources and targets (flat ids) of every synapse, by the authors' lcrn_gamma_targets."""
    npop = n * n
    move = np.array([1, n + 1, n, n - 1, -1, -n - 1, -n, -n + 1])
    sources, targets = [], []
    for ii in range(npop):
        sx, sy = ii % n, ii // n
        phi = np.random.uniform(low=-np.pi, high=np.pi, size=ncon)
        radius = np.concatenate((-np.random.gamma(kappa, theta, ncon // 2), np.random.gamma(kappa, theta, ncon // 2)))
        radius[radius > 0] += 1 + 0.1  # lcrn's own shift of 1 grid point (the gap), not the landscape's
        radius[radius < 0] -= 1 + 0.1
        tx = np.remainder(radius * np.cos(phi) + sx, n)
        ty = np.remainder(radius * np.sin(phi) + sy, n)
        t = np.remainder(np.round(ty) * n + np.round(tx), npop).astype(int)
        if landscape is not None:
            t = (t + shift * move[landscape[ii] % 8]) % npop
        t = t[t != ii]
        sources.append(np.full(t.size, ii, dtype=np.int64))
        targets.append(t.astype(np.int64))
    return np.concatenate(sources), np.concatenate(targets)


def main():
    ap = argparse.ArgumentParser(description="Run the authors' I network in NEST 3; write seqscape's run format.")
    ap.add_argument("--landscape", default="perlin", help="symmetric, homogeneous, random or perlin (default)")
    ap.add_argument("--perlin-size", type=int, default=3, help="Perlin size, a positive integer (default 3)")
    ap.add_argument("--shift", type=int, default=1, help="shift R in grid steps (default 1)")
    ap.add_argument("--seed", type=int, default=0, help="numpy and NEST seed (default 0)")
    ap.add_argument("--scale-down", type=int, default=1, choices=range(1, 6), help="1-5 (default 1)")
    ap.add_argument("--warmup-ms", type=float, default=500.0)
    ap.add_argument("--duration-ms", type=float, default=10000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True, help="output folder")
    a = ap.parse_args()
    if a.perlin_size <= 0:
        raise SystemExit(f"invalid perlin size '{a.perlin_size}': expected a positive integer")

    import nest

    s = a.scale_down
    n = 100 // s
    ncon = int(round(1000 / s**2 / 2)) * 2
    theta = 3.0 / s
    j_pa = -10000.0 / ncon
    np.random.seed(a.seed)
    started = time.time()
    landscape = landscape_indices(a.landscape, n, a.perlin_size, a.seed)
    np.random.seed(a.seed)
    src, tgt = connections(n, ncon, 4, theta, a.shift, landscape)

    nest.ResetKernel()
    nest.set_verbosity("M_WARNING")
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": a.seed + 1})
    pop = nest.Create("iaf_psc_alpha", n * n, params={
        "C_m": 250.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0, "V_m": -70.0,
        "t_ref": 2.0, "tau_m": 10.0, "tau_syn_ex": 5.0, "tau_syn_in": 5.0,
    })
    noise = nest.Create("noise_generator", params={"mean": 0.0, "std": 500.0, "dt": 1.0})
    first = pop[0].global_id
    nest.Connect(src + first, tgt + first, "one_to_one",
                 syn_spec={"synapse_model": "static_synapse", "weight": np.full(src.size, j_pa),
                           "delay": np.full(src.size, 1.0)})
    nest.Connect(noise, pop)
    recorder = nest.Create("spike_recorder")
    nest.Connect(pop, recorder)
    build_s = time.time() - started

    started = time.time()
    nest.Simulate(a.warmup_ms / 2)
    noise.set({"mean": 700.0, "std": 100.0})
    nest.Simulate(a.warmup_ms / 2 + a.duration_ms)
    sim_s = time.time() - started

    ev = recorder.get("events")
    i = (np.asarray(ev["senders"]) - first).astype(np.uint32)
    t = np.asarray(ev["times"], dtype=np.float64)
    order = np.lexsort((i, t))
    os.makedirs(a.out, exist_ok=True)
    np.savez(os.path.join(a.out, "spikes.npz"), i=i[order], t_ms=t[order])
    params = {
        "program": "nest_reference.py", "nest_version": nest.__version__, "model": "authors' I network",
        "n": n, "warmup_ms": a.warmup_ms, "duration_ms": a.duration_ms, "landscape": a.landscape,
        "perlin_size": a.perlin_size, "shift": a.shift, "seed": a.seed, "scale_down": s, "out_degree": ncon,
        "theta": theta, "kappa": 4, "j_pa": j_pa, "delay_ms": 1.0, "dt_ms": 0.1,
        "build_s": build_s, "sim_wall_s": sim_s,
    }
    with open(os.path.join(a.out, "params.json"), "w") as f:
        json.dump(params, f, indent=2)
    rate = len(t[t >= a.warmup_ms]) / (n * n) / (a.duration_ms / 1000.0)
    print(f"NEST {nest.__version__}: {len(t)} spikes, {rate:.2f} Hz after the warm-up, "
          f"build {build_s:.1f} s, simulation {sim_s:.1f} s -> {a.out}")


if __name__ == "__main__":
    main()
