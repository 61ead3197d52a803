"""A cache of catalog embeddings, so that a catalog is embedded once.

Catalog text (item titles, descriptions the app ships) is not any user's data,
so its vectors are kept in a plain SQLite file,
``EDGEREC_HOME/cache/item-embeddings.sqlite``. Each row is keyed by the sha256
of the model id and the text; the text itself is not stored. A new model
export gets a new model id, so it never reads vectors of another model.

Text a *user* wrote (a search, a dialogue turn, a note) is user data. It must
never go through :meth:`EmbeddingCache.embed_catalog`: use
:meth:`EmbeddingCache.embed_private` or :meth:`Embedder.encode`, which keep
nothing. Where such vectors must be kept, they belong in the encrypted store
(``EventStore.put_doc``), which forgets them together with the user.

>>> text_key("model@1", "Jazz for a rainy day")[:12]
'1c4587f9ab2a'
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, Union

import numpy as np

from edgerec.config import home
from edgerec.errors import InputError

__all__ = ["EmbeddingCache", "embed_catalog", "text_key", "default_cache_path"]

#: ``progress`` accepted by the cache: ``True`` shows a rich bar on stderr when
#: there is anything to embed; a callable is called with the number of newly
#: embedded texts after each batch.
Progress = Union[bool, Callable[[int], None], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key    TEXT PRIMARY KEY,   -- sha256(model id, NUL, text)
    model  TEXT NOT NULL,
    dim    INTEGER NOT NULL,
    vector BLOB NOT NULL       -- little-endian float32
)
"""
_LOOKUP_CHUNK = 500


def text_key(model_id: str, text: str) -> str:
    """Cache key of ``text`` under ``model_id``: hex sha256 of both, NUL-separated.

    >>> text_key("m", "a") == text_key("m", "a") != text_key("n", "a")
    True
    """
    return hashlib.sha256(f"{model_id}\x00{text}".encode("utf-8")).hexdigest()


def default_cache_path() -> Path:
    """``EDGEREC_HOME/cache/item-embeddings.sqlite``."""
    path = home() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path / "item-embeddings.sqlite"


@contextlib.contextmanager
def _progress_callback(progress: Progress, total: int, description: str) -> Iterator:
    if progress is True:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress as RichProgress,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.console import Console

        bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)
    elif callable(progress):
        yield progress
    else:
        yield None


class EmbeddingCache:
    """Catalog-text embeddings of one embedder, kept in a SQLite file.

    ``embedder`` is anything with ``encode(texts, batch_size=..., progress=...)``
    and a ``model_id`` (normally :class:`edgerec.models.embed.Embedder`).
    ``path`` defaults to :func:`default_cache_path`.
    """

    def __init__(self, embedder, path: str | Path | None = None):
        self.embedder = embedder
        self.model_id = str(embedder.model_id)
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        """Close the SQLite file."""
        self._db.close()

    def __enter__(self) -> "EmbeddingCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        """Number of vectors cached for this embedder's model."""
        row = self._db.execute("SELECT count(*) FROM vectors WHERE model = ?", (self.model_id,))
        return int(row.fetchone()[0])

    def _lookup(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = list(keys[start : start + _LOOKUP_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, dim, vector FROM vectors WHERE key IN ({marks})", chunk
            )
            for key, dim, blob in rows:
                if len(blob) == 4 * dim:  # a damaged row is treated as missing
                    found[key] = np.frombuffer(blob, dtype="<f4")
        return found

    def _store(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (key, self.model_id, int(vec.shape[0]), np.asarray(vec, dtype="<f4").tobytes())
            for key, vec in zip(keys, vectors)
        ]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def embed_catalog(
        self,
        texts: Iterable[str],
        *,
        batch_size: int = 32,
        progress: Progress = None,
    ) -> np.ndarray:
        """Vectors for catalog ``texts`` (float32, one row per text), embedding only new texts.

        Texts seen before under the same model are read from the cache; the
        rest are embedded (each distinct text once), stored batch by batch so
        that an interrupted first run keeps what it finished, and returned in
        input order. Never pass text a user wrote: see :meth:`embed_private`.
        """
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"catalog texts must be strings, got {type(text).__name__}")
        keys = [text_key(self.model_id, text) for text in texts]
        found = self._lookup(sorted(set(keys)))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key not in found:
                missing.setdefault(key, text)
        if missing:
            todo_keys = list(missing)
            with _progress_callback(progress, len(todo_keys), "embedding catalog") as advance:
                step = max(batch_size, 1) * 8
                for start in range(0, len(todo_keys), step):
                    chunk = todo_keys[start : start + step]
                    vectors = self.embedder.encode(
                        [missing[k] for k in chunk], batch_size=batch_size, progress=advance
                    )
                    self._store(chunk, vectors)
                    found.update(zip(chunk, vectors))
        if not texts:
            dim = getattr(self.embedder, "dim", 0)
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([found[key] for key in keys]).astype(np.float32, copy=False)

    def embed_private(self, texts: Iterable[str], *, batch_size: int = 32) -> np.ndarray:
        """Vectors for text a user wrote. Nothing is read from or written to the cache."""
        return self.embedder.encode(list(texts), batch_size=batch_size)

    def clear(self) -> int:
        """Delete this model's cached vectors; returns how many were removed."""
        with self._db:
            self._db.execute("BEGIN")
            cur = self._db.execute("DELETE FROM vectors WHERE model = ?", (self.model_id,))
        return cur.rowcount


def embed_catalog(
    texts: Iterable[str],
    embedder=None,
    *,
    cache_path: str | Path | None = None,
    batch_size: int = 32,
    progress: Progress = None,
) -> np.ndarray:
    """Embed catalog texts through the on-disk cache (see :class:`EmbeddingCache`).

    ``embedder`` defaults to :func:`edgerec.models.embed.default_embedder`.
    Only for catalog text, never for text a user wrote.
    """
    if embedder is None:
        from edgerec.models.embed import default_embedder

        embedder = default_embedder()
    with EmbeddingCache(embedder, cache_path) as cache:
        return cache.embed_catalog(texts, batch_size=batch_size, progress=progress)
