"""Scenarios: the lazy simulation equals `yuma simulate`'s JSON and CSV, spec 475 sequences
simulate step for step, and failures read as the CLI's."""

import csv
import json
from pathlib import Path

import pytest

import yuma_consensus as yc
from conftest import DATA, VECTORS, load

SCENARIOS = sorted((DATA / "scenarios").glob("*.json"))


def test_the_example_scenarios_are_there():
    assert len(SCENARIOS) == 12


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_equals_the_cli(cli, tmp_path, path):
    out_json, out_csv = tmp_path / "out.json", tmp_path / "out.csv"
    r = cli.run("simulate", path, "--json", out_json, "--csv", out_csv, check=0)
    want = json.loads(out_json.read_text())
    sim = yc.simulate(path)
    assert len(sim) == len(want) == len(load(path)["epochs"])
    got = []
    for k, epoch in enumerate(sim):
        assert sim.done == k + 1  # computed one at a time
        assert epoch.epoch == k
        got.append(epoch)
    assert got == want
    assert list(sim) == []  # an iterator: exhausted
    # The rules per run of epochs, as the CLI's summary names them.
    stdout = r.stdout.decode()
    first = got[0].runtime
    assert f"runtime rules {first.rules} ({first.source}): epochs 0–{len(got) - 1}" in stdout
    # The tidy frame is the CLI's CSV, row for row.
    df = yc.simulate(path).to_dataframe()
    with open(out_csv, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(df.columns)
    ours = [[str(int(x)) for x in row] for row in df.itertuples(index=False)]
    assert ours == rows[1:]


def test_blocks_and_patched_fields_follow_the_scenario():
    s = load(DATA / "scenarios" / "kappa-moves-first-y3.json")
    block = s["initial"]["current_block"]
    for patch, epoch in zip(s["epochs"], yc.simulate(s)):
        block = patch.get("current_block", block)
        assert epoch.block == block
        assert set(epoch.patched) == set(patch)


def test_as_numpy_gives_arrays_per_epoch():
    path = DATA / "scenarios" / "stable-miner-y2.json"
    lists = list(yc.simulate(path))
    arrays = list(yc.simulate(path, as_numpy=True))
    for a, l in zip(arrays, lists):
        assert isinstance(a, yc.EpochArrays)
        assert a["incentive"].dtype == "uint16" and a["incentive"].tolist() == l["incentive"]
        assert a["bonds"].to_lists() == l["bonds"]
        assert a.epoch == l.epoch


def _transition(state, out):
    # What the chain carries between epochs (yuma::simulate::transition).
    nxt = dict(state)
    if out.get("bonds_persisted") is not False:
        nxt["bonds"] = out["bonds"]
    nxt["validator_permit"] = out["new_validator_permit"]
    if out.get("consensus_by_mechanism") is not None:
        nxt["previous_consensus"] = out["consensus_by_mechanism"]
    if out.get("bonds_persisted") is True and state["current_block"] > 0:
        nxt["last_yuma_step_block"] = state["current_block"]
    nxt["last_mechanism_step_block"] = state["current_block"]
    return nxt


DEFAULTS = {"liquid_alpha_consensus_mode": "auto", "epoch_consensus": "yuma", "previous_consensus": []}


def _scenario(steps):
    epochs = [{}]
    for (a, a_out), (b, _) in zip(steps, steps[1:]):
        carried = _transition(a, a_out)
        patch = {k: v for k, v in b.items() if carried.get(k) != v}
        for k in carried:
            if k not in b:
                patch[k] = DEFAULTS.get(k)
        epochs.append(patch)
    return {"initial": steps[0][0], "epochs": epochs}


def _sequences(prefix):
    seqs = {}
    for f in sorted(VECTORS.rglob(prefix + "*.json")):
        name = f.stem.rsplit("-e", 1)[0]
        v = load(f)
        seqs.setdefault(name, []).append((v["input"], v["expected"]))
    return seqs


@pytest.mark.parametrize("prefix", ["seq475-", "seq-"])
def test_sequences_simulate_step_for_step(prefix):
    seqs = _sequences(prefix)
    assert seqs
    for name, steps in seqs.items():
        got = list(yc.simulate(_scenario(steps)))
        assert got == [e for _, e in steps], name


def test_a_failing_epoch_reads_as_the_cli(cli):
    s = load(DATA / "scenarios" / "stable-miner-y3.json")
    s["epochs"][3]["alpha_stake"] = [1, 2]
    text = json.dumps(s).encode()
    sim = yc.simulate(s)
    assert [next(sim).epoch for _ in range(3)] == [0, 1, 2]
    with pytest.raises(yc.InputError) as e:
        next(sim)
    assert str(e.value) == cli.error("simulate", "-", stdin=text).removeprefix("yuma: stdin: ")
    assert str(e.value).startswith("epoch 3: field `alpha_stake`")
    assert e.value.field == "alpha_stake"
    assert list(sim) == []


@pytest.mark.parametrize(
    "path",
    [DATA / "epoch-small.json", VECTORS / "tiny-n2-cross-weights-y2.json", VECTORS / "mech-001-m4-n16.json"],
    ids=["epoch", "vector", "mechanisms"],
)
def test_a_document_that_is_not_a_scenario_reads_as_the_cli(cli, path):
    with pytest.raises(yc.InputError) as e:
        yc.simulate(path)
    assert "yuma: " + str(e.value) == cli.error("simulate", path)


def test_a_scenario_given_to_epoch_or_verify_reads_as_the_cli(cli):
    path = DATA / "scenarios" / "stable-miner-y3.json"
    with pytest.raises(yc.InputError) as e:
        yc.epoch(path)
    assert "yuma: " + str(e.value) == cli.error("epoch", path)
    with pytest.raises(yc.InputError) as e:
        yc.verify(path)
    assert "yuma simulate" in str(e.value)


def test_an_empty_scenario_has_no_epochs():
    s = {"initial": load(DATA / "epoch-small.json"), "epochs": []}
    sim = yc.simulate(s)
    assert len(sim) == 0 and list(sim) == []
    assert list(yc.simulate(s).to_dataframe().columns) == ["epoch", "uid", *yc.CSV_COLUMNS]
