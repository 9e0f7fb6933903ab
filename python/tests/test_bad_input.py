"""The bad inputs of tests/cli_bad_input.rs raise InputError with exactly the CLI's text.

Each case's bytes go to `yuma epoch -` (stdin) and to `yuma_consensus.epoch(bytes)`; the
message is the CLI's stderr line after `yuma: stdin: `. As a file, the message is the CLI's
line after `yuma: ` (`PATH: ...`). When the bytes are a JSON object that `json.loads` /
compact `json.dumps` reproduce exactly, the dict form fails with the same text too.
"""

import json

import pytest

import yuma_consensus as yc
from conftest import DATA, VECTORS, load
from yuma_consensus._source import dumps


def base():
    return load(DATA / "epoch-small.json")


def enc(v):
    return dumps(v)


def with_(f):
    v = base()
    f(v)
    return enc(v)


def set_(key, value):
    return with_(lambda m: m.__setitem__(key, value))


def remove(key):
    return with_(lambda m: m.pop(key))


def set_raw(key, raw):
    return set_(key, "__RAW__").replace(b'"__RAW__"', raw.encode(), 1)


def resized(key, length):
    def f(m):
        first = m[key][0] if m[key] else None
        m[key] = [first] * length
    return with_(f)


def prepend_member(doc, member):
    assert doc.startswith(b"{")
    return b"{" + member.encode() + b"," + doc[1:]


def vector_file(inp):
    return {"name": "t", "category": "tiny", "input": inp}


def zero_n_input():
    v = base()
    v["n"] = 0
    for k in ["last_update", "block_at_registration", "alpha_stake", "tao_stake",
              "validator_permit", "weights", "bonds", "commit_blocks"]:
        v[k] = []
    return v


