"""What the functions return: dicts shaped like the CLI's JSON, their numpy and pandas forms,
verification reports and the lazy simulation."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

__all__ = [
    "Runtime",
    "EpochResult",
    "MechanismsResult",
    "EpochArrays",
    "MechanismsArrays",
    "SparseRows",
    "Mismatch",
    "Report",
    "VerifySummary",
    "ChainSnapshot",
    "SnapshotReport",
    "StoredMismatch",
    "Simulation",
    "to_numpy",
    "CSV_COLUMNS",
]


def _np():
    try:
        import numpy
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "numpy is needed for arrays: pip install numpy (or yuma-consensus[numpy])"
        ) from e
    return numpy


def _pd():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "pandas is needed for data frames: pip install pandas (or yuma-consensus[pandas])"
        ) from e
    return pandas


# ------------------------------------------------------------------------------ runtime rules


class Runtime(NamedTuple):
    """The runtime rules an epoch ran under, and why (the CLI's ``runtime rules:`` line)."""

    #: ``"spec 425"`` or ``"spec 475"``.
    rules: str
    #: The upstream commit the rules were read from.
    source: str
    #: The runtime specs the rules are used for, as text.
    specs: str
    #: The input's own ``spec_version`` (``None``: absent, computed as spec 425).
    spec_version: Optional[int]
    #: Whether the rules were assumed (``assume_spec``) rather than read from the input.
    assumed: bool
    #: The spec assumed, if any.
    assume_spec: Optional[int]
    #: The CLI's line: ``runtime rules: spec 425 (opentensor/subtensor@…); the input has no
    #: spec_version``.
    line: str

    @classmethod
    def _of(cls, d: Optional[dict]) -> Optional["Runtime"]:
        if d is None:
            return None
        return cls(**{k: d[k] for k in cls._fields})


# ------------------------------------------------------------------------------ arrays

#: Per-uid fields and their numpy dtypes, in an epoch output, a mechanisms aggregate and a trace.
_OUTPUT_DTYPES = {
    "active": "bool",
    "stake": "uint64",
    "stake_weight": "uint16",
    "consensus": "uint16",
    "incentive": "uint16",
    "dividends": "uint16",
    "validator_trust": "uint16",
    "new_validator_permit": "bool",
    "server_emission": "uint64",
    "validator_emission": "uint64",
    "emission": "uint64",
    "consensus_by_mechanism": "uint16",
}
_OUTPUT_SPARSE = {"bonds": "uint16"}
_TRACE_DTYPES = {
    "stake": "int64",
    "active_stake": "int64",
    "consensus": "int64",
    "validator_trust": "int64",
    "incentive": "int64",
    "liquid_alpha_consensus": "int64",
    "dividends": "int64",
    "incentive_shares": "uint64",
}
_TRACE_SPARSE = {
    "weights_normalized": "int64",
    "clipped_weights": "int64",
    "ema_bonds": "int64",
    "weights_masked": "int64",
}


class SparseRows(NamedTuple):
    """Sparse rows (``bonds``, a trace's weight matrices) as compressed sparse rows: row ``i``'s
    entries are ``indices[indptr[i]:indptr[i+1]]`` (uids, ``uint16``) with ``data[...]``, in the
    order the chain stores them. ``scipy.sparse.csr_matrix((r.data, r.indices, r.indptr))``
    takes it as is.
    """

    #: ``int64``, ``len(rows) + 1`` offsets.
    indptr: Any
    #: ``uint16`` column uids.
    indices: Any
    #: The values (``uint16`` bonds, ``int64`` raw I32F32 bits in traces).
    data: Any

    @property
    def nrows(self) -> int:
        """The number of rows."""
        return len(self.indptr) - 1

    def counts(self):
        """Entries per row (``int64``)."""
        return _np().diff(self.indptr)

    def row(self, i: int) -> List[List[int]]:
        """Row ``i`` as ``[[uid, value], ...]``, as in the JSON."""
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return [[int(j), int(v)] for j, v in zip(self.indices[a:b], self.data[a:b])]

    def to_lists(self) -> List[List[List[int]]]:
        """Every row as ``[[uid, value], ...]``: the JSON form."""
        return [self.row(i) for i in range(self.nrows)]

    def to_dense(self, columns: Optional[int] = None):
        """A dense ``(rows, columns)`` array (``columns``: by default the row count); entries at
        columns beyond it are dropped. A repeated uid keeps its last value."""
        np = _np()
        n = self.nrows if columns is None else columns
        out = np.zeros((self.nrows, n), dtype=self.data.dtype)
        rows = np.repeat(np.arange(self.nrows), self.counts())
        keep = self.indices < n
        out[rows[keep], self.indices[keep].astype(np.intp)] = self.data[keep]
        return out


def _from_native(v: Any) -> Any:
    """The native module's array buffers as numpy arrays (other values as they are)."""
    if isinstance(v, tuple):
        np = _np()
        if v[0] == "csr":
            _, indptr, indices, dtype, data = v
            return SparseRows(
                np.frombuffer(indptr, dtype="<i8"),
                np.frombuffer(indices, dtype="<u2"),
                np.frombuffer(data, dtype=dtype),
            )
        return np.frombuffer(v[1], dtype=v[0])
    if isinstance(v, dict):
        return {k: _from_native(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_from_native(x) for x in v]
    return v


def _sparse(rows: list, dtype: str) -> SparseRows:
    np = _np()
    counts = [len(r) for r in rows]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    flat = [e for r in rows for e in r]
    indices = np.array([e[0] for e in flat], dtype=np.uint16)
    data = np.array([e[1] for e in flat], dtype=dtype)
    return SparseRows(indptr, indices, data)


def _arrays(d: Mapping, dtypes: dict, sparse: dict) -> dict:
    np = _np()
    out = {}
    for k, v in d.items():
        if k in dtypes and isinstance(v, list):
            out[k] = np.array(v, dtype=dtypes[k])
        elif k in sparse and isinstance(v, list):
            out[k] = _sparse(v, sparse[k])
        elif k == "trace" and isinstance(v, dict):
            out[k] = _arrays(v, _TRACE_DTYPES, _TRACE_SPARSE)
        else:
            out[k] = v
    return out


def _epoch_arrays(output: Mapping) -> "EpochArrays":
    return EpochArrays(_arrays(output, _OUTPUT_DTYPES, _OUTPUT_SPARSE), None, [])


def _mechanisms_arrays(output: Mapping) -> "MechanismsArrays":
    out: Dict[str, Any] = {}
    for k, v in output.items():
        if k == "split":
            out[k] = _np().array(v, dtype="uint64")
        elif k == "per_mechanism":
            out[k] = [_epoch_arrays(o) for o in v]
        elif k == "aggregated":
            out[k] = _arrays(v, _OUTPUT_DTYPES, {})
        else:
            out[k] = v
    return MechanismsArrays(out, None, [])


def to_numpy(output: Mapping) -> Union["EpochArrays", "MechanismsArrays"]:
    """Any epoch or mechanisms output dict (a result, or a vector's ``expected``) with its
    per-uid fields as numpy arrays (``uint16`` fractions, ``uint64`` rao and stake, ``bool``
    flags; a trace's raw bits ``int64``) and its sparse rows as :class:`SparseRows`.

    >>> import json, yuma_consensus as yc
    >>> vector = json.load(open("tests/vectors/tiny-n2-cross-weights-y2.json"))
    >>> yc.to_numpy(vector["expected"])["emission"]
    array([500000000, 500000000], dtype=uint64)
    """
    if "per_mechanism" in output:
        return _mechanisms_arrays(output)
    return _epoch_arrays(output)


# ------------------------------------------------------------------------------ data frames

#: The per-uid columns of :meth:`EpochResult.to_dataframe`, as ``yuma simulate --csv`` writes
#: them (``bonds``: the uid's stored bond entries).
CSV_COLUMNS = (
    "active",
    "stake",
    "stake_weight",
    "consensus",
    "incentive",
    "dividends",
    "validator_trust",
    "new_validator_permit",
    "server_emission",
    "validator_emission",
    "emission",
    "bonds",
)


def _frame(arrays: dict, extra: Optional[Dict[str, Any]] = None):
    pd = _pd()
    np = _np()
    n = len(arrays["stake"])
    cols: Dict[str, Any] = dict(extra or {})
    for c in CSV_COLUMNS:
        if c == "bonds":
            b = arrays.get("bonds")
            if isinstance(b, SparseRows):
                cols[c] = b.counts().astype(np.int64)
        elif c in arrays:
            cols[c] = arrays[c]
    if "consensus_by_mechanism" in arrays:
        cols["consensus_by_mechanism"] = arrays["consensus_by_mechanism"]
    return pd.DataFrame(cols, index=pd.RangeIndex(n, name="uid"))


# ------------------------------------------------------------------------------ results


class _WithRuntime:
    """The rules an output ran under, and the CLI's notes about its input."""

    runtime: Optional[Runtime]
    notes: List[str]
    # Set on a simulation's epochs only.
    epoch: int
    block: int
    n: int
    patched: List[str]

    @property
    def rules(self) -> Optional[str]:
        """``"spec 425"`` or ``"spec 475"``: the runtime rules the epoch ran under."""
        return None if self.runtime is None else self.runtime.rules


class EpochResult(_WithRuntime, dict):
    """An epoch's output: a ``dict`` with exactly the keys and values of ``yuma epoch``'s JSON
    (``active``, ``stake``, …, ``bonds`` as ``[[uid, value], ...]`` rows; ``trace`` from
    :func:`epoch_with_trace`), so it equals a vector's ``expected``. u64 values are exact
    ``int``s.

    Attributes: ``runtime`` (:class:`Runtime`), ``rules`` (``"spec 425"``), ``notes`` (the CLI's
    notes on the input: short weight rows, an overpaying wrapped stake sum); in a simulation also
    ``epoch``, ``block``, ``n`` and ``patched`` (the fields that epoch's patch replaced).
    """

    def __init__(self, output: dict, runtime: Optional[Runtime], notes: List[str]):
        dict.__init__(self, output)
        self.runtime = runtime
        self.notes = notes

    def to_numpy(self) -> "EpochArrays":
        """The same output with numpy arrays per field (see :func:`to_numpy`)."""
        a = _epoch_arrays(self)
        a.__dict__.update(self.__dict__)  # runtime, notes; a simulation's epoch, block, ...
        return a

    def to_dataframe(self):
        """One row per uid (index ``uid``), the columns of ``yuma simulate --csv`` with their
        dtypes (``bonds``: the uid's stored bond entries). Needs pandas."""
        return self.to_numpy().to_dataframe()


class EpochArrays(_WithRuntime, dict):
    """An epoch's output with numpy arrays: ``uint16`` fractions of 65535 (``stake_weight``,
    ``consensus``, ``incentive``, ``dividends``, ``validator_trust``), ``uint64`` stake and rao,
    ``bool`` flags, each of shape ``(n,)``; ``bonds`` as :class:`SparseRows`; a ``trace``'s raw
    I32F32 bits as ``int64``. Attributes as :class:`EpochResult`."""

    def __init__(self, arrays: dict, runtime: Optional[Runtime], notes: List[str]):
        dict.__init__(self, arrays)
        self.runtime = runtime
        self.notes = notes

    def to_numpy(self) -> "EpochArrays":
        """Itself."""
        return self

    def to_dataframe(self):
        """One row per uid: see :meth:`EpochResult.to_dataframe`."""
        return _frame(self)


class MechanismsResult(_WithRuntime, dict):
    """A subnet's epoch across its mechanisms, as ``yuma epoch`` prints a ``MechanismsInput``'s:
    ``split`` (rao per mechanism), ``per_mechanism`` (each mechanism's output, as an
    :class:`EpochResult`'s dict), ``aggregated`` (the per-uid aggregate the chain stores) and,
    from spec 446, ``mechanism_budgets``."""

    def __init__(self, output: dict, runtime: Optional[Runtime], notes: List[str]):
        dict.__init__(self, output)
        self.runtime = runtime
        self.notes = notes

    def to_numpy(self) -> "MechanismsArrays":
        """The same output with numpy arrays per field."""
        a = _mechanisms_arrays(self)
        a.__dict__.update(self.__dict__)
        return a

    def to_dataframe(self, mechanism: Optional[int] = None):
        """One row per uid of the aggregate (no ``bonds`` column: each mechanism keeps its own),
        or of mechanism ``mechanism``'s output. Needs pandas."""
        return self.to_numpy().to_dataframe(mechanism)


class MechanismsArrays(_WithRuntime, dict):
    """A :class:`MechanismsResult` with numpy arrays (``split`` ``uint64``)."""

    def __init__(self, arrays: dict, runtime: Optional[Runtime], notes: List[str]):
        dict.__init__(self, arrays)
        self.runtime = runtime
        self.notes = notes

    def to_numpy(self) -> "MechanismsArrays":
        """Itself."""
        return self

    def to_dataframe(self, mechanism: Optional[int] = None):
        """See :meth:`MechanismsResult.to_dataframe`."""
        if mechanism is None:
            return _frame(self["aggregated"])
        return _frame(self["per_mechanism"][mechanism])


def _result(native: dict, as_numpy: bool) -> Union[EpochResult, EpochArrays, MechanismsResult, MechanismsArrays]:
    runtime = Runtime._of(native["runtime"])
    notes = list(native["notes"])
    out = native["output"]
    if native["kind"] == "mechanisms":
        if as_numpy:
            return MechanismsArrays(_from_native(out), runtime, notes)
        return MechanismsResult(out, runtime, notes)
    if as_numpy:
        return EpochArrays(_from_native(out), runtime, notes)
    return EpochResult(out, runtime, notes)


# ------------------------------------------------------------------------------ verification


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # "256 entries": a length difference


@dataclass(frozen=True)
class Mismatch:
    """One differing cell between the computed and the claimed result."""

    #: ``incentive``, ``bonds``, ``trace.consensus``, ``per_mechanism[1].dividends``, ``split[0]``…
    field: str
    #: The uid (row) where they differ, when the field is per uid.
    uid: Optional[int]
    #: The computed value (``"256 entries"`` for a length difference).
    got: Any
    #: The claimed value.
    expected: Any
    got_json: str = dc_field(repr=False, default="")
    expected_json: str = dc_field(repr=False, default="")

    def __str__(self) -> str:
        """As ``yuma verify`` words it: ``incentive uid 3: got 5, expected 6``."""
        if self.uid is None:
            return f"{self.field}: got {self.got_json}, expected {self.expected_json}"
        return f"{self.field} uid {self.uid}: got {self.got_json}, expected {self.expected_json}"


@dataclass(frozen=True)
class Report:
    """The result of checking one vector file against its claimed results, as ``yuma verify``
    does. ``bool(report)`` is ``passed``; ``str(report)`` is ``yuma verify``'s line for it
    (``FAIL name (path): first mismatch (+N more)``), or ``PASS name`` when it passed."""

    name: str
    category: str
    description: str
    #: ``"epoch"`` or ``"mechanisms"``.
    kind: str
    #: Claimed results were present and every output (and trace) field matched.
    passed: bool
    has_expected: bool
    #: Why the epoch could not be computed, if it could not.
    error: Optional[str]
    #: Differences, outputs first, then trace fields (``trace.*``).
    mismatches: List[Mismatch]
    #: The computed output (``None`` when it could not be computed).
    output: Optional[dict]
    #: ``"spec 425"`` / ``"spec 475"``; ``None`` when the rules could not be chosen.
    rules: Optional[str]
    runtime: Optional[Runtime]
    #: The file checked, if it was read from one.
    path: Optional[str] = None

    def __bool__(self) -> bool:
        return self.passed

    @property
    def label(self) -> str:
        """How ``yuma verify`` names the vector: ``name (path)``, the path alone without a name."""
        if self.path is None:
            return self.name or "<input>"
        return f"{self.name} ({self.path})" if self.name else self.path

    def lines(self, all: bool = False) -> List[str]:
        """``yuma verify``'s lines for this file (none when it passed); ``all`` as ``--all``:
        every mismatch, not just the first."""
        if self.passed:
            return []
        if self.error is not None:
            return [f"FAIL {self.label}: error: {self.error}"]
        if not self.mismatches:
            return [f"FAIL {self.label}: no expected result in the file"]
        first, more = self.mismatches[0], len(self.mismatches) - 1
        extra = f" (+{more} more)" if more > 0 and not all else ""
        out = [f"FAIL {self.label}: {first}{extra}"]
        if all:
            out += [f"     {m}" for m in self.mismatches[1:]]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) if not self.passed else f"PASS {self.label}"

    @classmethod
    def _of(cls, d: dict, path: Optional[str]) -> "Report":
        mism = [
            Mismatch(f, uid, _value(g), _value(e), g, e) for (f, uid, g, e) in d["mismatches"]
        ]
        return cls(
            name=d["name"],
            category=d["category"],
            description=d["description"],
            kind=d["kind"],
            passed=d["passed"],
            has_expected=d["has_expected"],
            error=d["error"],
            mismatches=mism,
            output=d["output"],
            rules=d["rules"],
            runtime=Runtime._of(d["runtime"]),
            path=path,
        )


@dataclass
class VerifySummary:
    """Many files checked, as ``yuma verify PATH...`` checks them. ``str(summary)`` is what
    ``yuma verify`` prints on stdout: a ``FAIL`` line per failing file, the vector files per
    runtime rules, and ``N passed, M failed``."""

    #: One :class:`Report` per vector file, one :class:`SnapshotReport` per chain snapshot, in
    #: the order checked.
    reports: List[Union[Report, "SnapshotReport"]]
    #: Files that are neither readable vectors nor snapshots: ``(path, InputError)``
    #: (``yuma verify`` reports them on stderr and exits 2).
    unreadable: List[Tuple[str, Exception]]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.reports if r.passed)

    @property
    def not_reproduced(self) -> int:
        """Snapshots of a runtime this version does not reproduce (neither passed nor failed)."""
        return sum(1 for r in self.reports if getattr(r, "unsupported_runtime", False))

    @property
    def failed(self) -> int:
        return len(self.reports) - self.passed - self.not_reproduced

    @property
    def ok(self) -> bool:
        """Every file was checked and passed (``yuma verify`` exits 0)."""
        return not self.unreadable and self.failed == 0 and self.not_reproduced == 0

    def __bool__(self) -> bool:
        return self.ok

    def __iter__(self) -> Iterator[Union[Report, "SnapshotReport"]]:
        return iter(self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    def rules(self) -> Dict[str, int]:
        """Vector files per runtime rules, keyed as ``yuma verify`` names them
        (``spec 425 (opentensor/subtensor@…)``), in its order."""
        counts: Dict[Tuple[str, str], int] = {}
        for r in self.reports:
            if isinstance(r, Report) and r.runtime is not None:
                key = (r.runtime.rules, f"{r.runtime.rules} ({r.runtime.source})")
                counts[key] = counts.get(key, 0) + 1
        return {label: c for (_, label), c in sorted(counts.items())}

    def lines(self, all: bool = False) -> List[str]:
        """``yuma verify``'s stdout, line by line (``all``: as ``--all``)."""
        out = [line for r in self.reports for line in r.lines(all)]
        for label, c in self.rules().items():
            out.append(f"runtime rules {label}: {c} {'file' if c == 1 else 'files'}")
        summary = f"{self.passed} passed, {self.failed} failed"
        if self.unreadable:
            summary += f", {len(self.unreadable)} not readable as vectors or snapshots"
        if self.not_reproduced:
            summary += f", {self.not_reproduced} of a runtime this version does not reproduce"
        out.append(summary)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# ------------------------------------------------------------------------------ chain snapshots


class ChainSnapshot(dict):
    """One epoch of a real subnet as ``yuma fetch`` writes it: a ``dict`` of the snapshot
    document — ``format``, ``input`` (an ``EpochInput``, or a ``MechanismsInput`` for several
    mechanisms; :func:`epoch` takes the snapshot itself), ``chain`` (what the chain stored at
    the epoch block) and ``meta`` (netuid, block, hashes, spec_version, rules, how
    ``rao_emission`` was recovered, masked uids, warnings)."""

    def __init__(self, document: dict, text: Optional[str] = None):
        dict.__init__(self, document)
        self._text = text

    @property
    def input(self) -> dict:
        """What the epoch read."""
        return self["input"]

    @property
    def chain(self) -> dict:
        """What the chain stored."""
        return self["chain"]

    @property
    def meta(self) -> dict:
        """Where and how it was read."""
        return self["meta"]

    def to_json(self) -> str:
        """The document as ``yuma fetch`` writes it (pretty-printed, ending in a newline)."""
        if self._text is not None:
            return self._text
        return json.dumps(self, indent=2) + "\n"

    def save(self, path: Any) -> None:
        """Writes :meth:`to_json` to ``path`` (``yuma verify PATH`` checks it)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())


@dataclass(frozen=True)
class StoredMismatch:
    """A stored cell the recomputed epoch disagrees with."""

    #: The stored item: ``emission``, ``incentive[1]``, ``bonds[0]``, …
    field: str
    uid: Optional[int]
    #: The recomputed value (``"(not stored)"`` when the chain holds none).
    got: Any
    #: What the chain stored.
    expected: Any
    got_json: str = dc_field(repr=False, default="")
    expected_json: str = dc_field(repr=False, default="")


@dataclass(frozen=True)
class SnapshotReport:
    """A chain snapshot recomputed and compared with what the chain stored, as ``yuma verify
    SNAPSHOT``: ``bool(report)`` is ``passed``; ``str(report)`` its lines."""

    netuid: int
    block: int
    #: The rules the epoch was recomputed under (``None`` when none applies).
    rules: Optional[str]
    #: Every compared cell equal, and the epoch computed.
    passed: bool
    #: Why the epoch could not be recomputed (never a mismatch).
    error: Optional[str]
    #: ``error`` is a runtime this version does not reproduce.
    unsupported_runtime: bool
    #: Cells compared.
    compared: int
    mismatches: List[StoredMismatch]
    #: ``(uid, reason)`` of the uids left out (re-registered after the epoch).
    skipped: List[Tuple[int, str]]
    #: The file checked, if it was read from one.
    path: Optional[str] = None

    def __bool__(self) -> bool:
        return self.passed

    @property
    def label(self) -> str:
        """``subnet N at block B (path)``, as ``yuma verify`` names it."""
        at = f"subnet {self.netuid} at block {self.block}"
        return at if self.path is None else f"{at} ({self.path})"

    def lines(self, all: bool = False) -> List[str]:
        """``yuma verify``'s lines for this snapshot (``all``: as ``--all``)."""
        skipped = ""
        if self.skipped:
            uids = ", ".join(str(u) for u, _ in self.skipped)
            skipped = f"; uid {uids} not compared (re-registered after the epoch)"
        if self.unsupported_runtime:
            return [f"NOT REPRODUCED {self.label}: {self.error or ''}"]
        if self.error is not None:
            return [f"FAIL {self.label}: error: {self.error}"]
        rules = self.rules or "?"
        if self.passed:
            if all:
                return [f"ok {self.label}: {self.compared} stored values equal under {rules}{skipped}"]
            return []
        shown = len(self.mismatches) if all else 10
        out = [
            f"FAIL {self.label}: {len(self.mismatches)} of {self.compared} stored values differ "
            f"under {rules}{skipped}"
        ]
        for m in self.mismatches[:shown]:
            uid = "" if m.uid is None else f" uid {m.uid}"
            out.append(f"     {m.field}{uid}: computed {m.got_json}, chain stored {m.expected_json}")
        if len(self.mismatches) > shown:
            out.append(f"     … and {len(self.mismatches) - shown} more (--all shows every one)")
        return out

    def __str__(self) -> str:
        lines = self.lines()
        return "\n".join(lines) if lines else f"PASS {self.label}"

    @classmethod
    def _of(cls, d: dict, path: Optional[str]) -> "SnapshotReport":
        return cls(
            netuid=d["netuid"],
            block=d["block"],
            rules=d["rules"],
            passed=d["passed"],
            error=d["error"],
            unsupported_runtime=d["unsupported_runtime"],
            compared=d["compared"],
            mismatches=[
                StoredMismatch(m["field"], m["uid"], _value(m["got"]), _value(m["expected"]), m["got"], m["expected"])
                for m in d["mismatches"]
            ],
            skipped=[(m["uid"], m["reason"]) for m in d["skipped"]],
            path=path,
        )


# ------------------------------------------------------------------------------ simulation


class Simulation(Iterator[Union[EpochResult, EpochArrays]]):
    """A scenario's epochs, computed one at a time as you iterate (so memory stays one epoch's
    however long the scenario): each item is an :class:`EpochResult` (or :class:`EpochArrays`
    with ``as_numpy=True``) with ``epoch``, ``block``, ``n``, ``patched`` and ``runtime``
    attributes. ``len()`` is the number of epochs; ``list(sim)`` runs them all. Iterating again
    continues where it stopped; a failing epoch raises :class:`InputError` (``epoch K: ...``)
    and ends the iteration.
    """

    def __init__(self, native: Any, as_numpy: bool):
        self._native = native
        self._numpy = as_numpy

    def __iter__(self) -> "Simulation":
        return self

    def __next__(self) -> Union[EpochResult, EpochArrays]:
        d = next(self._native)
        runtime = Runtime._of(d["runtime"])
        if self._numpy:
            r: Union[EpochResult, EpochArrays] = EpochArrays(_from_native(d["output"]), runtime, [])
        else:
            r = EpochResult(d["output"], runtime, [])
        r.epoch = d["epoch"]
        r.block = d["block"]
        r.n = d["n"]
        r.patched = list(d["patched"])
        return r

    def __len__(self) -> int:
        return len(self._native)

    @property
    def done(self) -> int:
        """Epochs computed so far."""
        return self._native.done

    def to_list(self) -> List[Union[EpochResult, EpochArrays]]:
        """Every remaining epoch."""
        return list(self)

    def to_dataframe(self):
        """Every remaining epoch as one tidy frame, one row per (epoch, uid): the columns and
        values of ``yuma simulate --csv``. Needs pandas."""
        pd = _pd()
        frames = []
        for r in self:
            f = r.to_numpy().to_dataframe().reset_index()
            f.insert(0, "epoch", r.epoch)
            frames.append(f[["epoch", "uid", *CSV_COLUMNS]])
        if not frames:
            return pd.DataFrame(columns=["epoch", "uid", *CSV_COLUMNS])
        return pd.concat(frames, ignore_index=True)
