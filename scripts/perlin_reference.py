#!/usr/bin/env python3
"""Reference autocorrelations of the authors' Perlin landscape.

Writes crates/seqscape-core/tests/data/perlin_autocorrelation.csv, the table that the
landscape test in crates/seqscape-core/src/model/landscape.rs compares seqscape's Perlin
landscape with. The test only reads the table; run this script by hand to regenerate it:

    pip install noise numpy
    python3 scripts/perlin_reference.py

The landscape follows the recipe of Spreizer, Aertsen & Kumar (2019), NEST code
(babsey/spatio-temporal-activity-sequence, scripts/lib/connectivity_landscape.py,
Perlin_uniform): one octave of 2-D Perlin noise from the `noise` package,
pnoise2(x, y, repeatx=size, repeaty=size, base=b), on x = y = linspace(0, size, n); the
n² values are ranked and the k-th n²/8 of them get direction level k (0..7), i.e. the
angle k·45°.

The statistic is the circular autocorrelation of the direction map,
mean(cos(φ(x) − φ(x + lag))) over all neurons with periodic wrap, averaged over the two
grid axes, then over the bases b = 0..7. One row per (size, lag): the mean and the
standard deviation over the bases.
"""

import argparse
import os

import numpy as np
from noise import pnoise2

N = 100
SIZES = [3, 5, 10, 20]
LAGS = [2, 5, 10]
BASES = range(8)
LEVELS = 8


def authors_levels(n, size, base):
    """The authors' equal-count direction levels (0..7) as an n×n array."""
    x = y = np.linspace(0, size, n)
    field = np.array([[pnoise2(i, j, octaves=1, repeatx=size, repeaty=size, base=base) for j in y] for i in x])
    flat = field.ravel()
    order = np.argsort(flat)
    per_level = n * n // LEVELS
    levels = np.empty(n * n, dtype=int)
    for k in range(LEVELS):
        levels[order[k * per_level : (k + 1) * per_level]] = k
    return levels.reshape(n, n)


def autocorrelation(levels, lag):
    """mean(cos(φ − φ shifted by lag)), periodic, averaged over both axes."""
    phi = levels * (2 * np.pi / LEVELS)
    along = [np.mean(np.cos(phi - np.roll(phi, -lag, axis=axis))) for axis in (0, 1)]
    return float(np.mean(along))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "crates", "seqscape-core", "tests", "data", "perlin_autocorrelation.csv")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default, help="CSV to write (default: the test's table)")
    args = ap.parse_args()

    rows = []
    for size in SIZES:
        maps = [authors_levels(N, size, b) for b in BASES]
        for lag in LAGS:
            values = [autocorrelation(m, lag) for m in maps]
            rows.append((size, lag, np.mean(values), np.std(values)))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("# Written by scripts/perlin_reference.py: autocorrelation of the authors' 8-direction Perlin\n")
        f.write(f"# landscape (noise.pnoise2 with repeat, n = {N}, bases {BASES.start}..{BASES.stop - 1}).\n")
        f.write("size,lag,mean,sd\n")
        for size, lag, mean, sd in rows:
            f.write(f"{size},{lag},{mean:.4f},{sd:.4f}\n")
    for size, lag, mean, sd in rows:
        print(f"size {size:2d} lag {lag:2d}: {mean:.3f} ± {sd:.3f}")


if __name__ == "__main__":
    main()
