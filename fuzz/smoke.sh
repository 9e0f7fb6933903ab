#!/usr/bin/env bash
# Smoke-fuzz every target for a short time on a copy of its committed seed corpus.
#
#   bash fuzz/smoke.sh                 # 45 s per target (5 targets: ~4 min + one build)
#   FUZZ_SECONDS=300 bash fuzz/smoke.sh
#   bash fuzz/smoke.sh epoch_json      # only the named targets
#
# Installs cargo-fuzz and the nightly toolchain if they are missing. Fails (exit 1) on any crash,
# panic, timeout (-timeout, seconds per input) or out-of-memory (-rss_limit_mb / -malloc_limit_mb);
# the reproducer is left in fuzz/artifacts/<target>/ (gitignored) and the log's tail is printed.
# Prints executions and time per target. The committed corpus is never modified.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=fuzz/target

FUZZ_SECONDS="${FUZZ_SECONDS:-45}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"     # seconds one input may take before it counts as a hang
FUZZ_RSS_MB="${FUZZ_RSS_MB:-2048}"
TARGETS=(epoch_json epoch_structured weighted_median scale_roundtrip lanes_forms)
if [ "$#" -gt 0 ]; then
  TARGETS=("$@")
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "== installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

echo "== building ${TARGETS[*]} (cargo +nightly fuzz build, ASan, debug assertions)"
for t in "${TARGETS[@]}"; do
  cargo +nightly fuzz build "$t"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

declare -a summary
failed=0
for t in "${TARGETS[@]}"; do
  corpus="$work/corpus-$t"
  mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$t" ]; then
    cp -R "fuzz/corpus/$t/." "$corpus/"
  fi
  seeds=$(find "$corpus" -type f | wc -l)
  log="$work/$t.log"
  echo "== fuzzing $t for ${FUZZ_SECONDS}s ($seeds seeds)"
  start=$(date +%s)
  set +e
  cargo +nightly fuzz run "$t" "$corpus" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb="$FUZZ_RSS_MB" \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  wall=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  if [ -n "$done_line" ]; then
    runs_done=$(echo "$done_line" | sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/')
    secs=$(echo "$done_line" | sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/')
    runs="${runs:-$runs_done}"
  else
    secs="$wall"
  fi
  runs="${runs:-?}"
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
  corpus_after=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -ne 0 ] || grep -qE '^==[0-9]+== ?ERROR|panicked at|^SUMMARY: libFuzzer' "$log"; then
    failed=1
    echo "!! $t FAILED (exit $rc) after $runs runs in ${secs}s — last lines of the log:"
    tail -n 60 "$log"
    ls -1 "fuzz/artifacts/$t" 2>/dev/null | sed "s|^|   artifact: fuzz/artifacts/$t/|" || true
    summary+=("$(printf '%-18s FAILED  %12s execs  %5ss  (exit %s)' "$t" "$runs" "$secs" "$rc")")
  else
    rate="?"
    if [[ "$runs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ]; then
      rate=$(( runs / secs ))
    fi
    echo "   $t: $runs executions in ${secs}s (${rate}/s), $cov, corpus $seeds -> $corpus_after"
    summary+=("$(printf '%-18s ok      %12s execs  %5ss  %8s exec/s  %s' "$t" "$runs" "$secs" "$rate" "$cov")")
  fi
done

echo
echo "== summary (FUZZ_SECONDS=$FUZZ_SECONDS)"
printf '%s\n' "${summary[@]}"
exit "$failed"
