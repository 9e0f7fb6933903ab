#!/usr/bin/env bash
# CI of the FRAME pallet example (integrations/frame), from the repository root or anywhere:
#
#   1. the mock runtime's tests: every golden vector through the pallet's on_initialize (storage
#      in, storage out), the unit tests, and the benchmarks once each (frame-benchmarking's test
#      suite, feature runtime-benchmarks);
#   2. the pallet's no_std build for wasm32v1-none, as a runtime builds it (--cfg substrate_runtime);
#   (in both, the pallet compiles through clippy-driver with -D warnings: clippy-wrapper.sh);
#   3. cargo tree: one substrate-fixed and one parity-scale-codec in the pallet's tree.
#
# Cache-friendly: one profile (release) and the workspace's target dir (or $CARGO_TARGET_DIR), so
# a second run rebuilds nothing; the host build scripts and proc macros of step 1 serve step 2.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The pallet compiles through clippy (-D warnings) in every step; the other crates with rustc.
export CLIPPY_DRIVER="$(rustc --print sysroot)/bin/clippy-driver"
export RUSTC_WORKSPACE_WRAPPER="$PWD/integrations/frame/clippy-wrapper.sh"
start=$(date +%s)
step() { echo; echo "--- frame: $* ($(( $(date +%s) - start ))s)"; }

step "toolchain"
rustup target list --installed | grep -qx wasm32v1-none || rustup target add wasm32v1-none

step "mock runtime: the vectors through on_initialize, unit tests, benchmark tests"
VALUES_PER_COMPONENT=2 cargo test --release -p pallet-yuma --features runtime-benchmarks

step "no_std build for wasm32v1-none (--cfg substrate_runtime)"
CARGO_TARGET_WASM32V1_NONE_RUSTFLAGS="--cfg substrate_runtime" \
  cargo build --release -p pallet-yuma --no-default-features --target wasm32v1-none

step "cargo tree -d: one substrate-fixed, one parity-scale-codec"
versions=$(cargo tree -p pallet-yuma --target all -e normal,build,dev --prefix none \
  | awk '$1 == "substrate-fixed" || $1 == "parity-scale-codec" { print $1, $2 }' | sort -u)
echo "$versions"
duplicated=$(cargo tree -p pallet-yuma --target all -e normal,build,dev --duplicates --prefix none \
  | awk '$1 == "substrate-fixed" || $1 == "parity-scale-codec" { print $1, $2 }' | sort -u)
for crate in substrate-fixed parity-scale-codec; do
  count=$(echo "$versions" | awk -v c="$crate" '$1 == c' | wc -l)
  if [ "$count" -ne 1 ]; then
    echo "FAIL: $count versions of $crate in the pallet's tree:"
    echo "$duplicated"
    cargo tree -p pallet-yuma --target all -e normal,build,dev -i "$crate" || true
    exit 1
  fi
done
echo "ok: one version each (cargo tree -d lists none of them in two versions)"

step "done"
