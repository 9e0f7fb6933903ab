"""What the functions accept as a document, and how it reaches the native parser."""

import json
import os
from collections.abc import Mapping
from typing import Any, Optional, Tuple, Union

__all__ = ["to_native", "Document"]

#: A document: a dict in the vectors' schema, JSON text (``str`` starting with ``{`` or ``[``,
#: or ``bytes``), or a path (``os.PathLike``, or any other ``str``).
Document = Union[Mapping, str, bytes, bytearray, memoryview, "os.PathLike[str]"]


def _jsonable(obj: Any) -> Any:
    # numpy arrays and scalars (and anything else with `tolist`), then integer-likes.
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    if hasattr(obj, "__index__"):
        return obj.__index__()
    raise TypeError(f"input: a {type(obj).__name__} is not JSON serializable")


def dumps(obj: Any) -> bytes:
    """``obj`` as the compact JSON the CLI's tests write (``separators=(",", ":")``, UTF-8)."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=_jsonable)
    return text.encode("utf-8", "surrogatepass")


def _is_json_text(s: str) -> bool:
    head = s.lstrip()[:1]
    return head in ("{", "[") or head == ""


def to_native(doc: Any) -> Tuple[Union[bytes, str], Optional[str]]:
    """``(what the native module reads, the path shown in messages or None)``.

    * ``bytes`` / ``bytearray`` / ``memoryview``: JSON text, as the CLI reads stdin;
    * ``os.PathLike``: a file;
    * ``str``: JSON text when its first non-blank character is ``{`` or ``[`` (or it is blank),
      otherwise a path;
    * anything else (``dict``, ``list``, …): serialized to JSON first.
    """
    if isinstance(doc, (bytes, bytearray)):
        return bytes(doc), None
    if isinstance(doc, memoryview):
        return doc.tobytes(), None
    if isinstance(doc, os.PathLike):
        path = os.fsdecode(os.fspath(doc))
        return path, path
    if isinstance(doc, str):
        if _is_json_text(doc):
            return doc.encode("utf-8", "surrogatepass"), None
        return doc, doc
    if isinstance(doc, Mapping):
        doc = dict(doc)
    return dumps(doc), None
