"""Bittensor's Yuma Consensus epoch, bit for bit as the subtensor chain computes it.

The ``yuma`` crate (a ``no_std``, fixed-point Rust implementation checked against golden vectors
of the chain's own code) from Python: the same documents as the ``yuma`` CLI (an
``EpochInput``, a ``MechanismsInput``, a golden-vector file, a scenario), the same results
(u64 values exact ``int``\\ s), the same error messages. Every epoch runs with the GIL released.

>>> import yuma_consensus as yc
>>> out = yc.epoch("data/epoch-small.json")       # a path, a dict, or JSON text
>>> out["incentive"]
[0, 0, 0, 11234, 1603, 0, 52696, 0]
>>> out.rules, sum(out["emission"])
('spec 425', 428433069483)

Functions:

* :func:`epoch`, :func:`epoch_with_trace`, :func:`epoch_with_mechanisms` — one epoch;
* :func:`verify`, :func:`verify_all` — vector files against their claimed results, as
  ``yuma verify``;
* :func:`simulate` — a multi-epoch scenario, lazily;
* :func:`runtime_of`, :func:`known_rules`, :func:`version` — which runtime rules apply;
* :func:`to_numpy` — any output dict as numpy arrays.

Results are dicts in the vectors' schema (:class:`EpochResult`, :class:`MechanismsResult`) with
``.to_numpy()`` / ``as_numpy=True`` (``uint16`` / ``uint64`` / ``bool`` arrays per field) and
``.to_dataframe()`` (pandas, one row per uid). Bad input raises :class:`InputError`
(a ``ValueError``) naming the field, with the CLI's message.

Runtime versions: an input's ``spec_version`` picks the rules (spec 425 below 446, spec 475 from
446 to 475, refused above); ``assume_spec=`` on every function computes under a named spec's
rules instead, as the CLI's ``--assume-spec``. Every result says which rules ran
(``result.runtime``, ``report.runtime``).

Not yet here: ``fetch(rpc, netuid, block=None)`` (a real epoch's state and stored results from a
node) and ``verify_snapshot(...)`` arrive with the crate's chain bridge (``yuma::chain``, issue
20), which is being written.
"""

import os
from typing import Any, Iterable, List, Optional, Union

from . import _native
from ._errors import InputError
from ._results import (
    CSV_COLUMNS,
    EpochArrays,
    EpochResult,
    MechanismsArrays,
    MechanismsResult,
    Mismatch,
    Report,
    Runtime,
    Simulation,
    SparseRows,
    VerifySummary,
    _result,
    to_numpy,
)
from ._source import Document, to_native

__all__ = [
    "epoch",
    "epoch_with_trace",
    "epoch_with_mechanisms",
    "verify",
    "verify_all",
    "simulate",
    "runtime_of",
    "known_rules",
    "version",
    "to_numpy",
    "InputError",
    "EpochResult",
    "EpochArrays",
    "MechanismsResult",
    "MechanismsArrays",
    "SparseRows",
    "Runtime",
    "Report",
    "Mismatch",
    "VerifySummary",
    "Simulation",
    "Document",
    "CSV_COLUMNS",
    "REFERENCE_COMMIT",
    "NEWEST_SPEC",
    "__version__",
]

#: The package's version: the ``yuma`` crate's.
__version__: str = _native.VERSION
#: The subtensor commit whose ``epoch_mechanism`` the spec 425 rules reproduce.
REFERENCE_COMMIT: str = _native.REFERENCE_COMMIT
#: The newest runtime spec this version reproduces.
NEWEST_SPEC: int = _native.NEWEST_SPEC


def _spec(assume_spec: Optional[int]) -> Optional[int]:
    if assume_spec is None:
        return None
    if isinstance(assume_spec, bool) or not isinstance(assume_spec, int):
        raise TypeError(f"assume_spec: an int, not {type(assume_spec).__name__}")
    if not 0 <= assume_spec < 2**32:
        raise ValueError(f"assume_spec: {assume_spec} is not a u32")
    return assume_spec


