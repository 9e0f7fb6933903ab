"""Traces and rules lines equal the CLI's (`yuma epoch --trace`), under the input's rules and
assumed ones."""

import json

import pytest

import yuma_consensus as yc
from conftest import DATA, VECTORS, load, vector_files

# A spread of vectors: the tiny ones, edge cases, liquid alpha, both runtimes, Null consensus.
SAMPLE = [
    f
    for f in vector_files()
    if "mechanisms" not in load(f)["input"]
    and (
        f.name.startswith(("tiny-", "edge-stake-sum", "yuma3-01", "null-", "mode-"))
        or f.parent.name == "spec475" and f.name < "c"
    )
]


def cli_epoch(cli, *args):
    r = cli.run("epoch", *args, check=0)
    err = r.stderr.decode().splitlines()
    return json.loads(r.stdout), err


def test_the_sample_covers_both_runtimes_and_null():
    rules = {yc.runtime_of(f).rules for f in SAMPLE}
    assert rules == {"spec 425", "spec 475"}
    assert any(f.name.startswith("null-") for f in SAMPLE)
    assert len(SAMPLE) >= 40


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: str(p.relative_to(VECTORS)))
def test_trace_equals_the_cli_trace(cli, path):
    want, err = cli_epoch(cli, "--trace", path)
    got = yc.epoch_with_trace(path)
    assert got == want
    assert list(got) == list(want)  # the same keys in the same order
    assert list(got["trace"]) == list(want["trace"])
    # The CLI's stderr line saying which rules ran.
    assert "yuma: " + got.runtime.line in err


@pytest.mark.parametrize("spec", [425, 475, 446])
def test_assumed_rules_equal_the_cli(cli, spec):
    for path in [VECTORS / "tiny-n2-cross-weights-y2.json", DATA / "subnet-256.json"]:
        want, err = cli_epoch(cli, "--trace", "--assume-spec", spec, path)
        got = yc.epoch_with_trace(path, assume_spec=spec)
        assert got == want
        assert got.runtime.assumed and got.runtime.assume_spec == spec
        assert got.runtime.line.endswith(f"; assumed with --assume-spec {spec}")
        assert "yuma: " + got.runtime.line in err


def test_a_newer_runtime_is_refused_unless_assumed(cli):
    v = load(VECTORS / "tiny-n2-cross-weights-y2.json")["input"]
    v["spec_version"] = 500
    text = json.dumps(v).encode()
    with pytest.raises(yc.InputError) as e:
        yc.epoch(v)
    assert str(e.value) == cli.error("epoch", "-", stdin=text).removeprefix("yuma: stdin: ")
    assert e.value.field == "spec_version"
    assert "runtime 500 is not reproduced" in str(e.value)
    out = yc.epoch(v, assume_spec=475)
    assert out.rules == "spec 475" and out.runtime.spec_version == 500
    r = cli.run("epoch", "--assume-spec", "475", "-", stdin=text, check=0)
    assert out == json.loads(r.stdout)
    with pytest.raises(yc.InputError):
        yc.runtime_of(v)
    assert yc.runtime_of(v, assume_spec=475).rules == "spec 475"


def test_the_subnet_256_trace_equals_the_cli(cli):
    path = DATA / "subnet-256.json"
    want, _ = cli_epoch(cli, "--trace", path)
    assert yc.epoch_with_trace(path) == want
    assert yc.epoch(path) == cli_epoch(cli, path)[0]
    assert yc.epoch(path) == {k: v for k, v in want.items() if k != "trace"}
