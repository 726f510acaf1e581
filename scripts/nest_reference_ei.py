#!/usr/bin/env python3
"""The authors' E-I network in NEST 3 at one background, spontaneous and stimulated, in seqscape's format.

This builds the network of Figs. 3 e-f and 8 the way the authors' code does (repository
babsey/spatio-temporal-activity-sequence, scripts/simulation/sequence_EI_networks{,_stim}.py and
scripts/lib/{lcrn_network,connectivity_landscape}.py, parameters from
scripts/params/sequence_EI_networks*.json), with its own random numbers, not seqscape's:

* E 120 x 120 and I 60 x 60 `iaf_psc_alpha` neurons (C 250 pF, tau_m 10 ms, E_L = V_reset =
  -70 mV, V_th -55 mV, t_ref 2 ms, tau_syn 5 ms), delay 1 ms, resolution 0.1 ms;
* per source, in the authors' order (every E neuron: E->E then E->I; every I neuron: I->E then
  I->I), `lcrn_gauss_targets`: p = 0.05 of the target population (720 or 180) at distances
  sigma * N(0, 1) pushed out by 1 (selfcon false), in uniformly random directions, from the source
  position rescaled onto the target grid, rounded and wrapped; sigma 9 (E->E), 9 / 2 = 4 (E->I,
  Python 2 integer division), 12 (I->E), 12 / 2 = 6 (I->I); E->E targets move one step along the
  source's landscape direction in flat id space (`move`); self-connections dropped within a
  population, multapses kept; J_E = 10 pA, J_I = -80 pA;
* the landscape: the authors' Perlin_uniform (size 3), or with --landscape-npy the directions of a
  seqscape run (radians, rounded to the 8 lattice directions), to compare on the same landscape;
* background: each neuron its own 1-ms noise (noise_generator), std 500 pA for 250 ms, then the
  given mean and std for 250 ms (the warm-up); then --duration-ms spontaneous (recorded for the
  spontaneous folder), then --pulses stimulus periods: a dc_generator of 500 pA for 50 ms and 0 for
  450 ms into the distinct targets of 50 Gaussian draws (sigma 4, no gap) around the centre E neuron
  (60, 60).

The authors simulate the spontaneous and the stimulated condition as two runs; here one network
runs both one after the other (the stimulated part starts after the spontaneous one, a longer
warm-up), which halves the build time. It writes OUT/spontaneous and OUT/stimulated, each with
`spikes.npz` (`i` uint32 ids y*n + x on the population's grid, `t_ms` float64 ms, `pop` uint8,
0 = E, 1 = I) and `params.json` (`network` "ei", `n_e`, `n_i`, `warmup_ms`, `duration_ms`,
`pulse_onsets_ms`, `stimulus`), so that `seqscape analyze OUT/stimulated` reports the evoked
sequences by the authors-wrap recipe as for a seqscape run.

Compare means over several seeds, not one run: the E and I rates depend on the network drawn.
With the authors' landscape, four connection seeds spread the mean E rate by about 5 % (sd/mean)
at 350/100 pA; seqscape also draws its Perlin landscape's permutation table from the master seed,
and over 12 seqscape seeds the mean E rate spreads by about 13 % at 350/100 and 16 % at 250/350 pA.
One seed against one NEST run can differ by 20 % either way with no difference in the model. To take the network itself out
of the comparison, `seqscape export nest --network ei` writes seqscape's own network for NEST.

    python -m venv venv && venv/bin/pip install nest-simulator numpy noise
    venv/bin/python scripts/nest_reference_ei.py --mu 150 --sigma 250 --out nest-150-250
    seqscape analyze nest-150-250/spontaneous --recipe authors-wrap
    seqscape analyze nest-150-250/stimulated
"""

import argparse
import json
import os
import time

import numpy as np

NE_SIDE, NI_SIDE = 120, 60
NE, NI = NE_SIDE * NE_SIDE, NI_SIDE * NI_SIDE
J_E, G = 10.0, 8.0
P = 0.05
STD_E, STD_I = 9, 12
PERIOD_MS, PULSE_MS, AMPLITUDE_PA = 500.0, 50.0, 500.0
STIM_DRAWS, STIM_STD = 50, 4


