#!/usr/bin/env bash
# The Python package's CI, from a clean clone: lint the glue, build the wheel the way
# `pip install ./python` does (maturin as the PEP 517 backend, one release build), install it into
# a fresh virtualenv with pytest, numpy, pandas and mypy, run the README's example, check the type
# stubs against the installed package (mypy.stubtest) and run pytest against the vectors and the
# `yuma` CLI, and print a short summary.
#
#   bash python/ci.sh            # from anywhere; everything goes under target/python-ci/
#
# Environment: YUMA_BIN (the CLI to compare with; default: `cargo build --release --bin yuma`,
# a no-op after `cargo test --release`), FAKE_NODE (the fake JSON-RPC node the chain tests fetch
# from; default: built from tests/fake-node), PYTHON (default python3), PY_CI_DIR (default
# target/python-ci).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-python3}
work=${PY_CI_DIR:-$root/target/python-ci}
export CARGO_TARGET_DIR=$root/target/python
start=$(date +%s)
say() { echo "python/ci.sh: $* ($(( $(date +%s) - start ))s)"; }
quiet() { # runs "$@" with its output in a log, shown only when it fails
  local log=$work/log.txt
  if ! "$@" >"$log" 2>&1; then cat "$log"; echo "python/ci.sh: failed: $*"; exit 1; fi
}

rm -rf "$work" && mkdir -p "$work"
say "lint (cargo fmt --check, clippy -D warnings) of the Rust glue"
cargo fmt --manifest-path python/Cargo.toml -- --check
quiet cargo clippy --manifest-path python/Cargo.toml --all-targets --quiet -- -D warnings

say "a fresh virtualenv ($($python --version)) with pip, pytest, numpy, pandas, mypy"
quiet "$python" -m venv "$work/venv"
py=$work/venv/bin/python
quiet "$py" -m pip install --upgrade pip
quiet "$py" -m pip install pytest numpy pandas mypy pandas-stubs

say "the wheel (pip wheel ./python: maturin, release)"
quiet "$py" -m pip wheel --no-deps ./python -w "$work/wheels"
wheel=$(ls "$work"/wheels/yuma_consensus-*.whl)
for f in yuma_consensus/__init__.py yuma_consensus/__init__.pyi yuma_consensus/_native.pyi \
         yuma_consensus/py.typed yuma_consensus/_native.abi3.so; do
  "$py" -c "import sys, zipfile; sys.exit(0 if '$f' in zipfile.ZipFile('$wheel').namelist() else 1)" \
    || { echo "python/ci.sh: $f is missing from $(basename "$wheel")"; exit 1; }
done
quiet "$py" -m pip install "$wheel"
say "installed $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"

if [ -z "${YUMA_BIN:-}" ]; then
  say "the yuma CLI (cargo build --release --bin yuma)"
  quiet env -u CARGO_TARGET_DIR cargo build --release --bin yuma
  YUMA_BIN=$root/target/release/yuma
fi
if [ -z "${FAKE_NODE:-}" ]; then
  say "the fake node the chain tests fetch from (cargo build --release -p yuma-fake-node)"
  quiet env -u CARGO_TARGET_DIR cargo build --release -p yuma-fake-node --bin fake-node
  FAKE_NODE=$root/target/release/fake-node
fi
export YUMA_BIN FAKE_NODE YUMA_REPO=$root

say "the README's example (python/README.md, README.md), from the repository root"
"$py" - <<'EOF'
import re, subprocess, sys
text = open("python/README.md", encoding="utf-8").read()
code = re.search(r"<!-- example -->\s*```python\n(.*?)```", text, re.S).group(1)
lines = [l for l in code.splitlines() if l.strip()]
assert len(lines) == 5, f"the example has {len(lines)} lines"
# The root README's Python section shows the same five lines.
root = open("README.md", encoding="utf-8").read().split("## Python", 1)[-1]
assert re.search(r"```python\n(.*?)```", root, re.S).group(1) == code, "README.md's example differs"
r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
sys.stdout.write(r.stdout)
if r.returncode:
    sys.exit(r.stderr)
EOF

# From the work directory, so `import yuma_consensus` is the installed wheel, not ./python.
cd "$work"
"$py" -c "import yuma_consensus as y; assert '/site-packages/' in y.__file__, y.__file__"
say "the type stubs against the installed package (mypy.stubtest)"
quiet "$py" -m mypy.stubtest yuma_consensus

say "pytest (the installed package; tests in python/tests)"
set +e
"$py" -m pytest -q -p no:cacheprovider "$root/python/tests" 2>&1 | tee "$work/pytest.txt" | grep -vE '^\.+ *\[ *[0-9]+%\]$'
code=${PIPESTATUS[0]}
set -e
summary=$(tail -n 1 "$work/pytest.txt")
if [ "$code" -ne 0 ]; then
  say "FAILED (pytest exit $code): $summary"
  exit 1
fi
say "ok: $(basename "$wheel"); pytest: $summary"