def _run(doc: Any, want: str, assume_spec: Optional[int], as_numpy: bool):
    src, _ = to_native(doc)
    native = _native.epoch(src, want=want, assume_spec=_spec(assume_spec), numpy=bool(as_numpy))
    return _result(native, bool(as_numpy))


def epoch(
    input: Document, *, assume_spec: Optional[int] = None, as_numpy: bool = False
) -> Union[EpochResult, EpochArrays, MechanismsResult, MechanismsArrays]:
    """Computes one epoch, as ``yuma epoch`` does.

    Args:
        input: an ``EpochInput`` or a ``MechanismsInput`` (an object with ``mechanisms``), or a
            golden-vector file (its ``input`` is used): a ``dict``, JSON text (``bytes``, or a
            ``str`` starting with ``{``), or a path (``os.PathLike``, or any other ``str``).
            numpy arrays and integers inside a dict are taken as lists and ints.
        assume_spec: compute under the rules of this runtime spec, whatever the input's
            ``spec_version`` says (``yuma --assume-spec``).
        as_numpy: return numpy arrays per field (:class:`EpochArrays`) instead of lists.

    Returns:
        An :class:`EpochResult`: a dict equal to ``yuma epoch``'s JSON (a vector's
        ``expected``), with ``.runtime`` / ``.rules`` saying which rules ran and ``.notes``; for
        a ``MechanismsInput`` a :class:`MechanismsResult`.

    Raises:
        InputError: the document is malformed, or the epoch refuses it (a per-uid vector of the
            wrong length, a runtime newer than any reproduced); the message is the CLI's.

    >>> import yuma_consensus as yc
    >>> out = yc.epoch("tests/vectors/tiny-n2-cross-weights-y2.json")
    >>> out["dividends"], out["bonds"]
    ([65535, 0], [[[1, 65535]], []])
    >>> out.runtime.line
    'runtime rules: spec 425 (opentensor/subtensor@14bc6f9f964b9cc362e9635dd110a487fa5d15a0); the input has no spec_version'
    >>> yc.epoch("data/epoch-small.json", as_numpy=True)["stake_weight"].dtype
    dtype('uint16')
    """
    return _run(input, "any", assume_spec, as_numpy)


def epoch_with_trace(
    input: Document, *, assume_spec: Optional[int] = None, as_numpy: bool = False
) -> Union[EpochResult, EpochArrays]:
    """:func:`epoch` with a ``trace`` key: the raw I32F32 bits of every intermediate (``stake``,
    ``weights_normalized``, ``consensus``, ``clipped_weights``, …, ``ema_bonds``,
    ``dividends``), as ``yuma epoch --trace`` prints them and the vectors' ``trace`` holds.
    Epoch inputs only (a mechanisms input raises :class:`InputError`, as the CLI refuses it).

    >>> import json, yuma_consensus as yc
    >>> path = "tests/vectors/tiny-n2-cross-weights-y2.json"
    >>> out = yc.epoch_with_trace(path)
    >>> out["trace"] == json.load(open(path))["trace"]
    True
    """
    return _run(input, "trace", assume_spec, as_numpy)


def epoch_with_mechanisms(
    input: Document, *, assume_spec: Optional[int] = None, as_numpy: bool = False
) -> Union[MechanismsResult, MechanismsArrays]:
    """A subnet's epoch across its mechanisms (upstream's ``split_emissions`` +
    ``epoch_with_mechanisms``): ``input`` is a ``MechanismsInput``
    (``{"rao_emission", "emission_split", "mechanisms": [EpochInput, ...]}``) or a mechanisms
    vector. Returns the split, every mechanism's output and the per-uid aggregate.

    >>> import yuma_consensus as yc
    >>> out = yc.epoch_with_mechanisms("tests/vectors/mech-001-m4-n16.json")
    >>> len(out["per_mechanism"]), out["split"]
    (4, [5, 4, 5, 9])
    """
    return _run(input, "mechanisms", assume_spec, as_numpy)


