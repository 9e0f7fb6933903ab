"""The chain bridge: fetch from a fake node (the vectors laid out in storage as the chain holds
them) equals `yuma fetch`, snapshots verify as `yuma verify` says, failures read as the CLI's."""

import json

import pytest

import yuma_consensus as yc
from conftest import VECTORS, load

VECTORS_SERVED = [
    VECTORS / "tiny-n2-cross-weights-y2.json",
    VECTORS / "yuma3-013-n4-la.json",
    VECTORS / "spec475" / "compat-001-y3-n8.json",
    VECTORS / "mech-013-m2-n8.json",
]


def without_time(doc):
    doc = json.loads(json.dumps(doc))
    doc["meta"].pop("fetched_at", None)
    return doc


@pytest.mark.parametrize("vector", VECTORS_SERVED, ids=lambda p: p.stem)
def test_fetch_equals_yuma_fetch_and_verifies(cli, fake_node, tmp_path, vector):
    node = fake_node(vector)
    stages = []
    snap = yc.fetch(node.url, node.netuid, node.block, progress=lambda *p: stages.append(p))
    assert isinstance(snap, yc.ChainSnapshot)
    assert [s[0] for s in stages] == list(range(1, stages[0][1] + 1))
    path = tmp_path / "snap.json"
    cli.run("fetch", "--rpc", node.url, "--netuid", node.netuid, "--block", node.block, "-o", path, check=0)
    assert without_time(snap) == without_time(load(path))
    assert snap.meta["netuid"] == node.netuid and snap.meta["block"] == node.block
    # Recomputed and compared with the chain's stored results.
    report = yc.verify_snapshot(snap)
    assert report.passed and report.compared > 0 and report.error is None, str(report)
    assert isinstance(yc.verify(path), yc.SnapshotReport) and yc.verify(path).passed
    # The snapshot is an input: its epoch is the vector's.
    expected = load(vector)["expected"]
    assert yc.epoch(snap) == expected
    assert yc.epoch(path) == expected
    # `yuma verify` on the saved snapshot prints what verify_all says.
    snap.save(tmp_path / "saved.json")
    for p in [path, tmp_path / "saved.json"]:
        r = cli.run("verify", "--all", p, check=0)
        assert yc.verify_all(p).lines(all=True) == r.stdout.decode().splitlines()


def test_the_latest_epoch(fake_node):
    node = fake_node(VECTORS / "tiny-n2-cross-weights-y2.json")
    assert without_time(yc.fetch(node.url, node.netuid)) == without_time(
        yc.fetch(node.url, node.netuid, node.block)
    )


def test_a_tampered_snapshot_fails_as_in_yuma_verify(cli, fake_node, tmp_path):
    node = fake_node(VECTORS / "yuma3-013-n4-la.json")
    snap = yc.fetch(node.url, node.netuid, node.block)
    doc = json.loads(snap.to_json())
    doc["chain"]["emission"][1] += 1
    doc["chain"]["incentive"][0][0] = 7
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc, indent=1))
    report = yc.verify_snapshot(path)
    assert not report.passed
    assert {(m.field, m.uid) for m in report.mismatches} == {("emission", 1), ("incentive[0]", 0)}
    assert yc.verify_snapshot(doc).mismatches == report.mismatches
    for args in [[], ["--all"]]:
        r = cli.run("verify", *args, path)
        assert r.returncode == 1
        assert yc.verify_all(path).lines(all=bool(args)) == r.stdout.decode().splitlines()


def test_bad_arguments_are_input_errors_with_the_cli_text(cli, fake_node):
    node = fake_node(VECTORS / "tiny-n2-cross-weights-y2.json")
    for netuid, block in [(0, node.block), (node.netuid, node.block + 1), (node.netuid + 1, node.block)]:
        with pytest.raises(yc.InputError) as e:
            yc.fetch(node.url, netuid, block)
        args = ["fetch", "--rpc", node.url, "--netuid", netuid, "--block", block]
        r = cli.run(*args)
        assert r.returncode == 2
        assert r.stderr.decode().splitlines()[-1] == "yuma: " + str(e.value)


def test_an_unreachable_node_is_a_chain_error_with_the_cli_text(cli):
    url = "http://127.0.0.1:9"
    with pytest.raises(yc.ChainError) as e:
        yc.fetch(url, 1, 5, retries=0, timeout=1)
    assert e.value.code == 3
    r = cli.run("fetch", "--rpc", url, "--netuid", 1, "--block", 5, "--retries", 0, "--timeout", 1)
    assert r.returncode == 3
    assert r.stderr.decode().splitlines()[-1] == "yuma: " + str(e.value)


def test_a_newer_runtime_is_refused_unless_assumed(cli, fake_node, tmp_path):
    node = fake_node(VECTORS / "tiny-n2-cross-weights-y2.json", "--spec", 500)
    with pytest.raises(yc.InputError) as e:
        yc.fetch(node.url, node.netuid, node.block)
    r = cli.run("fetch", "--rpc", node.url, "--netuid", node.netuid, "--block", node.block)
    assert r.returncode == 2 and r.stderr.decode().splitlines()[-1] == "yuma: " + str(e.value)
    snap = yc.fetch(node.url, node.netuid, node.block, assume_spec=475)
    assert snap.meta["spec_version"] == 500
    report = yc.verify_snapshot(snap)
    assert report.unsupported_runtime and not report.passed
    path = tmp_path / "newer.json"
    snap.save(path)
    r = cli.run("verify", path)
    assert r.returncode == 2
    assert str(yc.verify_all(path)) + "\n" == r.stdout.decode()
    # Under assumed rules it is computed and compared (this spec 425 vector served as spec 500
    # has no stored consensus_by_mechanism: a mismatch under the spec 475 rules), as the CLI does.
    assumed = yc.verify_snapshot(snap, assume_spec=475)
    assert assumed.rules == "spec 475" and not assumed.unsupported_runtime
    r = cli.run("verify", "--assume-spec", 475, path)
    assert yc.verify_all(path, assume_spec=475).lines() == r.stdout.decode().splitlines()


def test_a_malformed_snapshot_reads_as_the_cli(cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "yuma-chain-snapshot/1", "input": {}, "chain": {}, "meta": {}}')
    with pytest.raises(yc.InputError) as e:
        yc.verify_snapshot(path)
    r = cli.run("verify", path)
    assert r.returncode == 2
    assert r.stderr.decode().splitlines() == ["yuma: " + str(e.value)]
    summary = yc.verify_all(path)
    assert str(summary) + "\n" == r.stdout.decode()