def cases():
    valid = enc(base())
    n = base()["n"]
    nested = b"[" * 100_000 + b"]" * 100_000
    nested_field = b'{"n":' + b"[" * 100_000
    nested_vector = b'{"input":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    nested_objects = b'{"a":' * 100_000
    at = len(valid) // 2
    bad_utf8 = valid[:at] + b"\xff\xfe" + valid[at:]
    bom = "\ufeff".encode() + valid
    rows8 = lambda first: [first, [], [], [], [], [], [], []]
    return [
        # Wrong types.
        ("n as string", set_("n", "8"), "n"),
        ("weights as object", set_("weights", {}), "weights"),
        ("permit as integers", set_("validator_permit", [1, 0, 1, 0, 0, 1, 0, 1]), "validator_permit"),
        ("owner_uid as string", set_("owner_uid", "x"), "owner_uid"),
        ("yuma3_enabled as string", set_("yuma3_enabled", "true"), "yuma3_enabled"),
        ("commit_blocks as bools", set_("commit_blocks", [True] * 8), "commit_blocks"),
        ("weight pair of three", set_("weights", rows8([[1, 2, 3]])), "weights"),
        ("weight pair of one", set_("weights", rows8([[1]])), "weights"),
        ("weight row of numbers", set_("weights", rows8([1, 2])), "weights"),
        ("document is an array", b"[]", "object"),
        ("document is a number", b"42", "object"),
        ("document is null", b"null", "object"),
        ("document is a string", b'"epoch"', "object"),
        # Missing and unknown fields.
        ("missing n", remove("n"), "n"),
        ("missing weights", remove("weights"), "weights"),
        ("missing rao_emission", remove("rao_emission"), "rao_emission"),
        ("empty object", b"{}", "missing field"),
        ("unknown field", set_("extra", 1), "extra"),
        # Per-uid arrays the chain cannot produce (!= n entries).
        ("alpha_stake short", resized("alpha_stake", n - 1), "alpha_stake"),
        ("alpha_stake long", resized("alpha_stake", n + 1), "alpha_stake"),
        ("tao_stake short", resized("tao_stake", n - 1), "tao_stake"),
        ("tao_stake empty", resized("tao_stake", 0), "tao_stake"),
        ("block_at_registration long", resized("block_at_registration", n + 3), "block_at_registration"),
        ("block_at_registration empty", resized("block_at_registration", 0), "block_at_registration"),
        ("commit_blocks short", resized("commit_blocks", n - 1), "commit_blocks"),
        ("commit_blocks long", resized("commit_blocks", n + 1), "commit_blocks"),
        # Integer overflow.
        ("n = 70000", set_("n", 70_000), "n"),
        ("n = 65536", set_("n", 65_536), "n"),
        ("kappa = -1", set_("kappa", -1), "kappa"),
        ("kappa = 65536", set_("kappa", 65_536), "kappa"),
        ("steepness = 40000", set_("alpha_sigmoid_steepness", 40_000), "alpha_sigmoid_steepness"),
        ("steepness = -40000", set_("alpha_sigmoid_steepness", -40_000), "alpha_sigmoid_steepness"),
        ("rao_emission = 2^64", set_raw("rao_emission", "18446744073709551616"), "rao_emission"),
        ("current_block = 10^30", set_raw("current_block", "1" + "0" * 30), "current_block"),
        ("tempo = 65536", set_("tempo", 65_536), "tempo"),
        ("max_allowed_validators = 65536", set_("max_allowed_validators", 65_536), "max_allowed_validators"),
        ("weight value 65536", set_("weights", rows8([[3, 65_536]])), "weights"),
        ("weight uid -1", set_("weights", rows8([[-1, 5]])), "weights"),
        ("alpha_stake entry 2^64", set_raw("alpha_stake", "[18446744073709551616,0,0,0,0,0,0,0]"), "alpha_stake"),
        # Floats and negative numbers where unsigned integers are expected.
        ("kappa = 1.5", set_("kappa", 1.5), "kappa"),
        ("current_block = 1.0", set_raw("current_block", "1.0"), "current_block"),
        ("rao_emission = 1e3", set_raw("rao_emission", "1e3"), "rao_emission"),
        ("alpha_stake float", set_("alpha_stake", [1.5, 0, 0, 0, 0, 0, 0, 0]), "alpha_stake"),
        ("current_block = -1", set_("current_block", -1), "current_block"),
        ("alpha_stake negative", set_("alpha_stake", [-5, 0, 0, 0, 0, 0, 0, 0]), "alpha_stake"),
        ("tempo = -1", set_("tempo", -1), "tempo"),
        ("last_update negative", set_("last_update", [-1]), "last_update"),
        # Duplicate keys, at every level.
        ("duplicate n", prepend_member(valid, '"n": 8'), "duplicate"),
        ("duplicate weights", prepend_member(valid, '"weights": []'), "duplicate"),
        ("duplicate key in a vector file", prepend_member(enc(vector_file(base())), '"name": "u"'), "duplicate"),
        (
            "duplicate key in a vector's input",
            b'{"name":"t","input":' + prepend_member(valid, '"kappa": 1') + b"}",
            "duplicate",
        ),
        (
            "duplicate key in a mechanism",
            b'{"rao_emission":1,"emission_split":null,"mechanisms":['
            + prepend_member(valid, '"tempo": 1')
            + b"]}",
            "duplicate",
        ),
        # Absurd nesting.
        ("100000 nested arrays", nested, "object"),
        ("100000 unclosed arrays in a field", nested_field, "EOF"),
        ("100000 nested arrays as a vector's input", nested_vector, "input"),
        ("100000 unclosed objects", nested_objects, "line"),
        # Encoding and framing.
        ("non-UTF-8 bytes", bad_utf8, "UTF-8"),
        ("only non-UTF-8 bytes", b"\xff\xfe\x80", "UTF-8"),
        ("byte order mark", bom, "line 1"),
        ("truncated in half", valid[: len(valid) // 2], "EOF"),
        ("truncated by one byte", valid[:-1], "EOF"),
        ("trailing data", valid + b" {}", "trailing"),
        ("empty", b"", "EOF"),
        ("whitespace only", b" \n\t ", "EOF"),
        # Inputs that parse but that the epoch rejects.
        ("no mechanisms", enc({"rao_emission": 1, "emission_split": None, "mechanisms": []}), "mechanisms"),
        (
            "mechanisms with different n",
            enc({"rao_emission": 1, "emission_split": None, "mechanisms": [base(), zero_n_input()]}),
            "mechanisms",
        ),
        (
            "257 mechanisms",
            enc({"rao_emission": 1, "emission_split": None, "mechanisms": [zero_n_input()] * 257}),
            "mechanisms",
        ),
        ("vector file with a bad input", enc(vector_file({"n": 1})), "input"),
        ("vector file with an unknown key", enc({"input": base(), "extra": 1}), "extra"),
        # tests/cli_bad_input.rs's other cases.
        ("unknown vector key with a newline", enc({"input": base(), "bad\nkey": 1}), "unknown key"),
        ("unknown input field with a newline", set_("bad\nfield", 1), "unknown field"),
        ("u64 overflow", set_raw("current_block", "18446744073709551616"), "outside the range of u64"),
        ("kapa", with_(lambda m: m.__setitem__("kapa", m.pop("kappa"))), "(did you mean `kappa`?)"),
        ("100 kB of zeros", b"0" * 100_000, "line 1"),
        ("100 kB of NUL", b"\0" * 100_000, "line 1"),
    ]


CASES = cases()

# Words that are input fields: the error's `field` must name them.
FIELDS = {
    "n", "weights", "validator_permit", "owner_uid", "yuma3_enabled", "commit_blocks",
    "rao_emission", "alpha_stake", "tao_stake", "block_at_registration", "kappa",
    "alpha_sigmoid_steepness", "current_block", "tempo", "max_allowed_validators", "last_update",
    "extra", "mechanisms",
}


def test_all_the_rust_cases_are_here():
    assert len(CASES) >= 70


@pytest.mark.parametrize("name,data,word", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_cli_message(cli, tmp_path, name, data, word):
    line = cli.error("epoch", "-", stdin=data)
    assert line.startswith("yuma: stdin: ")
    want = line.removeprefix("yuma: stdin: ")
    # As bytes (the CLI's stdin).
    with pytest.raises(yc.InputError) as e:
        yc.epoch(data)
    err = e.value
    assert isinstance(err, ValueError)
    assert str(err) == want
    assert err.detail == want and err.source is None and err.message == want
    assert word in str(err)
    if word in FIELDS:
        assert err.field is not None and word in err.field, (err.field, str(err))
    # As a file.
    path = tmp_path / "case.json"
    path.write_bytes(data)
    with pytest.raises(yc.InputError) as e:
        yc.epoch(path)
    assert "yuma: " + str(e.value) == cli.error("epoch", path)
    assert e.value.source == str(path) and e.value.detail == want
    assert e.value.field == err.field
    # As a dict, when the round trip through Python's json gives the same bytes.
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        doc = None
    if isinstance(doc, dict) and dumps(doc) == data:
        with pytest.raises(yc.InputError) as e:
            yc.epoch(doc)
        assert str(e.value) == want
    # As a str of JSON text.
    try:
        text = data.decode()
    except UnicodeDecodeError:
        text = None
    if text is not None and text.lstrip()[:1] in ("{", "["):
        with pytest.raises(yc.InputError) as e:
            yc.epoch(text)
        assert str(e.value) == want


def test_missing_files_and_directories(cli, tmp_path):
    for path in ["/nonexistent/yuma/input.json", str(tmp_path)]:
        with pytest.raises(yc.InputError) as e:
            yc.epoch(path)
        assert "yuma: " + str(e.value) == cli.error("epoch", path)
        assert e.value.source == path
    with pytest.raises(yc.InputError) as e:
        yc.epoch("/nonexistent/yuma/input.json")
    assert str(e.value) == "/nonexistent/yuma/input.json: no such file or directory"


def test_an_empty_file(cli, tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(yc.InputError) as e:
        yc.epoch(path)
    assert "yuma: " + str(e.value) == cli.error("epoch", path)


def test_verify_of_an_epoch_input_says_what_it_is(cli):
    path = DATA / "epoch-small.json"
    r = cli.run("verify", path)
    assert r.returncode == 2
    with pytest.raises(yc.InputError) as e:
        yc.verify(path)
    assert r.stderr.decode().splitlines() == ["yuma: " + str(e.value)]


def test_more_entries_than_the_limit(cli, tmp_path):
    # Limits::DEFAULT.max_entries in one weight row plus the 13 bond entries (~200 MB).
    limit = yc._native.MAX_ENTRIES
    text = set_("weights", "__W__")
    row = b"[" + b",".join([b"[1,1]"] * limit) + b"]"
    text = text.replace(b'"__W__"', b"[" + row + b",[],[],[],[],[],[],[]]", 1)
    text = text.replace(b'"bonds":[[', b'"bonds":[[[7,7],', 1)
    assert b"[[7,7]," in text
    path = tmp_path / "too-many.json"
    path.write_bytes(text)
    del text, row
    with pytest.raises(yc.InputError) as e:
        yc.epoch(path)
    assert "yuma: " + str(e.value) == cli.error("epoch", path)
    assert "exceeds the limit" in str(e.value) and e.value.field == "weights"


def test_pickled_errors_keep_their_fields():
    import pickle

    with pytest.raises(yc.InputError) as e:
        yc.epoch(b'{"n": 70000}')
    again = pickle.loads(pickle.dumps(e.value))
    assert (str(again), again.field, again.detail) == (str(e.value), "n", e.value.detail)
