"""Every public vector through the Python API equals its `expected` (and its `trace`), and
`verify` / `verify_all` agree with `yuma verify`."""

import pytest

import yuma_consensus as yc
from conftest import REPO, VECTORS, load, vector_files

FILES = vector_files()


def test_the_public_vectors_are_all_there():
    # 664 of spec 425 and 195 of spec 475 (tests/vectors/spec475).
    assert len(FILES) >= 859
    assert sum(1 for f in FILES if f.parent.name == "spec475") >= 195


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(VECTORS)))
def test_vector(path):
    v = load(path)
    mechanisms = "mechanisms" in v["input"]
    # The input as a dict (the JSON route of the package), the output a dict equal to `expected`.
    out = yc.epoch(v["input"])
    assert isinstance(out, yc.MechanismsResult if mechanisms else yc.EpochResult)
    assert out == v["expected"]
    assert out.rules in ("spec 425", "spec 475")
    if mechanisms:
        assert yc.epoch_with_mechanisms(v["input"]) == v["expected"]
    elif "trace" in v:
        traced = yc.epoch_with_trace(v["input"])
        assert traced["trace"] == v["trace"]
        assert {k: x for k, x in traced.items() if k != "trace"} == v["expected"]
    # And the file itself, as `yuma verify` checks it.
    report = yc.verify(path)
    assert report.passed, str(report)
    assert report.mismatches == [] and report.error is None and bool(report)
    assert report.rules == out.rules


def test_verify_all_prints_what_yuma_verify_prints(cli):
    summary = yc.verify_all(VECTORS)
    expected = cli.run("verify", VECTORS, check=0).stdout.decode()
    assert str(summary) + "\n" == expected
    assert summary.ok and summary.passed == len(FILES) and summary.failed == 0


@pytest.mark.parametrize(
    "name",
    ["tiny-n2-cross-weights-y2.json", "yuma3-013-n4-la.json", "mech-013-m2-n8.json"],
)
def test_the_reference_implementation_passes_too(name):
    assert yc.verify(VECTORS / name, implementation="reference").passed


def test_a_tampered_vector_fails_as_in_yuma_verify(cli, tmp_path):
    v = load(VECTORS / "tiny-n2-cross-weights-y2.json")
    v["expected"]["server_emission"][1] += 1
    v["expected"]["consensus"][0] = 5
    path = tmp_path / "tampered.json"
    path.write_text(__import__("json").dumps(v))
    report = yc.verify(path)
    assert not report.passed and not report
    fields = [(m.field, m.uid) for m in report.mismatches]
    assert fields == [("consensus", 0), ("server_emission", 1)]
    assert report.mismatches[1].got == 500000000
    assert report.mismatches[1].expected == 500000001
    r = cli.run("verify", path)
    assert r.returncode == 1
    assert str(yc.verify_all(path)) + "\n" == r.stdout.decode()
    r = cli.run("verify", "--all", path)
    assert yc.verify_all(path).lines(all=True) == r.stdout.decode().splitlines()
    # A dict has no path: named by its `name`.
    assert str(yc.verify(v)).startswith("FAIL tiny-n2-cross-weights-y2: consensus uid 0: got 0")


def test_verify_all_collects_unreadable_files_and_checks_the_rest(cli, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    small = REPO / "data" / "epoch-small.json"
    vector = VECTORS / "tiny-n2-cross-weights-y2.json"
    summary = yc.verify_all([empty, small, vector])
    r = cli.run("verify", empty, small, vector)
    assert r.returncode == 2
    assert str(summary) + "\n" == r.stdout.decode()
    # Each unreadable file's error is the CLI's stderr line.
    assert ["yuma: " + str(e) for _, e in summary.unreadable] == r.stderr.decode().splitlines()
    assert not summary.ok and summary.passed == 1


def test_verify_all_refuses_missing_paths_and_empty_directories(cli, tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(yc.InputError) as e:
        yc.verify_all(missing)
    assert "yuma: " + str(e.value) == cli.error("verify", missing)
    (tmp_path / "empty").mkdir()
    with pytest.raises(yc.InputError) as e:
        yc.verify_all(tmp_path / "empty")
    assert "yuma: " + str(e.value) == cli.error("verify", tmp_path / "empty")
