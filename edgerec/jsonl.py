"""Reading JSON-lines files with errors that name the file and line.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
>>> _ = p.write_text('{"a": 1}\\n\\n[2]\\n')
>>> list(read_jsonl(p))
[(1, {'a': 1}), (3, [2])]
>>> _ = p.write_text('{"a": 1}\\n{oops\\n')
>>> list(read_jsonl(p))
Traceback (most recent call last):
...
edgerec.errors.InputError: x.jsonl:2: bad JSON (Expecting property name enclosed in double quotes at column 2)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from edgerec.errors import InputError

__all__ = ["raw_lines", "read_jsonl"]


def raw_lines(path: str | Path) -> Iterator[bytes]:
    """The raw lines of a JSON-lines file, read one at a time; a missing file or a directory is an InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory, expected a JSON-lines file")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        yield from handle


def read_jsonl(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, value)`` for each non-blank line; blank lines are skipped.

    A missing file, a directory, a line that is not UTF-8 or not JSON raises
    :class:`InputError` naming ``file:line``. Lines are read one at a time.
    """
    path = Path(path)
    for number, raw in enumerate(raw_lines(path), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path.name}:{number}: not UTF-8 text") from None
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}:{number}: bad JSON ({exc.msg} at column {exc.colno})") from None
        yield number, value
