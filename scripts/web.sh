#!/usr/bin/env bash
# The browser build of the window.
#   scripts/web.sh build   installs what it needs (the wasm32 target, wasm-bindgen-cli matching
#                          Cargo.lock) and writes the static site to web/dist/
#   scripts/web.sh serve [PORT]   serves web/dist/ on 127.0.0.1 (default port 8080)
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir() {
  cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}

build() {
  command -v cargo >/dev/null || { echo "web.sh: cargo is missing; install Rust from https://rustup.rs" >&2; exit 2; }
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-bindgen-cli must be the version of the wasm-bindgen crate the build links.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    cargo install wasm-bindgen-cli --version "$want"
  fi
  cargo build --profile web --target wasm32-unknown-unknown --no-default-features --features web --bin seqscape
  local wasm
  wasm="$(target_dir)/wasm32-unknown-unknown/web/seqscape.wasm"
  rm -rf web/dist.tmp
  mkdir -p web/dist.tmp
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir web/dist.tmp "$wasm"
  cp web/index.html web/dist.tmp/
  rm -rf web/dist
  mv web/dist.tmp web/dist
  echo "web/dist: $(du -h web/dist/seqscape_bg.wasm | cut -f1) wasm ($(gzip -c web/dist/seqscape_bg.wasm | wc -c | awk '{printf "%.1f MB", $1/1048576}') gzipped); serve it with: scripts/web.sh serve"
}

serve() {
  local port="${1:-8080}"
  [ -f web/dist/index.html ] || { echo "web.sh: web/dist is empty; run 'scripts/web.sh build' first" >&2; exit 2; }
  echo "seqscape in the browser: http://127.0.0.1:${port}/"
  exec python3 -m http.server "$port" --bind 127.0.0.1 --directory web/dist
}

case "${1:-}" in
  build) build ;;
  serve) shift; serve "$@" ;;
  *) echo "usage: scripts/web.sh build | serve [PORT]" >&2; exit 2 ;;
esac
