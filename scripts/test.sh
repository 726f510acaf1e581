#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (as root), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1; then
    need=()
    for pkg in xvfb xauth mesa-vulkan-drivers libvulkan1 ffmpeg python3-numpy; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ "${#need[@]}" -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi
# The tests call the first python3 on the PATH; where that is not Debian's (pyenv, a venv), give it NumPy.
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy
cargo test --workspace "$@"
