"""Checksums of model files, shared by every runtime in :mod:`edgerec.models`.

>>> import os, tempfile
>>> with tempfile.NamedTemporaryFile(delete=False) as f:
...     _ = f.write(b"abc")
>>> sha256_file(f.name)[:16]
'ba7816bf8f01cfea'
>>> os.unlink(f.name)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_file"]

_REMEMBERED: dict[tuple[str, int, int], str] = {}


def sha256_file(path: str | Path, chunk_size: int = 1 << 20, *, remember: bool = False) -> str:
    """Hex sha256 of a file's bytes, read in chunks of ``chunk_size``.

    With ``remember``, the digest is kept for this process under the file's
    resolved path, size and modification time, so that loading the same large
    file again does not read it again. Leave it off where a changed file must
    be caught even when its size and mtime did not move.
    """
    path = Path(path)
    key = None
    if remember:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key in _REMEMBERED:
            return _REMEMBERED[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    if key is not None:
        _REMEMBERED[key] = digest.hexdigest()
    return digest.hexdigest()
