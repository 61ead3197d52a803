"""The prediction files the evaluations write: one JSON value per line, in user order.

>>> import json, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "pred.jsonl"
>>> write_predictions(out, [[{"triggers": {}, "actions": {}}], []])
2
>>> [json.loads(line) for line in out.read_text().splitlines()]
[[{'triggers': {}, 'actions': {}}], []]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from edgerec.errors import InputError

__all__ = ["write_predictions"]


def write_predictions(path: str | Path, predictions: Iterable[Any]) -> int:
    """Write each prediction as one JSON line to ``path``; returns how many were written.

    A path that cannot be written raises :class:`InputError` naming it.
    """
    target = Path(path)
    count = 0
    try:
        with target.open("w", encoding="utf-8") as handle:
            for row in predictions:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    return count
