#!/usr/bin/env bash
# Regenerates the numbers in BENCHMARKS.md: `yuma bench` on every ../shared/bench input (main vs
# reference) and a scaling series of synthetic subnets at fixed work per row. Each figure is the
# lowest of ROUNDS medians (each median over REPS runs, REFERENCE_REPS for the reference), so a
# transient slowdown of the machine (frequency ramp, a background job) does not land in the table;
# main and reference get the same treatment.
# Usage: bash benches/report.sh [REPS] [REFERENCE_REPS] [ROUNDS]   (run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-31}
ref_reps=${2:-5}
rounds=${3:-3}
cargo build --release --quiet
yuma=target/release/yuma
bench_dir=../shared/bench
ms() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e6 }'; }
# lowest A B: the smaller number, ignoring an empty or non-numeric side.
lowest() {
  if ! [[ "$1" =~ ^[0-9]+$ ]]; then echo "$2"; elif ! [[ "$2" =~ ^[0-9]+$ ]]; then echo "$1";
  elif [ "$1" -le "$2" ]; then echo "$1"; else echo "$2"; fi
}
echo "| file | n | reference (ms) | main (ms) | reference / main |"
echo "|---|---|---|---|---|"
for f in "$bench_dir"/b256-v64-y2.json "$bench_dir"/b256-v64-y3la.json "$bench_dir"/b1024-v128-y2.json \
         "$bench_dir"/b1024-v128-y3la.json "$bench_dir"/b4096-v256-y2.json "$bench_dir"/b4096-v256-y3.json \
         "$bench_dir"/b4096-v256-y3la.json; do
  [ -f "$f" ] || { echo "missing $f" >&2; continue; }
  r=$ref_reps
  case "$f" in *b4096-v256-y3la*) r=1 ;; esac
  main='' ref=''
  for _ in $(seq "$rounds"); do
    line=$("$yuma" bench "$f" --reps "$reps" --reference-reps "$r")
    n=$(sed -E 's/.*"n":([0-9]+).*/\1/' <<<"$line")
    m=$(sed -E 's/.*"main_ns":([0-9]+).*/\1/' <<<"$line")
    x=$(sed -E 's/.*"reference_ns":([0-9]+).*/\1/' <<<"$line")
    main=$(lowest "$main" "$m")
    ref=$(lowest "$ref" "$x")
    case "$f" in *b4096-v256-y3la*) r=0 ;; esac # one reference run of ~4 s is enough
  done
  echo "| $(basename "$f" .json) | $n | $(ms "$ref") | $(ms "$main") | $(awk -v a="$ref" -v b="$main" 'BEGIN { printf "%.1f×", a / b }') |"
done
echo
echo "Scaling (256 validators × 256 weights and bonds per row, n grows):"
echo
echo "| n | nnz (weights + bonds) | Yuma 2 main (ms) | Yuma 3 + liquid alpha main (ms) |"
echo "|---|---|---|---|"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in 256 1024 4096 16384 65535; do
  "$yuma" synth --n "$n" --validators 256 --weights-per-row 256 > "$tmp/y2.json"
  "$yuma" synth --n "$n" --validators 256 --weights-per-row 256 --liquid-alpha > "$tmp/la.json"
  a='' b=''
  for _ in $(seq "$rounds"); do
    a=$(lowest "$a" "$("$yuma" bench "$tmp/y2.json" --reps "$reps" --reference-reps 0 | sed -E 's/.*"main_ns":([0-9]+).*/\1/')")
    b=$(lowest "$b" "$("$yuma" bench "$tmp/la.json" --reps "$reps" --reference-reps 0 | sed -E 's/.*"main_ns":([0-9]+).*/\1/')")
  done
  nnz=$("$yuma" bench "$tmp/y2.json" --reps 1 --reference-reps 0 | sed -E 's/.*"nnz":([0-9]+).*/\1/')
  echo "| $n | $nnz | $(ms "$a") | $(ms "$b") |"
done
