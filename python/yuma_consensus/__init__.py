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
* :func:`verify`, :func:`verify_all` — vector files (and chain snapshots) against their claimed
  (stored) results, as ``yuma verify``;
* :func:`fetch`, :func:`verify_snapshot` — a real epoch from a node, and its check;
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

The chain bridge: :func:`fetch` reads one epoch of a real subnet from a node (the state it read
and the results it stored: a :class:`ChainSnapshot`, what ``yuma fetch`` writes), and
:func:`verify_snapshot` (or :func:`verify`) recomputes it and compares with the chain, per uid
and field.
"""

import datetime
import os
from typing import Any, Callable, Iterable, List, Optional, Union

from . import _native
from ._errors import ChainError, InputError
from ._results import (
    CSV_COLUMNS,
    ChainSnapshot,
    EpochArrays,
    EpochResult,
    MechanismsArrays,
    MechanismsResult,
    Mismatch,
    Report,
    Runtime,
    Simulation,
    SnapshotReport,
    SparseRows,
    StoredMismatch,
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
    "fetch",
    "verify_snapshot",
    "simulate",
    "runtime_of",
    "known_rules",
    "version",
    "to_numpy",
    "InputError",
    "ChainError",
    "EpochResult",
    "EpochArrays",
    "MechanismsResult",
    "MechanismsArrays",
    "SparseRows",
    "Runtime",
    "Report",
    "Mismatch",
    "VerifySummary",
    "ChainSnapshot",
    "SnapshotReport",
    "StoredMismatch",
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
) -> Union[Report, SnapshotReport]:
    """Checks one golden-vector file (``{"name", "input", "expected", "trace"?}``) against its
    claimed results, as ``yuma verify FILE`` does: every output field and, when the file has
    one, every traced intermediate, per uid. A chain snapshot (:func:`fetch`) is checked
    against what the chain stored instead: see :func:`verify_snapshot`.

    Args:
        vector: the vector, as a path, a dict or JSON text.
        assume_spec: as :func:`epoch`.
        implementation: ``"main"`` (the fast pipeline) or ``"reference"`` (the upstream-shaped
            one; quadratic in n). Snapshots always use the main one.

    Returns:
        A :class:`Report`: ``passed``, ``mismatches`` (field, uid, got, expected), ``error``,
        ``rules`` / ``runtime``; for a snapshot a :class:`SnapshotReport`.

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
    if _is_snapshot(src):
        return verify_snapshot(vector, assume_spec=assume_spec)
    d = _native.verify(src, assume_spec=_spec(assume_spec), implementation=implementation)
    return Report._of(d, path)


def _is_snapshot(src: Union[bytes, str]) -> bool:
    if isinstance(src, str):
        try:
            with open(src, "rb") as f:
                src = f.read()
        except OSError:
            return False  # the native reader words the error
    return _native.is_snapshot(src)


def verify_snapshot(snapshot: Union[ChainSnapshot, Document], *, assume_spec: Optional[int] = None) -> SnapshotReport:
    """Recomputes a chain snapshot's epoch (from :func:`fetch`, or a file ``yuma fetch`` wrote)
    and compares it with what the chain stored at the epoch block, per uid and field, as
    ``yuma verify SNAPSHOT`` does. Uids re-registered after the epoch are skipped, not reported;
    a runtime this version does not reproduce is ``unsupported_runtime``, never a mismatch
    (unless ``assume_spec`` names known rules).

    Returns:
        A :class:`SnapshotReport`: ``passed``, ``compared`` (cells), ``mismatches`` (``field``
        the stored item — ``emission``, ``incentive[0]``, ``bonds[0]`` — ``uid``, ``got``,
        ``expected``), ``skipped``, ``rules``.

    Raises:
        InputError: not a snapshot ``yuma fetch`` writes.

    >>> import yuma_consensus as yc
    >>> yc.verify_snapshot(b'{"format": "yuma-chain-snapshot/1"}')
    Traceback (most recent call last):
    ...
    yuma_consensus._errors.InputError: snapshot: missing field `input` at line 1 column 35
    """
    if isinstance(snapshot, ChainSnapshot):
        src: Union[bytes, str] = snapshot.to_json().encode("utf-8")
        path = None
    else:
        src, path = to_native(snapshot)
    d = _native.verify_snapshot(src, assume_spec=_spec(assume_spec))
    return SnapshotReport._of(d, path)


def fetch(
    rpc: str,
    netuid: int,
    block: Optional[int] = None,
    *,
    timeout: int = 30,
    retries: int = 4,
    assume_spec: Optional[int] = None,
    progress: Optional[Callable[[int, int, str], Any]] = None,
) -> ChainSnapshot:
    """Reads one epoch of subnet ``netuid`` from a node, as ``yuma fetch`` does: the state the
    epoch read (block B − 1, with block B's corrections), the results the chain stored (block
    B) and how (a :class:`ChainSnapshot`). Only the node's standard JSON-RPC, over
    ``http(s)://`` or ``ws(s)://`` (an archive node for old blocks), batched; the reads run with
    the GIL released.

    Args:
        rpc: the node's endpoint (e.g. ``wss://entrypoint-finney.opentensor.ai:443``).
        netuid: the subnet.
        block: the epoch block B (the block whose ``on_initialize`` ran the subnet's epoch);
            ``None``: the subnet's latest epoch.
        timeout: seconds one request may take.
        retries: retries of a request a busy or unreachable node failed.
        assume_spec: fetch a runtime this version does not reproduce under these rules.
        progress: ``progress(step, steps, stage)`` at each stage of the fetch.

    Raises:
        InputError: a bad argument (a block or subnet that does not exist, a block where no
            epoch ran, a malformed URL) or a runtime this version does not reproduce — the
            CLI's exit 2.
        ChainError: the node unreachable, failing, timing out, or answering what the runtime
            cannot have stored — the CLI's exit 3.

    >>> import yuma_consensus as yc
    >>> yc.fetch("http://127.0.0.1:9", 0)
    Traceback (most recent call last):
    ...
    yuma_consensus._errors.InputError: netuid 0 is the root subnet, which runs no Yuma epoch
    """
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = _native.fetch(
        rpc,
        netuid,
        block,
        timeout=timeout,
        retries=retries,
        assume_spec=_spec(assume_spec),
        fetched_at=now,
        progress=progress,
    )
    import json

    return ChainSnapshot(json.loads(text), text)


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
    """Checks vector files and chain snapshots, and every ``.json`` file under directories
    (recursively), as ``yuma verify PATH...``: ``str(summary)`` is its output (a ``FAIL`` line per failing file,
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
    reports: List[Union[Report, SnapshotReport]] = []
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
