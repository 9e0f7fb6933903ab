#!/usr/bin/env bash
# Fills wasm/www/examples/ (gitignored) with the example files the page offers (the Example and
# Scenario lists of www/index.html), copied from where they live in the repository: the vectors
# from tests/vectors/ (spec 475 ones from tests/vectors/spec475/), the scenarios from
# data/scenarios/. Each file exists once in git.
# Called by test.sh and serve.sh after wasm-bindgen; any working directory works.
set -euo pipefail
WASM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WASM_DIR/.." && pwd)"
OUT="$WASM_DIR/www/examples"
FILES=(
  tests/vectors/realistic-030-v64.json
  tests/vectors/mech-021-m2-n8.json
  tests/vectors/spec475/la-055-default-n256.json
  tests/vectors/spec475/null-008-realistic-n256.json
  tests/vectors/spec475/mech475-001-null-budgets-m2-n4.json
  data/scenarios/kappa-moves-first-y3.json
  data/scenarios/kappa-moves-first-y2.json
  data/scenarios/stable-miner-y3.json
)
rm -rf "$OUT"
mkdir -p "$OUT"
for f in "${FILES[@]}"; do cp "$ROOT/$f" "$OUT/"; done
echo "www/examples: ${#FILES[@]} files copied from tests/vectors (and spec475/) and data/scenarios"
