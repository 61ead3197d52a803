"""Interaction histories in memory: what the catalog builder learns from.

:class:`Histories` holds, per user (string id), a time-ordered int array of rows
into ``item_ids``. The bench kit builds one from MovieLens arrays with
:meth:`Histories.from_arrays`; apps and the CLI read an events JSONL file
(``user, type, ts, item``; positive interactions only, by
:func:`edgerec.rank.signals.event_strength`) with :meth:`Histories.from_jsonl`.

>>> h = Histories.from_arrays(["u1", "u2"], ["a", "b"], [[0, 1], [1]])
>>> h.without("u1").user_ids, len(h)
(['u2'], 2)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgerec.errors import InputError, UnknownUserError
from edgerec.rank.signals import event_strength, rating_strength
from edgerec.timectx import parse_iso

__all__ = ["Histories", "require_member"]


@dataclass(frozen=True)
class Histories:
    """Users' time-ordered item rows (``sequences[n]`` belongs to ``user_ids[n]``)."""

    user_ids: list[str]
    item_ids: list[str]
    sequences: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of items in the catalog."""
        return len(self.item_ids)

    @classmethod
    def from_arrays(cls, user_ids: Sequence, item_ids: Sequence, sequences: Sequence) -> "Histories":
        """From ids and per-user sequences of item rows (checked to lie in range)."""
        users, items = [str(u) for u in user_ids], [str(i) for i in item_ids]
        if len(users) != len(sequences):
            raise InputError(f"{len(users)} users but {len(sequences)} sequences")
        if len(set(users)) != len(users):
            raise InputError("user ids must be unique")
        seqs = [np.asarray(s, dtype=np.int64) for s in sequences]
        for user, seq in zip(users, seqs):
            if len(seq) and (seq.min() < 0 or seq.max() >= len(items)):
                raise InputError(f"user {user!r} has item rows outside the catalog of {len(items)} items")
        return cls(users, items, seqs)

    @classmethod
    def from_jsonl(cls, path: str | Path, item_ids: Sequence[str] | None = None) -> "Histories":
        """Positive item events of an events JSONL file; items not in ``item_ids`` (if given) are dropped."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"no such events file: {path}")
        rows: dict[str, list[tuple[float, str]]] = {}
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    ev = json.loads(line)
                    user, kind, item = str(ev["user"]), str(ev["type"]), ev.get("item")
                    ts = parse_iso(str(ev["ts"])).timestamp()
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{path}:{n}: not an event ({exc})") from None
                if item is None or event_strength(kind, ev.get("context")) <= 0:
                    continue
                rows.setdefault(user, []).append((ts, str(item)))
        items = list(item_ids) if item_ids is not None else sorted({i for r in rows.values() for _, i in r})
        index = {item: n for n, item in enumerate(items)}
        users = sorted(rows)
        seqs = []
        for user in users:
            ordered = sorted(rows[user], key=lambda r: r[0])
            seqs.append(np.array([index[i] for _, i in ordered if i in index], dtype=np.int64))
        return cls(users, items, seqs)

    @classmethod
    def from_ml100k(cls, folder: str | Path) -> "Histories":
        """The liked or watched items (rating >= 3, :func:`~edgerec.rank.signals.rating_strength` > 0) in ``u.data``.

        The item list is the public catalog ``u.item`` (every movie, rated or
        not), so which items a catalog lists says nothing about who contributed.
        """
        path = Path(folder) / "u.data"
        if not path.is_file():
            raise InputError(f"{folder} has no u.data (an ml-100k folder is expected)")
        rows: dict[str, list[tuple[int, str]]] = {}
        with path.open(encoding="latin-1") as f:
            for n, line in enumerate(f, 1):
                parts = line.split("\t")
                if len(parts) != 4:
                    raise InputError(f"{path}:{n}: expected user, item, rating, time separated by tabs")
                user, item, rating, ts = parts
                if float(rating_strength(float(rating))) > 0:
                    rows.setdefault(user, []).append((int(ts), item))
        items = public_ml100k_items(folder)
        if items is None:  # no u.item: the rated items (which then say something about who rated them)
            items = sorted({i for r in rows.values() for _, i in r}, key=lambda s: (len(s), s))
        index = {item: n for n, item in enumerate(items)}
        users = sorted(rows, key=lambda s: (len(s), s))
        return cls(users, items, [np.array([index[i] for _, i in sorted(rows[u])], dtype=np.int64) for u in users])

    def position(self, user: str) -> int:
        """Index of ``user`` (UnknownUserError when absent)."""
        try:
            return self.user_ids.index(str(user))
        except ValueError:
            raise UnknownUserError(str(user)) from None

    def without(self, user: str) -> "Histories":
        """The same histories with ``user`` removed."""
        n = self.position(user)
        return Histories(self.user_ids[:n] + self.user_ids[n + 1:], self.item_ids,
                         self.sequences[:n] + self.sequences[n + 1:])


def public_ml100k_items(folder: str | Path) -> list[str] | None:
    """Every item id of ml-100k's public ``u.item`` in numeric order, or None when the file is missing."""
    path = Path(folder) / "u.item"
    if not path.is_file():
        return None
    with path.open(encoding="latin-1") as f:
        ids = [line.split("|", 1)[0] for line in f if line.strip()]
    return sorted(set(ids), key=lambda s: (len(s), s))


def read_item_list(path: str | Path) -> list[str]:
    """A public item list: a JSON list of ids, or one id per line."""
    import json

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the item list {path}: {exc.strerror or exc}") from None
    if text.lstrip().startswith("["):
        try:
            ids = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{path} is not a JSON list of item ids: {exc}") from None
        if not isinstance(ids, list):
            raise InputError(f"{path} is not a JSON list of item ids")
    else:
        ids = [line.strip() for line in text.splitlines() if line.strip()]
    if not ids:
        raise InputError(f"{path} lists no items")
    return list(dict.fromkeys(str(i) for i in ids))


def require_member(user: str, members: Sequence[str]) -> str:
    """``user`` as a string, or an :class:`InputError` when it is not among a catalog's ``members``."""
    user = str(user)
    if user not in members:
        raise InputError(f"user {user!r} is not in this catalog (never contributed, or already forgotten)")
    return user
