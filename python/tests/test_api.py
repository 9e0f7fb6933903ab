"""The API around the epoch: what counts as a document, the GIL, version and rules, the docs'
examples, and the type stub."""

import ast
import doctest
import inspect
import json
import os
import pathlib
import threading

import pytest

import yuma_consensus as yc
from conftest import DATA, REPO, VECTORS, load

SMALL = DATA / "epoch-small.json"


def test_every_form_of_a_document_gives_the_same_output():
    want = yc.epoch(SMALL)
    text = SMALL.read_text()
    forms = [
        str(SMALL),  # a str path
        SMALL,  # os.PathLike
        text,  # JSON text in a str
        text.encode(),  # bytes
        bytearray(text.encode()),
        memoryview(text.encode()),
        load(SMALL),  # a dict
    ]
    for doc in forms:
        assert yc.epoch(doc) == want, type(doc)
    # A vector file's input is used.
    v = load(VECTORS / "tiny-n2-cross-weights-y2.json")
    assert yc.epoch(v) == yc.epoch(v["input"]) == v["expected"]


def test_a_str_that_is_not_json_is_a_path():
    with pytest.raises(yc.InputError) as e:
        yc.epoch("42")
    assert str(e.value) == "42: no such file or directory" and e.value.source == "42"
    with pytest.raises(yc.InputError) as e:
        yc.epoch(b"42")  # bytes are always JSON
    assert "expected a JSON object" in str(e.value) or "object" in str(e.value)
    with pytest.raises(yc.InputError) as e:
        yc.epoch("   ")
    assert str(e.value).startswith("document: empty")


def test_objects_json_cannot_hold_are_type_errors():
    with pytest.raises(TypeError):
        yc.epoch({"n": object()})
    with pytest.raises(TypeError):
        yc.epoch(SMALL, assume_spec="475")
    with pytest.raises(ValueError):
        yc.epoch(SMALL, assume_spec=-1)


def test_the_gil_is_released_while_an_epoch_runs(tmp_path):
    # The epoch reads a FIFO: it blocks inside the native call until this thread writes the
    # input. Were the GIL held there, this thread could never write, and the call never end.
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    result = {}

    def run():
        result["out"] = yc.epoch(fifo)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    with open(fifo, "wb") as w:  # blocks until the native read opens the other end
        w.write(SMALL.read_bytes())
    t.join(timeout=60)
    assert not t.is_alive(), "the epoch did not finish: was the GIL held?"
    assert result["out"] == yc.epoch(SMALL)


def test_threads_compute_the_same_bits():
    paths = [DATA / "subnet-256.json", SMALL, VECTORS / "yuma3-013-n4-la.json"] * 4
    want = [yc.epoch(p) for p in paths]
    got = [None] * len(paths)

    def run(k):
        got[k] = yc.epoch(paths[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want


def test_version_and_rules_are_the_cli_s(cli):
    assert cli.run("--version", check=0).stdout.decode().strip() == yc.version()
    assert yc.__version__ == yc.version().split()[1]
    assert yc.NEWEST_SPEC == 475
    assert yc.REFERENCE_COMMIT == "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
    rules = yc.known_rules()
    assert [r["rules"] for r in rules] == ["spec 425", "spec 475"]
    for r in rules:
        assert yc.runtime_of(SMALL, assume_spec=r["spec"]).rules == r["rules"]


def test_runtime_of_documents_and_scenarios():
    rt = yc.runtime_of(SMALL)
    assert rt == yc.epoch(SMALL).runtime
    assert (rt.rules, rt.spec_version, rt.assumed) == ("spec 425", None, False)
    s = {"initial": load(SMALL), "epochs": [{"spec_version": 475}]}
    assert yc.runtime_of(s).rules == "spec 475"
    assert yc.runtime_of(VECTORS / "mech-001-m4-n16.json").rules == "spec 425"


def test_reports_say_which_rules_ran():
    r = yc.verify(VECTORS / "tiny-n2-cross-weights-y2.json", assume_spec=475)
    assert r.rules == "spec 475" and r.runtime.assumed
    assert yc.verify(VECTORS / "tiny-n2-cross-weights-y2.json").runtime.line.endswith(
        "the input has no spec_version"
    )


def test_unknown_attributes_are_attribute_errors():
    with pytest.raises(AttributeError):
        yc.nope
    assert callable(yc.fetch) and callable(yc.verify_snapshot)


def test_the_docstring_examples_run(in_repo):
    import yuma_consensus._errors
    import yuma_consensus._results

    total = 0
    for mod in [yc, yuma_consensus._errors, yuma_consensus._results]:
        r = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert r.failed == 0, mod.__name__
        total += r.attempted
    assert total >= 25


def test_every_public_function_has_a_docstring_with_an_example():
    for name in yc.__all__:
        obj = getattr(yc, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and ">>>" in obj.__doc__, name
        if inspect.isclass(obj):
            assert obj.__doc__, name


def _stub():
    path = pathlib.Path(yc.__file__).with_name("__init__.pyi")
    return ast.parse(path.read_text())


def test_the_stub_declares_every_public_name_with_its_signature():
    tree = _stub()
    declared = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            declared.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = [node]
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    declared[t.id] = [node]
    for name in yc.__all__:
        assert name in declared, f"{name} missing from __init__.pyi"
        obj = getattr(yc, name)
        if inspect.isfunction(obj):
            params = [p.name for p in inspect.signature(obj).parameters.values()]
            for fn in declared[name]:
                a = fn.args
                stub = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
                assert stub == params, (name, stub, params)
    assert pathlib.Path(yc.__file__).with_name("py.typed").exists()
    assert pathlib.Path(yc.__file__).with_name("_native.pyi").exists()
