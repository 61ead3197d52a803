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

__all__ = ["normaliser", "row_sums", "release_neighbours", "row_similarities", "text_neighbours", "text_prior",
           "update_rows"]


def row_sums(counts: np.ndarray, rows: np.ndarray, threshold: float) -> np.ndarray:
    """Sum of each row's counts above ``threshold`` (float64)."""
    c = counts[np.asarray(rows, dtype=np.int64)]
    return np.where(c > threshold, c, 0).sum(axis=1).astype(np.float64)


def normaliser(sums: np.ndarray, floor: float) -> np.ndarray:
    """``sqrt(max(sums, floor))`` (float64); a larger floor damps items whose counts are mostly noise."""
    return np.sqrt(np.maximum(np.asarray(sums, dtype=np.float64), max(floor, 1e-12)))


def row_similarities(counts: np.ndarray, norm: np.ndarray, rows: np.ndarray, cols: np.ndarray, *,
                     threshold: float, prior: np.ndarray | None = None,
                     expected: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``s(rows[i], cols[i, j])`` for a ``(R, K)`` column matrix (module docstring); -inf where ``cols < 0``.

    ``expected = (row_term, col_term)`` adds ``row_term[a] * col_term[b]`` to every
    thresholded count: shrinkage towards what independence would predict.
    """
    safe = np.maximum(cols, 0)
    c = counts[rows[:, None], safe].astype(np.float64)
    c = np.where(c > threshold, c, 0.0)
    if expected is not None:
        c = c + expected[0][rows][:, None] * expected[1][safe]
    sims = c / (norm[rows][:, None] * norm[safe])
    if prior is not None:
        sims = sims + prior[rows[:, None], safe]
    sims[(cols < 0) | (safe == rows[:, None])] = -np.inf
    return sims


def _lexsorted(cols: np.ndarray, sims: np.ndarray, top_n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((np.where(cols < 0, np.iinfo(np.int64).max, cols), -sims), axis=-1)[:, :top_n]
    return np.take_along_axis(cols, order, axis=-1), np.take_along_axis(sims, order, axis=-1)


def _select(cols: np.ndarray, sims: np.ndarray, top_n: int, slack: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best ``top_n`` (cols, sims), padded: ties by lower column; non-positive sims become -1 / 0.

    Wide rows are first cut to their ``top_n + slack`` largest values
    (``argpartition``); a row whose cut could split a tie of positive values is
    sorted in full, so the result is always that of a full sort.
    """
    width = cols.shape[1]
    if width > 2 * (top_n + slack):
        m = top_n + slack
        part = np.argpartition(-sims, m - 1, axis=-1)[:, :m]
        pc, ps = np.take_along_axis(cols, part, axis=-1), np.take_along_axis(sims, part, axis=-1)
        picked_cols, picked = _lexsorted(pc, ps, top_n)
        boundary = picked[:, -1]  # the top_n-th largest value of each row
        smallest = ps.min(axis=-1)
        redo = np.flatnonzero((boundary > 0) & (smallest >= boundary))
        if len(redo):
            picked_cols[redo], picked[redo] = _lexsorted(cols[redo], sims[redo], top_n)
    else:
        picked_cols, picked = _lexsorted(cols, sims, top_n)
    if picked.shape[1] < top_n:  # fewer candidates than top_n: pad
        pad = top_n - picked.shape[1]
        picked_cols = np.pad(picked_cols, ((0, 0), (0, pad)), constant_values=-1)
        picked = np.pad(picked, ((0, 0), (0, pad)), constant_values=-np.inf)
    keep = picked > 0
    return np.where(keep, picked_cols, -1), np.where(keep, picked, 0.0)


def _assemble(cols: np.ndarray, sims: np.ndarray) -> ItemNeighbours:
    """CSR neighbours from padded per-row (cols, sims); kept entries come first in each row."""
    keep = cols >= 0
    indptr = np.concatenate(([0], np.cumsum(keep.sum(axis=1)))).astype(np.int64)
    return ItemNeighbours(len(cols), indptr, cols[keep].astype(np.int32), sims[keep].astype(np.float32))


def _padded(nb: ItemNeighbours, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`_assemble` (float32 values widened back to float64 exactly)."""
    lengths = np.diff(nb.indptr)
    rows = np.repeat(np.arange(nb.n_items), lengths)
    pos = np.arange(len(nb.indices)) - nb.indptr[rows]
    cols = np.full((nb.n_items, width), -1, dtype=np.int64)
    sims = np.zeros((nb.n_items, width), dtype=np.float64)
    cols[rows, pos] = nb.indices
    sims[rows, pos] = nb.values
    return cols, sims


def _full_rows(counts, norm, rows, *, threshold, top_n, prior, expected=None):
    """Whole rows: the same arithmetic as :func:`row_similarities`, on row slices (no gather)."""
    n = counts.shape[0]
    c = counts[rows].astype(np.float64)
    c = np.where(c > threshold, c, 0.0)
    if expected is not None:
        c = c + expected[0][rows][:, None] * expected[1][None, :]
    sims = c / (norm[rows][:, None] * norm[None, :])
    if prior is not None:
        sims = sims + prior[rows]
    sims[np.arange(len(rows)), rows] = -np.inf
    if n <= 4 * top_n:  # narrow rows (a spectral domain block): one stable sort is the cheapest exact order
        return _sorted_full(sims, top_n)
    cols = np.array(np.broadcast_to(np.arange(n, dtype=np.int64), (len(rows), n)))
    return _select(cols, sims, top_n)


def _sorted_full(sims: np.ndarray, top_n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_select` for whole rows (column ``j`` at position ``j``): a stable sort breaks ties by the lower column."""
    order = np.argsort(-sims, axis=-1, kind="stable")[:, :top_n].astype(np.int64)
    picked = np.take_along_axis(sims, order, axis=-1)
    if picked.shape[1] < top_n:
        pad = top_n - picked.shape[1]
        order = np.pad(order, ((0, 0), (0, pad)), constant_values=-1)
        picked = np.pad(picked, ((0, 0), (0, pad)), constant_values=-np.inf)
    keep = picked > 0
    return np.where(keep, order, -1), np.where(keep, picked, 0.0)


def release_neighbours(counts: np.ndarray, norm: np.ndarray, *, threshold: float, top_n: int,
                       prior: np.ndarray | None = None, expected: tuple[np.ndarray, np.ndarray] | None = None,
                       block: int = 256) -> ItemNeighbours:
    """Every row's ``top_n`` neighbours from dense symmetric ``counts`` (see module docstring)."""
    n = counts.shape[0]
    cols = np.full((n, top_n), -1, dtype=np.int64)
    sims = np.zeros((n, top_n))
    for start in range(0, n, block):
        rows = np.arange(start, min(n, start + block))
        cols[rows], sims[rows] = _full_rows(counts, norm, rows, threshold=threshold, top_n=top_n, prior=prior,
                                            expected=expected)
    return _assemble(cols, sims)


def update_rows(old: ItemNeighbours, counts: np.ndarray, norm: np.ndarray, touched: np.ndarray, *,
                threshold: float, top_n: int, prior: np.ndarray | None = None) -> ItemNeighbours:
    """The release after counts and row sums fell only within ``touched`` (module docstring).

    Rows in ``touched`` are recomputed in full; every other row picks its best
    ``top_n`` among its old neighbours and ``touched``. Equal, array for array,
    to :func:`release_neighbours` on the new counts.
    """
    touched = np.unique(np.asarray(touched, dtype=np.int64))
    cols, sims = _padded(old, top_n)
    if len(touched):
        cols[touched], sims[touched] = _full_rows(counts, norm, touched, threshold=threshold, top_n=top_n,
                                                  prior=prior)
        others = np.setdiff1d(np.arange(old.n_items), touched)
        old_cols = cols[others]
        cand = np.concatenate([np.where(np.isin(old_cols, touched), -1, old_cols),
                               np.broadcast_to(touched, (len(others), len(touched)))], axis=1)
        new = row_similarities(counts, norm, others, cand, threshold=threshold, prior=prior)
        cols[others], sims[others] = _select(cand, new, top_n)
    return _assemble(cols, sims)


def text_neighbours(embeddings: np.ndarray, top_n: int, block: int = 256) -> ItemNeighbours:
    """Each item's ``top_n`` nearest items by cosine of public text embeddings (positive cosines only).

    Catalog text is public, so these neighbours cost no privacy budget; rows are
    computed ``block`` at a time, so memory stays ``block x items``.

    >>> nb = text_neighbours(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]), top_n=1)
    >>> nb.indices.tolist(), [round(float(v), 2) for v in nb.values]
    ([1, 0, 1], [0.8, 0.8, 0.6])
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    n = len(emb)
    cols = np.full((n, top_n), -1, dtype=np.int64)
    sims = np.zeros((n, top_n))
    for start in range(0, n, block):
        rows = np.arange(start, min(n, start + block))
        s = emb[rows] @ emb.T
        s[np.arange(len(rows)), rows] = -np.inf
        every = np.array(np.broadcast_to(np.arange(n, dtype=np.int64), s.shape))
        cols[rows], sims[rows] = _select(every, s, top_n)
    return _assemble(cols, sims)


def text_prior(embeddings: np.ndarray, top: int) -> np.ndarray:
    """Dense ``(n, n)`` prior: each item's ``top`` most text-similar items at their cosine (>= 0), else 0.

    Item text is public catalog data, so this costs no privacy budget.
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    sims = emb @ emb.T
    np.fill_diagonal(sims, -np.inf)
    keep = np.argpartition(-sims, min(top, len(sims) - 1) - 1, axis=1)[:, :top]
    prior = np.zeros_like(sims)
    rows = np.arange(len(sims))[:, None]
    prior[rows, keep] = np.maximum(sims[rows, keep], 0.0)
    return prior