def perlin_uniform(n, size):
    import noise

    xs = np.linspace(0, size, n)
    m = np.array([[noise.pnoise2(i, j, repeatx=size, repeaty=size) for j in xs] for i in xs]).ravel()
    order = np.argsort(m)
    per = n * n // 8
    out = np.zeros(n * n, dtype=int)
    for k in range(8):
        out[order[k * per:(k + 1) * per]] = k
    return out


def gauss_targets(s_id, srow, trow, ncon, std, gap=True):
    """lcrn_gauss_targets for square grids."""
    scale = float(trow) / float(srow)
    sx, sy = s_id % srow, s_id // srow
    sx1, sy1 = int(sx * scale), int(sy * scale)
    phi = np.random.uniform(-np.pi, np.pi, ncon)
    r = std * np.random.randn(ncon)
    if gap:
        r[r > 0] += 1.0
        r[r < 0] -= 1.0
    tx = np.remainder(r * np.cos(phi) + sx1, trow)
    ty = np.remainder(r * np.sin(phi) + sy1, trow)
    return np.remainder(np.round(ty) * trow + np.round(tx), trow * trow).astype(int)


def write_folder(path, ids, times, warmup_ms, duration_ms, onsets, args, extra):
    os.makedirs(path, exist_ok=True)
    keep = (times >= warmup_ms) & (times < warmup_ms + duration_ms + 1e-9)
    ids, times = ids[keep], times[keep]
    order = np.argsort(times, kind="stable")
    ids, times = ids[order], times[order]
    pop = (ids >= NE).astype(np.uint8)
    local = np.where(ids < NE, ids, ids - NE).astype(np.uint32)
    np.savez(os.path.join(path, "spikes.npz"), i=local, t_ms=times.astype(np.float64), pop=pop)
    params = {
        "program": "nest_reference_ei.py",
        "network": "ei",
        "n_e": NE_SIDE,
        "n_i": NI_SIDE,
        "landscape": "perlin",
        "warmup_ms": warmup_ms,
        "duration_ms": duration_ms,
        "mu_e_pa": args.mu,
        "sigma_e_pa": args.sigma,
        "mu_i_pa": args.mu,
        "sigma_i_pa": args.sigma,
        "seed": args.seed,
        "pulse_onsets_ms": list(onsets),
        "stimulus": {"pulses": len(onsets), "amplitude_pa": AMPLITUDE_PA, "duration_ms": PULSE_MS,
                     "pause_ms": PERIOD_MS - PULSE_MS, "draws": STIM_DRAWS, "sigma": STIM_STD},
    }
    params.update(extra)
    with open(os.path.join(path, "params.json"), "w") as f:
        json.dump(params, f, indent=1)
    rate_e = np.sum(pop == 0) / NE / (duration_ms / 1000.0)
    rate_i = np.sum(pop == 1) / NI / (duration_ms / 1000.0)
    return rate_e, rate_i


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mu", type=float, default=350.0, help="background mean of E and I, pA")
    ap.add_argument("--sigma", type=float, default=100.0, help="background std of E and I, pA")
    ap.add_argument("--seed", type=int, default=0, help="numpy seed of the connections; NEST's seed is seed + 1")
    ap.add_argument("--duration-ms", type=float, default=5000.0, help="spontaneous time after the warm-up")
    ap.add_argument("--pulses", type=int, default=20, help="stimulus periods of 500 ms after the spontaneous time")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--landscape-npy", default=None, help="landscape.npy of a seqscape E-I run (radians)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.mu < 0 or a.sigma < 0 or a.duration_ms <= 0 or a.pulses < 1 or a.threads < 1:
        raise SystemExit("invalid arguments: expected --mu, --sigma >= 0, --duration-ms > 0, --pulses >= 1, --threads >= 1")

    import nest

    warmup_ms = 500.0
    np.random.seed(a.seed)
    if a.landscape_npy:
        angle = np.load(a.landscape_npy).ravel()
        if angle.size != NE:
            raise SystemExit(f"invalid --landscape-npy: {angle.size} directions, expected {NE}")
        landscape = np.remainder(np.round(angle / (np.pi / 4)), 8).astype(int)
    else:
        landscape = perlin_uniform(NE_SIDE, 3)
    move = np.array([1, NE_SIDE + 1, NE_SIDE, NE_SIDE - 1, -1, -NE_SIDE - 1, -NE_SIDE, -NE_SIDE + 1])

    t0 = time.time()
    src, tgt, w = [], [], []
    for idx in range(NE):
        t = gauss_targets(idx, NE_SIDE, NE_SIDE, int(P * NE), STD_E)
        t = (t + move[landscape[idx] % 8]) % NE
        t = t[t != idx]
        src.append(np.full(t.size, idx)); tgt.append(t); w.append(np.full(t.size, J_E))
        t = gauss_targets(idx, NE_SIDE, NI_SIDE, int(P * NI), STD_E // 2) + NE
        src.append(np.full(t.size, idx)); tgt.append(t); w.append(np.full(t.size, J_E))
    for idx in range(NI):
        t = gauss_targets(idx, NI_SIDE, NE_SIDE, int(P * NE), STD_I)
        src.append(np.full(t.size, NE + idx)); tgt.append(t); w.append(np.full(t.size, -G * J_E))
        t = gauss_targets(idx, NI_SIDE, NI_SIDE, int(P * NI), STD_I // 2)
        t = t[t != idx] + NE
        src.append(np.full(t.size, NE + idx)); tgt.append(t); w.append(np.full(t.size, -G * J_E))
    src = np.concatenate(src); tgt = np.concatenate(tgt); w = np.concatenate(w)
    centre = (NE_SIDE * (NE_SIDE + 1)) // 2
    stimulated = np.unique(gauss_targets(centre, NE_SIDE, NE_SIDE, STIM_DRAWS, STIM_STD, gap=False))

    nest.ResetKernel()
    nest.set_verbosity("M_WARNING")
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": a.seed + 1})
    neuron = {"C_m": 250.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0, "V_m": -70.0,
              "t_ref": 2.0, "tau_m": 10.0, "tau_syn_ex": 5.0, "tau_syn_in": 5.0}
    pop = nest.Create("iaf_psc_alpha", NE + NI, params=neuron)
    first = pop[0].global_id
    nest.Connect(src + first, tgt + first, "one_to_one",
                 syn_spec={"synapse_model": "static_synapse", "weight": w, "delay": np.full(src.size, 1.0)})
    noise_gen = nest.Create("noise_generator", params={"mean": 0.0, "std": 500.0, "dt": 1.0})
    nest.Connect(noise_gen, pop)
    stim = nest.Create("dc_generator", params={"amplitude": 0.0})
    nest.Connect(stim, nest.NodeCollection([int(first + s) for s in stimulated]))
    rec = nest.Create("spike_recorder", params={"start": warmup_ms})
    nest.Connect(pop, rec)
    build_s = time.time() - t0

    t0 = time.time()
    nest.Simulate(warmup_ms / 2)
    noise_gen.set({"mean": a.mu, "std": a.sigma})
    nest.Simulate(warmup_ms / 2 + a.duration_ms)
    onsets = []
    for _ in range(a.pulses):
        onsets.append(nest.biological_time)
        stim.set({"amplitude": AMPLITUDE_PA})
        nest.Simulate(PULSE_MS)
        stim.set({"amplitude": 0.0})
        nest.Simulate(PERIOD_MS - PULSE_MS)
    sim_s = time.time() - t0

    ev = rec.get("events")
    ids = np.asarray(ev["senders"]) - first
    times = np.asarray(ev["times"], dtype=np.float64)
    extra = {"stimulated_e": stimulated.tolist(), "synapses": int(src.size)}
    spont = write_folder(os.path.join(a.out, "spontaneous"), ids, times, warmup_ms, a.duration_ms, [], a, extra)
    stim_start = warmup_ms + a.duration_ms
    evoked = write_folder(os.path.join(a.out, "stimulated"), ids, times, stim_start, a.pulses * PERIOD_MS, onsets, a,
                          extra)
    print(json.dumps({"mu": a.mu, "sigma": a.sigma, "rate_e_hz": spont[0], "rate_i_hz": spont[1],
                      "stimulated_rate_e_hz": evoked[0], "stimulated_rate_i_hz": evoked[1],
                      "stimulated_neurons": int(stimulated.size), "synapses": int(src.size),
                      "build_s": build_s, "sim_wall_s": sim_s}))


if __name__ == "__main__":
    main()
