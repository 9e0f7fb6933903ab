"""The one exception the package raises for bad input."""

from typing import Optional

__all__ = ["InputError", "ChainError"]


class InputError(ValueError):
    """A document the epoch cannot be computed on, or a file that cannot be read.

    ``str(error)`` is exactly the line the ``yuma`` CLI prints for the same input, without its
    ``yuma: `` prefix: ``PATH: what is wrong`` for a file, and for JSON given as text, bytes or a
    dict the text the CLI prints after ``stdin: `` (positions refer to that JSON; a dict is
    serialized compactly, as ``json.dumps(d, separators=(",", ":"))``).

    Attributes:
        message: ``str(error)``.
        detail: the message without the source's name (``PATH: ``).
        field: the input field the message names, as a path (``"n"``, ``"input.weights[3]"``,
            ``"mechanisms[1].alpha_stake"``), or ``None`` when it names none (malformed JSON).
        source: the path read, or ``None`` for JSON given directly.

    >>> import yuma_consensus as yc
    >>> try:
    ...     yc.epoch(b'{"n": 70000}')
    ... except yc.InputError as e:
    ...     print(e.field, "|", e)
    n | `n`: invalid value: integer `70000`, expected u16 at line 1 column 11
    """

    def __init__(
        self,
        message: str,
        detail: Optional[str] = None,
        field: Optional[str] = None,
        source: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = message if detail is None else detail
        self.field = field
        self.source = source

    def __reduce__(self):  # pickles with its attributes
        return (type(self), (self.message, self.detail, self.field, self.source))


class ChainError(RuntimeError):
    """A node that could not be read: unreachable, timing out, answering with an error or with
    a value the runtime cannot have stored (``yuma fetch``'s exit 3). ``str(error)`` is the
    CLI's message; ``code`` its exit code. (Bad arguments — a block or subnet that does not
    exist, a runtime this version does not reproduce — are :class:`InputError`.)"""

    def __init__(self, message: str, code: int = 3) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self):
        return (type(self), (self.message, self.code))
