"""From noisy counts to the neighbour lists that ship (pure functions).

The released similarity of item ``a`` to item ``b`` is::

    s(a, b) = c(a, b) / (norm[a] * norm[b]) + prior(a, b)      if c(a, b) > threshold
    s(a, b) = prior(a, b)                                         otherwise

where ``c`` is the noisy count, ``norm = sqrt(max(row sum of thresholded
counts, floor))`` (post-processing, no extra budget) and ``prior`` is a public
text-similarity prior (0 without one). Each row keeps
its ``top_n`` positive similarities, ties broken by the lower column.

Removing a user lowers counts only among the items it touched (``U``), so row
sums fall only there, and in every row outside ``U`` only columns in ``U``
change, and they can only go up. A row's new top list is then the best
of its old list and ``U`` (:func:`update_rows`): exact, at ``O(n_items * |U|)``
instead of ``O(n_items**2)``.

>>> counts = np.array([[0, 5, 1], [5, 0, 0], [1, 0, 0]])
>>> nb = release_neighbours(counts, np.ones(3), threshold=2, top_n=2)
>>> nb.indices.tolist(), nb.values.tolist()
([1, 0], [5.0, 5.0])
"""

from __future__ import annotations

import numpy as np

from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["normaliser", "row_sums", "release_neighbours", "row_similarities", "update_rows"]


def row_sums(counts: np.ndarray, rows: np.ndarray, threshold: float) -> np.ndarray:
    """Sum of each row's counts above ``threshold`` (float64)."""
    c = counts[np.asarray(rows, dtype=np.int64)]
    return np.where(c > threshold, c, 0).sum(axis=1).astype(np.float64)


def normaliser(sums: np.ndarray, floor: float) -> np.ndarray:
    """``sqrt(max(sums, floor))`` (float64); a larger floor damps items whose counts are mostly noise."""
    return np.sqrt(np.maximum(np.asarray(sums, dtype=np.float64), max(floor, 1e-12)))


def row_similarities(counts: np.ndarray, norm: np.ndarray, rows: np.ndarray, cols: np.ndarray, *,
                     threshold: float, prior: np.ndarray | None = None) -> np.ndarray:
    """``s(rows[i], cols[i, j])`` for a ``(R, K)`` column matrix (module docstring); -inf where ``cols < 0``."""
    safe = np.maximum(cols, 0)
    c = counts[rows[:, None], safe].astype(np.float64)
    sims = np.where(c > threshold, c, 0.0) / (norm[rows][:, None] * norm[safe])
    if prior is not None:
        sims = sims + prior[rows[:, None], safe]
    sims[(cols < 0) | (safe == rows[:, None])] = -np.inf
    return sims


def _select(cols: np.ndarray, sims: np.ndarray, top_n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    order = np.lexsort((np.where(cols < 0, np.iinfo(np.int64).max, cols), -sims), axis=-1)[:, :top_n]
    picked_cols = np.take_along_axis(cols, order, axis=-1)
    picked = np.take_along_axis(sims, order, axis=-1)
    out = []
    for c, s in zip(picked_cols, picked):
        keep = s > 0
        out.append((c[keep].astype(np.int32), s[keep].astype(np.float32)))
    return out


def _assemble(lists: list[tuple[np.ndarray, np.ndarray]], n_items: int) -> ItemNeighbours:
    lengths = np.array([len(c) for c, _ in lists], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    indices = np.concatenate([c for c, _ in lists]) if lists else np.zeros(0, np.int32)
    values = np.concatenate([s for _, s in lists]) if lists else np.zeros(0, np.float32)
    return ItemNeighbours(n_items, indptr, indices.astype(np.int32), values.astype(np.float32))


def _full_rows(counts, norm, rows, *, threshold, top_n, prior):
    n = counts.shape[0]
    cols = np.broadcast_to(np.arange(n, dtype=np.int64), (len(rows), n))
    return _select(np.array(cols), row_similarities(counts, norm, rows, cols, threshold=threshold, prior=prior), top_n)


def release_neighbours(counts: np.ndarray, norm: np.ndarray, *, threshold: float, top_n: int,
                       prior: np.ndarray | None = None, block: int = 256) -> ItemNeighbours:
    """Every row's ``top_n`` neighbours from dense symmetric ``counts`` (see module docstring)."""
    n = counts.shape[0]
    lists: list = []
    for start in range(0, n, block):
        rows = np.arange(start, min(n, start + block))
        lists += _full_rows(counts, norm, rows, threshold=threshold, top_n=top_n, prior=prior)
    return _assemble(lists, n)


def update_rows(old: ItemNeighbours, counts: np.ndarray, norm: np.ndarray, touched: np.ndarray, *,
                threshold: float, top_n: int, prior: np.ndarray | None = None) -> ItemNeighbours:
    """The release after counts and popularity fell only within ``touched`` (module docstring).

    Rows in ``touched`` are recomputed in full; every other row picks its best
    ``top_n`` among its old neighbours and ``touched``. Equal, array for array,
    to :func:`release_neighbours` on the new counts.
    """
    n = old.n_items
    touched = np.unique(np.asarray(touched, dtype=np.int64))
    lists = [(old.indices[old.indptr[r]:old.indptr[r + 1]], old.values[old.indptr[r]:old.indptr[r + 1]])
             for r in range(n)]
    if len(touched):
        for r, lst in zip(touched, _full_rows(counts, norm, touched, threshold=threshold, top_n=top_n, prior=prior)):
            lists[r] = lst
        others = np.setdiff1d(np.arange(n), touched)
        width = top_n + len(touched)
        cols = np.full((len(others), width), -1, dtype=np.int64)
        for i, r in enumerate(others):
            idx = lists[r][0].astype(np.int64)
            idx = idx[~np.isin(idx, touched)]
            cols[i, :len(idx)] = idx
        cols[:, top_n:] = touched
        sims = row_similarities(counts, norm, others, cols, threshold=threshold, prior=prior)
        for r, lst in zip(others, _select(cols, sims, top_n)):
            lists[r] = lst
    return _assemble(lists, n)
