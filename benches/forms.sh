#!/usr/bin/env bash
# The lane kernels' before/after table of BENCHMARKS.md: `yuma bench` on every ../shared/bench
# input in every form (--kernels scalar, portable, avx2, avx512), beside a baseline binary (an
# older build of `yuma`, e.g. the commit before the lane kernels). Each figure is the lowest of
# ROUNDS medians of 31 runs, the configurations alternating within each round, so a slow phase of
# the machine lands in every column alike. Prints a Markdown table (µs).
#
#   git worktree add /tmp/base 9a807a8
#   (cd /tmp/base && CARGO_TARGET_DIR=/tmp/base-target cargo build --release --bin yuma)
#   bash benches/forms.sh /tmp/base-target/release/yuma 4
#
# Without a baseline (`-`), the baseline column is left out. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:--}
rounds=${2:-4}
cargo build --release --quiet --bin yuma
yuma=target/release/yuma
forms=(scalar portable avx2 avx512)
configs=("${forms[@]}")
[ "$base" != "-" ] && configs=(base "${forms[@]}")
median() {
  local k=$1 f=$2
  if [ "$k" = base ]; then "$base" bench --reps 31 --reference-reps 0 "$f"
  else "$yuma" bench --reps 31 --reference-reps 0 --kernels "$k" "$f"; fi |
    sed -E 's/.*"main_ns":([0-9]+).*/\1/'
}
echo "| file | $(printf '%s | ' "${configs[@]}")auto runs as |"
echo "|---|$(printf -- '---|%.0s' "${configs[@]}")---|"
for f in ../shared/bench/*.json; do
  declare -A best=()
  for _ in $(seq 1 "$rounds"); do
    for k in "${configs[@]}"; do
      v=$(median "$k" "$f")
      if [ -z "${best[$k]:-}" ] || [ "$v" -lt "${best[$k]}" ]; then best[$k]=$v; fi
    done
  done
  ran=$("$yuma" bench --reps 1 --reference-reps 0 "$f" | sed -E 's/.*"kernels":"([a-z0-9]+)".*/\1/')
  row="| $(basename "$f" .json) |"
  for k in "${configs[@]}"; do row+=" $(( best[$k] / 1000 )) |"; done
  echo "$row $ran |"
  unset best
done
echo
echo "lowest of $rounds medians of 31 runs per cell, µs; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
