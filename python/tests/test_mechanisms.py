"""Mechanisms inputs: outputs equal the vectors' and the CLI's, arrays and frames per mechanism."""

import json

import pytest

import yuma_consensus as yc
from conftest import VECTORS, load, vector_files

MECH = [f for f in vector_files() if "mechanisms" in load(f)["input"]]


def test_there_are_mechanisms_vectors_of_both_runtimes():
    assert len(MECH) >= 20
    assert {yc.runtime_of(f).rules for f in MECH} == {"spec 425", "spec 475"}


@pytest.mark.parametrize("path", MECH, ids=lambda p: str(p.relative_to(VECTORS)))
def test_mechanisms_vector(cli, path):
    v = load(path)
    out = yc.epoch_with_mechanisms(path)
    assert isinstance(out, yc.MechanismsResult)
    assert out == v["expected"]
    assert out == cli.json("epoch", path)
    assert yc.epoch(v["input"]) == out
    # Arrays: the split, every mechanism's fields, the aggregate.
    a = yc.epoch_with_mechanisms(path, as_numpy=True)
    n = len(v["expected"]["aggregated"]["stake"])
    assert a["split"].dtype == "uint64" and a["split"].tolist() == out["split"]
    assert len(a["per_mechanism"]) == len(out["per_mechanism"])
    for arrays, o in zip(a["per_mechanism"], out["per_mechanism"]):
        assert arrays["incentive"].dtype == "uint16" and arrays["incentive"].shape == (n,)
        assert arrays["emission"].tolist() == o["emission"]
        assert arrays["bonds"].to_lists() == o["bonds"]
    for k, x in a["aggregated"].items():
        assert x.shape == (n,) and x.tolist() == out["aggregated"][k]
    df = out.to_dataframe()
    assert len(df) == n and "bonds" not in df.columns
    assert df["emission"].tolist() == out["aggregated"]["emission"]
    df0 = out.to_dataframe(mechanism=0)
    assert df0["bonds"].tolist() == [len(r) for r in out["per_mechanism"][0]["bonds"]]


def test_a_trace_of_a_mechanisms_input_is_refused_as_by_the_cli(cli):
    path = MECH[0]
    with pytest.raises(yc.InputError) as e:
        yc.epoch_with_trace(path)
    assert "yuma: " + str(e.value) == cli.error("epoch", "--trace", path)


def test_epoch_with_mechanisms_refuses_an_epoch_input():
    with pytest.raises(yc.InputError) as e:
        yc.epoch_with_mechanisms(VECTORS / "tiny-n2-cross-weights-y2.json")
    assert "takes a MechanismsInput" in str(e.value)


def test_mechanism_errors_name_the_mechanism(cli):
    v = load(MECH[0])["input"]
    del v["mechanisms"][1]["alpha_stake"][0]
    text = json.dumps(v).encode()
    with pytest.raises(yc.InputError) as e:
        yc.epoch(v)
    assert str(e.value) == cli.error("epoch", "-", stdin=text).removeprefix("yuma: stdin: ")
    assert e.value.field == "mechanisms[1].alpha_stake"
