#!/usr/bin/env bash
# The numbers of the README's "Weights" section: the pallet's benchmarks timed in the mock runtime
# and fitted (frame-benchmarking's Analysis), then the crate's own `yuma bench` on the same inputs
# (`yuma synth` prints the subnets the benchmarks store). Not part of CI; takes a few minutes.
#
#   bash integrations/frame/bench.sh            # STEPS=9 REPEAT=7 by default
#
# Writes target/frame-bench/{machine,pallet,yuma-bench,wasm}.txt and the synthetic inputs (wasm.txt
# when wasm/test.sh has built target/wasm-build/pkg-node).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${CARGO_TARGET_DIR:-target}/frame-bench"
mkdir -p "$out"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
  echo "rustc: $(rustc --version)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

STEPS="${STEPS:-9}" REPEAT="${REPEAT:-7}" \
  cargo test --release -p pallet-yuma --features runtime-benchmarks -- \
  --ignored measure_weights --nocapture | grep -E '^\||ref_time' | tee "$out/pallet.txt"

cargo build --release --bin yuma
yuma="${CARGO_TARGET_DIR:-target}/release/yuma"
files=()
for kind in "" "--yuma3" "--yuma3 --liquid-alpha"; do
  for nw in "1024 1024" "4096 1" "4096 512" "4096 1024"; do
    set -- $nw
    name="n$1-w$2$(echo "$kind" | tr -d ' ' | sed 's/--/-/g')"
    # shellcheck disable=SC2086
    "$yuma" synth --n "$1" --validators 256 --weights-per-row "$2" $kind > "$out/$name.json"
    files+=("$out/$name.json")
  done
done
"$yuma" bench "${files[@]}" --reps 31 --reference-reps 0 | tee "$out/yuma-bench.txt"
# The same inputs under wasm32 (Node's V8), when the WASM suite has built its Node package.
if [ -f target/wasm-build/pkg-node/yuma_wasm.js ] && command -v node >/dev/null; then
  YUMA_TIMING_FILES="$(IFS=:; echo "${files[*]}")" node wasm/tests/timing.mjs | tee "$out/wasm.txt"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
