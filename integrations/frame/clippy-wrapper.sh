#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER of ci.sh: the pallet compiles through clippy-driver with -D warnings
# (its lints, e.g. no unwrap/expect/indexing in src/epoch.rs, enforced by the build itself);
# every other workspace member compiles with plain rustc (the root CI lints them).
set -euo pipefail
if [ "${CARGO_PKG_NAME:-}" = "pallet-yuma" ]; then
  exec "${CLIPPY_DRIVER:?ci.sh sets CLIPPY_DRIVER}" "$@" -D warnings
fi
exec "$@"
