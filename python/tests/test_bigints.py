"""u64 values are exact Python ints both ways, at the extremes, as the CLI prints them."""

import json

import numpy as np
import pytest

import yuma_consensus as yc
from conftest import DATA, load

MAX = 2**64 - 1


def big_input():
    # Three uids of u64::MAX stake: the chain's I64F64 stake sum wraps and each is paid the
    # whole emission (tests/cli_bad_input.rs, an_epoch_that_pays_more_than_its_emission).
    v = load(DATA / "epoch-small.json")
    n = 3
    v.update(
        n=n,
        alpha_stake=[MAX] * n,
        tao_stake=[0] * n,
        last_update=[v["current_block"]] * n,
        block_at_registration=[0] * n,
        validator_permit=[False] * n,
        commit_blocks=[None] * n,
        weights=[[] for _ in range(n)],
        bonds=[[] for _ in range(n)],
        owner_uid=None,
        rao_emission=MAX,
        tao_weight=MAX,
        current_block=MAX,
        activity_cutoff=MAX,
    )
    return v


def test_u64_max_round_trips_exactly(cli):
    v = big_input()
    out = yc.epoch(v)
    want = cli.json("epoch", "-", stdin=json.dumps(v).encode())
    assert out == want
    # The I64F64 stake saturates at 2^63 - 1; each uid is paid the whole u64::MAX emission.
    assert out["stake"] == [2**63 - 1] * 3
    assert out["emission"] == [MAX] * 3 and out["validator_emission"] == [MAX] * 3
    assert all(type(x) is int for x in out["stake"] + out["emission"])
    a = yc.epoch(v, as_numpy=True)
    assert a["emission"].dtype == np.uint64 and [int(x) for x in a["emission"]] == [MAX] * 3
    assert a["emission"][0] == np.uint64(MAX)
    assert [int(x) for x in a["stake"]] == out["stake"]


def test_an_overpaying_epoch_carries_the_cli_note(cli):
    v = big_input()
    r = cli.run("epoch", "-", stdin=json.dumps(v).encode(), check=0)
    notes = [l.removeprefix("yuma: note: stdin: ") for l in r.stderr.decode().splitlines() if "note:" in l]
    out = yc.epoch(v)
    assert out.notes == notes and "more than its rao_emission" in notes[0]


def test_short_weight_rows_carry_the_cli_note(cli):
    v = load(DATA / "epoch-small.json")
    v["weights"] = v["weights"][:-1]
    r = cli.run("epoch", "-", stdin=json.dumps(v).encode(), check=0)
    notes = [l.removeprefix("yuma: note: stdin: ") for l in r.stderr.decode().splitlines() if "note:" in l]
    assert yc.epoch(v).notes == notes
    assert notes == ["`weights` has 7 rows for n = 8; uid 7 reads as having no stored weights"]
    assert yc.epoch(DATA / "epoch-small.json").notes == []


@pytest.mark.parametrize("value", [2**64, 10**30, -1])
def test_out_of_range_integers_are_input_errors(cli, value):
    v = load(DATA / "epoch-small.json")
    v["rao_emission"] = value
    with pytest.raises(yc.InputError) as e:
        yc.epoch(v)
    text = json.dumps(v, separators=(",", ":")).encode()
    assert str(e.value) == cli.error("epoch", "-", stdin=text).removeprefix("yuma: stdin: ")
    assert e.value.field == "rao_emission"


def test_the_largest_stakes_of_a_real_input_are_exact():
    v = load(DATA / "epoch-small.json")
    out = yc.epoch(v)
    # stake = alpha + tao * tao_weight (U96F32 truncated): exact ints, above 2**53.
    assert out["stake"][0] > 2**53
    assert out["stake"] == yc.epoch(json.dumps(v)).get("stake")
