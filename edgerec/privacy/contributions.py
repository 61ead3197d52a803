"""Bounding each user's contribution, and counting bounded contributions (pure functions).

User-level DP needs a bound on how much one person can change the counts. From
a time-ordered history (rows, repeats allowed) a user contributes:

- ``items``: their ``items_per_user`` most recent distinct items (popularity +1 each);
- ``pairs``: every unordered pair among their ``pair_items`` most recent distinct
  items (co-occurrence +1 each), so ``pairs_per_user = pair_items * (pair_items - 1) / 2``;
- ``transitions``: unordered pairs of distinct items at most ``window`` steps
  apart in their de-duplicated history, the ``transitions_per_user`` most recent
  (sequential neighbours +1 each).

Each entry counts once per user, so the L2 sensitivity of each count vector is
the square root of its bound.

>>> b = Bounds(items_per_user=2, pair_items=3, transitions_per_user=1, window=1)
>>> c = contribute(np.array([4, 1, 4, 2, 3]), b)
>>> c.items.tolist(), c.pairs.tolist(), c.transitions.tolist()
([2, 3], [[2, 3], [2, 4], [3, 4]], [[2, 3]])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edgerec.errors import InputError

__all__ = ["Bounds", "Contribution", "contribute", "count_items", "count_pairs", "distinct_recent"]


@dataclass(frozen=True)
class Bounds:
    """Per-user contribution bounds (see module docstring)."""

    items_per_user: int = 50
    pair_items: int = 30
    transitions_per_user: int = 100
    window: int = 5

    def __post_init__(self) -> None:
        if min(self.items_per_user, self.pair_items, self.transitions_per_user, self.window) < 1:
            raise InputError("contribution bounds must all be at least 1")

    @property
    def pairs_per_user(self) -> int:
        """Co-occurrence pairs one user adds at most."""
        return self.pair_items * (self.pair_items - 1) // 2

    def sensitivities(self) -> dict[str, float]:
        """L2 sensitivity of the popularity, co-occurrence and sequential count vectors."""
        return {"popularity": math.sqrt(self.items_per_user), "cooccurrence": math.sqrt(max(1, self.pairs_per_user)),
                "sequential": math.sqrt(self.transitions_per_user)}

    def to_dict(self) -> dict:
        """The manifest's ``bounds``."""
        return {"items_per_user": self.items_per_user, "pairs_per_user": self.pairs_per_user,
                "transitions_per_user": self.transitions_per_user, "pair_items": self.pair_items,
                "window": self.window}

    @classmethod
    def from_dict(cls, data: dict) -> "Bounds":
        """Read the manifest's ``bounds``."""
        return cls(data["items_per_user"], data["pair_items"], data["transitions_per_user"], data["window"])


@dataclass(frozen=True)
class Contribution:
    """What one user adds: item rows, and (a, b) rows with a < b for pairs and transitions."""

    items: np.ndarray
    pairs: np.ndarray
    transitions: np.ndarray
    #: Integer weights of each entry (the spectral catalog's L2-weighted contributions); None: each counts 1.
    item_w: np.ndarray | None = None
    pair_w: np.ndarray | None = None
    trans_w: np.ndarray | None = None

    def weights(self, kind: str) -> np.ndarray:
        """Integer weight of each entry of ``kind`` ("items", "pairs" or "transitions")."""
        w = {"items": self.item_w, "pairs": self.pair_w, "transitions": self.trans_w}[kind]
        return np.ones(len(getattr(self, kind)), dtype=np.int64) if w is None else np.asarray(w, dtype=np.int64)

    @property
    def weighted(self) -> bool:
        """Whether entries carry weights (otherwise each counts once)."""
        return self.item_w is not None

    def touched(self) -> np.ndarray:
        """Every item row whose counts this contribution changes (sorted, unique)."""
        return np.unique(np.concatenate([self.items, self.pairs.ravel(), self.transitions.ravel()]))


def distinct_recent(seq: np.ndarray) -> np.ndarray:
    """Distinct items in order of their last occurrence (oldest first).

    >>> distinct_recent(np.array([3, 1, 3, 2])).tolist()
    [1, 3, 2]
    """
    seq = np.asarray(seq, dtype=np.int64)
    rev = seq[::-1]
    _, first = np.unique(rev, return_index=True)
    return rev[np.sort(first)][::-1]


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1).reshape(-1, 2)


def contribute(seq: np.ndarray, bounds: Bounds) -> Contribution:
    """The bounded contribution of one time-ordered history (see module docstring)."""
    recent = distinct_recent(seq)
    items = np.sort(recent[-bounds.items_per_user:])
    top = np.sort(recent[-bounds.pair_items:])
    i, j = np.triu_indices(len(top), 1)
    pairs = _pairs(top[i], top[j])
    recent = recent[-(bounds.transitions_per_user + bounds.window):]  # older positions cannot make the cut
    ends, keys = [], []
    for gap in range(1, min(bounds.window, len(recent) - 1) + 1):
        ends.append(np.arange(gap, len(recent)))
        keys.append(_pairs(recent[:-gap], recent[gap:]))
    if keys:
        pos, both = np.concatenate(ends), np.concatenate(keys)
        # the items of ``recent`` are distinct, so each pair occurs once; the most recent pairs end last
        keep = np.lexsort((both[:, 1], both[:, 0], -pos))[: bounds.transitions_per_user]
        both = both[keep]
        transitions = both[np.lexsort((both[:, 1], both[:, 0]))]
    else:
        transitions = np.zeros((0, 2), dtype=np.int64)
    return Contribution(items, pairs, transitions)


def count_items(contributions: Sequence[Contribution], n_items: int) -> np.ndarray:
    """Popularity counts (int64) of the bounded contributions (weighted when they carry weights)."""
    rows = [c.items for c in contributions]
    if not rows:
        return np.zeros(n_items, dtype=np.int64)
    weights = np.concatenate([c.weights("items") for c in contributions])
    return np.bincount(np.concatenate(rows), weights=weights, minlength=n_items).round().astype(np.int64)


def count_pairs(contributions: Sequence[Contribution], n_items: int, kind: str) -> np.ndarray:
    """Symmetric dense ``(n, n)`` int64 counts of ``kind`` ("pairs" or "transitions"), zero diagonal."""
    pairs = [getattr(c, kind) for c in contributions]
    flat = np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64)
    keys = flat[:, 0] * n_items + flat[:, 1]
    if contributions and contributions[0].weighted:
        weights = np.concatenate([c.weights(kind) for c in contributions])
        # float64 sums of integers stay exact below 2**53 (here at most users * UNIT per cell)
        counts = np.bincount(keys, weights=weights, minlength=n_items * n_items).round().astype(np.int64)
        counts = counts.reshape(n_items, n_items)
    else:
        counts = np.bincount(keys, minlength=n_items * n_items).reshape(n_items, n_items).astype(np.int64)
    return counts + counts.T