def verify(
    vector: Document, *, assume_spec: Optional[int] = None, implementation: str = "main"
) -> Report:
    """Checks one golden-vector file (``{"name", "input", "expected", "trace"?}``) against its
    claimed results, as ``yuma verify FILE`` does: every output field and, when the file has
    one, every traced intermediate, per uid.

    Args:
        vector: the vector, as a path, a dict or JSON text.
        assume_spec: as :func:`epoch`.
        implementation: ``"main"`` (the fast pipeline) or ``"reference"`` (the upstream-shaped
            one; quadratic in n).

    Returns:
        A :class:`Report`: ``passed``, ``mismatches`` (field, uid, got, expected), ``error``,
        ``rules`` / ``runtime``.

    Raises:
        InputError: not a readable vector file (an ``EpochInput`` has nothing to compare: use
            :func:`epoch`).

    >>> import json, yuma_consensus as yc
    >>> yc.verify("tests/vectors/tiny-n2-cross-weights-y2.json").passed
    True
    >>> v = json.load(open("tests/vectors/tiny-n2-cross-weights-y2.json"))
    >>> v["expected"]["incentive"][1] = 7
    >>> r = yc.verify(v)
    >>> print(r)
    FAIL tiny-n2-cross-weights-y2: incentive uid 1: got 65535, expected 7
    >>> r.mismatches[0].got, r.rules
    (65535, 'spec 425')
    """
    src, path = to_native(vector)
    d = _native.verify(src, assume_spec=_spec(assume_spec), implementation=implementation)
    return Report._of(d, path)


def _json_files_under(directory: str, out: List[str]) -> None:
    # `yuma verify`'s walk: each directory's entries sorted, subdirectories in place.
    for name in sorted(os.listdir(directory)):
        p = os.path.join(directory, name)
        if os.path.isdir(p):
            _json_files_under(p, out)
        elif name.endswith(".json"):
            out.append(p)


