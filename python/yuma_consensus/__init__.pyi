# Type stub of yuma_consensus: every public signature, with overloads for `as_numpy`.
#

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Literal, NamedTuple, Optional, Tuple, Union, overload

import numpy
import pandas

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

__version__: str
REFERENCE_COMMIT: str
NEWEST_SPEC: int
CSV_COLUMNS: Tuple[str, ...]

Document = Union[Mapping[str, Any], str, bytes, bytearray, memoryview, os.PathLike[str]]

class InputError(ValueError):
    message: str
    detail: str
    field: Optional[str]
    source: Optional[str]
    def __init__(
        self,
        message: str,
        detail: Optional[str] = ...,
        field: Optional[str] = ...,
        source: Optional[str] = ...,
    ) -> None: ...

class ChainError(RuntimeError):
    message: str
    code: int
    def __init__(self, message: str, code: int = ...) -> None: ...

class Runtime(NamedTuple):
    rules: str
    source: str
    specs: str
    spec_version: Optional[int]
    assumed: bool
    assume_spec: Optional[int]
    line: str

class SparseRows(NamedTuple):
    indptr: numpy.ndarray
    indices: numpy.ndarray
    data: numpy.ndarray
    @property
    def nrows(self) -> int: ...
    def counts(self) -> numpy.ndarray: ...
    def row(self, i: int) -> List[List[int]]: ...
    def to_lists(self) -> List[List[List[int]]]: ...
    def to_dense(self, columns: Optional[int] = ...) -> numpy.ndarray: ...

class _WithRuntime:
    runtime: Optional[Runtime]
    notes: List[str]
    @property
    def rules(self) -> Optional[str]: ...

class EpochArrays(_WithRuntime, Dict[str, Any]):
    # In a simulation:
    epoch: int
    block: int
    n: int
    patched: List[str]
    def __init__(self, arrays: Dict[str, Any], runtime: Optional[Runtime], notes: List[str]) -> None: ...
    def to_numpy(self) -> EpochArrays: ...
    def to_dataframe(self) -> pandas.DataFrame: ...

class EpochResult(_WithRuntime, Dict[str, Any]):
    # In a simulation:
    epoch: int
    block: int
    n: int
    patched: List[str]
    def __init__(self, output: Dict[str, Any], runtime: Optional[Runtime], notes: List[str]) -> None: ...
    def to_numpy(self) -> EpochArrays: ...
    def to_dataframe(self) -> pandas.DataFrame: ...

class MechanismsArrays(_WithRuntime, Dict[str, Any]):
    def __init__(self, arrays: Dict[str, Any], runtime: Optional[Runtime], notes: List[str]) -> None: ...
    def to_numpy(self) -> MechanismsArrays: ...
    def to_dataframe(self, mechanism: Optional[int] = ...) -> pandas.DataFrame: ...

class MechanismsResult(_WithRuntime, Dict[str, Any]):
    def __init__(self, output: Dict[str, Any], runtime: Optional[Runtime], notes: List[str]) -> None: ...
    def to_numpy(self) -> MechanismsArrays: ...
    def to_dataframe(self, mechanism: Optional[int] = ...) -> pandas.DataFrame: ...

@dataclass(frozen=True)
class Mismatch:
    field: str
    uid: Optional[int]
    got: Any
    expected: Any
    got_json: str = ...
    expected_json: str = ...

@dataclass(frozen=True)
class Report:
    name: str
    category: str
    description: str
    kind: str
    passed: bool
    has_expected: bool
    error: Optional[str]
    mismatches: List[Mismatch]
    output: Optional[Dict[str, Any]]
    rules: Optional[str]
    runtime: Optional[Runtime]
    path: Optional[str] = ...
    def __bool__(self) -> bool: ...
    @property
    def label(self) -> str: ...
    def lines(self, all: bool = ...) -> List[str]: ...

