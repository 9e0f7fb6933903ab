"""numpy arrays and pandas frames: dtypes, shapes, and the same values as the dict form."""

import numpy as np
import pandas as pd
import pytest

import yuma_consensus as yc
from conftest import DATA, VECTORS, load

U16 = ["stake_weight", "consensus", "incentive", "dividends", "validator_trust"]
U64 = ["stake", "server_emission", "validator_emission", "emission"]
BOOL = ["active", "new_validator_permit"]


@pytest.mark.parametrize(
    "path",
    [DATA / "subnet-256.json", DATA / "epoch-small.json", VECTORS / "spec475" / "null-001-random-n8.json"],
    ids=lambda p: p.stem,
)
def test_dtypes_and_shapes(path):
    out = yc.epoch(path)
    a = yc.epoch(path, as_numpy=True)
    assert isinstance(a, yc.EpochArrays) and a.rules == out.rules
    n = len(out["stake"])
    for fields, dtype in [(U16, np.uint16), (U64, np.uint64), (BOOL, np.bool_)]:
        for f in fields:
            assert a[f].dtype == dtype, f
            assert a[f].shape == (n,), f
            assert a[f].tolist() == out[f], f
            assert a[f].flags.writeable
    b = a["bonds"]
    assert isinstance(b, yc.SparseRows)
    assert b.indptr.dtype == np.int64 and b.indptr.shape == (n + 1,)
    assert b.indices.dtype == np.uint16 and b.data.dtype == np.uint16
    assert b.to_lists() == out["bonds"]
    assert b.counts().tolist() == [len(r) for r in out["bonds"]]
    # .to_numpy() of the dict form gives the same arrays.
    c = out.to_numpy()
    assert set(c) == set(a)
    for k in a:
        if isinstance(a[k], np.ndarray):
            assert c[k].dtype == a[k].dtype and np.array_equal(c[k], a[k]), k
    assert all(np.array_equal(x, y) for x, y in zip(c["bonds"], a["bonds"]))


def test_consensus_by_mechanism_of_spec_475_is_uint16():
    path = VECTORS / "spec475" / "compat-001-y3-n8.json"
    a = yc.epoch(path, as_numpy=True)
    assert a["consensus_by_mechanism"].dtype == np.uint16
    assert a["consensus_by_mechanism"].tolist() == load(path)["expected"]["consensus_by_mechanism"]
    assert a["bonds_persisted"] in (True, False)


def test_trace_arrays_are_int64_raw_bits():
    path = VECTORS / "yuma3-013-n4-la.json"
    v = load(path)
    a = yc.epoch_with_trace(path, as_numpy=True)["trace"]
    for k, want in v["trace"].items():
        if isinstance(a[k], yc.SparseRows):
            assert a[k].data.dtype == np.int64 and a[k].to_lists() == want, k
        elif isinstance(a[k], np.ndarray):
            assert a[k].dtype == np.int64 and a[k].tolist() == want, k
        else:
            assert a[k] == want, k
    # The same from the dict form.
    c = yc.epoch_with_trace(path).to_numpy()["trace"]
    assert all(np.array_equal(c[k], a[k]) for k in ("stake", "consensus", "dividends"))


def test_null_trace_arrays():
    path = VECTORS / "spec475" / "null-001-random-n8.json"
    v = load(path)
    t = yc.epoch_with_trace(path, as_numpy=True)["trace"]
    assert t["incentive_shares"].dtype == np.uint64
    # u128 shares: strings in the JSON, exact ints here (numpy has no 128-bit integers).
    assert t["dividend_shares"] == [int(x) for x in v["trace"]["dividend_shares"]]
    assert t["weights_masked"].to_lists() == v["trace"]["weights_masked"]
    assert t["null_budgets"] == v["trace"]["null_budgets"]


def test_an_empty_subnet_keeps_its_dtypes():
    v = load(DATA / "epoch-small.json")
    v.update(n=0, owner_uid=None)
    for k in ["last_update", "block_at_registration", "alpha_stake", "tao_stake", "validator_permit",
              "weights", "bonds", "commit_blocks"]:
        v[k] = []
    a = yc.epoch(v, as_numpy=True)
    assert a["stake"].dtype == np.uint64 and a["stake"].shape == (0,)
    assert a["incentive"].dtype == np.uint16 and a["active"].dtype == np.bool_
    assert a["bonds"].indptr.tolist() == [0] and a["bonds"].nrows == 0
    df = yc.epoch(v).to_dataframe()
    assert len(df) == 0 and list(df.columns) == list(yc.CSV_COLUMNS)


def test_dense_bonds():
    out = yc.epoch(DATA / "epoch-small.json", as_numpy=True)
    dense = out["bonds"].to_dense()
    assert dense.shape == (8, 8) and dense.dtype == np.uint16
    for i, row in enumerate(out["bonds"].to_lists()):
        for j, v in row:
            assert dense[i, j] == v


def test_dataframe_has_per_uid_rows_and_dtypes():
    out = yc.epoch(DATA / "subnet-256.json")
    df = out.to_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert df.index.name == "uid" and len(df) == 256
    assert list(df.columns) == list(yc.CSV_COLUMNS)
    assert df["incentive"].dtype == np.uint16 and df["stake"].dtype == np.uint64
    assert df["active"].dtype == np.bool_
    assert df["emission"].tolist() == out["emission"]
    assert df["bonds"].tolist() == [len(r) for r in out["bonds"]]
    assert df.loc[4, "dividends"] == out["dividends"][4]


def test_to_numpy_of_a_plain_dict():
    v = load(VECTORS / "mech-001-m4-n16.json")
    a = yc.to_numpy(v["expected"])
    assert isinstance(a, yc.MechanismsArrays)
    assert a["split"].dtype == np.uint64
    assert a["aggregated"]["stake"].dtype == np.uint64
    assert a["per_mechanism"][0]["bonds"].to_lists() == v["expected"]["per_mechanism"][0]["bonds"]


def test_numpy_arrays_are_accepted_in_inputs():
    v = load(DATA / "epoch-small.json")
    want = yc.epoch(v)
    v["alpha_stake"] = np.array(v["alpha_stake"], dtype=np.uint64)
    v["validator_permit"] = np.array(v["validator_permit"])
    v["kappa"] = np.uint16(v["kappa"])
    assert yc.epoch(v) == want