def verify_all(
    paths: Union[Document, Iterable[Document]],
    *,
    assume_spec: Optional[int] = None,
    implementation: str = "main",
) -> VerifySummary:
    """Checks vector files and every ``.json`` file under directories (recursively), as
    ``yuma verify PATH...``: ``str(summary)`` is its output (a ``FAIL`` line per failing file,
    the files per runtime rules, ``N passed, M failed``). Files that are not readable vectors
    are collected in ``summary.unreadable`` and the rest are still checked.

    >>> import yuma_consensus as yc
    >>> print(yc.verify_all("tests/vectors/spec475"))
    runtime rules spec 475 (RaoFoundation/subtensor as read at coldint/subtensor@02214123eb6d1aae01812fe515f0e0535c9b9da0): 195 files
    195 passed, 0 failed

    Raises:
        InputError: a path does not exist, or a directory holds no ``.json`` file.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    files: List[str] = []
    for p in paths:
        p = os.fsdecode(os.fspath(p))  # type: ignore[arg-type]
        if os.path.isdir(p):
            found: List[str] = []
            _json_files_under(p, found)
            if not found:
                raise InputError(
                    f"{p}: no .json files in this directory or below it",
                    "no .json files in this directory or below it",
                    None,
                    p,
                )
            files += found
        elif os.path.exists(p):
            files.append(p)
        else:
            raise InputError(
                f"{p}: no such file or directory", "no such file or directory", None, p
            )
    reports: List[Report] = []
    unreadable = []
    for f in files:
        try:
            reports.append(verify(f, assume_spec=assume_spec, implementation=implementation))
        except InputError as e:
            unreadable.append((f, e))
    return VerifySummary(reports, unreadable)


def simulate(
    scenario: Document, *, assume_spec: Optional[int] = None, as_numpy: bool = False
) -> Simulation:
    """Runs a multi-epoch scenario ``{"initial": EpochInput, "epochs": [PATCH, ...]}`` as
    ``yuma simulate`` does, lazily: epoch ``k`` runs on the state epoch ``k - 1`` carried
    forward (bonds, permits, the epoch block; from spec 446 the stored consensus and the Yuma
    step block) with ``epochs[k]``'s fields replaced.

    Returns:
        A :class:`Simulation`: iterate it (or ``list()`` it) for one :class:`EpochResult` per
        epoch, each with ``epoch``, ``block``, ``runtime`` and ``patched``;
        ``.to_dataframe()`` gives the rows of ``yuma simulate --csv``.

    Raises:
        InputError: the scenario is malformed (when called); an epoch cannot be computed (when
            that epoch is reached: ``epoch K: ...``).

    >>> import yuma_consensus as yc
    >>> sim = yc.simulate("data/scenarios/kappa-moves-first-y3.json")
    >>> len(sim)
    12
    >>> first = next(sim)                        # computed now, not before
    >>> first.epoch, first.block, first["incentive"]
    (0, 2, [0, 0, 0, 0, 0])
    >>> [r["incentive"][4] for r in sim][-3:]    # the other 11, as they run
    [65535, 65535, 65535]
    >>> yc.simulate("data/scenarios/kappa-moves-first-y3.json").to_dataframe().shape
    (60, 14)
    """
    src, _ = to_native(scenario)
    native = _native.Simulation(src, assume_spec=_spec(assume_spec), numpy=bool(as_numpy))
    return Simulation(native, bool(as_numpy))


def runtime_of(input: Document, *, assume_spec: Optional[int] = None) -> Runtime:
    """Which runtime rules a document (epoch, mechanisms, vector) or a scenario (its first
    epoch) runs under, without computing it.

    >>> import yuma_consensus as yc
    >>> yc.runtime_of("tests/vectors/spec475/null-001-random-n8.json").rules
    'spec 475'
    >>> yc.runtime_of("data/epoch-small.json", assume_spec=475).line
    'runtime rules: spec 475 (RaoFoundation/subtensor as read at coldint/subtensor@02214123eb6d1aae01812fe515f0e0535c9b9da0); assumed with --assume-spec 475'

    Raises:
        InputError: the document is malformed, or names a runtime newer than any reproduced
            (unless ``assume_spec`` names known rules).
    """
    src, _ = to_native(input)
    d = _native.runtime_of(src, assume_spec=_spec(assume_spec))
    return Runtime._of(d)  # type: ignore[return-value]


def known_rules() -> List[dict]:
    """The runtime rule sets this version reproduces, oldest first:
    ``[{"spec", "rules", "source", "specs"}, ...]``, ``spec`` being the one to assume for them.

    >>> import yuma_consensus as yc
    >>> [(r["spec"], r["rules"]) for r in yc.known_rules()]
    [(425, 'spec 425'), (475, 'spec 475')]
    """
    return list(_native.known_rules())


def version() -> str:
    """The version line ``yuma --version`` prints (the crate's version and the runtimes it
    reproduces).

    >>> import yuma_consensus as yc
    >>> yc.version().startswith("yuma " + yc.__version__ + " (reproduces runtime specs up to 475")
    True
    """
    return _native.version()


_CHAIN = {
    "fetch": "fetch(rpc, netuid, block=None)",
    "verify_snapshot": "verify_snapshot(snapshot)",
}


def __getattr__(name: str) -> Any:
    if name in _CHAIN:
        raise AttributeError(
            f"yuma_consensus.{_CHAIN[name]} arrives with the crate's chain bridge (yuma::chain, "
            f"issue 20), which this version does not have yet"
        )
    raise AttributeError(f"module 'yuma_consensus' has no attribute {name!r}")
