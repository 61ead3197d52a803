"""Item-item co-occurrence learned from catalog-level interaction sequences.

This is item-side knowledge: it is computed once from many users' sequences (for
MovieLens, the training split of all users) and shipped with the catalog, not
from the user being ranked. It is stored sparsely as each item's ``top_n``
neighbours (CSR-like arrays), so memory is ``n_items * top_n`` and scoring a
user is one ``bincount``.

Two flavours share one builder:

- ``window=None``: every pair of items in the same sequence counts once, and
  similarity is the classic cosine ``c(a,b) / sqrt(n_a n_b)`` over binary
  user-item vectors (the item-kNN baseline);
- ``window=W``: only items at most ``W`` steps apart in a sequence count, with
  weight ``decay ** (gap - 1)``; similarity divides by the square roots of the
  two row sums. This captures "what people watch next to what".

>>> nb = ItemNeighbours.from_sequences([[0, 1], [0, 1], [1, 2]], n_items=3, top_n=2)
>>> round(float(nb.similarity(0, 1)), 3), float(nb.similarity(0, 2))
(0.816, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ItemNeighbours", "pair_counts"]


def pair_counts(
    sequences: Sequence[np.ndarray], n_items: int, *, window: int | None = None, decay: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Symmetric co-occurrence counts as COO triples ``(rows, cols, values)``, no diagonal.

    With ``window=None`` each unordered pair in a sequence counts once per
    sequence (repeats inside a sequence are collapsed first).

    >>> r, c, v = pair_counts([np.array([0, 1, 2])], 3, window=1)
    >>> sorted(zip(r.tolist(), c.tolist(), v.tolist()))
    [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0)]
    """
    keys, vals = [], []
    for seq in sequences:
        seq = np.asarray(seq, dtype=np.int64)
        if window is None:
            seq = np.unique(seq)
            if len(seq) < 2:
                continue
            a, b = np.meshgrid(seq, seq, indexing="ij")
            mask = a != b
            keys.append(a[mask] * n_items + b[mask])
            vals.append(np.ones(int(mask.sum()), dtype=np.float64))
            continue
        for gap in range(1, min(window, len(seq) - 1) + 1):
            a, b = seq[:-gap], seq[gap:]
            keep = a != b
            a, b = a[keep], b[keep]
            w = np.full(len(a), decay ** (gap - 1), dtype=np.float64)
            keys += [a * n_items + b, b * n_items + a]
            vals += [w, w]
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    uniq, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    summed = np.bincount(inverse, weights=np.concatenate(vals))
    return uniq // n_items, uniq % n_items, summed


@dataclass(frozen=True)
class ItemNeighbours:
    """Each item's strongest neighbours: ``indices[indptr[i]:indptr[i+1]]`` with ``values``."""

    n_items: int
    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray

    @classmethod
    def from_sequences(
        cls,
        sequences: Sequence[np.ndarray],
        n_items: int,
        *,
        window: int | None = None,
        decay: float = 1.0,
        top_n: int = 100,
    ) -> "ItemNeighbours":
        """Build normalised neighbours from item-index sequences (see module docstring)."""
        rows, cols, vals = pair_counts(sequences, n_items, window=window, decay=decay)
        if window is None:
            degree = np.zeros(n_items)
            for seq in sequences:
                degree[np.unique(np.asarray(seq, dtype=np.int64))] += 1
        else:
            degree = np.bincount(rows, weights=vals, minlength=n_items)
        norm = np.sqrt(np.maximum(degree, 1e-12))
        sims = vals / (norm[rows] * norm[cols])
        return cls.from_coo(rows, cols, sims, n_items, top_n=top_n)

    @classmethod
    def from_coo(cls, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, n_items: int, *, top_n: int) -> "ItemNeighbours":
        """Keep the ``top_n`` largest similarities of each row."""
        order = np.lexsort((-sims, rows))
        rows, cols, sims = rows[order], cols[order], sims[order]
        starts = np.searchsorted(rows, np.arange(n_items))
        rank = np.arange(len(rows)) - starts[rows]
        keep = rank < top_n
        rows, cols, sims = rows[keep], cols[keep], sims[keep]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_items)))).astype(np.int64)
        return cls(n_items, indptr, cols.astype(np.int32), sims.astype(np.float32))

    def similarity(self, a: int, b: int) -> float:
        """Similarity of ``b`` as a neighbour of ``a`` (0 when not among a's top_n)."""
        idx = self.indices[self.indptr[a]:self.indptr[a + 1]]
        hit = np.flatnonzero(idx == b)
        return float(self.values[self.indptr[a] + hit[0]]) if len(hit) else 0.0

    def _gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(rows)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = np.repeat(starts, lengths) + offsets
        return owner, self.indices[flat], self.values[flat]

    def scores(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``sum_j weights[j] * sim(rows[j], i)`` for every item ``i`` (length ``n_items``).

        >>> nb = ItemNeighbours.from_sequences([[0, 1], [1, 2]], n_items=3, window=1)
        >>> nb.scores(np.array([1]), np.array([2.0])).round(3).tolist()
        [1.414, 0.0, 1.414]
        """
        rows = np.asarray(rows, dtype=np.int64)
        owner, idx, vals = self._gather(rows)
        return np.bincount(idx, weights=vals * np.asarray(weights, dtype=np.float64)[owner], minlength=self.n_items)

    def contributions(self, rows: np.ndarray, weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Matrix ``(len(rows), len(targets))`` of ``weights[j] * sim(rows[j], targets[t])``."""
        rows = np.asarray(rows, dtype=np.int64)
        owner, idx, vals = self._gather(rows)
        out = np.zeros((len(rows), len(targets)), dtype=np.float64)
        position = {int(t): n for n, t in enumerate(targets)}
        mask = np.isin(idx, targets)
        for o, i, v in zip(owner[mask], idx[mask], vals[mask]):
            out[o, position[int(i)]] += v * weights[o]
        return out
