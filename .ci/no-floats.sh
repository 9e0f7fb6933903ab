#!/usr/bin/env bash
# Fails if f32/f64 (or float literals) appear in library code: the epoch math is fixed-point only.
set -euo pipefail
cd "$(dirname "$0")/.."
hits=$(grep -rnE '\bf(32|64)\b|[0-9]+\.[0-9]+(e[0-9]+)?_?f(32|64)|\bfrom_num\([0-9]+\.[0-9]+' src --include='*.rs' \
  | grep -v '^src/bin/' | grep -vE '^\S+:[0-9]+:\s*//' || true)
if [ -n "$hits" ]; then
  echo "floating point in library code:"
  echo "$hits"
  exit 1
fi
echo "no f32/f64 in src/ (outside src/bin)"
