#!/usr/bin/env bash
# Builds the WASM crate and runs every WASM test. One entry point, usable on a fresh machine
# (CI calls it as `bash wasm/test.sh` from the repository root; any working directory works).
#
#   1. installs what is missing: the wasm32 target, wasm-bindgen-cli 0.2.130, Chromium,
#      playwright-core (npm, from the committed package-lock.json);
#   2. builds yuma-wasm (release, wasm32-unknown-unknown; clippy -D warnings) and runs wasm-bindgen
#      for Node (target/wasm-build/pkg-node) and for the page (wasm/www/pkg); copies the page's
#      example files into wasm/www/examples (build-www.sh);
#   3. Node: the exported API (tests/api.mjs, which starts its own fake nodes, tests/fake-node,
#      for ChainFetch) and `verify` over every vector of tests/vectors (recursively: spec 425 and
#      spec475/) and tests/vectors-own (tests/vectors.mjs);
#   4. headless Chromium: the page (tests/browser.mjs), served by python3 -m http.server, its
#      "Fetch from a node" against two fake nodes started here (one of runtime spec 500);
#   5. timing of the bench inputs in Node and in Chromium (tests/timing.mjs; skipped if absent).
#
# The wasm build uses its own target dir (target/wasm-build) so it never waits on another build's
# lock; the fake node (a host binary) is built in the root target dir, where `cargo test` and
# python/ci.sh build it too (YUMA_FAKE_NODE=path skips the build).
set -euo pipefail

WASM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WASM_DIR/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="$ROOT/target/wasm-build"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_VERSION=0.2.130
NODE_PKG="$CARGO_TARGET_DIR/pkg-node"
WEB_PKG="$WASM_DIR/www/pkg"
start=$(date +%s)
step() { echo; echo "--- wasm: $* ($(( $(date +%s) - start ))s)"; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "$@"
}

step "toolchain"
if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -x "wasm-bindgen $WASM_BINDGEN_VERSION" >/dev/null; then
  # Not --locked: its lockfile wants a crate version the registry mirror may lack.
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR/cli" cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  apt_install chromium
fi
if ! command -v python3 >/dev/null; then
  apt_install python3
fi
if [ ! -f "$WASM_DIR/node_modules/playwright-core/package.json" ]; then
  (cd "$WASM_DIR" && npm ci --no-audit --no-fund)
fi
echo "$(rustc --version); $(wasm-bindgen --version); node $(node --version); $(${CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null | head -1)"

step "build (release, wasm32-unknown-unknown)"
cargo build -p yuma-wasm --release --target wasm32-unknown-unknown
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/yuma_wasm.wasm"
rm -rf "$NODE_PKG" "$WEB_PKG"
wasm-bindgen --target nodejs --out-dir "$NODE_PKG" "$WASM"
wasm-bindgen --target web --out-dir "$WEB_PKG" "$WASM"
bash "$WASM_DIR/build-www.sh"
echo "wasm: $(wc -c < "$WEB_PKG/yuma_wasm_bg.wasm") bytes"
cargo clippy -p yuma-wasm --no-deps --release --target wasm32-unknown-unknown -- -D warnings
export YUMA_WASM_NODE_PKG="$NODE_PKG"

step "build the fake node (tests/fake-node, release, in the root target dir it shares with cargo test)"
if [ -z "${YUMA_FAKE_NODE:-}" ]; then
  env -u CARGO_TARGET_DIR cargo build --release -p yuma-fake-node --bin fake-node
  YUMA_FAKE_NODE="$ROOT/target/release/fake-node"
fi
export YUMA_FAKE_NODE

step "node: exported API, errors, no traps"
node "$WASM_DIR/tests/api.mjs"

step "node: verify every vector in tests/vectors (both runtimes) and tests/vectors-own"
node "$WASM_DIR/tests/vectors.mjs" "$ROOT/tests/vectors" "$ROOT/tests/vectors-own"

step "browser: the verifier page in headless Chromium"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WASM_DIR/www" >"$CARGO_TARGET_DIR/http.log" 2>&1 &
PIDS+=($!)
# A fake node on a free port: sets FN_URL, FN_NETUID, FN_BLOCK from the line it prints when ready
# (`listening on http://127.0.0.1:PORT netuid N block B`); killed on exit.
start_fake_node() {
  local log="$CARGO_TARGET_DIR/fake-node-${#PIDS[@]}.log" line=""
  "$YUMA_FAKE_NODE" "$@" --port 0 >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    line=$(grep -m1 '^listening on ' "$log" || true)
    [ -n "$line" ] && break
    sleep 0.1
  done
  if [ -z "$line" ]; then echo "fake-node $* did not start:"; cat "$log"; exit 1; fi
  read -r _ _ FN_URL _ FN_NETUID _ FN_BLOCK <<<"$line"
  echo "fake node $*: $line"
}
start_fake_node "$ROOT/tests/vectors/mech-013-m2-n8.json"
NODE_ARGS=(--node "$FN_URL" --netuid "$FN_NETUID" --block "$FN_BLOCK")
start_fake_node "$ROOT/tests/vectors/mech-013-m2-n8.json" --spec 500
NODE_ARGS+=(--node-spec500 "$FN_URL")
URL="http://127.0.0.1:$PORT/"
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$URL" 2>/dev/null; then break; fi
  sleep 0.1
done
node "$WASM_DIR/tests/browser.mjs" "$URL" "${NODE_ARGS[@]}"
echo "screenshots: $WASM_DIR/tests/artifacts/"

step "timing (bench inputs, when ../shared/bench is present)"
node "$WASM_DIR/tests/timing.mjs" "$URL"

step "all wasm tests passed"
