# The native half of yuma_consensus (PyO3): use the package, not this module. Documents are JSON
# bytes or a path; array buffers are `(dtype, bytearray)` or `("csr", indptr, indices, dtype, data)`.

from typing import Any, Callable, Dict, Iterator, List, Literal, Optional, Union, final
import os

__all__ = ["epoch", "verify", "runtime_of", "known_rules", "version", "fetch", "is_snapshot", "verify_snapshot", "Simulation", "VERSION", "REFERENCE_COMMIT", "NEWEST_SPEC", "MAX_ENTRIES"]

VERSION: str
REFERENCE_COMMIT: str
NEWEST_SPEC: int
MAX_ENTRIES: int

_Src = Union[bytes, bytearray, str, os.PathLike[str]]

def epoch(
    src: _Src,
    *,
    want: Literal["any", "trace", "mechanisms"] = ...,
    assume_spec: Optional[int] = ...,
    numpy: bool = ...,
) -> Dict[str, Any]: ...
def verify(
    src: _Src, *, assume_spec: Optional[int] = ..., implementation: Literal["main", "reference"] = ...
) -> Dict[str, Any]: ...
def runtime_of(src: _Src, *, assume_spec: Optional[int] = ...) -> Dict[str, Any]: ...
def known_rules() -> List[Dict[str, Any]]: ...
def fetch(
    rpc: str,
    netuid: int,
    block: Optional[int] = ...,
    *,
    timeout: int = ...,
    retries: int = ...,
    assume_spec: Optional[int] = ...,
    fetched_at: str = ...,
    progress: Optional[Callable[[int, int, str], Any]] = ...,
) -> str: ...
def is_snapshot(data: bytes) -> bool: ...
def verify_snapshot(src: _Src, *, assume_spec: Optional[int] = ...) -> Dict[str, Any]: ...
def version() -> str: ...

@final
class Simulation(Iterator[Dict[str, Any]]):
    def __new__(cls, src: _Src, *, assume_spec: Optional[int] = ..., numpy: bool = ...) -> Simulation: ...
    def __len__(self) -> int: ...
    @property
    def done(self) -> int: ...
    def __iter__(self) -> Simulation: ...
    def __next__(self) -> Dict[str, Any]: ...
