"""Reading a stream of JSON lines as it grows: a file (like ``tail -F``) or a pipe such as stdin.

Both readers return only complete lines; a line still being written stays in a buffer until its
newline arrives (or until the input ends, for a pipe, or ``final=True``, for a file).

* :class:`FileFollower` notices when the file is **truncated** (it starts again from the top) and
  when it is **rotated** (the path now names another file: what was left in the old one is read
  first, then the new one from its start). Its :meth:`~FileFollower.checkpoint` says where it is,
  so a restarted hub goes on where it stopped instead of logging the same events twice.
* :class:`PipeFollower` waits on the pipe with ``select`` for at most ``timeout`` seconds, so the
  caller can look at a stop flag between reads.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "events.jsonl")
>>> with open(path, "w") as f:
...     _ = f.write('{"a": 1}\\n{"b": ')
>>> reader = FileFollower(path)
>>> reader.read()
['{"a": 1}']
>>> with open(path, "a") as f:
...     _ = f.write('2}\\n')
>>> reader.read()
['{"b": 2}']
>>> reader.checkpoint()["offset"]
18
"""

from __future__ import annotations

import os
import select
from pathlib import Path

__all__ = ["FileFollower", "PipeFollower", "split_lines"]

_CHUNK = 1 << 16


def split_lines(buffer: bytes, data: bytes) -> tuple[list[str], bytes]:
    """Complete lines of ``buffer + data`` (decoded, without blanks) and the unfinished rest.

    >>> split_lines(b'{"x"', b': 1}\\n\\n{"y": 2}\\n{"z"')
    (['{"x": 1}', '{"y": 2}'], b'{"z"')
    """
    *done, rest = (buffer + data).split(b"\n")
    lines = [line.decode("utf-8", errors="replace").strip() for line in done]
    return [line for line in lines if line], rest


class FileFollower:
    """Follow a file that grows, is truncated or is rotated; ``offset``/``inode`` resume a checkpoint."""

    def __init__(self, path: str | os.PathLike, *, offset: int = 0, inode: int | None = None):
        self.path = Path(path)
        self._resume = (offset, inode)
        self._fh = None
        self._inode: int | None = None
        self._buffer = b""
        self.rotations = 0
        self.truncations = 0

    def _open(self) -> bool:
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return False
        self._fh, self._inode = fh, os.fstat(fh.fileno()).st_ino
        offset, inode = self._resume
        if offset and inode == self._inode and offset <= os.fstat(fh.fileno()).st_size:
            fh.seek(offset)
        self._resume = (0, None)
        return True

    def read(self, *, final: bool = False) -> list[str]:
        """The complete lines written since the last call (``final``: the unfinished last line too)."""
        if self._fh is None and not self._open():
            return []
        lines = self._drain()
        try:
            now = os.stat(self.path)
        except FileNotFoundError:  # moved away and not yet replaced: keep reading the old file
            now = None
        if now is not None and now.st_ino != self._inode:
            lines += self._drain()
            if self._buffer:  # the old file ended without a newline: that line is complete
                lines += split_lines(self._buffer, b"\n")[0]
                self._buffer = b""
            self._fh.close()
            self._fh = None
            self.rotations += 1
            if self._open():
                lines += self._drain()
        elif now is not None and now.st_size < self._fh.tell():
            self.truncations += 1
            self._fh.seek(0)
            self._buffer = b""
            lines += self._drain()
        if final and self._buffer:
            lines += split_lines(self._buffer, b"\n")[0]
            self._buffer = b""
        return lines

    def _drain(self) -> list[str]:
        lines = []
        while data := self._fh.read(_CHUNK):
            done, self._buffer = split_lines(self._buffer, data)
            lines += done
        return lines

    def checkpoint(self) -> dict:
        """Where the next unread line starts: ``{"path", "inode", "offset"}``."""
        offset = self._fh.tell() - len(self._buffer) if self._fh is not None else 0
        return {"path": str(self.path), "inode": self._inode, "offset": offset}

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class PipeFollower:
    """Read lines from a pipe or stdin without blocking longer than ``timeout`` seconds per call."""

    def __init__(self, stream):
        self._fd = stream.fileno()
        self._buffer = b""
        self.eof = False

    def read(self, timeout: float = 1.0) -> list[str]:
        """The complete lines that arrived within ``timeout`` seconds; at end of input, the rest too."""
        if self.eof:
            return []
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return []
        data = os.read(self._fd, _CHUNK)
        if not data:
            self.eof = True
            lines, self._buffer = split_lines(self._buffer, b"\n")
            return lines
        lines, self._buffer = split_lines(self._buffer, data)
        return lines

    def checkpoint(self) -> None:
        """A pipe cannot be resumed: there is nothing to save."""
        return None

    def close(self) -> None:
        """Nothing to close: the stream belongs to the caller."""
