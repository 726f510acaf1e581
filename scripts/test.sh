#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (as root), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1; then
    need=()
    for pkg in xvfb xauth xdotool mesa-vulkan-drivers libvulkan1 ffmpeg python3-numpy python3-venv chromium; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    # Node for the browser test's driver: Debian's, unless a node with npm is already there.
    command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
    if [ "${#need[@]}" -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi
# The tests call the first python3 on the PATH; where that is not Debian's (pyenv, a venv), give it NumPy.
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy
# The headless build (cargo feature 'window' off): no renderer, winit or egui in it, and run, analyze,
# figure, sweep, bench and record work.
if cargo tree --no-default-features -e normal -p seqscape 2>/dev/null | grep -qE ' (winit|bevy_render|bevy_egui) '; then
    echo "error: the build without the 'window' feature still depends on the window stack" >&2
    exit 1
fi
cargo build --no-default-features --bin seqscape
headless="${CARGO_TARGET_DIR:-target}/debug/seqscape"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$headless" run --landscape homogeneous --scale-down 4 --duration-ms 1000 --out "$scratch/run"
"$headless" analyze "$scratch/run" --min-samples 5
"$headless" figure --landscape perlin --scale-down 5 --duration-ms 300 --out "$scratch/figure"
"$headless" sweep shift --values 0,1 --scale-down 5 --duration-ms 300 --out "$scratch/sweep"
"$headless" bench --scale-down 5 --duration-ms 200 --json >/dev/null
"$headless" record --scale-down 5 --seconds 0.2 --out "$scratch/r.gif"
"$headless" export nest --scale-down 5 --out "$scratch/export"
if "$headless" app 2>/dev/null; then
    echo "error: the headless build accepted 'app'" >&2
    exit 1
fi
echo "headless build: run, analyze, figure, sweep, bench, record and export work"
# NEST 3 for the export test, from the package registry into a virtual environment of its own.
nest_venv="${SEQSCAPE_NEST_VENV:-${HOME:-/root}/.cache/seqscape-nest}"
if ! "$nest_venv/bin/python" -c 'import nest' >/dev/null 2>&1; then
    python3 -m venv "$nest_venv"
    "$nest_venv/bin/pip" install --quiet nest-simulator numpy
fi
export SEQSCAPE_NEST_PYTHON="$nest_venv/bin/python"
# The browser build and its driver for tests/web.rs: the wasm32 target, wasm-bindgen-cli and
# playwright-core from the package registries, Chromium from Debian.
./scripts/web.sh build
[ -d tests/web/node_modules/playwright-core ] || npm install --prefix tests/web --no-audit --no-fund --silent
cargo test --workspace "$@"
