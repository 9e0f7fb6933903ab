"""Shared fixtures: the repository's files and the `yuma` CLI the package is compared with.

The CLI is `$YUMA_BIN` when set (python/ci.sh sets it), else `target/release/yuma` of the
repository; tests that compare with it are skipped when neither exists (run
`cargo build --release` first, or python/ci.sh, which does).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(os.environ.get("YUMA_REPO", Path(__file__).resolve().parents[2]))
VECTORS = REPO / "tests" / "vectors"
DATA = REPO / "data"


def vector_files():
    """Every public vector (tests/vectors, recursively: spec475/ included), sorted."""
    return sorted(p for p in VECTORS.rglob("*.json"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Cli:
    """Runs the `yuma` binary."""

    def __init__(self, path: str):
        self.path = path

    def run(self, *args, stdin=None, check=None):
        r = subprocess.run(
            [self.path, *map(str, args)],
            input=stdin if stdin is not None else b"",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=300,
        )
        if check is not None:
            assert r.returncode == check, (args, r.returncode, r.stderr.decode())
        return r

    def json(self, *args, stdin=None):
        r = self.run(*args, stdin=stdin, check=0)
        return json.loads(r.stdout)

    def error(self, *args, stdin=None):
        """The one stderr line of a rejected input (exit 2), without its newline."""
        r = self.run(*args, stdin=stdin)
        err = r.stderr.decode("utf-8")
        assert r.returncode == 2, (args, r.returncode, err)
        lines = err.splitlines()
        assert len(lines) == 1, err
        return lines[0]


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("YUMA_BIN")
    if path:
        assert os.access(path, os.X_OK), f"YUMA_BIN={path} is not an executable"
    else:
        default = REPO / "target" / "release" / "yuma"
        if not default.exists():
            pytest.skip("no yuma binary: set YUMA_BIN or run `cargo build --release`")
        path = str(default)
    return Cli(path)


class Node:
    """A `fake-node` serving one vector laid out in storage, as the chain holds it."""

    def __init__(self, binary: str, vector, *args):
        self.proc = subprocess.Popen(
            [binary, str(vector), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().split()
        if line[:2] != ["listening", "on"]:
            self.proc.kill()
            raise RuntimeError(f"fake-node: {line} {self.proc.stderr.read()}")
        # listening on http://127.0.0.1:PORT netuid N block B
        self.url, self.netuid, self.block = line[2], int(line[4]), int(line[6])

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="session")
def fake_node():
    """Starts fake-nodes (`$FAKE_NODE`, else target/release/fake-node; skipped when absent:
    `cargo build --release -p yuma-fake-node`); stops them at the end."""
    path = os.environ.get("FAKE_NODE")
    if path:
        assert os.access(path, os.X_OK), f"FAKE_NODE={path} is not an executable"
    else:
        default = REPO / "target" / "release" / "fake-node"
        if not default.exists():
            pytest.skip("no fake-node: set FAKE_NODE or run `cargo build --release -p yuma-fake-node`")
        path = str(default)
    nodes = []

    def start(vector, *args):
        n = Node(path, vector, *args)
        nodes.append(n)
        return n

    yield start
    for n in nodes:
        n.stop()


@pytest.fixture()
def in_repo(monkeypatch):
    """Runs the test with the repository root as the working directory (the docs' paths)."""
    monkeypatch.chdir(REPO)
    return REPO
