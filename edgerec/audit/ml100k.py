"""A small reader for the ml-100k files the audits use (the SDK never imports the benchmark kit).

- ``u.data``: ``user<TAB>item<TAB>rating<TAB>unix time`` lines;
- ``u.user``: ``user|age|gender|occupation|zip`` lines (gender ``M`` or ``F``).

:func:`read_ratings` returns the ratings column-wise; :func:`positive_sequences`
turns them into what the cross-user catalog learns from: each user's liked items
(rating >= 4, :func:`edgerec.rank.signals.rating_strength` > 0 for whole stars)
as catalog rows in time order.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "u.data").write_text("1\\t10\\t5\\t300\\n1\\t11\\t4\\t100\\n2\\t10\\t2\\t50\\n")
>>> r = read_ratings(d)
>>> r.user_ids, r.item_ids
(['1', '2'], ['10', '11'])
>>> [s.tolist() for s in positive_sequences(r)]
[[1, 0], []]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgerec.errors import InputError

__all__ = ["Ratings", "read_ratings", "read_genders", "positive_sequences", "rated_sets"]


@dataclass(frozen=True)
class Ratings:
    """Ratings column-wise: ``users`` and ``items`` index ``user_ids`` and ``item_ids`` (ids as in the file)."""

    user_ids: list[str]
    item_ids: list[str]
    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    ts: np.ndarray

    @property
    def n_users(self) -> int:
        """Number of distinct users."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of distinct rated items."""
        return len(self.item_ids)


def _folder(path: str | Path, name: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give the ml-100k folder (with u.data and u.user)")
    if not (folder / name).is_file():
        raise InputError(f"{folder} has no {name}; give the ml-100k folder (with u.data and u.user)")
    return folder / name


def read_ratings(path: str | Path) -> Ratings:
    """Read ``u.data`` of an ml-100k folder; users and items numbered in order of first appearance.

    Raises :class:`InputError` naming the file and line when a line cannot be read.
    """
    target = _folder(path, "u.data")
    user_index: dict[str, int] = {}
    item_index: dict[str, int] = {}
    cols: list[tuple[int, int, float, int]] = []
    with open(target, encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            try:
                user, item, rating, ts = parts[0].strip(), parts[1].strip(), float(parts[2]), int(parts[3])
            except (IndexError, ValueError):
                raise InputError(f"{target.name} line {lineno}: cannot read {line.strip()[:60]!r}") from None
            cols.append((user_index.setdefault(user, len(user_index)), item_index.setdefault(item, len(item_index)),
                         rating, ts))
    if not cols:
        raise InputError(f"{target} holds no ratings")
    users, items, ratings, ts = zip(*cols)
    return Ratings(list(user_index), list(item_index), np.array(users, dtype=np.int64),
                   np.array(items, dtype=np.int64), np.array(ratings, dtype=np.float32), np.array(ts, dtype=np.int64))


def read_genders(path: str | Path) -> dict[str, str]:
    """``{user id: "M" | "F"}`` from ``u.user`` of an ml-100k folder.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "u.user").write_text("1|24|M|technician|85711\\n2|53|F|other|94043\\n")
    >>> read_genders(d)
    {'1': 'M', '2': 'F'}
    """
    target = _folder(path, "u.user")
    out: dict[str, str] = {}
    with open(target, encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.strip().split("|")
            if len(parts) < 3 or parts[2] not in ("M", "F"):
                raise InputError(f"{target.name} line {lineno}: expected user|age|M or F|..., got {line.strip()[:60]!r}")
            out[parts[0]] = parts[2]
    return out


def _by_user(r: Ratings, keep: np.ndarray) -> list[np.ndarray]:
    """Rows of ``r`` kept by ``keep``, grouped per user (in ``user_ids`` order) and sorted by time (stable)."""
    idx = np.flatnonzero(keep)
    idx = idx[np.lexsort((r.ts[idx], r.users[idx]))]
    bounds = np.searchsorted(r.users[idx], np.arange(r.n_users + 1))
    return [idx[bounds[u]:bounds[u + 1]] for u in range(r.n_users)]


def positive_sequences(r: Ratings, *, min_rating: float = 4.0) -> list[np.ndarray]:
    """Per user (``user_ids`` order), the items rated at least ``min_rating``, in time order, as item rows."""
    return [r.items[rows] for rows in _by_user(r, r.ratings >= min_rating)]


def rated_sets(r: Ratings) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per user (``user_ids`` order), ``(item rows, ratings)`` of everything they rated, in time order."""
    return [(r.items[rows], r.ratings[rows]) for rows in _by_user(r, np.ones(len(r.users), dtype=bool))]