class ChainSnapshot(Dict[str, Any]):
    def __init__(self, document: Dict[str, Any], text: Optional[str] = ...) -> None: ...
    @property
    def input(self) -> Dict[str, Any]: ...
    @property
    def chain(self) -> Dict[str, Any]: ...
    @property
    def meta(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    def save(self, path: Union[str, os.PathLike[str]]) -> None: ...

@dataclass(frozen=True)
class StoredMismatch:
    field: str
    uid: Optional[int]
    got: Any
    expected: Any
    got_json: str = ...
    expected_json: str = ...

@dataclass(frozen=True)
class SnapshotReport:
    netuid: int
    block: int
    rules: Optional[str]
    passed: bool
    error: Optional[str]
    unsupported_runtime: bool
    compared: int
    mismatches: List[StoredMismatch]
    skipped: List[Tuple[int, str]]
    path: Optional[str] = ...
    def __bool__(self) -> bool: ...
    @property
    def label(self) -> str: ...
    def lines(self, all: bool = ...) -> List[str]: ...

@dataclass
class VerifySummary:
    reports: List[Union[Report, SnapshotReport]]
    unreadable: List[Tuple[str, Exception]]
    @property
    def passed(self) -> int: ...
    @property
    def not_reproduced(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    def __bool__(self) -> bool: ...
    def __iter__(self) -> Iterator[Union[Report, SnapshotReport]]: ...
    def __len__(self) -> int: ...
    def rules(self) -> Dict[str, int]: ...
    def lines(self, all: bool = ...) -> List[str]: ...

class Simulation(Iterator[Union[EpochResult, EpochArrays]]):
    def __init__(self, native: Any, as_numpy: bool) -> None: ...
    def __iter__(self) -> Simulation: ...
    def __next__(self) -> Union[EpochResult, EpochArrays]: ...
    def __len__(self) -> int: ...
    @property
    def done(self) -> int: ...
    def to_list(self) -> List[Union[EpochResult, EpochArrays]]: ...
    def to_dataframe(self) -> pandas.DataFrame: ...

@overload
def epoch(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[False] = ...
) -> Union[EpochResult, MechanismsResult]: ...
@overload
def epoch(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[True]
) -> Union[EpochArrays, MechanismsArrays]: ...
@overload
def epoch_with_trace(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[False] = ...
) -> EpochResult: ...
@overload
def epoch_with_trace(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[True]
) -> EpochArrays: ...
@overload
def epoch_with_mechanisms(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[False] = ...
) -> MechanismsResult: ...
@overload
def epoch_with_mechanisms(
    input: Document, *, assume_spec: Optional[int] = ..., as_numpy: Literal[True]
) -> MechanismsArrays: ...
def verify(
    vector: Document,
    *,
    assume_spec: Optional[int] = ...,
    implementation: Literal["main", "reference"] = ...,
) -> Union[Report, SnapshotReport]: ...
def verify_snapshot(
    snapshot: Union[ChainSnapshot, Document], *, assume_spec: Optional[int] = ...
) -> SnapshotReport: ...
def fetch(
    rpc: str,
    netuid: int,
    block: Optional[int] = ...,
    *,
    timeout: int = ...,
    retries: int = ...,
    assume_spec: Optional[int] = ...,
    progress: Optional[Callable[[int, int, str], Any]] = ...,
) -> ChainSnapshot: ...
def verify_all(
    paths: Union[Document, Iterable[Document]],
    *,
    assume_spec: Optional[int] = ...,
    implementation: Literal["main", "reference"] = ...,
) -> VerifySummary: ...
def simulate(
    scenario: Document, *, assume_spec: Optional[int] = ..., as_numpy: bool = ...
) -> Simulation: ...
def runtime_of(input: Document, *, assume_spec: Optional[int] = ...) -> Runtime: ...
def known_rules() -> List[Dict[str, Any]]: ...
def version() -> str: ...
def to_numpy(output: Mapping[str, Any]) -> Union[EpochArrays, MechanismsArrays]: ...
