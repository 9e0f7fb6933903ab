#!/usr/bin/env bash
# Builds the WASM for the web and serves the verifier page: bash wasm/serve.sh [PORT]
# Then open http://127.0.0.1:PORT/ (default 8000). Ctrl-C stops the server.
# Needs rustup, cargo and python3; installs the wasm32 target and wasm-bindgen-cli 0.2.130 if missing.
set -euo pipefail
WASM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WASM_DIR/.." && pwd)"
PORT="${1:-8000}"
export CARGO_TARGET_DIR="$ROOT/target/wasm-build"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$ROOT"
rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null || rustup target add wasm32-unknown-unknown
if ! wasm-bindgen --version 2>/dev/null | grep -x "wasm-bindgen 0.2.130" >/dev/null; then
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR/cli" cargo install wasm-bindgen-cli --version 0.2.130
fi
cargo build -p yuma-wasm --release --target wasm32-unknown-unknown
rm -rf "$WASM_DIR/www/pkg"
wasm-bindgen --target web --out-dir "$WASM_DIR/www/pkg" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/yuma_wasm.wasm"
bash "$WASM_DIR/build-www.sh"
echo "Serving $WASM_DIR/www at http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WASM_DIR/www"
